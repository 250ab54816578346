/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cyclehist: how long the process callback takes, as a histogram the RT thread fills and the
 * control thread reads, for the worst and 99.9th-percentile callback time (/stats).
 *
 * 1 µs buckets up to CYCLEHIST_BUCKETS µs (a 64-frame period at 48 kHz is 1333 µs), the last
 * bucket holding everything longer. The RT side only increments relaxed atomics: one writer, no
 * lock, no allocation. The reader measures over a window: cyclehist_window_start copies the
 * counts, and the percentiles are taken over what was added since.
 */
#ifndef MIXD_CYCLEHIST_H
#define MIXD_CYCLEHIST_H

#include <stdatomic.h>
#include <stdint.h>

#define CYCLEHIST_BUCKETS 8192

struct cyclehist {
	atomic_uint_fast32_t count[CYCLEHIST_BUCKETS];
	uint32_t base[CYCLEHIST_BUCKETS]; /* counts at the window's start (control thread) */
};

/* RT thread. Counts one callback of ns nanoseconds. */
static inline void
cyclehist_add(struct cyclehist *h, uint64_t ns)
{
	uint64_t b = ns / 1000u;

	if (b >= CYCLEHIST_BUCKETS)
		b = CYCLEHIST_BUCKETS - 1;
	/* one writer: a plain load and store, no locked read-modify-write on the RT path */
	atomic_store_explicit(&h->count[b],
	                      atomic_load_explicit(&h->count[b], memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

struct cyclehist_reading {
	uint64_t cycles;                          /* callbacks in the window */
	uint64_t p50_ns, p99_ns, p999_ns, max_ns; /* upper edges of the buckets, µs resolution */
};

/* Control thread, before the RT thread runs: zeroes the counts and touches every page they
 * live on, so the first callbacks do not take page faults. */
void cyclehist_init(struct cyclehist *h);

/* Control thread. Starts a new window. */
void cyclehist_window_start(struct cyclehist *h);

/* Control thread. Percentiles over the current window; all zero when it holds no callback. */
void cyclehist_read(const struct cyclehist *h, struct cyclehist_reading *out);

#endif
