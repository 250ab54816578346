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
 * default: a scene is always the whole console. Loading validates every line before applying any, so a bad file changes
 * nothing and the error names its line. Writing is atomic: temp file, fsync, rename, fsync of
 * the directory, so a crash leaves either the old file or the new one, never a torn one.
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

/* Any thread. True when name is a valid name for a file in a state subdirectory: 1 to
 * SCENE_NAME_MAX of A-Z a-z 0-9 . _ -, and not "." or "..", so it can never leave it. */
bool scene_name_ok(const char *name);

/* Control thread. Writes every parameter of m to path atomically. Returns 0 or -errno, with a
 * message in err. */
int scene_write(const struct model *m, const char *path, char *err, size_t errlen);

/* Control thread. Reads path and, only if every line is valid, applies all its values to m.
 * Returns 0; -ENOENT if there is no file; -EINVAL for a bad file (err names the line: "line 7:
 * unknown address /strip/99/fader"); other -errno for I/O errors. */
int scene_read(struct model *m, const char *path, unsigned flags, char *err, size_t errlen);

#endif
