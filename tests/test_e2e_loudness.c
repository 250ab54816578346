/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the master loudness meter (dsp-reference.md §8 tests 20-22): the EBU Tech
 * 3341/3342 signals of tests/ebu_cases.h, synthesized here and played by the probe into one
 * stereo strip at unity (`--strips 1 --stereo 1`: balance centre is unity on both sides, the
 * only thing in the path so far), read back over OSC with /loudness after each, with
 * /master/loudness/reset between them.
 *
 * The cases hold about six minutes of audio, so the server runs faster than real time
 * (h_probe_fast: freewheeling, a 1024-frame period every PACE_US of wall time, about 10x; the
 * sample rate stays 48 kHz). mixd's RT side, its loudness
 * thread and the probe must keep up: every case ends by asserting that no frame was dropped on
 * the way to the meter (/stats loudness_drops) and waits until the meter has measured every
 * frame mixd handed it (loudness_measured reaches loudness_frames) before reading.
 *
 * Each test is its own TCase (`CK_RUN_CASE=tech3341` runs one); H_VERBOSE=1 changes nothing:
 * every reading is printed, so a run documents what the meter measured.
 */
#include "e2e_run.h"
#include "ebu_cases.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE    EBU_RATE
#define PERIOD  1024
#define PACE_US 2000
/* what /loudness sends for "nothing measured" (-inf), like the meters */
#define OFF_DB (-144.0f)
/* audio after a signal ends before reading: the last 400 ms gating block is complete */
#define TAIL_S 0.5
/* after a loudness-range signal: the 3 s short-term windows have moved past its end */
#define TAIL_LRA_S 3.5

/* /loudness f:M f:S f:I f:LRA f:max_truepeak f:target f:distance */
enum { L_M, L_S, L_I, L_LRA, L_TP, L_TARGET, L_DIST, L_N };

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* mixd with one stereo strip, probe out_1/out_2 into its L/R. */
static void
world_up(void)
{
	static const char *const args[] = { "--strips", "1", "--stereo", "1", NULL };
	static const char *const in[] = { "mixd:in_1_L", "mixd:in_1_R" };

	e2e_world_up(&w, NULL, args, 2, in, PERIOD);
	/* The cases need a unity path to the meter. The master limiter (design.md §3: on by
	 * default, ceiling -1 dBTP) would hold case 19 and the 0 dBFS sine down, so it is switched
	 * off; a mixd without it answers /error, which the next get drains. */
	ck_assert_int_eq(h_osc_set_i(w.osc, "/master/limiter/on", 0), 0);
	ck_assert_int_eq(h_probe_fast(w.probe, PACE_US), 0);
}

static void
loudness_get(float v[L_N])
{
	struct h_msg *m = h_osc_get(w.osc, "/loudness");

	ck_assert_msg(m && !strcmp(m->path, "/loudness"), "no /loudness reply");
	ck_assert_msg(!strcmp(m->types, "fffffff"), "/loudness types ,%s (expected ,fffffff)",
	              m->types);
	for (int i = 0; i < L_N; i++)
		v[i] = h_arg_f(m, i);
	h_msg_free(m);
}

static void
print_reading(const char *what, const float v[L_N])
{
	fprintf(stderr,
	        "  %-10s M %8.3f  S %8.3f  I %8.3f  LRA %6.3f  TP %7.3f  target %6.1f  "
	        "distance %7.3f\n",
	        what, (double)v[L_M], (double)v[L_S], (double)v[L_I], (double)v[L_LRA],
	        (double)v[L_TP], (double)v[L_TARGET], (double)v[L_DIST]);
}

/* Back to real time (a freewheeling server waits for every client: mixd must not leave while
 * it does), then mixd's clean stop. */
static void
stop_mixd(void)
{
	ck_assert_int_eq(h_probe_fast(w.probe, 0), 0);
	e2e_stop_mixd(&w);
}

/* Lets `seconds` of audio pass on the server's clock (the probe's frame count). */
static void
wait_audio(double seconds)
{
	uint64_t until = h_probe_frames(w.probe) + (uint64_t)(seconds * RATE);
	int64_t deadline = h_now_ms() + (int64_t)(seconds * 1000) + 5000;

	while (h_probe_frames(w.probe) < until) {
		ck_assert_msg(h_now_ms() < deadline, "the server's clock stalled");
		h_sleep_ms(2);
	}
}

/* Waits until the meter has measured every frame mixd has handed it so far, and checks that
 * none was dropped. */
static void
caught_up(void)
{
	int64_t handed = e2e_stat(&w, "loudness_frames");
	int64_t deadline = h_now_ms() + 2000;

	while (e2e_stat(&w, "loudness_measured") < handed) {
		ck_assert_msg(h_now_ms() < deadline, "the loudness thread fell behind");
		h_sleep_ms(2);
	}
	ck_assert_int_eq(e2e_stat(&w, "loudness_drops"), 0);
}

/* Silence in, every frame measured, then /master/loudness/reset: the meter reads "nothing" in
 * every field (I, LRA, true peak, M and S) until the next signal. */
static void
silence_and_reset(void)
{
	int64_t deadline = h_now_ms() + 2000;
	float v[L_N];

	ck_assert_int_eq(h_probe_silence(w.probe, 1), 0);
	ck_assert_int_eq(h_probe_silence(w.probe, 2), 0);
	wait_audio(TAIL_S);
	caught_up();
	ck_assert_int_eq(h_osc_send(w.osc, "/master/loudness/reset", ""), 0);
	for (;;) {
		loudness_get(v);
		if (v[L_I] == OFF_DB && v[L_TP] == OFF_DB)
			break;
		ck_assert_msg(h_now_ms() < deadline, "reset not applied: I %.3f TP %.3f",
		              (double)v[L_I], (double)v[L_TP]);
		h_sleep_ms(2);
	}
	ck_assert_msg(v[L_M] == OFF_DB && v[L_S] == OFF_DB && v[L_LRA] == 0.0f &&
	                  v[L_DIST] == OFF_DB,
	              "after reset: M %.3f S %.3f LRA %.3f distance %.3f", (double)v[L_M],
	              (double)v[L_S], (double)v[L_LRA], (double)v[L_DIST]);
}

static void
check_value(const struct ebu_case *c, const char *what, double got)
{
	ck_assert_msg(ebu_pass(c, got), "%s %s: %.3f, expected %.1f -%.1f/+%.1f", c->name, what,
	              got, c->expect, c->tol_lo, c->tol_hi);
}

/* A stationary tone from the probe's generators (the reading is taken while it plays, so M
 * and S are at steady state): M, S and I. */
static void
run_msi(const struct ebu_case *c, float v[L_N])
{
	ck_assert_int_eq(h_probe_sine(w.probe, 1, c->freq_hz, c->seg[0].dbfs), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 2, c->freq_hz, c->seg[0].dbfs), 0);
	wait_audio(c->seg[0].seconds);
	caught_up();
	loudness_get(v);
	print_reading(c->name, v);
	check_value(c, "M", v[L_M]);
	check_value(c, "S", v[L_S]);
	check_value(c, "I", v[L_I]);
}

/* A synthesized signal, played sample-exactly on both channels from the same frame. */
static void
run_played(const struct ebu_case *c, float v[L_N])
{
	size_t n = ebu_frames(c, RATE);
	float *buf = malloc(n * sizeof(float));
	const float *const bufs[2] = { buf, buf };

	ck_assert_ptr_nonnull(buf);
	ebu_synth(c, RATE, buf);
	ck_assert_int_eq(h_probe_play_start(w.probe, bufs, 2, n), 0);
	ck_assert_int_eq(h_probe_play_wait(w.probe), 0);
	free(buf);
	wait_audio(c->check == EBU_LRA ? TAIL_LRA_S : TAIL_S);
	caught_up();
	loudness_get(v);
	print_reading(c->name, v);
	check_value(c,
	            c->check == EBU_TP    ? "true peak"
	            : c->check == EBU_LRA ? "LRA"
	                                  : "I",
	            v[c->check == EBU_TP    ? L_TP
	              : c->check == EBU_LRA ? L_LRA
	                                    : L_I]);
}

/* a. §8 test 20 and 21: Tech 3341 cases 1-5 and 15-19, Tech 3342 case 1, reset between. */
START_TEST(test_tech3341)
{
	int64_t t0, frames0;
	float v[L_N];

	world_up();
	t0 = h_now_ms();
	frames0 = (int64_t)h_probe_frames(w.probe);
	for (size_t k = 0; k < EBU_N_CASES; k++) {
		const struct ebu_case *c = &ebu_cases[k];

		silence_and_reset();
		if (c->check == EBU_MSI)
			run_msi(c, v);
		else
			run_played(c, v);
	}
	fprintf(stderr, "  %.1f s of audio in %.1f s (%.1fx real time), %lld frames measured\n",
	        (double)((int64_t)h_probe_frames(w.probe) - frames0) / RATE,
	        (double)(h_now_ms() - t0) / 1000.0,
	        (double)((int64_t)h_probe_frames(w.probe) - frames0) / RATE /
	            ((double)(h_now_ms() - t0) / 1000.0),
	        (long long)e2e_stat(&w, "loudness_measured"));
	ck_assert_int_eq(e2e_stat(&w, "loudness_drops"), 0);
	stop_mixd();
}
END_TEST

/* b. §8 test 22: 997 Hz at 0 dBFS on the left only reads -3.01 LKFS (M and S exact; I from
 * libebur128's histogram, whose 0.1 LU bins answer with their centre: within 0.05), and reset
 * clears I and the true peak. Then the target and the distance, and the shapes /loudness and
 * the reset refuse. */
START_TEST(test_one_channel)
{
	const double want = -3.0103;
	float v[L_N], target;

	world_up();
	silence_and_reset();
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 997.0, 0.0), 0);
	wait_audio(10.0);
	caught_up();
	loudness_get(v);
	print_reading("997 Hz L", v);
	ck_assert_msg(fabs(v[L_M] - want) <= 0.01, "M %.4f, expected %.4f +- 0.01", (double)v[L_M],
	              want);
	ck_assert_msg(fabs(v[L_S] - want) <= 0.01, "S %.4f, expected %.4f +- 0.01", (double)v[L_S],
	              want);
	ck_assert_msg(fabs(v[L_I] - want) <= 0.05, "I %.4f, expected %.4f +- 0.05 (histogram)",
	              (double)v[L_I], want);
	ck_assert_msg(v[L_TP] > -0.1f && v[L_TP] < 0.2f, "true peak %.3f of a 0 dBFS sine",
	              (double)v[L_TP]);
	/* the default target, and distance = I - target */
	ck_assert_float_eq(v[L_TARGET], -14.0f);
	ck_assert_msg(fabsf(v[L_DIST] - (v[L_I] - v[L_TARGET])) < 1e-3f, "distance %.4f",
	              (double)v[L_DIST]);

	/* the target is a parameter like any other: set, clamped, read back, in the reply */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/loudness/target", -23.0f), 0);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/master/loudness/target", &target), 0);
	ck_assert_float_eq(target, -23.0f);
	loudness_get(v);
	ck_assert_float_eq(v[L_TARGET], -23.0f);
	ck_assert_msg(fabsf(v[L_DIST] - (v[L_I] + 23.0f)) < 1e-3f, "distance %.4f at -23",
	              (double)v[L_DIST]);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/loudness/target", -50.0f), 0);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/master/loudness/target", &target), 0);
	ck_assert_float_eq(target, -36.0f);

	/* arguments where none belong: an /error, and nothing is reset */
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/master/loudness/reset", "i", 1), 0);
	ck_assert(h_osc_expect_error(w.osc, "/master/loudness/reset", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/loudness", "f", 1.0), 0);
	ck_assert(h_osc_expect_error(w.osc, "/loudness", H_REPLY_MS));
	loudness_get(v);
	ck_assert_msg(fabs(v[L_I] - want) <= 0.05, "I %.4f after refused resets", (double)v[L_I]);

	/* reset clears I and the true peak (and M, S, LRA: silence_and_reset checks them all) */
	silence_and_reset();
	ck_assert_int_eq(e2e_stat(&w, "loudness_drops"), 0);
	stop_mixd();
}
END_TEST

/* Six minutes of audio at about 10x, plus start-up: generous for a loaded CI machine. */
#define E2E_CASE_TIMEOUT_S 150

static Suite *
e2e_loudness_suite(void)
{
	Suite *s = suite_create("e2e_loudness");

	e2e_add_case(s, "tech3341", test_tech3341, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "one_channel", test_one_channel, setup, teardown, E2E_CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_loudness_suite());
}
