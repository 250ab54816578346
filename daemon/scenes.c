/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scenes.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "dispatch.h"
#include "scene.h"
#include "statedir.h"

#define SUFFIX ".scene"

struct scenes {
	struct model *m;
	struct dispatch *d;
	char dir[PATH_MAX]; /* STATE_DIR/scenes */
};

struct scenes *
scenes_new(struct model *m, struct dispatch *d, const char *state_dir)
{
	struct scenes *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (snprintf(s->dir, sizeof(s->dir), "%s/scenes", state_dir) >= (int)sizeof(s->dir)) {
		free(s);
		return NULL;
	}
	s->m = m;
	s->d = d;
	return s;
}

void
scenes_free(struct scenes *s)
{
	free(s);
}

/* The file of a valid name. Returns 0 or -EINVAL with err set. */
static int
scene_path(const struct scenes *s, const char *name, char *out, size_t n, char *err, size_t errlen)
{
	if (!scene_name_ok(name)) {
		snprintf(err, errlen, "bad scene name (1-64 of A-Z a-z 0-9 . _ -)");
		return -EINVAL;
	}
	snprintf(out, n, "%s/%s" SUFFIX, s->dir, name);
	return 0;
}

int
scenes_load(struct scenes *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 80];
	int ret = scene_path(s, name, path, sizeof(path), err, errlen);

	if (ret)
		return ret;
	/* strict: a scene names only addresses of this console, or it loads nothing */
	ret = scene_read(s->m, path, 0, err, errlen);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "no scene named %s", name);
	} else if (ret && !strncmp(err, path, strlen(path))) {
		/* the reply goes over the network: name the scene, not where the state lives */
		char tail[512];
		snprintf(tail, sizeof(tail), "%s", err + strlen(path));
		snprintf(err, errlen, "scene %s%s", name, tail);
	}
	return ret;
}

/* The scene files in the directory (SCENE_NAME.scene), counted up to SCENES_LIST_MAX. */
static unsigned
count_scenes(const struct scenes *s)
{
	DIR *dir = opendir(s->dir);
	struct dirent *de;
	unsigned n = 0;

	while (dir && n < SCENES_LIST_MAX && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (len > strlen(SUFFIX) && !strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX))
			n++;
	}
	if (dir)
		closedir(dir);
	return n;
}

int
scenes_save(struct scenes *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 80];
	int ret = scene_path(s, name, path, sizeof(path), err, errlen);

	if (ret)
		return ret;
	/* a quota: any allowed peer may save, and a flood of new names would fill the disk */
	if (access(path, F_OK) != 0 && count_scenes(s) >= SCENES_MAX) {
		snprintf(err, errlen,
		         "%d scenes already, the most a console keeps: delete one "
		         "first (/scene/delete NAME)",
		         SCENES_MAX);
		return -EDQUOT;
	}
	ret = statedir_prepare_sub(s->dir, err, errlen);
	if (ret) {
		/* the log gets the path; the reply goes over the network and does not */
		fprintf(stderr, "mixd: %s\n", err);
		snprintf(err, errlen, "the scenes directory is unusable (see mixd's log)");
		return ret;
	}
	ret = scene_write(s->m, path, err, errlen);
	if (ret) /* the reply goes over the network: not the state directory's path */
		snprintf(err, errlen, "cannot write scene %s: %s", name, strerror(-ret));
	return ret;
}

int
scenes_delete(struct scenes *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 80];
	int ret = scene_path(s, name, path, sizeof(path), err, errlen);

	if (ret)
		return ret;
	if (unlink(path) < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			snprintf(err, errlen, "no scene named %s", name);
		else
			snprintf(err, errlen, "cannot delete scene %s: %s", name, strerror(-ret));
		return ret;
	}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list(struct scenes *s, const struct osc_peer *from)
{
	char *names[SCENES_LIST_MAX];
	unsigned n = 0;
	struct dirent *de;
	DIR *dir = opendir(s->dir);

	/* no directory yet: no scenes, an empty list */
	while (dir && n < SCENES_LIST_MAX && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char name[SCENE_NAME_MAX + 1];

		if (len <= strlen(SUFFIX) || strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX) ||
		    len - strlen(SUFFIX) > SCENE_NAME_MAX)
			continue;
		memcpy(name, de->d_name, len - strlen(SUFFIX));
		name[len - strlen(SUFFIX)] = '\0';
		if (scene_name_ok(name) && (names[n] = strdup(name)))
			n++;
	}
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (unsigned i = 0; i < n; i++) {
		lo_message m = lo_message_new();
		if (m)
			lo_message_add_string(m, names[i]);
		dispatch_reply(s->d, from, "/scene/list", m);
		free(names[i]);
	}
	dispatch_reply(s->d, from, "/scene/list/end", lo_message_new());
}

bool
scenes_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
               lo_arg **argv, int argc)
{
	struct scenes *s = ctx;
	bool save = !strcmp(path, "/scene/save"), del = !strcmp(path, "/scene/delete");
	char err[512];
	lo_message m;
	int ret;

	if (!strcmp(path, "/scene/list")) {
		if (argc)
			dispatch_reply_error(s->d, from, path, "expected no argument");
		else
			list(s, from);
		return true;
	}
	if (!save && !del && strcmp(path, "/scene/load"))
		return false;
	if (argc != 1 || !osc_arg_is_string(types[0])) {
		dispatch_reply_error(s->d, from, path, "expected a scene name");
		return true;
	}
	ret = save  ? scenes_save(s, (const char *)argv[0], err, sizeof(err))
	      : del ? scenes_delete(s, (const char *)argv[0], err, sizeof(err))
	            : scenes_load(s, (const char *)argv[0], err, sizeof(err));
	if (ret) {
		dispatch_reply_error(s->d, from, path, err);
		return true;
	}
	m = lo_message_new();
	if (m)
		lo_message_add_string(m, (const char *)argv[0]);
	dispatch_reply(s->d, from, path, m);
	return true;
}
