/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the loudness meter (daemon/loudness.c): frames pushed into its ring as the JACK
 * callback would, measured by loudness_poll on this thread (the pure part), or by its own thread
 * (the hand-over). The EBU cases of tests/ebu_cases.h against their tolerances, test 22 (a 997
 * Hz sine in one channel), reset, a sample-rate change, NaN, and the thread's wake-ups.
 *
 * Every measured value is printed, so a run documents what the meter reads.
 */
#include "loudness.h"

#include "check_run.h"
#include "ebu_cases.h"
#include "measure.h"
#include "ring.h"
#include <ebur128.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RING_FRAMES 65536
/* The meter is polled every this many frames: 100 ms at 48 kHz, what the thread does at 10x
 * real time. */
#define POLL_FRAMES 4800

/* 997 Hz at 0 dBFS in one channel reads 10 log10(1/2) = -3.0103 LKFS (BS.1770's -0.691 cancels
 * the K-filter's +0.691 dB at 997 Hz). */
#define ONE_CHANNEL_LKFS (-3.0103)

static struct loudness *
meter(unsigned rate)
{
	struct loudness *l = loudness_new(rate, RING_FRAMES, true);

	ck_assert_ptr_nonnull(l);
	return l;
}

/* Pushes n frames (right == NULL: silence on the right), polling as the ring fills and every
 * POLL_FRAMES. */
static void
feed(struct loudness *l, const float *left, const float *right, size_t n)
{
	struct loudness_frame f[POLL_FRAMES];

	for (size_t off = 0; off < n; off += POLL_FRAMES) {
		size_t m = n - off < POLL_FRAMES ? n - off : POLL_FRAMES;

		for (size_t i = 0; i < m; i++)
			f[i] = (struct loudness_frame){ left[off + i], right ? right[off + i] : 0 };
		ck_assert_uint_eq(ring_push_n(loudness_ring(l), f, m), m);
		ck_assert_uint_eq(loudness_poll(l), m);
	}
}

static float *
synth(const struct ebu_case *c, unsigned rate)
{
	float *buf = malloc(ebu_frames(c, rate) * sizeof(float));

	ck_assert_ptr_nonnull(buf);
	ebu_synth(c, rate, buf);
	return buf;
}

/* A sine of n frames at peak dbfs. */
static float *
sine(double freq_hz, double dbfs, unsigned rate, double seconds, size_t *n)
{
	const struct ebu_case c = {
		.name = "sine", .freq_hz = freq_hz, .n_seg = 1, .seg = { { seconds, dbfs } }
	};

	*n = ebu_frames(&c, rate);
	return synth(&c, rate);
}

/* Feeds case c's signal on both channels and reads the meter into r. */
static void
feed_case(struct loudness *l, const struct ebu_case *c, struct loudness_reading *r)
{
	float *buf = synth(c, EBU_RATE);

	feed(l, buf, buf, ebu_frames(c, EBU_RATE));
	free(buf);
	loudness_read(l, r);
}

static void
check_near(const char *what, double got, double want, double tol)
{
	fprintf(stderr, "  %-44s %9.4f (want %8.3f +- %.3f)\n", what, got, want, tol);
	ck_assert_msg(fabs(got - want) <= tol, "%s: %.4f, expected %.3f +- %.3f", what, got, want,
	              tol);
}

static void
check_silent(const struct loudness_reading *r)
{
	ck_assert(isinf(r->momentary) && r->momentary < 0);
	ck_assert(isinf(r->short_term) && r->short_term < 0);
	ck_assert(isinf(r->integrated) && r->integrated < 0);
	ck_assert(isinf(r->true_peak) && r->true_peak < 0);
	ck_assert(isinf(r->max_momentary) && r->max_momentary < 0);
	ck_assert(isinf(r->max_short_term) && r->max_short_term < 0);
	ck_assert(r->range == 0.0);
}

/* What case c checks, from reading r; prints and asserts. */
static void
check_case(const struct ebu_case *c, const struct loudness_reading *r)
{
	double got = c->check == EBU_TP    ? r->true_peak
	             : c->check == EBU_LRA ? r->range
	                                   : r->integrated;

	fprintf(stderr, "  %-8s M %8.3f  S %8.3f  I %8.3f  LRA %6.3f  TP %7.3f  -> %s\n", c->name,
	        r->momentary, r->short_term, r->integrated, r->range, r->true_peak,
	        ebu_pass(c, got) ? "pass" : "FAIL");
	ck_assert_msg(ebu_pass(c, got), "%s: %.3f, expected %.1f -%.1f/+%.1f", c->name, got,
	              c->expect, c->tol_lo, c->tol_hi);
	if (c->check == EBU_MSI) {
		/* steady state at the end of a stationary tone */
		ck_assert_msg(fabs(r->momentary - c->expect) <= c->tol_hi, "%s: M %.3f", c->name,
		              r->momentary);
		ck_assert_msg(fabs(r->short_term - c->expect) <= c->tol_hi, "%s: S %.3f", c->name,
		              r->short_term);
	}
}

START_TEST(fresh_reads_silence)
{
	struct loudness *l = meter(48000);
	struct loudness_reading r;

	loudness_read(l, &r);
	check_silent(&r);
	ck_assert_uint_eq(r.rate, 48000);
	ck_assert_uint_eq(r.measured, 0);
	ck_assert_uint_eq(loudness_poll(l), 0);
	loudness_read(l, &r);
	check_silent(&r);
	ck_assert_uint_eq(r.resets, 0);
	ck_assert_ptr_null(loudness_new(7999, RING_FRAMES, true));
	ck_assert_ptr_null(loudness_new(48000, 0, true));
	loudness_free(l);
	loudness_free(NULL);
}
END_TEST

/* dsp-reference §8 tests 20 and 21: every case, one meter, reset between cases as over OSC. */
START_TEST(ebu_cases_pass)
{
	struct loudness *l = meter(EBU_RATE);
	struct loudness_reading r;

	for (size_t k = 0; k < EBU_N_CASES; k++) {
		loudness_reset(l);
		feed_case(l, &ebu_cases[k], &r);
		check_case(&ebu_cases[k], &r);
	}
	loudness_free(l);
}
END_TEST

/* §8 test 22: 997 Hz at 0 dBFS on one channel. Momentary and short-term are exact sums; the
 * integrated value comes from libebur128's histogram, whose 0.1 LU bins report their centre
 * (-3.05 here): within half a bin. */
START_TEST(one_channel_997)
{
	struct loudness *l = meter(48000);
	struct loudness_reading r;
	size_t n;
	float *buf = sine(997, 0, 48000, 10, &n);

	feed(l, buf, NULL, n);
	loudness_read(l, &r);
	check_near("997 Hz 0 dBFS, left only: M (LKFS)", r.momentary, ONE_CHANNEL_LKFS, 0.01);
	check_near("997 Hz 0 dBFS, left only: S (LKFS)", r.short_term, ONE_CHANNEL_LKFS, 0.01);
	check_near("997 Hz 0 dBFS, left only: I (LKFS)", r.integrated, ONE_CHANNEL_LKFS, 0.05);
	check_near("997 Hz 0 dBFS, left only: max M", r.max_momentary, ONE_CHANNEL_LKFS, 0.01);
	free(buf);
	loudness_free(l);
}
END_TEST

/* Reset clears I, LRA, max M/S and true peak; the meter measures again after it. */
START_TEST(reset_clears)
{
	const struct ebu_case *lra = &ebu_cases[EBU_N_CASES - 1];
	struct loudness *l = meter(EBU_RATE);
	struct loudness_reading r;
	uint64_t measured;

	ck_assert_int_eq(lra->check, EBU_LRA);
	feed_case(l, lra, &r);
	ck_assert(isfinite(r.integrated) && isfinite(r.true_peak) && r.range > 5.0);
	ck_assert(isfinite(r.max_momentary) && isfinite(r.max_short_term));
	measured = r.measured;

	loudness_reset(l);
	ck_assert_uint_eq(loudness_poll(l), 0);
	loudness_read(l, &r);
	check_silent(&r);
	ck_assert_uint_eq(r.resets, 1);
	ck_assert_uint_eq(r.measured, measured); /* frames are counted since start, not reset */

	feed_case(l, lra, &r);
	check_case(lra, &r);
	loudness_free(l);
}
END_TEST

#define SAME_S 12 /* seconds of programme: S windows and LRA fill */

/* The meter against libebur128 asked directly, the way the meter used to (every window summed
 * at each reading): a programme whose level jumps every 130 ms (noise plus a tone, -45 to -8
 * dBFS, swinging +-10 dB over 6 s), pushed in chunks of every size (not aligned to anything), at 48
 * and 44.1 kHz (10 ms segments) and 22.05 kHz (100 ms blocks). After every poll the reading equals
 * a reference state fed the same frames up to the last segment boundary: momentary, short-term and
 * the maxima of the reference's readings at every boundary within 1e-9 LU (the same sums grouped
 * otherwise), integrated and loudness range exactly. */
START_TEST(same_as_libebur128)
{
	static const unsigned rates[3] = { 48000, 44100, 22050 };
	static const size_t chunks[7] = { 37, 480, 1000, 4801, 64, 2205, 9999 };
	const int mode = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
	                 EBUR128_MODE_HISTOGRAM;

	for (int ri = 0; ri < 3; ri++) {
		const unsigned rate = rates[ri];
		const size_t n = (size_t)SAME_S * rate;
		const size_t seg = rate % 100 ? (rate + 5) / 10 : rate / 100;
		struct loudness *l = meter(rate);
		ebur128_state *ref = ebur128_init(2, rate, mode);
		struct loudness_frame *f = malloc(n * sizeof(*f));
		double amp = 0.0, ph = 0.0, swing, max_m = -INFINITY, max_s = -INFINITY;
		double worst_ms = 0.0, worst_max = 0.0, fin_i, fin_lra;
		size_t pushed = 0, ref_fed = 0, polls = 0, ci = 0;
		uint64_t seed = 0x5eed;
		long bad_gates = 0;

		ck_assert(ref && f);
		for (size_t i = 0; i < n; i++) {
			if (i % (rate * 13 / 100) == 0) /* a new level every 130 ms */
				amp = pow(10.0, (-45.0 +
				                 37.0 * (double)(rng_next(&seed) % 1000) / 1000.0) /
				                    20.0);
			ph += 2.0 * M_PI * 1000.0 / rate;
			/* and a slow swing of +-10 dB over 6 s, for a loudness range */
			swing = pow(10.0, 0.5 * sin(2.0 * M_PI * (double)i / (6.0 * rate)));
			f[i].l = (float)(amp * swing *
			                 (0.5 * sin(ph) +
			                  0.5 * ((double)(rng_next(&seed) % 2001) / 1000.0 - 1.0)));
			f[i].r = (float)(amp * swing *
			                 (0.5 * sin(ph + 1.0) +
			                  0.5 * ((double)(rng_next(&seed) % 2001) / 1000.0 - 1.0)));
		}
		while (pushed < n) {
			size_t m = chunks[ci++ % 7];
			struct loudness_reading r;
			double rm, rs, ri_, rl;

			m = m < n - pushed ? m : n - pushed;
			ck_assert_uint_eq(ring_push_n(loudness_ring(l), f + pushed, m), m);
			ck_assert_uint_eq(loudness_poll(l), m);
			pushed += m;
			loudness_read(l, &r);
			/* the reference, one segment at a time up to the last boundary */
			while (ref_fed + seg <= pushed) {
				ebur128_add_frames_float(ref, &f[ref_fed].l, seg);
				ref_fed += seg;
				ebur128_loudness_momentary(ref, &rm);
				ebur128_loudness_shortterm(ref, &rs);
				max_m = fmax(max_m, rm);
				max_s = fmax(max_s, rs);
			}
			if (ref_fed == 0)
				continue;
			ebur128_loudness_momentary(ref, &rm);
			ebur128_loudness_shortterm(ref, &rs);
			ebur128_loudness_global(ref, &ri_);
			ebur128_loudness_range(ref, &rl);
			polls++;
			worst_ms =
			    fmax(worst_ms, fmax(fabs(r.momentary - rm), fabs(r.short_term - rs)));
			worst_max = fmax(worst_max, fmax(fabs(r.max_momentary - max_m),
			                                 fabs(r.max_short_term - max_s)));
			/* -inf == -inf; both finite and equal otherwise */
			bad_gates += !(r.integrated == ri_ && r.range == rl);
		}
		ebur128_loudness_global(ref, &fin_i);
		ebur128_loudness_range(ref, &fin_lra);
		fprintf(stderr,
		        "  %u Hz, %zu polls: M and S off libebur128's windows by at most %.1e LU, "
		        "their maxima by %.1e LU; I and LRA different %ld times (at the end I "
		        "%.3f LUFS, LRA %.3f LU)\n",
		        rate, polls, worst_ms, worst_max, bad_gates, fin_i, fin_lra);
		ck_assert_msg(worst_ms <= 1e-9, "%u Hz: M/S off by %.3g LU", rate, worst_ms);
		ck_assert_msg(worst_max <= 1e-9, "%u Hz: max M/S off by %.3g LU", rate, worst_max);
		ck_assert_int_eq(bad_gates, 0);
		ck_assert(isfinite(max_m) && isfinite(max_s));
		free(f);
		ebur128_destroy(&ref);
		loudness_free(l);
	}
}
END_TEST

/* A new rate re-creates the state: the K-filter and the windows follow it. */
START_TEST(rate_change)
{
	struct loudness *l = meter(48000);
	struct loudness_reading r;
	size_t n;
	float *buf = sine(1000, -23, 44100, 10, &n);

	loudness_poll(l); /* the first state, at 48 kHz */
	loudness_read(l, &r);
	ck_assert_uint_eq(r.rate, 48000);
	loudness_set_rate(l, 44100);
	loudness_poll(l);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.rate, 44100);
	ck_assert_uint_eq(r.resets, 1);
	feed(l, buf, buf, n);
	loudness_read(l, &r);
	check_near("44.1 kHz, 1 kHz -23 dBFS stereo: I", r.integrated, -23.0, 0.1);
	check_near("44.1 kHz, 1 kHz -23 dBFS stereo: M", r.momentary, -23.0, 0.1);
	check_near("44.1 kHz, 1 kHz -23 dBFS stereo: TP", r.true_peak, -23.0, 0.1);
	/* the same rate again is no change */
	loudness_set_rate(l, 44100);
	loudness_poll(l);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.resets, 1);
	check_near("44.1 kHz, same rate again: I kept", r.integrated, -23.0, 0.1);
	free(buf);
	loudness_free(l);
}
END_TEST

/* NaN/Inf is measured as silence and counted; the filters are not poisoned. */
START_TEST(nonfinite_is_silence)
{
	struct loudness *l = meter(48000);
	struct loudness_reading r;
	float bad[3] = { NAN, INFINITY, 0.0f };
	size_t n;
	float *buf = sine(1000, -23, 48000, 5, &n);

	feed(l, buf, buf, n);
	feed(l, bad, bad + 1, 2); /* frames (NaN, Inf) and (Inf, 0) */
	feed(l, buf, buf, n);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.nonfinite, 2);
	check_near("after NaN/Inf frames: M", r.momentary, -23.0, 0.1);
	ck_assert(isfinite(r.integrated));
	free(buf);
	loudness_free(l);
}
END_TEST

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Polls the reading until done(r) or 5 s; returns the wait in ms (-1 on time-out). */
static double
wait_reading(struct loudness *l, int (*done)(const struct loudness_reading *, uint64_t),
             uint64_t arg, struct loudness_reading *r)
{
	double t0 = now_ms();

	for (;;) {
		struct timespec ts = { 0, 200000 };

		loudness_read(l, r);
		if (done(r, arg))
			return now_ms() - t0;
		if (now_ms() - t0 > 5000)
			return -1;
		nanosleep(&ts, NULL);
	}
}

static int
measured_reaches(const struct loudness_reading *r, uint64_t n)
{
	return r->measured >= n;
}

static int
resets_reach(const struct loudness_reading *r, uint64_t n)
{
	return r->resets >= n;
}

/* A meter made without its own true peak reports the most it was fed since the last reset,
 * in dBTP, and nothing (-inf) before or right after a reset. */
START_TEST(fed_true_peak)
{
	struct loudness *l = loudness_new(48000, RING_FRAMES, false);
	struct loudness_reading r;

	ck_assert_ptr_nonnull(l);
	loudness_read(l, &r);
	ck_assert(isinf(r.true_peak) && r.true_peak < 0);
	loudness_feed_true_peak(l, 0.5);
	loudness_feed_true_peak(l, 0.25);
	loudness_read(l, &r);
	ck_assert_msg(fabs(r.true_peak - 20.0 * log10(0.5)) < 1e-9, "fed 0.5: %.6f dBTP",
	              r.true_peak);
	loudness_reset(l);
	loudness_read(l, &r);
	ck_assert(isinf(r.true_peak) && r.true_peak < 0);
	loudness_feed_true_peak(l, 2.0);
	loudness_read(l, &r);
	ck_assert_msg(fabs(r.true_peak - 20.0 * log10(2.0)) < 1e-9, "fed 2: %.6f dBTP",
	              r.true_peak);
	loudness_free(l);
}
END_TEST

/* The thread: it drains what this thread (the producer, like the JACK callback) pushes, wakes
 * on its own within LOUDNESS_WAKE_MS, applies a reset at once, and stops when freed. */
START_TEST(thread_drains_and_resets)
{
	struct loudness *l = meter(48000);
	struct loudness_reading r;
	size_t n, pushed = 0;
	float *buf = sine(1000, -23, 48000, 5, &n);
	struct loudness_frame f[1024];
	double ms;

	ck_assert_int_eq(loudness_start(l), 0);
	ck_assert_int_eq(loudness_start(l), -EALREADY);
	while (pushed < n) {
		size_t m = n - pushed < 1024 ? n - pushed : 1024, got;

		for (size_t i = 0; i < m; i++)
			f[i] = (struct loudness_frame){ buf[pushed + i], buf[pushed + i] };
		got = ring_push_n(loudness_ring(l), f, m);
		pushed += got;
		if (got < m) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL); /* full: the test may wait, the JACK callback drops */
		}
	}
	ms = wait_reading(l, measured_reaches, n, &r);
	ck_assert_msg(ms >= 0, "the thread measured %llu of %zu frames",
	              (unsigned long long)r.measured, n);
	check_near("thread: 5 s of -23 dBFS stereo: I", r.integrated, -23.0, 0.1);

	/* a few frames, no request: the thread's own wake-up takes them */
	ck_assert_uint_eq(ring_push_n(loudness_ring(l), f, 16), 16);
	ms = wait_reading(l, measured_reaches, n + 16, &r);
	fprintf(stderr, "  thread picked 16 frames up after %.2f ms (wakes every %d ms)\n", ms,
	        LOUDNESS_WAKE_MS);
	ck_assert_msg(ms >= 0, "16 frames never measured");

	loudness_reset(l);
	ms = wait_reading(l, resets_reach, 1, &r);
	fprintf(stderr, "  reset applied after %.2f ms\n", ms);
	ck_assert_msg(ms >= 0, "reset never applied");
	check_silent(&r);
	free(buf);
	loudness_free(l);
}
END_TEST

static Suite *
loudness_suite(void)
{
	Suite *s = suite_create("loudness");
	TCase *tc = tcase_create("meter");

	/* about 300 s of audio through the true-peak meter: generous for sanitizer builds */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, fresh_reads_silence);
	tcase_add_test(tc, ebu_cases_pass);
	tcase_add_test(tc, one_channel_997);
	tcase_add_test(tc, reset_clears);
	tcase_add_test(tc, rate_change);
	tcase_add_test(tc, same_as_libebur128);
	tcase_add_test(tc, nonfinite_is_silence);
	tcase_add_test(tc, thread_drains_and_resets);
	tcase_add_test(tc, fed_true_peak);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(loudness_suite());
}
