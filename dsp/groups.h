/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * groups: DCAs and mute groups, which move strips without being in the signal path.
 *
 * A DCA's fader is an offset in dB added to each member's fader (offsets of several DCAs add;
 * a DCA at -inf silences its members); its mute mutes them. A mute group switched on mutes its
 * members. None of them changes a strip's stored fader or mute: they fold into the strip's
 * gain targets (strip.c: ext_db, ext_mute), so they glide like every gain, and a mute from a
 * group also closes the strip's pre-fader aux sends, as its own mute does.
 *
 * Thread: RT (groups_init on the control thread).
 */
#ifndef MIXD_GROUPS_H
#define MIXD_GROUPS_H

#include <stdbool.h>

#include "engine.h"
#include "strip.h"

struct groups {
	unsigned n_dca;
	float dca_db[ENGINE_MAX_DCA];
	bool dca_mute[ENGINE_MAX_DCA];
	bool mg_on[ENGINE_MUTE_GROUPS];
};

/* Control thread. n_dca DCAs at 0 dB, unmuted; every mute group off. */
void groups_init(struct groups *g, unsigned n_dca);

/* RT. Applies ENGINE_DCA_FADER/MUTE (idx = DCA), ENGINE_MUTEGROUP_ON (idx = group) or a
 * membership (ENGINE_STRIP_DCA, ENGINE_STRIP_MUTEGROUP) to strips[]; the caller has checked
 * idx. Every strip whose gains change is given its new ext_db/ext_mute and must be
 * retargeted: *first and *count say which strips (a range, possibly all). */
void groups_set(struct groups *g, struct strip *strips, unsigned n_strips, enum engine_param p,
                unsigned idx, float v, unsigned *first, unsigned *count);

/* The thread that calls groups_set, or any while it is stopped. ENGINE_DCA_FADER/MUTE,
 * ENGINE_MUTEGROUP_ON or a membership as groups_set left it (a switch as 0/1); the caller has
 * checked idx. NAN for any other id. */
float groups_get(const struct groups *g, const struct strip *strips, enum engine_param p,
                 unsigned idx);

/* RT. A strip's ext_db and ext_mute from its memberships. */
void groups_apply(const struct groups *g, struct strip *s);

#endif
