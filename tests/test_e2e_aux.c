/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the live console's mixes (issue 12), measured at mixd's JACK ports: aux
 * sends pre and post fader, a subgroup reaching the master once, DCAs, mute groups, and cue on
 * the monitor leaving every other output bit for bit as it was.
 *
 * Same world as the other e2e files: a private jackd (dummy backend), the real mixd, a JACK
 * probe playing tones into mixd's inputs and recording two of its outputs at a time, real OSC
 * over UDP. Each test is its own TCase (`CK_RUN_CASE=dca` runs one); every level is printed.
 */
#include "live_run.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE   48000
#define PERIOD 256
#define TOL    0.05 /* dB: the gains are exact; this is the RMS's rounding and nothing else */

E2E_WORLD_FIXTURE(RATE, PERIOD)

static const char *const ins[] = { "mixd:in_1", "mixd:in_2", "mixd:in_3" };

/* A 1 kHz tone of rms_db RMS on probe output k (mixd's in_k). */
static void
tone(unsigned k, double rms_db)
{
	ck_assert_int_eq(h_probe_sine(w.probe, k, LIVE_TONE_HZ, LIVE_PEAK_OF_RMS(rms_db)), 0);
}

static void
set_f(const char *path, double v)
{
	e2e_set_f(&w, path, v);
	e2e_assert_no_error(&w, path);
	e2e_settle(&w);
}

static void
set_i(const char *path, int v)
{
	e2e_set_i(&w, path, v);
	e2e_assert_no_error(&w, path);
	e2e_settle(&w);
}

/* ---- aux sends ------------------------------------------------------------------------------ */

/* A -20 dBFS tone sent pre-fader at -6 dB reads -26 at aux_1 whatever the strip fader; the bus
 * next to it hears nothing; /meter/aux/1 reads the same. */
START_TEST(test_aux_pre)
{
	static const char *const args[] = { "--strips", "2", "--aux", "2", NULL };
	static const double faders[] = { 0.0, -30.0, -144.0, 6.0 };
	double a1, a2;
	float peak_l, peak_r;
	struct h_msg *m;

	e2e_world_up(&w, NULL, args, 2, ins, LIVE_REC);
	live_listen(&w, "aux_1", "aux_2");
	e2e_get_i_eq(&w, "/strip/1/send/aux/1/pre", 1); /* pre-fader is the default */
	set_f("/strip/1/send/aux/1/level", -6.0);
	tone(1, -20.0);
	for (size_t i = 0; i < sizeof(faders) / sizeof(faders[0]); i++) {
		char what[64];

		set_f("/strip/1/fader", faders[i]);
		live_record(&w, &a1, &a2);
		snprintf(what, sizeof(what), "pre send, fader %g: aux_1", faders[i]);
		LIVE_ASSERT_DB(what, a1, -26.0, TOL);
		snprintf(what, sizeof(what), "pre send, fader %g: aux_2", faders[i]);
		LIVE_ASSERT_SILENT(what, a2);
	}
	/* the meter: peaks of a -26 dBFS RMS sine, L = R on a mono bus */
	h_sleep_ms(100);
	m = h_osc_get(w.osc, "/meter/aux/1");
	ck_assert_msg(m && !strcmp(m->types, "ffff"), "/meter/aux/1: %s", m ? m->types : "none");
	peak_l = h_arg_f(m, 0);
	peak_r = h_arg_f(m, 1);
	h_msg_free(m);
	fprintf(stderr, "/meter/aux/1 peaks %.3f %.3f\n", (double)peak_l, (double)peak_r);
	ck_assert(fabs(peak_l - LIVE_PEAK_OF_RMS(-26.0)) < 0.1 && peak_l == peak_r);
	e2e_stop_mixd(&w);
}
END_TEST

/* Post-fader, the send follows the fader and the mute. */
START_TEST(test_aux_post)
{
	static const char *const args[] = { "--strips", "1", "--aux", "1", NULL };
	double a1;

	e2e_world_up(&w, NULL, args, 1, ins, LIVE_REC);
	live_listen(&w, "aux_1", NULL);
	set_i("/strip/1/send/aux/1/pre", 0);
	set_f("/strip/1/send/aux/1/level", -6.0);
	tone(1, -20.0);
	live_record(&w, &a1, NULL);
	LIVE_ASSERT_DB("post send, fader 0: aux_1", a1, -26.0, TOL);
	set_f("/strip/1/fader", -10.0);
	live_record(&w, &a1, NULL);
	LIVE_ASSERT_DB("post send, fader -10: aux_1", a1, -36.0, TOL);
	set_i("/strip/1/mute", 1);
	live_record(&w, &a1, NULL);
	LIVE_ASSERT_SILENT("post send, muted: aux_1", a1);
	set_i("/strip/1/mute", 0);
	set_f("/aux/1/fader", -4.0); /* the bus's own fader */
	live_record(&w, &a1, NULL);
	LIVE_ASSERT_DB("post send, fader -10, aux fader -4: aux_1", a1, -40.0, TOL);
	set_i("/aux/1/mute", 1);
	live_record(&w, &a1, NULL);
	LIVE_ASSERT_SILENT("aux muted: aux_1", a1);
	e2e_stop_mixd(&w);
}
END_TEST

/* A subgroup: strip 1 sent post-fader to a stereo aux bus switched to the master reaches the
 * master once, at the level it has without the bus, not twice (+6 dB). */
START_TEST(test_subgroup_once)
{
	static const char *const args[] = {
		"--strips", "1", "--aux", "1", "--aux-stereo", "1", NULL
	};
	double alone_l, alone_r, sub_l, sub_r, bus;

	e2e_world_up(&w, NULL, args, 1, ins, LIVE_REC);
	set_i("/master/limiter/on", 0);
	tone(1, -20.0);
	live_listen(&w, "master_L", "master_R");
	live_record(&w, &alone_l, &alone_r);
	LIVE_ASSERT_DB("strip alone: master_L", alone_l, -23.0103, TOL); /* centre: -3 dB */
	set_i("/strip/1/send/aux/1/pre", 0);
	set_f("/strip/1/send/aux/1/level", 0.0);
	set_i("/aux/1/master", 1);
	live_record(&w, &sub_l, &sub_r);
	LIVE_ASSERT_DB("through the subgroup: master_L", sub_l, alone_l, TOL);
	LIVE_ASSERT_DB("through the subgroup: master_R", sub_r, alone_r, TOL);
	live_listen(&w, "aux_1_L", NULL);
	live_record(&w, &bus, NULL);
	LIVE_ASSERT_DB("subgroup bus: aux_1_L", bus, -23.0103, TOL);
	/* the subgroup's fader moves its members in the master */
	set_f("/aux/1/fader", -10.0);
	live_listen(&w, "master_L", NULL);
	live_record(&w, &sub_l, NULL);
	LIVE_ASSERT_DB("subgroup fader -10: master_L", sub_l, alone_l - 10.0, TOL);
	e2e_stop_mixd(&w);
}
END_TEST

/* ---- DCA and mute groups --------------------------------------------------------------------- */

/* A DCA at -10 lowers its member by 10.0 dB and leaves a non-member alone; the member's own
 * fader keeps its value. */
START_TEST(test_dca)
{
	static const char *const args[] = { "--strips", "2", "--dca", "2", NULL };
	double base1, base2, l;

	e2e_world_up(&w, NULL, args, 2, ins, LIVE_REC);
	set_i("/master/limiter/on", 0);
	live_listen(&w, "master_L", NULL);
	set_i("/strip/1/dca/1", 1);
	set_f("/strip/1/fader", -3.0);
	tone(1, -20.0);
	live_record(&w, &base1, NULL);
	set_f("/dca/1/fader", -10.0);
	live_record(&w, &l, NULL);
	LIVE_ASSERT_DB("member, DCA -10: master_L", l, base1 - 10.0, TOL);
	e2e_get_f_eq(&w, "/strip/1/fader", -3.0f); /* its stored fader: untouched */
	set_i("/dca/1/mute", 1);
	live_record(&w, &l, NULL);
	LIVE_ASSERT_SILENT("member, DCA muted: master_L", l);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);
	/* the non-member, with the DCA at 0 and at -10 (and unmuted) */
	set_i("/dca/1/mute", 0);
	ck_assert_int_eq(h_probe_silence(w.probe, 1), 0);
	tone(2, -20.0);
	set_f("/dca/1/fader", 0.0);
	live_record(&w, &base2, NULL);
	set_f("/dca/1/fader", -10.0);
	live_record(&w, &l, NULL);
	LIVE_ASSERT_DB("non-member, DCA -10: master_L", l, base2, TOL);
	e2e_stop_mixd(&w);
}
END_TEST

/* Mute group 1 (strips 1 and 3) mutes exactly those; strip 2, in group 2 which is off, plays. */
START_TEST(test_mutegroup)
{
	static const char *const args[] = { "--strips", "3", NULL };
	double base, l;

	e2e_world_up(&w, NULL, args, 3, ins, LIVE_REC);
	set_i("/master/limiter/on", 0);
	live_listen(&w, "master_L", NULL);
	set_i("/strip/1/mutegroup/1", 1);
	set_i("/strip/3/mutegroup/1", 1);
	set_i("/strip/2/mutegroup/2", 1);
	tone(2, -20.0);
	live_record(&w, &base, NULL);
	LIVE_ASSERT_DB("strip 2 alone: master_L", base, -23.0103, TOL);
	set_i("/mutegroup/1/on", 1);
	for (unsigned k = 1; k <= 3; k++) {
		char what[64];

		for (unsigned o = 1; o <= 3; o++)
			if (o == k)
				tone(o, -20.0);
			else
				ck_assert_int_eq(h_probe_silence(w.probe, o), 0);
		e2e_settle(&w);
		live_record(&w, &l, NULL);
		snprintf(what, sizeof(what), "group 1 on, strip %u: master_L", k);
		if (k == 2)
			LIVE_ASSERT_DB(what, l, base, TOL);
		else
			LIVE_ASSERT_SILENT(what, l);
	}
	e2e_get_i_eq(&w, "/strip/3/mute", 0); /* the strip's own mute is its own */
	set_i("/mutegroup/1/on", 0);
	live_record(&w, &l, NULL);
	LIVE_ASSERT_DB("group 1 off, strip 3: master_L", l, base, TOL);
	e2e_stop_mixd(&w);
}
END_TEST

/* ---- cue ------------------------------------------------------------------------------------ */

/* 64 frames, one period of the input: a 750 Hz sine repeated exactly, so every period of mixd's
 * output is the same bits once the glides have settled, and recordings made at different times
 * can be compared sample for sample. */
#define CUE_PERIOD 64
#define CUE_FRAMES (12 * RATE)

static bool
periodic(const float *x, size_t n)
{
	for (size_t i = CUE_PERIOD; i < n; i++)
		if (x[i] != x[i - CUE_PERIOD])
			return false;
	return true;
}

/* Records master_L and aux_1 and compares them, bit for bit, with ref (n frames each, L then
 * aux); fills ref when it is empty. */
static void
same_bits(float *ref, bool fill, const char *when)
{
	ck_assert_int_eq(h_probe_record(w.probe, 4096), 0);
	for (unsigned ch = 0; ch < 2; ch++) {
		const float *x = h_probe_in(w.probe, ch);
		ck_assert_msg(periodic(x, 4096), "%s: %s is not periodic: the method does not hold",
		              when, ch ? "aux_1" : "master_L");
		if (fill)
			memcpy(ref + ch * 4096, x, 4096 * sizeof(float));
		else
			ck_assert_msg(!memcmp(ref + ch * 4096, x, 4096 * sizeof(float)),
			              "%s: %s changed", when, ch ? "aux_1" : "master_L");
	}
	fprintf(stderr, "%s: master_L and aux_1 %s\n", when, fill ? "recorded" : "bit-identical");
}

START_TEST(test_cue)
{
	static const char *const args[] = { "--strips", "2", "--aux", "1", NULL };
	static float tone1[CUE_FRAMES], ref[2 * 4096];
	const float *const bufs[1] = { tone1 };
	double mon, mon_pfl, master;

	for (size_t i = 0; i < CUE_FRAMES; i++)
		tone1[i] = (float)(0.1 * sin(2.0 * M_PI * (double)(i % CUE_PERIOD) / CUE_PERIOD));
	e2e_world_up(&w, NULL, args, 2, ins, 4096 > LIVE_REC ? 4096 : LIVE_REC);
	ck_assert_int_eq(w.jackd->period % CUE_PERIOD, 0);
	set_f("/strip/1/send/aux/1/level", -6.0);
	set_i("/master/limiter/on", 0);
	ck_assert_int_eq(h_probe_play_start(w.probe, bufs, 1, CUE_FRAMES), 0);
	h_sleep_ms(300);

	/* nothing cued: the monitor carries the main mix */
	live_listen(&w, "master_L", "monitor_L");
	live_record(&w, &master, &mon);
	LIVE_ASSERT_DB("nothing cued: monitor_L (master_L's level)", mon, master, TOL);

	live_listen(&w, "master_L", "aux_1");
	same_bits(ref, true, "nothing cued");
	set_i("/strip/1/cue", 1);
	same_bits(ref, false, "strip 1 cued (pfl)");
	set_i("/monitor/mode", 1);
	same_bits(ref, false, "strip 1 cued (afl)");
	set_i("/aux/1/cue", 1);
	set_i("/bus/reverb/cue", 1);
	same_bits(ref, false, "strip 1, aux 1 and reverb cued");
	ck_assert_int_eq(h_osc_send(w.osc, "/monitor/cue_clear", ""), 0);
	e2e_assert_no_error(&w, "cue_clear");
	e2e_get_i_eq(&w, "/strip/1/cue", 0);
	e2e_get_i_eq(&w, "/aux/1/cue", 0);
	e2e_get_i_eq(&w, "/bus/reverb/cue", 0);
	same_bits(ref, false, "cue cleared");

	/* PFL hears the strip before its fader (and pan: the 0.1 peak tone's -23.01 dBFS RMS);
	 * AFL after both */
	e2e_set_s(&w, "/monitor/mode", "pfl");
	set_i("/strip/1/cue", 1);
	live_listen(&w, "monitor_L", NULL);
	live_record(&w, &mon_pfl, NULL);
	LIVE_ASSERT_DB("pfl: monitor_L", mon_pfl, -23.0103, TOL);
	set_f("/strip/1/fader", -20.0);
	live_record(&w, &mon, NULL);
	LIVE_ASSERT_DB("pfl, fader -20: monitor_L", mon, mon_pfl, TOL);
	e2e_set_s(&w, "/monitor/mode", "afl");
	e2e_settle(&w);
	live_record(&w, &mon, NULL);
	LIVE_ASSERT_DB("afl, fader -20: monitor_L", mon, mon_pfl - 3.0103 - 20.0, TOL);
	set_f("/monitor/level", -10.0);
	live_record(&w, &mon, NULL);
	LIVE_ASSERT_DB("afl, fader -20, monitor -10: monitor_L", mon, mon_pfl - 3.0103 - 30.0, TOL);
	/* only what is cued: strip 2 (silent) cued alone leaves the monitor silent */
	set_i("/strip/1/cue", 0);
	set_i("/strip/2/cue", 1);
	live_record(&w, &mon, NULL);
	LIVE_ASSERT_SILENT("strip 2 (silent) cued: monitor_L", mon);
	ck_assert_int_eq(h_probe_play_wait(w.probe), 0);
	e2e_stop_mixd(&w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("e2e_aux");

	e2e_add_case(s, "aux_pre", test_aux_pre, setup, teardown, 90);
	e2e_add_case(s, "aux_post", test_aux_post, setup, teardown, 90);
	e2e_add_case(s, "subgroup_once", test_subgroup_once, setup, teardown, 90);
	e2e_add_case(s, "dca", test_dca, setup, teardown, 90);
	e2e_add_case(s, "mutegroup", test_mutegroup, setup, teardown, 90);
	e2e_add_case(s, "cue", test_cue, setup, teardown, 120);
	return e2e_run(s);
}
