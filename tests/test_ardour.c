/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Ardour personality against the console-side stack it runs in, without JACK: the parameter
 * table, the model, dispatch (early handler, parameter table, handlers) and a real osc_server on
 * 127.0.0.1:0, with surfaces as plain UDP sockets on loopback addresses. The test drives the
 * server (osc_server_receive) and the 10 ms tick (ardour_tick with the model's changes and
 * hand-made meter frames, on a clock of its own) and checks what the surfaces get, message by
 * message, against what Ardour sends (../shared/osc-compat.md).
 */
#include "check_run.h"

#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ardour.h"
#include "ardour_law.h"
#include "dispatch.h"
#include "gain.h"
#include "meters.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "server.h"

#include "console.h"
#include "udp_peer.h"

#define N_STRIPS 12
#define TICK_NS  (10ull * 1000000ull)
#define SESSION  CONSOLE_NAME
#define RATE     CONSOLE_RATE

static struct console con; /* the default hooks: session CONSOLE_NAME, CONSOLE_RATE */
static struct ardour *ard;
static uint64_t now_ns = 1000000000ull;
static struct meter_frame fresh;

/* ---- the console side ---- */

static void
setup(void)
{
	console_open(&con, N_STRIPS, NULL);
	ard = ardour_new(con.m, con.srv, con.d, &con.hooks);
	ck_assert_ptr_nonnull(ard);
	ck_assert_int_eq(dispatch_add_early_handler(con.d, ardour_message_early, ard), 0);
	ck_assert_int_eq(dispatch_add_handler(con.d, ardour_message, ard), 0);
	meters_clear(&fresh);
}

/* A console with two aux buses. */
static void
setup_aux(void)
{
	console_open_aux(&con, N_STRIPS, 2, NULL);
	ard = ardour_new(con.m, con.srv, con.d, &con.hooks);
	ck_assert_ptr_nonnull(ard);
	ck_assert_int_eq(dispatch_add_early_handler(con.d, ardour_message_early, ard), 0);
	ck_assert_int_eq(dispatch_add_handler(con.d, ardour_message, ard), 0);
	meters_clear(&fresh);
}

static void
teardown(void)
{
	ardour_free(ard);
	console_close(&con);
}

/* Reads what is waiting on the control port and dispatches it. */
static void
pump(void)
{
	struct pollfd p = { .fd = osc_server_fd(con.srv), .events = POLLIN };

	/* loopback delivers before sendto returns; the poll only guards against surprises */
	poll(&p, 1, 100);
	osc_server_receive(con.srv, 256);
}

/* One 10 ms tick: the model's changes and the meters of `fresh`, then fresh is emptied. */
static void
tick(void)
{
	unsigned changed[4096], n = 0, idx;
	struct feedback_frame f = { 0 };

	while (n < 4096 && model_pop_change(con.m, &idx))
		changed[n++] = idx;
	now_ns += TICK_NS;
	f.now_ns = now_ns;
	f.changed = changed;
	f.n_changed = n;
	f.fresh = &fresh;
	ardour_tick(ard, &f);
	meters_clear(&fresh);
}

/* Ticks until the next 100 ms meter tick has run (the first tick arms it). */
static void
slow_tick(void)
{
	for (int i = 0; i < 10; i++)
		tick();
}

static float
get(const char *address)
{
	return model_get(con.m, console_idx(&con, address));
}

static const char *
get_s(const char *address)
{
	return model_get_string(con.m, console_idx(&con, address));
}

static void
set(const char *address, double v)
{
	ck_assert_int_eq(model_set(con.m, console_idx(&con, address), v), 0);
}

/* ---- surfaces: UDP sockets on loopback ---- */

static struct udp_peer
client_open(const char *addr)
{
	return udp_peer_open(addr, osc_server_port(con.srv));
}

/* Sends path with arguments by type letter (i int, f double, s string) and has the server read
 * it: whatever it answers is on c's socket when this returns. */
static void
say(const struct udp_peer *c, const char *path, const char *types, ...)
{
	va_list ap;

	va_start(ap, types);
	udp_peer_vsend(c, path, types, ap);
	va_end(ap);
	pump();
}

struct rmsg {
	char path[256];
	char types[64];
	uint8_t data[2048];
	lo_message msg;
	lo_arg **argv;
	int argc;
};

/* The next datagram on c within timeout_ms, parsed; NULL when none came. */
static struct rmsg *
crecv(const struct udp_peer *c, int timeout_ms)
{
	static struct rmsg r;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int err = 0;

	if (r.msg) {
		lo_message_free(r.msg);
		r.msg = NULL;
	}
	if (poll(&p, 1, timeout_ms) <= 0)
		return NULL;
	n = recv(c->fd, r.data, sizeof(r.data), 0);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(r.data[0] == '/' || r.data[0] == '#', "not an OSC message");
	ck_assert_msg(memcmp(r.data, "#bundle", 8), "a bundle: Ardour surfaces get plain messages");
	memcpy(r.path, r.data, strnlen((const char *)r.data, sizeof(r.path) - 1));
	r.path[strnlen((const char *)r.data, sizeof(r.path) - 1)] = '\0';
	r.msg = lo_message_deserialise(r.data, (size_t)n, &err);
	ck_assert_msg(r.msg != NULL, "cannot parse a reply to %s (%d)", r.path, err);
	snprintf(r.types, sizeof(r.types), "%s", lo_message_get_types(r.msg));
	r.argv = lo_message_get_argv(r.msg);
	r.argc = lo_message_get_argc(r.msg);
	return &r;
}

static float
arg_f(const struct rmsg *r, int i)
{
	float v;

	memcpy(&v, r->argv[i], sizeof(v)); /* the data is only 4-byte aligned */
	return v;
}

static int32_t
arg_i(const struct rmsg *r, int i)
{
	int32_t v;

	memcpy(&v, r->argv[i], sizeof(v));
	return v;
}

static int64_t
arg_h(const struct rmsg *r, int i)
{
	int64_t v;

	memcpy(&v, r->argv[i], sizeof(v));
	return v;
}

#define TOL 2e-4

/* The next message must be path with exactly these arguments: i (int), f (double, within TOL),
 * s (string), h (int64_t). */
static void
expect(const struct udp_peer *c, const char *path, const char *types, ...)
{
	struct rmsg *r = crecv(c, 500);
	va_list ap;

	ck_assert_msg(r != NULL, "expected %s ,%s: nothing came", path, types);
	ck_assert_msg(!strcmp(r->path, path) && !strcmp(r->types, types),
	              "expected %s ,%s, got %s ,%s", path, types, r->path, r->types);
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		switch (types[i]) {
		case 'i': {
			int want = va_arg(ap, int);
			ck_assert_msg(arg_i(r, i) == want, "%s arg %d: %d, expected %d", path, i,
			              arg_i(r, i), want);
			break;
		}
		case 'f': {
			double want = va_arg(ap, double);
			ck_assert_msg(fabs(arg_f(r, i) - want) <= TOL,
			              "%s arg %d: %.6f, expected %.6f", path, i,
			              (double)arg_f(r, i), want);
			break;
		}
		case 's': {
			const char *want = va_arg(ap, const char *);
			ck_assert_msg(!strcmp((const char *)r->argv[i], want),
			              "%s arg %d: \"%s\", expected \"%s\"", path, i,
			              (const char *)r->argv[i], want);
			break;
		}
		case 'h': {
			int64_t want = va_arg(ap, int64_t);
			ck_assert_msg(arg_h(r, i) == want, "%s arg %d: %lld, expected %lld", path,
			              i, (long long)arg_h(r, i), (long long)want);
			break;
		}
		default:
			ck_abort_msg("bad type %c", types[i]);
		}
	}
	va_end(ap);
}

static void
expect_none(const struct udp_peer *c)
{
	struct rmsg *r = crecv(c, 30);

	ck_assert_msg(r == NULL, "expected nothing, got %s ,%s", r ? r->path : "",
	              r ? r->types : "");
}

static unsigned
drain(const struct udp_peer *c)
{
	unsigned n = 0;

	while (crecv(c, 30))
		n++;
	return n;
}

/* ---- expected dumps ---- */

/* The feedback bit 1 part of a slot, ssid as an argument: the name, the buttons off. */
static void
expect_slot_buttons(const struct udp_peer *c, int ssid, const char *name)
{
	expect(c, "/strip/name", "is", ssid, name);
	expect(c, "/strip/mute", "if", ssid, 0.0);
	expect(c, "/strip/solo", "if", ssid, 0.0);
	expect(c, "/strip/polarity", "if", ssid, 0.0);
}

/* One slot of a strip dump with feedback bits 1 and 2, ssid as an argument, gainmode 0. */
static void
expect_slot_g0(const struct udp_peer *c, int ssid, const char *name, double gain)
{
	expect_slot_buttons(c, ssid, name);
	expect(c, "/strip/gain", "if", ssid, gain);
	expect(c, "/strip/trimdB", "if", ssid, 0.0);
	expect(c, "/strip/pan_stereo_position", "if", ssid, 0.5);
}

static void
expect_master_g0(const struct udp_peer *c)
{
	expect(c, "/master/name", "s", "Master");
	expect(c, "/master/mute", "f", 0.0);
	expect(c, "/master/trimdB", "f", 0.0);
	expect(c, "/master/pan_stereo_position", "f", 0.5);
	expect(c, "/master/gain", "f", 0.0);
	expect(c, "/session_name", "s", SESSION);
	expect(c, "/cancel_all_solos", "f", 0.0);
}

/* ardour-control's connect: bank 8, every strip type, buttons + levels + master (+ /reply when
 * reply), gainmode 0 (dB); the whole dump is checked. */
static void
connect_g0(const struct udp_peer *c, bool reply)
{
	char name[8];

	say(c, "/set_surface", "iiiiiii", 8, 159, 1 | 2 | 16 | (reply ? 16384 : 0), 0, 0, 0, 0);
	for (int s = 1; s <= 8; s++) {
		snprintf(name, sizeof(name), "%d", s);
		expect_slot_g0(c, s, name, 0.0);
	}
	expect(c, "/bank_up", "i", 1);
	expect(c, "/bank_down", "i", 0);
	expect_master_g0(c);
	expect_none(c);
}

/* ---- the fader law ---- */

/* Ardour's own formula, written out again: gain_to_slider_position_with_max(g, 2.0). */
static double
ardour_pos(double db)
{
	double g = pow(10.0, db / 20.0);

	return pow((6.0 * log(g) / log(2.0) + 192.0) / 198.0, 8.0);
}

START_TEST(law)
{
	static const double dbs[] = { -20.0, 0.0, 6.0 };

	ck_assert_double_eq(ardour_law_db_to_pos(-INFINITY), 0.0);
	ck_assert_double_eq(ardour_law_db_to_pos(-300.0), 0.0);
	ck_assert_double_eq(ardour_law_db_to_pos(NAN), 0.0);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_double_eq_tol(ardour_law_db_to_pos(dbs[i]), ardour_pos(dbs[i]), 1e-12);
	ck_assert_double_eq_tol(ardour_law_db_to_pos(0.0), 0.78178, 1e-5);
	ck_assert_double_eq_tol(ardour_law_db_to_pos(-3.0), 0.6895, 1e-4);
	ck_assert_double_eq_tol(ardour_law_db_to_pos(-6.0), 0.6070, 1e-4);
	ck_assert_double_eq_tol(ardour_law_db_to_pos(-10.0), 0.5104, 1e-4);
	ck_assert_double_eq(ardour_law_db_to_pos(10.0), 1.0); /* mixd's +10 dB: the top */
	ck_assert_double_eq_tol(ardour_law_pos_to_db(0.5), -10.469, 1e-3);
	ck_assert_double_eq_tol(ardour_law_pos_to_db(0.25), -25.590, 1e-3);
	ck_assert_double_eq_tol(ardour_law_pos_to_db(0.6), -6.269, 1e-3);
	ck_assert_double_eq_tol(ardour_law_pos_to_db(1.0), 6.0206, 1e-4);
	ck_assert(isinf(ardour_law_pos_to_db(0.0)) && ardour_law_pos_to_db(0.0) < 0);
	ck_assert_double_eq_tol(ardour_law_pos_to_db(2.0), 6.0206, 1e-4);
	for (double p = 0.01; p <= 1.0; p += 0.01)
		ck_assert_double_eq_tol(ardour_law_db_to_pos(ardour_law_pos_to_db(p)), p, 1e-12);
}
END_TEST

/* ---- /set_surface ---- */

START_TEST(handshake_ints)
{
	struct udp_peer c = client_open("127.0.0.1");

	connect_g0(&c, false);
	/* no arguments: the settings in Ardour's reply order (linkset, linkid before port) */
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 8, 159, 19, 0, 0, 0, 0, 1, 0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

START_TEST(handshake_floats)
{
	struct udp_peer c = client_open("127.0.0.1");

	/* a float-only tablet: every field a float, truncated */
	say(&c, "/set_surface", "fffff", 2.0, 159.0, 3.9, 0.0, 0.0);
	expect_slot_g0(&c, 1, "1", 0.0);
	expect_slot_g0(&c, 2, "2", 0.0);
	expect(&c, "/bank_up", "i", 1);
	expect(&c, "/bank_down", "i", 0);
	expect_none(&c);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 2, 159, 3, 0, 0, 0, 0, 1, 0);
	/* a numeric string too, as Ardour takes it */
	say(&c, "/set_surface", "sss", "1", "159", "1");
	expect_slot_buttons(&c, 1, "1");
	expect(&c, "/bank_up", "i", 1);
	expect(&c, "/bank_down", "i", 0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

START_TEST(handshake_inline)
{
	struct udp_peer c = client_open("127.0.0.1");

	/* TMC-1's connect page: fields in the path, ssid in path, gainmode 1 (positions) */
	say(&c, "/set_surface/8/135/8863/1", "");
	for (int s = 1; s <= 8; s++) {
		char path[32], name[8];
		snprintf(name, sizeof(name), "%d", s);
		snprintf(path, sizeof(path), "/strip/name/%d", s);
		expect(&c, path, "s", name);
		snprintf(path, sizeof(path), "/strip/mute/%d", s);
		expect(&c, path, "f", 0.0);
		snprintf(path, sizeof(path), "/strip/solo/%d", s);
		expect(&c, path, "f", 0.0);
		snprintf(path, sizeof(path), "/strip/polarity/%d", s);
		expect(&c, path, "f", 0.0);
		snprintf(path, sizeof(path), "/strip/fader/%d", s);
		expect(&c, path, "f", 0.781787);
		snprintf(path, sizeof(path), "/strip/trimdB/%d", s);
		expect(&c, path, "f", 0.0);
		snprintf(path, sizeof(path), "/strip/pan_stereo_position/%d", s);
		expect(&c, path, "f", 0.5);
	}
	expect(&c, "/bank_up", "i", 1);
	expect(&c, "/bank_down", "i", 0);
	expect(&c, "/master/name", "s", "Master");
	expect(&c, "/master/mute", "f", 0.0);
	expect(&c, "/master/trimdB", "f", 0.0);
	expect(&c, "/master/pan_stereo_position", "f", 0.5);
	expect(&c, "/master/fader", "f", 0.781787);
	expect(&c, "/session_name", "s", SESSION);
	expect(&c, "/cancel_all_solos", "f", 0.0);
	expect_none(&c);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 8, 135, 8863, 1, 0, 0, 0, 1, 0);
	/* its pushes: the argument fills the next field (send_page) */
	say(&c, "/set_surface/8/135/8863/1", "f", 1.0);
	drain(&c);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 8, 135, 8863, 1, 1, 0, 0, 1, 0);
	/* field by field: the smartphone layout's connect; bank stays */
	say(&c, "/set_surface/feedback", "f", 8799.0);
	ck_assert_uint_gt(drain(&c), 0);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 8, 135, 8799, 1, 1, 0, 0, 1, 0);
	say(&c, "/set_surface/gainmode", "i", 0);
	drain(&c);
	say(&c, "/set_surface/bank_size", "i", 4);
	drain(&c);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 4, 135, 8799, 0, 1, 0, 0, 1, 0);
	/* a field with no argument, a word that is no field: nothing */
	say(&c, "/set_surface/feedback", "");
	say(&c, "/set_surface/colour", "i", 3);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* A /set_surface port sends replies and feedback to that port of the sender's host. */
START_TEST(reply_port)
{
	struct udp_peer c = client_open("127.0.0.1"), r = client_open("127.0.0.1");

	say(&c, "/set_surface", "iiiiiii", 0, 159, 0, 0, 0, 0, (int)r.port);
	say(&c, "/set_surface", "");
	expect(&r, "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, (int)r.port);
	expect_none(&c);
	/* a privileged port is refused and the old one kept, as Ardour does */
	say(&c, "/set_surface/port", "i", 80);
	say(&c, "/set_surface", "");
	expect(&r, "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, (int)r.port);
	/* back to auto: replies to the source again */
	say(&c, "/set_surface/port", "i", 0);
	say(&c, "/set_surface", "");
	expect(&c, "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, 0);
	expect_none(&r);
	udp_peer_close(&c);
	udp_peer_close(&r);
}
END_TEST

/* ---- /strip/list ---- */

static void
expect_list(const struct udp_peer *c, const char *reply)
{
	char name[8];

	for (int k = 1; k <= N_STRIPS; k++) {
		snprintf(name, sizeof(name), "%d", k);
		expect(c, reply, "ssiiiiii", "AT", name, k == 2 ? 2 : 1, 2, k == 3, 0, k, 0);
	}
	expect(c, reply, "shhi", "end_route_list", (int64_t)RATE, (int64_t)0, 0);
}

START_TEST(strip_list)
{
	struct udp_peer c = client_open("127.0.0.1");

	ardour_set_inputs(ard, 1, 2); /* strip 2 stereo */
	set("/strip/3/mute", 1);
	/* a peer that never set up a surface: #reply, and no feedback after */
	say(&c, "/strip/list", "");
	expect_list(&c, "#reply");
	expect_none(&c);
	/* with feedback bit 16384: /reply (osc.js cannot read #reply); then the feedback again */
	say(&c, "/set_surface", "iiii", 0, 159, 1 | 16384, 0);
	ck_assert_uint_eq(drain(&c), 4 * N_STRIPS);
	say(&c, "/strip/list", "");
	expect_list(&c, "/reply");
	ck_assert_uint_eq(drain(&c), 4 * N_STRIPS);
	/* and without: #reply */
	say(&c, "/set_surface/feedback", "i", 1);
	drain(&c);
	say(&c, "/strip/list", "");
	expect_list(&c, "#reply");
	ck_assert_uint_eq(drain(&c), 4 * N_STRIPS);
	/* strip types without audio tracks see no strips at all */
	say(&c, "/set_surface/strip_types", "i", 4);
	drain(&c);
	say(&c, "/strip/list", "");
	expect(&c, "#reply", "shhi", "end_route_list", (int64_t)RATE, (int64_t)0, 0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* ---- banks ---- */

START_TEST(banks)
{
	struct udp_peer c = client_open("127.0.0.1");
	char name[8];

	connect_g0(&c, false);
	/* 12 strips, bank 8: the last bank is full, so the second starts at strip 5 */
	say(&c, "/bank_up", "");
	for (int s = 1; s <= 8; s++) {
		snprintf(name, sizeof(name), "%d", s + 4);
		expect_slot_g0(&c, s, name, 0.0);
	}
	expect(&c, "/bank_up", "i", 0);
	expect(&c, "/bank_down", "i", 1);
	expect_none(&c);
	/* no further up: nothing happens */
	say(&c, "/bank_up", "");
	expect_none(&c);
	/* a button's release is ignored */
	say(&c, "/bank_down", "f", 0.0);
	say(&c, "/bank_up", "f", 0.0);
	expect_none(&c);
	/* ssid 1 is strip 5 now; strip 5's feedback goes to ssid 1 */
	say(&c, "/strip/mute", "ii", 1, 1);
	ck_assert_float_eq(get("/strip/5/mute"), 1.0f);
	tick();
	expect(&c, "/strip/mute", "if", 1, 1.0);
	/* strip 1 is not in the bank: no feedback */
	set("/strip/1/mute", 1);
	tick();
	expect_none(&c);
	/* an encoder: /bank_up f -1 goes down */
	say(&c, "/bank_up", "f", -1.0);
	expect(&c, "/strip/name", "is", 1, "1");
	expect(&c, "/strip/mute", "if", 1, 1.0);
	drain(&c);
	say(&c, "/strip/mute", "i", 1);
	expect(&c, "/strip/mute", "i", 1); /* the bare get: the value alone, as Ardour */
	/* bank 5 of 12: up goes to 6, capped at 8 (= 12 - 5 + 1) */
	say(&c, "/set_surface", "iiii", 5, 159, 1, 0);
	drain(&c);
	say(&c, "/bank_up", "f", 1.0);
	expect(&c, "/strip/name", "is", 1, "6");
	drain(&c);
	say(&c, "/bank_up", "i", 1);
	expect(&c, "/strip/name", "is", 1, "8");
	expect(&c, "/strip/mute", "if", 1, 0.0);
	drain(&c);
	/* a bank larger than the console: blank slots past the last strip */
	say(&c, "/set_surface", "iiii", 14, 159, 1 | 2, 1);
	for (int s = 1; s <= N_STRIPS; s++)
		for (int i = 0; i < 7; i++)
			ck_assert_ptr_nonnull(crecv(&c, 500));
	expect_slot_buttons(&c, 13, " ");
	expect(&c, "/strip/fader", "if", 13, 0.0);
	expect(&c, "/strip/trimdB", "if", 13, 0.0);
	expect(&c, "/strip/pan_stereo_position", "if", 13, 0.5);
	ck_assert_uint_eq(drain(&c), 7 + 2); /* slot 14, the bank LEDs (both 0) */
	udp_peer_close(&c);
}
END_TEST

/* ---- levels ---- */

START_TEST(faders_gainmode0)
{
	struct udp_peer c = client_open("127.0.0.1");

	connect_g0(&c, false);
	say(&c, "/strip/gain", "if", 1, -6.0);
	ck_assert_float_eq_tol(get("/strip/1/fader"), -6.0f, 1e-5f);
	tick();
	expect(&c, "/strip/gain", "if", 1, -6.0);
	/* -193 "-inf" from ardour-control: silence; silence goes back as -200 */
	say(&c, "/strip/gain", "ff", 2.0, -193.0);
	ck_assert(get("/strip/2/fader") <= GAIN_OFF_DB);
	tick();
	expect(&c, "/strip/gain", "if", 2, -200.0);
	/* -192 is still a gain */
	say(&c, "/strip/gain", "if", 2, -100.0);
	tick();
	expect(&c, "/strip/gain", "if", 2, -100.0);
	/* a position is taken in any gainmode */
	say(&c, "/strip/fader", "if", 3, 0.5);
	ck_assert_float_eq_tol(get("/strip/3/fader"), -10.469f, 1e-3f);
	tick();
	expect(&c, "/strip/gain", "if", 3, -10.469);
	say(&c, "/strip/db_delta", "if", 3, 0.469);
	tick();
	expect(&c, "/strip/gain", "if", 3, -10.0);
	/* from -inf a delta stays -inf, as in Ardour */
	say(&c, "/strip/gain", "if", 4, -200.0);
	say(&c, "/strip/db_delta", "if", 4, 3.0);
	tick();
	expect(&c, "/strip/gain", "if", 4, -200.0);
	expect_none(&c);
	/* bare gets: the value alone on the path */
	say(&c, "/strip/gain", "i", 1);
	expect(&c, "/strip/gain", "f", -6.0);
	say(&c, "/strip/fader", "f", 1.0);
	expect(&c, "/strip/fader", "f", ardour_pos(-6.0));
	/* a value that is no number: the current value comes back, with the ssid */
	say(&c, "/strip/gain", "is", 1, "loud");
	expect(&c, "/strip/gain", "if", 1, -6.0);
	/* the master: dB, and feedback */
	say(&c, "/master/gain", "f", -3.0);
	ck_assert_float_eq_tol(get("/master/fader"), -3.0f, 1e-5f);
	tick();
	expect(&c, "/master/gain", "f", -3.0);
	/* /master/fader from this surface is Ardour's position, not mixd's dB */
	say(&c, "/master/fader", "f", 0.25);
	ck_assert_float_eq_tol(get("/master/fader"), -25.590f, 1e-3f);
	tick();
	expect(&c, "/master/gain", "f", -25.590);
	say(&c, "/master/fader", "");
	expect(&c, "/master/fader", "f", 0.25);
	/* a change from elsewhere reaches the surface too */
	set("/strip/8/fader", 10.0);
	tick();
	expect(&c, "/strip/gain", "if", 8, 10.0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

START_TEST(faders_gainmode1)
{
	struct udp_peer c = client_open("127.0.0.1");

	/* pySAPTouch-like, but gainmode 1: positions, and the dB shown in the name for 0.8 s */
	say(&c, "/set_surface", "iiii", 8, 159, 1 | 2 | 16, 1);
	drain(&c);
	say(&c, "/strip/fader", "if", 1, ardour_pos(-20.0));
	ck_assert_float_eq_tol(get("/strip/1/fader"), -20.0f, 1e-4f);
	tick();
	expect(&c, "/strip/fader", "if", 1, ardour_pos(-20.0));
	expect(&c, "/strip/name", "is", 1, "-20.00");
	expect_none(&c);
	for (int i = 0; i < 7; i++) /* the first tick armed the 100 ms clock: 7 more slow ticks */
		slow_tick();
	expect_none(&c);
	slow_tick();
	expect(&c, "/strip/name", "is", 1, "1");
	expect_none(&c);
	/* mixd's faders go to +10 dB, Ardour's position stops at 1 (+6.02 dB) */
	set("/strip/2/fader", 10.0);
	tick();
	expect(&c, "/strip/fader", "if", 2, 1.0);
	expect(&c, "/strip/name", "is", 2, "10.00");
	say(&c, "/strip/fader", "if", 2, 1.0);
	ck_assert_float_eq_tol(get("/strip/2/fader"), 6.0206f, 1e-4f);
	say(&c, "/strip/fader", "if", 2, 0.0);
	ck_assert(get("/strip/2/fader") <= GAIN_OFF_DB);
	tick();
	expect(&c, "/strip/fader", "if", 2, 0.0);
	expect(&c, "/strip/name", "is", 2, "-inf");
	say(&c, "/strip/fader", "if", 3, ardour_pos(6.0));
	ck_assert_float_eq_tol(get("/strip/3/fader"), 6.0f, 1e-4f);
	tick();
	expect(&c, "/strip/fader", "if", 3, ardour_pos(6.0));
	expect(&c, "/strip/name", "is", 3, "6.00");
	/* the master in gainmode 1: /master/fader, and the dB in /master/name */
	say(&c, "/master/fader", "f", 0.78178);
	tick();
	expect(&c, "/master/fader", "f", 0.78178);
	expect(&c, "/master/name", "s", "-0.00");
	drain(&c);
	/* gainmode 2: both /strip/fader and /strip/gain, no name display */
	say(&c, "/set_surface/gainmode", "i", 2);
	drain(&c);
	say(&c, "/strip/gain", "if", 4, -6.0);
	tick();
	expect(&c, "/strip/fader", "if", 4, ardour_pos(-6.0));
	expect(&c, "/strip/gain", "if", 4, -6.0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* ---- buttons, pan, trim, names ---- */

START_TEST(controls)
{
	struct udp_peer c = client_open("127.0.0.1");

	connect_g0(&c, false);
	say(&c, "/strip/mute", "ii", 1, 1);
	say(&c, "/strip/solo", "ff", 2.0, 1.0);
	say(&c, "/strip/polarity", "is", 3, "1"); /* a numeric string, as Ardour takes it */
	say(&c, "/strip/pan_stereo_position", "if", 4, 1.0); /* Ardour 6+: 1 is hard left */
	say(&c, "/strip/trimdB", "if", 5, -20.0);
	say(&c, "/strip/name", "is", 6, "Kick");
	ck_assert_float_eq(get("/strip/1/mute"), 1.0f);
	ck_assert_float_eq(get("/strip/2/solo"), 1.0f);
	ck_assert_float_eq(get("/strip/3/polarity"), 1.0f);
	ck_assert_float_eq(get("/strip/4/pan"), -1.0f);
	ck_assert_float_eq(get("/strip/5/trim"), -20.0f);
	ck_assert_str_eq(get_s("/strip/6/name"), "Kick");
	tick();
	expect(&c, "/strip/mute", "if", 1, 1.0);
	expect(&c, "/strip/solo", "if", 2, 1.0);
	expect(&c, "/strip/polarity", "if", 3, 1.0);
	expect(&c, "/strip/pan_stereo_position", "if", 4, 1.0);
	expect(&c, "/strip/trimdB", "if", 5, -20.0);
	expect(&c, "/strip/name", "is", 6, "Kick");
	expect(&c, "/cancel_all_solos", "f", 1.0); /* a solo is on */
	expect_none(&c);
	/* a press and its release: (int) 0.0 is off */
	say(&c, "/strip/mute", "if", 1, 0.0);
	say(&c, "/strip/pan_stereo_position", "if", 4, 0.25);
	say(&c, "/strip/trimdB", "if", 5, 22.0); /* mixd's trim goes to 24 */
	tick();
	expect(&c, "/strip/mute", "if", 1, 0.0);
	expect(&c, "/strip/pan_stereo_position", "if", 4, 0.25);
	expect(&c, "/strip/trimdB", "if", 5, 22.0);
	ck_assert_float_eq(get("/strip/4/pan"), 0.5f);
	/* a name mixd cannot take (33 bytes): the name it has comes back */
	say(&c, "/strip/name", "is", 6, "123456789012345678901234567890123");
	expect(&c, "/strip/name", "is", 6, "Kick");
	/* gets */
	say(&c, "/strip/solo", "i", 2);
	expect(&c, "/strip/solo", "i", 1);
	say(&c, "/strip/name", "i", 6);
	expect(&c, "/strip/name", "s", "Kick");
	say(&c, "/strip/pan_stereo_position", "i", 4);
	expect(&c, "/strip/pan_stereo_position", "f", 0.25);
	/* /strip ssid: the strip's state */
	say(&c, "/strip", "i", 6);
	expect(&c, "/strip", "issiiiii", 6, "AT", "Kick", 1, 2, 0, 0, 0);
	/* /cancel_all_solos releases them */
	say(&c, "/cancel_all_solos", "f", 1.0);
	ck_assert_float_eq(get("/strip/2/solo"), 0.0f);
	tick();
	expect(&c, "/strip/solo", "if", 2, 0.0);
	expect(&c, "/cancel_all_solos", "f", 0.0);
	/* the master's mute, from the surface (Ardour's on the shared address) */
	say(&c, "/master/mute", "f", 1.0);
	ck_assert_float_eq(get("/master/mute"), 1.0f);
	tick();
	expect(&c, "/master/mute", "f", 1.0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* TouchOSC: floats only, the ssid in the path, feedback with the ssid in the path. */
START_TEST(float_only_inpath)
{
	struct udp_peer c = client_open("127.0.0.1");

	say(&c, "/set_surface/8/135/7/1", "");
	drain(&c);
	say(&c, "/strip/mute/2", "f", 1.0);
	say(&c, "/strip/fader/3", "f", 0.5);
	say(&c, "/strip/trimdB/4", "f", 6.0);
	ck_assert_float_eq(get("/strip/2/mute"), 1.0f);
	ck_assert_float_eq_tol(get("/strip/3/fader"), -10.469f, 1e-3f);
	ck_assert_float_eq(get("/strip/4/trim"), 6.0f);
	tick();
	expect(&c, "/strip/mute/2", "f", 1.0);
	expect(&c, "/strip/fader/3", "f", 0.5);
	expect(&c, "/strip/name/3", "s", "-10.47");
	expect(&c, "/strip/trimdB/4", "f", 6.0);
	expect_none(&c);
	/* /strip/<ssid>/<cmd>, with a get */
	say(&c, "/strip/5/solo", "f", 1.0);
	ck_assert_float_eq(get("/strip/5/solo"), 1.0f);
	tick();
	expect(&c, "/strip/solo/5", "f", 1.0);
	say(&c, "/strip/3/fader", "");
	expect(&c, "/strip/3/fader", "f", 0.5); /* a position, not the native dB */
	say(&c, "/strip/gain/3", "");
	expect(&c, "/strip/gain/3", "f", -10.469);
	/* bank 2 (strips 5..12): /strip/1/mute is the bank's first strip */
	say(&c, "/bank_up", "f", 1.0);
	drain(&c);
	say(&c, "/strip/1/mute", "f", 1.0);
	ck_assert_float_eq(get("/strip/5/mute"), 1.0f);
	ck_assert_float_eq(get("/strip/1/mute"), 0.0f);
	tick();
	expect(&c, "/strip/mute/1", "f", 1.0);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* ---- sends ---- */

START_TEST(sends)
{
	struct udp_peer c = client_open("127.0.0.1");

	connect_g0(&c, false);
	say(&c, "/strip/send/gain", "iif", 1, 1, -12.0);
	ck_assert_float_eq_tol(get("/strip/1/send/reverb/level"), -12.0f, 1e-5f);
	say(&c, "/strip/send/fader", "fff", 1.0, 2.0, 0.5);
	ck_assert_float_eq_tol(get("/strip/1/send/delay/level"), -10.469f, 1e-3f);
	/* enable 0: to -inf, remembering; enable 1: back */
	say(&c, "/strip/send/enable", "iif", 1, 1, 0.0);
	ck_assert(get("/strip/1/send/reverb/level") <= GAIN_OFF_DB);
	tick();
	say(&c, "/strip/send/enable", "iii", 1, 1, 1);
	ck_assert_float_eq_tol(get("/strip/1/send/reverb/level"), -12.0f, 1e-5f);
	/* a level set while disabled replaces the memory */
	say(&c, "/strip/send/enable", "iif", 1, 1, 0.0);
	tick();
	set("/strip/1/send/reverb/level", -3.0);
	tick();
	say(&c, "/strip/send/enable", "iif", 1, 1, 1.0);
	ck_assert_float_eq_tol(get("/strip/1/send/reverb/level"), -3.0f, 1e-5f);
	/* enable 1 on a send that never was disabled changes nothing */
	say(&c, "/strip/send/enable", "iif", 2, 1, 1.0);
	ck_assert(get("/strip/2/send/reverb/level") <= GAIN_OFF_DB);
	/* send 4 does not exist */
	say(&c, "/strip/send/gain", "iif", 1, 4, 0.0);
	tick();
	expect_none(&c); /* send levels have no strip feedback in Ardour */
	say(&c, "/strip/sends", "i", 1);
	expect(&c, "/strip/sends", "iisifiisifiisifi", 1, 0, "reverb", 1, ardour_pos(-3.0), 1, 0,
	       "delay", 2, 0.5, 1, 0, "chorus", 3, 0.0, 0);
	say(&c, "/strip/sends", "f", 2.0);
	expect(&c, "/strip/sends", "iisifiisifiisifi", 2, 0, "reverb", 1, 0.0, 0, 0, "delay", 2,
	       0.0, 0, 0, "chorus", 3, 0.0, 0);
	say(&c, "/strip/plugin/list", "f", 1.0);
	expect(&c, "/strip/plugin/list", "i", 1);
	say(&c, "/strip/receives", "i", 1);
	expect(&c, "/strip/receives", "i", 1);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* The aux buses are the sends after the effect buses: aux K is send 3 + K, named as the bus. */
START_TEST(aux_sends)
{
	struct udp_peer c = client_open("127.0.0.1");

	connect_g0(&c, false);
	say(&c, "/strip/send/gain", "iif", 2, 4, -6.0);
	ck_assert_float_eq_tol(get("/strip/2/send/aux/1/level"), -6.0f, 1e-5f);
	say(&c, "/strip/send/gain", "iif", 2, 5, -9.0);
	ck_assert_float_eq_tol(get("/strip/2/send/aux/2/level"), -9.0f, 1e-5f);
	say(&c, "/strip/send/enable", "iif", 2, 5, 0.0);
	ck_assert(get("/strip/2/send/aux/2/level") <= GAIN_OFF_DB);
	tick();
	say(&c, "/strip/send/enable", "iii", 2, 5, 1);
	ck_assert_float_eq_tol(get("/strip/2/send/aux/2/level"), -9.0f, 1e-5f);
	/* send 6 does not exist: nothing changes */
	say(&c, "/strip/send/gain", "iif", 2, 6, 0.0);
	tick();
	expect_none(&c);
	ck_assert_int_eq(model_set_string(con.m, console_idx(&con, "/aux/2/name"), "Drums"), 0);
	say(&c, "/strip/sends", "i", 2);
	expect(&c, "/strip/sends", "iisifiisifiisifiisifiisifi", 2, 0, "reverb", 1, 0.0, 0, 0,
	       "delay", 2, 0.0, 0, 0, "chorus", 3, 0.0, 0, 0, "Aux 1", 4, ardour_pos(-6.0), 1, 0,
	       "Drums", 5, ardour_pos(-9.0), 1);
	expect_none(&c);
	udp_peer_close(&c);
}
END_TEST

/* ---- meters, signal, heartbeat ---- */

START_TEST(meters)
{
	struct udp_peer c = client_open("127.0.0.1");
	char path[32];

	/* heartbeat + master + meters (dB) + signal, ssid in the path, no strip buttons */
	say(&c, "/set_surface", "iiii", 4, 159, 4 | 8 | 16 | 128 | 512, 0);
	drain(&c);
	tick();                      /* arms the 100 ms clock */
	fresh.peak[0] = 0.5f;        /* -6.02 dB */
	fresh.peak[1] = 0.005f;      /* -46 dB: no signal */
	fresh.master_peak[1] = 1.0f; /* 0 dB */
	for (int i = 0; i < 9; i++) {
		tick();
		expect_none(&c);
	}
	tick();
	expect(&c, "/heartbeat", "f", 0.0);
	expect(&c, "/strip/meter/1", "f", -6.0206);
	expect(&c, "/strip/signal/1", "f", 1.0);
	expect(&c, "/strip/meter/2", "f", -46.0206);
	expect(&c, "/strip/signal/2", "f", 0.0);
	for (int s = 3; s <= 4; s++) {
		snprintf(path, sizeof(path), "/strip/meter/%d", s);
		expect(&c, path, "f", -193.0);
		snprintf(path, sizeof(path), "/strip/signal/%d", s);
		expect(&c, path, "f", 0.0);
	}
	expect(&c, "/master/meter", "f", 0.0);
	expect(&c, "/master/signal", "f", 1.0);
	expect_none(&c);
	/* the maximum since the last read: a smaller peak after a larger one in the same 100 ms
	 * does not lower it, and an unchanged meter is not sent again */
	fresh.peak[0] = 0.5f;
	fresh.peak[1] = 0.005f;
	fresh.master_peak[1] = 1.0f;
	tick();
	fresh.peak[0] = 0.1f;
	for (int i = 0; i < 9; i++)
		tick();
	expect_none(&c);
	/* silence: back to -193 */
	for (int i = 0; i < 10; i++)
		tick();
	expect(&c, "/strip/meter/1", "f", -193.0);
	expect(&c, "/strip/signal/1", "f", 0.0);
	expect(&c, "/strip/meter/2", "f", -193.0);
	expect(&c, "/strip/signal/2", "f", 0.0);
	expect(&c, "/master/meter", "f", -193.0);
	expect(&c, "/master/signal", "f", 0.0);
	expect_none(&c);
	/* heartbeat: 1.0 at tick 10 of 21, 0.0 at tick 0 */
	for (int t = 3; t <= 10; t++)
		slow_tick();
	expect(&c, "/heartbeat", "f", 1.0);
	expect_none(&c);
	for (int t = 11; t <= 21; t++)
		slow_tick();
	expect(&c, "/heartbeat", "f", 0.0);
	expect_none(&c);
	/* gainmode 1: (dB + 94) / 100; and the LED bitmask alone */
	say(&c, "/set_surface", "iiii", 1, 159, 128, 1);
	drain(&c);
	fresh.peak[0] = 0.5f;
	slow_tick();
	expect(&c, "/strip/meter", "if", 1, (-6.0206 + 94.0) / 100.0);
	expect_none(&c);
	say(&c, "/set_surface", "iiii", 1, 159, 256, 0);
	drain(&c);
	fresh.peak[0] = 1.0f; /* 0 dB: 13 LEDs */
	slow_tick();
	expect(&c, "/strip/meter", "ii", 1, 0x1fff);
	udp_peer_close(&c);
}
END_TEST

/* ---- what Ardour has and mixd does not ---- */

START_TEST(unknown_controls)
{
	struct udp_peer c = client_open("127.0.0.1");
	struct rmsg *r;

	connect_g0(&c, false);
	/* a strip control mixd lacks: the path back with a resting value of the sent type */
	say(&c, "/strip/recenable", "if", 1, 1.0);
	expect(&c, "/strip/recenable", "if", 1, 0.0);
	say(&c, "/strip/solo_iso", "ii", 2, 1);
	expect(&c, "/strip/solo_iso", "ii", 2, 0);
	say(&c, "/strip/select/3", "f", 1.0);
	expect(&c, "/strip/select/3", "f", 0.0);
	say(&c, "/strip/pan_stereo_width", "if", 1, 0.5);
	expect(&c, "/strip/pan_stereo_width", "if", 1, 0.0);
	/* a missing ssid: no reply */
	say(&c, "/strip/recenable", "if", 20, 1.0);
	say(&c, "/strip/gain", "if", 13, -6.0);
	say(&c, "/strip/mute/0", "f", 1.0);
	expect_none(&c);
	/* the master's controls it has not */
	say(&c, "/master/trimdB", "f", 3.0);
	expect(&c, "/master/trimdB", "f", 0.0);
	say(&c, "/master/pan_stereo_position", "f", 0.0);
	expect(&c, "/master/pan_stereo_position", "f", 0.5);
	/* transport, editor, selection, monitor, plugins, automation, touch, junk: silence */
	say(&c, "/load_config", "f", 1.0);
	say(&c, "/transport_play", "f", 1.0);
	say(&c, "/goto_start", "");
	say(&c, "/toggle_click", "f", 1.0);
	say(&c, "/select/fader", "f", 0.5);
	say(&c, "/monitor/mute", "f", 1.0);
	say(&c, "/cue/bus", "i", 1);
	say(&c, "/strip/plugin/parameter", "iiif", 1, 1, 1, 0.5);
	say(&c, "/strip/fader/touch", "ii", 1, 1);
	say(&c, "/strip/fader/automation", "ii", 1, 1);
	say(&c, "/strip/plugin/activate", "ii", 1, 1);
	expect_none(&c);
	/* but with the strip number first it is mixd's own automation address: native (an answer
	 * from dispatch, an /error while no handler takes it), never swallowed here */
	say(&c, "/strip/1/fader/automation", "s", "play");
	r = crecv(&c, 500);
	ck_assert_msg(
	    r && (!strcmp(r->path, "/error") || !strcmp(r->path, "/strip/1/fader/automation")),
	    "/strip/1/fader/automation was not left to the native side");
	udp_peer_close(&c);
}
END_TEST

/* ---- native clients keep their meaning ---- */

START_TEST(native_peers)
{
	struct udp_peer ard_c = client_open("127.0.0.1"), nat = client_open("127.0.0.2");

	connect_g0(&ard_c, false);
	/* no surface: genuinely unknown addresses get the native /error */
	say(&nat, "/nonsense", "f", 1.0);
	expect(&nat, "/error", "ss", "/nonsense", "unknown address");
	say(&nat, "/strip/99/fader", "f", 0.0);
	expect(&nat, "/error", "ss", "/strip/99/fader", "unknown address");
	say(&nat, "/strip/3/fadr", "f", 0.0);
	expect(&nat, "/error", "ss", "/strip/3/fadr", "unknown address");
	/* native addresses keep their native meaning: dB */
	say(&nat, "/master/fader", "f", 0.5);
	ck_assert_float_eq(get("/master/fader"), 0.5f);
	say(&nat, "/strip/3/fader", "f", -6.0);
	ck_assert_float_eq(get("/strip/3/fader"), -6.0f);
	say(&nat, "/strip/3/fader", "");
	expect(&nat, "/strip/3/fader", "f", -6.0);
	expect_none(&nat);
	/* Ardour-shaped addresses work for it too, with Ardour's defaults (no banking) */
	say(&nat, "/strip/gain", "if", 9, -3.0);
	ck_assert_float_eq(get("/strip/9/fader"), -3.0f);
	say(&nat, "/transport_play", "f", 1.0);
	say(&nat, "/bank_up", "");
	expect_none(&nat);
	/* the surface saw the changes the native client made */
	tick();
	expect(&ard_c, "/master/gain", "f", 0.5);
	expect(&ard_c, "/strip/gain", "if", 3, -6.0);
	expect_none(&ard_c); /* strip 9 is not in its bank */
	/* the same address from the surface: a position */
	say(&ard_c, "/master/fader", "f", 0.5);
	ck_assert_float_eq_tol(get("/master/fader"), -10.469f, 1e-3f);
	/* a native address that is no Ardour command stays native for the surface too */
	say(&ard_c, "/strip/3/trim", "f", 4.0);
	ck_assert_float_eq(get("/strip/3/trim"), 4.0f);
	say(&ard_c, "/info", "");
	expect(&ard_c, "/info", "ssiiii", SESSION, "test", N_STRIPS, RATE, 256, 0);
	udp_peer_close(&ard_c);
	udp_peer_close(&nat);
}
END_TEST

/* A table of ARDOUR_MAX_SURFACES shared fairly: a host has ARDOUR_PER_HOST, its least
 * recently heard making room for its next; a new host takes places from the host with the most
 * until the table is fairly shared, then is told the table is full. A surface that keeps
 * talking is never the one to go. */
START_TEST(surface_table)
{
	struct udp_peer c[ARDOUR_PER_HOST + 1], d[3][ARDOUR_PER_HOST], e[8];
	struct ardour_stats st;
	char addr[16];
	int k;

	ck_assert_int_eq(ARDOUR_MAX_SURFACES, 16);
	ck_assert_int_eq(ARDOUR_PER_HOST, 4);
	for (int i = 0; i <= ARDOUR_PER_HOST; i++) {
		c[i] = client_open("127.0.0.1");
		say(&c[i], "/set_surface", "ii", 0, 159);
		/* the first keeps talking, so the second is its host's oldest */
		if (i == 1)
			say(&c[0], "/strip/gain", "i", 1);
	}
	ardour_get_stats(ard, &st);
	ck_assert_uint_eq(st.surfaces, ARDOUR_PER_HOST);
	ck_assert_uint_eq(st.evicted, 1);
	/* c[1] was forgotten: its /set_surface query is a new surface (taking the place of its
	 * host's oldest, c[2]: c[0] talked just before) with the defaults */
	say(&c[0], "/strip/gain", "i", 1);
	drain(&c[0]);
	say(&c[1], "/set_surface", "");
	expect(&c[1], "/set_surface", "iiiiiiiii", 0, 31, 0, 0, 0, 0, 0, 1, 0);
	for (int h = 0; h < 3; h++) {
		snprintf(addr, sizeof(addr), "127.0.0.%d", h + 2);
		for (int i = 0; i < ARDOUR_PER_HOST; i++) {
			d[h][i] = client_open(addr);
			say(&d[h][i], "/set_surface", "ii", 0, 159);
		}
	}
	ardour_get_stats(ard, &st);
	ck_assert_uint_eq(st.surfaces, ARDOUR_MAX_SURFACES);
	/* a fifth host gets places until the table is fairly shared, then the error */
	for (k = 0; k < 8; k++) {
		struct rmsg *m;

		say(&c[0], "/strip/gain", "i", 1); /* c[0] keeps talking */
		drain(&c[0]);
		e[k] = client_open("127.0.0.6");
		say(&e[k], "/set_surface", "ii", 0, 159);
		m = crecv(&e[k], 200);
		if (m && !strcmp(m->path, "/error"))
			break;
	}
	ardour_get_stats(ard, &st);
	ck_assert_msg(k >= 1 && k < 8, "the fifth host got %d surfaces", k);
	ck_assert_uint_eq(st.refused, 1);
	ck_assert_uint_eq(st.surfaces, ARDOUR_MAX_SURFACES);
	/* the surface that kept talking is still known */
	drain(&c[0]);
	say(&c[0], "/set_surface", "");
	expect(&c[0], "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, 0);
	for (int i = 0; i <= ARDOUR_PER_HOST; i++)
		udp_peer_close(&c[i]);
	for (int h = 0; h < 3; h++)
		for (int i = 0; i < ARDOUR_PER_HOST; i++)
			udp_peer_close(&d[h][i]);
	for (int i = 0; i <= k && i < 8; i++)
		udp_peer_close(&e[i]);
}
END_TEST

/* A surface unheard for ARDOUR_LEASE_NS is forgotten; one that talks keeps its place. */
START_TEST(surface_lease)
{
	struct udp_peer a = client_open("127.0.0.1"), b = client_open("127.0.0.1");
	struct ardour_stats st;

	tick();
	say(&a, "/set_surface", "ii", 0, 159);
	say(&b, "/set_surface", "ii", 0, 159);
	now_ns += ARDOUR_LEASE_NS - 2 * TICK_NS;
	tick();
	say(&b, "/strip/gain", "i", 1); /* b renews its lease; a says nothing */
	drain(&b);
	tick();
	tick();
	ardour_get_stats(ard, &st);
	ck_assert_uint_eq(st.surfaces, 1);
	ck_assert_uint_eq(st.expired, 1);
	say(&b, "/set_surface", "");
	expect(&b, "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, 0);
	say(&a, "/set_surface", ""); /* forgotten: a new surface, the defaults */
	expect(&a, "/set_surface", "iiiiiiiii", 0, 31, 0, 0, 0, 0, 0, 1, 0);
	udp_peer_close(&a);
	udp_peer_close(&b);
}
END_TEST

/* A surface that speaks before the first tick is kept: on a machine up longer than the lease,
 * the first tick's time is past it (mixd's clock is CLOCK_MONOTONIC, since boot). */
START_TEST(surface_before_first_tick)
{
	struct udp_peer a = client_open("127.0.0.1");
	struct ardour_stats st;

	say(&a, "/set_surface", "ii", 0, 159); /* the fixture's ardour has never ticked */
	now_ns += 2 * ARDOUR_LEASE_NS;         /* booted hours ago */
	tick();
	tick();
	ardour_get_stats(ard, &st);
	ck_assert_uint_eq(st.surfaces, 1);
	ck_assert_uint_eq(st.expired, 0);
	say(&a, "/set_surface", "");
	expect(&a, "/set_surface", "iiiiiiiii", 0, 159, 0, 0, 0, 0, 0, 1, 0);
	udp_peer_close(&a);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ardour");
	TCase *tc = tcase_create("ardour");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, law);
	tcase_add_test(tc, handshake_ints);
	tcase_add_test(tc, handshake_floats);
	tcase_add_test(tc, handshake_inline);
	tcase_add_test(tc, reply_port);
	tcase_add_test(tc, strip_list);
	tcase_add_test(tc, banks);
	tcase_add_test(tc, faders_gainmode0);
	tcase_add_test(tc, faders_gainmode1);
	tcase_add_test(tc, controls);
	tcase_add_test(tc, float_only_inpath);
	tcase_add_test(tc, sends);
	tcase_add_test(tc, meters);
	tcase_add_test(tc, unknown_controls);
	tcase_add_test(tc, native_peers);
	tcase_add_test(tc, surface_table);
	tcase_add_test(tc, surface_lease);
	tcase_add_test(tc, surface_before_first_tick);
	suite_add_tcase(s, tc);
	tc = tcase_create("aux");
	tcase_add_checked_fixture(tc, setup_aux, teardown);
	tcase_add_test(tc, aux_sends);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(suite());
}
