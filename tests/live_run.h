/* SPDX-License-Identifier: GPL-2.0-or-later */
/* live_run: what the live console's e2e tests (aux, DCA, cue, latency) share: listening to two
 * of mixd's outputs at a time and reading their levels. */
#ifndef MIXD_LIVE_RUN_H
#define MIXD_LIVE_RUN_H

#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>

/* 1 kHz at 48 kHz: 48 samples a cycle, so LIVE_REC frames hold whole cycles and an RMS over
 * them is the tone's exactly. */
#define LIVE_TONE_HZ 1000.0
#define LIVE_REC     12000
#define LIVE_SKIP    960
/* The peak (dBFS) of a sine whose RMS is rms_db. */
#define LIVE_PEAK_OF_RMS(rms_db) ((rms_db) + 3.0103)

/* Makes mixd:a feed the probe's in_L and mixd:b its in_R (short port names; NULL: nothing) and
 * lets the graph change land. */
static inline void
live_listen(struct h_world *w, const char *a, const char *b)
{
	char fa[64], fb[64];

	snprintf(fa, sizeof(fa), "mixd:%s", a ? a : "");
	snprintf(fb, sizeof(fb), "mixd:%s", b ? b : "");
	ck_assert_msg(h_probe_listen(w->probe, a ? fa : NULL, b ? fb : NULL) == 0,
	              "cannot listen to %s and %s", a ? a : "-", b ? b : "-");
	h_sleep_ms(50);
}

/* Records LIVE_REC frames of what the probe listens to; RMS of in_L and in_R in dBFS (past the
 * first LIVE_SKIP frames). */
static inline void
live_record(struct h_world *w, double *l_db, double *r_db)
{
	ck_assert_int_eq(h_probe_record(w->probe, LIVE_REC), 0);
	*l_db = h_rms_db(h_probe_in(w->probe, 0), LIVE_REC, LIVE_SKIP);
	if (r_db)
		*r_db = h_rms_db(h_probe_in(w->probe, 1), LIVE_REC, LIVE_SKIP);
}

/* Asserts a level within tol dB of want, naming what was measured. */
#define LIVE_ASSERT_DB(what, got, want, tol)                                                  \
	do {                                                                                  \
		double g_ = (got), w_ = (want);                                               \
		fprintf(stderr, "%s: %.3f dBFS (expected %.3f)\n", (what), g_, w_);           \
		ck_assert_msg(fabs(g_ - w_) <= (tol), "%s: %.3f dBFS, expected %.3f +- %.2f", \
		              (what), g_, w_, (double)(tol));                                 \
	} while (0)

/* Asserts silence (below H_SILENCE_DB). */
#define LIVE_ASSERT_SILENT(what, got)                                                            \
	do {                                                                                     \
		double g_ = (got);                                                               \
		fprintf(stderr, "%s: %.1f dBFS (expected silence)\n", (what), g_);               \
		ck_assert_msg(g_ < H_SILENCE_DB, "%s: %.2f dBFS, expected silence", (what), g_); \
	} while (0)

#endif
