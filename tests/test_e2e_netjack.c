/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of mixd across two machines joined by netjack2 (tests/run-netjack.sh builds
 * them: two network namespaces and a veth pair, a jackd in each). The desk runs mixd on the
 * netjack2 master (MIXD_E2E_SERVER); the stage (MIXD_NETJACK_STAGE) is a jackd with the net
 * backend, named MIXD_NETJACK_CLIENT on the desk. A probe on the stage plays into the stage's
 * outputs (to the desk), mixd mixes what arrives, its master and its aux bus 1 (a monitor mix)
 * go back, and the probe records the stage's inputs: the level through both directions and
 * mixd, and the round trip's delay, which must be what mixd reports for the output (/info for
 * the master, the aux port's own latency, none, for the aux bus) plus what netjack reports for
 * the link (and one desk period: see test_latency).
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
#define AUX_TONE   (-20.0) /* dBFS RMS: the aux cases' tone, as test_e2e_aux's */
#define TOL_GAIN   0.1
#define TOL_AUX    0.05 /* dB: a send's gain is exact and netjack2 carries floats as they are */

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
 * system:capture_1/2 -> stage probe in_L/in_R; mixd:aux_1 -> NET:to_slave_3 -> stage
 * system:capture_3 (the monitor mix; a case that listens to it moves in_R there). mixd has 8
 * mono aux buses, its default. */
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
	snprintf(a, sizeof(a), "%s:to_slave_3", net);
	osc_connect("aux_1", a);
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

/* ---- the monitor mix back to the stage ---------------------------------------------------- */

/* The stage's system:capture_1 (master_L) on in_L and system:capture_3 (aux_1) on in_R. */
static void
listen_master_aux(void)
{
	ck_assert_int_eq(h_probe_listen(sp, "system:capture_1", "system:capture_3"), 0);
	h_sleep_ms(100);
}

/* A -20 dBFS (RMS) tone from the stage sent pre-fader at -6 dB to aux 1 reads -26 dBFS on the
 * stage's side of the aux return (system:capture_3) whatever the strip fader, while the master
 * (system:capture_1) follows the fader: -3.01 dB (centre pan) plus the fader, silent at -144. */
START_TEST(test_aux_level)
{
	static const double faders[] = { 0.0, -30.0, -144.0, 6.0 };

	link_up();
	listen_master_aux();
	e2e_get_i_eq(&w, "/strip/1/send/aux/1/pre", 1); /* pre-fader is the default */
	e2e_set_f(&w, "/strip/1/send/aux/1/level", -6.0);
	ck_assert_int_eq(h_probe_sine(sp, 1, TONE_HZ, AUX_TONE + 3.0103), 0);
	for (size_t i = 0; i < sizeof(faders) / sizeof(faders[0]); i++) {
		double aux, master, master_want = AUX_TONE - 3.0103 + faders[i];
		int64_t xr0, xr1;

		e2e_set_f(&w, "/strip/1/fader", faders[i]);
		e2e_assert_no_error(&w, "aux level");
		e2e_settle(&w);
		xr0 = e2e_stat(&w, "xruns");
		ck_assert_int_eq(h_probe_record(sp, REC_FRAMES), 0);
		xr1 = e2e_stat(&w, "xruns");
		master = h_rms_db(h_probe_in(sp, 0), REC_FRAMES, SKIP);
		aux = h_rms_db(h_probe_in(sp, 1), REC_FRAMES, SKIP);
		fprintf(stderr,
		        "netjack aux: fader %g: stage capture_3 (aux_1) %.3f dBFS, capture_1 "
		        "(master_L) %.3f dBFS (xruns %lld)\n",
		        faders[i], aux, master, (long long)(xr1 - xr0));
		ck_assert_msg(
		    fabs(aux - (AUX_TONE - 6.0)) <= TOL_AUX,
		    "fader %g: the aux return on the stage reads %.3f dBFS, expected %.3f",
		    faders[i], aux, AUX_TONE - 6.0);
		if (faders[i] <= -144.0)
			ck_assert_msg(master < -120.0,
			              "fader off: the master on the stage reads %.3f", master);
		else
			ck_assert_msg(
			    fabs(master - master_want) <= TOL_AUX,
			    "fader %g: the master on the stage reads %.3f dBFS, expected %.3f",
			    faders[i], master, master_want);
	}
	link_down();
}
END_TEST

/* The capture latency range the desk's server gives port (full name), read with jack_lsp: this
 * process's JACK client is on the stage's server, and a process has only one (test_latency's
 * osc_connect says why). */
static void
desk_capture_latency(const char *port, unsigned *min, unsigned *max)
{
	char cmd[256], line[256];
	bool this_port = false, found = false;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "jack_lsp -s '%s' -l '%s' 2>&1", w.jackd->name, port);
	f = popen(cmd, "r");
	ck_assert_msg(f != NULL, "cannot run %s", cmd);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != '\t') { /* a port's name, then its properties indented */
			line[strcspn(line, "\n")] = '\0';
			this_port = !strcmp(line, port);
		} else if (this_port &&
		           sscanf(line, "\tport capture latency = [ %u %u ]", min, max) == 2) {
			found = true;
		}
	}
	st = pclose(f);
	ck_assert_msg(st == 0 && found, "%s: status %d, no capture latency of %s", cmd, st, port);
}

/* A click from the stage through the pre-fader send to aux 1 and back: the aux path's round
 * trip is what mixd reports for its aux port (none of its own: the aux outputs skip the master
 * limiter's look-ahead) plus netjack's link each way plus the desk's period, as test_latency
 * finds for the master, exact in samples; the master, recorded in the same take, comes back
 * later by /info's latency. mixd's own latency for a port is the capture latency it gives the
 * port less that of its input (the link's, as netjack's client on the desk reports it). */
START_TEST(test_aux_latency)
{
	static float click[PERIOD * 4];
	const float *bufs[1] = { click };
	unsigned in_min, in_max, aux_min, aux_max, m_min, m_max;
	unsigned pb_min, pb_max, cap_min, cap_max;
	char in1[96], aux1[96], master_l[96];
	size_t sent, got_aux, got_master;
	long measured, reported, aux_own, master_own;
	int lat;
	struct h_msg *m;

	link_up();
	listen_master_aux();
	e2e_set_f(&w, "/strip/1/send/aux/1/level", 0.0); /* pre-fader, unity */
	e2e_assert_no_error(&w, "aux latency");
	e2e_settle(&w);
	click[PERIOD] = 0.5f;
	m = h_osc_get(w.osc, "/info");
	ck_assert_ptr_nonnull(m);
	lat = h_arg_i(m, 5);
	h_msg_free(m);
	snprintf(in1, sizeof(in1), "%s:in_1", w.mixd->name);
	snprintf(aux1, sizeof(aux1), "%s:aux_1", w.mixd->name);
	snprintf(master_l, sizeof(master_l), "%s:master_L", w.mixd->name);
	desk_capture_latency(in1, &in_min, &in_max);
	desk_capture_latency(aux1, &aux_min, &aux_max);
	desk_capture_latency(master_l, &m_min, &m_max);
	aux_own = (long)aux_max - (long)in_max;
	master_own = (long)m_max - (long)in_max;
	ck_assert_int_eq(h_probe_port_latency(sp, "system:playback_1", false, &pb_min, &pb_max), 0);
	ck_assert_int_eq(h_probe_port_latency(sp, "system:capture_3", true, &cap_min, &cap_max), 0);

	ck_assert_int_eq(h_probe_record_start(sp, REC_FRAMES), 0);
	ck_assert_int_eq(h_probe_play_start(sp, bufs, 1, sizeof(click) / sizeof(click[0])), 0);
	ck_assert_int_eq(h_probe_play_wait(sp), 0);
	ck_assert_int_eq(h_probe_record_wait(sp), 0);
	sent = peak_at(h_probe_sent(sp, 1), REC_FRAMES);
	got_master = peak_at(h_probe_in(sp, 0), REC_FRAMES);
	got_aux = peak_at(h_probe_in(sp, 1), REC_FRAMES);
	measured = (long)got_aux - (long)sent;
	reported = aux_own + (long)pb_max + (long)cap_max + (long)w.jackd->period;
	fprintf(stderr,
	        "netjack aux latency: measured %ld frames (master %ld); desk capture latency "
	        "in_1 [%u,%u] aux_1 [%u,%u] master_L [%u,%u], /info %d; stage playback [%u,%u] "
	        "capture_3 [%u,%u]\n",
	        measured, (long)got_master - (long)sent, in_min, in_max, aux_min, aux_max, m_min,
	        m_max, lat, pb_min, pb_max, cap_min, cap_max);
	ck_assert_msg(fabsf(h_probe_in(sp, 1)[got_aux]) > 0.4f, "no click came back on the aux");
	ck_assert_msg(fabsf(h_probe_in(sp, 0)[got_master]) > 0.3f,
	              "no click came back on the master");
	ck_assert_msg(in_min == in_max && aux_min == aux_max && m_min == m_max &&
	                  pb_min == pb_max && cap_min == cap_max,
	              "latency ranges, not single values");
	ck_assert_msg(master_own == lat, "mixd reports %ld frames on master_L, /info %d",
	              master_own, lat);
	ck_assert_msg(aux_own == 0, "mixd reports %ld frames of its own on aux_1, expected none",
	              aux_own);
	ck_assert_msg(measured == reported,
	              "aux round trip %ld frames, mixd's aux_1 (%ld) + netjack (stage playback %u "
	              "+ capture %u + the desk's period %u) = %ld",
	              measured, aux_own, pb_max, cap_max, w.jackd->period, reported);
	ck_assert_msg((long)got_master - (long)got_aux == lat,
	              "the master came back %ld frames after the aux, /info says %d",
	              (long)got_master - (long)got_aux, lat);
	link_down();
}
END_TEST

static Suite *
e2e_netjack_suite(void)
{
	Suite *s = suite_create("e2e_netjack");

	e2e_add_case(s, "level", test_level, setup, teardown, 60);
	e2e_add_case(s, "latency", test_latency, setup, teardown, 60);
	e2e_add_case(s, "aux_level", test_aux_level, setup, teardown, 60);
	e2e_add_case(s, "aux_latency", test_aux_latency, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_netjack_suite());
}
