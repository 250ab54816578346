/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_run: the one way every unit test runs its suite and turns failures into an exit status
 * (libebur128's tests print FAILED and exit 0: a failure here must fail the build). */
#ifndef MIXD_CHECK_RUN_H
#define MIXD_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Runs suite s, frees it, returns EXIT_SUCCESS only when every test passed. */
static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
