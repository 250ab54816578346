/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference strip kernel: the algorithm of kernel.h written plainly, one lane at a time,
 * with libm's exp2f/log2f. It is the yardstick the vector kernels are tested against and the
 * choice on a CPU where nothing faster is known to work.
 */
#include <math.h>

#include "kernel.h"

#define DB_PER_LOG2 6.0205999f /* 20 log10(2) */
#define KEY_FLOOR   1e-6f      /* -120 dBFS: silence reads as this, never log(0) */

#define ramp_at sk_ramp_value

static float
svf_tick(struct sk_svf *s, unsigned l, float x, float a1, float a2, float a3, float m0, float m1,
         float m2)
{
	float v3 = x - s->ic2[l];
	float v1 = a1 * s->ic1[l] + a2 * v3;
	float v2 = s->ic2[l] + a2 * s->ic1[l] + a3 * v3;

	s->ic1[l] = 2.0f * v1 - s->ic1[l];
	s->ic2[l] = 2.0f * v2 - s->ic2[l];
	return m0 * x + m1 * v1 + m2 * v2;
}

static float
svf_run(struct sk_svf *s, enum sk_mode mode, unsigned l, float x, uint32_t j)
{
	float t = (float)(j + 1), g, k, a1, m0, m1, m2;

	switch (mode) {
	case SK_STATIC:
		return svf_tick(s, l, x, s->a1[l], s->a2[l], s->a3[l], s->m0[l], s->m1[l],
		                s->m2[l]);
	case SK_EQ_MOVING: {
		float e = s->e[l] + s->de[l] * t;
		float A = exp2f(e), A2 = A * A;

		g = (s->g0[l] + s->dg0[l] * t) * exp2f(s->sg[l] * e);
		k = (s->kq[l] + s->dkq[l] * t) * exp2f(-s->sk[l] * e);
		m0 = 1.0f + s->h[l] * (A2 - 1.0f);
		m1 = k * (s->x2[l] * A2 + s->x1[l] * A + s->x0[l]);
		m2 = s->s2[l] * (A2 - 1.0f);
		break;
	}
	case SK_HPF_MOVING: {
		float w = s->w[l] + s->dw[l] * t;

		g = s->g0[l] + s->dg0[l] * t;
		k = s->kq[l];
		m0 = 1.0f;
		m1 = -k * w;
		m2 = -w;
		break;
	}
	default:
		return x;
	}
	a1 = 1.0f / (1.0f + g * (g + k));
	return svf_tick(s, l, x, a1, g * a1, g * g * a1, m0, m1, m2);
}

/* The compressor's gain for one sample of lane l; key is the detector input (|x|, or the max of
 * both sides of a stereo pair). */
static float
comp_gain(struct sk_comp *c, unsigned l, float key, uint32_t j)
{
	float t = (float)(j + 1);
	float thr = c->thr[l] + c->dthr[l] * t;
	float mk = c->mk[l] + c->dmk[l] * t;
	float w = c->w[l] + c->dw[l] * t;
	float xg = DB_PER_LOG2 * log2f(fmaxf(key, KEY_FLOOR));
	float o = xg - thr, q = fmaxf(o + 0.5f * c->knee[l], 0.0f);
	float over = o > 0.5f * c->knee[l] ? o : q * q * c->inv2w[l];
	float xl = c->slope[l] * over;
	float y1 = fmaxf(xl, c->ar[l] * c->y1[l] + (1.0f - c->ar[l]) * xl);
	float yl = c->aa[l] * c->yl[l] + (1.0f - c->aa[l]) * y1;

	c->y1[l] = y1;
	c->yl[l] = yl;
	c->gr[l] = fmaxf(c->gr[l], w * yl);
	return exp2f(w * (mk - yl) * (1.0f / DB_PER_LOG2));
}

/* The aux sends: pre-fader after the compressor, gated by mute only; post-fader after the fader
 * (and so mute and solo). */
static void
aux_sends(struct sk_group *g, uint32_t n)
{
	const struct sk_aux *a = g->aux;

	for (unsigned j = 0; j < a->n_on; j++) {
		unsigned k = a->on[j];
		const struct sk_send *sd = &a->send[k];
		float(*rl)[SK_LANES] = a->acc[a->row[k]];
		float(*rr)[SK_LANES] = a->acc[a->row[k] + (a->stereo[k] ? 1 : 0)];

		for (uint32_t i = 0; i < n; i++)
			for (unsigned l = 0; l < SK_LANES; l++) {
				float gf = ramp_at(&g->ramp[SK_R_FADER], l, i);
				float gm = ramp_at(&g->ramp[SK_R_MUTE], l, i);
				float pre = ramp_at(&sd->pre, l, i);
				float s = g->x[i][l] * (pre * gm + (1.0f - pre) * gf);

				rl[i][l] += s * ramp_at(&sd->l, l, i);
				if (a->stereo[k])
					rr[i][l] += s * ramp_at(&sd->r, l, i);
			}
	}
}

uint32_t
sk_kernel_ref(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n)
{
	float y[SK_BLOCK][SK_LANES];

	for (uint32_t i = 0; i < n; i++)
		for (unsigned l = 0; l < SK_LANES; l++) {
			float x = g->x[i][l] * ramp_at(&g->ramp[SK_R_IN], l, i);
			for (int st = 0; st < SK_N_SVF; st++) {
				x = svf_run(&g->svf[st], (enum sk_mode)g->mode[st], l, x, j0 + i);
				if (st == SK_HPF2 && g->tap_pre)
					g->tap[i][l] = x;
			}
			y[i][l] = x;
		}
	if (g->comp_on) {
		/* two passes: a stereo pair's key needs both lanes' samples */
		for (uint32_t i = 0; i < n; i++) {
			float gain[SK_LANES];
			for (unsigned l = 0; l < SK_LANES; l++) {
				float key = fabsf(y[i][l]);
				if (g->comp.link[l] != 0.0f)
					key = fmaxf(key, fabsf(y[i][l ^ 1u]));
				gain[l] = comp_gain(&g->comp, l, key, j0 + i);
			}
			for (unsigned l = 0; l < SK_LANES; l++)
				y[i][l] *= gain[l];
		}
	}
	for (uint32_t i = 0; i < n; i++)
		for (unsigned l = 0; l < SK_LANES; l++) {
			float gf = ramp_at(&g->ramp[SK_R_FADER], l, i);
			float cl = ramp_at(&g->ramp[SK_R_L], l, i);
			float cr = ramp_at(&g->ramp[SK_R_R], l, i);
			float yf = y[i][l] * gf;

			g->peak[l] = fmaxf(g->peak[l], fabsf(yf));
			g->ss[l] += yf * yf;
			acc->v[SK_OUT_L][i][l] += yf * cl;
			acc->v[SK_OUT_R][i][l] += yf * cr;
			for (unsigned b = 0; b < SK_N_FX; b++) {
				float lev, pre, s;
				if (!g->send_on[b])
					continue;
				lev = ramp_at(&g->ramp[SK_R_SEND0 + b], l, i);
				pre = ramp_at(&g->ramp[SK_R_PRE0 + b], l, i);
				/* pre-fader: after the compressor, before fader, mute and solo */
				s = y[i][l] * lev * (pre + (1.0f - pre) * gf);
				acc->v[SK_BUS_L(b)][i][l] += s * cl;
				acc->v[SK_BUS_R(b)][i][l] += s * cr;
			}
			g->x[i][l] = y[i][l];
		}
	if (g->aux)
		aux_sends(g, n);
	return sk_check_state(g);
}
