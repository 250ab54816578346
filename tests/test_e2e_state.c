/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of the state directory against accidents and attacks: mixd started once with
 * fewer strips keeps the others' state; a state directory that is a file, a device or writable
 * by others, or a state file that is a FIFO, stops mixd at once with exit 1 and the reason; a
 * bad state is moved aside without replacing an earlier one; a save that fails at exit is said
 * and exits 1. The real mixd on a real jackd, its state in the session directory.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* A fresh directory under the session for one case. */
static void
case_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", h_session_dir(), name);
	ck_assert_int_eq(mkdir(out, 0700), 0);
}

/* True when mixd's log holds needle. */
static bool
log_has(const struct h_mixd *m, const char *needle)
{
	static char buf[65536];
	FILE *f = fopen(m->log_path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* mixd with --state-dir dir and --strips strips, up and answering. */
static void
up(const char *dir, const char *strips)
{
	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", strips, "--state-dir", dir, NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
}

static void
down(void)
{
	e2e_stop_mixd(&w);
	h_osc_close(w.osc);
	w.osc = NULL;
	h_mixd_free(w.mixd);
	w.mixd = NULL;
}

/* Starting mixd that must refuse: exit 1 within 5 s, the log saying why. */
static void
refused(const char *dir, const char *why)
{
	const char *args[] = { "--strips", "2", "--osc-port", "0", "--state-dir", dir, NULL };
	struct h_mixd *m = h_mixd_start_env(w.jackd, NULL, args);
	int status;

	ck_assert_ptr_nonnull(m);
	status = h_mixd_wait_exit(m, 5000);
	ck_assert_msg(status == 1, "state dir %s: exit %d, expected 1", dir, status);
	ck_assert_msg(log_has(m, why), "state dir %s: the log does not say \"%s\"", dir, why);
	h_mixd_free(m);
}

/* 16 strips, then once 8, then 16 again: strip 12 is as the 16-strip console left it. */
START_TEST(test_fewer_strips_keep_state)
{
	char dir[600];
	float v = 0.0f;

	case_dir(dir, sizeof(dir), "fewer");
	up(dir, "16");
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/12/fader", -7.0f), 0);
	ck_assert_int_eq(h_osc_set_s(w.osc, "/strip/16/name", "Choir"), 0);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/12/fader", &v), 0); /* it arrived */
	down();

	up(dir, "8");
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -3.0f), 0);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_msg(log_has(w.mixd, "this console does not have: kept"),
	              "the 8-strip start does not say it keeps strips 9-16");
	down();

	up(dir, "16");
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/12/fader", &v), 0);
	ck_assert_float_eq(v, -7.0f);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_float_eq(v, -3.0f);
	char name[64];
	ck_assert_int_eq(h_osc_get_s(w.osc, "/strip/16/name", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "Choir");
	down();
}
END_TEST

/* Unusable state directories: exit 1 at once, saying why, nothing written. */
START_TEST(test_unusable_state_dir)
{
	char dir[600], path[700];

	case_dir(dir, sizeof(dir), "unusable");
	snprintf(path, sizeof(path), "%s/a-file", dir);
	put(path, "x\n");
	refused(path, "is not a directory");
	refused("/dev/null", "is not a directory");

	snprintf(path, sizeof(path), "%s/shared", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(chmod(path, 0777), 0);
	refused(path, "can be written by others");

	/* a FIFO as the state: never opened blocking (that hung mixd and its SIGTERM forever) */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/fifo/state.scene", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	refused(path, "not a regular file");
	snprintf(path, sizeof(path), "%s/fifo/state.scene", dir);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode)); /* left as it was */
}
END_TEST

/* A bad state is kept as .bad, a second one as .bad.1: the first copy survives. */
START_TEST(test_bad_state_kept_apart)
{
	char dir[600], path[700], bad[720];
	float v = 1.0f;

	case_dir(dir, sizeof(dir), "bad");
	snprintf(path, sizeof(path), "%s/state.scene", dir);
	put(path, "# mixd scene 1\n/strip/1/fader minus six\n");
	up(dir, "2");
	ck_assert_msg(log_has(w.mixd, "kept as"), "no \"kept as\" in the log");
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_float_eq(v, 0.0f); /* defaults */
	down();

	put(path, "garbage, the second\n");
	up(dir, "2");
	down();
	snprintf(bad, sizeof(bad), "%s.bad", path);
	FILE *f = fopen(bad, "r");
	char line[128] = "";
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_str_eq(line, "/strip/1/fader minus six\n");
	snprintf(bad, sizeof(bad), "%s.bad.1", path);
	ck_assert_int_eq(access(bad, F_OK), 0);
}
END_TEST

/* The state file's place taken by a directory while mixd runs: the save at exit fails, mixd
 * says so and exits 1 (not "state saved"). */
START_TEST(test_failed_save_is_said)
{
	char dir[600], path[700];
	int status;

	case_dir(dir, sizeof(dir), "failsave");
	up(dir, "2");
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -5.0f), 0);
	float v;
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	snprintf(path, sizeof(path), "%s/state.scene", dir);
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.scene/keep", dir);
	put(path, "x\n");
	status = h_mixd_stop(w.mixd);
	ck_assert_int_eq(status, 1);
	ck_assert(log_has(w.mixd, "state NOT saved"));
	ck_assert(!log_has(w.mixd, "state saved, bye"));
}
END_TEST

static Suite *
e2e_state_suite(void)
{
	Suite *s = suite_create("e2e_state");

	e2e_add_case(s, "fewer_strips_keep_state", test_fewer_strips_keep_state, setup, teardown,
	             90);
	e2e_add_case(s, "unusable_state_dir", test_unusable_state_dir, setup, teardown, 60);
	e2e_add_case(s, "bad_state_kept_apart", test_bad_state_kept_apart, setup, teardown, 60);
	e2e_add_case(s, "failed_save_is_said", test_failed_save_is_said, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_state_suite());
}
