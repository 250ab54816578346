/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statedir: the state directory (design.md §4) made safe to write into, and a state file that
 * cannot be loaded moved aside without ever replacing an earlier copy.
 *
 * mixd writes its state, scenes and automation there, so whoever can write the directory can
 * plant files for mixd to write through or to load. A directory another user owns, or one that
 * its group or everyone may write, is refused (as ssh refuses a writable ~/.ssh); so is a path
 * that is not a directory.
 */
#ifndef MIXD_STATEDIR_H
#define MIXD_STATEDIR_H

#include <stddef.h>

/* Control thread. Creates dir and its missing parents (mode 0700), then checks dir: a
 * directory, owned by this user, not writable by group or others. Returns 0, or -errno with
 * the reason and the fix in err: -ENOTDIR, -EPERM (owner or mode), or mkdir's/stat's error. */
int statedir_prepare(const char *dir, char *err, size_t errlen);

/* Control thread. The same check for a subdirectory mixd creates itself (scenes/,
 * automation/): created 0700 when missing. Returns as statedir_prepare. */
int statedir_prepare_sub(const char *dir, char *err, size_t errlen);

/* Control thread. Moves path aside to path.bad, or path.bad.1 ... path.bad.99 when those exist
 * (never replacing one: an earlier bad copy may be the only one of a good state). Returns 0
 * with the new name in out, or -errno (-EEXIST when all hundred names are taken). */
int statedir_keep_bad(const char *path, char *out, size_t outlen);

#endif
