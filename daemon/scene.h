/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scene: the text file that holds a whole console — the saved state and (later) named scenes.
 *
 *   # mixd scene 1
 *   /strip/1/name "Kick"
 *   /strip/1/fader -6.5
 *   /master/fader -inf
 *
 * One setting per line, `ADDRESS VALUE`; `#` starts a comment; strings are double-quoted with
 * \" and \\ escapes. A strip's sends to aux buses and its DCA and mute-group memberships (the
 * sparse rows: tens of thousands on a large console, nearly all at their default) are written
 * only where they differ from the default, and a file that does not name one sets it to its
 * default: a scene is always the whole console. Loading validates every line before applying any,
 * so a bad file changes nothing and the error names its line. Writing is atomic: temp file, fsync,
 * rename, fsync of the directory, so a crash leaves either the old file or the new one, never a
 * torn one.
 */
#ifndef MIXD_SCENE_H
#define MIXD_SCENE_H

#include <stdbool.h>
#include <stddef.h>

struct model;

#define SCENE_MAGIC "# mixd scene 1"

/* Longest name of a named scene (or any other file mixd names after a user's word). */
#define SCENE_NAME_MAX 64

/* Skip lines whose address this console does not have (a state saved with more strips) instead
 * of rejecting the file. Syntax and value errors still reject it. */
#define SCENE_IGNORE_UNKNOWN 1u

/* Lines of a state file whose addresses this console does not have (a state saved with more
 * strips, buses or groups), kept so that saving the state again writes them back: a console
 * started once with fewer strips must not erase the others. */
struct scene_carry;

/* Control thread. An empty carry, or NULL when out of memory. */
struct scene_carry *scene_carry_new(void);
void scene_carry_free(struct scene_carry *c); /* NULL accepted */
/* Any thread. How many lines c holds (0 for NULL). */
unsigned scene_carry_lines(const struct scene_carry *c);

/* Any thread. True when name is a valid name for a file in a state subdirectory: 1 to
 * SCENE_NAME_MAX of A-Z a-z 0-9 . _ -, and not "." or "..", so it can never leave it. */
bool scene_name_ok(const char *name);

/* Control thread. Writes every parameter of m to path atomically. Returns 0 or -errno, with a
 * message in err. */
int scene_write(const struct model *m, const char *path, char *err, size_t errlen);

/* Control thread. scene_write, then the lines of carry (NULL: none) after a comment. */
int scene_write_carry(const struct model *m, const char *path, const struct scene_carry *carry,
                      char *err, size_t errlen);

/* Control thread. Reads path and, only if every line is valid, applies all its values to m.
 * Returns 0; -ENOENT if there is no file; -EINVAL for a bad file (err names the line: "line 7:
 * unknown address /strip/99/fader"), -EFBIG for one over 16 MiB; other -errno for a file that
 * cannot be read (-ENXIO: a FIFO or device, never waited on; -EISDIR; -EACCES; -EIO). */
int scene_read(struct model *m, const char *path, unsigned flags, char *err, size_t errlen);

/* Control thread. scene_read; with SCENE_IGNORE_UNKNOWN, the unknown lines (each still "ADDRESS
 * VALUE" of printable text, or the file is bad) replace what carry held, and only when the whole
 * file is good (-ENOMEM when they do not fit in memory). */
int scene_read_carry(struct model *m, const char *path, unsigned flags, struct scene_carry *carry,
                     char *err, size_t errlen);

#endif
