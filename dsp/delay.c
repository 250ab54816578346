/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "delay.h"
#include "numeric.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GLIDE_SNAP 1e-4f       /* log2 Hz: closer than this, a cut-off glide ends */
#define SVF_K      1.41421356f /* 1/Q, Q = 1/sqrt(2) */

const char *const delay_divisions[] = {
	"1/1",  "1/2",   "1/4",  "1/8",  "1/16",  "1/32", "1/4d",
	"1/8d", "1/16d", "1/4t", "1/8t", "1/16t", NULL,
};
_Static_assert(sizeof(delay_divisions) / sizeof(delay_divisions[0]) == DELAY_N_DIVISIONS + 1,
               "one name per division");

/* Notes per whole note, and the dotted/triplet factor, per division. */
static const struct {
	double div, mult;
} div_tab[DELAY_N_DIVISIONS] = {
	[DELAY_DIV_1] = { 1, 1.0 },        [DELAY_DIV_2] = { 2, 1.0 },
	[DELAY_DIV_4] = { 4, 1.0 },        [DELAY_DIV_8] = { 8, 1.0 },
	[DELAY_DIV_16] = { 16, 1.0 },      [DELAY_DIV_32] = { 32, 1.0 },
	[DELAY_DIV_4D] = { 4, 1.5 },       [DELAY_DIV_8D] = { 8, 1.5 },
	[DELAY_DIV_16D] = { 16, 1.5 },     [DELAY_DIV_4T] = { 4, 2.0 / 3.0 },
	[DELAY_DIV_8T] = { 8, 2.0 / 3.0 }, [DELAY_DIV_16T] = { 16, 2.0 / 3.0 },
};

double
delay_division_ms(double bpm, int division)
{
	if (!(bpm > 0.0 && isfinite(bpm)) || division < 0 || division >= DELAY_N_DIVISIONS)
		return NAN;
	return 240000.0 / (bpm * div_tab[division].div) * div_tab[division].mult;
}

uint32_t
delay_target_samples(const struct delay *d)
{
	double ms = d->time_ms, s;

	if (d->sync && d->bpm > 0.0)
		ms = delay_division_ms(d->bpm, d->division);
	if (!(ms >= DELAY_TIME_MIN)) /* also a NaN, which cannot happen */
		ms = DELAY_TIME_MIN;
	if (ms > DELAY_TIME_MAX)
		ms = DELAY_TIME_MAX;
	s = nearbyint(ms * 0.001 * d->fs);
	if (s < 1.0)
		s = 1.0;
	if (s > d->max_d)
		s = d->max_d;
	return (uint32_t)s;
}

static void
retarget(struct delay *d)
{
	if (d->fs > 0.0)
		xfade_want(&d->tap, delay_target_samples(d));
}

/* g = tan(pi f/fs) for cut-off f = 2^l2hz Hz, kept below Nyquist. */
static float
svf_g(const struct delay *d, float l2hz)
{
	double f = exp2(l2hz);

	if (f > 0.45 * d->fs)
		f = 0.45 * d->fs;
	return (float)tan(M_PI * f / d->fs);
}

static inline void
svf_coefs(struct delay_svf *c, float g)
{
	c->a1 = 1.0f / (1.0f + g * (g + SVF_K));
	c->a2 = g * c->a1;
	c->a3 = g * c->a2;
}

/* Sets the filter at rest at g. */
static void
svf_at(struct delay_svf *c, float g)
{
	c->g = c->g1 = g;
	svf_coefs(c, g);
}

/* Ends every glide and fade at its target. */
static void
settle(struct delay *d)
{
	d->lc_cur = d->lc_want;
	d->hc_cur = d->hc_want;
	ramp_init(&d->fb, d->feedback);
	ramp_init(&d->pp, d->pingpong ? 1.0f : 0.0f);
	if (d->fs > 0.0) {
		svf_at(&d->hp, svf_g(d, d->lc_cur));
		svf_at(&d->lp, svf_g(d, d->hc_cur));
		xfade_want(&d->tap, delay_target_samples(d));
		xfade_settle(&d->tap);
	}
}

/* ---- life cycle ---- */

struct delay *
delay_new(void)
{
	struct delay *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->time_ms = DELAY_TIME_DEFAULT;
	d->feedback = DELAY_FB_DEFAULT;
	d->lowcut_hz = DELAY_LOWCUT_DEFAULT;
	d->highcut_hz = DELAY_HIGHCUT_DEFAULT;
	d->pingpong = DELAY_PINGPONG_DEFAULT;
	d->sync = DELAY_SYNC_DEFAULT;
	d->division = DELAY_DIVISION_DEFAULT;
	d->lc_want = log2f(d->lowcut_hz);
	d->hc_want = log2f(d->highcut_hz);
	xfade_init(&d->tap, 1, 1);
	settle(d);
	return d;
}

void
delay_free(struct delay *d)
{
	if (!d)
		return;
	free(d->mem);
	free(d);
}

int
delay_set_rate(struct delay *d, double fs)
{
	uint32_t max_d, n = 1;
	float *mem;

	if (!(fs >= DELAY_FS_MIN && fs <= DELAY_FS_MAX))
		return -EINVAL;
	max_d = (uint32_t)lrint(DELAY_TIME_MAX * 0.001 * fs);
	while (n <= max_d) /* a tap at max_d must not read the sample being written */
		n <<= 1;
	/* malloc + memset rather than calloc: the pages are touched here, not in the RT thread */
	mem = malloc(2 * (size_t)n * sizeof(*mem));
	if (!mem)
		return -ENOMEM;
	memset(mem, 0, 2 * (size_t)n * sizeof(*mem));
	free(d->mem);
	d->mem = mem;
	d->fs = fs;
	d->line[0] = mem;
	d->line[1] = mem + n;
	d->mask = n - 1;
	d->w = 0;
	d->max_d = max_d;
	memset(d->hp_ic, 0, sizeof(d->hp_ic));
	memset(d->lp_ic, 0, sizeof(d->lp_ic));
	d->kb = (float)(1.0 - exp(-DELAY_BLOCK / (DELAY_SMOOTH_MS * 0.001 * fs)));
	d->smooth_n = (uint32_t)lrint(DELAY_SMOOTH_MS * 0.001 * fs);
	d->grid = 0;
	xfade_init(&d->tap, delay_target_samples(d), (uint32_t)lrint(DELAY_FADE_MS * 0.001 * fs));
	settle(d);
	return 0;
}

void
delay_set(struct delay *d, float time_ms, float feedback, float lowcut_hz, float highcut_hz,
          bool pingpong, bool sync, int division)
{
	if (!isnan(time_ms))
		d->time_ms = clampf(time_ms, DELAY_TIME_MIN, DELAY_TIME_MAX);
	if (!isnan(feedback)) {
		d->feedback = clampf(feedback, DELAY_FB_MIN, DELAY_FB_MAX);
		ramp_to(&d->fb, d->feedback, d->smooth_n);
	}
	if (!isnan(lowcut_hz)) {
		d->lowcut_hz = clampf(lowcut_hz, DELAY_LOWCUT_MIN, DELAY_LOWCUT_MAX);
		d->lc_want = log2f(d->lowcut_hz);
	}
	if (!isnan(highcut_hz)) {
		d->highcut_hz = clampf(highcut_hz, DELAY_HIGHCUT_MIN, DELAY_HIGHCUT_MAX);
		d->hc_want = log2f(d->highcut_hz);
	}
	d->pingpong = pingpong;
	ramp_to(&d->pp, pingpong ? 1.0f : 0.0f, d->smooth_n);
	d->sync = sync;
	d->division = division < 0                    ? 0
	              : division >= DELAY_N_DIVISIONS ? DELAY_N_DIVISIONS - 1
	                                              : division;
	retarget(d);
}

void
delay_set_tempo(struct delay *d, double bpm)
{
	bpm = bpm > 0.0 && isfinite(bpm) ? bpm : 0.0;
	if (bpm == d->bpm)
		return; /* called every cycle by mixd: most cycles nothing changed */
	d->bpm = bpm;
	retarget(d);
}

void
delay_reset(struct delay *d)
{
	if (!d->mem)
		return;
	memset(d->mem, 0, 2 * ((size_t)d->mask + 1) * sizeof(float));
	memset(d->hp_ic, 0, sizeof(d->hp_ic));
	memset(d->lp_ic, 0, sizeof(d->lp_ic));
	settle(d);
}

/* ---- processing ---- */

static inline float
flush(float x)
{
	return fabsf(x) < DELAY_FLUSH ? 0.0f : x;
}

/* One cut-off glide step at the start of a grid block; true when it moved. */
static bool
glide_step(float *cur, float want, float kb)
{
	if (*cur == want)
		return false;
	*cur += kb * (want - *cur);
	if (fabsf(want - *cur) < GLIDE_SNAP)
		*cur = want;
	return true;
}

/* At the start of a grid block: the cut-offs' glide step, and g at the block's end. */
static void
plan_grid(struct delay *d)
{
	if (glide_step(&d->lc_cur, d->lc_want, d->kb))
		d->hp.g1 = svf_g(d, d->lc_cur);
	if (glide_step(&d->hc_cur, d->hc_want, d->kb))
		d->lp.g1 = svf_g(d, d->hc_cur);
}

/* At the end of a grid block: the end values become the start values. */
static void
end_grid(struct delay *d)
{
	if (d->hp.g != d->hp.g1)
		svf_at(&d->hp, d->hp.g1);
	if (d->lp.g != d->lp.g1)
		svf_at(&d->lp, d->lp.g1);
}

/* Trapezoidal SVF step (Cytomic): updates the integrators ic[0], ic[1]; v1 band, v2 low. */
static inline void
svf_tick(const struct delay_svf *c, float *ic, float x, float *v1, float *v2)
{
	float v3 = x - ic[1];

	*v1 = c->a1 * ic[0] + c->a2 * v3;
	*v2 = ic[1] + c->a2 * ic[0] + c->a3 * v3;
	ic[0] = 2.0f * *v1 - ic[0];
	ic[1] = 2.0f * *v2 - ic[1];
}

/*
 * len samples of one grid block. State (localised, stored back at the end):
 *   l0, l1, m, w  the lines, their mask and the write index; ta, tb the taps' delays
 *   wx[]          cross-fade weight of tap tb (when fade)
 *   fb[], pp[]    feedback and routing (0 stereo .. 1 ping-pong) per sample
 *   hp, lp        SVF integrators [side][2]; hc, lc their coefficients (per sample while a
 *                 cut-off moves: g from the block's start value by dgh, dgl per sample)
 * `fade` is a constant in each inlined copy.
 */
static inline __attribute__((always_inline)) void
run(struct delay *d, const float *xl, const float *xr, const float *wx, bool fade, const float *fb,
    const float *pp, float *yl, float *yr, uint32_t len)
{
	float *l0 = d->line[0], *l1 = d->line[1];
	const uint32_t m = d->mask, ta = d->tap.a, tb = d->tap.b;
	uint32_t w = d->w;
	struct delay_svf hc = d->hp, lc = d->lp;
	const bool moving = hc.g != hc.g1 || lc.g != lc.g1;
	const float j0 = (float)d->grid + 1.0f, inv = 1.0f / DELAY_BLOCK;
	const float dgh = (hc.g1 - hc.g) * inv, dgl = (lc.g1 - lc.g) * inv;
	float hp[2][2], lp[2][2];

	memcpy(hp, d->hp_ic, sizeof(hp));
	memcpy(lp, d->lp_ic, sizeof(lp));
	for (uint32_t i = 0; i < len; i++) {
		float tl = l0[(w - ta) & m], tr = l1[(w - ta) & m];
		float p = pp[i], f = fb[i], s[2];

		if (moving) {
			svf_coefs(&hc, d->hp.g + dgh * (j0 + (float)i));
			svf_coefs(&lc, d->lp.g + dgl * (j0 + (float)i));
		}

		if (fade) {
			tl = (1.0f - wx[i]) * tl + wx[i] * l0[(w - tb) & m];
			tr = (1.0f - wx[i]) * tr + wx[i] * l1[(w - tb) & m];
		}
		yl[i] = tl;
		yr[i] = tr;
		/* routing, linear in p so a mode change cross-fades:
		 *   p = 0: L <- in L + f tap L,         R <- in R + f tap R
		 *   p = 1: L <- (in L + in R)/2 + f tap R, R <- f tap L */
		s[0] = xl[i] + 0.5f * p * (xr[i] - xl[i]) + f * (tl + p * (tr - tl));
		s[1] = (1.0f - p) * xr[i] + f * (tr + p * (tl - tr));
		for (int c = 0; c < 2; c++) {
			float v1, v2;

			svf_tick(&hc, hp[c], s[c], &v1, &v2);
			svf_tick(&lc, lp[c], s[c] - SVF_K * v1 - v2, &v1, &v2);
			s[c] = flush(v2);
		}
		l0[w] = s[0];
		l1[w] = s[1];
		w = (w + 1) & m;
	}
	d->w = w;
	/* an SVF mode decays by at most ~0.8^32 per block: flushing here keeps the integrators out
	 * of the denormal range */
	for (int c = 0; c < 2; c++) {
		for (int k = 0; k < 2; k++) {
			d->hp_ic[c][k] = flush(hp[c][k]);
			d->lp_ic[c][k] = flush(lp[c][k]);
		}
	}
}

void
delay_process(struct delay *d, const float *in_l, const float *in_r, float *out_l, float *out_r,
              uint32_t n)
{
	uint32_t off = 0;

	if (!d->mem) {
		memset(out_l, 0, n * sizeof(*out_l));
		memset(out_r, 0, n * sizeof(*out_r));
		return;
	}
	while (off < n) {
		float xl[DELAY_BLOCK], xr[DELAY_BLOCK], wx[DELAY_BLOCK], fb[DELAY_BLOCK],
		    pp[DELAY_BLOCK];
		uint32_t len = DELAY_BLOCK - d->grid;

		if (len > n - off)
			len = n - off;
		if (d->grid == 0)
			plan_grid(d);
		/* a copy: the outputs may alias the inputs */
		memcpy(xl, in_l + off, len * sizeof(float));
		memcpy(xr, in_r + off, len * sizeof(float));
		if (max_abs_bits(xl, len) >= NUM_GARBAGE_BITS ||
		    max_abs_bits(xr, len) >= NUM_GARBAGE_BITS) {
			memset(xl, 0, sizeof(xl));
			memset(xr, 0, sizeof(xr));
			delay_reset(d);
			d->dropped++;
		}
		ramp_fill(&d->fb, fb, len);
		ramp_fill(&d->pp, pp, len);
		if (xfade_fill(&d->tap, wx, len))
			run(d, xl, xr, wx, true, fb, pp, out_l + off, out_r + off, len);
		else
			run(d, xl, xr, wx, false, fb, pp, out_l + off, out_r + off, len);
		/* last line of defence: bounded input cannot get here */
		if (max_abs_bits(out_l + off, len) >= NUM_INF_BITS ||
		    max_abs_bits(out_r + off, len) >= NUM_INF_BITS) {
			memset(out_l + off, 0, len * sizeof(float));
			memset(out_r + off, 0, len * sizeof(float));
			delay_reset(d);
			d->resets++;
		}
		d->grid += len;
		if (d->grid == DELAY_BLOCK) {
			d->grid = 0;
			end_grid(d);
		}
		off += len;
	}
}
