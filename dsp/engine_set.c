/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_set: parameters into the strips, buses, groups, cue and master (engine.h). */
#include <math.h>
#include <stddef.h>

#include "direct.h"
#include "engine_impl.h"
#include "gain.h"

static bool
on(float v)
{
	return v >= 0.5f;
}

static bool
is_strip_param(enum engine_param p)
{
	return p < ENGINE_MASTER_FADER || (p >= ENGINE_STRIP_HPF_ON && p <= ENGINE_STRIP_SEND_LAST);
}

/* Whether idx names something the layout has, for a live-console parameter. */
static bool
live_idx_ok(const struct engine *e, enum engine_param p, unsigned idx)
{
	switch (p) {
	case ENGINE_STRIP_CUE:
	case ENGINE_STRIP_DIRECT_PRE:
		return idx < e->n_strips;
	case ENGINE_STRIP_AUX_LEVEL:
	case ENGINE_STRIP_AUX_PRE:
	case ENGINE_STRIP_AUX_PAN:
		return idx / ENGINE_MAX_AUX < e->n_strips && idx % ENGINE_MAX_AUX < e->aux.n_aux;
	case ENGINE_STRIP_DCA:
		return idx / ENGINE_MAX_DCA < e->n_strips && idx % ENGINE_MAX_DCA < e->grp.n_dca;
	case ENGINE_STRIP_MUTEGROUP:
		return idx / ENGINE_MUTE_GROUPS < e->n_strips;
	case ENGINE_AUX_FADER:
	case ENGINE_AUX_MUTE:
	case ENGINE_AUX_MASTER:
	case ENGINE_AUX_CUE:
		return idx < e->aux.n_aux;
	case ENGINE_DCA_FADER:
	case ENGINE_DCA_MUTE:
		return idx < e->grp.n_dca;
	case ENGINE_MUTEGROUP_ON:
		return idx < ENGINE_MUTE_GROUPS;
	default:
		return true;
	}
}

/* The live console's block of the enum (ENGINE_STRIP_CUE .. ENGINE_MONITOR_LEVEL); the
 * master's multiband rows come after it and go to master_set. */
static bool
is_live_param(enum engine_param p)
{
	return p >= ENGINE_STRIP_CUE && p <= ENGINE_MONITOR_LEVEL;
}

/* The live console's parameters (engine.h, issue 12); idx is checked. */
static void
live_set(struct engine *e, enum engine_param p, unsigned idx, float v)
{
	unsigned first, count;

	switch (p) {
	case ENGINE_STRIP_CUE:
		cue_switch(&e->cue, &e->strips[idx].cue, &e->strips[idx].g_cue, on(v));
		return;
	case ENGINE_STRIP_DIRECT_PRE:
		e->strips[idx].direct_pre = on(v);
		engine_strip_retarget(e, idx);
		return;
	case ENGINE_STRIP_AUX_LEVEL:
	case ENGINE_STRIP_AUX_PRE:
	case ENGINE_STRIP_AUX_PAN:
	case ENGINE_AUX_FADER:
	case ENGINE_AUX_MUTE:
	case ENGINE_AUX_MASTER:
		if (!aux_set(&e->aux, e->strips, p, idx, v))
			return;
		/* subgroup membership moved: who feeds the main mix directly */
		first = p == ENGINE_AUX_MASTER ? 0 : idx / ENGINE_MAX_AUX;
		count = p == ENGINE_AUX_MASTER ? e->n_strips : 1;
		for (unsigned k = first; k < first + count; k++) {
			e->strips[k].to_main = !aux_member(&e->aux, k);
			engine_strip_retarget(e, k);
		}
		return;
	case ENGINE_AUX_CUE:
		cue_switch(&e->cue, &e->aux.bus[idx].cue, &e->aux.bus[idx].g_cue, on(v));
		return;
	case ENGINE_STRIP_DCA:
	case ENGINE_STRIP_MUTEGROUP:
	case ENGINE_DCA_FADER:
	case ENGINE_DCA_MUTE:
	case ENGINE_MUTEGROUP_ON:
		groups_set(&e->grp, e->strips, e->n_strips, p, idx, v, &first, &count);
		for (unsigned k = first; k < first + count; k++)
			engine_strip_retarget(e, k);
		return;
	default:
		if (!cue_set(&e->cue, p, v))
			buses_set(&e->buses, p, v); /* the chorus's: buses.c */
		return;
	}
}

void
engine_set(struct engine *e, enum engine_param p, unsigned strip, float v)
{
	struct strip *s = strip < e->n_strips ? &e->strips[strip] : NULL;

	if (isnan(v) || (unsigned)p >= ENGINE_N_PARAMS || (is_strip_param(p) && !s) ||
	    (is_live_param(p) && !live_idx_ok(e, p, strip))) {
		e->cnt.bad_commands++;
		return;
	}
	if (is_live_param(p)) {
		live_set(e, p, strip, v);
	} else if (p == ENGINE_STRIP_SOLO) {
		if (on(v) != s->solo) {
			s->solo = on(v);
			e->n_solo += s->solo ? 1 : -1;
			/* entering or leaving solo, or changing who is soloed, moves every gate */
			for (unsigned k = 0; k < e->n_strips; k++)
				engine_strip_retarget(e, k);
		}
	} else if (is_strip_param(p)) {
		strip_store(s, p, v);
		engine_strip_retarget(e, strip);
	} else if (!buses_set(&e->buses, p, v) && !master_set(&e->master, &e->env, p, v)) {
		e->cnt.bad_commands++;
		return;
	}
	e->cnt.commands++;
}

float
engine_get(const struct engine *e, enum engine_param p, unsigned idx)
{
	float v;

	if ((unsigned)p >= ENGINE_N_PARAMS || (is_strip_param(p) && idx >= e->n_strips) ||
	    (is_live_param(p) && !live_idx_ok(e, p, idx)))
		return NAN;
	if (is_strip_param(p) || p == ENGINE_STRIP_CUE || p == ENGINE_STRIP_DIRECT_PRE)
		return strip_get(&e->strips[idx], p);
	v = aux_get(&e->aux, p, idx);
	if (isnan(v))
		v = groups_get(&e->grp, e->strips, p, idx);
	if (isnan(v))
		v = cue_get(&e->cue, p);
	if (isnan(v))
		v = buses_get(&e->buses, p);
	if (isnan(v))
		v = master_get(&e->master, p);
	return v;
}
