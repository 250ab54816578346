/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test under real-time scheduling, as a stage machine runs: jackd -R (SCHED_FIFO)
 * and mixd with its memory locked. The other e2e tests run jackd without real-time priority so
 * they can run anywhere; this one proves the real-time configuration itself: mixd's process
 * thread runs SCHED_FIFO, its memory is locked, a tone comes through at the right level, and
 * the RT interposer (its positive control passed) counts nothing forbidden while a storm of
 * sets lands. Runs as root (CI does); elsewhere it fails and says why, never skips.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RATE       48000
#define PERIOD     64
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_DBFS  (-20.0)
/* a mono strip panned centre: -3.0103 dB on each side */
#define PAN_CENTRE_DB (-3.0103)

static struct h_world w;

static void
setup(void)
{
	memset(&w, 0, sizeof(w));
	ck_assert_msg(geteuid() == 0, "this case needs root: jackd -R (SCHED_FIFO) and mlockall");
	w.jackd = h_jackd_start_opts(RATE, PERIOD, true);
	ck_assert_msg(w.jackd != NULL, "jackd -R did not start");
}

static void
teardown(void)
{
	h_world_free(&w);
}

/* How many of pid's threads run SCHED_FIFO (policy 1, field 41 of /proc/PID/task/TID/stat). */
static unsigned
fifo_threads(pid_t pid)
{
	char path[320], buf[1024];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		FILE *f;
		char *p;
		int field = 2, policy = -1;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/stat", (long)pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			/* the name (field 2) may hold blanks: count fields after its ')' */
			p = strrchr(buf, ')');
			for (char *tok = p ? strtok(p + 1, " ") : NULL; tok;
			     tok = strtok(NULL, " ")) {
				if (++field == 41) {
					policy = atoi(tok);
					break;
				}
			}
		}
		fclose(f);
		n += policy == 1;
	}
	closedir(d);
	return n;
}

START_TEST(test_realtime)
{
	static const char *const args[] = { "--strips", "8", NULL };
	static const char *const in[] = { "mixd:in_1" };
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts opts = { 0 };
	char report_path[512], why[4608], path[64];
	struct e2e_commands cmd0;
	long long callbacks;
	double l_db;
	int64_t t_end;
	unsigned sent = 0;

	ck_assert_msg(lib && *lib, "RTCHECK_LIB is not set");
	snprintf(report_path, sizeof(report_path), "%s/%s.%ld.rtcheck", h_session_dir(),
	         w.jackd->name, (long)getpid());
	opts.preload = lib;
	opts.rtcheck_out = report_path;
	e2e_world_up(&w, &opts, args, 1, in, REC_FRAMES);

	/* the process thread JACK made for mixd is real-time, and mixd's memory is locked */
	ck_assert_msg(fifo_threads(w.mixd->pid) >= 1, "no SCHED_FIFO thread in mixd");
	ck_assert_int_eq(e2e_stat(&w, "memory_locked"), 2);
	ck_assert_msg(h_proc_status_kb(w.mixd->pid, "VmLck") > 1024, "VmLck of mixd is %ld kB",
	              h_proc_status_kb(w.mixd->pid, "VmLck"));

	/* a tone at the right level */
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 1000.0, TONE_DBFS), 0);
	e2e_settle(&w);
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
	l_db = h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP) -
	       h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
	ck_assert_msg(fabs(l_db - PAN_CENTRE_DB) < 0.05,
	              "master L is %.4f dB re the input, want %.4f", l_db, PAN_CENTRE_DB);

	/* a storm of sets for two seconds, at 64-frame periods under SCHED_FIFO */
	cmd0 = e2e_commands_now(&w);
	t_end = h_now_ms() + 2000;
	for (unsigned i = 0; h_now_ms() < t_end; i++) {
		for (unsigned k = 1; k <= 8; k++) {
			snprintf(path, sizeof(path), "/strip/%u/fader", k);
			sent += !h_osc_set_f(w.osc, path, -(float)((i + k) % 40));
			snprintf(path, sizeof(path), "/strip/%u/eq/2/gain", k);
			sent += !h_osc_set_f(w.osc, path, (float)((i * 3 + k) % 30) - 15.0f);
			snprintf(path, sizeof(path), "/strip/%u/comp/on", k);
			sent += !h_osc_set_i(w.osc, path, (int)((i + k) % 2));
		}
		h_osc_drain(w.osc);
		h_sleep_ms(5);
	}
	ck_assert_msg(h_osc_ping(w.osc, 2000), "mixd stopped answering after the storm");
	e2e_assert_commands_applied(&w, cmd0, 1000, "realtime");
	ck_assert_int_eq(e2e_stat(&w, "nonfinite_output"), 0);
	e2e_stop_mixd(&w);
	ck_assert_msg(h_rtcheck_verify(report_path, 1000, &callbacks, why, sizeof(why)) == 0, "%s",
	              why);
	fprintf(stderr, "realtime: %u messages, %lld callbacks at %d frames, SCHED_FIFO\n", sent,
	        callbacks, PERIOD);
}
END_TEST

static Suite *
e2e_realtime_suite(void)
{
	Suite *s = suite_create("e2e_realtime");

	/* not in a sanitized build: the interposer cannot be preloaded there, and mixd does not
	 * lock a sanitizer's shadow memory */
	if (e2e_rtcheck_possible("realtime"))
		e2e_add_case(s, "realtime", test_realtime, setup, teardown, 90);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_realtime_suite());
}
