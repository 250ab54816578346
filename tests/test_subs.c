/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Native subscriptions (subs.h) in one process: the real osc_server on 127.0.0.1:0, dispatch,
 * the model and subs, and surfaces that are plain UDP sockets on 127.0.0.x speaking
 * liblo-serialised OSC. The console side is driven by hand: the test reads the control socket
 * (osc_server_receive) and calls subs_tick with frames whose time it sets, so ten seconds of
 * leases or meters take no wall time.
 *
 * Delivery is made deterministic without sleeping: the console reads until it has seen every
 * datagram the surfaces sent, and a surface reads until a marker the console sends after the
 * tick (a datagram on loopback from one socket to another is not reordered).
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "feedback.h"
#include "meters.h"
#include "model.h"
#include "outbox.h"
#include "params.h"
#include "ring.h"
#include "subs.h"

#include "console.h"
#include "udp_peer.h"

#define N_STRIPS 32
#define TICK_NS  10000000ull               /* 10 ms, as mixd's main loop */
#define T0       (1000ull * 1000000000ull) /* the first tick: 1000 s of uptime */
#define SEC      1000000000ull
#define MARK     "/test/mark" /* the end of what a tick sent */

/* ---- the console ---- */

static struct console con;
static struct subs *subs;
static unsigned *changed;
static struct meter_frame fresh; /* what the next tick reports as the meters since the last */
static float loudness[DISPATCH_LOUDNESS_N];
static uint64_t now_ns; /* the time of the next tick */
static uint64_t n_sent; /* datagrams the surfaces sent to the console */

static void
hook_loudness(void *ctx, float out[DISPATCH_LOUDNESS_N])
{
	memcpy(out, loudness, sizeof(loudness));
}

static unsigned n_aux_up; /* aux buses of the next console_up */

static void
console_up(void)
{
	const struct dispatch_hooks hooks = { .loudness = hook_loudness };

	console_open_aux(&con, N_STRIPS, n_aux_up, &hooks);
	subs = subs_new(con.m, con.srv, con.d);
	ck_assert_ptr_nonnull(subs);
	ck_assert_int_eq(dispatch_add_handler(con.d, subs_message, subs), 0);
	changed = calloc(params_count(con.ps), sizeof(*changed));
	ck_assert_ptr_nonnull(changed);
	meters_clear(&fresh);
	for (int i = 0; i < DISPATCH_LOUDNESS_N; i++)
		loudness[i] = -144.0f;
	now_ns = T0;
	n_sent = 0;
}

static void
console_down(void)
{
	subs_free(subs);
	console_close(&con);
	free(changed);
}

/* One tick of the main loop at now_ns: this tick's changes, the meters in `fresh`, the
 * loudness; then the clock moves on 10 ms. */
static void
tick(void)
{
	struct feedback_frame f = { .now_ns = now_ns, .changed = changed, .fresh = &fresh };
	unsigned idx;

	while (f.n_changed < params_count(con.ps) && model_pop_change(con.m, &idx))
		changed[f.n_changed++] = idx;
	memcpy(f.loudness, loudness, sizeof(loudness));
	subs_tick(subs, &f);
	meters_clear(&fresh);
	now_ns += TICK_NS;
}

/* Ticks until the next tick is the one at time t. */
static void
run_until(uint64_t t)
{
	while (now_ns < t)
		tick();
}

/* Reads the control socket until every datagram the surfaces sent has been handled. */
static void
pump(void)
{
	struct pollfd p = { .fd = osc_server_fd(con.srv), .events = POLLIN };
	struct osc_server_stats st;

	for (;;) {
		osc_server_get_stats(con.srv, &st);
		if (st.datagrams >= n_sent)
			break;
		if (!osc_server_receive(con.srv, 256))
			ck_assert_msg(poll(&p, 1, 2000) == 1, "a datagram to the console is lost");
	}
	ck_assert_uint_eq(st.datagrams, n_sent);
}

static struct subs_stats
stats(void)
{
	struct subs_stats st;

	subs_get_stats(subs, &st);
	return st;
}

static unsigned
idx(const char *address)
{
	return console_idx(&con, address);
}

/* ---- surfaces ---- */

static struct udp_peer
surface_new(const char *addr)
{
	return udp_peer_open(addr, osc_server_port(con.srv));
}

/* Sends one message from surface c to the console (not yet read: see pump). */
static void
vsay(const struct udp_peer *c, const char *path, const char *types, va_list ap)
{
	udp_peer_vsend(c, path, types, ap);
	n_sent++;
}

static void
say(const struct udp_peer *c, const char *path, const char *types, ...)
{
	va_list ap;

	va_start(ap, types);
	vsay(c, path, types, ap);
	va_end(ap);
}

/* Everything surface c has been sent so far: the console sends c a marker, c reads up to it.
 * Asserts every datagram fits OUTBOX_MAX_DATAGRAM. */
static struct udp_inbox *
drain(const struct udp_peer *c)
{
	static struct udp_inbox boxes[4];
	static unsigned next;
	struct udp_inbox *in = &boxes[next++ % 4];
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	lo_message mark = lo_message_new();
	uint8_t buf[65536];

	udp_inbox_clear(in);
	ck_assert_int_eq(osc_server_send(con.srv, &c->peer, MARK, mark), 0);
	lo_message_free(mark);
	for (;;) {
		ssize_t len = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (len < 0) {
			ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s",
			              strerror(errno));
			ck_assert_msg(poll(&p, 1, 2000) == 1, "the marker did not arrive");
			continue;
		}
		if (!strcmp((const char *)buf, MARK))
			return in;
		ck_assert_msg((size_t)len <= OUTBOX_MAX_DATAGRAM, "a datagram of %zd bytes", len);
		if ((size_t)len > in->max_size)
			in->max_size = (size_t)len;
		in->datagrams++;
		udp_inbox_decode(in, buf, (size_t)len);
	}
}

/* Sends one message from c, lets the console handle it, and returns what c got back. */
static struct udp_inbox *
vask(const struct udp_peer *c, const char *path, const char *types, va_list ap)
{
	vsay(c, path, types, ap);
	pump();
	return drain(c);
}

static struct udp_inbox *
ask(const struct udp_peer *c, const char *path, const char *types, ...)
{
	struct udp_inbox *in;
	va_list ap;

	va_start(ap, types);
	in = vask(c, path, types, ap);
	va_end(ap);
	return in;
}

static unsigned
count(const struct udp_inbox *in, const char *path)
{
	unsigned n = 0;

	for (unsigned i = 0; i < in->n; i++)
		n += !strcmp(in->msg[i].path, path);
	return n;
}

static const struct udp_msg *
find(const struct udp_inbox *in, const char *path)
{
	for (unsigned i = 0; i < in->n; i++)
		if (!strcmp(in->msg[i].path, path))
			return &in->msg[i];
	return NULL;
}

static bool
is_meter(const char *path)
{
	return !strncmp(path, "/meter/", 7) || !strcmp(path, "/loudness");
}

/* Messages that are parameter values (not meters). */
static unsigned
n_values(const struct udp_inbox *in)
{
	unsigned n = 0;

	for (unsigned i = 0; i < in->n; i++)
		n += !is_meter(in->msg[i].path);
	return n;
}

static unsigned
n_meters(const struct udp_inbox *in)
{
	return in->n - n_values(in);
}

/* The one reply to a request: asserts there is exactly one, at path. */
static const struct udp_msg *
reply(const struct udp_inbox *in, const char *path, const char *types)
{
	ck_assert_msg(in->n == 1, "%u replies, wanted one %s", in->n, path);
	ck_assert_str_eq(in->msg[0].path, path);
	ck_assert_str_eq(in->msg[0].types, types);
	return &in->msg[0];
}

static void
assert_ack(const struct udp_inbox *in, const char *prefix, int hz)
{
	const struct udp_msg *r = reply(in, "/subscribe", "sif");

	ck_assert_str_eq(r->a[0].s, prefix);
	ck_assert_int_eq(r->a[1].i, hz);
	ck_assert_float_eq(r->a[2].f, 10.0f);
}

static void
assert_error(const struct udp_inbox *in, const char *address)
{
	const struct udp_msg *r = reply(in, "/error", "ss");

	ck_assert_str_eq(r->a[0].s, address);
	ck_assert(r->a[1].s[0] != '\0');
}

/* The console reads what the surfaces sent and ticks once; returns what c then got. */
static struct udp_inbox *
settle(const struct udp_peer *c)
{
	pump();
	tick();
	return drain(c);
}

/* Subscribes c to the changes under prefix (0 Hz: no meters) and consumes the snapshot the
 * next tick sends it. */
static void
subscribe_changes(const struct udp_peer *c, const char *prefix)
{
	assert_ack(ask(c, "/subscribe", "si", prefix, 0), prefix, 0);
	tick();
	drain(c);
}

/* Sends /subscribe with these arguments from c and asserts the one reply is an /error. */
static void
refuse(const struct udp_peer *c, const char *types, ...)
{
	va_list ap;

	va_start(ap, types);
	assert_error(vask(c, "/subscribe", types, ap), "/subscribe");
	va_end(ap);
}

/* ---- tests ---- */

START_TEST(ack_normalises_prefix_and_rate)
{
	struct udp_peer a = surface_new("127.0.0.1");
	struct subs_stats st;

	assert_ack(ask(&a, "/subscribe", "s", "/strip/3/"), "/strip/3", 20);
	assert_ack(ask(&a, "/subscribe", "s", "/strip/3//"), "/strip/3", 20); /* the same one */
	assert_ack(ask(&a, "/subscribe", "si", "/strip/4", 100), "/strip/4", 50);
	assert_ack(ask(&a, "/subscribe", "sf", "/strip/5", 51.0), "/strip/5", 50);
	assert_ack(ask(&a, "/subscribe", "si", "/strip/6", 0), "/strip/6", 0);
	assert_ack(ask(&a, "/subscribe", "sf", "/strip/7", 7.4), "/strip/7", 7);
	assert_ack(ask(&a, "/subscribe", "sf", "/strip/8", 0.2), "/strip/8", 1); /* not "off" */
	assert_ack(ask(&a, "/subscribe", "i", 30), "/", 30);
	assert_ack(ask(&a, "/subscribe", ""), "/", 20); /* the same one again, a new rate */
	st = stats();
	ck_assert_uint_eq(st.active, 7);
	ck_assert_uint_eq(st.started, 7);
	ck_assert_uint_eq(st.renewed, 2);
	ck_assert_uint_eq(st.refused, 0);
}
END_TEST

/* The first tick after a subscription sends every value under the prefix, once, as a get reply
 * carries it; the next tick sends nothing. */
START_TEST(snapshot_is_exactly_the_prefix)
{
	struct udp_peer a = surface_new("127.0.0.1");
	unsigned want = 0, got = 0;
	struct udp_inbox *in;

	/* counted without the module's own prefix rule: every address of strip 3 */
	for (unsigned i = 0; i < params_count(con.ps); i++)
		want += !strncmp(params_at(con.ps, i)->address, "/strip/3/", 9);
	ck_assert_uint_eq(want, 48);
	ck_assert_int_eq(model_set_string(con.m, idx("/strip/3/name"), "Kick"), 0);
	ck_assert_int_eq(model_set(con.m, idx("/strip/3/fader"), -7.5), 0);
	ck_assert_int_eq(model_set(con.m, idx("/strip/30/fader"), -9.0), 0);
	tick(); /* those changes predate the subscription */
	drain(&a);

	assert_ack(ask(&a, "/subscribe", "si", "/strip/3/", 0), "/strip/3", 0);
	tick();
	in = drain(&a);
	ck_assert_uint_eq(n_meters(in), 0); /* 0 Hz: changes only */
	for (unsigned i = 0; i < params_count(con.ps); i++) {
		const struct param *p = params_at(con.ps, i);
		const struct udp_msg *r;

		if (strncmp(p->address, "/strip/3/", 9)) {
			ck_assert_msg(!find(in, p->address), "%s is not under /strip/3",
			              p->address);
			continue;
		}
		ck_assert_msg(count(in, p->address) == 1, "%s %u times", p->address,
		              count(in, p->address));
		r = find(in, p->address);
		ck_assert_uint_eq(strlen(r->types), 1);
		ck_assert_int_eq(r->types[0], param_wire_type(p->d));
		if (p->d->type == PARAM_FLOAT)
			ck_assert_float_eq(r->a[0].f, model_get(con.m, i));
		else if (p->d->type == PARAM_INT)
			ck_assert_int_eq(r->a[0].i, (int)model_get(con.m, i));
		got++;
	}
	ck_assert_uint_eq(got, want);
	ck_assert_uint_eq(in->n, want);
	ck_assert_str_eq(find(in, "/strip/3/name")->a[0].s, "Kick");
	ck_assert_float_eq(find(in, "/strip/3/fader")->a[0].f, -7.5f);
	ck_assert_str_eq(find(in, "/strip/3/eq/1/type")->a[0].s, "lowshelf");
	ck_assert_str_eq(find(in, "/strip/3/eq/4/type")->a[0].s, "highshelf");
	ck_assert_uint_ge(in->max_per_bundle, 2);

	tick();
	ck_assert_uint_eq(drain(&a)->datagrams, 0);
}
END_TEST

/* 1617 values under "/": 1000 on the first tick, the rest on the second, each exactly once, in
 * datagrams of at most 1472 bytes that each carry many messages. */
START_TEST(snapshot_is_paced)
{
	struct udp_peer a = surface_new("127.0.0.1");
	unsigned n = params_count(con.ps);
	unsigned char *seen = calloc(n, 1);
	struct udp_inbox *in;
	struct subs_stats st;
	unsigned total = 0, want;

	ck_assert_uint_eq(n, 1617);
	assert_ack(ask(&a, "/subscribe", "si", "/", 0), "/", 0);
	for (int t = 0; t < 3; t++) {
		tick();
		in = drain(&a);
		want = t == 0 ? 1000 : t == 1 ? n - 1000 : 0;
		ck_assert_uint_eq(in->n, want);
		for (unsigned i = 0; i < in->n; i++) {
			int k = params_find(con.ps, in->msg[i].path);
			ck_assert_msg(k >= 0, "%s", in->msg[i].path);
			ck_assert_msg(!seen[k], "%s twice", in->msg[i].path);
			seen[k] = 1;
		}
		total += in->n;
		if (t == 0) {
			/* ~40 bytes a value: full bundles carry dozens */
			ck_assert_uint_ge(in->max_per_bundle, 20);
			ck_assert_uint_le(in->datagrams, 1000 / 20);
			ck_assert_uint_ge(in->max_size, OUTBOX_MAX_DATAGRAM - 100);
		}
	}
	ck_assert_uint_eq(total, n);
	st = stats();
	ck_assert_uint_eq(st.messages, n);
	ck_assert_uint_eq(st.send_errors, 0);
	free(seen);
}
END_TEST

/* A set from one surface reaches, on the next tick, exactly the subscribers whose prefix covers
 * it, in whole path segments: "/strip/2" is not "/strip/25", "/strip/1" is not "/strip/10". */
START_TEST(changes_reach_covering_prefixes_only)
{
	struct udp_peer a = surface_new("127.0.0.1"), c = surface_new("127.0.0.1");
	struct udp_peer all = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	struct udp_inbox *in;

	assert_ack(ask(&a, "/subscribe", "si", "/strip/2", 0), "/strip/2", 0);
	assert_ack(ask(&c, "/subscribe", "si", "/strip/1", 0), "/strip/1", 0);
	assert_ack(ask(&all, "/subscribe", "si", "/", 0), "/", 0);
	tick();
	tick();
	drain(&a);
	drain(&c);
	drain(&all);

	say(&b, "/strip/2/fader", "f", -6.0);
	say(&b, "/strip/25/fader", "f", -3.0);
	say(&b, "/strip/20/mute", "i", 1);
	say(&b, "/strip/1/pan", "f", 0.5);
	say(&b, "/strip/10/pan", "f", -0.5);
	say(&b, "/strip/16/pan", "f", -0.25);
	say(&b, "/master/fader", "f", -1.0);
	pump();
	ck_assert_uint_eq(drain(&a)->n, 0); /* nothing before the tick */
	tick();

	in = drain(&a);
	ck_assert_uint_eq(in->n, 1);
	ck_assert_str_eq(in->msg[0].path, "/strip/2/fader");
	ck_assert_str_eq(in->msg[0].types, "f");
	ck_assert_float_eq(in->msg[0].a[0].f, -6.0f);

	in = drain(&c);
	ck_assert_uint_eq(in->n, 1);
	ck_assert_str_eq(in->msg[0].path, "/strip/1/pan");
	ck_assert_float_eq(in->msg[0].a[0].f, 0.5f);

	in = drain(&all);
	ck_assert_uint_eq(in->n, 7);
	ck_assert_uint_eq(in->datagrams, 1); /* one bundle */
	ck_assert_int_eq(find(in, "/strip/20/mute")->a[0].i, 1);
	ck_assert_float_eq(find(in, "/strip/16/pan")->a[0].f, -0.25f);
	ck_assert_float_eq(find(in, "/master/fader")->a[0].f, -1.0f);

	/* the setter, not subscribed, gets nothing back from its sets */
	ck_assert_uint_eq(drain(&b)->n, 0);
	tick();
	ck_assert_uint_eq(drain(&all)->n, 0);
}
END_TEST

/* A value moved 100 times between ticks arrives once, with its last value; changes arrive
 * oldest first. */
START_TEST(changes_coalesce_to_last_value)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	struct udp_inbox *in;

	subscribe_changes(&a, "/strip/3");

	say(&b, "/strip/3/mute", "i", 1);
	for (int k = 1; k <= 100; k++)
		say(&b, "/strip/3/fader", "f", -0.25 * k);
	say(&b, "/strip/3/pan", "f", 0.75);
	in = settle(&a);
	ck_assert_uint_eq(in->n, 3);
	ck_assert_str_eq(in->msg[0].path, "/strip/3/mute");
	ck_assert_str_eq(in->msg[1].path, "/strip/3/fader");
	ck_assert_float_eq(in->msg[1].a[0].f, -25.0f);
	ck_assert_str_eq(in->msg[2].path, "/strip/3/pan");

	/* a set to the current value is no change */
	say(&b, "/strip/3/pan", "f", 0.75);
	ck_assert_uint_eq(settle(&a)->n, 0);
}
END_TEST

/* Strings and enums arrive as strings, ints as ints. */
START_TEST(strings_and_enums_arrive_as_strings)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	struct udp_inbox *in;

	assert_ack(ask(&a, "/subscribe", "si", "/", 0), "/", 0);
	tick();
	tick();
	drain(&a);

	say(&b, "/strip/3/name", "s", "Kick \"in\"");
	say(&b, "/strip/3/eq/2/type", "s", "highshelf");
	say(&b, "/strip/3/eq/3/type", "i", 0); /* by index, as a tablet sends it */
	say(&b, "/bus/delay/division", "s", "1/8d");
	say(&b, "/strip/3/hpf/slope", "f", 24.0);
	in = settle(&a);
	ck_assert_uint_eq(in->n, 5);
	ck_assert_str_eq(find(in, "/strip/3/name")->types, "s");
	ck_assert_str_eq(find(in, "/strip/3/name")->a[0].s, "Kick \"in\"");
	ck_assert_str_eq(find(in, "/strip/3/eq/2/type")->types, "s");
	ck_assert_str_eq(find(in, "/strip/3/eq/2/type")->a[0].s, "highshelf");
	ck_assert_str_eq(find(in, "/strip/3/eq/3/type")->a[0].s, "off");
	ck_assert_str_eq(find(in, "/bus/delay/division")->types, "s");
	ck_assert_str_eq(find(in, "/bus/delay/division")->a[0].s, "1/8d");
	ck_assert_str_eq(find(in, "/strip/3/hpf/slope")->types, "i");
	ck_assert_int_eq(find(in, "/strip/3/hpf/slope")->a[0].i, 24);
}
END_TEST

/* Meters at the asked rate over 10 s of 10 ms ticks (renewed half way), whatever the rate's
 * relation to the tick. */
START_TEST(meters_at_the_asked_rate)
{
	static const int hz[] = { 30, 20, 50, 7, 1 };
	enum { N = sizeof(hz) / sizeof(hz[0]) };
	struct udp_peer s[N];
	unsigned n[N] = { 0 };

	for (int k = 0; k < N; k++) {
		char want[16];
		s[k] = surface_new("127.0.0.1");
		snprintf(want, sizeof(want), "/strip/%d", k + 1);
		/* odd ones ask with a float, as a tablet would */
		if (k % 2)
			assert_ack(ask(&s[k], "/subscribe", "sf", want, (double)hz[k]), want,
			           hz[k]);
		else
			assert_ack(ask(&s[k], "/subscribe", "si", want, hz[k]), want, hz[k]);
	}
	for (int t = 0; t < 1000; t++) {
		if (t == 500)
			for (int k = 0; k < N; k++) {
				char want[16];
				snprintf(want, sizeof(want), "/strip/%d", k + 1);
				assert_ack(ask(&s[k], "/subscribe", "si", want, hz[k]), want,
				           hz[k]);
			}
		tick();
		for (int k = 0; k < N; k++) {
			char meter[32];
			struct udp_inbox *in = drain(&s[k]);
			snprintf(meter, sizeof(meter), "/meter/strip/%d", k + 1);
			n[k] += count(in, meter);
			ck_assert_uint_eq(n_meters(in), count(in, meter));
		}
	}
	for (int k = 0; k < N; k++)
		ck_assert_msg(n[k] + 1 >= 10u * hz[k] && n[k] <= 10u * hz[k] + 1,
		              "%d Hz: %u meters in 10 s", hz[k], n[k]);
}
END_TEST

/* /meter/master/multiband reaches a subscriber of /master only while the multiband is in:
 * nothing while it is off, the bands' gain reduction (the max since the last send) once on. */
START_TEST(multiband_meter_while_on)
{
	struct udp_peer a = surface_new("127.0.0.1");
	struct udp_inbox *in;
	const struct udp_msg *r;

	assert_ack(ask(&a, "/subscribe", "si", "/master", 50), "/master", 50);
	for (int t = 0; t < 10; t++) {
		fresh.master_mb_gr[1] = 4.0f;
		tick();
	}
	in = drain(&a);
	ck_assert_ptr_null(find(in, "/meter/master/multiband"));
	ck_assert_int_eq(model_set(con.m, idx("/master/multiband/on"), 1.0), 0);
	for (int t = 0; t < 10; t++) {
		fresh.master_mb_gr[0] = 1.0f;
		fresh.master_mb_gr[1] = 4.0f;
		tick();
	}
	in = drain(&a);
	r = find(in, "/meter/master/multiband");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->types, "fff");
	ck_assert_float_eq(r->a[0].f, 1.0f);
	ck_assert_float_eq(r->a[1].f, 4.0f);
	ck_assert_float_eq(r->a[2].f, 0.0f);
}
END_TEST

/* A peak that lasts one tick reaches every subscriber once, at its own next send, however far
 * apart their sends are; the sends around it read silence. */
START_TEST(meters_carry_the_max_since_each_send)
{
	struct udp_peer fast = surface_new("127.0.0.1"), slow = surface_new("127.0.0.2");
	struct udp_peer master = surface_new("127.0.0.3");
	unsigned peaks[2] = { 0 }, sends[2] = { 0 }, master_peaks = 0, master_sends = 0;
	const struct udp_peer *s[2] = { &fast, &slow };

	assert_ack(ask(&fast, "/subscribe", "si", "/strip/3", 50), "/strip/3", 50);
	assert_ack(ask(&slow, "/subscribe", "si", "/strip/3", 7), "/strip/3", 7);
	assert_ack(ask(&master, "/subscribe", "si", "/master", 50), "/master", 50);
	for (int t = 0; t < 60; t++) {
		if (t == 23) {
			fresh.peak[2] = 0.5f;
			fresh.gr[2] = 3.0f;
			fresh.rms[2] = 0.25f;
			fresh.master_peak[0] = 1.0f;
			fresh.master_peak[1] = 0.5f;
			fresh.master_tp = 1.0f;
			fresh.master_gr = 1.5f;
			fresh.master_comp_gr = 2.5f;
			for (int i = 0; i < DISPATCH_LOUDNESS_N; i++)
				loudness[i] = -20.0f + (float)i;
		}
		tick();
		for (int k = 0; k < 2; k++) {
			struct udp_inbox *in = drain(s[k]);
			for (unsigned i = 0; i < in->n; i++) {
				const struct udp_msg *r = &in->msg[i];
				if (strcmp(r->path, "/meter/strip/3"))
					continue;
				ck_assert_str_eq(r->types, "fff");
				sends[k]++;
				if (r->a[0].f > -144.0f) {
					peaks[k]++;
					ck_assert_float_eq_tol(r->a[0].f, -6.0206f, 1e-3f);
					ck_assert_float_eq_tol(r->a[1].f, -12.0412f, 1e-3f);
					ck_assert_float_eq(r->a[2].f, 3.0f);
				} else {
					ck_assert_float_eq(r->a[0].f, -144.0f);
					ck_assert_float_eq(r->a[2].f, 0.0f);
				}
			}
		}
		{
			struct udp_inbox *in = drain(&master);
			const struct udp_msg *r = find(in, "/meter/master"),
			                     *l = find(in, "/loudness");

			ck_assert((r == NULL) == (l == NULL));
			if (!r)
				continue;
			master_sends++;
			ck_assert_str_eq(r->types, "fffff");
			ck_assert_str_eq(l->types, "fffffff");
			if (r->a[0].f > -144.0f) {
				master_peaks++;
				ck_assert_float_eq_tol(r->a[0].f, 0.0f, 1e-4f);
				ck_assert_float_eq_tol(r->a[1].f, -6.0206f, 1e-3f);
				ck_assert_float_eq_tol(r->a[2].f, 0.0f, 1e-4f);
				ck_assert_float_eq(r->a[3].f, 1.5f);
				ck_assert_float_eq(r->a[4].f, 2.5f);
			} else {
				ck_assert_float_eq(r->a[2].f, -144.0f);
				ck_assert_float_eq(r->a[3].f, 0.0f);
			}
			/* loudness is the reading of the tick, not a maximum */
			for (int i = 0; i < DISPATCH_LOUDNESS_N; i++)
				ck_assert_float_eq(l->a[i].f,
				                   t >= 23 ? -20.0f + (float)i : -144.0f);
		}
	}
	ck_assert_uint_eq(peaks[0], 1);
	ck_assert_uint_eq(peaks[1], 1);
	ck_assert_uint_eq(master_peaks, 1);
	/* 600 ms at 50 Hz and 7 Hz */
	ck_assert_uint_ge(sends[0], 29);
	ck_assert_uint_le(sends[0], 31);
	ck_assert_uint_ge(master_sends, 29);
	ck_assert_uint_ge(sends[1], 4);
	ck_assert_uint_le(sends[1], 5);
}
END_TEST

/* Which meters a prefix brings: those whose address it covers or whose object it covers. */
START_TEST(meters_follow_the_prefix)
{
	static const struct {
		const char *prefix;
		const char *meters; /* the meter addresses the first tick brings, space-separated */
		bool values;        /* whether it brings parameter values too */
	} cases[] = {
		{ "/strip/3", "/meter/strip/3", true },
		{ "/strip/1", "/meter/strip/1", true },
		{ "/master", "/meter/master /loudness", true },
		{ "/master/loudness", "/loudness", true },
		{ "/bus/reverb", "/meter/bus/reverb", true },
		{ "/monitor", "/meter/monitor", true },
		{ "/meter/strip/3", "/meter/strip/3", false },
		{ "/meter/bus", "/meter/bus/reverb /meter/bus/delay /meter/bus/chorus", false },
		/* the rule of subs.h: /loudness measures /master, not anything under /meter */
		{ "/meter",
		  "ALL_STRIPS /meter/bus/reverb /meter/bus/delay /meter/bus/chorus /meter/monitor "
		  "/meter/master",
		  false },
		{ "/strip", "ALL_STRIPS", true },
		{ "/",
		  "ALL_STRIPS /meter/bus/reverb /meter/bus/delay /meter/bus/chorus /meter/monitor "
		  "/meter/master /loudness",
		  true },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct udp_peer s = surface_new("127.0.0.1");
		char want[2048] = " ", path[32];
		const char *list = cases[c].meters;
		unsigned n_want = 0;
		struct udp_inbox *in;

		if (!strncmp(list, "ALL_STRIPS", 10)) {
			for (int k = 1; k <= N_STRIPS; k++) {
				snprintf(path, sizeof(path), "/meter/strip/%d ", k);
				strcat(want, path);
			}
			list += 10;
		}
		strcat(want, list);
		strcat(want, " ");
		for (const char *p = want; *p; p++)
			n_want += *p == '/' && p[-1] == ' ';
		assert_ack(ask(&s, "/subscribe", "si", cases[c].prefix, 50), cases[c].prefix, 50);
		tick();
		in = drain(&s);
		for (unsigned i = 0; i < in->n; i++) {
			const char *a = in->msg[i].path;
			char key[48];
			if (!is_meter(a)) {
				ck_assert_msg(cases[c].values, "%s: value %s", cases[c].prefix, a);
				ck_assert_msg(param_prefix_covers(cases[c].prefix,
				                                  strlen(cases[c].prefix), a),
				              "%s: %s", cases[c].prefix, a);
				continue;
			}
			snprintf(key, sizeof(key), " %s ", a);
			ck_assert_msg(strstr(want, key), "%s: unexpected %s", cases[c].prefix, a);
			ck_assert_uint_eq(count(in, a), 1);
		}
		ck_assert_msg(n_meters(in) == n_want, "%s: %u meters, want %u", cases[c].prefix,
		              n_meters(in), n_want);
		ck_assert_msg((n_values(in) > 0) == cases[c].values, "%s: %u values",
		              cases[c].prefix, n_values(in));
		ck_assert_int_eq(ask(&s, "/unsubscribe", "")->msg[0].a[0].i, 1);
		close(s.fd);
	}
}
END_TEST

/* The lease runs 10 s from the subscription: the tick 10 ms before still serves it, the tick at
 * 10 s drops it and counts it expired. */
START_TEST(lease_lapses_after_10_s)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	const uint64_t t_sub = now_ns - TICK_NS; /* the last tick: the lease starts there */
	struct udp_inbox *in;

	subscribe_changes(&a, "/strip/3");
	run_until(t_sub + SUBS_LEASE_NS - TICK_NS);
	say(&b, "/strip/3/fader", "f", -1.0);
	in = settle(&a);
	ck_assert_uint_eq(in->n, 1);
	ck_assert_float_eq(in->msg[0].a[0].f, -1.0f);
	ck_assert_uint_eq(stats().expired, 0);

	ck_assert_uint_eq(now_ns, t_sub + SUBS_LEASE_NS);
	say(&b, "/strip/3/fader", "f", -2.0);
	ck_assert_uint_eq(settle(&a)->n, 0);
	ck_assert_uint_eq(stats().expired, 1);
	ck_assert_uint_eq(stats().active, 0);

	/* sent again, it is a new subscription: a new snapshot */
	assert_ack(ask(&a, "/subscribe", "si", "/strip/3", 0), "/strip/3", 0);
	tick();
	in = drain(&a);
	ck_assert_uint_eq(in->n, 48);
	ck_assert_float_eq(find(in, "/strip/3/fader")->a[0].f, -2.0f);
	ck_assert_uint_eq(stats().started, 2);
}
END_TEST

/* A renewal before the lease ends keeps the subscription 10 s from the renewal, gets only the
 * acknowledgement (no second snapshot) and may change the rate. */
START_TEST(renewal_extends_the_lease)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	uint64_t t_renew;
	struct udp_inbox *in;

	subscribe_changes(&a, "/strip/3");
	run_until(now_ns + 5 * SEC);
	t_renew = now_ns - TICK_NS;
	assert_ack(ask(&a, "/subscribe", "si", "/strip/3", 0), "/strip/3", 0);
	tick();
	ck_assert_uint_eq(drain(&a)->n, 0); /* no second snapshot */

	/* past the first lease's end, before the renewed one's */
	run_until(t_renew + SUBS_LEASE_NS - TICK_NS);
	say(&b, "/strip/3/mute", "i", 1);
	in = settle(&a);
	ck_assert_uint_eq(in->n, 1);
	ck_assert_str_eq(in->msg[0].path, "/strip/3/mute");
	ck_assert_uint_eq(stats().expired, 0);
	ck_assert_uint_eq(stats().renewed, 1);

	say(&b, "/strip/3/mute", "i", 0);
	ck_assert_uint_eq(settle(&a)->n, 0);
	ck_assert_uint_eq(stats().expired, 1);
	ck_assert_uint_eq(stats().active, 0);
}
END_TEST

/* A /subscribe that arrives before the console's first tick (mixd starts reading its socket
 * before its timer first fires) is served like any other: the lease counts from the first
 * tick, not from time zero. */
START_TEST(subscription_before_the_first_tick)
{
	struct udp_peer a = surface_new("127.0.0.1");
	struct udp_inbox *in;

	assert_ack(ask(&a, "/subscribe", "si", "/strip/3", 50), "/strip/3", 50);
	tick(); /* at T0, 1000 s of uptime */
	in = drain(&a);
	ck_assert_uint_eq(n_values(in), 48);
	ck_assert_uint_eq(count(in, "/meter/strip/3"), 1);
	ck_assert_uint_eq(stats().expired, 0);
	run_until(T0 + SUBS_LEASE_NS - TICK_NS);
	ck_assert_int_eq(model_set(con.m, idx("/strip/3/fader"), -1.0), 0);
	tick();
	ck_assert_uint_eq(count(drain(&a), "/strip/3/fader"), 1);
	ck_assert_uint_eq(stats().active, 1);
	ck_assert_int_eq(model_set(con.m, idx("/strip/3/fader"), -2.0), 0);
	tick();
	ck_assert_uint_eq(drain(&a)->n, 0);
	ck_assert_uint_eq(stats().expired, 1);
}
END_TEST

START_TEST(unsubscribe)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	const struct udp_msg *r;
	struct udp_inbox *in;

	for (int k = 1; k <= 3; k++) {
		char p[16];
		snprintf(p, sizeof(p), "/strip/%d", k);
		assert_ack(ask(&a, "/subscribe", "si", p, 0), p, 0);
	}
	assert_ack(ask(&b, "/subscribe", "si", "/strip/1", 0), "/strip/1", 0);
	tick();
	drain(&a);
	drain(&b);

	r = reply(ask(&a, "/unsubscribe", "s", "/strip/2/"), "/unsubscribe", "i");
	ck_assert_int_eq(r->a[0].i, 1);
	r = reply(ask(&a, "/unsubscribe", "s", "/strip/9"), "/unsubscribe", "i");
	ck_assert_int_eq(r->a[0].i, 0);
	ck_assert_uint_eq(stats().active, 3);
	r = reply(ask(&a, "/unsubscribe", ""), "/unsubscribe", "i");
	ck_assert_int_eq(r->a[0].i, 2); /* a's two left, not b's */
	assert_error(ask(&a, "/unsubscribe", "i", 3), "/unsubscribe");
	assert_error(ask(&a, "/unsubscribe", "s", "strip"), "/unsubscribe");
	assert_error(ask(&a, "/unsubscribe", "ss", "/strip/1", "/strip/2"), "/unsubscribe");
	ck_assert_uint_eq(stats().active, 1);
	ck_assert_uint_eq(stats().ended, 3);

	say(&b, "/strip/1/fader", "f", -3.0);
	say(&b, "/strip/2/fader", "f", -3.0);
	ck_assert_uint_eq(settle(&a)->n, 0);
	in = drain(&b);
	ck_assert_uint_eq(in->n, 1);
	ck_assert_str_eq(in->msg[0].path, "/strip/1/fader");
}
END_TEST

/* The table's policy: a host (any port) holds SUBS_PER_HOST; its next replaces its own that
 * lapses first. Four hosts fill the table; a fifth takes places from the host with the most
 * until the table is shared fairly, then is refused. A renewal works when full; one that
 * covers nothing takes no place; an ended one frees its place. */
START_TEST(table_full)
{
	struct udp_peer h[5];
	char p[16], addr[16];

	ck_assert_int_eq(SUBS_MAX, 32);
	ck_assert_int_eq(SUBS_PER_HOST, 8);
	for (int k = 0; k < 5; k++) {
		snprintf(addr, sizeof(addr), "127.0.0.%d", k + 1);
		h[k] = surface_new(addr);
	}
	for (int k = 1; k <= SUBS_PER_HOST + 1; k++) {
		snprintf(p, sizeof(p), "/strip/%d", k);
		assert_ack(ask(&h[0], "/subscribe", "si", p, 0), p, 0);
	}
	ck_assert_uint_eq(stats().active, SUBS_PER_HOST);
	ck_assert_uint_eq(stats().evicted, 1); /* its /strip/1, the first to lapse */
	for (int k = 1; k < 4; k++)
		for (int j = 1; j <= SUBS_PER_HOST; j++) {
			snprintf(p, sizeof(p), "/strip/%d", j);
			assert_ack(ask(&h[k], "/subscribe", "si", p, 0), p, 0);
		}
	ck_assert_uint_eq(stats().active, SUBS_MAX);
	/* the fifth host: places from the others while they hold more than it would */
	for (int j = 1; j <= 6; j++) {
		snprintf(p, sizeof(p), "/strip/%d", j);
		assert_ack(ask(&h[4], "/subscribe", "si", p, 0), p, 0);
	}
	ck_assert_uint_eq(stats().active, SUBS_MAX);
	ck_assert_uint_eq(stats().evicted, 1 + 6);
	/* now the others hold 6 or 7 and the fifth 6: none has more than the fifth would with
	 * one more, so the table is shared fairly and the next is refused */
	assert_error(ask(&h[4], "/subscribe", "s", "/strip/7"), "/subscribe");
	assert_error(ask(&h[4], "/subscribe", "s", "/strip/99"), "/subscribe"); /* covers nothing */
	ck_assert_uint_eq(stats().refused, 2);
	assert_ack(ask(&h[4], "/subscribe", "si", "/strip/5", 10), "/strip/5", 10); /* renewal */
	ck_assert_uint_eq(stats().renewed, 1);
	ck_assert_int_eq(
	    reply(ask(&h[4], "/unsubscribe", "s", "/strip/5"), "/unsubscribe", "i")->a[0].i, 1);
	assert_ack(ask(&h[4], "/subscribe", "s", "/master"), "/master", 20);
	ck_assert_uint_eq(stats().active, SUBS_MAX);
}
END_TEST

/* 32 ports of one host cannot lock a real surface out: they share that host's 8 places. */
START_TEST(ports_cannot_lock_out)
{
	struct udp_peer flood[SUBS_MAX], real = surface_new("127.0.0.2");

	for (int k = 0; k < SUBS_MAX; k++) {
		flood[k] = surface_new("127.0.0.1");
		assert_ack(ask(&flood[k], "/subscribe", "si", "/strip/1", 0), "/strip/1", 0);
	}
	ck_assert_uint_eq(stats().active, SUBS_PER_HOST);
	assert_ack(ask(&real, "/subscribe", "si", "/strip/2", 20), "/strip/2", 20);
	ck_assert_uint_eq(stats().active, SUBS_PER_HOST + 1);
}
END_TEST

/* Bad arguments get /error and change nothing: no subscription made, the existing one keeps
 * its rate and lease. */
START_TEST(bad_arguments_change_nothing)
{
	struct udp_peer a = surface_new("127.0.0.1");
	char long_prefix[80];
	struct subs_stats before, after;

	memset(long_prefix, 'x', sizeof(long_prefix) - 1);
	long_prefix[0] = '/';
	long_prefix[sizeof(long_prefix) - 1] = '\0';
	subscribe_changes(&a, "/strip/3");
	before = stats();

	refuse(&a, "is", 3, "x");
	refuse(&a, "s", "noslash");
	refuse(&a, "s", "");
	refuse(&a, "s", "/strip/*");
	refuse(&a, "s", "/strip/{1,2}");
	refuse(&a, "s", "/strip/3 x");
	refuse(&a, "s", "/strip/3\t");
	refuse(&a, "s", long_prefix);
	refuse(&a, "si", "/strip/3", -1);
	refuse(&a, "sf", "/strip/3", -0.5);
	refuse(&a, "sf", "/strip/3", (double)NAN);
	refuse(&a, "sf", "/strip/3", (double)INFINITY);
	refuse(&a, "ss", "/strip/3", "20");
	refuse(&a, "sii", "/strip/3", 20, 1);
	refuse(&a, "i", -5);
	/* prefixes that cover nothing of this console */
	refuse(&a, "s", "/strip/33");
	refuse(&a, "s", "/nothing");
	refuse(&a, "s", "/stri");
	refuse(&a, "s", "/strip/3/fader/x");
	refuse(&a, "s", "/meter/strip/33");

	after = stats();
	ck_assert_uint_eq(after.refused, before.refused + 20);
	ck_assert_uint_eq(after.active, before.active);
	ck_assert_uint_eq(after.started, before.started);
	ck_assert_uint_eq(after.renewed, before.renewed);
	/* the existing subscription is still changes-only: no meters, no new snapshot */
	for (int t = 0; t < 10; t++) {
		tick();
		ck_assert_uint_eq(drain(&a)->n, 0);
	}
	/* a single parameter is a prefix that covers something: its value, and no meter */
	assert_ack(ask(&a, "/subscribe", "si", "/strip/3/fader", 20), "/strip/3/fader", 20);
	tick();
	{
		struct udp_inbox *in = drain(&a);
		ck_assert_uint_eq(in->n, 1);
		ck_assert_str_eq(in->msg[0].path, "/strip/3/fader");
	}
}
END_TEST

/* A subscriber whose socket is gone, or whose sends fail, costs the others nothing: every tick
 * still serves them, and failed sends are counted. */
START_TEST(vanished_subscriber)
{
	struct udp_peer gone = surface_new("127.0.0.1"), b = surface_new("127.0.0.2");
	struct sockaddr_in *dead;
	struct osc_peer nowhere;
	uint8_t buf[256];
	size_t len = sizeof(buf);
	lo_message lm = lo_message_new();
	struct timespec t0, t1;
	unsigned got = 0, meters;

	/* a peer the kernel refuses to send to (port 0): its every datagram is a send error */
	memset(&nowhere, 0, sizeof(nowhere));
	dead = (struct sockaddr_in *)(void *)&nowhere.addr;
	dead->sin_family = AF_INET;
	dead->sin_port = 0;
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.9", &dead->sin_addr), 1);
	nowhere.len = sizeof(*dead);
	lo_message_add_string(lm, "/strip/1");
	lo_message_add_int32(lm, 50);
	ck_assert_ptr_nonnull(lo_message_serialise(lm, "/subscribe", buf, &len));
	lo_message_free(lm);
	ck_assert_int_eq(osc_server_inject(con.srv, &nowhere, buf, len), 1);
	n_sent++;

	assert_ack(ask(&gone, "/subscribe", "si", "/", 50), "/", 50);
	close(gone.fd);
	assert_ack(ask(&b, "/subscribe", "si", "/strip/2", 50), "/strip/2", 50);
	ck_assert_uint_eq(stats().active, 3);
	tick(); /* the snapshots */
	meters = count(drain(&b), "/meter/strip/2");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int t = 0; t < 100; t++) {
		struct udp_inbox *in;
		say(&b, "/strip/2/fader", "f", -0.1 * (t + 1));
		pump();
		tick();
		in = drain(&b);
		meters += count(in, "/meter/strip/2");
		got += count(in, "/strip/2/fader") == 1 &&
		       fabsf(find(in, "/strip/2/fader")->a[0].f - (float)(-0.1 * (t + 1))) < 1e-6f;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_uint_eq(got, 100);
	ck_assert_msg(t1.tv_sec - t0.tv_sec < 5, "100 ticks took %ld s",
	              (long)(t1.tv_sec - t0.tv_sec));
	/* the port-0 peer: its snapshot (48 values) and its meters (as many as b's, subscribed
	 * at the same tick at the same rate), every one lost */
	ck_assert_uint_ge(meters, 50);
	ck_assert_uint_eq(stats().send_errors, 48 + meters);
	ck_assert_uint_eq(stats().active, 3);
}
END_TEST

/* A console with three aux buses. */
static void
console_up_aux(void)
{
	n_aux_up = 3;
	console_up();
	n_aux_up = 0;
}

/* /meter/aux/K reaches a subscriber of /aux/K or of /meter/aux, with the bus's peaks and RMS
 * per side in dBFS; a bus outside the prefix sends none. */
START_TEST(aux_meters_follow_the_prefix)
{
	struct udp_peer a = surface_new("127.0.0.1"), b = surface_new("127.0.0.1");
	struct udp_inbox *in;
	const struct udp_msg *mm;

	tick();
	assert_ack(ask(&a, "/subscribe", "si", "/aux/2", 50), "/aux/2", 50);
	assert_ack(ask(&b, "/subscribe", "si", "/meter/aux", 50), "/meter/aux", 50);
	fresh.aux_peak[1][0] = 0.5f;
	fresh.aux_peak[1][1] = 0.25f;
	fresh.aux_rms[1][0] = 0.1f;
	fresh.aux_rms[1][1] = 0.05f;
	tick();
	in = drain(&a);
	ck_assert_uint_eq(n_meters(in), 1);
	mm = find(in, "/meter/aux/2");
	ck_assert_ptr_nonnull(mm);
	ck_assert_str_eq(mm->types, "ffff");
	ck_assert_float_eq_tol(mm->a[0].f, -6.0206f, 1e-3f);
	ck_assert_float_eq_tol(mm->a[1].f, -12.0412f, 1e-3f);
	ck_assert_float_eq_tol(mm->a[2].f, -20.0f, 1e-3f);
	ck_assert_float_eq_tol(mm->a[3].f, -26.0206f, 1e-3f);
	ck_assert_ptr_nonnull(find(in, "/aux/2/fader")); /* and the bus's values */
	ck_assert_ptr_null(find(in, "/aux/1/fader"));
	in = drain(&b);
	ck_assert_uint_eq(n_meters(in), 3);
	ck_assert_ptr_nonnull(find(in, "/meter/aux/1"));
	ck_assert_ptr_nonnull(find(in, "/meter/aux/3"));
	ck_assert_ptr_null(find(in, "/meter/aux/4"));
	ck_assert_uint_eq(n_values(in), 0);
}
END_TEST

static Suite *
subs_suite(void)
{
	Suite *s = suite_create("subs");
	TCase *tc = tcase_create("subs");
	TCase *first = tcase_create("first_tick");

	/* most cases start after the console's first tick, as a running mixd is */
	tcase_add_checked_fixture(tc, console_up, console_down);
	tcase_add_checked_fixture(tc, tick, NULL);
	tcase_add_test(tc, ack_normalises_prefix_and_rate);
	tcase_add_test(tc, snapshot_is_exactly_the_prefix);
	tcase_add_test(tc, snapshot_is_paced);
	tcase_add_test(tc, changes_reach_covering_prefixes_only);
	tcase_add_test(tc, changes_coalesce_to_last_value);
	tcase_add_test(tc, strings_and_enums_arrive_as_strings);
	tcase_add_test(tc, meters_at_the_asked_rate);
	tcase_add_test(tc, meters_carry_the_max_since_each_send);
	tcase_add_test(tc, meters_follow_the_prefix);
	tcase_add_test(tc, multiband_meter_while_on);
	tcase_add_test(tc, lease_lapses_after_10_s);
	tcase_add_test(tc, renewal_extends_the_lease);
	tcase_add_test(tc, unsubscribe);
	tcase_add_test(tc, table_full);
	tcase_add_test(tc, ports_cannot_lock_out);
	tcase_add_test(tc, bad_arguments_change_nothing);
	tcase_add_test(tc, vanished_subscriber);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(first, console_up, console_down);
	tcase_add_test(first, subscription_before_the_first_tick);
	suite_add_tcase(s, first);

	first = tcase_create("aux");
	tcase_add_checked_fixture(first, console_up_aux, console_down);
	tcase_add_test(first, aux_meters_follow_the_prefix);
	suite_add_tcase(s, first);
	return s;
}

int
main(void)
{
	return check_run(subs_suite());
}
