/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eqmatch: the master's 4-band EQ with matched bells and shelves (eqdesign.h): the strip EQ's
 * parameters and behaviour, without the bilinear transform's cramping near Nyquist (a 16 kHz
 * +12 dB bell at 48 kHz is 0.33 dB from its analog prototype at 20 kHz instead of 6.2 dB).
 *
 * Stereo, one set of coefficients for both sides. Per band: type (off, bell, low shelf, high
 * shelf), frequency, gain, Q; and the EQ's on/off. As on a strip (strip.h): frequency (log2 Hz),
 * gain (dB) and Q (log2) follow a one-pole of ENGINE_SMOOTH_MS stepped per 32-frame block; the
 * SVF coefficients are designed at each block's end while something moves and interpolated
 * linearly per sample across the block (the SVF's integrator states make that safe); a type
 * change or switching a band or the EQ off glides the band to flat, changes there and glides
 * back. A band that is flat and going nowhere is skipped and its states cleared: at rest
 * with every band flat the EQ costs nothing and passes the signal bit for bit.
 *
 * Threads: eqmatch_init on the control thread (no allocation: the state is in the struct); the
 * rest on the RT thread (or any thread while the RT side is stopped).
 */
#ifndef MIXD_EQMATCH_H
#define MIXD_EQMATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

#define EQM_BANDS 4

struct eqm_coef {
	float g, k, m0, m1, m2;
};

struct eqm_band {
	int type, want; /* enum engine_eq_type: applied, and asked for */
	float freq, gain_db, q;
	float lf, lf_to, gdb, gdb_to, lq, lq_to; /* smoothed: log2 Hz, dB, log2 Q */
	struct eqm_coef c;                       /* at the end of the last block */
	bool live;                               /* states running */
	float ic[2][2];                          /* per side: the SVF's integrators */
};

struct eqmatch {
	bool on;
	struct eqm_band band[EQM_BANDS];
	double fs;
	float kb; /* one-pole coefficient per 32-frame block */
	uint64_t resets;
};

/* Control thread. The strip EQ's defaults (STRIP_EQ_*_DEFAULT* in strip.h), at rest. */
void eqmatch_init(struct eqmatch *q, double fs, float kb);

/* RT side stopped: a new rate; glides end, states clear. */
void eqmatch_set_rate(struct eqmatch *q, double fs, float kb);

/* RT. Ends every glide at its target. */
void eqmatch_settle(struct eqmatch *q);

/* RT. A strip EQ setting (ENGINE_STRIP_EQ_ON .. ENGINE_STRIP_EQ4_Q), clamped to the strip's
 * ranges (STRIP_EQ_* in strip.h); NaN ignored. Returns false for any other id. */
bool eqmatch_set(struct eqmatch *q, enum engine_param p, float v);

/* The thread that calls eqmatch_set, or any while it is stopped. A setting as eqmatch_set left it
 * (on as 0/1, a band's type as asked for); NAN for any other id. */
float eqmatch_get(const struct eqmatch *q, enum engine_param p);

/* RT. n <= 32 stereo frames in place, one call per grid block. Finite input expected; a
 * state gone non-finite clears the band and silences the block (counted in resets). */
void eqmatch_process(struct eqmatch *q, float *l, float *r, uint32_t n);

#endif
