/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conn_file: the remembered JACK connections on disk, STATE_DIR/connections.
 *
 *   # mixd connections 1
 *   "in_1" "synth:out_L"
 *   "master_L" "system:playback_1"
 *
 * One connection per line: one of mixd's ports by its short name (the console may be renamed)
 * and the peer port by its full name, both double-quoted (JACK names may hold spaces: PipeWire's
 * do). A name holding '"' or a backslash is refused, so no escapes are needed and the longest
 * line fits TEXTFILE_LINE_MAX. Every line is checked before any is used, so a bad file gives
 * nothing and the error names its line; written atomically (atomic_file.h).
 */
#ifndef MIXD_CONN_FILE_H
#define MIXD_CONN_FILE_H

#include <stdbool.h>
#include <stddef.h>

#define CONN_FILE_MAGIC "# mixd connections 1"
/* Longest short name of one of our ports (ours are like in_256_L), and longest full peer name:
 * JACK2's jack_port_name_size() is 320 with the NUL. */
#define CONN_OURS_MAX 64
#define CONN_PEER_MAX 319
/* Connections remembered at most: a file with more is refused. */
#define CONN_MAX 1024

struct conn_pair {
	char ours[CONN_OURS_MAX + 1];
	char peer[CONN_PEER_MAX + 1];
};

/* Any thread. True when s is a name conn_file stores: 1..max bytes, no control characters,
 * '"' or backslash; full (a peer) also needs a non-empty "client:port" form. */
bool conn_file_name_ok(const char *s, size_t max, bool full);

/* Control thread. Reads path into out[0..CONN_MAX). Returns the count, -ENOENT when there is
 * no file, -EINVAL for a bad one (err names the line; out is then unspecified), -EIO, -ENOMEM. */
int conn_file_read(const char *path, struct conn_pair *out, char *err, size_t errlen);

/* Control thread. Writes pairs[0..n) to path atomically. Returns 0 or -errno with err set. */
int conn_file_write(const char *path, const struct conn_pair *pairs, unsigned n, char *err,
                    size_t errlen);

#endif
