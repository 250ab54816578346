/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The master limiter against dsp-reference.md §8 tests 16-19: latency measured as an impulse's
 * delay, transparency below the ceiling, the sample-peak ceiling exact, the true-peak ceiling
 * against a 32x double-precision reference and against libebur128's BS.1770 meter, release
 * time; and what the contract promises besides: any period size gives the same output, on/off
 * is a linear cross-fade that never moves the signal in time, NaN/Inf recovery, meters.
 */
#include "check_run.h"
#include "measure.h"
#include <ebur128.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limiter.h"
#include "tpinterp.h"

#define FS 48000.0

/* ---------------------------------------------------------------------------------------------
 * Signals and measurement. */

static double
from_db(double d)
{
	return pow(10.0, d / 20.0);
}

/* The ceiling as the limiter holds it: the float nearest 10^(dB/20). */
static float
ceiling_lin(float ceiling_db)
{
	return (float)from_db(ceiling_db);
}

static double
bessel_i0(double x)
{
	double s = 1.0, t = 1.0;

	for (int k = 1; k < 50; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		s += t;
	}
	return s;
}

/* The reference reconstruction, double precision: a Kaiser-windowed sinc (beta 8), 64 taps per
 * phase, read at 32 sub-samples per interval (REF_32) or at the 16 of them that are the 16x
 * reconstruction (REF_16: every second phase) -- the reconstruction the limiter's true-peak
 * ceiling is specified against (docs/master.md); the limiter's own detector is separate code
 * in float. At 32x its sub-samples under-read a sine by at most 20 log10(cos(pi f / (32 fs)))
 * (0.008 dB at 20 kHz, 48 kHz); true_peak_ref_selftest checks it reads sines to +-0.015 dB. */
#define REF_L    32
#define REF_T    64
#define REF_HALF (REF_T / 2)
enum { REF_16 = 2, REF_32 = 1 }; /* phase step */

static double ref_h[REF_L][REF_T];

static void
ref_design(void)
{
	static bool done;

	if (done)
		return;
	for (int p = 0; p < REF_L; p++) {
		double sum = 0.0;
		for (int j = 0; j < REF_T; j++) {
			double t = j - (REF_HALF - 1) - (double)p / REF_L, r = t / REF_HALF;
			double sinc = t == 0.0 ? 1.0 : sin(M_PI * t) / (M_PI * t);
			ref_h[p][j] =
			    sinc * bessel_i0(8.0 * sqrt(fmax(0.0, 1.0 - r * r))) / bessel_i0(8.0);
			sum += ref_h[p][j];
		}
		for (int j = 0; j < REF_T; j++)
			ref_h[p][j] /= sum;
	}
	done = true;
}

/* Max over x[from .. to) of the interpolated magnitude at 32x (step REF_32) or 16x (REF_16);
 * samples outside [0, n) are 0. */
static double
true_peak_at(const float *x, int n, int from, int to, int step)
{
	double m = 0.0;

	ref_design();
	for (int n0 = from; n0 < to; n0++) {
		m = fmax(m, fabs(x[n0]));
		for (int p = step; p < REF_L; p += step) {
			double a = 0.0;
			int j0 = n0 - (REF_HALF - 1);
			for (int j = 0; j < REF_T; j++) {
				int idx = j0 + j;
				if (idx >= 0 && idx < n)
					a += ref_h[p][j] * x[idx];
			}
			m = fmax(m, fabs(a));
		}
	}
	return m;
}

static double
true_peak_ref(const float *x, int n, int from, int to)
{
	return true_peak_at(x, n, from, to, REF_32);
}

/* libebur128's BS.1770 true peak (4x below 96 kHz) of a stereo signal, linear, both sides. */
static double
true_peak_ebur(const float *l, const float *r, int n)
{
	ebur128_state *st = ebur128_init(2, (unsigned long)FS, EBUR128_MODE_TRUE_PEAK);
	float *il = malloc(2 * (size_t)n * sizeof(float));
	double tl = 0.0, tr = 0.0;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(il);
	for (int i = 0; i < n; i++) {
		il[2 * i] = l[i];
		il[2 * i + 1] = r[i];
	}
	ck_assert_int_eq(ebur128_add_frames_float(st, il, (size_t)n), EBUR128_SUCCESS);
	ck_assert_int_eq(ebur128_true_peak(st, 0, &tl), EBUR128_SUCCESS);
	ck_assert_int_eq(ebur128_true_peak(st, 1, &tr), EBUR128_SUCCESS);
	ebur128_destroy(&st);
	free(il);
	return fmax(tl, tr);
}

/* ---------------------------------------------------------------------------------------------
 * Running the limiter. */

static struct limiter *
lim_make(double fs, bool on, float ceiling_db, float release_ms, bool tp)
{
	struct limiter *lim = limiter_new();

	ck_assert_ptr_nonnull(lim);
	ck_assert_int_eq(limiter_set_rate(lim, fs), 0);
	limiter_set(lim, on, ceiling_db, release_ms, tp);
	limiter_settle(lim);
	return lim;
}

/* In place over n frames, in periods of `period` frames. */
static void
lim_run(struct limiter *lim, float *l, float *r, int n, int period)
{
	for (int off = 0; off < n; off += period) {
		int len = n - off < period ? n - off : period;
		limiter_process(lim, l + off, r + off, (uint32_t)len);
	}
}

/* The attack (FIR) length K of the limiter at latency d (limiter.h). */
static int
attack_len(uint32_t d)
{
	return (int)d - LIMITER_OS_DELAY + 1;
}

/* ---------------------------------------------------------------------------------------------
 * Test 16: latency and transparency. */

/* The impulse's delay through the limiter is limiter_latency() exactly at 44.1/48/96/192 kHz,
 * off, on in sample-peak mode and on in true-peak mode; every other output sample is 0. */
START_TEST(latency_is_impulse_delay)
{
	static const double rates[] = { 44100.0, 48000.0, 96000.0, 192000.0 };
	static const uint32_t want[] = { 66, 72, 144, 288 };
	enum { N = 4096, AT = 1000 };
	static float l[N], r[N];

	for (int k = 0; k < 4; k++) {
		for (int mode = 0; mode < 3; mode++) {
			struct limiter *lim = lim_make(rates[k], mode > 0, -1.0f, 50.0f, mode == 2);
			uint32_t d = limiter_latency(lim);
			int at = -1;

			ck_assert_msg(d == want[k], "%.0f Hz: latency %u, want %u", rates[k], d,
			              want[k]);
			memset(l, 0, sizeof(l));
			memset(r, 0, sizeof(r));
			l[AT] = 0.5f;
			r[AT] = -0.25f;
			lim_run(lim, l, r, N, 128);
			for (int i = 0; i < N; i++) {
				if (l[i] != 0.0f || r[i] != 0.0f) {
					ck_assert_msg(at < 0,
					              "%.0f Hz mode %d: a second non-zero output "
					              "at %d (first %d)",
					              rates[k], mode, i, at);
					at = i;
				}
			}
			ck_assert_msg(at - AT == (int)d && l[at] == 0.5f && r[at] == -0.25f,
			              "%.0f Hz mode %d: impulse out at +%d (%g, %g), latency %u",
			              rates[k], mode, at - AT, l[at], r[at], d);
			limiter_free(lim);
		}
		printf("test 16: %6.0f Hz: latency %u samples (%.3f ms) = measured impulse delay, "
		       "off / on sample-peak / on true-peak\n",
		       rates[k], want[k], want[k] * 1000.0 / rates[k]);
	}
	/* no rate yet: latency 0 and silence; a bad rate changes nothing */
	struct limiter *lim = limiter_new();
	ck_assert_uint_eq(limiter_latency(lim), 0);
	l[0] = r[0] = 1.0f;
	limiter_process(lim, l, r, 1);
	ck_assert(l[0] == 0.0f && r[0] == 0.0f);
	ck_assert_int_eq(limiter_set_rate(lim, 4000.0), -EINVAL);
	ck_assert_int_eq(limiter_set_rate(lim, NAN), -EINVAL);
	ck_assert_int_eq(limiter_set_rate(lim, 8000.0), 0);
	ck_assert_uint_eq(limiter_latency(lim), LIMITER_MIN_LATENCY);
	ck_assert_int_eq(limiter_set_rate(lim, 1e6), -EINVAL);
	ck_assert_uint_eq(limiter_latency(lim), LIMITER_MIN_LATENCY);
	limiter_free(lim);
	limiter_free(NULL);
}
END_TEST

/* Below the ceiling (input 1 dB under it, true peak included) the output is the delayed input
 * within -120 dB, in both modes, and switching on and off every 25 ms changes nothing: not the
 * delay, not a sample. */
START_TEST(transparent_below_ceiling)
{
	enum { N = 48000 };
	static float xl[N], xr[N], l[N], r[N];
	uint64_t seed = 16;
	const float c = ceiling_lin(-1.0f);

	for (int i = 0; i < N; i++) {
		xl[i] = (float)(0.5 * sin(2.0 * M_PI * 997.0 * i / FS) + 0.04 * rng_gauss(&seed));
		xr[i] = (float)(0.6 * sin(2.0 * M_PI * 3001.0 * i / FS + 1.0));
	}
	double tp = fmax(true_peak_ref(xl, N, 0, N), true_peak_ref(xr, N, 0, N));
	ck_assert_msg(tp <= c * from_db(-1.0), "input true peak %.3f dBTP", db(tp));

	for (int mode = 0; mode < 2; mode++) {
		for (int toggle = 0; toggle < 2; toggle++) {
			struct limiter *lim = lim_make(FS, true, -1.0f, 50.0f, mode == 1);
			uint32_t d = limiter_latency(lim);
			double err = 0.0;

			memcpy(l, xl, sizeof(l));
			memcpy(r, xr, sizeof(r));
			for (int off = 0; off < N; off += 1200) {
				if (toggle)
					limiter_set(lim, (off / 1200) % 2 == 0, -1.0f, 50.0f,
					            mode == 1);
				lim_run(lim, l + off, r + off, 1200, 256);
			}
			for (int i = (int)d; i < N; i++)
				err =
				    fmax(err, fmax(fabs(l[i] - xl[i - d]), fabs(r[i] - xr[i - d])));
			/* -120 dB re the signal's peak, 0.65 */
			ck_assert_msg(err <= 1e-6 * 0.65, "%s%s: max |y - x(n - %u)| = %g",
			              mode ? "true peak" : "sample peak", toggle ? ", toggled" : "",
			              d, err);
			ck_assert_float_eq(limiter_read_gr(lim), 0.0f);
			printf("test 16: %s%s, input %.2f dBTP: max |y - x(n - %u)| = %g (want <= "
			       "-120 dB)\n",
			       mode ? "true peak" : "sample peak",
			       toggle ? ", switched on/off every 25 ms" : "", db(tp), d, err);
			limiter_free(lim);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Test 17: the sample-peak ceiling. */

/* Ceiling -1 dBFS: single-sample spikes 6 / 20 / 40 dB over on a quiet tone, and white noise
 * 6 dB over (rms): output sample peak <= ceiling + 0.001 dB (by construction it is <= the
 * ceiling itself); at 8, 44.1, 48, 96 and 192 kHz, the shortest and the longest attacks. */
START_TEST(sample_peak_ceiling)
{
	static const double rates[] = { 8000.0, 44100.0, 48000.0, 96000.0, 192000.0 };
	static const double over_db[] = { 6.0, 20.0, 40.0 };
	enum { N = 2 * 192000 };
	static float l[N], r[N];
	const float c = ceiling_lin(-1.0f);

	for (int k = 0; k < 5; k++) {
		const double fs = rates[k];
		int n = (int)(2 * fs);
		for (int s = 0; s < 3; s++) {
			struct limiter *lim = lim_make(fs, true, -1.0f, 50.0f, false);
			for (int i = 0; i < n; i++)
				l[i] = r[i] = (float)(0.1 * sin(2.0 * M_PI * 440.0 * i / fs));
			/* a spike every 0.1 s, alternating sides and signs */
			for (int i = (int)(0.05 * fs), j = 0; i < n; i += (int)(0.1 * fs), j++)
				(j % 2 ? r : l)[i] =
				    (float)((j % 4 < 2 ? 1 : -1) * c * from_db(over_db[s]));
			lim_run(lim, l, r, n, 256);
			double p = fmax(peak_of(l, 0, n), peak_of(r, 0, n));
			float gr = limiter_read_gr(lim);
			ck_assert_msg(
			    db(p / c) <= 0.001 && p <= c,
			    "%.0f Hz, spikes %.0f dB over: output peak %+.6f dB re ceiling", fs,
			    over_db[s], db(p / c));
			ck_assert_msg(fabsf(gr - (float)over_db[s]) < 0.01f, "GR %.4f dB", gr);
			printf("test 17: %6.0f Hz, spikes %2.0f dB over: output peak %+.2e dB re "
			       "ceiling, GR meter %.3f dB\n",
			       fs, over_db[s], db(p / c), gr);
			limiter_free(lim);
		}
		struct limiter *lim = lim_make(fs, true, -1.0f, 50.0f, false);
		uint64_t seed = 17;
		for (int i = 0; i < n; i++) {
			l[i] = (float)(2.0 * c * rng_gauss(&seed));
			r[i] = (float)(2.0 * c * rng_gauss(&seed));
		}
		lim_run(lim, l, r, n, 256);
		double p = fmax(peak_of(l, 0, n), peak_of(r, 0, n));
		ck_assert_msg(db(p / c) <= 0.001 && p <= c,
		              "%.0f Hz, noise 6 dB over: output peak %+.6f dB re ceiling", fs,
		              db(p / c));
		printf(
		    "test 17: %6.0f Hz, white noise 6 dB over: output peak %+.2e dB re ceiling\n",
		    fs, db(p / c));
		limiter_free(lim);
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Test 18: the true-peak ceiling. */

#define EBU_BOOST 3.16227766 /* +10 dB */

struct tp_case {
	const char *name;
	enum sig_kind kind;
	double level_db; /* over the ceiling: peak (sine, sweep, square) or rms (noise) */
	double amp;      /* when not 0: the peak re full scale instead */
	double f, phase_deg, seconds;
	bool band_limited; /* must read within 0.15 dB of the ceiling */
	int seeds;         /* noise: how many realisations (0: one) */
};

static void
tp_signal(const struct tp_case *t, float *l, float *r, int n, float c, uint64_t seed)
{
	const double a = t->amp != 0.0 ? t->amp : c * from_db(t->level_db),
	             ph = t->phase_deg * M_PI / 180.0;

	for (int i = 0; i < n; i++) {
		double v, u, fade = tp_fade(i, n, FS);

		tp_frame(t->kind, a, t->f, ph, i, n, FS, &seed, &v, &u);
		l[i] = (float)(v * fade);
		r[i] = (float)(u * fade);
	}
}

/* Runs one case through a true-peak limiter at -1 dBTP in 256-frame periods, with silence
 * after it until the delay has given the whole signal back; n + TP_TAIL frames end up in l, r.
 * Returns the limiter's own output meter (linear). */
enum { TP_TAIL = 2048 };

static double
tp_run(float *l, float *r, int n)
{
	struct limiter *lim = lim_make(FS, true, -1.0f, 50.0f, true);
	double meter = 0.0;

	memset(l + n, 0, TP_TAIL * sizeof(float));
	memset(r + n, 0, TP_TAIL * sizeof(float));
	n += TP_TAIL;
	for (int off = 0; off < n; off += 256) {
		int len = n - off < 256 ? n - off : 256;
		limiter_process(lim, l + off, r + off, (uint32_t)len);
		meter = fmax(meter, limiter_read_truepeak(lim));
	}
	ck_assert(all_finite(l, n) && all_finite(r, n));
	limiter_free(lim);
	return meter;
}

/* The exact ceiling, -1 dBTP: the 16x reference reconstruction of the output and libebur128's
 * BS.1770 meter never read above the ceiling (linear, no tolerance) on white noise of 20
 * seeds 6 dB over (and 5 seeds 20 dB over), a +12 dB log sweep 20 Hz-20 kHz, naive (full-band)
 * squares, sines, and the EBU Tech 3341 cases 15-19 boosted 10 dB; and band-limited signals
 * (sines, the sweep, the EBU cases) read no more than 0.15 dB under it: the margin the limiter
 * gives away. The 32x reference sees between the 16x sub-samples: it may read full-band noise
 * 0.05 dB over. The limiter's own output meter (8x, 32 taps) is printed against the reference
 * and must agree with it within its resolution. */
START_TEST(true_peak_ceiling)
{
	static const struct tp_case cases[] = {
		{ "log sweep 20 Hz-20 kHz +12 dB", SIG_SWEEP, 12.0, 0, 0, 0, 4.0, 1, 0 },
		{ "square 100 Hz +10 dB", SIG_SQUARE, 10.0, 0, 100, 0, 0.5, 0, 0 },
		{ "square 1 kHz +6 dB", SIG_SQUARE, 6.0, 0, 1000, 0, 0.5, 0, 0 },
		{ "square 3 kHz +10 dB", SIG_SQUARE, 10.0, 0, 3000, 0, 0.5, 0, 0 },
		{ "square 5 kHz +10 dB", SIG_SQUARE, 10.0, 0, 5000, 0, 0.5, 0, 0 },
		{ "square 10 kHz +10 dB", SIG_SQUARE, 10.0, 0, 10000, 0, 0.5, 0, 0 },
		{ "sine 100 Hz +10 dB", SIG_SINE, 10.0, 0, 100, 0, 0.5, 1, 0 },
		{ "sine 1 kHz +10 dB", SIG_SINE, 10.0, 0, 1000, 0, 0.5, 1, 0 },
		{ "sine 5 kHz +10 dB", SIG_SINE, 10.0, 0, 5000, 0, 0.5, 1, 0 },
		{ "sine 8 kHz +10 dB", SIG_SINE, 10.0, 0, 8000, 0, 0.5, 1, 0 },
		{ "sine 10 kHz +10 dB", SIG_SINE, 10.0, 0, 10000, 0, 0.5, 1, 0 },
		{ "sine 15 kHz +10 dB", SIG_SINE, 10.0, 0, 15000, 30, 0.5, 1, 0 },
		{ "sine 19 kHz +10 dB", SIG_SINE, 10.0, 0, 19000, 10, 0.5, 1, 0 },
		/* EBU Tech 3341 cases 15-19, +10 dB (amplitudes 0.5 and 1.41 re full scale) */
		{ "3341-15 fs/4 0 deg", SIG_SINE, 0, 0.5 * EBU_BOOST, 12000, 0, 0.5, 1, 0 },
		{ "3341-16 fs/4 45 deg", SIG_SINE, 0, 0.5 * EBU_BOOST, 12000, 45, 0.5, 1, 0 },
		{ "3341-17 fs/6 60 deg", SIG_SINE, 0, 0.5 * EBU_BOOST, 8000, 60, 0.5, 1, 0 },
		{ "3341-18 fs/8 67.5 deg", SIG_SINE, 0, 0.5 * EBU_BOOST, 6000, 67.5, 0.5, 1, 0 },
		{ "3341-19 fs/4 45 deg, 1.41", SIG_SINE, 0, 1.41 * EBU_BOOST, 12000, 45, 0.5, 1,
		  0 },
		/* noise: 20 seeds 6 dB over (rms), 5 seeds 20 dB over */
		{ "white noise +6 dB rms", SIG_NOISE, 6.0, 0, 0, 0, 1.0, 0, 20 },
		{ "white noise +20 dB rms", SIG_NOISE, 20.0, 0, 0, 0, 1.0, 0, 5 },
	};
	enum { NMAX = 4 * 48000 + TP_TAIL };
	static float l[NMAX], r[NMAX];
	const float c = ceiling_lin(-1.0f);

	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct tp_case *t = &cases[k];
		int seeds = t->seeds ? t->seeds : 1;
		double worst16 = 0.0, worst32 = 0.0, worst_eb = 0.0, worst_meter = 0.0, in_tp = 0.0;

		for (int seed = 0; seed < seeds; seed++) {
			int n = (int)(t->seconds * FS);
			tp_signal(t, l, r, n, c, 18u + (uint64_t)seed);
			in_tp = fmax(in_tp, true_peak_ebur(l, r, n));
			double meter = tp_run(l, r, n);
			n += TP_TAIL;
			double r16 = fmax(true_peak_at(l, n, 0, n, REF_16),
			                  true_peak_at(r, n, 0, n, REF_16));
			double eb = true_peak_ebur(l, r, n);
			ck_assert_msg(r16 <= c,
			              "%s, seed %d: 16x reconstruction %+.4f dB re ceiling",
			              t->name, seed, db(r16 / c));
			ck_assert_msg(eb <= c, "%s, seed %d: libebur128 %+.4f dB re ceiling",
			              t->name, seed, db(eb / c));
			worst16 = fmax(worst16, r16);
			worst_eb = fmax(worst_eb, eb);
			worst_meter = fmax(worst_meter, meter);
			if (seed < 2) { /* the 32x reading costs twice as much: two seeds */
				double r32 =
				    fmax(true_peak_ref(l, n, 0, n), true_peak_ref(r, n, 0, n));
				ck_assert_msg(db(r32 / c) <= 0.05,
				              "%s: 32x reference %+.4f dB re ceiling", t->name,
				              db(r32 / c));
				worst32 = fmax(worst32, r32);
			}
		}
		printf("test 18: %-30s in %+6.2f dBTP -> 16x %+.3f, 32x %+.3f, libebur128 %+.3f, "
		       "own meter %+.3f dBTP (%d seed%s)\n",
		       t->name, db(in_tp), db(worst16), db(worst32), db(worst_eb), db(worst_meter),
		       seeds, seeds > 1 ? "s" : "");
		if (t->band_limited)
			ck_assert_msg(db(worst16 / c) >= -0.15,
			              "%s: 16x %+.3f dB re ceiling, more than "
			              "0.15 dB given away",
			              t->name, db(worst16 / c));
		/* the meter's 8x sub-samples under-read up to 0.15 dB below 21 kHz (more above it:
		 * noise, naive squares); its shorter filter over-reads what lies near fs/2 */
		ck_assert_msg(db(worst_meter / worst32) <= (t->band_limited ? 0.03 : 0.25) &&
		                  db(worst_meter / worst32) >= (t->band_limited ? -0.15 : -0.5),
		              "%s: own meter %+.3f dBTP vs reference %+.3f", t->name,
		              db(worst_meter), db(worst32));
	}
}
END_TEST

/* The detector's AVX2 path (where the CPU has it) and its SSE path read the same magnitudes to
 * float rounding (1e-6 relative) on noise 4 dB over full scale, for any 4-frame alignment; and
 * the detector never reads an interval lower than the double-precision 16x reference does
 * (by more than float rounding, 2e-4 dB): it reads the same points, and libebur128's besides. */
START_TEST(detector_paths_agree)
{
	enum { N = 4096, PAST = 64 };
	static float x[PAST + N + 8], e1[N], e2[N];
	static struct tp_interp t;
	uint64_t seed = 5;
	double worst = 0.0, worst_ref = 0.0;

	tpi_design(&t);
	for (int i = 0; i < PAST + N + 8; i++)
		x[i] = (float)(1.6 * rng_gauss(&seed));
	for (int off = 0; off < 8; off += 4) {
		memset(e1, 0, sizeof(e1));
		memset(e2, 0, sizeof(e2));
		struct tp_interp s = t;
		s.avx2 = 0;
		tpi_detect(&t, x + PAST + off, e1, N - 8);
		tpi_detect(&s, x + PAST + off, e2, N - 8);
		for (int i = 0; i < N - 8; i++)
			worst = fmax(worst, fabs(e1[i] - e2[i]) / e2[i]);
	}
	/* against the reference, read on each frame's interval [i - 32, i - 31] alone (16x) */
	memset(e2, 0, sizeof(e2));
	struct tp_interp s = t;
	s.avx2 = 0;
	tpi_detect(&s, x + PAST, e2, N - 8);
	for (int i = 100; i < 1100; i++) {
		double ref = true_peak_at(x, PAST + N, PAST + i - LIMITER_OS_DELAY,
		                          PAST + i - LIMITER_OS_DELAY + 1, REF_16);
		/* the detector also reads libebur128's 4x points: it is never under the reference
		 */
		ck_assert_msg(db(e2[i] / ref) >= -2e-4, "frame %d: detector %.6f, reference %.6f",
		              i, (double)e2[i], ref);
		worst_ref = fmin(worst_ref, db(e2[i] / ref));
	}
	ck_assert_msg(worst <= 1e-6, "AVX2 and SSE detectors differ by %.3g", worst);
	printf("detector: AVX2 %s, paths differ by %.2g relative; detector under the 16x "
	       "reference by at most %.2g dB\n",
	       t.avx2 ? "on" : "not on this CPU", worst, worst_ref);
}
END_TEST

/* The reference meter itself: sines of known amplitude at 1, 12 and 20 kHz, any phase, read
 * within +-0.015 dB. */
START_TEST(true_peak_ref_selftest)
{
	enum { N = 2048 };
	static float x[N];
	static const double freqs[] = { 1000.0, 12000.0, 19000.0, 20000.0 };
	double worst = 0.0;

	for (int k = 0; k < 4; k++) {
		for (int ph = 0; ph < 16; ph++) {
			for (int i = 0; i < N; i++)
				x[i] =
				    (float)(0.5 * sin(2.0 * M_PI * freqs[k] * i / FS + ph * 0.39));
			double d = db(true_peak_ref(x, N, 200, N - 200) / 0.5);
			worst = fmax(worst, fabs(d));
		}
	}
	ck_assert_msg(worst <= 0.015, "reference TP off by %.4f dB", worst);
	printf("test 18: the 32x reference reads sines 1-20 kHz within %.4f dB\n", worst);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Test 19: release. */

/* After a 2 ms burst 12 dB over the ceiling on a -20 dBFS DC floor, the gain is back within
 * 0.1 dB of unity within hold + 5 tau_R of the burst's end leaving the limiter (hold = the
 * peak-hold window plus the attack FIR, 2K + 1 samples), for release 1, 10, 100, 1000 ms. */
START_TEST(release_time)
{
	static const float rel_ms[] = { 1.0f, 10.0f, 100.0f, 1000.0f };
	enum { NMAX = 15 * 48000, T0 = 4800, BURST = 96 };
	static float l[NMAX], r[NMAX];
	const float c = ceiling_lin(-1.0f);

	for (int k = 0; k < 4; k++) {
		for (int tp = 0; tp < 2; tp++) {
			struct limiter *lim = lim_make(FS, true, -1.0f, rel_ms[k], tp);
			const int d = (int)limiter_latency(lim), K = attack_len((uint32_t)d);
			const int hold = 2 * K + 1;
			const double tau = rel_ms[k] * 1e-3 * FS;
			/* 14 tau: the release has snapped to exactly 1 (RELEASE_SNAP, 1e-6) */
			const int n = T0 + BURST + hold + (int)(14.0 * tau) + 4800;
			const float floor_v = 0.1f;
			int last_bad = -1;

			ck_assert_int_le(n, NMAX);
			for (int i = 0; i < n; i++)
				l[i] = r[i] = (i >= T0 && i < T0 + BURST)
				                  ? (float)(c * from_db(12.0))
				                  : floor_v;
			lim_run(lim, l, r, n, 256);
			/* sample peak: exactly 12 dB; true peak: more (the DC step's band-limited
			 * overshoot, and the margin) */
			float gr = limiter_read_gr(lim);
			ck_assert_msg(tp ? gr > 12.0f + LIMITER_TP_MARGIN_DB
			                 : fabsf(gr - 12.0f) < 0.001f,
			              "GR meter %.4f dB", gr);
			ck_assert_msg(db(fmax(peak_of(l, 0, n), peak_of(r, 0, n)) / c) <= 0.001,
			              "over the ceiling");
			/* gain = y / x(n - d) after the burst has left */
			for (int i = T0 + BURST + d; i < n; i++) {
				double g = l[i] / floor_v;
				if (fabs(db(g)) > 0.1)
					last_bad = i;
			}
			int t_rec = last_bad + 1 - (T0 + BURST + d);
			double limit = hold + 5.0 * tau;
			ck_assert_msg(
			    t_rec <= limit,
			    "release %.0f ms: back within 0.1 dB after %d samples, want <= "
			    "%.0f",
			    rel_ms[k], t_rec, limit);
			ck_assert_msg(
			    l[n - 1] == floor_v,
			    "release %.0f ms: the gain does not return to exactly 1 (%.9g)",
			    rel_ms[k], l[n - 1] / floor_v);
			printf("test 19: %s, release %6.1f ms: GR %.3f dB; within 0.1 dB of unity "
			       "%.2f ms after the burst (limit hold + 5 tau = %.2f ms)\n",
			       tp ? "true peak  " : "sample peak", rel_ms[k], gr, t_rec * 1e3 / FS,
			       limit * 1e3 / FS);
			limiter_free(lim);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * The rest of the contract. */

/* 1 s of white noise 12 dB over, then 1 s of digital silence, then a tone under the ceiling
 * (no FTZ/DAZ here): the silence comes out as exact zeros from one latency on, the gain is back
 * to exactly 1 (GR reads 0), and the tone comes out as the delayed input, bit for bit. */
START_TEST(silence_after_noise)
{
	enum { N = 3 * 48000 };
	static float xl[N], xr[N], l[N], r[N];
	uint64_t seed = 26;
	struct limiter *lim = lim_make(FS, true, -1.0f, 50.0f, true);
	const int d = (int)limiter_latency(lim);

	for (int i = 0; i < N; i++) {
		double v = i < 48000   ? 3.5 * rng_gauss(&seed)
		           : i < 96000 ? 0.0
		                       : 0.5 * sin(2.0 * M_PI * 1000.0 * i / FS);
		xl[i] = (float)v;
		xr[i] = (float)(i < 48000 ? 3.5 * rng_gauss(&seed) : v);
	}
	memcpy(l, xl, sizeof(l));
	memcpy(r, xr, sizeof(r));
	lim_run(lim, l, r, 96000, 256);
	for (int i = 48000 + d; i < 96000; i++)
		ck_assert_msg(l[i] == 0.0f && r[i] == 0.0f, "silence is %g at %d", l[i], i);
	limiter_read_gr(lim);
	lim_run(lim, l + 96000, r + 96000, N - 96000, 256);
	ck_assert_float_eq(limiter_read_gr(lim), 0.0f);
	for (int i = 96000; i < N; i++)
		ck_assert_msg(l[i] == xl[i - d] && r[i] == xr[i - d],
		              "the tone after the silence is not the delayed input at %d", i);
	printf("silence: exact zeros from %d frames in, then bit-transparent (GR 0)\n", d);
	limiter_free(lim);
}
END_TEST

/* The same input cut into periods of 1, 7, 32, 100 and 1024 frames gives bit-identical output,
 * with the limiter working hard and switching on, off, and between modes on the way. */
START_TEST(any_period_same_output)
{
	enum { N = 24000 };
	static float xl[N], xr[N], l0[N], r0[N], l[N], r[N];
	static const int periods[] = { 1024, 1, 7, 32, 100 };
	uint64_t seed = 99;

	for (int i = 0; i < N; i++) {
		xl[i] = (float)(1.5 * rng_gauss(&seed));
		xr[i] = (float)(0.8 * sin(2.0 * M_PI * 5000.0 * i / FS));
	}
	for (int p = 0; p < 5; p++) {
		struct limiter *lim = lim_make(FS, true, -1.0f, 20.0f, true);
		float *ol = p ? l : l0, * or = p ? r : r0;
		memcpy(ol, xl, sizeof(xl));
		memcpy(or, xr, sizeof(xr));
		/* settings change at fixed frames, whatever the period */
		for (int seg = 0; seg < 4; seg++) {
			int from = seg * (N / 4);
			limiter_set(lim, seg != 1, seg == 3 ? -6.0f : -1.0f, 20.0f, seg != 2);
			lim_run(lim, ol + from, or +from, N / 4, periods[p]);
		}
		if (p) {
			ck_assert_msg(memcmp(l, l0, sizeof(l)) == 0 &&
			                  memcmp(r, r0, sizeof(r)) == 0,
			              "period %d: output differs from period 1024", periods[p]);
		}
		limiter_free(lim);
	}
	printf("any period: 1, 7, 32, 100, 1024 frames give bit-identical output\n");
}
END_TEST

/* Switching on with a constant 6 dB over: the gain glides linearly from 1 to the limited gain
 * in LIMITER_GLIDE_MS, and back when switched off; no step larger than the glide's. */
START_TEST(on_off_cross_fades)
{
	enum { N = 4 * 4800 };
	static float l[N], r[N];
	struct limiter *lim = lim_make(FS, false, -1.0f, 50.0f, false);
	const float c = ceiling_lin(-1.0f), x = 2.0f * c;
	const int d = (int)limiter_latency(lim), glide = (int)lrint(LIMITER_GLIDE_MS * FS / 1000);
	const double g_on = 0.5; /* ceiling / (2 ceiling) */
	double max_step = 0.0;

	for (int i = 0; i < N; i++)
		l[i] = r[i] = x;
	lim_run(lim, l, r, 4800, 64);
	limiter_set(lim, true, -1.0f, 50.0f, false);
	lim_run(lim, l + 4800, r + 4800, 9600, 64);
	limiter_set(lim, false, -1.0f, 50.0f, false);
	lim_run(lim, l + 14400, r + 14400, N - 14400, 64);
	for (int i = d + 1; i < N; i++) {
		max_step = fmax(max_step, fabs(l[i] - l[i - 1]) / x);
		ck_assert(l[i] == r[i]);
	}
	/* on: 1 before frame 4800, g_on from 4800 + glide - 1 on; off likewise */
	ck_assert_msg(l[4799] == x && fabs(l[4800 + glide - 1] / x - g_on) < 1e-6 &&
	                  fabs(l[14399] / x - g_on) < 1e-6 && l[14400 + glide - 1] == x,
	              "glide ends: %.7f %.7f %.7f %.7f", l[4799] / x, l[4800 + glide - 1] / x,
	              l[14399] / x, l[14400 + glide - 1] / x);
	ck_assert_msg(max_step <= (1.0 - g_on) / glide * 1.0001,
	              "largest gain step %.3g, the glide's %.3g", max_step, (1.0 - g_on) / glide);
	printf("on/off: linear %d-sample cross-fade 1 <-> %.3f, largest step %.4g (glide %.4g)\n",
	       glide, g_on, max_step, (1.0 - g_on) / glide);
	limiter_free(lim);
}
END_TEST

/* Hot, uncorrelated noise on the two sides, the limiter switched on and off and between modes
 * every 25 ms: every output sample is its side's input d frames earlier times one gain in
 * (0, 1], the same gain on both sides (stereo-linked, and nothing moved in time). */
START_TEST(one_gain_both_sides)
{
	enum { N = 48000 };
	static float xl[N], xr[N], l[N], r[N];
	uint64_t seed = 7;
	struct limiter *lim = lim_make(FS, true, -1.0f, 20.0f, true);
	const int d = (int)limiter_latency(lim);
	double worst = 0.0, gmin = 1.0;

	for (int i = 0; i < N; i++) {
		xl[i] = (float)(2.0 * rng_gauss(&seed));
		xr[i] = (float)(0.5 * rng_gauss(&seed));
	}
	memcpy(l, xl, sizeof(l));
	memcpy(r, xr, sizeof(r));
	for (int off = 0, k = 0; off < N; off += 1200, k++) {
		limiter_set(lim, k % 3 != 1, -1.0f, 20.0f, k % 2 == 0);
		lim_run(lim, l + off, r + off, 1200, 100);
	}
	for (int i = d; i < N; i++) {
		if (fabsf(xl[i - d]) < 1e-3f || fabsf(xr[i - d]) < 1e-3f)
			continue; /* the ratio says little there */
		double gl = (double)l[i] / xl[i - d], gr = (double)r[i] / xr[i - d];
		ck_assert_msg(gl > 0.0 && gl <= 1.0 && fabs(gl - gr) <= 1e-6 * gl,
		              "frame %d: gain %.9f left, %.9f right", i, gl, gr);
		worst = fmax(worst, fabs(gl - gr) / gl);
		gmin = fmin(gmin, gl);
	}
	printf("linked: one gain on both sides within %.2g (relative), down to %.1f dB, delay %d\n",
	       worst, db(gmin), d);
	limiter_free(lim);
}
END_TEST

/* The first frame of the limiter's 32-frame sub-block holding frame i, in periods of 1000. */
static int
block_of(int i)
{
	return i / 1000 * 1000 + i % 1000 / 32 * 32;
}

/* A NaN and an Inf in the input: their 32-frame sub-blocks come out silent and are counted,
 * nothing non-finite leaves, and once the delay has refilled the output is the delayed input
 * again, exactly. A hot signal afterwards is limited as before. */
START_TEST(nonfinite_input_recovers)
{
	enum { N = 24000, NAN_AT = 5000, INF_AT = 12345 };
	static float xl[N], xr[N], l[N], r[N];
	struct limiter *lim = lim_make(FS, true, -1.0f, 50.0f, true);
	const int d = (int)limiter_latency(lim);

	for (int i = 0; i < N; i++) {
		xl[i] = (float)(0.5 * sin(2.0 * M_PI * 440.0 * i / FS));
		xr[i] = (float)(i < 18000 ? 0.25 : 4.0) * (float)sin(2.0 * M_PI * 300.0 * i / FS);
	}
	memcpy(l, xl, sizeof(l));
	memcpy(r, xr, sizeof(r));
	l[NAN_AT] = NAN;
	r[INF_AT] = -INFINITY;
	lim_run(lim, l, r, N, 1000);
	ck_assert(all_finite(l, N) && all_finite(r, N));
	ck_assert_uint_eq(limiter_dropped(lim), 2);
	for (int k = 0; k < 2; k++) {
		int b0 = block_of(k ? INF_AT : NAN_AT), end = k ? 18000 : block_of(INF_AT);
		for (int i = b0; i < b0 + 32; i++)
			ck_assert_msg(l[i] == 0.0f && r[i] == 0.0f, "not silent at %d", i);
		for (int i = b0 + 32 + d; i < end; i++)
			ck_assert_msg(l[i] == xl[i - d] && r[i] == xr[i - d],
			              "%s: output at %d is not the delayed input",
			              k ? "Inf" : "NaN", i);
	}
	ck_assert(isfinite(limiter_read_gr(lim)) && isfinite(limiter_read_truepeak(lim)));
	ck_assert_msg(peak_of(r + 18000 + d, 0, N - 18000 - d) <= ceiling_lin(-1.0f),
	              "not limiting after the resets");
	printf("non-finite: 2 sub-blocks silenced and counted, the delayed input back exactly "
	       "%d frames after each\n",
	       32 + d);
	limiter_free(lim);
}
END_TEST

/* Settings are clamped, NaN ignored: a ceiling asked at -40 dB limits at -12, one asked at
 * +3 dB at 0; a NaN ceiling leaves -12; the meters read max since the last read. */
START_TEST(settings_and_meters)
{
	enum { N = 9600 };
	static float l[N], r[N];
	struct limiter *lim = lim_make(FS, true, -40.0f, 50.0f, false);
	static const struct {
		float ask, want;
	} cases[] = { { -40.0f, -12.0f }, { NAN, -12.0f }, { 3.0f, 0.0f }, { -6.0f, -6.0f } };

	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		limiter_set(lim, true, cases[k].ask, NAN, false);
		limiter_settle(lim);
		for (int i = 0; i < N; i++)
			l[i] = r[i] = (float)(2.0 * sin(2.0 * M_PI * 100.0 * i / FS));
		lim_run(lim, l, r, N / 2, 512); /* the release from the previous setting */
		limiter_read_gr(lim);
		limiter_read_truepeak(lim);
		lim_run(lim, l + N / 2, r + N / 2, N / 2, 512);
		double p = peak_of(l + N / 2, 0, N / 2);
		float gr = limiter_read_gr(lim), tp = limiter_read_truepeak(lim);
		ck_assert_msg(fabs(db(p) - cases[k].want) < 0.01, "asked %g dB: peak %.3f dB",
		              cases[k].ask, db(p));
		ck_assert_msg(fabs(gr - (db(2.0) - cases[k].want)) < 0.05, "GR %.3f dB", gr);
		ck_assert_msg(fabs(db(tp) - cases[k].want) < 0.05, "TP meter %.3f dB", db(tp));
		ck_assert_float_eq(limiter_read_gr(lim), 0.0f);
		ck_assert_float_eq(limiter_read_truepeak(lim), 0.0f);
		printf("settings: ceiling asked %+.0f dB -> output peak %+.3f dB, GR %.2f dB, TP "
		       "meter %+.3f dB\n",
		       cases[k].ask, db(p), gr, db(tp));
	}
	limiter_free(lim);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("limiter");

	setvbuf(stdout, NULL, _IOLBF, 0); /* a failing case's lines still reach the log */
	TCase *lat = tcase_create("latency"), *clim = tcase_create("ceiling"),
	      *rel = tcase_create("release"), *contract = tcase_create("contract");

	tcase_add_test(lat, latency_is_impulse_delay);
	tcase_add_test(lat, transparent_below_ceiling);
	tcase_add_test(clim, sample_peak_ceiling);
	tcase_add_test(clim, true_peak_ref_selftest);
	tcase_add_test(clim, detector_paths_agree);
	tcase_add_test(clim, true_peak_ceiling);
	tcase_add_test(rel, release_time);
	tcase_add_test(contract, silence_after_noise);
	tcase_add_test(contract, any_period_same_output);
	tcase_add_test(contract, on_off_cross_fades);
	tcase_add_test(contract, one_gain_both_sides);
	tcase_add_test(contract, nonfinite_input_recovers);
	tcase_add_test(contract, settings_and_meters);
	TCase *all[] = { lat, clim, rel, contract };
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 120); /* Check's default is 4 s; ASan runs 3x slower */
		suite_add_tcase(s, all[i]);
	}
	return check_run(s);
}
