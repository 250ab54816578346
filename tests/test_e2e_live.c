/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the live console's outputs through JACK (issue 12): what leaves mixd's
 * ports while its callback runs late; the latency each kind of output port (master, aux,
 * monitor, direct) reports against the delay an impulse measures through it; the RT interposer
 * with every new block working; bad input refused with nothing changed.
 *
 * Same world as the other e2e files: a private jackd (dummy backend), the real mixd, a JACK
 * probe that plays buffers sample-exactly and records two inputs, an OSC client. Each test is
 * its own TCase (`CK_RUN_CASE=xrun_ceiling` runs one); every measurement is printed.
 */
#include "live_run.h"

#include <jack/jack.h>

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

/* The latency case at 256 frames: a 64-frame period without real-time priority on a shared
 * machine misses so often that most measurements would be spoiled by an xrun. */
static void
setup_256(void)
{
	ck_assert_msg(h_world_start(&w, RATE, 256) == 0, "jackd did not start");
}

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
		h_sleep_ms(2 + (x >> 28)); /* 2..17 ms running */
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

/* ---- 2. each output's latency is what it reports ------------------------------------------- */

/* The JACK latency range of a port (full name), as any client reads it. */
static jack_latency_range_t
port_latency(const char *name, jack_latency_callback_mode_t mode)
{
	jack_status_t st;
	jack_client_t *c =
	    jack_client_open("latq", JackNoStartServer | JackServerName, &st, w.jackd->name);
	jack_latency_range_t r = { 0, 0 };
	jack_port_t *p;

	ck_assert_msg(c != NULL, "cannot open a client to read latencies");
	p = jack_port_by_name(c, name);
	ck_assert_msg(p != NULL, "no port %s", name);
	jack_port_get_latency_range(p, mode, &r);
	jack_client_close(c);
	return r;
}

#define IMP_FRAMES 4096
#define IMP_AT     100
#define IMP_AMP    0.5f
#define LAT_TRIES  5

/* The delay of an impulse into mixd:in_1 through mixd:port, in frames, less the probe loop's
 * one period (the probe records mixd's previous cycle: test_e2e_master shows it). */
static long
measure_through(const char *port, double *amp)
{
	static float imp[IMP_FRAMES];
	const float *const bufs[1] = { imp };
	const long period = (long)w.jackd->period;
	const size_t rec = IMP_FRAMES + 2 * (size_t)period;
	const float *in;
	long sent = -1, best = 0;

	memset(imp, 0, sizeof(imp));
	imp[IMP_AT] = IMP_AMP;
	live_listen(&w, port, NULL);
	for (int attempt = 1;; attempt++) {
		int64_t xr = e2e_stat(&w, "xruns");

		ck_assert_int_eq(h_probe_record_start(w.probe, rec), 0);
		ck_assert_int_eq(h_probe_play_start(w.probe, bufs, 1, IMP_FRAMES), 0);
		ck_assert_int_eq(h_probe_play_wait(w.probe), 0);
		ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
		h_sleep_ms(20); /* JACK tells clients of an xrun from another thread */
		/* a measurement spoiled by an xrun (jackd without real-time priority on a loaded
		 * machine) shows a period late: taken again, as test_e2e_master does */
		if (e2e_stat(&w, "xruns") == xr || attempt == LAT_TRIES)
			break;
		fprintf(stderr, "latency %s: xrun during measurement %d; once more\n", port,
		        attempt);
	}
	for (size_t i = 0; i < rec && sent < 0; i++)
		if (h_probe_sent(w.probe, 1)[i] != 0.0f)
			sent = (long)i;
	ck_assert_msg(sent >= 0, "the impulse was not sent");
	in = h_probe_in(w.probe, 0);
	for (size_t i = 1; i < rec; i++)
		if (fabsf(in[i]) > fabsf(in[best]))
			best = (long)i;
	*amp = in[best];
	return best - sent - period;
}

START_TEST(test_latency_ports)
{
	/* strip 1 sends pre-fader at 0 dB to aux 1; nothing cued: the monitor is the main mix;
	 * its direct out is taken after trim and HPF (the default) */
	static const char *const args[] = { "--strips",     "2", "--stereo",      "2", "--aux", "2",
		                            "--aux-stereo", "2", "--direct-outs", NULL };
	static const char *const in1[] = { "mixd:in_1" };
	static const struct {
		const char *port;
		bool master; /* through the limiter's look-ahead */
	} kinds[] = {
		{ "master_L", true },
		{ "aux_1", false },
		{ "monitor_L", false },
		{ "direct_1", false },
	};
	static const char *const more[] = { "mixd:aux_2_L",    "mixd:aux_2_R",    "mixd:monitor_R",
		                            "mixd:direct_2_L", "mixd:direct_2_R", "mixd:master_R" };
	int info;

	w.mixd = h_mixd_startv(w.jackd, NULL, args);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	w.probe = h_probe_open_flags(w.jackd, "probe", 1, IMP_FRAMES + 2 * w.jackd->period,
	                             H_PROBE_LATENCY_SOURCE);
	ck_assert_msg(w.osc && w.probe, "no OSC client or probe");
	for (int64_t end = h_now_ms() + 5000;
	     !h_probe_port_exists(w.probe, "mixd:direct_2_R") && h_now_ms() < end;)
		h_sleep_ms(20);
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		ck_assert_msg(h_probe_port_exists(w.probe, more[i]), "no port %s", more[i]);
	ck_assert(!h_probe_port_exists(w.probe, "mixd:aux_3"));
	ck_assert_int_eq(h_probe_connect(w.probe, h_probe_out_name(w.probe, 1), in1[0]), 0);
	e2e_set_f(&w, "/strip/1/send/aux/1/level", 0.0);
	e2e_set_f(&w, "/strip/1/pan", -1.0); /* hard left: master_L carries it at unity */
	e2e_assert_no_error(&w, "setup");
	e2e_settle(&w);
	{
		struct h_msg *m = h_osc_get(w.osc, "/info");
		ck_assert_msg(m && !strcmp(m->types, "ssiiii"), "/info");
		info = h_arg_i(m, 5);
		h_msg_free(m);
	}
	ck_assert_int_gt(info, 0);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char full[64];
		jack_latency_range_t r;
		double amp;
		long d = measure_through(kinds[k].port, &amp);

		snprintf(full, sizeof(full), "mixd:%s", kinds[k].port);
		r = port_latency(full, JackCaptureLatency);
		fprintf(stderr,
		        "latency %-10s measured %ld frames, JACK capture [%u, %u], /info %d, "
		        "impulse %.4f\n",
		        kinds[k].port, d, r.min, r.max, info, amp);
		ck_assert_msg(fabs(amp) > 0.1, "%s: impulse %.4f: nothing came through",
		              kinds[k].port, amp);
		ck_assert_msg(r.min == r.max && (long)r.max == d,
		              "%s: JACK capture latency [%u, %u], measured %ld", kinds[k].port,
		              r.min, r.max, d);
		ck_assert_msg(d == (kinds[k].master ? info : 0), "%s: %ld frames, expected %d",
		              kinds[k].port, d, kinds[k].master ? info : 0);
	}
	e2e_stop_mixd(&w);
}
END_TEST

/* ---- 3. the RT interposer with every new block working ----------------------------------------
 */

START_TEST(test_rt_safety)
{
	static const char *const args[] = { "--strips", "8", "--stereo",      "7-8",
		                            "--aux",    "8", "--aux-stereo",  "1-4",
		                            "--dca",    "8", "--direct-outs", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2", "mixd:in_3",  "mixd:in_4",
		                          "mixd:in_5", "mixd:in_6", "mixd:in_7_L" };
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts opts = { 0 };
	char report[512], why[4608], path[96];
	long long callbacks;
	unsigned sent = 0;
	int64_t end;

	if (!e2e_rtcheck_possible("rt_safety"))
		return;
	ck_assert_msg(lib && *lib, "RTCHECK_LIB is not set");
	snprintf(report, sizeof(report), "%s/%s.%ld.rtcheck", h_session_dir(), w.jackd->name,
	         (long)getpid());
	opts.preload = lib;
	opts.rtcheck_out = report;
	e2e_world_up(&w, &opts, args, 7, in, 1024);
	for (unsigned k = 1; k <= 7; k++)
		ck_assert_int_eq(h_probe_noise(w.probe, k, -18.0, 77u + k), 0);
	/* every block in: sends to every aux, subgroups, DCAs, mute groups, the chorus */
	for (unsigned s = 1; s <= 8; s++) {
		for (unsigned k = 1; k <= 8; k++) {
			snprintf(path, sizeof(path), "/strip/%u/send/aux/%u/level", s, k);
			sent += !h_osc_set_f(w.osc, path, -10.0f);
		}
		snprintf(path, sizeof(path), "/strip/%u/dca/%u", s, s);
		sent += !h_osc_set_i(w.osc, path, 1);
		snprintf(path, sizeof(path), "/strip/%u/send/chorus/level", s);
		sent += !h_osc_set_f(w.osc, path, -12.0f);
		snprintf(path, sizeof(path), "/strip/%u/comp/on", s);
		sent += !h_osc_set_i(w.osc, path, 1);
	}
	sent += !h_osc_set_i(w.osc, "/aux/2/master", 1);
	sent += !h_osc_set_i(w.osc, "/aux/5/master", 1);
	e2e_assert_no_error(&w, "setup");
	end = h_now_ms() + 2500;
	for (unsigned i = 0; h_now_ms() < end; i++) {
		for (unsigned s = 1; s <= 8; s++) {
			snprintf(path, sizeof(path), "/strip/%u/send/aux/%u/level", s, i % 8 + 1);
			sent += !h_osc_set_f(w.osc, path, -(float)((i * 3 + s) % 50));
			snprintf(path, sizeof(path), "/strip/%u/send/aux/%u/pre", s,
			         (i + s) % 8 + 1);
			sent += !h_osc_set_i(w.osc, path, (int)((i + s) % 2));
			snprintf(path, sizeof(path), "/strip/%u/cue", s);
			sent += !h_osc_set_i(w.osc, path, (int)((i + s) % 5 == 0));
			snprintf(path, sizeof(path), "/strip/%u/mutegroup/%u", s, i % 6 + 1);
			sent += !h_osc_set_i(w.osc, path, (int)((i + s) % 3 == 0));
			snprintf(path, sizeof(path), "/strip/%u/direct/pre", s);
			sent += !h_osc_set_i(w.osc, path, (int)(i % 2));
		}
		snprintf(path, sizeof(path), "/aux/%u/fader", i % 8 + 1);
		sent += !h_osc_set_f(w.osc, path, -(float)(i % 30));
		snprintf(path, sizeof(path), "/aux/%u/cue", i % 8 + 1);
		sent += !h_osc_set_i(w.osc, path, (int)(i % 4 == 0));
		snprintf(path, sizeof(path), "/dca/%u/fader", i % 8 + 1);
		sent += !h_osc_set_f(w.osc, path, -(float)(i % 20));
		snprintf(path, sizeof(path), "/mutegroup/%u/on", i % 6 + 1);
		sent += !h_osc_set_i(w.osc, path, (int)(i % 3 == 0));
		sent += !h_osc_set_i(w.osc, "/monitor/mode", (int)(i % 2));
		sent += !h_osc_set_i(w.osc, "/bus/delay/cue", (int)(i % 7 == 0));
		sent += !h_osc_set_f(w.osc, "/bus/chorus/rate", 0.1f + (float)(i % 40) * 0.1f);
		sent += !h_osc_set_f(w.osc, "/bus/chorus/depth", (float)(i % 10));
		sent += !h_osc_set_f(w.osc, "/bus/chorus/voices", 1.0f + (float)(i % 31) * 0.1f);
		snprintf(path, sizeof(path), "/meter/aux/%u", i % 8 + 1);
		sent += !h_osc_send(w.osc, path, "");
		sent += !h_osc_send(w.osc, "/meter/monitor", "");
		if (i % 20 == 0)
			sent += !h_osc_send(w.osc, "/monitor/cue_clear", "");
		h_osc_drain(w.osc);
		h_sleep_ms(5);
	}
	ck_assert_msg(sent >= 2000, "only %u messages sent", sent);
	ck_assert_msg(h_osc_ping(w.osc, 2000), "mixd stopped answering");
	e2e_stop_mixd(&w);
	ck_assert_msg(h_rtcheck_verify(report, 100, &callbacks, why, sizeof(why)) == 0, "%s", why);
	fprintf(stderr, "rt_safety: %u messages, %lld callbacks\n", sent, callbacks);
}
END_TEST

/* ---- 4. bad input: a clear error, nothing changed -------------------------------------------- */

START_TEST(test_bad_input)
{
	static const char *const args[] = { "--strips", "2", "--aux", "2", "--dca", "2", NULL };
	static const char *const in[] = { "mixd:in_1" };
	static const char *const bad[] = {
		"/strip/1/send/aux/3/level", /* a bus this console does not have */
		"/strip/1/send/aux/0/level",
		"/strip/3/send/aux/1/level",
		"/strip/1/send/aux/1/pan", /* a mono bus has no pan */
		"/strip/1/dca/3",          /* an out-of-range membership */
		"/strip/1/mutegroup/7",
		"/strip/1/mutegroup/0",
		"/aux/3/fader",
		"/dca/3/fader",
		"/mutegroup/7/on",
	};
	const char *argv_bad[] = { "--aux", "33", NULL };
	struct h_mixd *m;
	int status;

	e2e_world_up(&w, NULL, args, 1, in, 1024);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(h_osc_set_f(w.osc, bad[i], 1.0f), 0);
		ck_assert_msg(h_osc_expect_error(w.osc, bad[i], H_REPLY_MS), "%s: no /error",
		              bad[i]);
	}
	/* values the row refuses, and a mode that is not one */
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/send/aux/1/level", "f", (double)NAN), 0);
	ck_assert(h_osc_expect_error(w.osc, "/strip/1/send/aux/1/level", H_REPLY_MS));
	ck_assert_int_eq(h_osc_set_s(w.osc, "/monitor/mode", "solo"), 0);
	ck_assert(h_osc_expect_error(w.osc, "/monitor/mode", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/monitor/cue_clear", "i", 1), 0);
	ck_assert(h_osc_expect_error(w.osc, "/monitor/cue_clear", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/meter/aux/3", ""), 0);
	ck_assert(h_osc_expect_error(w.osc, "/meter/aux/3", H_REPLY_MS));
	/* nothing changed */
	e2e_get_f_eq(&w, "/strip/1/send/aux/1/level", -144.0f);
	e2e_get_s_eq(&w, "/monitor/mode", "pfl");
	e2e_get_i_eq(&w, "/strip/1/dca/2", 0);
	ck_assert_int_eq(e2e_stat(&w, "commands_ignored"), 0);
	e2e_stop_mixd(&w);

	/* --aux 33: a clear message, exit 2, no client */
	m = h_mixd_start_env(w.jackd, NULL, argv_bad);
	ck_assert_ptr_nonnull(m);
	status = h_mixd_wait_exit(m, 5000);
	ck_assert_msg(status == 2, "mixd --aux 33 exit status %d, expected 2", status);
	{
		char log[4096] = "";
		FILE *f = fopen(m->log_path, "r");
		size_t n = f ? fread(log, 1, sizeof(log) - 1, f) : 0;

		if (f)
			fclose(f);
		log[n] = '\0';
		ck_assert_msg(strstr(log, "--aux \"33\": expected 0..32 aux buses"),
		              "mixd --aux 33 said: %s", log);
	}
	h_mixd_free(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("e2e_live");

	e2e_add_case(s, "xrun_ceiling", test_xrun_ceiling, setup, teardown, 120);
	e2e_add_case(s, "latency_ports", test_latency_ports, setup_256, teardown, 120);
	e2e_add_case(s, "rt_safety", test_rt_safety, setup, teardown, 120);
	e2e_add_case(s, "bad_input", test_bad_input, setup, teardown, 60);
	return e2e_run(s);
}
