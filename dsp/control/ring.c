/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring: SPSC queue of fixed-size records (contract in ring.h).
 *
 * Indices run freely over the whole size_t range and are masked only to address a slot, so
 * "full" (head - tail == capacity) and "empty" (head == tail) need no spare slot and unsigned
 * wrap-around of size_t is harmless. Each end owns one index and writes it; the other end only
 * reads it. Each end also keeps a private copy of the other end's index and reloads it only when
 * the copy says full (producer) or empty (consumer): in the steady state the two cores then
 * touch the other side's cache line once per batch, not once per record.
 */
#include "ring.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RING_CACHE_LINE 64
#define RING_ELEM_MAX   256

struct ring {
	/* Written once in ring_new, read by both ends: shares no line with moving indices. */
	unsigned char *buf;
	size_t elem_size;
	size_t mask;

	/* Producer's line: head is written only here; tail_cache is producer-private. */
	alignas(RING_CACHE_LINE) _Atomic size_t head;
	size_t tail_cache;

	/* Consumer's line: tail is written only here; head_cache is consumer-private. */
	alignas(RING_CACHE_LINE) _Atomic size_t tail;
	size_t head_cache;
};

/* sizeof is a multiple of the alignment, so the storage placed after the struct starts on a
 * fresh cache line and shares none with the consumer's index. */
_Static_assert(sizeof(struct ring) % RING_CACHE_LINE == 0, "ring storage must be line-aligned");

struct ring *
ring_new(size_t elem_size, size_t min_capacity)
{
	struct ring *r;
	size_t cap = 1;
	size_t bytes, total;

	if (elem_size == 0 || elem_size > RING_ELEM_MAX || min_capacity == 0)
		return NULL;
	/* Round up to a power of two; stop before the top bit would shift out. */
	while (cap < min_capacity) {
		if (cap > SIZE_MAX / 2)
			return NULL;
		cap <<= 1;
	}
	if (cap > (SIZE_MAX - sizeof(*r)) / elem_size)
		return NULL;
	bytes = cap * elem_size;
	/* aligned_alloc in C11 wants a size that is a multiple of the alignment. */
	total = sizeof(*r) + bytes;
	if (total % RING_CACHE_LINE) {
		if (total > SIZE_MAX - RING_CACHE_LINE)
			return NULL;
		total += RING_CACHE_LINE - total % RING_CACHE_LINE;
	}

	/* aligned_alloc, not malloc: the struct needs line alignment, and gcc may fold
	 * malloc + memset(0) into calloc, which hands back untouched copy-on-write zero pages. */
	r = aligned_alloc(RING_CACHE_LINE, total);
	if (!r)
		return NULL;
	/* Touch every page now so the RT end never takes a first-write page fault. */
	memset(r, 0, total);

	r->buf = (unsigned char *)(r + 1);
	r->elem_size = elem_size;
	r->mask = cap - 1;
	/* Plain initialisation, no ordering: the other threads get the pointer through something
	 * that already synchronises (thread creation, a release store), which orders these too. */
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	/* Lock-free atomics or nothing: a lock inside libatomic would make push/pop block. */
	if (!atomic_is_lock_free(&r->head)) {
		free(r);
		return NULL;
	}
	return r;
}

void
ring_free(struct ring *r)
{
	free(r);
}

bool
ring_push(struct ring *r, const void *elem)
{
	/* Relaxed: only this thread ever writes head, so it reads its own latest value. */
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	if (head - r->tail_cache > r->mask) {
		/* Acquire: pairs with the consumer's release of tail, so its copy-out of the slot
		 * we are about to overwrite has finished before our memcpy below. */
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head - r->tail_cache > r->mask)
			return false;
	}
	memcpy(r->buf + (head & r->mask) * r->elem_size, elem, r->elem_size);
	/* Release: the record's bytes become visible before the consumer can see the new head. */
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

bool
ring_pop(struct ring *r, void *elem)
{
	/* Relaxed: only this thread ever writes tail, so it reads its own latest value. */
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (tail == r->head_cache) {
		/* Acquire: pairs with the producer's release of head, so the record's bytes it
		 * wrote are visible to our memcpy below. */
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
		if (tail == r->head_cache)
			return false;
	}
	memcpy(elem, r->buf + (tail & r->mask) * r->elem_size, r->elem_size);
	/* Release: our copy-out is complete before the producer can see the slot as free. */
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return true;
}

/* How many of n records starting at index i fit before the end of the buffer: a run of n
 * records is that many from slot i on, then the rest from slot 0. */
static size_t
run_before_wrap(const struct ring *r, size_t i, size_t n)
{
	size_t to_end = r->mask + 1 - (i & r->mask);

	return n < to_end ? n : to_end;
}

size_t
ring_push_n(struct ring *r, const void *elems, size_t n)
{
	/* Relaxed: only this thread ever writes head. */
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t room = r->mask + 1 - (head - r->tail_cache), first;

	if (room < n) {
		/* Acquire: as in ring_push, the consumer's copy-out of the slots we reuse is done.
		 */
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		room = r->mask + 1 - (head - r->tail_cache);
	}
	if (n > room)
		n = room;
	if (n == 0)
		return 0;
	first = run_before_wrap(r, head, n);
	memcpy(r->buf + (head & r->mask) * r->elem_size, elems, first * r->elem_size);
	memcpy(r->buf, (const unsigned char *)elems + first * r->elem_size,
	       (n - first) * r->elem_size);
	/* Release: all n records' bytes are visible before the consumer sees the new head. */
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

size_t
ring_pop_n(struct ring *r, void *elems, size_t n)
{
	/* Relaxed: only this thread ever writes tail. */
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t avail = r->head_cache - tail, first;

	if (avail < n) {
		/* Acquire: as in ring_pop, the producer's bytes for these records are visible. */
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
		avail = r->head_cache - tail;
	}
	if (n > avail)
		n = avail;
	if (n == 0)
		return 0;
	first = run_before_wrap(r, tail, n);
	memcpy(elems, r->buf + (tail & r->mask) * r->elem_size, first * r->elem_size);
	memcpy((unsigned char *)elems + first * r->elem_size, r->buf, (n - first) * r->elem_size);
	/* Release: our copy-out is complete before the producer can reuse these slots. */
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return n;
}

size_t
ring_capacity(const struct ring *r)
{
	return r->mask + 1;
}

size_t
ring_count(const struct ring *r)
{
	/* Acquire, and tail before head: the consumer read a head >= this tail before releasing it,
	 * so the head loaded next is at least that large and the difference cannot underflow. */
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	/* Acquire for symmetry with the ends; only the value matters here, no data is read. */
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t n = head - tail;

	/* From a third thread, pushes between the two loads can make the snapshot exceed what
	 * ever coexisted in the ring; clamp so callers never see more than the capacity. */
	return n > r->mask ? r->mask + 1 : n;
}
