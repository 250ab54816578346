/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "master.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gain.h"
#include "numeric.h"

static void *
zalloc64(size_t n)
{
	size_t size = (n + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, size);

	if (p)
		memset(p, 0, size);
	return p;
}

static void
fader_update(struct master *m, const struct strip_env *env)
{
	ramp_to(&m->g_fader, m->mute ? 0.0f : gain_db_to_lin(m->fader_db), env->smooth_n);
}

int
master_init(struct master *m, const struct strip_env *env)
{
	memset(m, 0, sizeof(*m));
	m->g = zalloc64(sizeof(*m->g));
	m->acc = zalloc64(sizeof(*m->acc));
	if (!m->g || !m->acc)
		return -ENOMEM;
	eqmatch_init(&m->eq, env->fs, env->kb);
	m->glue.stereo = true;
	m->glue.lane = 0;
	strip_init(&m->glue, env);
	m->glue.eq_on = false;
	for (int b = 0; b < STRIP_BANDS; b++)
		m->glue.band[b].type = m->glue.band[b].want = ENGINE_EQ_OFF;
	/* glue defaults: slower and gentler than a strip's */
	m->glue.ratio = MASTER_COMP_RATIO_DEFAULT;
	m->glue.attack_ms = MASTER_COMP_ATTACK_DEFAULT_MS;
	m->glue.release_ms = MASTER_COMP_RELEASE_DEFAULT_MS;
	strip_retarget(&m->glue, env, true);
	multiband_init(&m->mb, env->fs, env->smooth_n, env->kb);
	monobass_init(&m->mono, env->fs, env->smooth_n, env->kb);
	m->fader_db = MASTER_FADER_DEFAULT_DB;
	m->width = MASTER_WIDTH_DEFAULT;
	ramp_init(&m->g_width, m->width);
	ramp_init(&m->g_fader, 1.0f);
	m->lim = limiter_new();
	if (!m->lim)
		return -ENOMEM;
	m->lim_on = MASTER_LIMITER_ON_DEFAULT;
	m->lim_tp = LIMITER_TRUEPEAK_DEFAULT;
	m->lim_ceiling_db = LIMITER_CEILING_DEFAULT_DB;
	m->lim_release_ms = LIMITER_RELEASE_DEFAULT_MS;
	if (master_set_rate(m, env) < 0)
		return -ENOMEM;
	master_settle(m, env);
	return 0;
}

int
master_set_rate(struct master *m, const struct strip_env *env)
{
	int ret = limiter_set_rate(m->lim, env->fs);

	eqmatch_set_rate(&m->eq, env->fs, env->kb);
	multiband_set_rate(&m->mb, env->fs, env->smooth_n, env->kb);
	monobass_set_rate(&m->mono, env->fs, env->smooth_n, env->kb);
	if (ret == 0)
		limiter_set(m->lim, m->lim_on, m->lim_ceiling_db, m->lim_release_ms, m->lim_tp);
	return ret;
}

uint32_t
master_latency(const struct master *m)
{
	return limiter_latency(m->lim);
}

void
master_free(struct master *m)
{
	limiter_free(m->lim);
	m->lim = NULL;
	free(m->acc);
	free(m->g);
	m->acc = NULL;
	m->g = NULL;
}

void
master_settle(struct master *m, const struct strip_env *env)
{
	eqmatch_settle(&m->eq);
	strip_retarget(&m->glue, env, true);
	strip_settle(&m->glue, env, m->g);
	multiband_settle(&m->mb);
	monobass_settle(&m->mono);
	fader_update(m, env);
	ramp_init(&m->g_fader, m->g_fader.target);
	ramp_init(&m->g_width, m->width);
	group_plan(m->g, &m->plan, &m->glue, 1, env, true);
	limiter_set(m->lim, m->lim_on, m->lim_ceiling_db, m->lim_release_ms, m->lim_tp);
	limiter_settle(m->lim);
}

bool
master_set(struct master *m, const struct strip_env *env, enum engine_param p, float v)
{
	if (p >= ENGINE_MASTER_EQ_ON && p <= ENGINE_MASTER_COMP_MAKEUP) {
		enum engine_param sp =
		    (enum engine_param)(p - ENGINE_MASTER_EQ_ON + ENGINE_STRIP_EQ_ON);
		if (sp < ENGINE_STRIP_COMP_ON)
			return eqmatch_set(&m->eq, sp, v);
		strip_store(&m->glue, sp, v);
		strip_retarget(&m->glue, env, true);
		return true;
	}
	if (p >= ENGINE_MASTER_MB_ON && p <= ENGINE_MASTER_MB3_GAIN)
		return multiband_set(&m->mb, (unsigned)(p - ENGINE_MASTER_MB_ON), v);
	switch (p) {
	case ENGINE_MASTER_FADER:
		m->fader_db = clampf(v, ENGINE_LEVEL_OFF_DB, ENGINE_LEVEL_MAX_DB);
		break;
	case ENGINE_MASTER_MUTE:
		m->mute = v >= 0.5f;
		break;
	case ENGINE_MASTER_WIDTH:
		m->width = clampf(v, MASTER_WIDTH_MIN, MASTER_WIDTH_MAX);
		ramp_to(&m->g_width, m->width, env->smooth_n);
		return true;
	case ENGINE_MASTER_MONO_BELOW:
		monobass_set(&m->mono, v);
		return true;
	case ENGINE_MASTER_LIMITER_ON:
	case ENGINE_MASTER_LIMITER_CEILING:
	case ENGINE_MASTER_LIMITER_RELEASE:
	case ENGINE_MASTER_LIMITER_TRUEPEAK:
		if (p == ENGINE_MASTER_LIMITER_ON)
			m->lim_on = v >= 0.5f;
		else if (p == ENGINE_MASTER_LIMITER_TRUEPEAK)
			m->lim_tp = v >= 0.5f;
		else if (p == ENGINE_MASTER_LIMITER_CEILING)
			m->lim_ceiling_db = v; /* the limiter clamps */
		else
			m->lim_release_ms = v;
		limiter_set(m->lim, m->lim_on, m->lim_ceiling_db, m->lim_release_ms, m->lim_tp);
		return true;
	default:
		return false;
	}
	fader_update(m, env);
	return true;
}

float
master_get(const struct master *m, enum engine_param p)
{
	float ceiling_db, release_ms;

	if (p >= ENGINE_MASTER_EQ_ON && p <= ENGINE_MASTER_COMP_MAKEUP) {
		enum engine_param sp =
		    (enum engine_param)(p - ENGINE_MASTER_EQ_ON + ENGINE_STRIP_EQ_ON);
		return sp < ENGINE_STRIP_COMP_ON ? eqmatch_get(&m->eq, sp)
		                                 : strip_get(&m->glue, sp);
	}
	if (p >= ENGINE_MASTER_MB_ON && p <= ENGINE_MASTER_MB3_GAIN)
		return multiband_get(&m->mb, (unsigned)(p - ENGINE_MASTER_MB_ON));
	limiter_get(m->lim, &ceiling_db, &release_ms);
	switch (p) {
	case ENGINE_MASTER_FADER:
		return m->fader_db;
	case ENGINE_MASTER_MUTE:
		return m->mute;
	case ENGINE_MASTER_WIDTH:
		return m->width;
	case ENGINE_MASTER_MONO_BELOW:
		return m->mono.freq;
	case ENGINE_MASTER_LIMITER_ON:
		return m->lim_on;
	case ENGINE_MASTER_LIMITER_TRUEPEAK:
		return m->lim_tp;
	case ENGINE_MASTER_LIMITER_CEILING:
		return ceiling_db;
	case ENGINE_MASTER_LIMITER_RELEASE:
		return release_ms;
	default:
		return NAN;
	}
}

/* M/S width: L' = M + w S, R' = M - w S with M = (L+R)/2, S = (L-R)/2. At w = 1 and at rest
 * the signal is left untouched, bit for bit. */
static void
width_block(struct master *m, float *l, float *r, uint32_t n)
{
	float w[SK_BLOCK];

	if (!ramp_moving(&m->g_width) && m->g_width.cur == 1.0f)
		return;
	ramp_fill(&m->g_width, w, n);
	for (uint32_t i = 0; i < n; i++) {
		float mid = 0.5f * (l[i] + r[i]), side = 0.5f * (l[i] - r[i]) * w[i];
		l[i] = mid + side;
		r[i] = mid - side;
	}
}

static void
fader_block(struct master *m, float *l, float *r, uint32_t n)
{
	float g[SK_BLOCK];

	ramp_fill(&m->g_fader, g, n);
	for (uint32_t i = 0; i < n; i++) {
		l[i] *= g[i];
		r[i] *= g[i];
	}
}

/* Meters on what leaves, and the last line of defence: no NaN or Inf leaves the console. */
static void
meter_block(struct master *m, float *l, float *r, uint32_t n)
{
	float pl = m->peak_l, pr = m->peak_r, ss_l = m->ss_l, ss_r = m->ss_r;

	for (uint32_t i = 0; i < n; i++) {
		pl = fmaxabs(pl, l[i]);
		pr = fmaxabs(pr, r[i]);
		ss_l += l[i] * l[i];
		ss_r += r[i] * r[i];
	}
	if (!isfinite(ss_l + ss_r)) {
		memset(l, 0, n * sizeof(*l));
		memset(r, 0, n * sizeof(*r));
		m->nonfinite_output++;
		return;
	}
	m->peak_l = pl;
	m->peak_r = pr;
	m->ss_l = ss_l;
	m->ss_r = ss_r;
}

/* The glue compressor: the pair kernel over l/r in place. */
static void
kernel_pass(struct master *m, const struct strip_env *env, struct strip *s, struct sk_group *g,
            struct sk_acc *acc, struct group_plan *plan, float *l, float *r, uint32_t j0,
            uint32_t n)
{
	if (j0 == 0)
		group_plan(g, plan, s, 1, env, false);
	for (uint32_t i = 0; i < n; i++) {
		/* a non-finite sum (which finite inputs cannot make) must not reach the filters */
		g->x[i][0] = isfinite(l[i]) ? l[i] : 0.0f;
		g->x[i][1] = isfinite(r[i]) ? r[i] : 0.0f;
		acc->v[SK_OUT_L][i][0] = acc->v[SK_OUT_L][i][1] = 0.0f;
		acc->v[SK_OUT_R][i][0] = acc->v[SK_OUT_R][i][1] = 0.0f;
	}
	g->ramps_moving = strip_plan_ramps(s, g, n);
	memset(g->send_on, 0, sizeof(g->send_on));
	if (sk_kernel_pair(g, acc, j0, n))
		m->state_resets++;
	for (uint32_t i = 0; i < n; i++) {
		l[i] = acc->v[SK_OUT_L][i][0];
		r[i] = acc->v[SK_OUT_R][i][1];
	}
}

void
master_process(struct master *m, const struct strip_env *env, float *l, float *r, uint32_t j0,
               uint32_t n, float *tap_l, float *tap_r)
{
	for (uint32_t i = 0; i < n; i++) { /* a non-finite sum must not reach the filters */
		l[i] = isfinite(l[i]) ? l[i] : 0.0f;
		r[i] = isfinite(r[i]) ? r[i] : 0.0f;
	}
	eqmatch_process(&m->eq, l, r, n);
	multiband_process(&m->mb, l, r, n);
	kernel_pass(m, env, &m->glue, m->g, m->acc, &m->plan, l, r, j0, n);
	width_block(m, l, r, n);
	monobass_process(&m->mono, l, r, n);
	fader_block(m, l, r, n);
	if (tap_l && tap_r) { /* the monitor's main mix: before the limiter, no look-ahead */
		memcpy(tap_l, l, n * sizeof(*l));
		memcpy(tap_r, r, n * sizeof(*r));
	}
	limiter_process(m->lim, l, r, n);
	meter_block(m, l, r, n);
}

float
master_read_limiter_gr(struct master *m)
{
	return limiter_read_gr(m->lim);
}

float
master_read_truepeak(struct master *m)
{
	return limiter_read_truepeak(m->lim);
}

float
master_read_comp_gr(struct master *m)
{
	float gr = fmaxf(m->g->comp.gr[0], m->g->comp.gr[1]);

	m->g->comp.gr[0] = m->g->comp.gr[1] = 0.0f;
	return gr;
}

void
master_read_multiband_gr(struct master *m, float gr[MB_BANDS])
{
	multiband_read_gr(&m->mb, gr);
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

void
master_close_interval(struct master *m, uint32_t count)
{
	m->rms_l = rms_of(m->ss_l, count);
	m->rms_r = rms_of(m->ss_r, count);
	m->ss_l = m->ss_r = 0.0f;
}
