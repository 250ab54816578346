/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_recv: one message from an X32 client. A bare address is a get, answered to the sender
 * on the same address with the console's type; an address with one value is a set, answered
 * to no one (the /xremote clients other than the sender hear it in the tick's echo). What looks
 * like a reply (/info, /xinfo, /status with arguments, another console's) is never answered:
 * two consoles must not talk to each other forever.
 */
#include "x32_private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "x32_node.h"

/* The address of ours that `to` reaches: the bound one, or when bound to every interface the
 * one the kernel routes to it from (what /xinfo reports, as the console reports its IP). */
static void
local_ip(struct x32 *x, const struct osc_peer *to, char *out, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = osc_server_fd(x->srv);
	bool any = true;

	snprintf(out, n, "0.0.0.0");
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET)
			any = ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(INADDR_ANY);
		else if (ss.ss_family == AF_INET6)
			any = IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr);
	}
	if (any) {
		int s = socket(to->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		len = sizeof(ss);
		if (s < 0 || connect(s, (const struct sockaddr *)&to->addr, to->len) < 0 ||
		    getsockname(s, (struct sockaddr *)&ss, &len) < 0) {
			if (s >= 0)
				close(s);
			return;
		}
		close(s);
	}
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)n);
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, &a->s6_addr[12], out, (socklen_t)n);
		else
			inet_ntop(AF_INET6, a, out, (socklen_t)n);
	}
}

/* /info, /xinfo, /status: the console's exact reply formats (Maillot, "Unofficial X32/M32
 * OSC Remote Protocol"): ,ssss version name model firmware; ,ssss ip name model firmware;
 * ,sss state ip name. */
static bool
handshake(struct x32 *x, const struct osc_peer *from, const char *path)
{
	char ip[64];

	if (!strcmp(path, "/info")) {
		const char *s[] = { X32_VERSION, X32_NAME_STR, X32_MODEL, X32_FIRMWARE };
		x32_send_strings(x, from, path, s, 4);
	} else if (!strcmp(path, "/xinfo")) {
		local_ip(x, from, ip, sizeof(ip));
		const char *s[] = { ip, X32_NAME_STR, X32_MODEL, X32_FIRMWARE };
		x32_send_strings(x, from, path, s, 4);
	} else if (!strcmp(path, "/status")) {
		local_ip(x, from, ip, sizeof(ip));
		const char *s[] = { "active", ip, X32_NAME_STR };
		x32_send_strings(x, from, path, s, 3);
	} else {
		return false;
	}
	return true;
}

/* Remember that the /xremote client `slot` set idx, so its echo skips it. */
static void
mark_origin(struct x32 *x, int slot, int idx)
{
	if (slot < 0 || idx < 0 || x->n_marked == X32_ORIGIN_MAX)
		return;
	if (!x->origin[idx])
		x->marked[x->n_marked++] = (unsigned)idx;
	x->origin[idx] = (uint8_t)(slot + 1);
}

static void
mark_target(struct x32 *x, const struct osc_peer *from, const struct x32_target *t)
{
	int slot = x32_remote_find(&x->remote, from);
	char a[PARAM_ADDRESS_MAX];

	if (slot < 0)
		return;
	if (t->kind == X32_DCA_MASK || t->kind == X32_MUTE_MASK) {
		for (unsigned k = 1; k <= 8; k++) {
			snprintf(a, sizeof(a), "/strip/%u/%s/%u", t->strip + 1,
			         t->kind == X32_DCA_MASK ? "dca" : "mutegroup", k);
			mark_origin(x, slot, params_find(x->ps, a));
		}
		return;
	}
	mark_origin(x, slot, t->idx);
}

static int
value_of(char type, lo_arg *arg, struct x32_value *v)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	switch (type) {
	case 'i':
		v->i = arg->i;
		return 0;
	case 'f':
		v->f = arg->f;
		return 0;
	case 's':
		if (strlen(&arg->s) >= sizeof(v->s))
			return -E2BIG;
		snprintf(v->s, sizeof(v->s), "%s", &arg->s);
		return 0;
	default:
		return -EINVAL;
	}
}

void
x32_on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
               lo_arg **argv, int argc)
{
	struct x32 *x = ctx;
	struct x32_target t;
	struct x32_value v;

	x->st.messages++;
	if (!strcmp(path, "/info") || !strcmp(path, "/xinfo") || !strcmp(path, "/status")) {
		if (argc == 0)
			handshake(x, from, path);
		else
			x->st.ignored++; /* a console's reply, not a request */
		return;
	}
	if (!strcmp(path, "/xremote")) {
		if (x32_remote_renew(&x->remote, from, clock_ns()) < 0)
			x->st.remote_refused++;
		return;
	}
	if (!strcmp(path, "/node")) {
		char line[512];

		if (argc == 1 && types[0] == 's' &&
		    x32_node(x->m, x->ps, (const char *)argv[0], line, sizeof(line)) == 0) {
			/* the console answers on "node", without a slash */
			const char *s[] = { line };

			x->st.gets++;
			x32_send_strings(x, from, "node", s, 1);
		} else {
			x->st.unknown++;
		}
		return;
	}
	if (x32_subs_message(x, from, path, types, argv, argc, clock_ns()))
		return;
	if (x32_resolve(x->ps, path, &t) < 0) {
		x->st.unknown++; /* the console too answers nothing for an address it has not */
		return;
	}
	if (argc == 0) {
		x->st.gets++;
		if (t.kind == X32_CLEARSOLO)
			return; /* an action has no value to get */
		x32_get(x, &t, &v);
		x32_send_value(x, from, path, &v);
		return;
	}
	if (argc != 1 || value_of(types[0], argv[0], &v) < 0) {
		x->st.rejected++;
		return;
	}
	switch (x32_set(x, &t, &v)) {
	case 0:
		x->st.sets++;
		mark_target(x, from, &t);
		break;
	case -ENOENT:
		x->st.ignored++; /* the console has it; mixd gives it no meaning */
		break;
	default:
		x->st.rejected++;
		break;
	}
}
