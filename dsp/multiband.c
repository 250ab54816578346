/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "multiband.h"

#include <math.h>
#include <string.h>

#include "numeric.h"

#define VMATH_WIDTH 4 /* the three bands in the lanes of one SSE vector, whatever the ISA */
#include "vmath.h"

#define BLOCK       32
#define DB_PER_LOG2 6.0205999f /* 20 log10(2) */
#define SNAP        1e-4f      /* a smoothed value this close to its target is there */

static float
clamp_nan(float v, float lo, float hi, float old)
{
	return isnan(v) ? old : clampf(v, lo, hi);
}

static float
coef(float ms, double fs)
{
	return (float)exp(-1000.0 / (ms * fs));
}

/* Recomputes what a band's settings give: detector coefficients and targets. */
static void
band_targets(struct multiband *mb)
{
	for (int b = 0; b < MB_BANDS; b++) {
		const struct mb_band *bd = &mb->band[b];
		mb->thr_to[b] = bd->thr_db;
		mb->mk_to[b] = bd->gain_db;
		mb->slope[b] = 1.0f - 1.0f / bd->ratio;
		mb->aa[b] = coef(bd->attack_ms, mb->fs);
		mb->ar[b] = coef(bd->release_ms, mb->fs);
	}
	mb->thr_to[3] = mb->mk_to[3] = mb->slope[3] = 0.0f;
	mb->aa[3] = mb->ar[3] = 0.0f;
	for (int x = 0; x < 2; x++)
		mb->lf_to[x] = log2f(mb->xover[x]);
}

static void
clear_states(struct multiband *mb)
{
	memset(mb->svf, 0, sizeof(mb->svf));
	memset(mb->y1, 0, sizeof(mb->y1));
	memset(mb->yl, 0, sizeof(mb->yl));
}

void
multiband_init(struct multiband *mb, double fs, uint32_t smooth_n, float kb)
{
	memset(mb, 0, sizeof(*mb));
	mb->on = MB_ON_DEFAULT;
	mb->xover[0] = MB_XOVER1_DEF;
	mb->xover[1] = MB_XOVER2_DEF;
	for (int b = 0; b < MB_BANDS; b++)
		mb->band[b] = (struct mb_band){ MB_THRESHOLD_DEF, MB_RATIO_DEF, MB_ATTACK_DEF,
			                        MB_RELEASE_DEF, MB_GAIN_DEF };
	ramp_init(&mb->w, 0.0f);
	multiband_set_rate(mb, fs, smooth_n, kb);
}

void
multiband_settle(struct multiband *mb)
{
	band_targets(mb);
	memcpy(mb->thr, mb->thr_to, sizeof(mb->thr));
	memcpy(mb->mk, mb->mk_to, sizeof(mb->mk));
	for (int x = 0; x < 2; x++) {
		mb->lf[x] = mb->lf_to[x];
		mb->xo[x] = xo_design(exp2(mb->lf[x]), mb->fs);
	}
	ramp_init(&mb->w, mb->on ? 1.0f : 0.0f);
	if (!mb->on && mb->active) {
		clear_states(mb);
		mb->active = false;
	}
}

void
multiband_set_rate(struct multiband *mb, double fs, uint32_t smooth_n, float kb)
{
	mb->fs = fs;
	mb->smooth_n = smooth_n;
	mb->kb = kb;
	clear_states(mb);
	multiband_settle(mb);
}

bool
multiband_set(struct multiband *mb, unsigned s, float v)
{
	if (s >= MB_N_SETTINGS)
		return false;
	if (isnan(v))
		return true;
	if (s == MB_ON) {
		mb->on = v >= 0.5f;
		ramp_to(&mb->w, mb->on ? 1.0f : 0.0f, mb->smooth_n);
		return true;
	}
	if (s == MB_XOVER1) {
		mb->xover[0] = clampf(v, MB_XOVER1_MIN, MB_XOVER1_MAX);
	} else if (s == MB_XOVER2) {
		mb->xover[1] = clampf(v, MB_XOVER2_MIN, MB_XOVER2_MAX);
	} else {
		struct mb_band *bd = &mb->band[(s - MB_BAND1) / 5];
		switch ((s - MB_BAND1) % 5) {
		case MB_THRESHOLD:
			bd->thr_db = clamp_nan(v, MB_THRESHOLD_MIN, MB_THRESHOLD_MAX, bd->thr_db);
			break;
		case MB_RATIO:
			bd->ratio = clamp_nan(v, MB_RATIO_MIN, MB_RATIO_MAX, bd->ratio);
			break;
		case MB_ATTACK:
			bd->attack_ms = clamp_nan(v, MB_ATTACK_MIN, MB_ATTACK_MAX, bd->attack_ms);
			break;
		case MB_RELEASE:
			bd->release_ms =
			    clamp_nan(v, MB_RELEASE_MIN, MB_RELEASE_MAX, bd->release_ms);
			break;
		default:
			bd->gain_db = clamp_nan(v, MB_GAIN_MIN, MB_GAIN_MAX, bd->gain_db);
			break;
		}
	}
	band_targets(mb);
	return true;
}

float
multiband_get(const struct multiband *mb, unsigned s)
{
	const struct mb_band *bd = &mb->band[s >= MB_BAND1 ? (s - MB_BAND1) / 5 : 0];

	if (s >= MB_N_SETTINGS)
		return NAN;
	if (s == MB_ON)
		return mb->on;
	if (s == MB_XOVER1 || s == MB_XOVER2)
		return mb->xover[s - MB_XOVER1];
	switch ((s - MB_BAND1) % 5) {
	case MB_THRESHOLD:
		return bd->thr_db;
	case MB_RATIO:
		return bd->ratio;
	case MB_ATTACK:
		return bd->attack_ms;
	case MB_RELEASE:
		return bd->release_ms;
	default:
		return bd->gain_db;
	}
}

/* One block of a one-pole towards its target: the start value in *from. */
static void
smooth4(float *cur, const float *to, float kb, float *from)
{
	for (int k = 0; k < 4; k++) {
		from[k] = cur[k];
		cur[k] += kb * (to[k] - cur[k]);
		if (fabsf(to[k] - cur[k]) < SNAP)
			cur[k] = to[k];
	}
}

static bool
states_finite(const struct multiband *mb)
{
	float s = 0.0f;

	for (int c = 0; c < 2; c++)
		for (int k = 0; k < 7; k++)
			s += mb->svf[c][k].ic1 + mb->svf[c][k].ic2;
	for (int k = 0; k < 4; k++)
		s += mb->y1[k] + mb->yl[k];
	return isfinite(s);
}

void
multiband_process(struct multiband *mb, float *l, float *r, uint32_t n)
{
	float wv[BLOCK], thr0[4], mk0[4];

	if (!mb->active) {
		if (mb->w.target == 0.0f && mb->w.cur == 0.0f)
			return; /* off and faded out: the input, exactly */
		clear_states(mb);
		mb->active = true;
	}
	/* smoothing, once per block */
	for (int x = 0; x < 2; x++) {
		if (mb->lf[x] != mb->lf_to[x]) {
			mb->lf[x] += mb->kb * (mb->lf_to[x] - mb->lf[x]);
			if (fabsf(mb->lf_to[x] - mb->lf[x]) < SNAP)
				mb->lf[x] = mb->lf_to[x];
			mb->xo[x] = xo_design(exp2(mb->lf[x]), mb->fs);
		}
	}
	smooth4(mb->thr, mb->thr_to, mb->kb, thr0);
	smooth4(mb->mk, mb->mk_to, mb->kb, mk0);
	ramp_fill(&mb->w, wv, n);

	const struct xo_coef x1 = mb->xo[0], x2 = mb->xo[1];
	const vf inv_n = vset(1.0f / (float)n), thr_a = vld(thr0), mk_a = vld(mk0);
	const vf dthr = (vld(mb->thr) - thr_a) * inv_n, dmk = (vld(mb->mk) - mk_a) * inv_n;
	const vf slope = vld(mb->slope), aa = vld(mb->aa), ar = vld(mb->ar);
	const vf knee2 = vset(0.5f * MB_KNEE_DB), inv2w = vset(1.0f / (2.0f * MB_KNEE_DB));
	vf y1 = vld(mb->y1), yl = vld(mb->yl), gr = vld(mb->gr);
	struct xo_svf(*s)[7] = mb->svf;

	for (uint32_t i = 0; i < n; i++) {
		float lo[2], mid[2], hi[2], rest;
		float in[2] = { l[i], r[i] };

		for (int c = 0; c < 2; c++) {
			xo_split(&x1, &s[c][0], in[c], &lo[c], &rest);
			lo[c] = xo_allpass(&x2, &s[c][3], lo[c]);
			xo_split(&x2, &s[c][4], rest, &mid[c], &hi[c]);
		}
		/* the three bands' compressors in lanes 0..2, stereo-linked */
		vf key = { fmaxf(fabsf(lo[0]), fabsf(lo[1])), fmaxf(fabsf(mid[0]), fabsf(mid[1])),
			   fmaxf(fabsf(hi[0]), fabsf(hi[1])), 0.0f };
		vf t = vset((float)(i + 1));
		vf thr = thr_a + dthr * t, mk = mk_a + dmk * t;
		vf xg = DB_PER_LOG2 * vlog2(vmax(key, vset(1e-6f)));
		vf d = xg - thr, q = vmax(d + knee2, vset(0.0f));
		vf xl = slope * vsel(d > knee2, d, q * q * inv2w);
		y1 = vmax(xl, ar * y1 + (1.0f - ar) * xl);
		yl = aa * yl + (1.0f - aa) * y1;
		gr = vmax(gr, yl);
		vf g = vexp2((mk - yl) * (1.0f / DB_PER_LOG2));
		float wet_l = g[0] * lo[0] + g[1] * mid[0] + g[2] * hi[0];
		float wet_r = g[0] * lo[1] + g[1] * mid[1] + g[2] * hi[1];
		l[i] = in[0] + wv[i] * (wet_l - in[0]);
		r[i] = in[1] + wv[i] * (wet_r - in[1]);
	}
	vst(mb->y1, y1);
	vst(mb->yl, yl);
	vst(mb->gr, gr);
	if (!states_finite(mb)) {
		clear_states(mb);
		memset(l, 0, n * sizeof(float));
		memset(r, 0, n * sizeof(float));
		mb->resets++;
	}
	if (mb->w.target == 0.0f && mb->w.cur == 0.0f) {
		clear_states(mb); /* faded out: off costs nothing from the next block */
		mb->active = false;
	}
}

void
multiband_read_gr(struct multiband *mb, float gr[MB_BANDS])
{
	for (int b = 0; b < MB_BANDS; b++) {
		gr[b] = mb->gr[b] > 0.0f ? mb->gr[b] : 0.0f;
		mb->gr[b] = 0.0f;
	}
}
