/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The model under overload: a tiny ring, thousands of sets, and every last value lands. */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "model.h"
#include "params.h"
#include "ring.h"

START_TEST(last_value_always_lands)
{
	struct params *ps = params_new(64);
	struct ring *r = ring_new(sizeof(struct model_cmd), 4);
	struct model *m = model_new(ps, r);
	float seen[64];
	struct model_cmd c;
	unsigned rounds = 0;

	for (int k = 0; k < 64; k++)
		seen[k] = NAN;
	/* 100 moves per fader between flushes: the ring holds 4, so most must coalesce */
	for (int v = 0; v < 100; v++)
		for (int k = 0; k < 64; k++) {
			char a[32];
			snprintf(a, sizeof(a), "/strip/%d/fader", k + 1);
			ck_assert_int_eq(model_set(m, (unsigned)params_find(ps, a), -100 + v), 0);
		}
	while (model_flush(m) > 0) {
		/* the consumer drains a bounded amount per "cycle" */
		for (int i = 0; i < 3 && ring_pop(r, &c); i++) {
			ck_assert_uint_eq(c.id, ENGINE_STRIP_FADER);
			seen[c.strip] = c.value;
		}
		ck_assert_uint_lt(++rounds, 1000);
	}
	while (ring_pop(r, &c))
		seen[c.strip] = c.value;
	for (int k = 0; k < 64; k++)
		ck_assert_float_eq(seen[k], -1.0f);
	ck_assert_uint_gt(model_ring_full(m), 0);
	model_free(m);
	ring_free(r);
	params_free(ps);
}
END_TEST

/* A two-strip console on a 64-slot ring, for the cases of tcase "values". */
static struct {
	struct params *ps;
	struct ring *r;
	struct model *m;
	unsigned fader, name;
} t;

static void
two_strips(void)
{
	t.ps = params_new(2);
	t.r = ring_new(sizeof(struct model_cmd), 64);
	t.m = model_new(t.ps, t.r);
	ck_assert(t.ps && t.r && t.m);
	t.fader = (unsigned)params_find(t.ps, "/strip/2/fader");
	t.name = (unsigned)params_find(t.ps, "/strip/2/name");
}

static void
two_strips_free(void)
{
	model_free(t.m);
	ring_free(t.r);
	params_free(t.ps);
}

/* What the observer saw: automation recording stamps moves with it. */
static struct {
	unsigned calls, idx;
	float value, before;
	const struct model *m;
} obs;

static void
observe(void *ctx, unsigned idx, float value)
{
	obs.m = ctx;
	obs.calls++;
	obs.idx = idx;
	obs.value = value;
	obs.before = model_get(ctx, idx);
}

/* Every accepted client set reaches the observer, clamped and before it is stored, unchanged
 * ones too; rejected sets, strings and values from the RT side do not. */
START_TEST(observer_sees_client_sets)
{
	model_set_observer(t.m, observe, t.m);
	ck_assert_int_eq(model_set(t.m, t.fader, -6.0), 0);
	ck_assert_uint_eq(obs.calls, 1);
	ck_assert_uint_eq(obs.idx, t.fader);
	ck_assert_ptr_eq(obs.m, t.m);
	ck_assert_float_eq(obs.value, -6.0f);
	ck_assert_float_eq(obs.before, 0.0f); /* the default: not yet stored */
	ck_assert_float_eq(model_get(t.m, t.fader), -6.0f);
	ck_assert_int_eq(model_set(t.m, t.fader, -6.0), 0); /* a touch without a move */
	ck_assert_uint_eq(obs.calls, 2);
	ck_assert_float_eq(obs.before, -6.0f);
	ck_assert_int_eq(model_set(t.m, t.fader, 1000.0), 0); /* clamped to the top */
	ck_assert_uint_eq(obs.calls, 3);
	ck_assert_float_eq(obs.value, model_get(t.m, t.fader));
	ck_assert_float_lt(obs.value, 1000.0f);
	ck_assert_int_eq(model_set(t.m, t.fader, NAN), -EDOM);
	ck_assert_int_eq(model_set_string(t.m, t.name, "vox"), 0);
	ck_assert_int_eq(model_set_from_rt(t.m, t.fader, -20.0), 0);
	ck_assert_uint_eq(obs.calls, 3);
	model_set_observer(t.m, NULL, NULL);
	ck_assert_int_eq(model_set(t.m, t.fader, -3.0), 0);
	ck_assert_uint_eq(obs.calls, 3);
}
END_TEST

START_TEST(sets_validate_and_count)
{
	uint64_t g;

	ck_assert_str_eq(model_get_string(t.m, t.name), "2");
	ck_assert_float_eq(model_get(t.m, t.fader), 0.0f);
	g = model_generation(t.m);
	ck_assert_int_eq(model_set(t.m, t.fader, NAN), -EDOM);
	ck_assert_int_eq(model_set(t.m, t.name, 1.0), -EINVAL);
	ck_assert_int_eq(model_set_string(t.m, t.fader, "x"), -EINVAL);
	ck_assert_int_eq(model_set_string(t.m, t.name, "a\tb"), -EINVAL);
	ck_assert_uint_eq(model_generation(t.m), g); /* rejected: nothing changed */
	ck_assert_int_eq(model_set(t.m, t.fader, 99.0), 0);
	ck_assert_float_eq(model_get(t.m, t.fader), 10.0f);
	ck_assert_int_eq(model_set_string(t.m, t.name, "Bass DI"), 0);
	ck_assert_str_eq(model_get_string(t.m, t.name), "Bass DI");
	ck_assert_uint_eq(model_generation(t.m), g + 2);
	ck_assert_uint_eq(model_flush(t.m), 0);
	ck_assert_uint_eq(ring_count(t.r), 1); /* names never cross to the RT side */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("flush");

	TCase *values = tcase_create("values");

	tcase_add_test(tc, last_value_always_lands);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(values, two_strips, two_strips_free);
	tcase_add_test(values, sets_validate_and_count);
	tcase_add_test(values, observer_sees_client_sets);
	suite_add_tcase(s, values);
	return check_run(s);
}
