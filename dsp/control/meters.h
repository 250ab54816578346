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

/* The argument vectors of the meter addresses (docs/osc.md), composed from a frame once for
 * every sender: the get replies (daemon's dispatch hooks) and the subscriptions (osc/subs.c).
 * Levels are in dBFS through meters_db, gain reductions in dB as the frame holds them.
 * Personalities with a shape of their own (Ardour's meter scale, the X32's blobs) read the
 * frame themselves. Each function is callable from any thread on a frame it owns, writes its
 * vector to out and returns its length (the METER_*_N below); it cannot fail. */
#define METER_STRIP_N     3 /* /meter/strip/N: peak, RMS, gr */
#define METER_BUS_N       2 /* /meter/bus/NAME: peak L, R of the return */
#define METER_AUX_N       4 /* /meter/aux/K: peak L, R, RMS L, R */
#define METER_MONITOR_N   4 /* /meter/monitor: peak L, R, RMS L, R */
#define METER_MASTER_N    5 /* /meter/master: peak L, R, true peak, limiter gr, glue gr */
#define METER_MULTIBAND_N 3 /* /meter/master/multiband: low, mid, high gr */

/* Strip k (< ENGINE_MAX_STRIPS). */
unsigned meter_vector_strip(const struct meter_frame *f, unsigned k, float out[METER_STRIP_N]);
/* Effect bus b (enum engine_bus). */
unsigned meter_vector_bus(const struct meter_frame *f, unsigned b, float out[METER_BUS_N]);
/* Aux bus k (< ENGINE_MAX_AUX). */
unsigned meter_vector_aux(const struct meter_frame *f, unsigned k, float out[METER_AUX_N]);
unsigned meter_vector_monitor(const struct meter_frame *f, float out[METER_MONITOR_N]);
unsigned meter_vector_master(const struct meter_frame *f, float out[METER_MASTER_N]);
unsigned meter_vector_multiband(const struct meter_frame *f, float out[METER_MULTIBAND_N]);

#endif
