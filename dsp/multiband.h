/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multiband: the master's 3-band compressor (after the EQ, before the glue compressor), and
 * the ranges of its parameters and of the mono-bass stage (monobass.h), which dsp/control/params.c
 * reads from here.
 *
 *   x -> LR4 split at xover 1 -> low  -> LR4 allpass at xover 2 ---------> x gain 1 -+
 *                            \-> rest -> LR4 split at xover 2 -> mid ----> x gain 2 -+-> y
 *                                                           \-> high ---> x gain 3 -+
 *
 * The low band goes through the allpass the other two get from their split, so with every
 * band at unity the sum is LR4 allpass x LR4 allpass: flat in magnitude (crossover.h).
 * Each band has the strip compressor's gain computer and detector (dsp-reference.md §2: soft
 * knee of MB_KNEE_DB, smooth decoupled detector in the log domain), stereo-linked (the key is
 * the louder side of the band), with its own threshold, ratio, attack, release and make-up
 * gain; the three bands run side by side in vector lanes. Threshold and gain follow a one-pole
 * (ENGINE_SMOOTH_MS) stepped per 32-frame block and interpolated per sample; crossovers glide
 * in log frequency per block. Switching on or off cross-fades (linear, smooth_n samples) with
 * the dry signal; off and faded out, the stage costs nothing, its states are cleared, and the
 * output is the input exactly.
 *
 * Threads: multiband_init on the control thread (no allocation: the state is in the struct);
 * the rest on the RT thread (or any thread while the RT side is stopped).
 */
#ifndef MIXD_MULTIBAND_H
#define MIXD_MULTIBAND_H

#include <stdbool.h>
#include <stdint.h>

#include "crossover.h"
#include "ramp.h"

#define MB_BANDS 3

/* Ranges and defaults, once: multiband_set clamps into them, multiband_init starts at them, the
 * parameter table (dsp/control/param_table.c) lists them. */
#define MB_ON_DEFAULT    0
#define MB_XOVER1_MIN    20.0f
#define MB_XOVER1_MAX    2000.0f
#define MB_XOVER1_DEF    200.0f
#define MB_XOVER2_MIN    200.0f
#define MB_XOVER2_MAX    16000.0f
#define MB_XOVER2_DEF    2500.0f
#define MB_THRESHOLD_MIN (-60.0f)
#define MB_THRESHOLD_MAX 0.0f
#define MB_THRESHOLD_DEF 0.0f
#define MB_RATIO_MIN     1.0f
#define MB_RATIO_MAX     20.0f
#define MB_RATIO_DEF     2.0f
#define MB_ATTACK_MIN    0.1f
#define MB_ATTACK_MAX    200.0f
#define MB_ATTACK_DEF    20.0f
#define MB_RELEASE_MIN   5.0f
#define MB_RELEASE_MAX   2000.0f
#define MB_RELEASE_DEF   200.0f
#define MB_GAIN_MIN      (-12.0f)
#define MB_GAIN_MAX      12.0f
#define MB_GAIN_DEF      0.0f
#define MB_KNEE_DB       6.0f /* fixed soft knee */

/* Mono bass (monobass.h): below this the side signal is removed; under MONO_BELOW_MIN is off. */
#define MONO_BELOW_OFF 0.0f /* any value under MONO_BELOW_MIN is stored as this */
#define MONO_BELOW_MIN 20.0f
#define MONO_BELOW_MAX 500.0f
#define MONO_BELOW_DEF MONO_BELOW_OFF

/* The settings, in the order of their engine ids (engine.h ENGINE_MASTER_MB_ON ..): on, the
 * two crossovers, then per band threshold, ratio, attack, release, gain. */
enum mb_setting {
	MB_ON,
	MB_XOVER1,
	MB_XOVER2,
	MB_BAND1, /* + 5 * band + one of: */
	MB_N_SETTINGS = MB_BAND1 + 5 * MB_BANDS
};
enum { MB_THRESHOLD, MB_RATIO, MB_ATTACK, MB_RELEASE, MB_GAIN };

struct mb_band {
	float thr_db, ratio, attack_ms, release_ms, gain_db;
};

struct multiband {
	/* settings */
	bool on;
	float xover[2];
	struct mb_band band[MB_BANDS];

	/* running */
	double fs;
	uint32_t smooth_n;
	float kb;              /* one-pole coefficient per 32-frame block */
	float lf[2], lf_to[2]; /* crossovers, log2 Hz: current and target */
	struct xo_coef xo[2];
	float thr[4], thr_to[4], mk[4], mk_to[4]; /* per band (lane 3 unused), dB */
	float slope[4], aa[4], ar[4];             /* 1 - 1/ratio, attack and release coefficients */
	struct ramp w;                            /* on weight */
	bool active;                              /* states are running (not off and faded) */

	/* per side: split 1 (3 sections), the low band's allpass (1), split 2 (3) */
	struct xo_svf svf[2][7];
	float y1[4], yl[4]; /* detector states, dB of gain reduction */
	float gr[4];        /* meter: max reduction since the last read, dB */
	uint64_t resets;    /* blocks silenced for a non-finite state */
};

/* Control thread (or any, before the RT side uses it). At the defaults (MB_*_DEF above). fs in Hz,
 * smooth_n the glide length in samples, kb the per-block one-pole coefficient (strip_env). */
void multiband_init(struct multiband *mb, double fs, uint32_t smooth_n, float kb);

/* RT side stopped. New rate and smoothing; ends every glide at its target, clears the states. */
void multiband_set_rate(struct multiband *mb, double fs, uint32_t smooth_n, float kb);

/* RT. Ends every glide at its target (a console comes up at its state). */
void multiband_settle(struct multiband *mb);

/* RT. Stores setting s (enum mb_setting) clamped to its range; NaN is ignored. Returns false
 * for an s out of range. */
bool multiband_set(struct multiband *mb, unsigned s, float v);

/* The thread that calls multiband_set, or any while it is stopped. Setting s as multiband_set
 * left it (on as 0/1); NAN for an s out of range. */
float multiband_get(const struct multiband *mb, unsigned s);

/* RT. n <= 32 stereo frames in place (one call per grid block: the smoothing steps once per
 * call). Non-finite input must not reach it (master.c sanitises); a state gone non-finite
 * silences the block and clears the states (counted in resets). */
void multiband_process(struct multiband *mb, float *l, float *r, uint32_t n);

/* RT. Reads and clears the gain reduction per band, dB (>= 0). */
void multiband_read_gr(struct multiband *mb, float gr[MB_BANDS]);

#endif
