/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32: the Behringer X32 personality behind osc/personality.h, on a UDP port of its own
 * (--x32-port, 10023 on the console; off unless given). The port is an osc_server of its own
 * (server.h): bound on mixd's host, the same allowlist, per-peer token buckets and per-host send
 * budget, bundles unwrapped, malformed datagrams dropped, and nothing sent to itself; replies
 * are also never sent to mixd's control port (selfaddr.h), so a spoofed sender cannot make the
 * two ports talk to each other.
 */
#include "x32_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "personality.h"

static bool
to_self(struct x32 *x, const struct osc_peer *to)
{
	if (x->have_ctl_self &&
	    selfaddr_is_self(&x->ctl_self, (const struct sockaddr *)&to->addr)) {
		x->st.self++;
		return true;
	}
	return false;
}

static int
send_message(struct x32 *x, const struct osc_peer *to, const char *path, lo_message msg)
{
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = to_self(x, to) ? -ELOOP : osc_server_send(x->srv, to, path, msg);
	lo_message_free(msg);
	if (ret < 0)
		x->st.send_errors++;
	else
		x->st.sent++;
	return ret;
}

int
x32_send_value(struct x32 *x, const struct osc_peer *to, const char *path,
               const struct x32_value *v)
{
	lo_message msg = lo_message_new();

	if (msg && v) {
		if (v->type == 'i')
			lo_message_add_int32(msg, v->i);
		else if (v->type == 'f')
			lo_message_add_float(msg, v->f);
		else
			lo_message_add_string(msg, v->s);
	}
	return send_message(x, to, path, msg);
}

int
x32_send_blob(struct x32 *x, const struct osc_peer *to, const char *path, const void *data,
              size_t len)
{
	lo_message msg = lo_message_new();
	lo_blob b = lo_blob_new((int32_t)len, data);

	if (msg && b)
		lo_message_add_blob(msg, b);
	if (b)
		lo_blob_free(b);
	return send_message(x, to, path, msg);
}

int
x32_send_strings(struct x32 *x, const struct osc_peer *to, const char *path,
                 const char *const *strs, unsigned n)
{
	lo_message msg = lo_message_new();

	for (unsigned i = 0; msg && i < n; i++)
		lo_message_add_string(msg, strs[i]);
	return send_message(x, to, path, msg);
}

static void
destroy(void *p)
{
	struct x32 *x = p;

	if (!x)
		return;
	osc_server_free(x->srv);
	x32_subs_free(x);
	free(x->origin);
	free(x->mask_sent);
	free(x->send_saved);
	x32_remote_free(&x->remote);
	free(x);
}

static void *
create(const struct personality_env *env, char *err, size_t errlen)
{
	const char *host = env->bind_host ? env->bind_host : "0.0.0.0";
	char listen[96];
	struct x32 *x;

	err[0] = '\0';
	if (env->port <= 0)
		return NULL; /* off: not asked for */
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "x32: out of memory");
		return NULL;
	}
	x->m = env->m;
	x->ps = model_params(env->m);
	x->origin = calloc(params_count(x->ps), 1);
	x->mask_sent = calloc(params_n_strips(x->ps), 1);
	if (!x->origin || !x->mask_sent || x32_sends_init(x) < 0 ||
	    x32_remote_init(&x->remote) < 0 || x32_subs_init(x) < 0) {
		snprintf(err, errlen, "x32: out of memory");
		destroy(x);
		return NULL;
	}
	snprintf(listen, sizeof(listen), strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, env->port);
	x->srv = osc_server_new(listen, env->allow, x32_on_message, x, err, errlen);
	if (!x->srv) {
		char why[128];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "x32: %s", why);
		destroy(x);
		return NULL;
	}
	osc_server_set_rate_limit(x->srv, env->rate_limit, 0);
	if (env->srv)
		x->have_ctl_self = selfaddr_load(&x->ctl_self, osc_server_fd(env->srv)) == 0;
	return x;
}

static int
fd(const void *p)
{
	return osc_server_fd(((const struct x32 *)p)->srv);
}

static void
receive(void *p)
{
	osc_server_receive(((struct x32 *)p)->srv, X32_RECEIVE_MAX);
}

static void
tick(void *p, const struct feedback_frame *f)
{
	x32_echo(p, f->changed, f->n_changed, f->now_ns);
	x32_subs_tick(p, f);
}

static unsigned
stats(const void *p, struct dispatch_stat *out, unsigned max)
{
	const struct x32 *x = p;
	struct osc_server_stats s;
	unsigned n;

	osc_server_get_stats(x->srv, &s);
	const struct dispatch_stat all[] = {
		{ "x32_messages", x->st.messages },
		{ "x32_gets", x->st.gets },
		{ "x32_sets", x->st.sets },
		{ "x32_rejected", x->st.rejected },
		{ "x32_unknown", x->st.unknown },
		{ "x32_ignored", x->st.ignored },
		{ "x32_sent", x->st.sent },
		{ "x32_send_errors", x->st.send_errors },
		{ "x32_remotes", x32_remote_count(&x->remote) },
		{ "x32_remote_refused", x->st.remote_refused },
		{ "x32_subs", x32_subs_count(x) },
		{ "x32_subs_refused", x->st.subs_refused },
		{ "x32_malformed", s.malformed },
		{ "x32_not_allowed", s.not_allowed },
		{ "x32_rate_limited", s.rate_limited },
		{ "x32_over_budget", s.over_budget },
		{ "x32_self", s.self + x->st.self },
	};
	for (n = 0; n < sizeof(all) / sizeof(all[0]) && n < max; n++)
		out[n] = all[n];
	return n;
}

const struct personality_ops x32_personality = {
	.name = "x32",
	.port_option = "x32-port",
	.port_default = 10023,
	.create = create,
	.fd = fd,
	.receive = receive,
	.tick = tick,
	.stats = stats,
	.free = destroy,
};
