/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Tries for a free temporary name: a clash needs another file of the same random name. */
#define TMP_TRIES 16

/* 64 bits for a temporary name nobody can guess in advance. */
static uint64_t
tmp_nonce(void)
{
	static uint64_t counter;
	uint64_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	/* no entropy yet (early boot): still unique within this process; O_EXCL does the rest */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ++counter ^
	       ((uint64_t)getpid() << 40);
}

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
	/* a new file of a name nobody could plant beforehand: O_EXCL refuses anything already
	 * there, a symlink included (it is never followed), so the write can only land in a file
	 * this call created */
	for (int i = 0;; i++) {
		snprintf(a->tmp, sizeof(a->tmp), "%s.tmp.%016llx", path,
		         (unsigned long long)tmp_nonce());
		a->fd = open(a->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (a->fd >= 0)
			break;
		ret = -errno;
		if (ret != -EEXIST || i + 1 == TMP_TRIES) {
			snprintf(err, errlen, "cannot create %s: %s", a->tmp, strerror(-ret));
			return ret;
		}
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
