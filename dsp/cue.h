/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cue: the monitor pair — PFL/AFL of whatever is cued, or the main mix when nothing is.
 *
 * Taps (read only: cueing never changes the master, the aux buses or the direct outs):
 *   strip  PFL: after EQ and compressor, before the fader (mono strips on both sides at unity)
 *          AFL: after fader, mute, solo and pan (the strip's pan, not its subgroup routing)
 *   aux    PFL: the sum of the sends, before the aux fader; AFL: after fader and mute
 *   effect PFL: the effect's output (100 % wet) before the return; AFL: after the return
 *   main   (nothing cued): the master after its fader and before the limiter, so the monitor
 *          never waits for the limiter's look-ahead (latency 0) — what the PA hears, less the
 *          limiter's brick wall.
 * Every cue switch, the PFL/AFL mode and the main/cue change-over glide like every gain, so
 * switching never clicks. Then the monitor level; a non-finite block is silenced and counted.
 *
 * Thread: RT (cue_init on the control thread, cue_settle with the RT side stopped).
 */
#ifndef MIXD_CUE_H
#define MIXD_CUE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "kernel.h"
#include "ramp.h"
#include "strip.h"

struct cue {
	bool afl;
	float level_db;
	unsigned n_cued; /* sources cued: strips, aux buses, effect buses */
	uint32_t smooth_n;
	struct ramp g_afl, g_level, g_main;
	bool fx[ENGINE_N_BUSES];
	struct ramp g_fx[ENGINE_N_BUSES];
	float wa[SK_BLOCK];             /* the AFL weight in this sub-block */
	float l[SK_BLOCK], r[SK_BLOCK]; /* the monitor in this sub-block */
	float peak[2], ss[2], rms[2];
	uint64_t nonfinite;
};

/* Control thread. Defaults of engine.h: PFL, 0 dB, nothing cued. */
void cue_init(struct cue *c, uint32_t smooth_n);

/* RT side stopped. Every glide ends at its target. */
void cue_settle(struct cue *c, uint32_t smooth_n);

/* RT. Applies ENGINE_MONITOR_MODE, ENGINE_MONITOR_LEVEL or ENGINE_BUS_CUE(b); returns false
 * when p is none of them. */
bool cue_set(struct cue *c, enum engine_param p, float v);

/* The thread that calls cue_set, or any while it is stopped. ENGINE_MONITOR_MODE (the enum's
 * value), ENGINE_MONITOR_LEVEL or ENGINE_BUS_CUE(b) (0/1) as cue_set left it; NAN for any
 * other id. */
float cue_get(const struct cue *c, enum engine_param p);

/* RT. Cues a source on or off: *flag is its cue setting, g its cue glide. */
void cue_switch(struct cue *c, bool *flag, struct ramp *g, bool on);

/* RT. Starts a sub-block of n samples: the monitor sums from silence. */
void cue_begin(struct cue *c, uint32_t n);

/* RT. Adds strip s (its lanes in g, after the kernel ran) when it is cued or fading. */
void cue_strip(struct cue *c, struct strip *s, const struct sk_group *g, uint32_t n);

/* RT. Adds a bus with cue glide g: its PFL and AFL signals per side. */
void cue_bus(struct cue *c, struct ramp *g, const float *pfl_l, const float *pfl_r,
             const float *afl_l, const float *afl_r, uint32_t n);

/* RT. Ends the sub-block: the main mix (main_l/r) where nothing is cued, the level, the meters.
 * The monitor is then in c->l, c->r. */
void cue_finish(struct cue *c, const float *main_l, const float *main_r, uint32_t n);

/* RT. Meters: closes an interval of count samples; reads and clears. */
void cue_close_interval(struct cue *c, uint32_t count);
void cue_read_meter(struct cue *c, struct engine_meter *l, struct engine_meter *r);

#endif
