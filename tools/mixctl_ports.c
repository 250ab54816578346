/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mixctl_ports.h"

#include <stdio.h>

/* JACK2's full port name, 319 bytes, and room for mixctl_sanitize's replacements. */
#define PORTS_NAME_MAX 640

int
ports_parse(const char *cmd, int n)
{
	bool list = !strcmp(cmd, "connections");

	if (n == (list ? 0 : 2))
		return -1;
	fprintf(stderr, "mixctl: %s\n(see mixctl --help)\n",
	        list ? "connections takes no arguments"
	             : "connect and disconnect take a port of mixd's (in_1, master_L) and a "
	               "peer port (client:port)");
	return MIXCTL_USAGE;
}

/* Prints the string arguments of r, separated by spaces, made safe for a terminal. */
static void
print_strings(const struct reply *r)
{
	char buf[PORTS_NAME_MAX];

	for (int i = 0; i < r->argc; i++) {
		if (!arg_is_string(r->types[i]))
			continue;
		mixctl_sanitize(arg_s(r->argv[i]), buf, sizeof(buf));
		printf("%s%s", i ? " " : "", buf);
	}
	putchar('\n');
}

static void
list_item(void *ctx, const struct reply *r)
{
	(void)ctx;
	print_strings(r);
}

int
ports_list(struct conn *c)
{
	return conn_stream(c, "/connections", NULL, "/connections", "/connections/end", NULL,
	                   list_item, NULL);
}

/* Sends path ours peer and prints the answer (ours peer [state]). */
static int
pair_request(struct conn *c, const char *path, const char *ours, const char *peer)
{
	struct req q;
	int ret;

	req_init(&q, path, NULL);
	q.args = lo_message_new();
	if (!q.args)
		return MIXCTL_FAIL;
	lo_message_add_string(q.args, ours);
	lo_message_add_string(q.args, peer);
	ret = conn_request(c, &q);
	lo_message_free(q.args);
	if (ret != MIXCTL_OK)
		return ret;
	print_strings(&q.r);
	req_free(&q, 1);
	return MIXCTL_OK;
}

int
ports_connect(struct conn *c, const char *ours, const char *peer)
{
	return pair_request(c, "/connect", ours, peer);
}

int
ports_disconnect(struct conn *c, const char *ours, const char *peer)
{
	return pair_request(c, "/disconnect", ours, peer);
}
