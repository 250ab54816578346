/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Glides: bounded per-sample steps, exact landing in the documented time. */
#include "check_run.h"
#include <math.h>
#include <stdlib.h>

#include "ramp.h"

START_TEST(lands_exactly_after_n)
{
	struct ramp r;
	float g[480];

	ramp_init(&r, 0.0f);
	ramp_set(&r, 1.0f, 480);
	ramp_fill(&r, g, 480);
	ck_assert_float_eq(g[479], 1.0f);
	ck_assert(g[478] < 1.0f);
	ck_assert(!ramp_moving(&r));
}
END_TEST

START_TEST(step_bound)
{
	struct ramp r;
	float g[1000], prev = 0.25f;
	const float bound = (2.0f - 0.25f) / 480.0f;

	ramp_init(&r, 0.25f);
	ramp_set(&r, 2.0f, 480);
	/* odd block sizes: the glide must not depend on how it is sliced */
	for (int off = 0; off < 1000;) {
		int n = off % 7 + 1;
		if (off + n > 1000)
			n = 1000 - off;
		ramp_fill(&r, g + off, (uint32_t)n);
		off += n;
	}
	for (int i = 0; i < 1000; i++) {
		ck_assert_float_le(fabsf(g[i] - prev), bound * 1.0001f);
		prev = g[i];
	}
	ck_assert_float_eq(g[479], 2.0f);
	ck_assert_float_eq(g[999], 2.0f);
}
END_TEST

START_TEST(retarget_mid_glide_is_continuous)
{
	struct ramp r;
	float g[200];

	ramp_init(&r, 1.0f);
	ramp_set(&r, 0.0f, 100);
	ramp_fill(&r, g, 50);
	ck_assert_float_eq_tol(g[49], 0.5f, 1e-6f);
	ramp_set(&r, 1.0f, 100);
	ramp_fill(&r, g + 50, 150);
	/* continues from 0.5 with the new slope: no jump at the retarget */
	ck_assert_float_le(fabsf(g[50] - g[49]), 0.5f / 100.0f * 1.0001f);
	ck_assert_float_eq(g[149], 1.0f);
}
END_TEST

START_TEST(zero_length_jumps)
{
	struct ramp r;
	float g[4];

	ramp_init(&r, 3.0f);
	ramp_set(&r, -1.0f, 0);
	ramp_fill(&r, g, 4);
	ck_assert_float_eq(g[0], -1.0f);
	ck_assert_float_eq(g[3], -1.0f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ramp");
	TCase *tc = tcase_create("glide");

	tcase_add_test(tc, lands_exactly_after_n);
	tcase_add_test(tc, step_bound);
	tcase_add_test(tc, retarget_mid_glide_is_continuous);
	tcase_add_test(tc, zero_length_jumps);
	suite_add_tcase(s, tc);
	return check_run(s);
}
