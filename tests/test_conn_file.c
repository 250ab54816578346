/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The remembered-connections file: round trip, every bad line refused and named, bounds. */
#include "check_run.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn_file.h"

static char dir[64], path[128];
static struct conn_pair *pairs;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mixd-connfile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/connections", dir);
	pairs = calloc(CONN_MAX + 1, sizeof(*pairs));
	ck_assert_ptr_nonnull(pairs);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
	free(pairs);
}

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(round_trip)
{
	struct conn_pair in[3] = {
		{ "in_1", "synth:out_1" },
		{ "master_L", "Built-in Audio Analog Stereo:playback_FL" },
		{ "in_12_R", "a:b" },
	};
	char err[256];

	ck_assert_int_eq(conn_file_write(path, in, 3, err, sizeof(err)), 0);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(pairs[i].ours, in[i].ours);
		ck_assert_str_eq(pairs[i].peer, in[i].peer);
	}
	ck_assert_int_eq(conn_file_write(path, in, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), 0);
}
END_TEST

START_TEST(missing_file)
{
	char err[256];

	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), -ENOENT);
}
END_TEST

START_TEST(bad_lines_named)
{
	static const char *const bad[] = {
		"\"in_1\" synth:out_1\n",       /* unquoted */
		"\"in_1\" \"synth:out_1\" x\n", /* trailing text */
		"\"in_1\" \"synthout\"\n",      /* no client:port */
		"\"in_1\" \":out\"\n",          /* empty client */
		"\"in_1\" \"synth:\"\n",        /* empty port */
		"\"\" \"synth:out_1\"\n",       /* empty ours */
		"\"in_1\" \"synth:out_1\n",     /* unterminated */
		"\"in\x01\" \"synth:out_1\"\n", /* control character */
		"\"in_1\"\n",                   /* no peer */
	};
	char text[512], err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "# mixd connections 1\n\"in_2\" \"a:b\"\n%s", bad[i]);
		write_file(text);
		ck_assert_msg(conn_file_read(path, pairs, err, sizeof(err)) == -EINVAL,
		              "accepted: %s", bad[i]);
		ck_assert_msg(strstr(err, "line 3"), "%s: %s", bad[i], err);
	}
	write_file("# mixd scene 1\n");
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(name_bounds)
{
	char ours[CONN_OURS_MAX + 2], peer[CONN_PEER_MAX + 2], text[1024], err[256];

	memset(ours, 'o', sizeof(ours) - 1);
	ours[CONN_OURS_MAX] = '\0';
	memset(peer, 'p', sizeof(peer) - 1);
	peer[1] = ':';
	peer[CONN_PEER_MAX] = '\0';
	ck_assert(conn_file_name_ok(ours, CONN_OURS_MAX, false));
	ck_assert(conn_file_name_ok(peer, CONN_PEER_MAX, true));
	snprintf(text, sizeof(text), "# mixd connections 1\n\"%s\" \"%s\"\n", ours, peer);
	write_file(text);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), 1);
	/* one byte more of either is refused */
	ours[CONN_OURS_MAX] = 'o';
	ours[CONN_OURS_MAX + 1] = '\0';
	ck_assert(!conn_file_name_ok(ours, CONN_OURS_MAX, false));
	snprintf(text, sizeof(text), "# mixd connections 1\n\"%s\" \"%s\"\n", ours, peer);
	write_file(text);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), -EINVAL);
	ck_assert(!conn_file_name_ok("a\"b:c", CONN_PEER_MAX, true));
	ck_assert(!conn_file_name_ok("a\\b:c", CONN_PEER_MAX, true));
}
END_TEST

START_TEST(too_many)
{
	FILE *f = fopen(path, "w");
	char err[256];

	ck_assert_ptr_nonnull(f);
	fputs("# mixd connections 1\n", f);
	for (int i = 0; i < CONN_MAX; i++)
		fprintf(f, "\"in_1\" \"c%d:p\"\n", i);
	fclose(f);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), CONN_MAX);
	f = fopen(path, "a");
	fputs("\"in_1\" \"one:more\"\n", f);
	fclose(f);
	ck_assert_int_eq(conn_file_read(path, pairs, err, sizeof(err)), -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conn_file");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, bad_lines_named);
	tcase_add_test(tc, name_bounds);
	tcase_add_test(tc, too_many);
	suite_add_tcase(s, tc);
	return check_run(s);
}
