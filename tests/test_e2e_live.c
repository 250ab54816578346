/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the live console's outputs through JACK (issue 12): what leaves mixd's
 * ports while its callback runs late, and the latency each output port reports against the
 * delay an impulse measures through it.
 *
 * Same world as the other e2e files: a private jackd (dummy backend), the real mixd, a JACK
 * probe that plays buffers sample-exactly and records two inputs, an OSC client. Each test is
 * its own TCase (`CK_RUN_CASE=xrun_ceiling` runs one); every measurement is printed.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE   48000
#define PERIOD 64

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* Largest magnitude of buf[0..n). */
static double
max_abs(const float *buf, size_t n)
{
	double m = 0.0;

	for (size_t i = 0; i < n; i++)
		if (fabs(buf[i]) > m)
			m = fabs(buf[i]);
	return m;
}

/* ---- 1. a late callback never shows the master before its limiter ------------------------- */

/* Stops and continues mixd (SIGSTOP, SIGCONT) at pseudo-random moments for ms milliseconds: each
 * stop freezes its process callback wherever it is, for several periods, and JACK runs the rest
 * of the graph without it (an xrun). The probe, which records mixd's master in the next cycle,
 * then reads whatever the master ports hold at that moment. */
static unsigned
stall_mixd(pid_t pid, unsigned ms)
{
	int64_t end = h_now_ms() + ms;
	uint32_t x = 0x9e3779b9u;
	unsigned stops = 0;

	while (h_now_ms() < end) {
		x = x * 1664525u + 1013904223u;
		h_sleep_ms(2 + (x >> 28));  /* 2..17 ms running */
		ck_assert_int_eq(kill(pid, SIGSTOP), 0);
		h_sleep_ms(2 + ((x >> 24) & 7)); /* 2..9 ms stopped: 1.5 to 7 periods */
		ck_assert_int_eq(kill(pid, SIGCONT), 0);
		stops++;
	}
	return stops;
}

START_TEST(test_xrun_ceiling)
{
	/* 32 strips with their EQ and compressor in: a callback long enough that many stops land
	 * inside it, half way through the master chain */
	static const char *const args[] = { "--strips", "32", NULL };
	static const char *const ins[] = { "mixd:in_1" };
	const size_t frames = 6 * RATE;
	const double ceiling_db = -1.0, ceiling = pow(10.0, ceiling_db / 20.0);
	double peak_l, peak_r;
	int64_t xr0, xr1;
	unsigned stops;

	e2e_world_up(&w, NULL, args, 1, ins, frames);
	e2e_set_i(&w, "/master/limiter/truepeak", 0); /* sample peaks: the ceiling is exact */
	e2e_set_f(&w, "/master/limiter/ceiling", ceiling_db);
	for (int k = 1; k <= 32; k++) {
		char path[64];
		/* strip 1 carries the tone uncompressed; the others only cost time */
		snprintf(path, sizeof(path), "/strip/%d/comp/on", k);
		if (k > 1)
		e2e_set_i(&w, path, 1);
		snprintf(path, sizeof(path), "/strip/%d/hpf/on", k);
		e2e_set_i(&w, path, 1);
	}
	e2e_assert_no_error(&w, "setup");
	/* 40 dB over the ceiling, into strip 1 at unity: the master sum peaks at +39 dBFS */
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 997.0, ceiling_db + 40.0), 0);
	e2e_settle(&w);
	h_sleep_ms(200);

	xr0 = e2e_stat(&w, "xruns");
	ck_assert_int_eq(h_probe_record_start(w.probe, frames), 0);
	stops = stall_mixd(w.mixd->pid, (unsigned)(frames * 1000 / RATE) - 500);
	ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
	xr1 = e2e_stat(&w, "xruns");

	peak_l = max_abs(h_probe_in(w.probe, 0), frames);
	peak_r = max_abs(h_probe_in(w.probe, 1), frames);
	fprintf(stderr,
	        "xrun_ceiling: %u stops, %lld xruns; master peaks L %.3f dBFS, R %.3f dBFS "
	        "(ceiling %.1f)\n",
	        stops, (long long)(xr1 - xr0), h_amp_db(peak_l), h_amp_db(peak_r), ceiling_db);
	ck_assert_msg(xr1 - xr0 >= 10, "only %lld xruns: the stalls did not make mixd late",
	              (long long)(xr1 - xr0));
	/* the signal reached the master, limited: nothing measured would prove nothing */
	ck_assert_msg(peak_l > ceiling / 1.5 && peak_r > ceiling / 1.5,
	              "master peaks %.2f / %.2f dBFS: the tone did not reach the limiter",
	              h_amp_db(peak_l), h_amp_db(peak_r));
	ck_assert_msg(peak_l <= ceiling && peak_r <= ceiling,
	              "a sample of %.2f dBFS left master_L/R over the %.1f dBFS ceiling",
	              h_amp_db(peak_l > peak_r ? peak_l : peak_r), ceiling_db);
	e2e_stop_mixd(&w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("e2e_live");

	e2e_add_case(s, "xrun_ceiling", test_xrun_ceiling, setup, teardown, 120);
	return e2e_run(s);
}
