/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parameter table: instances, lookup, and parse / clamp / reject for every type. */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	unsigned n_rows, n_strip = 0, n_master = 0;
	const struct param_desc *t = param_table(&n_rows);
	struct params *ps = params_new(12);

	for (unsigned i = 0; i < n_rows; i++)
		t[i].scope == PARAM_SCOPE_STRIP ? n_strip++ : n_master++;
	ck_assert_uint_eq(params_count(ps), n_strip * 12 + n_master);
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
	suite_add_tcase(s, tc);
	return check_run(s);
}
