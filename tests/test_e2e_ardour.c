/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: a scripted Ardour OSC surface on a real mixd (its own jackd, real UDP on the
 * native port). The surface does what ardour-control, TouchOSC layouts and pySAPTouch do on the
 * wire: /set_surface, /strip/list, banking, faders in gainmode 0 (dB) and 1 (position), and
 * reads the feedback; a native client beside it checks every level with native gets, and the
 * probe measures one of them in the audio.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_run.h"
#include "harness.h"

#define RATE       48000
#define PERIOD     256
#define N_STRIPS   12
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_DBFS  (-20.0)
/* mono strip at centre: -3.01 dB to each side */
#define PAN_CENTRE_DB (-3.0103)
/* Ardour's fader law (max gain 2.0): 0 dB and -10.469 dB */
#define POS_0DB   0.781787
#define DB_POS_05 (-10.46897)
/* Feedback bits: buttons, levels, master, meters, signal, /reply */
#define FB_BUTTONS 1
#define FB_LEVELS  2
#define FB_MASTER  16
#define FB_METER   128
#define FB_SIGNAL  512
#define FB_REPLY   16384
/* How long feedback may take: a 10 ms tick plus the path, with margin for a loaded machine. */
#define FEEDBACK_MS 1000

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* The next message on o with this path and, if ssid > 0, this ssid as its first argument;
 * others are discarded. NULL after timeout_ms. */
static struct h_msg *
wait_strip(struct h_osc *o, const char *path, int ssid, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - h_now_ms();
		struct h_msg *m = h_osc_recv(o, left > 0 ? (int)left : 0);

		if (!m)
			return NULL;
		if (!strcmp(m->path, path) &&
		    (ssid <= 0 || (m->argc >= 1 && m->types[0] == 'i' && h_arg_i(m, 0) == ssid)))
			return m;
		h_msg_free(m);
	}
}

/* Waits for `path ,if ssid v` (v within tol). */
static void
expect_strip_f(struct h_osc *o, const char *path, int ssid, double v, double tol)
{
	struct h_msg *m = wait_strip(o, path, ssid, FEEDBACK_MS);

	ck_assert_msg(m != NULL, "no %s for ssid %d", path, ssid);
	ck_assert_msg(!strcmp(m->types, "if"), "%s ,%s (expected ,if)", path, m->types);
	ck_assert_msg(fabs(h_arg_f(m, 1) - v) <= tol, "%s %d = %.5f, expected %.5f", path, ssid,
	              (double)h_arg_f(m, 1), v);
	h_msg_free(m);
}

static void
expect_strip_s(struct h_osc *o, const char *path, int ssid, const char *v)
{
	struct h_msg *m = wait_strip(o, path, ssid, FEEDBACK_MS);

	ck_assert_msg(m != NULL, "no %s for ssid %d", path, ssid);
	ck_assert_msg(!strcmp(m->types, "is"), "%s ,%s (expected ,is)", path, m->types);
	ck_assert_msg(!strcmp(h_arg_s(m, 1), v), "%s %d = \"%s\", expected \"%s\"", path, ssid,
	              h_arg_s(m, 1), v);
	h_msg_free(m);
}

/* A native get through the plain client (a peer with no surface: native meaning). */
static float
native_f(const char *path)
{
	float v = NAN;
	int r = h_osc_get_f(w.osc, path, &v);

	ck_assert_msg(r == 0, "native get %s failed (%d)", path, r);
	return v;
}

/* Reads o until the surface has been quiet for quiet_ms; returns how many messages came. */
static int
settle(struct h_osc *o, int quiet_ms)
{
	struct h_msg *m;
	int n = 0;

	while ((m = h_osc_recv(o, quiet_ms))) {
		h_msg_free(m);
		n++;
	}
	return n;
}

static double
level_db(unsigned ch)
{
	return h_rms_db(h_probe_in(w.probe, ch), REC_FRAMES, SKIP) -
	       h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
}

START_TEST(test_surface)
{
	static const char *const args[] = { "--strips", "12", NULL };
	static const char *const in[] = { "mixd:in_1" };
	struct h_osc *surf;
	struct h_msg *m;
	char name[8];
	float v;

	e2e_world_up(&w, NULL, args, 1, in, REC_FRAMES);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 1000.0, TONE_DBFS), 0);
	surf = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(surf);

	/* ardour-control's connect: its junk first, then bank 8, gainmode 0 */
	ck_assert_int_eq(h_osc_send(surf, "/load_config", "f", 1.0), 0);
	ck_assert_int_eq(h_osc_send(surf, "/set_surface", "iiiiiii", 8, 159,
	                            FB_BUTTONS | FB_LEVELS | FB_MASTER | FB_REPLY, 0, 0, 0, 0),
	                 0);
	m = h_osc_recv(surf, FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->path, "/strip/name") && !strcmp(m->types, "is") &&
	                  h_arg_i(m, 0) == 1 && !strcmp(h_arg_s(m, 1), "1"),
	              "the dump does not start with /strip/name 1 \"1\" (got %s)",
	              m ? m->path : "nothing");
	h_msg_free(m);
	for (int s = 2; s <= 8; s++) {
		snprintf(name, sizeof(name), "%d", s);
		expect_strip_s(surf, "/strip/name", s, name);
		expect_strip_f(surf, "/strip/gain", s, 0.0, 1e-4);
	}
	m = h_osc_wait(surf, "/bank_up", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "i") && h_arg_i(m, 0) == 1, "no /bank_up 1");
	h_msg_free(m);
	m = h_osc_wait(surf, "/session_name", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "s") && !strcmp(h_arg_s(m, 0), "mixd"),
	              "no /session_name \"mixd\"");
	h_msg_free(m);
	settle(surf, 100);

	/* the settings back, in Ardour's reply order */
	ck_assert_int_eq(h_osc_send(surf, "/set_surface", ""), 0);
	m = h_osc_wait(surf, "/set_surface", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "iiiiiiiii"), "no /set_surface reply");
	ck_assert_int_eq(h_arg_i(m, 0), 8);
	ck_assert_int_eq(h_arg_i(m, 1), 159);
	ck_assert_int_eq(h_arg_i(m, 2), FB_BUTTONS | FB_LEVELS | FB_MASTER | FB_REPLY);
	ck_assert_int_eq(h_arg_i(m, 3), 0);
	ck_assert_int_eq(h_arg_i(m, 7), 1); /* linkid */
	ck_assert_int_eq(h_arg_i(m, 8), 0); /* port: auto */
	h_msg_free(m);

	/* /strip/list: every strip as an audio track, then end_route_list with the rate */
	ck_assert_int_eq(h_osc_send(surf, "/strip/list", ""), 0);
	for (int k = 1; k <= N_STRIPS; k++) {
		m = h_osc_wait(surf, "/reply", FEEDBACK_MS);
		ck_assert_msg(m && !strcmp(m->types, "ssiiiiii"), "strip %d: no /reply ,ssiiiiii",
		              k);
		snprintf(name, sizeof(name), "%d", k);
		ck_assert_str_eq(h_arg_s(m, 0), "AT");
		ck_assert_str_eq(h_arg_s(m, 1), name);
		ck_assert_int_eq(h_arg_i(m, 6), k);
		h_msg_free(m);
	}
	m = h_osc_wait(surf, "/reply", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "shhi"), "no end_route_list");
	ck_assert_str_eq(h_arg_s(m, 0), "end_route_list");
	ck_assert_int_eq(h_arg_h(m, 1), RATE);
	h_msg_free(m);
	settle(surf, 100);

	/* banks: 12 strips by 8, the second bank is strips 5..12 */
	ck_assert_int_eq(h_osc_send(surf, "/bank_up", ""), 0);
	expect_strip_s(surf, "/strip/name", 1, "5");
	m = h_osc_wait(surf, "/bank_down", FEEDBACK_MS);
	ck_assert_msg(m && h_arg_i(m, 0) == 1, "no /bank_down 1");
	h_msg_free(m);
	ck_assert_int_eq(h_osc_send(surf, "/bank_down", "f", 1.0), 0);
	ck_assert_int_eq(h_osc_send(surf, "/bank_down", "f", 0.0), 0); /* release: ignored */
	expect_strip_s(surf, "/strip/name", 1, "1");
	settle(surf, 100);

	/* gainmode 0: /strip/gain in dB; the native fader agrees; feedback comes back */
	ck_assert_int_eq(h_osc_send(surf, "/strip/gain", "if", 1, -6.0), 0);
	expect_strip_f(surf, "/strip/gain", 1, -6.0, 1e-4);
	ck_assert_float_eq_tol(native_f("/strip/1/fader"), -6.0f, 1e-4f);
	e2e_settle(&w);
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
	ck_assert_msg(fabs(level_db(0) - (-6.0 + PAN_CENTRE_DB)) < 0.1,
	              "strip 1 at -6 dB from the surface: L is %.3f dB of the input", level_db(0));
	/* a native change reaches the surface */
	e2e_set_f(&w, "/strip/2/fader", -12.0);
	expect_strip_f(surf, "/strip/gain", 2, -12.0, 1e-4);
	/* -193 is silence, sent back as -200 */
	ck_assert_int_eq(h_osc_send(surf, "/strip/gain", "ff", 3.0, -193.0), 0);
	expect_strip_f(surf, "/strip/gain", 3, -200.0, 1e-4);
	ck_assert(native_f("/strip/3/fader") <= -144.0f);
	settle(surf, 100);

	/* gainmode 1: positions on /strip/fader, the dB shown in the name, meters 0..1 */
	ck_assert_int_eq(
	    h_osc_send(surf, "/set_surface", "iiii", 8, 159,
	               FB_BUTTONS | FB_LEVELS | FB_MASTER | FB_METER | FB_SIGNAL | FB_REPLY, 1),
	    0);
	expect_strip_f(surf, "/strip/fader", 1, 0.607, 1e-3); /* -6 dB */
	settle(surf, 100);
	ck_assert_int_eq(h_osc_send(surf, "/strip/fader", "if", 1, 0.5), 0);
	expect_strip_f(surf, "/strip/fader", 1, 0.5, 1e-4);
	expect_strip_s(surf, "/strip/name", 1, "-10.47");
	ck_assert_float_eq_tol(native_f("/strip/1/fader"), (float)DB_POS_05, 1e-3f);
	/* after about 0.8 s the name is back */
	expect_strip_s(surf, "/strip/name", 1, "1");
	/* meters: the tone on strip 1 shows. A meter is sent when it changes, so the waits above
	 * may have passed over it: /refresh sends everything again, meters on the next 100 ms. */
	ck_assert_int_eq(h_osc_send(surf, "/refresh", ""), 0);
	m = wait_strip(surf, "/strip/meter", 1, FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "if"), "no /strip/meter for strip 1");
	v = h_arg_f(m, 1);
	ck_assert_msg(v > 0.3f && v <= 1.0f, "strip 1 meter %.3f: not the tone", (double)v);
	h_msg_free(m);
	expect_strip_f(surf, "/strip/signal", 1, 1.0, 0);
	/* TouchOSC's form: a float, the ssid in the path; its position is the native 0 dB */
	ck_assert_int_eq(h_osc_send(surf, "/strip/fader/2", "f", POS_0DB), 0);
	expect_strip_f(surf, "/strip/fader", 2, POS_0DB, 1e-4);
	ck_assert_float_eq_tol(native_f("/strip/2/fader"), 0.0f, 1e-3f);
	/* the master: Ardour's position from the surface, dB from the native client */
	ck_assert_int_eq(h_osc_send(surf, "/master/fader", "f", 0.5), 0);
	m = h_osc_wait(surf, "/master/fader", FEEDBACK_MS);
	ck_assert_msg(m && !strcmp(m->types, "f") && fabs(h_arg_f(m, 0) - 0.5) < 1e-4,
	              "no /master/fader 0.5");
	h_msg_free(m);
	ck_assert_float_eq_tol(native_f("/master/fader"), (float)DB_POS_05, 1e-3f);
	e2e_set_f(&w, "/master/fader", 0.0);
	m = h_osc_wait(surf, "/master/fader", FEEDBACK_MS);
	ck_assert_msg(m && fabs(h_arg_f(m, 0) - POS_0DB) < 1e-4, "no /master/fader 0.78");
	h_msg_free(m);
	e2e_assert_no_error(&w, "native client");

	h_osc_close(surf);
	e2e_stop_mixd(&w);
}
END_TEST

static Suite *
e2e_ardour_suite(void)
{
	Suite *s = suite_create("e2e_ardour");

	e2e_add_case(s, "surface", test_surface, setup, teardown, 90);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_ardour_suite());
}
