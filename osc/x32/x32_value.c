/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_value: a target's value read from the model and written to it in the console's types and
 * laws, and the way back from a parameter to its X32 address (x32_map.h).
 */
#include "x32_map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "model.h"
#include "x32_law.h"

#define X32_DCAS     8
#define X32_MUTEGRPS 6

/* The membership parameter of strip (0-based) in DCA or mute group k (0-based), or -1. */
static int
member(const struct params *ps, enum x32_kind kind, unsigned strip, unsigned k)
{
	char a[PARAM_ADDRESS_MAX];

	snprintf(a, sizeof(a), "/strip/%u/%s/%u", strip + 1,
	         kind == X32_DCA_MASK ? "dca" : "mutegroup", k + 1);
	return params_find(ps, a);
}

bool
x32_level_is_off(const struct params *ps, unsigned idx, float db)
{
	const struct param_desc *d = params_at(ps, idx)->d;

	return (d->flags & PARAM_F_OFF) && db <= d->min;
}

static unsigned
mask_bits(enum x32_kind kind)
{
	return kind == X32_DCA_MASK ? X32_DCAS : X32_MUTEGRPS;
}

void
x32_read(const struct model *m, const struct x32_target *t, struct x32_value *out)
{
	const struct params *ps = model_params(m);
	float v = t->idx >= 0 ? model_get(m, (unsigned)t->idx) : 0.0f;

	memset(out, 0, sizeof(*out));
	out->type = t->type;
	switch (t->kind) {
	case X32_CONST:
		*out = t->constant;
		break;
	case X32_FADER: {
		float db = x32_level_is_off(ps, (unsigned)t->idx, v) ? -INFINITY : v;

		out->f = x32_grid(x32_db_to_fader(db), X32_FADER_STEPS);
		break;
	}
	case X32_ON:
		out->i = v < 0.5f;
		break;
	case X32_SWITCH:
		out->i = v >= 0.5f;
		break;
	case X32_PAN:
		out->f = x32_grid(x32_mixd_to_pan(v), X32_PAN_STEPS);
		break;
	case X32_TRIM:
		out->f = x32_grid(x32_db_to_trim(v), X32_TRIM_STEPS);
		break;
	case X32_HPF:
		out->f = x32_grid(x32_hz_to_hpf(v), X32_HPF_STEPS);
		break;
	case X32_LIN:
		out->f = x32_grid(x32_value_to_lin(v, t->lo, t->hi), t->steps);
		break;
	case X32_LOG:
		out->f = x32_grid(x32_value_to_log(v, t->lo, t->hi), t->steps);
		break;
	case X32_EQ_TYPE: /* off, bell, lowshelf, highshelf: off has no X32 shape, shown as PEQ */
		out->i = (int32_t[]){ 2, 2, 1, 4 }[(unsigned)v < 4 ? (unsigned)v : 0];
		break;
	case X32_RATIO:
		out->i = x32_ratio_index(v);
		break;
	case X32_NAME:
		snprintf(out->s, sizeof(out->s), "%s", model_get_string(m, (unsigned)t->idx));
		break;
	case X32_DCA_MASK:
	case X32_MUTE_MASK:
		for (unsigned k = 0; k < mask_bits(t->kind); k++) {
			int idx = member(ps, t->kind, t->strip, k);

			if (idx >= 0 && model_get(m, (unsigned)idx) >= 0.5f)
				out->i |= 1 << k;
		}
		break;
	case X32_CLEARSOLO:
		break;
	case X32_SEND_ON:
		out->i = !x32_level_is_off(ps, (unsigned)t->idx, v);
		break;
	}
}

/* A float 0..1 from a client: f only, finite, in range. */
static int
unit_float(const struct x32_value *in, float *f)
{
	if (in->type != 'f')
		return -EINVAL;
	if (!isfinite(in->f) || in->f < 0.0f || in->f > 1.0f)
		return -ERANGE;
	*f = in->f;
	return 0;
}

/* A switch from a client: i 0 or 1 (a float 0.0 or 1.0 is taken too: TouchOSC sends only
 * floats). */
int
x32_switch_value(const struct x32_value *in, int *v)
{
	if (in->type == 'i' && (in->i == 0 || in->i == 1))
		*v = in->i;
	else if (in->type == 'f' && (in->f == 0.0f || in->f == 1.0f))
		*v = in->f == 1.0f;
	else
		return in->type == 'i' || in->type == 'f' ? -ERANGE : -EINVAL;
	return 0;
}

/* A fader as f 0..1 or, as the console takes it, a dB value in a string ("-2.3"); both are
 * snapped to the 1024-step grid. */
static int
fader_value(const struct x32_value *in, float *f)
{
	if (in->type == 's') {
		char *end;
		float db = strtof(in->s, &end);

		if (end == in->s || *end || isnan(db) || db > 10.0f)
			return -ERANGE;
		*f = x32_db_to_fader(db);
		return 0;
	}
	return unit_float(in, f);
}

int
x32_fader_db(const struct params *ps, unsigned idx, const struct x32_value *in, float *db)
{
	const struct param_desc *d = params_at(ps, idx)->d;
	float f;
	int err = fader_value(in, &f);

	if (err < 0)
		return err;
	*db = x32_fader_to_db(x32_grid(f, X32_FADER_STEPS));
	if (*db < d->min)
		*db = d->min;
	return 0;
}

static int
clear_solo(struct model *m)
{
	const struct params *ps = model_params(m);

	for (unsigned idx = 0; idx < params_count(ps); idx++) {
		const struct param *p = params_at(ps, idx);
		const char *n = p->d->name;
		size_t len = strlen(n);

		/* what /-stat/solosw shows: strip solos, effect and aux bus cues */
		if ((p->d->scope == PARAM_SCOPE_STRIP && !strcmp(n, "solo")) ||
		    ((p->d->scope == PARAM_SCOPE_BUS || p->d->scope == PARAM_SCOPE_AUX) &&
		     len >= 3 && !strcmp(n + len - 3, "cue")))
			if (model_get(m, idx) != 0.0f)
				model_set(m, idx, 0);
	}
	return 0;
}

int
x32_write(struct model *m, const struct x32_target *t, const struct x32_value *in)
{
	const struct params *ps = model_params(m);
	float f = 0.0f;
	int v = 0, err;

	switch (t->kind) {
	case X32_CONST:
		return -ENOENT;
	case X32_FADER:
		if ((err = x32_fader_db(ps, (unsigned)t->idx, in, &f)) < 0)
			return err;
		return model_set(m, (unsigned)t->idx, f);
	case X32_ON:
	case X32_SWITCH:
		if ((err = x32_switch_value(in, &v)) < 0)
			return err;
		return model_set(m, (unsigned)t->idx, t->kind == X32_ON ? !v : v);
	case X32_PAN:
		if ((err = unit_float(in, &f)) < 0)
			return err;
		return model_set(m, (unsigned)t->idx, x32_pan_to_mixd(x32_grid(f, X32_PAN_STEPS)));
	case X32_TRIM:
		if ((err = unit_float(in, &f)) < 0)
			return err;
		return model_set(m, (unsigned)t->idx, x32_trim_to_db(x32_grid(f, X32_TRIM_STEPS)));
	case X32_HPF:
		if ((err = unit_float(in, &f)) < 0)
			return err;
		return model_set(m, (unsigned)t->idx, x32_hpf_to_hz(x32_grid(f, X32_HPF_STEPS)));
	case X32_LIN:
	case X32_LOG:
		if ((err = unit_float(in, &f)) < 0)
			return err;
		f = x32_grid(f, t->steps);
		return model_set(m, (unsigned)t->idx,
		                 t->kind == X32_LIN ? x32_lin_to_value(f, t->lo, t->hi)
		                                    : x32_log_to_value(f, t->lo, t->hi));
	case X32_EQ_TYPE: {
		/* LCut LShv PEQ VEQ HShv HCut: mixd's bands have no cut shapes */
		static const int shape[] = { -1, 2, 1, 1, 3, -1 };

		if (in->type != 'i')
			return -EINVAL;
		if (in->i < 0 || in->i > 5 || shape[in->i] < 0)
			return -ERANGE;
		return model_set(m, (unsigned)t->idx, shape[in->i]);
	}
	case X32_RATIO:
		if (in->type != 'i')
			return -EINVAL;
		if (in->i < 0 || in->i >= X32_N_RATIOS)
			return -ERANGE;
		return model_set(m, (unsigned)t->idx, x32_ratios[in->i]);
	case X32_NAME:
		if (in->type != 's')
			return -EINVAL;
		return model_set_string(m, (unsigned)t->idx, in->s) < 0 ? -EINVAL : 0;
	case X32_DCA_MASK:
	case X32_MUTE_MASK:
		if (in->type != 'i')
			return -EINVAL;
		if (in->i < 0 || in->i >= 1 << mask_bits(t->kind))
			return -ERANGE;
		for (unsigned k = 0; k < mask_bits(t->kind); k++) {
			int idx = member(ps, t->kind, t->strip, k);

			/* a bit for a DCA or group mixd does not have changes nothing */
			if (idx >= 0)
				model_set(m, (unsigned)idx, (in->i >> k) & 1);
		}
		return 0;
	case X32_CLEARSOLO:
		if ((err = x32_switch_value(in, &v)) < 0)
			return err;
		return v ? clear_solo(m) : 0;
	case X32_SEND_ON:
		/* without the personality's saved levels (x32_sends.c): off takes the level to
		 * -inf, on leaves it where it is */
		if ((err = x32_switch_value(in, &v)) < 0)
			return err;
		return v ? 0
		         : model_set(m, (unsigned)t->idx, params_at(ps, (unsigned)t->idx)->d->min);
	}
	return -EINVAL;
}

/* The X32 address of strip-scope parameter name on channel ch (1-based). */
static int
strip_address(const char *name, unsigned ch, char *path, size_t n)
{
	static const char *const map[][2] = {
		{ "mute", "mix/on" },
		{ "fader", "mix/fader" },
		{ "pan", "mix/pan" },
		{ "name", "config/name" },
		{ "trim", "preamp/trim" },
		{ "polarity", "preamp/invert" },
		{ "hpf/on", "preamp/hpon" },
		{ "hpf/freq", "preamp/hpf" },
		{ "eq/on", "eq/on" },
		{ "comp/on", "dyn/on" },
		{ "comp/threshold", "dyn/thr" },
		{ "comp/ratio", "dyn/ratio" },
		{ "comp/knee", "dyn/knee" },
		{ "comp/makeup", "dyn/mgain" },
		{ "comp/attack", "dyn/attack" },
		{ "comp/release", "dyn/release" },
	};
	static const char *const band[][2] = {
		{ "type", "type" },
		{ "freq", "f" },
		{ "gain", "g" },
		{ "q", "q" },
	};

	if (!strcmp(name, "solo")) {
		snprintf(path, n, "/-stat/solosw/%02u", ch);
		return 0;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], name)) {
			snprintf(path, n, "/ch/%02u/%s", ch, map[i][1]);
			return 0;
		}
	if (!strncmp(name, "eq/", 3) && name[3] >= '1' && name[3] <= '4' && name[4] == '/')
		for (size_t i = 0; i < sizeof(band) / sizeof(band[0]); i++)
			if (!strcmp(band[i][0], name + 5)) {
				snprintf(path, n, "/ch/%02u/eq/%c/%s", ch, name[3], band[i][1]);
				return 0;
			}
	return -ENOENT;
}

static int
bus_address(const char *name, char *path, size_t n)
{
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
		size_t len = strlen(engine_bus_names[b]);

		if (strncmp(name, engine_bus_names[b], len) || name[len] != '/')
			continue;
		if (!strcmp(name + len + 1, "return"))
			snprintf(path, n, "/fxrtn/%02u/mix/fader", b + 1);
		else if (!strcmp(name + len + 1, "mute"))
			snprintf(path, n, "/fxrtn/%02u/mix/on", b + 1);
		else if (!strcmp(name + len + 1, "cue"))
			snprintf(path, n, "/-stat/solosw/%02u", 41 + b);
		else
			return -ENOENT;
		return 0;
	}
	return -ENOENT;
}

int
x32_address(const struct params *ps, unsigned idx, char *path, size_t n)
{
	const struct param *p;
	const char *name;
	unsigned ch, k;

	if (idx >= params_count(ps))
		return -ENOENT;
	p = params_at(ps, idx);
	name = p->d->name;
	ch = p->strip + 1;
	k = p->k + 1;
	switch (p->d->scope) {
	case PARAM_SCOPE_STRIP:
		return ch <= 32 ? strip_address(name, ch, path, n) : -ENOENT;
	case PARAM_SCOPE_STRIP_AUX:
		if (ch > 32 || k > 16 || (strcmp(name, "level") && strcmp(name, "pan")))
			return -ENOENT;
		snprintf(path, n, "/ch/%02u/mix/%02u/%s", ch, k, name);
		return 0;
	case PARAM_SCOPE_STRIP_DCA:
	case PARAM_SCOPE_STRIP_MUTEGROUP:
		if (ch > 32 || k > (p->d->scope == PARAM_SCOPE_STRIP_DCA ? 8u : 6u))
			return -ENOENT;
		snprintf(path, n, "/ch/%02u/grp/%s", ch,
		         p->d->scope == PARAM_SCOPE_STRIP_DCA ? "dca" : "mute");
		return 0;
	case PARAM_SCOPE_AUX:
		if (k > 16)
			return -ENOENT;
		if (!strcmp(name, "fader") || !strcmp(name, "mute"))
			snprintf(path, n, "/bus/%02u/mix/%s", k, name[0] == 'f' ? "fader" : "on");
		else if (!strcmp(name, "name"))
			snprintf(path, n, "/bus/%02u/config/name", k);
		else if (!strcmp(name, "cue"))
			snprintf(path, n, "/-stat/solosw/%02u", 48 + k);
		else
			return -ENOENT;
		return 0;
	case PARAM_SCOPE_BUS:
		return bus_address(name, path, n);
	case PARAM_SCOPE_MASTER:
		if (!strcmp(name, "fader") || !strcmp(name, "mute") || !strcmp(name, "pan")) {
			snprintf(path, n, "/main/st/mix/%s", name[0] == 'm' ? "on" : name);
			return 0;
		}
		return -ENOENT;
	case PARAM_SCOPE_DCA:
		if (k > 8)
			return -ENOENT;
		if (!strcmp(name, "fader") || !strcmp(name, "mute"))
			snprintf(path, n, "/dca/%u/%s", k, name[0] == 'f' ? "fader" : "on");
		else if (!strcmp(name, "name"))
			snprintf(path, n, "/dca/%u/config/name", k);
		else
			return -ENOENT;
		return 0;
	case PARAM_SCOPE_MUTEGROUP:
		if (k > 6 || strcmp(name, "on"))
			return -ENOENT;
		snprintf(path, n, "/config/mute/%u", k);
		return 0;
	default:
		return -ENOENT;
	}
}
