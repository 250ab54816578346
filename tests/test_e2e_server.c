/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of what mixd must get right on any JACK server, jackd or PipeWire's (the
 * suite runs this file on both: tests/run-pipewire.sh): the latency it reports is there as soon
 * as it is up, not once another client connects; it follows the server to a new period.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define RATE       48000
#define PERIOD     256
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_HZ    1000.0
#define TONE_DBFS  (-20.0)
#define TOL_LEVEL  0.05

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* /info's latency: the frames mixd adds (the limiter's look-ahead). */
static int
info_latency(void)
{
	struct h_msg *m = h_osc_get(w.osc, "/info");
	int lat;

	ck_assert_msg(m != NULL, "no /info reply");
	ck_assert_str_eq(m->types, "ssiiii");
	lat = h_arg_i(m, 5);
	h_msg_free(m);
	return lat;
}

static int
info_buffer(void)
{
	struct h_msg *m = h_osc_get(w.osc, "/info");
	int buf;

	ck_assert_msg(m != NULL, "no /info reply");
	ck_assert_str_eq(m->types, "ssiiii");
	buf = h_arg_i(m, 4);
	h_msg_free(m);
	return buf;
}

/* mixd up with one mono strip, a probe that is a pure source and sink, nothing connected. */
static void
bare_up(void)
{
	int64_t deadline;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "1", NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	w.probe = h_probe_open_flags(w.jackd, "probe", 1, REC_FRAMES, H_PROBE_LATENCY_SOURCE);
	ck_assert_msg(w.probe != NULL, "probe client did not open");
	deadline = h_now_ms() + 5000;
	while (!h_probe_port_exists(w.probe, "mixd:master_R") && h_now_ms() < deadline)
		h_sleep_ms(5);
}

/* The latency JACK reports on mixd's ports right after it answers, before any connection: the
 * look-ahead on the master's outputs (capture), and on the inputs (playback) the span of their
 * paths, up to the look-ahead. */
START_TEST(test_latency_at_once)
{
	unsigned min, max;
	int64_t deadline;
	int lat;

	bare_up();
	lat = info_latency();
	ck_assert_int_eq(lat, (int)lround(1.5e-3 * w.jackd->rate));
	ck_assert_int_eq(h_probe_port_latency(w.probe, "mixd:master_L", true, &min, &max), 0);
	fprintf(stderr, "latency_at_once: master_L capture latency [%u, %u], /info %d\n", min, max,
	        lat);
	ck_assert_msg(min == (unsigned)lat && max == (unsigned)lat,
	              "master_L capture latency [%u, %u] right after start, expected %d", min, max,
	              lat);
	/* an input reaches the master through the look-ahead and the monitor, aux and direct
	 * outputs without it (docs/live.md): with nothing connected yet, its playback latency
	 * spans both paths, [0, look-ahead] */
	ck_assert_int_eq(h_probe_port_latency(w.probe, "mixd:in_1", false, &min, &max), 0);
	ck_assert_msg(min == 0 && max == (unsigned)lat,
	              "in_1 playback latency [%u, %u] right after start, expected [0, %d]", min,
	              max, lat);

	/* through a chain: the probe's source -> mixd -> the probe's sink, whose capture latency is
	 * then mixd's */
	ck_assert_int_eq(h_probe_connect(w.probe, h_probe_out_name(w.probe, 1), "mixd:in_1"), 0);
	ck_assert_int_eq(h_probe_connect(w.probe, "mixd:master_L", h_probe_in_name(w.probe, 0)), 0);
	/* JACK2 recomputes a connection's latencies at the next cycle: a period, not "once
	 * another client connects" */
	deadline = h_now_ms() + 2 * h_jackd_period_ms(w.jackd) + 50;
	for (;;) {
		ck_assert_int_eq(
		    h_probe_port_latency(w.probe, h_probe_in_name(w.probe, 0), true, &min, &max),
		    0);
		if ((min == (unsigned)lat && max == (unsigned)lat) || h_now_ms() >= deadline)
			break;
		h_sleep_ms(2);
	}
	ck_assert_msg(min == (unsigned)lat && max == (unsigned)lat,
	              "probe in_L (through mixd) capture latency [%u, %u], expected %d", min, max,
	              lat);
}
END_TEST

/* The server moves to a period twice as long and back: /info follows, and the level through
 * mixd is right at each. */
START_TEST(test_buffer_size)
{
	const unsigned first = w.jackd->period;
	const unsigned sizes[] = { first * 2, first };

	bare_up();
	ck_assert_int_eq(h_probe_connect(w.probe, h_probe_out_name(w.probe, 1), "mixd:in_1"), 0);
	ck_assert_int_eq(h_probe_connect(w.probe, "mixd:master_L", h_probe_in_name(w.probe, 0)), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	ck_assert_int_eq(info_buffer(), (int)first);
	for (unsigned i = 0; i < 2; i++) {
		int64_t deadline = h_now_ms() + 2000;
		double rel;

		ck_assert_int_eq(h_probe_set_buffer_size(w.probe, sizes[i]), 0);
		while (info_buffer() != (int)sizes[i] && h_now_ms() < deadline)
			h_sleep_ms(10);
		ck_assert_msg(info_buffer() == (int)sizes[i],
		              "/info says %d frames 2 s after the server went to %u (it is at %u)",
		              info_buffer(), sizes[i], h_probe_buffer_size(w.probe));
		h_sleep_ms(4 * sizes[i] * 1000 / w.jackd->rate + 100);
		ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
		/* one mono strip at centre: -3.01 dB on L */
		rel = h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP) -
		      h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
		ck_assert_msg(fabs(rel + 3.0103) <= TOL_LEVEL,
		              "at %u frames: master L - in = %.3f dB, expected -3.010", sizes[i],
		              rel);
	}
}
END_TEST

static Suite *
e2e_server_suite(void)
{
	Suite *s = suite_create("e2e_server");

	e2e_add_case(s, "latency_at_once", test_latency_at_once, setup, teardown, 60);
	e2e_add_case(s, "buffer_size", test_buffer_size, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_server_suite());
}
