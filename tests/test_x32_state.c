/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The X32 personality's state (osc/x32/): a send's switch with its saved level
 * (x32_sends.c), the /xremote clients and the subscriptions as entries of the one peer table
 * (peers.h), and discovery: /xinfo broadcast on loopback answered to the sender alone.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "allow.h"
#include "model.h"
#include "params.h"
#include "peer.h"
#include "personality.h"
#include "ring.h"
#include "x32.h"
#include "x32_law.h"
#include "x32_map.h"
#include "x32_private.h"
#include "x32_remote.h"
#include "x32_fixture.h"

static float
param(struct fixture *fx, const char *address)
{
	return model_get(fx->m, (unsigned)params_find(fx->ps, address));
}
/* A send's switch: off remembers the level and silences the send, a level set while off is
 * remembered and stays silent, on brings the remembered level back, a level set elsewhere
 * switches the send on (x32_sends.c). */
static int
xset(struct x32 *x, const char *path, struct x32_value v)
{
	struct x32_target t;

	ck_assert_int_eq(x32_resolve(x->ps, path, &t), 0);
	return x32_set(x, &t, &v);
}

static struct x32_value
xget(struct x32 *x, const char *path)
{
	struct x32_target t;
	struct x32_value v;

	ck_assert_int_eq(x32_resolve(x->ps, path, &t), 0);
	x32_get(x, &t, &v);
	return v;
}

START_TEST(send_switch)
{
	struct fixture fx;
	struct x32 x = { 0 };
	const struct x32_value on = { .type = 'i', .i = 1 }, off = { .type = 'i', .i = 0 };
	const char *lvl = "/strip/2/send/aux/3/level";
	/* 0.75 is not on the grid: the nearest step, 767/1023, is -0.01 dB */
	const float unity = x32_fader_to_db(x32_grid(0.75f, X32_FADER_STEPS));
	unsigned idx;
	float half;

	open_console(&fx);
	x.m = fx.m;
	x.ps = fx.ps;
	ck_assert_int_eq(x32_sends_init(&x), 0);
	idx = (unsigned)params_find(fx.ps, lvl);
	/* the default send is at -inf: on reads 0, and on 1 with nothing remembered moves nothing
	 */
	ck_assert_int_eq(xget(&x, "/ch/02/mix/03/on").i, 0);
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", on), 0);
	ck_assert(isinf(param(&fx, lvl)) || param(&fx, lvl) <= -90.0f);
	ck_assert_int_eq(
	    xset(&x, "/ch/02/mix/03/level", (struct x32_value){ .type = 'f', .f = 0.75f }), 0);
	ck_assert_float_eq_tol(param(&fx, lvl), unity, 1e-6f);
	ck_assert_int_eq(xget(&x, "/ch/02/mix/03/on").i, 1);
	/* off: silent, the level remembered; a get of the level answers the remembered one */
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", off), 0);
	ck_assert(x32_level_is_off(fx.ps, idx, param(&fx, lvl)));
	ck_assert_int_eq(xget(&x, "/ch/02/mix/03/on").i, 0);
	ck_assert_float_eq(xget(&x, "/ch/02/mix/03/level").f, x32_grid(0.75f, X32_FADER_STEPS));
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", off), 0); /* twice: still remembered */
	/* a level set while off is remembered and stays silent */
	ck_assert_int_eq(
	    xset(&x, "/ch/02/mix/03/level", (struct x32_value){ .type = 'f', .f = 0.5f }), 0);
	ck_assert(x32_level_is_off(fx.ps, idx, param(&fx, lvl)));
	ck_assert_float_eq(xget(&x, "/ch/02/mix/03/level").f, x32_grid(0.5f, X32_FADER_STEPS));
	ck_assert_int_eq(
	    xset(&x, "/ch/02/mix/03/level", (struct x32_value){ .type = 'f', .f = 2.0f }), -ERANGE);
	/* on: the remembered level comes back */
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", (struct x32_value){ .type = 'f', .f = 1.0f }),
	                 0);
	half = param(&fx, lvl);
	ck_assert_float_eq_tol(half, x32_fader_to_db(x32_grid(0.5f, X32_FADER_STEPS)), 1e-4f);
	ck_assert_int_eq(xget(&x, "/ch/02/mix/03/on").i, 1);
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", (struct x32_value){ .type = 'i', .i = 2 }),
	                 -ERANGE);
	/* off, then a level set elsewhere (the control port) above -inf switches the send on */
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", off), 0);
	ck_assert_int_eq(model_set(fx.m, idx, -6.0f), 0);
	x32_sends_changed(&x, idx);
	ck_assert_int_eq(xget(&x, "/ch/02/mix/03/on").i, 1);
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", on), 0);
	ck_assert_float_eq(param(&fx, lvl), -6.0f);
	/* another send's switch is its own */
	ck_assert_int_eq(xset(&x, "/ch/02/mix/03/on", off), 0);
	ck_assert_int_eq(
	    xset(&x, "/ch/02/mix/04/level", (struct x32_value){ .type = 'f', .f = 0.75f }), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/2/send/aux/4/level"), unity, 1e-6f);
	/* a channel or bus past mixd's: the console's constant, on */
	ck_assert_int_eq(xget(&x, "/ch/02/mix/16/on").i, 1);
	free(x.send_saved);
	close_console(&fx);
}
END_TEST

static struct osc_peer
peer(const char *ip, unsigned port)
{
	struct osc_peer p = { .len = sizeof(struct sockaddr_in) };
	struct sockaddr_in *a = (struct sockaddr_in *)&p.addr;

	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	return p;
}

START_TEST(remote_table)
{
	struct x32_remote r = { 0 };
	const uint64_t s = 1000000000ull;
	struct osc_peer a = peer("10.0.0.1", 1000);

	ck_assert_int_eq(x32_remote_init(&r), 0);
	ck_assert_int_ge(x32_remote_renew(&r, &a, 1 * s), 0);
	ck_assert_int_eq(x32_remote_renew(&r, &a, 2 * s), x32_remote_find(&r, &a));
	ck_assert_uint_eq(x32_remote_count(&r), 1);
	ck_assert(osc_peer_equal(x32_remote_at(&r, (unsigned)x32_remote_find(&r, &a)), &a));
	/* one host: at most X32_REMOTE_PER_HOST slots, its oldest gives way */
	for (unsigned p = 1; p <= 2 * X32_REMOTE_PER_HOST; p++) {
		struct osc_peer b = peer("10.0.0.1", 1000 + p);

		ck_assert_int_ge(x32_remote_renew(&r, &b, (2 + p) * s / 10 + 2 * s), 0);
	}
	ck_assert_uint_eq(x32_remote_count(&r), X32_REMOTE_PER_HOST);
	ck_assert_int_lt(x32_remote_find(&r, &a), 0);
	/* other hosts fill the rest */
	for (unsigned h = 2; h < 2 + X32_REMOTE_MAX - X32_REMOTE_PER_HOST; h++) {
		char ip[16];

		snprintf(ip, sizeof(ip), "10.0.0.%u", h);
		struct osc_peer b = peer(ip, 5000);
		ck_assert_int_ge(x32_remote_renew(&r, &b, 3 * s), 0);
	}
	ck_assert_uint_eq(x32_remote_count(&r), X32_REMOTE_MAX);
	/* the peer table's one policy (peers.h): a stranger takes the place of the host holding
	 * more than its share, that host's least recently renewed client, until every host holds
	 * one; then the table is fairly shared and a stranger is refused, not let in over them */
	for (unsigned h = 99; h > 99 - (X32_REMOTE_PER_HOST - 1); h--) {
		char ip[16];

		snprintf(ip, sizeof(ip), "10.0.0.%u", h);
		struct osc_peer z = peer(ip, 1);
		ck_assert_int_ge(x32_remote_renew(&r, &z, 4 * s), 0);
		ck_assert_uint_eq(x32_remote_count(&r), X32_REMOTE_MAX);
	}
	{
		struct osc_peer oldest = peer("10.0.0.1", 1000 + X32_REMOTE_PER_HOST + 1);
		struct osc_peer newest = peer("10.0.0.1", 1000 + 2 * X32_REMOTE_PER_HOST);
		struct osc_peer z = peer("10.0.0.50", 1);

		ck_assert_int_lt(x32_remote_find(&r, &oldest), 0);
		ck_assert_int_ge(x32_remote_find(&r, &newest), 0);
		ck_assert_int_lt(x32_remote_renew(&r, &z, 4 * s), 0);
		/* leases end 10 s after the last renewal */
		ck_assert_uint_eq(x32_remote_expire(&r, 12 * s), 0);
		ck_assert_uint_eq(x32_remote_expire(&r, 13 * s + 1),
		                  X32_REMOTE_MAX - (X32_REMOTE_PER_HOST - 1));
		ck_assert_uint_eq(x32_remote_expire(&r, 14 * s + 1), X32_REMOTE_PER_HOST - 1);
		ck_assert_uint_eq(x32_remote_count(&r), 0);
		ck_assert_int_ge(x32_remote_renew(&r, &z, 15 * s), 0);
	}
	x32_remote_free(&r);
}
END_TEST
/* One subscription request from `from`, as the receive path hands it over. */
static int
sub_msg(struct x32 *x, const struct osc_peer *from, const char *path, lo_message m, uint64_t now)
{
	int r = x32_subs_message(x, from, path, lo_message_get_types(m), lo_message_get_argv(m),
	                         lo_message_get_argc(m), now);

	lo_message_free(m);
	return r;
}

/* The subscriptions in the one peer table: per-host quota, a name renewed not doubled, the
 * meter accumulators bounded and freed again, /unsubscribe. */
START_TEST(subs_table)
{
	struct fixture fx;
	struct x32 x = { 0 };
	const uint64_t s = 1000000000ull;
	lo_message m;

	open_console(&fx);
	x.m = fx.m;
	x.ps = fx.ps;
	ck_assert_int_eq(x32_subs_init(&x), 0);
	for (unsigned p = 0; p < X32_SUBS_PER_HOST + 4; p++) {
		struct osc_peer a = peer("10.0.0.1", 1000 + p);

		m = lo_message_new();
		lo_message_add_string(m, "/ch/01/mix/fader");
		lo_message_add_int32(m, 1);
		ck_assert_int_eq(sub_msg(&x, &a, "/subscribe", m, s + p), 1);
	}
	ck_assert_uint_eq(x32_subs_count(&x), X32_SUBS_PER_HOST);
	{
		struct osc_peer a = peer("10.0.0.1", 1000 + X32_SUBS_PER_HOST + 3);

		/* the same name again: renewed, not a second entry */
		m = lo_message_new();
		lo_message_add_string(m, "/ch/01/mix/fader");
		ck_assert_int_eq(sub_msg(&x, &a, "/subscribe", m, 2 * s), 1);
		ck_assert_uint_eq(x32_subs_count(&x), X32_SUBS_PER_HOST);
		/* meters: X32_METER_SUBS accumulators, then refused */
		for (unsigned b = 0; b <= X32_METER_SUBS; b++) {
			struct osc_peer h = peer("10.0.0.2", 2000 + b);

			m = lo_message_new();
			lo_message_add_string(m, "/meters/1");
			ck_assert_int_eq(sub_msg(&x, &h, "/meters", m, 2 * s), 1);
		}
		ck_assert_uint_eq(x32_subs_count(&x), X32_SUBS_PER_HOST + X32_METER_SUBS);
		ck_assert_uint_eq(x.st.subs_refused, 1);
		/* /unsubscribe of one name ends the sender's subscription of it */
		m = lo_message_new();
		lo_message_add_string(m, "/ch/01/mix/fader");
		ck_assert_int_eq(sub_msg(&x, &a, "/unsubscribe", m, 3 * s), 1);
		ck_assert_uint_eq(x32_subs_count(&x), X32_SUBS_PER_HOST + X32_METER_SUBS - 1);
	}
	/* a meter place freed makes room for another meter subscription */
	{
		struct osc_peer h = peer("10.0.0.2", 2000);

		m = lo_message_new();
		ck_assert_int_eq(sub_msg(&x, &h, "/unsubscribe", m, 3 * s), 1);
		h = peer("10.0.0.3", 1);
		m = lo_message_new();
		lo_message_add_string(m, "/meters/2");
		ck_assert_int_eq(sub_msg(&x, &h, "/meters", m, 3 * s), 1);
		ck_assert_uint_eq(x.st.subs_refused, 1);
	}
	x32_subs_free(&x);
	close_console(&fx);
}
END_TEST

/* Companion's discovery: /xinfo broadcast to the X32 port. With the port bound to every
 * interface, a broadcast on loopback (127.255.255.255, Linux's broadcast route for 127/8)
 * reaches it, and the answer goes to the sender alone, from the X32 port, without mixd's
 * socket needing SO_BROADCAST. */
START_TEST(xinfo_broadcast)
{
	const struct personality_ops *o = &x32_personality;
	struct fixture fx;
	struct allowlist allow;
	struct sockaddr_in me = { .sin_family = AF_INET }, to = { .sin_family = AF_INET }, from;
	socklen_t len = sizeof(me), flen = sizeof(from);
	char err[128];
	uint8_t buf[512];
	size_t blen = sizeof(buf);
	int fd, port, on = 1, bc = -1, res;
	ssize_t got;
	void *p;
	lo_message m = lo_message_new();

	open_console(&fx);
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.0/8", NULL, 0), 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)),
	                 0); /* 0.0.0.0: a free port */
	getsockname(fd, (struct sockaddr *)&me, &len);
	port = ntohs(me.sin_port);
	close(fd);
	struct personality_env env = {
		.m = fx.m, .n_strips = 8, .bind_host = "0.0.0.0", .allow = &allow, .port = port
	};
	p = o->create(&env, err, sizeof(err));
	ck_assert_msg(p != NULL, "create: %s", err);
	len = sizeof(bc);
	ck_assert_int_eq(getsockopt(o->fd(p), SOL_SOCKET, SO_BROADCAST, &bc, &len), 0);
	ck_assert_int_eq(bc, 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)), 0);
	me.sin_port = 0;
	me.sin_addr.s_addr = htonl(INADDR_ANY);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	to.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.255.255.255", &to.sin_addr);
	lo_message_serialise(m, "/xinfo", buf, &blen);
	lo_message_free(m);
	ck_assert_int_eq(sendto(fd, buf, blen, 0, (struct sockaddr *)&to, sizeof(to)),
	                 (ssize_t)blen);
	usleep(20000);
	o->receive(p);
	{
		struct timeval tv = { .tv_usec = 200000 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	got = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	ck_assert_msg(got > 0, "no /xinfo answer to a broadcast");
	/* from the X32 port's own address, to us alone (a unicast reply comes from 127.0.0.1) */
	ck_assert_int_eq(ntohs(from.sin_port), port);
	ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
	ck_assert_str_eq((const char *)buf, "/xinfo");
	m = lo_message_deserialise(buf, (size_t)got, &res);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(lo_message_get_types(m), "ssss");
	ck_assert_str_eq(&lo_message_get_argv(m)[0]->s, "127.0.0.1"); /* the address that reached */
	lo_message_free(m);
	close(fd);
	o->free(p);
	close_console(&fx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("x32_state");
	TCase *tc = tcase_create("state");

	tcase_add_test(tc, send_switch);
	tcase_add_test(tc, remote_table);
	tcase_add_test(tc, subs_table);
	tcase_add_test(tc, xinfo_broadcast);
	suite_add_tcase(s, tc);
	return check_run(s);
}
