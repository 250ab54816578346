/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_law: the Behringer X32's value laws, as its OSC protocol carries every continuous value:
 * a float 0..1 on a fixed grid of steps (P.-G. Maillot, "Unofficial X32/M32 OSC Remote
 * Protocol"; ../shared/osc-compat.md). Pure functions, no state.
 *
 * Fader (and send level): 1024 steps, f = idx / 1023, four linear segments in dB:
 *   f >= 0.5     dB = 40 f - 30     (-10 .. +10)
 *   f >= 0.25    dB = 80 f - 50     (-30 .. -10)
 *   f >= 0.0625  dB = 160 f - 70    (-60 .. -30)
 *   f > 0        dB = 480 f - 90    (-90 .. -60)
 *   f = 0        -inf
 * so 0 dB sits at 0.75 (on the grid 767/1023, -0.01 dB).
 * Pan: -100..+100 linear in 101 steps (f 0..1, 0.5 centre). Preamp trim: -18..+18 dB linear
 * in 145 steps. High-pass frequency: 20..400 Hz logarithmic in 101 steps.
 */
#ifndef MIXD_X32_LAW_H
#define MIXD_X32_LAW_H

#define X32_FADER_STEPS 1024
#define X32_PAN_STEPS   101
#define X32_TRIM_STEPS  145
#define X32_HPF_STEPS   101
#define X32_TRIM_MIN    -18.0f
#define X32_TRIM_MAX    18.0f
#define X32_HPF_MIN     20.0f
#define X32_HPF_MAX     400.0f

/* Any thread. A float snapped to a grid of `steps` values over 0..1 (clamped first). */
float x32_grid(float f, unsigned steps);
/* Any thread. The fader law: f in 0..1 (not snapped here) to dB, -INFINITY at 0 and below. */
float x32_fader_to_db(float f);
/* Any thread. Its inverse: dB (-INFINITY accepted) to f in 0..1, 0 at -90 dB and below, 1 at
 * +10 and above (not snapped). */
float x32_db_to_fader(float db);
/* Any thread. Pan f 0..1 <-> mixd pan -1..+1 (clamped). */
float x32_pan_to_mixd(float f);
float x32_mixd_to_pan(float p);
/* Any thread. Trim f 0..1 <-> dB -18..+18 (clamped). */
float x32_trim_to_db(float f);
float x32_db_to_trim(float db);
/* Any thread. High-pass f 0..1 <-> Hz 20..400 (clamped). */
float x32_hpf_to_hz(float f);
float x32_hz_to_hpf(float hz);

/* Any thread. The general laws of the node formatter: f 0..1 <-> lo..hi, linear or logarithmic
 * (lo and hi > 0 for log; hi < lo is allowed, as for Q 10 -> 0.3); f clamped, values clamped
 * into the range. */
float x32_lin_to_value(float f, float lo, float hi);
float x32_value_to_lin(float v, float lo, float hi);
float x32_log_to_value(float f, float lo, float hi);
float x32_value_to_log(float v, float lo, float hi);

/* The compressor ratios of the X32, by index (dyn/ratio). */
#define X32_N_RATIOS 12
extern const float x32_ratios[X32_N_RATIOS];
/* Any thread. The index of the ratio nearest r (on a log scale). */
int x32_ratio_index(float r);

#endif
