/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * textfile: the line rules mixd's text files share (scenes, automation; design.md §4). The
 * first line is the format's magic; then one setting per line, blank lines and `#` comments
 * skipped, LF or CRLF endings. A line over TEXTFILE_LINE_MAX bytes, a NUL byte, too many lines,
 * a wrong first line or an empty file is an error naming the file (and the line).
 *
 * Every file mixd reads is untrusted (a state directory may hold anything), so reading is
 * bounded before it starts: textfile_open takes regular files only, opened without blocking
 * (a FIFO or a device would hang the control thread), no larger than a cap; lines are read into
 * a fixed buffer, so an endless line costs TEXTFILE_LINE_MAX bytes, not the whole file.
 */
#ifndef MIXD_TEXTFILE_H
#define MIXD_TEXTFILE_H

#include <stddef.h>
#include <stdio.h>

/* Longest line accepted; a valid line is far shorter (address + quoted 32-byte name). */
#define TEXTFILE_LINE_MAX 512

struct textfile {
	FILE *f;
	const char *name;  /* in messages: the path, or a scene's or automation's name */
	const char *magic; /* the first line, exactly */
	unsigned max_lines;
	unsigned lineno;                  /* of the line last returned */
	char line[TEXTFILE_LINE_MAX + 2]; /* + CR, + NUL */
};

/* Control thread. Opens path for reading: a regular file of at most max_bytes, opened with
 * O_NONBLOCK so that a FIFO or a device never blocks. Returns 0 with the stream in *out, or
 * -errno with a message in err: -ENOENT (no file), -ENXIO (a FIFO, socket or device), -EISDIR,
 * -EFBIG (larger than max_bytes), -EACCES and others from open. */
int textfile_open(const char *path, size_t max_bytes, FILE **out, char *err, size_t errlen);

/* Any thread. Reads f (not owned) as a file of the format magic, at most max_lines long. */
void textfile_init(struct textfile *t, FILE *f, const char *name, const char *magic,
                   unsigned max_lines);

/* Any thread. The next setting line, without its line ending and leading blanks, in *out
 * (writable, valid until the next call; t->lineno is its number). Returns 1, 0 at the end of a
 * well-formed file, -EINVAL for a bad one or -EIO for a read error (err says what, naming the
 * line). */
int textfile_next(struct textfile *t, char **out, char *err, size_t errlen);

#endif
