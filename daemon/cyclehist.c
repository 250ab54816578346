/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cyclehist.h"

void
cyclehist_init(struct cyclehist *h)
{
	for (unsigned b = 0; b < CYCLEHIST_BUCKETS; b++) {
		atomic_store_explicit(&h->count[b], 0, memory_order_relaxed);
		h->base[b] = 0;
	}
}

void
cyclehist_window_start(struct cyclehist *h)
{
	for (unsigned b = 0; b < CYCLEHIST_BUCKETS; b++)
		h->base[b] = (uint32_t)atomic_load_explicit(&h->count[b], memory_order_relaxed);
}

/* The upper edge of the bucket holding the q-th callback (q in 1..n), in ns. */
static uint64_t
rank_ns(const uint32_t *d, uint64_t q)
{
	uint64_t seen = 0;

	for (unsigned b = 0; b < CYCLEHIST_BUCKETS; b++) {
		seen += d[b];
		if (seen >= q)
			return (b + 1) * 1000ull;
	}
	return CYCLEHIST_BUCKETS * 1000ull;
}

void
cyclehist_read(const struct cyclehist *h, struct cyclehist_reading *out)
{
	static uint32_t d[CYCLEHIST_BUCKETS]; /* control thread only: not on the stack */
	uint64_t n = 0;

	for (unsigned b = 0; b < CYCLEHIST_BUCKETS; b++) {
		/* unsigned difference: right across a 32-bit wrap of a bucket */
		d[b] =
		    (uint32_t)atomic_load_explicit(&h->count[b], memory_order_relaxed) - h->base[b];
		n += d[b];
	}
	*out = (struct cyclehist_reading){ .cycles = n };
	if (!n)
		return;
	/* nearest rank: the smallest time that at least a fraction p of callbacks stayed under */
	out->p50_ns = rank_ns(d, (n * 500 + 999) / 1000);
	out->p99_ns = rank_ns(d, (n * 990 + 999) / 1000);
	out->p999_ns = rank_ns(d, (n * 999 + 999) / 1000);
	out->max_ns = rank_ns(d, n);
}
