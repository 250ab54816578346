/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: a scene round trip on a real mixd. Save, change every parameter the console
 * lists, load: every value comes back (by get) and so does the sound (the master level of a
 * tone through a shaped strip, within 0.05 dB). A scene with one bad line changes nothing and
 * the /error names the line; hostile names are refused.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_run.h"
#include "harness.h"

#define REC_FRAMES 24000
#define SKIP       4800
#define MAX_PARAMS 512

E2E_WORLD_FIXTURE(48000, 256)

struct value {
	char addr[64];
	char type;      /* f, i or s */
	bool choice;    /* a choice parameter (its unit lists the names): set by index */
	char unit[128]; /* a choice parameter's names, '|'-separated */
	float min, max;
	float f;
	int i;
	char s[64];
};

static struct value before[MAX_PARAMS];
static unsigned n_params;

/* Every listed parameter: address, type, range. */
static void
list_all(void)
{
	struct h_msg *m;

	n_params = 0;
	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/list", ""), 0);
	while ((m = h_osc_recv(w.osc, 2000)) && strcmp(m->path, "/list/end")) {
		if (!strcmp(m->path, "/list") && m->argc == 6 && !strncmp(m->types, "ssff", 4)) {
			struct value *v = &before[n_params];
			ck_assert_int_lt(n_params, MAX_PARAMS);
			snprintf(v->addr, sizeof(v->addr), "%s", h_arg_s(m, 0));
			v->type = h_arg_s(m, 1)[0];
			v->min = h_arg_f(m, 2);
			v->max = h_arg_f(m, 3);
			v->choice = m->types[5] == 's' && strchr(h_arg_s(m, 5), '|') != NULL;
			if (v->choice)
				snprintf(v->unit, sizeof(v->unit), "%s", h_arg_s(m, 5));
			n_params++;
		}
		h_msg_free(m);
	}
	ck_assert_msg(m != NULL, "no /list/end");
	h_msg_free(m);
}

/* The current value of v's parameter, by get. */
static void
get_value(const struct value *v, struct value *out)
{
	*out = *v;
	if (v->type == 'f')
		ck_assert_int_eq(h_osc_get_f(w.osc, v->addr, &out->f), 0);
	else if (v->type == 'i')
		ck_assert_int_eq(h_osc_get_i(w.osc, v->addr, &out->i), 0);
	else
		ck_assert_int_eq(h_osc_get_s(w.osc, v->addr, out->s, sizeof(out->s)), 0);
}

/* Moves v's parameter away from its value: the other end of its range, another name. */
static void
change(const struct value *v)
{
	if (v->type == 'f')
		e2e_set_f(&w, v->addr, v->f == v->max ? v->min : v->max);
	else if (v->type == 'i')
		e2e_set_i(&w, v->addr, v->i == (int)v->max ? (int)v->min : (int)v->max);
	else if (!v->choice) /* a name */
		e2e_set_s(&w, v->addr, "changed");
	else /* a choice, by index: the first whose name differs from the current one */
		e2e_set_i(&w, v->addr,
		          strncmp(v->unit, v->s, strlen(v->s)) || v->unit[strlen(v->s)] != '|' ? 0
		                                                                               : 1);
}

static double
level(void)
{
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
	return h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP);
}

START_TEST(test_round_trip)
{
	/* with aux buses (one stereo: its sends have a pan) and DCAs: a scene lists a strip's
	 * sends and memberships only off their default, and a load sets the rest to it */
	static const char *const args[] = { "--strips", "2",     "--aux", "2", "--aux-stereo",
		                            "2",        "--dca", "2",     NULL };
	static const char *const in[] = { "mixd:in_1" };
	struct value now;
	double db_saved, db_changed, db_loaded;
	unsigned differ = 0;

	e2e_world_up(&w, NULL, args, 1, in, REC_FRAMES);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 1000.0, -20.0), 0);
	/* a strip with a shape the ear would notice, buses muted so no effect tail outlives the
	 * load and blurs the comparison */
	e2e_set_f(&w, "/strip/1/fader", -7.5);
	e2e_set_f(&w, "/strip/1/eq/3/freq", 1000.0);
	e2e_set_f(&w, "/strip/1/eq/3/gain", 5.0);
	e2e_set_f(&w, "/strip/1/pan", -0.4);
	e2e_set_i(&w, "/strip/1/comp/on", 1);
	e2e_set_i(&w, "/bus/reverb/mute", 1);
	e2e_set_i(&w, "/bus/delay/mute", 1);
	e2e_assert_no_error(&w, "shaping strip 1");
	h_sleep_ms(600);
	db_saved = level();

	list_all();
	ck_assert_msg(n_params > 100, "/list gave %u parameters", n_params);
	for (unsigned k = 0; k < n_params; k++)
		get_value(&before[k], &before[k]);
	ck_assert_int_eq(h_osc_send(w.osc, "/scene/save", "s", "show"), 0);
	e2e_expect_reply(w.osc, "/scene/save");

	/* every parameter away from its saved value; the buses stay muted */
	for (unsigned k = 0; k < n_params; k++)
		if (strcmp(before[k].addr, "/bus/reverb/mute") &&
		    strcmp(before[k].addr, "/bus/delay/mute"))
			change(&before[k]);
	e2e_assert_no_error(&w, "changing every parameter");
	h_sleep_ms(300);
	for (unsigned k = 0; k < n_params; k++) {
		get_value(&before[k], &now);
		bool moved =
		    now.f != before[k].f || now.i != before[k].i || strcmp(now.s, before[k].s);
		differ += moved;
		if (!moved)
			fprintf(stderr, "scenes: %s did not move\n", before[k].addr);
	}
	ck_assert_msg(differ + 2 >= n_params, "only %u of %u parameters moved", differ, n_params);
	db_changed = level();

	ck_assert_int_eq(h_osc_send(w.osc, "/scene/load", "s", "show"), 0);
	e2e_expect_reply(w.osc, "/scene/load");
	for (unsigned k = 0; k < n_params; k++) {
		get_value(&before[k], &now);
		ck_assert_msg(
		    now.f == before[k].f && now.i == before[k].i && !strcmp(now.s, before[k].s),
		    "%s did not come back (%g/%d/\"%s\", saved %g/%d/\"%s\")", before[k].addr,
		    (double)now.f, now.i, now.s, (double)before[k].f, before[k].i, before[k].s);
	}
	/* the glides back (10 ms one-poles, the compressor's release) are long over by now */
	h_sleep_ms(1000);
	db_loaded = level();
	fprintf(stderr,
	        "scenes: %u parameters; master L %.4f dBFS saved, %.4f changed, %.4f after the "
	        "load\n",
	        n_params, db_saved, db_changed, db_loaded);
	ck_assert_msg(fabs(db_loaded - db_saved) <= 0.05, "level after the load %.4f, saved %.4f",
	              db_loaded, db_saved);
	ck_assert_msg(fabs(db_changed - db_saved) > 1.0, "changing everything left the level");
	e2e_stop_mixd(&w);
}
END_TEST

/* A bad line loads nothing and is named; hostile names never reach the file system. */
START_TEST(test_bad_scene_and_names)
{
	static const char *const args[] = { "--strips", "2", NULL };
	static const char *const in[] = { "mixd:in_1" };
	static const char *const hostile[] = { "../x", "/etc/passwd", "a/b", ".", "..", "" };
	char path[700], name[1001];
	struct h_msg *m;
	float v = 0.0f;
	FILE *f;

	e2e_world_up(&w, NULL, args, 1, in, REC_FRAMES);
	snprintf(path, sizeof(path), "%s/scenes", w.mixd->state_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/scenes/bad.scene", w.mixd->state_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# mixd scene 1\n/strip/1/fader -20\n/strip/2/fader -30\n/strip/1/pan left\n", f);
	fclose(f);
	ck_assert_int_eq(h_osc_send(w.osc, "/scene/load", "s", "bad"), 0);
	m = h_osc_wait(w.osc, "/error", H_REPLY_MS);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(h_arg_s(m, 1), "line 4"), "the error does not name line 4: %s",
	              h_arg_s(m, 1));
	ck_assert_msg(!strstr(h_arg_s(m, 1), w.mixd->state_dir), "the error shows the path: %s",
	              h_arg_s(m, 1));
	h_msg_free(m);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_float_eq(v, 0.0f); /* nothing applied, not even the good lines */

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (size_t i = 0; i <= sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *nm = i < sizeof(hostile) / sizeof(hostile[0]) ? hostile[i] : name;
		for (int save = 0; save < 2; save++) {
			const char *addr = save ? "/scene/save" : "/scene/load";
			ck_assert_int_eq(h_osc_send(w.osc, addr, "s", nm), 0);
			ck_assert_msg(h_osc_expect_error(w.osc, addr, H_REPLY_MS),
			              "%s \"%.40s\" was not refused", addr, nm);
		}
	}
	snprintf(path, sizeof(path), "%s/x.scene", w.mixd->state_dir);
	ck_assert_msg(access(path, F_OK) != 0, "a scene was written outside scenes/");
	e2e_stop_mixd(&w);
}
END_TEST

static Suite *
scenes_suite(void)
{
	Suite *s = suite_create("e2e_scenes");

	e2e_add_case(s, "round_trip", test_round_trip, setup, teardown, 120);
	e2e_add_case(s, "bad_scene_and_names", test_bad_scene_and_names, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(scenes_suite());
}
