/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params: the one table of every parameter, and its instances for a console of N strips.
 *
 * Each parameter is declared once (param_table in params.c): where it lives, its type, unit,
 * range, default and which engine parameter it drives. OSC dispatch, scene files, --list-params
 * and docs/osc.md are all made from this table, so they cannot disagree.
 */
#ifndef MIXD_PARAMS_H
#define MIXD_PARAMS_H

#include <stddef.h>

#define PARAM_ADDRESS_MAX 64
/* Longest string value (strip names), in bytes. */
#define PARAM_STRING_MAX 32

enum param_scope {
	PARAM_SCOPE_STRIP,  /* /strip/N/<name>, N = 1..strips */
	PARAM_SCOPE_MASTER, /* /master/<name> */
};

enum param_type {
	PARAM_FLOAT = 'f',
	PARAM_INT = 'i',
	PARAM_STRING = 's',
};

/* The minimum of the range means "off" (-inf dB): written "-inf" in files. */
#define PARAM_F_OFF 1u

struct param_desc {
	enum param_scope scope;
	const char *name; /* below the scope: "fader", later "eq/1/freq" */
	enum param_type type;
	const char *unit; /* "dB", "", "Hz", ... */
	float min, max, def;
	unsigned flags;
	int engine; /* enum engine_param, or -1 for control-only parameters (names) */
	const char *doc;
};

/* One parameter of this console: a table row bound to a strip. */
struct param {
	const struct param_desc *d;
	unsigned strip; /* 0-based, strip parameters only */
	char address[PARAM_ADDRESS_MAX];
};

/* Any thread. The declarations, in table order. */
const struct param_desc *param_table(unsigned *n);

struct params;

/* Control thread. Instantiates the table for n_strips strips (1..ENGINE_MAX_STRIPS), strips in
 * order then master, and indexes the addresses. Returns NULL on bad n or out of memory. */
struct params *params_new(unsigned n_strips);
void params_free(struct params *ps);

/* Any thread (read-only after params_new). */
unsigned params_count(const struct params *ps);
unsigned params_n_strips(const struct params *ps);
const struct param *params_at(const struct params *ps, unsigned idx);

/* Any thread. The index of an exact address, or -ENOENT. */
int params_find(const struct params *ps, const char *address);

/* Any thread. Validates a numeric value for d: non-finite gives -EDOM; otherwise clamps to the
 * range (ints rounded to the nearest integer first) and stores it in *out; returns 0. */
int param_clamp(const struct param_desc *d, double v, float *out);

/* Any thread. Parses the text form of a numeric value ("-12.5", "1", "-inf" where the minimum is
 * off) and clamps it. Returns 0, -EINVAL for text that is not a number, -EDOM for NaN/Inf. */
int param_parse(const struct param_desc *d, const char *text, float *out);

/* Any thread. Validates a string value: -E2BIG if longer than PARAM_STRING_MAX, -EINVAL if it
 * holds control characters. Returns 0 when acceptable. */
int param_check_string(const char *s);

/* Any thread. The text form of a numeric value: shortest round-trip for floats, "-inf" at an
 * off minimum. Returns the length written (as snprintf). */
int param_format(const struct param_desc *d, float v, char *buf, size_t n);

/* Any thread. The default of a string parameter instance (a strip's name is its number). */
void param_default_string(const struct param *p, char *buf, size_t n);

#endif
