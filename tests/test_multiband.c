/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The master's multiband compressor (dsp/multiband.c) and mono bass (dsp/monobass.c), run
 * directly in 32-frame grid blocks as master.c runs them, and once through the engine:
 *  - with nothing compressing the three bands sum flat (+-0.01 dB at 40 frequencies, 20 Hz -
 *    20 kHz, for three pairs of crossovers): the LR4 allpass sum;
 *  - each band's gain reduction follows the static curve of its compressor (soft knee 6 dB;
 *    dsp-reference.md §2) within +-0.1 dB, on the output level and on the band's meter;
 *  - stereo link: both sides get one gain; a silent side stays silent;
 *  - a band gain step glides (no per-sample step above the one-pole's), crossovers toggled
 *    between 40 Hz and 2 kHz every block keep the output bounded, NaN settings are ignored and
 *    a poisoned state silences one block and recovers;
 *  - mono bass: side removed below the frequency (-6 dB at it, <= -40 dB two octaves under),
 *    mid flat (+-0.01 dB), side flat an octave and more above; off is bit-transparent.
 */
#include "check_run.h"
#include "measure.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_test.h"
#include "monobass.h"
#include "multiband.h"

#define FS     48000.0
#define BLK    32
#define N      48000 /* 1 s */
#define SMOOTH 480   /* 10 ms, as the engine's */

static float xl[N], xr[N], yl[N], yr[N];

static float
kb_of(void)
{
	return (float)(1.0 - exp(-BLK / (0.010 * FS)));
}

static void
mb_make(struct multiband *mb)
{
	multiband_init(mb, FS, SMOOTH, kb_of());
	ck_assert(multiband_set(mb, MB_ON, 1.0f));
	multiband_settle(mb);
}

static void
mb_run(struct multiband *mb, const float *l, const float *r, float *ol, float *orr, int n)
{
	memcpy(ol, l, (size_t)n * sizeof(float));
	memcpy(orr, r, (size_t)n * sizeof(float));
	for (int off = 0; off < n; off += BLK)
		multiband_process(mb, ol + off, orr + off,
		                  (uint32_t)(n - off < BLK ? n - off : BLK));
}

static void
set_band(struct multiband *mb, int b, float thr, float ratio, float att, float rel, float gain)
{
	ck_assert(multiband_set(mb, MB_BAND1 + 5 * b + MB_THRESHOLD, thr));
	ck_assert(multiband_set(mb, MB_BAND1 + 5 * b + MB_RATIO, ratio));
	ck_assert(multiband_set(mb, MB_BAND1 + 5 * b + MB_ATTACK, att));
	ck_assert(multiband_set(mb, MB_BAND1 + 5 * b + MB_RELEASE, rel));
	ck_assert(multiband_set(mb, MB_BAND1 + 5 * b + MB_GAIN, gain));
}

/* 40 frequencies, log-spaced 20 Hz .. 20 kHz */
static double
freq_k(int k)
{
	return 20.0 * pow(1000.0, k / 39.0);
}

/* The static curve's gain reduction at input level x dB (threshold t, ratio r, knee w). */
static double
static_gr(double x, double t, double r, double w)
{
	double d = x - t;

	if (2.0 * d < -w)
		return 0.0;
	if (2.0 * fabs(d) <= w)
		return (1.0 - 1.0 / r) * (d + w / 2.0) * (d + w / 2.0) / (2.0 * w);
	return (1.0 - 1.0 / r) * d;
}

/* ---- flat sum ---- */

START_TEST(bands_sum_flat)
{
	static const float xo[3][2] = { { 200, 2500 }, { 80, 800 }, { 1000, 12000 } };
	double worst = 0.0;

	for (int x = 0; x < 3; x++) {
		for (int k = 0; k < 40; k++) {
			struct multiband mb;
			double f = freq_k(k);
			mb_make(&mb);
			multiband_set(&mb, MB_XOVER1, xo[x][0]);
			multiband_set(&mb, MB_XOVER2, xo[x][1]);
			multiband_settle(&mb);
			for (int i = 0; i < N; i++)
				xl[i] = xr[i] = (float)(0.1 * sin(2.0 * M_PI * f * i / FS));
			mb_run(&mb, xl, xr, yl, yr, N);
			/* the second half: the crossovers' transients are long gone (20 Hz: 0.5 s
			 * is 10 cycles; the fit spans whole cycles well enough to 1e-4 dB) */
			double a =
			    db(ls_amp(yl, N / 2, N / 2, f, FS) / ls_amp(xl, N / 2, N / 2, f, FS));
			double b =
			    db(ls_amp(yr, N / 2, N / 2, f, FS) / ls_amp(xr, N / 2, N / 2, f, FS));
			ck_assert_msg(fabs(a) <= 0.01 && fabs(b) <= 0.01,
			              "xovers %g/%g Hz, %.1f Hz: %+.4f / %+.4f dB", xo[x][0],
			              xo[x][1], f, a, b);
			worst = fmax(worst, fmax(fabs(a), fabs(b)));
			float gr[MB_BANDS];
			multiband_read_gr(&mb, gr);
			ck_assert(gr[0] == 0.0f && gr[1] == 0.0f && gr[2] == 0.0f);
		}
	}
	printf("multiband: bands sum flat within %.5f dB at 40 frequencies 20 Hz-20 kHz, 3 "
	       "crossover pairs\n",
	       worst);
}
END_TEST

/* ---- the static curve per band ---- */

/* Band b compressing at threshold -30, ratio 4, attack 5 ms, others idle; input at a level in
 * dB peak: the low band on DC (release 100 ms), the mid band on a 1 kHz tone, the high band on
 * 15 kHz (release 2 s: the detector holds the peaks), each a cosine whose samples hit its peak,
 * with crossovers where the band passes it within 0.003 dB. */
START_TEST(static_curve_per_band)
{
	static const double levels[] = { -40, -33, -31, -30, -29, -27, -20, -10, -3 };
	static const double freq[MB_BANDS] = { 0.0, 1000.0, 15000.0 };
	static const float xo[MB_BANDS][2] = { { 2000, 8000 }, { 100, 10000 }, { 100, 2500 } };
	double worst = 0.0;

	for (int b = 0; b < MB_BANDS; b++) {
		for (unsigned k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
			struct multiband mb;
			double a = pow(10.0, levels[k] / 20.0);
			float gr[MB_BANDS];

			mb_make(&mb);
			multiband_set(&mb, MB_XOVER1, xo[b][0]);
			multiband_set(&mb, MB_XOVER2, xo[b][1]);
			set_band(&mb, b, -30.0f, 4.0f, 5.0f, b == 0 ? 100.0f : 2000.0f, 0.0f);
			multiband_settle(&mb);
			for (int i = 0; i < N; i++) {
				/* faded in over 20 ms, so the crossovers' step response adds no
				 * overshoot for the detector to hold */
				double fade = i < 960 ? 0.5 - 0.5 * cos(M_PI * i / 960.0) : 1.0;
				xl[i] = xr[i] =
				    (float)(fade * a * cos(2.0 * M_PI * freq[b] * i / FS));
			}
			mb_run(&mb, xl, xr, yl, yr, N / 2);
			multiband_read_gr(&mb, gr); /* the attack is over: read from here */
			mb_run(&mb, xl + N / 2, xr + N / 2, yl + N / 2, yr + N / 2, N / 2);
			multiband_read_gr(&mb, gr);
			double out =
			    b == 0 ? fabs(yl[N - 1]) : ls_amp(yl, N / 2, N / 2, freq[b], FS);
			double got = levels[k] - db(out);
			double want = static_gr(levels[k], -30.0, 4.0, MB_KNEE_DB);
			ck_assert_msg(
			    fabs(got - want) <= 0.1,
			    "band %d, %+.0f dB: GR %.3f dB on the output, static curve %.3f", b + 1,
			    levels[k], got, want);
			ck_assert_msg(fabs(gr[b] - want) <= 0.1,
			              "band %d, %+.0f dB: GR meter %.3f dB, static curve %.3f",
			              b + 1, levels[k], (double)gr[b], want);
			ck_assert_msg(gr[(b + 1) % 3] < 0.01f && gr[(b + 2) % 3] < 0.01f,
			              "band %d: the other bands read %.3f / %.3f dB", b + 1,
			              (double)gr[(b + 1) % 3], (double)gr[(b + 2) % 3]);
			worst = fmax(worst, fmax(fabs(got - want), fabs(gr[b] - want)));
		}
	}
	printf("multiband: gain reduction of each band within %.4f dB of its static curve "
	       "(T -30, R 4, knee 6 dB; output and meter)\n",
	       worst);
}
END_TEST

/* ---- stereo link ---- */

START_TEST(stereo_linked)
{
	struct multiband mb;

	mb_make(&mb);
	set_band(&mb, 1, -30.0f, 4.0f, 5.0f, 500.0f, 0.0f);
	multiband_settle(&mb);
	for (int i = 0; i < N; i++) {
		xl[i] = (float)(0.3 * sin(2.0 * M_PI * 1000.0 * i / FS));
		xr[i] = (float)(0.03 * sin(2.0 * M_PI * 1000.0 * i / FS));
	}
	mb_run(&mb, xl, xr, yl, yr, N);
	double gl = db(ls_amp(yl, N / 2, N / 2, 1000, FS) / ls_amp(xl, N / 2, N / 2, 1000, FS));
	double gr = db(ls_amp(yr, N / 2, N / 2, 1000, FS) / ls_amp(xr, N / 2, N / 2, 1000, FS));
	ck_assert_msg(gl < -5.0, "the loud side is compressed: %.2f dB", gl);
	ck_assert_msg(fabs(gl - gr) < 0.001, "left %.4f dB, right %.4f dB", gl, gr);
	/* a silent side stays silent */
	mb_make(&mb);
	set_band(&mb, 1, -30.0f, 4.0f, 5.0f, 500.0f, 0.0f);
	multiband_settle(&mb);
	memset(xr, 0, sizeof(xr));
	mb_run(&mb, xl, xr, yl, yr, N);
	ck_assert(peak_of(yr, 0, N) == 0.0);
	printf("multiband: stereo-linked (L -10 dBFS, R -30: gains %.4f / %.4f dB)\n", gl, gr);
}
END_TEST

/* ---- smooth changes, robustness ---- */

START_TEST(gain_step_glides)
{
	struct multiband mb;
	const double kb = kb_of(), per_sample = 12.0 * kb / BLK * 1.05 + 1e-4;
	double worst = 0.0;

	mb_make(&mb);
	for (int i = 0; i < N; i++)
		xl[i] = xr[i] = 0.1f; /* DC: all of it in the low band */
	mb_run(&mb, xl, xr, yl, yr, N / 2);
	ck_assert(multiband_set(&mb, MB_BAND1 + MB_GAIN, 12.0f));
	mb_run(&mb, xl + N / 2, xr + N / 2, yl + N / 2, yr + N / 2, N / 2);
	for (int i = N / 2; i < N; i++)
		worst = fmax(worst, fabs(db(yl[i] / yl[i - 1])));
	ck_assert_msg(worst <= per_sample, "largest per-sample change %.4f dB (bound %.4f)", worst,
	              per_sample);
	/* there after 5 tau (+ a block): within 0.1 dB of +12 */
	int t = N / 2 + (int)(0.050 * FS) + BLK;
	ck_assert_msg(fabs(db(yl[t] / 0.1) - 12.0) <= 0.1, "%.3f dB after 50 ms", db(yl[t] / 0.1));
	printf("multiband: gain step 0 -> +12 dB: at most %.4f dB per sample, %.3f dB at 50 ms\n",
	       worst, db(yl[t] / 0.1));
}
END_TEST

START_TEST(crossover_toggling_bounded)
{
	struct multiband mb;
	uint64_t seed = 7;
	double in_peak, out_peak;

	mb_make(&mb);
	noise_pair(xl, xr, N, N, &seed);
	in_peak = fmax(peak_of(xl, 0, N), peak_of(xr, 0, N));
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	for (int off = 0; off < N; off += BLK) {
		multiband_set(&mb, MB_XOVER1, (off / BLK) % 2 ? 40.0f : 2000.0f);
		multiband_set(&mb, MB_XOVER2, (off / BLK) % 2 ? 16000.0f : 2000.0f);
		multiband_process(&mb, yl + off, yr + off, BLK);
	}
	ck_assert(all_finite(yl, N) && all_finite(yr, N));
	out_peak = fmax(peak_of(yl, 0, N), peak_of(yr, 0, N));
	ck_assert_msg(out_peak <= 4.0 * in_peak, "peak %.3f for input %.3f", out_peak, in_peak);
	printf("multiband: crossovers toggled every block: output peak %.2f x the input's\n",
	       out_peak / in_peak);
}
END_TEST

START_TEST(nan_safe)
{
	struct multiband mb;
	float gr[MB_BANDS];

	mb_make(&mb);
	struct multiband before = mb;
	for (unsigned s = 0; s < MB_N_SETTINGS; s++)
		ck_assert(multiband_set(&mb, s, NAN));
	ck_assert(!multiband_set(&mb, MB_N_SETTINGS, 1.0f));
	ck_assert(memcmp(&before, &mb, sizeof(mb)) == 0);
	/* a poisoned state: that block is silent, the next ones are the signal again */
	for (int i = 0; i < 4 * BLK; i++)
		xl[i] = xr[i] = 0.5f;
	mb_run(&mb, xl, xr, yl, yr, BLK); /* running */
	mb.svf[0][2].ic1 = NAN;
	mb_run(&mb, xl, xr, yl, yr, 4 * BLK);
	ck_assert(peak_of(yl, 0, BLK) == 0.0 && peak_of(yr, 0, BLK) == 0.0);
	ck_assert(all_finite(yl, 4 * BLK) && all_finite(yr, 4 * BLK));
	ck_assert(peak_of(yl, BLK, 4 * BLK) > 0.1);
	ck_assert_uint_eq(mb.resets, 1);
	multiband_read_gr(&mb, gr);
	ck_assert(isfinite(gr[0]) && isfinite(gr[1]) && isfinite(gr[2]));
}
END_TEST

/* Off (the default) and faded out, the input passes bit for bit; switching on and back off
 * cross-fades and comes back to bit-transparent. */
START_TEST(off_is_transparent)
{
	struct multiband mb;
	uint64_t seed = 3;

	multiband_init(&mb, FS, SMOOTH, kb_of());
	noise_pair(xl, xr, N, N, &seed);
	mb_run(&mb, xl, xr, yl, yr, N / 4);
	ck_assert(memcmp(xl, yl, N / 4 * sizeof(float)) == 0);
	multiband_set(&mb, MB_ON, 1.0f);
	mb_run(&mb, xl, xr, yl, yr, N / 4);
	multiband_set(&mb, MB_ON, 0.0f);
	mb_run(&mb, xl, xr, yl, yr, 2 * SMOOTH);
	mb_run(&mb, xl, xr, yl, yr, N / 4);
	ck_assert(memcmp(xl, yl, N / 4 * sizeof(float)) == 0 &&
	          memcmp(xr, yr, N / 4 * sizeof(float)) == 0);
}
END_TEST

/* ---- mono bass ---- */

static double
mono_gain(struct monobass *mb, double f, bool side)
{
	for (int i = 0; i < N; i++) {
		double v = 0.1 * sin(2.0 * M_PI * f * i / FS);
		xl[i] = (float)v;
		xr[i] = (float)(side ? -v : v);
	}
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	for (int off = 0; off < N; off += BLK)
		monobass_process(mb, yl + off, yr + off, BLK);
	for (int i = 0; i < N; i++) { /* read the side or the mid of the output */
		float m = 0.5f * (yl[i] + yr[i]), s = 0.5f * (yl[i] - yr[i]);
		yl[i] = side ? s : m;
	}
	return db(ls_amp(yl, N / 2, N / 2, f, FS) / 0.1);
}

START_TEST(mono_below)
{
	struct monobass mb;
	const float f0 = 120.0f;
	double worst_mid = 0.0, worst_side = 0.0;

	monobass_init(&mb, FS, SMOOTH, kb_of());
	monobass_set(&mb, f0);
	monobass_settle(&mb);
	double at = mono_gain(&mb, f0, true), under = mono_gain(&mb, f0 / 4, true);
	ck_assert_msg(fabs(at + 6.02) <= 0.1, "side at %g Hz: %.3f dB", (double)f0, at);
	ck_assert_msg(under <= -40.0, "side two octaves under: %.2f dB", under);
	for (int k = 0; k < 40; k++) {
		double f = freq_k(k), m = mono_gain(&mb, f, false);
		worst_mid = fmax(worst_mid, fabs(m));
		ck_assert_msg(fabs(m) <= 0.01, "mid at %.1f Hz: %+.4f dB", f, m);
		if (f >= 4.0 * f0) { /* the LR4 skirt: 0.03 dB at 4 f0, 0.002 dB at 8 f0 */
			double s = mono_gain(&mb, f, true);
			if (f >= 8.0 * f0)
				worst_side = fmax(worst_side, fabs(s));
			ck_assert_msg(fabs(s) <= (f >= 8.0 * f0 ? 0.01 : 0.05),
			              "side at %.1f Hz: %+.4f dB", f, s);
		}
	}
	printf("mono bass %g Hz: side %.2f dB at it, %.1f dB two octaves under; mid flat within "
	       "%.5f dB, side from 3 octaves up within %.4f dB\n",
	       (double)f0, at, under, worst_mid, worst_side);

	/* off: untouched, bit for bit */
	uint64_t seed = 9;
	monobass_set(&mb, 0.0f);
	monobass_settle(&mb);
	noise_pair(xl, xr, N, N, &seed);
	memcpy(yl, xl, sizeof(yl));
	memcpy(yr, xr, sizeof(yr));
	for (int off = 0; off < N; off += BLK)
		monobass_process(&mb, yl + off, yr + off, BLK);
	ck_assert(memcmp(xl, yl, sizeof(xl)) == 0 && memcmp(xr, yr, sizeof(xr)) == 0);
}
END_TEST

/* ---- through the engine ---- */

/* engine_set reaches the multiband (band 1 gain +6 dB on DC, limiter off: the master output is
 * 6 dB up) and mono bass (a side tone at 30 Hz is gone); the default master is unchanged. */
START_TEST(engine_routes)
{
	bool stereo[1] = { true };
	struct engine *e = engine_new(FS, 1, stereo);
	static float il[N], ir[N], ol[N], orr[N];

	ck_assert_ptr_nonnull(e);
	engine_set(e, ENGINE_MASTER_LIMITER_ON, 0, 0.0f);
	engine_set(e, ENGINE_MASTER_MB_ON, 0, 1.0f);
	engine_set(e, ENGINE_MASTER_MB(0, MB_GAIN), 0, 6.0f);
	engine_set(e, ENGINE_MASTER_MONO_BELOW, 0, 100.0f);
	for (int i = 0; i < N; i++) {
		double s = 0.1 * sin(2.0 * M_PI * 30.0 * i / FS);
		il[i] = (float)(0.1 + s);
		ir[i] = (float)(0.1 - s);
	}
	for (int off = 0; off < N; off += 64) {
		const float *in[2] = { il + off, ir + off };
		engine_process(e, in, ol + off, orr + off, 64);
	}
	/* DC (mid) +6 dB; the 30 Hz side 24 dB/oct under 100 Hz: <= -35 dB */
	for (int i = 0; i < N; i++) {
		float m = 0.5f * (ol[i] + orr[i]), s = 0.5f * (ol[i] - orr[i]);
		ol[i] = m;
		orr[i] = s;
	}
	ck_assert_msg(fabs(db(ol[N - 1] / 0.1) - 6.0) < 0.05, "DC through band 1: %.3f dB",
	              db(ol[N - 1] / 0.1));
	double side = db(ls_amp(orr, N / 2, N / 2, 30.0, FS) / 0.1);
	ck_assert_msg(side <= -35.0, "30 Hz side with mono below 100 Hz: %.1f dB", side);
	engine_free(e);
}
END_TEST

static Suite *
multiband_suite(void)
{
	Suite *s = suite_create("multiband");
	TCase *tc = tcase_create("multiband");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bands_sum_flat);
	tcase_add_test(tc, static_curve_per_band);
	tcase_add_test(tc, stereo_linked);
	tcase_add_test(tc, gain_step_glides);
	tcase_add_test(tc, crossover_toggling_bounded);
	tcase_add_test(tc, nan_safe);
	tcase_add_test(tc, off_is_transparent);
	tcase_add_test(tc, mono_below);
	tcase_add_test(tc, engine_routes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(multiband_suite());
}
