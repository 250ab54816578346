/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xfade: the read position of a delay line that moves by cross-fading between two taps.
 *
 * Sliding a read pointer to a new delay bends the pitch (a Doppler glide); jumping it clicks.
 * A cross-fade does neither: tap a (the old delay) fades out while tap b (the new one) fades in,
 * over a fixed n samples, each tap reading at a fixed integer delay. The weight of tap b is the
 * raised cosine (1 - cos(pi k/n))/2: its slope is zero at both ends, so a fade adds no corner
 * to the signal where it starts or stops. Why this shape: fading between two copies of a tone
 * (angular frequency w per sample) phase-shifted by theta slides the phase across theta, which
 * can make a sample-to-sample step exceed the tone's own by up to a'^2/(2 w^2 a (1 - a))
 * (relative, to first order; a the weight, a' its slope per sample) at the worst theta, while
 * the partial cancellation (amplitude sqrt(1 - 2a(1 - a)(1 - cos theta))) makes room for the
 * rest. The raised cosine makes a'^2/(a (1 - a)) constant, pi^2/n^2, the smallest its maximum can
 * be: excess <= pi^2/(2 (w n)^2), 1.4e-4 at 1 kHz for a 30 ms fade (smoothstep: 6/(w n)^2; a
 * linear fade: unbounded near its ends).
 *
 * A new delay asked for during a fade waits until the fade ends, then the next fade starts from
 * there: chained changes (a knob being turned, a tempo ramp) are a chain of clean cross-fades,
 * never a fade restarted from a mixture. The delay follows at most one fade late.
 *
 * Used by the delay bus (echo time) and the reverb (predelay). Thread: RT, unless marked.
 */
#ifndef MIXD_XFADE_H
#define MIXD_XFADE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

struct xfade {
	uint32_t a;    /* delay of the tap faded from: the only tap at rest */
	uint32_t b;    /* delay of the tap faded to */
	uint32_t want; /* the delay asked for */
	uint32_t k;    /* samples into the current fade */
	uint32_t n;    /* fade length, samples (>= 1) */
	float inv_n;   /* 1/n */
	bool fading;   /* b is being faded in */
};

/* Any thread, before sharing. At rest at delay d, fades last n samples (0 is taken as 1). */
static inline void
xfade_init(struct xfade *x, uint32_t d, uint32_t n)
{
	x->a = x->b = x->want = d;
	x->k = 0;
	x->n = n ? n : 1;
	x->inv_n = 1.0f / (float)x->n;
	x->fading = false;
}

/* Asks for delay d. Nothing moves until the next xfade_fill. */
static inline void
xfade_want(struct xfade *x, uint32_t d)
{
	x->want = d;
}

/* Ends any fade at the delay asked for, with no fade (the line is silent, or being reset). */
static inline void
xfade_settle(struct xfade *x)
{
	x->a = x->b = x->want;
	x->k = 0;
	x->fading = false;
}

/* Plans the next len samples: returns false when tap a alone plays (at rest); otherwise fills
 * w[0..len) with the weight of tap b (output = (1 - w) a + w b, exact at w = 0 and w = 1). A fade
 * that ends inside the stretch holds w = 1 to its end; the next call hands over to b. */
static inline bool
xfade_fill(struct xfade *x, float *w, uint32_t len)
{
	if (x->fading && x->k >= x->n) { /* the last fade ended: b is the tap now */
		x->a = x->b;
		x->fading = false;
	}
	if (!x->fading) {
		if (x->want == x->a)
			return false;
		x->b = x->want;
		x->k = 0;
		x->fading = true;
	}
	for (uint32_t i = 0; i < len; i++) {
		if (x->k < x->n)
			x->k++;
		/* cosf per sample, only while fading: a fade is rare and 32 cosf cost ~0.3 us */
		w[i] =
		    x->k >= x->n ? 1.0f : 0.5f - 0.5f * cosf((float)M_PI * (float)x->k * x->inv_n);
	}
	return true;
}

#endif
