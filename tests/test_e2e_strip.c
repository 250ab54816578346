/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the channel strip's processing: HPF, EQ, compressor, sends and bus returns,
 * driven over OSC and measured on what mixd's master puts out. Same world as test_e2e_core.c: a
 * private jackd, the real mixd, a JACK probe that plays signals and records master L/R, and an
 * OSC client. Levels are compared with the same tone through the same path with the stage at
 * rest, measured in the same test, so the tolerances hold whatever the path latency.
 *
 * Each test is its own TCase (`CK_RUN_CASE=eq_bell` runs one); H_VERBOSE=1 prints every
 * measurement, not just the failures.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256
/* 0.5 s recorded, the first 20 ms skipped: 23040 analysed frames are a whole number of periods
 * of 1 kHz and of 50 Hz, so a sine's RMS has no window error. */
#define REC_FRAMES 24000
#define SKIP       960
#define TONE_HZ    1000.0
#define TONE_DBFS  (-20.0)
/* Constant-power pan law at centre: 20 log10(sin(pi/4)). */
#define PAN_CENTRE_DB (-3.0103)
#define TOL_LEVEL     0.05
/* Filter and compressor settings glide with a 10 ms one-pole: 300 ms leave e^-30 of a step. */
#define SETTLE_FILTER_MS 300

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* The world of this file: see e2e_world_up. */
static void
world_up(const struct h_mixd_opts *opts, const char *const *args, unsigned n_out,
         const char *const *inputs, size_t max_frames)
{
	e2e_world_up(&w, opts, args, n_out, inputs, max_frames);
}

/* A filter or compressor setting: its one-pole glide plus the filter's own transient. */
static void
settle_filter(void)
{
	h_sleep_ms(2 * h_jackd_period_ms(w.jackd) + SETTLE_FILTER_MS);
}

/* Records REC_FRAMES of one steady state, for the level cases (e2e_record_steady: a window
 * still holding a change's tail is made again; a sanitized run read an HPF 3.5 dB off). */
static void
record(void)
{
	e2e_record_steady(&w, REC_FRAMES, SKIP);
}

/* Records REC_FRAMES as they come: the reverb's return is not a steady level (its delay lines
 * are modulated) and its tail falls by design; the reverb case handles xruns itself. */
static void
record_as_is(void)
{
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
}

/* Output ch (0 = L, 1 = R) minus what probe output k sent, RMS dB over the analysed window. */
static double
gain_db(unsigned ch, unsigned k)
{
	return h_rms_db(h_probe_in(w.probe, ch), REC_FRAMES, SKIP) -
	       h_rms_db(h_probe_sent(w.probe, k), REC_FRAMES, SKIP);
}

static void
assert_near(const char *what, double got, double want, double tol)
{
	if (getenv("H_VERBOSE"))
		fprintf(stderr, "  %-52s %9.4f (want %9.4f +- %.3f)\n", what, got, want, tol);
	ck_assert_msg(fabs(got - want) <= tol, "%s: measured %.4f, expected %.4f +- %.3f", what,
	              got, want, tol);
}

static void
assert_silent(const char *what, unsigned ch)
{
	double peak = h_peak_db(h_probe_in(w.probe, ch), REC_FRAMES, SKIP);

	if (getenv("H_VERBOSE"))
		fprintf(stderr, "  %-52s %9.2f dBFS peak\n", what, peak);
	ck_assert_msg(peak < H_SILENCE_DB, "%s: output %s peak %.2f dBFS, expected below %.0f",
	              what, ch ? "R" : "L", peak, H_SILENCE_DB);
}

/* One mono strip fed a sine: the start of the level tests. */
static void
mono_tone_up(double freq_hz, double peak_dbfs)
{
	static const char *const args[] = { "--strips", "1", NULL };
	static const char *const in[] = { "mixd:in_1" };

	world_up(NULL, args, 1, in, REC_FRAMES);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, freq_hz, peak_dbfs), 0);
	e2e_settle(&w);
}

/* a. A bell at 1 kHz, +12 dB, Q 1.4 raises a 1 kHz tone by exactly 12 dB (the SVF bell's peak
 * gain is the band gain: dsp-reference.md §8.1); -12 dB lowers it by 12; eq/on 0 makes it flat. */
START_TEST(test_eq_bell)
{
	double flat_l, flat_r;

	mono_tone_up(TONE_HZ, TONE_DBFS);
	e2e_set_s(&w, "/strip/1/eq/2/type", "bell");
	e2e_set_f(&w, "/strip/1/eq/2/freq", 1000.0);
	e2e_set_f(&w, "/strip/1/eq/2/q", 1.4);
	e2e_set_f(&w, "/strip/1/eq/2/gain", 0.0);
	settle_filter();
	e2e_assert_no_error(&w, "eq set-up");
	e2e_get_s_eq(&w, "/strip/1/eq/2/type", "bell");
	record();
	flat_l = gain_db(0, 1);
	flat_r = gain_db(1, 1);
	/* every band at 0 dB is the identity: only the pan law remains */
	assert_near("L out - in, band 2 flat (dB)", flat_l, PAN_CENTRE_DB, TOL_LEVEL);

	e2e_set_f(&w, "/strip/1/eq/2/gain", 12.0);
	settle_filter();
	record();
	assert_near("L, bell +12 dB at 1 kHz vs flat (dB)", gain_db(0, 1) - flat_l, 12.0, 0.1);
	assert_near("R, bell +12 dB at 1 kHz vs flat (dB)", gain_db(1, 1) - flat_r, 12.0, 0.1);

	e2e_set_f(&w, "/strip/1/eq/2/gain", -12.0);
	settle_filter();
	record();
	assert_near("L, bell -12 dB at 1 kHz vs flat (dB)", gain_db(0, 1) - flat_l, -12.0, 0.1);

	e2e_set_i(&w, "/strip/1/eq/on", 0);
	settle_filter();
	record();
	assert_near("L, eq/on 0 vs flat (dB)", gain_db(0, 1) - flat_l, 0.0, TOL_LEVEL);
	e2e_assert_no_error(&w, "eq");
	e2e_stop_mixd(&w);
}
END_TEST

/* b. The HPF at 100 Hz: a 50 Hz tone, one octave below, drops by the Butterworth figure
 * (|H| = 1/sqrt(1 + (f0/f)^4): -12.30 dB) and by twice that with two sections. */
START_TEST(test_hpf)
{
	const double one = 10.0 * log10(1.0 + pow(100.0 / 50.0, 4.0)); /* 12.304 dB */
	double off_l, off_r;

	mono_tone_up(50.0, TONE_DBFS);
	e2e_set_f(&w, "/strip/1/hpf/freq", 100.0);
	e2e_set_i(&w, "/strip/1/hpf/slope", 12);
	settle_filter();
	record();
	off_l = gain_db(0, 1);
	off_r = gain_db(1, 1);
	assert_near("L out - in, HPF off (dB)", off_l, PAN_CENTRE_DB, TOL_LEVEL);

	e2e_set_i(&w, "/strip/1/hpf/on", 1);
	settle_filter();
	record();
	assert_near("L, HPF 100 Hz 12 dB/oct at 50 Hz vs off (dB)", gain_db(0, 1) - off_l, -one,
	            0.2);
	assert_near("R, HPF 100 Hz 12 dB/oct at 50 Hz vs off (dB)", gain_db(1, 1) - off_r, -one,
	            0.2);

	e2e_set_i(&w, "/strip/1/hpf/slope", 24);
	settle_filter();
	record();
	assert_near("L, HPF 100 Hz 24 dB/oct at 50 Hz vs off (dB)", gain_db(0, 1) - off_l,
	            -2.0 * one, 0.3);
	assert_near("R, HPF 100 Hz 24 dB/oct at 50 Hz vs off (dB)", gain_db(1, 1) - off_r,
	            -2.0 * one, 0.3);

	e2e_set_i(&w, "/strip/1/hpf/on", 0);
	settle_filter();
	record();
	assert_near("L, HPF off again vs off (dB)", gain_db(0, 1) - off_l, 0.0, TOL_LEVEL);
	e2e_assert_no_error(&w, "hpf");
	e2e_stop_mixd(&w);
}
END_TEST

/* c. The compressor, T -20 dB, R 4, knee 6 dB, attack 10 ms, release 100 ms: a -5 dBFS peak sine
 * is 15 dB over, outside the knee, so the static curve asks 15 (1 - 1/4) = 11.25 dB of reduction;
 * the smooth decoupled detector holds it between the peaks (dsp-reference.md §8.9). The meter's
 * GR field says the same. */
START_TEST(test_comp)
{
	const double peak_dbfs = -5.0, want = (peak_dbfs + 20.0) * (1.0 - 1.0 / 4.0);
	double off_l, off_r, gr_l, gr_r, gr_meter;
	struct h_msg *m;

	mono_tone_up(TONE_HZ, peak_dbfs);
	e2e_set_f(&w, "/strip/1/comp/threshold", -20.0);
	e2e_set_f(&w, "/strip/1/comp/ratio", 4.0);
	e2e_set_f(&w, "/strip/1/comp/knee", 6.0);
	e2e_set_f(&w, "/strip/1/comp/attack", 10.0);
	e2e_set_f(&w, "/strip/1/comp/release", 100.0);
	e2e_set_f(&w, "/strip/1/comp/makeup", 0.0);
	settle_filter();
	record();
	off_l = gain_db(0, 1);
	off_r = gain_db(1, 1);
	assert_near("L out - in, compressor off (dB)", off_l, PAN_CENTRE_DB, TOL_LEVEL);

	e2e_set_i(&w, "/strip/1/comp/on", 1);
	h_sleep_ms(500);
	/* the meter holds the max since the last read: start a fresh interval */
	h_msg_free(h_osc_get(w.osc, "/meter/strip/1"));
	record();
	gr_l = off_l - gain_db(0, 1);
	gr_r = off_r - gain_db(1, 1);
	m = h_osc_get(w.osc, "/meter/strip/1");
	ck_assert_msg(m && !strcmp(m->path, "/meter/strip/1") && !strcmp(m->types, "fff"),
	              "no /meter/strip/1 ,fff reply (%s ,%s)", m ? m->path : "-",
	              m ? m->types : "-");
	gr_meter = h_arg_f(m, 2);
	h_msg_free(m);
	assert_near("L gain reduction, level off - on (dB)", gr_l, want, 0.2);
	assert_near("R gain reduction, level off - on (dB)", gr_r, want, 0.2);
	assert_near("/meter/strip/1 gr vs measured reduction (dB)", gr_meter, gr_l, 0.3);
	e2e_assert_no_error(&w, "comp");
	e2e_stop_mixd(&w);
}
END_TEST

/* d. A pre-fader send keeps the tone on the master with the fader off; post-fader it goes with
 * the fader. The send is taken after pan (kernel.h); through a transparent delay (1 ms, no
 * feedback, filters at the band edges) fader off + pre send 0 dB + return 0 dB gives the master
 * the same pan-law level as the direct path at fader 0 dB: 20 log10(sin(pi/4)) relative to the
 * input. Through the reverb the return must not depend on fader or mute. */
/* Readings of the reverb pair at most: a sanitized run on a busy host had xruns in 3 pairs in
 * a row. Only a pair with xruns is taken again: a fader or mute that reached the pre send
 * would show in every pair. */
#define PRE_SEND_TRIES 5

START_TEST(test_pre_send)
{
	const double want = h_amp_db(sin(M_PI / 4.0) * 1.0 /* send 0 dB */ * 1.0 /* return */);
	double direct_l, direct_r, rev_fader_off, rev_muted;

	mono_tone_up(TONE_HZ, TONE_DBFS);
	record();
	direct_l = gain_db(0, 1);
	direct_r = gain_db(1, 1);
	assert_near("L out - in, fader 0 dB, sends off (dB)", direct_l, want, TOL_LEVEL);
	assert_near("R out - in, fader 0 dB, sends off (dB)", direct_r, want, TOL_LEVEL);

	/* The delay bus made transparent (1 ms, no feedback, filters at the band edges, stereo):
	 * a pre-fader send with the fader off carries the tone at the direct path's level. */
	e2e_set_f(&w, "/bus/delay/time", 1.0);
	e2e_set_f(&w, "/bus/delay/feedback", 0.0);
	e2e_set_f(&w, "/bus/delay/lowcut", 20.0);
	e2e_set_f(&w, "/bus/delay/highcut", 20000.0);
	e2e_set_i(&w, "/bus/delay/pingpong", 0);
	e2e_set_f(&w, "/strip/1/fader", -200.0); /* below -144: off */
	e2e_set_i(&w, "/strip/1/send/delay/pre", 1);
	e2e_set_f(&w, "/strip/1/send/delay/level", 0.0);
	settle_filter();
	record();
	assert_near("L, fader off, pre send delay 0 dB (dB)", gain_db(0, 1), want, TOL_LEVEL);
	assert_near("L, pre send delay vs direct at fader 0 (dB)", gain_db(0, 1) - direct_l, 0.0,
	            TOL_LEVEL);
	assert_near("R, pre send delay vs direct at fader 0 (dB)", gain_db(1, 1) - direct_r, 0.0,
	            TOL_LEVEL);
	e2e_set_i(&w, "/strip/1/send/delay/pre", 0);
	e2e_settle(&w);
	record();
	assert_silent("fader off, post send delay", 0);
	assert_silent("fader off, post send delay", 1);
	e2e_set_f(&w, "/strip/1/send/delay/level", -200.0);

	/* The reverb: its return with the fader off must equal its return with the fader at 0 dB
	 * and the strip muted: neither fader nor mute touches a pre-fader send. */
	e2e_set_i(&w, "/strip/1/send/reverb/pre", 1);
	e2e_set_f(&w, "/strip/1/send/reverb/level", 0.0);
	h_sleep_ms(3000); /* the reverb's build-up on a steady tone */
	/* an xrun changes what the reverb holds: then both readings are taken again. mixd's count
	 * and the server's report to the probe both say so: a sanitized mixd has spliced a
	 * recording where only the server saw the missed cycle (test_e2e_render.c) */
	for (unsigned tries = 0;; tries++) {
		int64_t xruns = e2e_stat(&w, "xruns");
		unsigned server_xruns = h_probe_xruns(w.probe);

		e2e_set_f(&w, "/strip/1/fader", -200.0);
		e2e_set_i(&w, "/strip/1/mute", 0);
		e2e_settle(&w);
		record_as_is();
		rev_fader_off = gain_db(0, 1);
		e2e_set_f(&w, "/strip/1/fader", 0.0);
		e2e_set_i(&w, "/strip/1/mute", 1);
		e2e_settle(&w);
		record_as_is();
		rev_muted = gain_db(0, 1);
		if ((e2e_stat(&w, "xruns") == xruns && h_probe_xruns(w.probe) == server_xruns) ||
		    tries == PRE_SEND_TRIES - 1)
			break;
		fprintf(stderr, "pre_send: xruns during the reverb readings; once more\n");
	}
	ck_assert_msg(rev_fader_off > -40.0, "reverb return with a pre send: %.2f dB re input",
	              rev_fader_off);
	assert_near("reverb, fader off vs muted at 0 dB (dB)", rev_fader_off - rev_muted, 0.0,
	            TOL_LEVEL);
	e2e_set_i(&w, "/strip/1/send/reverb/pre", 0);
	h_sleep_ms(1500); /* a 2 s reverb falls 45 dB in 1.5 s */
	record_as_is();
	/* post-fader and muted: the tail dies away; nothing new enters */
	ck_assert_msg(gain_db(0, 1) < rev_muted - 20.0,
	              "post send, strip muted: reverb still %.2f dB (pre: %.2f)", gain_db(0, 1),
	              rev_muted);
	e2e_assert_no_error(&w, "sends");
	e2e_stop_mixd(&w);
}
END_TEST

/* ---- e. parameter sweeps under audio ------------------------------------------------------ */

/*
 * Every strip and bus parameter, as the tests drive it. Enumerations are stored as the index
 * of the choice.
 */
enum row_kind { K_LIN, K_LOG, K_SWITCH, K_ENUM };

struct row {
	const char *addr; /* under /strip/N/, or absolute for a bus */
	enum row_kind kind;
	double min, max, def;
	const char *const *names; /* K_ENUM sent as strings */
	const int *ints;          /* K_ENUM sent as integers */
	unsigned n_choices;
	bool bus;
};

enum {
	R_TRIM,
	R_POLARITY,
	R_HPF_ON,
	R_HPF_FREQ,
	R_HPF_SLOPE,
	R_EQ_ON,
	R_EQ_TYPE1, /* then FREQ, GAIN, Q; four per band */
	R_COMP_ON = R_EQ_TYPE1 + 16,
	R_COMP_THR,
	R_COMP_RATIO,
	R_COMP_KNEE,
	R_COMP_ATTACK,
	R_COMP_RELEASE,
	R_COMP_MAKEUP,
	R_FADER,
	R_PAN,
	R_MUTE,
	R_SOLO,
	R_SEND1_LEVEL,                     /* then PRE; two per bus */
	R_BUS1_RETURN = R_SEND1_LEVEL + 4, /* then MUTE; two per bus */
	R_N = R_BUS1_RETURN + 4
};
#define R_EQ_TYPE(b)    (R_EQ_TYPE1 + 4 * (b))
#define R_EQ_FREQ(b)    (R_EQ_TYPE1 + 4 * (b) + 1)
#define R_EQ_GAIN(b)    (R_EQ_TYPE1 + 4 * (b) + 2)
#define R_EQ_Q(b)       (R_EQ_TYPE1 + 4 * (b) + 3)
#define R_SEND_LEVEL(b) (R_SEND1_LEVEL + 2 * (b))
#define R_SEND_PRE(b)   (R_SEND1_LEVEL + 2 * (b) + 1)
#define R_BUS_RETURN(b) (R_BUS1_RETURN + 2 * (b))
#define R_BUS_MUTE(b)   (R_BUS1_RETURN + 2 * (b) + 1)

enum { EQ_OFF, EQ_BELL, EQ_LOWSHELF, EQ_HIGHSHELF };
static const char *const eq_types[] = { "off", "bell", "lowshelf", "highshelf" };
static const int hpf_slopes[] = { 12, 24 };
/* The fader, send and return ranges start at "off": -144 dB and below. */
#define OFF_DB (-144.0)

/* The fields of a switch and of a number (the table below adds the braces). */
#define SW(a, d)             a, K_SWITCH, 0, 1, d, NULL, NULL, 0, false
#define NUM(a, k, lo, hi, d) a, k, lo, hi, d, NULL, NULL, 0, false
#define BUS(a, k, lo, hi, d) a, k, lo, hi, d, NULL, NULL, 0, true
#define EQ_TYPE(n, d)        "eq/" #n "/type", K_ENUM, 0, 3, d, eq_types, NULL, 4, false
#define EQ_FREQ(n, d)        NUM("eq/" #n "/freq", K_LOG, 20, 20000, d)
#define EQ_GAIN(n)           NUM("eq/" #n "/gain", K_LIN, -18, 18, 0)
#define EQ_Q(n)              NUM("eq/" #n "/q", K_LOG, 0.1, 10, 0.707)

/* design.md §3: ranges and defaults. */
static const struct row rows[R_N] = {
	{ NUM("trim", K_LIN, -24, 24, 0) },
	{ SW("polarity", 0) },
	{ SW("hpf/on", 0) },
	{ NUM("hpf/freq", K_LOG, 20, 1000, 80) },
	{ "hpf/slope", K_ENUM, 0, 1, 0, NULL, hpf_slopes, 2, false },
	{ SW("eq/on", 1) },
	{ EQ_TYPE(1, EQ_LOWSHELF) },
	{ EQ_FREQ(1, 100) },
	{ EQ_GAIN(1) },
	{ EQ_Q(1) },
	{ EQ_TYPE(2, EQ_BELL) },
	{ EQ_FREQ(2, 500) },
	{ EQ_GAIN(2) },
	{ EQ_Q(2) },
	{ EQ_TYPE(3, EQ_BELL) },
	{ EQ_FREQ(3, 2000) },
	{ EQ_GAIN(3) },
	{ EQ_Q(3) },
	{ EQ_TYPE(4, EQ_HIGHSHELF) },
	{ EQ_FREQ(4, 8000) },
	{ EQ_GAIN(4) },
	{ EQ_Q(4) },
	{ SW("comp/on", 0) },
	{ NUM("comp/threshold", K_LIN, -60, 0, -20) },
	{ NUM("comp/ratio", K_LOG, 1, 20, 4) },
	{ NUM("comp/knee", K_LIN, 0, 24, 6) },
	{ NUM("comp/attack", K_LOG, 0.1, 200, 10) },
	{ NUM("comp/release", K_LOG, 5, 2000, 100) },
	{ NUM("comp/makeup", K_LIN, 0, 24, 0) },
	{ NUM("fader", K_LIN, OFF_DB, 10, 0) },
	{ NUM("pan", K_LIN, -1, 1, 0) },
	{ SW("mute", 0) },
	{ SW("solo", 0) },
	{ NUM("send/reverb/level", K_LIN, OFF_DB, 10, OFF_DB) },
	{ SW("send/reverb/pre", 0) },
	{ NUM("send/delay/level", K_LIN, OFF_DB, 10, OFF_DB) },
	{ SW("send/delay/pre", 0) },
	{ BUS("/bus/reverb/return", K_LIN, OFF_DB, 10, 0) },
	{ BUS("/bus/reverb/mute", K_SWITCH, 0, 1, 0) },
	{ BUS("/bus/delay/return", K_LIN, OFF_DB, 10, 0) },
	{ BUS("/bus/delay/mute", K_SWITCH, 0, 1, 0) },
};

/* Sends row r = v to strips 1..n_strips (or to its bus). Returns how many sends failed. */
static unsigned
send_row(unsigned r, double v, unsigned n_strips)
{
	const struct row *rw = &rows[r];
	unsigned fails = 0;
	char path[96];

	for (unsigned k = 1; k <= (rw->bus ? 1 : n_strips); k++) {
		if (rw->bus)
			snprintf(path, sizeof(path), "%s", rw->addr);
		else
			snprintf(path, sizeof(path), "/strip/%u/%s", k, rw->addr);
		if (rw->kind == K_ENUM && rw->names)
			fails += h_osc_set_s(w.osc, path, rw->names[(int)v]) != 0;
		else if (rw->kind == K_ENUM)
			fails += h_osc_set_i(w.osc, path, rw->ints[(int)v]) != 0;
		else if (rw->kind == K_SWITCH)
			fails += h_osc_set_i(w.osc, path, v >= 0.5) != 0;
		else
			fails += h_osc_set_f(w.osc, path, (float)v) != 0;
	}
	return fails;
}

static double
lin_of_db(double db)
{
	return db <= OFF_DB ? 0.0 : pow(10.0, db / 20.0);
}

/* One EQ band as a Cytomic SVF, H(s) = m0 + m1 s / (s^2 + k s + 1) + m2 / (s^2 + k s + 1) with
 * s normalised to the band's prewarped cutoff g (dsp-reference.md §1.2 in the forms of
 * dsp/strip.c): a bell has g = g0, k = 1/(Q A); a low shelf g0 / sqrt A, a high shelf g0 sqrt A. */
struct band_tf {
	double m0, m1, m2, k, g_scale;
};

static struct band_tf
band_tf(int type, double gain_db, double q)
{
	double a = pow(10.0, gain_db / 40.0);
	struct band_tf t = { 1.0, 0.0, 0.0, 1.0 / q, 1.0 };

	if (type == EQ_BELL) {
		t.k /= a;
		t.m1 = t.k * (a * a - 1.0);
	} else if (type == EQ_LOWSHELF) {
		t.m1 = t.k * (a - 1.0);
		t.m2 = a * a - 1.0;
		t.g_scale = 1.0 / sqrt(a);
	} else if (type == EQ_HIGHSHELF) {
		t.m0 = a * a;
		t.m1 = t.k * (a - a * a);
		t.m2 = 1.0 - a * a;
		t.g_scale = sqrt(a);
	}
	return t;
}

static double
band_mag(const struct band_tf *t, double complex s)
{
	double complex d = s * s + t->k * s + 1.0;

	return cabs(t->m0 + t->m1 * s / d + t->m2 / d);
}

static bool
band_flat(int type, double gain_db)
{
	return type == EQ_OFF || gain_db == 0.0;
}

/* The largest |H| of one band over all frequencies. The bilinear transform maps the whole
 * analog axis onto 0..fs/2, so the digital maximum is the analog one, whatever the band's
 * frequency. A resonant shelf (Q > 0.707) peaks well above its shelf gain. */
static double
band_peak(int type, double gain_db, double q)
{
	struct band_tf t = band_tf(type, gain_db, q);
	double peak = fmax(fabs(t.m0), fabs(t.m0 + t.m2)); /* s -> infinity, s = 0 */

	if (band_flat(type, gain_db))
		return 1.0;
	/* 400 points per decade over 1e-3..1e3 of the normalised frequency */
	for (int i = -1200; i <= 1200; i++)
		peak = fmax(peak, band_mag(&t, I * pow(10.0, i / 400.0)));
	return peak;
}

/* The largest |H| of the EQ over all frequencies: one band's exact peak, or for several bands
 * the cascade's |H| on a grid of digital frequencies (200 per decade, 10 Hz to Nyquist), which
 * finds where their boosts overlap instead of multiplying peaks that lie apart. */
static double
eq_peak(const double *v)
{
	int n_on = 0, last = 0;
	double peak = 1.0;

	if (v[R_EQ_ON] < 0.5)
		return 1.0;
	for (int b = 0; b < 4; b++)
		if (!band_flat((int)v[R_EQ_TYPE(b)], v[R_EQ_GAIN(b)])) {
			n_on++;
			last = b;
		}
	if (n_on <= 1)
		return band_peak((int)v[R_EQ_TYPE(last)], v[R_EQ_GAIN(last)], v[R_EQ_Q(last)]);
	for (double lf = 1.0; lf < log10(0.5 * RATE); lf += 1.0 / 200.0) {
		double w_warp = tan(M_PI * pow(10.0, lf) / RATE), mag = 1.0;

		for (int b = 0; b < 4; b++) {
			int type = (int)v[R_EQ_TYPE(b)];
			struct band_tf t = band_tf(type, v[R_EQ_GAIN(b)], v[R_EQ_Q(b)]);
			double f0 = fmin(v[R_EQ_FREQ(b)], 0.49 * RATE);
			double g = tan(M_PI * f0 / RATE) * t.g_scale;

			if (!band_flat(type, v[R_EQ_GAIN(b)]))
				mag *= band_mag(&t, I * w_warp / g);
		}
		peak = fmax(peak, mag);
	}
	return peak;
}

/* The largest linear gain from a strip's input (its left input for side 0 of a stereo strip) to
 * master side `side` with the settings v, over all frequencies: trim, the EQ bands' peaks, the
 * compressor's make-up (the most it can give: its reduction is >= 0), pan, and the direct path
 * plus every bus path, which carry the same signal and add. The HPF never gains (a Butterworth
 * high-pass, cross-faded with the dry signal). Mute and solo only take away, so they are left
 * out. */
static double
strip_gain_max(const double *v, bool stereo, unsigned side)
{
	double g = lin_of_db(v[R_TRIM]), p = v[R_PAN], pan, fader, path;

	g *= eq_peak(v);
	if (v[R_COMP_ON] >= 0.5)
		g *= lin_of_db(v[R_COMP_MAKEUP]);
	if (stereo) /* balance: only the far side is attenuated */
		pan = side == 0 ? (p > 0.0 ? sin((1.0 - p) * M_PI / 2.0) : 1.0)
		                : (p < 0.0 ? sin((1.0 + p) * M_PI / 2.0) : 1.0);
	else
		pan = sin((side == 0 ? 1.0 - p : 1.0 + p) * M_PI / 4.0);
	fader = lin_of_db(v[R_FADER]);
	path = fader;
	for (int b = 0; b < 2; b++)
		path += lin_of_db(v[R_SEND_LEVEL(b)]) * (v[R_SEND_PRE(b)] >= 0.5 ? 1.0 : fader) *
		        (v[R_BUS_MUTE(b)] >= 0.5 ? 0.0 : lin_of_db(v[R_BUS_RETURN(b)]));
	return g * pan * path;
}

/* Largest |x[i] - x[i-1]| over the buffer. */
static double
max_step(const float *x, size_t n)
{
	double m = 0.0;

	for (size_t i = 1; i < n; i++)
		m = fmax(m, fabs((double)x[i] - x[i - 1]));
	return m;
}

/* Where the largest step of x is (the index of its second sample). */
static size_t
max_step_at(const float *x, size_t n)
{
	double m = -1.0;
	size_t at = 0;

	for (size_t i = 1; i < n; i++) {
		double d = fabs((double)x[i] - x[i - 1]);
		if (d > m) {
			m = d;
			at = i;
		}
	}
	return at;
}

/* The sweep test's state: the settings mixd was sent (the same on both strips), and the largest
 * gains they gave since the phase started. */
struct sweep {
	double v[R_N];
	double g_mono[2], g_stereo[2]; /* per master side */
	unsigned n_strips, fails;
};

static void
sweep_fold(struct sweep *s)
{
	for (unsigned side = 0; side < 2; side++) {
		s->g_mono[side] = fmax(s->g_mono[side], strip_gain_max(s->v, false, side));
		s->g_stereo[side] = fmax(s->g_stereo[side], strip_gain_max(s->v, true, side));
	}
}

static void
sweep_put(struct sweep *s, unsigned r, double v)
{
	s->v[r] = v;
	s->fails += send_row(r, v, s->n_strips);
	sweep_fold(s);
}

/* What makes row r audible: settings put before its sweep (and undone after). */
static void
sweep_prepare(struct sweep *s, unsigned r)
{
	if (r == R_HPF_ON) {
		sweep_put(s, R_HPF_FREQ, 200.0);
	} else if (r == R_HPF_FREQ || r == R_HPF_SLOPE) {
		sweep_put(s, R_HPF_ON, 1.0);
	} else if (r == R_EQ_ON) {
		for (int b = 0; b < 4; b++)
			sweep_put(s, R_EQ_GAIN(b), 6.0);
	} else if (r >= R_EQ_TYPE1 && r < R_COMP_ON && (r - R_EQ_TYPE1) % 4 != 2) {
		/* type, frequency and Q of a band at 0 dB change nothing */
		sweep_put(s, R_EQ_GAIN((r - R_EQ_TYPE1) / 4), 12.0);
	} else if (r > R_COMP_ON && r <= R_COMP_MAKEUP) {
		sweep_put(s, R_COMP_ON, 1.0);
	} else if (r == R_SEND_PRE(0) || r == R_SEND_PRE(1)) {
		/* pre and post differ only when the fader is not at 0 dB */
		sweep_put(s, R_FADER, -10.0);
		sweep_put(s, r - 1, 0.0);
	} else if (r >= R_BUS1_RETURN) {
		sweep_put(s, R_SEND_LEVEL((r - R_BUS1_RETURN) / 2), 0.0);
	}
}

/* Values: numeric rows min -> max -> min in 20 steps each way (log-spaced for Hz, ms, Q and
 * ratio), switches toggled 6 times, enumerations through every choice and back. A band changes
 * type only once it has glided to flat (where every type is the same filter) and then glides to
 * its gain: about 2 x 115 ms from +12 dB with the 10 ms one-pole, so each choice is held 250 ms. */
#define SWEEP_STEPS   20
#define SWEEP_STEP_MS 6
#define SWITCH_MS     40
#define SWITCHES      6
#define ENUM_MS       250
/* A phase: PREPARE_MS for the set-up to land, the sweep, the reset to defaults, and TAIL_MS for
 * the glides back; recorded whole, with SLACK_MS for the time the OSC sends themselves take. */
#define PREPARE_MS   40
#define TAIL_MS      150
#define SLACK_MS     60
#define PHASE_MAX_MS (PREPARE_MS + 4 * ENUM_MS + SLACK_MS + TAIL_MS)

static unsigned
sweep_ms(const struct row *rw)
{
	if (rw->kind == K_SWITCH)
		return SWITCHES * SWITCH_MS;
	if (rw->kind == K_ENUM)
		return rw->n_choices * ENUM_MS;
	return (2 * SWEEP_STEPS + 1) * SWEEP_STEP_MS;
}

static void
sweep_run(struct sweep *s, unsigned r)
{
	const struct row *rw = &rows[r];

	if (rw->kind == K_SWITCH) {
		for (int i = 0; i < SWITCHES; i++) {
			sweep_put(s, r, s->v[r] >= 0.5 ? 0.0 : 1.0);
			h_sleep_ms(SWITCH_MS);
		}
	} else if (rw->kind == K_ENUM) {
		/* n_choices steps: every other choice, then back to where it started */
		for (unsigned i = 0; i < rw->n_choices; i++) {
			sweep_put(s, r, (double)(((unsigned)s->v[r] + 1) % rw->n_choices));
			h_sleep_ms(ENUM_MS);
		}
	} else {
		for (int i = -SWEEP_STEPS; i <= SWEEP_STEPS; i++) {
			double f = (double)(SWEEP_STEPS - abs(i)) / SWEEP_STEPS; /* 0 -> 1 -> 0 */
			double v = rw->kind == K_LOG ? rw->min * pow(rw->max / rw->min, f)
			                             : rw->min + (rw->max - rw->min) * f;

			sweep_put(s, r, v);
			h_sleep_ms(SWEEP_STEP_MS);
		}
	}
}

/* The step bound. For gains alone, |y[n] - y[n-1]| <= sum over strips of g * max|dx|, and a
 * gain ramp adds only x * (its step per sample), tiny at 10 ms. Through a filter with impulse
 * response h the factor is ||h||_1 instead of g: at most 2.7 times the peak gain |H|max for any
 * one SVF stage of the strip (bells and shelves at +-18 dB, Q 0.1..10, 20 Hz..20 kHz, and the
 * HPF section; computed offline from the impulse responses), and noise never lines up with that
 * worst case. So the master's largest step must stay under
 *     STEP_MARGIN * sum over strips of (largest gain the phase's settings give) * (input's step)
 * with STEP_MARGIN = 3 > 2.7. A setting switched without smoothing steps the output by
 * |g1 - g2| |x|; with this low-passed input, whose own steps are ~1/30 of its peak, that is over
 * the bound in most phases unless |g1 - g2| is small (H_VERBOSE prints bound / output peak: the
 * smallest jump, as a fraction of the output's peak, that the phase would catch). */
#define STEP_MARGIN     3.0
#define NOISE_RMS_DBFS  (-20.0)
#define NOISE_CUTOFF_HZ 200.0

/* e. Every strip and bus parameter swept over OSC under audio (low-passed noise into a mono and a
 * stereo strip), one parameter at a time, each in its own recording: the master stays finite and
 * never steps by more than the bound above. */
/* Recordings of one sweep phase: a step over the bound where the server reported an xrun is
 * the server's (its lost cycle breaks the recording), and the phase is recorded again, up to
 * this many times; a step over the bound anywhere else fails at once. */
#define SWEEP_TRIES 4
/* JACK reports an xrun from its notification thread, a period or two after the cycle: a step
 * within this many frames of where the recording stood then is that xrun's. */
#define XRUN_WINDOW (4 * PERIOD)

START_TEST(test_sweeps)
{
	static const char *const args[] = { "--strips", "2", "--stereo", "2", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2_L", "mixd:in_2_R" };
	static struct sweep s; /* zeroed */
	const bool verbose = getenv("H_VERBOSE") != NULL;
	double worst = 0.0, worst_sens = 0.0, in_step = 0.0, in_peak = 0.0;
	unsigned worst_row = 0;

	world_up(NULL, args, 3, in, (size_t)RATE * PHASE_MAX_MS / 1000);
	for (unsigned k = 1; k <= 3; k++)
		ck_assert_int_eq(
		    h_probe_noise_lp(w.probe, k, NOISE_RMS_DBFS, NOISE_CUTOFF_HZ, 0x5eed0000u + k),
		    0);
	s.n_strips = 2;
	for (unsigned r = 0; r < R_N; r++)
		s.v[r] = rows[r].def;
	/* the bound is about the strip's own smoothing: the master limiter (whose gain changes
	 * are its own, tested in e2e_master) stays out of the way */
	e2e_set_i(&w, "/master/limiter/on", 0);
	/* The delay bus made transparent (1 ms, no feedback, filters at the band edges, stereo),
	 * so its path is a gain like the direct one. The reverb's output is a dense sum of echoes
	 * whose sample-to-sample steps no gain x input-step bound holds: its phases are played
	 * and checked for finite output, not for steps. Its send and return glide through the
	 * same code as the delay's (per-lane send ramps, bus return ramps), which is bounded. */
	e2e_set_f(&w, "/bus/delay/time", 1.0);
	e2e_set_f(&w, "/bus/delay/feedback", 0.0);
	e2e_set_f(&w, "/bus/delay/lowcut", 20.0);
	e2e_set_f(&w, "/bus/delay/highcut", 20000.0);
	e2e_set_i(&w, "/bus/delay/pingpong", 0);
	e2e_settle(&w);
	if (verbose)
		fprintf(stderr, "  %-22s %4s %8s %8s %10s %10s %6s %8s\n", "sweep", "side", "Gmono",
		        "Gstereo", "max step", "bound", "ratio", "bound/pk");

	for (unsigned r = 0; r < R_N; r++) {
		const size_t frames =
		    (size_t)RATE * (PREPARE_MS + sweep_ms(&rows[r]) + SLACK_MS + TAIL_MS) / 1000;
		int64_t t_restore, t_done;
		unsigned tries = 0;

	again:
		s.fails = 0;
		s.g_mono[0] = s.g_mono[1] = s.g_stereo[0] = s.g_stereo[1] = 0.0;
		sweep_fold(&s);
		ck_assert_int_eq(h_probe_record_start(w.probe, frames), 0);
		sweep_prepare(&s, r);
		h_sleep_ms(PREPARE_MS);
		sweep_run(&s, r);
		for (unsigned q = 0; q < R_N; q++)
			if (s.v[q] != rows[q].def)
				sweep_put(&s, q, rows[q].def);
		t_restore = h_now_ms();
		ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
		t_done = h_now_ms();
		ck_assert_msg(s.fails == 0, "%s: %u OSC sends failed", rows[r].addr, s.fails);
		e2e_assert_no_error(&w, rows[r].addr);
		if (t_done < t_restore + TAIL_MS)
			fprintf(stderr,
			        "sweeps: %s: the recording ended %lld ms after the reset, "
			        "before its glides (machine busy?)\n",
			        rows[r].addr, (long long)(t_done - t_restore));
		for (unsigned side = 0; side < 2; side++) {
			const float *y = h_probe_in(w.probe, side);
			double sx1 = max_step(h_probe_sent(w.probe, 1), frames);
			double sx2 = max_step(h_probe_sent(w.probe, 2 + side), frames);
			double scale = s.g_mono[side] * sx1 + s.g_stereo[side] * sx2;
			double dy = max_step(y, frames), peak = 0.0;

			for (size_t i = 0; i < frames; i++) {
				ck_assert_msg(isfinite(y[i]), "%s: master %s sample %zu is %f",
				              rows[r].addr, side ? "R" : "L", i, (double)y[i]);
				peak = fmax(peak, fabs((double)y[i]));
			}
			if (verbose)
				fprintf(stderr,
				        "  %-22s %4s %8.2f %8.2f %10.3g %10.3g %6.3f %8.3f\n",
				        rows[r].addr, side ? "R" : "L", h_amp_db(s.g_mono[side]),
				        h_amp_db(s.g_stereo[side]), dy, STEP_MARGIN * scale,
				        dy / scale, peak > 0.0 ? STEP_MARGIN * scale / peak : 0.0);
			if (strstr(rows[r].addr, "reverb"))
				continue; /* see above: not a gain path */
			/* A step over the bound fails the case unless the server reported an xrun
			 * right there: then it is the lost cycle's, and the phase is recorded
			 * again. No other retry: a click of mixd's fails the first time. */
			if (dy > STEP_MARGIN * scale) {
				size_t at = max_step_at(y, frames);

				if (h_probe_xrun_near(w.probe, at, XRUN_WINDOW) &&
				    ++tries < SWEEP_TRIES) {
					fprintf(
					    stderr,
					    "sweeps: %s: master %s steps by %.4g over the bound "
					    "%.4g at frame %zu, where the server reported an "
					    "xrun; once more\n",
					    rows[r].addr, side ? "R" : "L", dy, STEP_MARGIN * scale,
					    at);
					h_sleep_ms(TAIL_MS);
					goto again;
				}
				fprintf(stderr,
				        "sweeps: %s: the step is at frame %zu; %u xruns reported "
				        "in the recording, %s within %d frames of it (try %u)\n",
				        rows[r].addr, at, h_probe_xruns(w.probe),
				        h_probe_xrun_near(w.probe, at, XRUN_WINDOW) ? "one"
				                                                    : "none",
				        XRUN_WINDOW, tries + 1);
			}
			ck_assert_msg(dy <= STEP_MARGIN * scale,
			              "%s: master %s steps by %.4g, over the bound %.4g = %.1f * "
			              "(%.3f * %.4g + %.3f * %.4g) (gains x input steps, mono + "
			              "stereo strip)",
			              rows[r].addr, side ? "R" : "L", dy, STEP_MARGIN * scale,
			              STEP_MARGIN, s.g_mono[side], sx1, s.g_stereo[side], sx2);
			if (dy / scale > worst) {
				worst = dy / scale;
				worst_row = r;
			}
			if (peak > 0.0)
				worst_sens = fmax(worst_sens, STEP_MARGIN * scale / peak);
		}
		/* the next phase starts from the defaults, glides done */
		if (h_now_ms() < t_restore + TAIL_MS)
			h_sleep_ms((unsigned)(t_restore + TAIL_MS - h_now_ms()));
		in_step = max_step(h_probe_sent(w.probe, 1), frames);
		in_peak = h_peak_db(h_probe_sent(w.probe, 1), frames, 0);
	}
	ck_assert_msg(h_osc_ping(w.osc, H_REPLY_MS), "mixd stopped answering");
	ck_assert_int_eq(e2e_stat(&w, "nonfinite_output"), 0);
	ck_assert_int_eq(e2e_stat(&w, "state_resets"), 0);
	fprintf(stderr,
	        "sweeps: %d parameters; largest step / (gain x input step) %.3f (%s), bound %.1f; "
	        "bound <= %.3f x output peak; input step %.4f at peak %.1f dBFS (1/%.0f)\n",
	        R_N, worst, rows[worst_row].addr, STEP_MARGIN, worst_sens, in_step, in_peak,
	        pow(10.0, in_peak / 20.0) / in_step);
	e2e_stop_mixd(&w);
}
END_TEST

/* ---- f. RT safety with every strip parameter moving --------------------------------------- */

/* A value for row r in round i on strip k: spread over the whole range, every round another. */
static double
storm_value(unsigned r, unsigned i, unsigned k)
{
	const struct row *rw = &rows[r];
	double f = fmod(0.6180339887 * (i + 1) + 0.137 * r + 0.291 * k, 1.0);

	switch (rw->kind) {
	case K_SWITCH:
		return (double)((i + r + k) % 2);
	case K_ENUM:
		return (double)((i + r + k) % rw->n_choices);
	case K_LOG:
		return rw->min * pow(rw->max / rw->min, f);
	default:
		return rw->min + (rw->max - rw->min) * f;
	}
}

/* Every /bus and /master parameter as /list reports it (address, type, range): the RT-safety
 * storm moves them all, whatever the table holds today. */
struct listed {
	char addr[64];
	char type;
	float min, max;
};

static unsigned
list_params(const char *prefix, struct listed *out, unsigned max)
{
	unsigned n = 0;
	struct h_msg *m;

	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/list", "s", prefix), 0);
	while ((m = h_osc_recv(w.osc, 2000)) && strcmp(m->path, "/list/end")) {
		if (!strcmp(m->path, "/list") && m->argc == 6 && !strncmp(m->types, "ssff", 4) &&
		    n < max) {
			snprintf(out[n].addr, sizeof(out[n].addr), "%s", h_arg_s(m, 0));
			out[n].type = h_arg_s(m, 1)[0];
			out[n].min = h_arg_f(m, 2);
			out[n].max = h_arg_f(m, 3);
			n++;
		}
		h_msg_free(m);
	}
	ck_assert_msg(m != NULL, "no /list/end for %s", prefix);
	h_msg_free(m);
	return n;
}

/* Sets a listed parameter to a value that walks its range (enums by index, as tablets do). */
static unsigned
storm_listed(const struct listed *p, unsigned i, unsigned j)
{
	double t = fmod(0.37 * i + 0.11 * j, 1.0), v = p->min + t * (p->max - p->min);

	if (p->type == 'f')
		return !h_osc_set_f(w.osc, p->addr, (float)v);
	return !h_osc_set_i(w.osc, p->addr, (int)lrint(v));
}

/* f. Under audio and a storm of sets over every strip and bus parameter (filter types, switches,
 * frequencies, compressor, sends: every stage planning, cross-fading and recomputing its
 * coefficients), the process callback allocates, locks, does I/O, sleeps and logs nothing. */
START_TEST(test_rt_safety_strip)
{
	static const char *const args[] = { "--strips", "4", "--stereo", "4", NULL };
	static const char *const in[] = { "mixd:in_1", "mixd:in_2", "mixd:in_3", "mixd:in_4_L",
		                          "mixd:in_4_R" };
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts opts = { 0 };
	char report_path[512], why[4608], path[96];
	long long callbacks;
	int64_t applied, t_end;
	struct e2e_commands cmd0;
	unsigned sent = 0, i, n_bus, n_master;
	static struct listed bus[64], master[64];

	ck_assert_msg(lib && *lib, "RTCHECK_LIB is not set: the RT-safety test needs the "
	                           "interposer library");
	snprintf(report_path, sizeof(report_path), "%s/%s.%ld.rtcheck", h_session_dir(),
	         w.jackd->name, (long)getpid());
	opts.preload = lib;
	opts.rtcheck_out = report_path;
	world_up(&opts, args, 5, in, REC_FRAMES);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 220.0, -18.0), 0);
	ck_assert_int_eq(h_probe_noise(w.probe, 2, -24.0, 1001u), 0);
	ck_assert_int_eq(h_probe_noise_lp(w.probe, 3, -20.0, 500.0, 1002u), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 4, 330.0, -12.0), 0);
	ck_assert_int_eq(h_probe_noise(w.probe, 5, -18.0, 1003u), 0);
	e2e_settle(&w);
	n_bus = list_params("/bus", bus, 64);
	n_master = list_params("/master", master, 64);
	ck_assert_msg(n_bus >= 10 && n_master >= 20, "/list gave %u bus and %u master rows", n_bus,
	              n_master);
	cmd0 = e2e_commands_now(&w);

	t_end = h_now_ms() + 3000;
	for (i = 0; h_now_ms() < t_end; i++) {
		for (unsigned k = 1; k <= 4; k++) {
			for (unsigned r = 0; r < R_N; r++) {
				double v = storm_value(r, i, k);

				if (rows[r].bus)
					continue;
				snprintf(path, sizeof(path), "/strip/%u/%s", k, rows[r].addr);
				if (rows[r].kind == K_ENUM && rows[r].names)
					sent += !h_osc_set_s(w.osc, path, rows[r].names[(int)v]);
				else if (rows[r].kind == K_ENUM)
					sent += !h_osc_set_i(w.osc, path, rows[r].ints[(int)v]);
				else if (rows[r].kind == K_SWITCH)
					sent += !h_osc_set_i(w.osc, path, (int)v);
				else
					sent += !h_osc_set_f(w.osc, path, (float)v);
			}
		}
		/* every bus and master parameter, the loudness meter read and reset */
		for (unsigned r = 0; r < n_bus; r++)
			sent += storm_listed(&bus[r], i, r);
		for (unsigned r = 0; r < n_master; r++)
			sent += storm_listed(&master[r], i, r);
		sent += !h_osc_send(w.osc, "/loudness", "");
		if (i % 50 == 0)
			sent += !h_osc_send(w.osc, "/master/loudness/reset", "");
		snprintf(path, sizeof(path), "/meter/strip/%u", i % 4 + 1);
		sent += !h_osc_send(w.osc, path, "");
		sent += !h_osc_send(w.osc, "/meter/master", "");
		h_osc_drain(w.osc);
		h_sleep_ms(5);
	}
	ck_assert_msg(sent >= 10000, "only %u messages sent", sent);
	ck_assert_msg(h_osc_ping(w.osc, 2000), "mixd stopped answering after the storm");
	e2e_assert_commands_applied(&w, cmd0, 1000, "rt_safety_strip");
	applied = e2e_stat(&w, "commands_applied");
	ck_assert_int_eq(e2e_stat(&w, "nonfinite_output"), 0);
	e2e_stop_mixd(&w);

	ck_assert_msg(h_rtcheck_verify(report_path, 100, &callbacks, why, sizeof(why)) == 0, "%s",
	              why);
	fprintf(stderr,
	        "rt_safety_strip: %u messages in %u rounds, %lld callbacks, %lld commands "
	        "applied\n",
	        sent, i, callbacks, (long long)applied);
}
END_TEST

/* The sweeps case records about 20 s of parameter changes: generous for slow CI and sanitizer
 * builds. */
#define E2E_CASE_TIMEOUT_S 90

static Suite *
e2e_strip_suite(void)
{
	Suite *s = suite_create("e2e_strip");

	e2e_add_case(s, "eq_bell", test_eq_bell, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "hpf", test_hpf, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "comp", test_comp, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "pre_send", test_pre_send, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "sweeps", test_sweeps, setup, teardown, E2E_CASE_TIMEOUT_S);
	if (e2e_rtcheck_possible("rt_safety_strip"))
		e2e_add_case(s, "rt_safety_strip", test_rt_safety_strip, setup, teardown,
		             E2E_CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_strip_suite());
}
