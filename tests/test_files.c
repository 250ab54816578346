/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file layer against a hostile state directory: what an attacker or an accident can put
 * where mixd reads and writes (issue: reliability, files and state). atomic_file never writes
 * through a planted name; textfile_open never blocks and never reads without bound; statedir
 * refuses directories others control and never replaces a kept bad state; scene_read_carry
 * keeps the lines of a larger console.
 */
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "scene.h"
#include "statedir.h"
#include "textfile.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mixd-files-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static unsigned
entries(const char *d)
{
	char cmd[200];
	FILE *p;
	unsigned n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", d);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%u", &n), 1);
	pclose(p);
	return n;
}

/* The old temporary name (PATH.tmp.PID) planted as a symlink to a victim, and PATH itself a
 * symlink: the write lands in a new file of its own and the victim is untouched. */
START_TEST(atomic_file_ignores_planted_links)
{
	char path[128], victim[128], planted[160], err[256];
	struct atomic_file af;

	snprintf(path, sizeof(path), "%s/state.scene", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(planted, sizeof(planted), "%s.tmp.%ld", path, (long)getpid());
	put(victim, "precious\n");
	ck_assert_int_eq(symlink(victim, planted), 0);
	ck_assert_int_eq(symlink(victim, path), 0);

	ck_assert_int_eq(atomic_file_open(&af, path, 0644, true, err, sizeof(err)), 0);
	ck_assert_str_ne(af.tmp, planted);
	fputs("new\n", af.f);
	ck_assert_int_eq(atomic_file_commit(&af, err, sizeof(err)), 0);

	ck_assert_str_eq(slurp(victim), "precious\n");
	ck_assert_str_eq(slurp(path), "new\n"); /* the link was replaced, not followed */
	/* path, victim, the planted link: no temporary file left */
	ck_assert_uint_eq(entries(dir), 3);
}
END_TEST

/* Two opens of one path get two different temporary files, each created exclusively. */
START_TEST(atomic_file_names_are_unique)
{
	char path[128], err[256];
	struct atomic_file a, b;

	snprintf(path, sizeof(path), "%s/x", dir);
	ck_assert_int_eq(atomic_file_open(&a, path, 0600, false, err, sizeof(err)), 0);
	ck_assert_int_eq(atomic_file_open(&b, path, 0600, false, err, sizeof(err)), 0);
	ck_assert_str_ne(a.tmp, b.tmp);
	atomic_file_abort(&a);
	atomic_file_abort(&b);
	ck_assert_uint_eq(entries(dir), 0);
}
END_TEST

/* A FIFO, a device, a directory: refused at once (a blocking open would hang this test into its
 * timeout); a sparse 1 GiB file refused by its size without being read. */
START_TEST(textfile_open_refuses_what_is_not_a_small_file)
{
	char path[128], err[256];
	FILE *f = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(textfile_open(path, 1 << 20, &f, err, sizeof(err)), -ENXIO);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(textfile_open("/dev/zero", 1 << 20, &f, err, sizeof(err)), -ENXIO);
	ck_assert_int_eq(textfile_open(dir, 1 << 20, &f, err, sizeof(err)), -EISDIR);

	snprintf(path, sizeof(path), "%s/huge", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1L << 30), 0);
	close(fd);
	ck_assert_int_eq(textfile_open(path, 16u << 20, &f, err, sizeof(err)), -EFBIG);
	ck_assert_ptr_null(f);

	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(textfile_open(path, 1 << 20, &f, err, sizeof(err)), -ENOENT);
}
END_TEST

/* An 8 MB line is an error at its first TEXTFILE_LINE_MAX + 2 bytes; the lines before it were
 * read, and a line of exactly TEXTFILE_LINE_MAX bytes (with CRLF) is accepted. */
START_TEST(textfile_long_lines_are_bounded)
{
	char path[128], err[256], *s;
	struct textfile tf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/long", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# magic\r\n", f);
	for (int i = 0; i < TEXTFILE_LINE_MAX; i++)
		fputc('a', f);
	fputs("\r\n", f);
	for (long i = 0; i < 8L << 20; i++)
		fputc('b', f);
	fclose(f);

	ck_assert_int_eq(textfile_open(path, 16u << 20, &f, err, sizeof(err)), 0);
	textfile_init(&tf, f, "long", "# magic", 100);
	ck_assert_int_eq(textfile_next(&tf, &s, err, sizeof(err)), 1);
	ck_assert_uint_eq(strlen(s), TEXTFILE_LINE_MAX);
	ck_assert_int_eq(textfile_next(&tf, &s, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "long: line 3: longer than 512 bytes");
	/* it stopped there: most of the 8 MB is still unread */
	ck_assert_int_lt(ftell(f), 4096);
	fclose(f);
}
END_TEST

/* A path that is a file, a device, another user's or a writable-by-all directory: refused with
 * the reason; a fresh one is created 0700. */
START_TEST(statedir_refuses_unsafe_directories)
{
	char path[128], err[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	ck_assert_int_eq(statedir_prepare(path, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);

	snprintf(path, sizeof(path), "%s/file", dir);
	put(path, "x");
	ck_assert_int_eq(statedir_prepare(path, err, sizeof(err)), -ENOTDIR);
	ck_assert_int_eq(statedir_prepare("/dev/null", err, sizeof(err)), -ENOTDIR);
	ck_assert_ptr_nonnull(strstr(err, "not a directory"));

	snprintf(path, sizeof(path), "%s/shared", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(chmod(path, 0777), 0);
	ck_assert_int_eq(statedir_prepare(path, err, sizeof(err)), -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "can be written by others"));
	ck_assert_int_eq(chmod(path, 0770), 0);
	ck_assert_int_eq(statedir_prepare_sub(path, err, sizeof(err)), -EPERM);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(statedir_prepare_sub(path, err, sizeof(err)), 0);

	if (geteuid() == 0) { /* only root can give a directory away */
		ck_assert_int_eq(chown(path, 12345, 12345), 0);
		ck_assert_int_eq(statedir_prepare(path, err, sizeof(err)), -EPERM);
		ck_assert_ptr_nonnull(strstr(err, "belongs to user 12345"));
	}
}
END_TEST

/* Moving a bad state aside never replaces an earlier bad copy. */
START_TEST(statedir_keep_bad_never_replaces)
{
	char path[128], out[200], want[200];

	snprintf(path, sizeof(path), "%s/state.scene", dir);
	put(path, "first\n");
	ck_assert_int_eq(statedir_keep_bad(path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s.bad", path);
	ck_assert_str_eq(out, want);
	put(path, "second\n");
	ck_assert_int_eq(statedir_keep_bad(path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s.bad.1", path);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(slurp(out), "second\n");
	snprintf(want, sizeof(want), "%s.bad", path);
	ck_assert_str_eq(slurp(want), "first\n");
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* A 16-strip state read by an 8-strip console and saved again: strips 9-16 are still in the
 * file, and a 16-strip console reads them back; a bad file leaves the carry as it was. */
START_TEST(scene_carry_keeps_a_larger_console)
{
	struct params *p16 = params_new(16), *p8 = params_new(8);
	struct ring *r = ring_new(sizeof(struct model_cmd), 1024);
	struct model *m16 = model_new(p16, r), *m8 = model_new(p8, r);
	struct scene_carry *c = scene_carry_new();
	char path[128], err[256];
	int i12 = params_find(p16, "/strip/12/fader"), i1 = params_find(p8, "/strip/1/fader");

	ck_assert(m16 && m8 && c && i12 >= 0 && i1 >= 0);
	snprintf(path, sizeof(path), "%s/state.scene", dir);
	model_set(m16, (unsigned)i12, -7.0f);
	model_set_string(m16, (unsigned)params_find(p16, "/strip/16/name"), "Vox \"2\"");
	ck_assert_int_eq(scene_write(m16, path, err, sizeof(err)), 0);

	ck_assert_int_eq(scene_read_carry(m8, path, SCENE_IGNORE_UNKNOWN, c, err, sizeof(err)), 0);
	ck_assert_uint_gt(scene_carry_lines(c), 8 * 10); /* eight strips' worth at least */
	model_set(m8, (unsigned)i1, -3.0f);
	ck_assert_int_eq(scene_write_carry(m8, path, c, err, sizeof(err)), 0);

	model_set(m16, (unsigned)i12, 0.0f);
	ck_assert_int_eq(scene_read(m16, path, 0, err, sizeof(err)), 0);
	ck_assert_float_eq(model_get(m16, (unsigned)i12), -7.0f);
	ck_assert_float_eq(model_get(m16, (unsigned)params_find(p16, "/strip/1/fader")), -3.0f);
	ck_assert_str_eq(model_get_string(m16, (unsigned)params_find(p16, "/strip/16/name")),
	                 "Vox \"2\"");

	/* a malformed unknown line makes the file bad and keeps the carry */
	unsigned before = scene_carry_lines(c);
	put(path, "# mixd scene 1\n/strip/99/fader -3\nnot-an-address 1\n");
	ck_assert_int_eq(scene_read_carry(m8, path, SCENE_IGNORE_UNKNOWN, c, err, sizeof(err)),
	                 -EINVAL);
	ck_assert_uint_eq(scene_carry_lines(c), before);

	scene_carry_free(c);
	model_free(m8);
	model_free(m16);
	ring_free(r);
	params_free(p8);
	params_free(p16);
}
END_TEST

static Suite *
files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, atomic_file_ignores_planted_links);
	tcase_add_test(tc, atomic_file_names_are_unique);
	tcase_add_test(tc, textfile_open_refuses_what_is_not_a_small_file);
	tcase_add_test(tc, textfile_long_lines_are_bounded);
	tcase_add_test(tc, statedir_refuses_unsafe_directories);
	tcase_add_test(tc, statedir_keep_bad_never_replaces);
	tcase_add_test(tc, scene_carry_keeps_a_larger_console);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(files_suite());
}
