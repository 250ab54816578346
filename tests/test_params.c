/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parameter table: instances, lookup, and parse / clamp / reject for every type. */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "engine.h"
#include "params.h"

static const struct param *
find(struct params *ps, const char *addr)
{
	int i = params_find(ps, addr);
	ck_assert_msg(i >= 0, "%s not found", addr);
	return params_at(ps, (unsigned)i);
}

START_TEST(instances_and_lookup)
{
	unsigned n_rows, n_strip = 0, n_other = 0;
	const struct param_desc *t = param_table(&n_rows);
	struct params *ps = params_new(12);

	/* no aux bus and no DCA: a strip has its own rows and its 6 mute-group memberships, and
	 * the mute groups theirs */
	for (unsigned i = 0; i < n_rows; i++) {
		unsigned per =
		    t[i].scope == PARAM_SCOPE_STRIP_MUTEGROUP || t[i].scope == PARAM_SCOPE_MUTEGROUP
		        ? ENGINE_MUTE_GROUPS
		        : 1;
		if (t[i].scope == PARAM_SCOPE_STRIP || t[i].scope == PARAM_SCOPE_STRIP_MUTEGROUP)
			n_strip += per;
		else if (t[i].scope != PARAM_SCOPE_STRIP_AUX && t[i].scope != PARAM_SCOPE_AUX &&
		         t[i].scope != PARAM_SCOPE_STRIP_DCA && t[i].scope != PARAM_SCOPE_DCA)
			n_other += per;
	}
	ck_assert_uint_eq(params_count(ps), n_strip * 12 + n_other);
	ck_assert_uint_eq(find(ps, "/strip/12/fader")->strip, 11);
	ck_assert_int_eq(find(ps, "/master/fader")->d->engine, ENGINE_MASTER_FADER);
	ck_assert_int_eq(params_find(ps, "/strip/13/fader"), -ENOENT);
	ck_assert_int_eq(params_find(ps, "/strip/0/fader"), -ENOENT);
	ck_assert_int_eq(params_find(ps, "/strip/1/fader/"), -ENOENT);
	ck_assert_int_eq(params_find(ps, ""), -ENOENT);
	/* every instance is found at its own index */
	for (unsigned i = 0; i < params_count(ps); i++)
		ck_assert_int_eq(params_find(ps, params_at(ps, i)->address), (int)i);
	ck_assert_ptr_null(params_new(0));
	ck_assert_ptr_null(params_new(ENGINE_MAX_STRIPS + 1));
	params_free(ps);
}
END_TEST

START_TEST(float_clamp_and_reject)
{
	struct params *ps = params_new(1);
	const struct param_desc *fader = find(ps, "/strip/1/fader")->d;
	const struct param_desc *pan = find(ps, "/strip/1/pan")->d;
	float v;

	ck_assert_int_eq(param_clamp(fader, -6.5, &v), 0);
	ck_assert_float_eq(v, -6.5f);
	ck_assert_int_eq(param_clamp(fader, 40.0, &v), 0);
	ck_assert_float_eq(v, 10.0f);
	ck_assert_int_eq(param_clamp(fader, -1000.0, &v), 0);
	ck_assert_float_eq(v, -144.0f);
	ck_assert_int_eq(param_clamp(pan, 5.0, &v), 0);
	ck_assert_float_eq(v, 1.0f);
	v = 123.0f;
	ck_assert_int_eq(param_clamp(fader, NAN, &v), -EDOM);
	ck_assert_int_eq(param_clamp(fader, INFINITY, &v), -EDOM);
	ck_assert_int_eq(param_clamp(fader, -INFINITY, &v), -EDOM);
	ck_assert_float_eq(v, 123.0f); /* rejected: untouched */
	params_free(ps);
}
END_TEST

START_TEST(int_rounds_and_clamps)
{
	struct params *ps = params_new(1);
	const struct param_desc *mute = find(ps, "/strip/1/mute")->d;
	float v;

	ck_assert_int_eq(param_clamp(mute, 0.7, &v), 0);
	ck_assert_float_eq(v, 1.0f);
	ck_assert_int_eq(param_clamp(mute, 0.2, &v), 0);
	ck_assert_float_eq(v, 0.0f);
	ck_assert_int_eq(param_clamp(mute, 7, &v), 0);
	ck_assert_float_eq(v, 1.0f);
	ck_assert_int_eq(param_clamp(mute, -3, &v), 0);
	ck_assert_float_eq(v, 0.0f);
	ck_assert_int_eq(param_clamp(mute, NAN, &v), -EDOM);
	params_free(ps);
}
END_TEST

START_TEST(text_parse)
{
	struct params *ps = params_new(1);
	const struct param_desc *fader = find(ps, "/strip/1/fader")->d;
	const struct param_desc *trim = find(ps, "/strip/1/trim")->d;
	float v;

	ck_assert_int_eq(param_parse(fader, "-inf", &v), 0);
	ck_assert_float_eq(v, -144.0f);
	ck_assert_int_eq(param_parse(trim, "-inf", &v), -EDOM); /* trim has no "off" */
	ck_assert_int_eq(param_parse(fader, "-12.25", &v), 0);
	ck_assert_float_eq(v, -12.25f);
	ck_assert_int_eq(param_parse(fader, "1e1", &v), 0);
	ck_assert_float_eq(v, 10.0f);
	ck_assert_int_eq(param_parse(fader, "", &v), -EINVAL);
	ck_assert_int_eq(param_parse(fader, "abc", &v), -EINVAL);
	ck_assert_int_eq(param_parse(fader, "3dB", &v), -EINVAL);
	ck_assert_int_eq(param_parse(fader, "nan", &v), -EDOM);
	ck_assert_int_eq(param_parse(fader, "inf", &v), -EDOM);
	params_free(ps);
}
END_TEST

START_TEST(format_round_trips)
{
	struct params *ps = params_new(1);
	const struct param_desc *fader = find(ps, "/strip/1/fader")->d;
	const struct param_desc *mute = find(ps, "/strip/1/mute")->d;
	char buf[64];
	float back;

	param_format(fader, 0.1f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.1");
	param_format(fader, -144.0f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-inf");
	param_format(mute, 1.0f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1");
	for (int i = 0; i < 10000; i++) {
		float v = -143.0f + 153.0f * (float)i / 10000.0f;
		param_format(fader, v, buf, sizeof(buf));
		ck_assert_int_eq(param_parse(fader, buf, &back), 0);
		ck_assert_msg(back == v, "%.9g -> %s -> %.9g", (double)v, buf, (double)back);
	}
	params_free(ps);
}
END_TEST

START_TEST(strings)
{
	struct params *ps = params_new(3);
	const struct param *name = find(ps, "/strip/3/name");
	char def[PARAM_STRING_MAX + 1];
	char long_name[PARAM_STRING_MAX + 2];

	param_default_string(name, def, sizeof(def));
	ck_assert_str_eq(def, "3");
	ck_assert_int_eq(param_check_string("Kick In"), 0);
	ck_assert_int_eq(param_check_string("Größe"), 0); /* UTF-8 is fine */
	ck_assert_int_eq(param_check_string(""), 0);
	ck_assert_int_eq(param_check_string("a\nb"), -EINVAL);
	ck_assert_int_eq(param_check_string("a\x7f"), -EINVAL);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ck_assert_int_eq(param_check_string(long_name), -E2BIG);
	long_name[PARAM_STRING_MAX] = '\0';
	ck_assert_int_eq(param_check_string(long_name), 0);
	params_free(ps);
}
END_TEST

/* Every address of design.md section 3 this table has so far, with the engine id it drives. */
START_TEST(every_address_found)
{
	static const struct {
		const char *address;
		int engine;
		unsigned strip;
	} want[] = {
		{ "/strip/1/name", -1, 0 },
		{ "/strip/2/trim", ENGINE_STRIP_TRIM, 1 },
		{ "/strip/2/polarity", ENGINE_STRIP_POLARITY, 1 },
		{ "/strip/2/hpf/on", ENGINE_STRIP_HPF_ON, 1 },
		{ "/strip/2/hpf/freq", ENGINE_STRIP_HPF_FREQ, 1 },
		{ "/strip/2/hpf/slope", ENGINE_STRIP_HPF_SLOPE, 1 },
		{ "/strip/2/eq/on", ENGINE_STRIP_EQ_ON, 1 },
		{ "/strip/1/eq/1/type", ENGINE_STRIP_EQ_TYPE(0), 0 },
		{ "/strip/1/eq/2/freq", ENGINE_STRIP_EQ_FREQ(1), 0 },
		{ "/strip/1/eq/3/gain", ENGINE_STRIP_EQ_GAIN(2), 0 },
		{ "/strip/3/eq/4/q", ENGINE_STRIP_EQ_Q(3), 2 },
		{ "/strip/3/eq/4/type", ENGINE_STRIP_EQ_TYPE(3), 2 },
		{ "/strip/3/comp/on", ENGINE_STRIP_COMP_ON, 2 },
		{ "/strip/3/comp/threshold", ENGINE_STRIP_COMP_THRESHOLD, 2 },
		{ "/strip/3/comp/ratio", ENGINE_STRIP_COMP_RATIO, 2 },
		{ "/strip/3/comp/knee", ENGINE_STRIP_COMP_KNEE, 2 },
		{ "/strip/3/comp/attack", ENGINE_STRIP_COMP_ATTACK, 2 },
		{ "/strip/3/comp/release", ENGINE_STRIP_COMP_RELEASE, 2 },
		{ "/strip/3/comp/makeup", ENGINE_STRIP_COMP_MAKEUP, 2 },
		{ "/strip/3/fader", ENGINE_STRIP_FADER, 2 },
		{ "/strip/3/pan", ENGINE_STRIP_PAN, 2 },
		{ "/strip/3/mute", ENGINE_STRIP_MUTE, 2 },
		{ "/strip/3/solo", ENGINE_STRIP_SOLO, 2 },
		{ "/strip/3/send/reverb/level", ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_REVERB), 2 },
		{ "/strip/3/send/reverb/pre", ENGINE_STRIP_SEND_PRE(ENGINE_BUS_REVERB), 2 },
		{ "/strip/3/send/delay/level", ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_DELAY), 2 },
		{ "/strip/3/send/delay/pre", ENGINE_STRIP_SEND_PRE(ENGINE_BUS_DELAY), 2 },
		{ "/bus/reverb/return", ENGINE_BUS_RETURN(ENGINE_BUS_REVERB), 0 },
		{ "/bus/reverb/mute", ENGINE_BUS_MUTE(ENGINE_BUS_REVERB), 0 },
		{ "/bus/delay/return", ENGINE_BUS_RETURN(ENGINE_BUS_DELAY), 0 },
		{ "/bus/delay/mute", ENGINE_BUS_MUTE(ENGINE_BUS_DELAY), 0 },
		{ "/bus/reverb/time", ENGINE_REVERB_TIME, 0 },
		{ "/bus/reverb/damping", ENGINE_REVERB_DAMPING, 0 },
		{ "/bus/reverb/predelay", ENGINE_REVERB_PREDELAY, 0 },
		{ "/bus/delay/time", ENGINE_DELAY_TIME, 0 },
		{ "/bus/delay/feedback", ENGINE_DELAY_FEEDBACK, 0 },
		{ "/bus/delay/sync", ENGINE_DELAY_SYNC, 0 },
		{ "/bus/delay/division", ENGINE_DELAY_DIVISION, 0 },
		{ "/bus/delay/lowcut", ENGINE_DELAY_LOWCUT, 0 },
		{ "/bus/delay/highcut", ENGINE_DELAY_HIGHCUT, 0 },
		{ "/bus/delay/pingpong", ENGINE_DELAY_PINGPONG, 0 },
		{ "/master/eq/on", ENGINE_MASTER_OF(ENGINE_STRIP_EQ_ON), 0 },
		{ "/master/eq/1/type", ENGINE_MASTER_OF(ENGINE_STRIP_EQ_TYPE(0)), 0 },
		{ "/master/eq/4/q", ENGINE_MASTER_OF(ENGINE_STRIP_EQ_Q(3)), 0 },
		{ "/master/comp/on", ENGINE_MASTER_OF(ENGINE_STRIP_COMP_ON), 0 },
		{ "/master/comp/makeup", ENGINE_MASTER_COMP_MAKEUP, 0 },
		{ "/master/width", ENGINE_MASTER_WIDTH, 0 },
		{ "/master/limiter/on", ENGINE_MASTER_LIMITER_ON, 0 },
		{ "/master/limiter/ceiling", ENGINE_MASTER_LIMITER_CEILING, 0 },
		{ "/master/limiter/release", ENGINE_MASTER_LIMITER_RELEASE, 0 },
		{ "/master/limiter/truepeak", ENGINE_MASTER_LIMITER_TRUEPEAK, 0 },
		{ "/master/fader", ENGINE_MASTER_FADER, 0 },
		{ "/master/mute", ENGINE_MASTER_MUTE, 0 },
		{ "/master/loudness/target", -1, 0 }, /* control-only: the loudness meter's */
	};
	struct params *ps = params_new(3);
	unsigned n = params_count(ps);

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct param *p = find(ps, want[i].address);
		ck_assert_msg(p->d->engine == want[i].engine, "%s drives %d, not %d",
		              want[i].address, p->d->engine, want[i].engine);
		ck_assert_uint_eq(p->strip, want[i].strip);
	}
	ck_assert_int_eq(params_find(ps, "/strip/3/eq/5/q"), -ENOENT);
	ck_assert_int_eq(params_find(ps, "/bus/flanger/return"), -ENOENT);
	/* each strip with all its rows, in strip order; then buses, master, the mute groups and
	 * the monitor, however many rows each has */
	for (unsigned i = 1; i < n; i++) {
		const struct param *a = params_at(ps, i - 1), *b = params_at(ps, i);
		bool a_strip = !strncmp(a->address, "/strip/", 7);
		bool b_strip = !strncmp(b->address, "/strip/", 7);

		ck_assert_msg(a_strip || !b_strip, "%s before %s", a->address, b->address);
		if (a_strip && b_strip)
			ck_assert_uint_le(a->strip, b->strip);
		if (!a_strip && !b_strip)
			ck_assert_uint_le(a->d->scope, b->d->scope);
	}
	ck_assert_uint_eq(params_at(ps, 0)->d->scope, PARAM_SCOPE_STRIP);
	ck_assert_uint_eq(params_at(ps, (unsigned)params_find(ps, "/bus/reverb/return"))->d->scope,
	                  PARAM_SCOPE_BUS);
	ck_assert_uint_eq(params_at(ps, n - 1)->d->scope, PARAM_SCOPE_MONITOR);
	params_free(ps);
}
END_TEST

/* Each row: default in range and a value param_clamp keeps (an allowed one, a whole index);
 * an enum's range is its choices; every engine id driven by one row only. */
START_TEST(every_row_consistent)
{
	unsigned n;
	const struct param_desc *t = param_table(&n);
	unsigned driven[ENGINE_N_PARAMS] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		const struct param_desc *d = &t[i];
		float v = NAN;

		ck_assert_msg(d->doc && d->doc[0], "%s has no doc", d->name);
		ck_assert_msg(d->min <= d->def && d->def <= d->max, "%s default out of range",
		              d->name);
		if (d->type != PARAM_STRING) {
			ck_assert_int_eq(param_clamp(d, d->def, &v), 0);
			ck_assert_msg(v == d->def, "%s default %g clamps to %g", d->name,
			              (double)d->def, (double)v);
		}
		if (d->type == PARAM_ENUM) {
			unsigned k = 0;
			ck_assert_ptr_nonnull(d->choices);
			while (d->choices[k])
				k++;
			ck_assert_msg(d->min == 0 && d->max == (float)(k - 1), "%s range", d->name);
			ck_assert_msg(d->def == floorf(d->def) && d->def < (float)k, "%s default",
			              d->name);
		} else {
			ck_assert_ptr_null(d->choices);
		}
		ck_assert_int_ge(d->engine, -1);
		ck_assert_int_lt(d->engine, ENGINE_N_PARAMS);
		if (d->engine >= 0) {
			ck_assert_msg(!driven[d->engine]++, "engine id %d driven twice (%s)",
			              d->engine, d->name);
		}
	}
}
END_TEST

START_TEST(enum_by_name_and_index)
{
	struct params *ps = params_new(2);
	const struct param *type1 = find(ps, "/strip/2/eq/1/type");
	const struct param_desc *d = type1->d;
	char buf[64];
	float v = -1;

	ck_assert_int_eq(param_wire_type(d), 's');
	/* names, whose index is the engine's enum */
	ck_assert_int_eq(param_parse(d, "off", &v), 0);
	ck_assert_float_eq(v, ENGINE_EQ_OFF);
	ck_assert_int_eq(param_parse(d, "bell", &v), 0);
	ck_assert_float_eq(v, ENGINE_EQ_BELL);
	ck_assert_int_eq(param_parse(d, "lowshelf", &v), 0);
	ck_assert_float_eq(v, ENGINE_EQ_LOWSHELF);
	ck_assert_int_eq(param_parse(d, "highshelf", &v), 0);
	ck_assert_float_eq(v, ENGINE_EQ_HIGHSHELF);
	/* a number is the index, rounded and clamped */
	ck_assert_int_eq(param_parse(d, "2", &v), 0);
	ck_assert_float_eq(v, 2.0f);
	ck_assert_int_eq(param_parse(d, "0.6", &v), 0);
	ck_assert_float_eq(v, 1.0f);
	ck_assert_int_eq(param_parse(d, "9", &v), 0);
	ck_assert_float_eq(v, 3.0f);
	ck_assert_int_eq(param_clamp(d, -2.0, &v), 0);
	ck_assert_float_eq(v, 0.0f);
	ck_assert_int_eq(param_clamp(d, 2.4, &v), 0);
	ck_assert_float_eq(v, 2.0f);
	/* anything else is rejected and leaves the value alone */
	v = 1.0f;
	ck_assert_int_eq(param_parse(d, "peak", &v), -EINVAL);
	ck_assert_int_eq(param_parse(d, "Bell", &v), -EINVAL);
	ck_assert_int_eq(param_parse(d, "", &v), -EINVAL);
	ck_assert_int_eq(param_parse(d, "-inf", &v), -EDOM);
	ck_assert_int_eq(param_parse(d, "nan", &v), -EDOM);
	ck_assert_int_eq(param_clamp(d, NAN, &v), -EDOM);
	ck_assert_float_eq(v, 1.0f);
	ck_assert_str_eq(param_error(d, -EINVAL, buf, sizeof(buf)),
	                 "expected one of: off bell lowshelf highshelf");
	ck_assert_str_eq(param_error(d, -EDOM, buf, sizeof(buf)), "non-finite value");
	/* the text form is the name */
	param_format(d, ENGINE_EQ_LOWSHELF, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lowshelf");
	param_format(d, 0.0f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "off");
	param_format(d, 7.0f, buf, sizeof(buf)); /* out of range: clamped, never past the end */
	ck_assert_str_eq(buf, "highshelf");
	for (unsigned i = 0; i < 4; i++) {
		param_format(d, (float)i, buf, sizeof(buf));
		ck_assert_int_eq(param_parse(d, buf, &v), 0);
		ck_assert_float_eq(v, (float)i);
	}
	/* as /list shows it */
	ck_assert_str_eq(param_unit(d, buf, sizeof(buf)), "off|bell|lowshelf|highshelf");
	param_default_string(type1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lowshelf");
	param_default_string(find(ps, "/strip/1/eq/2/type"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "bell");
	param_default_string(find(ps, "/strip/1/eq/4/type"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "highshelf");
	/* truncation stays inside the buffer */
	ck_assert_str_eq(param_unit(d, buf, 8), "off|bel");
	params_free(ps);
}
END_TEST

/* The master's glue compressor is the strip's with slower, gentler defaults; the delay's
 * division is an enum of note values. */
START_TEST(master_and_bus_defaults)
{
	struct params *ps = params_new(1);
	char buf[32];

	ck_assert_float_eq(find(ps, "/master/comp/ratio")->d->def, 2.0f);
	ck_assert_float_eq(find(ps, "/master/comp/attack")->d->def, 30.0f);
	ck_assert_float_eq(find(ps, "/master/comp/release")->d->def, 300.0f);
	ck_assert_float_eq(find(ps, "/strip/1/comp/ratio")->d->def, 4.0f);
	ck_assert_float_eq(find(ps, "/master/limiter/on")->d->def, 1.0f);
	ck_assert_float_eq(find(ps, "/master/limiter/ceiling")->d->def, -1.0f);
	param_default_string(find(ps, "/bus/delay/division"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "1/4");
	param_format(find(ps, "/bus/delay/division")->d, 7.0f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1/8d");
	params_free(ps);
}
END_TEST

START_TEST(slope_snaps_to_allowed)
{
	struct params *ps = params_new(1);
	const struct param_desc *slope = find(ps, "/strip/1/hpf/slope")->d;
	static const struct {
		double in;
		float out;
	} cases[] = {
		{ 12, 12 },   { 24, 24 }, { 17, 12 }, { 18, 24 },   { 17.4, 12 },
		{ 17.6, 24 }, { 30, 24 }, { 5, 12 },  { -1e9, 12 }, { 1e9, 24 },
	};
	float v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(param_clamp(slope, cases[i].in, &v), 0);
		ck_assert_msg(v == cases[i].out, "%g -> %g, expected %g", cases[i].in, (double)v,
		              (double)cases[i].out);
	}
	ck_assert_int_eq(param_parse(slope, "18", &v), 0);
	ck_assert_float_eq(v, 24.0f);
	ck_assert_int_eq(param_wire_type(slope), 'i');
	params_free(ps);
}
END_TEST

START_TEST(wire_types_and_prefixes)
{
	struct params *ps = params_new(1);
	char buf[16] = "x";

	ck_assert_int_eq(param_wire_type(find(ps, "/strip/1/name")->d), 's');
	ck_assert_int_eq(param_wire_type(find(ps, "/strip/1/mute")->d), 'i');
	ck_assert_int_eq(param_wire_type(find(ps, "/bus/reverb/return")->d), 'f');
	ck_assert_str_eq(param_scope_prefix(PARAM_SCOPE_STRIP), "/strip/N/");
	ck_assert_str_eq(param_scope_prefix(PARAM_SCOPE_BUS), "/bus/");
	ck_assert_str_eq(param_scope_prefix(PARAM_SCOPE_MASTER), "/master/");
	ck_assert_str_eq(param_unit(find(ps, "/strip/1/hpf/freq")->d, buf, sizeof(buf)), "Hz");
	param_default_string(find(ps, "/bus/delay/mute"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	/* sends start off, returns at unity */
	ck_assert_float_eq(find(ps, "/strip/1/send/delay/level")->d->def, -144.0f);
	ck_assert_float_eq(find(ps, "/bus/delay/return")->d->def, 0.0f);
	params_free(ps);
}
END_TEST

/* The live console's rows: a second index K, the engine idx each drives, pan only on stereo aux
 * buses, the default names, and the sizes of the largest console. */
START_TEST(live_layout)
{
	const bool aux_stereo[4] = { false, true, false, false };
	const struct params_layout l = {
		.n_strips = 3, .n_aux = 4, .aux_stereo = aux_stereo, .n_dca = 2
	};
	struct params *ps = params_new_layout(&l);
	const struct param *p;
	char buf[64];

	ck_assert_ptr_nonnull(ps);
	ck_assert_uint_eq(params_n_aux(ps), 4);
	ck_assert_uint_eq(params_n_dca(ps), 2);
	ck_assert(params_aux_stereo(ps, 1) && !params_aux_stereo(ps, 0) &&
	          !params_aux_stereo(ps, 9));
	p = find(ps, "/strip/3/send/aux/4/level");
	ck_assert_int_eq(p->d->engine, ENGINE_STRIP_AUX_LEVEL);
	ck_assert_uint_eq(p->eidx, ENGINE_AUX_IDX(2, 3));
	ck_assert_uint_eq(p->strip, 2);
	ck_assert_uint_eq(p->k, 3);
	ck_assert_float_eq(p->d->def, ENGINE_LEVEL_OFF_DB);
	ck_assert_float_eq(find(ps, "/strip/1/send/aux/1/pre")->d->def, 1);
	ck_assert_uint_eq(find(ps, "/strip/2/send/aux/2/pan")->eidx, ENGINE_AUX_IDX(1, 1));
	ck_assert_int_eq(params_find(ps, "/strip/2/send/aux/1/pan"), -ENOENT); /* mono bus */
	ck_assert_int_eq(params_find(ps, "/strip/2/send/aux/5/level"), -ENOENT);
	ck_assert_int_eq(params_find(ps, "/strip/2/send/aux/0/level"), -ENOENT);
	p = find(ps, "/strip/2/dca/2");
	ck_assert_int_eq(p->d->engine, ENGINE_STRIP_DCA);
	ck_assert_uint_eq(p->eidx, ENGINE_DCA_IDX(1, 1));
	ck_assert_int_eq(params_find(ps, "/strip/2/dca/3"), -ENOENT);
	p = find(ps, "/strip/3/mutegroup/6");
	ck_assert_uint_eq(p->eidx, ENGINE_MG_IDX(2, 5));
	ck_assert_int_eq(params_find(ps, "/strip/3/mutegroup/7"), -ENOENT);
	ck_assert_uint_eq(find(ps, "/aux/4/fader")->eidx, 3);
	ck_assert_int_eq(find(ps, "/aux/2/master")->d->engine, ENGINE_AUX_MASTER);
	ck_assert_uint_eq(find(ps, "/dca/2/fader")->eidx, 1);
	ck_assert_uint_eq(find(ps, "/mutegroup/6/on")->eidx, 5);
	ck_assert_int_eq(find(ps, "/monitor/mode")->d->type, PARAM_ENUM);
	ck_assert_int_eq(find(ps, "/bus/chorus/cue")->d->engine, ENGINE_BUS_CUE(ENGINE_BUS_CHORUS));
	/* the chorus's rows read chorus.h's range constants */
	p = find(ps, "/bus/chorus/rate");
	ck_assert_int_eq(p->d->engine, ENGINE_CHORUS_RATE);
	ck_assert_float_eq(p->d->min, CHORUS_RATE_MIN);
	ck_assert_float_eq(p->d->def, CHORUS_RATE_DEFAULT);
	ck_assert_int_eq(find(ps, "/bus/chorus/depth")->d->engine, ENGINE_CHORUS_DEPTH);
	ck_assert_float_eq(find(ps, "/bus/chorus/voices")->d->max, CHORUS_VOICES_MAX);
	ck_assert_uint_eq(find(ps, "/strip/3/cue")->eidx, 2);
	param_default_string(find(ps, "/aux/3/name"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "Aux 3");
	param_default_string(find(ps, "/dca/1/name"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "DCA 1");
	param_format(find(ps, "/monitor/mode")->d, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "afl");
	ck_assert(param_scope_sparse(PARAM_SCOPE_STRIP_AUX) &&
	          !param_scope_sparse(PARAM_SCOPE_AUX));
	for (unsigned i = 0; i < params_count(ps); i++)
		ck_assert_int_eq(params_find(ps, params_at(ps, i)->address), (int)i);
	params_free(ps);

	/* out of range: nothing */
	const struct params_layout bad_aux = { .n_strips = 1, .n_aux = ENGINE_MAX_AUX + 1 };
	const struct params_layout bad_dca = { .n_strips = 1, .n_dca = ENGINE_MAX_DCA + 1 };
	ck_assert_ptr_null(params_new_layout(&bad_aux));
	ck_assert_ptr_null(params_new_layout(&bad_dca));
}
END_TEST

/* The largest console fits the 16-bit parameter indices and its addresses their buffer. */
START_TEST(largest_console)
{
	bool all[ENGINE_MAX_AUX];
	struct params_layout l = { .n_strips = ENGINE_MAX_STRIPS,
		                   .n_aux = ENGINE_MAX_AUX,
		                   .aux_stereo = all,
		                   .n_dca = ENGINE_MAX_DCA };
	struct params *ps;

	for (unsigned k = 0; k < ENGINE_MAX_AUX; k++)
		all[k] = true;
	ps = params_new_layout(&l);
	ck_assert_ptr_nonnull(ps);
	ck_assert_uint_le(params_count(ps), UINT16_MAX);
	ck_assert_uint_eq(find(ps, "/strip/256/send/aux/32/pan")->eidx, ENGINE_AUX_IDX(255, 31));
	ck_assert_uint_eq(find(ps, "/strip/256/dca/32")->eidx, ENGINE_DCA_IDX(255, 31));
	fprintf(stderr, "largest console: %u parameters\n", params_count(ps));
	params_free(ps);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, instances_and_lookup);
	tcase_add_test(tc, float_clamp_and_reject);
	tcase_add_test(tc, int_rounds_and_clamps);
	tcase_add_test(tc, text_parse);
	tcase_add_test(tc, format_round_trips);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, every_address_found);
	tcase_add_test(tc, every_row_consistent);
	tcase_add_test(tc, enum_by_name_and_index);
	tcase_add_test(tc, slope_snaps_to_allowed);
	tcase_add_test(tc, master_and_bus_defaults);
	tcase_add_test(tc, wire_types_and_prefixes);
	tcase_add_test(tc, live_layout);
	tcase_add_test(tc, largest_console);
	suite_add_tcase(s, tc);
	return check_run(s);
}
