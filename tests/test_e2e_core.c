/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of mixd: a private jackd, the real mixd binary, a JACK probe that plays test
 * tones into mixd's inputs and records master L/R, and an OSC client. Every number asserted is
 * measured on the recorded audio and compared with what the probe sent over the same window,
 * so the tolerances hold at any sample rate and any path latency.
 *
 * Each test is its own TCase, so `CK_RUN_CASE=unity` runs one. Needs MIXD_BIN (or a build in
 * build/daemon/mixd); the RT-safety test needs RTCHECK_LIB (the interposer) and fails without it.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256
/* 0.5 s recorded; the first 20 ms skipped (path latency, limiter look-ahead). 23040 frames is a
 * whole number of periods of every tone used (1 kHz, 1.5 kHz), so a sum of two tones has no
 * cross term and a sine's RMS has no window error. */
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_HZ    1000.0
#define TONE2_HZ   1500.0
#define TONE_DBFS  (-20.0)
#define TONE2_DBFS (-26.0)
/* Constant-power pan law at centre: 20 log10(sqrt(1/2)). */
#define PAN_CENTRE_DB (-3.0103)
#define TOL_LEVEL     0.05
#define TOL_GAIN      0.1

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* The world of this file: see e2e_world_up. */
static void
world_up(const struct h_mixd_opts *opts, const char *const *args, unsigned n_out,
         const char *const *inputs)
{
	e2e_world_up(&w, opts, args, n_out, inputs, REC_FRAMES);
}

/* Records REC_FRAMES of one steady state (e2e_record_steady). */
static void
record(void)
{
	e2e_record_steady(&w, REC_FRAMES, SKIP);
}

/* Output ch (0 = L, 1 = R) as RMS dBFS over the analysed window. */
static double
out_db(unsigned ch)
{
	return h_rms_db(h_probe_in(w.probe, ch), REC_FRAMES, SKIP);
}

static double
out_peak_db(unsigned ch)
{
	return h_peak_db(h_probe_in(w.probe, ch), REC_FRAMES, SKIP);
}

static double
sent_db(unsigned k)
{
	return h_rms_db(h_probe_sent(w.probe, k), REC_FRAMES, SKIP);
}

static double
sent_ms(unsigned k)
{
	return h_mean_square(h_probe_sent(w.probe, k), REC_FRAMES, SKIP);
}

static void
assert_near(const char *what, double got, double want, double tol)
{
	/* H_VERBOSE=1 shows every measurement, to see the margins, not just the failures. */
	if (getenv("H_VERBOSE"))
		fprintf(stderr, "  %-44s %9.4f (want %9.4f +- %.3f)\n", what, got, want, tol);
	ck_assert_msg(fabs(got - want) <= tol, "%s: measured %.4f, expected %.4f +- %.3f", what,
	              got, want, tol);
}

static void
assert_silent(const char *what, unsigned ch)
{
	double peak = out_peak_db(ch);

	if (getenv("H_VERBOSE"))
		fprintf(stderr, "  %-44s %9.2f dBFS peak\n", what, peak);

	ck_assert_msg(peak < H_SILENCE_DB, "%s: output %s peak %.2f dBFS, expected below %.0f",
	              what, ch ? "R" : "L", peak, H_SILENCE_DB);
}

/* No datagram at all within ms: what a dropped packet looks like from outside. */
static void
assert_no_reply(struct h_osc *o, const char *what, int ms)
{
	struct h_msg *m = h_osc_recv(o, ms);

	ck_assert_msg(m == NULL, "%s: unexpected reply %s ,%s", what, m ? m->path : "",
	              m ? m->types : "");
}

/* A single mono strip fed a -20 dBFS 1 kHz tone: the common start of several tests. */
static void
mono_one_strip_up(void)
{
	static const char *const args[] = { "--strips", "1", NULL };
	static const char *const in[] = { "mixd:in_1" };

	world_up(NULL, args, 1, in);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	e2e_settle(&w);
}

/* a. A stereo strip at unity passes both sides unchanged. */
START_TEST(test_unity)
{
	static const char *const args[] = { "--strips", "1", "--stereo", "1", NULL };
	static const char *const in[] = { "mixd:in_1_L", "mixd:in_1_R" };

	world_up(NULL, args, 2, in);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 2, TONE_HZ, TONE_DBFS), 0);
	e2e_settle(&w);
	record();
	assert_near("L out - in (dB)", out_db(0) - sent_db(1), 0.0, TOL_LEVEL);
	assert_near("R out - in (dB)", out_db(1) - sent_db(2), 0.0, TOL_LEVEL);
	assert_near("L peak (dBFS)", out_peak_db(0), TONE_DBFS, TOL_LEVEL);
	assert_near("R peak (dBFS)", out_peak_db(1), TONE_DBFS, TOL_LEVEL);

	/* Different levels per side: catches swapped or cross-fed channels. */
	ck_assert_int_eq(h_probe_sine(w.probe, 2, TONE_HZ, TONE2_DBFS), 0);
	e2e_settle(&w);
	record();
	assert_near("L out - in_L (dB)", out_db(0) - sent_db(1), 0.0, TOL_LEVEL);
	assert_near("R out - in_R (dB)", out_db(1) - sent_db(2), 0.0, TOL_LEVEL);
	assert_near("R peak (dBFS)", out_peak_db(1), TONE2_DBFS, TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* b. A mono strip at centre pan sends -3.01 dB to each side. */
START_TEST(test_mono_centre)
{
	mono_one_strip_up();
	record();
	assert_near("L out - in (dB)", out_db(0) - sent_db(1), PAN_CENTRE_DB, TOL_LEVEL);
	assert_near("R out - in (dB)", out_db(1) - sent_db(1), PAN_CENTRE_DB, TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* c. Fader -12 dB over OSC lowers the output by 12 dB once the ramp is done; trim adds. */
START_TEST(test_fader)
{
	double before, after;

	mono_one_strip_up();
	record();
	before = out_db(0);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -12.0f), 0);
	e2e_settle(&w);
	record();
	after = out_db(0);
	assert_near("L change after fader -12 (dB)", after - before, -12.0, TOL_GAIN);
	assert_near("R out - in (dB)", out_db(1) - sent_db(1), PAN_CENTRE_DB - 12.0, TOL_GAIN);
	e2e_get_f_near(&w, "/strip/1/fader", -12.0f, 1e-4);

	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/trim", -6.0f), 0);
	e2e_settle(&w);
	record();
	assert_near("L change after trim -6 on fader -12 (dB)", out_db(0) - before, -18.0,
	            TOL_GAIN);

	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/fader", -3.0f), 0);
	e2e_settle(&w);
	record();
	assert_near("L change after master -3 (dB)", out_db(0) - before, -21.0, TOL_GAIN);
	e2e_stop_mixd(&w);
}
END_TEST

/* d. Hard left: R silent, L carries the whole input. */
START_TEST(test_pan_left)
{
	mono_one_strip_up();
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/pan", -1.0f), 0);
	e2e_settle(&w);
	record();
	assert_silent("pan -1", 1);
	assert_near("L out - in at pan -1 (dB)", out_db(0) - sent_db(1), 0.0, TOL_LEVEL);

	/* And the mirror image. */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/pan", 1.0f), 0);
	e2e_settle(&w);
	record();
	assert_silent("pan +1", 0);
	assert_near("R out - in at pan +1 (dB)", out_db(1) - sent_db(1), 0.0, TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* e. Mute silences both sides; unmute restores the level. */
START_TEST(test_mute)
{
	double before;

	mono_one_strip_up();
	record();
	before = out_db(0);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/mute", 1), 0);
	e2e_settle(&w);
	record();
	assert_silent("strip mute", 0);
	assert_silent("strip mute", 1);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/mute", 0), 0);
	e2e_settle(&w);
	record();
	assert_near("L after unmute - before (dB)", out_db(0) - before, 0.0, TOL_LEVEL);

	ck_assert_int_eq(h_osc_set_i(w.osc, "/master/mute", 1), 0);
	e2e_settle(&w);
	record();
	assert_silent("master mute", 0);
	assert_silent("master mute", 1);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/master/mute", 0), 0);
	e2e_settle(&w);
	record();
	assert_near("L after master unmute - before (dB)", out_db(0) - before, 0.0, TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* f. Solo in place: two tones at different levels; soloing strip 2 leaves exactly strip 2. */
START_TEST(test_solo)
{
	static const char *const args[] = { "--strips", "2", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2" };
	/* Centre pan on both: each side carries half the power of each strip. */
	const double g2 = pow(10.0, PAN_CENTRE_DB / 10.0);
	double both, only2, only1;

	world_up(NULL, args, 2, in);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 2, TONE2_HZ, TONE2_DBFS), 0);
	e2e_settle(&w);
	record();
	both = h_power_db(g2 * (sent_ms(1) + sent_ms(2)));
	only1 = h_power_db(g2 * sent_ms(1));
	only2 = h_power_db(g2 * sent_ms(2));
	assert_near("L, no solo: sum of both strips (dBFS)", out_db(0), both, TOL_LEVEL);

	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/solo", 1), 0);
	e2e_settle(&w);
	record();
	assert_near("L, strip 2 soloed (dBFS)", out_db(0), only2, TOL_LEVEL);
	assert_near("R, strip 2 soloed (dBFS)", out_db(1), only2, TOL_LEVEL);

	/* Both soloed is the sum again; then strip 1 alone. */
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/solo", 1), 0);
	e2e_settle(&w);
	record();
	assert_near("L, both soloed (dBFS)", out_db(0), both, TOL_LEVEL);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/solo", 0), 0);
	e2e_settle(&w);
	record();
	assert_near("L, strip 1 soloed (dBFS)", out_db(0), only1, TOL_LEVEL);

	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/solo", 0), 0);
	e2e_settle(&w);
	record();
	assert_near("L, solo cleared (dBFS)", out_db(0), both, TOL_LEVEL);
	assert_near("R, solo cleared (dBFS)", out_db(1), both, TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* g. get returns what set stored, in the parameter's own type, clamped to its range. */
START_TEST(test_get_set)
{
	static const char *const args[] = { "--strips", "2", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2" };

	world_up(NULL, args, 2, in);

	/* Defaults from the parameter table. */
	e2e_get_s_eq(&w, "/strip/2/name", "2");
	e2e_get_f_near(&w, "/strip/1/trim", 0.0f, 1e-6);
	e2e_get_i_eq(&w, "/strip/1/polarity", 0);
	e2e_get_f_near(&w, "/strip/1/fader", 0.0f, 1e-6);
	e2e_get_f_near(&w, "/strip/1/pan", 0.0f, 1e-6);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);
	e2e_get_i_eq(&w, "/strip/1/solo", 0);
	e2e_get_f_near(&w, "/master/fader", 0.0f, 1e-6);
	e2e_get_i_eq(&w, "/master/mute", 0);

	ck_assert_int_eq(h_osc_set_s(w.osc, "/strip/1/name", "kick"), 0);
	e2e_get_s_eq(&w, "/strip/1/name", "kick");
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/trim", 3.5f), 0);
	e2e_get_f_near(&w, "/strip/1/trim", 3.5f, 1e-5);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/polarity", 1), 0);
	e2e_get_i_eq(&w, "/strip/1/polarity", 1);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -6.5f), 0);
	e2e_get_f_near(&w, "/strip/1/fader", -6.5f, 1e-5);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/pan", -0.25f), 0);
	e2e_get_f_near(&w, "/strip/1/pan", -0.25f, 1e-6);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/mute", 1), 0);
	e2e_get_i_eq(&w, "/strip/2/mute", 1);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/solo", 1), 0);
	e2e_get_i_eq(&w, "/strip/2/solo", 1);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/fader", -3.0f), 0);
	e2e_get_f_near(&w, "/master/fader", -3.0f, 1e-5);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/master/mute", 1), 0);
	e2e_get_i_eq(&w, "/master/mute", 1);
	/* The other strip is untouched. */
	e2e_get_f_near(&w, "/strip/2/fader", 0.0f, 1e-6);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);

	/* Clamping. */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", 40.0f), 0);
	e2e_get_f_near(&w, "/strip/1/fader", 10.0f, 1e-5);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/pan", 5.0f), 0);
	e2e_get_f_near(&w, "/strip/1/pan", 1.0f, 1e-6);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/pan", -5.0f), 0);
	e2e_get_f_near(&w, "/strip/1/pan", -1.0f, 1e-6);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/trim", 30.0f), 0);
	e2e_get_f_near(&w, "/strip/1/trim", 24.0f, 1e-5);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/trim", -99.0f), 0);
	e2e_get_f_near(&w, "/strip/1/trim", -24.0f, 1e-5);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/fader", 25.0f), 0);
	e2e_get_f_near(&w, "/master/fader", 10.0f, 1e-5);
	{
		/* Below -144 is "off": it reads -144 or -inf, never above. */
		float v = 0.0f;

		ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -200.0f), 0);
		ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
		ck_assert_msg(v <= -144.0f, "fader set -200 reads %f, expected <= -144", (double)v);
	}

	/* Numeric parameters take i, d, T/F as well as f. */
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/1/fader", -6), 0);
	e2e_get_f_near(&w, "/strip/1/fader", -6.0f, 1e-5);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "d", -7.5), 0);
	e2e_get_f_near(&w, "/strip/1/fader", -7.5f, 1e-5);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/pan", "d", 0.5), 0);
	e2e_get_f_near(&w, "/strip/1/pan", 0.5f, 1e-6);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/mute", "T"), 0);
	e2e_get_i_eq(&w, "/strip/1/mute", 1);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/mute", "F"), 0);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/polarity", 0.0f), 0);
	e2e_get_i_eq(&w, "/strip/1/polarity", 0);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/2/solo", "d", 0.0), 0);
	e2e_get_i_eq(&w, "/strip/2/solo", 0);

	/* A successful set has no reply. */
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -1.0f), 0);
	assert_no_reply(w.osc, "set /strip/1/fader", 300);
	e2e_stop_mixd(&w);
}
END_TEST

/* A bundle (timetag "immediately") around inner, nested depth times. */
static size_t
nest_bundle(uint8_t *out, size_t cap, const uint8_t *inner, size_t n, unsigned depth)
{
	static const uint8_t head[16] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0,
		                          0,   0,   0,   0,   0,   0,   0,   1 };
	uint8_t tmp[1024];
	size_t len = n;

	ck_assert_uint_le(n + depth * 20, sizeof(tmp));
	ck_assert_uint_le(n + depth * 20, cap);
	memcpy(out, inner, n);
	for (unsigned d = 0; d < depth; d++) {
		memcpy(tmp, head, 16);
		tmp[16] = (uint8_t)(len >> 24);
		tmp[17] = (uint8_t)(len >> 16);
		tmp[18] = (uint8_t)(len >> 8);
		tmp[19] = (uint8_t)len;
		memcpy(tmp + 20, out, len);
		len += 20;
		memcpy(out, tmp, len);
	}
	return len;
}

/* h. Bad input changes nothing, answers /error where it can, and mixd keeps running. */
START_TEST(test_bad_input)
{
	uint8_t pkt[1024], deep[1024];
	int64_t malformed0, rejected0;
	lo_message msg;
	ssize_t len;
	size_t dlen;
	double before;

	mono_one_strip_up();
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -6.0f), 0);
	e2e_settle(&w);
	record();
	before = out_db(0) - sent_db(1);
	assert_near("L out - in at fader -6 (dB)", before, PAN_CENTRE_DB - 6.0, TOL_GAIN);
	malformed0 = e2e_stat(&w, "malformed");
	rejected0 = e2e_stat(&w, "rejected");

	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/nosuch", "f", -30.0), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/nosuch", H_REPLY_MS),
	              "no /error for an unknown address");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/9/fader", "f", -30.0), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/9/fader", H_REPLY_MS),
	              "no /error for a strip that does not exist");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "s", "loud"), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/fader", H_REPLY_MS),
	              "no /error for a string sent to a float parameter");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/mute", "s", "yes"), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/mute", H_REPLY_MS),
	              "no /error for a string sent to an int parameter");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "f", (double)NAN), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/fader", H_REPLY_MS), "no /error for NaN");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "f", (double)INFINITY), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/fader", H_REPLY_MS),
	              "no /error for +Inf");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "d", -(double)INFINITY), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/fader", H_REPLY_MS),
	              "no /error for -Inf");
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader", "ff", -30.0, -31.0), 0);
	ck_assert_msg(h_osc_expect_error(w.osc, "/strip/1/fader", H_REPLY_MS),
	              "no /error for two arguments");
	e2e_get_f_near(&w, "/strip/1/fader", -6.0f, 1e-5);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);

	/* Truncated: the float argument cut off (still 4-aligned), and cut mid-word. */
	msg = lo_message_new();
	ck_assert_ptr_nonnull(msg);
	lo_message_add_float(msg, -30.0f);
	len = h_osc_serialise("/strip/1/fader", msg, pkt, sizeof(pkt));
	lo_message_free(msg);
	ck_assert_int_eq(len, 24);
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send_raw(w.osc, pkt, (size_t)len - 4), 0);
	assert_no_reply(w.osc, "truncated packet (20 of 24 bytes)", 300);
	ck_assert_int_eq(h_osc_send_raw(w.osc, pkt, (size_t)len - 2), 0);
	assert_no_reply(w.osc, "truncated packet (22 of 24 bytes)", 300);
	e2e_get_f_near(&w, "/strip/1/fader", -6.0f, 1e-5);

	/* The same valid message inside bundles nested 10 deep. */
	dlen = nest_bundle(deep, sizeof(deep), pkt, (size_t)len, 10);
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send_raw(w.osc, deep, dlen), 0);
	assert_no_reply(w.osc, "bundle nested 10 deep", 300);
	e2e_get_f_near(&w, "/strip/1/fader", -6.0f, 1e-5);

	ck_assert_msg(h_osc_ping(w.osc, H_REPLY_MS), "mixd stopped answering /ping");
	ck_assert_msg(h_mixd_alive(w.mixd), "mixd died");
	{
		int64_t malformed = e2e_stat(&w, "malformed"), rejected = e2e_stat(&w, "rejected");

		ck_assert_msg(malformed - malformed0 == 3,
		              "malformed went %lld -> %lld, expected +3", (long long)malformed0,
		              (long long)malformed);
		ck_assert_msg(rejected - rejected0 >= 8,
		              "rejected went %lld -> %lld, expected at least +8",
		              (long long)rejected0, (long long)rejected);
	}
	e2e_settle(&w);
	record();
	assert_near("L out - in after the bad input (dB)", out_db(0) - sent_db(1), before,
	            TOL_LEVEL);

	/* Control: the same message in a bundle nested 2 deep is legal and applies, so the drop
	 * above was the depth, not bundles as such. */
	dlen = nest_bundle(deep, sizeof(deep), pkt, (size_t)len, 2);
	ck_assert_int_eq(h_osc_send_raw(w.osc, deep, dlen), 0);
	e2e_get_f_near(&w, "/strip/1/fader", -30.0f, 1e-5);
	e2e_stop_mixd(&w);
}
END_TEST

/* i. A peer outside --osc-allow is ignored: no reply, no change, no audio change. */
START_TEST(test_allowlist)
{
	static const char *const args[] = { "--strips", "1", "--osc-allow", "127.0.0.1/32", NULL };
	static const char *const in[] = { "mixd:in_1" };
	const struct h_mixd_opts opts = { .listen_host = "0.0.0.0" };
	struct h_osc *stranger;
	int64_t refused0, refused;
	double before;

	world_up(&opts, args, 1, in);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -6.0f), 0);
	e2e_settle(&w);
	record();
	before = out_db(0) - sent_db(1);
	refused0 = e2e_stat(&w, "not_allowed");

	stranger = h_osc_open("127.0.0.2", w.mixd->port);
	ck_assert_msg(stranger != NULL, "cannot bind a client to 127.0.0.2");
	ck_assert_int_eq(h_osc_set_f(stranger, "/strip/1/fader", -30.0f), 0);
	ck_assert_int_eq(h_osc_send(stranger, "/strip/1/fader", ""), 0);
	ck_assert_int_eq(h_osc_send(stranger, "/ping", ""), 0);
	ck_assert_int_eq(h_osc_send(stranger, "/strip/1/nosuch", "f", 1.0), 0);
	{
		struct h_msg *m = h_osc_recv(stranger, 500);

		ck_assert_msg(m == NULL, "a peer outside the allowlist got a reply: %s ,%s",
		              m ? m->path : "", m ? m->types : "");
	}
	h_osc_close(stranger);

	e2e_get_f_near(&w, "/strip/1/fader", -6.0f, 1e-5);
	refused = e2e_stat(&w, "not_allowed");
	ck_assert_msg(refused - refused0 == 4, "not_allowed went %lld -> %lld, expected +4",
	              (long long)refused0, (long long)refused);
	e2e_settle(&w);
	record();
	assert_near("L out - in after the stranger's set (dB)", out_db(0) - sent_db(1), before,
	            TOL_LEVEL);
	e2e_stop_mixd(&w);
}
END_TEST

/* j. Under audio and a burst of OSC traffic the process callback allocates, locks, does I/O,
 * sleeps and logs nothing (counted by the LD_PRELOAD interposer inside mixd). */
START_TEST(test_rt_safety)
{
	static const char *const args[] = { "--strips", "8", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2", "mixd:in_3", "mixd:in_4",
		                          "mixd:in_5", "mixd:in_6", "mixd:in_7", "mixd:in_8" };
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts opts = { 0 };
	char report_path[512], why[4608], path[64];
	long long callbacks;
	int64_t applied, t_end;
	struct e2e_commands cmd0;
	unsigned sent = 0, i;

	ck_assert_msg(lib && *lib, "RTCHECK_LIB is not set: the RT-safety test needs the "
	                           "interposer library");
	snprintf(report_path, sizeof(report_path), "%s/%s.%ld.rtcheck", h_session_dir(),
	         w.jackd->name, (long)getpid());
	opts.preload = lib;
	opts.rtcheck_out = report_path;
	world_up(&opts, args, 8, in);
	for (unsigned k = 1; k <= 8; k++) {
		if (k % 2)
			ck_assert_int_eq(h_probe_sine(w.probe, k, 200.0 * k, -18.0), 0);
		else
			ck_assert_int_eq(h_probe_noise(w.probe, k, -24.0, 1000u + k), 0);
	}
	e2e_settle(&w);
	cmd0 = e2e_commands_now(&w);

	t_end = h_now_ms() + 2000;
	for (i = 0; h_now_ms() < t_end; i++) {
		for (unsigned k = 1; k <= 8; k++) {
			snprintf(path, sizeof(path), "/strip/%u/fader", k);
			sent += !h_osc_set_f(w.osc, path, -(float)((i + k) % 60));
			snprintf(path, sizeof(path), "/strip/%u/pan", k);
			sent += !h_osc_set_f(w.osc, path, (float)sin(0.1 * i + k));
			snprintf(path, sizeof(path), "/strip/%u/trim", k);
			sent += !h_osc_set_f(w.osc, path, (float)((i * 7 + k) % 48) - 24.0f);
			snprintf(path, sizeof(path), "/strip/%u/mute", k);
			sent += !h_osc_set_i(w.osc, path, (int)((i + k) % 5 == 0));
			snprintf(path, sizeof(path), "/strip/%u/solo", k);
			sent += !h_osc_set_i(w.osc, path, (int)((i + k) % 7 == 0));
			snprintf(path, sizeof(path), "/strip/%u/polarity", k);
			sent += !h_osc_set_i(w.osc, path, (int)((i + k) % 2));
		}
		sent += !h_osc_set_f(w.osc, "/master/fader", -(float)(i % 20));
		sent += !h_osc_set_i(w.osc, "/master/mute", 0);
		snprintf(path, sizeof(path), "/strip/%u/fader", i % 8 + 1);
		sent += !h_osc_send(w.osc, path, "");
		snprintf(path, sizeof(path), "/meter/strip/%u", i % 8 + 1);
		sent += !h_osc_send(w.osc, path, "");
		sent += !h_osc_send(w.osc, "/meter/master", "");
		if (i % 10 == 0) {
			sent += !h_osc_set_s(w.osc, "/strip/3/name", i % 20 ? "snare" : "kick");
			sent += !h_osc_send(w.osc, "/strip/1/fader", "f", (double)NAN);
			sent += !h_osc_send(w.osc, "/strip/1/nosuch", "i", 1);
		}
		h_osc_drain(w.osc);
		/* ~55 messages per 5 ms: about 20 000 in 2 s, in bursts like a busy surface. */
		h_sleep_ms(5);
	}
	ck_assert_msg(sent >= 2000, "only %u messages sent", sent);
	ck_assert_msg(h_osc_ping(w.osc, 2000), "mixd stopped answering after the burst");
	e2e_assert_commands_applied(&w, cmd0, 1000, "rt_safety");
	applied = e2e_stat(&w, "commands_applied");
	e2e_stop_mixd(&w);

	ck_assert_msg(h_rtcheck_verify(report_path, 100, &callbacks, why, sizeof(why)) == 0, "%s",
	              why);
	fprintf(stderr, "rt_safety: %u messages, %lld callbacks, %lld commands applied\n", sent,
	        callbacks, (long long)applied);
}
END_TEST

/* k. Meters read what the audio measures. */
START_TEST(test_meters)
{
	struct h_msg *m;
	double peak_out;

	mono_one_strip_up();
	/* Meters hold the max since the last read: read once to start a fresh interval. */
	h_msg_free(h_osc_get(w.osc, "/meter/strip/1"));
	h_msg_free(h_osc_get(w.osc, "/meter/master"));
	e2e_settle(&w);
	record();
	peak_out = out_peak_db(0);

	m = h_osc_get(w.osc, "/meter/strip/1");
	ck_assert_msg(m && !strcmp(m->path, "/meter/strip/1"), "no /meter/strip/1 reply");
	ck_assert_msg(!strcmp(m->types, "fff"), "/meter/strip/1 types ,%s (expected ,fff)",
	              m->types);
	/* a sine: its sample peak within 0.1 dB of the peak, its RMS 3.0103 dB below */
	assert_near("strip 1 meter peak (dBFS)", h_arg_f(m, 0), TONE_DBFS, 0.1);
	assert_near("strip 1 meter rms (dBFS)", h_arg_f(m, 1), TONE_DBFS - 3.0103, 0.1);
	assert_near("strip 1 meter gr (dB)", h_arg_f(m, 2), 0.0, 0.01);
	h_msg_free(m);

	m = h_osc_get(w.osc, "/meter/master");
	ck_assert_msg(m && !strcmp(m->path, "/meter/master"), "no /meter/master reply");
	ck_assert_msg(!strcmp(m->types, "fffff"), "/meter/master types ,%s (expected ,fffff)",
	              m->types);
	assert_near("master meter peak L (dBFS)", h_arg_f(m, 0), peak_out, 0.5);
	assert_near("master meter peak R (dBFS)", h_arg_f(m, 1), peak_out, 0.5);
	ck_assert_msg(h_arg_f(m, 2) >= peak_out - 0.5 && h_arg_f(m, 2) <= peak_out + 1.0,
	              "master true peak %.2f dBTP with sample peak %.2f dBFS",
	              (double)h_arg_f(m, 2), peak_out);
	assert_near("master meter limiter gr (dB)", h_arg_f(m, 3), 0.0, 0.01);
	assert_near("master meter glue comp gr (dB)", h_arg_f(m, 4), 0.0, 0.01);
	h_msg_free(m);
	e2e_stop_mixd(&w);
}
END_TEST

/* l. The protocol's own messages: /info, /list, /stats. */
START_TEST(test_protocol)
{
	/* 12 strips: the prefix "/strip/1" must not also cover strips 10..12 */
	static const char *const args[] = { "--strips", "12", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2" };
	static const char *const counters[] = { "received", "rejected", "malformed", "not_allowed",
		                                "commands_applied" };
	bool seen_fader = false, seen_master = false;
	unsigned n_list = 0;
	struct h_msg *m;

	world_up(NULL, args, 2, in);

	m = h_osc_get(w.osc, "/info");
	ck_assert_msg(m && !strcmp(m->path, "/info"), "no /info reply");
	ck_assert_msg(!strcmp(m->types, "ssiiii"), "/info types ,%s (expected ,ssiiii)", m->types);
	ck_assert_str_eq(h_arg_s(m, 0), "mixd");
	ck_assert_int_eq(h_arg_i(m, 2), 12);
	ck_assert_int_eq(h_arg_i(m, 3), RATE);
	ck_assert_int_eq(h_arg_i(m, 4), PERIOD);
	ck_assert_int_ge(h_arg_i(m, 5), 0);
	h_msg_free(m);

	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/list", ""), 0);
	while ((m = h_osc_recv(w.osc, H_REPLY_MS)) && strcmp(m->path, "/list/end")) {
		if (!strcmp(m->path, "/list")) {
			ck_assert_msg(m->argc >= 1 && m->types[0] == 's', "/list entry ,%s",
			              m->types);
			seen_fader |= !strcmp(h_arg_s(m, 0), "/strip/2/fader");
			seen_master |= !strcmp(h_arg_s(m, 0), "/master/mute");
			n_list++;
		}
		h_msg_free(m);
	}
	ck_assert_msg(m != NULL, "no /list/end after %u entries", n_list);
	h_msg_free(m);
	ck_assert_msg(seen_fader && seen_master, "/list lacks /strip/2/fader or /master/mute");
	/* 9 live parameters per strip name..solo (7) plus the 2 master ones, at least. */
	ck_assert_uint_ge(n_list, 12 * 7 + 2);

	ck_assert_int_eq(h_osc_send(w.osc, "/list", "s", "/strip/2/"), 0);
	n_list = 0;
	while ((m = h_osc_recv(w.osc, H_REPLY_MS)) && strcmp(m->path, "/list/end")) {
		if (!strcmp(m->path, "/list")) {
			ck_assert_msg(!strncmp(h_arg_s(m, 0), "/strip/2/", 9),
			              "/list /strip/2/ returned %s", h_arg_s(m, 0));
			n_list++;
		}
		h_msg_free(m);
	}
	ck_assert_msg(m != NULL, "no /list/end for the prefix");
	h_msg_free(m);
	ck_assert_uint_ge(n_list, 7);

	/* a prefix covers whole path segments: "/strip/1" is strip 1 alone, not 10, 11, 12 */
	unsigned n_strip2 = n_list;
	ck_assert_int_eq(h_osc_send(w.osc, "/list", "s", "/strip/1"), 0);
	n_list = 0;
	while ((m = h_osc_recv(w.osc, H_REPLY_MS)) && strcmp(m->path, "/list/end")) {
		if (!strcmp(m->path, "/list")) {
			ck_assert_msg(!strncmp(h_arg_s(m, 0), "/strip/1/", 9),
			              "/list /strip/1 returned %s", h_arg_s(m, 0));
			n_list++;
		}
		h_msg_free(m);
	}
	ck_assert_msg(m != NULL, "no /list/end for /strip/1");
	h_msg_free(m);
	ck_assert_uint_eq(n_list, n_strip2);

	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++)
		ck_assert_int_ge(e2e_stat(&w, counters[k]), 0);
	ck_assert_int_ge(e2e_stat(&w, "received"), 3);
	e2e_stop_mixd(&w);
}
END_TEST

/* Each case starts a server and mixd and records a few seconds: generous for slow CI and
 * sanitizer builds. */
#define E2E_CASE_TIMEOUT_S 60

static Suite *
e2e_core_suite(void)
{
	Suite *s = suite_create("e2e_core");

	e2e_add_case(s, "unity", test_unity, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "mono_centre", test_mono_centre, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "fader", test_fader, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "pan_left", test_pan_left, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "mute", test_mute, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "solo", test_solo, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "get_set", test_get_set, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "bad_input", test_bad_input, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "allowlist", test_allowlist, setup, teardown, E2E_CASE_TIMEOUT_S);
	if (e2e_rtcheck_possible("rt_safety"))
		e2e_add_case(s, "rt_safety", test_rt_safety, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "meters", test_meters, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "protocol", test_protocol, setup, teardown, E2E_CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_core_suite());
}
