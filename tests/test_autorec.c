/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * autorec: what write and touch keep of a client's moves. Thinned to what playback needs (a
 * straight ride to two points, a curve to within its tolerance at every move, a flood to one
 * point per playback sub-block) and never more than AUTOREC_MAX_POINTS in a file.
 */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "autorec.h"

static const struct autorec_tol fader_tol = { 154.0f / 2000.0f, 0.0f };

/* The value of the recorded lane at frame t: linear segments where the later point is linear,
 * steps where it is not. */
static double
lane_at(const struct autorec_pass *p, double t)
{
	unsigned k = 0;

	while (k + 1 < p->n && p->pts[k + 1].time <= t)
		k++;
	if (k + 1 < p->n && p->pts[k + 1].linear) {
		const struct automation_point *a = &p->pts[k], *b = &p->pts[k + 1];
		return a->value + (b->value - a->value) * (t - a->time) / (b->time - a->time);
	}
	return p->pts[k].value;
}

START_TEST(straight_ride_is_two_points)
{
	struct autorec_pass p = { 0 };
	struct autorec_budget b = { 0 };

	ck_assert_int_eq(autorec_add(&p, &b, 1000, -40.0f, false, fader_tol), 0);
	for (unsigned k = 1; k <= 1000; k++)
		ck_assert_int_eq(
		    autorec_add(&p, &b, 1000 + 48 * k, -40.0f + 0.04f * k, true, fader_tol), 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_float_eq_tol(p.pts[1].value, 0.0f, 1e-4f);
	ck_assert_double_eq(p.pts[1].time, 1000 + 48 * 1000);
	ck_assert_uint_eq(b.pass_points, 2);
	autorec_clear(&p, &b);
	ck_assert_uint_eq(b.pass_points, 0);
	free(p.pts);
}
END_TEST

/* A sine ride (10 dB, 1.3 Hz) with a move every 10 ms: fewer points, and the lane passes
 * within the tolerance of every move. */
START_TEST(curve_within_tolerance)
{
	struct autorec_pass p = { 0 };
	struct autorec_budget b = { 0 };
	enum { N = 300, GAP = 480 };
	float v[N];
	double worst = 0.0;

	for (unsigned k = 0; k < N; k++) {
		v[k] = (float)(-20.0 + 10.0 * sin(2.0 * M_PI * 1.3 * k * GAP / 48000.0));
		ck_assert_int_eq(autorec_add(&p, &b, (uint64_t)k * GAP, v[k], k > 0, fader_tol), 0);
	}
	for (unsigned k = 0; k < N; k++)
		worst = fmax(worst, fabs(lane_at(&p, (double)k * GAP) - v[k]));
	ck_assert_msg(worst <= fader_tol.abs + 1e-4, "worst %.5f dB off, tolerance %.5f", worst,
	              (double)fader_tol.abs);
	ck_assert_msg(p.n < N / 3, "%u of %d moves kept", p.n, N);
	free(p.pts);
}
END_TEST

/* A flood of random moves one frame apart: one point per 32-frame sub-block at most. */
START_TEST(flood_one_point_per_subblock)
{
	struct autorec_pass p = { 0 };
	struct autorec_budget b = { 0 };
	unsigned seed = 7;

	ck_assert_int_eq(autorec_add(&p, &b, 0, 0.0f, false, fader_tol), 0);
	for (unsigned k = 1; k <= 32000; k++) {
		seed = seed * 1103515245u + 12345u;
		ck_assert_int_eq(autorec_add(&p, &b, k, -(float)(seed >> 16 & 63), true, fader_tol),
		                 0);
	}
	ck_assert_uint_le(p.n, 32000 / AUTOREC_GRID + 2);
	for (unsigned k = 2; k < p.n; k++)
		ck_assert_double_ge(p.pts[k].time - p.pts[k - 1].time, AUTOREC_GRID);
	free(p.pts);
}
END_TEST

/* The budget counts the file and every pass: the point that would pass it is refused and
 * counted, the pass marked full; clearing gives the room back. */
START_TEST(budget_is_a_hard_bound)
{
	struct autorec_pass p = { 0 }, q = { 0 };
	struct autorec_budget b = { .file_points = AUTOREC_MAX_POINTS - 5 };

	for (unsigned k = 0; k < 3; k++)
		ck_assert_int_eq(autorec_add(&p, &b, 100 * k, (float)k, false, fader_tol), 0);
	for (unsigned k = 0; k < 2; k++)
		ck_assert_int_eq(autorec_add(&q, &b, 100 * k, (float)k, false, fader_tol), 0);
	ck_assert_int_eq(autorec_add(&p, &b, 1000, 9.0f, false, fader_tol), -ENOSPC);
	ck_assert_int_eq(autorec_add(&q, &b, 1000, 9.0f, false, fader_tol), -ENOSPC);
	ck_assert(p.full && q.full);
	ck_assert_uint_eq(b.refused, 2);
	ck_assert_uint_eq(p.n + q.n + b.file_points, AUTOREC_MAX_POINTS);
	autorec_clear(&q, &b);
	ck_assert(!q.full);
	ck_assert_int_eq(autorec_add(&p, &b, 1000, 9.0f, false, fader_tol), 0);
	free(p.pts);
	free(q.pts);
}
END_TEST

/* A frequency's tolerance follows its value: 0.1 % (1.7 cents) at 80 Hz and at 8 kHz alike. */
START_TEST(frequency_tolerance_is_relative)
{
	struct autorec_tol t = autorec_tol_for(20.0f, 20000.0f, "Hz");
	struct autorec_tol g = autorec_tol_for(-144.0f, 10.0f, "dB");

	ck_assert_float_eq(t.abs, 0.0f);
	ck_assert_float_eq(t.rel, 1e-3f);
	ck_assert_float_eq_tol(g.abs, 0.077f, 1e-6f);
}
END_TEST

static Suite *
autorec_suite(void)
{
	Suite *s = suite_create("autorec");
	TCase *tc = tcase_create("thin");

	tcase_add_test(tc, straight_ride_is_two_points);
	tcase_add_test(tc, curve_within_tolerance);
	tcase_add_test(tc, flood_one_point_per_subblock);
	tcase_add_test(tc, budget_is_a_hard_bound);
	tcase_add_test(tc, frequency_tolerance_is_relative);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(autorec_suite());
}
