/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ramp: a linear glide from the current value to a target over a fixed number of samples.
 *
 * Every gain in the engine moves through one of these, so no parameter change (fader, mute,
 * solo, polarity, a scene recall) can step. Linear in the linear-gain domain: a fade to or from
 * silence is well defined (a dB glide would never reach zero) and the per-sample step is bounded
 * by |target - start| / n, which the tests assert. Retargeting mid-glide starts a new glide from
 * wherever the value is, so nothing jumps.
 */
#ifndef MIXD_RAMP_H
#define MIXD_RAMP_H

#include <stdint.h>

struct ramp {
	float cur;     /* value at the last sample produced */
	float target;  /* where the glide ends */
	float start;   /* where the glide began */
	float inc;     /* per-sample increment while left > 0 */
	uint32_t n;    /* length of the glide */
	uint32_t left; /* samples until cur == target exactly */
};

/* Any thread. Sets the value with no glide. */
static inline void
ramp_init(struct ramp *r, float v)
{
	r->cur = v;
	r->target = v;
	r->start = v;
	r->inc = 0.0f;
	r->n = 0;
	r->left = 0;
}

/* RT. Starts a glide to target lasting n samples (n = 0 jumps). Landing is exact: the last
 * sample of the glide is target itself, not an accumulation of increments. */
static inline void
ramp_set(struct ramp *r, float target, uint32_t n)
{
	r->target = target;
	if (n == 0 || target == r->cur) {
		r->cur = target;
		r->inc = 0.0f;
		r->left = 0;
		return;
	}
	r->start = r->cur;
	r->inc = (target - r->cur) / (float)n;
	r->n = n;
	r->left = n;
}

/* RT. As ramp_set, but a target the ramp already has (reached, or on its way to) changes
 * nothing. A value sent again must not restart its glide: automation re-applies every lane at
 * each 32-frame sub-block, and a restarted 10 ms glide would then end where the JACK period
 * happens to put it instead of 10 ms after the real change. */
static inline void
ramp_to(struct ramp *r, float target, uint32_t n)
{
	if (target != r->target)
		ramp_set(r, target, n);
}

/* RT. True while gliding. */
static inline int
ramp_moving(const struct ramp *r)
{
	return r->left != 0;
}

/* RT. Writes the next n values into g[] and advances. Each value is start + inc * k, not a
 * running sum: summing drifts by an ulp a sample, and the final snap to target would then step
 * further than inc. */
static inline void
ramp_fill(struct ramp *r, float *g, uint32_t n)
{
	uint32_t i = 0;
	float cur = r->cur;

	for (; i < n && r->left; i++) {
		r->left--;
		cur = r->left ? r->start + r->inc * (float)(r->n - r->left) : r->target;
		g[i] = cur;
	}
	for (; i < n; i++)
		g[i] = cur;
	r->cur = cur;
}

/* RT. Advances by n samples without producing them (ramp_fill's bookkeeping). */
static inline void
ramp_skip(struct ramp *r, uint32_t n)
{
	if (!r->left)
		return;
	r->left = n < r->left ? r->left - n : 0;
	r->cur = r->left ? r->start + r->inc * (float)(r->n - r->left) : r->target;
}

/* RT. Whether the ramp is or will be non-zero: a gain that contributes. */
static inline int
ramp_live(const struct ramp *r)
{
	return r->target != 0.0f || r->cur != 0.0f;
}

#endif
