/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmath: float vectors of the target's native width (GCC/clang vector extensions) and the few
 * functions the strip kernel needs on them: select, max, abs, and fast log2/exp2.
 *
 * The width follows the ISA the file is compiled for: 16 lanes with AVX-512, 8 with AVX, 4
 * otherwise. Native, not a fixed 16: GCC lowers comparisons of vectors wider than the hardware
 * to scalar code, which made an AVX2 build slower than SSE2.
 *
 * The log2/exp2 polynomials were fitted at Chebyshev nodes (near-minimax): log2 is within
 * 1.1e-6 (6.7e-6 dB when scaled to dB) for normal positive inputs, exp2 within 1.1e-7 relative
 * for inputs in [-126, 126] (clamped outside). A compressor needs no more: libm's powf and
 * log10f cost ten times as much (dsp-reference.md §7).
 */
#ifndef MIXD_VMATH_H
#define MIXD_VMATH_H

#include <stdint.h>
#include <string.h>

#if defined(VMATH_WIDTH)
#define VW VMATH_WIDTH /* a narrower build, e.g. the master's two lanes */
#elif defined(__AVX512F__)
#define VW 16
#elif defined(__AVX__)
#define VW 8
#else
#define VW 4
#endif

typedef float vf __attribute__((vector_size(VW * 4)));
typedef int32_t vi __attribute__((vector_size(VW * 4)));

/* Loads and stores through memcpy: no aliasing questions, and the compiler emits plain
 * aligned vector moves. */
static inline vf
vld(const float *p)
{
	vf v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
vst(float *p, vf v)
{
	memcpy(p, &v, sizeof(v));
}

static inline vf
vset(float x)
{
	return (vf){ 0 } + x;
}

/* m is a comparison result: all ones where true. */
static inline vf
vsel(vi m, vf a, vf b)
{
	return (vf)((m & (vi)a) | (~m & (vi)b));
}

static inline vf
vmax(vf a, vf b)
{
	return vsel(a > b, a, b);
}

static inline vf
vabs(vf a)
{
	return (vf)((vi)a & 0x7fffffff);
}

/* Swaps the lanes of every pair (0<->1, 2<->3, ...): a stereo strip's two sides. */
static inline vf
vswap_pairs(vf a)
{
#if VW == 16
	return __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
#elif VW == 8
	return __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6);
#elif VW == 4
	return __builtin_shufflevector(a, a, 1, 0, 3, 2);
#else
	return __builtin_shufflevector(a, a, 1, 0);
#endif
}

/* log2 of x > 0 (normal). Exponent from the bits, the mantissa's log2(1+t) = t P(t) by a
 * degree-6 polynomial. */
static inline vf
vlog2(vf x)
{
	vi bits = (vi)x;
	vf e = __builtin_convertvector((bits >> 23) - 127, vf);
	vf t = (vf)((bits & 0x007fffff) | 0x3f800000) - 1.0f;
	vf p = vset(0.02001665f);

	p = p * t - 0.0946268097f;
	p = p * t + 0.213943212f;
	p = p * t - 0.338377198f;
	p = p * t + 0.477496364f;
	p = p * t - 0.721144092f;
	p = p * t + 1.44269298f;
	return e + t * p;
}

/* 2^x, x clamped to [-126, 126]: 2^floor(x) from the bits times a degree-5 polynomial of the
 * fraction. */
static inline vf
vexp2(vf x)
{
	vi xi;
	vf f, p;

	x = vmax(x, vset(-126.0f));
	x = vsel(x > vset(126.0f), vset(126.0f), x);
	xi = __builtin_convertvector(x, vi);             /* truncates toward zero */
	xi += (vi)(__builtin_convertvector(xi, vf) > x); /* -1 where that was above: floor */
	f = x - __builtin_convertvector(xi, vf);
	p = vset(0.00189375406f);
	p = p * f + 0.00894959042f;
	p = p * f + 0.0558603371f;
	p = p * f + 0.240141818f;
	p = p * f + 0.69315449f;
	p = p * f + 0.999999898f;
	return p * (vf)((xi + 127) << 23);
}

#endif
