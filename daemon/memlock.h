/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memlock: mixd's memory locked into RAM, so that the audio thread never waits for a page to
 * come back from swap (or be faulted in for the first time) in the middle of a period.
 */
#ifndef MIXD_MEMLOCK_H
#define MIXD_MEMLOCK_H

#include <stddef.h>

enum memlock_result {
	MEMLOCK_NONE,    /* not allowed (RLIMIT_MEMLOCK too small, no privilege): nothing locked */
	MEMLOCK_CURRENT, /* what is mapped now; later mappings (JACK's ports) are not */
	MEMLOCK_ALL,     /* now and every later mapping */
};

/* Control thread, after every buffer of the audio path is allocated and before the JACK client
 * is activated. Locks all of the process's memory, current and future, when the memlock limit
 * allows it (root, or an unlimited limit as the audio group gets); with a smaller limit, only
 * what is mapped now when that fits, because locking future mappings against a small limit
 * would make later allocations fail. Says what it did in msg. Never fails: mixd runs unlocked
 * rather than not at all. */
enum memlock_result memlock_all(char *msg, size_t msglen);

/* Main thread, first thing, before any large allocation. Fixes malloc's mmap threshold at its
 * initial 128 KiB. glibc otherwise raises the threshold to the size of the first large block
 * freed, so after a JACK server restart (mixd frees and makes its client's buffers again) the
 * next ones come from the heap, where they stay once freed: RssAnon stepped up 1.4 MiB at the
 * second restart and never came back, which an hour's soak with a restart every 10 minutes
 * reads as growth. With the threshold fixed, large blocks are mapped and unmapped whole.
 * Never fails (a refused setting leaves glibc's default). */
void memlock_malloc_policy(void);

#endif
