/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_fixture: the console the X32 personality's unit tests (test_x32_law, test_x32_state) map
 * onto: 8 strips, 4 aux buses, 4 DCAs, a model and its ring to an engine that is not there.
 */
#ifndef MIXD_TESTS_X32_FIXTURE_H
#define MIXD_TESTS_X32_FIXTURE_H

#include <check.h>

#include "model.h"
#include "params.h"
#include "ring.h"

struct fixture {
	struct params *ps;
	struct ring *r;
	struct model *m;
};

/* Test thread. Fails the test when out of memory. */
static inline void
open_console(struct fixture *fx)
{
	const struct params_layout l = { .n_strips = 8, .n_aux = 4, .n_dca = 4 };

	fx->ps = params_new_layout(&l);
	ck_assert_ptr_nonnull(fx->ps);
	fx->r = ring_new(sizeof(struct model_cmd), 4096);
	fx->m = model_new(fx->ps, fx->r);
	ck_assert_ptr_nonnull(fx->m);
}

static inline void
close_console(struct fixture *fx)
{
	model_free(fx->m);
	ring_free(fx->r);
	params_free(fx->ps);
}

#endif
