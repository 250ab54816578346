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

#define ANY UINT64_MAX /* a field assert_reading does not check */

/* Reads the window and checks each field that is not ANY. */
static void
assert_reading(uint64_t cycles, uint64_t p50_ns, uint64_t p99_ns, uint64_t p999_ns, uint64_t max_ns)
{
	const struct cyclehist_reading r = reading();
	const struct {
		const char *name;
		uint64_t got, want;
	} f[] = {
		{ "cycles", r.cycles, cycles }, { "p50_ns", r.p50_ns, p50_ns },
		{ "p99_ns", r.p99_ns, p99_ns }, { "p999_ns", r.p999_ns, p999_ns },
		{ "max_ns", r.max_ns, max_ns },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		ck_assert_msg(f[i].want == ANY || f[i].got == f[i].want, "%s: %llu, expected %llu",
		              f[i].name, (unsigned long long)f[i].got,
		              (unsigned long long)f[i].want);
}

START_TEST(empty_reads_zero)
{
	assert_reading(0, 0, 0, 0, 0);
}
END_TEST

/* 999 callbacks of 10 µs and one of 500 µs: rank ceil(0.999 * 1000) = 999 is a 10 µs one, so
 * p99.9 is 10 µs's bucket [10, 11) µs, read as its upper edge, 11 µs; only the max sees 500. */
START_TEST(one_slow_in_a_thousand)
{
	add_n(10000, 999);
	add_n(500000, 1);
	assert_reading(1000, 11000, 11000, 11000, 501000);

	/* a second slow one is rank 999: p99.9 now sees it */
	cyclehist_window_start(h);
	add_n(10000, 998);
	add_n(500000, 2);
	assert_reading(1000, ANY, 11000, 501000, ANY);
}
END_TEST

/* The ranks round up: with 1001 callbacks p99.9 is rank ceil(999.999) = 1000, p99 rank
 * ceil(990.99) = 991, p50 rank ceil(500.5) = 501. Each callback in its own bucket k µs
 * (k = 1..1001) makes the rank readable: rank q reads (q + 1) µs. */
START_TEST(ranks_round_up)
{
	for (unsigned k = 1; k <= 1001; k++)
		cyclehist_add(h, k * 1000ull + 999); /* just below the next edge: same bucket */
	assert_reading(1001, 502000, 992000, 1001000, 1002000);

	/* exactly 1000: ranks 500, 990, 999 */
	cyclehist_window_start(h);
	for (unsigned k = 1; k <= 1000; k++)
		cyclehist_add(h, k * 1000ull);
	assert_reading(ANY, 501000, 991000, 1000000, 1001000);
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
	add_n(900000, 50); /* a bad stretch before the window */
	add_n(20000, 1000);
	cyclehist_window_start(h);
	assert_reading(0, ANY, ANY, ANY, 0);
	add_n(30000, 10);
	add_n(20000, 10);
	assert_reading(20, 21000, ANY, ANY, 31000);
	/* reading does not start a window */
	add_n(40000, 1);
	assert_reading(21, ANY, ANY, ANY, 41000);
}
END_TEST

/* Callbacks longer than the histogram land in the last bucket and read as its upper edge. */
START_TEST(overflow_bucket)
{
	add_n(5000, 10);
	cyclehist_add(h, (CYCLEHIST_BUCKETS - 1) * 1000ull); /* the last bucket's own range */
	cyclehist_add(h, CYCLEHIST_BUCKETS * 1000ull);       /* just past it */
	cyclehist_add(h, 50000000ull);                       /* 50 ms */
	cyclehist_add(h, UINT64_MAX);
	assert_reading(14, 6000, ANY, ANY, CYCLEHIST_BUCKETS * 1000ull);
	ck_assert_uint_eq(atomic_load(&h->count[CYCLEHIST_BUCKETS - 1]), 4);
}
END_TEST

/* A bucket's count that wraps 32 bits between the window's start and the reading still reads
 * right. */
START_TEST(count_wraps)
{
	atomic_store(&h->count[7], 0xfffffff0u);
	cyclehist_window_start(h);
	add_n(7500, 32);
	assert_reading(32, ANY, ANY, ANY, 8000);
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
