/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scene files: round trip, all-or-nothing loading with the line named, atomic writing. */
#include "check_run.h"
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "scene.h"

static char dir[64], path[128];
static struct params *ps;
static struct ring *r;
static struct model *m;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mixd-scene-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.scene", dir);
	ps = params_new(4);
	r = ring_new(sizeof(struct model_cmd), 1024);
	m = model_new(ps, r);
}

static void
teardown(void)
{
	char cmd[160];

	model_free(m);
	ring_free(r);
	params_free(ps);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static unsigned
idx(const char *a)
{
	int i = params_find(ps, a);
	ck_assert_int_ge(i, 0);
	return (unsigned)i;
}

START_TEST(round_trip_every_parameter)
{
	char err[256];
	struct model *m2 = model_new(ps, r);

	/* a distinct non-default value for every parameter */
	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		if (p->d->type == PARAM_STRING)
			model_set_string(m, i, i % 2 ? "Vox \"lead\" \\ 1" : "");
		else
			model_set(m, i, p->d->min + (p->d->max - p->d->min) * ((i % 7) + 1) / 9.0);
	}
	model_set(m, idx("/strip/1/fader"), -144.0); /* -inf */
	ck_assert_int_eq(scene_write(m, path, err, sizeof(err)), 0);
	ck_assert_int_eq(scene_read(m2, path, 0, err, sizeof(err)), 0);
	for (unsigned i = 0; i < params_count(ps); i++) {
		if (params_at(ps, i)->d->type == PARAM_STRING)
			ck_assert_str_eq(model_get_string(m2, i), model_get_string(m, i));
		else
			ck_assert_float_eq(model_get(m2, i), model_get(m, i));
	}
	/* no temp file left behind: the directory holds the scene and nothing else */
	DIR *dp = opendir(dir);
	struct dirent *de;
	unsigned entries = 0;
	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(dp);
	ck_assert_uint_eq(entries, 1);
	model_free(m2);
}
END_TEST

START_TEST(round_trip_enums_and_sends)
{
	char err[256], line[128];
	struct model *m2 = model_new(ps, r);
	bool seen_type = false, seen_send = false, seen_return = false;
	FILE *f;

	ck_assert_int_eq(model_set(m, idx("/strip/1/eq/1/type"), ENGINE_EQ_OFF), 0);
	ck_assert_int_eq(model_set(m, idx("/strip/2/eq/4/type"), ENGINE_EQ_BELL), 0);
	ck_assert_int_eq(model_set(m, idx("/strip/3/send/reverb/level"), -3.5), 0);
	ck_assert_int_eq(model_set(m, idx("/strip/3/send/delay/pre"), 1), 0);
	ck_assert_int_eq(model_set(m, idx("/bus/delay/return"), -144.0), 0);
	ck_assert_int_eq(model_set(m, idx("/strip/1/hpf/slope"), 20), 0); /* snaps to 24 */
	ck_assert_int_eq(scene_write(m, path, err, sizeof(err)), 0);
	/* the file holds names and -inf, not indices and -144 */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		seen_type |= !strcmp(line, "/strip/1/eq/1/type off\n");
		seen_send |= !strcmp(line, "/strip/4/send/delay/level -inf\n");
		seen_return |= !strcmp(line, "/bus/delay/return -inf\n");
	}
	fclose(f);
	ck_assert(seen_type && seen_send && seen_return);
	ck_assert_int_eq(scene_read(m2, path, 0, err, sizeof(err)), 0);
	for (unsigned i = 0; i < params_count(ps); i++)
		if (params_at(ps, i)->d->type != PARAM_STRING)
			ck_assert_msg(model_get(m2, i) == model_get(m, i), "%s",
			              params_at(ps, i)->address);
	ck_assert_float_eq(model_get(m2, idx("/strip/2/eq/4/type")), ENGINE_EQ_BELL);
	ck_assert_float_eq(model_get(m2, idx("/strip/1/hpf/slope")), 24.0f);
	ck_assert_float_eq(model_get(m2, idx("/bus/delay/return")), -144.0f);
	model_free(m2);
}
END_TEST

START_TEST(bad_enum_name_is_named)
{
	char err[256];

	write_file("# mixd scene 1\n"
	           "/strip/1/fader -6\n"
	           "/strip/1/eq/2/type 0\n"
	           "/strip/1/eq/1/type peak\n");
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "line 4: /strip/1/eq/1/type: expected one of: off bell lowshelf "
	                          "highshelf, got \"peak\""),
	              "%s", err);
	ck_assert_float_eq(model_get(m, idx("/strip/1/fader")), 0.0f);
	ck_assert_float_eq(model_get(m, idx("/strip/1/eq/2/type")), ENGINE_EQ_BELL);
	/* an index is taken as well as a name */
	write_file("# mixd scene 1\n/strip/1/eq/2/type 0\n/strip/1/eq/3/type highshelf\n");
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), 0);
	ck_assert_float_eq(model_get(m, idx("/strip/1/eq/2/type")), ENGINE_EQ_OFF);
	ck_assert_float_eq(model_get(m, idx("/strip/1/eq/3/type")), ENGINE_EQ_HIGHSHELF);
}
END_TEST

START_TEST(bad_line_changes_nothing_and_is_named)
{
	char err[256];

	write_file("# mixd scene 1\n"
	           "/strip/1/fader -6\n"
	           "# a comment\n"
	           "\n"
	           "/strip/2/name \"Snare\"\n"
	           "/strip/2/fader loud\n");
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "line 6"));
	ck_assert_float_eq(model_get(m, idx("/strip/1/fader")), 0.0f);
	ck_assert_str_eq(model_get_string(m, idx("/strip/2/name")), "2");
}
END_TEST

START_TEST(rejects)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "# not a scene\n", "line 1" },
		{ "", "empty" },
		{ "# mixd scene 1\n/strip/9/fader 0\n", "unknown address" },
		{ "# mixd scene 1\n/strip/1/fader\n", "ADDRESS VALUE" },
		{ "# mixd scene 1\n/strip/1/fader nan\n", "non-finite" },
		{ "# mixd scene 1\n/strip/1/name Kick\n", "double quotes" },
		{ "# mixd scene 1\n/strip/1/name \"Kick\n", "unterminated" },
		{ "# mixd scene 1\n/strip/1/name \"123456789012345678901234567890123\"\n",
		  "longer" },
		{ "# mixd scene 1\n/strip/1/name \"a\" b\n", "after the closing quote" },
		{ "# mixd scene 1\n/strip/1/fader -6 -12\n", "line 2: /strip/1/fader: text after" },
		{ "# mixd scene 1\n/strip/1/trim 10 dB\n", "text after the value: \"dB\"" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(cases[i].text);
		ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, cases[i].want), "case %zu: %s", i, err);
	}
	ck_assert_int_eq(scene_read(m, "/nonexistent/x.scene", 0, err, sizeof(err)), -ENOENT);
}
END_TEST

START_TEST(lenient_unknown_and_crlf)
{
	char err[256];

	write_file("# mixd scene 1\r\n/strip/99/fader -3\r\n/strip/1/fader -3\r\n");
	ck_assert_int_eq(scene_read(m, path, SCENE_IGNORE_UNKNOWN, err, sizeof(err)), 0);
	ck_assert_float_eq(model_get(m, idx("/strip/1/fader")), -3.0f);
	/* a comment after a value is fine */
	write_file("# mixd scene 1\n/strip/1/fader -4.5 \t# the kick\n");
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), 0);
	ck_assert_float_eq(model_get(m, idx("/strip/1/fader")), -4.5f);
}
END_TEST

START_TEST(long_line_and_nul)
{
	char err[256], big[2000];
	FILE *f;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	f = fopen(path, "w");
	fprintf(f, "# mixd scene 1\n/strip/1/name \"%s\"\n", big);
	fclose(f);
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	f = fopen(path, "w");
	fwrite("# mixd scene 1\n/strip/1/fader -6\0 junk\n", 1, 39, f);
	fclose(f);
	ck_assert_int_eq(scene_read(m, path, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
}
END_TEST

/* The largest console: a scene lists the sparse rows (sends to aux buses, DCA and mute-group
 * memberships) only off their default, so a default console's file holds the other rows
 * alone; a send that is set is written and comes back; a file that does not name a sparse row
 * sets it to its default (a scene is the whole console). */
START_TEST(sparse_rows_on_the_largest_console)
{
	bool all[ENGINE_MAX_AUX];
	const struct params_layout l = { .n_strips = ENGINE_MAX_STRIPS,
		                         .n_aux = ENGINE_MAX_AUX,
		                         .aux_stereo = all,
		                         .n_dca = ENGINE_MAX_DCA };
	struct params *big;
	struct model *bm;
	unsigned dense = 0, lines = 0, send, member, pan;
	char err[256], line[256];
	FILE *f;

	for (unsigned k = 0; k < ENGINE_MAX_AUX; k++)
		all[k] = true;
	big = params_new_layout(&l);
	ck_assert_ptr_nonnull(big);
	bm = model_new(big, r);
	ck_assert_ptr_nonnull(bm);
	for (unsigned i = 0; i < params_count(big); i++)
		dense += !param_scope_sparse(params_at(big, i)->d->scope);
	ck_assert_int_eq(scene_write(bm, path, err, sizeof(err)), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	printf("largest console: %u parameters, %u lines in a default scene\n", params_count(big),
	       lines);
	ck_assert_uint_eq(lines, dense + 1); /* and the magic line */

	send = (unsigned)params_find(big, "/strip/200/send/aux/31/level");
	pan = (unsigned)params_find(big, "/strip/200/send/aux/31/pan");
	member = (unsigned)params_find(big, "/strip/7/dca/32");
	ck_assert_int_eq(model_set(bm, send, -7.5), 0);
	ck_assert_int_eq(model_set(bm, pan, 0.25), 0);
	ck_assert_int_eq(model_set(bm, member, 1), 0);
	ck_assert_int_eq(scene_write(bm, path, err, sizeof(err)), 0);
	ck_assert_int_eq(model_set(bm, send, -20), 0);
	ck_assert_int_eq(model_set(bm, member, 0), 0);
	ck_assert_int_eq(scene_read(bm, path, 0, err, sizeof(err)), 0);
	ck_assert_float_eq(model_get(bm, send), -7.5f);
	ck_assert_float_eq(model_get(bm, pan), 0.25f);
	ck_assert_float_eq(model_get(bm, member), 1.0f);

	/* a scene that names none of them: all back at their defaults */
	write_file(SCENE_MAGIC "\n/strip/1/fader -3\n");
	ck_assert_int_eq(scene_read(bm, path, 0, err, sizeof(err)), 0);
	ck_assert(model_get(bm, send) <= ENGINE_LEVEL_OFF_DB);
	ck_assert_float_eq(model_get(bm, pan), 0.0f);
	ck_assert_float_eq(model_get(bm, member), 0.0f);
	/* a bad file changes nothing, sparse rows included */
	ck_assert_int_eq(model_set(bm, send, -7.5), 0);
	write_file(SCENE_MAGIC "\n/strip/1/fader -3\n/strip/1/fader loud\n");
	ck_assert_int_eq(scene_read(bm, path, 0, err, sizeof(err)), -EINVAL);
	ck_assert_float_eq(model_get(bm, send), -7.5f);
	model_free(bm);
	params_free(big);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("scene");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip_every_parameter);
	tcase_add_test(tc, round_trip_enums_and_sends);
	tcase_add_test(tc, bad_line_changes_nothing_and_is_named);
	tcase_add_test(tc, bad_enum_name_is_named);
	tcase_add_test(tc, rejects);
	tcase_add_test(tc, lenient_unknown_and_crlf);
	tcase_add_test(tc, long_line_and_nul);
	tcase_add_test(tc, sparse_rows_on_the_largest_console);
	suite_add_tcase(s, tc);
	return check_run(s);
}
