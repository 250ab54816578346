/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pan: the pan law of mono strips and the balance law of stereo strips.
 */
#ifndef MIXD_PAN_H
#define MIXD_PAN_H

/* Any thread. -3 dB constant-power pan, pos -1 (left) .. +1 (right), clamped.
 * gl = sin((1-pos)/2 * pi/2), gr = sin((1+pos)/2 * pi/2): gl^2 + gr^2 = 1, centre = -3.0103 dB
 * on both sides, and the far side of a hard pan is exactly 0 (sin 0), not cos(pi/2) ~ 4e-8. */
void pan_mono(float pos, float *gl, float *gr);

/* Any thread. Balance for a stereo strip, pos -1..+1, clamped: the side panned away from is
 * attenuated with the same sine law (-3 dB at half way, 0 at the end), the other stays at unity.
 * Centre is unity on both sides, so a stereo strip passes unchanged. */
void pan_balance(float pos, float *gl, float *gr);

#endif
