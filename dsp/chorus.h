/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chorus: the chorus/modulation bus, stereo in, stereo out, 100 % wet: up to four voices, each
 * a delay line read at a sine-modulated delay.
 *
 *   out L = sum_k g_k x_L(n - d_k,L(n)),   out R = sum_k g_k x_R(n - d_k,R(n))
 *   d_k,s(n) = base_k + (depth/2) sin(2 pi (theta(n) + phi_k + s/4))      (s = 0 L, 1 R)
 *
 * theta is one LFO at `rate` Hz shared by every voice; phi_k = 0, 1/2, 1/4, 3/4 cycle spreads
 * the voices over the LFO cycle (any first k of them evenly enough: two voices in opposition,
 * four in quadrature); the right side runs a quarter cycle (90 degrees) after the left, so even
 * a mono input comes out wide. base_k = chorus_base_ms[k] (8.5 .. 19.5 ms, chosen not to be
 * multiples of one another, so the voices' combs do not line up). depth is the peak-to-peak
 * sweep of each delay in ms: the pitch of a voice swings by +-pi depth rate / 1000 (+-1.3 % at
 * the defaults, +-16 % at 10 ms and 5 Hz: vibrato).
 *
 * Voices: a continuous 1..4; voice k sounds at weight w_k = clamp(voices - k, 0, 1), so 2.5 is
 * two voices and a third at half level: the parameter is the mix of voices, and a change fades
 * voices in and out rather than switching them. g_k = w_k / sqrt(sum w^2) keeps the level of a
 * broadband signal (whose delayed copies are nearly uncorrelated) the same for any count.
 *
 * Interpolation: 4-point cubic Hermite (Catmull-Rom) on the line. Stateless, continuous with a
 * continuous slope (the fraction sweeps through 0..1 many times a second, so a corner at the
 * sample points would be heard), exact on straight lines. Its worst error (amplitude and phase,
 * relative to the tone, over all fractions) is -89 dB at 1 kHz, -46 dB at 5 kHz and -24 dB at
 * 10 kHz at 48 kHz; linear interpolation's is -53, -26 and -14 dB, and what it loses moves with
 * the fraction: an amplitude modulation with sidebands. An allpass interpolator is flat in
 * amplitude but has a state: when the fraction moves every sample it rings, and with the
 * fraction near 0 its pole nears the unit circle. tests/test_chorus.c measures the error on
 * the output. Longer windowed-sinc reads would cost 2-4x for the top octave only.
 *
 * LFO: the phase (double, in cycles) is stepped once per CHORUS_BLOCK grid block; sin/cos over
 * the block come from rotating the block's starting phasor (in double), so the LFO is exact to
 * float precision per sample and costs no libm call per sample. Rate glides as a one-pole of
 * CHORUS_SMOOTH_MS in log Hz per grid block (the phase stays continuous, so a rate change
 * never steps the delay); depth glides linearly over CHORUS_DEPTH_GLIDE_MS (a quick depth change
 * would sweep the delay fast, a pitch blip); the voice gains glide linearly over
 * CHORUS_SMOOTH_MS. Nothing depends on the period size: the output is bit-identical whatever
 * the blocks n frames come in.
 *
 * Silence and garbage: input is flushed to exact zero below CHORUS_FLUSH (-300 dBFS) where it is
 * written into the lines; the chorus has no feedback or filter state, so its output is exactly 0
 * once the input has been (max delay + 2 samples later). After the input has been exactly 0 for
 * a whole line length the chorus idles, computing nothing, until input returns. An input
 * sub-block holding NaN, Inf or |x| >= 2^60 is dropped (silence) and the lines cleared; a
 * non-finite output (which bounded input cannot produce) is silenced and the state reset. Both
 * are counted.
 */
#ifndef MIXD_CHORUS_H
#define MIXD_CHORUS_H

#include <stdbool.h>
#include <stdint.h>

#include "ramp.h"

#define CHORUS_BLOCK          32    /* parameter grid, samples */
#define CHORUS_VOICES         4     /* voices at most */
#define CHORUS_RATE_MIN       0.05f /* Hz */
#define CHORUS_RATE_MAX       5.0f
#define CHORUS_RATE_DEFAULT   0.8f
#define CHORUS_DEPTH_MIN      0.0f /* ms, peak-to-peak delay sweep */
#define CHORUS_DEPTH_MAX      10.0f
#define CHORUS_DEPTH_DEFAULT  4.0f
#define CHORUS_VOICES_MIN     1.0f /* continuous: the fraction is the last voice's weight */
#define CHORUS_VOICES_MAX     4.0f
#define CHORUS_VOICES_DEFAULT 2.0f
#define CHORUS_SMOOTH_MS      50.0   /* voice gain glides; rate one-pole tau (log Hz) */
#define CHORUS_DEPTH_GLIDE_MS 200.0  /* depth glide */
#define CHORUS_BASE_MAX_MS    19.5   /* the longest base delay (chorus_base_ms) */
#define CHORUS_FLUSH          1e-15f /* below this a value written into a line is 0 */
#define CHORUS_FS_MIN         8000.0
#define CHORUS_FS_MAX         768000.0

/* The base (centre) delay of each voice, ms. */
extern const float chorus_base_ms[CHORUS_VOICES];
/* Each voice's LFO phase offset on the left side, in cycles (the right side adds 1/4). */
extern const float chorus_phase[CHORUS_VOICES];

struct chorus {
	double fs;  /* 0 until chorus_set_rate */
	float *mem; /* one allocation holds both lines */

	float *line[2]; /* L and R lines, mask + 1 samples each */
	uint32_t mask;  /* power of two - 1 */
	uint32_t w;     /* write index of the next sample */
	uint32_t max_d; /* the longest delay read, samples, interpolation taps included */
	float base[CHORUS_VOICES];                              /* base delays, samples */
	float rot_c[CHORUS_VOICES][2], rot_s[CHORUS_VOICES][2]; /* cos, sin of phi_k + s/4 */

	/* LFO: phase at the start of the next grid block (cycles, [0, 1)); the current block's
	 * starting phase and increment per sample; sin and cos of the phase at each sample of the
	 * block, computed when the block is first processed (not while idle) */
	double phase, blk_phase, blk_inc;
	float lfo_s[CHORUS_BLOCK], lfo_c[CHORUS_BLOCK];
	bool lfo_ready;
	float rate_cur, rate_want; /* log2 Hz, gliding per grid block */
	float kb;                  /* one-pole coefficient per grid block */
	uint32_t grid;             /* position in the grid block */

	struct ramp depth;               /* half the peak-to-peak sweep, samples */
	struct ramp gain[CHORUS_VOICES]; /* g_k */
	uint32_t smooth_n, depth_n;      /* glide lengths, samples */

	/* settings, as chorus_set left them (clamped) */
	float rate_hz, depth_ms, voices;

	/* idle: after a whole line of exactly-0 input the lines hold only zeros */
	uint32_t zero_run; /* samples of exactly 0 input, saturating at mask + 1 */

	/* counters, written by the RT thread only */
	uint64_t dropped; /* input sub-blocks dropped for NaN/Inf/absurd values */
	uint64_t resets;  /* state resets for a non-finite output */
};

/* Control thread. A chorus at the defaults (0.8 Hz, 4 ms, 2 voices) with no sample rate yet:
 * it outputs silence until chorus_set_rate. NULL when out of memory. */
struct chorus *chorus_new(void);

/* Control thread, RT side not using it. NULL accepted. */
void chorus_free(struct chorus *c);

/* Control thread, RT side stopped. Allocates (and touches) the lines for fs, clears them, puts
 * the LFO at phase 0 and ends every glide at its target. Returns 0, -EINVAL (fs not in
 * 8000..768000) or -ENOMEM (the chorus keeps its previous rate and lines). */
int chorus_set_rate(struct chorus *c, double fs);

/* RT. New targets, clamped: rate Hz 0.05..5, depth ms (peak-to-peak) 0..10, voices 1..4
 * (continuous). A NaN leaves that parameter as it was. Each glides (see above). */
void chorus_set(struct chorus *c, float rate_hz, float depth_ms, float voices);

/* RT. Processes n frames (any n), 100 % wet. out_l/out_r may alias in_l/in_r. Never allocates,
 * never fails. */
void chorus_process(struct chorus *c, const float *in_l, const float *in_r, float *out_l,
                    float *out_r, uint32_t n);

/* RT. Clears the lines and ends every glide at its target; the LFO runs on. */
void chorus_reset(struct chorus *c);

#endif
