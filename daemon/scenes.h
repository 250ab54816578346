/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenes: named scenes in STATE_DIR/scenes/NAME.scene (design.md §3, §4).
 *
 *   /scene/save s:name   writes the whole console; reply /scene/save s:name
 *   /scene/load s:name   validates every line, then applies all of it or nothing; reply
 *                        /scene/load s:name. The values glide to the scene through each
 *                        parameter's own smoothing, so a recall does not click.
 *   /scene/list          one /scene/list s:name per scene, sorted, then /scene/list/end
 *
 * Names are [A-Za-z0-9._-]{1,64} and not "." or "..": no name reaches outside the scenes
 * directory. Anything wrong gets /error s:address s:reason (for a bad file, the line).
 */
#ifndef MIXD_SCENES_H
#define MIXD_SCENES_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stddef.h>

#include "server.h"

/* Names a /scene/list reply carries at most (files put there by hand included). */
#define SCENES_LIST_MAX 1000
/* Scenes /scene/save keeps at most: a new name past it is refused (-EDQUOT); saving over an
 * existing scene always works. */
#define SCENES_MAX 256

struct model;
struct dispatch;
struct scenes;

/* Control thread. state_dir is copied. Returns NULL when out of memory or the path is too long. */
struct scenes *scenes_new(struct model *m, struct dispatch *d, const char *state_dir);
void scenes_free(struct scenes *s);

/* Control thread. Loads scene `name` into the model (all or nothing). Returns 0, -EINVAL for a
 * bad name or file (err says which line), -ENOENT for no such scene, or -errno. */
int scenes_load(struct scenes *s, const char *name, char *err, size_t errlen);

/* Control thread. Saves the console as scene `name`, atomically. Returns 0, -EINVAL for a bad
 * name, -EDQUOT for a new name when SCENES_MAX scenes exist, or -errno with err set. */
int scenes_save(struct scenes *s, const char *name, char *err, size_t errlen);

/* Control thread. Deletes scene `name`. Returns 0, -EINVAL for a bad name, -ENOENT for no such
 * scene, or -errno with err set. */
int scenes_delete(struct scenes *s, const char *name, char *err, size_t errlen);

/* Control thread. A dispatch handler for /scene/save, /scene/load, /scene/delete and
 * /scene/list; false for any other path. */
bool scenes_message(void *s, const struct osc_peer *from, const char *path, const char *types,
                    lo_arg **argv, int argc);

#endif
