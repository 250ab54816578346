/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buses: the three effect buses. Each sums the strips' sends to it (the engine hands the sums
 * over), runs its effect 100 % wet — reverb (reverb.c), delay (delay.c) or chorus (chorus.c) —
 * and returns the result into the master sum through a return gain and mute that glide like
 * every gain.
 *
 * Threads: buses_init/buses_free and buses_set_rate on the control thread with the RT side
 * stopped; the rest on the RT thread.
 */
#ifndef MIXD_BUSES_H
#define MIXD_BUSES_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus.h"
#include "delay.h"
#include "engine.h"
#include "ramp.h"
#include "reverb.h"

/* A bus return's default (its range: ENGINE_LEVEL_OFF_DB .. ENGINE_LEVEL_MAX_DB, engine.h); the
 * effects' settings are reverb.h's, delay.h's and chorus.h's. */
#define BUSES_RETURN_DEFAULT_DB 0.0f

struct bus {
	float return_db;
	bool mute;
	struct ramp g;
	float peak_l, peak_r; /* of the return, max since the last read */
};

struct buses {
	struct bus bus[ENGINE_N_BUSES];
	/* the effects keep their own settings (reverb.h, delay.h): one changes, the others are
	 * passed back as they stand */
	struct reverb *rev;
	struct delay *dly;
	struct chorus *cho;
	uint32_t smooth_n;
};

/* Control thread. Defaults of design.md §3; the effects get their buffers for fs. Returns 0,
 * -EINVAL or -ENOMEM (then buses_free). */
int buses_init(struct buses *b, double fs, uint32_t smooth_n);
void buses_free(struct buses *b);

/* Control thread, RT side stopped. New rate: the effects re-allocate and start silent.
 * Returns 0, -EINVAL or -ENOMEM. */
int buses_set_rate(struct buses *b, double fs, uint32_t smooth_n);

/* RT side stopped. Ends the return glides and the chorus's glides at their targets (the
 * chorus's lines are cleared). */
void buses_settle(struct buses *b);

/* RT. Applies a bus parameter (ENGINE_BUS*, ENGINE_REVERB_*, ENGINE_DELAY_*, ENGINE_CHORUS_*);
 * returns false when p is not one. */
bool buses_set(struct buses *b, enum engine_param p, float v);

/* The thread that calls buses_set, or any while it is stopped. A bus parameter as buses_set
 * and the effects left it (a switch as 0/1, the delay's division as its index); NAN when p is
 * not one. */
float buses_get(const struct buses *b, enum engine_param p);

/* RT. The tempo the delay follows when synced (beats per minute; <= 0 or NaN: none). */
void buses_set_tempo(struct buses *b, double bpm);

/* RT. Runs bus k's effect on its send sums (in place: afterwards they hold the effect's output)
 * and adds the return into l/r. g (NULL: not wanted) gets the return gain of each sample. */
void buses_process(struct buses *b, unsigned k, float *sum_l, float *sum_r, float *l, float *r,
                   float *g_out, uint32_t n);

/* RT. Peak of bus k's return per side (linear), max since the last read. */
void buses_read_meter(struct buses *b, unsigned k, float *peak_l, float *peak_r);

/* Any thread. Input sub-blocks the effects dropped for NaN/Inf, and their state resets. */
uint64_t buses_dropped(const struct buses *b);
uint64_t buses_resets(const struct buses *b);

#endif
