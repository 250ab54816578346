/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The master's matched EQ (dsp/eqmatch.c) run directly in 32-frame grid blocks, as master.c
 * runs it; its response against the analog prototype is test_master's. Here its behaviour:
 *  - flat at rest (the defaults) it passes the signal bit for bit;
 *  - a bell's gain stepped 0 -> +12 dB glides: the tone at its centre never changes by more
 *    than the one-pole's step per sample, and is within 0.1 dB of +12 after 5 tau;
 *  - modulation stress (dsp-reference.md §8 test 6): a Q 8 bell, +-12 dB, its frequency
 *    toggled 40 Hz <-> 16 kHz every 32 samples for 1 s on 0.1-rms noise: finite, peak <= 4x;
 *  - a type change (bell -> high shelf) passes through flat: no sample-to-sample jump larger
 *    than the signal's own.
 */
#include "check_run.h"
#include "measure.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eqmatch.h"

#define FS  48000.0
#define BLK 32
#define N   48000

static float xl[N], xr[N], yl[N], yr[N];

static float
kb_of(void)
{
	return (float)(1.0 - exp(-BLK / (0.010 * FS)));
}

static void
eq_run(struct eqmatch *q, int from, int n)
{
	for (int off = from; off < from + n; off += BLK)
		eqmatch_process(q, yl + off, yr + off, BLK);
}

START_TEST(flat_is_transparent)
{
	struct eqmatch q;
	uint64_t seed = 1;

	eqmatch_init(&q, FS, kb_of());
	noise_pair(xl, xr, N, N, &seed);
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	eq_run(&q, 0, N);
	ck_assert(memcmp(xl, yl, sizeof(xl)) == 0 && memcmp(xr, yr, sizeof(xr)) == 0);
}
END_TEST

START_TEST(gain_step_glides)
{
	struct eqmatch q;
	const double kb = kb_of(), bound = 12.0 * kb / BLK * 1.1 + 0.002;
	double worst = 0.0, prev = 0.0;

	eqmatch_init(&q, FS, kb_of());
	ck_assert(eqmatch_set(&q, ENGINE_STRIP_EQ_FREQ(1), 1000.0f));
	eqmatch_settle(&q);
	for (int i = 0; i < N; i++)
		xl[i] = xr[i] = (float)(0.1 * sin(2.0 * M_PI * 1000.0 * i / FS));
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	eq_run(&q, 0, N / 4);
	ck_assert(eqmatch_set(&q, ENGINE_STRIP_EQ_GAIN(1), 12.0f));
	eq_run(&q, N / 4, 3 * N / 4);
	/* the gain per 48-sample period (one cycle at 1 kHz) of the tone */
	for (int p = N / 4; p + 48 <= N; p += 48) {
		double g = db(ls_amp(yl, p, 48, 1000.0, FS) / 0.1);
		if (p > N / 4)
			worst = fmax(worst, fabs(g - prev) / 48.0);
		prev = g;
	}
	double end = db(ls_amp(yl, N / 4 + 2400 + BLK, 480, 1000.0, FS) / 0.1);
	printf("eqmatch: bell 0 -> +12 dB: at most %.4f dB per sample (bound %.4f), %.3f dB "
	       "after 50 ms\n",
	       worst, bound, end);
	ck_assert_msg(worst <= bound, "%.4f dB per sample", worst);
	ck_assert_msg(fabs(end - 12.0) <= 0.1, "%.3f dB after 5 tau", end);
}
END_TEST

START_TEST(modulation_stress)
{
	struct eqmatch q;
	uint64_t seed = 6;
	double in_peak, out_peak;

	eqmatch_init(&q, FS, kb_of());
	eqmatch_set(&q, ENGINE_STRIP_EQ_Q(1), 8.0f);
	eqmatch_set(&q, ENGINE_STRIP_EQ_GAIN(1), 12.0f);
	eqmatch_settle(&q);
	for (int i = 0; i < N; i++) {
		xl[i] = (float)(0.1 * rng_gauss(&seed));
		xr[i] = (float)(0.1 * rng_gauss(&seed));
	}
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	for (int off = 0; off < N; off += BLK) {
		eqmatch_set(&q, ENGINE_STRIP_EQ_FREQ(1), (off / BLK) % 2 ? 40.0f : 16000.0f);
		eqmatch_set(&q, ENGINE_STRIP_EQ_GAIN(1), (off / BLK) % 4 < 2 ? 12.0f : -12.0f);
		eqmatch_process(&q, yl + off, yr + off, BLK);
	}
	ck_assert(all_finite(yl, N) && all_finite(yr, N));
	in_peak = fmax(peak_of(xl, 0, N), peak_of(xr, 0, N));
	out_peak = fmax(peak_of(yl, 0, N), peak_of(yr, 0, N));
	printf("eqmatch: Q 8 bell toggled 40 Hz <-> 16 kHz every 32 samples: peak %.2f x input\n",
	       out_peak / in_peak);
	ck_assert_msg(out_peak <= 4.0 * in_peak, "peak %.3f, input %.3f", out_peak, in_peak);
}
END_TEST

START_TEST(type_change_through_flat)
{
	struct eqmatch q;
	double in_step = 0.0, out_step = 0.0;

	eqmatch_init(&q, FS, kb_of());
	eqmatch_set(&q, ENGINE_STRIP_EQ_FREQ(1), 2000.0f);
	eqmatch_set(&q, ENGINE_STRIP_EQ_GAIN(1), 9.0f);
	eqmatch_settle(&q);
	for (int i = 0; i < N; i++)
		xl[i] = xr[i] = (float)(0.2 * sin(2.0 * M_PI * 3000.0 * i / FS));
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	eq_run(&q, 0, N / 4);
	eqmatch_set(&q, ENGINE_STRIP_EQ_TYPE(1), ENGINE_EQ_HIGHSHELF);
	eq_run(&q, N / 4, 3 * N / 4);
	for (int i = 1; i < N; i++)
		in_step = fmax(in_step, fabs(xl[i] - xl[i - 1]));
	/* the output's own step, at most the input's scaled by the largest gain (+9 dB) */
	for (int i = N / 4 + 1; i < N; i++)
		out_step = fmax(out_step, fabs(yl[i] - yl[i - 1]));
	ck_assert_msg(out_step <= in_step * pow(10.0, 9.5 / 20.0), "step %.4f, input's %.4f",
	              out_step, in_step);
	/* and it lands on the high shelf's gain at 3 kHz (above 2 kHz: most of +9) */
	double g = db(ls_amp(yl, N - 4800, 4800, 3000.0, FS) / 0.2);
	ck_assert_msg(g > 5.0 && g < 9.0, "shelf at 3 kHz: %.2f dB", g);
}
END_TEST

static Suite *
eqmatch_suite(void)
{
	Suite *s = suite_create("eqmatch");
	TCase *tc = tcase_create("eqmatch");

	tcase_add_test(tc, flat_is_transparent);
	tcase_add_test(tc, gain_step_glides);
	tcase_add_test(tc, modulation_stress);
	tcase_add_test(tc, type_change_through_flat);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(eqmatch_suite());
}
