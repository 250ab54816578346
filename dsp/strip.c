/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strip.h"

#include <math.h>

#include "engine.h"
#include "gain.h"
#include "pan.h"
#include "numeric.h"

#define LOG2_10_OVER_40 0.08304820237f /* log2 A per dB: A = 10^(dB/40) */
#define HPF_K           1.41421356f    /* 1/Q of a Butterworth section */

static void strip_ramps(struct strip *s, struct ramp **r);

/* Bit b: the send to effect bus b is or will be non-zero (its ramp is live). */
static uint8_t
fx_live(const struct strip *s)
{
	uint8_t m = 0;

	for (int b = 0; b < SK_N_FX; b++)
		m |= (uint8_t)(ramp_live(&s->g_send[b]) ? 1u << b : 0u);
	return m;
}

/* A smoothed value closer than this to its target is at the target: 1e-4 dB, 1e-5 octave. */
#define SNAP 1e-5f

static void
smooth_init(struct smooth *m, float v)
{
	m->cur = m->target = v;
}

/* One grid block of the one-pole: returns the block's start value in *from. */
static bool
smooth_step(struct smooth *m, float kb, float *from)
{
	*from = m->cur;
	if (m->cur == m->target)
		return false;
	m->cur += kb * (m->target - m->cur);
	if (fabsf(m->target - m->cur) < SNAP)
		m->cur = m->target;
	return true;
}

static unsigned
n_lanes(const struct strip *s)
{
	return s->stereo ? 2 : 1;
}

void
strip_init(struct strip *s, const struct strip_env *env)
{
	static const int type[STRIP_BANDS] = { STRIP_EQ1_TYPE_DEFAULT, STRIP_EQ2_TYPE_DEFAULT,
		                               STRIP_EQ3_TYPE_DEFAULT, STRIP_EQ4_TYPE_DEFAULT };
	static const float freq[STRIP_BANDS] = { STRIP_EQ1_FREQ_DEFAULT_HZ,
		                                 STRIP_EQ2_FREQ_DEFAULT_HZ,
		                                 STRIP_EQ3_FREQ_DEFAULT_HZ,
		                                 STRIP_EQ4_FREQ_DEFAULT_HZ };

	s->trim_db = STRIP_TRIM_DEFAULT_DB;
	s->fader_db = STRIP_FADER_DEFAULT_DB;
	s->pan = STRIP_PAN_DEFAULT;
	s->polarity = s->mute = s->solo = false;
	s->hpf_on = STRIP_HPF_ON_DEFAULT;
	s->hpf_slope = STRIP_HPF_SLOPE_DEFAULT;
	s->hpf_freq = STRIP_HPF_FREQ_DEFAULT_HZ;
	s->eq_on = STRIP_EQ_ON_DEFAULT;
	for (int b = 0; b < STRIP_BANDS; b++) {
		s->band[b].type = s->band[b].want = type[b];
		s->band[b].freq = freq[b];
		s->band[b].gain_db = STRIP_EQ_GAIN_DEFAULT_DB;
		s->band[b].q = STRIP_EQ_Q_DEFAULT;
	}
	s->comp_on = STRIP_COMP_ON_DEFAULT;
	s->thr_db = STRIP_COMP_THRESHOLD_DEFAULT_DB;
	s->ratio = STRIP_COMP_RATIO_DEFAULT;
	s->knee_db = STRIP_COMP_KNEE_DEFAULT_DB;
	s->attack_ms = STRIP_COMP_ATTACK_DEFAULT_MS;
	s->release_ms = STRIP_COMP_RELEASE_DEFAULT_MS;
	s->makeup_db = STRIP_COMP_MAKEUP_DEFAULT_DB;
	for (int b = 0; b < SK_N_FX; b++) {
		s->send_db[b] = STRIP_SEND_DEFAULT_DB;
		s->send_pre[b] = STRIP_SEND_PRE_DEFAULT;
	}
	s->ext_db = 0.0f;
	s->ext_mute = false;
	s->to_main = true;
	s->dca_mask = 0;
	s->mg_mask = 0;
	s->cue = false;
	s->direct_pre = ENGINE_DIRECT_PRE_DEFAULT;
	ramp_init(&s->g_cue, 0.0f);
	ramp_init(&s->g_dpre, s->direct_pre ? 1.0f : 0.0f);
	ramp_init(&s->g_mute, 1.0f);
	ramp_init(&s->g_in, 0.0f);
	ramp_init(&s->g_fader, 0.0f);
	ramp_init(&s->g_l, 0.0f);
	ramp_init(&s->g_r, 0.0f);
	for (int b = 0; b < SK_N_FX; b++) {
		ramp_init(&s->g_send[b], 0.0f);
		ramp_init(&s->g_pre[b], 0.0f);
	}
	smooth_init(&s->hpf_lf, log2f(s->hpf_freq));
	smooth_init(&s->hpf_w1, 0.0f);
	smooth_init(&s->hpf_w2, 0.0f);
	for (int b = 0; b < STRIP_BANDS; b++) {
		smooth_init(&s->band[b].lf, log2f(s->band[b].freq));
		smooth_init(&s->band[b].e, 0.0f);
		smooth_init(&s->band[b].lq, log2f(s->band[b].q));
	}
	smooth_init(&s->c_thr, s->thr_db);
	smooth_init(&s->c_mk, s->makeup_db);
	smooth_init(&s->c_w, 0.0f);
	smooth_init(&s->c_slope, 1.0f - 1.0f / s->ratio);
	smooth_init(&s->c_knee, s->knee_db);
	s->rms = s->gr_read = 0.0f;
	strip_retarget(s, env, true);
	/* start at the defaults, not gliding towards them */
	ramp_init(&s->g_in, s->g_in.target);
	ramp_init(&s->g_fader, s->g_fader.target);
	ramp_init(&s->g_l, s->g_l.target);
	ramp_init(&s->g_r, s->g_r.target);
	ramp_init(&s->g_pl, s->g_pl.target);
	ramp_init(&s->g_pr, s->g_pr.target);
	s->snap_pl = s->g_pl;
	s->snap_pr = s->g_pr;
}

/* The gain a band's smoothing heads for: flat while the band is off, the EQ is off, or the band
 * is on its way to another type. */
static float
band_e_target(const struct strip *s, const struct strip_band *b)
{
	if (!s->eq_on || b->want == ENGINE_EQ_OFF || b->type != b->want)
		return 0.0f;
	return b->gain_db * LOG2_10_OVER_40;
}

void
strip_retarget(struct strip *s, const struct strip_env *env, bool open)
{
	const uint32_t n = env->smooth_n;
	float g = gain_db_to_lin(s->trim_db), gl, gr;

	bool muted = s->mute || s->ext_mute;
	/* a DCA adds its offset to the fader (a fader at -inf stays there), capped at the top */
	float fader_db = s->fader_db <= GAIN_OFF_DB
	                     ? GAIN_OFF_DB
	                     : fminf(s->fader_db + s->ext_db, ENGINE_LEVEL_MAX_DB);

	ramp_to(&s->g_in, s->polarity ? -g : g, n);
	/* mute and the solo-in-place gate fold into the fader gain, so all three glide together */
	ramp_to(&s->g_fader, muted || !open ? 0.0f : gain_db_to_lin(fader_db), n);
	ramp_to(&s->g_mute, muted ? 0.0f : 1.0f, n);
	if (s->stereo)
		pan_balance(s->pan, &gl, &gr);
	else
		pan_mono(s->pan, &gl, &gr);
	ramp_to(&s->g_pl, gl, n);
	ramp_to(&s->g_pr, gr, n);
	/* a subgroup member reaches the master through its aux bus only */
	ramp_to(&s->g_l, s->to_main ? gl : 0.0f, n);
	ramp_to(&s->g_r, s->to_main ? gr : 0.0f, n);
	ramp_to(&s->g_dpre, s->direct_pre ? 1.0f : 0.0f, n);
	for (int b = 0; b < SK_N_FX; b++) {
		ramp_to(&s->g_send[b], gain_db_to_lin(s->send_db[b]), n);
		ramp_to(&s->g_pre[b], s->send_pre[b] ? 1.0f : 0.0f, n);
	}

	s->hpf_lf.target = log2f(s->hpf_freq);
	s->hpf_w1.target = s->hpf_on ? 1.0f : 0.0f;
	s->hpf_w2.target = s->hpf_on && s->hpf_slope == STRIP_HPF_SLOPE_HIGH ? 1.0f : 0.0f;
	for (int b = 0; b < STRIP_BANDS; b++) {
		struct strip_band *bd = &s->band[b];
		bd->lf.target = log2f(bd->freq);
		bd->lq.target = log2f(bd->q);
		bd->e.target = band_e_target(s, bd);
	}
	s->c_thr.target = s->thr_db;
	s->c_mk.target = s->makeup_db;
	s->c_w.target = s->comp_on ? 1.0f : 0.0f;
	s->c_slope.target = 1.0f - 1.0f / s->ratio;
	s->c_knee.target = s->knee_db;
	/* attack, release and type constants are not smoothed: rewrite every stage once */
	s->dirty = STRIP_PLAN_ALL;
	s->ramps_rest = false;
	s->fx_live = fx_live(s);
}

/* tan(pi f / fs), f kept below Nyquist so the pre-warp stays finite at any sample rate. */
static float
prewarp(float lf, double fs)
{
	double f = exp2((double)lf);

	if (f > 0.49 * fs)
		f = 0.49 * fs;
	return (float)tan(M_PI * f / fs);
}

/* The band type as the kernel's constants (kernel.h, struct sk_svf). */
static void
band_type_consts(struct sk_svf *v, unsigned l, int type)
{
	/* bell: g = g0, k = kq / A, m0 = 1, m1 = k (A^2 - 1), m2 = 0 */
	float sg = 0.0f, sk = 1.0f, h = 0.0f, x2 = 1.0f, x1 = 0.0f, x0 = -1.0f, s2 = 0.0f;

	if (type == ENGINE_EQ_LOWSHELF) {
		/* g = g0 / sqrt A, k = kq, m0 = 1, m1 = k (A - 1), m2 = A^2 - 1 */
		sg = -0.5f, sk = 0.0f, x2 = 0.0f, x1 = 1.0f, x0 = -1.0f, s2 = 1.0f;
	} else if (type == ENGINE_EQ_HIGHSHELF) {
		/* g = g0 sqrt A, k = kq, m0 = A^2, m1 = k (A - A^2), m2 = 1 - A^2 */
		sg = 0.5f, sk = 0.0f, h = 1.0f, x2 = -1.0f, x1 = 1.0f, x0 = 0.0f, s2 = -1.0f;
	}
	v->sg[l] = sg, v->sk[l] = sk, v->h[l] = h;
	v->x2[l] = x2, v->x1[l] = x1, v->x0[l] = x0, v->s2[l] = s2;
}

static void
lane_interp(float *v, float *dv, unsigned l, float from, float to)
{
	v[l] = from;
	dv[l] = (to - from) * (1.0f / SK_BLOCK);
}

/* Whether a stage's lane parameters must be written this grid block: while it moves, on the
 * block after (to write the increments back to zero), and after a setting changed. Otherwise
 * last block's values still hold and a strip at rest costs nothing here. */
static bool
must_write(struct strip *s, uint32_t moved, uint32_t bits)
{
	bool w = (moved | s->was_moving | s->dirty) & bits;

	s->was_moving = (s->was_moving & ~bits) | (moved & bits);
	if (w)
		s->written |= bits;
	s->dirty &= ~bits;
	return w;
}

static uint32_t
plan_hpf(struct strip *s, const struct strip_env *env, struct sk_group *g)
{
	float lf0, w10, w20, g0_from, g0_to;
	bool mf = smooth_step(&s->hpf_lf, env->kb, &lf0);
	bool m1 = smooth_step(&s->hpf_w1, env->kb, &w10);
	bool m2 = smooth_step(&s->hpf_w2, env->kb, &w20);
	uint32_t both = (1u << SK_HPF1) | (1u << SK_HPF2), moved = 0;

	/* a frequency gliding under a section that is out (wet weight 0 all block) changes nothing
	 * audible: that section need not run its per-sample path */
	if (m1 || (mf && (w10 != 0.0f || s->hpf_w1.cur != 0.0f)))
		moved |= 1u << SK_HPF1;
	if (m2 || (mf && (w20 != 0.0f || s->hpf_w2.cur != 0.0f)))
		moved |= 1u << SK_HPF2;
	if (!must_write(s, mf || m1 || m2 ? both : 0, both))
		return 0;
	g0_from = prewarp(lf0, env->fs);
	g0_to = mf ? prewarp(s->hpf_lf.cur, env->fs) : g0_from;
	for (unsigned i = 0; i < n_lanes(s); i++) {
		unsigned l = s->lane + i;
		for (int st = SK_HPF1; st <= SK_HPF2; st++) {
			struct sk_svf *v = &g->svf[st];
			lane_interp(v->g0, v->dg0, l, g0_from, g0_to);
			v->kq[l] = HPF_K;
			v->dkq[l] = 0.0f;
		}
		lane_interp(g->svf[SK_HPF1].w, g->svf[SK_HPF1].dw, l, w10, s->hpf_w1.cur);
		lane_interp(g->svf[SK_HPF2].w, g->svf[SK_HPF2].dw, l, w20, s->hpf_w2.cur);
	}
	return moved;
}

static uint32_t
plan_band(struct strip *s, const struct strip_env *env, struct sk_group *g, int b)
{
	struct strip_band *bd = &s->band[b];
	struct sk_svf *v = &g->svf[SK_EQ1 + b];
	float lf0, e0, lq0, g0_from, g0_to;
	bool mf, me, mq;
	uint32_t bit = 1u << (SK_EQ1 + b), moved;

	/* a band flat on its way to another type takes the new type here, where all types are the
	 * same filter, then heads for its gain */
	if (bd->type != bd->want && bd->e.cur == 0.0f) {
		bd->type = bd->want;
		bd->e.target = band_e_target(s, bd);
		for (unsigned i = 0; i < n_lanes(s); i++)
			band_type_consts(v, s->lane + i, bd->type);
		s->dirty |= bit;
	}
	mf = smooth_step(&bd->lf, env->kb, &lf0);
	me = smooth_step(&bd->e, env->kb, &e0);
	mq = smooth_step(&bd->lq, env->kb, &lq0);
	/* frequency or Q moving under a flat band changes nothing audible: no need to run it */
	moved = me || ((mf || mq) && bd->e.cur != 0.0f) ? bit : 0;
	if (!must_write(s, moved | (mf || mq ? bit : 0), bit))
		return 0;
	g0_from = prewarp(lf0, env->fs);
	g0_to = mf ? prewarp(bd->lf.cur, env->fs) : g0_from;
	for (unsigned i = 0; i < n_lanes(s); i++) {
		unsigned l = s->lane + i;
		lane_interp(v->g0, v->dg0, l, g0_from, g0_to);
		lane_interp(v->e, v->de, l, e0, bd->e.cur);
		lane_interp(v->kq, v->dkq, l, exp2f(-lq0), exp2f(-bd->lq.cur));
	}
	return moved;
}

static float
time_coef(float ms, double fs)
{
	return (float)exp(-1.0 / (ms * 0.001 * fs));
}

static uint32_t
plan_comp(struct strip *s, const struct strip_env *env, struct sk_group *g)
{
	struct sk_comp *c = &g->comp;
	float thr0, mk0, w0, dummy;
	bool other = smooth_step(&s->c_thr, env->kb, &thr0);
	bool mw = smooth_step(&s->c_w, env->kb, &w0);

	other |= smooth_step(&s->c_mk, env->kb, &mk0);
	other |= smooth_step(&s->c_slope, env->kb, &dummy);
	other |= smooth_step(&s->c_knee, env->kb, &dummy);
	if (!must_write(s, mw || other ? 1u << SK_N_SVF : 0, 1u << SK_N_SVF))
		return 0;
	for (unsigned i = 0; i < n_lanes(s); i++) {
		unsigned l = s->lane + i;
		float knee = s->c_knee.cur;

		lane_interp(c->thr, c->dthr, l, thr0, s->c_thr.cur);
		lane_interp(c->mk, c->dmk, l, mk0, s->c_mk.cur);
		lane_interp(c->w, c->dw, l, w0, s->c_w.cur);
		c->slope[l] = s->c_slope.cur;
		c->knee[l] = knee;
		/* below a thousandth of a dB the knee is hard: no division by ~0 */
		c->inv2w[l] = knee > 1e-3f ? 0.5f / knee : 0.0f;
		c->aa[l] = time_coef(s->attack_ms, env->fs);
		c->ar[l] = time_coef(s->release_ms, env->fs);
		c->link[l] = s->stereo ? 1.0f : 0.0f;
	}
	/* settings gliding under a compressor that is off (weight 0 all block) change nothing
	 * audible: the group need not run it for them */
	return mw || (other && (w0 != 0.0f || s->c_w.cur != 0.0f)) ? 1u << SK_N_SVF : 0;
}

uint32_t
strip_plan_grid(struct strip *s, const struct strip_env *env, struct sk_group *g)
{
	uint32_t moved;

	s->written = 0;
	if (!s->dirty && !s->was_moving)
		return 0; /* at rest since the last block: last block's plan still holds */
	moved = plan_hpf(s, env, g);

	for (int b = 0; b < STRIP_BANDS; b++)
		moved |= plan_band(s, env, g, b);
	return moved | plan_comp(s, env, g);
}

bool
strip_stage_idle(const struct strip *s, int st)
{
	const struct strip_band *b;

	if (st == SK_HPF1)
		return s->hpf_w1.cur == 0.0f;
	if (st == SK_HPF2)
		return s->hpf_w2.cur == 0.0f;
	/* A band set to 0 dB but switched on keeps its states running: the next gain move then
	 * starts from the filter's true state, not from zero, which would be heard as a start-up
	 * transient (several dB for a narrow bell at 100 Hz). Only a band switched off (or the EQ
	 * off) that has reached flat stops costing anything. */
	b = &s->band[st - SK_EQ1];
	return b->e.cur == 0.0f && (!s->eq_on || b->want == ENGINE_EQ_OFF);
}

bool
strip_comp_off(const struct strip *s)
{
	return s->c_w.cur == 0.0f;
}

void
strip_static_coefs(const struct strip *s, const struct strip_env *env, struct sk_group *g, int st)
{
	struct sk_svf *v = &g->svf[st];

	for (unsigned i = 0; i < n_lanes(s); i++) {
		unsigned l = s->lane + i;
		/* the moving formula of kernel.h at the block's end value, in double precision */
		double e = v->e[l] + v->de[l] * SK_BLOCK;
		double g0 = v->g0[l] + v->dg0[l] * SK_BLOCK;
		double kq = v->kq[l] + v->dkq[l] * SK_BLOCK;
		double A = exp2(e), A2 = A * A, gg, k, a1, m0, m1, m2;

		if (st <= SK_HPF2) {
			double w = v->w[l] + v->dw[l] * SK_BLOCK;
			gg = g0, k = HPF_K;
			m0 = 1.0, m1 = -k * w, m2 = -w;
		} else {
			gg = g0 * exp2(v->sg[l] * e);
			k = kq * exp2(-v->sk[l] * e);
			m0 = 1.0 + v->h[l] * (A2 - 1.0);
			m1 = k * (v->x2[l] * A2 + v->x1[l] * A + v->x0[l]);
			m2 = v->s2[l] * (A2 - 1.0);
		}
		a1 = 1.0 / (1.0 + gg * (gg + k));
		v->a1[l] = (float)a1;
		v->a2[l] = (float)(gg * a1);
		v->a3[l] = (float)(gg * gg * a1);
		v->m0[l] = (float)m0;
		v->m1[l] = (float)m1;
		v->m2[l] = (float)m2;
	}
	(void)env;
}

void
strip_settle(struct strip *s, const struct strip_env *env, struct sk_group *g)
{
	struct smooth *all[] = { &s->hpf_lf, &s->hpf_w1, &s->hpf_w2,  &s->c_thr,
		                 &s->c_mk,   &s->c_w,    &s->c_slope, &s->c_knee };
	struct ramp *ramps[SK_N_RAMPS];

	strip_ramps(s, ramps);
	for (unsigned i = 0; i < SK_N_RAMPS; i++)
		ramp_init(ramps[i], ramps[i]->target);
	ramp_init(&s->g_pl, s->g_pl.target);
	ramp_init(&s->g_pr, s->g_pr.target);
	ramp_init(&s->g_cue, s->g_cue.target);
	ramp_init(&s->g_dpre, s->g_dpre.target);
	s->snap_pl = s->g_pl;
	s->snap_pr = s->g_pr;
	s->fx_live = fx_live(s);
	for (int b = 0; b < STRIP_BANDS; b++) {
		struct strip_band *bd = &s->band[b];
		bd->type = bd->want;
		bd->e.target = band_e_target(s, bd);
		for (unsigned i = 0; i < n_lanes(s); i++)
			band_type_consts(&g->svf[SK_EQ1 + b], s->lane + i, bd->type);
		bd->lf.cur = bd->lf.target;
		bd->e.cur = bd->e.target;
		bd->lq.cur = bd->lq.target;
	}
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		all[i]->cur = all[i]->target;
	/* a plan at rest: every increment zero */
	s->dirty = STRIP_PLAN_ALL;
	s->was_moving = 0;
	strip_plan_grid(s, env, g);
	for (int st = 0; st < SK_N_SVF; st++)
		strip_static_coefs(s, env, g, st);
	for (unsigned i = 0; i < n_lanes(s); i++)
		sk_reset_lane(g, s->lane + i);
}

/* The strip's gain ramps in the kernel's order (SK_R_*). */
static void
strip_ramps(struct strip *s, struct ramp **r)
{
	r[SK_R_IN] = &s->g_in;
	r[SK_R_FADER] = &s->g_fader;
	r[SK_R_L] = &s->g_l;
	r[SK_R_R] = &s->g_r;
	for (int b = 0; b < SK_N_FX; b++) {
		r[SK_R_SEND0 + b] = &s->g_send[b];
		r[SK_R_PRE0 + b] = &s->g_pre[b];
	}
	r[SK_R_MUTE] = &s->g_mute;
}

void
strip_lane_ramp(struct sk_ramp *k, unsigned l, const struct ramp *r)
{
	k->start[l] = r->start;
	k->inc[l] = r->inc;
	k->kb[l] = (float)(r->n - r->left);
	k->left[l] = (float)r->left;
	k->target[l] = r->target;
	if (!r->left) {
		/* at rest: the kernel's formula must give cur, whatever start and inc were */
		k->start[l] = k->target[l] = r->cur;
		k->inc[l] = 0.0f;
	}
}

bool
strip_plan_ramps(struct strip *s, struct sk_group *g, uint32_t n)
{
	static const struct ramp zero = { 0 };
	struct ramp *own[SK_N_RAMPS];
	bool moving = false;

	/* at rest the snapshots already hold the resting pan: the call that found every ramp
	 * still took them, and nothing has moved since (strip_retarget clears ramps_rest) */
	if (s->ramps_rest)
		return false;
	s->snap_pl = s->g_pl;
	s->snap_pr = s->g_pr;
	moving = ramp_moving(&s->g_pl) || ramp_moving(&s->g_pr);
	ramp_skip(&s->g_pl, n);
	ramp_skip(&s->g_pr, n);
	strip_ramps(s, own);
	for (int r = 0; r < SK_N_RAMPS; r++) {
		for (unsigned i = 0; i < n_lanes(s); i++) {
			const struct ramp *src = own[r];
			/* a stereo strip's left lane feeds only the left side, the right lane the
			 * right */
			if (s->stereo && ((r == SK_R_R && i == 0) || (r == SK_R_L && i == 1)))
				src = &zero;
			strip_lane_ramp(&g->ramp[r], s->lane + i, src);
		}
		moving |= own[r]->left != 0;
		ramp_skip(own[r], n);
	}
	s->ramps_rest = !moving;
	s->fx_live = fx_live(s); /* at rest it holds until the next retarget */
	return moving;
}
