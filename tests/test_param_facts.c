/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each fact once (issue 13): the parameter table (dsp/control/param_table.c) and the engine read
 * a parameter's range and default from the same constant in the DSP header of its block. This
 * test holds them to it from outside, through the public APIs only: for every numeric row, on a
 * console with every kind of instance (strips, mono and stereo aux buses, DCAs, mute groups,
 * buses, master, monitor), the engine's default is the table's, and a value beyond either end
 * of the table's range is clamped by the engine to exactly the table's end.
 */
#include "check_run.h"
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "engine.h"
#include "multiband.h"
#include "params.h"

#define N_STRIPS 2
#define N_AUX    2
#define N_DCA    2

static const bool aux_stereo[N_AUX] = { false, true }; /* a send's pan exists on a stereo bus */

static struct params *
make_params(void)
{
	const struct params_layout l = {
		.n_strips = N_STRIPS, .n_aux = N_AUX, .aux_stereo = aux_stereo, .n_dca = N_DCA
	};
	struct params *ps = params_new_layout(&l);

	ck_assert_ptr_nonnull(ps);
	return ps;
}

static struct engine *
make_engine(void)
{
	const struct engine_layout l = {
		.n_strips = N_STRIPS, .n_aux = N_AUX, .aux_stereo = aux_stereo, .n_dca = N_DCA
	};
	struct engine *e = engine_new_layout(48000.0, &l);

	ck_assert_ptr_nonnull(e);
	return e;
}

/* Whether an instance reaches the engine with a number (not a name, not control-only). */
static bool
numeric_engine_row(const struct param *p)
{
	return p->d->engine >= 0 && p->d->type != PARAM_STRING;
}

/* Sets instance p to v and returns what the engine then holds. */
static float
set_get(struct engine *e, const struct param *p, float v)
{
	engine_set(e, (enum engine_param)p->d->engine, p->eidx, v);
	return engine_get(e, (enum engine_param)p->d->engine, p->eidx);
}

START_TEST(engine_defaults_are_the_table_defaults)
{
	struct params *ps = make_params();
	struct engine *e = make_engine();
	unsigned checked = 0, bad = 0;

	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		float v;

		if (!numeric_engine_row(p))
			continue;
		v = engine_get(e, (enum engine_param)p->d->engine, p->eidx);
		if (v != p->d->def) {
			fprintf(stderr, "%s: the engine starts at %.9g, the table says %.9g\n",
			        p->address, (double)v, (double)p->d->def);
			bad++;
		}
		checked++;
	}
	ck_assert_msg(bad == 0, "%u defaults out of step with the table (listed above)", bad);
	ck_assert_uint_gt(checked, 100);
	engine_free(e);
	params_free(ps);
}
END_TEST

START_TEST(engine_clamps_to_the_table_range)
{
	struct params *ps = make_params();
	struct engine *e = make_engine();
	unsigned bad = 0;

	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		const struct param_desc *d = p->d;
		float span, probe[6], want[6];

		if (!numeric_engine_row(p))
			continue;
		span = d->max - d->min;
		ck_assert_float_gt(span, 0.0f);
		/* just outside (1 % of the range: still rounds to the end for an int), far outside,
		 * and the ends themselves */
		probe[0] = d->min - 0.01f * span, want[0] = d->min;
		probe[1] = d->max + 0.01f * span, want[1] = d->max;
		probe[2] = d->min - 10.0f * span, want[2] = d->min;
		probe[3] = d->max + 10.0f * span, want[3] = d->max;
		probe[4] = d->min, want[4] = d->min;
		probe[5] = d->max, want[5] = d->max;
		for (int k = 0; k < 6; k++) {
			float v = set_get(e, p, probe[k]);
			if (v != want[k]) {
				fprintf(stderr, "%s: %.9g gives %.9g, the table's %s is %.9g\n",
				        p->address, (double)probe[k], (double)v,
				        want[k] == d->min ? "minimum" : "maximum", (double)want[k]);
				bad++;
			}
		}
	}
	ck_assert_msg(bad == 0, "%u settings out of step with the table (listed above)", bad);
	engine_free(e);
	params_free(ps);
}
END_TEST

/* Inside the range, a float setting reaches the engine as it is: the engine's clamp is no
 * narrower than the table's. */
START_TEST(engine_keeps_values_inside_the_range)
{
	struct params *ps = make_params();
	struct engine *e = make_engine();
	unsigned bad = 0;

	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		const struct param_desc *d = p->d;

		if (!numeric_engine_row(p) || d->type != PARAM_FLOAT)
			continue;
		for (int k = 1; k < 8; k++) {
			float want = d->min + (d->max - d->min) * (float)k / 8.0f, v;

			/* mono bass holds "off" below its lowest frequency (the table's doc) */
			if (p->d->engine == ENGINE_MASTER_MONO_BELOW && want < MONO_BELOW_MIN)
				continue;
			v = set_get(e, p, want);
			if (v != want) {
				fprintf(stderr, "%s: %.9g gives %.9g\n", p->address, (double)want,
				        (double)v);
				bad++;
			}
		}
	}
	ck_assert_msg(bad == 0, "%u values inside the range moved (listed above)", bad);
	engine_free(e);
	params_free(ps);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("param_facts");
	TCase *tc = tcase_create("table_vs_engine");

	tcase_add_test(tc, engine_defaults_are_the_table_defaults);
	tcase_add_test(tc, engine_clamps_to_the_table_range);
	tcase_add_test(tc, engine_keeps_values_inside_the_range);
	suite_add_tcase(s, tc);
	return check_run(s);
}
