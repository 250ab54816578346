/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pan and balance laws against dsp-reference.md test 13. */
#include "check_run.h"
#include <math.h>
#include <stdlib.h>

#include "pan.h"

static double
db(double g)
{
	return 20.0 * log10(g);
}

START_TEST(centre_is_minus_3db)
{
	float gl, gr;

	pan_mono(0.0f, &gl, &gr);
	ck_assert_double_eq_tol(db(gl), -3.0103, 0.001);
	ck_assert_double_eq_tol(db(gr), -3.0103, 0.001);
}
END_TEST

START_TEST(constant_power_at_101_positions)
{
	for (int i = 0; i <= 100; i++) {
		float pos = -1.0f + 2.0f * (float)i / 100.0f, gl, gr;
		pan_mono(pos, &gl, &gr);
		ck_assert_double_eq_tol((double)gl * gl + (double)gr * gr, 1.0, 1e-6);
		ck_assert(gl >= 0.0f && gr >= 0.0f);
	}
}
END_TEST

START_TEST(hard_pans_are_exactly_zero)
{
	float gl, gr;

	pan_mono(-1.0f, &gl, &gr);
	ck_assert_float_eq(gr, 0.0f);
	ck_assert_float_eq(gl, 1.0f);
	pan_mono(1.0f, &gl, &gr);
	ck_assert_float_eq(gl, 0.0f);
	ck_assert_float_eq(gr, 1.0f);
	/* out of range and NaN clamp instead of escaping the law */
	pan_mono(-7.0f, &gl, &gr);
	ck_assert_float_eq(gr, 0.0f);
	pan_mono(NAN, &gl, &gr);
	ck_assert(isfinite(gl) && isfinite(gr));
}
END_TEST

START_TEST(balance_centre_unity_and_one_sided)
{
	float gl, gr;

	pan_balance(0.0f, &gl, &gr);
	ck_assert_float_eq(gl, 1.0f);
	ck_assert_float_eq(gr, 1.0f);
	pan_balance(0.5f, &gl, &gr);
	ck_assert_float_eq(gr, 1.0f);
	ck_assert_double_eq_tol(db(gl), -3.0103, 0.001);
	pan_balance(-1.0f, &gl, &gr);
	ck_assert_float_eq(gl, 1.0f);
	ck_assert_float_eq(gr, 0.0f);
	/* monotonic: moving right never raises the left side */
	float prev = 2.0f;
	for (int i = 0; i <= 100; i++) {
		pan_balance(-1.0f + 2.0f * (float)i / 100.0f, &gl, &gr);
		ck_assert(gl <= prev);
		prev = gl;
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pan");
	TCase *tc = tcase_create("laws");

	tcase_add_test(tc, centre_is_minus_3db);
	tcase_add_test(tc, constant_power_at_101_positions);
	tcase_add_test(tc, hard_pans_are_exactly_zero);
	tcase_add_test(tc, balance_centre_unity_and_one_sided);
	suite_add_tcase(s, tc);
	return check_run(s);
}
