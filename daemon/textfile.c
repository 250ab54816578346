/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
textfile_open(const char *path, size_t max_bytes, FILE **out, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;
	FILE *f;

	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		snprintf(err, errlen, "%s: is a directory", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -ENXIO;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((unsigned long long)st.st_size > max_bytes) {
		ret = -EFBIG;
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max_bytes);
		goto fail;
	}
	/* a regular file never blocks; reads go back to the ordinary mode */
	if (fcntl(fd, F_SETFL, 0) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		goto fail;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		goto fail;
	}
	*out = f;
	return 0;
fail:
	close(fd);
	return ret;
}

void
textfile_init(struct textfile *t, FILE *f, const char *name, const char *magic, unsigned max_lines)
{
	t->f = f;
	t->name = name;
	t->magic = magic;
	t->max_lines = max_lines;
	t->lineno = 0;
	t->line[0] = '\0';
}

/* Reads one line (without its LF) into t->line. Returns its length, -1 at the end of the file,
 * -2 for a line longer than the buffer (the rest of the file is not read), -3 for a NUL byte.
 * A file that grows while it is read still ends: the caller stops after max_lines. */
static long
read_line(struct textfile *t)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(t->f)) != EOF) {
		if (c == '\n')
			break;
		if (c == '\0')
			return -3;
		if (n >= sizeof(t->line) - 1)
			return -2;
		t->line[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return -1;
	t->line[n] = '\0';
	return (long)n;
}

int
textfile_next(struct textfile *t, char **out, char *err, size_t errlen)
{
	long got;

	while ((got = read_line(t)) != -1) {
		size_t len;
		char *s;

		if (++t->lineno > t->max_lines) {
			snprintf(err, errlen, "%s: more than %u lines", t->name, t->max_lines);
			return -EINVAL;
		}
		if (got == -3) {
			snprintf(err, errlen, "%s: line %u: NUL byte", t->name, t->lineno);
			return -EINVAL;
		}
		len = got < 0 ? sizeof(t->line) : (size_t)got;
		if (got >= 0 && len && t->line[len - 1] == '\r') /* a file edited on Windows */
			t->line[--len] = '\0';
		if (len > TEXTFILE_LINE_MAX) {
			snprintf(err, errlen, "%s: line %u: longer than %d bytes", t->name,
			         t->lineno, TEXTFILE_LINE_MAX);
			return -EINVAL;
		}
		if (t->lineno == 1) {
			if (strcmp(t->line, t->magic)) {
				snprintf(err, errlen, "%s: line 1: expected \"%s\"", t->name,
				         t->magic);
				return -EINVAL;
			}
			continue;
		}
		s = t->line + strspn(t->line, " \t");
		if (!*s || *s == '#')
			continue;
		*out = s;
		return 1;
	}
	if (ferror(t->f)) {
		snprintf(err, errlen, "%s: read error", t->name);
		return -EIO;
	}
	if (t->lineno == 0) {
		snprintf(err, errlen, "%s: empty file", t->name);
		return -EINVAL;
	}
	return 0;
}
