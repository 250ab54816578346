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
 * balance) -> master sum; sends to the effect buses pre or post fader, and to the aux buses.
 * Effect buses -> return -> master sum. Aux buses -> aux fader*mute -> aux outputs, and into the
 * master sum when switched to (a subgroup). Master: sum -> 4-band EQ -> glue compressor
 * (stereo-linked) -> M/S width -> master fader*mute -> limiter -> out. Cue (PFL/AFL) taps strips,
 * aux and effect buses onto the monitor pair without touching anything else. Work is done in
 * sub-blocks of ENGINE_BLOCK frames so behaviour never depends on the JACK period size.
 *
 * The live console (aux buses, DCAs, mute groups, cue, direct outs) is described by a layout
 * (engine_new_layout); engine_new is the layout with none of them.
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

/* The live console's geometry. */
#define ENGINE_MAX_AUX     32
#define ENGINE_MAX_DCA     32
#define ENGINE_MUTE_GROUPS 6
#define ENGINE_AUX_DEFAULT 8 /* --aux when not given */
#define ENGINE_DCA_DEFAULT 8 /* --dca when not given */

/* Ranges and defaults of the levels and of the live console's parameters (the parameter table,
 * dsp/control/param_table.c, reads these). A level at or below ENGINE_LEVEL_OFF_DB is off (-inf):
 * exactly zero (gain.h's GAIN_OFF_DB is this). */
#define ENGINE_LEVEL_OFF_DB             (-144.0f)
#define ENGINE_LEVEL_MAX_DB             10.0f /* faders, sends, returns, DCA offsets */
#define ENGINE_AUX_SEND_DEFAULT_DB      ENGINE_LEVEL_OFF_DB
#define ENGINE_AUX_PRE_DEFAULT          1 /* monitor mixes are pre-fader */
#define ENGINE_AUX_PAN_MIN              (-1.0f)
#define ENGINE_AUX_PAN_MAX              1.0f
#define ENGINE_AUX_PAN_DEFAULT          0.0f
#define ENGINE_AUX_FADER_DEFAULT_DB     0.0f
#define ENGINE_AUX_MASTER_DEFAULT       0
#define ENGINE_DCA_FADER_DEFAULT_DB     0.0f
#define ENGINE_DIRECT_PRE_DEFAULT       1 /* a recording feed: after trim and HPF */
#define ENGINE_MONITOR_LEVEL_DEFAULT_DB 0.0f
#define ENGINE_MONITOR_MODE_DEFAULT     ENGINE_MONITOR_PFL

/* The effect buses: the sum of their sends through a reverb, a delay or a chorus, 100 % wet,
 * returned into the master. */
enum engine_bus { ENGINE_BUS_REVERB, ENGINE_BUS_DELAY, ENGINE_BUS_CHORUS, ENGINE_N_BUSES };

/* Each effect bus's name in addresses (/bus/NAME/..., send/NAME/..., /meter/bus/NAME), by enum
 * engine_bus. The literals are macros so that static tables can concatenate them into
 * addresses and header-only users (mixctl, which does not link the engine) can read them;
 * engine_bus_names holds the same strings, indexed by bus. */
#define ENGINE_BUS_NAME_REVERB "reverb"
#define ENGINE_BUS_NAME_DELAY  "delay"
#define ENGINE_BUS_NAME_CHORUS "chorus"
#define ENGINE_BUS_NAMES                                                              \
	{                                                                             \
		ENGINE_BUS_NAME_REVERB, ENGINE_BUS_NAME_DELAY, ENGINE_BUS_NAME_CHORUS \
	}
extern const char *const engine_bus_names[ENGINE_N_BUSES];

/* The monitor's cue mode (ENGINE_MONITOR_MODE). */
enum engine_monitor_mode { ENGINE_MONITOR_PFL, ENGINE_MONITOR_AFL };

/* Audio parameters the engine understands. Control-only parameters (names) never get here.
 * Each one's range and default is a constant in the header of the block that owns it (strip.h
 * STRIP_*, master.h MASTER_*, limiter.h LIMITER_*, buses.h BUSES_*, reverb.h REVERB_*, delay.h
 * DELAY_*, chorus.h CHORUS_*, multiband.h MB_* and MONO_BELOW_*, the ENGINE_* above); the
 * comments here give units, not numbers, so that nothing restates them.
 * The index engine_set takes depends on the parameter (see each one): a strip (0-based) for
 * the strip parameters, ENGINE_AUX_IDX/ENGINE_DCA_IDX/ENGINE_MG_IDX for strip x bus, strip x DCA
 * and strip x mute group, the bus/DCA/group for theirs; master parameters ignore it. */
enum engine_param {
	ENGINE_STRIP_TRIM,     /* dB */
	ENGINE_STRIP_POLARITY, /* 0/1: 1 inverts */
	ENGINE_STRIP_FADER,    /* dB, <= GAIN_OFF_DB is off */
	ENGINE_STRIP_PAN,      /* left .. right (balance on stereo strips) */
	ENGINE_STRIP_MUTE,     /* 0/1 */
	ENGINE_STRIP_SOLO,     /* 0/1, solo in place */
	ENGINE_MASTER_FADER,   /* dB */
	ENGINE_MASTER_MUTE,    /* 0/1 */

	ENGINE_STRIP_HPF_ON,    /* 0/1 (cross-fades) */
	ENGINE_STRIP_HPF_FREQ,  /* Hz */
	ENGINE_STRIP_HPF_SLOPE, /* dB/oct: the steeper is two Butterworth sections, -6 dB at freq */
	ENGINE_STRIP_EQ_ON,     /* 0/1: 0 glides every band to flat */
	/* Four bands, B = 0..3: ENGINE_STRIP_EQ_TYPE(B) etc. */
	ENGINE_STRIP_EQ1_TYPE, /* enum engine_eq_type */
	ENGINE_STRIP_EQ1_FREQ, /* Hz */
	ENGINE_STRIP_EQ1_GAIN, /* dB */
	ENGINE_STRIP_EQ1_Q,    /* Q */
	ENGINE_STRIP_EQ4_Q = ENGINE_STRIP_EQ1_TYPE + 15,
	ENGINE_STRIP_COMP_ON,        /* 0/1 (cross-fades) */
	ENGINE_STRIP_COMP_THRESHOLD, /* dB */
	ENGINE_STRIP_COMP_RATIO,     /* :1 */
	ENGINE_STRIP_COMP_KNEE,      /* dB */
	ENGINE_STRIP_COMP_ATTACK,    /* ms */
	ENGINE_STRIP_COMP_RELEASE,   /* ms */
	ENGINE_STRIP_COMP_MAKEUP,    /* dB */
	/* Sends, BUS = enum engine_bus: ENGINE_STRIP_SEND_LEVEL(BUS), ENGINE_STRIP_SEND_PRE(BUS) */
	ENGINE_STRIP_SEND1_LEVEL, /* dB, <= GAIN_OFF_DB is off */
	ENGINE_STRIP_SEND1_PRE,   /* 1 pre-fader, 0 post-fader */
	ENGINE_STRIP_SEND2_PRE = ENGINE_STRIP_SEND1_LEVEL + 3,
	ENGINE_STRIP_SEND3_PRE = ENGINE_STRIP_SEND1_LEVEL + 5,
	ENGINE_STRIP_SEND_LAST = ENGINE_STRIP_SEND1_LEVEL + 2 * ENGINE_N_BUSES - 1,
	/* Bus returns: ENGINE_BUS_RETURN(BUS), ENGINE_BUS_MUTE(BUS) */
	ENGINE_BUS1_RETURN, /* dB, <= GAIN_OFF_DB is off */
	ENGINE_BUS1_MUTE,   /* 0/1 */
	ENGINE_BUS2_MUTE = ENGINE_BUS1_RETURN + 3,
	ENGINE_BUS3_MUTE = ENGINE_BUS1_RETURN + 5,
	ENGINE_BUS_LAST = ENGINE_BUS1_RETURN + 2 * ENGINE_N_BUSES - 1,
	/* The master's EQ and glue compressor: the strip's, in the same order, from EQ_ON to
	 * COMP_MAKEUP (ENGINE_MASTER_OF(p) maps a strip id into this block). */
	ENGINE_MASTER_EQ_ON,
	ENGINE_MASTER_COMP_MAKEUP =
	    ENGINE_MASTER_EQ_ON + (ENGINE_STRIP_COMP_MAKEUP - ENGINE_STRIP_EQ_ON),
	ENGINE_MASTER_WIDTH,            /* 0 is mono, 1 leaves the image unchanged */
	ENGINE_MASTER_LIMITER_ON,       /* 0/1 (cross-fades; the latency stays the same) */
	ENGINE_MASTER_LIMITER_CEILING,  /* dBFS or dBTP */
	ENGINE_MASTER_LIMITER_RELEASE,  /* ms */
	ENGINE_MASTER_LIMITER_TRUEPEAK, /* 0/1: detect oversampled (true) peaks */
	ENGINE_REVERB_TIME,             /* s (RT60 at mid frequencies) */
	ENGINE_REVERB_DAMPING,          /* Hz (RT halves there) */
	ENGINE_REVERB_PREDELAY,         /* ms */
	ENGINE_DELAY_TIME,              /* ms */
	ENGINE_DELAY_FEEDBACK,          /* share of each echo fed back */
	ENGINE_DELAY_SYNC,              /* 0/1: follow the tempo (engine_set_tempo) */
	ENGINE_DELAY_DIVISION,          /* index into delay_divisions[] */
	ENGINE_DELAY_LOWCUT,            /* Hz, high-pass in the feedback loop */
	ENGINE_DELAY_HIGHCUT,           /* Hz, low-pass in the feedback loop */
	ENGINE_DELAY_PINGPONG,          /* 0/1 */

	/* ---- the live console (issue 12) ---- */
	/* idx = strip */
	ENGINE_STRIP_CUE,        /* 0/1: cue the strip on the monitor (PFL: after EQ and compressor,
	                          * a mono strip on both sides; AFL: after fader and pan) */
	ENGINE_STRIP_DIRECT_PRE, /* 0/1: direct out after trim and HPF (1) or post-fader (0) */
	/* idx = ENGINE_AUX_IDX(strip, aux) */
	ENGINE_STRIP_AUX_LEVEL, /* dB, <= ENGINE_LEVEL_OFF_DB off (default off) */
	ENGINE_STRIP_AUX_PRE,   /* 0/1: 1 pre-fader (after EQ and compressor; follows mute) */
	ENGINE_STRIP_AUX_PAN,   /* left .. right on a stereo aux bus (balance for a stereo strip) */
	/* idx = ENGINE_DCA_IDX(strip, dca) */
	ENGINE_STRIP_DCA, /* 0/1: membership */
	/* idx = ENGINE_MG_IDX(strip, group) */
	ENGINE_STRIP_MUTEGROUP, /* 0/1: membership */
	/* idx = aux bus */
	ENGINE_AUX_FADER,  /* dB, <= ENGINE_LEVEL_OFF_DB off */
	ENGINE_AUX_MUTE,   /* 0/1 */
	ENGINE_AUX_MASTER, /* 0/1: the bus also feeds the main mix (a subgroup): a strip sending to
	                    * it (level above off) leaves the main mix and reaches the master
	                    * once, through the bus; a mono bus feeds it centred (-3 dB a side) */
	ENGINE_AUX_CUE,    /* 0/1 */
	/* idx = DCA */
	ENGINE_DCA_FADER, /* dB offset added to every member's fader, default 0 */
	ENGINE_DCA_MUTE,  /* 0/1: mutes every member */
	/* idx = mute group */
	ENGINE_MUTEGROUP_ON, /* 0/1: mutes every member */
	/* effect bus cue: ENGINE_BUS_CUE(BUS), idx ignored */
	ENGINE_BUS1_CUE,
	ENGINE_BUS_CUE_LAST = ENGINE_BUS1_CUE + ENGINE_N_BUSES - 1,
	/* the chorus bus (ranges CHORUS_* in chorus.h) */
	ENGINE_CHORUS_RATE,   /* Hz */
	ENGINE_CHORUS_DEPTH,  /* ms */
	ENGINE_CHORUS_VOICES, /* continuous: the mix of voices (chorus.h) */
	/* the monitor */
	ENGINE_MONITOR_MODE,  /* enum engine_monitor_mode: 0 PFL, 1 AFL */
	ENGINE_MONITOR_LEVEL, /* dB, <= ENGINE_LEVEL_OFF_DB off */
	/* The master's multiband compressor and mono bass (ranges in multiband.h): */
	ENGINE_MASTER_MB_ON,         /* 0/1 (cross-fades) */
	ENGINE_MASTER_MB_XOVER1,     /* Hz, low | mid */
	ENGINE_MASTER_MB_XOVER2,     /* Hz, mid | high */
	ENGINE_MASTER_MB1_THRESHOLD, /* per band B = 0..2, ENGINE_MASTER_MB(B, MB_THRESHOLD) .. */
	ENGINE_MASTER_MB3_GAIN = ENGINE_MASTER_MB1_THRESHOLD + 14, /* .. MB_GAIN (multiband.h) */
	ENGINE_MASTER_MONO_BELOW, /* Hz: side removed below; under MONO_BELOW_MIN is off */
	ENGINE_N_PARAMS
};

#define ENGINE_AUX_IDX(strip, k) ((unsigned)(strip)*ENGINE_MAX_AUX + (unsigned)(k))
#define ENGINE_DCA_IDX(strip, k) ((unsigned)(strip)*ENGINE_MAX_DCA + (unsigned)(k))
#define ENGINE_MG_IDX(strip, g)  ((unsigned)(strip)*ENGINE_MUTE_GROUPS + (unsigned)(g))
#define ENGINE_BUS_CUE(bus)      ((enum engine_param)(ENGINE_BUS1_CUE + (bus)))

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

/* The live console's geometry (engine_new_layout). */
struct engine_layout {
	unsigned n_strips;      /* 1..ENGINE_MAX_STRIPS */
	const bool *stereo;     /* n_strips entries, NULL: all mono */
	unsigned n_aux;         /* 0..ENGINE_MAX_AUX */
	const bool *aux_stereo; /* n_aux entries, NULL: all mono */
	unsigned n_dca;         /* 0..ENGINE_MAX_DCA */
	bool direct_outs;       /* direct outputs rendered (one per input) */
};

/* Where engine_process_outputs writes. Every pointer may be NULL: that output is not written
 * (it is still computed where another output needs it, e.g. a subgroup's aux bus; with both
 * monitor pointers NULL the cue work is skipped and the monitor meters stand still). Each points
 * at n frames. Outputs are written only with finished samples (the engine renders into buffers
 * of its own and copies), so a reader never sees a half-processed sum. */
struct engine_outputs {
	float *master_l, *master_r;    /* after the limiter: engine_latency() samples late */
	float *aux[ENGINE_MAX_AUX][2]; /* [k][0] mono or left, [k][1] right (stereo bus) */
	float *monitor_l, *monitor_r;  /* cue, or the main mix when nothing is cued */
	float **direct; /* engine_n_inputs() pointers in input order (each may be NULL), or NULL;
	                 * ignored unless the layout has direct_outs */
	struct engine_taps *taps; /* as engine_process_taps, may be NULL */
};

/* The kinds of output, for engine_output_latency. */
enum engine_output {
	ENGINE_OUTPUT_MASTER,
	ENGINE_OUTPUT_AUX,
	ENGINE_OUTPUT_MONITOR,
	ENGINE_OUTPUT_DIRECT,
	ENGINE_N_OUTPUTS
};

struct engine;

/* Control thread. A console of l's geometry. Returns NULL on a bad layout (n_strips 0 or over
 * ENGINE_MAX_STRIPS, n_aux over ENGINE_MAX_AUX, n_dca over ENGINE_MAX_DCA), a bad fs (outside
 * 8000..768000) or out of memory. All parameters start at their defaults. */
struct engine *engine_new_layout(double fs, const struct engine_layout *l);

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
/* Any thread. The layout's aux buses (whether bus k is stereo: false for k out of range), DCAs,
 * and whether direct outputs are rendered. */
unsigned engine_n_aux(const struct engine *e);
bool engine_aux_stereo(const struct engine *e, unsigned k);
unsigned engine_n_dca(const struct engine *e);
bool engine_direct_outs(const struct engine *e);

/* RT (the thread that runs engine_process). Applies one parameter change: idx is what p says
 * (enum engine_param: a strip, ENGINE_AUX_IDX(strip, k), an aux bus, a DCA ...) and ignored for
 * master parameters. An out-of-range idx (a strip, bus, DCA or group the layout does not have)
 * or an unknown id is counted (bad_commands) and ignored; values are clamped; a NaN value is
 * ignored. Never fails, never blocks. */
void engine_set(struct engine *e, enum engine_param p, unsigned idx, float value);

/* The thread that calls engine_set, or any while it is stopped. The value parameter p holds at
 * idx (as engine_set), as engine_set clamped it: natural units, a switch as 0 or 1, an enum as
 * its index, a level that is off as ENGINE_LEVEL_OFF_DB. NAN for an unknown id or an idx the
 * layout does not have. What the tests compare with the parameter table. */
float engine_get(const struct engine *e, enum engine_param p, unsigned idx);

/* RT. Processes n frames: in[] has engine_n_inputs() pointers, in strip order (a stereo strip
 * takes two, left first). Writes out_l/out_r (may not alias in). Returns true when a new meter
 * interval has completed since the last call, i.e. it is time to publish meters. */
bool engine_process(struct engine *e, const float *const *in, float *out_l, float *out_r,
                    uint32_t n);

/* RT. engine_process that also writes the bus inputs into taps (NULL: none). */
bool engine_process_taps(struct engine *e, const float *const *in, float *out_l, float *out_r,
                         const struct engine_taps *taps, uint32_t n);

/* RT. Processes n frames of in[] (as engine_process) into every output o names (struct
 * engine_outputs; NULL pointers are not written). Output buffers may not alias the inputs.
 * Returns true when meters are due, as engine_process. */
bool engine_process_outputs(struct engine *e, const float *const *in,
                            const struct engine_outputs *o, uint32_t n);

/* Any thread. The latency of each kind of output, in samples at the current rate: master =
 * engine_latency() (the limiter's look-ahead); aux, monitor and direct = 0 (they never pass the
 * master's look-ahead; the monitor's main-mix tap is taken before the limiter). 0 for a bad
 * kind. */
uint32_t engine_output_latency(const struct engine *e, enum engine_output kind);

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

/* RT. Reads and clears the meters of aux bus k (after its fader, what its outputs carry): peak
 * and RMS per side (r equals l on a mono bus), gr 0. Zeros for k out of range. */
void engine_read_aux_meter(struct engine *e, unsigned k, struct engine_meter *l,
                           struct engine_meter *r);

/* RT. Reads and clears the monitor meters (what monitor_l/r carry), as engine_read_aux_meter. */
void engine_read_monitor_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r);

/* RT. Reads and clears the peaks (linear) of bus k's return, per side. */
void engine_read_bus_meter(struct engine *e, unsigned bus, float *peak_l, float *peak_r);

/* Any thread. The latency from any input to the master outputs, in samples at the current
 * rate: the limiter's look-ahead, the same whether the limiter is on or off. */
uint32_t engine_latency(const struct engine *e);

/* RT. Copies the counters. */
void engine_counters(const struct engine *e, struct engine_counters *c);

#endif
