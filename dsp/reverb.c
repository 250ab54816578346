/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reverb.h"
#include "numeric.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* zita-rev1's geometry (dsp-reference.md §4): the total length of each loop and the part of it
 * taken by the loop's allpass diffuser. Mutually prime-ish lengths spread the modes evenly. */
static const double loop_ms[REVERB_LOOPS] = { 153.129, 210.389, 127.837, 256.891,
	                                      174.713, 192.303, 125.000, 219.991 };
static const double diff_ms[REVERB_LOOPS] = { 20.346, 24.421, 31.604, 27.333,
	                                      22.904, 29.291, 13.458, 19.123 };

#define IN_GAIN    0.3f        /* input into the loops */
#define DIFF_C     0.6f        /* diffuser coefficient, sign alternating per loop */
#define RSQRT8     0.35355339f /* sqrt(1/8): makes the Hadamard orthonormal */
#define WET_GAIN   0.7         /* g = WET_GAIN / sqrt(rt_mid) */
#define GLIDE_SNAP 1e-4f       /* log2 units: closer than this, a glide ends */

static uint32_t
samples(double fs, double ms)
{
	return (uint32_t)floor(0.5 + fs * ms * 0.001);
}

/* ---- coefficients ---- */

/* The loop filters and the wet gain for rt_mid = rt seconds and damping fdamp Hz. Double: this
 * runs once per grid block while a parameter moves, never per sample. */
static void
coefs(const struct reverb *r, double rt, double fdamp, float *gmf, float *glo, float *whi, float *g)
{
	double rt_low = REVERB_LOW_RATIO * rt, chi;

	/* at or past Nyquist the one-pole cannot reach the asked-for gain: damp at Nyquist */
	if (fdamp >= 0.49 * r->fs)
		chi = 2.0;
	else
		chi = 1.0 - cos(2.0 * M_PI * fdamp / r->fs);
	for (int j = 0; j < REVERB_LOOPS; j++) {
		double d = r->total[j] / r->fs;
		double m = pow(0.001, d / rt);
		/* RT halves at fdamp: the loop gain there is 0.001^(d/(rt/2)) / m = m */
		double t = (1.0 - m * m) / (2.0 * m * m * chi);

		gmf[j] = (float)m;
		glo[j] = (float)(pow(0.001, d / rt_low) / m - 1.0);
		whi[j] = (float)((sqrt(1.0 + 4.0 * t) - 1.0) / (2.0 * t));
	}
	*g = (float)(WET_GAIN / sqrt(rt));
}

/* One grid step of a glide; true while it moves. */
static bool
glide_step(struct reverb_glide *s, float kb)
{
	if (s->cur == s->want)
		return false;
	s->cur += kb * (s->want - s->cur);
	if (fabsf(s->want - s->cur) < GLIDE_SNAP)
		s->cur = s->want;
	return true;
}

/* Ends the glides at their targets: block start and end coefficients both at the targets. */
static void
settle(struct reverb *r)
{
	r->time.cur = r->time.want;
	r->damp.cur = r->damp.want;
	if (r->fs > 0.0) {
		coefs(r, exp2(r->time.cur), exp2(r->damp.cur), r->gmf, r->glo, r->whi, &r->g);
		memcpy(r->gmf1, r->gmf, sizeof(r->gmf));
		memcpy(r->glo1, r->glo, sizeof(r->glo));
		memcpy(r->whi1, r->whi, sizeof(r->whi));
		r->g1 = r->g;
	}
	r->moving = false;
	xfade_settle(&r->pre_x);
}

/* At the start of a grid block: steps the glides and, while they move, sets the coefficients
 * the block ends on. */
static void
plan_grid(struct reverb *r)
{
	bool t = glide_step(&r->time, r->kb);
	bool d = glide_step(&r->damp, r->kb);

	r->moving = t || d;
	if (r->moving)
		coefs(r, exp2(r->time.cur), exp2(r->damp.cur), r->gmf1, r->glo1, r->whi1, &r->g1);
}

/* At the end of a grid block the block's end values become the next block's start values. */
static void
end_grid(struct reverb *r)
{
	if (!r->moving)
		return;
	memcpy(r->gmf, r->gmf1, sizeof(r->gmf));
	memcpy(r->glo, r->glo1, sizeof(r->glo));
	memcpy(r->whi, r->whi1, sizeof(r->whi));
	r->g = r->g1;
	r->moving = false;
}

/* The state is exactly 0: idle until input arrives, and flush from then on until a block is
 * loud. */
static void
quiet(struct reverb *r)
{
	r->idle = true;
	r->flushing = true;
	r->zero_run = 0;
	r->level = 0;
}

/* ---- life cycle ---- */

struct reverb *
reverb_new(void)
{
	struct reverb *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->time_s = REVERB_TIME_DEFAULT;
	r->damping_hz = REVERB_DAMP_DEFAULT;
	r->predelay_ms = REVERB_PREDELAY_DEFAULT;
	r->time.want = r->time.cur = log2f(r->time_s);
	r->damp.want = r->damp.cur = log2f(r->damping_hz);
	xfade_init(&r->pre_x, 0, 1);
	return r;
}

void
reverb_free(struct reverb *r)
{
	if (!r)
		return;
	free(r->mem);
	free(r);
}

int
reverb_set_rate(struct reverb *r, double fs)
{
	uint32_t total[REVERB_LOOPS], dlen[REVERB_LOOPS], pre_n = 1, pre_max;
	size_t n = 0;
	float *mem, *p;

	if (!(fs >= REVERB_FS_MIN && fs <= REVERB_FS_MAX))
		return -EINVAL;
	for (int j = 0; j < REVERB_LOOPS; j++) {
		total[j] = samples(fs, loop_ms[j]);
		dlen[j] = samples(fs, diff_ms[j]);
		n += total[j];
	}
	pre_max = samples(fs, REVERB_PREDELAY_MAX);
	while (pre_n <= pre_max) /* a tap at pre_max must not read the sample being written */
		pre_n <<= 1;
	n += 2 * (size_t)pre_n;

	/* malloc + memset rather than calloc: the pages are touched here, not in the RT thread */
	mem = malloc(n * sizeof(*mem));
	if (!mem)
		return -ENOMEM;
	memset(mem, 0, n * sizeof(*mem));
	free(r->mem);
	r->mem = mem;
	r->fs = fs;

	p = mem;
	for (int j = 0; j < REVERB_LOOPS; j++) {
		r->total[j] = total[j];
		r->diff[j] = (struct reverb_line){ p, dlen[j], 0 };
		p += dlen[j];
		r->loop[j] = (struct reverb_line){ p, total[j] - dlen[j], 0 };
		p += total[j] - dlen[j];
		r->slo[j] = r->shi[j] = 0.0f;
	}
	r->pre[0] = p;
	r->pre[1] = p + pre_n;
	r->pre_mask = pre_n - 1;
	r->pre_w = 0;

	r->wlo = (float)(1.0 - exp(-2.0 * M_PI * REVERB_XOVER_HZ / fs));
	r->kb = (float)(1.0 - exp(-REVERB_BLOCK / (REVERB_SMOOTH_MS * 0.001 * fs)));
	r->grid = 0;
	/* longer than any path from an input to an output: the predelay line and a loop */
	r->idle_n = 0;
	for (int j = 0; j < REVERB_LOOPS; j++)
		r->idle_n = total[j] > r->idle_n ? total[j] : r->idle_n;
	r->idle_n += pre_n + 2 * REVERB_BLOCK;
	quiet(r);
	xfade_init(&r->pre_x, (uint32_t)lrint(r->predelay_ms * 0.001 * fs),
	           (uint32_t)lrint(REVERB_FADE_MS * 0.001 * fs));
	settle(r);
	return 0;
}

void
reverb_set(struct reverb *r, float time_s, float damping_hz, float predelay_ms)
{
	if (!isnan(time_s)) {
		r->time_s = clampf(time_s, REVERB_TIME_MIN, REVERB_TIME_MAX);
		r->time.want = log2f(r->time_s);
	}
	if (!isnan(damping_hz)) {
		r->damping_hz = clampf(damping_hz, REVERB_DAMP_MIN, REVERB_DAMP_MAX);
		r->damp.want = log2f(r->damping_hz);
	}
	if (!isnan(predelay_ms)) {
		r->predelay_ms = clampf(predelay_ms, REVERB_PREDELAY_MIN, REVERB_PREDELAY_MAX);
		if (r->fs > 0.0)
			xfade_want(&r->pre_x, (uint32_t)lrint(r->predelay_ms * 0.001 * r->fs));
	}
}

void
reverb_reset(struct reverb *r)
{
	if (!r->mem)
		return;
	for (int j = 0; j < REVERB_LOOPS; j++) {
		memset(r->loop[j].buf, 0, r->loop[j].len * sizeof(float));
		memset(r->diff[j].buf, 0, r->diff[j].len * sizeof(float));
		r->slo[j] = r->shi[j] = 0.0f;
	}
	memset(r->pre[0], 0, 2 * (r->pre_mask + 1) * sizeof(float));
	settle(r);
	quiet(r);
}

uint32_t
reverb_shortest_path(const struct reverb *r, int right)
{
	uint32_t m = UINT32_MAX;

	if (!r->mem)
		return 0;
	/* the immediate path through the diffusers cancels at the output taps (reverb.h): the
	 * first sound is the shortest diffuser delay of the loops this side feeds */
	for (int j = right ? 4 : 0; j < (right ? 8 : 4); j++)
		m = r->diff[j].len < m ? r->diff[j].len : m;
	return m;
}

/* ---- processing ---- */

static inline float
flush(float x)
{
	return fabsf(x) < REVERB_FLUSH ? 0.0f : x;
}

/*
 * The network over len samples of one grid block. State (localised, stored back at the end):
 *   pl, pr, pw    predelay lines and their write index; da, db the two taps' delays
 *   x[j]          the loop signals: line output + input, then diffused, then mixed
 *   lp[j], dp[j]  loop line j and its diffuser at the current read/write position
 *   slo, shi      decay filter states (low-shelf one-pole, damping one-pole)
 *   gmf, glo, whi loop coefficients at the block start, dgmf... their per-sample increments
 *   w[]           predelay cross-fade weight of tap db (when fade)
 * `fl` (flush tiny values) is a constant in each inlined copy: the common, loud case pays
 * nothing for it. `fade` and `moving` are loop-invariant branches.
 */
static inline __attribute__((always_inline)) void
run(struct reverb *r, const float *xl, const float *xr, const float *w, bool fade, bool fl,
    float *yl, float *yr, uint32_t len)
{
	const uint32_t m = r->pre_mask, da = r->pre_x.a, db = r->pre_x.b;
	const bool moving = r->moving;
	float *pl = r->pre[0], *pr = r->pre[1];
	uint32_t pw = r->pre_w;
	const float wlo = r->wlo, j0 = (float)r->grid + 1.0f, inv = 1.0f / REVERB_BLOCK;
	float slo[REVERB_LOOPS], shi[REVERB_LOOPS];
	float gmf[REVERB_LOOPS], glo[REVERB_LOOPS], whi[REVERB_LOOPS];
	float dgmf[REVERB_LOOPS], dglo[REVERB_LOOPS], dwhi[REVERB_LOOPS];
	float *lb[REVERB_LOOPS], *dbuf[REVERB_LOOPS];
	uint32_t li[REVERB_LOOPS], di[REVERB_LOOPS], ll[REVERB_LOOPS], dl[REVERB_LOOPS];
	float g = r->g, dg = (r->g1 - r->g) * inv;

	for (int j = 0; j < REVERB_LOOPS; j++) {
		slo[j] = r->slo[j];
		shi[j] = r->shi[j];
		gmf[j] = r->gmf[j];
		glo[j] = r->glo[j];
		whi[j] = r->whi[j];
		dgmf[j] = (r->gmf1[j] - gmf[j]) * inv;
		dglo[j] = (r->glo1[j] - glo[j]) * inv;
		dwhi[j] = (r->whi1[j] - whi[j]) * inv;
		lb[j] = r->loop[j].buf;
		li[j] = r->loop[j].i;
		ll[j] = r->loop[j].len;
		dbuf[j] = r->diff[j].buf;
		di[j] = r->diff[j].i;
		dl[j] = r->diff[j].len;
	}

	for (uint32_t i = 0; i < len;) {
		/* a span in which no line wraps: no index checks inside */
		uint32_t span = len - i;
		float *lp[REVERB_LOOPS], *dp[REVERB_LOOPS];

		for (int j = 0; j < REVERB_LOOPS; j++) {
			span = ll[j] - li[j] < span ? ll[j] - li[j] : span;
			span = dl[j] - di[j] < span ? dl[j] - di[j] : span;
			lp[j] = lb[j] + li[j];
			dp[j] = dbuf[j] + di[j];
		}
		for (uint32_t k = 0; k < span; k++, i++) {
			float a, b, t, x[REVERB_LOOPS];
			const float jj = j0 + (float)i;

			/* predelay: write, then read (a 0 ms predelay passes the sample through) */
			pl[pw] = xl[i];
			pr[pw] = xr[i];
			a = pl[(pw - da) & m];
			b = pr[(pw - da) & m];
			if (fade) {
				a = (1.0f - w[i]) * a + w[i] * pl[(pw - db) & m];
				b = (1.0f - w[i]) * b + w[i] * pr[(pw - db) & m];
			}
			pw = (pw + 1) & m;

			/* L into loops 0..3, R into 4..7, signs + + - - */
			t = IN_GAIN * a;
			x[0] = lp[0][k] + t;
			x[1] = lp[1][k] + t;
			x[2] = lp[2][k] - t;
			x[3] = lp[3][k] - t;
			t = IN_GAIN * b;
			x[4] = lp[4][k] + t;
			x[5] = lp[5][k] + t;
			x[6] = lp[6][k] - t;
			x[7] = lp[7][k] - t;

			/* allpass diffusers, coefficient +c on even loops, -c on odd */
			for (int j = 0; j < REVERB_LOOPS; j++) {
				const float c = (j & 1) ? -DIFF_C : DIFF_C;
				float z = dp[j][k], v = x[j] - c * z;

				if (fl)
					v = flush(v);
				dp[j][k] = v;
				x[j] = z + c * v;
			}

			/* 8x8 Hadamard: three butterfly stages */
			for (int h = 1; h < REVERB_LOOPS; h <<= 1) {
				for (int s = 0; s < REVERB_LOOPS; s += 2 * h) {
					for (int q = s; q < s + h; q++) {
						float u = x[q], v = x[q + h];
						x[q] = u + v;
						x[q + h] = u - v;
					}
				}
			}

			if (moving) {
				float gi = g + dg * jj;
				yl[i] = gi * (x[1] + x[2]);
				yr[i] = gi * (x[1] - x[2]);
			} else {
				yl[i] = g * (x[1] + x[2]);
				yr[i] = g * (x[1] - x[2]);
			}

			/* decay filters, back into the lines */
			for (int j = 0; j < REVERB_LOOPS; j++) {
				float u = RSQRT8 * x[j];
				float cm = gmf[j], cl = glo[j], ch = whi[j];

				if (moving) {
					cm += dgmf[j] * jj;
					cl += dglo[j] * jj;
					ch += dwhi[j] * jj;
				}
				slo[j] += wlo * (u - slo[j]);
				u += cl * slo[j];
				shi[j] += ch * (u - shi[j]);
				if (fl)
					shi[j] = flush(shi[j]);
				lp[j][k] = cm * shi[j];
			}
		}
		for (int j = 0; j < REVERB_LOOPS; j++) {
			li[j] += span;
			if (li[j] == ll[j])
				li[j] = 0;
			di[j] += span;
			if (di[j] == dl[j])
				di[j] = 0;
		}
	}

	r->pre_w = pw;
	for (int j = 0; j < REVERB_LOOPS; j++) {
		/* the low-shelf state decays by at most (1 - wlo)^32 in a block: flushing it here
		 * keeps it out of the denormal range */
		r->slo[j] = fl ? flush(slo[j]) : slo[j];
		r->shi[j] = shi[j];
		r->loop[j].i = li[j];
		r->diff[j].i = di[j];
	}
}

/* While idle, parameters jump to their targets: nothing sounds, and the next sound starts
 * there rather than with a glide. */
static void
idle_settle(struct reverb *r)
{
	if (r->time.cur != r->time.want || r->damp.cur != r->damp.want || r->moving ||
	    r->pre_x.want != r->pre_x.a || r->pre_x.fading)
		settle(r);
}

/* At the end of a grid block: the quiet and idle bookkeeping (per grid block, so it does not
 * depend on the period size). */
static void
grid_done(struct reverb *r)
{
	r->grid = 0;
	end_grid(r);
	/* a block quiet in and out: the next one flushes tiny values (see reverb.h) */
	r->flushing = r->level < REVERB_QUIET_BITS;
	if (r->level == 0 && !r->idle) {
		r->zero_run += REVERB_BLOCK;
		if (r->zero_run >= r->idle_n) {
			/* in and out exactly 0 for longer than any path through the network: the
			 * state is 0 (or below the flush level); make that exact and stop
			 * (reverb_reset leaves it idle) */
			reverb_reset(r);
		}
	} else if (r->level != 0) {
		r->zero_run = 0;
	}
	r->level = 0;
}

void
reverb_process(struct reverb *r, const float *in_l, const float *in_r, float *out_l, float *out_r,
               uint32_t n)
{
	uint32_t off = 0;

	if (!r->mem) {
		memset(out_l, 0, n * sizeof(*out_l));
		memset(out_r, 0, n * sizeof(*out_r));
		return;
	}
	while (off < n) {
		float xl[REVERB_BLOCK], xr[REVERB_BLOCK], w[REVERB_BLOCK];
		uint32_t len = REVERB_BLOCK - r->grid, in_bits, out_bits, b;
		bool fade;

		if (len > n - off)
			len = n - off;
		/* a copy: the outputs may alias the inputs */
		memcpy(xl, in_l + off, len * sizeof(float));
		memcpy(xr, in_r + off, len * sizeof(float));
		in_bits = max_abs_bits(xl, len);
		b = max_abs_bits(xr, len);
		in_bits = b > in_bits ? b : in_bits;
		if (in_bits >= NUM_GARBAGE_BITS) {
			memset(xl, 0, sizeof(xl));
			memset(xr, 0, sizeof(xr));
			in_bits = 0;
			reverb_reset(r);
			r->dropped++;
		}
		if (r->idle && in_bits == 0) {
			/* nothing in, nothing inside: nothing to compute */
			idle_settle(r);
			memset(out_l + off, 0, len * sizeof(float));
			memset(out_r + off, 0, len * sizeof(float));
		} else {
			if (r->idle) {
				r->idle = false;
				r->flushing = true;
			}
			if (r->grid == 0)
				plan_grid(r);
			fade = xfade_fill(&r->pre_x, w, len);
			if (r->flushing)
				run(r, xl, xr, w, fade, true, out_l + off, out_r + off, len);
			else
				run(r, xl, xr, w, fade, false, out_l + off, out_r + off, len);
			out_bits = max_abs_bits(out_l + off, len);
			b = max_abs_bits(out_r + off, len);
			out_bits = b > out_bits ? b : out_bits;
			/* last line of defence: bounded input cannot get here */
			if (out_bits >= NUM_INF_BITS) {
				memset(out_l + off, 0, len * sizeof(float));
				memset(out_r + off, 0, len * sizeof(float));
				reverb_reset(r);
				r->resets++;
				out_bits = 0;
			}
			in_bits = in_bits > out_bits ? in_bits : out_bits;
		}
		r->level = in_bits > r->level ? in_bits : r->level;
		r->grid += len;
		if (r->grid == REVERB_BLOCK)
			grid_done(r);
		off += len;
	}
}
