/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limiter: the master bus's look-ahead brick-wall limiter, stereo-linked, sample-peak or
 * true-peak (dsp-reference.md §3.3, after T. Endo's BasicLimiter, ryukau/VSTPlugins).
 *
 *   detector -> max over the last H values -> min(1, ceiling / max) -> release (rises with a
 *   one-pole, never above that) -> triangular FIR of K taps (two moving averages) -> gain
 *   -> out = x(n - D) * gain
 *
 * D = K - 1 + 16 and H = K + 1, so every FIR window of gains lies inside the hold window of the
 * input sample it multiplies: the gain applied to a sample is an average of gains each small
 * enough for that sample, and the output cannot pass the ceiling, by construction rather than
 * by a tuned time constant. The averages are integer sums of gains quantised downwards to 2^-30,
 * so they are exact (no drift, nothing to recompute) and can only err towards more reduction.
 *
 * The detector value of frame n covers the input interval [n - 16, n - 15]. Sample-peak mode:
 * max |x(n - 16)| of both sides. True-peak mode: the max of both sides' 8 sub-samples of that
 * interval, from a polyphase Kaiser-windowed sinc (8 phases x 32 taps, beta 5.5; half its
 * length is the 16), which reads a sine's peak to within the 8x sampling loss up to 0.44 fs
 * (20 log10 cos(pi f / 8 fs): 0.12 dB at 20 kHz, 48 kHz) and under-reads above that. The
 * sliding max is van Herk / Gil-Werman's (exact, two comparisons a frame, no branches on the
 * signal).
 *
 * Latency (the look-ahead D) is 1.5 ms rounded to samples, at least LIMITER_MIN_LATENCY: 66 / 72 /
 * 144 / 288 samples at 44.1 / 48 / 96 / 192 kHz, attack K 51 / 57 / 129 / 273. It does not
 * depend on on/off, mode, ceiling or release: the signal always goes through the same delay,
 * so the latency JACK reports never changes under the user's hands (Ardour's compensation
 * stays right, nothing jumps in time) and on/off is a cross-fade between two time-aligned
 * signals. Why 1.5 ms: the attack is the time the gain takes to come down before a peak, and
 * the shorter it is the wider the sidebands the moving gain puts around every partial
 * (distortion); 1.2 ms (57 samples) keeps them low, as x42-dpl's 1.3 ms look-ahead does, and
 * the whole delay, about one 64-frame JACK period at 48 kHz, stays small enough for a live
 * console's monitoring.
 *
 * Threads: limiter_new, limiter_free and limiter_set_rate on the control thread (the last while
 * the RT side is stopped); limiter_latency on any thread; everything else on the RT thread,
 * which never allocates, locks or fails here. Denormals: no recursive state can decay into
 * them (the release snaps to its target, the sums are integers); a denormal input costs what it
 * costs any FIR filter, so the RT thread runs with FTZ/DAZ as the engine's does.
 */
#ifndef MIXD_LIMITER_H
#define MIXD_LIMITER_H

#include <stdbool.h>
#include <stdint.h>

#define LIMITER_LOOKAHEAD_MS 1.5
/* The detector's delay in input samples (half the interpolator's 32 taps): the sub-samples of
 * [n - 16, n - 15] are known once x(n) has arrived. */
#define LIMITER_OS_DELAY 16
/* Look-ahead floor: the interpolator's window (31 past samples) lives in the delay line, and
 * the attack keeps 17 samples. Only rates below 21.3 kHz reach it (4 ms at 8 kHz). */
#define LIMITER_MIN_LATENCY 32
/* On/off cross-fade and ceiling glide, linear. */
#define LIMITER_GLIDE_MS 5.0
/* True-peak mode limits this far under the ceiling, for two errors the detector cannot see:
 *  - true peak: the 8x sub-samples under-read a peak between them (0.12 dB at 20 kHz), more on
 *    content above 0.44 fs, and the moving gain adds intersample overshoot of its own. On hot
 *    full-band white noise a 32x reference reads the output up to 0.39 dB over the internal
 *    ceiling (band-limited material: within 0.005 dB);
 *  - BS.1770 meters: a 4x meter's short interpolator over-reads what it cannot resolve;
 *    libebur128 reads that heavily limited noise up to 0.43 dB over the internal ceiling.
 * With 0.3 dB, 40 realisations of 2 s of Gaussian noise (e2e_master's generator) read up to
 * -0.735 dBTP on libebur128 and -0.833 on a 32x meter, over test 18's -0.80 and -0.85
 * (dsp-reference.md; the doc's own estimate of the margin is 0.2-0.3 dB). 0.4 dB moves those
 * worst cases under the limits; sines, sweeps, squares and the EBU Tech 3341 true-peak
 * signals then read -1.4 +-0.05 dBTP, 0.1 dB of loudness given for a ceiling any 4x meter
 * agrees with. Sample-peak mode needs no margin: its ceiling is exact. */
#define LIMITER_TP_MARGIN_DB 0.4

/* Parameter ranges (limiter_set clamps into them). */
#define LIMITER_CEILING_MIN_DB -12.0f
#define LIMITER_CEILING_MAX_DB 0.0f
#define LIMITER_RELEASE_MIN_MS 1.0f
#define LIMITER_RELEASE_MAX_MS 1000.0f

struct limiter;

/* Control thread. Returns a limiter that is off (ceiling -1 dB, release 50 ms, true peak), or
 * NULL when out of memory. It has no rate yet: call limiter_set_rate before limiter_process. */
struct limiter *limiter_new(void);

/* Control thread, while no other thread uses it. NULL accepted. */
void limiter_free(struct limiter *lim);

/* Control thread, RT side stopped. Sizes the buffers for fs (allocating them), resets every
 * state and ends every glide at its target. Returns 0, -EINVAL (fs outside 8000..768000;
 * nothing changed) or -ENOMEM (the limiter then has no rate, as after limiter_new). */
int limiter_set_rate(struct limiter *lim, double fs);

/* Any thread. The look-ahead in samples at the current rate (0 before limiter_set_rate); the
 * same whatever limiter_set said. Changes only in limiter_set_rate. */
uint32_t limiter_latency(const struct limiter *lim);

/* RT. on, ceiling in dBFS (sample peak) or dBTP (true peak), release time constant in ms.
 * Clamped to the ranges above; a NaN leaves that setting as it was. Switching on or off
 * cross-fades over LIMITER_GLIDE_MS, and the ceiling (with the true-peak margin) glides over
 * the same time. A switch to true peak holds sample peaks for one more hold window (1.2 ms). */
void limiter_set(struct limiter *lim, bool on, float ceiling_db, float release_ms, bool truepeak);

/* RT, or any thread while the RT side is stopped. Ends the on/off cross-fade and the ceiling
 * glide at their targets (a console comes up already at its state). */
void limiter_settle(struct limiter *lim);

/* RT. Processes n stereo frames in place (any n, including 0), one gain for both sides. Off,
 * the output is the input delayed by limiter_latency() exactly. A sub-block of 32 frames with a
 * NaN, an infinity or a magnitude of 2^60 or more (numeric.h) in its input is output as silence,
 * and the limiter's state is reset (counted, limiter_dropped). Silence before limiter_set_rate. */
void limiter_process(struct limiter *lim, float *l, float *r, uint32_t n);

/* RT. Reads and clears: the largest gain reduction applied since the last read, in dB (>= 0;
 * 0 while off). */
float limiter_read_gr(struct limiter *lim);

/* RT. Reads and clears: the largest true peak of the OUTPUT since the last read, linear (both
 * sides), measured with the detector's 8x interpolator on the output itself, whatever the mode
 * and on or off (a third of the limiter's cost in true-peak mode). Like the detector it reads
 * band-limited material to 0.12 dB and under-reads content above 0.44 fs. */
float limiter_read_truepeak(struct limiter *lim);

/* RT. Input sub-blocks silenced for a non-finite or absurd sample since limiter_set_rate. */
uint64_t limiter_dropped(const struct limiter *lim);

#endif
