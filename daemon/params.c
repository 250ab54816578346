/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delay.h"
#include "engine.h"
#include "gain.h"

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

static const float hpf_slopes[] = { 12, 24 };

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
#define LEVEL(sc, nm, df, en, dc)                                                      \
	{                                                                              \
		FIELDS(sc, nm, PARAM_FLOAT, "dB", DB_OFF, 10, df, PARAM_F_OFF, en, dc) \
	}
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
	    FLOAT(sc, "eq/" #b "/freq", "Hz", 20, 20000, freq_def,                               \
	          ID_##sc(ENGINE_STRIP_EQ_FREQ(b - 1)),                                          \
	          "Band " #b " frequency: a bell's centre, a shelf's midpoint (half its gain)"), \
	    FLOAT(sc, "eq/" #b "/gain", "dB", -18, 18, 0, ID_##sc(ENGINE_STRIP_EQ_GAIN(b - 1)),  \
	          "Band " #b " gain: a bell's at its centre, a shelf's beyond its frequency"),   \
	    FLOAT(sc, "eq/" #b "/q", "", 0.1f, 10, 0.707f, ID_##sc(ENGINE_STRIP_EQ_Q(b - 1)),    \
	          "Band " #b " Q: a bell's width (higher is narrower), a shelf's slope (0.707: " \
	          "steepest with no overshoot)")
#define EQ(sc)                                                                            \
	SWITCH(sc, "eq/on", 1, ID_##sc(ENGINE_STRIP_EQ_ON),                               \
	       "0 takes the EQ out (every band glides to flat)"),                         \
	    EQ_BAND(sc, 1, ENGINE_EQ_LOWSHELF, 100), EQ_BAND(sc, 2, ENGINE_EQ_BELL, 500), \
	    EQ_BAND(sc, 3, ENGINE_EQ_BELL, 2000), EQ_BAND(sc, 4, ENGINE_EQ_HIGHSHELF, 8000)

/* A compressor, with the defaults that differ between a strip's and the master's glue */
#define COMP(sc, ratio_def, attack_def, release_def)                                             \
	SWITCH(sc, "comp/on", 0, ID_##sc(ENGINE_STRIP_COMP_ON),                                  \
	       "1 switches the compressor in (cross-faded)"),                                    \
	    FLOAT(sc, "comp/threshold", "dB", -60, 0, -20, ID_##sc(ENGINE_STRIP_COMP_THRESHOLD), \
	          "Level above which the compressor reduces gain"),                              \
	    FLOAT(sc, "comp/ratio", ":1", 1, 20, ratio_def, ID_##sc(ENGINE_STRIP_COMP_RATIO),    \
	          "Above the threshold, dB in per dB out; 1 does nothing"),                      \
	    FLOAT(sc, "comp/knee", "dB", 0, 24, 6, ID_##sc(ENGINE_STRIP_COMP_KNEE),              \
	          "Soft-knee width, centred on the threshold; 0 is a hard knee"),                \
	    FLOAT(sc, "comp/attack", "ms", 0.1f, 200, attack_def,                                \
	          ID_##sc(ENGINE_STRIP_COMP_ATTACK), "How fast the gain reduction rises"),       \
	    FLOAT(sc, "comp/release", "ms", 5, 2000, release_def,                                \
	          ID_##sc(ENGINE_STRIP_COMP_RELEASE), "How fast the gain reduction falls back"), \
	    FLOAT(sc, "comp/makeup", "dB", 0, 24, 0, ID_##sc(ENGINE_STRIP_COMP_MAKEUP),          \
	          "Gain added after the compressor's gain reduction")

/* A strip's send to a bus */
#define SEND(bus, nm)                                                                            \
	LEVEL(STRIP, "send/" nm "/level", DB_OFF, ENGINE_STRIP_SEND_LEVEL(bus),                  \
	      "Send to the " nm " bus, panned as the strip is; -144 or below is off (-inf)"),    \
	    SWITCH(STRIP, "send/" nm "/pre", 0, ENGINE_STRIP_SEND_PRE(bus),                      \
	           "1 = pre-fader: taken after the compressor, before the fader; unaffected by " \
	           "fader, mute and solo. 0 = post-fader: follows fader, mute and solo-in-place")

/* A bus's return into the master */
#define BUS(bus, nm)                                                                     \
	LEVEL(BUS, nm "/return", 0, ENGINE_BUS_RETURN(bus),                              \
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
	FLOAT(STRIP, "trim", "dB", -24, 24, 0, ENGINE_STRIP_TRIM,
	      "Input gain before all processing"),
	SWITCH(STRIP, "polarity", 0, ENGINE_STRIP_POLARITY,
	       "1 inverts the polarity (smoothed through zero, no click)"),
	SWITCH(STRIP, "hpf/on", 0, ENGINE_STRIP_HPF_ON,
	       "1 switches the high-pass filter in (cross-faded)"),
	FLOAT(STRIP, "hpf/freq", "Hz", 20, 1000, 80, ENGINE_STRIP_HPF_FREQ,
	      "High-pass corner: -3 dB there at 12 dB/oct, -6 dB at 24 dB/oct"),
	{ FIELDS(STRIP, "hpf/slope", PARAM_INT, "dB/oct", 12, 24, 12, 0, ENGINE_STRIP_HPF_SLOPE,
	         "High-pass slope, 12 or 24; other values snap to the nearer (a tie to 24)"),
	  .allowed = hpf_slopes, .n_allowed = ARRAY_N(hpf_slopes) },
	EQ(STRIP),
	COMP(STRIP, 4, 10, 100),
	LEVEL(STRIP, "fader", 0, ENGINE_STRIP_FADER, "Channel fader; -144 or below is off (-inf)"),
	FLOAT(STRIP, "pan", "", -1, 1, 0, ENGINE_STRIP_PAN,
	      "-1 left .. +1 right, -3 dB constant power; balance on stereo strips"),
	SWITCH(STRIP, "mute", 0, ENGINE_STRIP_MUTE, "1 mutes the strip (a 10 ms fade)"),
	SWITCH(STRIP, "solo", 0, ENGINE_STRIP_SOLO,
	       "Solo in place: while any strip is soloed, the others are silenced"),
	SEND(ENGINE_BUS_REVERB, "reverb"),
	SEND(ENGINE_BUS_DELAY, "delay"),
	SEND(ENGINE_BUS_CHORUS, "chorus"),
	BUS(ENGINE_BUS_REVERB, "reverb"),
	FLOAT(BUS, "reverb/time", "s", 0.3f, 10, 2, ENGINE_REVERB_TIME,
	      "Reverb time (RT60) at mid frequencies; below 200 Hz it is 1.5 times this"),
	FLOAT(BUS, "reverb/damping", "Hz", 1000, 20000, 6000, ENGINE_REVERB_DAMPING,
	      "Frequency where the reverb time has fallen to half: lower is darker"),
	FLOAT(BUS, "reverb/predelay", "ms", 0, 200, 20, ENGINE_REVERB_PREDELAY,
	      "Delay before the reverb starts (cross-faded when changed)"),
	BUS(ENGINE_BUS_DELAY, "delay"),
	FLOAT(BUS, "delay/time", "ms", 1, 2000, 375, ENGINE_DELAY_TIME,
	      "Echo time when not synced (changes cross-fade: no click, no pitch glide)"),
	FLOAT(BUS, "delay/feedback", "", 0, 0.95f, 0.35f, ENGINE_DELAY_FEEDBACK,
	      "Share of each echo fed back as the next"),
	SWITCH(BUS, "delay/sync", 0, ENGINE_DELAY_SYNC,
	       "1 follows the JACK transport's tempo with the division below; with no tempo, "
	       "the time above"),
	ENUM(BUS, "delay/division", delay_divisions, DELAY_N_DIVISIONS, DELAY_DIV_4,
	     ENGINE_DELAY_DIVISION,
	     "Synced echo time as a note value: d dotted (x1.5), t triplet (x2/3)"),
	FLOAT(BUS, "delay/lowcut", "Hz", 20, 1000, 100, ENGINE_DELAY_LOWCUT,
	      "High-pass (12 dB/oct) on what enters the delay: each echo thinner"),
	FLOAT(BUS, "delay/highcut", "Hz", 1000, 20000, 8000, ENGINE_DELAY_HIGHCUT,
	      "Low-pass (12 dB/oct) on what enters the delay: each echo darker"),
	SWITCH(BUS, "delay/pingpong", 1, ENGINE_DELAY_PINGPONG,
	       "1 = ping-pong (echoes alternate left and right), 0 = stereo"),
	BUS(ENGINE_BUS_CHORUS, "chorus"),
	EQ(MASTER),
	COMP(MASTER, 2, 30, 300),
	FLOAT(MASTER, "width", "", 0, 2, 1, ENGINE_MASTER_WIDTH,
	      "Stereo width (mid/side): 0 mono, 1 unchanged, 2 twice the side signal"),
	LEVEL(MASTER, "fader", 0, ENGINE_MASTER_FADER, "Master fader; -144 or below is off (-inf)"),
	SWITCH(MASTER, "mute", 0, ENGINE_MASTER_MUTE, "1 mutes the master output"),
	SWITCH(MASTER, "limiter/on", 1, ENGINE_MASTER_LIMITER_ON,
	       "1 limits the output at the ceiling (cross-faded); on or off, the look-ahead "
	       "latency stays"),
	FLOAT(MASTER, "limiter/ceiling", "dB", -12, 0, -1, ENGINE_MASTER_LIMITER_CEILING,
	      "Highest output level: dBTP in true-peak mode (0.4 dB below it internally), dBFS "
	      "in sample-peak mode"),
	FLOAT(MASTER, "limiter/release", "ms", 1, 1000, 50, ENGINE_MASTER_LIMITER_RELEASE,
	      "How fast the limiter's gain reduction falls back"),
	SWITCH(MASTER, "limiter/truepeak", 1, ENGINE_MASTER_LIMITER_TRUEPEAK,
	       "1 limits true (8x oversampled) peaks, 0 sample peaks"),
	/* control-only: the loudness meter's reference; nothing in the audio path reads it */
	FLOAT(MASTER, "loudness/target", "LUFS", -36, -6, -14, -1,
	      "Programme loudness aimed at: /loudness reports the integrated loudness minus this"),
};

#define TABLE_N (sizeof(table) / sizeof(table[0]))

struct params {
	unsigned n, n_strips;
	struct param *v;
	/* open-addressed hash of addresses -> index + 1 (0 = empty slot); size a power of two */
	uint32_t *slots;
	uint32_t mask;
};

const struct param_desc *
param_table(unsigned *n)
{
	*n = TABLE_N;
	return table;
}

bool
param_prefix_covers(const char *prefix, size_t plen, const char *address)
{
	if (strncmp(address, prefix, plen))
		return false;
	return prefix[plen - 1] == '/' || address[plen] == '\0' || address[plen] == '/';
}

char
param_wire_type(const struct param_desc *d)
{
	return d->type == PARAM_ENUM ? 's' : (char)d->type;
}

const char *
param_scope_prefix(enum param_scope scope)
{
	static const char *const prefix[] = {
		[PARAM_SCOPE_STRIP] = "/strip/N/",
		[PARAM_SCOPE_BUS] = "/bus/",
		[PARAM_SCOPE_MASTER] = "/master/",
	};

	return prefix[scope];
}

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a: short keys, no adversary can choose the table */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct params *
params_new(unsigned n_strips)
{
	struct params *ps;
	unsigned n_strip_rows = 0, n_other_rows = 0, i, k, idx = 0;
	uint32_t size = 1;

	if (n_strips == 0 || n_strips > ENGINE_MAX_STRIPS)
		return NULL;
	for (i = 0; i < TABLE_N; i++) {
		if (table[i].scope == PARAM_SCOPE_STRIP)
			n_strip_rows++;
		else
			n_other_rows++;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->n_strips = n_strips;
	ps->n = n_strip_rows * n_strips + n_other_rows;
	ps->v = calloc(ps->n, sizeof(*ps->v));
	while (size < 2 * ps->n)
		size <<= 1;
	ps->slots = calloc(size, sizeof(*ps->slots));
	if (!ps->v || !ps->slots)
		goto fail;
	ps->mask = size - 1;

	for (k = 0; k < n_strips; k++)
		for (i = 0; i < TABLE_N; i++)
			if (table[i].scope == PARAM_SCOPE_STRIP) {
				struct param *p = &ps->v[idx++];
				p->d = &table[i];
				p->strip = k;
				snprintf(p->address, sizeof(p->address), "/strip/%u/%s", k + 1,
				         table[i].name);
			}
	for (i = 0; i < TABLE_N; i++)
		if (table[i].scope != PARAM_SCOPE_STRIP) {
			struct param *p = &ps->v[idx++];
			p->d = &table[i];
			snprintf(p->address, sizeof(p->address), "%s%s",
			         param_scope_prefix(table[i].scope), table[i].name);
		}

	for (i = 0; i < ps->n; i++) {
		uint32_t h = hash_str(ps->v[i].address) & ps->mask;
		while (ps->slots[h])
			h = (h + 1) & ps->mask;
		ps->slots[h] = i + 1;
	}
	return ps;

fail:
	params_free(ps);
	return NULL;
}

void
params_free(struct params *ps)
{
	if (!ps)
		return;
	free(ps->slots);
	free(ps->v);
	free(ps);
}

unsigned
params_count(const struct params *ps)
{
	return ps->n;
}

unsigned
params_n_strips(const struct params *ps)
{
	return ps->n_strips;
}

const struct param *
params_at(const struct params *ps, unsigned idx)
{
	return idx < ps->n ? &ps->v[idx] : NULL;
}

int
params_find(const struct params *ps, const char *address)
{
	uint32_t h = hash_str(address) & ps->mask;

	for (; ps->slots[h]; h = (h + 1) & ps->mask) {
		uint32_t i = ps->slots[h] - 1;
		if (!strcmp(ps->v[i].address, address))
			return (int)i;
	}
	return -ENOENT;
}

/* The allowed value nearest v; of two as near, the higher (the list ascends). */
static double
snap_allowed(const struct param_desc *d, double v)
{
	double best = d->allowed[0];

	for (unsigned i = 1; i < d->n_allowed; i++)
		if (fabs(d->allowed[i] - v) <= fabs(best - v))
			best = d->allowed[i];
	return best;
}

int
param_clamp(const struct param_desc *d, double v, float *out)
{
	if (!isfinite(v))
		return -EDOM;
	if (d->type == PARAM_INT || d->type == PARAM_ENUM)
		v = nearbyint(v);
	if (v < d->min)
		v = d->min;
	if (v > d->max)
		v = d->max;
	if (d->n_allowed)
		v = snap_allowed(d, v);
	*out = (float)v;
	return 0;
}

int
param_parse(const struct param_desc *d, const char *text, float *out)
{
	char *end;
	double v;

	if ((d->flags & PARAM_F_OFF) && !strcmp(text, "-inf")) {
		*out = d->min;
		return 0;
	}
	for (unsigned i = 0; d->type == PARAM_ENUM && d->choices[i]; i++)
		if (!strcmp(text, d->choices[i])) {
			*out = (float)i;
			return 0;
		}
	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end != '\0')
		return -EINVAL;
	/* strtod accepts "nan" and "inf": those are numbers, but not values we take */
	return param_clamp(d, v, out);
}

/* Writes lead, then d's choices separated by sep, into buf (truncated to n). */
static void
join_choices(const struct param_desc *d, const char *lead, const char *sep, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "%s", lead);

	for (unsigned i = 0; d->choices[i] && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? sep : "", d->choices[i]);
}

const char *
param_error(const struct param_desc *d, int err, char *buf, size_t n)
{
	if (err == -EDOM)
		snprintf(buf, n, "non-finite value");
	else if (d->type == PARAM_ENUM)
		join_choices(d, "expected one of: ", " ", buf, n);
	else
		snprintf(buf, n, "not a number");
	return buf;
}

const char *
param_unit(const struct param_desc *d, char *buf, size_t n)
{
	if (d->type != PARAM_ENUM)
		return d->unit;
	join_choices(d, "", "|", buf, n);
	return buf;
}

int
param_check_string(const char *s)
{
	size_t n = strlen(s);

	if (n > PARAM_STRING_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -EINVAL;
	return 0;
}

int
param_format(const struct param_desc *d, float v, char *buf, size_t n)
{
	if (d->type == PARAM_ENUM) {
		float i;
		if (param_clamp(d, v, &i) < 0)
			i = d->def;
		return snprintf(buf, n, "%s", d->choices[(unsigned)i]);
	}
	if ((d->flags & PARAM_F_OFF) && v <= d->min)
		return snprintf(buf, n, "-inf");
	if (d->type == PARAM_INT)
		return snprintf(buf, n, "%ld", lrintf(v));
	/* The shortest text that reads back as the same float: "0.1", not "0.100000001". %.9g
	 * always round-trips, so the loop ends there at the latest. */
	for (int prec = 6;; prec++) {
		int len = snprintf(buf, n, "%.*g", prec, (double)v);
		if (prec >= 9 || (len > 0 && (size_t)len < n && strtof(buf, NULL) == v))
			return len;
	}
}

void
param_default_string(const struct param *p, char *buf, size_t n)
{
	if (p->d->type == PARAM_ENUM)
		param_format(p->d, p->d->def, buf, n);
	else if (p->d->type == PARAM_STRING && p->d->scope == PARAM_SCOPE_STRIP)
		snprintf(buf, n, "%u", p->strip + 1);
	else if (n)
		buf[0] = '\0';
}
