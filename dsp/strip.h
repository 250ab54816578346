/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strip: one channel strip's settings and smoothing, and the plan it writes for the kernel.
 *
 * A strip keeps the values engine_set gave it (targets) and where each one currently is:
 *   - gains (trim x polarity, fader x mute x solo, pan, send levels, pre/post) glide linearly in
 *     linear gain over the smoothing time (ramp.h), sample-exact and period-independent;
 *   - filter and compressor parameters follow a one-pole with tau = ENGINE_SMOOTH_MS, stepped
 *     once per 32-sample grid block in their natural domain (log2 Hz, dB, log2 Q) and
 *     interpolated linearly per sample inside the block, so a band's gain moves evenly in dB
 *     (dsp-reference.md §6) and coefficients are recomputed only while something moves.
 * Switching a band's type or turning a band, the EQ, the HPF or the compressor on or off is a
 * cross-fade: the band glides to flat, changes type there (at 0 dB every type is the same
 * filter), and glides to its new gain; HPF and compressor fade their wet weight.
 *
 * Threads: strip_init runs on the control thread before the engine is shared; everything else
 * runs on the RT thread.
 */
#ifndef MIXD_STRIP_H
#define MIXD_STRIP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "kernel.h"
#include "ramp.h"

#define STRIP_BANDS 4

/* A strip's ranges and defaults (design.md section 3), each written once: strip_store clamps
 * into them, strip_init starts at them, and the parameter table (dsp/control/param_table.c)
 * lists them for OSC, scenes and docs/osc.md. The master's EQ (eqmatch.c) and glue compressor
 * (master.c) take the EQ and compressor ones too. Macros, not static const: the table's static
 * initialisers need constant expressions. Levels (fader, sends) range over
 * ENGINE_LEVEL_OFF_DB .. ENGINE_LEVEL_MAX_DB (engine.h). */
#define STRIP_TRIM_MIN_DB         (-24.0f)
#define STRIP_TRIM_MAX_DB         24.0f
#define STRIP_TRIM_DEFAULT_DB     0.0f
#define STRIP_FADER_DEFAULT_DB    0.0f
#define STRIP_SEND_DEFAULT_DB     ENGINE_LEVEL_OFF_DB
#define STRIP_SEND_PRE_DEFAULT    0       /* effect sends are post-fader */
#define STRIP_PAN_MIN             (-1.0f) /* left (balance on a stereo strip) */
#define STRIP_PAN_MAX             1.0f    /* right */
#define STRIP_PAN_DEFAULT         0.0f
#define STRIP_HPF_ON_DEFAULT      0
#define STRIP_HPF_FREQ_MIN_HZ     20.0f
#define STRIP_HPF_FREQ_MAX_HZ     1000.0f
#define STRIP_HPF_FREQ_DEFAULT_HZ 80.0f
#define STRIP_HPF_SLOPE_LOW       12 /* dB/oct, one section; the only other slope is: */
#define STRIP_HPF_SLOPE_HIGH      24 /* two sections */
#define STRIP_HPF_SLOPE_DEFAULT   STRIP_HPF_SLOPE_LOW
#define STRIP_EQ_ON_DEFAULT       1
#define STRIP_EQ_FREQ_MIN_HZ      20.0f
#define STRIP_EQ_FREQ_MAX_HZ      20000.0f
#define STRIP_EQ_GAIN_MIN_DB      (-18.0f)
#define STRIP_EQ_GAIN_MAX_DB      18.0f
#define STRIP_EQ_GAIN_DEFAULT_DB  0.0f
#define STRIP_EQ_Q_MIN            0.1f
#define STRIP_EQ_Q_MAX            10.0f
#define STRIP_EQ_Q_DEFAULT        0.707f /* a shelf's steepest slope with no overshoot */
/* each band's default shape and frequency: low shelf, two bells, high shelf */
#define STRIP_EQ1_TYPE_DEFAULT          ENGINE_EQ_LOWSHELF
#define STRIP_EQ1_FREQ_DEFAULT_HZ       100.0f
#define STRIP_EQ2_TYPE_DEFAULT          ENGINE_EQ_BELL
#define STRIP_EQ2_FREQ_DEFAULT_HZ       500.0f
#define STRIP_EQ3_TYPE_DEFAULT          ENGINE_EQ_BELL
#define STRIP_EQ3_FREQ_DEFAULT_HZ       2000.0f
#define STRIP_EQ4_TYPE_DEFAULT          ENGINE_EQ_HIGHSHELF
#define STRIP_EQ4_FREQ_DEFAULT_HZ       8000.0f
#define STRIP_COMP_ON_DEFAULT           0
#define STRIP_COMP_THRESHOLD_MIN_DB     (-60.0f)
#define STRIP_COMP_THRESHOLD_MAX_DB     0.0f
#define STRIP_COMP_THRESHOLD_DEFAULT_DB (-20.0f)
#define STRIP_COMP_RATIO_MIN            1.0f
#define STRIP_COMP_RATIO_MAX            20.0f
#define STRIP_COMP_RATIO_DEFAULT        4.0f
#define STRIP_COMP_KNEE_MIN_DB          0.0f
#define STRIP_COMP_KNEE_MAX_DB          24.0f
#define STRIP_COMP_KNEE_DEFAULT_DB      6.0f
#define STRIP_COMP_ATTACK_MIN_MS        0.1f
#define STRIP_COMP_ATTACK_MAX_MS        200.0f
#define STRIP_COMP_ATTACK_DEFAULT_MS    10.0f
#define STRIP_COMP_RELEASE_MIN_MS       5.0f
#define STRIP_COMP_RELEASE_MAX_MS       2000.0f
#define STRIP_COMP_RELEASE_DEFAULT_MS   100.0f
#define STRIP_COMP_MAKEUP_MIN_DB        0.0f
#define STRIP_COMP_MAKEUP_MAX_DB        24.0f
#define STRIP_COMP_MAKEUP_DEFAULT_DB    0.0f

/* A one-pole smoothed value, stepped per grid block. */
struct smooth {
	float cur, target;
};

struct strip_band {
	int type, want; /* enum engine_eq_type: applied, and asked for (applied once flat) */
	float freq, gain_db, q;
	struct smooth lf, e, lq; /* log2 Hz, log2 A, log2 Q */
};

/* Every planning bit of struct strip's dirty, was_moving and written: one per SVF stage and one
 * for the compressor. dirty holds only these: a bit no stage clears would keep a strip at rest
 * planning every grid block (it did: ~0u left bits 7..31 set for good, and strip_plan_grid,
 * meant to cost nothing at rest, was 11 % of the callback's time). */
#define STRIP_PLAN_ALL ((1u << (SK_N_SVF + 1)) - 1u)

struct strip {
	bool stereo;
	unsigned in;    /* first input index */
	unsigned group; /* its kernel group */
	unsigned lane;  /* its lane (left lane when stereo; the right one is lane + 1) */

	/* settings, as engine_set left them */
	float trim_db, fader_db, pan;
	bool polarity, mute, solo;
	bool hpf_on;
	int hpf_slope;
	float hpf_freq;
	bool eq_on;
	struct strip_band band[STRIP_BANDS];
	bool comp_on;
	float thr_db, ratio, knee_db, attack_ms, release_ms, makeup_db;
	float send_db[SK_N_FX];
	bool send_pre[SK_N_FX];

	/* gains */
	struct ramp g_in, g_fader, g_l, g_r, g_send[SK_N_FX], g_pre[SK_N_FX];
	struct ramp g_mute; /* 1 unmuted, 0 muted (strip, mute group or DCA): pre aux sends */

	/* the live console (engine.c sets these, then strip_retarget) */
	float ext_db;      /* sum of the DCA offsets of the DCAs it belongs to (-inf: one is off) */
	bool ext_mute;     /* muted by a mute group or a DCA */
	bool to_main;      /* feeds the main mix directly (false: a subgroup carries it) */
	uint32_t dca_mask; /* DCA membership, bit k = DCA k */
	uint8_t mg_mask;   /* mute group membership */
	bool cue, direct_pre;
	struct ramp g_cue, g_dpre; /* cue 0/1, direct-out tap 1 pre / 0 post (cue.c, engine.c) */
	/* the pan alone (the lanes' L/R ramps are pan x to_main), for AFL; snap_* are their
	 * values at the start of the current sub-block */
	struct ramp g_pl, g_pr, snap_pl, snap_pr;
	/* filter and compressor smoothing */
	struct smooth hpf_lf, hpf_w1, hpf_w2;
	struct smooth c_thr, c_mk, c_w, c_slope, c_knee;

	/* planning: bits per SVF stage, bit SK_N_SVF for the compressor (STRIP_PLAN_ALL) */
	uint32_t dirty;      /* a setting changed: write the stage's lane parameters */
	uint32_t was_moving; /* moved in the previous grid block */
	uint32_t written;    /* written by the last strip_plan_grid */
	bool ramps_rest;     /* the lanes' gain plan is written at rest: nothing to rewrite */
	uint8_t fx_live;     /* bit b: the send to effect bus b is live (ramp_live), kept by
	                      * strip_retarget, strip_settle and strip_plan_ramps */

	/* meters */
	float rms, gr_read;
};

/* What a strip needs to know of the engine. */
struct strip_env {
	double fs;
	uint32_t smooth_n; /* gain glide length, samples */
	float kb;          /* one-pole coefficient per grid block */
};

/* Control thread. Default settings (the STRIP_*_DEFAULT* above), everything at rest at its
 * target. */
void strip_init(struct strip *s, const struct strip_env *env);

/* RT. Ends every glide and smoothing at its target; writes the lanes' fixed parameters. */
void strip_settle(struct strip *s, const struct strip_env *env, struct sk_group *g);

/* RT. Stores one setting (a strip id of enum engine_param: trim .. send pre, not solo), clamped
 * to its range. Returns false for an id that is not such a setting (nothing changes). The
 * caller then calls strip_retarget. */
bool strip_store(struct strip *s, enum engine_param p, float v);

/* The thread that calls strip_store, or any while it is stopped. A setting as strip_store left
 * it (a switch as 0/1, the EQ type it was asked for), also solo, cue and direct-out tap; NAN for
 * any other id. */
float strip_get(const struct strip *s, enum engine_param p);

/* RT. Recomputes the targets after a setting changed (engine_set has stored it). open is the
 * solo-in-place gate: false while other strips are soloed and this one is not. */
void strip_retarget(struct strip *s, const struct strip_env *env, bool open);

/* RT. At the start of a grid block: steps the smoothing and writes the per-lane parameters and
 * their per-sample increments for the next SK_BLOCK samples into g. Returns a bit per SVF stage
 * (bit SK_N_SVF for the compressor) for each stage where this strip moves, so the engine can
 * choose the group's modes; s->written says which stages were rewritten (their fixed
 * coefficients are stale). */
uint32_t strip_plan_grid(struct strip *s, const struct strip_env *env, struct sk_group *g);

/* RT. Whether this strip's lanes can skip stage st: switched off and faded out to identity (a
 * band at 0 dB that is switched on is not idle: its states keep running). Likewise for the
 * compressor: off and faded out. Valid after strip_plan_grid. */
bool strip_stage_idle(const struct strip *s, int st);
bool strip_comp_off(const struct strip *s);

/* RT. Writes the fixed coefficients of stage st for this strip's lanes (at rest). */
void strip_static_coefs(const struct strip *s, const struct strip_env *env, struct sk_group *g,
                        int st);

/* RT. Writes ramp r as lane l of k, in the kernel's form (at rest: its current value). */
void strip_lane_ramp(struct sk_ramp *k, unsigned l, const struct ramp *r);

/* RT. Writes this strip's gain ramps for the next n samples into g and advances them. Returns
 * whether any is gliding. */
bool strip_plan_ramps(struct strip *s, struct sk_group *g, uint32_t n);

#endif
