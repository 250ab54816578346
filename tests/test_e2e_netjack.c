/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of mixd across two machines joined by netjack2 (tests/run-netjack.sh builds
 * them: two network namespaces and a veth pair, a jackd in each). The desk runs mixd on the
 * netjack2 master (MIXD_E2E_SERVER); the stage (MIXD_NETJACK_STAGE) is a jackd with the net
 * backend, named MIXD_NETJACK_CLIENT on the desk. A probe on the stage plays into the stage's
 * outputs (to the desk), mixd mixes what arrives, its master goes back, and the probe records
 * the stage's inputs: the level through both directions and mixd, and the round trip's delay,
 * which must be what mixd reports (/info) plus what netjack reports for the link (and one
 * desk period: see test_latency).
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE       48000
#define PERIOD     256
#define REC_FRAMES 48000
#define SKIP       4800
#define TONE_HZ    1000.0
#define TONE_DBFS  (-20.0)
#define TOL_GAIN   0.1

E2E_WORLD_FIXTURE(RATE, PERIOD)

static struct h_jackd *stage;
static struct h_probe *sp; /* the probe on the stage */
static char net[64];       /* the stage's client on the desk */

/* mixd connects its port ours to the desk's peer, over OSC: a JACK client of this process can
 * only be on one server (libjack's globals), and it is the stage's. */
static void
osc_connect(const char *ours, const char *peer)
{
	struct h_msg *m;

	ck_assert_int_eq(h_osc_send(w.osc, "/connect", "ss", ours, peer), 0);
	m = h_osc_wait(w.osc, "/connect", H_REPLY_MS);
	ck_assert_msg(m != NULL, "/connect %s %s: no reply", ours, peer);
	ck_assert_str_eq(h_arg_s(m, 2), "connected");
	h_msg_free(m);
}

/* Both ends up and patched: stage probe out_1 -> stage system:playback_1 -> desk
 * NET:from_slave_1 -> mixd:in_1; mixd:master_L/R -> NET:to_slave_1/2 -> stage
 * system:capture_1/2 -> stage probe in_L/in_R. */
static void
link_up(void)
{
	const char *sname = getenv("MIXD_NETJACK_STAGE"), *cname = getenv("MIXD_NETJACK_CLIENT");
	char a[128];

	ck_assert_msg(sname && cname, "MIXD_NETJACK_STAGE and _CLIENT are set by run-netjack.sh");
	snprintf(net, sizeof(net), "%s", cname);
	stage = h_jackd_attach(sname);
	ck_assert_msg(stage != NULL, "no stage server %s", sname);
	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "1", NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	sp = h_probe_open_flags(stage, "stageprobe", 1, REC_FRAMES, H_PROBE_LATENCY_SOURCE);
	ck_assert_ptr_nonnull(sp);

	snprintf(a, sizeof(a), "%s:from_slave_1", net);
	osc_connect("in_1", a);
	snprintf(a, sizeof(a), "%s:to_slave_1", net);
	osc_connect("master_L", a);
	snprintf(a, sizeof(a), "%s:to_slave_2", net);
	osc_connect("master_R", a);
	ck_assert_int_eq(h_probe_connect(sp, h_probe_out_name(sp, 1), "system:playback_1"), 0);
	ck_assert_int_eq(h_probe_connect(sp, "system:capture_1", h_probe_in_name(sp, 0)), 0);
	ck_assert_int_eq(h_probe_connect(sp, "system:capture_2", h_probe_in_name(sp, 1)), 0);
	h_sleep_ms(500);
}

static void
link_down(void)
{
	h_probe_close(sp);
	sp = NULL;
	h_jackd_free(stage);
	stage = NULL;
}

START_TEST(test_level)
{
	double l, r;
	int64_t xr0, xr1;

	link_up();
	ck_assert_int_eq(h_probe_sine(sp, 1, TONE_HZ, TONE_DBFS), 0);
	h_sleep_ms(500);
	xr0 = e2e_stat(&w, "xruns");
	ck_assert_int_eq(h_probe_record(sp, REC_FRAMES), 0);
	xr1 = e2e_stat(&w, "xruns");
	l = h_rms_db(h_probe_in(sp, 0), REC_FRAMES, SKIP) -
	    h_rms_db(h_probe_sent(sp, 1), REC_FRAMES, SKIP);
	r = h_rms_db(h_probe_in(sp, 1), REC_FRAMES, SKIP) -
	    h_rms_db(h_probe_sent(sp, 1), REC_FRAMES, SKIP);
	fprintf(stderr, "netjack level: stage in L - out = %.3f dB, R %.3f dB (xruns %lld)\n", l, r,
	        (long long)(xr1 - xr0));
	ck_assert_msg(fabs(l + 3.0103) <= TOL_GAIN && fabs(r + 3.0103) <= TOL_GAIN,
	              "through the desk and back: L %.3f dB, R %.3f dB, expected -3.010", l, r);
	link_down();
}
END_TEST

/* Index of the largest magnitude in buf[0..n). */
static size_t
peak_at(const float *buf, size_t n)
{
	size_t at = 0;

	for (size_t i = 1; i < n; i++)
		if (fabsf(buf[i]) > fabsf(buf[at]))
			at = i;
	return at;
}

START_TEST(test_latency)
{
	static float click[PERIOD * 4];
	const float *bufs[1] = { click };
	unsigned pb_min, pb_max, cap_min, cap_max;
	size_t sent, got;
	long measured, reported;
	int lat;
	struct h_msg *m;

	link_up();
	click[PERIOD] = 0.5f;
	m = h_osc_get(w.osc, "/info");
	ck_assert_ptr_nonnull(m);
	lat = h_arg_i(m, 5);
	h_msg_free(m);
	/* netjack's own account of the link, as each end's ports carry it */
	ck_assert_int_eq(h_probe_port_latency(sp, "system:playback_1", false, &pb_min, &pb_max), 0);
	ck_assert_int_eq(h_probe_port_latency(sp, "system:capture_1", true, &cap_min, &cap_max), 0);

	ck_assert_int_eq(h_probe_record_start(sp, REC_FRAMES), 0);
	ck_assert_int_eq(h_probe_play_start(sp, bufs, 1, sizeof(click) / sizeof(click[0])), 0);
	ck_assert_int_eq(h_probe_play_wait(sp), 0);
	ck_assert_int_eq(h_probe_record_wait(sp), 0);
	sent = peak_at(h_probe_sent(sp, 1), REC_FRAMES);
	got = peak_at(h_probe_in(sp, 0), REC_FRAMES);
	measured = (long)got - (long)sent;
	/* what mixd reports, what the stage's ports report for the link each way, and one desk
	 * period: the master's netjack2 client is one JACK client that feeds mixd and is fed by
	 * it, a loop JACK breaks with a period's delay and cannot report */
	reported = lat + (long)pb_max + (long)cap_max + (long)w.jackd->period;
	fprintf(stderr,
	        "netjack latency: measured %ld frames; mixd %d; stage playback [%u,%u] capture "
	        "[%u,%u]\n",
	        measured, lat, pb_min, pb_max, cap_min, cap_max);
	ck_assert_msg(fabsf(h_probe_in(sp, 0)[got]) > 0.3f, "no click came back");
	ck_assert_msg(pb_min == pb_max && cap_min == cap_max, "netjack reports ranges");
	ck_assert_msg(measured == reported,
	              "round trip %ld frames, mixd (%d) + netjack (stage playback %u + capture %u "
	              "+ the desk's period %u) = %ld",
	              measured, lat, pb_max, cap_max, w.jackd->period, reported);
	link_down();
}
END_TEST

static Suite *
e2e_netjack_suite(void)
{
	Suite *s = suite_create("e2e_netjack");

	e2e_add_case(s, "level", test_level, setup, teardown, 60);
	e2e_add_case(s, "latency", test_latency, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_netjack_suite());
}
