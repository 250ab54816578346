/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "conn_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "textfile.h"

bool
conn_file_name_ok(const char *s, size_t max, bool full)
{
	size_t n = strnlen(s, max + 1);
	const char *colon;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\')
			return false;
	if (!full)
		return true;
	colon = strchr(s, ':');
	return colon && colon > s && colon[1];
}

/* Parses one double-quoted name at *s into out (max bytes), advancing *s past it and the blanks
 * after. Returns NULL or a reason. */
static const char *
parse_quoted(const char **s, char *out, size_t max)
{
	const char *p = *s;
	size_t n = 0;

	if (*p++ != '"')
		return "expected a double-quoted port name";
	for (; *p && *p != '"'; p++) {
		if (n >= max)
			return "port name too long";
		out[n++] = *p;
	}
	if (*p != '"')
		return "unterminated name";
	out[n] = '\0';
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	*s = p;
	return NULL;
}

static const char *
parse_line(const char *line, struct conn_pair *out)
{
	const char *r;

	if ((r = parse_quoted(&line, out->ours, CONN_OURS_MAX)))
		return r;
	if ((r = parse_quoted(&line, out->peer, CONN_PEER_MAX)))
		return r;
	if (*line)
		return "text after the peer's name";
	if (!conn_file_name_ok(out->ours, CONN_OURS_MAX, false))
		return "bad port name";
	if (!conn_file_name_ok(out->peer, CONN_PEER_MAX, true))
		return "bad peer name (expected client:port)";
	return NULL;
}

int
conn_file_read(const char *path, struct conn_pair *out, char *err, size_t errlen)
{
	struct textfile t;
	char *line;
	int n = 0, ret;
	FILE *f;

	/* a regular file of a bounded size, never waited on (textfile.h): CONN_MAX lines of two
	 * quoted names take well under 1 MiB */
	ret = textfile_open(path, 1u << 20, &f, err, errlen);
	if (ret)
		return ret;
	/* the magic line, then at most CONN_MAX lines (comments and blanks count too) */
	textfile_init(&t, f, path, CONN_FILE_MAGIC, CONN_MAX + 1);
	while ((ret = textfile_next(&t, &line, err, errlen)) == 1) {
		const char *why;

		if (n == CONN_MAX) {
			snprintf(err, errlen, "%s: line %u: more than %d connections", path,
			         t.lineno, CONN_MAX);
			ret = -EINVAL;
			break;
		}
		why = parse_line(line, &out[n]);
		if (why) {
			snprintf(err, errlen, "%s: line %u: %s", path, t.lineno, why);
			ret = -EINVAL;
			break;
		}
		n++;
	}
	fclose(f);
	return ret < 0 ? ret : n;
}

int
conn_file_write(const char *path, const struct conn_pair *pairs, unsigned n, char *err,
                size_t errlen)
{
	struct atomic_file af;
	int ret = atomic_file_open(&af, path, 0644, true, err, errlen);

	if (ret)
		return ret;
	fprintf(af.f, "%s\n", CONN_FILE_MAGIC);
	for (unsigned i = 0; i < n; i++) {
		fprintf(af.f, "\"%s\" \"%s\"\n", pairs[i].ours, pairs[i].peer);
	}
	return atomic_file_commit(&af, err, errlen);
}
