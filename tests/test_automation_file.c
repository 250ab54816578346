/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Automation files and lanes: parsing, all-or-nothing validation with the line named, lanes in
 * frames and their values, and the player's hand-over and reports (driven here on one thread). */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "automation.h"
#include "automation_file.h"
#include "engine.h"
#include "model.h"
#include "params.h"
#include "ring.h"

static struct params *ps;

static void
setup(void)
{
	ps = params_new(4);
	ck_assert_ptr_nonnull(ps);
}

static void
teardown(void)
{
	params_free(ps);
}

static unsigned
idx(const char *a)
{
	int i = params_find(ps, a);
	ck_assert_int_ge(i, 0);
	return (unsigned)i;
}

/* Parses text; on failure err holds the message. */
static struct automation_file *
parse(const char *text, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct automation_file *af;

	ck_assert_ptr_nonnull(f);
	err[0] = '\0';
	af = automation_file_read(ps, f, "t", err, errlen);
	fclose(f);
	return af;
}

static const struct automation_lane *
lane_of(const struct automation_file *af, const char *addr)
{
	unsigned i = idx(addr);

	for (unsigned k = 0; k < af->n_lanes; k++)
		if (af->lanes[k].idx == i)
			return &af->lanes[k];
	return NULL;
}

START_TEST(test_parse_good)
{
	char err[256];
	struct automation_file *af = parse("# mixd automation 1\n"
	                                   "# a fade-in\n"
	                                   "0 /strip/1/fader -inf\n"
	                                   "\t2.5   /strip/1/fader  -6 linear # comment\n"
	                                   "96000f /strip/1/mute 1 step\n"
	                                   "1 /strip/2/eq/1/type bell\r\n"
	                                   "0.5 /master/fader 3\n"
	                                   "\n",
	                                   err, sizeof(err));
	const struct automation_lane *l;

	ck_assert_msg(af != NULL, "%s", err);
	ck_assert_uint_eq(af->n_lanes, 4);
	l = lane_of(af, "/strip/1/fader");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n, 2);
	ck_assert(!l->pts[0].linear && l->pts[1].linear);
	ck_assert(l->pts[0].value <= -144.0f);
	ck_assert_float_eq(l->pts[1].value, -6.0f);
	ck_assert_double_eq(l->pts[1].time, 2.5);
	ck_assert_uint_eq(l->pts[1].line, 4);
	l = lane_of(af, "/strip/1/mute");
	ck_assert(l->pts[0].in_frames && l->pts[0].time == 96000.0 && l->pts[0].value == 1.0f);
	l = lane_of(af, "/strip/2/eq/1/type");
	ck_assert_float_eq(l->pts[0].value, (float)ENGINE_EQ_BELL);
	ck_assert_ptr_nonnull(lane_of(af, "/master/fader"));
	automation_file_free(af);
}
END_TEST

/* Every kind of bad line: the file is refused whole and the message names the line. */
START_TEST(test_parse_bad)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "-1 /strip/1/fader 0", "negative" },
		{ "nan /strip/1/fader 0", "not finite" },
		{ "inf /strip/1/fader 0", "not finite" },
		{ "1e999 /strip/1/fader 0", "not finite" },
		{ "abc /strip/1/fader 0", "not a number" },
		{ "1.5f /strip/1/fader 0", "frames" },
		{ "f /strip/1/fader 0", "not a number" },
		{ "1 /strip/9/fader 0", "unknown address" },
		{ "1 /strip/1/name \"x\"", "strings cannot be automated" },
		{ "1 /master/loudness/target -23", "cannot be automated" },
		{ "1 /strip/1/mute 1 linear", "only float" },
		{ "1 /strip/1/eq/1/type bell linear", "only float" },
		{ "1 /strip/1/fader 0 cubic", "expected step or linear" },
		{ "1 /strip/1/fader 0 linear extra", "text after the mode" },
		{ "1 /strip/1/fader loud", "not a number" },
		{ "1 /strip/1/fader nan", "non-finite" },
		{ "1 /strip/1/eq/1/type wobble", "expected one of" },
		{ "1 /strip/1/fader", "expected TIME ADDRESS VALUE" },
	};
	char text[512], err[256], want[32];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct automation_file *af;

		snprintf(text, sizeof(text),
		         "# mixd automation 1\n0 /strip/1/fader -10\n\n%s\n2 /strip/1/fader 0\n",
		         bad[i].line);
		af = parse(text, err, sizeof(err));
		ck_assert_msg(af == NULL, "accepted \"%s\"", bad[i].line);
		snprintf(want, sizeof(want), "t: line 4: ");
		ck_assert_msg(!strncmp(err, want, strlen(want)), "\"%s\": message \"%s\"",
		              bad[i].line, err);
		ck_assert_msg(strstr(err, bad[i].why), "\"%s\": message \"%s\" lacks \"%s\"",
		              bad[i].line, err, bad[i].why);
	}
	ck_assert_ptr_null(parse("# mixd scene 1\n0 /strip/1/fader 0\n", err, sizeof(err)));
	ck_assert_msg(strstr(err, "line 1"), "%s", err);
	ck_assert_ptr_null(parse("", err, sizeof(err)));
	ck_assert_msg(strstr(err, "empty"), "%s", err);
}
END_TEST

START_TEST(test_load_missing)
{
	char err[256];
	int e = 0;

	ck_assert_ptr_null(
	    automation_file_load(ps, "/nonexistent/x.auto", "x", &e, err, sizeof(err)));
	ck_assert_int_eq(e, -ENOENT);
}
END_TEST

static float
value_at(const struct automation_set *s, const char *addr, uint64_t frame)
{
	float v = NAN;

	ck_assert_int_eq(automation_set_value(s, idx(addr), frame, &v), 0);
	return v;
}

START_TEST(test_lane_values)
{
	char err[256];
	/* out of order in the file, seconds and frames mixed, a jump at 3 s */
	struct automation_file *af = parse("# mixd automation 1\n"
	                                   "2 /strip/1/fader 0 linear\n"
	                                   "0 /strip/1/fader -40\n"
	                                   "3 /strip/1/fader -10\n"
	                                   "144000f /strip/1/fader -20\n"
	                                   "4 /strip/1/fader -30 linear\n"
	                                   "1 /strip/2/mute 1\n",
	                                   err, sizeof(err));
	struct automation_set *s;

	ck_assert_msg(af != NULL, "%s", err);
	s = automation_build(af, ps, 48000, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(automation_set_rate(s), 48000);
	ck_assert_uint_eq(automation_set_lanes(s), 2);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 0), -40.0f, 1e-6f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 48000), -20.0f, 1e-5f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 72000), -10.0f, 1e-5f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 96000), 0.0f, 1e-6f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 120000), 0.0f, 1e-6f);
	/* 3 s written twice (seconds, then frames): the later line wins, a jump */
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 143999), 0.0f, 1e-6f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 144000), -20.0f, 1e-6f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 168000), -25.0f, 1e-5f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 1000000), -30.0f, 1e-6f);
	/* before its first point a lane holds it */
	ck_assert_float_eq(value_at(s, "/strip/2/mute", 0), 1.0f);
	ck_assert_int_eq(automation_set_value(s, idx("/strip/3/fader"), 0, &(float){ 0 }), -ENOENT);
	automation_set_free(s);
	/* the same file at another rate: seconds scale, frames do not (144000f is now 1.5 s,
	 * before the 2 s point it glides from) */
	s = automation_build(af, ps, 96000, err, sizeof(err));
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 96000), -40.0f, 1e-5f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 144000), -20.0f, 1e-5f);
	ck_assert_float_eq_tol(value_at(s, "/strip/1/fader", 168000), -10.0f, 1e-5f);
	automation_set_free(s);
	automation_file_free(af);
}
END_TEST

struct emitted {
	unsigned n, idx;
	float last;
	bool refuse;
};

static bool
emit(void *ctx, unsigned i, float v)
{
	struct emitted *em = ctx;

	if (em->refuse)
		return false;
	em->n++;
	em->idx = i;
	em->last = v;
	return true;
}

/* The player driven on one thread: hand-over, give-back, the in-flight bound, and reports at
 * most every 20 ms with the final value always landing. */
START_TEST(test_player)
{
	char err[256];
	struct automation_file *af = parse("# mixd automation 1\n"
	                                   "0 /strip/1/fader -40\n"
	                                   "2 /strip/1/fader 0 linear\n",
	                                   err, sizeof(err));
	bool stereo[4] = { false };
	struct engine *e = engine_new(48000, 4, stereo);
	struct automation *a = automation_new(params_count(ps));
	struct automation_set *s;
	struct emitted em = { 0 };
	unsigned handed = 0;
	uint64_t t;

	ck_assert(af && e && a);
	/* without an RT side taking them, hand-overs stop at the bound */
	for (;;) {
		s = automation_build(af, ps, 48000, err, sizeof(err));
		ck_assert_ptr_nonnull(s);
		if (automation_swap(a, s) == -EBUSY) {
			automation_set_free(s);
			break;
		}
		handed++;
	}
	ck_assert_uint_eq(handed, AUTOMATION_MAX_IN_FLIGHT - 1);
	/* the RT side takes the newest and gives every other back */
	ck_assert(!automation_rt_begin(a, e, false, 0, 256, emit, &em));
	ck_assert_uint_eq(automation_collect(a), handed - 1);
	ck_assert_uint_eq(em.n, 0);
	/* stopped: the chase applied the value at 0, reported once */
	automation_rt_report(a, emit, &em);
	ck_assert_uint_eq(em.n, 1);
	ck_assert_float_eq(em.last, -40.0f);
	ck_assert_uint_eq(em.idx, idx("/strip/1/fader"));
	/* rolling over 3 s in 256-frame periods */
	em.n = 0;
	for (t = 0; t < 3 * 48000; t += 256) {
		ck_assert(automation_rt_begin(a, e, true, t, 256, emit, &em));
		for (unsigned k = 0; k < 256; k += ENGINE_BLOCK)
			automation_rt_apply(a, e, t + k, k == 0);
		automation_rt_report(a, emit, &em);
	}
	ck_assert_msg(em.n >= 90 && em.n <= 2 * 1000 / 20 + 2, "%u reports in 2 s", em.n);
	ck_assert_float_eq(em.last, 0.0f);
	/* a locate while stopped chases: the value at 1 s (-20 dB) is applied and reported */
	ck_assert(!automation_rt_begin(a, e, false, 48000, 256, emit, &em));
	automation_rt_report(a, emit, &em);
	ck_assert_float_eq_tol(em.last, -20.0f, 1e-4f);
	/* off: the lane is left alone */
	automation_set_mode(a, idx("/strip/1/fader"), false);
	ck_assert(!automation_mode(a, idx("/strip/1/fader")));
	em.n = 0;
	ck_assert(!automation_rt_begin(a, e, false, 0, 256, emit, &em));
	automation_rt_report(a, emit, &em);
	ck_assert_uint_eq(em.n, 0);
	automation_set_mode(a, idx("/strip/1/fader"), true);
	/* a full report ring delays the value, a clear still gets it out first */
	em.refuse = true;
	ck_assert(!automation_rt_begin(a, e, false, 24000, 256, emit, &em));
	automation_rt_report(a, emit, &em);
	em.refuse = false;
	ck_assert_int_eq(automation_swap(a, NULL), 0);
	ck_assert(!automation_rt_begin(a, e, true, 24000, 256, emit, &em));
	ck_assert_float_eq_tol(em.last, -30.0f, 1e-4f);
	ck_assert_uint_eq(automation_collect(a), 1);
	automation_free(a);
	engine_free(e);
	automation_file_free(af);
}
END_TEST

/* What automation_file_write writes reads back the same. */
START_TEST(test_write_roundtrip)
{
	char err[256], path[] = "/tmp/mixd-auto-XXXXXX";
	struct automation_file *a, *b;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	a = parse("# mixd automation 1\n"
	          "0.1 /strip/1/fader -inf\n"
	          "2.25 /strip/1/fader -6.5 linear\n"
	          "96001f /strip/2/eq/1/type highshelf\n"
	          "0.3333333333333333 /master/width 1.5 linear\n",
	          err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	ck_assert_int_eq(automation_file_write(a, ps, path, err, sizeof(err)), 0);
	b = automation_file_load(ps, path, "rt", NULL, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_uint_eq(a->n_lanes, b->n_lanes);
	for (unsigned i = 0; i < a->n_lanes; i++) {
		ck_assert_uint_eq(a->lanes[i].idx, b->lanes[i].idx);
		ck_assert_uint_eq(a->lanes[i].n, b->lanes[i].n);
		for (unsigned k = 0; k < a->lanes[i].n; k++) {
			const struct automation_point *x = &a->lanes[i].pts[k],
			                              *y = &b->lanes[i].pts[k];
			ck_assert(x->time == y->time && x->in_frames == y->in_frames);
			ck_assert(x->value == y->value && x->linear == y->linear);
		}
	}
	automation_file_free(a);
	automation_file_free(b);
	unlink(path);
}
END_TEST

/* A value automation wrote reaches the model and its feedback, never the ring back to RT. */
START_TEST(test_model_from_rt)
{
	struct ring *r = ring_new(sizeof(struct model_cmd), 64);
	struct model *m = model_new(ps, r);
	unsigned i = idx("/strip/1/fader"), got;

	ck_assert(r && m);
	ck_assert_int_eq(model_set_from_rt(m, i, -12.5), 0);
	ck_assert_float_eq(model_get(m, i), -12.5f);
	ck_assert_uint_eq(model_flush(m), 0);
	ck_assert_uint_eq(ring_count(r), 0);
	ck_assert(model_pop_change(m, &got));
	ck_assert_uint_eq(got, i);
	ck_assert_int_eq(model_set_from_rt(m, i, NAN), -EDOM);
	ck_assert_int_eq(model_set_from_rt(m, idx("/strip/1/name"), 0), -EINVAL);
	model_free(m);
	ring_free(r);
}
END_TEST

/* A lane on a strip x aux parameter drives the engine at that strip's send to that bus (the
 * second index travels in the lane), and automation_rt_process_outputs renders the aux
 * outputs: a DC of 0.5 into strip 2, sent pre-fader to aux 2 at 0 dB, then -6 dB from 0.1 s. */
START_TEST(test_lane_on_an_aux_send)
{
	const struct params_layout pl = { .n_strips = 2, .n_aux = 2, .n_dca = 1 };
	const struct engine_layout el = { .n_strips = 2, .n_aux = 2, .n_dca = 1 };
	static const char text[] = "# mixd automation 1\n"
	                           "0 /strip/2/send/aux/2/level 0\n"
	                           "0.1 /strip/2/send/aux/2/level -6 step\n";
	struct params *lp = params_new_layout(&pl);
	struct engine *e = engine_new_layout(48000, &el);
	struct automation *a;
	struct automation_file *af;
	struct automation_set *set;
	static float in1[256], in2[256], a1[256], a2[256], ml[256], mr[256];
	const float *in[2] = { in1, in2 };
	const float *sub[2];
	struct engine_outputs o = { .master_l = ml, .master_r = mr };
	struct emitted em = { 0 };
	char err[256];
	FILE *f;

	ck_assert(lp && e);
	f = fmemopen((void *)text, strlen(text), "r");
	af = automation_file_read(lp, f, "t", err, sizeof(err));
	fclose(f);
	ck_assert_msg(af != NULL, "%s", err);
	a = automation_new(params_count(lp));
	set = automation_build(af, lp, 48000, err, sizeof(err));
	ck_assert(a && set);
	ck_assert_int_eq(automation_swap(a, set), 0);
	o.aux[0][0] = a1;
	o.aux[1][0] = a2;
	for (unsigned i = 0; i < 256; i++)
		in2[i] = 0.5f;
	ck_assert(!automation_rt_begin(a, e, false, 0, 256, emit, &em));
	engine_settle(e);
	for (uint64_t t = 0; t < 9600; t += 256) {
		ck_assert(automation_rt_begin(a, e, true, t, 256, emit, &em));
		automation_rt_process_outputs(a, e, t, in, sub, &o, NULL, 256);
		if (t == 2560) /* 53 ms: the send at 0 dB */
			ck_assert_float_eq_tol(a2[100], 0.5f, 1e-6f);
	}
	/* 200 ms: -6 dB since 100 ms, its glide long over; aux 1 heard nothing */
	ck_assert_float_eq_tol(a2[255], 0.5f * powf(10.0f, -6.0f / 20.0f), 1e-6f);
	ck_assert_float_eq(a1[255], 0.0f);
	automation_free(a);
	automation_file_free(af);
	engine_free(e);
	params_free(lp);
}
END_TEST

static Suite *
automation_file_suite(void)
{
	Suite *s = suite_create("automation_file");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_good);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_lane_values);
	tcase_add_test(tc, test_player);
	tcase_add_test(tc, test_model_from_rt);
	tcase_add_test(tc, test_write_roundtrip);
	tcase_add_test(tc, test_lane_on_an_aux_send);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(automation_file_suite());
}
