/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crossover: Linkwitz-Riley 4th-order band splitting from Cytomic trapezoidal SVFs
 * (dsp-reference.md §1.2), shared by the multiband compressor and the mono-bass stage.
 *
 * A Butterworth SVF section (k = sqrt 2) gives LP2, BP and HP2 of its input at once. LR4 is two
 * Butterworth sections in cascade: LP4 = LP2(LP2 x), HP4 = HP2(HP2 x), so one split costs three
 * sections (the first is shared). LP4 + HP4 is the 2nd-order allpass
 * (s^2 - sqrt2 s + 1) / (s^2 + sqrt2 s + 1) (because 1 + s^4 = (s^2 + sqrt2 s + 1)(s^2 - sqrt2 s +
 * 1)), which one section also gives: x - 2k BP. So bands that are split, left alone and summed give
 * an allpass of the input: flat magnitude, whatever the crossover frequencies. The SVF states
 * are integrator states, so a crossover that moves (coefficients recomputed per block) stays
 * quiet.
 *
 * Thread: pure functions on caller-owned state, RT-safe.
 */
#ifndef MIXD_CROSSOVER_H
#define MIXD_CROSSOVER_H

#include <math.h>

#define XO_K 1.41421356f /* 1/Q of a Butterworth section */

struct xo_coef {
	float a1, a2, a3;
};

/* The state of one SVF section: its two trapezoidal integrators. */
struct xo_svf {
	float ic1, ic2;
};

/* Any thread. Coefficients for a section at f Hz (clamped under 0.49 fs). */
static inline struct xo_coef
xo_design(double f, double fs)
{
	double g = tan(M_PI * fmin(f, 0.49 * fs) / fs);
	double a1 = 1.0 / (1.0 + g * (g + XO_K));
	struct xo_coef c = { (float)a1, (float)(g * a1), (float)(g * g * a1) };

	return c;
}

/* One sample through a section: returns BP (v1) and LP (v2) in *bp, *lp; HP = x - k BP - LP. */
static inline void
xo_tick(const struct xo_coef *c, struct xo_svf *s, float x, float *bp, float *lp)
{
	float v3 = x - s->ic2;
	float v1 = c->a1 * s->ic1 + c->a2 * v3;
	float v2 = s->ic2 + c->a2 * s->ic1 + c->a3 * v3;

	s->ic1 = 2.0f * v1 - s->ic1;
	s->ic2 = 2.0f * v2 - s->ic2;
	*bp = v1;
	*lp = v2;
}

/* LR4 split of x: three sections s[0..2]. */
static inline void
xo_split(const struct xo_coef *c, struct xo_svf *s, float x, float *lo, float *hi)
{
	float bp, lp, hp, bp2, lp2;

	xo_tick(c, &s[0], x, &bp, &lp);
	hp = x - XO_K * bp - lp;
	xo_tick(c, &s[1], lp, &bp2, lo);
	xo_tick(c, &s[2], hp, &bp2, &lp2);
	*hi = hp - XO_K * bp2 - lp2;
}

/* The LR4 allpass (what LP4 + HP4 of the same frequency sum to): one section. */
static inline float
xo_allpass(const struct xo_coef *c, struct xo_svf *s, float x)
{
	float bp, lp;

	xo_tick(c, s, x, &bp, &lp);
	return x - 2.0f * XO_K * bp;
}

/* LR4 high-pass alone: two sections s[0..1]. */
static inline float
xo_highpass(const struct xo_coef *c, struct xo_svf *s, float x)
{
	float bp, lp, hp;

	xo_tick(c, &s[0], x, &bp, &lp);
	hp = x - XO_K * bp - lp;
	xo_tick(c, &s[1], hp, &bp, &lp);
	return hp - XO_K * bp - lp;
}

#endif
