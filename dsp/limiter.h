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
 * The detector value of frame n covers the input interval [n - 32, n - 31]. Sample-peak mode:
 * max |x(n - 32)| of both sides. True-peak mode: the max over both sides of the 16x
 * reconstruction of that interval (a 64-tap-per-phase Kaiser-windowed sinc), of
 * libebur128's 4x BS.1770 reading of it and of libswresample's 192 kHz points (ffmpeg's
 * meters; at 48, 64, 96 and 192 kHz) (tpinterp.h): the output is limited against the
 * reconstruction docs/master.md names and against the meters deliverables are checked with,
 * not against a cheaper estimate plus a guessed margin. Every one of them needs at most 32
 * samples of future (libswresample's 32 taps: 16), so the look-ahead is what it was. The sliding
 * max is van Herk / Gil-Werman's (exact, two comparisons a frame, no branches on the signal).
 *
 * Latency (the look-ahead D) is 1.5 ms rounded to samples, at least LIMITER_MIN_LATENCY: 66 / 72 /
 * 144 / 288 samples at 44.1 / 48 / 96 / 192 kHz, attack K 35 / 41 / 113 / 257. It does not
 * depend on on/off, mode, ceiling or release: the signal always goes through the same delay,
 * so the latency JACK reports never changes under the user's hands (Ardour's compensation
 * stays right, nothing jumps in time) and on/off is a cross-fade between two time-aligned
 * signals. Why 1.5 ms: the attack is the time the gain takes to come down before a peak, and
 * the shorter it is the wider the sidebands the moving gain puts around every partial
 * (distortion); 0.85 ms (41 samples, what the 32 samples the true-peak detector needs of
 * future leave) keeps them low, as x42-dpl's 1.3 ms look-ahead does, and the whole delay,
 * about one 64-frame JACK period at 48 kHz, stays small enough for a live console's
 * monitoring.
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
/* The detector's delay in input samples (half the 16x interpolator's 64 taps): the
 * reconstruction of [n - 32, n - 31] is known once x(n) has arrived. */
#define LIMITER_OS_DELAY 32
/* Look-ahead floor: the interpolator's window (63 past samples) lives in the delay line, and
 * the attack keeps 33 samples. Only rates below 42.7 kHz reach it (2 ms at 32 kHz). */
#define LIMITER_MIN_LATENCY 64
/* On/off cross-fade and ceiling glide, linear. */
#define LIMITER_GLIDE_MS 5.0
/* True-peak mode limits this far under the ceiling, for the one error the detector cannot
 * see: the moving gain's own intersample overshoot (the product x(n) g(n) reconstructs to
 * g x(t) only where g is constant over the interpolator's 64 taps). On hot full-band noise it
 * measured up to +0.015 dB on the 16x reference, 0 on band-limited material; a sine then
 * reads this far under the ceiling. Sample-peak mode needs no margin: its ceiling is exact. */
#define LIMITER_TP_MARGIN_DB 0.05

/* Parameter ranges (limiter_set clamps into them) and defaults (limiter_new's, the master's and
 * the parameter table's). */
#define LIMITER_CEILING_MIN_DB     (-12.0f)
#define LIMITER_CEILING_MAX_DB     0.0f
#define LIMITER_CEILING_DEFAULT_DB (-1.0f)
#define LIMITER_RELEASE_MIN_MS     1.0f
#define LIMITER_RELEASE_MAX_MS     1000.0f
#define LIMITER_RELEASE_DEFAULT_MS 50.0f
#define LIMITER_TRUEPEAK_DEFAULT   1

struct limiter;

/* Control thread. Returns a limiter that is off, at the defaults above (LIMITER_*_DEFAULT*), or
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
 * the same time. A switch to true peak holds sample peaks for one more hold window (0.9 ms). */
void limiter_set(struct limiter *lim, bool on, float ceiling_db, float release_ms, bool truepeak);

/* The thread that calls limiter_set, or any while it is stopped. The ceiling and release as
 * limiter_set clamped them. */
void limiter_get(const struct limiter *lim, float *ceiling_db, float *release_ms);

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
 * sides), measured with tpinterp.h's 8x meter interpolator on the output itself, whatever the
 * mode and on or off. It reads band-limited material to 0.12 dB and under-reads content above
 * 0.44 fs (the detector, not this meter, holds the ceiling). */
float limiter_read_truepeak(struct limiter *lim);

/* RT. Input sub-blocks silenced for a non-finite or absurd sample since limiter_set_rate. */
uint64_t limiter_dropped(const struct limiter *lim);

#endif
