/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reverb bus against dsp-reference.md §8 test 24: reverb time per octave band from the
 * impulse response (octave filters and Schroeder backward integration in double precision),
 * L/R decorrelation, 60 s of hot noise; then the predelay's onset, parameter changes under
 * noise (no NaN, no click), the wet level against the reverb time, silence ending in exact
 * zeros without FTZ, garbage input, and independence from the period size.
 */
#include "check_run.h"
#include "measure.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reverb.h"

#define FS 48000.0

/* ---------------------------------------------------------------------------------------------
 * Signals and measurement. */

/* A direct-form biquad in double (RBJ cookbook), for the measurement filters. */
struct bq {
	double b0, b1, b2, a1, a2, z1, z2;
};

static struct bq
bq_rbj(bool high, double f0, double q)
{
	double w = 2.0 * M_PI * f0 / FS, c = cos(w), al = sin(w) / (2.0 * q), a0 = 1.0 + al;
	double b1 = high ? -(1.0 + c) : 1.0 - c;

	return (struct bq){ fabs(b1) / 2.0 / a0,
		            b1 / a0,
		            fabs(b1) / 2.0 / a0,
		            -2.0 * c / a0,
		            (1.0 - al) / a0,
		            0.0,
		            0.0 };
}

static double
bq_run(struct bq *f, double x)
{
	double y = f->b0 * x + f->z1; /* transposed direct form II */

	f->z1 = f->b1 * x - f->a1 * y + f->z2;
	f->z2 = f->b2 * x - f->a2 * y;
	return y;
}

/* Butterworth section Qs: 4th order (2 sections) and 8th order (4 sections). */
static const double q4[2] = { 0.54119610, 1.30656296 };
static const double q8[4] = { 0.50979558, 0.60134489, 0.89997622, 2.56291545 };

/* The octave band at fc of x[0..n): 4th-order Butterworth high-pass at fc/sqrt2 and low-pass at
 * fc sqrt2, in double, into y. */
static void
octave(const float *x, double *y, int n, double fc)
{
	struct bq f[4] = { bq_rbj(true, fc / M_SQRT2, q4[0]), bq_rbj(true, fc / M_SQRT2, q4[1]),
		           bq_rbj(false, fc * M_SQRT2, q4[0]), bq_rbj(false, fc * M_SQRT2, q4[1]) };

	for (int i = 0; i < n; i++) {
		double v = x[i];
		for (int k = 0; k < 4; k++)
			v = bq_run(&f[k], v);
		y[i] = v;
	}
}

/* RT60 from T30: Schroeder backward integration of y^2, a least-squares line through the decay
 * curve between -5 and -35 dB, extrapolated to -60 dB. */
static double
t30(const double *y, int n)
{
	double *edc = malloc((size_t)n * sizeof(*edc)), acc = 0.0;
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;

	ck_assert_ptr_nonnull(edc);
	for (int i = n - 1; i >= 0; i--) {
		acc += y[i] * y[i];
		edc[i] = acc;
	}
	for (int i = 0; i < n; i++) {
		double l = 10.0 * log10(edc[i] / edc[0]), t = i / FS;
		if (l <= -5.0 && l >= -35.0) {
			sx += t;
			sy += l;
			sxx += t * t;
			sxy += t * l;
			k++;
		}
	}
	free(edc);
	ck_assert_msg(k > 100, "the decay never spans -5..-35 dB");
	return -60.0 / ((k * sxy - sx * sy) / (k * sxx - sx * sx));
}

static struct reverb *
new_reverb(float time_s, float damp_hz, float pre_ms)
{
	struct reverb *r = reverb_new();

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(reverb_set_rate(r, FS), 0);
	reverb_set(r, time_s, damp_hz, pre_ms);
	reverb_reset(r); /* settle at these settings: no glide from the defaults */
	return r;
}

/* Runs x -> y in periods of `period` frames. */
static void
run(struct reverb *r, const float *xl, const float *xr, float *yl, float *yr, int n, int period)
{
	for (int off = 0; off < n; off += period) {
		int len = n - off < period ? n - off : period;
		reverb_process(r, xl + off, xr + off, yl + off, yr + off, (uint32_t)len);
	}
}

/* ---------------------------------------------------------------------------------------------
 * Test 24. */

#define IR_N (8 * 48000)

static const double oct_hz[6] = { 125, 250, 500, 1000, 2000, 4000 };

/* Test 24: rt_mid 2 s (rt_low 3 s), xover 200 Hz, fdamp 6 kHz, impulse into both inputs:
 * RT60 (T30) in the 1 kHz octave 2.0 s +-10 %, the 125 Hz octave longer, the 4 kHz octave
 * shorter; on each output. */
START_TEST(rt60_octaves)
{
	static float xl[IR_N], xr[IR_N], yl[IR_N], yr[IR_N];
	static double band[IR_N];
	struct reverb *r = new_reverb(2.0f, 6000.0f, 0.0f);
	double rt[2][6];

	xl[0] = xr[0] = 1.0f;
	run(r, xl, xr, yl, yr, IR_N, 256);
	ck_assert(all_finite(yl, IR_N) && all_finite(yr, IR_N));
	for (int s = 0; s < 2; s++) {
		for (int b = 0; b < 6; b++) {
			octave(s ? yr : yl, band, IR_N, oct_hz[b]);
			rt[s][b] = t30(band, IR_N);
		}
		printf("test 24: RT60 (T30) %s: 125 Hz %.2f s, 250 %.2f, 500 %.2f, 1k %.2f, "
		       "2k %.2f, 4k %.2f\n",
		       s ? "R" : "L", rt[s][0], rt[s][1], rt[s][2], rt[s][3], rt[s][4], rt[s][5]);
		ck_assert_msg(fabs(rt[s][3] - 2.0) <= 0.2, "1 kHz octave RT60 %.3f s", rt[s][3]);
		ck_assert_msg(rt[s][0] > rt[s][3], "125 Hz %.3f s not above 1 kHz %.3f s", rt[s][0],
		              rt[s][3]);
		ck_assert_msg(rt[s][5] < rt[s][3], "4 kHz %.3f s not below 1 kHz %.3f s", rt[s][5],
		              rt[s][3]);
	}
	reverb_free(r);
}
END_TEST

static double
correlation(const float *a, const float *b, int n)
{
	double ab = 0, aa = 0, bb = 0;

	for (int i = 0; i < n; i++) {
		ab += (double)a[i] * b[i];
		aa += (double)a[i] * a[i];
		bb += (double)b[i] * b[i];
	}
	return ab / sqrt(aa * bb);
}

/* Test 24: the L and R impulse responses are uncorrelated, |rho| < 0.1, for an impulse into
 * both inputs (mono), the left only and the right only. */
START_TEST(lr_decorrelated)
{
	static float xl[IR_N], xr[IR_N], yl[IR_N], yr[IR_N];
	static const char *what[3] = { "both inputs", "left input", "right input" };

	for (int k = 0; k < 3; k++) {
		struct reverb *r = new_reverb(2.0f, 6000.0f, 20.0f);
		double rho;

		memset(xl, 0, sizeof(xl));
		memset(xr, 0, sizeof(xr));
		xl[0] = k != 2 ? 1.0f : 0.0f;
		xr[0] = k != 1 ? 1.0f : 0.0f;
		run(r, xl, xr, yl, yr, IR_N, 256);
		rho = correlation(yl, yr, IR_N);
		printf("test 24: L/R impulse response correlation, %s: %+.4f\n", what[k], rho);
		ck_assert_msg(fabs(rho) < 0.1, "%s: rho %+.4f", what[k], rho);
		reverb_free(r);
	}
}
END_TEST

#define HOT_PERIOD 256
#define HOT_N      (60 * 48000)

/* Test 24: 60 s of +12 dBFS (RMS) Gaussian noise, independent on L and R, at the longest, least
 * damped setting (10 s, 20 kHz): every output sample finite, the level bounded. */
START_TEST(hot_noise_60s)
{
	static float xl[HOT_PERIOD], xr[HOT_PERIOD], yl[HOT_PERIOD], yr[HOT_PERIOD];
	struct reverb *r = new_reverb(10.0f, 20000.0f, 20.0f);
	const double rms_in = pow(10.0, 12.0 / 20.0);
	uint64_t seed = 24;
	double ss = 0.0;
	float peak = 0.0f;
	long last_n = 0;

	for (long off = 0; off < HOT_N; off += HOT_PERIOD) {
		for (int i = 0; i < HOT_PERIOD; i++) {
			xl[i] = (float)(rms_in * rng_gauss(&seed));
			xr[i] = (float)(rms_in * rng_gauss(&seed));
		}
		reverb_process(r, xl, xr, yl, yr, HOT_PERIOD);
		ck_assert_msg(all_finite(yl, HOT_PERIOD) && all_finite(yr, HOT_PERIOD),
		              "non-finite output at %.3f s", off / FS);
		peak = fmaxf(peak, fmaxf(peak_of(yl, 0, HOT_PERIOD), peak_of(yr, 0, HOT_PERIOD)));
		if (off >= HOT_N - 48000) {
			ss += (double)rms_of(yl, 0, HOT_PERIOD) * rms_of(yl, 0, HOT_PERIOD);
			last_n++;
		}
	}
	printf("test 24: 60 s of +12 dBFS noise at 10 s / 20 kHz: all finite, peak %.2f "
	       "(%+.1f dBFS), last-second RMS %+.1f dBFS (input %+.1f dBFS); dropped %llu, "
	       "resets %llu\n",
	       peak, 20 * log10(peak), 10 * log10(ss / last_n), 20 * log10(rms_in),
	       (unsigned long long)r->dropped, (unsigned long long)r->resets);
	/* a stable linear network at a fixed setting: the wet RMS is a fixed multiple of the
	 * input's (about -7 dB at 10 s, see wet_level) and the peak a few times that */
	ck_assert_msg(peak < 4.0 * rms_in, "peak %.2f", peak);
	ck_assert_uint_eq(r->dropped, 0);
	ck_assert_uint_eq(r->resets, 0);
	reverb_free(r);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Predelay, parameter changes, level. */

#define PD_N 20000

/* The onset: the first non-zero output sample is exactly predelay + the shortest path (the
 * shortest diffuser: 20.346 ms = 977 samples from the left input, 13.458 ms = 646 from the
 * right, at 48 kHz; the diffusers' immediate path cancels at the outputs). Outputs before it
 * are exact zeros. */
START_TEST(predelay_onset)
{
	static float xl[PD_N], xr[PD_N], yl[PD_N], yr[PD_N];
	static const float pre_ms[4] = { 0.0f, 20.0f, 57.3f, 200.0f };

	for (int side = 0; side < 2; side++) {
		for (int k = 0; k < 4; k++) {
			struct reverb *r = new_reverb(2.0f, 6000.0f, pre_ms[k]);
			uint32_t sp = reverb_shortest_path(r, side);
			long want = lrint(pre_ms[k] * 0.001 * FS) + sp, first = -1;
			const char *where = "";

			ck_assert_uint_eq(sp, side ? 646 : 977);
			memset(xl, 0, sizeof(xl));
			memset(xr, 0, sizeof(xr));
			(side ? xr : xl)[0] = 1.0f;
			run(r, xl, xr, yl, yr, PD_N, 100);
			for (int i = 0; i < PD_N && first < 0; i++) {
				if (yl[i] != 0.0f || yr[i] != 0.0f) {
					first = i;
					where = yl[i] != 0.0f ? (yr[i] != 0.0f ? "L+R" : "L") : "R";
				}
			}
			printf(
			    "test 24: %s input, predelay %5.1f ms: onset at sample %ld (%.3f ms, "
			    "on %s), predelay + shortest path = %ld\n",
			    side ? "right" : "left", pre_ms[k], first, first / FS * 1000.0, where,
			    want);
			ck_assert_int_eq(first, want);
			reverb_free(r);
		}
	}
}
END_TEST

#define PC_N      (10 * 48000)
#define PC_PERIOD 128

/* Parameter jumps under white noise every 10 ms, between the ends of every range: no NaN, no
 * Inf, the output bounded (the wet level at 0.3 s is the loudest, about +5 dB over the input,
 * see wet_level). */
START_TEST(param_jumps_noise_finite)
{
	static float xl[PC_N], xr[PC_N], yl[PC_N], yr[PC_N];
	static const float tv[3] = { 0.3f, 2.0f, 10.0f }, dv[3] = { 1000.0f, 6000.0f, 20000.0f },
	                   pv[3] = { 0.0f, 20.0f, 200.0f };
	struct reverb *r = new_reverb(2.0f, 6000.0f, 20.0f);
	uint64_t seed = 7, pick = 99;
	float peak;

	for (int i = 0; i < PC_N; i++) {
		xl[i] = (float)(0.25 * rng_gauss(&seed));
		xr[i] = (float)(0.25 * rng_gauss(&seed));
	}
	for (int off = 0; off < PC_N; off += PC_PERIOD) {
		if (off % 480 == 0)
			reverb_set(r, tv[rng_next(&pick) % 3], dv[rng_next(&pick) % 3],
			           pv[rng_next(&pick) % 3]);
		reverb_process(r, xl + off, xr + off, yl + off, yr + off, PC_PERIOD);
	}
	ck_assert(all_finite(yl, PC_N) && all_finite(yr, PC_N));
	peak = fmaxf(peak_of(yl, 0, PC_N), peak_of(yr, 0, PC_N));
	printf("parameters jumping every 10 ms under -12 dBFS noise for 10 s: all finite, peak "
	       "%.3f (input peak %.3f)\n",
	       peak, fmaxf(peak_of(xl, 0, PC_N), peak_of(xr, 0, PC_N)));
	ck_assert_msg(peak < 4.0f, "peak %.3f", peak);
	ck_assert_uint_eq(r->dropped + r->resets, 0);
	reverb_free(r);
}
END_TEST

/* Largest |y[n] - y[n-1]| / (2 sin(pi fb/fs) max|y| over n +- w): how far the steps go beyond
 * what a signal band-limited to fb could do at its local level (Bernstein's inequality). */
static double
worst_step_ratio(const float *y, int from, int to, double fb, int w, int *at)
{
	const double k = 2.0 * sin(M_PI * fb / FS);
	double worst = 0.0;

	for (int n = from; n < to; n++) {
		double st = fabs((double)y[n] - y[n - 1]), pk = 0.0;
		if (st == 0.0)
			continue;
		for (int j = n - w; j <= n + w; j++)
			pk = fmax(pk, fabs(y[j]));
		if (st / (k * pk) > worst) {
			worst = st / (k * pk);
			*at = n;
		}
	}
	return worst;
}

#define CK_N    (12 * 48000)
#define CK_FB   500.0 /* Hz: the bound's bandwidth, 2x the noise's (8th order: -48 dB there) */
#define CK_W    240   /* +-5 ms */
#define CK_FROM (2 * 48000)

/* No click: noise low-passed at 250 Hz (8th-order Butterworth) through the reverb, the
 * parameters jumping between range ends every 150 ms from 2 s on. A click is a step the
 * band-limited output could not make at its local level: the worst step ratio (see
 * worst_step_ratio) stays below 1, as it does with the parameters still. */
START_TEST(param_jumps_no_click)
{
	static float xl[CK_N], xr[CK_N], yl[CK_N], yr[CK_N], sl[CK_N], sr[CK_N];
	static const float tv[3] = { 0.3f, 2.0f, 10.0f }, dv[3] = { 1000.0f, 6000.0f, 20000.0f },
	                   pv[4] = { 0.0f, 20.0f, 200.0f, 3.0f };
	struct reverb *r = new_reverb(2.0f, 6000.0f, 20.0f),
	              *ref = new_reverb(2.0f, 6000.0f, 20.0f);
	struct bq fl[4], fr[4];
	uint64_t seed = 11, pick = 5;
	double still = 0.0, moving = 0.0;
	int at_still = 0, at_moving = 0, n_changes = 0;

	for (int k = 0; k < 4; k++)
		fl[k] = fr[k] = bq_rbj(false, 250.0, q8[k]);
	for (int i = 0; i < CK_N; i++) {
		double a = rng_gauss(&seed), b = rng_gauss(&seed);
		for (int k = 0; k < 4; k++) {
			a = bq_run(&fl[k], a);
			b = bq_run(&fr[k], b);
		}
		xl[i] = (float)(0.5 * a);
		xr[i] = (float)(0.5 * b);
	}
	for (int off = 0; off < CK_N; off += PC_PERIOD) {
		if (off >= CK_FROM && off % 7200 == 0) {
			reverb_set(r, tv[rng_next(&pick) % 3], dv[rng_next(&pick) % 3],
			           pv[rng_next(&pick) % 4]);
			n_changes++;
		}
		reverb_process(r, xl + off, xr + off, yl + off, yr + off, PC_PERIOD);
		reverb_process(ref, xl + off, xr + off, sl + off, sr + off, PC_PERIOD);
	}
	ck_assert(all_finite(yl, CK_N) && all_finite(yr, CK_N));
	for (int s = 0; s < 2; s++) {
		int a0 = 0, a1 = 0;
		double v0 = worst_step_ratio(s ? sr : sl, CK_FROM, CK_N - CK_W, CK_FB, CK_W, &a0);
		double v1 = worst_step_ratio(s ? yr : yl, CK_FROM, CK_N - CK_W, CK_FB, CK_W, &a1);
		if (v0 > still) {
			still = v0;
			at_still = a0;
		}
		if (v1 > moving) {
			moving = v1;
			at_moving = a1;
		}
	}
	/* the detector sees a click: the still output with a 25 % gain step at its loudest
	 * sample */
	{
		int at = CK_FROM, dummy = 0;
		for (int n = CK_FROM; n < CK_N - CK_W; n++)
			at = fabsf(sl[n]) > fabsf(sl[at]) ? n : at;
		memcpy(yr, sl, sizeof(yr));
		for (int n = at; n < CK_N; n++)
			yr[n] *= 0.75f;
		ck_assert_msg(worst_step_ratio(yr, at - 1, at + 1, CK_FB, CK_W, &dummy) > 1.0,
		              "the detector misses a 25 %% gain step");
	}
	printf("no click: worst step / Bernstein bound (500 Hz, local peak +-5 ms): %.3f with %d "
	       "parameter jumps (at %.3f s), %.3f with the parameters still (at %.3f s)\n",
	       moving, n_changes, at_moving / FS, still, at_still / FS);
	ck_assert_msg(moving < 1.0, "a step %.3f x the bound at %.4f s", moving, at_moving / FS);
	reverb_free(r);
	reverb_free(ref);
}
END_TEST

#define WL_N (16 * 48000)

/* The wet gain 0.7/sqrt(rt_mid) (zita-rev1's) keeps long tails from getting louder: white noise,
 * RMS over 8..16 s, never louder at a longer reverb time. (It over-compensates short times: at
 * 0.3 s a loop round trip loses 40 dB, so the tail's energy no longer grows with rt_mid while
 * the gain still rises as 1/sqrt(rt_mid).) */
START_TEST(wet_level)
{
	static float xl[WL_N], xr[WL_N], yl[WL_N], yr[WL_N];
	static const float tv[5] = { 0.3f, 1.0f, 2.0f, 5.0f, 10.0f };
	uint64_t seed = 3;
	double lv[5];

	noise_pair(xl, xr, WL_N, WL_N, &seed);
	for (int k = 0; k < 5; k++) {
		struct reverb *r = new_reverb(tv[k], 6000.0f, 20.0f);
		run(r, xl, xr, yl, yr, WL_N, 256);
		lv[k] =
		    20.0 * log10(0.5 * (rms_of(yl, WL_N / 2, WL_N) + rms_of(yr, WL_N / 2, WL_N)) /
		                 rms_of(xl, WL_N / 2, WL_N));
		reverb_free(r);
	}
	printf("wet level (out RMS / in RMS, white noise, 6 kHz damping): 0.3 s %+.2f dB, 1 s "
	       "%+.2f, 2 s %+.2f, 5 s %+.2f, 10 s %+.2f\n",
	       lv[0], lv[1], lv[2], lv[3], lv[4]);
	for (int k = 1; k < 5; k++)
		ck_assert_msg(lv[k] <= lv[k - 1], "%.1f s is louder than %.1f s", tv[k], tv[k - 1]);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Robustness. */

#define DZ_PERIOD 256
#define DZ_SIGNAL (2 * 48000)
#define DZ_N      (30 * 48000)

static long
count_subnormal(const struct reverb *r)
{
	long c = 0;
	const float *p[2 * REVERB_LOOPS + 2];
	uint32_t len[2 * REVERB_LOOPS + 2];

	for (int j = 0; j < REVERB_LOOPS; j++) {
		p[j] = r->loop[j].buf;
		len[j] = r->loop[j].len;
		p[REVERB_LOOPS + j] = r->diff[j].buf;
		len[REVERB_LOOPS + j] = r->diff[j].len;
	}
	p[16] = r->pre[0];
	p[17] = r->pre[1];
	len[16] = len[17] = r->pre_mask + 1;
	for (int k = 0; k < 18; k++)
		for (uint32_t i = 0; i < len[k]; i++)
			c += fpclassify(p[k][i]) == FP_SUBNORMAL;
	for (int j = 0; j < REVERB_LOOPS; j++)
		c += (fpclassify(r->slo[j]) == FP_SUBNORMAL) +
		     (fpclassify(r->shi[j]) == FP_SUBNORMAL);
	return c;
}

/* Denormals, no FTZ/DAZ: 2 s of -20 dBFS noise, then silence at the default 2 s: no subnormal
 * anywhere in the state (checked every 100 ms), the outputs exactly 0 well before the end. */
START_TEST(silence_ends_in_zeros)
{
	static float xl[DZ_PERIOD], xr[DZ_PERIOD], yl[DZ_PERIOD], yr[DZ_PERIOD];
	struct reverb *r = new_reverb(2.0f, 6000.0f, 20.0f);
	uint64_t seed = 26;
	long last_nonzero = -1, subn = 0;

	for (long off = 0; off < DZ_N; off += DZ_PERIOD) {
		noise_pair(xl, xr, DZ_PERIOD, off < DZ_SIGNAL ? DZ_PERIOD : 0, &seed);
		reverb_process(r, xl, xr, yl, yr, DZ_PERIOD);
		for (int i = 0; i < DZ_PERIOD; i++)
			if (yl[i] != 0.0f || yr[i] != 0.0f)
				last_nonzero = off + i;
		if (off % 4800 < DZ_PERIOD)
			subn += count_subnormal(r);
	}
	printf("silence: outputs exactly 0 from %.2f s after the input stops (rt_mid 2 s, "
	       "rt_low 3 s, no FTZ); subnormal values seen in the state: %ld\n",
	       (last_nonzero + 1 - DZ_SIGNAL) / FS, subn);
	ck_assert_int_eq(subn, 0);
	ck_assert_msg(last_nonzero < DZ_N - 48000, "still not 0 at %.2f s",
	              (last_nonzero - DZ_SIGNAL) / FS);
	/* idle by now (computing nothing), and waking up is seamless: an impulse gives exactly
	 * the response of a new reverb */
	ck_assert(r->idle);
	{
		struct reverb *fresh = new_reverb(2.0f, 6000.0f, 20.0f);
		static float il[48000], ir[48000], al[48000], ar[48000], bl[48000], br[48000];

		memset(il, 0, sizeof(il));
		memset(ir, 0, sizeof(ir));
		il[100] = 1.0f;
		ir[333] = -0.5f;
		run(r, il, ir, al, ar, 48000, 100);
		run(fresh, il, ir, bl, br, 48000, 100);
		ck_assert(!r->idle);
		ck_assert(memcmp(al, bl, sizeof(al)) == 0 && memcmp(ar, br, sizeof(ar)) == 0);
		reverb_free(fresh);
	}
	printf("silence: idle (nothing computed) after it; an impulse then gives the new reverb's "
	       "response bit for bit\n");
	reverb_free(r);
}
END_TEST

#define NF_N 48000

/* NaN, Inf and an absurd (2^70) sample: the sub-block holding it is dropped and the tails reset
 * (the output is exact silence until the next input arrives), every output finite, counted. */
START_TEST(garbage_input)
{
	static float xl[NF_N], xr[NF_N], yl[NF_N], yr[NF_N];
	static const float bad[3] = { NAN, INFINITY, 0x1p70f };

	for (int k = 0; k < 3; k++) {
		struct reverb *r = new_reverb(2.0f, 6000.0f, 0.0f);
		uint64_t seed = 1;
		int quiet = 0;

		noise_pair(xl, xr, NF_N, 10000, &seed);
		xl[20005] = bad[k]; /* in the silence: the tail stops there */
		run(r, xl, xr, yl, yr, NF_N, 64);
		ck_assert(all_finite(yl, NF_N) && all_finite(yr, NF_N));
		ck_assert_uint_eq(r->dropped, 1);
		ck_assert_uint_eq(r->resets, 0);
		ck_assert_msg(peak_of(yl, 19000, 20000) > 0.0f, "no tail before the garbage?");
		for (int i = 20032; i < NF_N; i++)
			quiet += yl[i] == 0.0f && yr[i] == 0.0f;
		ck_assert_int_eq(quiet, NF_N - 20032);
		printf("garbage input (%g): sub-block dropped (dropped = %llu), tails reset: exact "
		       "silence after it, all finite\n",
		       bad[k], (unsigned long long)r->dropped);
		reverb_free(r);
	}
}
END_TEST

#define PI_N (3 * 48000)

/* The output does not depend on the period size, nor on the outputs aliasing the inputs:
 * periods of 1, 7, 32, 100 and 1024 frames, with parameters changed at the same samples (every
 * 0.5 s), give bit-identical outputs. */
START_TEST(period_independent)
{
	static float xl[PI_N], xr[PI_N], yl[PI_N], yr[PI_N], rl[PI_N], rr[PI_N];
	static const int periods[5] = { 1024, 1, 7, 32, 100 };
	uint64_t seed = 8;

	for (int p = 0; p < 6; p++) {
		struct reverb *r = new_reverb(2.0f, 6000.0f, 20.0f);
		int period = p < 5 ? periods[p] : 64;

		seed = 8;
		noise_pair(xl, xr, PI_N, PI_N, &seed);
		for (int off = 0; off < PI_N;) {
			int len = period;
			if (off % 24000 == 0)
				reverb_set(r, off % 48000 ? 0.5f : 7.0f,
				           off % 48000 ? 2000.0f : 15000.0f,
				           off % 48000 ? 120.0f : 5.0f);
			if (len > 24000 - off % 24000) /* stop at each change */
				len = 24000 - off % 24000;
			if (p == 5) { /* in place */
				reverb_process(r, xl + off, xr + off, xl + off, xr + off,
				               (uint32_t)len);
			} else {
				reverb_process(r, xl + off, xr + off, yl + off, yr + off,
				               (uint32_t)len);
			}
			off += len;
		}
		if (p == 5) {
			memcpy(yl, xl, sizeof(yl));
			memcpy(yr, xr, sizeof(yr));
		}
		if (p == 0) {
			memcpy(rl, yl, sizeof(rl));
			memcpy(rr, yr, sizeof(rr));
		} else {
			ck_assert_msg(memcmp(yl, rl, sizeof(rl)) == 0 &&
			                  memcmp(yr, rr, sizeof(rr)) == 0,
			              "%s differs from periods of 1024",
			              p == 5 ? "in-place processing" : "a period size");
		}
		reverb_free(r);
	}
	printf("periods of 1024, 1, 7, 32, 100 and in-place processing: bit-identical\n");
}
END_TEST

/* Set-up: a bad rate is refused and leaves the reverb working; no rate yet gives silence; a
 * rate change reallocates for that rate; reset clears the tails. */
START_TEST(rate_and_reset)
{
	float x[64] = { 1.0f }, yl[64], yr[64], zl[4800], zr[4800], z0[4800] = { 0 };
	struct reverb *r = reverb_new();

	ck_assert_ptr_nonnull(r);
	yl[0] = 1.0f;
	reverb_process(r, x, x, yl, yr, 64); /* no rate: silence */
	ck_assert(peak_of(yl, 0, 64) == 0.0f && peak_of(yr, 0, 64) == 0.0f);
	ck_assert_int_eq(reverb_set_rate(r, 0.0), -EINVAL);
	ck_assert_int_eq(reverb_set_rate(r, NAN), -EINVAL);
	ck_assert_int_eq(reverb_set_rate(r, 1e6), -EINVAL);
	ck_assert_int_eq(reverb_set_rate(r, 44100.0), 0);
	ck_assert_uint_eq(r->total[6], 5513); /* floor(0.5 + 44100 * 0.125) */
	ck_assert_int_eq(reverb_set_rate(r, 96000.0), 0);
	ck_assert_uint_eq(r->total[6], 12000);
	ck_assert_uint_eq(r->pre_mask + 1, 32768); /* 200 ms = 19200 samples fit */
	ck_assert_int_eq(reverb_set_rate(r, -1.0), -EINVAL);
	ck_assert(r->fs == 96000.0);
	reverb_process(r, x, x, yl, yr, 64);
	for (int i = 0; i < 10; i++)
		reverb_process(r, z0, z0, zl, zr, 4800);
	ck_assert(peak_of(zl, 0, 4800) > 0.0f);
	reverb_reset(r);
	reverb_process(r, z0, z0, zl, zr, 4800);
	ck_assert(peak_of(zl, 0, 4800) == 0.0f && peak_of(zr, 0, 4800) == 0.0f);
	reverb_free(r);
	reverb_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reverb");
	TCase *t24 = tcase_create("test24"), *param = tcase_create("params"),
	      *robust = tcase_create("robust");

	tcase_add_test(t24, rt60_octaves);
	tcase_add_test(t24, lr_decorrelated);
	tcase_add_test(t24, hot_noise_60s);
	tcase_add_test(param, predelay_onset);
	tcase_add_test(param, param_jumps_noise_finite);
	tcase_add_test(param, param_jumps_no_click);
	tcase_add_test(param, wet_level);
	tcase_add_test(robust, silence_ends_in_zeros);
	tcase_add_test(robust, garbage_input);
	tcase_add_test(robust, period_independent);
	tcase_add_test(robust, rate_and_reset);
	TCase *all[] = { t24, param, robust };
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 60); /* Check's default is 4 s; ASan runs 3x slower */
		suite_add_tcase(s, all[i]);
	}
	return check_run(s);
}
