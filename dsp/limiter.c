/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "limiter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric.h"
#include "ramp.h"
#include "tpinterp.h"

#define BLOCK 32 /* frames per sub-block: ramps, the non-finite check, the detector's batch */
#define PAD   8  /* the interpolators read up to 8 frames at a time past a block rounded up to 4 */

/* Gains in the smoothing sums are integers in units of 2^-30: g <= 1 fits 31 bits, a sum of
 * K1 of them times K2 (<= 577^2 at 768 kHz) stays under 2^53, so it converts to double
 * exactly. */
#define GQ_ONE 0x1p30

/* the output meter's window of past outputs */
#define METER_PAST (2 * TPI_MET_HALF - 1)

/* A release that has come this close to its target is there (a step of 1e-6, -120 dB): the
 * gain ends at exactly 1, so a limiter with nothing to do is bit-transparent again. */
#define RELEASE_SNAP 1e-6

/* Larger inputs are treated like NaN: the interpolator's sums could overflow to inf - inf. */

/* The internal ceiling sits 2^-21 (4e-6 dB) under the asked one: it absorbs the rounding of
 * the gain to float and of the product x * gain, so even the float output is <= the ceiling. */
#define CEIL_SAFETY (1.0f - 0x1p-21f)

struct limiter {
	/* settings, as limiter_set left them */
	bool on, tp;
	float ceiling_db, release_ms;

	/* geometry at the current rate (d == 0: no rate) */
	double fs;
	uint32_t d;      /* look-ahead = latency */
	uint32_t h;      /* peak-hold window: the attack K + 1, K = d - LIMITER_OS_DELAY + 1 */
	uint32_t k1, k2; /* the two moving averages, k1 + k2 - 1 = K */
	double inv;      /* 1 / (k1 k2 GQ_ONE) */
	uint32_t glide_n;
	double kr; /* release one-pole coefficient 1 - exp(-1 / (tau fs)) */

	/* Glossary of the process state:
	 * x[c]    per side, the delay line and the detector's window: the last d inputs, then
	 *         the sub-block; output frame i is x[c][i] * gain, the input d frames ago
	 * y[c]    per side, the last 31 outputs, then the sub-block: the output meter's window
	 * seg, o  the detector values of the current segment of h (van Herk / Gil-Werman):
	 *         seg[0 .. o) so far; run is their max
	 * suf     the previous segment's suffix maxima, suf[j] = max seg[j .. h), suf[h] = 0;
	 *         max(suf[o + 1], run) is the max of the last h values, exactly
	 * ma1, s1 ring and sum of the last k1 quantised gains (i1 the oldest)
	 * ma2, s2 ring and sum of the last k2 values of s1 (i2 the oldest)
	 * rel     the released gain, never above min(1, ceiling / max)
	 * w, c    the on weight 0..1 (cross-fade) and the internal linear ceiling (glides) */
	float *x[2], *y[2];
	float *seg, *suf, run;
	uint32_t o;
	uint32_t *ma1;
	int64_t *ma2;
	uint32_t i1, i2;
	int64_t s1, s2;
	double rel;
	struct ramp w, c;
	void *mem;

	/* meters and counters */
	float gmin, tpmax;
	uint64_t dropped;

	/* the detector's and the output meter's interpolators */
	struct tp_interp tpi;
};

/* fmaxf without its NaN rules, which keep it from inlining (no NaN reaches it here) */
static inline float
maxf(float a, float b)
{
	return a > b ? a : b;
}

/* ---- set-up ---- */

static float
ceiling_target(const struct limiter *lim)
{
	double db = lim->ceiling_db - (lim->tp ? LIMITER_TP_MARGIN_DB : 0.0);

	return (float)pow(10.0, db / 20.0) * CEIL_SAFETY;
}

static void
release_coef(struct limiter *lim)
{
	lim->kr = lim->fs > 0.0 ? -expm1(-1000.0 / (lim->release_ms * lim->fs)) : 1.0;
}

/* Silence in every buffer, unity gain in the smoothing, an empty hold. */
static void
reset_state(struct limiter *lim)
{
	uint32_t d = lim->d;

	for (int c = 0; c < 2; c++) {
		memset(lim->x[c], 0, (d + BLOCK + PAD) * sizeof(float));
		memset(lim->y[c], 0, (METER_PAST + BLOCK + PAD) * sizeof(float));
	}
	memset(lim->seg, 0, lim->h * sizeof(float));
	memset(lim->suf, 0, (lim->h + 1) * sizeof(float));
	lim->run = 0.0f;
	lim->o = 0;
	for (uint32_t i = 0; i < lim->k1; i++)
		lim->ma1[i] = (uint32_t)GQ_ONE;
	lim->s1 = (int64_t)lim->k1 * (int64_t)GQ_ONE;
	for (uint32_t i = 0; i < lim->k2; i++)
		lim->ma2[i] = lim->s1;
	lim->s2 = lim->k2 * lim->s1;
	lim->i1 = lim->i2 = 0;
	lim->rel = 1.0;
}

struct limiter *
limiter_new(void)
{
	struct limiter *lim = aligned_alloc(64, (sizeof(*lim) + 63) / 64 * 64);

	if (!lim)
		return NULL;
	memset(lim, 0, sizeof(*lim));
	lim->on = false;
	lim->tp = LIMITER_TRUEPEAK_DEFAULT;
	lim->ceiling_db = LIMITER_CEILING_DEFAULT_DB;
	lim->release_ms = LIMITER_RELEASE_DEFAULT_MS;
	release_coef(lim);
	ramp_init(&lim->w, 0.0f);
	ramp_init(&lim->c, ceiling_target(lim));
	lim->gmin = 1.0f;
	tpi_design(&lim->tpi);
	return lim;
}

void
limiter_free(struct limiter *lim)
{
	if (!lim)
		return;
	free(lim->mem);
	free(lim);
}

/* Carves n bytes, 64-byte aligned, from a block: first with p == NULL to count. */
static void *
carve(char **p, size_t *used, size_t n)
{
	void *r = *p ? *p + *used : NULL;

	*used += (n + 63) / 64 * 64;
	return r;
}

int
limiter_set_rate(struct limiter *lim, double fs)
{
	uint32_t d, k, h, k1, k2;
	size_t used = 0;
	char *mem = NULL;

	if (!(fs >= 8000.0 && fs <= 768000.0))
		return -EINVAL;
	d = (uint32_t)lrint(fs * LIMITER_LOOKAHEAD_MS * 0.001);
	if (d < LIMITER_MIN_LATENCY)
		d = LIMITER_MIN_LATENCY;
	k = d - LIMITER_OS_DELAY + 1;
	h = k + 1;
	k1 = (k + 2) / 2;
	k2 = k + 1 - k1;

	/* two passes over the same layout: count, then carve */
	for (int pass = 0; pass < 2; pass++) {
		for (int c = 0; c < 2; c++) {
			lim->x[c] = carve(&mem, &used, (d + BLOCK + PAD) * sizeof(float));
			lim->y[c] = carve(&mem, &used, (METER_PAST + BLOCK + PAD) * sizeof(float));
		}
		lim->seg = carve(&mem, &used, h * sizeof(float));
		lim->suf = carve(&mem, &used, (h + 1) * sizeof(float));
		lim->ma1 = carve(&mem, &used, k1 * sizeof(uint32_t));
		lim->ma2 = carve(&mem, &used, k2 * sizeof(int64_t));
		if (pass == 0) {
			free(lim->mem);
			lim->mem = NULL;
			lim->d = 0;
			mem = aligned_alloc(64, used);
			if (!mem)
				return -ENOMEM;
			used = 0;
		}
	}
	lim->mem = mem;
	lim->fs = fs;
	lim->d = d;
	lim->h = h;
	lim->k1 = k1;
	lim->k2 = k2;
	lim->inv = 1.0 / ((double)k1 * k2 * GQ_ONE);
	/* ffmpeg's 192 kHz points for this rate (none at 44.1 kHz: tpinterp.h) */
	(void)tpi_design_rate(&lim->tpi, fs);
	lim->glide_n = (uint32_t)lrint(fs * LIMITER_GLIDE_MS * 0.001);
	release_coef(lim);
	reset_state(lim); /* writes every byte the RT side will touch: the pages are in */
	limiter_settle(lim);
	lim->gmin = 1.0f;
	lim->tpmax = 0.0f;
	lim->dropped = 0;
	return 0;
}

uint32_t
limiter_latency(const struct limiter *lim)
{
	return lim->d;
}

void
limiter_get(const struct limiter *lim, float *ceiling_db, float *release_ms)
{
	*ceiling_db = lim->ceiling_db;
	*release_ms = lim->release_ms;
}

void
limiter_set(struct limiter *lim, bool on, float ceiling_db, float release_ms, bool truepeak)
{
	if (!isnan(ceiling_db))
		lim->ceiling_db =
		    clampf(ceiling_db, LIMITER_CEILING_MIN_DB, LIMITER_CEILING_MAX_DB);
	if (!isnan(release_ms)) {
		release_ms = clampf(release_ms, LIMITER_RELEASE_MIN_MS, LIMITER_RELEASE_MAX_MS);
		if (release_ms != lim->release_ms) { /* expm1 only when it changed */
			lim->release_ms = release_ms;
			release_coef(lim);
		}
	}
	lim->on = on;
	lim->tp = truepeak;
	ramp_to(&lim->w, on ? 1.0f : 0.0f, lim->glide_n);
	ramp_to(&lim->c, ceiling_target(lim), lim->glide_n);
}

void
limiter_settle(struct limiter *lim)
{
	ramp_init(&lim->w, lim->on ? 1.0f : 0.0f);
	ramp_init(&lim->c, ceiling_target(lim));
}

/* ---- processing ---- */

/* One sub-block, n <= BLOCK frames, in place. */
static void
process_block(struct limiter *lim, float *l, float *r, uint32_t n)
{
	float *xl = lim->x[0], *xr = lim->x[1], *yl = lim->y[0], *yr = lim->y[1];
	const uint32_t d = lim->d, n4 = (n + 3) & ~3u;
	float e[BLOCK + PAD], wv[BLOCK], cv[BLOCK];

	ramp_fill(&lim->w, wv, n);
	ramp_fill(&lim->c, cv, n);
	if (max_abs_bits(l, n) >= NUM_GARBAGE_BITS || max_abs_bits(r, n) >= NUM_GARBAGE_BITS) {
		reset_state(lim);
		memset(l, 0, n * sizeof(float));
		memset(r, 0, n * sizeof(float));
		lim->dropped++;
		return;
	}
	memcpy(xl + d, l, n * sizeof(float));
	memcpy(xr + d, r, n * sizeof(float));

	/* detector: the frame i value covers the input interval [i - 32, i - 31] */
	if (lim->tp) {
		memset(e, 0, sizeof(e));
		tpi_detect(&lim->tpi, xl + d, e, n4);
		tpi_detect(&lim->tpi, xr + d, e, n4);
	} else {
		for (uint32_t i = 0; i < n; i++)
			e[i] = maxf(fabsf(xl[d + i - LIMITER_OS_DELAY]),
			            fabsf(xr[d + i - LIMITER_OS_DELAY]));
	}

	/* localise the state */
	const uint32_t h = lim->h, k1 = lim->k1, k2 = lim->k2;
	const double kr = lim->kr, inv = lim->inv;
	float *seg = lim->seg, *suf = lim->suf, run = lim->run, gmin = lim->gmin;
	uint32_t *ma1 = lim->ma1, o = lim->o, i1 = lim->i1, i2 = lim->i2;
	int64_t *ma2 = lim->ma2, s1 = lim->s1, s2 = lim->s2;
	double rel = lim->rel;

	for (uint32_t i = 0; i < n; i++) {
		/* the max of the last h detector values */
		seg[o] = e[i];
		run = maxf(run, e[i]);
		double peak = maxf(suf[o + 1], run);
		if (++o == h) {
			float m = 0.0f; /* suf[h] */
			for (uint32_t j = h; j-- > 0;) {
				m = maxf(seg[j], m);
				suf[j] = m;
			}
			run = 0.0f;
			o = 0;
		}
		/* the gain this window allows (exactly 1 at or under the ceiling); the release
		 * rises towards it and may never be above it */
		double cand = cv[i] / (peak > cv[i] ? peak : (double)cv[i]);
		double up = rel + kr * (cand - rel);
		rel = up < cand ? up : cand;
		rel = cand - rel < RELEASE_SNAP ? cand : rel;
		/* triangular FIR: two moving averages over exact integer sums */
		uint32_t q = (uint32_t)(rel * GQ_ONE); /* truncates: never above rel */
		s1 += (int64_t)q - ma1[i1];
		ma1[i1] = q;
		i1 = i1 + 1 == k1 ? 0 : i1 + 1;
		s2 += s1 - ma2[i2];
		ma2[i2] = s1;
		i2 = i2 + 1 == k2 ? 0 : i2 + 1;
		float s = (float)((double)s2 * inv);
		/* off (w = 0) is 1 exactly, on (w = 1) is s exactly */
		float g = 1.0f - wv[i] + wv[i] * s;
		gmin = g < gmin ? g : gmin;
		l[i] = xl[i] * g;
		r[i] = xr[i] * g;
	}

	lim->run = run;
	lim->o = o;
	lim->s1 = s1;
	lim->s2 = s2;
	lim->i1 = i1;
	lim->i2 = i2;
	lim->rel = rel;
	lim->gmin = gmin;

	/* the output's true peak, with the same interpolator */
	memcpy(yl + METER_PAST, l, n * sizeof(float));
	memcpy(yr + METER_PAST, r, n * sizeof(float));
	memset(e, 0, sizeof(e));
	tpi_meter(&lim->tpi, yl + METER_PAST, e, n4);
	tpi_meter(&lim->tpi, yr + METER_PAST, e, n4);
	float tp = lim->tpmax;
	for (uint32_t i = 0; i < n; i++)
		tp = maxf(tp, e[i]);
	lim->tpmax = tp;

	memmove(xl, xl + n, d * sizeof(float));
	memmove(xr, xr + n, d * sizeof(float));
	memmove(yl, yl + n, METER_PAST * sizeof(float));
	memmove(yr, yr + n, METER_PAST * sizeof(float));
}

void
limiter_process(struct limiter *lim, float *l, float *r, uint32_t n)
{
	if (lim->d == 0) {
		memset(l, 0, n * sizeof(float));
		memset(r, 0, n * sizeof(float));
		return;
	}
	for (uint32_t off = 0; off < n; off += BLOCK) {
		uint32_t m = n - off < BLOCK ? n - off : BLOCK;
		process_block(lim, l + off, r + off, m);
	}
}

float
limiter_read_gr(struct limiter *lim)
{
	float g = maxf(lim->gmin, 1e-10f); /* reads at most 200 dB */

	lim->gmin = 1.0f;
	return g >= 1.0f ? 0.0f : -20.0f * log10f(g);
}

float
limiter_read_truepeak(struct limiter *lim)
{
	float p = lim->tpmax;

	lim->tpmax = 0.0f;
	return p;
}

uint64_t
limiter_dropped(const struct limiter *lim)
{
	return lim->dropped;
}
