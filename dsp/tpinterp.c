/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tpinterp.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#if TPI_AVX2
#include <immintrin.h>
#endif

typedef tpi_v4 v4;
typedef int32_t v4i __attribute__((vector_size(16)));

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

static inline v4
bcast(double c)
{
	float f = (float)c;

	return (v4){ f, f, f, f };
}

/* Polyphase Kaiser-windowed sinc, cutoff fs/2, P phases of 2 half taps. Phase p interpolates at
 * n0 + p/P from x(n0 - half + 1) .. x(n0 + half); tap j sits at time j - (half - 1) - p/P from
 * the point. Each phase is normalised to unity DC gain; phase 0 is exactly x(n0) (the sinc
 * vanishes at the other integers) and is read as the sample itself. Folded into out[half][P-1]
 * (tpinterp.h): P/2 sums and P/2 - 1 differences per tap pair instead of P - 1 full phases. */
static void
kaiser_design(v4 *out, int phases, int half, double beta)
{
	const int taps = 2 * half;
	double h[32][64];

	for (int p = 1; p <= phases / 2; p++) {
		double sum = 0.0;
		for (int j = 0; j < taps; j++) {
			double t = j - (half - 1) - (double)p / phases, r = t / half;
			double sinc = t == 0.0 ? 1.0 : sin(M_PI * t) / (M_PI * t);
			h[p][j] =
			    sinc * bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / bessel_i0(beta);
			sum += h[p][j];
		}
		for (int j = 0; j < taps; j++)
			h[p][j] /= sum;
	}
	for (int j = 0; j < half; j++) {
		v4 *c = out + (size_t)j * (size_t)(phases - 1);
		for (int p = 1; p <= phases / 2; p++) {
			c[2 * (p - 1)] = bcast((h[p][j] + h[p][taps - 1 - j]) / 2.0);
			if (p < phases / 2)
				c[2 * p - 1] = bcast((h[p][j] - h[p][taps - 1 - j]) / 2.0);
		}
	}
}

/* libebur128's coefficient for distance m/4 (m = j - 24) from its 49-tap Hann-windowed sinc */
static double
ebur_coef(int j)
{
	double m = j - 24.0, c = 1.0;

	if (m != 0.0)
		c = sin(m * M_PI / 4.0) / (m * M_PI / 4.0);
	return c * 0.5 * (1.0 - cos(2.0 * M_PI * j / 48.0));
}

/* libswresample's default filter for P phases (build_filter with factor 1: an upsampling
 * needs no anti-alias cut, so the 0.97 cutoff never applies): tap i of phase p weighs
 * x(k - 15 + i) for the point k + p/P, at distance u = i - 15 - p/P, by
 * sinc(u) I0(beta sqrt(1 - (2u / 32)^2)), all divided by phase 0's sum, which is I0(beta)
 * alone (the sinc vanishes at the other integers): the window is scaled to 1 at its centre and
 * the other phases are not normalised to unity DC gain (their DC gain differs from 1 by the
 * window's ripple, about 1e-4) - what ffmpeg computes, not what a textbook would. */
static double
swr_coef(int p, int phases, int i)
{
	const double u = (double)(i - (TPI_SW_HALF - 1)) - (double)p / phases,
	             w = 2.0 * u / (2 * TPI_SW_HALF);
	const double sinc = u == 0.0 ? 1.0 : sin(M_PI * u) / (M_PI * u);

	return sinc * bessel_i0(TPI_SW_BETA * sqrt(fmax(0.0, 1.0 - w * w))) /
	       bessel_i0(TPI_SW_BETA);
}

int
tpi_design_rate(struct tp_interp *t, double fs)
{
	int phases = 0;

	memset(t->sw, 0, sizeof(t->sw));
	t->sw_fs = 0.0;
	/* exact_rational: P = 192000 / fs reduced, when it is an integer (numerator 1) the points
	 * are at k + p/P in every interval; 4 phases at most fit the table's three slots */
	for (int p = 1; p <= 4; p++)
		if (fs * p == TPI_SW_RATE)
			phases = p;
	if (phases == 0)
		return -ENOTSUP;
	/* phase P - p is phase p reversed (h_{P-p}[31 - i] = h_p[i]): per pair q, 31 - q, the
	 * sum and the difference, as the 16x table is folded */
	for (int q = 0; q < TPI_SW_HALF; q++) {
		const int r = 2 * TPI_SW_HALF - 1 - q;
		if (phases >= 3) {
			double a = swr_coef(1, phases, q), b = swr_coef(1, phases, r);
			t->sw[q][0] = bcast((a + b) / 2.0);
			t->sw[q][1] = bcast((a - b) / 2.0);
		}
		if (phases % 2 == 0)
			t->sw[q][2] = bcast(swr_coef(phases / 2, phases, q));
	}
	t->sw_fs = fs;
	return 0;
}

void
tpi_design(struct tp_interp *t)
{
	memset(t, 0, sizeof(*t));
#if TPI_AVX2
	t->avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
	kaiser_design(&t->det[0][0], TPI_DET_PHASES, TPI_DET_HALF, TPI_DET_BETA);
	kaiser_design(&t->met[0][0], TPI_MET_PHASES, TPI_MET_HALF, TPI_MET_BETA);
	/* libebur128's phase f (1..3) reads k + f/4 from x(k + u), u = -5 .. 6, with tap
	 * j = 24 + f - 4u. Pair q takes u = q - 5 and its mirror 1 - u: phase 3 is phase 1
	 * mirrored, phase 2 is symmetric. */
	for (int q = 0; q < TPI_EB_HALF; q++) {
		int u = q - 5;
		double h1a = ebur_coef(25 - 4 * u), h1b = ebur_coef(25 - 4 * (1 - u));
		t->eb[q][0] = bcast((h1a + h1b) / 2.0);
		t->eb[q][1] = bcast((h1a - h1b) / 2.0);
		t->eb[q][2] = bcast(ebur_coef(26 - 4 * u));
	}
	tpi_design_rate(t, 48000.0);
}

static inline v4
ld4(const float *p)
{
	v4 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline v4
abs4(v4 a)
{
	return (v4)((v4i)a & 0x7fffffff);
}

static inline v4
max4(v4 a, v4 b)
{
#if defined(__SSE__)
	return _mm_max_ps(a, b);
#else
	v4i m = a > b;

	return (v4)((m & (v4i)a) | (~m & (v4i)b));
#endif
}

/* m = max(m, the magnitudes of the folded phases p0 + 1 .. p1 (and their mirrors P - p) of the
 * Kaiser interpolator), 4 frames whose windows start at w[0 .. 3] (each 2 half long). Inlined
 * with constant arguments so the loops unroll into registers: 4 sums and 4 differences at a
 * time fit in the 16 SSE registers with the samples and coefficients; 8 and 8 would spill. */
static inline __attribute__((always_inline)) v4
kaiser_part(v4 m, const v4 *coef, const int phases, const int half, const float *w, const int p0,
            const int p1)
{
	v4 s[4] = { 0 }, d[4] = { 0 };

	for (int j = 0; j < half; j++) {
		const v4 *c = coef + (size_t)j * (size_t)(phases - 1);
		v4 a = ld4(w + j), b = ld4(w + 2 * half - 1 - j);
		v4 sm = a + b, df = a - b;
#pragma GCC unroll 4
		for (int p = p0; p < p1; p++) {
			s[p - p0] += c[2 * p] * sm;
			if (p < phases / 2 - 1)
				d[p - p0] += c[2 * p + 1] * df;
		}
	}
#pragma GCC unroll 4
	for (int p = p0; p < p1; p++) {
		if (p < phases / 2 - 1) {
			m = max4(m, abs4(s[p - p0] + d[p - p0]));
			m = max4(m, abs4(s[p - p0] - d[p - p0]));
		} else {
			m = max4(m, abs4(s[p - p0]));
		}
	}
	return m;
}

/* The max magnitude of phases 0 .. P-1 (P 8 or 16). */
static inline __attribute__((always_inline)) v4
kaiser_peak(const v4 *coef, const int phases, const int half, const float *w)
{
	v4 m = abs4(ld4(w + half - 1)); /* phase 0: the sample itself */

	for (int p0 = 0; p0 < phases / 2; p0 += 4)
		m = kaiser_part(m, coef, phases, half, w, p0, p0 + 4);
	return m;
}

/* m = max(m, the magnitudes of the two folded 4x interpolators' points k + 1/4, k + 3/4 (the
 * sum and difference of slots 0 and 1) and k + 1/2 (slot 2)): libswresample's, pair q reading
 * x(k - 15 + q) and x(k + 16 - q), and libebur128's, whose pair j reads what libswresample's
 * pair SW_EB + j does (x(k - 5 + j), x(k + 6 - j)): one loop shares the loads, sums and
 * differences. Each accumulator adds in the order a loop of its own would. */
#define SW_EB (TPI_SW_HALF - TPI_EB_HALF)

static inline __attribute__((always_inline)) v4
fold4_peak(v4 m, const struct tp_interp *t, const float *k)
{
	v4 s1 = { 0 }, d1 = { 0 }, s2 = { 0 }, e1 = { 0 }, f1 = { 0 }, e2 = { 0 };

	for (int q = 0; q < TPI_SW_HALF; q++) {
		v4 a = ld4(k - TPI_SW_HALF + 1 + q), b = ld4(k + TPI_SW_HALF - q);
		v4 sm = a + b, df = a - b;
		s1 += t->sw[q][0] * sm;
		d1 += t->sw[q][1] * df;
		s2 += t->sw[q][2] * sm;
		if (q >= SW_EB) {
			e1 += t->eb[q - SW_EB][0] * sm;
			f1 += t->eb[q - SW_EB][1] * df;
			e2 += t->eb[q - SW_EB][2] * sm;
		}
	}
	m = max4(m, abs4(e1 + f1));
	m = max4(m, abs4(e1 - f1));
	m = max4(m, abs4(e2));
	m = max4(m, abs4(s1 + d1));
	m = max4(m, abs4(s1 - d1));
	return max4(m, abs4(s2));
}

static void
detect_sse(const struct tp_interp *t, const float *x, float *e, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 4) {
		/* lane j's window is w[j .. j + 63], its interval [w[j + 31], w[j + 32]] */
		const float *w = x + i - (2 * TPI_DET_HALF - 1);
		v4 m = kaiser_peak(&t->det[0][0], TPI_DET_PHASES, TPI_DET_HALF, w);
		/* libebur128's 3 points over x(k - 5) .. x(k + 6), k = w + 31; libswresample's
		 * over x(k - 15) .. x(k + 16) */
		const float *k = w + TPI_DET_HALF - 1;
		m = fold4_peak(m, t, k);
		m = max4(m, ld4(e + i));
		memcpy(e + i, &m, sizeof(m));
	}
}

#if TPI_AVX2
/* The same detector, 8 frames at a time in AVX2 registers with fused multiply-adds: a quarter
 * of the SSE path's instructions (the detector is most of the limiter's cost). Same
 * coefficients (lane 0 of each broadcast), same order of summation; only the rounding of the
 * fused products differs (< 1e-7 relative, inside the limiter's margin). */
__attribute__((target("avx2,fma"))) static inline __m256
kaiser_part8(__m256 m, const struct tp_interp *t, const float *w, int p0)
{
	__m256 s[4], d[4];

	for (int p = 0; p < 4; p++)
		s[p] = d[p] = _mm256_setzero_ps();
	for (int j = 0; j < TPI_DET_HALF; j++) {
		const tpi_v4 *c = t->det[j];
		__m256 a = _mm256_loadu_ps(w + j),
		       b = _mm256_loadu_ps(w + 2 * TPI_DET_HALF - 1 - j);
		__m256 sm = _mm256_add_ps(a, b), df = _mm256_sub_ps(a, b);
#pragma GCC unroll 4
		for (int p = p0; p < p0 + 4; p++) {
			s[p - p0] = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&c[2 * p]),
			                            sm, s[p - p0]);
			if (p < TPI_DET_PHASES / 2 - 1)
				d[p - p0] = _mm256_fmadd_ps(
				    _mm256_broadcast_ss((const float *)&c[2 * p + 1]), df,
				    d[p - p0]);
		}
	}
	const __m256 sign = _mm256_set1_ps(-0.0f);
#pragma GCC unroll 4
	for (int p = p0; p < p0 + 4; p++) {
		if (p < TPI_DET_PHASES / 2 - 1) {
			m = _mm256_max_ps(
			    m, _mm256_andnot_ps(sign, _mm256_add_ps(s[p - p0], d[p - p0])));
			m = _mm256_max_ps(
			    m, _mm256_andnot_ps(sign, _mm256_sub_ps(s[p - p0], d[p - p0])));
		} else {
			m = _mm256_max_ps(m, _mm256_andnot_ps(sign, s[p - p0]));
		}
	}
	return m;
}

/* fold4_peak, 8 frames in AVX2 registers */
__attribute__((target("avx2,fma"))) static inline __m256
fold4_peak8(__m256 m, const struct tp_interp *t, const float *k)
{
	const __m256 sign = _mm256_set1_ps(-0.0f);
	__m256 s1 = _mm256_setzero_ps(), d1 = s1, s2 = s1, e1 = s1, f1 = s1, e2 = s1;

	for (int q = 0; q < TPI_SW_HALF; q++) {
		__m256 a = _mm256_loadu_ps(k - TPI_SW_HALF + 1 + q),
		       b = _mm256_loadu_ps(k + TPI_SW_HALF - q);
		__m256 sm = _mm256_add_ps(a, b), df = _mm256_sub_ps(a, b);
		s1 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&t->sw[q][0]), sm, s1);
		d1 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&t->sw[q][1]), df, d1);
		s2 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&t->sw[q][2]), sm, s2);
		if (q >= SW_EB) {
			const tpi_v4 *c = t->eb[q - SW_EB];
			e1 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&c[0]), sm, e1);
			f1 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&c[1]), df, f1);
			e2 = _mm256_fmadd_ps(_mm256_broadcast_ss((const float *)&c[2]), sm, e2);
		}
	}
	m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_add_ps(e1, f1)));
	m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_sub_ps(e1, f1)));
	m = _mm256_max_ps(m, _mm256_andnot_ps(sign, e2));
	m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_add_ps(s1, d1)));
	m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_sub_ps(s1, d1)));
	return _mm256_max_ps(m, _mm256_andnot_ps(sign, s2));
}

__attribute__((target("avx2,fma"))) static void
detect_avx2(const struct tp_interp *t, const float *x, float *e, uint32_t n)
{
	const __m256 sign = _mm256_set1_ps(-0.0f);
	for (uint32_t i = 0; i < n; i += 8) {
		const float *w = x + i - (2 * TPI_DET_HALF - 1);
		__m256 m = _mm256_andnot_ps(sign, _mm256_loadu_ps(w + TPI_DET_HALF - 1));
		m = kaiser_part8(m, t, w, 0);
		m = kaiser_part8(m, t, w, 4);
		const float *k = w + TPI_DET_HALF - 1;
		m = fold4_peak8(m, t, k);
		if (n - i >= 8) {
			_mm256_storeu_ps(e + i, _mm256_max_ps(m, _mm256_loadu_ps(e + i)));
		} else { /* the last 4: computed 8 wide like every other frame, 4 kept */
			__m128 lo = _mm256_castps256_ps128(m);
			_mm_storeu_ps(e + i, _mm_max_ps(lo, _mm_loadu_ps(e + i)));
		}
	}
}
#endif

void
tpi_detect(const struct tp_interp *t, const float *x, float *e, uint32_t n)
{
#if TPI_AVX2
	if (t->avx2) {
		detect_avx2(t, x, e, n);
		return;
	}
#endif
	detect_sse(t, x, e, n);
}

void
tpi_meter(const struct tp_interp *t, const float *x, float *e, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 4) {
		const float *w = x + i - (2 * TPI_MET_HALF - 1);
		v4 m = kaiser_peak(&t->met[0][0], TPI_MET_PHASES, TPI_MET_HALF, w);
		m = max4(m, ld4(e + i));
		memcpy(e + i, &m, sizeof(m));
	}
}
