/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit and stress tests for the SPSC ring. The stress cases run a real producer and consumer
 * thread and check every record's sequence number and payload on the consumer side, so a lost,
 * duplicated, reordered or torn record fails the test. Build them under ThreadSanitizer too.
 */
#include "ring.h"

#include "check_run.h"
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_RING_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TEST_RING_TSAN 1
#endif

/* TSan slows every atomic and memcpy by 20-50x; a million records each still exercises many
 * thousands of full/empty transitions there and keeps the run to a few seconds. */
#ifdef TEST_RING_TSAN
#define STRESS_RECORDS       1000000u
#define STRESS_SMALL_RECORDS 1000000u
#else
#define STRESS_RECORDS       10000000u
#define STRESS_SMALL_RECORDS 2000000u
#endif

/* Fill a record of elem_size bytes with a pattern unique to (seq, byte index). */
static void
fill_pattern(unsigned char *p, size_t elem_size, size_t seq)
{
	for (size_t i = 0; i < elem_size; i++)
		p[i] = (unsigned char)(seq * 31u + i * 7u + 1u);
}

START_TEST(test_new_rejects_bad_args)
{
	ck_assert_ptr_null(ring_new(0, 8));
	ck_assert_ptr_null(ring_new(257, 8));
	ck_assert_ptr_null(ring_new(8, 0));
	ck_assert_ptr_null(ring_new(SIZE_MAX, 8));
	/* Rounding SIZE_MAX up to a power of two overflows; so does capacity * elem_size. */
	ck_assert_ptr_null(ring_new(1, SIZE_MAX));
	ck_assert_ptr_null(ring_new(256, SIZE_MAX / 4));
}
END_TEST

START_TEST(test_new_accepts_limits)
{
	struct ring *r = ring_new(1, 1);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ring_capacity(r), 1);
	ring_free(r);
	r = ring_new(256, 2);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ring_capacity(r), 2);
	ring_free(r);
	ring_free(NULL);
}
END_TEST

START_TEST(test_capacity_rounding)
{
	static const size_t cases[][2] = {
		{ 1, 1 },  { 2, 2 },       { 3, 4 },       { 5, 8 },       { 8, 8 },
		{ 9, 16 }, { 1000, 1024 }, { 1024, 1024 }, { 1025, 2048 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ring *r = ring_new(4, cases[i][0]);

		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(ring_capacity(r), cases[i][1]);
		ck_assert_uint_eq(ring_count(r), 0);
		ring_free(r);
	}
}
END_TEST

START_TEST(test_empty_pop)
{
	struct ring *r = ring_new(8, 4);
	unsigned char out[8];
	unsigned char in[8];

	ck_assert_ptr_nonnull(r);
	memset(out, 0xa5, sizeof(out));
	ck_assert(!ring_pop(r, out));
	/* A failed pop must not write to the caller's buffer. */
	for (size_t i = 0; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xa5);

	/* Empty again after one round trip. */
	fill_pattern(in, sizeof(in), 1);
	ck_assert(ring_push(r, in));
	ck_assert(ring_pop(r, out));
	ck_assert_mem_eq(out, in, sizeof(in));
	memset(out, 0xa5, sizeof(out));
	ck_assert(!ring_pop(r, out));
	ck_assert_uint_eq(out[0], 0xa5);
	ck_assert_uint_eq(ring_count(r), 0);
	ring_free(r);
}
END_TEST

START_TEST(test_full_push_changes_nothing)
{
	enum { ELEM = 12, CAP = 16 };
	struct ring *r = ring_new(ELEM, CAP);
	unsigned char rec[ELEM];

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ring_capacity(r), CAP);
	for (size_t i = 0; i < CAP; i++) {
		fill_pattern(rec, ELEM, i);
		ck_assert(ring_push(r, rec));
		ck_assert_uint_eq(ring_count(r), i + 1);
	}
	/* Full: every further push fails and leaves the count and contents alone. */
	for (size_t i = 0; i < 3; i++) {
		fill_pattern(rec, ELEM, 1000 + i);
		ck_assert(!ring_push(r, rec));
		ck_assert_uint_eq(ring_count(r), CAP);
	}
	for (size_t i = 0; i < CAP; i++) {
		unsigned char want[ELEM];

		fill_pattern(want, ELEM, i);
		ck_assert(ring_pop(r, rec));
		ck_assert_mem_eq(rec, want, ELEM);
	}
	ck_assert(!ring_pop(r, rec));
	/* One slot freed after full: exactly one push fits again. */
	for (size_t i = 0; i < CAP; i++) {
		fill_pattern(rec, ELEM, i);
		ck_assert(ring_push(r, rec));
	}
	ck_assert(ring_pop(r, rec));
	ck_assert(ring_push(r, rec));
	ck_assert(!ring_push(r, rec));
	ring_free(r);
}
END_TEST

START_TEST(test_wraparound)
{
	/* An odd record size checks slot addressing; many laps check index masking. */
	enum { ELEM = 7, CAP = 8, LAPS = 1000 };
	struct ring *r = ring_new(ELEM, CAP);
	unsigned char rec[ELEM], want[ELEM];
	size_t next_in = 0, next_out = 0;

	ck_assert_ptr_nonnull(r);
	/* Varying batch sizes put the full and empty points at every slot offset. */
	for (size_t lap = 0; lap < LAPS; lap++) {
		size_t batch = lap % CAP + 1;

		for (size_t i = 0; i < batch; i++) {
			fill_pattern(rec, ELEM, next_in++);
			ck_assert(ring_push(r, rec));
		}
		ck_assert_uint_eq(ring_count(r), next_in - next_out);
		for (size_t i = 0; i < batch; i++) {
			fill_pattern(want, ELEM, next_out++);
			ck_assert(ring_pop(r, rec));
			ck_assert_mem_eq(rec, want, ELEM);
		}
		ck_assert_uint_eq(ring_count(r), 0);
	}
	ck_assert(!ring_pop(r, rec));
	ring_free(r);
}
END_TEST

START_TEST(test_count)
{
	struct ring *r = ring_new(4, 4);
	uint32_t v = 0;

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ring_count(r), 0);
	for (uint32_t i = 1; i <= 4; i++) {
		ck_assert(ring_push(r, &i));
		ck_assert_uint_eq(ring_count(r), i);
	}
	ck_assert(!ring_push(r, &v));
	ck_assert_uint_eq(ring_count(r), 4);
	ck_assert(ring_pop(r, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(ring_count(r), 3);
	/* Count stays right while the indices wrap past the mask. */
	for (uint32_t i = 5; i < 100; i++) {
		ck_assert(ring_push(r, &i));
		ck_assert_uint_eq(ring_count(r), 4);
		ck_assert(ring_pop(r, &v));
		ck_assert_uint_eq(v, i - 3);
		ck_assert_uint_eq(ring_count(r), 3);
	}
	while (ring_pop(r, &v))
		;
	ck_assert_uint_eq(ring_count(r), 0);
	ring_free(r);
}
END_TEST

/* Bulk push and pop: partial when full or short, in order across the wrap, one record at a time
 * and in runs mixing freely. */
START_TEST(test_bulk)
{
	struct ring *r = ring_new(sizeof(uint32_t), 8);
	uint32_t in[20], out[20], next_in, next_out;

	ck_assert_ptr_nonnull(r);
	/* record k carries k: what comes out must be 0, 1, 2, ... whatever the run lengths */
	for (uint32_t i = 0; i < 20; i++)
		in[i] = i;
	ck_assert_uint_eq(ring_pop_n(r, out, 5), 0);
	ck_assert_uint_eq(ring_push_n(r, in, 0), 0);
	/* 11 offered, 8 fit; a full ring takes nothing more */
	ck_assert_uint_eq(ring_push_n(r, in, 11), 8);
	ck_assert_uint_eq(ring_push_n(r, in + 8, 3), 0);
	ck_assert_uint_eq(ring_count(r), 8);
	ck_assert_uint_eq(ring_pop_n(r, out, 3), 3);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[2], 2);
	next_in = 8;
	next_out = 3;
	/* From here every run straddles the end of the buffer at some point. */
	for (unsigned round = 0; round < 200; round++) {
		uint32_t batch[7];
		size_t want = 1 + round % 7, got;

		for (size_t i = 0; i < want; i++)
			batch[i] = next_in + (uint32_t)i;
		got = ring_push_n(r, batch, want);
		ck_assert_uint_le(got, want);
		next_in += (uint32_t)got;
		if (round % 3 == 0) {
			uint32_t one = 0;
			if (ring_pop(r, &one)) {
				ck_assert_uint_eq(one, next_out);
				next_out++;
			}
		}
		got = ring_pop_n(r, out, 1 + (round * 5) % 9);
		for (size_t i = 0; i < got; i++, next_out++)
			ck_assert_uint_eq(out[i], next_out);
		ck_assert_uint_eq(ring_count(r), next_in - next_out);
	}
	ring_free(r);
}
END_TEST

/* --- two-thread stress ------------------------------------------------------------------- */

/* 16 bytes: the payload is derived from seq, so a torn or stale slot shows as a mismatch. */
struct stress_rec {
	uint64_t seq;
	uint64_t check;
};

struct stress {
	struct ring *r;
	uint64_t n;
	/* ring_push_n / ring_pop_n in runs of varying length instead of one record at a time */
	bool bulk;
	/* Written by the producer only, read after join. */
	uint64_t full_spins;
	/* Written by the consumer only, read after join: the first failure, if any. */
	uint64_t empty_spins;
	uint64_t received;
	int bad;
	uint64_t bad_at;
	uint64_t bad_seq;
	uint64_t bad_check;
	size_t max_count;
};

/* splitmix64 finaliser: every bit of seq affects every bit of the check word. */
static uint64_t
stress_check(uint64_t seq)
{
	uint64_t z = seq + 0x9e3779b97f4a7c15u;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

#define STRESS_RUN_MAX 37

static void *
stress_producer(void *arg)
{
	struct stress *s = arg;
	struct stress_rec run[STRESS_RUN_MAX];

	for (uint64_t i = 0; i < s->n;) {
		/* one record, or a run of 1..37 (co-prime with the capacities: runs wrap anywhere)
		 */
		size_t want = s->bulk ? 1 + i % STRESS_RUN_MAX : 1, got;

		if (want > s->n - i)
			want = (size_t)(s->n - i);
		for (size_t k = 0; k < want; k++)
			run[k] = (struct stress_rec){ .seq = i + k, .check = stress_check(i + k) };
		got = s->bulk ? ring_push_n(s->r, run, want) : ring_push(s->r, run);
		if (!got) {
			s->full_spins++;
			sched_yield();
		}
		i += got;
	}
	return NULL;
}

static void *
stress_consumer(void *arg)
{
	struct stress *s = arg;

	/* No ck_assert here: Check's failure path is not meant for non-main threads. */
	while (s->received < s->n) {
		struct stress_rec run[STRESS_RUN_MAX];
		size_t count = ring_count(s->r), got;

		if (count > s->max_count)
			s->max_count = count;
		got = s->bulk ? ring_pop_n(s->r, run, 1 + s->received % 29) : ring_pop(s->r, run);
		if (!got) {
			s->empty_spins++;
			sched_yield();
			continue;
		}
		for (size_t k = 0; k < got; k++) {
			const struct stress_rec *rec = &run[k];

			if (!s->bad &&
			    (rec->seq != s->received || rec->check != stress_check(rec->seq))) {
				s->bad = 1;
				s->bad_at = s->received;
				s->bad_seq = rec->seq;
				s->bad_check = rec->check;
			}
			s->received++;
		}
	}
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
run_stress(const char *name, size_t capacity, uint64_t n, bool bulk)
{
	struct stress s = { .n = n, .bulk = bulk };
	pthread_t prod, cons;
	struct stress_rec rec;
	double t0, dt;

	s.r = ring_new(sizeof(struct stress_rec), capacity);
	ck_assert_ptr_nonnull(s.r);
	t0 = now_s();
	ck_assert_int_eq(pthread_create(&cons, NULL, stress_consumer, &s), 0);
	ck_assert_int_eq(pthread_create(&prod, NULL, stress_producer, &s), 0);
	ck_assert_int_eq(pthread_join(prod, NULL), 0);
	ck_assert_int_eq(pthread_join(cons, NULL), 0);
	dt = now_s() - t0;

	fprintf(stderr,
	        "%s: %llu records, capacity %zu, %.3f s, %.2f M records/s, "
	        "full spins %llu, empty spins %llu\n",
	        name, (unsigned long long)n, ring_capacity(s.r), dt, (double)n / dt * 1e-6,
	        (unsigned long long)s.full_spins, (unsigned long long)s.empty_spins);
	ck_assert_msg(!s.bad, "record %llu: got seq %llu check %llx, want seq %llu check %llx",
	              (unsigned long long)s.bad_at, (unsigned long long)s.bad_seq,
	              (unsigned long long)s.bad_check, (unsigned long long)s.bad_at,
	              (unsigned long long)stress_check(s.bad_at));
	ck_assert_uint_eq(s.received, n);
	ck_assert_uint_le(s.max_count, ring_capacity(s.r));
	ck_assert(!ring_pop(s.r, &rec));
	ck_assert_uint_eq(ring_count(s.r), 0);
	ring_free(s.r);
}

START_TEST(test_stress)
{
	run_stress("stress", 1024, STRESS_RECORDS, false);
}
END_TEST

START_TEST(test_stress_bulk)
{
	run_stress("stress_bulk", 1024, STRESS_RECORDS, true);
}
END_TEST

START_TEST(test_stress_small)
{
	/* Four slots: the ring flips between full and empty all the time. */
	run_stress("stress_small", 4, STRESS_SMALL_RECORDS, false);
}
END_TEST

START_TEST(test_stress_bulk_small)
{
	/* Runs up to 37 into 8 slots: nearly every push and pop is partial. */
	run_stress("stress_bulk_small", 8, STRESS_SMALL_RECORDS, true);
}
END_TEST

static Suite *
ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("basic");
	TCase *ts = tcase_create("stress");

	tcase_add_test(tc, test_new_rejects_bad_args);
	tcase_add_test(tc, test_new_accepts_limits);
	tcase_add_test(tc, test_capacity_rounding);
	tcase_add_test(tc, test_empty_pop);
	tcase_add_test(tc, test_full_push_changes_nothing);
	tcase_add_test(tc, test_wraparound);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_bulk);
	suite_add_tcase(s, tc);

	/* Check's default is 4 s per test; a loaded CI machine under a sanitizer needs slack. */
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_stress);
	tcase_add_test(ts, test_stress_small);
	tcase_add_test(ts, test_stress_bulk);
	tcase_add_test(ts, test_stress_bulk_small);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	return check_run(ring_suite());
}
