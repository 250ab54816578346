/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faderlaw: the Behringer X32/M32 fader law, fader position f in [0, 1] <-> dB.
 *
 * Four linear segments (dsp-reference.md §6, after pmaillot/X32-Behringer X32.c and
 * X32lib/Xscene2X.c): f = 0 is off (-inf dB); 0 < f < 0.0625: 480 f - 90 (-90..-60 dB);
 * 0.0625 <= f < 0.25: 160 f - 70 (-60..-30); 0.25 <= f < 0.5: 80 f - 50 (-30..-10);
 * 0.5 <= f <= 1: 40 f - 30 (-10..+10, 0 dB at f = 0.75). Scene files store f quantised to
 * 1024 steps, roundf(f * 1023) / 1023.
 */
#ifndef MIXD_FADERLAW_H
#define MIXD_FADERLAW_H

/* Number of steps of a stored fader position, after Xp_level(..., 1023) in Xscene2X.c. */
#define FADERLAW_STEPS 1023

/* Any thread. Position to dB. f <= 0 and NaN give -INFINITY (off); f > 1 is clamped to 1
 * (+10 dB). */
float faderlaw_to_db(float f);

/* Any thread. dB to position, the inverse of faderlaw_to_db. db <= -90, -INFINITY and NaN give
 * 0 (off); db > +10 and +INFINITY give 1. */
float faderlaw_from_db(float db);

/* Any thread. Rounds a position to the nearest of the FADERLAW_STEPS + 1 stored positions,
 * roundf(f * 1023) / 1023, after clamping to [0, 1]; NaN gives 0. */
float faderlaw_quantise(float f);

#endif
