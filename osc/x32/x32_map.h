/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_map: which mixd parameter an X32 address means, in both directions, and its value in the
 * X32's type and law (x32_law.h).
 *
 * x32_resolve turns an address of the X32's tree (/ch/05/mix/fader) into a target: a parameter
 * of the table (params.h) and the law between them, or, for an address the console has but
 * mixd gives no meaning (a channel past mixd's strips, /ch/01/config/color, /-snap/name), a
 * constant of the type the console answers with, so a client that waits for every reply gets
 * one. x32_address goes back: the X32 address that shows a changed parameter, for the echo to
 * /xremote clients. Each address the second gives resolves, by the first, to the same
 * parameter (the unit test walks them all).
 *
 * Numbering as on the console: channels 01..32, buses 01..16, effect returns 01..08 (mixd's
 * reverb, delay and chorus returns are 01, 02, 03), DCAs 1..8, mute groups 1..6, solo switches
 * 01..80; always with the console's digit count.
 */
#ifndef MIXD_X32_MAP_H
#define MIXD_X32_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

struct model;

enum x32_kind {
	X32_CONST,     /* the console has it, mixd gives it no meaning: a constant, sets ignored */
	X32_FADER,     /* f: the fader law onto a dB parameter */
	X32_ON,        /* i: 1 = on, the inverse of a mute parameter */
	X32_SWITCH,    /* i: a 0/1 parameter as it is */
	X32_PAN,       /* f: 0..1 onto -1..+1 */
	X32_TRIM,      /* f: 0..1 onto -18..+18 dB */
	X32_HPF,       /* f: 0..1 onto 20..400 Hz, logarithmic */
	X32_NAME,      /* s: a string parameter */
	X32_LIN,       /* f: 0..1 onto lo..hi linearly, on a grid of steps (EQ gain, dynamics) */
	X32_LOG,       /* f: 0..1 onto lo..hi logarithmically (EQ frequency and Q, release) */
	X32_EQ_TYPE,   /* i: LCut LShv PEQ VEQ HShv HCut onto mixd's band shapes */
	X32_RATIO,     /* i: the ratio's 12 choices 1.1 .. 100 */
	X32_DCA_MASK,  /* i: bit K-1 = the strip is in DCA K */
	X32_MUTE_MASK, /* i: bit K-1 = the strip is in mute group K */
	X32_CLEARSOLO, /* i: 1 clears every solo switch */
	X32_SEND_ON,   /* i: a send's switch, onto its level (idx): 1 = above -inf (x32_sends.c) */
};

struct x32_value {
	char type; /* 'i', 'f' or 's' */
	int32_t i;
	float f;
	char s[PARAM_STRING_MAX + 1];
};

struct x32_target {
	enum x32_kind kind;
	char type;                 /* what the console sends: 'i', 'f' or 's' */
	int idx;                   /* the parameter, -1 for none */
	unsigned strip;            /* 0-based, the masks only */
	float lo, hi;              /* X32_LIN, X32_LOG: the values at 0 and 1 */
	unsigned steps;            /* X32_LIN, X32_LOG: the grid */
	struct x32_value constant; /* X32_CONST */
};

/* Any thread. The target of an X32 address on ps's console. Returns 0, or -ENOENT for an
 * address that is not in the console's tree as mixd knows it (never answered). */
int x32_resolve(const struct params *ps, const char *path, struct x32_target *t);
/* Control thread. The target's current value, in the console's type and law. */
void x32_read(const struct model *m, const struct x32_target *t, struct x32_value *out);
/* Control thread. Sets the target from a value a client sent. Returns 0, -EINVAL for a type
 * the address does not take or a bad string, -ERANGE for a value outside the console's range
 * (nothing is changed on any error), -ENOENT for a constant (ignored, as it has no meaning). */
int x32_write(struct model *m, const struct x32_target *t, const struct x32_value *in);
/* Any thread. True when db is the -inf ("off") end of the level parameter idx. */
bool x32_level_is_off(const struct params *ps, unsigned idx, float db);
/* Any thread. The dB a fader value in (f 0..1 or a dB string) sets the level parameter idx to,
 * on the console's grid, in *db. Returns 0, -EINVAL or -ERANGE as x32_write. */
int x32_fader_db(const struct params *ps, unsigned idx, const struct x32_value *in, float *db);
/* Any thread. A switch value (i 0/1, or f 0.0/1.0) in *v. Returns 0, -EINVAL or -ERANGE. */
int x32_switch_value(const struct x32_value *in, int *v);
/* Any thread. The X32 address that shows parameter idx, in path (n bytes). Returns 0, or
 * -ENOENT when no X32 address shows it. */
int x32_address(const struct params *ps, unsigned idx, char *path, size_t n);

#endif
