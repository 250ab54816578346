/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "webport.h"

#include <stdio.h>
#include <string.h>

#include "server.h"

struct web *
webport_start(const struct options *o, const char *name, struct model *m, struct osc_server *srv,
              char *err, size_t errlen)
{
	char host[64];
	struct web_config c = {
		.host = host,
		.port = (int)o->http_port,
		.allow = &o->allow,
		.root = o->web_root,
		.name = name,
		.osc_port = osc_server_port(srv),
		.rate = o->osc_rate,
	};
	struct web *w;
	bool busy;

	err[0] = '\0';
	if (o->http_port == 0)
		return NULL;
	options_listen_host(o, host, sizeof(host));
	w = web_new(&c, m, srv, &busy, err, errlen);
	if (!w && busy && !o->http_given) {
		fprintf(stderr, "mixd: %s; running without the web port (--http-port to choose)\n",
		        err);
		err[0] = '\0';
	}
	return w;
}

void
webport_announce(const struct web *w, const struct options *o)
{
	char host[64];

	if (!w)
		return;
	options_listen_host(o, host, sizeof(host));
	if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::"))
		snprintf(host, sizeof(host), "THIS-HOST");
	fprintf(stderr, "mixd: control surface on http://%s%s%s:%d/ui/ (OSCQuery on /)%s\n",
	        strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", web_port(w),
	        web_root(w) ? "" : " -- page files not found");
}
