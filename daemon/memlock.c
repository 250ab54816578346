/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "memlock.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* A sanitizer maps terabytes of shadow memory on demand: locking it would fault all of it in. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MEMLOCK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define MEMLOCK_SANITIZED 1
#endif
#endif

void
memlock_malloc_policy(void)
{
	/* setting it at all is what stops the dynamic adjustment (mallopt(3), M_MMAP_THRESHOLD) */
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

enum memlock_result
memlock_all(char *msg, size_t msglen)
{
	struct rlimit rl;
	bool unlimited;

#ifdef MEMLOCK_SANITIZED
	snprintf(msg, msglen, "memory not locked (a sanitizer build)");
	return MEMLOCK_NONE;
#endif
	unlimited = getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY;
	if (unlimited || geteuid() == 0) {
		if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
			snprintf(msg, msglen, "memory locked (current and future)");
			return MEMLOCK_ALL;
		}
	}
	if (mlockall(MCL_CURRENT) == 0) {
		snprintf(msg, msglen, "memory locked (current only: RLIMIT_MEMLOCK is limited)");
		return MEMLOCK_CURRENT;
	}
	snprintf(msg, msglen,
	         "memory not locked (%s; raise RLIMIT_MEMLOCK, e.g. the audio group's limits)",
	         strerror(errno));
	return MEMLOCK_NONE;
}
