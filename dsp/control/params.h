/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params: the one table of every parameter, and its instances for a console of N strips.
 *
 * Each parameter is declared once (param_table.c): where it lives, its type, unit,
 * range, default and which engine parameter it drives. OSC dispatch, scene files, --list-params
 * and docs/osc.md are all made from this table, so they cannot disagree.
 */
#ifndef MIXD_PARAMS_H
#define MIXD_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#define PARAM_ADDRESS_MAX 64
/* Longest string value (strip names), in bytes. */
#define PARAM_STRING_MAX 32

/* Where a row lives. K (1-based) is a second index: an aux bus, a DCA or a mute group. */
enum param_scope {
	PARAM_SCOPE_STRIP,           /* /strip/N/<name>, N = 1..strips */
	PARAM_SCOPE_BUS,             /* /bus/<name>, name starting with the bus: "reverb/return" */
	PARAM_SCOPE_MASTER,          /* /master/<name> */
	PARAM_SCOPE_STRIP_AUX,       /* /strip/N/send/aux/K/<name>: strip N's send to aux bus K */
	PARAM_SCOPE_STRIP_DCA,       /* /strip/N/dca/K (empty name): membership of DCA K */
	PARAM_SCOPE_STRIP_MUTEGROUP, /* /strip/N/mutegroup/K (empty name): of mute group K */
	PARAM_SCOPE_AUX,             /* /aux/K/<name> */
	PARAM_SCOPE_DCA,             /* /dca/K/<name> */
	PARAM_SCOPE_MUTEGROUP,       /* /mutegroup/K/<name> */
	PARAM_SCOPE_MONITOR,         /* /monitor/<name> */
	PARAM_N_SCOPES
};

/* The OSC type tag of each type is param_wire_type(). */
enum param_type {
	PARAM_FLOAT = 'f',
	PARAM_INT = 'i',
	PARAM_STRING = 's',
	/* One of a list of names (choices). The model holds the index as a float; OSC, scene
	 * files and listings show the name. */
	PARAM_ENUM = 'e',
};

/* The minimum of the range means "off" (-inf dB): written "-inf" in files. */
#define PARAM_F_OFF 1u
/* The row exists only on stereo aux buses (a send's pan). */
#define PARAM_F_STEREO_AUX 2u

struct param_desc {
	enum param_scope scope;
	const char *name; /* below the scope: "fader", "eq/1/freq" */
	enum param_type type;
	const char *unit;    /* "dB", "", "Hz", ...; unused for PARAM_ENUM (see param_unit) */
	float min, max, def; /* PARAM_ENUM: 0, n_choices - 1, the default's index */
	unsigned flags;
	int engine; /* enum engine_param, or -1 for control-only parameters (names) */
	const char *doc;
	/* PARAM_ENUM: the names, NULL-terminated; the value is the index */
	const char *const *choices;
	/* When n_allowed > 0, the only values a number may take (ascending): param_clamp snaps to
	 * the nearest, ties to the higher (hpf/slope: 12 or 24). */
	const float *allowed;
	unsigned n_allowed;
};

/* One parameter of this console: a table row bound to a strip and/or a second index. */
struct param {
	const struct param_desc *d;
	unsigned strip; /* 0-based, the /strip/N/... scopes only */
	unsigned k;     /* 0-based aux bus, DCA or mute group, the scopes with a K only */
	unsigned eidx;  /* the idx engine_set takes for d->engine (ENGINE_AUX_IDX(strip, k)...) */
	char address[PARAM_ADDRESS_MAX];
};

/* The geometry a parameter set is made for. */
struct params_layout {
	unsigned n_strips;      /* 1..ENGINE_MAX_STRIPS */
	unsigned n_aux;         /* 0..ENGINE_MAX_AUX */
	const bool *aux_stereo; /* n_aux entries, NULL: all mono */
	unsigned n_dca;         /* 0..ENGINE_MAX_DCA */
};

/* Any thread. The declarations, in table order. */
const struct param_desc *param_table(unsigned *n);

struct params;

/* Control thread. Instantiates the table for l's console: each strip in order with all its rows
 * (its own, then its sends to each aux bus, its DCA and mute-group memberships), then the
 * buses, master, each aux bus, DCA and mute group, and the monitor; indexes the addresses.
 * Returns NULL on a bad layout or out of memory. */
struct params *params_new_layout(const struct params_layout *l);

/* Control thread. params_new_layout for n_strips strips, no aux bus and no DCA. */
struct params *params_new(unsigned n_strips);
void params_free(struct params *ps);

/* Any thread (read-only after params_new). */
unsigned params_count(const struct params *ps);
unsigned params_n_strips(const struct params *ps);
unsigned params_n_aux(const struct params *ps);
unsigned params_n_dca(const struct params *ps);
bool params_aux_stereo(const struct params *ps, unsigned k);

/* Any thread. The number of instances of a scope's second index K in ps (aux buses, DCAs,
 * mute groups), 1 for a scope without one. */
unsigned params_scope_count(const struct params *ps, enum param_scope scope);

/* Any thread. True for the scopes of many rows that are mostly at their defaults (a strip's
 * sends to aux buses, DCA and mute-group memberships): scene files list them only where they
 * differ from the default, and a row such a file does not list reads as its default. */
bool param_scope_sparse(enum param_scope scope);
const struct param *params_at(const struct params *ps, unsigned idx);

/* Any thread. The index of an exact address, or -ENOENT. */
int params_find(const struct params *ps, const char *address);

/* Any thread. True when prefix (plen bytes, plen > 0) covers address in whole path segments:
 * "/strip/2" covers /strip/2/fader and /strip/2 but not /strip/25/fader; "/" covers all. */
bool param_prefix_covers(const char *prefix, size_t plen, const char *address);

/* Any thread. The OSC type tag of d's values: 'f', 'i' or 's' (strings and enums). */
char param_wire_type(const struct param_desc *d);

/* Any thread. The address prefix of a scope as the docs show it: "/strip/N/", "/bus/",
 * "/master/", "/strip/N/send/aux/K/", "/strip/N/dca/K" (whose one row has an empty name). */
const char *param_scope_prefix(enum param_scope scope);

/* Any thread. Validates a numeric value for d (for an enum, the index): non-finite gives -EDOM;
 * otherwise rounds ints and enums to the nearest integer, clamps to the range, snaps to the
 * nearest allowed value (ties to the higher) and stores it in *out; returns 0. */
int param_clamp(const struct param_desc *d, double v, float *out);

/* Any thread. Parses the text form of a numeric value ("-12.5", "1", "-inf" where the minimum is
 * off; for an enum a choice's name, or a number taken as the index) and clamps it. Returns 0,
 * -EINVAL for text that is not a number (nor a choice), -EDOM for NaN/Inf; *out is untouched on
 * error. */
int param_parse(const struct param_desc *d, const char *text, float *out);

/* Any thread. Why param_parse or param_clamp failed with err, as a short reason for an /error
 * reply or a file message: "non-finite value", "not a number", or for an enum "expected one
 * of: off bell lowshelf highshelf". Returns buf. */
const char *param_error(const struct param_desc *d, int err, char *buf, size_t n);

/* Any thread. The unit as listed: d->unit, or for an enum its choices joined by '|' in buf
 * ("off|bell|lowshelf|highshelf", truncated to n). Returns d->unit or buf. */
const char *param_unit(const struct param_desc *d, char *buf, size_t n);

/* Any thread. Validates a string value: -E2BIG if longer than PARAM_STRING_MAX, -EINVAL if it
 * holds control characters. Returns 0 when acceptable. */
int param_check_string(const char *s);

/* Any thread. The text form of a numeric value: shortest round-trip for floats, "-inf" at an
 * off minimum, the choice's name for an enum (the index clamped to the choices). Returns the
 * length written (as snprintf). */
int param_format(const struct param_desc *d, float v, char *buf, size_t n);

/* Any thread. The default of an instance whose values travel as strings (param_wire_type 's'):
 * a strip's name is its number, an aux bus's "Aux K", a DCA's "DCA K", an enum's its default
 * choice's name. Empty for others. */
void param_default_string(const struct param *p, char *buf, size_t n);

#endif
