/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "chorus.h"
#include "numeric.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GLIDE_SNAP  1e-4f       /* log2 Hz: closer than this, the rate glide ends */
#define FLUSH_BITS  0x26901d7du /* float bits of CHORUS_FLUSH (1e-15f) */
#define INTERP_TAPS 2           /* Hermite reads up to 2 samples beyond the integer delay */

const float chorus_base_ms[CHORUS_VOICES] = { 11.0f, 15.5f, 8.5f, 19.5f };
const float chorus_phase[CHORUS_VOICES] = { 0.0f, 0.5f, 0.25f, 0.75f };

/* ---- settings ---- */

/* Voice gains g_k for a voice count v: w_k = clamp(v - k, 0, 1), g = w / |w|. */
static void
voice_gains(float v, float g[CHORUS_VOICES])
{
	float ss = 0.0f;

	for (int k = 0; k < CHORUS_VOICES; k++) {
		g[k] = clampf(v - (float)k, 0.0f, 1.0f);
		ss += g[k] * g[k];
	}
	for (int k = 0; k < CHORUS_VOICES; k++)
		g[k] /= sqrtf(ss); /* ss >= 1: voice 0 always sounds */
}

/* Half the peak-to-peak sweep in samples for the current depth. */
static float
half_depth(const struct chorus *c)
{
	return (float)(0.5 * c->depth_ms * 0.001 * c->fs);
}

/* Ends every glide at its target. */
static void
settle(struct chorus *c)
{
	float g[CHORUS_VOICES];

	c->rate_cur = c->rate_want;
	ramp_init(&c->depth, half_depth(c));
	voice_gains(c->voices, g);
	for (int k = 0; k < CHORUS_VOICES; k++)
		ramp_init(&c->gain[k], g[k]);
}

/* ---- life cycle ---- */

struct chorus *
chorus_new(void)
{
	struct chorus *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rate_hz = CHORUS_RATE_DEFAULT;
	c->depth_ms = CHORUS_DEPTH_DEFAULT;
	c->voices = CHORUS_VOICES_DEFAULT;
	c->rate_want = log2f(c->rate_hz);
	for (int k = 0; k < CHORUS_VOICES; k++) {
		for (int s = 0; s < 2; s++) {
			double ph = 2.0 * M_PI * (chorus_phase[k] + 0.25 * s);
			c->rot_c[k][s] = (float)cos(ph);
			c->rot_s[k][s] = (float)sin(ph);
		}
	}
	settle(c);
	return c;
}

void
chorus_free(struct chorus *c)
{
	if (!c)
		return;
	free(c->mem);
	free(c);
}

int
chorus_set_rate(struct chorus *c, double fs)
{
	uint32_t max_d, n = 1;
	float *mem;

	if (!(fs >= CHORUS_FS_MIN && fs <= CHORUS_FS_MAX))
		return -EINVAL;
	max_d = (uint32_t)ceil((CHORUS_BASE_MAX_MS + 0.5 * CHORUS_DEPTH_MAX) * 0.001 * fs) +
	        INTERP_TAPS;
	/* a grid block is written before it is read: the oldest tap of its first sample must
	 * survive the block's writes */
	while (n <= max_d + CHORUS_BLOCK)
		n <<= 1;
	/* malloc + memset rather than calloc: the pages are touched here, not in the RT thread */
	mem = malloc(2 * (size_t)n * sizeof(*mem));
	if (!mem)
		return -ENOMEM;
	memset(mem, 0, 2 * (size_t)n * sizeof(*mem));
	free(c->mem);
	c->mem = mem;
	c->fs = fs;
	c->line[0] = mem;
	c->line[1] = mem + n;
	c->mask = n - 1;
	c->w = 0;
	c->max_d = max_d;
	c->zero_run = n;
	for (int k = 0; k < CHORUS_VOICES; k++)
		c->base[k] = (float)(chorus_base_ms[k] * 0.001 * fs);
	c->kb = (float)(1.0 - exp(-CHORUS_BLOCK / (CHORUS_SMOOTH_MS * 0.001 * fs)));
	c->smooth_n = (uint32_t)lrint(CHORUS_SMOOTH_MS * 0.001 * fs);
	c->depth_n = (uint32_t)lrint(CHORUS_DEPTH_GLIDE_MS * 0.001 * fs);
	c->phase = 0.0;
	c->grid = 0;
	settle(c);
	return 0;
}

void
chorus_set(struct chorus *c, float rate_hz, float depth_ms, float voices)
{
	if (!isnan(rate_hz)) {
		c->rate_hz = clampf(rate_hz, CHORUS_RATE_MIN, CHORUS_RATE_MAX);
		c->rate_want = log2f(c->rate_hz);
	}
	if (!isnan(depth_ms)) {
		c->depth_ms = clampf(depth_ms, CHORUS_DEPTH_MIN, CHORUS_DEPTH_MAX);
		ramp_to(&c->depth, half_depth(c), c->depth_n);
	}
	if (!isnan(voices)) {
		float g[CHORUS_VOICES];

		c->voices = clampf(voices, CHORUS_VOICES_MIN, CHORUS_VOICES_MAX);
		voice_gains(c->voices, g);
		for (int k = 0; k < CHORUS_VOICES; k++)
			ramp_to(&c->gain[k], g[k], c->smooth_n);
	}
}

void
chorus_reset(struct chorus *c)
{
	if (!c->mem)
		return;
	memset(c->mem, 0, 2 * ((size_t)c->mask + 1) * sizeof(float));
	c->zero_run = c->mask + 1;
	settle(c);
}

/* ---- processing ---- */

static inline float
flush(float x)
{
	return fabsf(x) < CHORUS_FLUSH ? 0.0f : x;
}

/* At the start of a grid block: the rate's glide step, the block's starting phase and
 * increment, and the phase of the next block. The LFO's values wait for lfo_fill: an idle
 * chorus never computes them. */
static void
plan_grid(struct chorus *c)
{
	if (c->rate_cur != c->rate_want) {
		c->rate_cur += c->kb * (c->rate_want - c->rate_cur);
		if (fabsf(c->rate_want - c->rate_cur) < GLIDE_SNAP)
			c->rate_cur = c->rate_want;
	}
	/* at rest the rate is exactly the one set, not a round trip through log2 */
	c->blk_inc = (c->rate_cur == c->rate_want ? (double)c->rate_hz : exp2(c->rate_cur)) / c->fs;
	c->blk_phase = c->phase;
	c->lfo_ready = false;
	c->phase += CHORUS_BLOCK * c->blk_inc;
	c->phase -= floor(c->phase);
}

/* The LFO's sin and cos at every sample of the grid block, by rotating the starting phasor in
 * double (no drift: each block starts from the exact phase). */
static void
lfo_fill(struct chorus *c)
{
	double s = sin(2.0 * M_PI * c->blk_phase), co = cos(2.0 * M_PI * c->blk_phase);
	const double rs = sin(2.0 * M_PI * c->blk_inc), rc = cos(2.0 * M_PI * c->blk_inc);

	for (int j = 0; j < CHORUS_BLOCK; j++) {
		double t = s * rc + co * rs;

		c->lfo_s[j] = (float)s;
		c->lfo_c[j] = (float)co;
		co = co * rc - s * rs;
		s = t;
	}
	c->lfo_ready = true;
}

/*
 * len samples of one grid block, starting at grid position j0. State (localised):
 *   l0, l1, m, w  the lines, their mask, the write index of the block's first sample
 *   hd[]          half the sweep per sample (samples); g[k][] voice k's gain per sample
 *   lfo_s, lfo_c  the LFO's sin and cos at grid positions j0 + i
 * The block is written into the lines first (no delay is shorter than a block's distance from
 * the taps it reads; see chorus_set_rate), then every active voice adds its two taps into the
 * outputs, which start at +0 (so a voice whose taps are all 0 adds exact zeros). Each tap is
 * three passes over the block: the delays (vectorised), the four line reads per sample (a
 * gather), the 4-point cubic Hermite (Catmull-Rom) between the samples at delays floor(d) and
 * floor(d) + 1 (vectorised).
 */
static void
run(struct chorus *c, const float *xl, const float *xr, const float *hd,
    float g[CHORUS_VOICES][CHORUS_BLOCK], const bool *active, float *yl, float *yr, uint32_t len)
{
	float *l0 = c->line[0], *l1 = c->line[1];
	const uint32_t m = c->mask, w = c->w, j0 = c->grid;
	const float *ls = c->lfo_s + j0, *lc = c->lfo_c + j0;

	for (uint32_t i = 0; i < len; i++) {
		l0[(w + i) & m] = flush(xl[i]);
		l1[(w + i) & m] = flush(xr[i]);
		yl[i] = 0.0f;
		yr[i] = 0.0f;
	}
	for (int k = 0; k < CHORUS_VOICES; k++) {
		const float base = c->base[k];
		const float *gk = g[k];

		if (!active[k])
			continue;
		for (int s = 0; s < 2; s++) {
			const float rc = c->rot_c[k][s], rs = c->rot_s[k][s];
			const float *line = s ? l1 : l0;
			float *y = s ? yr : yl;
			float t[CHORUS_BLOCK], xm1[CHORUS_BLOCK], x0[CHORUS_BLOCK],
			    x1[CHORUS_BLOCK], x2[CHORUS_BLOCK];
			int32_t di[CHORUS_BLOCK];

			for (uint32_t i = 0; i < len; i++) {
				/* sin(theta + phi) = sin theta cos phi + cos theta sin phi */
				float d = base + hd[i] * (ls[i] * rc + lc[i] * rs);
				di[i] = (int32_t)d;
				t[i] = d - (float)di[i];
			}
			for (uint32_t i = 0; i < len; i++) {
				uint32_t q = w + i - (uint32_t)di[i];
				xm1[i] = line[(q + 1) & m];
				x0[i] = line[q & m];
				x1[i] = line[(q - 1) & m];
				x2[i] = line[(q - 2) & m];
			}
			for (uint32_t i = 0; i < len; i++) {
				float c1 = 0.5f * (x1[i] - xm1[i]);
				float c2 = xm1[i] - 2.5f * x0[i] + 2.0f * x1[i] - 0.5f * x2[i];
				float c3 = 0.5f * (x2[i] - xm1[i]) + 1.5f * (x0[i] - x1[i]);
				float v = ((c3 * t[i] + c2) * t[i] + c1) * t[i] + x0[i];
				y[i] += gk[i] * v;
			}
		}
	}
	c->w = (w + len) & m;
}

void
chorus_process(struct chorus *c, const float *in_l, const float *in_r, float *out_l, float *out_r,
               uint32_t n)
{
	uint32_t off = 0;

	if (!c->mem) {
		memset(out_l, 0, n * sizeof(*out_l));
		memset(out_r, 0, n * sizeof(*out_r));
		return;
	}
	while (off < n) {
		float xl[CHORUS_BLOCK], xr[CHORUS_BLOCK], hd[CHORUS_BLOCK];
		float g[CHORUS_VOICES][CHORUS_BLOCK];
		bool active[CHORUS_VOICES];
		uint32_t len = CHORUS_BLOCK - c->grid, level, bits_r;

		if (len > n - off)
			len = n - off;
		if (c->grid == 0)
			plan_grid(c);
		/* a copy: the outputs may alias the inputs */
		memcpy(xl, in_l + off, len * sizeof(float));
		memcpy(xr, in_r + off, len * sizeof(float));
		level = max_abs_bits(xl, len);
		bits_r = max_abs_bits(xr, len);
		level = bits_r > level ? bits_r : level;
		if (level >= NUM_GARBAGE_BITS) {
			memset(xl, 0, sizeof(xl));
			memset(xr, 0, sizeof(xr));
			chorus_reset(c);
			c->dropped++;
			level = 0;
		}
		ramp_fill(&c->depth, hd, len);
		for (int k = 0; k < CHORUS_VOICES; k++) {
			active[k] = ramp_moving(&c->gain[k]) || c->gain[k].cur != 0.0f;
			ramp_fill(&c->gain[k], g[k], len);
		}
		if (level < FLUSH_BITS && c->zero_run > c->mask) {
			/* idle: every line value is 0, so is every output; the write index moves on
			 * over zeros that are already there */
			memset(out_l + off, 0, len * sizeof(float));
			memset(out_r + off, 0, len * sizeof(float));
			c->w = (c->w + len) & c->mask;
		} else {
			c->zero_run = level < FLUSH_BITS ? c->zero_run + len : 0;
			if (!c->lfo_ready)
				lfo_fill(c);
			run(c, xl, xr, hd, g, active, out_l + off, out_r + off, len);
			/* last line of defence: bounded input cannot get here */
			if (max_abs_bits(out_l + off, len) >= NUM_INF_BITS ||
			    max_abs_bits(out_r + off, len) >= NUM_INF_BITS) {
				memset(out_l + off, 0, len * sizeof(float));
				memset(out_r + off, 0, len * sizeof(float));
				chorus_reset(c);
				c->resets++;
			}
		}
		c->grid += len;
		if (c->grid == CHORUS_BLOCK)
			c->grid = 0;
		off += len;
	}
}
