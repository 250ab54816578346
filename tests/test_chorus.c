/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chorus bus: the delay each voice reads, measured from the output sample by sample (a
 * sawtooth in comes out as n - d(n)), against d = base + depth/2 sin(2 pi (rate n/fs + phi)) at
 * 44.1, 48 and 96 kHz; the LFO period in samples; a tone's spectrum (everything that is not the
 * ideal frequency-modulated tone, bounded by the Hermite interpolator's own error); voice count,
 * rate and depth changes within the largest step the glides allow; garbage input, silence,
 * period-size independence, set-up.
 */
#include "check_run.h"
#include "measure.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"

static const double rates_fs[3] = { 44100.0, 48000.0, 96000.0 };

/* A chorus at these settings, every glide ended, LFO at phase 0. */
static struct chorus *
new_chorus(double fs, float rate, float depth, float voices)
{
	struct chorus *c = chorus_new();

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(chorus_set_rate(c, fs), 0);
	chorus_set(c, rate, depth, voices);
	chorus_reset(c);
	return c;
}

static void
run(struct chorus *c, const float *xl, const float *xr, float *yl, float *yr, long n, int period)
{
	for (long off = 0; off < n; off += period) {
		long len = n - off < period ? n - off : period;
		chorus_process(c, xl + off, xr + off, yl + off, yr + off, (uint32_t)len);
	}
}

/* The delay of voice k on side s at sample n, samples, by the formula (double). */
static double
delay_of(double fs, double rate, double depth_ms, int k, int s, long n)
{
	return (double)(float)(chorus_base_ms[k] * 0.001 * fs) +
	       0.5 * depth_ms * 0.001 * fs *
	           sin(2.0 * M_PI * (rate * (double)n / fs + chorus_phase[k] + 0.25 * s));
}

/* The gains g_k for a voice count, as the header gives them. */
static void
gains_of(double v, double g[CHORUS_VOICES])
{
	double ss = 0.0;

	for (int k = 0; k < CHORUS_VOICES; k++) {
		g[k] = fmin(fmax(v - k, 0.0), 1.0);
		ss += g[k] * g[k];
	}
	for (int k = 0; k < CHORUS_VOICES; k++)
		g[k] /= sqrt(ss);
}

/* ---------------------------------------------------------------------------------------------
 * The delay read: a sawtooth x = a (n mod SAW_P) comes out of one voice as a ((n - d(n)) mod
 * SAW_P) (Hermite is exact on a straight line), so d(n) is read off every output sample whose
 * interpolation taps all lie on one tooth. */

#define SAW_P 8192
#define SAW_A (1.0 / SAW_P)

static void
saw(float *x, long n, long shift)
{
	for (long i = 0; i < n; i++)
		x[i] = (float)(SAW_A * (double)((i + shift) % SAW_P));
}

/* The measured delay at n from the output y of saw(shift), or NAN where the taps straddle a
 * tooth's edge. */
static double
measured_delay(const struct chorus *c, const float *y, long n, long shift)
{
	if ((n + shift) % SAW_P < (long)c->max_d + 2)
		return NAN;
	return (double)((n + shift) % SAW_P) - (double)y[n] / SAW_A;
}

/* One voice: the measured delay of every sample against the formula (L and R, R a quarter
 * cycle later) within 0.01 sample; the sweep's peak-to-peak against depth in samples; the LFO
 * period in samples, from the upward crossings of the base delay, against fs/rate. Rates from
 * 0.1 to 5 Hz, depths 0 to 10 ms, at 44.1, 48 and 96 kHz. Two runs, the second's sawtooth half
 * a tooth later, so that every sample is measured by one of them. */
START_TEST(lfo_rate_and_depth)
{
	static const struct {
		float rate, depth;
	} cs[] = { { 5.0f, 10.0f }, { 1.0f, 2.0f }, { 0.1f, 6.0f }, { 0.8f, 0.0f } };

	for (int fi = 0; fi < 3; fi++) {
		const double fs = rates_fs[fi];

		for (unsigned ci = 0; ci < sizeof(cs) / sizeof(cs[0]); ci++) {
			const double rate = cs[ci].rate, depth = cs[ci].depth;
			const long n = (long)fmax(3.2 * fs / rate, fs);
			float *x = malloc(n * sizeof(float)), *y[2][2];
			double worst = 0.0, lo = INFINITY, hi = -INFINITY, first = NAN, last = NAN;
			double prev = NAN, base = 0.0;
			int crossings = 0;
			uint32_t max_d = 0;
			long unmeasured = 0; /* (a ck_assert per sample costs a write each) */

			ck_assert_ptr_nonnull(x);
			for (int r = 0; r < 2; r++) {
				struct chorus *c = new_chorus(fs, cs[ci].rate, cs[ci].depth, 1.0f);

				y[r][0] = malloc(n * sizeof(float));
				y[r][1] = malloc(n * sizeof(float));
				ck_assert(y[r][0] && y[r][1]);
				saw(x, n, r * SAW_P / 2);
				run(c, x, x, y[r][0], y[r][1], n, 256);
				base = (double)c->base[0];
				max_d = c->max_d;
				chorus_free(c);
			}
			for (long i = max_d + 2; i < n; i++) {
				double d[2];
				for (int s = 0; s < 2; s++) {
					/* max_d only: measured_delay reads nothing else */
					struct chorus m = { .max_d = max_d };
					d[s] = measured_delay(&m, y[0][s], i, 0);
					if (isnan(d[s]))
						d[s] = measured_delay(&m, y[1][s], i, SAW_P / 2);
					unmeasured += isnan(d[s]);
					worst = fmax(
					    worst, fabs(d[s] - delay_of(fs, rate, depth, 0, s, i)));
				}
				lo = fmin(lo, d[0]);
				hi = fmax(hi, d[0]);
				/* upward crossings of the base delay, interpolated, left side */
				if (!isnan(prev) && prev < base && d[0] >= base) {
					double at = (double)i - 1.0 + (base - prev) / (d[0] - prev);
					if (isnan(first))
						first = at;
					else
						crossings++;
					last = at;
				}
				prev = d[0];
			}
			printf("%5.1f kHz, rate %.2f Hz, depth %4.1f ms: delay off the formula by "
			       "at most %.5f samples; sweep %.3f samples peak-to-peak (want %.3f)",
			       fs / 1000, rate, depth, worst, hi - lo, depth * 0.001 * fs);
			ck_assert_int_eq(unmeasured, 0);
			ck_assert_msg(worst <= 0.01, "delay %.5f samples off", worst);
			ck_assert_msg(fabs((hi - lo) - depth * 0.001 * fs) <= 0.02,
			              "sweep %.4f samples, want %.4f", hi - lo, depth * 0.001 * fs);
			if (depth > 0.0) {
				double period = (last - first) / crossings;
				printf("; LFO period %.3f samples over %d cycles (want %.3f)\n",
				       period, crossings, fs / rate);
				ck_assert_int_ge(crossings, 2);
				ck_assert_msg(fabs(period - fs / rate) <= 1e-5 * fs / rate + 0.01,
				              "period %.3f samples, want %.3f", period, fs / rate);
			} else {
				printf("\n");
			}
			free(x);
			for (int r = 0; r < 2; r++) {
				free(y[r][0]);
				free(y[r][1]);
			}
		}
	}
}
END_TEST

#define MV_N 96000

/* Every voice count (1, 2, 2.5, 3, 4): the output of a sawtooth is the gain-weighted sum of
 * each voice's n - d_k(n), with the header's base delays, phase offsets and gains
 * g = w / |w|, to 0.01 sample of delay. */
START_TEST(voices_against_formula)
{
	static float x[MV_N], yl[MV_N], yr[MV_N];
	static const float vs[5] = { 1.0f, 2.0f, 2.5f, 3.0f, 4.0f };

	saw(x, MV_N, 0);
	for (int vi = 0; vi < 5; vi++) {
		struct chorus *c = new_chorus(48000.0, 1.3f, 7.0f, vs[vi]);
		double g[CHORUS_VOICES], gsum = 0.0, worst = 0.0;

		gains_of(vs[vi], g);
		for (int k = 0; k < CHORUS_VOICES; k++)
			gsum += g[k];
		run(c, x, x, yl, yr, MV_N, 100);
		for (long i = 0; i < MV_N; i++) {
			if (i % SAW_P < (long)c->max_d + 2)
				continue;
			for (int s = 0; s < 2; s++) {
				double want = 0.0;
				for (int k = 0; k < CHORUS_VOICES; k++)
					want += g[k] * ((double)(i % SAW_P) -
					                delay_of(48000.0, 1.3, 7.0, k, s, i));
				/* in samples of delay: divide the error by a and by sum g */
				worst = fmax(worst,
				             fabs((double)(s ? yr : yl)[i] / SAW_A - want) / gsum);
			}
		}
		printf("%.1f voices: output off the gain-weighted voices by at most %.5f samples "
		       "of delay\n",
		       vs[vi], worst);
		ck_assert_msg(worst <= 0.01, "%.1f voices: %.5f samples", vs[vi], worst);
		chorus_free(c);
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * The tone's spectrum. */

/* The Catmull-Rom interpolator's largest error at w (rad/sample) over all fractions t:
 * max_t |sum_k h_k(t) e^{-jwk} - e^{-jwt}|, relative to the tone, taps at k = -1, 0, 1, 2. */
static double
hermite_err(double w)
{
	double worst = 0.0;

	for (int i = 0; i <= 1000; i++) {
		double t = i / 1000.0, t2 = t * t, t3 = t2 * t;
		double h[4] = { -0.5 * t + t2 - 0.5 * t3, 1.0 - 2.5 * t2 + 1.5 * t3,
			        0.5 * t + 2.0 * t2 - 1.5 * t3, -0.5 * t2 + 0.5 * t3 };
		double re = -cos(w * t), im = sin(w * t);
		for (int k = 0; k < 4; k++) {
			re += h[k] * cos(w * (k - 1));
			im -= h[k] * sin(w * (k - 1));
		}
		worst = fmax(worst, hypot(re, im));
	}
	return worst;
}

#define TS_N (4 * 48000)

/* A tone through the chorus at the fastest sweep (5 Hz, 10 ms: the fraction runs through 0..1
 * ~30 times a second), one and four voices: the output minus the ideal frequency-modulated tone
 * sum_k g_k A sin(w (n - d_k(n))) is everything else in the spectrum (interpolation sidebands,
 * aliases); its RMS relative to the tone's stays within the interpolator's worst error at w
 * (x 1.05) plus the phase error of a delay held in a float (2 ulps of the longest delay). */
START_TEST(tone_spectrum)
{
	static float x[TS_N], yl[TS_N], yr[TS_N];
	static const double freqs[3] = { 1000.0, 5000.0, 10000.0 };
	const double fs = 48000.0, a = 0.5;

	for (int fi = 0; fi < 3; fi++) {
		const double w = 2.0 * M_PI * freqs[fi] / fs;
		/* the delay is a float: 2 ulps of the longest delay, as a phase error at w */
		const double ulps = w * 2.0 * ldexp(1.0, ilogb(24.5e-3 * fs) - 23);
		const double bound = 1.05 * hermite_err(w) + ulps;

		for (int i = 0; i < TS_N; i++)
			x[i] = (float)(a * sin(w * i));
		for (int v = 1; v <= 4; v += 3) {
			struct chorus *c = new_chorus(fs, 5.0f, 10.0f, (float)v);
			double g[CHORUS_VOICES], gsum = 0.0, ss = 0.0;
			long cnt = 0;

			gains_of(v, g);
			for (int k = 0; k < CHORUS_VOICES; k++)
				gsum += g[k];
			run(c, x, x, yl, yr, TS_N, 64);
			for (long i = 4800; i < TS_N; i++) {
				for (int s = 0; s < 2; s++) {
					double want = 0.0;
					for (int k = 0; k < v; k++)
						want +=
						    g[k] * a *
						    sin(w * (i - delay_of(fs, 5.0, 10.0, k, s, i)));
					double e = (s ? yr : yl)[i] - want;
					ss += e * e;
					cnt++;
				}
			}
			/* relative to the RMS each voice's tone would have if they added up */
			double rel = sqrt(ss / cnt) / (gsum * a / M_SQRT2);
			printf(
			    "%5.0f Hz tone, 5 Hz / 10 ms, %d voice%s: everything but the FM tone "
			    "at %.1f dB (Hermite bound %.1f dB)\n",
			    freqs[fi], v, v > 1 ? "s" : "", db(rel), db(bound));
			ck_assert_msg(rel <= bound, "%.0f Hz, %d voices: %.1f dB > %.1f dB",
			              freqs[fi], v, db(rel), db(bound));
			chorus_free(c);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Changes. */

#define CC_N (5 * 48000)

/* Voice count, rate and depth changing under a 440 Hz sine, processed a sample at a time so the
 * gains g_k(n) can be read: every output step is within what the glides allow,
 *   |y(n) - y(n-1)| <= A (2 sin(w'/2) sum_k g_k(n) + 4 / smooth_n)
 * w' = w (1 + max |d'|), the fastest the delay can move: the LFO at 5 Hz and 10 ms plus the
 * depth glide's 5 ms over CHORUS_DEPTH_GLIDE_MS; 1 / smooth_n the most a gain glides per sample
 * (asserted too). A voice switched on or off at once, a depth jump or an LFO phase that jumped
 * would step by up to the voice's amplitude. */
START_TEST(changes_no_click)
{
	static float x[CC_N], yl[CC_N], yr[CC_N];
	const double fs = 48000.0, a = 0.5, w = 2.0 * M_PI * 440.0 / fs;
	const double hd_max = 0.5 * CHORUS_DEPTH_MAX * 0.001 * fs;
	const double dmax = 2.0 * M_PI * CHORUS_RATE_MAX / fs * hd_max +
	                    hd_max / (CHORUS_DEPTH_GLIDE_MS * 0.001 * fs);
	const double step = 2.0 * sin(w * (1.0 + dmax) / 2.0);
	static const struct {
		long at;
		float rate, depth, voices;
	} ev[] = {
		{ 24000, 5.0f, 10.0f, 4.0f },   { 48000, 0.1f, NAN, 1.0f },
		{ 60000, NAN, 2.0f, 3.5f },     { 72000, 3.0f, 9.0f, 2.0f },
		{ 96000, NAN, NAN, 4.0f },      { 98000, 5.0f, 0.0f, 1.0f },
		{ 120000, 0.05f, 10.0f, 3.0f }, { 150000, 4.0f, 5.0f, 1.5f },
		{ 180000, NAN, NAN, 4.0f },
	};
	struct chorus *c = new_chorus(fs, 0.5f, 4.0f, 1.0f);
	float gprev[CHORUS_VOICES];
	/* a voice's gain glides by at most 1 over CHORUS_SMOOTH_MS: the most all four move */
	const double gstep = CHORUS_VOICES / (CHORUS_SMOOTH_MS * 0.001 * fs);
	double ratio = 0.0, dg_max = 0.0;
	long at = 0;
	unsigned e = 0;

	for (int i = 0; i < CC_N; i++) /* faded in over 100 ms */
		x[i] =
		    (float)(a * (i < 4800 ? 0.5 - 0.5 * cos(M_PI * i / 4800.0) : 1.0) * sin(w * i));
	for (int k = 0; k < CHORUS_VOICES; k++)
		gprev[k] = c->gain[k].cur;
	for (long i = 0; i < CC_N; i++) {
		double gs = 0.0, dg = 0.0;

		if (e < sizeof(ev) / sizeof(ev[0]) && ev[e].at == i) {
			chorus_set(c, ev[e].rate, ev[e].depth, ev[e].voices);
			e++;
		}
		chorus_process(c, x + i, x + i, yl + i, yr + i, 1);
		for (int k = 0; k < CHORUS_VOICES; k++) {
			gs += fmax(c->gain[k].cur, gprev[k]);
			dg = fmax(dg, fabs((double)c->gain[k].cur - gprev[k]));
			gprev[k] = c->gain[k].cur;
		}
		dg_max = fmax(dg_max, dg);
		if (i < 4800 + 1000) /* the fade-in itself, then the lines filling */
			continue;
		for (int s = 0; s < 2; s++) {
			const float *y = s ? yr : yl;
			double r = fabs((double)y[i] - y[i - 1]) / (a * (step * gs + gstep) + 1e-6);
			if (r > ratio) {
				ratio = r;
				at = i;
			}
		}
	}
	printf("voices, rate and depth changing under a 440 Hz sine (%u changes): largest step "
	       "%.4f x the glides' bound (at %.3f s)\n",
	       e, ratio, at / fs);
	printf("largest gain step of a voice %.3e per sample (glide: at most %.3e)\n", dg_max,
	       1.0 / (CHORUS_SMOOTH_MS * 0.001 * fs));
	ck_assert_uint_eq(e, sizeof(ev) / sizeof(ev[0]));
	ck_assert(dg_max <= 1.0 / (CHORUS_SMOOTH_MS * 0.001 * fs) * (1.0 + 1e-5));
	ck_assert_msg(ratio <= 1.0, "step %.4f x the bound at %.4f s", ratio, at / fs);
	ck_assert_uint_eq(c->dropped + c->resets, 0);
	chorus_free(c);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Robustness. */

#define NF_N 48000

/* NaN, Inf and an absurd (2^70) sample: the sub-block holding it is dropped and the lines
 * cleared (exact silence after it while the input is silent), every output finite, counted;
 * then input returns and so does the chorus, at its level before. */
START_TEST(garbage_input)
{
	static float xl[NF_N], xr[NF_N], yl[NF_N], yr[NF_N];
	static const float bad[3] = { NAN, INFINITY, 0x1p70f };

	for (int k = 0; k < 3; k++) {
		struct chorus *c = new_chorus(48000.0, 1.0f, 5.0f, 3.0f);
		uint64_t seed = 1;
		int quiet = 0;
		double before, after;

		noise_pair(xl, xr, NF_N, NF_N, &seed);
		memset(xl + 10000, 0, 20000 * sizeof(float));
		memset(xr + 10000, 0, 20000 * sizeof(float));
		xr[10005] = bad[k];
		run(c, xl, xr, yl, yr, NF_N, 64);
		ck_assert(all_finite(yl, NF_N) && all_finite(yr, NF_N));
		ck_assert_uint_eq(c->dropped, 1);
		ck_assert_uint_eq(c->resets, 0);
		/* the sub-block of 64 holding the garbage starts at 9984: its noise is dropped */
		for (int i = 9984; i < 30000; i++)
			quiet += yl[i] == 0.0f && yr[i] == 0.0f;
		ck_assert_int_eq(quiet, 30000 - 9984);
		before = rms_of(yl, 2000, 9984);
		after = rms_of(yl, 32000, NF_N);
		printf("garbage input (%g): sub-block dropped (dropped = %llu), lines cleared, all "
		       "finite; level after %+.2f dB against before\n",
		       bad[k], (unsigned long long)c->dropped, db(after / before));
		ck_assert_msg(fabs(db(after / before)) < 1.0, "after %.2f dB", db(after / before));
		chorus_free(c);
	}
}
END_TEST

#define DZ_N (3 * 48000)

/* Noise, then silence: the outputs are exactly 0 from max_d samples after the input stopped
 * (no feedback, no filter: nothing rings), and input at -400 dBFS (subnormal-adjacent, flushed
 * where it is written) gives exact zeros too; afterwards the chorus idles and wakes on input. */
START_TEST(silence_is_exact_zero)
{
	static float xl[DZ_N], xr[DZ_N], yl[DZ_N], yr[DZ_N];
	struct chorus *c = new_chorus(48000.0, 2.0f, 10.0f, 4.0f);
	const long stop = 48000;
	uint64_t seed = 26;
	long last_nonzero = -1;

	noise_pair(xl, xr, DZ_N, stop, &seed);
	for (long i = stop + 24000; i < stop + 48000; i++) /* tiny values: flushed */
		xl[i] = xr[i] = (i % 2 ? 1e-20f : -3e-38f);
	noise_pair(xl + 2 * 48000 + 24000, xr + 2 * 48000 + 24000, 24000, 24000, &seed);
	run(c, xl, xr, yl, yr, DZ_N, 256);
	for (long i = stop; i < 2 * 48000 + 24000; i++)
		if (yl[i] != 0.0f || yr[i] != 0.0f)
			last_nonzero = i;
	printf("silence: outputs exactly 0 from %ld samples after the input stopped (longest "
	       "read %u samples); -400 dBFS input gives zeros\n",
	       last_nonzero + 1 - stop, c->max_d);
	ck_assert_int_lt(last_nonzero, stop + (long)c->max_d);
	ck_assert_msg(peak_of(yl, 2 * 48000 + 24000 + 2000, DZ_N) > 0.01f, "no wake-up");
	chorus_free(c);
}
END_TEST

#define PI_N (4 * 48000)

/* The output does not depend on the period size nor on the outputs aliasing the inputs: with
 * rate, depth and voice changes at the same samples and a silent stretch (the chorus idles and
 * wakes), periods of 1, 5, 32, 64, 100, 1000 and in-place processing are bit-identical to
 * periods of 480. */
START_TEST(period_independent)
{
	static float xl[PI_N], xr[PI_N], yl[PI_N], yr[PI_N], rl[PI_N], rr[PI_N];
	static const int periods[7] = { 480, 1, 5, 32, 64, 100, 1000 };

	for (int p = 0; p < 8; p++) {
		struct chorus *c = new_chorus(48000.0, 0.8f, 4.0f, 2.0f);
		int period = p < 7 ? periods[p] : 160;
		uint64_t seed = 8;

		noise_pair(xl, xr, PI_N, PI_N, &seed);
		memset(xl + 100000, 0, 40000 * sizeof(float));
		memset(xr + 100000, 0, 40000 * sizeof(float));
		for (int off = 0; off < PI_N; off += period) {
			switch (off) {
			case 48000:
				chorus_set(c, 4.0f, 9.0f, 3.3f);
				break;
			case 96000:
				chorus_set(c, 0.2f, NAN, 1.0f);
				break;
			case 144000:
				chorus_set(c, NAN, 1.0f, 4.0f);
				break;
			}
			if (p == 7)
				chorus_process(c, xl + off, xr + off, xl + off, xr + off,
				               (uint32_t)period);
			else
				chorus_process(c, xl + off, xr + off, yl + off, yr + off,
				               (uint32_t)period);
		}
		if (p == 7) {
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
			              p == 7 ? "in-place processing" : "a period size");
		}
		chorus_free(c);
	}
	printf("periods of 480, 1, 5, 32, 64, 100, 1000 and in-place processing: bit-identical\n");
}
END_TEST

/* Set-up: a bad rate is refused and leaves the chorus working; no rate yet gives silence; the
 * lines hold the longest read at each rate; settings clamp, a NaN keeps; reset clears. */
START_TEST(rate_and_reset)
{
	float x[64], yl[64], yr[64], z0[4800] = { 0 }, zl[4800], zr[4800];
	struct chorus *c = chorus_new();

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < 64; i++)
		x[i] = 0.5f;
	yl[0] = 1.0f;
	chorus_process(c, x, x, yl, yr, 64);
	ck_assert(peak_of(yl, 0, 64) == 0.0f && peak_of(yr, 0, 64) == 0.0f);
	ck_assert_int_eq(chorus_set_rate(c, 0.0), -EINVAL);
	ck_assert_int_eq(chorus_set_rate(c, NAN), -EINVAL);
	ck_assert_int_eq(chorus_set_rate(c, 1e6), -EINVAL);
	for (int fi = 0; fi < 3; fi++) {
		double fs = rates_fs[fi];
		ck_assert_int_eq(chorus_set_rate(c, fs), 0);
		ck_assert_uint_eq(c->max_d, (uint32_t)ceil(24.5 * 0.001 * fs) + 2);
		ck_assert_uint_gt(c->mask + 1, c->max_d + CHORUS_BLOCK);
		ck_assert_uint_le(c->mask + 1, 2 * (c->max_d + CHORUS_BLOCK));
	}
	ck_assert_int_eq(chorus_set_rate(c, INFINITY), -EINVAL);
	ck_assert(c->fs == 96000.0);
	chorus_set(c, 100.0f, -3.0f, 9.0f);
	ck_assert(c->rate_hz == CHORUS_RATE_MAX && c->depth_ms == CHORUS_DEPTH_MIN &&
	          c->voices == CHORUS_VOICES_MAX);
	chorus_set(c, NAN, NAN, NAN);
	ck_assert(c->rate_hz == CHORUS_RATE_MAX && c->depth_ms == CHORUS_DEPTH_MIN &&
	          c->voices == CHORUS_VOICES_MAX);
	chorus_set(c, 0.0f, 50.0f, 0.0f);
	ck_assert(c->rate_hz == CHORUS_RATE_MIN && c->depth_ms == CHORUS_DEPTH_MAX &&
	          c->voices == CHORUS_VOICES_MIN);
	chorus_process(c, x, x, yl, yr, 64);
	chorus_reset(c);
	for (int i = 0; i < 10; i++) {
		chorus_process(c, z0, z0, zl, zr, 4800);
		ck_assert(peak_of(zl, 0, 4800) == 0.0f && peak_of(zr, 0, 4800) == 0.0f);
	}
	chorus_free(c);
	chorus_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chorus");
	TCase *resp = tcase_create("response"), *chg = tcase_create("changes"),
	      *robust = tcase_create("robust");

	tcase_add_test(resp, lfo_rate_and_depth);
	tcase_add_test(resp, voices_against_formula);
	tcase_add_test(resp, tone_spectrum);
	tcase_add_test(chg, changes_no_click);
	tcase_add_test(robust, garbage_input);
	tcase_add_test(robust, silence_is_exact_zero);
	tcase_add_test(robust, period_independent);
	tcase_add_test(robust, rate_and_reset);
	TCase *all[] = { resp, chg, robust };
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 120); /* Check's default is 4 s; ASan runs 3x slower */
		suite_add_tcase(s, all[i]);
	}
	return check_run(s);
}
