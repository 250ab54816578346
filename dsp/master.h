/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * master: the master bus after the sum of strips and bus returns.
 *
 *   sum -> 4-band EQ -> multiband compressor -> glue compressor -> M/S width -> mono bass
 *       -> master fader x mute -> limiter -> out
 *
 * The limiter (limiter.c) is always in the path, on or off, so the latency it adds (its
 * look-ahead, master_latency) never changes with its switch: Ardour's compensation stays right
 * and switching never moves the audio in time.
 *
 * The EQ is the strip EQ's parameters and behaviour with matched bells and shelves that do not
 * cramp near Nyquist (eqmatch.h). The glue compressor is a stereo strip's (strip.c: same
 * parameters, smoothing and cross-fades; the two sides are linked; its EQ off), run by the
 * two-lane kernel (sk_kernel_pair) so it costs two lanes, not a group of sixteen. Its defaults
 * are slower than a strip's: ratio 2, attack 30 ms, release 300 ms. The multiband
 * (multiband.h) sits between the two; mono bass: monobass.h.
 *
 * Threads: master_init/master_free on the control thread; master_settle with the RT side
 * stopped; the rest on the RT thread.
 */
#ifndef MIXD_MASTER_H
#define MIXD_MASTER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "eqmatch.h"
#include "group.h"
#include "kernel.h"
#include "limiter.h"
#include "monobass.h"
#include "multiband.h"
#include "ramp.h"
#include "strip.h"

/* The master's ranges and defaults, once: master_set clamps into them, master_init starts at
 * them and the parameter table (dsp/control/param_table.c) lists them. Its EQ and glue
 * compressor take the strip's ranges (strip.h), the glue its own slower defaults; the fader
 * ranges over ENGINE_LEVEL_OFF_DB .. ENGINE_LEVEL_MAX_DB (engine.h), the limiter's settings are
 * limiter.h's. */
#define MASTER_FADER_DEFAULT_DB        0.0f
#define MASTER_WIDTH_MIN               0.0f /* mono */
#define MASTER_WIDTH_MAX               2.0f /* twice the side signal */
#define MASTER_WIDTH_DEFAULT           1.0f /* unchanged */
#define MASTER_COMP_RATIO_DEFAULT      2.0f
#define MASTER_COMP_ATTACK_DEFAULT_MS  30.0f
#define MASTER_COMP_RELEASE_DEFAULT_MS 300.0f
#define MASTER_LIMITER_ON_DEFAULT      1

struct master {
	struct eqmatch eq;
	struct strip glue;  /* the glue compressor, on lanes 0 (L) and 1 (R) */
	struct sk_group *g; /* 64-byte aligned */
	struct sk_acc *acc; /* 64-byte aligned; rows OUT_L/OUT_R, lanes 0-1 used */
	struct group_plan plan;
	struct multiband mb;
	struct monobass mono;

	float fader_db, width;
	bool mute;
	struct ramp g_fader, g_width;

	struct limiter *lim;
	bool lim_on, lim_tp;
	float lim_ceiling_db, lim_release_ms;

	/* meters: after the fader */
	float peak_l, peak_r, ss_l, ss_r, rms_l, rms_r;
	uint64_t state_resets, nonfinite_output;
};

/* Control thread. Allocates and sets the defaults. Returns 0 or -ENOMEM (then master_free). */
int master_init(struct master *m, const struct strip_env *env);

/* Control thread, RT side stopped: the limiter's buffers for env->fs. Returns 0, -EINVAL or
 * -ENOMEM. */
int master_set_rate(struct master *m, const struct strip_env *env);

/* Any thread. The latency the master adds, in samples (the limiter's look-ahead). */
uint32_t master_latency(const struct master *m);
void master_free(struct master *m);

/* RT side stopped. Ends every glide at its target and recomputes every coefficient (after a
 * rate change, or to come up at a loaded state). */
void master_settle(struct master *m, const struct strip_env *env);

/* RT. Applies a master parameter (ENGINE_MASTER_*); returns false when p is not one. */
bool master_set(struct master *m, const struct strip_env *env, enum engine_param p, float v);

/* The thread that calls master_set, or any while it is stopped. A master parameter as
 * master_set left it (the limiter's as the limiter clamped them, a switch as 0/1); NAN when p
 * is not one. */
float master_get(const struct master *m, enum engine_param p);

/* RT. Processes l/r in place: n samples from grid position j0 (n <= SK_BLOCK - j0; the plan is
 * made when j0 is 0). Nothing non-finite leaves: a bad block is silenced and counted. tap_l/r
 * (NULL: none) get the mix after the master fader and before the limiter: the monitor's main
 * mix, which must not wait for the look-ahead. */
void master_process(struct master *m, const struct strip_env *env, float *l, float *r, uint32_t j0,
                    uint32_t n, float *tap_l, float *tap_r);

/* RT. The compressor's and the limiter's gain reduction in dB, and the true peak of the output
 * (linear), max since the last read. */
float master_read_comp_gr(struct master *m);
/* RT. Reads and clears the multiband's gain reduction per band, dB. */
void master_read_multiband_gr(struct master *m, float gr[MB_BANDS]);
float master_read_limiter_gr(struct master *m);
float master_read_truepeak(struct master *m);

/* RT. Closes a meter interval of count samples: RMS becomes readable. */
void master_close_interval(struct master *m, uint32_t count);

#endif
