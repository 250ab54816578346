/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e2e_run: how every end-to-end test executable adds its cases and runs its suite. */
#ifndef MIXD_E2E_RUN_H
#define MIXD_E2E_RUN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

/* Adds one case with its own fixture. timeout_s covers start-up (a jackd and mixd per case),
 * the measurement and room for slow CI and sanitizer builds. */
static inline void
e2e_add_case(Suite *s, const char *name, const TTest *test, void (*setup)(void),
             void (*teardown)(void), double timeout_s)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout_s);
	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
}

/* Whether the RT-safety case can run here. ASan replaces malloc, so the allocation interposer
 * cannot be preloaded into a sanitized mixd: that build says so loudly and the normal build
 * (which CI also runs) covers it. */
static inline int
e2e_rtcheck_possible(const char *name)
{
	if (!getenv("MIXD_SANITIZED"))
		return 1;
	fprintf(stderr, "%s: not in a sanitized build; the normal build runs it\n", name);
	return 0;
}

/* Runs the suite inside a harness session (its files are kept when something failed).
 * Returns the exit status: 0 when every case passed. */
static inline int
e2e_run(Suite *s)
{
	SRunner *sr;
	int failed;

	if (h_session_begin() < 0)
		return 1;
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	h_session_end(failed != 0);
	return failed ? 1 : 0;
}

#endif
