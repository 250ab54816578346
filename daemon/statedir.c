/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "statedir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Checks what lstat says of dir (a symlink to a directory is followed once: stat). */
static int
check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		int ret = -errno;
		snprintf(err, errlen, "state directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "state directory %s is not a directory", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
		         "state directory %s belongs to user %u, not to this one (%u): refusing it",
		         dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
		         "state directory %s can be written by others (mode %04o): refusing it "
		         "(chmod go-w %s)",
		         dir, (unsigned)(st.st_mode & 07777), dir);
		return -EPERM;
	}
	return 0;
}

int
statedir_prepare(const char *dir, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(tmp)) {
		snprintf(err, errlen, "state directory: bad path");
		return -ENAMETOOLONG;
	}
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST) {
			int ret = -errno;
			snprintf(err, errlen, "cannot create state directory %s: %s", tmp,
			         strerror(-ret));
			return ret;
		}
		*p = '/';
	}
	return statedir_prepare_sub(dir, err, errlen);
}

int
statedir_prepare_sub(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int ret = -errno;
		snprintf(err, errlen, "cannot create state directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	return check_dir(dir, err, errlen);
}

int
statedir_keep_bad(const char *path, char *out, size_t outlen)
{
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(out, outlen, "%s.bad", path);
		else
			snprintf(out, outlen, "%s.bad.%d", path, i);
		/* RENAME_NOREPLACE: atomic, so a copy made meanwhile is not replaced either */
		if (renameat2(AT_FDCWD, path, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}
