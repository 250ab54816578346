/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tpinterp: the limiter's oversampling interpolators (true peak between samples).
 *
 * Detector (what the true-peak ceiling is exact against): the max of
 *  - a 16x polyphase Kaiser-windowed sinc, 64 taps per phase, beta 8, each phase normalised to
 *    unity DC gain: mixd's reference reconstruction, the one docs/master.md names and
 *    tests/test_limiter.c re-implements in double precision. Long and 16x because a true peak
 *    is only defined against a reconstruction: a 32-tap 8x detector misses 0.3 dB of what a
 *    64-tap reconstruction finds in limited full-band noise (its pass band ends earlier and
 *    its 8 sub-samples under-read by up to 0.12 dB at 20 kHz; 16 by 0.03 dB);
 *  - libebur128's BS.1770 interpolator (49-tap Hann-windowed sinc, 4x, ebur128.c
 *    interp_create, coefficients recomputed here the same way), which over-reads limited
 *    full-band noise by 0.45 dB and a 20 kHz sweep by 0.23 dB against the 16x one: the
 *    detector reads what the meter a deliverable is checked with will read;
 *  - libswresample's default fs -> 192 kHz conversion (what ffmpeg's ebur128 filter and its
 *    loudnorm read true peak with): 32 taps, a sinc cut at fs/2 under a Kaiser window of beta 9
 *    scaled to 1 at its centre (no per-phase normalisation: only phase 0 is exactly unity),
 *    points at k + p/P, P = 192 kHz / fs. Designed for the rate by tpi_design_rate from the
 *    formula of libswresample's build_filter with its defaults (filter_size 32, cutoff 0.97,
 *    which is no filtering when upsampling, exact_rational: P phases exactly, the linear
 *    interpolation between phases then never used). Rates 48, 64, 96 and 192 kHz (P 4, 3, 2,
 *    1), where the points fall at the same fractions of every interval whatever the stream's
 *    origin; 44.1 kHz and its multiples put them at 640 / 320 / 160 positions that depend on
 *    where the file starts, not emulated (the table is zero there, and the reading is 0).
 *    ffmpeg's ebur128 filter itself only measures at 48 kHz: it resamples other rates to 48 kHz
 *    first (docs/master.md).
 * The detector value of frame i covers the interval [x(i - 32), x(i - 31)]: it needs 32 samples
 * of future (TPI_DET_DELAY) and 31 of past.
 *
 * Meter (the limiter's output true-peak meter): the former detector, 8x, 32 taps per phase,
 * Kaiser beta 5.5; interval [x(i - 16), x(i - 15)]. It reads band-limited material to 0.12 dB
 * and under-reads content above 0.44 fs, for a third of the detector's cost.
 *
 * Both are vectorised across consecutive frames (4, or 8 on AVX2), each lane computing what a
 * scalar loop would, so results do not depend on how a period is cut. Threads: tpi_design on any
 * thread (it only writes its argument); tpi_detect and tpi_meter on any thread, RT-safe (no
 * allocation, no failure).
 */
#ifndef MIXD_TPINTERP_H
#define MIXD_TPINTERP_H

#include <stdint.h>

#define TPI_DET_PHASES 16
#define TPI_DET_HALF   32 /* taps / 2 */
#define TPI_DET_BETA   8.0
#define TPI_DET_DELAY  TPI_DET_HALF /* future samples the detector needs */
#define TPI_EB_HALF    6            /* libebur128's 49 taps at 4x: 12 samples per phase */
#define TPI_SW_HALF    16           /* libswresample's 32 taps per phase */
#define TPI_SW_BETA    9.0
#define TPI_SW_RATE    192000.0 /* the rate libswresample converts to for ffmpeg's meters */
#define TPI_MET_PHASES 8
#define TPI_MET_HALF   16
#define TPI_MET_BETA   5.5
#define TPI_MET_DELAY  TPI_MET_HALF

typedef float tpi_v4 __attribute__((vector_size(16)));

/* x86-64: the detector has an AVX2+FMA path, chosen at run time (tpi_design). */
#if defined(__x86_64__) && defined(__GNUC__)
#define TPI_AVX2 1
#else
#define TPI_AVX2 0
#endif

/* Coefficients, folded (phase P - p is phase p reversed): per tap pair j, for p = 1 .. P/2,
 * A_p = (h_p[j] + h_p[T-1-j]) / 2 then B_p = (h_p[j] - h_p[T-1-j]) / 2 (no B for p = P/2),
 * each broadcast over 4 lanes. */
struct tp_interp {
	tpi_v4 det[TPI_DET_HALF][TPI_DET_PHASES - 1];
	tpi_v4 eb[TPI_EB_HALF][3];
	/* libswresample's: per pair, A and B of phases p and P - p (p = 1 at P = 4 or 3), then the
	 * symmetric phase P/2 (P = 4 or 2); unused slots are 0 */
	tpi_v4 sw[TPI_SW_HALF][3];
	double sw_fs; /* the rate sw is designed for; 0: not emulated at this rate (all 0) */
	tpi_v4 met[TPI_MET_HALF][TPI_MET_PHASES - 1];
	int avx2; /* the CPU runs the AVX2+FMA detector */
};

/* Any thread. Fills every table, libswresample's for 48 kHz. */
void tpi_design(struct tp_interp *t);

/* Any thread (not while tpi_detect runs on t). Redesigns libswresample's table for the rate
 * fs -> 192 kHz. Returns 0, or -ENOTSUP where it is not emulated (any rate but 48, 64, 96 and
 * 192 kHz): the table is then zero and the detector reads the other two interpolators only. */
int tpi_design_rate(struct tp_interp *t, double fs);

/* Any thread, RT-safe. e[i] = max(e[i], the detector's magnitudes in [x(i-32), x(i-31)]: the
 * 16x points, libebur128's and libswresample's) for i = 0 .. n-1; n a multiple of 4;
 * x[-63 .. n+3] readable and finite (the AVX2 path computes
 * 8 frames at a time and keeps 4 of the last 8, so a frame's value never depends on where a
 * block ends). */
void tpi_detect(const struct tp_interp *t, const float *x, float *e, uint32_t n);

/* Any thread, RT-safe. e[i] = max(e[i], the meter's 8 sub-sample magnitudes in
 * [x(i-16), x(i-15)]); n a multiple of 4; x[-31 .. n-1] readable. */
void tpi_meter(const struct tp_interp *t, const float *x, float *e, uint32_t n);

#endif
