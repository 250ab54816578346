/* SPDX-License-Identifier: GPL-2.0-or-later */
/* measure: the signals and measurements the DSP unit tests share — seeded noise, a tone's
 * amplitude by least squares, peaks, RMS, dB. Double precision where it measures. */
#ifndef MIXD_MEASURE_H
#define MIXD_MEASURE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* splitmix64: a seeded, portable generator so every run sees the same noise. */
static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static inline double
rng_uniform(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal (Box-Muller). */
static inline double
rng_gauss(uint64_t *s)
{
	double u = rng_uniform(s), v = rng_uniform(s);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Stereo test noise: frames [0, until) of l and r get Gaussian noise of RMS 0.1 (-20 dBFS),
 * drawn left then right for each frame; frames [until, n) get silence and draw nothing. */
static inline void
noise_pair(float *l, float *r, long n, long until, uint64_t *seed)
{
	for (long i = 0; i < n; i++) {
		l[i] = i < until ? (float)(0.1 * rng_gauss(seed)) : 0.0f;
		r[i] = i < until ? (float)(0.1 * rng_gauss(seed)) : 0.0f;
	}
}

/* The true-peak test signals (test_limiter's true_peak_ceiling, test_limiter_ffmpeg's cases).
 * SIG_NOISE20K, band-limited noise, is made by test_limiter_ffmpeg itself: tp_frame leaves it
 * to the caller. */
enum sig_kind { SIG_NOISE, SIG_NOISE20K, SIG_SWEEP, SIG_SINE, SIG_SQUARE };

/* Frame i of n at rate fs into *v (left) and *u (right), peak (or, for noise, rms) a: white
 * noise (left then right drawn from seed), a log sweep 20 Hz -> 20 kHz over the n frames, a
 * sine, or a square of f Hz starting at phase ph (radians). No fade: tp_fade. */
static inline void
tp_frame(enum sig_kind kind, double a, double f, double ph, int i, int n, double fs, uint64_t *seed,
         double *v, double *u)
{
	switch (kind) {
	case SIG_NOISE:
		*v = a * rng_gauss(seed);
		*u = a * rng_gauss(seed);
		break;
	case SIG_SWEEP: {
		double T = n / fs, k = log(1000.0), tt = i / fs;
		*v = *u = a * sin(2.0 * M_PI * 20.0 * T / k * (exp(k * tt / T) - 1.0));
		break;
	}
	case SIG_SINE:
		*v = *u = a * sin(2.0 * M_PI * f * i / fs + ph);
		break;
	case SIG_SQUARE:
		*v = *u = sin(2.0 * M_PI * f * i / fs + ph) >= 0.0 ? a : -a;
		break;
	default:
		*v = *u = 0.0;
		break;
	}
}

/* The gain of frame i of n at rate fs under 10 ms raised-cosine fades in and out (as EBU Tech
 * 3341's true-peak signals have), so the edges add no broadband transient of their own. */
static inline double
tp_fade(int i, int n, double fs)
{
	double x = fmin(1.0, fmin(i, n - 1 - i) / (0.01 * fs));

	return 0.5 - 0.5 * cos(M_PI * x);
}

/* Least-squares fit x[n] ~ a cos(wn) + b sin(wn) + c over n in [from, from + len), w = 2 pi
 * hz / fs: the amplitude sqrt(a^2 + b^2). Exact for a pure tone; the DC term absorbs any
 * offset. */
static inline double
ls_amp(const float *x, int from, int len, double hz, double fs)
{
	double m[3][4] = { { 0 } }, w = 2.0 * M_PI * hz / fs;

	for (int n = from; n < from + len; n++) {
		double v[3] = { cos(w * n), sin(w * n), 1.0 };
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++)
				m[i][j] += v[i] * v[j];
			m[i][3] += v[i] * x[n];
		}
	}
	/* Gauss-Jordan; the matrix is near-diagonal over whole cycles, no pivoting needed */
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			if (j == i)
				continue;
			double r = m[j][i] / m[i][i];
			for (int k = i; k < 4; k++)
				m[j][k] -= r * m[i][k];
		}
	}
	return hypot(m[0][3] / m[0][0], m[1][3] / m[1][1]);
}

static inline double
db(double lin)
{
	return 20.0 * log10(lin);
}

static inline bool
all_finite(const float *x, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/* max |x[i]| over [from, to) */
static inline float
peak_of(const float *x, int from, int to)
{
	float p = 0.0f;

	for (int i = from; i < to; i++)
		p = fmaxf(p, fabsf(x[i]));
	return p;
}

/* RMS over [from, to) */
static inline double
rms_of(const float *x, int from, int to)
{
	double s = 0.0;

	for (int i = from; i < to; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / (to - from));
}

#endif
