/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring: a lock-free single-producer single-consumer queue of fixed-size records.
 *
 * One thread pushes, one thread pops; that is the whole contract. It carries commands from the
 * control thread to the JACK process thread and meter snapshots back. C11 atomics with
 * acquire/release ordering (jack_ringbuffer is not used: its 1.9.21 ordering is wrong on
 * weak-memory CPUs). push and pop never allocate, lock or block, so both ends are RT-safe.
 */
#ifndef MIXD_RING_H
#define MIXD_RING_H

#include <stdbool.h>
#include <stddef.h>

struct ring;

/* Control thread. Capacity is min_capacity rounded up to a power of two; elem_size is the
 * record size in bytes (1..256). Returns NULL on bad arguments or out of memory. The storage is
 * allocated and touched here, never later. */
struct ring *ring_new(size_t elem_size, size_t min_capacity);

/* Control thread, after both ends have stopped using it. NULL is accepted. */
void ring_free(struct ring *r);

/* Producer thread only. Copies one record in. Returns false, changing nothing, when full. */
bool ring_push(struct ring *r, const void *elem);

/* Consumer thread only. Copies the oldest record out. Returns false when empty. */
bool ring_pop(struct ring *r, void *elem);

/* Producer thread only. Copies up to n records from elems (n * elem_size contiguous bytes) in,
 * in order, with one release of the new head for all of them. Returns how many fit (0..n); the
 * rest are not queued. For streams (audio frames) where one ring_push per record costs too much. */
size_t ring_push_n(struct ring *r, const void *elems, size_t n);

/* Consumer thread only. Copies up to n of the oldest records out into elems, in order, with one
 * release of the new tail. Returns how many (0 when empty). */
size_t ring_pop_n(struct ring *r, void *elems, size_t n);

/* Any thread. The capacity in records (a power of two). */
size_t ring_capacity(const struct ring *r);

/* Any thread. Records currently queued; exact for the caller's own end, a snapshot otherwise. */
size_t ring_count(const struct ring *r);

#endif
