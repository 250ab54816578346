/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomic_file: a file replaced whole or not at all. Written to PATH.tmp.RANDOM (created with
 * O_EXCL|O_NOFOLLOW: never an existing file, never through a planted symlink), then fsync,
 * rename over PATH and fsync of the directory, so a crash at any point leaves either the old
 * file or the new one, never a torn one. The state, named scenes, automation files and mixrender's
 * output all go through here.
 */
#ifndef MIXD_ATOMIC_FILE_H
#define MIXD_ATOMIC_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct atomic_file {
	int fd;  /* the temporary file; -1 once closed */
	FILE *f; /* a stdio stream on fd when opened with stdio, else NULL */
	char path[PATH_MAX];
	char tmp[PATH_MAX + 32]; /* path + ".tmp." + 16 hex digits */
};

/* Control thread (or a tool's only thread). Creates the temporary file for path with mode
 * (before the umask), with a stdio stream on it when stdio is set. Returns 0, or -errno
 * (-ENAMETOOLONG for a path too long) with a message in err; nothing is left behind then. */
int atomic_file_open(struct atomic_file *a, const char *path, mode_t mode, bool stdio, char *err,
                     size_t errlen);

/* Control thread. Flushes, fsyncs and closes the temporary file, renames it over the path and
 * fsyncs the directory. Returns 0, or -errno with a message in err; on an error before the
 * rename the temporary file is removed and the old file stays. */
int atomic_file_commit(struct atomic_file *a, char *err, size_t errlen);

/* Control thread. Closes and removes the temporary file: the old file stays. */
void atomic_file_abort(struct atomic_file *a);

#endif
