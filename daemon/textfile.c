/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "textfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void
textfile_init(struct textfile *t, FILE *f, const char *name, const char *magic, unsigned max_lines)
{
	*t = (struct textfile){ .f = f, .name = name, .magic = magic, .max_lines = max_lines };
}

void
textfile_free(struct textfile *t)
{
	free(t->line);
	t->line = NULL;
	t->cap = 0;
}

int
textfile_next(struct textfile *t, char **out, char *err, size_t errlen)
{
	ssize_t got;

	/* errno tells an allocation failure from the end of the file: getline returns -1 for both
	 */
	while ((errno = 0, got = getline(&t->line, &t->cap, t->f)) >= 0) {
		size_t len = (size_t)got;
		char *s;

		if (++t->lineno > t->max_lines) {
			snprintf(err, errlen, "%s: more than %u lines", t->name, t->max_lines);
			return -EINVAL;
		}
		if (len && t->line[len - 1] == '\n')
			t->line[--len] = '\0';
		if (len && t->line[len - 1] == '\r') /* a file edited on Windows is still fine */
			t->line[--len] = '\0';
		if (len > TEXTFILE_LINE_MAX) {
			snprintf(err, errlen, "%s: line %u: longer than %d bytes", t->name,
			         t->lineno, TEXTFILE_LINE_MAX);
			return -EINVAL;
		}
		if (strlen(t->line) != len) {
			snprintf(err, errlen, "%s: line %u: NUL byte", t->name, t->lineno);
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
	if (errno == ENOMEM) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
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
