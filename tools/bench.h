/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench: what mixbench's parts share. */
#ifndef MIXD_BENCH_H
#define MIXD_BENCH_H

#include <stdint.h>

#define BENCH_FS 48000

struct bench_opts {
	unsigned strips;
	unsigned period;
	double seconds;
};

/* The master chain (bench_master.c): ns per stereo frame of the master bus with its EQ, glue
 * compressor, width and the true-peak limiter at work, and of the loudness meter
 * (libebur128, as mixd runs it). Prints its lines; returns 0, or 1 when a set-up failed. */
int bench_master(const struct bench_opts *o);

/* The chorus bus (bench_chorus.c): ns per stereo frame at its defaults, at four voices sweeping
 * their fastest, with one voice and idle, the delay and reverb buses beside it. Prints its
 * lines; returns 0, or 1 when a set-up failed. */
int bench_chorus(const struct bench_opts *o);

/* The loudness thread (bench_loudness.c): its CPU per second of 48 kHz stereo audio, the real
 * daemon/loudness.c beside libebur128 asked for every reading at every wake-up. Prints its
 * lines; returns 0, or 1 when a set-up failed. */
int bench_loudness(const struct bench_opts *o);

/* Automation (bench_automation.c): the cost of a lane per second of audio, a fader and a pan
 * lane moving on every strip, through the same cut into 32-frame pieces mixd and mixrender use.
 * Prints its line; returns 0, or 1 when a set-up failed. */
int bench_automation(const struct bench_opts *o);

/* The OSCQuery tree (bench_web.c): time and size of GET / for the console, beside the same
 * address space as /list replies. Prints its line; returns 0, or 1 when a set-up failed. */
int bench_web(const struct bench_opts *o);

/* Aux sends (bench_aux.c): full strips each sending to 8 aux buses, every send active, and
 * every send at -inf, against the same full strips on a console without aux buses, in one run:
 * ns per active send per strip and sample, and what sends at -inf cost. Prints its lines;
 * returns 0, or 1 when a set-up failed. */
int bench_aux(const struct bench_opts *o);

/* Pacing (bench_paced.c): full strips one period per period of wall time, as under JACK,
 * beside the same back to back, with the caches disturbed between calls and spinning instead of
 * sleeping: ns per sample per strip each way. Prints its lines; returns 0, or 1 when a set-up
 * failed. */
int bench_paced(const struct bench_opts *o);

/* mixbench.c: n frames of white noise (-20 dBFS peak, seeded) per input, 64-byte aligned;
 * NULL when out of memory; bench_free_inputs frees (NULL accepted). */
float **bench_make_inputs(unsigned n_inputs, unsigned n, uint32_t seed);
void bench_free_inputs(float **in, unsigned n_inputs);

/* mixbench.c: the full strips of 'strip' (HPF, 4 EQ bands, compressor compressing, fader, pan,
 * a pre and a post effect send) on strips 0 .. n-1. */
struct engine;
void bench_full_setup(struct engine *e, unsigned n);

#endif
