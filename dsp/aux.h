/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aux: the aux (monitor and subgroup) buses.
 *
 * Each strip sends to each bus at its own level, pre-fader (after EQ and compressor, gated by
 * mute only: a muted channel leaves the wedges too) or post-fader (after fader, mute and solo),
 * panned on a stereo bus (balance for a stereo strip; a stereo strip feeds a mono bus at half
 * of each side, so a centred source reads the same level as its mono version). Every send
 * glides like every gain. The kernel accumulates the sends per lane into the bus's rows
 * (kernel.h, struct sk_aux); only buses some strip sends to are visited, so a send at -inf
 * costs nothing and a bus nobody sends to costs a memset of its output.
 *
 *   sum of sends -> aux fader x mute -> the bus's output(s) and meter
 *                                    -> x master switch -> the main mix (a subgroup)
 *
 * A strip sending (at any level above -inf) to a bus switched to the master is a member of
 * that subgroup: it leaves the main mix (strip->to_main, set by the engine) so it reaches the
 * master once, through the bus. A mono bus feeds the master centred with the strips' pan law
 * (-3 dB each side), so a member at the bus's unity reads what it read directly. Buses feed
 * only the master, never one another: no feedback loop can exist.
 *
 * Threads: aux_init/aux_free on the control thread; aux_settle with the RT side stopped; the
 * rest on the RT thread.
 */
#ifndef MIXD_AUX_H
#define MIXD_AUX_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "kernel.h"
#include "ramp.h"
#include "strip.h"

/* One strip's send to one bus. */
struct aux_send {
	float db, pan;
	bool pre;
	bool rest;               /* its lanes are written at rest: nothing to rewrite */
	struct ramp l, r, pre_w; /* level x pan per side (kernel.h, struct sk_send) */
};

struct aux_bus {
	bool stereo, mute, master, cue;
	float fader_db;
	struct ramp g_fader;    /* fader x mute */
	struct ramp g_master;   /* 0/1: feeds the main mix */
	struct ramp g_cue;      /* 0/1: cued on the monitor (cue.c) */
	uint16_t row;           /* its left (or only) accumulator row */
	bool on;                /* some strip sends to it in this sub-block */
	bool quiet;             /* sum and out hold silence (nobody sent last sub-block either) */
	float sum[2][SK_BLOCK]; /* the sum of the sends (PFL), right = left on a mono bus */
	float out[2][SK_BLOCK]; /* after fader and mute: what its outputs carry (AFL) */
	float peak[2], ss[2], rms[2];
};

struct aux {
	unsigned n_aux, n_strips, n_groups, n_rows;
	uint32_t smooth_n;
	struct aux_bus bus[ENGINE_MAX_AUX];
	struct aux_send *send; /* n_strips x n_aux: [strip * n_aux + k] */
	sk_row *acc;           /* n_rows accumulator rows, 64-byte aligned */
	struct sk_aux *gaux;   /* one per kernel group, 64-byte aligned */
	/* per kernel group, bit k = bus k: some send of the group is not at rest (its lanes must
	 * be written, its liveness looked at), and some send of the group is live. A group whose
	 * sends all rest costs a glance at on_mask: no loop over strips x buses. */
	uint32_t *pending, *on_mask;
	uint64_t nonfinite; /* bus sub-blocks silenced for NaN/Inf (must stay 0) */
};

/* Control thread. n_aux buses (stereo[k], NULL: all mono) for n_strips strips in n_groups
 * kernel groups, defaults of engine.h. Returns 0, or -ENOMEM (then aux_free). With n_aux 0
 * nothing is allocated and everything below is a no-op. */
int aux_init(struct aux *a, unsigned n_aux, const bool *stereo, unsigned n_strips,
             unsigned n_groups, uint32_t smooth_n);
void aux_free(struct aux *a);

/* RT side stopped. New glide length; every glide ends at its target. */
void aux_settle(struct aux *a, const struct strip *strips, uint32_t smooth_n);

/* RT. Applies ENGINE_STRIP_AUX_* (idx = ENGINE_AUX_IDX) or ENGINE_AUX_FADER/MUTE/MASTER
 * (idx = bus); strips are the engine's (for their stereo-ness). The caller has checked idx.
 * Returns true when subgroup membership may have changed (the engine then recomputes
 * to_main with aux_member), false otherwise. */
bool aux_set(struct aux *a, const struct strip *strips, enum engine_param p, unsigned idx, float v);

/* The thread that calls aux_set, or any while it is stopped. ENGINE_STRIP_AUX_* or
 * ENGINE_AUX_FADER/MUTE/MASTER/CUE as aux_set (or the cue) left it, a switch as 0/1; the caller
 * has checked idx. NAN for any other id. */
float aux_get(const struct aux *a, enum engine_param p, unsigned idx);

/* RT. Whether strip k sends to a bus that feeds the master (a subgroup member). */
bool aux_member(const struct aux *a, unsigned k);

/* RT. Plans group gi's sends for the next n samples from its strips s[0 .. count-1] (strip
 * indices first ..) and advances their glides; marks the buses in use. Call for every group,
 * after aux_begin. */
void aux_plan_group(struct aux *a, unsigned gi, const struct strip *s, unsigned first,
                    unsigned count, uint32_t n);

/* RT. Starts a sub-block: no bus in use yet. */
void aux_begin(struct aux *a);

/* RT. After planning: zeroes the rows of the buses in use. */
void aux_clear_rows(struct aux *a, uint32_t n);

/* RT. After the kernels: sums each bus, applies its fader, meters it, and adds the subgroups
 * into the main mix l/r. */
void aux_mix(struct aux *a, float *l, float *r, uint32_t n);

/* RT. Closes a meter interval of count samples; reads and clears bus k's meters. */
void aux_close_interval(struct aux *a, uint32_t count);
void aux_read_meter(struct aux *a, unsigned k, struct engine_meter *l, struct engine_meter *r);

#endif
