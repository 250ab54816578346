/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cyclehist: percentiles by nearest rank over a known distribution, reported as the upper edge
 * of the 1 µs bucket (so never below the true time), the window, the overflow bucket, and
 * counts that wrap 32 bits.
 *
 * Nearest rank: the p-quantile of n callbacks is the ceil(p * n)-th smallest.
 */
#include "check_run.h"

#include <stdint.h>
#include <stdlib.h>

#include "cyclehist.h"

static struct cyclehist *h;

static void
setup(void)
{
	h = malloc(sizeof(*h));
	ck_assert_ptr_nonnull(h);
	cyclehist_init(h);
}

static void
teardown(void)
{
	free(h);
}

static void
add_n(uint64_t ns, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		cyclehist_add(h, ns);
}

static struct cyclehist_reading
reading(void)
{
	struct cyclehist_reading r;

	cyclehist_read(h, &r);
	return r;
}

START_TEST(empty_reads_zero)
{
	struct cyclehist_reading r = reading();

	ck_assert_uint_eq(r.cycles, 0);
	ck_assert_uint_eq(r.p50_ns, 0);
	ck_assert_uint_eq(r.p99_ns, 0);
	ck_assert_uint_eq(r.p999_ns, 0);
	ck_assert_uint_eq(r.max_ns, 0);
}
END_TEST

/* 999 callbacks of 10 µs and one of 500 µs: rank ceil(0.999 * 1000) = 999 is a 10 µs one, so
 * p99.9 is 10 µs's bucket [10, 11) µs, read as its upper edge, 11 µs; only the max sees 500. */
START_TEST(one_slow_in_a_thousand)
{
	struct cyclehist_reading r;

	add_n(10000, 999);
	add_n(500000, 1);
	r = reading();
	ck_assert_uint_eq(r.cycles, 1000);
	ck_assert_uint_eq(r.p50_ns, 11000);
	ck_assert_uint_eq(r.p99_ns, 11000);
	ck_assert_uint_eq(r.p999_ns, 11000);
	ck_assert_uint_eq(r.max_ns, 501000);

	/* a second slow one is rank 999: p99.9 now sees it */
	cyclehist_window_start(h);
	add_n(10000, 998);
	add_n(500000, 2);
	r = reading();
	ck_assert_uint_eq(r.cycles, 1000);
	ck_assert_uint_eq(r.p999_ns, 501000);
	ck_assert_uint_eq(r.p99_ns, 11000);
}
END_TEST

/* The ranks round up: with 1001 callbacks p99.9 is rank ceil(999.999) = 1000, p99 rank
 * ceil(990.99) = 991, p50 rank ceil(500.5) = 501. Each callback in its own bucket k µs
 * (k = 1..1001) makes the rank readable: rank q reads (q + 1) µs. */
START_TEST(ranks_round_up)
{
	struct cyclehist_reading r;

	for (unsigned k = 1; k <= 1001; k++)
		cyclehist_add(h, k * 1000ull + 999); /* just below the next edge: same bucket */
	r = reading();
	ck_assert_uint_eq(r.cycles, 1001);
	ck_assert_uint_eq(r.p50_ns, 502000);
	ck_assert_uint_eq(r.p99_ns, 992000);
	ck_assert_uint_eq(r.p999_ns, 1001000);
	ck_assert_uint_eq(r.max_ns, 1002000);

	/* exactly 1000: ranks 500, 990, 999 */
	cyclehist_window_start(h);
	for (unsigned k = 1; k <= 1000; k++)
		cyclehist_add(h, k * 1000ull);
	r = reading();
	ck_assert_uint_eq(r.p50_ns, 501000);
	ck_assert_uint_eq(r.p99_ns, 991000);
	ck_assert_uint_eq(r.p999_ns, 1000000);
	ck_assert_uint_eq(r.max_ns, 1001000);
}
END_TEST

/* The edges: a reading is never below the time measured, and at most 1 µs above it. */
START_TEST(bucket_edges)
{
	static const uint64_t ns[] = { 0, 1, 999, 1000, 1001, 9999, 10000, 1332999, 1333000 };

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct cyclehist_reading r;

		cyclehist_window_start(h);
		cyclehist_add(h, ns[i]);
		r = reading();
		ck_assert_uint_eq(r.cycles, 1);
		ck_assert_uint_eq(r.max_ns, (ns[i] / 1000 + 1) * 1000);
		ck_assert_uint_gt(r.max_ns, ns[i]);
		ck_assert_uint_le(r.max_ns, ns[i] + 1000);
		ck_assert_uint_eq(r.p50_ns, r.max_ns);
	}
}
END_TEST

/* A window holds only what was added since it started. */
START_TEST(window_start)
{
	struct cyclehist_reading r;

	add_n(900000, 50); /* a bad stretch before the window */
	add_n(20000, 1000);
	cyclehist_window_start(h);
	r = reading();
	ck_assert_uint_eq(r.cycles, 0);
	ck_assert_uint_eq(r.max_ns, 0);
	add_n(30000, 10);
	add_n(20000, 10);
	r = reading();
	ck_assert_uint_eq(r.cycles, 20);
	ck_assert_uint_eq(r.p50_ns, 21000);
	ck_assert_uint_eq(r.max_ns, 31000);
	/* reading does not start a window */
	add_n(40000, 1);
	r = reading();
	ck_assert_uint_eq(r.cycles, 21);
	ck_assert_uint_eq(r.max_ns, 41000);
}
END_TEST

/* Callbacks longer than the histogram land in the last bucket and read as its upper edge. */
START_TEST(overflow_bucket)
{
	struct cyclehist_reading r;

	add_n(5000, 10);
	cyclehist_add(h, (CYCLEHIST_BUCKETS - 1) * 1000ull); /* the last bucket's own range */
	cyclehist_add(h, CYCLEHIST_BUCKETS * 1000ull);       /* just past it */
	cyclehist_add(h, 50000000ull);                       /* 50 ms */
	cyclehist_add(h, UINT64_MAX);
	r = reading();
	ck_assert_uint_eq(r.cycles, 14);
	ck_assert_uint_eq(r.max_ns, CYCLEHIST_BUCKETS * 1000ull);
	ck_assert_uint_eq(r.p50_ns, 6000);
	ck_assert_uint_eq(atomic_load(&h->count[CYCLEHIST_BUCKETS - 1]), 4);
}
END_TEST

/* A bucket's count that wraps 32 bits between the window's start and the reading still reads
 * right. */
START_TEST(count_wraps)
{
	struct cyclehist_reading r;

	atomic_store(&h->count[7], 0xfffffff0u);
	cyclehist_window_start(h);
	add_n(7500, 32);
	r = reading();
	ck_assert_uint_eq(r.cycles, 32);
	ck_assert_uint_eq(r.max_ns, 8000);
}
END_TEST

static Suite *
cyclehist_suite(void)
{
	Suite *s = suite_create("cyclehist");
	TCase *tc = tcase_create("cyclehist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_reads_zero);
	tcase_add_test(tc, one_slow_in_a_thousand);
	tcase_add_test(tc, ranks_round_up);
	tcase_add_test(tc, bucket_edges);
	tcase_add_test(tc, window_start);
	tcase_add_test(tc, overflow_bucket);
	tcase_add_test(tc, count_wraps);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(cyclehist_suite());
}
