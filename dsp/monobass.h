/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * monobass: bass in mono below a frequency, as mastering engineers cut for vinyl and club
 * systems: below it the side signal is removed, above it nothing changes in magnitude.
 *
 *   M = (L + R) / 2 -> LR4 allpass at f ---+--> L' = M' + S'
 *   S = (L - R) / 2 -> LR4 high-pass at f -+--> R' = M' - S'
 *
 * The mid gets the allpass the side's high-pass carries in its phase (LP4 + HP4 = allpass,
 * crossover.h), so above f the two stay aligned and the image is unchanged; mono content is
 * only phase-shifted. The side falls at 24 dB/oct below f (-6 dB at f, -48 dB two octaves
 * under). The frequency glides in log Hz per 32-frame block; switching on or off (frequency
 * under MONO_BELOW_MIN, multiband.h) cross-fades over smooth_n samples, and off and faded out
 * the stage costs nothing and leaves the signal untouched, bit for bit.
 *
 * Threads: monobass_init on the control thread (no allocation); the rest on the RT thread (or
 * any thread while the RT side is stopped).
 */
#ifndef MIXD_MONOBASS_H
#define MIXD_MONOBASS_H

#include <stdbool.h>
#include <stdint.h>

#include "crossover.h"
#include "ramp.h"

struct monobass {
	float freq; /* as set: under MONO_BELOW_MIN is off */
	double fs;
	uint32_t smooth_n;
	float kb;
	float lf, lf_to; /* log2 Hz, current and target */
	struct xo_coef xo;
	struct ramp w; /* on weight */
	bool active;
	struct xo_svf ap, hp[2]; /* the mid's allpass, the side's two high-pass sections */
};

/* Control thread. Off; fs, smooth_n and kb as multiband_init's. */
void monobass_init(struct monobass *mb, double fs, uint32_t smooth_n, float kb);

/* RT side stopped: a new rate; glides end, states clear. */
void monobass_set_rate(struct monobass *mb, double fs, uint32_t smooth_n, float kb);

/* RT. Ends the glides at their targets. */
void monobass_settle(struct monobass *mb);

/* RT. The frequency in Hz: under MONO_BELOW_MIN (0 included) is off, above MONO_BELOW_MAX is
 * MONO_BELOW_MAX; NaN is ignored. */
void monobass_set(struct monobass *mb, float hz);

/* RT. n <= 32 stereo frames in place, one call per grid block. Finite input expected (master.c
 * sanitises); a state gone non-finite is cleared and the block silenced. */
void monobass_process(struct monobass *mb, float *l, float *r, uint32_t n);

#endif
