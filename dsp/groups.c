/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "groups.h"

#include <math.h>

#include "gain.h"
#include "numeric.h"

void
groups_init(struct groups *g, unsigned n_dca)
{
	g->n_dca = n_dca;
	for (unsigned k = 0; k < ENGINE_MAX_DCA; k++) {
		g->dca_db[k] = ENGINE_DCA_FADER_DEFAULT_DB;
		g->dca_mute[k] = false;
	}
	for (unsigned k = 0; k < ENGINE_MUTE_GROUPS; k++)
		g->mg_on[k] = false;
}

void
groups_apply(const struct groups *g, struct strip *s)
{
	float db = 0.0f;
	bool mute = false;

	for (unsigned k = 0; k < g->n_dca; k++) {
		if (!(s->dca_mask >> k & 1u))
			continue;
		/* a DCA at -inf takes its members to -inf whatever the others add */
		db += g->dca_db[k] <= GAIN_OFF_DB ? -INFINITY : g->dca_db[k];
		mute |= g->dca_mute[k];
	}
	for (unsigned k = 0; k < ENGINE_MUTE_GROUPS; k++)
		mute |= (s->mg_mask >> k & 1u) && g->mg_on[k];
	s->ext_db = db;
	s->ext_mute = mute;
}

void
groups_set(struct groups *g, struct strip *strips, unsigned n_strips, enum engine_param p,
           unsigned idx, float v, unsigned *first, unsigned *count)
{
	bool on = v >= 0.5f;

	*first = 0;
	*count = n_strips;
	switch (p) {
	case ENGINE_STRIP_DCA: {
		unsigned k = idx % ENGINE_MAX_DCA;
		struct strip *s = &strips[idx / ENGINE_MAX_DCA];
		s->dca_mask = on ? s->dca_mask | 1u << k : s->dca_mask & ~(1u << k);
		*first = idx / ENGINE_MAX_DCA;
		*count = 1;
		break;
	}
	case ENGINE_STRIP_MUTEGROUP: {
		unsigned k = idx % ENGINE_MUTE_GROUPS;
		struct strip *s = &strips[idx / ENGINE_MUTE_GROUPS];
		s->mg_mask = (uint8_t)(on ? s->mg_mask | 1u << k : s->mg_mask & ~(1u << k));
		*first = idx / ENGINE_MUTE_GROUPS;
		*count = 1;
		break;
	}
	case ENGINE_DCA_FADER:
		g->dca_db[idx] = clampf(v, GAIN_OFF_DB, ENGINE_LEVEL_MAX_DB);
		break;
	case ENGINE_DCA_MUTE:
		g->dca_mute[idx] = on;
		break;
	case ENGINE_MUTEGROUP_ON:
		g->mg_on[idx] = on;
		break;
	default:
		*count = 0;
		return;
	}
	for (unsigned k = *first; k < *first + *count; k++)
		groups_apply(g, &strips[k]);
}

float
groups_get(const struct groups *g, const struct strip *strips, enum engine_param p, unsigned idx)
{
	switch (p) {
	case ENGINE_STRIP_DCA:
		return strips[idx / ENGINE_MAX_DCA].dca_mask >> (idx % ENGINE_MAX_DCA) & 1u;
	case ENGINE_STRIP_MUTEGROUP:
		return strips[idx / ENGINE_MUTE_GROUPS].mg_mask >> (idx % ENGINE_MUTE_GROUPS) & 1u;
	case ENGINE_DCA_FADER:
		return g->dca_db[idx];
	case ENGINE_DCA_MUTE:
		return g->dca_mute[idx];
	case ENGINE_MUTEGROUP_ON:
		return g->mg_on[idx];
	default:
		return NAN;
	}
}
