/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_e2e_render: mixrender (MIXRENDER_BIN) against mixd through JACK, sample by sample.
 *
 * The same stems (synthesized here: a mono float WAV, a stereo 16-bit FLAC that is shorter, a
 * mono float WAV) are rendered by mixrender and played by the probe into a real mixd whose state
 * file holds the same scene, so it comes up already there (model_apply_to_engine, glides
 * settled), as mixrender does. What the probe plays is what libsndfile decodes from the files,
 * so both engines get identical floats.
 *
 * The bound: 0. The same engine code, the same kernel (AUTO on the same CPU), FTZ/DAZ in both
 * threads, the same parameter values and the same input samples on the same 32-frame grid (a
 * JACK period is a multiple of 32 and the playback starts on a period) give the same floats;
 * the block size does not show (test_mixrender: 1, 64, 100, 1024 frames). The only thing mixd
 * does before the stems is process silence, which leaves every state at rest. So the test
 * asserts bit equality, at a JACK period (64) different from mixrender's block (1000). Also on
 * a live console's layout (mixd --strips 5 --stereo 2,4; mixrender given the same and the stems
 * as 1=, 2=, 4=): strips without a stem, a mono stem on both inputs of a stereo strip.
 *
 * Alignment: the probe records what mixd wrote in the previous cycle (it runs first in the
 * cycle: test_e2e_master), so stem frame f arrives at the recording's frame
 * start + latency + period, where start is where the playback began.
 *
 * With automation (the same file to mixrender --automation and to mixd's /automation/load):
 * mixd loads it with the transport stopped at 0, so it chases the lanes' values at frame 0 and
 * their glides end over the silence that follows, which is where mixrender starts (chased,
 * settled). The probe then starts the transport and plays the stems from the first period it
 * sees the transport roll: mixd reads the same transport state in the same cycle, so stem frame
 * f is at transport frame f in mixd as in mixrender, and both cut it into 32-frame pieces at
 * the same frames (a period is a multiple of 32 and starts at frame 0) with the lanes applied
 * by the same code (automation_rt_process), which also re-applies every lane at the first
 * piece of each call (a JACK period; a mixrender block). Re-applying a value a parameter
 * already has (or glides to) changes nothing (ramp_to), so where a glide lands does not depend
 * on where periods or blocks begin: the bound is 0 with the block not the period (64 against
 * 1000, 256 against 100), asserted with lanes of every kind (linear and step gains, a pan, a
 * mute, an EQ gain, the master fader).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sndfile.h>

#include "e2e_run.h"

#define RATE           48000
#define STEM_S         2
#define TAIL_S         0.5
#define N_OUT          4 /* probe outputs: stem 1, stem 2 L/R, stem 3 */
#define N_OUT_LAYOUT   5 /* the same, stem 3 on both inputs of a stereo strip */
#define CASE_TIMEOUT_S 120
/* Each case records freewheeling (e2e_freewheel): no cycle misses a deadline and none is
 * dropped, whatever else the machine does. In real time a dropped period splices the recording
 * (a CI run, on a real-time jackd at 64 frames, saw 67 xruns in one case), and the comparison
 * would measure the load, not the engines; what is compared, period against block against the
 * grid, is the same either way. */

static struct h_world w;
static char dir[64];

static void
setup_64(void)
{
	ck_assert_msg(h_world_start(&w, RATE, 64) == 0, "jackd did not start");
}

static void
setup_256(void)
{
	ck_assert_msg(h_world_start(&w, RATE, 256) == 0, "jackd did not start");
}

static void
teardown(void)
{
	char cmd[128];

	h_world_free(&w);
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
}

/* Writes a stem, then reads it back: *out gets the decoded frames, de-interleaved per channel,
 * padded with silence to len frames (what mixrender feeds its engine). */
static void
stem(const char *name, int format, int channels, long frames, int kind, long len, float **out)
{
	char path[256];
	SF_INFO info = { .samplerate = RATE, .channels = channels, .format = format };
	float *buf = malloc(sizeof(float) * (size_t)(frames * channels));
	uint32_t x = 777u + (uint32_t)kind;
	SNDFILE *sf;

	ck_assert_ptr_nonnull(buf);
	for (long f = 0; f < frames; f++)
		for (int c = 0; c < channels; c++) {
			double v;
			x = x * 1664525u + 1013904223u;
			v = (double)x / 2147483648.0 - 1.0;
			if (kind ==
			    0) /* decaying bursts, four a second: work for the compressors */
				v *= 0.8 * exp(-(double)(f % (RATE / 4)) / (0.02 * RATE));
			else if (kind == 1) /* noise */
				v *= 0.2;
			else /* a chord of two cosines: non-zero at frame 0 */
				v = 0.3 * cos(2 * M_PI * 330 * f / RATE) +
				    0.2 * cos(2 * M_PI * 1250 * f / RATE);
			buf[f * channels + c] = (float)v;
		}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_WRITE, &info);
	ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
	ck_assert_int_eq(sf_writef_float(sf, buf, frames), frames);
	sf_close(sf);

	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	ck_assert_ptr_nonnull(sf);
	ck_assert_int_eq(sf_readf_float(sf, buf, frames), frames);
	sf_close(sf);
	for (int c = 0; c < channels; c++) {
		out[c] = calloc((size_t)len, sizeof(float));
		ck_assert_ptr_nonnull(out[c]);
		for (long f = 0; f < frames; f++)
			out[c][f] = buf[f * channels + c];
	}
	free(buf);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char scene_text[] = "# mixd scene 1\n"
                                 "/strip/1/comp/on 1\n"
                                 "/strip/1/comp/threshold -30\n"
                                 "/strip/1/eq/1/gain 4\n"
                                 "/strip/1/send/reverb/level -8\n"
                                 "/strip/2/hpf/on 1\n"
                                 "/strip/2/pan -0.4\n"
                                 "/strip/2/fader 3\n"
                                 "/strip/3/send/delay/level -6\n"
                                 "/strip/3/pan 0.7\n"
                                 "/master/comp/on 1\n"
                                 "/master/width 1.3\n"
                                 "/master/fader 6\n";

static const char auto_text[] = "# mixd automation 1\n"
                                "0 /strip/1/fader -40\n"
                                "1.5 /strip/1/fader 0 linear\n"
                                "0 /strip/2/pan -1\n"
                                "1 /strip/2/pan 1 linear\n"
                                "24000f /strip/3/mute 1\n"
                                "1.25 /strip/3/mute 0\n"
                                "0 /strip/2/eq/2/gain 0\n"
                                "0.7 /strip/2/eq/2/gain -6\n"
                                "1.2 /strip/2/eq/2/gain 3 linear\n"
                                "0 /master/fader 6\n"
                                "1.8 /master/fader 0 linear\n"
                                "2.2 /master/fader -3\n";

/* Sends a message and waits for its reply (same address); fails on an /error. */
static void
request_s(const char *path, const char *arg)
{
	struct h_msg *m;

	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, path, "s", arg), 0);
	for (;;) {
		m = h_osc_recv(w.osc, H_REPLY_MS);
		ck_assert_msg(m != NULL, "no reply to %s", path);
		ck_assert_msg(strcmp(m->path, "/error") != 0, "%s: /error %s", path,
		              m->argc >= 2 ? h_arg_s(m, 1) : "?");
		if (!strcmp(m->path, path)) {
			h_msg_free(m);
			return;
		}
		h_msg_free(m);
	}
}

/* A live console's layout (mixd --strips 5 --stereo 2,4) with stems on strips 1, 2 and 4:
 * strips 3 and 5 have no stem, the mono stem 3 feeds both inputs of stereo strip 4. */
static const char layout_scene_text[] = "/strip/4/pan 0.5\n"
                                        "/strip/4/send/delay/level -6\n"
                                        "/strip/5/fader 6\n";

/* The whole comparison with mixrender rendering in blocks of block frames; automated: with
 * auto_text played from transport frame 0 at the stems' first frame; layout: on the console
 * of layout_scene_text, mixrender told the same layout. */
static void
compare(unsigned block, bool automated, bool layout)
{
	static const char *const in_plain[N_OUT] = { "mixd:in_1", "mixd:in_2_L", "mixd:in_2_R",
		                                     "mixd:in_3" };
	static const char *const in_layout[N_OUT_LAYOUT] = { "mixd:in_1", "mixd:in_2_L",
		                                             "mixd:in_2_R", "mixd:in_4_L",
		                                             "mixd:in_4_R" };
	const char *const *in = layout ? in_layout : in_plain;
	const unsigned n_out = layout ? N_OUT_LAYOUT : N_OUT;
	char scene[sizeof(scene_text) + sizeof(layout_scene_text)];
	const long len = (long)((STEM_S + TAIL_S) * RATE);
	const unsigned period = w.jackd->period;
	char state[160], cmd[1024], path[256];
	const char *bin = getenv("MIXRENDER_BIN");
	float *bufs[N_OUT_LAYOUT], *ref;
	const float *rec[2];
	SF_INFO info = { 0 };
	SNDFILE *sf;
	long start, off, first = -1;
	int64_t xruns0;
	size_t n_rec;
	int st, latency = -1;
	struct h_msg *msg;
	double worst = 0, peak = 0;

	ck_assert_msg(bin != NULL, "MIXRENDER_BIN not set");
	snprintf(dir, sizeof(dir), "/tmp/mixrender-e2e-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	stem("a.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, STEM_S * RATE, 0, len, &bufs[0]);
	stem("b.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, STEM_S * RATE * 3 / 4, 1, len,
	     &bufs[1]);
	stem("c.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, STEM_S * RATE, 2, len, &bufs[3]);
	bufs[4] = bufs[3];
	snprintf(scene, sizeof(scene), "%s%s", scene_text, layout ? layout_scene_text : "");
	snprintf(path, sizeof(path), "%s/mix.scene", dir);
	write_text(path, scene);
	snprintf(path, sizeof(path), "%s/mix.auto", dir);
	write_text(path, auto_text);

	/* mixrender */
	snprintf(cmd, sizeof(cmd),
	         "cd '%s' && '%s' --scene mix.scene %s --tail %g --block %u -o out.wav %s "
	         ">/dev/null",
	         dir, bin, automated ? "--automation mix.auto" : "", TAIL_S, block,
	         layout ? "--strips 5 --stereo 2,4 1=a.wav 2=b.flac 4=c.wav"
	                : "a.wav b.flac c.wav");
	st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mixrender failed (%d)", st);
	snprintf(path, sizeof(path), "%s/out.wav", dir);
	sf = sf_open(path, SFM_READ, &info);
	ck_assert_ptr_nonnull(sf);
	ck_assert_int_eq(info.frames, len);
	ref = malloc(sizeof(float) * 2 * (size_t)len);
	ck_assert_ptr_nonnull(ref);
	ck_assert_int_eq(sf_readf_float(sf, ref, len), len);
	sf_close(sf);

	/* mixd, coming up with the scene as its state (the last --state-dir wins) */
	snprintf(state, sizeof(state), "%s/state", dir);
	ck_assert(mkdir(state, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/state.scene", state);
	write_text(path, scene);
	snprintf(path, sizeof(path), "%s/automation", state);
	ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/automation/mix.auto", state);
	write_text(path, auto_text);
	{
		const char *const args[] = { "--strips",    layout ? "5" : "3",
			                     "--stereo",    layout ? "2,4" : "2",
			                     "--state-dir", state,
			                     NULL };
		n_rec = (size_t)len + 4 * period + 4096;
		e2e_world_up(&w, NULL, args, n_out, in, n_rec);
	}
	/* /info: name, version, strips, sample rate, buffer size, latency */
	msg = h_osc_get(w.osc, "/info");
	ck_assert_msg(msg && !strcmp(msg->types, "ssiiii"), "no /info reply");
	ck_assert_int_eq(h_arg_i(msg, 3), RATE);
	latency = h_arg_i(msg, 5);
	h_msg_free(msg);
	if (automated) {
		uint64_t at = 1;

		/* stopped at 0, then the lanes: mixd chases them there */
		h_probe_transport_stop(w.probe);
		ck_assert_int_eq(h_probe_transport_locate(w.probe, 0), 0);
		for (int k = 0; k < 200 && (h_probe_transport(w.probe, &at) || at != 0); k++)
			h_sleep_ms(5);
		ck_assert_msg(at == 0, "the transport did not stop at 0");
		request_s("/automation/load", "mix");
		/* the chase's glides (10 ms) end long before the transport rolls */
		h_sleep_ms(200);
	}
	/* The recording runs freewheeling (e2e_freewheel): no cycle has a deadline, so none is lost
	 * and the comparison is of the engines, not of the machine's load. */
	e2e_freewheel(&w);
	xruns0 = e2e_stat(&w, "xruns");
	ck_assert_int_eq(h_probe_record_start(w.probe, n_rec), 0);
	if (automated)
		ck_assert_int_eq(h_probe_play_start_with_transport(
		                     w.probe, (const float *const *)bufs, n_out, (size_t)len),
		                 0);
	else
		ck_assert_int_eq(
		    h_probe_play_start(w.probe, (const float *const *)bufs, n_out, (size_t)len), 0);
	ck_assert_int_eq(h_probe_play_wait(w.probe), 0);
	ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
	e2e_realtime(&w);

	/* stem 3 is non-zero at frame 0: where the playback began */
	start = -1;
	for (size_t i = 0; i < n_rec && start < 0; i++)
		if (h_probe_sent(w.probe, 4)[i] != 0.0f)
			start = (long)i;
	ck_assert_int_ge(start, 0);
	if (automated) {
		uint64_t tf;
		bool rolling;

		/* the stems' first frame went out at transport frame 0, rolling */
		ck_assert_uint_eq(h_probe_play_transport_frame(w.probe), 0);
		ck_assert_int_eq(h_probe_transport_at(w.probe, (size_t)start, &tf, &rolling), 0);
		ck_assert(rolling);
		ck_assert_uint_eq(tf, 0);
	}
	off = start + latency + (long)period;
	ck_assert_msg((size_t)(off + len) <= n_rec, "recording too short");
	rec[0] = h_probe_in(w.probe, 0);
	rec[1] = h_probe_in(w.probe, 1);
	for (long f = 0; f < len; f++)
		for (int c = 0; c < 2; c++) {
			double d = fabs((double)rec[c][off + f] - ref[2 * f + c]);
			if (d != 0.0 && first < 0)
				first = off + f;
			worst = fmax(worst, d);
			peak = fmax(peak, fabs(ref[2 * f + c]));
		}
	ck_assert_msg(worst == 0.0,
	              "mixd and mixrender differ by up to %g from recorded frame %ld (%lld xruns "
	              "in mixd while freewheeling, %u reported to the probe)",
	              worst, first, (long long)(e2e_stat(&w, "xruns") - xruns0),
	              h_probe_xruns(w.probe));
	printf("%s%speriod %u, mixrender block %u, latency %d: %ld frames, peak %.3f, "
	       "max |mixd - mixrender| = %g\n",
	       automated ? "automation, " : "", layout ? "layout 5 strips, " : "", period, block,
	       latency, len, peak, worst);
	ck_assert_double_gt(peak, 0.1);
	e2e_stop_mixd(&w);
	free(ref);
	for (int k = 0; k < N_OUT; k++) /* bufs[4] is bufs[3] */
		free(bufs[k]);
}

START_TEST(equal_period_64_block_1000)
{
	compare(1000, false, false);
}
END_TEST

START_TEST(equal_period_256_block_256)
{
	compare(256, false, false);
}
END_TEST

START_TEST(automation_period_64_block_1000)
{
	compare(1000, true, false);
}
END_TEST

START_TEST(automation_period_256_block_100)
{
	compare(100, true, false);
}
END_TEST

START_TEST(layout_period_256_block_1000)
{
	compare(1000, false, true);
}
END_TEST

static Suite *
e2e_render_suite(void)
{
	Suite *s = suite_create("e2e_render");

	e2e_add_case(s, "period64", equal_period_64_block_1000, setup_64, teardown, CASE_TIMEOUT_S);
	e2e_add_case(s, "period256", equal_period_256_block_256, setup_256, teardown,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "automation64", automation_period_64_block_1000, setup_64, teardown,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "automation256", automation_period_256_block_100, setup_256, teardown,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "layout256", layout_period_256_block_1000, setup_256, teardown,
	             CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_render_suite());
}
