/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Automation through JACK: a fader lane plays back on the curve in sync with the transport, a
 * locate while stopped chases, a transport moved by another client drives the same playback,
 * and swapping lanes in while rolling stays RT-safe.
 *
 * The world has no loop: a source client plays a sine into mixd:in_1 and a second client
 * records the master, so JACK runs source, mixd, recorder in that order in every cycle and
 * the recorder's sample i left mixd in the same cycle, at the transport frame the recorder saw
 * for it. That sample passed the fader L frames earlier (L: the limiter's look-ahead, /info),
 * so its level is the lane's value at transport frame T(i) - L. Levels are RMS over 480 frames
 * (ten cycles of the 1 kHz sine), relative to the level at 0 dB read off the same recording.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_run.h"

#define RATE   48000
#define PERIOD 256
/* The lane: -40 dB -> 0 dB, linear in dB, over 2 s. */
#define LANE_FROM_DB -40.0
#define LANE_TO_DB   0.0
#define LANE_S       2.0
#define WIN          480 /* RMS window: 10 ms, ten cycles of the sine */
#define REC_FRAMES   (4 * RATE)
#define N_CHECK      10
#define DB_TOL       0.1
#define SUBBLOCK     32

static const char fade_text[] = "# mixd automation 1\n"
                                "# strip 1: -40 dB -> 0 dB over 2 s\n"
                                "0 /strip/1/fader -40\n"
                                "2 /strip/1/fader 0 linear\n";
/* the same curve in frames, with a second lane: swapped in while rolling */
static const char fade_frames_text[] = "# mixd automation 1\n"
                                       "0f /strip/1/fader -40\n"
                                       "96000f /strip/1/fader 0 linear\n"
                                       "0 /strip/2/pan -1\n"
                                       "1 /strip/2/pan 1 linear\n"
                                       "1.5 /strip/2/mute 1\n";

E2E_WORLD_FIXTURE(RATE, PERIOD)

static struct h_probe *src; /* plays into mixd; w.probe records */

static void
teardown_all(void)
{
	h_probe_close(src);
	src = NULL;
	teardown();
}

static double
curve_db(double frame)
{
	double x = frame / (LANE_S * RATE);

	if (x <= 0.0)
		return LANE_FROM_DB;
	if (x >= 1.0)
		return LANE_TO_DB;
	return LANE_FROM_DB + (LANE_TO_DB - LANE_FROM_DB) * x;
}

static void
write_auto(const char *name, const char *text)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/automation", w.mixd->state_dir);
	ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/automation/%s.auto", w.mixd->state_dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Sends a message and waits for its reply (same address); fails on an /error. */
static void
request(const char *path, const char *types, ...)
{
	struct h_msg *m;
	va_list ap;
	int r;

	h_osc_drain(w.osc);
	va_start(ap, types);
	if (!strcmp(types, "s"))
		r = h_osc_send(w.osc, path, types, va_arg(ap, const char *));
	else if (!strcmp(types, "f"))
		r = h_osc_send(w.osc, path, types, va_arg(ap, double));
	else
		r = h_osc_send(w.osc, path, "");
	va_end(ap);
	ck_assert_int_eq(r, 0);
	for (;;) {
		m = h_osc_recv(w.osc, H_REPLY_MS);
		ck_assert_msg(m != NULL, "no reply to %s", path);
		if (!strcmp(m->path, "/error")) {
			ck_abort_msg("%s: /error %s", path, m->argc >= 2 ? h_arg_s(m, 1) : "?");
		}
		if (!strcmp(m->path, path)) {
			h_msg_free(m);
			return;
		}
		h_msg_free(m);
	}
}

/* mixd, the recorder (w.probe) on its master, the source on in_1; returns L. */
static unsigned
world_up(const struct h_mixd_opts *opts)
{
	static const char *const args[] = { "--strips", "2", NULL };
	struct h_msg *m;
	int64_t deadline;
	unsigned lat;

	w.mixd = h_mixd_startv(w.jackd, opts, args);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	w.probe = h_probe_open(w.jackd, "rec", 0, REC_FRAMES);
	src = h_probe_open(w.jackd, "src", 1, 1024);
	ck_assert(w.probe && src);
	deadline = h_now_ms() + 5000;
	while (!h_probe_port_exists(w.probe, "mixd:master_R") && h_now_ms() < deadline)
		h_sleep_ms(20);
	ck_assert_int_eq(h_probe_connect(src, h_probe_out_name(src, 1), "mixd:in_1"), 0);
	ck_assert_int_eq(h_probe_connect(w.probe, "mixd:master_L", h_probe_in_name(w.probe, 0)), 0);
	ck_assert_int_eq(h_probe_connect(w.probe, "mixd:master_R", h_probe_in_name(w.probe, 1)), 0);
	/* -6 dBFS peak, -3 dB more by the centre pan: far below the limiter's ceiling */
	ck_assert_int_eq(h_probe_sine(src, 1, 1000.0, -6.0), 0);
	m = h_osc_get(w.osc, "/info");
	ck_assert_msg(m && m->argc >= 6 && m->types[5] == 'i', "no /info");
	lat = (unsigned)h_arg_i(m, 5);
	h_msg_free(m);
	ck_assert_uint_le(lat, 4096);
	/* the transport starts where every test expects it: stopped at 0 */
	h_probe_transport_stop(w.probe);
	ck_assert_int_eq(h_probe_transport_locate(w.probe, 0), 0);
	return lat;
}

static double
level_db(size_t centre)
{
	return h_rms_db(h_probe_in(w.probe, 0) + centre - WIN / 2, WIN, 0);
}

/* The recorded index whose transport frame is frame while rolling, or (size_t)-1. */
static size_t
index_of(uint64_t frame, size_t from)
{
	uint64_t f;
	bool rolling;

	for (size_t i = from; i < REC_FRAMES; i += SUBBLOCK / 2) {
		if (h_probe_transport_at(w.probe, i, &f, &rolling) < 0)
			return (size_t)-1;
		if (rolling && f <= frame && frame < f + SUBBLOCK / 2) {
			size_t c = i + (size_t)(frame - f);
			ck_assert_int_eq(h_probe_transport_at(w.probe, c, &f, &rolling), 0);
			ck_assert(rolling && f == frame);
			return c;
		}
	}
	return (size_t)-1;
}

/* Checks the recording against the curve at N_CHECK points spread over the lane: each within
 * DB_TOL of it, and the time offset they imply (the level error over the curve's slope) within
 * a sub-block. ref_db is the level at 0 dB. Returns the worst error in dB. */
static double
check_curve(unsigned lat, double ref_db, const char *what)
{
	const double slope = (LANE_TO_DB - LANE_FROM_DB) / (LANE_S * RATE); /* dB per frame */
	double worst = 0.0, sum_tau = 0.0;

	for (unsigned k = 0; k < N_CHECK; k++) {
		/* 0.1 s .. 1.9 s of the lane, clear of both ends */
		uint64_t t = (uint64_t)((0.1 + 1.8 * k / (N_CHECK - 1)) * RATE);
		size_t c = index_of(t + lat, 0);
		double got, want, err;

		ck_assert_msg(c != (size_t)-1 && c >= WIN && c + WIN < REC_FRAMES,
		              "%s: transport frame %llu not in the recording", what,
		              (unsigned long long)t);
		got = level_db(c) - ref_db;
		want = curve_db((double)t);
		err = got - want;
		sum_tau += err / slope;
		fprintf(stderr,
		        "%s: t = %.3f s: %.3f dB, curve %.3f dB, error %+.4f dB (%+.1f frames)\n",
		        what, (double)t / RATE, got, want, err, err / slope);
		ck_assert_msg(fabs(err) <= DB_TOL, "%s: at %.3f s %.3f dB, the curve %.3f dB", what,
		              (double)t / RATE, got, want);
		worst = fmax(worst, fabs(err));
	}
	fprintf(stderr, "%s: worst %.4f dB, mean timing offset %+.1f frames\n", what, worst,
	        sum_tau / N_CHECK);
	ck_assert_msg(fabs(sum_tau / N_CHECK) <= SUBBLOCK, "%s: timing off by %.1f frames", what,
	              sum_tau / N_CHECK);
	return worst;
}

/* Waits until the transport rolls, or stands still at frame (ANY_FRAME: anywhere). */
#define ANY_FRAME UINT64_MAX

static void
wait_transport(bool rolling, uint64_t frame)
{
	int64_t deadline = h_now_ms() + 3000;
	uint64_t f = 0;
	bool r = !rolling;

	while (h_now_ms() < deadline) {
		r = h_probe_transport(w.probe, &f);
		if (r == rolling && (rolling || frame == ANY_FRAME || f == frame))
			return;
		h_sleep_ms(5);
	}
	ck_abort_msg("transport %s at %llu, wanted %s at %llu", r ? "rolling" : "stopped",
	             (unsigned long long)f, rolling ? "rolling" : "stopped",
	             (unsigned long long)frame);
}

static float
fader_model(void)
{
	float v = NAN;

	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	return v;
}

/* Rolls the lane from 0 with play(), records it, checks the curve; returns the 0 dB level. */
static double
roll_and_check(unsigned lat, void (*play)(void), const char *what)
{
	size_t end;
	double ref;

	ck_assert_int_eq(h_probe_record_start(w.probe, REC_FRAMES), 0);
	h_sleep_ms(200);
	play();
	ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
	/* the level at 0 dB: 2.5 s into the lane, well past its end */
	end = index_of((uint64_t)(2.5 * RATE) + lat, 0);
	ck_assert_msg(end != (size_t)-1, "%s: 2.5 s of transport not recorded", what);
	ref = level_db(end);
	fprintf(stderr, "%s: 0 dB reads %.3f dBFS RMS, L = %u\n", what, ref, lat);
	check_curve(lat, ref, what);
	return ref;
}

static void
play_osc(void)
{
	request("/automation/play", "");
}

static void
play_probe(void)
{
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
}

START_TEST(test_playback_and_chase)
{
	unsigned lat = world_up(NULL);
	size_t first, c;
	uint64_t f;
	bool rolling;
	double ref, before, err;

	write_auto("fade", fade_text);
	request("/automation/load", "s", "fade");
	e2e_settle(&w);
	/* stopped at 0: the chase put the fader at the lane's start, and the model knows */
	ck_assert_float_eq_tol(fader_model(), -40.0f, 1e-3f);
	ref = roll_and_check(lat, play_osc, "playback");
	e2e_settle(&w);
	ck_assert_float_eq_tol(fader_model(), 0.0f, 1e-3f);

	/* stop, locate to 1.0 s: the chase sets -20 dB while stopped */
	request("/automation/stop", "");
	wait_transport(false, ANY_FRAME);
	request("/automation/locate", "f", 1.0);
	wait_transport(false, RATE);
	e2e_settle(&w);
	ck_assert_float_eq_tol(fader_model(), -20.0f, 1e-3f);
	/* record the stopped tail and the start of rolling in one go */
	ck_assert_int_eq(h_probe_record_start(w.probe, RATE), 0);
	h_sleep_ms(500);
	request("/automation/play", "");
	ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
	first = index_of(RATE, 0);
	ck_assert_msg(first != (size_t)-1 && first > 2 * WIN, "no rolling from 1.0 s recorded");
	ck_assert_int_eq(h_probe_transport_at(w.probe, first - 1, &f, &rolling), 0);
	ck_assert(!rolling);
	/* the period right before the first rolling one: the chase value, at the output */
	before = level_db(first - WIN / 2 - 1) - ref;
	fprintf(stderr, "chase: level before rolling %.3f dB (lane -20 dB)\n", before);
	ck_assert_msg(fabs(before - -20.0) <= DB_TOL, "chase: %.3f dB before rolling", before);
	/* and once rolling, on the curve again (past the look-ahead) */
	c = index_of(RATE + RATE / 4 + lat, first);
	ck_assert(c != (size_t)-1 && c + WIN / 2 < RATE);
	err = level_db(c) - ref - curve_db(RATE + RATE / 4);
	fprintf(stderr, "chase: 1.25 s after the restart %+.4f dB off the curve\n", err);
	ck_assert_msg(fabs(err) <= DB_TOL, "after the chase: %.3f dB off the curve", err);
	request("/automation/stop", "");
	e2e_assert_no_error(&w, "playback");
	e2e_stop_mixd(&w);
}
END_TEST

/* Another JACK client moves the transport; mixd follows it like /automation/play. */
START_TEST(test_external_transport)
{
	unsigned lat = world_up(NULL);

	write_auto("fade", fade_text);
	request("/automation/load", "s", "fade");
	e2e_settle(&w);
	roll_and_check(lat, play_probe, "external");
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	/* a locate by the other client while stopped chases too */
	ck_assert_int_eq(h_probe_transport_locate(w.probe, RATE / 2), 0);
	wait_transport(false, RATE / 2);
	e2e_settle(&w);
	ck_assert_float_eq_tol(fader_model(), -30.0f, 1e-3f);
	/* off: the lane lets go, an OSC move sticks even while rolling */
	request("/strip/1/fader/automation", "s", "off");
	e2e_set_f(&w, "/strip/1/fader", -6.0);
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	h_sleep_ms(300);
	ck_assert_float_eq_tol(fader_model(), -6.0f, 1e-3f);
	request("/strip/1/fader/automation", "s", "play");
	h_sleep_ms(300);
	ck_assert_float_lt(fader_model(), -6.5f); /* back on the lane (under -6 until 1.7 s) */
	e2e_assert_no_error(&w, "external");
	e2e_stop_mixd(&w);
}
END_TEST

/* Bad files are refused whole, naming the line; a refused load leaves the lanes playing. */
START_TEST(test_errors)
{
	struct h_msg *m;

	world_up(NULL);
	write_auto("bad", "# mixd automation 1\n0 /strip/1/fader -40\n1 /strip/1/name x\n");
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/automation/load", "s", "bad"), 0);
	m = h_osc_wait(w.osc, "/error", H_REPLY_MS);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(h_arg_s(m, 1), "automation bad: line 3") &&
	                  strstr(h_arg_s(m, 1), "strings cannot be automated"),
	              "error: %s", h_arg_s(m, 1));
	h_msg_free(m);
	ck_assert_int_eq(h_osc_send(w.osc, "/automation/load", "s", "../x"), 0);
	ck_assert(h_osc_expect_error(w.osc, "/automation/load", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/automation/load", "s", "missing"), 0);
	ck_assert(h_osc_expect_error(w.osc, "/automation/load", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/automation/locate", "f", -1.0), 0);
	ck_assert(h_osc_expect_error(w.osc, "/automation/locate", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/name/automation", "s", "play"), 0);
	ck_assert(h_osc_expect_error(w.osc, "/strip/1/name/automation", H_REPLY_MS));
	ck_assert_int_eq(h_osc_send(w.osc, "/strip/1/fader/automation", "s", "latch"), 0);
	ck_assert(h_osc_expect_error(w.osc, "/strip/1/fader/automation", H_REPLY_MS));
	/* nothing loaded: the fader is where it was */
	ck_assert_float_eq_tol(fader_model(), 0.0f, 1e-6f);
	request("/automation/clear", "");
	e2e_stop_mixd(&w);
}
END_TEST

/* Lanes swapped in again and again while rolling: the interposer counts nothing in the
 * callback, and the playback still lands on the curve. */
START_TEST(test_rt_safety_swap)
{
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts opts = { 0 };
	char report_path[512], why[4608];
	long long callbacks;
	unsigned lat, loads = 0;
	int64_t t_end;

	ck_assert_msg(lib && *lib, "RTCHECK_LIB is not set");
	snprintf(report_path, sizeof(report_path), "%s/%s.%ld.rtcheck", h_session_dir(),
	         w.jackd->name, (long)getpid());
	opts.preload = lib;
	opts.rtcheck_out = report_path;
	lat = world_up(&opts);
	write_auto("a", fade_text);
	write_auto("b", fade_frames_text);
	request("/automation/load", "s", "a");
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	t_end = h_now_ms() + 3000;
	while (h_now_ms() < t_end) {
		request("/automation/load", "s", loads % 2 ? "a" : "b");
		if (loads % 25 == 0)
			request("/strip/2/pan/automation", "s", loads % 50 ? "play" : "off");
		/* touch passes ending while the lanes swap */
		if (loads % 30 == 0)
			request("/strip/1/fader/automation", "s", loads % 60 ? "play" : "touch");
		if (loads % 60 < 10)
			e2e_set_f(&w, "/strip/1/fader", -12.0 - loads % 7);
		if (loads % 40 == 39) {
			request("/automation/stop", "");
			request("/automation/locate", "f", 0.25 * (loads % 8));
			request("/automation/play", "");
		}
		loads++;
		h_sleep_ms(5);
	}
	/* the same file again, then one clean pass over the lane: still on the curve */
	request("/automation/stop", "");
	request("/automation/locate", "f", 0.0);
	request("/strip/1/fader/automation", "s", "play");
	request("/automation/load", "s", "b");
	wait_transport(false, 0);
	roll_and_check(lat, play_osc, "after swaps");
	request("/automation/clear", "");
	ck_assert_int_eq(e2e_stat(&w, "nonfinite_output"), 0);
	e2e_stop_mixd(&w);
	ck_assert_msg(h_rtcheck_verify(report_path, 100, &callbacks, why, sizeof(why)) == 0, "%s",
	              why);
	fprintf(stderr, "rt_safety_swap: %u loads while rolling, %lld callbacks\n", loads,
	        callbacks);
	ck_assert_uint_ge(loads, 100);
}
END_TEST

/* Waits until the rolling transport reaches frame. */
static void
wait_frame(uint64_t frame)
{
	int64_t deadline = h_now_ms() + 5000;
	uint64_t f = 0;

	while (h_now_ms() < deadline) {
		if (h_probe_transport(w.probe, &f) && f >= frame)
			return;
		h_sleep_ms(2);
	}
	ck_abort_msg("transport at %llu, not rolling past %llu", (unsigned long long)f,
	             (unsigned long long)frame);
}

/* The fader's value in the model once the transport, stopped, chased to sec. */
static float
chase_to(double sec)
{
	request("/automation/locate", "f", sec);
	wait_transport(false, (uint64_t)llround(sec * RATE));
	e2e_settle(&w);
	return fader_model();
}

/* Write records moves over a pass, save writes the file that loads back; touch lets the lane
 * go while a client moves the parameter and takes it back 500 ms after. */
START_TEST(test_write_touch_save)
{
	char path[700], line[256];
	FILE *f;
	bool magic, lane = false;

	world_up(NULL);
	request("/strip/1/fader/automation", "s", "write");
	e2e_set_f(&w, "/strip/1/fader", -10.0);
	e2e_settle(&w);
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	wait_frame(RATE / 2);
	e2e_set_f(&w, "/strip/1/fader", -20.0);
	wait_frame(RATE);
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	e2e_settle(&w);
	request("/strip/1/fader/automation", "s", "play");
	ck_assert_float_eq_tol(chase_to(0.25), -10.0f, 1e-3f);
	ck_assert_float_eq_tol(chase_to(0.75), -20.0f, 1e-3f);
	/* the pass held -10 up to the move: no glide across the hold */
	ck_assert_float_eq_tol(chase_to(0.45), -10.0f, 1e-3f);
	request("/automation/save", "s", "rec");
	snprintf(path, sizeof(path), "%s/automation/rec.auto", w.mixd->state_dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	magic = fgets(line, sizeof(line), f) && !strcmp(line, "# mixd automation 1\n");
	while (fgets(line, sizeof(line), f))
		lane |= strstr(line, " /strip/1/fader ") != NULL;
	fclose(f);
	ck_assert(magic && lane);
	request("/automation/clear", "");
	e2e_set_f(&w, "/strip/1/fader", -3.0);
	ck_assert_float_eq_tol(chase_to(0.75), -3.0f, 1e-3f); /* no lanes: nothing moves */
	request("/automation/load", "s", "rec");
	ck_assert_float_eq_tol(chase_to(0.25), -10.0f, 1e-3f);

	/* touch over the fade: moved to -30 from 0.5 s to about 1.0 s */
	write_auto("fade", fade_text);
	request("/automation/load", "s", "fade");
	request("/strip/1/fader/automation", "s", "touch");
	ck_assert_float_eq_tol(chase_to(0.0), -40.0f, 1e-3f);
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	wait_frame(RATE / 2);
	for (;;) {
		uint64_t fr;

		if (!h_probe_transport(w.probe, &fr) || fr >= RATE)
			break;
		e2e_set_f(&w, "/strip/1/fader", -30.0);
		h_sleep_ms(50);
	}
	h_sleep_ms(100);
	ck_assert_float_eq_tol(fader_model(), -30.0f, 1e-3f); /* the lane let go */
	wait_frame(RATE * 17 / 10); /* released by about 1.5 s: the lane plays again */
	ck_assert_float_gt(fader_model(), -10.0f);
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	request("/strip/1/fader/automation", "s", "play");
	ck_assert_float_eq_tol(chase_to(0.75), -30.0f, 1e-3f); /* recorded */
	ck_assert_float_eq_tol(chase_to(0.25), -35.0f, 1e-3f); /* the fade, untouched */
	ck_assert_float_eq_tol(chase_to(1.9), -2.0f, 1e-3f);   /* after the release */
	e2e_assert_no_error(&w, "write_touch_save");
	e2e_stop_mixd(&w);
}
END_TEST

/* Sends n moves of /strip/1/fader (values v) while rolling, spaced by gaps_ms so they fall
 * anywhere in the 10 ms control tick and the period; stamps each with the transport frame the
 * moment it is sent (jack_get_current_transport_frame, as a DAW would place it), and, when
 * `after` is not NULL, again once the send returned: on a loaded machine this thread can be
 * preempted between the two, and the move then leaves at some frame between them. */
static void
send_timed_moves(const double *v, const unsigned *gaps_ms, unsigned n, uint64_t *stamp,
                 uint64_t *after)
{
	for (unsigned k = 0; k < n; k++) {
		h_sleep_ms(gaps_ms[k]);
		ck_assert_msg(h_probe_transport_now(w.probe, &stamp[k]), "stopped before move %u",
		              k);
		e2e_set_f(&w, "/strip/1/fader", v[k]);
		if (after)
			ck_assert_msg(h_probe_transport_now(w.probe, &after[k]),
			              "stopped at move %u", k);
	}
}

/* The frame of the first point of /strip/1/fader with value v in automation `name`'s file,
 * which must have one (recorded points are in frames); whether it is reached linearly in
 * *linear (may be NULL). */
static uint64_t
saved_point(const char *name, double v, bool *linear)
{
	char path[700], line[256], *end;
	uint64_t found = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "%s/automation/%s.auto", w.mixd->state_dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long t;
		char *addr = strchr(line, ' ');

		if (line[0] == '#' || !addr || strncmp(addr, " /strip/1/fader ", 16))
			continue;
		t = strtoull(line, &end, 10);
		ck_assert_msg(end && *end == 'f', "recorded point not in frames: %s", line);
		/* the first: a pass ends holding its last value */
		if (found == UINT64_MAX && fabs(strtod(addr + 16, NULL) - v) < 1e-4) {
			found = t;
			if (linear)
				*linear = strstr(addr, " linear") != NULL;
		}
	}
	fclose(f);
	ck_assert_msg(found != UINT64_MAX, "no point at %.2f dB saved in %s", v, name);
	return found;
}

/* The value the saved lane of /strip/1/fader in automation `name` takes at frame t (points in
 * frames, in time order: linear to a linear point, else a step), as playback evaluates it. */
static double
saved_lane_at(const char *name, uint64_t t)
{
	char path[700], line[256], *end;
	double prev_t = -1.0, prev_v = NAN, v = NAN;
	FILE *f;

	snprintf(path, sizeof(path), "%s/automation/%s.auto", w.mixd->state_dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *addr = strchr(line, ' ');
		double pt, pv;
		bool lin;

		if (line[0] == '#' || !addr || strncmp(addr, " /strip/1/fader ", 16))
			continue;
		pt = (double)strtoull(line, &end, 10);
		pv = strtod(addr + 16, NULL);
		lin = strstr(addr, " linear") != NULL;
		if (pt > (double)t) {
			if (lin && prev_t >= 0.0)
				v = prev_v + (pv - prev_v) * ((double)t - prev_t) / (pt - prev_t);
			break;
		}
		prev_t = pt;
		prev_v = v = pv;
	}
	fclose(f);
	return v;
}

/* Checks each move came back from /automation/save within a sub-block of when it was sent:
 * between its stamp before the send and the one after (send_timed_moves); returns the frames it
 * was saved at in rec. */
static void
check_saved_times(const char *what, const char *name, const double *v, const uint64_t *stamp,
                  const uint64_t *after, unsigned n, uint64_t *rec)
{
	double worst = 0.0, sum = 0.0;

	for (unsigned k = 0; k < n; k++) {
		double d, late;

		rec[k] = saved_point(name, v[k], NULL);
		/* the two stamps are the probe's estimates of "now": on a busy host the one after
		 * the send once read 62 frames before the one before it. The send lies between the
		 * earlier and the later of them, whichever came first. */
		d = (double)rec[k] - fmin((double)stamp[k], (double)after[k]);
		late = (double)rec[k] - fmax((double)stamp[k], (double)after[k]);
		fprintf(stderr,
		        "%s: move %u (%.1f dB) sent at %llu..%llu, saved at %llu (%+.0f frames)\n",
		        what, k, v[k], (unsigned long long)stamp[k], (unsigned long long)after[k],
		        (unsigned long long)rec[k], d);
		ck_assert_msg(d >= -SUBBLOCK && late <= SUBBLOCK,
		              "%s: move %u saved at %llu, sent between %llu and %llu", what, k,
		              (unsigned long long)rec[k], (unsigned long long)stamp[k],
		              (unsigned long long)after[k]);
		worst = fmax(worst, fmax(-d, late));
		sum += d;
	}
	fprintf(stderr, "%s: %u moves, worst %.0f frames outside the send, mean %+.1f frames\n",
	        what, n, worst, sum / n);
}

/* Write and touch stamp each move with the transport frame it arrived at: /automation/save
 * gives them back within a sub-block of when they were sent, and they play back there in the
 * audio (each step's glide done by its frame, the value before held until the glide). */
START_TEST(test_write_timing)
{
	enum { N = 10, NT = 4, NG = 5 };
	static const unsigned gaps[N] = { 67, 113, 89, 71, 131, 97, 59, 83, 127, 101 };
	static const unsigned ggaps[NG] = { 150, 20, 20, 20, 20 }; /* a hold, then a ride */
	static const double gv[NG] = { -31.0, -32.0, -33.0, -34.0, -35.0 };
	uint64_t gstamp[NG];
	static const unsigned tgaps[NT] = { 53, 107, 79, 61 };
	double v[N], tv[NT];
	uint64_t stamp[N], sent[N], rec[N], tstamp[NT], tsent[NT], trec[NT];
	unsigned lat = world_up(NULL);
	double ref, worst = 0.0;

	for (unsigned k = 0; k < N; k++)
		v[k] = -3.0 * (k + 1);
	for (unsigned k = 0; k < NT; k++)
		tv[k] = -1.5 - 3.0 * k; /* none equal to a written value */
	request("/strip/1/fader/automation", "s", "write");
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	wait_frame(RATE / 4); /* the pass began at 0 dB */
	send_timed_moves(v, gaps, N, stamp, sent);
	send_timed_moves(gv, ggaps, NG, gstamp, NULL);
	h_sleep_ms(200);
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	e2e_settle(&w);
	request("/automation/save", "s", "timed");
	check_saved_times("write", "timed", v, stamp, sent, N, rec);
	/* after a hold a step, then moves 20 ms apart are one gesture: straight lines, thinned
	 * to what playback needs (autorec.h): the lane passes every move of the ride within the
	 * tolerance (0.077 dB) plus a sub-block of its slope (1 dB per 20 ms: 0.033 dB) */
	{
		bool lin = true;

		saved_point("timed", gv[0], &lin);
		ck_assert_msg(!lin, "the ride's first move is not saved as a step");
		saved_point("timed", gv[NG - 1], &lin);
		ck_assert_msg(lin, "the ride's last move is not reached linearly");
	}
	for (unsigned k = 0; k < NG; k++) {
		double at = saved_lane_at("timed", gstamp[k]);
		fprintf(stderr, "ride: move %u (%.1f dB): the lane reads %.3f dB\n", k, gv[k], at);
		ck_assert_msg(fabs(at - gv[k]) <= 0.077 + 0.033 + 0.01 || k == 0,
		              "ride move %u: the saved lane reads %.3f dB, not %.1f", k, at, gv[k]);
	}

	/* touch over what write recorded: its own moves at their own times */
	request("/strip/1/fader/automation", "s", "touch");
	ck_assert_int_eq(h_probe_transport_locate(w.probe, 0), 0);
	wait_transport(false, 0);
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	wait_frame(RATE * 3 / 2);
	send_timed_moves(tv, tgaps, NT, tstamp, tsent);
	h_sleep_ms(700); /* released */
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	e2e_settle(&w);
	request("/automation/save", "s", "touched");
	check_saved_times("touch", "touched", tv, tstamp, tsent, NT, trec);

	/* the write pass plays back on time in the audio */
	request("/strip/1/fader/automation", "s", "play");
	request("/automation/load", "s", "timed");
	ck_assert_int_eq(h_probe_transport_locate(w.probe, 0), 0);
	wait_transport(false, 0);
	e2e_settle(&w);
	ck_assert_int_eq(h_probe_record_start(w.probe, REC_FRAMES), 0);
	h_sleep_ms(200);
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	ck_assert_int_eq(h_probe_record_wait(w.probe), 0);
	{
		size_t c0 = index_of(RATE / 8 + lat, 0); /* 0 dB, before the first move */
		ck_assert(c0 != (size_t)-1 && c0 >= WIN);
		ref = level_db(c0);
	}
	for (unsigned k = 0; k < N; k++) {
		/* the glide to v[k] is the 10 ms before rec[k]: clear of it on both sides */
		const size_t margin = WIN / 2 + SUBBLOCK;
		size_t c = index_of(rec[k] + lat, 0);
		double before, after, want_before = k ? v[k - 1] : 0.0;

		ck_assert_msg(c != (size_t)-1 && c > RATE / 100 + margin && c + margin < REC_FRAMES,
		              "move %u not in the recording", k);
		before = level_db(c - RATE / 100 - margin) - ref;
		after = level_db(c + margin) - ref;
		fprintf(stderr, "play: move %u: %.3f dB before (want %.1f), %.3f dB after (%.1f)\n",
		        k, before, want_before, after, v[k]);
		ck_assert_msg(fabs(before - want_before) <= DB_TOL && fabs(after - v[k]) <= DB_TOL,
		              "move %u plays back %.3f -> %.3f dB, not %.1f -> %.1f", k, before,
		              after, want_before, v[k]);
		worst = fmax(worst, fmax(fabs(before - want_before), fabs(after - v[k])));
	}
	fprintf(stderr, "play: worst %.4f dB off the recorded steps\n", worst);
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	e2e_assert_no_error(&w, "write_timing");
	e2e_stop_mixd(&w);
}
END_TEST

/* The eight parameters the flood moves: four of each of the two strips. */
static const char *const flood_params[8] = {
	"/strip/1/fader", "/strip/1/trim", "/strip/1/pan", "/strip/1/eq/1/gain",
	"/strip/2/fader", "/strip/2/trim", "/strip/2/pan", "/strip/2/eq/1/gain",
};

/* A write pass flooded with random moves of eight parameters (the tens of thousands that a
 * misbehaving surface or a script sends): what is recorded stays within one point per playback
 * sub-block per parameter, the file mixd saves is one its own loader takes back, and mixd's
 * memory does not grow with the flood. */
START_TEST(test_write_flood_bounded)
{
	char path[700], line[256], addr[96];
	uint64_t f0 = 0, f1 = 0;
	unsigned sent = 0, lines = 0, seed = 99;
	FILE *f;

	world_up(NULL);
	for (unsigned k = 0; k < 8; k++) {
		snprintf(addr, sizeof(addr), "%s/automation", flood_params[k]);
		request(addr, "s", "write");
	}
	ck_assert_int_eq(h_probe_transport_start(w.probe), 0);
	wait_frame(RATE / 10);
	ck_assert(h_probe_transport_now(w.probe, &f0));
	for (int64_t end = h_now_ms() + 2000; h_now_ms() < end;) {
		for (unsigned k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			/* within every range: dB 0..-15, pan -1..1 */
			sent += !h_osc_set_f(w.osc, flood_params[k],
			                     (k % 4 == 2) ? (float)(seed >> 16 & 63) / 32.0f - 1.0f
			                                  : -(float)(seed >> 16 & 15));
		}
		if (sent % 400 == 0) {
			h_osc_drain(w.osc);
			h_sleep_ms(1);
		}
	}
	ck_assert(h_probe_transport_now(w.probe, &f1));
	ck_assert_int_eq(h_probe_transport_stop(w.probe), 0);
	wait_transport(false, ANY_FRAME);
	e2e_settle(&w);
	request("/automation/save", "s", "flood");
	snprintf(path, sizeof(path), "%s/automation/flood.auto", w.mixd->state_dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		lines += line[0] != '#';
	fclose(f);
	/* per parameter: one point per 32 frames of the pass, its start and its end */
	unsigned bound = 8 * (unsigned)((f1 - f0 + RATE / 5) / SUBBLOCK + 4);
	fprintf(stderr, "write_flood: %u moves in %.2f s, %u points saved (bound %u)\n", sent,
	        (double)(f1 - f0) / RATE, lines, bound);
	ck_assert_uint_ge(sent, 20000);
	ck_assert_msg(lines <= bound, "%u points saved for %u moves, bound %u", lines, sent, bound);
	ck_assert_uint_gt(lines, 8);
	request("/automation/load", "s", "flood"); /* what it saved, it loads */
	ck_assert_int_eq(e2e_stat(&w, "automation_refused"), 0);
	e2e_assert_no_error(&w, "write_flood");
	e2e_stop_mixd(&w);
}
END_TEST

#define CASE_TIMEOUT_S 90

static Suite *
e2e_automation_suite(void)
{
	Suite *s = suite_create("e2e_automation");

	e2e_add_case(s, "playback_and_chase", test_playback_and_chase, setup, teardown_all,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "external_transport", test_external_transport, setup, teardown_all,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "errors", test_errors, setup, teardown_all, CASE_TIMEOUT_S);
	e2e_add_case(s, "write_touch_save", test_write_touch_save, setup, teardown_all,
	             CASE_TIMEOUT_S);
	e2e_add_case(s, "write_timing", test_write_timing, setup, teardown_all, CASE_TIMEOUT_S);
	e2e_add_case(s, "write_flood_bounded", test_write_flood_bounded, setup, teardown_all,
	             CASE_TIMEOUT_S);
	if (e2e_rtcheck_possible("rt_safety_swap"))
		e2e_add_case(s, "rt_safety_swap", test_rt_safety_swap, setup, teardown_all,
		             CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_automation_suite());
}
