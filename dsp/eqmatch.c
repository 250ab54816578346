/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eqmatch.h"

#include <math.h>
#include <string.h>

#include "eqdesign.h"
#include "numeric.h"
#include "strip.h"

#define SNAP 1e-5f /* a smoothed value this close to its target is there (as strip.c) */

/* the strip EQ's defaults (strip.h) */
static const int def_type[EQM_BANDS] = { STRIP_EQ1_TYPE_DEFAULT, STRIP_EQ2_TYPE_DEFAULT,
	                                 STRIP_EQ3_TYPE_DEFAULT, STRIP_EQ4_TYPE_DEFAULT };
static const float def_freq[EQM_BANDS] = { STRIP_EQ1_FREQ_DEFAULT_HZ, STRIP_EQ2_FREQ_DEFAULT_HZ,
	                                   STRIP_EQ3_FREQ_DEFAULT_HZ, STRIP_EQ4_FREQ_DEFAULT_HZ };

/* The gain a band heads for: flat while it is off, the EQ is off, or it changes type. */
static float
gain_target(const struct eqmatch *q, const struct eqm_band *b)
{
	if (!q->on || b->want == ENGINE_EQ_OFF || b->type != b->want)
		return 0.0f;
	return b->gain_db;
}

static void
targets(struct eqmatch *q)
{
	for (int k = 0; k < EQM_BANDS; k++) {
		struct eqm_band *b = &q->band[k];
		b->lf_to = log2f(b->freq);
		b->lq_to = log2f(b->q);
		b->gdb_to = gain_target(q, b);
	}
}

static struct eqm_coef
design(const struct eqmatch *q, const struct eqm_band *b)
{
	struct eqd_svf s = eqd_matched(b->type, exp2(b->lf), b->gdb, exp2(b->lq), q->fs);
	struct eqm_coef c = { (float)s.g, (float)s.k, (float)s.m0, (float)s.m1, (float)s.m2 };

	return c;
}

static void
clear(struct eqm_band *b)
{
	memset(b->ic, 0, sizeof(b->ic));
	b->live = false;
}

void
eqmatch_init(struct eqmatch *q, double fs, float kb)
{
	memset(q, 0, sizeof(*q));
	q->on = STRIP_EQ_ON_DEFAULT;
	for (int k = 0; k < EQM_BANDS; k++) {
		struct eqm_band *b = &q->band[k];
		b->type = b->want = def_type[k];
		b->freq = def_freq[k];
		b->gain_db = STRIP_EQ_GAIN_DEFAULT_DB;
		b->q = STRIP_EQ_Q_DEFAULT;
	}
	eqmatch_set_rate(q, fs, kb);
}

void
eqmatch_settle(struct eqmatch *q)
{
	for (int k = 0; k < EQM_BANDS; k++) {
		struct eqm_band *b = &q->band[k];
		b->type = b->want;
	}
	targets(q);
	for (int k = 0; k < EQM_BANDS; k++) {
		struct eqm_band *b = &q->band[k];
		b->lf = b->lf_to;
		b->lq = b->lq_to;
		b->gdb = b->gdb_to;
		b->c = design(q, b);
		if (b->gdb == 0.0f)
			clear(b);
	}
}

void
eqmatch_set_rate(struct eqmatch *q, double fs, float kb)
{
	q->fs = fs;
	q->kb = kb;
	for (int k = 0; k < EQM_BANDS; k++)
		clear(&q->band[k]);
	eqmatch_settle(q);
}

bool
eqmatch_set(struct eqmatch *q, enum engine_param p, float v)
{
	if (isnan(v))
		return p >= ENGINE_STRIP_EQ_ON && p <= ENGINE_STRIP_EQ4_Q;
	if (p == ENGINE_STRIP_EQ_ON) {
		q->on = v >= 0.5f;
	} else if (p >= ENGINE_STRIP_EQ1_TYPE && p <= ENGINE_STRIP_EQ4_Q) {
		struct eqm_band *b = &q->band[(p - ENGINE_STRIP_EQ1_TYPE) / 4];
		switch ((p - ENGINE_STRIP_EQ1_TYPE) % 4) {
		case 0:
			b->want = (int)clampf(nearbyintf(v), ENGINE_EQ_OFF, ENGINE_EQ_HIGHSHELF);
			break;
		case 1:
			b->freq = clampf(v, STRIP_EQ_FREQ_MIN_HZ, STRIP_EQ_FREQ_MAX_HZ);
			break;
		case 2:
			b->gain_db = clampf(v, STRIP_EQ_GAIN_MIN_DB, STRIP_EQ_GAIN_MAX_DB);
			break;
		default:
			b->q = clampf(v, STRIP_EQ_Q_MIN, STRIP_EQ_Q_MAX);
			break;
		}
	} else {
		return false;
	}
	targets(q);
	return true;
}

float
eqmatch_get(const struct eqmatch *q, enum engine_param p)
{
	const struct eqm_band *b;

	if (p == ENGINE_STRIP_EQ_ON)
		return q->on;
	if (p < ENGINE_STRIP_EQ1_TYPE || p > ENGINE_STRIP_EQ4_Q)
		return NAN;
	b = &q->band[(p - ENGINE_STRIP_EQ1_TYPE) / 4];
	switch ((p - ENGINE_STRIP_EQ1_TYPE) % 4) {
	case 0:
		return (float)b->want;
	case 1:
		return b->freq;
	case 2:
		return b->gain_db;
	default:
		return b->q;
	}
}

static bool
step(float *cur, float to, float kb)
{
	if (*cur == to)
		return false;
	*cur += kb * (to - *cur);
	if (fabsf(to - *cur) < SNAP)
		*cur = to;
	return true;
}

/* A band this block: coefficients from c0 to c1 (equal: fixed), and where they are. */
struct act {
	struct eqm_band *b;
	struct eqm_coef c0, c1;
	bool moving;
	float a1, a2, a3, m0, m1, m2;
};

static void
at(struct act *a, float t)
{
	const struct eqm_coef *c0 = &a->c0, *c1 = &a->c1;
	float g = c0->g + t * (c1->g - c0->g), k = c0->k + t * (c1->k - c0->k);

	a->m0 = c0->m0 + t * (c1->m0 - c0->m0);
	a->m1 = c0->m1 + t * (c1->m1 - c0->m1);
	a->m2 = c0->m2 + t * (c1->m2 - c0->m2);
	a->a1 = 1.0f / (1.0f + g * (g + k));
	a->a2 = g * a->a1;
	a->a3 = g * a->a2;
}

typedef float v4 __attribute__((vector_size(16)));

/* The active bands in series, sample by sample, both sides in the lanes of one vector (0: left,
 * 1: right): one vector SVF tick per band and sample. The bands' recurrences are independent
 * chains the CPU overlaps (one band at a time over the block would wait on each one's
 * latency). */
static void
run(struct act *act, int na, float *l, float *r, uint32_t n)
{
	v4 ic1[EQM_BANDS], ic2[EQM_BANDS];

	for (int j = 0; j < na; j++) {
		const struct eqm_band *b = act[j].b;
		ic1[j] = (v4){ b->ic[0][0], b->ic[1][0], 0.0f, 0.0f };
		ic2[j] = (v4){ b->ic[0][1], b->ic[1][1], 0.0f, 0.0f };
	}
	for (uint32_t i = 0; i < n; i++) {
		v4 x = { l[i], r[i], 0.0f, 0.0f };
		for (int j = 0; j < na; j++) {
			struct act *a = &act[j];
			if (a->moving)
				at(a, (float)(i + 1) / (float)n);
			v4 v3 = x - ic2[j];
			v4 v1 = a->a1 * ic1[j] + a->a2 * v3;
			v4 v2 = ic2[j] + a->a2 * ic1[j] + a->a3 * v3;
			ic1[j] = 2.0f * v1 - ic1[j];
			ic2[j] = 2.0f * v2 - ic2[j];
			x = a->m0 * x + a->m1 * v1 + a->m2 * v2;
		}
		l[i] = x[0];
		r[i] = x[1];
	}
	for (int j = 0; j < na; j++) {
		struct eqm_band *b = act[j].b;
		b->ic[0][0] = ic1[j][0];
		b->ic[1][0] = ic1[j][1];
		b->ic[0][1] = ic2[j][0];
		b->ic[1][1] = ic2[j][1];
	}
}

void
eqmatch_process(struct eqmatch *q, float *l, float *r, uint32_t n)
{
	struct act act[EQM_BANDS];
	int na = 0;

	for (int k = 0; k < EQM_BANDS; k++) {
		struct eqm_band *b = &q->band[k];
		struct eqm_coef c0 = b->c;

		/* flat on its way to another type: take it here, where every type is the same */
		if (b->type != b->want && b->gdb == 0.0f) {
			b->type = b->want;
			b->gdb_to = gain_target(q, b);
		}
		bool mf = step(&b->lf, b->lf_to, q->kb), mq = step(&b->lq, b->lq_to, q->kb);
		bool mg = step(&b->gdb, b->gdb_to, q->kb);
		if (mf || mq || mg) {
			b->c = design(q, b);
			if (!b->live) /* leaving flat: from identity, on cleared states */
				c0 = (struct eqm_coef){ c0.g, c0.k, 1.0f, 0.0f, 0.0f };
		}
		if (b->gdb == 0.0f && !mg) {
			clear(b); /* flat and staying: identity, nothing to run */
			continue;
		}
		b->live = true;
		act[na] = (struct act){ .b = b, .c0 = c0, .c1 = b->c };
		act[na].moving = memcmp(&c0, &b->c, sizeof(c0)) != 0;
		at(&act[na], 1.0f);
		na++;
	}
	if (na == 0)
		return;
	run(act, na, l, r, n);
	for (int j = 0; j < na; j++) {
		struct eqm_band *b = act[j].b;
		if (!isfinite(b->ic[0][0] + b->ic[0][1] + b->ic[1][0] + b->ic[1][1])) {
			for (int k = 0; k < EQM_BANDS; k++)
				clear(&q->band[k]);
			memset(l, 0, n * sizeof(float));
			memset(r, 0, n * sizeof(float));
			q->resets++;
			return;
		}
	}
}
