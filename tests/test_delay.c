/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The delay bus against dsp-reference.md §8 test 25: tempo-synced times measured by impulse,
 * -6.02 dB per repeat at feedback 0.5 against the loop filters' exact (bilinear Butterworth)
 * response, ping-pong alternation, time changes with no step beyond the signal's own; then
 * feedback 0.95 for 30 s of noise, parameter changes, silence ending in exact zeros without
 * FTZ, garbage input, and independence from the period size.
 */
#include "check_run.h"
#include "measure.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delay.h"

#define FS 48000.0

/* ---------------------------------------------------------------------------------------------
 * Signals and measurement. */

/* |H(f)| in dB of the RBJ low-pass (high = false) or high-pass at f0, Q = 1/sqrt(2): the
 * bilinear Butterworth, which is exactly what a trapezoidal SVF with k = sqrt(2) computes. */
static double
rbj_db(bool high, double f0, double f)
{
	double w0 = 2.0 * M_PI * f0 / FS, c = cos(w0), al = sin(w0) / M_SQRT2;
	double b0 = (high ? 1.0 + c : 1.0 - c) / 2.0, b1 = high ? -(1.0 + c) : 1.0 - c, b2 = b0;
	double a0 = 1.0 + al, a1 = -2.0 * c, a2 = 1.0 - al;
	double w = 2.0 * M_PI * f / FS, c1 = cos(w), c2 = cos(2.0 * w);
	double num =
	    b0 * b0 + b1 * b1 + b2 * b2 + 2.0 * (b0 * b1 + b1 * b2) * c1 + 2.0 * b0 * b2 * c2;
	double den =
	    a0 * a0 + a1 * a1 + a2 * a2 + 2.0 * (a0 * a1 + a1 * a2) * c1 + 2.0 * a0 * a2 * c2;

	return 10.0 * log10(num / den);
}

/* The loop filter F = low-cut then high-cut, in dB at f. */
static double
loop_filter_db(double lowcut, double highcut, double f)
{
	return rbj_db(true, lowcut, f) + rbj_db(false, highcut, f);
}

static double
energy(const float *x, int from, int to)
{
	double s = 0.0;

	for (int i = from; i < to; i++)
		s += (double)x[i] * x[i];
	return s;
}

/* A delay at these settings, settled (no glide or fade from the defaults). */
static struct delay *
new_delay(float time_ms, float fb, float lowcut, float highcut, bool pingpong)
{
	struct delay *d = delay_new();

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(delay_set_rate(d, FS), 0);
	delay_set(d, time_ms, fb, lowcut, highcut, pingpong, false, DELAY_DIV_4);
	delay_reset(d);
	return d;
}

static void
run(struct delay *d, const float *xl, const float *xr, float *yl, float *yr, int n, int period)
{
	for (int off = 0; off < n; off += period) {
		int len = n - off < period ? n - off : period;
		delay_process(d, xl + off, xr + off, yl + off, yr + off, (uint32_t)len);
	}
}

/* ---------------------------------------------------------------------------------------------
 * Test 25. */

#define ST_N 100000

/* Test 25: at 120 BPM a quarter is 24000 samples exactly, a dotted eighth 18000, an eighth
 * triplet 8000: the first non-zero output sample and the largest one of an impulse's echo are
 * there (feedback 0, filters at 20 Hz / 20 kHz, whose impulse response peaks at its first
 * sample). Also: the formula for every division, the fall-back to time_ms without a tempo, and
 * the clamp to the 2 s buffer. */
START_TEST(sync_times)
{
	static float xl[ST_N], xr[ST_N], yl[ST_N], yr[ST_N];
	static const struct {
		int div;
		double bpm;
		bool sync;
		long want;
	} c[] = {
		{ DELAY_DIV_4, 120, true, 24000 },   { DELAY_DIV_8D, 120, true, 18000 },
		{ DELAY_DIV_8T, 120, true, 8000 },   { DELAY_DIV_16, 120, true, 6000 },
		{ DELAY_DIV_4, 0, true, 18000 },     /* no tempo: time_ms (375 ms) */
		{ DELAY_DIV_4, NAN, true, 18000 },   /* a non-finite tempo is none */
		{ DELAY_DIV_8T, 120, false, 18000 }, /* sync off: time_ms */
		{ DELAY_DIV_1, 30, true, 96000 },    /* 8 s at 30 BPM: clamped to 2 s */
	};
	static const double beats[DELAY_N_DIVISIONS] = {
		4, 2, 1, 0.5, 0.25, 0.125, 1.5, 0.75, 0.375, 2.0 / 3, 1.0 / 3, 1.0 / 6
	};

	/* the names table: index = value, NULL-terminated */
	ck_assert_str_eq(delay_divisions[DELAY_DIV_4], "1/4");
	ck_assert_str_eq(delay_divisions[DELAY_DIV_8D], "1/8d");
	ck_assert_str_eq(delay_divisions[DELAY_DIV_8T], "1/8t");
	ck_assert_str_eq(delay_divisions[DELAY_DIV_32], "1/32");
	ck_assert_ptr_null(delay_divisions[DELAY_N_DIVISIONS]);
	for (int k = 0; k < DELAY_N_DIVISIONS; k++)
		ck_assert_double_eq_tol(delay_division_ms(120.0, k), 500.0 * beats[k], 1e-9);
	ck_assert(isnan(delay_division_ms(0.0, DELAY_DIV_4)));
	ck_assert(isnan(delay_division_ms(120.0, DELAY_N_DIVISIONS)));

	memset(xl, 0, sizeof(xl));
	memset(xr, 0, sizeof(xr));
	xl[0] = 1.0f;
	for (unsigned k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct delay *d = delay_new();
		long first = -1, top = 0;

		ck_assert_int_eq(delay_set_rate(d, FS), 0);
		delay_set(d, 375.0f, 0.0f, 20.0f, 20000.0f, false, c[k].sync, c[k].div);
		delay_set_tempo(d, c[k].bpm);
		delay_reset(d);
		ck_assert_uint_eq(delay_target_samples(d), (uint32_t)c[k].want);
		run(d, xl, xr, yl, yr, ST_N, 256);
		for (int i = 0; i < ST_N; i++) {
			if (first < 0 && yl[i] != 0.0f)
				first = i;
			if (fabsf(yl[i]) > fabsf(yl[top]))
				top = i;
		}
		printf("test 25: %-5s at %5.1f BPM, sync %d: echo starts at sample %ld, peaks at "
		       "%ld (want %ld)\n",
		       delay_divisions[c[k].div], c[k].bpm, c[k].sync, first, top, c[k].want);
		ck_assert_int_eq(first, c[k].want);
		ck_assert_int_eq(top, c[k].want);
		ck_assert_msg(peak_of(yr, 0, ST_N) == 0.0f,
		              "stereo mode: R output without R input");
		delay_free(d);
	}
}
END_TEST

#define EC_N     (7 * 24000)
#define EC_BURST 9600 /* 200 ms */

/* Test 25: feedback 0.5: successive echoes of a tone burst differ by -6.02 +-0.05 dB with the
 * filters flat (20 Hz / 20 kHz: |F(1 kHz)| = -1.1e-6 dB), and by exactly 20 log(0.5 |F|),
 * F the loop filters' bilinear Butterworth response, at other settings (+-0.002 dB). The first
 * echo is the input through F once. */
START_TEST(echoes_6db)
{
	static float xl[EC_N], xr[EC_N], yl[EC_N], yr[EC_N];
	static const struct {
		float lc, hc;
		double f, tol_6db; /* tol_6db < 0: not a -6.02 case */
	} c[] = {
		{ 20.0f, 20000.0f, 1000.0, 0.05 },
		{ 100.0f, 8000.0f, 5000.0, -1 },
		{ 100.0f, 8000.0f, 150.0, -1 },
		{ 1000.0f, 1000.0f, 1000.0, -1 },
	};

	for (unsigned k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct delay *d = new_delay(500.0f, 0.5f, c[k].lc, c[k].hc, false);
		double f_db = loop_filter_db(c[k].lc, c[k].hc, c[k].f);
		double want = 20.0 * log10(0.5) + f_db, worst = 0.0, amp[7];

		memset(xl, 0, sizeof(xl));
		for (int i = 0; i < EC_BURST; i++) {
			double env = i < 240 ? 0.5 - 0.5 * cos(M_PI * i / 240.0)
			             : i > EC_BURST - 240
			                 ? 0.5 - 0.5 * cos(M_PI * (EC_BURST - i) / 240.0)
			                 : 1.0;
			xl[i] = (float)(0.5 * env * sin(2.0 * M_PI * c[k].f * i / FS));
		}
		memcpy(xr, xl, sizeof(xr));
		run(d, xl, xr, yl, yr, EC_N, 256);
		/* the plateau of each echo, 50 ms in (filter transients long gone) */
		amp[0] = ls_amp(xl, 2400, 6000, c[k].f, FS);
		for (int e = 1; e < 7; e++)
			amp[e] = ls_amp(yl, e * 24000 + 2400, 6000, c[k].f, FS);
		printf("test 25: feedback 0.5, filters %.0f/%.0f Hz, %.0f Hz burst: |F| %+.2e dB; "
		       "echo 1 vs input %+.5f dB; repeats",
		       c[k].lc, c[k].hc, c[k].f, f_db, 20 * log10(amp[1] / amp[0]));
		ck_assert_msg(fabs(20 * log10(amp[1] / amp[0]) - f_db) <= 0.002,
		              "first echo %+.5f dB, F %+.5f dB", 20 * log10(amp[1] / amp[0]), f_db);
		for (int e = 2; e < 7; e++) {
			double r = 20.0 * log10(amp[e] / amp[e - 1]);
			printf(" %+.4f", r);
			worst = fmax(worst, fabs(r - want));
			ck_assert_msg(fabs(r - want) <= 0.002, "echo %d/%d: %+.5f dB, want %+.5f",
			              e, e - 1, r, want);
			if (c[k].tol_6db > 0)
				ck_assert_msg(fabs(r + 6.0206) <= c[k].tol_6db,
				              "echo %d/%d: %+.4f dB, want -6.02", e, e - 1, r);
		}
		printf(" dB (exact %+.4f, worst deviation %.1e dB)\n", want, worst);
		/* stereo mode, same input both sides: the two sides are identical */
		ck_assert(memcmp(yl, yr, sizeof(yl)) == 0);
		delay_free(d);
	}
}
END_TEST

#define PP_D 12000 /* 250 ms */
#define PP_N (9 * PP_D)

/* Test 25: ping-pong, feedback 0.5: an impulse on either input (its mono sum starts in the
 * left line) echoes L, R, L, R...: in each echo's window one side carries it (at the level
 * 0.5^k of the mono sum) and the other stays below -180 dBFS (not exactly 0: the 20 Hz low-cut's
 * own slowly decaying tail keeps feeding the line an echo was written from). In stereo mode the
 * echoes stay on their side, and the other side is exactly 0. */
START_TEST(pingpong_alternates)
{
	static float xl[PP_N], xr[PP_N], yl[PP_N], yr[PP_N];

	for (int side = 0; side < 3; side++) { /* 0: L input, 1: R input, 2: L input, stereo */
		struct delay *d = new_delay(250.0f, 0.5f, 20.0f, 20000.0f, side < 2);
		double worst = -INFINITY;
		char seq[32] = "", lv[128] = "";

		memset(xl, 0, sizeof(xl));
		memset(xr, 0, sizeof(xr));
		(side == 1 ? xr : xl)[0] = 1.0f;
		run(d, xl, xr, yl, yr, PP_N, 100);
		for (int e = 1; e < 9; e++) {
			int from = e * PP_D - 10, to = e * PP_D + 2000;
			bool left = side == 2 || e % 2 == 1;
			double on = peak_of(left ? yl : yr, from, to);
			double off = 20.0 * log10(peak_of(left ? yr : yl, from, to));

			strcat(seq, left ? "L " : "R ");
			snprintf(lv + strlen(lv), sizeof(lv) - strlen(lv), " %+.1f",
			         20.0 * log10(on));
			worst = fmax(worst, off);
			ck_assert_msg(on > 0.5 * pow(0.5, e) * 0.6, "echo %d: %g", e, on);
			ck_assert_msg(off < -180.0, "echo %d: %.1f dBFS on the other side", e, off);
			if (side == 2)
				ck_assert(off == -INFINITY);
		}
		printf("test 25: %s, impulse on %s: echoes on %s(peaks%s dBFS), the other side at "
		       "most %.0f dBFS\n",
		       side < 2 ? "ping-pong" : "stereo", side == 1 ? "R" : "L", seq, lv, worst);
		/* nothing before the first echo */
		ck_assert_msg(energy(yl, 0, PP_D) + energy(yr, 0, PP_D) == 0.0,
		              "output before echo 1");
		delay_free(d);
	}
}
END_TEST

#define TC_N      (6 * 48000)
#define TC_PERIOD 64
#define TC_FROM   (2 * 48000 + 9600) /* changes start at 2.2 s: the 2 s buffer is full */

/* The schedule of time changes (ms; < 0: sync to the tempo -ms at 1/8t) at sample positions. */
static void
tc_apply(struct delay *d, int off, float fb)
{
	static const struct {
		int at;
		float ms;
	} ev[] = {
		{ 105600, 500.0f }, { 120000, 123.4f },  { 134400, 1999.0f }, { 148800, 1.0f },
		{ 163200, 750.0f }, { 216000, -120.0f }, { 230400, -133.3f }, { 244800, 375.0f },
	};

	for (unsigned k = 0; k < sizeof(ev) / sizeof(ev[0]); k++) {
		if (off == ev[k].at) {
			if (ev[k].ms < 0.0f) {
				delay_set(d, 375.0f, fb, 20.0f, 20000.0f, false, true,
				          DELAY_DIV_8T);
				delay_set_tempo(d, -ev[k].ms);
			} else {
				delay_set(d, ev[k].ms, fb, 20.0f, 20000.0f, false, false,
				          DELAY_DIV_4);
			}
		}
	}
	/* a knob turned from 3.7 s to 4.2 s: a new time every 5 ms, faster than the fades */
	if (off >= 177600 && off < 201600 && off % 256 == 0)
		delay_set(d, 300.0f + 200.0f * sinf(off * 0.0013f), fb, 20.0f, 20000.0f, false,
		          false, DELAY_DIV_4);
}

/* Test 25: time changes while a sine plays (feedback 0): no sample-to-sample step larger than
 * the signal's own largest step, measured on the output before any change. A cross-fade
 * between two phase-shifted copies of a tone is a brief phase slide, so a fade can exceed the
 * tone's step by up to pi^2/(2 (w n)^2) relative (xfade.h; w the tone's angular frequency per
 * sample, n = 30 ms): 1.4e-4 at 1 kHz, 1.4e-2 at 100 Hz. The tolerance is 1.2 x that (the
 * bound is first-order), against the factor ~15 of a hard tap switch.
 * With feedback 0.5 the level moves with the time (the comb's response), so the bound is the
 * local one: 2 sin(w/2) x the largest |y| within +-10 ms, and the tolerance 3 x the single-fade
 * bound + 1 % (each repeat carries its own fade). */
START_TEST(time_change_no_click)
{
	static float x[TC_N], yl[TC_N], yr[TC_N];
	static const double freqs[2] = { 997.0, 100.0 };
	const double n_fade = DELAY_FADE_MS * 0.001 * FS;

	for (int fi = 0; fi < 2; fi++) {
		double f = freqs[fi], w = 2.0 * M_PI * f / FS;
		double tol = 1.2 * M_PI * M_PI / (2.0 * (w * n_fade) * (w * n_fade));

		for (int i = 0; i < TC_N; i++)
			x[i] = (float)(0.5 * sin(w * i));
		for (int k = 0; k < 2; k++) {
			float fb = k ? 0.5f : 0.0f;
			struct delay *d = new_delay(375.0f, fb, 20.0f, 20000.0f, false);
			double own = 0.0, worst = 0.0, ratio, allow;
			int at = 0;

			for (int off = 0; off < TC_N; off += TC_PERIOD) {
				tc_apply(d, off, fb);
				delay_process(d, x + off, x + off, yl + off, yr + off, TC_PERIOD);
			}
			ck_assert(all_finite(yl, TC_N));
			if (!k) {
				for (int n = TC_FROM - 7200; n < TC_FROM; n++)
					own = fmax(own, fabs((double)yl[n] - yl[n - 1]));
				for (int n = TC_FROM; n < TC_N; n++) {
					double st = fabs((double)yl[n] - yl[n - 1]);
					if (st > worst) {
						worst = st;
						at = n;
					}
				}
				ratio = worst / own;
			} else {
				ratio = 0.0;
				for (int n = TC_FROM; n < TC_N - 480; n++) {
					double st = fabs((double)yl[n] - yl[n - 1]), pk = 0.0;
					for (int j = n - 480; j <= n + 480; j += 1)
						pk = fmax(pk, fabs(yl[j]));
					if (st / (2.0 * sin(w / 2.0) * pk) > ratio) {
						ratio = st / (2.0 * sin(w / 2.0) * pk);
						at = n;
					}
				}
			}
			/* with feedback each repeat carries its own fade while the comb's level
			 * moves with the time: 3 x the single-fade bound + 1 % */
			allow = k ? 3.0 * tol + 0.01 : tol;
			printf("test 25: time changes, %.0f Hz sine, feedback %.1f: largest step "
			       "%.6f x "
			       "the %s (at %.3f s; allowed 1 + %.1e)\n",
			       f, fb, ratio, k ? "local bound" : "sine's own", at / FS, allow);
			ck_assert_msg(ratio <= 1.0 + allow + 1e-5,
			              "%.0f Hz, feedback %.1f: step %.6f x the bound at %.4f s", f,
			              fb, ratio, at / FS);
			delay_free(d);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Stability, other parameters, robustness. */

#define SB_PERIOD 256
#define SB_N      (30 * 48000)

/* Feedback 0.95 for 30 s of -12 dBFS white noise, filters wide open (the loop gain closest to
 * 1): finite, and the RMS within the bound |1/(1 - 0.95 F)| <= 20 the loop filters guarantee
 * (|F| <= 1). Cases: stereo at 1 ms (30000 round trips), ping-pong at 375 ms, and every
 * parameter jumping every 50 ms. */
START_TEST(stable_at_095)
{
	static float xl[SB_PERIOD], xr[SB_PERIOD], yl[SB_PERIOD], yr[SB_PERIOD];
	static const char *what[3] = { "stereo, 1 ms", "ping-pong, 375 ms", "parameters jumping" };

	for (int k = 0; k < 3; k++) {
		struct delay *d = new_delay(k ? 375.0f : 1.0f, 0.95f, 20.0f, 20000.0f, k == 1);
		uint64_t seed = 95, pick = 3;
		double ss = 0.0, ss_in = 0.0;
		float peak = 0.0f, peak_in = 0.0f;
		long n_last = 0;

		for (long off = 0; off < SB_N; off += SB_PERIOD) {
			for (int i = 0; i < SB_PERIOD; i++) {
				xl[i] = (float)(0.25 * rng_gauss(&seed));
				xr[i] = (float)(0.25 * rng_gauss(&seed));
			}
			if (k == 2 && off % 2400 < SB_PERIOD)
				delay_set(d, (float)(1 + rng_next(&pick) % 2000), 0.95f,
				          rng_next(&pick) % 2 ? 20.0f : 1000.0f,
				          rng_next(&pick) % 2 ? 1000.0f : 20000.0f,
				          rng_next(&pick) % 2, false, 0);
			delay_process(d, xl, xr, yl, yr, SB_PERIOD);
			ck_assert_msg(all_finite(yl, SB_PERIOD) && all_finite(yr, SB_PERIOD),
			              "%s: non-finite at %.3f s", what[k], off / FS);
			peak = fmaxf(peak,
			             fmaxf(peak_of(yl, 0, SB_PERIOD), peak_of(yr, 0, SB_PERIOD)));
			peak_in = fmaxf(
			    peak_in, fmaxf(peak_of(xl, 0, SB_PERIOD), peak_of(xr, 0, SB_PERIOD)));
			if (off >= SB_N - 5 * 48000) {
				ss += energy(yl, 0, SB_PERIOD) + energy(yr, 0, SB_PERIOD);
				ss_in += energy(xl, 0, SB_PERIOD) + energy(xr, 0, SB_PERIOD);
				n_last++;
			}
		}
		printf("feedback 0.95, 30 s of -12 dBFS noise, %s: finite; last 5 s RMS %.2f x the "
		       "input's (bound 20), peak %.2f x the input's\n",
		       what[k], sqrt(ss / ss_in), peak / peak_in);
		ck_assert_msg(sqrt(ss / ss_in) <= 20.0, "%s: RMS gain %.2f", what[k],
		              sqrt(ss / ss_in));
		ck_assert_msg(peak <= 20.0f * peak_in, "%s: peak %.2f x the input's", what[k],
		              peak / peak_in);
		ck_assert_uint_eq(d->dropped + d->resets, 0);
		delay_free(d);
	}
}
END_TEST

#define PG_N (5 * 48000)

/* Feedback, filters and the ping-pong routing changing every 600 ms under a 440 Hz sine with
 * the echoes building up: every step within the local bound (as in time_change_no_click; 1.0003
 * with nothing changing), with 10 % for the glides' own amplitude and phase movement (a moving
 * filter slides the tone's phase; a hard switch would step ~15 x). */
START_TEST(param_changes_no_click)
{
	static float xl[PG_N], xr[PG_N], yl[PG_N], yr[PG_N];
	const double w = 2.0 * M_PI * 440.0 / FS;
	struct delay *d = new_delay(310.0f, 0.6f, 100.0f, 8000.0f, false);
	double ratio = 0.0;
	int at = 0, changes = 0;

	/* faded in over 100 ms: a step at the start would echo into the measurement */
	for (int i = 0; i < PG_N; i++) {
		double e = i < 4800 ? 0.5 - 0.5 * cos(M_PI * i / 4800.0) : 1.0;
		xl[i] = (float)(0.4 * e * sin(w * i));
		xr[i] = (float)(0.4 * e * sin(w * i + 1.0));
	}
	for (int off = 0; off < PG_N; off += 128) {
		if (off >= 48000 && off % 28800 == 0) {
			int c = changes++;
			delay_set(d, 310.0f, c % 3 ? 0.9f : 0.2f, c % 5 < 2 ? 1000.0f : 20.0f,
			          c % 4 < 2 ? 20000.0f : 1000.0f, c % 2, false, 0);
		}
		delay_process(d, xl + off, xr + off, yl + off, yr + off, 128);
	}
	for (int s = 0; s < 2; s++) {
		const float *y = s ? yr : yl;
		for (int n = 48000; n < PG_N - 480; n++) {
			double st = fabs((double)y[n] - y[n - 1]), pk = 0.0, v;
			for (int j = n - 480; j <= n + 480; j++)
				pk = fmax(pk, fabs(y[j]));
			v = st / (2.0 * sin(w / 2.0) * pk);
			if (v > ratio) {
				ratio = v;
				at = n;
			}
		}
	}
	printf("feedback/filter/ping-pong changes under a 440 Hz sine (%d changes): largest step "
	       "%.4f x the local bound (at %.3f s)\n",
	       changes, ratio, at / FS);
	ck_assert_msg(ratio <= 1.1, "step %.4f x the bound at %.4f s", ratio, at / FS);
	delay_free(d);
}
END_TEST

#define DZ_PERIOD 256
#define DZ_SIGNAL (2 * 48000)
#define DZ_N      (32 * 48000)

/* Denormals, no FTZ/DAZ: 2 s of -20 dBFS noise, then silence, at the defaults (375 ms,
 * feedback 0.35, ping-pong): no subnormal in the lines or filters (checked every 100 ms), and
 * the outputs exactly 0 well before the end. */
START_TEST(silence_ends_in_zeros)
{
	static float xl[DZ_PERIOD], xr[DZ_PERIOD], yl[DZ_PERIOD], yr[DZ_PERIOD];
	struct delay *d = new_delay(375.0f, 0.35f, 100.0f, 8000.0f, true);
	uint64_t seed = 26;
	long last_nonzero = -1, subn = 0;

	for (long off = 0; off < DZ_N; off += DZ_PERIOD) {
		noise_pair(xl, xr, DZ_PERIOD, off < DZ_SIGNAL ? DZ_PERIOD : 0, &seed);
		delay_process(d, xl, xr, yl, yr, DZ_PERIOD);
		for (int i = 0; i < DZ_PERIOD; i++)
			if (yl[i] != 0.0f || yr[i] != 0.0f)
				last_nonzero = off + i;
		if (off % 4800 < DZ_PERIOD) {
			for (uint32_t i = 0; i < 2 * (d->mask + 1); i++)
				subn += fpclassify(d->mem[i]) == FP_SUBNORMAL;
			for (int c = 0; c < 2; c++)
				for (int k = 0; k < 2; k++)
					subn += (fpclassify(d->hp_ic[c][k]) == FP_SUBNORMAL) +
					        (fpclassify(d->lp_ic[c][k]) == FP_SUBNORMAL);
		}
	}
	printf("silence: outputs exactly 0 from %.2f s after the input stops (375 ms, feedback "
	       "0.35, no FTZ); subnormal values seen: %ld\n",
	       (last_nonzero + 1 - DZ_SIGNAL) / FS, subn);
	ck_assert_int_eq(subn, 0);
	ck_assert_msg(last_nonzero < DZ_N - 48000, "still not 0 at %.2f s",
	              (last_nonzero - DZ_SIGNAL) / FS);
	delay_free(d);
}
END_TEST

#define NF_N 48000

/* NaN, Inf and an absurd (2^70) sample: the sub-block holding it is dropped and the lines
 * cleared (exact silence after it, where the input is silent), every output finite, counted. */
START_TEST(garbage_input)
{
	static float xl[NF_N], xr[NF_N], yl[NF_N], yr[NF_N];
	static const float bad[3] = { NAN, INFINITY, 0x1p70f };

	for (int k = 0; k < 3; k++) {
		struct delay *d = new_delay(100.0f, 0.9f, 20.0f, 20000.0f, k == 1);
		uint64_t seed = 1;
		int quiet = 0;

		noise_pair(xl, xr, NF_N, 10000, &seed);
		xr[20005] = bad[k];
		run(d, xl, xr, yl, yr, NF_N, 64);
		ck_assert(all_finite(yl, NF_N) && all_finite(yr, NF_N));
		ck_assert_uint_eq(d->dropped, 1);
		ck_assert_uint_eq(d->resets, 0);
		ck_assert_msg(peak_of(yl, 19000, 20000) > 0.0f, "no echoes before the garbage?");
		for (int i = 20000; i < NF_N; i++)
			quiet += yl[i] == 0.0f && yr[i] == 0.0f;
		ck_assert_int_eq(quiet, NF_N - 20000);
		printf("garbage input (%g): sub-block dropped (dropped = %llu), lines cleared, all "
		       "finite\n",
		       bad[k], (unsigned long long)d->dropped);
		delay_free(d);
	}
}
END_TEST

#define PI_N (4 * 48000)

/* The output does not depend on the period size nor on the outputs aliasing the inputs: with
 * every kind of change (time, sync and tempo, feedback, filters, routing) at the same samples,
 * periods of 1, 5, 32, 100, 1000 and in-place processing are bit-identical to periods of 480. */
START_TEST(period_independent)
{
	static float xl[PI_N], xr[PI_N], yl[PI_N], yr[PI_N], rl[PI_N], rr[PI_N];
	static const int periods[6] = { 480, 1, 5, 32, 100, 1000 };

	for (int p = 0; p < 7; p++) {
		struct delay *d = new_delay(375.0f, 0.35f, 100.0f, 8000.0f, true);
		int period = p < 6 ? periods[p] : 160;
		uint64_t seed = 8;

		noise_pair(xl, xr, PI_N, PI_N, &seed);
		for (int off = 0; off < PI_N; off += period) {
			switch (off) {
			case 48000:
				delay_set(d, 123.0f, 0.8f, 400.0f, 2000.0f, false, false, 0);
				break;
			case 96000:
				delay_set(d, 123.0f, 0.5f, 20.0f, 15000.0f, true, true,
				          DELAY_DIV_8D);
				delay_set_tempo(d, 97.0);
				break;
			case 144000:
				delay_set_tempo(d, 0.0);
				break;
			}
			if (p == 6)
				delay_process(d, xl + off, xr + off, xl + off, xr + off,
				              (uint32_t)period);
			else
				delay_process(d, xl + off, xr + off, yl + off, yr + off,
				              (uint32_t)period);
		}
		if (p == 6) {
			memcpy(yl, xl, sizeof(yl));
			memcpy(yr, xr, sizeof(yr));
		}
		if (p == 0) {
			memcpy(rl, yl, sizeof(rl));
			memcpy(rr, yr, sizeof(rr));
		} else {
			ck_assert_msg(memcmp(yl, rl, sizeof(rl)) == 0 &&
			                  memcmp(yr, rr, sizeof(rr)) == 0,
			              "%s differs from periods of 480",
			              p == 6 ? "in-place processing" : "a period size");
		}
		delay_free(d);
	}
	printf("periods of 480, 1, 5, 32, 100, 1000 and in-place processing: bit-identical\n");
}
END_TEST

/* Set-up: a bad rate is refused and leaves the delay working; no rate yet gives silence; the
 * lines hold 2 s at each rate; reset clears them. */
START_TEST(rate_and_reset)
{
	float x[64] = { 1.0f }, yl[64], yr[64], zl[4800], zr[4800], z0[4800] = { 0 };
	struct delay *d = delay_new();

	ck_assert_ptr_nonnull(d);
	yl[0] = 1.0f;
	delay_process(d, x, x, yl, yr, 64);
	ck_assert(peak_of(yl, 0, 64) == 0.0f && peak_of(yr, 0, 64) == 0.0f);
	ck_assert_int_eq(delay_set_rate(d, 0.0), -EINVAL);
	ck_assert_int_eq(delay_set_rate(d, NAN), -EINVAL);
	ck_assert_int_eq(delay_set_rate(d, 1e6), -EINVAL);
	ck_assert_int_eq(delay_set_rate(d, 44100.0), 0);
	ck_assert_uint_eq(d->max_d, 88200);
	ck_assert_uint_eq(d->mask + 1, 131072);
	ck_assert_uint_eq(delay_target_samples(d), 16538); /* 375 ms at 44.1 kHz */
	ck_assert_int_eq(delay_set_rate(d, 96000.0), 0);
	ck_assert_uint_eq(d->max_d, 192000);
	ck_assert_uint_eq(d->mask + 1, 262144);
	ck_assert_int_eq(delay_set_rate(d, INFINITY), -EINVAL);
	ck_assert(d->fs == 96000.0);
	delay_process(d, x, x, yl, yr, 64);
	{
		float pk = 0.0f;
		for (int i = 0; i < 10; i++) {
			delay_process(d, z0, z0, zl, zr, 4800);
			pk = fmaxf(pk, peak_of(zl, 0, 4800));
		}
		ck_assert(pk > 0.0f); /* the echo at 375 ms = 36000 samples */
	}
	delay_reset(d);
	for (int i = 0; i < 10; i++) {
		delay_process(d, z0, z0, zl, zr, 4800);
		ck_assert(peak_of(zl, 0, 4800) == 0.0f && peak_of(zr, 0, 4800) == 0.0f);
	}
	delay_free(d);
	delay_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("delay");
	TCase *t25 = tcase_create("test25"), *more = tcase_create("more"),
	      *robust = tcase_create("robust");

	tcase_add_test(t25, sync_times);
	tcase_add_test(t25, echoes_6db);
	tcase_add_test(t25, pingpong_alternates);
	tcase_add_test(t25, time_change_no_click);
	tcase_add_test(more, stable_at_095);
	tcase_add_test(more, param_changes_no_click);
	tcase_add_test(robust, silence_ends_in_zeros);
	tcase_add_test(robust, garbage_input);
	tcase_add_test(robust, period_independent);
	tcase_add_test(robust, rate_and_reset);
	TCase *all[] = { t25, more, robust };
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 60); /* Check's default is 4 s; ASan runs 3x slower */
		suite_add_tcase(s, all[i]);
	}
	return check_run(s);
}
