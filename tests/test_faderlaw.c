/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The X32/M32 fader law against dsp-reference.md §6 and acceptance test 12. */
#include "check_run.h"
#include <math.h>
#include <stdio.h>

#include "faderlaw.h"

/* Test 12: the table, exact to 1e-4 dB. */
START_TEST(law_table)
{
	static const struct {
		float f;
		double db;
	} t[] = {
		{ 1.0f, 10.0 },   { 0.75f, 0.0 },       { 0.5f, -10.0 },     { 0.375f, -20.0 },
		{ 0.25f, -30.0 }, { 0.0625f, -60.0 },   { 0.03125f, -75.0 }, { 0.125f, -50.0 },
		{ 0.875f, 5.0 },  { 1e-6f, -89.99952 },
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double db = faderlaw_to_db(t[i].f);
		ck_assert_msg(fabs(db - t[i].db) <= 1e-4, "f=%.7g: %.7f dB, expected %.7f", t[i].f,
		              db, t[i].db);
		if (t[i].f > 1e-3f) {
			double f = faderlaw_from_db((float)t[i].db);
			ck_assert_msg(fabs(f - t[i].f) <= 1e-6, "%.4f dB: f=%.8f, expected %.8f",
			              t[i].db, f, t[i].f);
		}
	}
	ck_assert(isinf(faderlaw_to_db(0.0f)) && faderlaw_to_db(0.0f) < 0.0f);
	ck_assert_float_eq(faderlaw_from_db(-INFINITY), 0.0f);
}
END_TEST

/* Out of range and NaN: clamped, never NaN, NaN is off. */
START_TEST(clamps_and_nan)
{
	ck_assert(isinf(faderlaw_to_db(-0.5f)) && faderlaw_to_db(-0.5f) < 0.0f);
	ck_assert(isinf(faderlaw_to_db(NAN)) && faderlaw_to_db(NAN) < 0.0f);
	ck_assert_float_eq(faderlaw_to_db(7.0f), 10.0f);
	ck_assert_float_eq(faderlaw_to_db(INFINITY), 10.0f);
	ck_assert_float_eq(faderlaw_from_db(NAN), 0.0f);
	ck_assert_float_eq(faderlaw_from_db(-90.0f), 0.0f);
	ck_assert_float_eq(faderlaw_from_db(-500.0f), 0.0f);
	ck_assert_float_eq(faderlaw_from_db(30.0f), 1.0f);
	ck_assert_float_eq(faderlaw_from_db(INFINITY), 1.0f);
	ck_assert_float_eq(faderlaw_quantise(NAN), 0.0f);
	ck_assert_float_eq(faderlaw_quantise(-1.0f), 0.0f);
	ck_assert_float_eq(faderlaw_quantise(2.0f), 1.0f);
	ck_assert_float_eq(faderlaw_quantise(0.75f), roundf(0.75f * 1023.0f) / 1023.0f);
}
END_TEST

/* Slope of the law at position f in dB per unit of position. */
static double
slope_at(double f)
{
	return f < 0.0625 ? 480.0 : f < 0.25 ? 160.0 : f < 0.5 ? 80.0 : 40.0;
}

/* Test 12: dB -> f -> dB over a dense sweep -90..+10 dB: exact without quantisation; within half
 * a 1/1023 step (in position, and in dB at the local slope) with it. */
START_TEST(round_trip)
{
	const double half = 0.5 / FADERLAW_STEPS;
	double worst_exact = 0.0, worst_pos = 0.0, worst_db = 0.0;

	for (int i = 1; i <= 100000; i++) {
		double d = -90.0 + 100.0 * i / 100000.0;
		float f = faderlaw_from_db((float)d), q = faderlaw_quantise(f);
		double back = faderlaw_to_db(f), err = fabs(back - d);

		ck_assert_msg(err <= 1e-4, "%.5f dB -> f=%.8f -> %.6f dB", d, f, back);
		worst_exact = fmax(worst_exact, err);
		ck_assert_msg(fabs((double)q - f) <= half + 1e-7, "%.5f dB: f=%.8f quantised %.8f",
		              d, f, q);
		worst_pos = fmax(worst_pos, fabs((double)q - f));
		if (q == 0.0f) {
			/* only the bottom half step rounds to off */
			ck_assert_msg(d < -90.0 + 480.0 * half + 1e-4, "%.5f dB quantised to off",
			              d);
			continue;
		}
		double dq = faderlaw_to_db(q);
		double bound = half * fmax(slope_at(f), slope_at(q)) + 1e-4;
		ck_assert_msg(fabs(dq - d) <= bound, "%.5f dB -> q=%.8f -> %.6f dB (bound %.4f)", d,
		              q, dq, bound);
		worst_db = fmax(worst_db, fabs(dq - d) / bound);
	}
	printf("faderlaw round trip: exact %.3g dB, quantised %.4g of a step, %.3f of the dB "
	       "bound\n",
	       worst_exact, worst_pos * FADERLAW_STEPS, worst_db);
}
END_TEST

/* Monotone over every stored position: a higher position is never quieter. */
START_TEST(monotone_over_steps)
{
	double prev = -INFINITY;

	for (int i = 1; i <= FADERLAW_STEPS; i++) {
		double db = faderlaw_to_db((float)i / FADERLAW_STEPS);
		ck_assert_msg(db > prev, "step %d: %.6f dB after %.6f", i, db, prev);
		prev = db;
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("faderlaw");
	TCase *tc = tcase_create("x32");

	tcase_add_test(tc, law_table);
	tcase_add_test(tc, clamps_and_nan);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, monotone_over_steps);
	suite_add_tcase(s, tc);
	return check_run(s);
}
