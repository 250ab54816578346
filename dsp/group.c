/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "group.h"

#include <string.h>

/* Zeroes one stage's states in every lane of a group: a stage leaving the signal path comes
 * back from silence, never from a stale state. */
static void
stage_clear(struct sk_group *g, int st)
{
	memset(g->svf[st].ic1, 0, sizeof(g->svf[st].ic1));
	memset(g->svf[st].ic2, 0, sizeof(g->svf[st].ic2));
}

void
group_plan(struct sk_group *g, struct group_plan *p, struct strip *s, unsigned count,
           const struct strip_env *env, bool force)
{
	uint32_t moved = 0, written = 0;
	bool comp_on = false;

	for (unsigned k = 0; k < count; k++) {
		moved |= strip_plan_grid(&s[k], env, g);
		written |= s[k].written;
	}
	if (!force && !moved && !written)
		return; /* the group's modes and coefficients still hold */
	for (unsigned k = 0; k < count; k++)
		comp_on |= !strip_comp_off(&s[k]);
	for (int st = 0; st < SK_N_SVF; st++) {
		uint8_t mode = SK_SKIP;

		if (moved & (1u << st)) {
			mode = st <= SK_HPF2 ? SK_HPF_MOVING : SK_EQ_MOVING;
		} else {
			for (unsigned k = 0; k < count; k++)
				if (!strip_stage_idle(&s[k], st))
					mode = SK_STATIC;
		}
		if (mode == SK_STATIC &&
		    (force || p->mode[st] != SK_STATIC || (written & (1u << st))))
			for (unsigned k = 0; k < count; k++)
				strip_static_coefs(&s[k], env, g, st);
		if (mode == SK_SKIP && p->mode[st] != SK_SKIP)
			stage_clear(g, st);
		p->mode[st] = g->mode[st] = mode;
	}
	comp_on |= (moved >> SK_N_SVF) & 1u;
	if (!comp_on && p->comp_on) {
		memset(g->comp.y1, 0, sizeof(g->comp.y1));
		memset(g->comp.yl, 0, sizeof(g->comp.yl));
	}
	p->comp_on = comp_on;
	g->comp_on = comp_on;
}
