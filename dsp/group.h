/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * group: the plan of one kernel group (16 lanes) for the next grid block.
 *
 * Each strip of the group steps its smoothing and writes its lanes (strip.c); the group then
 * picks, per stage, the cheapest mode that is exact for every lane: skip when all are switched
 * off and flat, the per-sample path while any moves, fixed coefficients otherwise. Used for the
 * strips' groups and for the master's (whose EQ and compressor are a stereo strip's).
 *
 * Thread: RT.
 */
#ifndef MIXD_GROUP_H
#define MIXD_GROUP_H

#include <stdbool.h>

#include "kernel.h"
#include "strip.h"

/* What the last plan chose: a stage changes mode, or a strip's lanes were rewritten, and the
 * fixed coefficients are computed again. */
struct group_plan {
	uint8_t mode[SK_N_SVF];
	bool comp_on;
};

/* RT. Plans g for the next grid block from its strips s[0 .. count-1]. force recomputes every
 * fixed coefficient (after a settle or a rate change). */
void group_plan(struct sk_group *g, struct group_plan *p, struct strip *s, unsigned count,
                const struct strip_env *env, bool force);

#endif
