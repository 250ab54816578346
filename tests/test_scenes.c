/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Named scenes (scenes.h) in a temporary state directory: every parameter round-trips, a file
 * with one bad line changes nothing and the error names the line, hostile names are refused and
 * nothing lands outside the scenes directory, and over OSC (a real osc_server on loopback)
 * /scene/save, /scene/load and a sorted /scene/list ending in /scene/list/end.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allow.h"
#include "dispatch.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "scene.h"
#include "scenes.h"
#include "server.h"

#define N_STRIPS 4
#define MARK     "/test/mark"

static char root[64], state[96], dir[128]; /* root/state, root/state/scenes */
static struct params *ps;
static struct ring *ring;
static struct model *m, *fresh; /* fresh: every parameter at its default */
static struct dispatch *d;
static struct scenes *sc;

static void
setup(void)
{
	struct dispatch_hooks hooks = { 0 };

	snprintf(root, sizeof(root), "/tmp/mixd-scenes-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(state, sizeof(state), "%s/state", root);
	snprintf(dir, sizeof(dir), "%s/scenes", state);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	ps = params_new(N_STRIPS);
	ring = ring_new(sizeof(struct model_cmd), 4096);
	m = model_new(ps, ring);
	fresh = model_new(ps, ring);
	ck_assert(ps && ring && m && fresh);
	d = dispatch_new(m, &hooks);
	sc = scenes_new(m, d, state);
	ck_assert(d && sc);
}

static void
teardown(void)
{
	char cmd[128];

	scenes_free(sc);
	dispatch_free(d);
	model_free(fresh);
	model_free(m);
	ring_free(ring);
	params_free(ps);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static unsigned
idx(const char *address)
{
	int i = params_find(ps, address);

	ck_assert_msg(i >= 0, "%s", address);
	return (unsigned)i;
}

/* Sets every parameter of mo to a value that is not its default. */
static void
set_all_off_default(struct model *mo)
{
	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param_desc *p = params_at(ps, i)->d;
		char name[PARAM_STRING_MAX + 1];
		double v;

		switch (p->type) {
		case PARAM_STRING:
			snprintf(name, sizeof(name), "n%u \"q\" \\ %c", i, 'A' + (char)(i % 26));
			ck_assert_int_eq(model_set_string(mo, i, name), 0);
			continue;
		case PARAM_ENUM:
			v = fmod(p->def + 1.0, p->max + 1.0);
			break;
		case PARAM_INT:
			if (p->n_allowed)
				v = p->allowed[0] == p->def ? p->allowed[p->n_allowed - 1]
				                            : p->allowed[0];
			else
				v = p->def == p->max ? p->min : p->max;
			break;
		default:
			v = p->min + (p->max - p->min) * (0.37 + 0.001 * (i % 50));
			break;
		}
		ck_assert_int_eq(model_set(mo, i, v), 0);
	}
}

static bool
same_value(const struct model *a, const struct model *b, unsigned i)
{
	if (params_at(ps, i)->d->type == PARAM_STRING)
		return !strcmp(model_get_string(a, i), model_get_string(b, i));
	return model_get(a, i) == model_get(b, i);
}

/* Asserts a and b hold the same value for every parameter. */
static void
assert_same(const struct model *a, const struct model *b)
{
	for (unsigned i = 0; i < params_count(ps); i++)
		ck_assert_msg(same_value(a, b, i), "%s differs", params_at(ps, i)->address);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The names in directory path, sorted, space-separated with a leading and trailing space. */
static void
listing(const char *path, char *out, size_t n)
{
	char names[64][300];
	unsigned k = 0;
	struct dirent *de;
	DIR *dd = opendir(path);

	out[0] = '\0';
	if (!dd)
		return;
	while ((de = readdir(dd))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ck_assert_uint_lt(k, 64);
		snprintf(names[k++], sizeof(names[0]), "%s", de->d_name);
	}
	closedir(dd);
	qsort(names, k, sizeof(names[0]), cmp_str);
	snprintf(out, n, " ");
	for (unsigned i = 0; i < k; i++) {
		strncat(out, names[i], n - strlen(out) - 1);
		strncat(out, " ", n - strlen(out) - 1);
	}
}

/* ---- files ---- */

START_TEST(round_trip_every_parameter)
{
	struct model *back = model_new(ps, ring);
	struct scenes *sc2 = scenes_new(back, d, state);
	char err[512];

	set_all_off_default(m);
	for (unsigned i = 0; i < params_count(ps); i++)
		ck_assert_msg(!same_value(m, fresh, i), "%s is still at its default",
		              params_at(ps, i)->address);
	ck_assert_int_eq(scenes_save(sc, "everything", err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_load(sc2, "everything", err, sizeof(err)), 0);
	assert_same(back, m);

	/* and into the same console, after a reset to the defaults */
	ck_assert_int_eq(scenes_save(sc2, "defaults-later", err, sizeof(err)), 0);
	for (unsigned i = 0; i < params_count(ps); i++) {
		if (params_at(ps, i)->d->type == PARAM_STRING)
			model_set_string(m, i, model_get_string(fresh, i));
		else
			model_set(m, i, model_get(fresh, i));
	}
	assert_same(m, fresh);
	ck_assert_int_eq(scenes_load(sc, "everything", err, sizeof(err)), 0);
	assert_same(m, back);
	ck_assert_float_eq(model_get(m, idx("/strip/2/eq/1/type")), 3.0f); /* lowshelf + 1 */
	scenes_free(sc2);
	model_free(back);
}
END_TEST

/* Replaces line n (1-based) of file path with text. */
static void
edit_line(const char *path, unsigned n, const char *text)
{
	char *buf = NULL, *out, *line, *save = NULL;
	size_t cap = 0, len;
	unsigned k = 0;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	len = (size_t)getdelim(&buf, &cap, '\0', f);
	fclose(f);
	out = calloc(1, len + strlen(text) + 2);
	ck_assert_ptr_nonnull(out);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		strcat(out, ++k == n ? text : line);
		strcat(out, "\n");
	}
	ck_assert_uint_ge(k, n);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(out, f);
	fclose(f);
	free(out);
	free(buf);
}

/* A saved scene with one line made bad loads nothing, wherever the line is, and the error names
 * the line. */
START_TEST(bad_line_changes_nothing)
{
	static const struct {
		unsigned line; /* 0: the last */
		const char *text, *reason;
	} cases[] = {
		{ 17, "/strip/2/fader loud", "not a number" },
		{ 2, "/strip/1/name Kick", "double quotes" },
		{ 40, "/strip/9/fader -3", "unknown address" },
		{ 0, "/master/fader nan", "non-finite" },
		{ 30, "/strip/1/eq/1/type peak", "expected one of" },
		{ 1, "# mixd scene 2", "expected" },
	};
	char path[256], err[512], want[32];
	unsigned n_lines = params_count(ps) + 1;

	set_all_off_default(m);
	snprintf(path, sizeof(path), "%s/bad.scene", dir);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct model *target = model_new(ps, ring);
		struct scenes *s2 = scenes_new(target, d, state);
		unsigned line = cases[c].line ? cases[c].line : n_lines;

		ck_assert_int_eq(scenes_save(sc, "bad", err, sizeof(err)), 0);
		edit_line(path, line, cases[c].text);
		ck_assert_int_eq(scenes_load(s2, "bad", err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "line %u: ", line);
		ck_assert_msg(strstr(err, want), "case %zu: %s", c, err);
		ck_assert_msg(strstr(err, cases[c].reason), "case %zu: %s", c, err);
		assert_same(target, fresh); /* not one of the good lines applied */
		scenes_free(s2);
		model_free(target);
	}
}
END_TEST

static const char *const hostile[] = {
	"../x", "/abs",  "a/b",         ".",          "..", "",      "a b",  "a\tb", "a\nb",
	"\x01", "x\x7f", "caf\xc3\xa9", "x.scene/..", "~",  "$HOME", "a\\b", "*",
};

START_TEST(hostile_names_refused)
{
	char err[512], long_name[1001], name65[66], name64[65], before[512], after[512];
	char outside[256];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(name65, 'b', sizeof(name65) - 1);
	name65[sizeof(name65) - 1] = '\0';
	memset(name64, 'c', sizeof(name64) - 1);
	name64[sizeof(name64) - 1] = '\0';

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(!scene_name_ok(hostile[i]), "\"%s\" accepted", hostile[i]);
		ck_assert_int_eq(scenes_save(sc, hostile[i], err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, "bad scene name"), "%s", err);
		ck_assert_int_eq(scenes_load(sc, hostile[i], err, sizeof(err)), -EINVAL);
	}
	ck_assert(!scene_name_ok(long_name));
	ck_assert_int_eq(scenes_save(sc, long_name, err, sizeof(err)), -EINVAL);
	ck_assert(!scene_name_ok(name65));
	ck_assert_int_eq(scenes_save(sc, name65, err, sizeof(err)), -EINVAL);
	/* nothing was written anywhere: not even the scenes directory */
	listing(root, after, sizeof(after));
	ck_assert_str_eq(after, " state ");
	listing(state, after, sizeof(after));
	ck_assert_str_eq(after, " ");
	snprintf(outside, sizeof(outside), "%s/x.scene", state);
	ck_assert_int_ne(access(outside, F_OK), 0);
	ck_assert_int_ne(access("/abs.scene", F_OK), 0);

	/* the edges of what is allowed, all inside the scenes directory */
	ck_assert(scene_name_ok(name64));
	ck_assert_int_eq(scenes_save(sc, name64, err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_save(sc, "..x", err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_save(sc, "A.b_c-9", err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_save(sc, "-", err, sizeof(err)), 0);
	listing(root, after, sizeof(after));
	ck_assert_str_eq(after, " state ");
	listing(state, after, sizeof(after));
	ck_assert_str_eq(after, " scenes ");
	listing(dir, after, sizeof(after));
	snprintf(before, sizeof(before), " -.scene ..x.scene A.b_c-9.scene %s.scene ", name64);
	ck_assert_str_eq(after, before);
}
END_TEST

START_TEST(missing_scene)
{
	char err[512];

	ck_assert_int_eq(scenes_load(sc, "nope", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no scene named nope");
	ck_assert_int_eq(scenes_save(sc, "there", err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_load(sc, "nope", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no scene named nope");
	ck_assert_int_eq(scenes_load(sc, "there", err, sizeof(err)), 0);
}
END_TEST

/* A quota of SCENES_MAX scenes: the next new name is refused and nothing is written; an
 * existing one is still saved over; a deleted one makes room again. */
START_TEST(quota_and_delete)
{
	char err[512], name[16];

	for (unsigned k = 0; k < SCENES_MAX; k++) {
		snprintf(name, sizeof(name), "s%u", k);
		ck_assert_int_eq(scenes_save(sc, name, err, sizeof(err)), 0);
	}
	ck_assert_int_eq(scenes_save(sc, "one-more", err, sizeof(err)), -EDQUOT);
	ck_assert_ptr_nonnull(strstr(err, "256 scenes already"));
	ck_assert_int_eq(scenes_load(sc, "one-more", err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(scenes_save(sc, "s7", err, sizeof(err)), 0); /* over an existing one */
	ck_assert_int_eq(scenes_delete(sc, "s7", err, sizeof(err)), 0);
	ck_assert_int_eq(scenes_delete(sc, "s7", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no scene named s7");
	ck_assert_int_eq(scenes_delete(sc, "../state", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(scenes_save(sc, "one-more", err, sizeof(err)), 0);
}
END_TEST

/* ---- over OSC ---- */

static struct osc_server *srv;
static int cl;             /* the client's socket, connected to the server */
static struct osc_peer me; /* the client as the server sees it */
static uint64_t n_sent;

static void
osc_setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct allowlist allow;
	char err[256];

	setup();
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.0/8", err, sizeof(err)), 0);
	srv = osc_server_new("127.0.0.1:0", &allow, dispatch_message, d, err, sizeof(err));
	ck_assert_msg(srv != NULL, "%s", err);
	dispatch_attach(d, srv);
	ck_assert_int_eq(dispatch_add_handler(d, scenes_message, sc), 0);
	cl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(cl, 0);
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
	ck_assert_int_eq(bind(cl, (struct sockaddr *)&a, sizeof(a)), 0);
	me.len = sizeof(me.addr);
	ck_assert_int_eq(getsockname(cl, (struct sockaddr *)&me.addr, &me.len), 0);
	a.sin_port = htons((uint16_t)osc_server_port(srv));
	ck_assert_int_eq(connect(cl, (struct sockaddr *)&a, sizeof(a)), 0);
	n_sent = 0;
}

static void
osc_teardown(void)
{
	close(cl);
	osc_server_free(srv);
	teardown();
}

struct reply {
	char path[64];
	char types[8];
	char s[2][600];
};

/* Sends path with at most one string argument, lets the server handle it, and collects the
 * replies (plain messages) into r; returns how many. */
static unsigned
ask(const char *path, const char *arg, struct reply *r, unsigned max)
{
	struct pollfd p = { .fd = osc_server_fd(srv), .events = POLLIN };
	struct pollfd pc = { .fd = cl, .events = POLLIN };
	struct osc_server_stats st;
	lo_message lm = lo_message_new();
	uint8_t buf[4096];
	size_t len = sizeof(buf);
	unsigned n = 0;

	if (arg)
		lo_message_add_string(lm, arg);
	ck_assert_ptr_nonnull(lo_message_serialise(lm, path, buf, &len));
	lo_message_free(lm);
	ck_assert_int_eq(send(cl, buf, len, 0), (ssize_t)len);
	n_sent++;
	for (;;) {
		osc_server_get_stats(srv, &st);
		if (st.datagrams >= n_sent)
			break;
		if (!osc_server_receive(srv, 16))
			ck_assert_int_eq(poll(&p, 1, 2000), 1);
	}
	lm = lo_message_new();
	ck_assert_int_eq(osc_server_send(srv, &me, MARK, lm), 0);
	lo_message_free(lm);
	for (;;) {
		ssize_t got;
		lo_message rm;
		lo_arg **argv;
		const char *types;
		int res;

		ck_assert_int_eq(poll(&pc, 1, 2000), 1);
		got = recv(cl, buf, sizeof(buf), 0);
		ck_assert_int_gt(got, 0);
		if (!strcmp((char *)buf, MARK))
			return n;
		rm = lo_message_deserialise(buf, (size_t)got, &res);
		ck_assert_msg(rm != NULL, "a reply that is not a message (%d)", res);
		ck_assert_uint_lt(n, max);
		memset(&r[n], 0, sizeof(r[n]));
		memcpy(r[n].path, buf, strnlen((char *)buf, sizeof(r[n].path) - 1));
		types = lo_message_get_types(rm);
		argv = lo_message_get_argv(rm);
		snprintf(r[n].types, sizeof(r[n].types), "%s", types);
		for (int i = 0; i < 2 && types[i] == 's'; i++)
			snprintf(r[n].s[i], sizeof(r[n].s[i]), "%s", (const char *)argv[i]);
		lo_message_free(rm);
		n++;
	}
}

/* Exactly one reply, at path with types. */
static const struct reply *
one(const struct reply *r, unsigned n, const char *path, const char *types)
{
	ck_assert_msg(n == 1, "%u replies, wanted one %s", n, path);
	ck_assert_str_eq(r[0].path, path);
	ck_assert_str_eq(r[0].types, types);
	return &r[0];
}

static void
touch(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

START_TEST(osc_list_is_sorted)
{
	static const char *const names[] = { "b", "a", "C", "a-1", "z.z", "10", "9", "a.b" };
	static const char *const sorted[] = { "10", "9", "C", "a", "a-1", "a.b", "b", "z.z" };
	struct reply r[32];
	unsigned n;

	/* no scenes directory yet: an empty list */
	n = ask("/scene/list", NULL, r, 32);
	one(r, n, "/scene/list/end", "");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_str_eq(
		    one(r, ask("/scene/save", names[i], r, 32), "/scene/save", "s")->s[0],
		    names[i]);
	/* what is not a scene of a valid name is not listed */
	touch("notes.txt");
	touch("bad name.scene");
	touch(".scene");
	touch("x.scene.tmp.123");
	touch("scene");
	n = ask("/scene/list", NULL, r, 32);
	ck_assert_uint_eq(n, 9);
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_str_eq(r[i].path, "/scene/list");
		ck_assert_str_eq(r[i].types, "s");
		ck_assert_str_eq(r[i].s[0], sorted[i]);
	}
	ck_assert_str_eq(r[8].path, "/scene/list/end");
	ck_assert_str_eq(r[8].types, "");

	one(r, ask("/scene/list", "x", r, 32), "/error", "ss");
	ck_assert_str_eq(r[0].s[0], "/scene/list");
}
END_TEST

START_TEST(osc_save_load_and_errors)
{
	char outside[256];
	struct reply r[8];
	const struct reply *e;
	unsigned n;

	ck_assert_int_eq(model_set(m, idx("/strip/2/fader"), -12.0), 0);
	ck_assert_int_eq(model_set_string(m, idx("/strip/2/name"), "Bass"), 0);
	ck_assert_str_eq(one(r, ask("/scene/save", "song-1", r, 8), "/scene/save", "s")->s[0],
	                 "song-1");
	ck_assert_int_eq(model_set(m, idx("/strip/2/fader"), 0.0), 0);
	ck_assert_int_eq(model_set_string(m, idx("/strip/2/name"), "x"), 0);
	ck_assert_str_eq(one(r, ask("/scene/load", "song-1", r, 8), "/scene/load", "s")->s[0],
	                 "song-1");
	ck_assert_float_eq(model_get(m, idx("/strip/2/fader")), -12.0f);
	ck_assert_str_eq(model_get_string(m, idx("/strip/2/name")), "Bass");

	e = one(r, ask("/scene/load", "nope", r, 8), "/error", "ss");
	ck_assert_str_eq(e->s[0], "/scene/load");
	ck_assert_str_eq(e->s[1], "no scene named nope");

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		e = one(r, ask("/scene/save", hostile[i], r, 8), "/error", "ss");
		ck_assert_str_eq(e->s[0], "/scene/save");
		ck_assert_msg(strstr(e->s[1], "bad scene name"), "%s", e->s[1]);
		n = ask("/scene/load", hostile[i], r, 8);
		ck_assert_msg(n == 1 && !strcmp(r[0].path, "/error"), "load \"%s\": %s %s",
		              hostile[i], r[0].path, r[0].s[0]);
		e = one(r, n, "/error", "ss");
		ck_assert_str_eq(e->s[0], "/scene/load");
	}
	one(r, ask("/scene/save", NULL, r, 8), "/error", "ss");
	snprintf(outside, sizeof(outside), "%s/x.scene", state);
	ck_assert_int_ne(access(outside, F_OK), 0);
	{
		char after[512];
		listing(dir, after, sizeof(after));
		ck_assert_str_eq(after, " song-1.scene ");
	}

	/* a bad file over OSC: /error names the line, the console is untouched */
	{
		char path[256];
		snprintf(path, sizeof(path), "%s/song-1.scene", dir);
		edit_line(path, 5, "/strip/1/trim loud");
	}
	ck_assert_int_eq(model_set(m, idx("/strip/2/fader"), -1.0), 0);
	e = one(r, ask("/scene/load", "song-1", r, 8), "/error", "ss");
	ck_assert_msg(strstr(e->s[1], "line 5: "), "%s", e->s[1]);
	ck_assert_float_eq(model_get(m, idx("/strip/2/fader")), -1.0f);
}
END_TEST

static Suite *
scenes_suite(void)
{
	Suite *s = suite_create("scenes");
	TCase *files = tcase_create("files");
	TCase *osc = tcase_create("osc");

	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, round_trip_every_parameter);
	tcase_add_test(files, bad_line_changes_nothing);
	tcase_add_test(files, hostile_names_refused);
	tcase_add_test(files, missing_scene);
	tcase_add_test(files, quota_and_delete);
	suite_add_tcase(s, files);
	tcase_add_checked_fixture(osc, osc_setup, osc_teardown);
	tcase_add_test(osc, osc_list_is_sorted);
	tcase_add_test(osc, osc_save_load_and_errors);
	suite_add_tcase(s, osc);
	return s;
}

int
main(void)
{
	return check_run(scenes_suite());
}
