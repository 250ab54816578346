/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meters: a frame of every meter of the console, and how frames combine.
 *
 * The RT thread reports meters through the report ring; the control thread collects them into a
 * "fresh" frame once per tick (what arrived since the last tick), then folds that frame into the
 * accumulator of each reader: the /meter/... get replies, each native subscriber, each Ardour
 * surface. A reader takes the maximum since its own last read, so readers at different rates
 * never steal each other's peaks.
 */
#ifndef MIXD_METERS_H
#define MIXD_METERS_H

#include <stdbool.h>

#include "engine.h"

/* A value that has not been reported in the interval (RMS is "the latest", not a maximum). */
#define METER_NONE (-1.0f)

struct meter_frame {
	/* per strip: peak and RMS are linear, gr is gain reduction in dB (>= 0) */
	float peak[ENGINE_MAX_STRIPS], rms[ENGINE_MAX_STRIPS], gr[ENGINE_MAX_STRIPS];
	float master_peak[2], master_rms[2]; /* linear */
	float master_tp;                     /* linear true peak */
	float master_gr, master_comp_gr;     /* dB: limiter, glue compressor */
	float master_mb_gr[3];               /* dB: the multiband's bands */
	float bus_peak[ENGINE_N_BUSES][2];   /* linear, return L/R */
	float aux_peak[ENGINE_MAX_AUX][2], aux_rms[ENGINE_MAX_AUX][2]; /* linear, L/R */
	float monitor_peak[2], monitor_rms[2];                         /* linear */
};

/* Any thread. Empties f: peaks and gain reductions 0, RMS METER_NONE. */
void meters_clear(struct meter_frame *f);

/* Any thread. Folds src into dst: maxima for peaks and gain reductions, the latest reported
 * value for RMS (a METER_NONE in src leaves dst's). */
void meters_fold(struct meter_frame *dst, const struct meter_frame *src);

/* Any thread. A linear level in dBFS as sent over OSC: silence and anything below reads -144
 * (GAIN_OFF_DB); METER_NONE reads -144 too. */
float meters_db(float lin);

#endif
