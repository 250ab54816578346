/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int
atomic_file_open(struct atomic_file *a, const char *path, mode_t mode, bool stdio, char *err,
                 size_t errlen)
{
	int ret;

	a->fd = -1;
	a->f = NULL;
	if (snprintf(a->path, sizeof(a->path), "%s", path) >= (int)sizeof(a->path)) {
		snprintf(err, errlen, "path too long: %.200s...", path);
		return -ENAMETOOLONG;
	}
	snprintf(a->tmp, sizeof(a->tmp), "%s.tmp.%ld", path, (long)getpid());
	a->fd = open(a->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (a->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create %s: %s", a->tmp, strerror(-ret));
		return ret;
	}
	if (stdio) {
		a->f = fdopen(a->fd, "w");
		if (!a->f) {
			ret = -errno;
			snprintf(err, errlen, "cannot write %s: %s", a->tmp, strerror(-ret));
			atomic_file_abort(a);
			return ret;
		}
	}
	return 0;
}

void
atomic_file_abort(struct atomic_file *a)
{
	if (a->f)
		fclose(a->f); /* closes fd too */
	else if (a->fd >= 0)
		close(a->fd);
	a->f = NULL;
	a->fd = -1;
	unlink(a->tmp);
}

/* fsync of the directory holding path, so the rename itself survives a crash. */
static int
sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int
atomic_file_commit(struct atomic_file *a, char *err, size_t errlen)
{
	int ret = 0;

	if (a->f && fflush(a->f) != 0)
		ret = -errno;
	if (!ret && fsync(a->fd) != 0)
		ret = -errno;
	/* close even after an error; a close that fails (NFS) loses the data too */
	if ((a->f ? fclose(a->f) : close(a->fd)) != 0 && !ret)
		ret = -errno;
	a->f = NULL;
	a->fd = -1;
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", a->tmp, strerror(-ret));
		unlink(a->tmp);
		return ret;
	}
	if (rename(a->tmp, a->path) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot rename %s to %s: %s", a->tmp, a->path,
		         strerror(-ret));
		unlink(a->tmp);
		return ret;
	}
	ret = sync_dir_of(a->path);
	if (ret)
		snprintf(err, errlen, "cannot sync the directory of %s: %s", a->path,
		         strerror(-ret));
	return ret;
}
