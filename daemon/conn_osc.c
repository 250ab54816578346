/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "conn_osc.h"

#include <errno.h>
#include <string.h>

#include "args.h"
#include "connections.h"

static void
list(struct conn_osc *o, const struct osc_peer *from)
{
	unsigned n = connections_count(o->c);
	lo_message m;

	for (unsigned i = 0; i < n; i++) {
		enum connections_state st;
		const char *ours, *peer;

		connections_get(o->c, i, &ours, &peer, &st);
		m = lo_message_new();
		if (m) {
			lo_message_add_string(m, ours);
			lo_message_add_string(m, peer);
			lo_message_add_string(m, connections_state_name(st));
		}
		dispatch_reply(o->d, from, "/connections", m);
	}
	m = lo_message_new();
	if (m)
		lo_message_add_int32(m, (int32_t)n);
	dispatch_reply(o->d, from, "/connections/end", m);
}

bool
conn_osc_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                 lo_arg **argv, int argc)
{
	struct conn_osc *o = ctx;
	bool connect = !strcmp(path, "/connect");
	enum connections_state st = CONNECTIONS_PENDING;
	const char *ours, *peer;
	char err[256];
	lo_message m;
	int ret;

	if (!strcmp(path, "/connections")) {
		if (argc)
			dispatch_reply_error(o->d, from, path, "expected no argument");
		else
			list(o, from);
		return true;
	}
	if (!connect && strcmp(path, "/disconnect"))
		return false;
	if (argc != 2 || !osc_arg_is_string(types[0]) || !osc_arg_is_string(types[1])) {
		dispatch_reply_error(o->d, from, path,
		                     "expected two port names: one of mixd's, and its peer");
		return true;
	}
	ours = (const char *)argv[0];
	peer = (const char *)argv[1];
	ret = connect ? connections_connect(o->c, ours, peer, &st, err, sizeof(err))
	              : connections_disconnect(o->c, ours, peer, err, sizeof(err));
	if (ret) {
		dispatch_reply_error(o->d, from, path, err);
		return true;
	}
	m = lo_message_new();
	if (m) {
		lo_message_add_string(m, ours);
		lo_message_add_string(m, peer);
		if (connect)
			lo_message_add_string(m, connections_state_name(st));
	}
	dispatch_reply(o->d, from, path, m);
	return true;
}
