/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * automation_file: the text file of automation lanes (design.md §4), parsed and validated.
 *
 *   # mixd automation 1
 *   0      /strip/1/fader  -40
 *   2      /strip/1/fader  0      linear
 *   96000f /strip/1/mute   1
 *
 * One point per line, `TIME ADDRESS VALUE [step|linear]`: TIME in seconds from transport zero,
 * or in frames with an `f` suffix; VALUE as in a scene file (an enum by its name). The mode
 * says how the lane arrives at the point from the one before it: `linear` glides there in the
 * parameter's own unit (dB for a fader), `step` (the default) jumps at TIME. Only float
 * parameters glide: ints and enums (switches, slopes, EQ types) take `step` only, and strings
 * (names) and control-only parameters cannot be automated at all. `#` starts a comment.
 *
 * Reading validates every line before keeping any, and the error names the line: a file is
 * taken whole or not at all.
 */
#ifndef MIXD_AUTOMATION_FILE_H
#define MIXD_AUTOMATION_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct params;

#define AUTOMATION_MAGIC "# mixd automation 1"
/* Most lines a file may have: a bound on memory for a file from anywhere. */
#define AUTOMATION_FILE_MAX_LINES 1000000
/* and of bytes: a million lines of a long address and a value */
#define AUTOMATION_FILE_MAX_BYTES (96u << 20)

/* One point. Times stay in the file's unit until the sample rate is known (automation_build). */
struct automation_point {
	double time; /* seconds, or frames when in_frames */
	bool in_frames;
	bool linear;   /* glide from the previous point to this one; else a step at time */
	float value;   /* clamped as param_parse does */
	unsigned line; /* where it was written, for stable ordering and messages */
};

/* Every point of one parameter, in file order. */
struct automation_lane {
	unsigned idx; /* parameter index in the params it was read against */
	unsigned n;
	struct automation_point *pts;
};

struct automation_file {
	unsigned n_lanes;
	struct automation_lane *lanes; /* in order of first appearance */
};

/* Control thread. Reads and validates the whole of f against ps; name prefixes every message
 * ("NAME: line 7: ..."). Returns a new file, or NULL with the reason in err (a bad line, a read
 * error, out of memory). */
struct automation_file *automation_file_read(const struct params *ps, FILE *f, const char *name,
                                             char *err, size_t errlen);

/* Control thread. As automation_file_read on the file at path. A missing file gives NULL with
 * *errnum = -ENOENT; any other failure -EINVAL, -ENOMEM or -errno (errnum may be NULL). */
struct automation_file *automation_file_load(const struct params *ps, const char *path,
                                             const char *name, int *errnum, char *err,
                                             size_t errlen);

/* Control thread. Writes af (read against ps) to path atomically: a temporary file, fsync,
 * rename, fsync of the directory. Lanes in order, points in their order, times in their own
 * unit (seconds as the shortest text that reads back the same, frames with an f), values as
 * param_format writes them. Returns 0 or -errno with a message in err. */
int automation_file_write(const struct automation_file *af, const struct params *ps,
                          const char *path, char *err, size_t errlen);

/* Control thread. A file with no lanes, with room for a lane per parameter of ps (the lanes
 * array of any file has that room). Returns NULL when out of memory. */
struct automation_file *automation_file_new(const struct params *ps);

/* Any thread. NULL is accepted. */
void automation_file_free(struct automation_file *af);

#endif
