/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cue.h"

#include <math.h>
#include <string.h>

#include "gain.h"
#include "numeric.h"

static void
retarget(struct cue *c)
{
	ramp_to(&c->g_afl, c->afl ? 1.0f : 0.0f, c->smooth_n);
	ramp_to(&c->g_level, gain_db_to_lin(c->level_db), c->smooth_n);
	ramp_to(&c->g_main, c->n_cued ? 0.0f : 1.0f, c->smooth_n);
}

void
cue_init(struct cue *c, uint32_t smooth_n)
{
	memset(c, 0, sizeof(*c));
	c->smooth_n = smooth_n;
	c->afl = ENGINE_MONITOR_MODE_DEFAULT == ENGINE_MONITOR_AFL;
	c->level_db = ENGINE_MONITOR_LEVEL_DEFAULT_DB;
	retarget(c);
	cue_settle(c, smooth_n);
}

void
cue_settle(struct cue *c, uint32_t smooth_n)
{
	c->smooth_n = smooth_n;
	retarget(c);
	ramp_init(&c->g_afl, c->g_afl.target);
	ramp_init(&c->g_level, c->g_level.target);
	ramp_init(&c->g_main, c->g_main.target);
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++)
		ramp_init(&c->g_fx[b], c->fx[b] ? 1.0f : 0.0f);
}

void
cue_switch(struct cue *c, bool *flag, struct ramp *g, bool on)
{
	if (on != *flag) {
		*flag = on;
		c->n_cued += on ? 1 : (unsigned)-1;
	}
	ramp_to(g, on ? 1.0f : 0.0f, c->smooth_n);
	retarget(c);
}

bool
cue_set(struct cue *c, enum engine_param p, float v)
{
	if (p >= ENGINE_BUS1_CUE && p <= ENGINE_BUS_CUE_LAST) {
		unsigned b = p - ENGINE_BUS1_CUE;
		cue_switch(c, &c->fx[b], &c->g_fx[b], v >= 0.5f);
		return true;
	}
	if (p == ENGINE_MONITOR_MODE)
		c->afl = v >= 0.5f;
	else if (p == ENGINE_MONITOR_LEVEL)
		c->level_db = clampf(v, GAIN_OFF_DB, ENGINE_LEVEL_MAX_DB);
	else
		return false;
	retarget(c);
	return true;
}

float
cue_get(const struct cue *c, enum engine_param p)
{
	if (p >= ENGINE_BUS1_CUE && p <= ENGINE_BUS_CUE_LAST)
		return c->fx[p - ENGINE_BUS1_CUE];
	if (p == ENGINE_MONITOR_MODE)
		return c->afl ? ENGINE_MONITOR_AFL : ENGINE_MONITOR_PFL;
	if (p == ENGINE_MONITOR_LEVEL)
		return c->level_db;
	return NAN;
}

void
cue_begin(struct cue *c, uint32_t n)
{
	memset(c->l, 0, n * sizeof(float));
	memset(c->r, 0, n * sizeof(float));
	ramp_fill(&c->g_afl, c->wa, n);
}

void
cue_strip(struct cue *c, struct strip *s, const struct sk_group *g, uint32_t n)
{
	float gc[SK_BLOCK], pl[SK_BLOCK], pr[SK_BLOCK];
	struct ramp snap_l = s->snap_pl, snap_r = s->snap_pr;
	unsigned ll = s->lane, lr = s->stereo ? s->lane + 1 : s->lane;

	if (!ramp_live(&s->g_cue))
		return; /* not cued, faded out: costs nothing */
	ramp_fill(&s->g_cue, gc, n);
	/* the pan of this sub-block: from where it stood at its start (strip_plan_ramps) */
	ramp_fill(&snap_l, pl, n);
	ramp_fill(&snap_r, pr, n);
	for (uint32_t i = 0; i < n; i++) {
		float yl = g->x[i][ll], yr = g->x[i][lr];
		float afl_l = yl * sk_ramp_value(&g->ramp[SK_R_FADER], ll, i) * pl[i];
		float afl_r = yr * sk_ramp_value(&g->ramp[SK_R_FADER], lr, i) * pr[i];
		float wa = c->wa[i];

		c->l[i] += gc[i] * ((1.0f - wa) * yl + wa * afl_l);
		c->r[i] += gc[i] * ((1.0f - wa) * yr + wa * afl_r);
	}
}

void
cue_bus(struct cue *c, struct ramp *g, const float *pfl_l, const float *pfl_r, const float *afl_l,
        const float *afl_r, uint32_t n)
{
	float gc[SK_BLOCK];

	if (!ramp_live(g))
		return;
	ramp_fill(g, gc, n);
	for (uint32_t i = 0; i < n; i++) {
		float wa = c->wa[i];
		c->l[i] += gc[i] * ((1.0f - wa) * pfl_l[i] + wa * afl_l[i]);
		c->r[i] += gc[i] * ((1.0f - wa) * pfl_r[i] + wa * afl_r[i]);
	}
}

void
cue_finish(struct cue *c, const float *main_l, const float *main_r, uint32_t n)
{
	float gm[SK_BLOCK], gl[SK_BLOCK];
	float pl = c->peak[0], pr = c->peak[1], sl = c->ss[0], sr = c->ss[1];

	ramp_fill(&c->g_main, gm, n);
	ramp_fill(&c->g_level, gl, n);
	for (uint32_t i = 0; i < n; i++) {
		float yl = (c->l[i] + gm[i] * main_l[i]) * gl[i];
		float yr = (c->r[i] + gm[i] * main_r[i]) * gl[i];
		c->l[i] = yl;
		c->r[i] = yr;
		pl = fmaxabs(pl, yl);
		pr = fmaxabs(pr, yr);
		sl += yl * yl;
		sr += yr * yr;
	}
	if (!isfinite(sl + sr)) {
		memset(c->l, 0, n * sizeof(float));
		memset(c->r, 0, n * sizeof(float));
		c->nonfinite++;
		return;
	}
	c->peak[0] = pl;
	c->peak[1] = pr;
	c->ss[0] = sl;
	c->ss[1] = sr;
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

void
cue_close_interval(struct cue *c, uint32_t count)
{
	for (int k = 0; k < 2; k++) {
		c->rms[k] = rms_of(c->ss[k], count);
		c->ss[k] = 0.0f;
	}
}

void
cue_read_meter(struct cue *c, struct engine_meter *l, struct engine_meter *r)
{
	l->peak = c->peak[0];
	r->peak = c->peak[1];
	l->rms = c->rms[0];
	r->rms = c->rms[1];
	l->gr = r->gr = 0.0f;
	c->peak[0] = c->peak[1] = 0.0f;
}
