/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_resolve: an address of the X32's tree to its target (x32_map.h). The tree is walked by
 * hand, segment by segment, with the console's digit counts: /ch/5/mix/fader is not /ch/05.
 */
#include "x32_map.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define X32_CHANNELS 32
#define X32_BUSES    16
#define X32_FXRTNS   8
#define X32_DCAS     8
#define X32_MUTEGRPS 6
#define X32_SOLOSW   80

/* mixd's effect buses, in the order of the X32's effect returns 01, 02, 03 */
#define N_FX ENGINE_N_BUSES

/* Exactly `digits` decimal digits in lo..hi, followed by '/' or the end; *rest after them. */
static int
number(const char *s, unsigned digits, unsigned lo, unsigned hi, const char **rest)
{
	unsigned v = 0;

	for (unsigned i = 0; i < digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if ((s[digits] != '/' && s[digits] != '\0') || v < lo || v > hi)
		return -1;
	*rest = s[digits] == '/' ? s + digits + 1 : s + digits;
	return (int)v;
}

static int
constant(struct x32_target *t, char type, int32_t i, float f)
{
	memset(t, 0, sizeof(*t));
	t->kind = X32_CONST;
	t->type = type;
	t->idx = -1;
	t->constant.type = type;
	t->constant.i = i;
	t->constant.f = f;
	return 0;
}

/* A parameter by its mixd address; when mixd has none there, the console's constant. */
static int
param(const struct params *ps, struct x32_target *t, enum x32_kind kind, char type,
      const char *address, int32_t ci, float cf)
{
	int idx = params_find(ps, address);

	if (idx < 0)
		return constant(t, type, ci, cf);
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->type = type;
	t->idx = idx;
	return 0;
}

/* What a channel past mixd's strips, and a leaf mixd has no meaning for, answer: the type the
 * console sends, and its value for a channel that makes no sound. */
struct leaf {
	const char *name;
	char type;
	int32_t i;
	float f;
};
static const struct leaf ch_const[] = {
	{ "mix/on", 'i', 0, 0 },         { "mix/fader", 'f', 0, 0 },
	{ "mix/pan", 'f', 0, 0.5f },     { "mix/st", 'i', 1, 0 },
	{ "mix/mono", 'i', 0, 0 },       { "mix/mlevel", 'f', 0, 0 },
	{ "config/name", 's', 0, 0 },    { "config/icon", 'i', 1, 0 },
	{ "config/color", 'i', 0, 0 },   { "config/source", 'i', 0, 0 },
	{ "preamp/trim", 'f', 0, 0.5f }, { "preamp/invert", 'i', 0, 0 },
	{ "preamp/hpon", 'i', 0, 0 },    { "preamp/hpslope", 'i', 0, 0 },
	{ "preamp/hpf", 'f', 0, 0 },     { "grp/dca", 'i', 0, 0 },
	{ "grp/mute", 'i', 0, 0 },       { "delay/on", 'i', 0, 0 },
	{ "delay/time", 'f', 0, 0 },     { "insert/on", 'i', 0, 0 },
	{ "gate/on", 'i', 0, 0 },        { "dyn/on", 'i', 0, 0 },
	{ "eq/on", 'i', 0, 0 },
};
static const struct leaf send_const[] = {
	{ "on", 'i', 1, 0 },   { "level", 'f', 0, 0 },     { "pan", 'f', 0, 0.5f },
	{ "type", 'i', 0, 0 }, { "panFollow", 'i', 0, 0 },
};
static const struct leaf mix_const[] = {
	{ "mix/on", 'i', 0, 0 },      { "mix/fader", 'f', 0, 0 },    { "mix/pan", 'f', 0, 0.5f },
	{ "mix/st", 'i', 1, 0 },      { "mix/mono", 'i', 0, 0 },     { "config/name", 's', 0, 0 },
	{ "config/icon", 'i', 1, 0 }, { "config/color", 'i', 0, 0 },
};

static int
leaf_const(const struct leaf *l, size_t n, const char *name, struct x32_target *t)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].name, name))
			return constant(t, l[i].type, l[i].i, l[i].f);
	return -ENOENT;
}

static int
channel_send(const struct params *ps, unsigned ch, unsigned bus, const char *leaf,
             struct x32_target *t)
{
	char a[PARAM_ADDRESS_MAX];

	if (ch > params_n_strips(ps) || bus > params_n_aux(ps))
		return leaf_const(send_const, sizeof(send_const) / sizeof(send_const[0]), leaf, t);
	if (!strcmp(leaf, "level")) {
		snprintf(a, sizeof(a), "/strip/%u/send/aux/%u/level", ch, bus);
		return param(ps, t, X32_FADER, 'f', a, 0, 0);
	}
	if (!strcmp(leaf, "on")) {
		/* mixd's sends have no switch: on is the level's being above -inf (x32_sends.c) */
		snprintf(a, sizeof(a), "/strip/%u/send/aux/%u/level", ch, bus);
		return param(ps, t, X32_SEND_ON, 'i', a, 1, 0);
	}
	if (!strcmp(leaf, "pan")) {
		snprintf(a, sizeof(a), "/strip/%u/send/aux/%u/pan", ch, bus);
		return param(ps, t, X32_PAN, 'f', a, 0, 0.5f);
	}
	return leaf_const(send_const, sizeof(send_const) / sizeof(send_const[0]), leaf, t);
}

/* A parameter under a law with a range and grid (X32_LIN, X32_LOG). */
static int
ranged(const struct params *ps, struct x32_target *t, enum x32_kind kind, const char *address,
       float lo, float hi, unsigned steps)
{
	int err = param(ps, t, kind, 'f', address, 0, 0.5f);

	t->lo = lo;
	t->hi = hi;
	t->steps = steps;
	return err;
}

/* The channel's EQ bands and compressor (Maillot's node formatter: EQ f logf 20..20k in 201
 * steps, g linf -15..15 by 0.25, q logf 10..0.3 in 72; dyn thr linf -60..0 by 0.5, knee 0..5
 * by 1, mgain 0..24 by 0.5, attack 0..120 by 1, release logf 5..4000 in 100). -ENOENT for a
 * leaf that is neither. */
static int
channel_eq_dyn(const struct params *ps, unsigned ch, const char *leaf, struct x32_target *t)
{
	static const struct {
		const char *leaf, *name;
		enum x32_kind kind;
		float lo, hi;
		unsigned steps;
	} dyn[] = {
		{ "thr", "threshold", X32_LIN, -60.0f, 0.0f, 121 },
		{ "ratio", "ratio", X32_RATIO, 0, 0, 0 },
		{ "knee", "knee", X32_LIN, 0.0f, 5.0f, 6 },
		{ "mgain", "makeup", X32_LIN, 0.0f, 24.0f, 49 },
		{ "attack", "attack", X32_LIN, 0.0f, 120.0f, 121 },
		{ "release", "release", X32_LOG, 5.0f, 4000.0f, 100 },
	};
	char a[PARAM_ADDRESS_MAX];
	bool here = ch <= params_n_strips(ps);

	if (!strncmp(leaf, "eq/", 3) && leaf[3] >= '1' && leaf[3] <= '4' && leaf[4] == '/') {
		const char *x = leaf + 5;
		int b = leaf[3] - '0';

		if (!strcmp(x, "type")) {
			if (!here)
				return constant(t, 'i', 2, 0);
			snprintf(a, sizeof(a), "/strip/%u/eq/%d/type", ch, b);
			return param(ps, t, X32_EQ_TYPE, 'i', a, 2, 0);
		}
		if (!here && (!strcmp(x, "f") || !strcmp(x, "g") || !strcmp(x, "q")))
			return constant(t, 'f', 0, 0.5f);
		snprintf(a, sizeof(a), "/strip/%u/eq/%d/%s", ch, b,
		         !strcmp(x, "f")   ? "freq"
		         : !strcmp(x, "g") ? "gain"
		                           : "q");
		if (!strcmp(x, "f"))
			return ranged(ps, t, X32_LOG, a, 20.0f, 20000.0f, 201);
		if (!strcmp(x, "g"))
			return ranged(ps, t, X32_LIN, a, -15.0f, 15.0f, 121);
		if (!strcmp(x, "q"))
			return ranged(ps, t, X32_LOG, a, 10.0f, 0.3f, 72);
		return -ENOENT;
	}
	if (strncmp(leaf, "dyn/", 4))
		return -ENOENT;
	for (size_t i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++) {
		if (strcmp(dyn[i].leaf, leaf + 4))
			continue;
		if (!here)
			return constant(t, dyn[i].kind == X32_RATIO ? 'i' : 'f', 0, 0);
		snprintf(a, sizeof(a), "/strip/%u/comp/%s", ch, dyn[i].name);
		if (dyn[i].kind == X32_RATIO)
			return param(ps, t, X32_RATIO, 'i', a, 0, 0);
		return ranged(ps, t, dyn[i].kind, a, dyn[i].lo, dyn[i].hi, dyn[i].steps);
	}
	return -ENOENT;
}

static int
channel(const struct params *ps, unsigned ch, const char *leaf, struct x32_target *t)
{
	static const struct {
		const char *leaf, *name;
		enum x32_kind kind;
		char type;
	} map[] = {
		{ "mix/on", "mute", X32_ON, 'i' },
		{ "mix/fader", "fader", X32_FADER, 'f' },
		{ "mix/pan", "pan", X32_PAN, 'f' },
		{ "config/name", "name", X32_NAME, 's' },
		{ "preamp/trim", "trim", X32_TRIM, 'f' },
		{ "preamp/invert", "polarity", X32_SWITCH, 'i' },
		{ "preamp/hpon", "hpf/on", X32_SWITCH, 'i' },
		{ "preamp/hpf", "hpf/freq", X32_HPF, 'f' },
		{ "eq/on", "eq/on", X32_SWITCH, 'i' },
		{ "dyn/on", "comp/on", X32_SWITCH, 'i' },
	};
	char a[PARAM_ADDRESS_MAX];
	const char *rest;
	int bus;

	if (!strncmp(leaf, "mix/", 4) && (bus = number(leaf + 4, 2, 1, X32_BUSES, &rest)) > 0)
		return channel_send(ps, ch, (unsigned)bus, rest, t);
	if (channel_eq_dyn(ps, ch, leaf, t) == 0)
		return 0;
	if (ch <= params_n_strips(ps)) {
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(map[i].leaf, leaf)) {
				snprintf(a, sizeof(a), "/strip/%u/%s", ch, map[i].name);
				return param(ps, t, map[i].kind, map[i].type, a, 0, 0);
			}
		if (!strcmp(leaf, "grp/dca") || !strcmp(leaf, "grp/mute")) {
			memset(t, 0, sizeof(*t));
			t->kind = leaf[4] == 'd' ? X32_DCA_MASK : X32_MUTE_MASK;
			t->type = 'i';
			t->idx = -1;
			t->strip = ch - 1;
			return 0;
		}
	}
	return leaf_const(ch_const, sizeof(ch_const) / sizeof(ch_const[0]), leaf, t);
}

/* A bus-like strip (aux bus, effect return, main): on, fader, name onto mixd's addresses, or
 * the console's constants where mixd has none (NULL). */
static int
mixlike(const struct params *ps, const char *leaf, const char *mute, const char *fader,
        const char *name, struct x32_target *t)
{
	if (!strcmp(leaf, "mix/on") && mute)
		return param(ps, t, X32_ON, 'i', mute, 0, 0);
	if (!strcmp(leaf, "mix/fader") && fader)
		return param(ps, t, X32_FADER, 'f', fader, 0, 0);
	if (!strcmp(leaf, "config/name") && name)
		return param(ps, t, X32_NAME, 's', name, 0, 0);
	return leaf_const(mix_const, sizeof(mix_const) / sizeof(mix_const[0]), leaf, t);
}

static int
solo_switch(const struct params *ps, unsigned n, struct x32_target *t)
{
	char a[PARAM_ADDRESS_MAX];

	if (n <= X32_CHANNELS)
		snprintf(a, sizeof(a), "/strip/%u/solo", n);
	else if (n >= 41 && n < 41 + N_FX)
		snprintf(a, sizeof(a), "/bus/%s/cue", engine_bus_names[n - 41]);
	else if (n >= 49 && n <= 64)
		snprintf(a, sizeof(a), "/aux/%u/cue", n - 48);
	else
		return constant(t, 'i', 0, 0);
	return param(ps, t, X32_SWITCH, 'i', a, 0, 0);
}

int
x32_resolve(const struct params *ps, const char *path, struct x32_target *t)
{
	char a[3][PARAM_ADDRESS_MAX];
	const char *rest;
	int n;

	if (!strncmp(path, "/ch/", 4) && (n = number(path + 4, 2, 1, X32_CHANNELS, &rest)) > 0)
		return channel(ps, (unsigned)n, rest, t);
	if (!strncmp(path, "/bus/", 5) && (n = number(path + 5, 2, 1, X32_BUSES, &rest)) > 0) {
		if ((unsigned)n > params_n_aux(ps))
			return mixlike(ps, rest, NULL, NULL, NULL, t);
		snprintf(a[0], sizeof(a[0]), "/aux/%d/mute", n);
		snprintf(a[1], sizeof(a[1]), "/aux/%d/fader", n);
		snprintf(a[2], sizeof(a[2]), "/aux/%d/name", n);
		return mixlike(ps, rest, a[0], a[1], a[2], t);
	}
	if (!strncmp(path, "/fxrtn/", 7) && (n = number(path + 7, 2, 1, X32_FXRTNS, &rest)) > 0) {
		if ((unsigned)n > N_FX)
			return mixlike(ps, rest, NULL, NULL, NULL, t);
		snprintf(a[0], sizeof(a[0]), "/bus/%s/mute", engine_bus_names[n - 1]);
		snprintf(a[1], sizeof(a[1]), "/bus/%s/return", engine_bus_names[n - 1]);
		return mixlike(ps, rest, a[0], a[1], NULL, t);
	}
	if (!strncmp(path, "/main/st/", 9)) {
		if (!strcmp(path + 9, "mix/pan"))
			return param(ps, t, X32_PAN, 'f', "/master/pan", 0, 0.5f);
		return mixlike(ps, path + 9, "/master/mute", "/master/fader", NULL, t);
	}
	if (!strncmp(path, "/dca/", 5) && (n = number(path + 5, 1, 1, X32_DCAS, &rest)) > 0) {
		const char *leaf = !strcmp(rest, "on")            ? "mute"
		                   : !strcmp(rest, "fader")       ? "fader"
		                   : !strcmp(rest, "config/name") ? "name"
		                                                  : NULL;
		if (!leaf)
			return -ENOENT;
		snprintf(a[0], sizeof(a[0]), "/dca/%d/%s", n, leaf);
		return param(ps, t,
		             leaf[0] == 'm'   ? X32_ON
		             : leaf[0] == 'f' ? X32_FADER
		                              : X32_NAME,
		             leaf[0] == 'm'   ? 'i'
		             : leaf[0] == 'f' ? 'f'
		                              : 's',
		             a[0], 0, 0);
	}
	if (!strncmp(path, "/config/mute/", 13) &&
	    (n = number(path + 13, 1, 1, X32_MUTEGRPS, &rest)) > 0 && !*rest) {
		snprintf(a[0], sizeof(a[0]), "/mutegroup/%d/on", n);
		return param(ps, t, X32_SWITCH, 'i', a[0], 0, 0);
	}
	if (!strncmp(path, "/-stat/solosw/", 14) &&
	    (n = number(path + 14, 2, 1, X32_SOLOSW, &rest)) > 0 && !*rest)
		return solo_switch(ps, (unsigned)n, t);
	if (!strcmp(path, "/-action/clearsolo")) {
		constant(t, 'i', 0, 0);
		t->kind = X32_CLEARSOLO;
		return 0;
	}
	/* what Companion asks of every console as it connects and keeps alive */
	if (!strcmp(path, "/-snap/name"))
		return constant(t, 's', 0, 0);
	if (!strcmp(path, "/-snap/index") || !strcmp(path, "/-stat/tape/etime") ||
	    !strcmp(path, "/-stat/tape/state") || !strcmp(path, "/-stat/selidx"))
		return constant(t, 'i', 0, 0);
	if (!strncmp(path, "/-libs/", 7)) {
		size_t len = strlen(path);

		if (len > 8 && !strcmp(path + len - 8, "/hasdata"))
			return constant(t, 'i', 0, 0);
		if (len > 5 && !strcmp(path + len - 5, "/name"))
			return constant(t, 's', 0, 0);
	}
	return -ENOENT;
}
