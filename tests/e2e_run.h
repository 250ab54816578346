/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e2e_run: how every end-to-end test executable adds its cases and runs its suite. */
#ifndef MIXD_E2E_RUN_H
#define MIXD_E2E_RUN_H

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The fixture of a file whose every case runs in its own world on a jackd at rate and period:
 * defines `static struct h_world w` and the setup and teardown to pass to e2e_add_case. */
#define E2E_WORLD_FIXTURE(rate, period)                                                         \
	static struct h_world w;                                                                \
	static void setup(void)                                                                 \
	{                                                                                       \
		ck_assert_msg(h_world_start(&w, (rate), (period)) == 0, "jackd did not start"); \
	}                                                                                       \
	static void teardown(void)                                                              \
	{                                                                                       \
		h_world_free(&w);                                                               \
	}

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

/* Starts mixd with args in w (whose jackd runs), a probe with n_out outputs wired
 * out_k -> inputs[k-1] and master L/R -> probe in_L/in_R (recording up to max_frames), and the
 * OSC client. Fails the case when any of it does not come up. */
static inline void
e2e_world_up(struct h_world *w, const struct h_mixd_opts *opts, const char *const *args,
             unsigned n_out, const char *const *inputs, size_t max_frames)
{
	int64_t deadline;

	w->mixd = h_mixd_startv(w->jackd, opts, args);
	ck_assert_msg(w->mixd != NULL, "mixd did not start");
	w->osc = h_osc_open(NULL, w->mixd->port);
	ck_assert_ptr_nonnull(w->osc);
	w->probe = h_probe_open(w->jackd, "probe", n_out, max_frames);
	ck_assert_msg(w->probe != NULL, "probe client did not open");

	/* /pong may come before the JACK ports are registered. */
	deadline = h_now_ms() + 5000;
	while (!h_probe_port_exists(w->probe, "mixd:master_R") && h_now_ms() < deadline)
		h_sleep_ms(20);
	for (unsigned k = 0; k < n_out; k++) {
		ck_assert_msg(h_probe_port_exists(w->probe, inputs[k]), "mixd has no port %s",
		              inputs[k]);
		ck_assert_int_eq(
		    h_probe_connect(w->probe, h_probe_out_name(w->probe, k + 1), inputs[k]), 0);
	}
	ck_assert_msg(h_probe_port_exists(w->probe, "mixd:master_L"), "mixd has no master_L");
	ck_assert_int_eq(h_probe_connect(w->probe, "mixd:master_L", h_probe_in_name(w->probe, 0)),
	                 0);
	ck_assert_int_eq(h_probe_connect(w->probe, "mixd:master_R", h_probe_in_name(w->probe, 1)),
	                 0);
}

/* Stops mixd: the contract says SIGTERM exits 0. */
static inline void
e2e_stop_mixd(struct h_world *w)
{
	int status = h_mixd_stop(w->mixd);

	ck_assert_msg(status == 0, "mixd exit status %d after SIGTERM (expected 0)", status);
}

/* Long enough for a gain set to land: one period + the 10 ms ramp, plus the control thread's
 * turnaround and the path latency, with margin for a loaded 2-core CI machine. */
static inline void
e2e_settle(const struct h_world *w)
{
	h_sleep_ms(2 * h_jackd_period_ms(w->jackd) + 10 + 100);
}

/* Recordings made at most by e2e_record_steady, and how far apart the two halves of a steady
 * one may read. Tones of whole periods in each half read the same to 0.0001 dB; 0.05 dB is the
 * tightest level tolerance of the cases, and halves that close move the whole window's level
 * by half of it at most. A change's tail read 0.1 to 7 dB apart. */
#define E2E_RECORD_TRIES 6
#define E2E_STEADY_DB    0.05

/* True when the probe's input ch reads the same level in both halves of [skip, frames): one
 * steady state, not the end of a change. Silence in both halves is steady. */
static inline bool
e2e_steady(const struct h_world *w, unsigned ch, size_t frames, size_t skip, double *diff_db)
{
	const float *in = h_probe_in(w->probe, ch);
	const size_t mid = skip + (frames - skip) / 2;
	const double a = h_rms_db(in, mid, skip), b = h_rms_db(in, frames, mid);

	*diff_db = a - b;
	if (a < -120.0 && b < -120.0)
		return true;
	return fabs(a - b) <= E2E_STEADY_DB;
}

/* Records frames for a level measurement of steady tones (whole periods in each half of the
 * window from skip on). One whose halves differ holds the tail of the change before it: the
 * settle was counted in wall time and the graph ran late (under PipeWire a fader step's ramp
 * was still in the window 0.1 s later, a solo read 0.1 dB off; a sanitized run read an HPF
 * 3.5 dB off). It is said and made again, at most E2E_RECORD_TRIES times in all, and never
 * measured; when none is steady the case fails. One the server reported an xrun in may hold a
 * splice: it is made again too, but when every one had xruns (a sanitized build on a busy
 * machine: 1 to 21 a recording) the last is measured if it is steady, and said. A splice of a
 * steady tone keeps its level (its halves read 0.000 dB apart then); one that did not would
 * read off and fail, never pass. A steady recording is measured whatever it reads, so a wrong
 * level, which is steady, still fails. */
static inline void
e2e_record_steady(struct h_world *w, size_t frames, size_t skip)
{
	for (int k = 1;; k++) {
		unsigned x;
		double d0, d1;
		bool steady;

		ck_assert_int_eq(h_probe_record(w->probe, frames), 0);
		x = h_probe_xruns(w->probe);
		/* both channels read, so both differences can be said */
		steady = e2e_steady(w, 0, frames, skip, &d0);
		steady = e2e_steady(w, 1, frames, skip, &d1) && steady;
		if (steady && (x == 0 || k == E2E_RECORD_TRIES)) {
			if (x)
				fprintf(
				    stderr,
				    "record: measuring recording %d with %u xrun(s): every one had "
				    "some; steady (halves %.3f / %.3f dB apart)\n",
				    k, x, d0, d1);
			return;
		}
		fprintf(stderr,
		        "record: recording %d of at most %d: %u xrun(s), halves %.3f dB (L) and "
		        "%.3f dB (R) apart%s\n",
		        k, E2E_RECORD_TRIES, x, d0, d1, steady ? "" : ": not steady");
		ck_assert_msg(k < E2E_RECORD_TRIES,
		              "none of %d recordings was steady (last: %u xruns, halves %.3f / "
		              "%.3f dB apart)",
		              E2E_RECORD_TRIES, x, d0, d1);
	}
}

/* One /stats counter of w's mixd; fails the case when it cannot be read. */
static inline int64_t
e2e_stat(const struct h_world *w, const char *name)
{
	int64_t v = -1;
	int r = h_osc_stat(w->osc, name, &v);

	ck_assert_msg(r == 0, "/stats counter %s not readable (%d)", name, r);
	return v;
}

/* Makes w's server freewheel (h_probe_fast): every cycle runs as soon as the last one ended,
 * so none misses a deadline and none is dropped, whatever else the machine does; for cases that
 * compare recordings sample by sample. Paced to a quarter of a period's real time (about 4x).
 * Fails the case when the server does not switch. */
static inline void
e2e_freewheel(struct h_world *w)
{
	ck_assert_int_eq(
	    h_probe_fast(w->probe, (unsigned)(w->jackd->period * 1000000ull / w->jackd->rate / 4)),
	    0);
}

/* Back to real time: a freewheeling server waits for every client, so before anything else. */
static inline void
e2e_realtime(struct h_world *w)
{
	ck_assert_int_eq(h_probe_fast(w->probe, 0), 0);
}

/* The command counters at one moment: what the control thread pushed to the RT side and what
 * the RT side applied. */
struct e2e_commands {
	int64_t sent, applied;
};

static inline struct e2e_commands
e2e_commands_now(const struct h_world *w)
{
	struct e2e_commands c = { e2e_stat(w, "commands_sent"), e2e_stat(w, "commands_applied") };
	return c;
}

/* An RT check saw the commands of a storm through: of the commands the control thread sent
 * since before (at least min_sent of them), the audio thread applied 90 % or more (waiting up
 * to a second for the last ones to land). "More than 0" would pass an engine that drops most. */
static inline void
e2e_assert_commands_applied(const struct h_world *w, struct e2e_commands before, int64_t min_sent,
                            const char *what)
{
	struct e2e_commands now = e2e_commands_now(w);
	int64_t deadline = h_now_ms() + 1000;

	while ((now.applied - before.applied) * 10 < (now.sent - before.sent) * 9 &&
	       h_now_ms() < deadline) {
		h_sleep_ms(20);
		now = e2e_commands_now(w);
	}
	ck_assert_msg(now.sent - before.sent >= min_sent,
	              "%s: only %lld commands sent (want >= %lld)", what,
	              (long long)(now.sent - before.sent), (long long)min_sent);
	ck_assert_msg((now.applied - before.applied) * 10 >= (now.sent - before.sent) * 9,
	              "%s: %lld of %lld commands applied (want >= 90 %%)", what,
	              (long long)(now.applied - before.applied),
	              (long long)(now.sent - before.sent));
}

/* Gets that must answer the value wanted: a float within tol, an int, a string exactly. */
static inline void
e2e_get_f_near(const struct h_world *w, const char *path, float want, double tol)
{
	float v = NAN;
	int r = h_osc_get_f(w->osc, path, &v);

	ck_assert_msg(r == 0, "get %s failed (%d)", path, r);
	ck_assert_msg(fabs((double)v - want) <= tol, "get %s = %.6f, expected %.6f", path,
	              (double)v, (double)want);
}

/* A float within 1e-5: what the model stores, sent back as it was set. */
static inline void
e2e_get_f_eq(const struct h_world *w, const char *path, float want)
{
	e2e_get_f_near(w, path, want, 1e-5);
}

static inline void
e2e_get_i_eq(const struct h_world *w, const char *path, int want)
{
	int v = -12345;
	int r = h_osc_get_i(w->osc, path, &v);

	ck_assert_msg(r == 0, "get %s failed (%d)", path, r);
	ck_assert_msg(v == want, "get %s = %d, expected %d", path, v, want);
}

static inline void
e2e_get_s_eq(const struct h_world *w, const char *path, const char *want)
{
	char v[256] = "";
	int r = h_osc_get_s(w->osc, path, v, sizeof(v));

	ck_assert_msg(r == 0, "get %s failed (%d)", path, r);
	ck_assert_msg(!strcmp(v, want), "get %s = \"%s\", expected \"%s\"", path, v, want);
}

/* A set that must go out (the case fails if the datagram cannot be sent). */
static inline void
e2e_set_f(struct h_world *w, const char *path, double v)
{
	ck_assert_int_eq(h_osc_set_f(w->osc, path, (float)v), 0);
}

static inline void
e2e_set_i(struct h_world *w, const char *path, int v)
{
	ck_assert_int_eq(h_osc_set_i(w->osc, path, v), 0);
}

static inline void
e2e_set_s(struct h_world *w, const char *path, const char *v)
{
	ck_assert_int_eq(h_osc_set_s(w->osc, path, v), 0);
}

/* Waits for a reply at path on o; fails the case when none comes within H_REPLY_MS. */
static inline void
e2e_expect_reply(struct h_osc *o, const char *path)
{
	struct h_msg *m = h_osc_wait(o, path, H_REPLY_MS);

	ck_assert_msg(m != NULL, "no %s reply", path);
	h_msg_free(m);
}

/* Fails on the first /error mixd sent for anything sent before this call (a parameter mixd does
 * not know, a value it refused), naming it; discards everything else. A /ping goes last and its
 * /pong marks the end: mixd answers in order, so every /error it owes has arrived by then. */
static inline void
e2e_assert_no_error(struct h_world *w, const char *when)
{
	struct h_msg *m;

	ck_assert_int_eq(h_osc_send(w->osc, "/ping", ""), 0);
	while ((m = h_osc_recv(w->osc, 2000))) {
		if (!strcmp(m->path, "/pong")) {
			h_msg_free(m);
			return;
		}
		if (!strcmp(m->path, "/error")) {
			char what[300];

			snprintf(what, sizeof(what), "%s: %s",
			         m->argc >= 1 && m->types[0] == 's' ? h_arg_s(m, 0) : "?",
			         m->argc >= 2 && m->types[1] == 's' ? h_arg_s(m, 1) : "?");
			h_msg_free(m);
			ck_abort_msg("%s: mixd answered /error %s", when, what);
		}
		h_msg_free(m);
	}
	ck_abort_msg("%s: no /pong from mixd", when);
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
