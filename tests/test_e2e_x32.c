/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: a scripted X32 client on a real mixd (its own jackd, real UDP on --x32-port),
 * doing what Bitfocus Companion's X32 module does on the wire (../shared/osc-compat.md, "5."):
 * two sockets, a listener that sends /xremote every 1.5 s and polls /xinfo, and a setter whose
 * sets must come back on the listener; GETs answered on the same address with the exact type;
 * a 1 s fade in 10 float steps; a mute toggled from the cached int. The probe plays a tone into
 * strip 1 and measures the master: its level follows the X32 fader law. Bad input on the X32
 * port changes nothing, and what looks like a reply is not answered.
 */
#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "e2e_run.h"
#include "harness.h"

#define RATE       48000
#define PERIOD     256
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_DBFS  (-20.0)
/* mono strip at centre: -3.01 dB to each side */
#define PAN_CENTRE_DB (-3.0103)
#define FEEDBACK_MS   1000

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* The X32 fader law, written here again from the protocol document rather than taken from
 * osc/x32: the test checks the implementation against the law, not against itself. */
static double
x32_db(double f)
{
	f = round(f * 1023.0) / 1023.0; /* the console's 1024-step grid */
	if (f >= 0.5)
		return 40.0 * f - 30.0;
	if (f >= 0.25)
		return 80.0 * f - 50.0;
	if (f >= 0.0625)
		return 160.0 * f - 70.0;
	return f > 0 ? 480.0 * f - 90.0 : -INFINITY;
}

static double
grid(double f)
{
	return round(f * 1023.0) / 1023.0;
}

/* A UDP port free on loopback now (for --x32-port). */
static uint16_t
free_udp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* The Companion-like client: a listener (the /xremote socket) and a setter. */
struct client {
	struct h_osc *listen, *set;
	int64_t last_pulse;
	uint16_t port; /* the X32 port */
};

/* Companion's pulse: /xremote (and /xinfo) every 1.5 s. Called between the steps. */
static void
pulse(struct client *c, bool force)
{
	if (!force && h_now_ms() - c->last_pulse < 1500)
		return;
	ck_assert_int_eq(h_osc_send(c->listen, "/xremote", ""), 0);
	ck_assert_int_eq(h_osc_send(c->listen, "/xinfo", ""), 0);
	c->last_pulse = h_now_ms();
}

/* A GET on the listener, as Companion's queue does it: the bare path, resolved only by a
 * message on the same address, of the type given. */
static struct h_msg *
get(struct client *c, const char *path, const char *types)
{
	struct h_msg *m;

	pulse(c, false);
	ck_assert_int_eq(h_osc_send(c->listen, path, ""), 0);
	m = h_osc_wait(c->listen, path, 500);
	ck_assert_msg(m != NULL, "GET %s: no reply on the same address within 500 ms", path);
	ck_assert_msg(!strcmp(m->types, types), "GET %s: ,%s (expected ,%s)", path, m->types,
	              types);
	return m;
}

static float
get_f(struct client *c, const char *path)
{
	struct h_msg *m = get(c, path, "f");
	float v = h_arg_f(m, 0);

	h_msg_free(m);
	return v;
}

static int
get_i(struct client *c, const char *path)
{
	struct h_msg *m = get(c, path, "i");
	int v = h_arg_i(m, 0);

	h_msg_free(m);
	return v;
}

/* The echo of a change on the listener: path with one value of type 'f' near v. */
static void
expect_echo_f(struct client *c, const char *path, double v)
{
	struct h_msg *m = h_osc_wait(c->listen, path, FEEDBACK_MS);

	ck_assert_msg(m != NULL, "no echo of %s on the /xremote socket", path);
	ck_assert_msg(!strcmp(m->types, "f"), "echo %s ,%s (expected ,f)", path, m->types);
	ck_assert_msg(fabs(h_arg_f(m, 0) - v) < 1e-6, "echo %s %.6f, expected %.6f", path,
	              (double)h_arg_f(m, 0), v);
	h_msg_free(m);
}

static void
expect_echo_i(struct client *c, const char *path, int v)
{
	struct h_msg *m = h_osc_wait(c->listen, path, FEEDBACK_MS);

	ck_assert_msg(m != NULL, "no echo of %s on the /xremote socket", path);
	ck_assert_msg(!strcmp(m->types, "i"), "echo %s ,%s (expected ,i)", path, m->types);
	ck_assert_int_eq(h_arg_i(m, 0), v);
	h_msg_free(m);
}

/* The master L level relative to the tone the probe sends, in dB. */
static double
level_db(void)
{
	e2e_settle(&w);
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
	return h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP) -
	       h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
}

static float
native_f(const char *path)
{
	float v = NAN;

	ck_assert_int_eq(h_osc_get_f(w.osc, path, &v), 0);
	return v;
}

static int
native_i(const char *path)
{
	int v = -1;

	ck_assert_int_eq(h_osc_get_i(w.osc, path, &v), 0);
	return v;
}

static struct client c;

static void
start(void)
{
	static const char *const in[] = { "mixd:in_1" };
	char port[8];
	uint16_t xport = free_udp_port();
	const char *const args[] = { "--strips", "4",          "--aux", "2", "--dca",
		                     "2",        "--x32-port", port,    NULL };

	snprintf(port, sizeof(port), "%u", xport);
	e2e_world_up(&w, NULL, args, 1, in, REC_FRAMES);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 1000.0, TONE_DBFS), 0);
	c.port = xport;
	c.listen = h_osc_open(NULL, xport);
	c.set = h_osc_open(NULL, xport);
	ck_assert_ptr_nonnull(c.listen);
	ck_assert_ptr_nonnull(c.set);
}

static void
stop(void)
{
	h_osc_close(c.listen);
	h_osc_close(c.set);
	e2e_stop_mixd(&w);
}

START_TEST(test_companion)
{
	struct h_msg *m;
	int on;

	start();
	/* connect: /xremote, then /xinfo must answer 4 strings within 5 s */
	pulse(&c, true);
	m = h_osc_wait(c.listen, "/xinfo", 5000);
	ck_assert_msg(m != NULL, "no /xinfo reply");
	ck_assert_str_eq(m->types, "ssss");
	ck_assert_str_eq(h_arg_s(m, 0), "127.0.0.1");
	ck_assert_str_eq(h_arg_s(m, 1), "mixd");
	ck_assert_str_eq(h_arg_s(m, 2), "X32");
	h_msg_free(m);
	m = get(&c, "/info", "ssss");
	ck_assert_str_eq(h_arg_s(m, 2), "X32");
	h_msg_free(m);
	m = get(&c, "/status", "sss");
	ck_assert_str_eq(h_arg_s(m, 0), "active");
	h_msg_free(m);

	/* GETs: the same address, the exact type */
	ck_assert_float_eq(get_f(&c, "/ch/01/mix/fader"), (float)(767.0 / 1023.0)); /* 0 dB */
	ck_assert_int_eq(get_i(&c, "/ch/01/mix/on"), 1);
	ck_assert_float_eq(get_f(&c, "/ch/01/mix/pan"), 0.5f);
	m = get(&c, "/ch/01/config/name", "s");
	ck_assert_str_eq(h_arg_s(m, 0), "1");
	h_msg_free(m);
	ck_assert_int_eq(get_i(&c, "/ch/01/grp/dca"), 0);
	ck_assert_float_eq(get_f(&c, "/bus/01/mix/fader"), (float)(767.0 / 1023.0));
	ck_assert_float_eq(get_f(&c, "/ch/20/mix/fader"), 0.0f); /* past mixd's strips */
	/* a preset slot mixd has not: answered, so Companion's queue does not wait on it */
	ck_assert_int_eq(get_i(&c, "/-libs/ch/001/hasdata"), 0);
	m = get(&c, "/-snap/name", "s");
	h_msg_free(m);
	/* an address the console has not: no answer, and the next GET is not held up */
	ck_assert_int_eq(h_osc_send(c.listen, "/no/such/node", ""), 0);
	ck_assert_int_eq(get_i(&c, "/ch/02/mix/on"), 1);

	/* a set from the second socket comes back on the first; the tone follows the law */
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/fader", 0.5f), 0);
	expect_echo_f(&c, "/ch/01/mix/fader", grid(0.5));
	{
		static const double pos[] = { 0.75, 0.5, 0.3, 0.1, 0.04 };

		for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
			double got;

			pulse(&c, false);
			ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/fader", (float)pos[i]), 0);
			expect_echo_f(&c, "/ch/01/mix/fader", grid(pos[i]));
			got = level_db();
			if (getenv("H_VERBOSE"))
				fprintf(stderr, "fader %.3f: %.3f dB (law %.3f)\n", pos[i], got,
				        x32_db(pos[i]));
			ck_assert_msg(fabs(got - (x32_db(pos[i]) + PAN_CENTRE_DB)) < 0.1,
			              "fader %.3f: the master is %.3f dB of the tone, the law says "
			              "%.3f",
			              pos[i], got, x32_db(pos[i]) + PAN_CENTRE_DB);
			ck_assert_float_eq_tol(native_f("/strip/1/fader"), (float)x32_db(pos[i]),
			                       1e-4f);
		}
	}

	/* a change over mixd's control port reaches the /xremote client too */
	h_osc_drain(c.listen);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/2/fader", -30.0f), 0);
	expect_echo_f(&c, "/ch/02/mix/fader", grid(0.25));
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/dca/2", 1), 0);
	expect_echo_i(&c, "/ch/02/grp/dca", 2);
	ck_assert_int_eq(h_osc_set_s(w.osc, "/strip/3/name", "Snare"), 0);
	m = h_osc_wait(c.listen, "/ch/03/config/name", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "s") && !strcmp(h_arg_s(m, 0), "Snare"),
	              "no /ch/03/config/name \"Snare\" echo");
	h_msg_free(m);

	/* a 1 s fade in 10 float steps from the cached value (Companion requires type f) */
	{
		float from = get_f(&c, "/ch/01/mix/fader"), to = 0.75f;

		for (int s = 1; s <= 10; s++) {
			pulse(&c, false);
			ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/fader",
			                             from + (to - from) * (float)s / 10.0f),
			                 0);
			h_sleep_ms(100);
		}
		h_osc_drain(c.listen);
		ck_assert_float_eq(get_f(&c, "/ch/01/mix/fader"), (float)grid(0.75));
		ck_assert_msg(fabs(level_db() - (x32_db(0.75) + PAN_CENTRE_DB)) < 0.1,
		              "after the fade the master is not at 0 dB of the strip");
	}

	/* a mute toggled from the cached int: 1 = on */
	on = get_i(&c, "/ch/01/mix/on");
	ck_assert_int_eq(on, 1);
	ck_assert_int_eq(h_osc_set_i(c.set, "/ch/01/mix/on", !on), 0);
	expect_echo_i(&c, "/ch/01/mix/on", 0);
	ck_assert_int_eq(native_i("/strip/1/mute"), 1);
	ck_assert_msg(level_db() < -90.0, "muted from the X32 port, the tone still plays");
	ck_assert_int_eq(h_osc_set_i(c.set, "/ch/01/mix/on", on), 0);
	expect_echo_i(&c, "/ch/01/mix/on", 1);
	ck_assert_msg(fabs(level_db() - (x32_db(0.75) + PAN_CENTRE_DB)) < 0.1,
	              "unmuted, the tone is not back");

	/* the listener's own set is not echoed back to it, as on the console */
	h_osc_drain(c.listen);
	ck_assert_int_eq(h_osc_set_f(c.listen, "/ch/04/mix/pan", 0.25f), 0);
	m = h_osc_wait(c.listen, "/ch/04/mix/pan", 300);
	ck_assert_msg(m == NULL, "the setter heard its own set");
	/* (after the wait: the two ports are read in turn, a get on the other may come first) */
	ck_assert_float_eq_tol(native_f("/strip/4/pan"), -0.5f, 1e-6f);
	e2e_assert_no_error(&w, "native client");
	stop();
}
END_TEST

/* A send's switch (/ch/01/mix/01/on, mixd's sends having a level only): off makes aux_1
 * silent, on brings the level back; a level set while off stays silent and is what on brings
 * back; a GET of on says which. */
START_TEST(test_send_switch)
{
	double before, after;

	start();
	pulse(&c, true);
	ck_assert_msg(h_probe_listen(w.probe, "mixd:aux_1", NULL) == 0, "cannot listen to aux_1");
	ck_assert_int_eq(get_i(&c, "/ch/01/mix/01/on"), 0); /* mixd's default send: -inf */
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/01/level", 0.75f), 0);
	expect_echo_f(&c, "/ch/01/mix/01/level", grid(0.75));
	expect_echo_i(&c, "/ch/01/mix/01/on", 1);
	before = level_db();
	ck_assert_msg(before > -30.0, "the send at 0 dB: aux_1 is %.2f dB of the tone", before);

	ck_assert_int_eq(h_osc_set_i(c.set, "/ch/01/mix/01/on", 0), 0);
	expect_echo_i(&c, "/ch/01/mix/01/on", 0);
	ck_assert_int_eq(get_i(&c, "/ch/01/mix/01/on"), 0);
	ck_assert_msg(level_db() < -90.0, "the send switched off, aux_1 still plays");
	/* a level set while off: remembered, silent */
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/01/level", 0.5f), 0);
	h_sleep_ms(100);
	ck_assert_float_eq(get_f(&c, "/ch/01/mix/01/level"), (float)grid(0.5));
	ck_assert_msg(level_db() < -90.0, "a level set while off made aux_1 play");
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/01/level", 0.75f), 0);

	ck_assert_int_eq(h_osc_set_i(c.set, "/ch/01/mix/01/on", 1), 0);
	expect_echo_i(&c, "/ch/01/mix/01/on", 1);
	after = level_db();
	if (getenv("H_VERBOSE"))
		fprintf(stderr, "send on %.3f dB, off, on again %.3f dB\n", before, after);
	ck_assert_msg(fabs(after - before) < 0.05, "switched on again: %.3f dB, before %.3f dB",
	              after, before);
	ck_assert_int_eq(get_i(&c, "/ch/01/mix/01/on"), 1);
	e2e_assert_no_error(&w, "native client");
	stop();
}
END_TEST

/* Bad input on the X32 port: each changes nothing, is not answered, and the port still works. */
START_TEST(test_bad_input)
{
	static const uint8_t garbage[] = { '/', 'c', 'h', 0, ',', 'f', 0, 0, 1 };
	struct h_msg *m;
	int64_t rejected;

	start();
	pulse(&c, true);
	m = h_osc_wait(c.listen, "/xinfo", 5000);
	ck_assert_ptr_nonnull(m);
	h_msg_free(m);
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/01/mix/fader", 0.5f), 0);
	expect_echo_f(&c, "/ch/01/mix/fader", grid(0.5));
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/dca/1", 1), 0);
	expect_echo_i(&c, "/ch/01/grp/dca", 1);
	h_osc_drain(c.listen);
	rejected = e2e_stat(&w, "x32_rejected");

	ck_assert_int_eq(h_osc_send_raw(c.set, garbage, sizeof(garbage)), 0);
	ck_assert_int_eq(h_osc_send_raw(c.set, "not osc at all", 14), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "f", 1.5), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "f", -0.25), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "f", (double)NAN), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "f", (double)INFINITY), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "i", 1), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "s", "loud"), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/fader", "ff", 0.1, 0.2), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/on", "i", 7), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/on", "s", "0"), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/grp/dca", "i", 999), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/grp/dca", "i", -1), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/mix/pan", "f", 2.0), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/1/mix/fader", "f", 0.1), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/99/mix/fader", "f", 0.1), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/ch/01/config/name", "i", 3), 0);
	/* reply-shaped: another console's /xinfo, /info, /status are not answered */
	ck_assert_int_eq(h_osc_send(c.set, "/xinfo", "ssss", "10.0.0.1", "X", "X32", "4.06"), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/info", "ssss", "V2.07", "X", "X32", "4.06"), 0);
	ck_assert_int_eq(h_osc_send(c.set, "/status", "sss", "active", "10.0.0.1", "X"), 0);
	m = h_osc_recv(c.set, 300);
	ck_assert_msg(m == NULL, "bad input or a reply was answered (%s)", m ? m->path : "");
	m = h_osc_recv(c.listen, 300);
	ck_assert_msg(m == NULL, "bad input changed something: %s echoed", m ? m->path : "");

	ck_assert_float_eq_tol(native_f("/strip/1/fader"), (float)x32_db(0.5), 1e-4f);
	ck_assert_int_eq(native_i("/strip/1/mute"), 0);
	ck_assert_int_eq(native_i("/strip/1/dca/1"), 1);
	ck_assert_int_eq(native_i("/strip/1/dca/2"), 0);
	ck_assert_float_eq(native_f("/strip/1/pan"), 0.0f);
	ck_assert_int_ge(e2e_stat(&w, "x32_rejected") - rejected, 11);
	ck_assert_int_ge(e2e_stat(&w, "x32_malformed"), 1);
	/* and the port still answers */
	ck_assert_float_eq(get_f(&c, "/ch/01/mix/fader"), (float)grid(0.5));
	stop();
}
END_TEST

/* /node NODE from a raw socket; the reply's line in out. 0, or -1 when none came in 500 ms. */
static int
node(struct client *cl, const char *what, char *out, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_usec = 500000 };
	uint8_t buf[1024];
	lo_message msg = lo_message_new(), reply;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), res = 0;
	ssize_t len;

	ck_assert_int_ge(fd, 0);
	lo_message_add_string(msg, what);
	len = h_osc_serialise("/node", msg, buf, sizeof(buf));
	lo_message_free(msg);
	ck_assert_int_gt(len, 0);
	a.sin_port = htons(cl->port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ck_assert_int_eq(sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&a, sizeof(a)), len);
	len = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (len <= 0)
		return -1;
	ck_assert_msg(len > 8 && !memcmp(buf, "node\0\0\0\0,s\0\0", 12), "not a node ,s reply");
	reply = lo_message_deserialise(buf, (size_t)len, &res);
	ck_assert_ptr_nonnull(reply);
	snprintf(out, n, "%s", &lo_message_get_argv(reply)[0]->s);
	lo_message_free(reply);
	return 0;
}

/* A blob's 4-byte little-endian values. */
static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float
le_float(const uint8_t *p)
{
	uint32_t u = le32(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* The next blob on path: its data and size (the OSC blob's own length). */
static struct h_msg *
wait_blob(struct h_osc *o, const char *path, const uint8_t **data, int32_t *size)
{
	struct h_msg *m = h_osc_wait(o, path, FEEDBACK_MS);

	ck_assert_msg(m != NULL, "no blob on %s", path);
	ck_assert_msg(!strcmp(m->types, "b"), "%s ,%s (expected ,b)", path, m->types);
	*size = lo_blob_datasize((lo_blob)m->argv[0]);
	*data = lo_blob_dataptr((lo_blob)m->argv[0]);
	return m;
}

/* How many messages on path arrive in ms. */
static int
count_for(struct h_osc *o, const char *path, int ms)
{
	int64_t end = h_now_ms() + ms;
	int n = 0;
	struct h_msg *m;

	while (h_now_ms() < end && (m = h_osc_recv(o, (int)(end - h_now_ms())))) {
		n += !strcmp(m->path, path);
		h_msg_free(m);
	}
	return n;
}

START_TEST(test_subscriptions)
{
	const uint8_t *d;
	struct h_msg *m;
	int32_t size;
	int n;

	start();
	ck_assert_int_eq(h_osc_set_f(c.set, "/ch/02/mix/fader", 0.5f), 0);
	ck_assert_int_eq(h_osc_set_i(c.set, "/ch/03/mix/on", 0), 0);

	/* /node: one line in display units, on the address "node" (no slash, as the console
	 * sends it: the harness's client takes only addresses, so a raw socket reads it) */
	{
		char line[256];

		ck_assert_int_eq(node(&c, "ch/02/mix", line, sizeof(line)), 0);
		ck_assert_str_eq(line, "/ch/02/mix ON -10.0 ON +0 OFF -oo\n");
		ck_assert_int_eq(node(&c, "/ch/03/mix", line, sizeof(line)), 0);
		ck_assert_str_eq(line, "/ch/03/mix OFF -0.0 ON +0 OFF -oo\n");
		ck_assert_int_eq(node(&c, "ch/03/nothing", line, sizeof(line)), -1);
	}

	/* /subscribe ,si PATH 2: the value every 100 ms */
	ck_assert_int_eq(h_osc_send(c.listen, "/subscribe", "si", "/ch/02/mix/fader", 2), 0);
	m = h_osc_wait(c.listen, "/ch/02/mix/fader", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "f") && h_arg_f(m, 0) == (float)grid(0.5),
	              "no /ch/02/mix/fader %.6f from /subscribe (%s %s %.6f)", grid(0.5),
	              m ? "got" : "nothing in 1 s", m ? m->types : "",
	              m && m->argc ? h_arg_f(m, 0) : 0.0);
	h_msg_free(m);
	n = count_for(c.listen, "/ch/02/mix/fader", 1000);
	ck_assert_msg(n >= 8 && n <= 12, "/subscribe at factor 2: %d in 1 s (expected ~10)", n);
	ck_assert_int_eq(h_osc_send(c.listen, "/unsubscribe", "s", "/ch/02/mix/fader"), 0);
	h_sleep_ms(100);
	h_osc_drain(c.listen);
	ck_assert_int_eq(count_for(c.listen, "/ch/02/mix/fader", 300), 0);

	/* /formatsubscribe: faders and ons of channels 1..4 in one blob */
	ck_assert_int_eq(h_osc_send(c.listen, "/formatsubscribe", "sssiii", "/hidden/chans",
	                            "/ch/**/mix/fader", "/ch/**/mix/on", 1, 4, 1),
	                 0);
	m = wait_blob(c.listen, "/hidden/chans", &d, &size);
	ck_assert_int_eq(size, 8 * 4);
	ck_assert_float_eq(le_float(d), (float)(767.0 / 1023.0));
	ck_assert_float_eq(le_float(d + 4), (float)grid(0.5));
	ck_assert_int_eq(le32(d + 16), 1);
	ck_assert_int_eq(le32(d + 24), 0); /* channel 3 off */
	h_msg_free(m);
	ck_assert_int_eq(h_osc_send(c.listen, "/unsubscribe", ""), 0);

	/* /meters/1 every 50 ms: count 96, channel 1 as /meter/strip/1 says within 0.1 dB */
	ck_assert_int_eq(h_osc_send(c.listen, "/meters", "si", "/meters/1", 1), 0);
	m = wait_blob(c.listen, "/meters/1", &d, &size);
	ck_assert_int_eq(size, 4 + 96 * 4);
	ck_assert_int_eq(le32(d), 96);
	h_msg_free(m);
	h_osc_drain(c.listen);
	n = count_for(c.listen, "/meters/1", 1000);
	ck_assert_msg(n >= 17 && n <= 22, "/meters/1 at factor 1: %d in 1 s (expected ~20)", n);
	{
		float native, blob;

		m = h_osc_get(w.osc, "/meter/strip/1");
		ck_assert_msg(m && !strcmp(m->types, "fff"), "no /meter/strip/1");
		native = h_arg_f(m, 0);
		h_msg_free(m);
		h_osc_drain(c.listen);
		m = wait_blob(c.listen, "/meters/1", &d, &size);
		blob = 20.0f * log10f(le_float(d + 4));
		if (getenv("H_VERBOSE"))
			fprintf(stderr, "meter: native %.3f dB, blob %.3f dB\n", native, blob);
		ck_assert_msg(fabsf(blob - native) < 0.1f,
		              "/meters/1 channel 1 %.3f dB, /meter/strip/1 %.3f dB", blob, native);
		ck_assert_msg(native > TONE_DBFS - 4.0 && native < TONE_DBFS + 1.0,
		              "strip 1 meter %.2f dBFS: not the tone", native);
		for (int k = 2; k <= 32; k++)
			ck_assert_float_eq(le_float(d + 4 * k), 0.0f); /* silent channels */
		h_msg_free(m);
	}
	ck_assert_int_eq(h_osc_send(c.listen, "/unsubscribe", "s", "/meters/1"), 0);
	h_sleep_ms(100);
	h_osc_drain(c.listen);
	ck_assert_int_eq(count_for(c.listen, "/meters/1", 300), 0);
	/* a bank mixd does not serve, and a malformed request: refused, nothing sent */
	ck_assert_int_eq(h_osc_send(c.listen, "/meters", "si", "/meters/9", 1), 0);
	ck_assert_int_eq(h_osc_send(c.listen, "/subscribe", "si", "/no/such", 1), 0);
	ck_assert_int_eq(h_osc_send(c.listen, "/subscribe", "si", "/ch/01/mix/on", -1), 0);
	ck_assert_int_eq(
	    h_osc_send(c.listen, "/formatsubscribe", "ssiii", "/a", "/ch/**/mix/fader", 1, 99, 1),
	    0);
	ck_assert_ptr_null(h_osc_recv(c.listen, 300));
	ck_assert_int_eq(e2e_stat(&w, "x32_subs"), 0);
	stop();
}
END_TEST

/* Leases: a /xremote and a subscription not renewed end after 10 s; renewed ones go on. */
START_TEST(test_leases)
{
	struct h_osc *stale;
	int64_t end;
	int n;

	start();
	stale = c.set; /* the setter plays the client that stops renewing */
	ck_assert_int_eq(h_osc_send(stale, "/xremote", ""), 0);
	ck_assert_int_eq(h_osc_send(stale, "/subscribe", "si", "/ch/01/mix/on", 20), 0);
	pulse(&c, true);
	ck_assert_int_eq(h_osc_send(c.listen, "/subscribe", "si", "/ch/02/mix/on", 20), 0);
	end = h_now_ms() + 11000;
	while (h_now_ms() < end) {
		pulse(&c, false);
		ck_assert_int_eq(h_osc_send(c.listen, "/renew", "s", "/ch/02/mix/on"), 0);
		h_sleep_ms(500);
	}
	ck_assert_int_eq(e2e_stat(&w, "x32_remotes"), 1);
	ck_assert_int_eq(e2e_stat(&w, "x32_subs"), 1);
	h_osc_drain(stale);
	h_osc_drain(c.listen);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -10.0f), 0);
	expect_echo_f(&c, "/ch/01/mix/fader", grid(0.5));
	n = count_for(c.listen, "/ch/02/mix/on", 1200); /* every 1 s */
	ck_assert_msg(n >= 1 && n <= 2, "the renewed subscription sent %d in 1.2 s", n);
	ck_assert_ptr_null(h_osc_recv(stale, 200));
	stop();
}
END_TEST

static Suite *
e2e_x32_suite(void)
{
	Suite *s = suite_create("e2e_x32");

	e2e_add_case(s, "companion", test_companion, setup, teardown, 120);
	e2e_add_case(s, "send_switch", test_send_switch, setup, teardown, 90);
	e2e_add_case(s, "bad_input", test_bad_input, setup, teardown, 90);
	e2e_add_case(s, "subscriptions", test_subscriptions, setup, teardown, 90);
	e2e_add_case(s, "leases", test_leases, setup, teardown, 90);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_x32_suite());
}
