/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reverb: the reverb bus, a feedback delay network after Fons Adriaensen's zita-rev1
 * (dsp-reference.md §4), stereo in, stereo out, 100 % wet.
 *
 *   in L, R -> predelay -> x 0.3 -> 8 loops: delay line -> allpass diffuser (+-0.6)
 *           -> 8x8 Hadamard (three butterfly stages) -> x sqrt(1/8) -> decay filter -> back
 *   out L = g (h1 + h2), out R = g (h1 - h2), h = the Hadamard's outputs 1 and 2
 *
 * L feeds loops 0..3 with signs + + - -, R loops 4..7 the same; the diffusers alternate +0.6,
 * -0.6. With these signs the diffusers' immediate path (gain c) cancels in outputs 1 and 2, so
 * the first sound is the shortest diffuser delay after the predelay: 20.346 ms for the left
 * input (loop 0, heard on the left output), 13.458 ms for the right (loop 6, on the right).
 * h1 + h2 and h1 - h2 of an orthogonal mix carry the same energy and are uncorrelated: the two
 * outputs are decorrelated even for a mono input.
 *
 * Decay, per loop of total length d seconds (delay line + diffuser): a low shelf at 200 Hz gives
 * rt_low below it, the mid band rt_mid, and a one-pole low-pass makes the reverb time half of
 * rt_mid at the damping frequency:
 *   gmf = 0.001^(d/rt_mid), glo = 0.001^(d/rt_low)/gmf - 1, w_lo = 1 - exp(-2 pi 200/fs),
 *   g = 0.001^(d/(rt_mid/2))/gmf, chi = 1 - cos(2 pi fdamp/fs), t = (1 - g^2)/(2 g^2 chi),
 *   w_hi = (sqrt(1 + 4t) - 1)/(2t);  y = gmf LP_whi(x + glo LP_wlo(x)).
 * The time parameter is rt_mid; rt_low is REVERB_LOW_RATIO x rt_mid (3 s at the default 2 s, as
 * zita-rev1's defaults).
 *
 * Level: the tail's energy grows with its length, so the wet gain is g = 0.7/sqrt(rt_mid) (as
 * zita-rev1 at 100 % mix): long tails are not louder. It over-corrects short times (at 0.3 s a
 * round trip loses ~40 dB, so the energy no longer grows with rt_mid): on steady white noise
 * the wet level against the input is +1.8 dB at 0.3 s, -6.0 dB at 2 s, -9.1 dB at 10 s
 * (6 kHz damping; tests/test_reverb.c wet_level).
 *
 * Smoothing: time and damping glide (a one-pole of REVERB_SMOOTH_MS in log time and log Hz,
 * stepped per 32-sample grid block, loop coefficients interpolated per sample); the predelay
 * cross-fades between two taps (xfade.h). Nothing steps, whatever the period size.
 *
 * Denormals, silence and garbage: tiny values are flushed to exact zero where they are written
 * into the loops (below REVERB_FLUSH, -300 dBFS), so a tail ends in exact silence with or without
 * FTZ/DAZ. Every value inside follows the level of the network, so only a grid block after a
 * quiet one (in and out below -200 dBFS) can come near the subnormal range: only those flush
 * (the flush costs a third of the loop's time). Once input and output have been exactly 0 for
 * longer than any path through the network, the state is made exactly 0 and the reverb idles,
 * computing nothing, until input returns.
 * An input sub-block holding NaN, Inf or |x| >= 2^60 is dropped (silence) and the tails reset;
 * a non-finite output (which bounded input cannot produce) is silenced and the state reset.
 * Both are counted.
 */
#ifndef MIXD_REVERB_H
#define MIXD_REVERB_H

#include <stdbool.h>
#include <stdint.h>

#include "xfade.h"

#define REVERB_LOOPS 8
#define REVERB_BLOCK 32 /* parameter grid, samples */
/* The settings' ranges and defaults (reverb_set clamps into them, reverb_new starts at them,
 * the parameter table lists them): RT60 s, damping Hz, predelay ms. */
#define REVERB_TIME_MIN         0.3f
#define REVERB_TIME_MAX         10.0f
#define REVERB_TIME_DEFAULT     2.0f
#define REVERB_DAMP_MIN         1000.0f
#define REVERB_DAMP_MAX         20000.0f
#define REVERB_DAMP_DEFAULT     6000.0f
#define REVERB_PREDELAY_MIN     0.0f
#define REVERB_PREDELAY_MAX     200.0f
#define REVERB_PREDELAY_DEFAULT 20.0f

#define REVERB_LOW_RATIO  1.5f        /* rt_low / rt_mid */
#define REVERB_XOVER_HZ   200.0       /* where rt_low gives way to rt_mid */
#define REVERB_SMOOTH_MS  50.0        /* time and damping glide, one-pole tau */
#define REVERB_FADE_MS    30.0        /* predelay cross-fade */
#define REVERB_FLUSH      1e-15f      /* below this a value written into a loop is 0 */
#define REVERB_QUIET_BITS 0x2edbe6ffu /* bits of 1e-10f (-200 dBFS): a block below it is quiet */
#define REVERB_FS_MIN     8000.0
#define REVERB_FS_MAX     768000.0

/* A circular delay of exactly len samples: read buf[i], write buf[i], advance. */
struct reverb_line {
	float *buf;
	uint32_t len, i;
};

/* The natural parameters the loop coefficients are computed from, smoothed. */
struct reverb_glide {
	float cur, want; /* log2 of seconds (time) or of Hz (damping) */
};

struct reverb {
	double fs;  /* 0 until reverb_set_rate */
	float *mem; /* one allocation holds every line */

	struct reverb_line loop[REVERB_LOOPS]; /* the delay part of each loop */
	struct reverb_line diff[REVERB_LOOPS]; /* the allpass diffuser inside each loop */
	uint32_t total[REVERB_LOOPS];          /* loop length in samples, delay + diffuser */

	float *pre[2];      /* predelay lines, L and R, pre_mask + 1 samples each */
	uint32_t pre_mask;  /* power of two - 1 */
	uint32_t pre_w;     /* predelay write index */
	struct xfade pre_x; /* predelay tap */

	/* decay filter state */
	float slo[REVERB_LOOPS]; /* low-shelf one-pole */
	float shi[REVERB_LOOPS]; /* damping one-pole */

	/* coefficients at the start of the grid block (gmf, ...) and at its end (gmf1, ...): at
	 * grid sample j (0..31) the value is c + (c1 - c) (j + 1) / 32 */
	float wlo; /* low-shelf one-pole, fixed at REVERB_XOVER_HZ */
	float gmf[REVERB_LOOPS], glo[REVERB_LOOPS], whi[REVERB_LOOPS], g;
	float gmf1[REVERB_LOOPS], glo1[REVERB_LOOPS], whi1[REVERB_LOOPS], g1;
	bool moving;   /* c1 != c in the current grid block */
	uint32_t grid; /* position in the current grid block, 0..REVERB_BLOCK-1 */
	float kb;      /* one-pole coefficient per grid block */
	struct reverb_glide time, damp;

	/* settings, as reverb_set left them (clamped) */
	float time_s, damping_hz, predelay_ms;

	/* quiet and idle (per grid block) */
	uint32_t level;    /* max |x| bits of input and output over the grid block so far */
	bool flushing;     /* this grid block flushes tiny values: the previous one was quiet */
	uint32_t zero_run; /* samples of exactly 0 in and out, in whole grid blocks */
	uint32_t idle_n;   /* longer than any path through the network (predelay + a loop) */
	bool idle;         /* the state is exactly 0 and the input too: nothing is computed */

	/* counters, written by the RT thread only */
	uint64_t dropped; /* input sub-blocks dropped for NaN/Inf/absurd values */
	uint64_t resets;  /* state resets for a non-finite output */
};

/* Control thread. A reverb at the defaults (REVERB_*_DEFAULT) with no sample rate yet: it
 * outputs silence until reverb_set_rate. NULL when out of memory. */
struct reverb *reverb_new(void);

/* Control thread, RT side not using it. NULL accepted. */
void reverb_free(struct reverb *r);

/* Control thread, RT side stopped. Allocates (and touches) the lines for fs, clears the tails and
 * ends every glide at its target. Returns 0, -EINVAL (fs not in 8000..768000) or -ENOMEM (the
 * reverb keeps its previous rate and lines). */
int reverb_set_rate(struct reverb *r, double fs);

/* RT. New targets: rt_mid seconds, damping Hz, predelay ms; clamped to REVERB_*_MIN/MAX above;
 * a NaN leaves that parameter as it was. Time and damping glide, the predelay cross-fades. */
void reverb_set(struct reverb *r, float time_s, float damping_hz, float predelay_ms);

/* RT. Processes n frames (any n) of a stereo input into a stereo 100 % wet output. out_l/out_r
 * may alias in_l/in_r. Never allocates, never fails. */
void reverb_process(struct reverb *r, const float *in_l, const float *in_r, float *out_l,
                    float *out_r, uint32_t n);

/* RT. Clears the tails and the predelay and ends every glide at its target. */
void reverb_reset(struct reverb *r);

/* Any thread. The onset of the response in samples after the predelay: the shortest path from
 * input side `right` (0 left, 1 right) to any output, at the current rate (0 before a rate). */
uint32_t reverb_shortest_path(const struct reverb *r, int right);

#endif
