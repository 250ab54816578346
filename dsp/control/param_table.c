/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * param_table: the rows of the one parameter table (params.h), and nothing else; params.c makes
 * a console's instances of them.
 */
#include "params.h"

#include "chorus.h"
#include "buses.h"
#include "delay.h"
#include "engine.h"
#include "limiter.h"
#include "master.h"
#include "gain.h"
#include "multiband.h"
#include "reverb.h"
#include "strip.h"

#define DB_OFF GAIN_OFF_DB

#define ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

/* The EQ band shapes: index = enum engine_eq_type. */
static const char *const eq_types[] = {
	[ENGINE_EQ_OFF] = "off",
	[ENGINE_EQ_BELL] = "bell",
	[ENGINE_EQ_LOWSHELF] = "lowshelf",
	[ENGINE_EQ_HIGHSHELF] = "highshelf",
	NULL,
};
_Static_assert(ARRAY_N(eq_types) == ENGINE_EQ_HIGHSHELF + 2, "one name per enum engine_eq_type");

static const float hpf_slopes[] = { STRIP_HPF_SLOPE_LOW, STRIP_HPF_SLOPE_HIGH };

/* The monitor's cue modes: index = enum engine_monitor_mode. */
static const char *const monitor_modes[] = {
	[ENGINE_MONITOR_PFL] = "pfl",
	[ENGINE_MONITOR_AFL] = "afl",
	NULL,
};
_Static_assert(ARRAY_N(monitor_modes) == ENGINE_MONITOR_AFL + 2, "one name per monitor mode");

/* Row makers. FIELDS is the common part; the others are the kinds of parameter there are. */
#define FIELDS(sc, nm, ty, un, lo, hi, df, fl, en, dc)                                    \
	.scope = PARAM_SCOPE_##sc, .name = (nm), .type = (ty), .unit = (un), .min = (lo), \
	.max = (hi), .def = (df), .flags = (fl), .engine = (en), .doc = (dc)
/* a number in natural units */
#define FLOAT(sc, nm, un, lo, hi, df, en, dc)                          \
	{                                                              \
		FIELDS(sc, nm, PARAM_FLOAT, un, lo, hi, df, 0, en, dc) \
	}
/* 0/1 */
#define SWITCH(sc, nm, df, en, dc)                                 \
	{                                                          \
		FIELDS(sc, nm, PARAM_INT, "", 0, 1, df, 0, en, dc) \
	}
/* a gain in dB from off (-inf) to +10 */
#define LEVEL(sc, nm, df, en, dc)                                                               \
	{                                                                                       \
		FIELDS(sc, nm, PARAM_FLOAT, "dB", DB_OFF, ENGINE_LEVEL_MAX_DB, df, PARAM_F_OFF, \
		       en, dc)                                                                  \
	}
/* a cue switch: what it puts on the monitor */
#define CUE(sc, nm, en, what)                                                                  \
	SWITCH(sc, nm, 0, en,                                                                  \
	       "1 cues " what " on the monitor (monitor_L/R, /monitor/mode); the master, aux " \
	       "and direct outputs never change")
/* one of the n names in ch (a NULL-terminated array), df an index */
#define ENUM(sc, nm, ch, n, df, en, dc)                                                           \
	{                                                                                         \
		FIELDS(sc, nm, PARAM_ENUM, "", 0, (float)((n)-1), df, 0, en, dc), .choices = (ch) \
	}

/* Engine ids of the strip's EQ and compressor rows as they stand (STRIP) or in the master's
 * block (MASTER): the master's EQ and glue compressor are a stereo strip's. */
#define ID_STRIP(id)  (id)
#define ID_MASTER(id) ENGINE_MASTER_OF(id)

/* An EQ: on/off and four bands, each with its shape, frequency, gain and Q */
#define EQ_BAND(sc, b, type_def, freq_def)                                                       \
	ENUM(sc, "eq/" #b "/type", eq_types, ARRAY_N(eq_types) - 1, type_def,                    \
	     ID_##sc(ENGINE_STRIP_EQ_TYPE(b - 1)), "Band " #b " shape; off takes the band out"), \
	    FLOAT(sc, "eq/" #b "/freq", "Hz", STRIP_EQ_FREQ_MIN_HZ, STRIP_EQ_FREQ_MAX_HZ,        \
	          freq_def, ID_##sc(ENGINE_STRIP_EQ_FREQ(b - 1)),                                \
	          "Band " #b " frequency: a bell's centre, a shelf's midpoint (half its gain)"), \
	    FLOAT(sc, "eq/" #b "/gain", "dB", STRIP_EQ_GAIN_MIN_DB, STRIP_EQ_GAIN_MAX_DB,        \
	          STRIP_EQ_GAIN_DEFAULT_DB, ID_##sc(ENGINE_STRIP_EQ_GAIN(b - 1)),                \
	          "Band " #b " gain: a bell's at its centre, a shelf's beyond its frequency"),   \
	    FLOAT(sc, "eq/" #b "/q", "", STRIP_EQ_Q_MIN, STRIP_EQ_Q_MAX, STRIP_EQ_Q_DEFAULT,     \
	          ID_##sc(ENGINE_STRIP_EQ_Q(b - 1)),                                             \
	          "Band " #b " Q: a bell's width (higher is narrower), a shelf's slope (0.707: " \
	          "steepest with no overshoot)")
#define EQ(sc)                                                                 \
	SWITCH(sc, "eq/on", STRIP_EQ_ON_DEFAULT, ID_##sc(ENGINE_STRIP_EQ_ON),  \
	       "0 takes the EQ out (every band glides to flat)"),              \
	    EQ_BAND(sc, 1, STRIP_EQ1_TYPE_DEFAULT, STRIP_EQ1_FREQ_DEFAULT_HZ), \
	    EQ_BAND(sc, 2, STRIP_EQ2_TYPE_DEFAULT, STRIP_EQ2_FREQ_DEFAULT_HZ), \
	    EQ_BAND(sc, 3, STRIP_EQ3_TYPE_DEFAULT, STRIP_EQ3_FREQ_DEFAULT_HZ), \
	    EQ_BAND(sc, 4, STRIP_EQ4_TYPE_DEFAULT, STRIP_EQ4_FREQ_DEFAULT_HZ)

/* A compressor, with the defaults that differ between a strip's and the master's glue */
#define COMP(sc, ratio_def, attack_def, release_def)                                              \
	SWITCH(sc, "comp/on", STRIP_COMP_ON_DEFAULT, ID_##sc(ENGINE_STRIP_COMP_ON),               \
	       "1 switches the compressor in (cross-faded)"),                                     \
	    FLOAT(sc, "comp/threshold", "dB", STRIP_COMP_THRESHOLD_MIN_DB,                        \
	          STRIP_COMP_THRESHOLD_MAX_DB, STRIP_COMP_THRESHOLD_DEFAULT_DB,                   \
	          ID_##sc(ENGINE_STRIP_COMP_THRESHOLD),                                           \
	          "Level above which the compressor reduces gain"),                               \
	    FLOAT(sc, "comp/ratio", ":1", STRIP_COMP_RATIO_MIN, STRIP_COMP_RATIO_MAX, ratio_def,  \
	          ID_##sc(ENGINE_STRIP_COMP_RATIO),                                               \
	          "Above the threshold, dB in per dB out; 1 does nothing"),                       \
	    FLOAT(sc, "comp/knee", "dB", STRIP_COMP_KNEE_MIN_DB, STRIP_COMP_KNEE_MAX_DB,          \
	          STRIP_COMP_KNEE_DEFAULT_DB, ID_##sc(ENGINE_STRIP_COMP_KNEE),                    \
	          "Soft-knee width, centred on the threshold; 0 is a hard knee"),                 \
	    FLOAT(sc, "comp/attack", "ms", STRIP_COMP_ATTACK_MIN_MS, STRIP_COMP_ATTACK_MAX_MS,    \
	          attack_def, ID_##sc(ENGINE_STRIP_COMP_ATTACK),                                  \
	          "How fast the gain reduction rises"),                                           \
	    FLOAT(sc, "comp/release", "ms", STRIP_COMP_RELEASE_MIN_MS, STRIP_COMP_RELEASE_MAX_MS, \
	          release_def, ID_##sc(ENGINE_STRIP_COMP_RELEASE),                                \
	          "How fast the gain reduction falls back"),                                      \
	    FLOAT(sc, "comp/makeup", "dB", STRIP_COMP_MAKEUP_MIN_DB, STRIP_COMP_MAKEUP_MAX_DB,    \
	          STRIP_COMP_MAKEUP_DEFAULT_DB, ID_##sc(ENGINE_STRIP_COMP_MAKEUP),                \
	          "Gain added after the compressor's gain reduction")

/* A band of the master's multiband compressor (ranges: dsp/multiband.h) */
#define MB_BAND(b)                                                                              \
	FLOAT(MASTER, "multiband/" #b "/threshold", "dB", MB_THRESHOLD_MIN, MB_THRESHOLD_MAX,   \
	      MB_THRESHOLD_DEF, ENGINE_MASTER_MB(b - 1, MB_THRESHOLD),                          \
	      "Band " #b ": level above which it reduces gain (soft knee, 6 dB)"),              \
	    FLOAT(MASTER, "multiband/" #b "/ratio", ":1", MB_RATIO_MIN, MB_RATIO_MAX,           \
	          MB_RATIO_DEF, ENGINE_MASTER_MB(b - 1, MB_RATIO),                              \
	          "Band " #b ": above the threshold, dB in per dB out"),                        \
	    FLOAT(MASTER, "multiband/" #b "/attack", "ms", MB_ATTACK_MIN, MB_ATTACK_MAX,        \
	          MB_ATTACK_DEF, ENGINE_MASTER_MB(b - 1, MB_ATTACK),                            \
	          "Band " #b ": how fast its gain reduction rises"),                            \
	    FLOAT(MASTER, "multiband/" #b "/release", "ms", MB_RELEASE_MIN, MB_RELEASE_MAX,     \
	          MB_RELEASE_DEF, ENGINE_MASTER_MB(b - 1, MB_RELEASE),                          \
	          "Band " #b ": how fast its gain reduction falls back"),                       \
	    FLOAT(MASTER, "multiband/" #b "/gain", "dB", MB_GAIN_MIN, MB_GAIN_MAX, MB_GAIN_DEF, \
	          ENGINE_MASTER_MB(b - 1, MB_GAIN), "Band " #b ": gain after its compressor")

/* A strip's send to a bus */
#define SEND(bus, nm)                                                                            \
	LEVEL(STRIP, "send/" nm "/level", STRIP_SEND_DEFAULT_DB, ENGINE_STRIP_SEND_LEVEL(bus),   \
	      "Send to the " nm " bus, panned as the strip is; -144 or below is off (-inf)"),    \
	    SWITCH(STRIP, "send/" nm "/pre", STRIP_SEND_PRE_DEFAULT, ENGINE_STRIP_SEND_PRE(bus), \
	           "1 = pre-fader: taken after the compressor, before the fader; unaffected by " \
	           "fader, mute and solo. 0 = post-fader: follows fader, mute and solo-in-place")

/* A bus's return into the master */
#define BUS(bus, nm)                                                                     \
	LEVEL(BUS, nm "/return", BUSES_RETURN_DEFAULT_DB, ENGINE_BUS_RETURN(bus),        \
	      "Level of the bus's effect (100 % wet) into the master, kept under solo; " \
	      "-144 or below is off"),                                                   \
	    SWITCH(BUS, nm "/mute", 0, ENGINE_BUS_MUTE(bus),                             \
	           "1 mutes the bus return (a 10 ms fade)")

/* The address space. Add a parameter here and OSC, scenes, --list-params and docs/osc.md all
 * gain it. Ranges and defaults follow design.md section 3. A strip's rows are in signal-flow
 * order, then the buses', then the master's. */
static const struct param_desc table[] = {
	{ FIELDS(STRIP, "name", PARAM_STRING, "", 0, PARAM_STRING_MAX, 0, 0, -1,
	         "Strip name, up to 32 bytes; defaults to the strip number") },
	FLOAT(STRIP, "trim", "dB", STRIP_TRIM_MIN_DB, STRIP_TRIM_MAX_DB, STRIP_TRIM_DEFAULT_DB,
	      ENGINE_STRIP_TRIM, "Input gain before all processing"),
	SWITCH(STRIP, "polarity", 0, ENGINE_STRIP_POLARITY,
	       "1 inverts the polarity (smoothed through zero, no click)"),
	SWITCH(STRIP, "hpf/on", STRIP_HPF_ON_DEFAULT, ENGINE_STRIP_HPF_ON,
	       "1 switches the high-pass filter in (cross-faded)"),
	FLOAT(STRIP, "hpf/freq", "Hz", STRIP_HPF_FREQ_MIN_HZ, STRIP_HPF_FREQ_MAX_HZ,
	      STRIP_HPF_FREQ_DEFAULT_HZ, ENGINE_STRIP_HPF_FREQ,
	      "High-pass corner: -3 dB there at 12 dB/oct, -6 dB at 24 dB/oct"),
	{ FIELDS(STRIP, "hpf/slope", PARAM_INT, "dB/oct", STRIP_HPF_SLOPE_LOW, STRIP_HPF_SLOPE_HIGH,
	         STRIP_HPF_SLOPE_DEFAULT, 0, ENGINE_STRIP_HPF_SLOPE,
	         "High-pass slope, 12 or 24; other values snap to the nearer (a tie to 24)"),
	  .allowed = hpf_slopes, .n_allowed = ARRAY_N(hpf_slopes) },
	EQ(STRIP),
	COMP(STRIP, STRIP_COMP_RATIO_DEFAULT, STRIP_COMP_ATTACK_DEFAULT_MS,
	     STRIP_COMP_RELEASE_DEFAULT_MS),
	LEVEL(STRIP, "fader", STRIP_FADER_DEFAULT_DB, ENGINE_STRIP_FADER,
	      "Channel fader; -144 or below is off (-inf)"),
	FLOAT(STRIP, "pan", "", STRIP_PAN_MIN, STRIP_PAN_MAX, STRIP_PAN_DEFAULT, ENGINE_STRIP_PAN,
	      "-1 left .. +1 right, -3 dB constant power; balance on stereo strips"),
	SWITCH(STRIP, "mute", 0, ENGINE_STRIP_MUTE, "1 mutes the strip (a 10 ms fade)"),
	SWITCH(STRIP, "solo", 0, ENGINE_STRIP_SOLO,
	       "Solo in place: while any strip is soloed, the others are silenced"),
	SEND(ENGINE_BUS_REVERB, ENGINE_BUS_NAME_REVERB),
	SEND(ENGINE_BUS_DELAY, ENGINE_BUS_NAME_DELAY),
	SEND(ENGINE_BUS_CHORUS, ENGINE_BUS_NAME_CHORUS),
	BUS(ENGINE_BUS_REVERB, ENGINE_BUS_NAME_REVERB),
	FLOAT(BUS, "reverb/time", "s", REVERB_TIME_MIN, REVERB_TIME_MAX, REVERB_TIME_DEFAULT,
	      ENGINE_REVERB_TIME,
	      "Reverb time (RT60) at mid frequencies; below 200 Hz it is 1.5 times this"),
	FLOAT(BUS, "reverb/damping", "Hz", REVERB_DAMP_MIN, REVERB_DAMP_MAX, REVERB_DAMP_DEFAULT,
	      ENGINE_REVERB_DAMPING,
	      "Frequency where the reverb time has fallen to half: lower is darker"),
	FLOAT(BUS, "reverb/predelay", "ms", REVERB_PREDELAY_MIN, REVERB_PREDELAY_MAX,
	      REVERB_PREDELAY_DEFAULT, ENGINE_REVERB_PREDELAY,
	      "Delay before the reverb starts (cross-faded when changed)"),
	BUS(ENGINE_BUS_DELAY, ENGINE_BUS_NAME_DELAY),
	FLOAT(BUS, "delay/time", "ms", DELAY_TIME_MIN, DELAY_TIME_MAX, DELAY_TIME_DEFAULT,
	      ENGINE_DELAY_TIME,
	      "Echo time when not synced (changes cross-fade: no click, no pitch glide)"),
	FLOAT(BUS, "delay/feedback", "", DELAY_FB_MIN, DELAY_FB_MAX, DELAY_FB_DEFAULT,
	      ENGINE_DELAY_FEEDBACK, "Share of each echo fed back as the next"),
	SWITCH(BUS, "delay/sync", DELAY_SYNC_DEFAULT, ENGINE_DELAY_SYNC,
	       "1 follows the JACK transport's tempo with the division below; with no tempo, "
	       "the time above"),
	ENUM(BUS, "delay/division", delay_divisions, DELAY_N_DIVISIONS, DELAY_DIVISION_DEFAULT,
	     ENGINE_DELAY_DIVISION,
	     "Synced echo time as a note value: d dotted (x1.5), t triplet (x2/3)"),
	FLOAT(BUS, "delay/lowcut", "Hz", DELAY_LOWCUT_MIN, DELAY_LOWCUT_MAX, DELAY_LOWCUT_DEFAULT,
	      ENGINE_DELAY_LOWCUT,
	      "High-pass (12 dB/oct) on what enters the delay: each echo thinner"),
	FLOAT(BUS, "delay/highcut", "Hz", DELAY_HIGHCUT_MIN, DELAY_HIGHCUT_MAX,
	      DELAY_HIGHCUT_DEFAULT, ENGINE_DELAY_HIGHCUT,
	      "Low-pass (12 dB/oct) on what enters the delay: each echo darker"),
	SWITCH(BUS, "delay/pingpong", DELAY_PINGPONG_DEFAULT, ENGINE_DELAY_PINGPONG,
	       "1 = ping-pong (echoes alternate left and right), 0 = stereo"),
	BUS(ENGINE_BUS_CHORUS, ENGINE_BUS_NAME_CHORUS),
	FLOAT(BUS, "chorus/rate", "Hz", CHORUS_RATE_MIN, CHORUS_RATE_MAX, CHORUS_RATE_DEFAULT,
	      ENGINE_CHORUS_RATE, "Chorus modulation rate"),
	FLOAT(BUS, "chorus/depth", "ms", CHORUS_DEPTH_MIN, CHORUS_DEPTH_MAX, CHORUS_DEPTH_DEFAULT,
	      ENGINE_CHORUS_DEPTH, "Chorus delay sweep, peak to peak"),
	FLOAT(BUS, "chorus/voices", "", CHORUS_VOICES_MIN, CHORUS_VOICES_MAX, CHORUS_VOICES_DEFAULT,
	      ENGINE_CHORUS_VOICES,
	      "Voices in the mix, 1..4, continuous: the fraction is the last voice's weight"),
	EQ(MASTER),
	COMP(MASTER, MASTER_COMP_RATIO_DEFAULT, MASTER_COMP_ATTACK_DEFAULT_MS,
	     MASTER_COMP_RELEASE_DEFAULT_MS),
	FLOAT(MASTER, "width", "", MASTER_WIDTH_MIN, MASTER_WIDTH_MAX, MASTER_WIDTH_DEFAULT,
	      ENGINE_MASTER_WIDTH,
	      "Stereo width (mid/side): 0 mono, 1 unchanged, 2 twice the side signal"),
	/* the multiband compressor (after the EQ, before the glue compressor) and mono bass */
	SWITCH(MASTER, "multiband/on", MB_ON_DEFAULT, ENGINE_MASTER_MB_ON,
	       "1 switches the 3-band compressor in (cross-faded); its bands sum flat"),
	FLOAT(MASTER, "multiband/xover/1", "Hz", MB_XOVER1_MIN, MB_XOVER1_MAX, MB_XOVER1_DEF,
	      ENGINE_MASTER_MB_XOVER1,
	      "Crossover between bands 1 and 2 (Linkwitz-Riley, 24 dB/oct)"),
	FLOAT(MASTER, "multiband/xover/2", "Hz", MB_XOVER2_MIN, MB_XOVER2_MAX, MB_XOVER2_DEF,
	      ENGINE_MASTER_MB_XOVER2,
	      "Crossover between bands 2 and 3 (Linkwitz-Riley, 24 dB/oct)"),
	MB_BAND(1),
	MB_BAND(2),
	MB_BAND(3),
	FLOAT(MASTER, "width/mono_below", "Hz", MONO_BELOW_OFF, MONO_BELOW_MAX, MONO_BELOW_DEF,
	      ENGINE_MASTER_MONO_BELOW,
	      "Below this the side signal is removed (bass in mono, 24 dB/oct); under 20 is off"),
	LEVEL(MASTER, "fader", MASTER_FADER_DEFAULT_DB, ENGINE_MASTER_FADER,
	      "Master fader; -144 or below is off (-inf)"),
	SWITCH(MASTER, "mute", 0, ENGINE_MASTER_MUTE, "1 mutes the master output"),
	SWITCH(MASTER, "limiter/on", MASTER_LIMITER_ON_DEFAULT, ENGINE_MASTER_LIMITER_ON,
	       "1 limits the output at the ceiling (cross-faded); on or off, the look-ahead "
	       "latency stays"),
	FLOAT(MASTER, "limiter/ceiling", "dB", LIMITER_CEILING_MIN_DB, LIMITER_CEILING_MAX_DB,
	      LIMITER_CEILING_DEFAULT_DB, ENGINE_MASTER_LIMITER_CEILING,
	      "Highest output level: dBTP in true-peak mode (0.05 dB below it internally), dBFS "
	      "in sample-peak mode"),
	FLOAT(MASTER, "limiter/release", "ms", LIMITER_RELEASE_MIN_MS, LIMITER_RELEASE_MAX_MS,
	      LIMITER_RELEASE_DEFAULT_MS, ENGINE_MASTER_LIMITER_RELEASE,
	      "How fast the limiter's gain reduction falls back"),
	SWITCH(MASTER, "limiter/truepeak", LIMITER_TRUEPEAK_DEFAULT, ENGINE_MASTER_LIMITER_TRUEPEAK,
	       "1 limits true (16x reconstructed) peaks, 0 sample peaks"),
	/* control-only: the loudness meter's reference; nothing in the audio path reads it */
	FLOAT(MASTER, "loudness/target", "LUFS", -36, -6, -14, -1,
	      "Programme loudness aimed at: /loudness reports the integrated loudness minus this"),

	/* ---- the live console (docs/live.md) ---- */
	CUE(BUS, "reverb/cue", ENGINE_BUS_CUE(ENGINE_BUS_REVERB), "the reverb bus's return"),
	CUE(BUS, "delay/cue", ENGINE_BUS_CUE(ENGINE_BUS_DELAY), "the delay bus's return"),
	CUE(BUS, "chorus/cue", ENGINE_BUS_CUE(ENGINE_BUS_CHORUS), "the chorus bus's return"),
	CUE(STRIP, "cue", ENGINE_STRIP_CUE, "the strip"),
	SWITCH(STRIP, "direct/pre", ENGINE_DIRECT_PRE_DEFAULT, ENGINE_STRIP_DIRECT_PRE,
	       "Tap of the direct output (--direct-outs): 1 after trim and HPF, before the EQ; 0 "
	       "post-fader (and mute), before pan"),
	LEVEL(STRIP_AUX, "level", ENGINE_AUX_SEND_DEFAULT_DB, ENGINE_STRIP_AUX_LEVEL,
	      "Send to aux bus K; -144 or below is off (-inf), the default"),
	SWITCH(STRIP_AUX, "pre", ENGINE_AUX_PRE_DEFAULT, ENGINE_STRIP_AUX_PRE,
	       "1 = pre-fader (a monitor mix): after EQ and compressor, before the fader, "
	       "following the strip's mute; 0 = post-fader: follows fader, DCA, mute and solo"),
	{ FIELDS(STRIP_AUX, "pan", PARAM_FLOAT, "", ENGINE_AUX_PAN_MIN, ENGINE_AUX_PAN_MAX,
	         ENGINE_AUX_PAN_DEFAULT, PARAM_F_STEREO_AUX, ENGINE_STRIP_AUX_PAN,
	         "Stereo aux buses only: -1 left .. +1 right (balance for a stereo strip)") },
	SWITCH(STRIP_DCA, "", 0, ENGINE_STRIP_DCA,
	       "1 makes the strip a member of DCA K: the DCA's fader adds to its fader"),
	SWITCH(STRIP_MUTEGROUP, "", 0, ENGINE_STRIP_MUTEGROUP,
	       "1 makes the strip a member of mute group K"),
	{ FIELDS(AUX, "name", PARAM_STRING, "", 0, PARAM_STRING_MAX, 0, 0, -1,
	         "Aux bus name, up to 32 bytes; defaults to \"Aux K\"") },
	LEVEL(AUX, "fader", ENGINE_AUX_FADER_DEFAULT_DB, ENGINE_AUX_FADER,
	      "Aux bus master fader; -144 or below is off"),
	SWITCH(AUX, "mute", 0, ENGINE_AUX_MUTE, "1 mutes the aux bus's outputs (a 10 ms fade)"),
	SWITCH(AUX, "master", ENGINE_AUX_MASTER_DEFAULT, ENGINE_AUX_MASTER,
	       "1 = a subgroup: the bus, after its fader, also feeds the main mix (its members' "
	       "post-fader sends reach the master once, through it)"),
	CUE(AUX, "cue", ENGINE_AUX_CUE, "the aux bus (after its fader)"),
	{ FIELDS(DCA, "name", PARAM_STRING, "", 0, PARAM_STRING_MAX, 0, 0, -1,
	         "DCA name, up to 32 bytes; defaults to \"DCA K\"") },
	LEVEL(DCA, "fader", ENGINE_DCA_FADER_DEFAULT_DB, ENGINE_DCA_FADER,
	      "Added to each member's fader (which keeps its own value); -144 or below is off"),
	SWITCH(DCA, "mute", 0, ENGINE_DCA_MUTE, "1 mutes every member"),
	SWITCH(MUTEGROUP, "on", 0, ENGINE_MUTEGROUP_ON, "1 mutes every member of the group"),
	ENUM(MONITOR, "mode", monitor_modes, ARRAY_N(monitor_modes) - 1,
	     ENGINE_MONITOR_MODE_DEFAULT, ENGINE_MONITOR_MODE,
	     "What a cue hears: pfl after the EQ and compressor, before the fader; afl after "
	     "fader and pan"),
	LEVEL(MONITOR, "level", ENGINE_MONITOR_LEVEL_DEFAULT_DB, ENGINE_MONITOR_LEVEL,
	      "Level of the monitor outputs (monitor_L/R); -144 or below is off"),
};

#define TABLE_N (sizeof(table) / sizeof(table[0]))

const struct param_desc *
param_table(unsigned *n)
{
	*n = TABLE_N;
	return table;
}
