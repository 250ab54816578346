/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delay: the delay bus, stereo or ping-pong, 100 % wet (dsp-reference.md §4, after Ardour's
 * a-delay).
 *
 *   stereo:    L line <- F(in L + fb tap L),          R line <- F(in R + fb tap R)
 *   ping-pong: L line <- F((in L + in R)/2 + fb tap R), R line <- F(fb tap L)
 *   out L = tap L, out R = tap R
 *
 * F is a 12 dB/oct Butterworth low-cut (high-pass) then high-cut (low-pass), Cytomic SVFs, on
 * what is written into each line: the first echo passes it once and every repeat once more, so
 * the high-cut darkens the echoes themselves, not only their repeats (the bus has no EQ of its
 * own). |F| <= 1 at every frequency, so the loop gain stays <= fb <= 0.95 and the loop is
 * stable at any setting. In ping-pong the input's mono sum starts in the left line and the
 * lines feed each other: echoes alternate L, R, L... Switching mode cross-fades the routing.
 *
 * Time: time_ms 1..2000, or with sync on and a tempo known, t_ms = 240000/(BPM div) x 1.5
 * (dotted) or x 2/3 (triplet); clamped to 1..2000 ms, rounded to whole samples (no fractional
 * read: the taps never move while they play). A change cross-fades from the old tap to the new
 * over DELAY_FADE_MS (xfade.h): no click, no pitch glide; changes during a fade queue behind it.
 *
 * Smoothing: feedback and the ping-pong routing glide linearly over DELAY_SMOOTH_MS (ramp.h);
 * the cut-off frequencies follow a one-pole of DELAY_SMOOTH_MS in log Hz stepped per 32-sample
 * grid block, g = tan(pi f/fs) interpolated per sample and the SVF coefficients computed per
 * sample while they move (an SVF's integrator states are not disturbed by a coefficient change).
 *
 * Denormals and garbage: values written into the lines are flushed to exact zero below
 * DELAY_FLUSH (-300 dBFS), so repeats end in exact silence with or without FTZ/DAZ. An input
 * sub-block holding NaN, Inf or |x| >= 2^60 is dropped (silence) and the lines cleared; a
 * non-finite output (which bounded input cannot produce) is silenced and the state reset. Both
 * are counted.
 */
#ifndef MIXD_DELAY_H
#define MIXD_DELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "ramp.h"
#include "xfade.h"

#define DELAY_BLOCK 32 /* parameter grid, samples */
/* The settings' ranges and defaults (delay_set clamps into them, delay_new starts at them, the
 * parameter table lists them): time ms, feedback (a share), cut-offs Hz. */
#define DELAY_TIME_MIN         1.0f
#define DELAY_TIME_MAX         2000.0f
#define DELAY_TIME_DEFAULT     375.0f
#define DELAY_FB_MIN           0.0f
#define DELAY_FB_MAX           0.95f
#define DELAY_FB_DEFAULT       0.35f
#define DELAY_LOWCUT_MIN       20.0f
#define DELAY_LOWCUT_MAX       1000.0f
#define DELAY_LOWCUT_DEFAULT   100.0f
#define DELAY_HIGHCUT_MIN      1000.0f
#define DELAY_HIGHCUT_MAX      20000.0f
#define DELAY_HIGHCUT_DEFAULT  8000.0f
#define DELAY_PINGPONG_DEFAULT 1
#define DELAY_SYNC_DEFAULT     0
#define DELAY_DIVISION_DEFAULT DELAY_DIV_4 /* enum delay_division below */

#define DELAY_FADE_MS   30.0   /* time change cross-fade */
#define DELAY_SMOOTH_MS 20.0   /* feedback and routing glides; cut-off one-pole tau */
#define DELAY_FLUSH     1e-15f /* below this a value written into a line is 0 */
#define DELAY_FS_MIN    8000.0
#define DELAY_FS_MAX    768000.0

/* Tempo divisions; the value is the index into delay_divisions[]. */
enum delay_division {
	DELAY_DIV_1,   /* "1/1"   whole note */
	DELAY_DIV_2,   /* "1/2" */
	DELAY_DIV_4,   /* "1/4" */
	DELAY_DIV_8,   /* "1/8" */
	DELAY_DIV_16,  /* "1/16" */
	DELAY_DIV_32,  /* "1/32" */
	DELAY_DIV_4D,  /* "1/4d"  dotted: x 1.5 */
	DELAY_DIV_8D,  /* "1/8d" */
	DELAY_DIV_16D, /* "1/16d" */
	DELAY_DIV_4T,  /* "1/4t"  triplet: x 2/3 */
	DELAY_DIV_8T,  /* "1/8t" */
	DELAY_DIV_16T, /* "1/16t" */
	DELAY_N_DIVISIONS
};

/* The division names, index = enum delay_division, NULL-terminated (for the parameter table). */
extern const char *const delay_divisions[];

/* A trapezoidal SVF's cut-off (Cytomic), k = sqrt(2): Butterworth. g = tan(pi f/fs) at the
 * start and the end of the grid block; while they differ, g is interpolated per sample and the
 * coefficients a1 = 1/(1 + g (g + k)), a2 = g a1, a3 = g a2 computed per sample (the outputs
 * depend on the coefficients, so stepping them per block would step the output). */
struct delay_svf {
	float g, g1;
	float a1, a2, a3; /* at g */
};

struct delay {
	double fs;  /* 0 until delay_set_rate */
	float *mem; /* one allocation holds both lines */

	float *line[2];   /* L and R lines, mask + 1 samples each */
	uint32_t mask;    /* power of two - 1 */
	uint32_t w;       /* write index */
	uint32_t max_d;   /* DELAY_TIME_MAX in samples */
	struct xfade tap; /* the read taps, shared by both lines */

	/* loop filters: states [side][integrator], coefficients at the current cut-offs */
	float hp_ic[2][2], lp_ic[2][2];
	struct delay_svf hp, lp;
	float lc_cur, lc_want, hc_cur, hc_want; /* log2 Hz, gliding per grid block */
	float kb;                               /* one-pole coefficient per grid block */
	uint32_t grid;                          /* position in the grid block */

	struct ramp fb; /* feedback */
	struct ramp pp; /* routing: 0 stereo, 1 ping-pong */
	uint32_t smooth_n;

	/* settings, as delay_set / delay_set_tempo left them (clamped) */
	float time_ms, feedback, lowcut_hz, highcut_hz;
	bool pingpong, sync;
	int division;
	double bpm; /* 0: no tempo */

	/* counters, written by the RT thread only */
	uint64_t dropped; /* input sub-blocks dropped for NaN/Inf/absurd values */
	uint64_t resets;  /* state resets for a non-finite output */
};

/* Any thread. The synced time in ms for bpm and a division, before any clamping; NAN when bpm
 * is not a finite positive number or the division is out of range. */
double delay_division_ms(double bpm, int division);

/* Control thread. A delay at the defaults (DELAY_*_DEFAULT) with no sample rate yet: it outputs
 * silence until delay_set_rate. NULL when out of memory. */
struct delay *delay_new(void);

/* Control thread, RT side not using it. NULL accepted. */
void delay_free(struct delay *d);

/* Control thread, RT side stopped. Allocates (and touches) 2 s of line per side at fs, rounded
 * up to a power of two; clears the lines and ends every glide at its target. Returns 0, -EINVAL
 * (fs not in 8000..768000) or -ENOMEM (the delay keeps its previous rate and lines). */
int delay_set_rate(struct delay *d, double fs);

/* RT. New targets, clamped to DELAY_*_MIN/MAX above: time ms, feedback, low-cut Hz, high-cut Hz;
 * ping-pong or stereo, sync to the tempo with a division (enum delay_division,
 * clamped to the table). A NaN leaves that parameter as it was. */
void delay_set(struct delay *d, float time_ms, float feedback, float lowcut_hz, float highcut_hz,
               bool pingpong, bool sync, int division);

/* RT. The tempo for sync; bpm <= 0 or non-finite means none (sync falls back to time_ms). */
void delay_set_tempo(struct delay *d, double bpm);

/* RT. The delay in samples the taps are heading for (what the current settings ask for). */
uint32_t delay_target_samples(const struct delay *d);

/* RT. Processes n frames (any n), 100 % wet. out_l/out_r may alias in_l/in_r. Never allocates,
 * never fails. */
void delay_process(struct delay *d, const float *in_l, const float *in_r, float *out_l,
                   float *out_r, uint32_t n);

/* RT. Clears the lines and filters and ends every glide and fade at its target. */
void delay_reset(struct delay *d);

#endif
