/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * web_files: the page's files, read once at start from one directory and served from memory:
 * no request touches the file system, so no path a client sends can reach outside the page.
 * Only names of [a-z0-9._-] with a known type, at most WEB_MAX_FILES of at most WEB_FILE_MAX
 * bytes, WEB_FILES_MAX in all.
 */
#include "web_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
ctype_of(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".json", "application/json" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return NULL;
}

/* A name the page may have: [a-z0-9._-], not starting with a dot, with a known type. */
static bool
file_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(((struct web_file *)0)->name) || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '.' || name[i] == '_' || name[i] == '-'))
			return false;
	return ctype_of(name) != NULL;
}

static int
read_file(int dfd, const char *name, char **data, size_t *len)
{
	struct stat st;
	ssize_t got;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > WEB_FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	*data = malloc((size_t)st.st_size + 1);
	if (!*data) {
		close(fd);
		return -ENOMEM;
	}
	got = read(fd, *data, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(*data);
		return -EIO;
	}
	*len = (size_t)got;
	return 0;
}

unsigned
web_files_load(struct web *w, const char *dir)
{
	size_t total = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)) && w->n_files < WEB_MAX_FILES) {
		struct web_file *f = &w->files[w->n_files];

		if (!file_name_ok(e->d_name))
			continue;
		if (read_file(dirfd(d), e->d_name, &f->data, &f->len) < 0)
			continue;
		if (total + f->len > WEB_FILES_MAX) {
			free(f->data);
			break;
		}
		total += f->len;
		snprintf(f->name, sizeof(f->name), "%s", e->d_name);
		f->ctype = ctype_of(f->name);
		w->n_files++;
	}
	closedir(d);
	for (unsigned i = 0; i < w->n_files; i++)
		if (!strcmp(w->files[i].name, "index.html")) {
			snprintf(w->root, sizeof(w->root), "%s", dir);
			return w->n_files;
		}
	for (unsigned i = 0; i < w->n_files; i++)
		free(w->files[i].data);
	w->n_files = 0;
	return 0;
}

const struct web_file *
web_files_find(const struct web *w, const char *name)
{
	for (unsigned i = 0; i < w->n_files; i++)
		if (!strcmp(w->files[i].name, name))
			return &w->files[i];
	return NULL;
}

void
web_files_free(struct web *w)
{
	for (unsigned i = 0; i < w->n_files; i++)
		free(w->files[i].data);
	w->n_files = 0;
}
