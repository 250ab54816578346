/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine: the whole console's audio path over float buffers — strips into the master.
 *
 * Pure DSP: no JACK, liblo, threads or I/O, so the same engine runs in the JACK callback, the
 * benchmark and the tests. All memory is allocated by engine_new; nothing after that allocates.
 * Parameters arrive as (engine_param, strip, value) in natural units (dB, -1..1, 0/1) and the
 * engine turns them into glide targets; the glide takes ENGINE_SMOOTH_MS whatever the period.
 *
 * Per strip: trim*polarity -> HPF -> 4-band EQ -> compressor -> fader*mute*solo -> pan (or
 * balance) -> master sum; sends to the buses pre or post fader. Buses -> return -> master sum.
 * Master: sum -> 4-band EQ -> glue compressor (stereo-linked) -> M/S width -> master
 * fader*mute -> out. Work is done in sub-blocks of ENGINE_BLOCK frames so
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

/* Audio parameters the engine understands. Control-only parameters (names) never get here.
 * Strip parameters take the 0-based strip; master and bus parameters ignore it. */
enum engine_param {
	ENGINE_STRIP_TRIM,     /* dB -24..24 */
	ENGINE_STRIP_POLARITY, /* 0/1: 1 inverts */
	ENGINE_STRIP_FADER,    /* dB, <= GAIN_OFF_DB is off */
	ENGINE_STRIP_PAN,      /* -1..1 (balance on stereo strips) */
	ENGINE_STRIP_MUTE,     /* 0/1 */
	ENGINE_STRIP_SOLO,     /* 0/1, solo in place */
	ENGINE_MASTER_FADER,   /* dB */
	ENGINE_MASTER_MUTE,    /* 0/1 */

	ENGINE_STRIP_HPF_ON,    /* 0/1 (cross-fades) */
	ENGINE_STRIP_HPF_FREQ,  /* Hz 20..1000 */
	ENGINE_STRIP_HPF_SLOPE, /* 12 or 24 dB/oct (24 is two Butterworth sections: -6 dB at freq)
	                         */
	ENGINE_STRIP_EQ_ON,     /* 0/1: 0 glides every band to flat */
	/* Four bands, B = 0..3: ENGINE_STRIP_EQ_TYPE(B) etc. */
	ENGINE_STRIP_EQ1_TYPE, /* enum engine_eq_type */
	ENGINE_STRIP_EQ1_FREQ, /* Hz 20..20000 */
	ENGINE_STRIP_EQ1_GAIN, /* dB -18..18 */
	ENGINE_STRIP_EQ1_Q,    /* 0.1..10 */
	ENGINE_STRIP_EQ4_Q = ENGINE_STRIP_EQ1_TYPE + 15,
	ENGINE_STRIP_COMP_ON,        /* 0/1 (cross-fades) */
	ENGINE_STRIP_COMP_THRESHOLD, /* dB -60..0 */
	ENGINE_STRIP_COMP_RATIO,     /* 1..20 */
	ENGINE_STRIP_COMP_KNEE,      /* dB 0..24 */
	ENGINE_STRIP_COMP_ATTACK,    /* ms 0.1..200 */
	ENGINE_STRIP_COMP_RELEASE,   /* ms 5..2000 */
	ENGINE_STRIP_COMP_MAKEUP,    /* dB 0..24 */
	/* Sends, BUS = enum engine_bus: ENGINE_STRIP_SEND_LEVEL(BUS), ENGINE_STRIP_SEND_PRE(BUS) */
	ENGINE_STRIP_SEND1_LEVEL, /* dB, <= GAIN_OFF_DB is off */
	ENGINE_STRIP_SEND1_PRE,   /* 1 pre-fader, 0 post-fader */
	ENGINE_STRIP_SEND2_PRE = ENGINE_STRIP_SEND1_LEVEL + 3,
	/* Bus returns: ENGINE_BUS_RETURN(BUS), ENGINE_BUS_MUTE(BUS) */
	ENGINE_BUS1_RETURN, /* dB, <= GAIN_OFF_DB is off */
	ENGINE_BUS1_MUTE,   /* 0/1 */
	ENGINE_BUS2_MUTE = ENGINE_BUS1_RETURN + 3,
	/* The master's EQ and glue compressor: the strip's, in the same order, from EQ_ON to
	 * COMP_MAKEUP (ENGINE_MASTER_OF(p) maps a strip id into this block). */
	ENGINE_MASTER_EQ_ON,
	ENGINE_MASTER_COMP_MAKEUP =
	    ENGINE_MASTER_EQ_ON + (ENGINE_STRIP_COMP_MAKEUP - ENGINE_STRIP_EQ_ON),
	ENGINE_MASTER_WIDTH,            /* 0 (mono) .. 2; 1 leaves the image unchanged */
	ENGINE_MASTER_LIMITER_ON,       /* 0/1 (cross-fades; the latency stays the same) */
	ENGINE_MASTER_LIMITER_CEILING,  /* dBFS or dBTP -12..0 */
	ENGINE_MASTER_LIMITER_RELEASE,  /* ms 1..1000 */
	ENGINE_MASTER_LIMITER_TRUEPEAK, /* 0/1: detect oversampled (true) peaks */
	ENGINE_REVERB_TIME,             /* s 0.3..10 (RT60 at mid frequencies) */
	ENGINE_REVERB_DAMPING,          /* Hz 1000..20000 (RT halves there) */
	ENGINE_REVERB_PREDELAY,         /* ms 0..200 */
	ENGINE_DELAY_TIME,              /* ms 1..2000 */
	ENGINE_DELAY_FEEDBACK,          /* 0..0.95 */
	ENGINE_DELAY_SYNC,              /* 0/1: follow the tempo (engine_set_tempo) */
	ENGINE_DELAY_DIVISION,          /* index into delay_divisions[] */
	ENGINE_DELAY_LOWCUT,            /* Hz, high-pass in the feedback loop */
	ENGINE_DELAY_HIGHCUT,           /* Hz, low-pass in the feedback loop */
	ENGINE_DELAY_PINGPONG,          /* 0/1 */
	/* The master's multiband compressor and mono bass (ranges in multiband.h): */
	ENGINE_MASTER_MB_ON,         /* 0/1 (cross-fades) */
	ENGINE_MASTER_MB_XOVER1,     /* Hz, low | mid */
	ENGINE_MASTER_MB_XOVER2,     /* Hz, mid | high */
	ENGINE_MASTER_MB1_THRESHOLD, /* per band B = 0..2, ENGINE_MASTER_MB(B, MB_THRESHOLD) .. */
	ENGINE_MASTER_MB3_GAIN = ENGINE_MASTER_MB1_THRESHOLD + 14, /* .. MB_GAIN (multiband.h) */
	ENGINE_MASTER_MONO_BELOW,    /* Hz: side removed below; under 20 is off */
	ENGINE_N_PARAMS
};

/* Band b's setting k (multiband.h: MB_THRESHOLD, MB_RATIO, MB_ATTACK, MB_RELEASE, MB_GAIN). */
#define ENGINE_MASTER_MB(b, k) ((enum engine_param)(ENGINE_MASTER_MB1_THRESHOLD + 5 * (b) + (k)))

#define ENGINE_MASTER_OF(p) ((enum engine_param)((p)-ENGINE_STRIP_EQ_ON + ENGINE_MASTER_EQ_ON))

#define ENGINE_EQ_BANDS              4
#define ENGINE_STRIP_EQ_TYPE(b)      ((enum engine_param)(ENGINE_STRIP_EQ1_TYPE + 4 * (b)))
#define ENGINE_STRIP_EQ_FREQ(b)      ((enum engine_param)(ENGINE_STRIP_EQ1_FREQ + 4 * (b)))
#define ENGINE_STRIP_EQ_GAIN(b)      ((enum engine_param)(ENGINE_STRIP_EQ1_GAIN + 4 * (b)))
#define ENGINE_STRIP_EQ_Q(b)         ((enum engine_param)(ENGINE_STRIP_EQ1_Q + 4 * (b)))
#define ENGINE_STRIP_SEND_LEVEL(bus) ((enum engine_param)(ENGINE_STRIP_SEND1_LEVEL + 2 * (bus)))
#define ENGINE_STRIP_SEND_PRE(bus)   ((enum engine_param)(ENGINE_STRIP_SEND1_PRE + 2 * (bus)))
#define ENGINE_BUS_RETURN(bus)       ((enum engine_param)(ENGINE_BUS1_RETURN + 2 * (bus)))
#define ENGINE_BUS_MUTE(bus)         ((enum engine_param)(ENGINE_BUS1_MUTE + 2 * (bus)))

enum engine_eq_type { ENGINE_EQ_OFF, ENGINE_EQ_BELL, ENGINE_EQ_LOWSHELF, ENGINE_EQ_HIGHSHELF };

/* The effect buses: the sum of their sends through a reverb or a delay, 100 % wet, returned
 * into the master. */
enum engine_bus { ENGINE_BUS_REVERB, ENGINE_BUS_DELAY, ENGINE_N_BUSES };

/* The strip kernels (HPF, EQ, compressor, fader, pan, sends of 16 strips side by side). */
enum engine_kernel {
	ENGINE_KERNEL_AUTO,    /* the fastest this CPU runs */
	ENGINE_KERNEL_REF,     /* plain C, one lane at a time, libm: the reference */
	ENGINE_KERNEL_GENERIC, /* vector code for the baseline ISA (SSE2 on x86-64) */
	ENGINE_KERNEL_AVX2,    /* AVX2 + FMA */
	ENGINE_KERNEL_AVX512,  /* AVX-512F */
	ENGINE_N_KERNELS
};

/* Counters only the engine writes; readers take a copy (see engine_counters). */
struct engine_counters {
	uint64_t frames;           /* frames processed */
	uint64_t commands;         /* engine_set calls applied */
	uint64_t bad_commands;     /* engine_set calls ignored (bad id, strip or value) */
	uint64_t nonfinite_inputs; /* sub-blocks of a strip input dropped for NaN/Inf */
	uint64_t nonfinite_output; /* master sub-blocks silenced for NaN/Inf (must stay 0) */
	uint64_t state_resets;     /* strip filter/compressor states reset for a non-finite value */
};

/* A meter reading, max since the previous read. */
struct engine_meter {
	float peak; /* linear sample peak */
	float rms;  /* linear RMS over the last meter interval */
	float gr;   /* compressor gain reduction in dB (>= 0), max since the last read */
};

/* Optional outputs of engine_process_taps: the bus inputs (sum of every strip's send), per bus
 * and side. Any pointer may be NULL. */
struct engine_taps {
	float *bus_l[ENGINE_N_BUSES];
	float *bus_r[ENGINE_N_BUSES];
};

struct engine;

/* Control thread. stereo[k] says whether strip k (0-based) takes two inputs. Returns NULL on bad
 * arguments (n_strips 0 or > ENGINE_MAX_STRIPS, fs not in 8000..768000) or out of memory. All
 * parameters start at their defaults (unity, centre, unmuted). */
struct engine *engine_new(double fs, unsigned n_strips, const bool *stereo);

/* Control thread, while no other thread uses the engine. NULL accepted. */
void engine_free(struct engine *e);

/* Control thread, while the RT side is stopped (e.g. between JACK clients). Changes the sample
 * rate the glide and meter times are counted in, and re-allocates the rate-dependent buffers
 * (limiter, bus effects). Returns 0, -EINVAL or -ENOMEM. */
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

/* RT. engine_process that also writes the bus inputs into taps (NULL: none). */
bool engine_process_taps(struct engine *e, const float *const *in, float *out_l, float *out_r,
                         const struct engine_taps *taps, uint32_t n);

/* Control thread, RT side stopped. Ends every glide and smoothing at its target, so a console
 * comes up already at its state (no fade from the defaults). */
void engine_settle(struct engine *e);

/* Control thread, RT side stopped. Chooses the strip kernel. Returns 0, or -ENOTSUP when this CPU
 * (or this build) cannot run it. */
int engine_set_kernel(struct engine *e, enum engine_kernel k);

/* Any thread. The kernel in use ("ref", "generic", "avx2", "avx512"). */
const char *engine_kernel_name(const struct engine *e);

/* RT. Reads and clears the meters of strip k: peak and RMS post fader, pre pan (the louder side
 * on stereo), and the compressor's gain reduction. */
void engine_read_strip_meter(struct engine *e, unsigned k, struct engine_meter *m);

/* RT. Reads and clears the master meters: peak and RMS of what leaves (after fader and
 * limiter), and in gr the limiter's gain reduction (both sides). */
void engine_read_master_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r);

/* RT. Reads and clears the rest of the master's meters: the true peak of the output (linear,
 * 8x oversampled) and the glue compressor's gain reduction (dB). */
void engine_read_master_dynamics(struct engine *e, float *truepeak, float *comp_gr);

/* RT. The multiband compressor's gain reduction per band (low, mid, high), dB, max since the
 * last read. */
void engine_read_master_multiband(struct engine *e, float gr[3]);

/* RT. The tempo (beats per minute) a synced delay follows, e.g. from the JACK transport's BBT
 * position each cycle; <= 0 or NaN: no tempo (a synced delay falls back to its time). */
void engine_set_tempo(struct engine *e, double bpm);

/* RT. Reads and clears the peaks (linear) of bus k's return, per side. */
void engine_read_bus_meter(struct engine *e, unsigned bus, float *peak_l, float *peak_r);

/* Any thread. The latency from any input to the master outputs, in samples at the current
 * rate: the limiter's look-ahead, the same whether the limiter is on or off. */
uint32_t engine_latency(const struct engine *e);

/* RT. Copies the counters. */
void engine_counters(const struct engine *e, struct engine_counters *c);

#endif
