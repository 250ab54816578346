/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * numeric: the small helpers every dsp module shares, and the one rule for garbage input.
 *
 * A sub-block holding NaN, Inf or a magnitude at or above 2^60 (360 dB over full scale) is
 * garbage: the strips, the buses and the limiter all drop it the same way. Below 2^60 no gain
 * chain in the console can overflow a float. The test is on float bits, whose integer maximum
 * is exact and associative, so the loop vectorises.
 *
 * Thread: any (pure functions).
 */
#ifndef MIXD_NUMERIC_H
#define MIXD_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define NUM_GARBAGE_BITS 0x5d800000u /* float bits of 2^60 */
#define NUM_INF_BITS     0x7f800000u /* float bits of Inf: at or above, not finite */

static inline float
clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* max(a, |x|) */
static inline float
fmaxabs(float a, float x)
{
	x = fabsf(x);
	return x > a ? x : a;
}

/* The float bits of |x|: ordered as |x| is, NaN and Inf above every finite value. */
static inline uint32_t
abs_bits(float x)
{
	uint32_t b;

	memcpy(&b, &x, sizeof(b));
	return b & 0x7fffffffu;
}

/* The float bits of the largest |x[i]|; NaN and Inf have the largest bits of all. */
static inline uint32_t
max_abs_bits(const float *x, uint32_t n)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = abs_bits(x[i]);
		m = b > m ? b : m;
	}
	return m;
}

#endif
