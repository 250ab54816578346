/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strip kernel in vector form: the algorithm of kernel_ref.c on all 16 lanes, VW lanes per
 * register (vmath.h), the 16/VW chunks interleaved sample by sample so their independent
 * recursions overlap in the pipeline. Built once per ISA with SK_ISA set to the name suffix
 * (generic, avx2, avx512) and the matching -m flags; engine.c picks the best one this CPU runs.
 * -ffp-contract=fast lets the compiler fuse multiply-adds where the ISA has them.
 */
#include "kernel.h"
#include "vmath.h"

#ifndef SK_ISA
#error "build with -DSK_ISA=generic|avx2|avx512"
#endif
#define SK_CAT2(a, b) a##b
#define SK_CAT(a, b)  SK_CAT2(a, b)
#define SK_KERNEL     SK_CAT(sk_kernel_, SK_ISA)

/* The lanes this build processes: all 16, or the first four for the master (SK_ISA=pair). */
#ifndef SK_KERNEL_LANES
#define SK_KERNEL_LANES SK_LANES
#endif
#define NCH         (SK_KERNEL_LANES / VW) /* chunks of VW lanes */
#define DB_PER_LOG2 6.0205999f             /* 20 log10(2) */

/* One SVF tick (kernel.h); the states live in registers across the loop. */
static inline vf
svf_tick(vf *ic1, vf *ic2, vf x, vf a1, vf a2, vf a3, vf m0, vf m1, vf m2)
{
	vf v3 = x - *ic2;
	vf v1 = a1 * *ic1 + a2 * v3;
	vf v2 = *ic2 + a2 * *ic1 + a3 * v3;

	*ic1 = 2.0f * v1 - *ic1;
	*ic2 = 2.0f * v2 - *ic2;
	return m0 * x + m1 * v1 + m2 * v2;
}

/* A moving stage: coefficients from the natural parameters at grid sample t (kernel.h). */
static inline vf
svf_moving(const struct sk_svf *s, int mode, int o, vf *ic1, vf *ic2, vf x, float t)
{
	vf g, k, a1, m0, m1, m2;

	if (mode == SK_EQ_MOVING) {
		vf e = vld(s->e + o) + vld(s->de + o) * t;
		vf A = vexp2(e), A2 = A * A;

		g = (vld(s->g0 + o) + vld(s->dg0 + o) * t) * vexp2(vld(s->sg + o) * e);
		k = (vld(s->kq + o) + vld(s->dkq + o) * t) * vexp2(-vld(s->sk + o) * e);
		m0 = 1.0f + vld(s->h + o) * (A2 - 1.0f);
		m1 = k * (vld(s->x2 + o) * A2 + vld(s->x1 + o) * A + vld(s->x0 + o));
		m2 = vld(s->s2 + o) * (A2 - 1.0f);
	} else {
		vf w = vld(s->w + o) + vld(s->dw + o) * t;

		g = vld(s->g0 + o) + vld(s->dg0 + o) * t;
		k = vld(s->kq + o);
		m0 = vset(1.0f);
		m1 = -k * w;
		m2 = -w;
	}
	a1 = 1.0f / (1.0f + g * (g + k));
	return svf_tick(ic1, ic2, x, a1, g * a1, g * g * a1, m0, m1, m2);
}

static inline vf
ramp_at(const struct sk_ramp *r, int o, float t)
{
	vf v = vld(r->start + o) + vld(r->inc + o) * (vld(r->kb + o) + t);

	return vsel(vset(t) < vld(r->left + o), v, vld(r->target + o));
}

static inline vf
acc_add(struct sk_acc *acc, int row, uint32_t i, int o, vf v)
{
	float *p = acc->v[row][i] + o;

	vst(p, vld(p) + v);
	return v;
}

/* The compressor on one chunk at grid sample tj: returns the gain for y. */
static inline vf
comp_gain(struct sk_comp *c, int o, vf y, vf *y1, vf *yl, vf *gr, float tj)
{
	vf thr = vld(c->thr + o) + vld(c->dthr + o) * tj;
	vf mk = vld(c->mk + o) + vld(c->dmk + o) * tj;
	vf w = vld(c->w + o) + vld(c->dw + o) * tj;
	vf key = vabs(y), knee2 = 0.5f * vld(c->knee + o);
	vf ar = vld(c->ar + o), aa = vld(c->aa + o), xg, d, q, over, xl;

	/* a stereo pair detects on the louder side, so both sides get one gain */
	key = vmax(key, vswap_pairs(key) * vld(c->link + o));
	xg = DB_PER_LOG2 * vlog2(vmax(key, vset(1e-6f)));
	d = xg - thr;
	q = vmax(d + knee2, vset(0.0f));
	over = vsel(d > knee2, d, q * q * vld(c->inv2w + o));
	xl = vld(c->slope + o) * over;
	*y1 = vmax(xl, ar * *y1 + (1.0f - ar) * xl);
	*yl = aa * *yl + (1.0f - aa) * *y1;
	*gr = vmax(*gr, w * *yl);
	return vexp2(w * (mk - *yl) * (1.0f / DB_PER_LOG2));
}

/* Flushes a state too small to matter to exact zero and marks non-finite lanes in *bad. */
static inline vf
tidy(vf s, float tiny, vi *bad)
{
	vf a = vabs(s);

	*bad |= ~(a <= vset(3.4e38f)); /* NaN compares false, Inf is above */
	return vsel(a < vset(tiny), vset(0.0f), s);
}

/* A static stage over the sub-block in state-space form: the same filter as svf_tick with the
 * algebra rearranged so the recursion is two multiply-adds deep instead of three (the input's
 * share is off the critical path):
 *   ic1' = c11 ic1 + c12 ic2 + b1 x,   ic2' = c21 ic1 + c22 ic2 + b2 x,
 *   y    = d0 x + d1 ic1 + d2 ic2 (from the states before the update). */
static void
stage_static(struct sk_group *g, int st, uint32_t n, vi *bad)
{
	const struct sk_svf *s = &g->svf[st];
	vf c11[NCH], c12[NCH], b1[NCH], c22[NCH], b2[NCH], d0[NCH], d1[NCH], d2[NCH];
	vf ic1[NCH], ic2[NCH];

	for (int h = 0; h < NCH; h++) {
		const int o = h * VW;
		vf a1 = vld(s->a1 + o), a2 = vld(s->a2 + o), a3 = vld(s->a3 + o);
		vf m0 = vld(s->m0 + o), m1 = vld(s->m1 + o), m2 = vld(s->m2 + o);

		c11[h] = 2.0f * a1 - 1.0f;
		c12[h] = -2.0f * a2;
		b1[h] = 2.0f * a2; /* = c21 */
		c22[h] = 1.0f - 2.0f * a3;
		b2[h] = 2.0f * a3;
		d0[h] = m0 + m1 * a2 + m2 * a3;
		d1[h] = m1 * a1 + m2 * a2;
		d2[h] = m2 * (1.0f - a3) - m1 * a2;
		ic1[h] = vld(s->ic1 + o);
		ic2[h] = vld(s->ic2 + o);
	}
	for (uint32_t i = 0; i < n; i++)
		for (int h = 0; h < NCH; h++) {
			const int o = h * VW;
			vf x = vld(g->x[i] + o), p = ic1[h], q = ic2[h];

			vst(g->x[i] + o, d0[h] * x + d1[h] * p + d2[h] * q);
			ic1[h] = c11[h] * p + (c12[h] * q + b1[h] * x);
			ic2[h] = c22[h] * q + (b1[h] * p + b2[h] * x);
		}
	for (int h = 0; h < NCH; h++) {
		vst(g->svf[st].ic1 + h * VW, tidy(ic1[h], SK_FLUSH_AUDIO, &bad[h]));
		vst(g->svf[st].ic2 + h * VW, tidy(ic2[h], SK_FLUSH_AUDIO, &bad[h]));
	}
}

/* A moving stage over the sub-block: coefficients per sample. */
static void
stage_moving(struct sk_group *g, int st, uint32_t j0, uint32_t n, vi *bad)
{
	const struct sk_svf *s = &g->svf[st];
	const int mode = g->mode[st];
	vf ic1[NCH], ic2[NCH];

	for (int h = 0; h < NCH; h++) {
		ic1[h] = vld(s->ic1 + h * VW);
		ic2[h] = vld(s->ic2 + h * VW);
	}
	for (uint32_t i = 0; i < n; i++)
		for (int h = 0; h < NCH; h++) {
			const int o = h * VW;
			vst(g->x[i] + o, svf_moving(s, mode, o, &ic1[h], &ic2[h], vld(g->x[i] + o),
			                            (float)(j0 + i + 1)));
		}
	for (int h = 0; h < NCH; h++) {
		vst(g->svf[st].ic1 + h * VW, tidy(ic1[h], SK_FLUSH_AUDIO, &bad[h]));
		vst(g->svf[st].ic2 + h * VW, tidy(ic2[h], SK_FLUSH_AUDIO, &bad[h]));
	}
}

static void
stage_comp(struct sk_group *g, uint32_t j0, uint32_t n, vi *bad)
{
	struct sk_comp *c = &g->comp;
	vf y1[NCH], yl[NCH], gr[NCH];

	for (int h = 0; h < NCH; h++) {
		y1[h] = vld(c->y1 + h * VW);
		yl[h] = vld(c->yl + h * VW);
		gr[h] = vld(c->gr + h * VW);
	}
	for (uint32_t i = 0; i < n; i++)
		for (int h = 0; h < NCH; h++) {
			const int o = h * VW;
			vf y = vld(g->x[i] + o);
			vst(g->x[i] + o,
			    y * comp_gain(c, o, y, &y1[h], &yl[h], &gr[h], (float)(j0 + i + 1)));
		}
	for (int h = 0; h < NCH; h++) {
		vst(c->y1 + h * VW, tidy(y1[h], SK_FLUSH_DB, &bad[h]));
		vst(c->yl + h * VW, tidy(yl[h], SK_FLUSH_DB, &bad[h]));
		vst(c->gr + h * VW, gr[h]);
	}
}

/* Fader, meters, pan and sends: the lanes' contributions to the outputs. */
static void
stage_out(struct sk_group *g, struct sk_acc *acc, uint32_t n)
{
	vf gain[SK_R_MUTE][NCH], peak[NCH], ss[NCH];
	const int moving = g->ramps_moving;
	int send[SK_N_FX];

	for (int b = 0; b < SK_N_FX; b++)
		send[b] = g->send_on[b];

	for (int h = 0; h < NCH; h++) {
		peak[h] = vld(g->peak + h * VW);
		ss[h] = vld(g->ss + h * VW);
		for (int r = 0; r < SK_R_MUTE; r++)
			gain[r][h] = vld(g->ramp[r].target + h * VW);
	}
	for (uint32_t i = 0; i < n; i++)
		for (int h = 0; h < NCH; h++) {
			const int o = h * VW;
			vf y = vld(g->x[i] + o), yf;

			if (moving)
				for (int r = SK_R_FADER; r < SK_R_MUTE; r++)
					gain[r][h] = ramp_at(&g->ramp[r], o, (float)(i + 1));
			yf = y * gain[SK_R_FADER][h];
			peak[h] = vmax(peak[h], vabs(yf));
			ss[h] += yf * yf;
			acc_add(acc, SK_OUT_L, i, o, yf * gain[SK_R_L][h]);
			acc_add(acc, SK_OUT_R, i, o, yf * gain[SK_R_R][h]);
			/* pre-fader sends: after the compressor, before fader, mute and solo */
			for (int b = 0; b < SK_N_FX; b++) {
				vf pre = gain[SK_R_PRE0 + b][h], s;
				if (!send[b])
					continue;
				s = y * gain[SK_R_SEND0 + b][h] *
				    (pre + (1.0f - pre) * gain[SK_R_FADER][h]);
				acc_add(acc, SK_BUS_L(b), i, o, s * gain[SK_R_L][h]);
				acc_add(acc, SK_BUS_R(b), i, o, s * gain[SK_R_R][h]);
			}
		}
	for (int h = 0; h < NCH; h++) {
		vst(g->peak + h * VW, peak[h]);
		vst(g->ss + h * VW, ss[h]);
	}
}

/* The aux sends (kernel_ref.c aux_sends): bus after bus, so each bus's gains stay in registers.
 * At rest (no gain of the group gliding) a send is one multiply-add per lane and sample into a
 * mono bus's row, two into a stereo bus's. Only the buses some lane sends to are visited. */
static void
stage_aux(struct sk_group *g, uint32_t n)
{
	const struct sk_aux *a = g->aux;

	for (unsigned j = 0; j < a->n_on; j++) {
		const unsigned k = a->on[j];
		const struct sk_send *sd = &a->send[k];
		float(*rl)[SK_LANES] = a->acc[a->row[k]];
		float(*rr)[SK_LANES] = a->acc[a->row[k] + (a->stereo[k] ? 1 : 0)];
		const int st = a->stereo[k];

		if (!g->ramps_moving && !a->moving[k]) {
			vf el[NCH], er[NCH];

			for (int h = 0; h < NCH; h++) {
				const int o = h * VW;
				vf pre = vld(sd->pre.target + o);
				vf w = pre * vld(g->ramp[SK_R_MUTE].target + o) +
				       (1.0f - pre) * vld(g->ramp[SK_R_FADER].target + o);
				el[h] = w * vld(sd->l.target + o);
				er[h] = w * vld(sd->r.target + o);
			}
			if (st) {
				for (uint32_t i = 0; i < n; i++)
					for (int h = 0; h < NCH; h++) {
						const int o = h * VW;
						vf y = vld(g->x[i] + o);
						vst(rl[i] + o, vld(rl[i] + o) + y * el[h]);
						vst(rr[i] + o, vld(rr[i] + o) + y * er[h]);
					}
			} else {
				for (uint32_t i = 0; i < n; i++)
					for (int h = 0; h < NCH; h++) {
						const int o = h * VW;
						vst(rl[i] + o,
						    vld(rl[i] + o) + vld(g->x[i] + o) * el[h]);
					}
			}
			continue;
		}
		for (uint32_t i = 0; i < n; i++)
			for (int h = 0; h < NCH; h++) {
				const int o = h * VW;
				const float t = (float)(i + 1);
				vf pre = ramp_at(&sd->pre, o, t);
				vf w = pre * ramp_at(&g->ramp[SK_R_MUTE], o, t) +
				       (1.0f - pre) * ramp_at(&g->ramp[SK_R_FADER], o, t);
				vf s = vld(g->x[i] + o) * w;

				vst(rl[i] + o, vld(rl[i] + o) + s * ramp_at(&sd->l, o, t));
				if (st)
					vst(rr[i] + o, vld(rr[i] + o) + s * ramp_at(&sd->r, o, t));
			}
	}
}

/* Stage after stage over the whole sub-block, not sample after sample through all stages: each
 * loop then carries one short recursion and the CPU overlaps many samples of it. */
uint32_t
SK_KERNEL(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n)
{
	vi bad[NCH];
	uint32_t mask = 0;

	for (int h = 0; h < NCH; h++)
		bad[h] = (vi){ 0 };
	for (uint32_t i = 0; i < n; i++)
		for (int h = 0; h < NCH; h++) {
			const int o = h * VW;
			vf gin = g->ramps_moving ? ramp_at(&g->ramp[SK_R_IN], o, (float)(i + 1))
			                         : vld(g->ramp[SK_R_IN].target + o);
			vst(g->x[i] + o, vld(g->x[i] + o) * gin);
		}
	for (int st = 0; st < SK_N_SVF; st++) {
		if (g->mode[st] == SK_STATIC)
			stage_static(g, st, n, bad);
		else if (g->mode[st] != SK_SKIP)
			stage_moving(g, st, j0, n, bad);
		if (st == SK_HPF2 && g->tap_pre)
			for (uint32_t i = 0; i < n; i++)
				for (int h = 0; h < NCH; h++)
					vst(g->tap[i] + h * VW, vld(g->x[i] + h * VW));
	}
	if (g->comp_on)
		stage_comp(g, j0, n, bad);
	stage_out(g, acc, n);
	if (g->aux)
		stage_aux(g, n);
	for (int h = 0; h < NCH; h++)
		for (int l = 0; l < VW; l++)
			if (bad[h][l]) {
				sk_reset_lane(g, (unsigned)(h * VW + l));
				mask |= 1u << (h * VW + l);
			}
	return mask;
}
