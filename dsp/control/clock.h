/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock: monotonic time in nanoseconds, the one time base of mixd and its tools. */
#ifndef MIXD_CLOCK_H
#define MIXD_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Any thread, RT included: CLOCK_MONOTONIC is served by the vDSO, not a system call. */
static inline uint64_t
clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
