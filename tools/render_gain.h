/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_gain: the master fader for the next loudness-normalising pass of mixrender
 * --normalize and mixmaster, from the passes so far.
 *
 * Pure function, any thread.
 */
#ifndef MIXD_RENDER_GAIN_H
#define MIXD_RENDER_GAIN_H

/* The fader (dB) for the next pass from n >= 1 passes (fader g[k], integrated loudness
 * lufs[k]). Loudness never falls as the fader rises (the limiter only takes away), so once one
 * pass landed under the target and one over, the answer lies between them: interpolate
 * linearly between the closest two (regula falsi). Before that, step by the remaining error
 * divided by the slope the last two passes showed, clamped to 0.25..1 dB/dB: 1 is the slope
 * below the limiter, and a flat slope (deep in the limiter) must not send the fader to -inf in
 * one step. */
double render_next_gain(const double *g, const double *lufs, unsigned n, double target);

#endif
