/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine_impl: the engine's insides, shared by its files — engine.c (construction, geometry,
 * kernels, meters), engine_set.c (parameters) and engine_process.c (the audio path). Nothing
 * outside dsp/engine*.c includes this.
 */
#ifndef MIXD_ENGINE_IMPL_H
#define MIXD_ENGINE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "aux.h"
#include "buses.h"
#include "cue.h"
#include "engine.h"
#include "group.h"
#include "groups.h"
#include "kernel.h"
#include "master.h"
#include "strip.h"

/* A kernel group's bookkeeping: which strips it holds and its last plan. */
struct group_info {
	unsigned first, count; /* strips first .. first + count - 1 */
	struct group_plan plan;
};

struct engine {
	struct strip_env env;
	uint32_t meter_n; /* meter interval in samples */
	uint32_t meter_pos;
	uint32_t meter_count; /* samples in the current meter interval */
	bool meters_ready;
	uint32_t grid_pos; /* position in the 32-sample parameter grid */

	unsigned n_strips, n_inputs, n_solo, n_groups;
	bool direct_outs;
	struct strip *strips;
	struct sk_group *groups; /* 64-byte aligned */
	struct group_info *ginfo;
	struct sk_acc *acc;                         /* 64-byte aligned */
	float bus_sum[ENGINE_N_BUSES][2][SK_BLOCK]; /* effect bus sends, then their output */
	float bus_g[ENGINE_N_BUSES][SK_BLOCK];      /* effect bus return gains (AFL) */
	float blk_l[SK_BLOCK], blk_r[SK_BLOCK];     /* the master, before it is copied out */
	float main_l[SK_BLOCK], main_r[SK_BLOCK];   /* the master before the limiter (monitor) */
	struct buses buses;
	struct master master;
	struct aux aux;
	struct groups grp;
	struct cue cue;
	enum engine_kernel kernel;
	sk_kernel_fn kernel_fn;
	struct engine_counters cnt;
};

/* RT. Whether the solo-in-place gate lets strip s through. */
static inline bool
engine_strip_open(const struct engine *e, const struct strip *s)
{
	return e->n_solo == 0 || s->solo;
}

/* RT. Retargets strip k after anything it depends on changed. */
static inline void
engine_strip_retarget(struct engine *e, unsigned k)
{
	struct strip *s = &e->strips[k];

	strip_retarget(s, &e->env, engine_strip_open(e, s));
}

/* RT. Start of a grid block: every group plans its strips (group.c). force recomputes every
 * fixed coefficient. */
void engine_plan_grid(struct engine *e, bool force);

/* RT. Closes a meter interval: RMS over it becomes readable, the sums restart. */
void engine_close_interval(struct engine *e);

#endif
