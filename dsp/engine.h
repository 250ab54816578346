/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine: the whole console's audio path over float buffers — strips into the master.
 *
 * Pure DSP: no JACK, liblo, threads or I/O, so the same engine runs in the JACK callback, the
 * benchmark and the tests. All memory is allocated by engine_new; nothing after that allocates.
 * Parameters arrive as (engine_param, strip, value) in natural units (dB, -1..1, 0/1) and the
 * engine turns them into glide targets; the glide takes ENGINE_SMOOTH_MS whatever the period.
 *
 * Per strip: trim*polarity -> fader*mute*solo -> pan (or balance) -> master sum.
 * Master: sum -> master fader*mute -> out. Work is done in sub-blocks of ENGINE_BLOCK frames so
 * behaviour never depends on the JACK period size.
 */
#ifndef MIXD_ENGINE_H
#define MIXD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#define ENGINE_MAX_STRIPS 256
#define ENGINE_BLOCK      32
/* Glide time of every gain change, in milliseconds. */
#define ENGINE_SMOOTH_MS 10.0
/* Meter publication interval, in milliseconds (design: every 20-50 ms). */
#define ENGINE_METER_MS 25.0

/* Audio parameters the engine understands. Control-only parameters (names) never get here. */
enum engine_param {
	ENGINE_STRIP_TRIM,     /* dB */
	ENGINE_STRIP_POLARITY, /* 0/1: 1 inverts */
	ENGINE_STRIP_FADER,    /* dB, <= GAIN_OFF_DB is off */
	ENGINE_STRIP_PAN,      /* -1..1 (balance on stereo strips) */
	ENGINE_STRIP_MUTE,     /* 0/1 */
	ENGINE_STRIP_SOLO,     /* 0/1, solo in place */
	ENGINE_MASTER_FADER,   /* dB */
	ENGINE_MASTER_MUTE,    /* 0/1 */
	ENGINE_N_PARAMS
};

/* Counters only the engine writes; readers take a copy (see engine_counters). */
struct engine_counters {
	uint64_t frames;           /* frames processed */
	uint64_t commands;         /* engine_set calls applied */
	uint64_t bad_commands;     /* engine_set calls ignored (bad id, strip or value) */
	uint64_t nonfinite_inputs; /* sub-blocks of a strip input dropped for NaN/Inf */
	uint64_t nonfinite_output; /* master sub-blocks silenced for NaN/Inf (must stay 0) */
};

/* A meter reading, max since the previous read. */
struct engine_meter {
	float peak; /* linear sample peak */
	float rms;  /* linear RMS over the last meter interval */
};

struct engine;

/* Control thread. stereo[k] says whether strip k (0-based) takes two inputs. Returns NULL on bad
 * arguments (n_strips 0 or > ENGINE_MAX_STRIPS, fs not in 8000..768000) or out of memory. All
 * parameters start at their defaults (unity, centre, unmuted). */
struct engine *engine_new(double fs, unsigned n_strips, const bool *stereo);

/* Control thread, while no other thread uses the engine. NULL accepted. */
void engine_free(struct engine *e);

/* Control thread, while the RT side is stopped (e.g. between JACK clients). Changes the sample
 * rate the glide and meter times are counted in. Returns 0 or -EINVAL. */
int engine_set_rate(struct engine *e, double fs);

/* Any thread. Geometry. */
unsigned engine_n_strips(const struct engine *e);
unsigned engine_n_inputs(const struct engine *e);
bool engine_strip_stereo(const struct engine *e, unsigned strip);
/* The first input index of a strip (its left input when stereo). */
unsigned engine_strip_input(const struct engine *e, unsigned strip);

/* RT (the thread that runs engine_process). Applies one parameter change: strip is 0-based and
 * ignored for master parameters. Out-of-range strips or unknown ids are counted and ignored;
 * values are clamped; a NaN value is ignored. Never fails, never blocks. */
void engine_set(struct engine *e, enum engine_param p, unsigned strip, float value);

/* RT. Processes n frames: in[] has engine_n_inputs() pointers, in strip order (a stereo strip
 * takes two, left first). Writes out_l/out_r (may not alias in). Returns true when a new meter
 * interval has completed since the last call, i.e. it is time to publish meters. */
bool engine_process(struct engine *e, const float *const *in, float *out_l, float *out_r,
                    uint32_t n);

/* RT. Reads and clears the meters of strip k (post fader, pre pan; the louder side on stereo). */
void engine_read_strip_meter(struct engine *e, unsigned k, struct engine_meter *m);

/* RT. Reads and clears the master meters (after the master fader). */
void engine_read_master_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r);

/* RT. Copies the counters. */
void engine_counters(const struct engine *e, struct engine_counters *c);

#endif
