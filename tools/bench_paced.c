/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_paced: the engine run as JACK runs it, one period per period of wall time, beside the
 * same engine run back to back. mixbench's other figures run periods back to back, so the
 * engine's state stays in the caches; under JACK the process thread sleeps between cycles while
 * the server, the other clients and the kernel run, and each cycle starts with some of that state
 * gone. tools/cpubench measures the whole process under jackd; this separates, in one process,
 * what the pacing alone costs the engine from what libjack and the server cost (cpubench's
 * floor line).
 *
 * One console of full strips (mixbench 'strip'), four ways, in interleaved rounds; every call
 * is timed alone with the monotonic clock (a vDSO read, ~20 ns) and each way's figure is its
 * median call (a preempted call is an outlier, not a cost):
 *   hot:    calls back to back (as mixbench 'strip' runs them);
 *   paced:  one call, then sleep until the next period is due (absolute deadlines);
 *   evict:  as paced, and between calls the thread writes a buffer of EVICT_BYTES (the L2 of
 *           the CPU this was written on, twice): a stand-in for what the server and one other
 *           client touch in between. An upper reference, not a model of any one machine;
 *   spin:   as paced, but the thread reads the clock until the next period instead of
 *           sleeping: the CPU never idles, so paced minus spin is what going idle costs (a
 *           core's wake-up; on a VM the host's descheduling of an idle vCPU).
 * Threads: the calling thread only; FTZ/DAZ on, as on the RT thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "clock.h"
#include "engine.h"
#include "fpu.h"

#define PACED_ROUNDS  6
#define PACED_WARM_NS (200ull * 1000000ull)
#define EVICT_BYTES   (1u << 20)

enum paced_mode { PACED_HOT, PACED_SLEEP, PACED_EVICT, PACED_SPIN, PACED_N_MODES };

static const char *const mode_names[PACED_N_MODES] = { "hot", "paced", "evict", "spin" };

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sleeps until the absolute monotonic time t (ns); spin: reads the clock until then instead,
 * so the CPU never goes idle. */
static void
sleep_until(uint64_t t, bool spin)
{
	if (spin) {
		while (clock_ns() < t)
			;
		return;
	}
	struct timespec ts = { .tv_sec = (time_t)(t / 1000000000ull),
		               .tv_nsec = (long)(t % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Writes every cache line of buf: what ran between two cycles. Volatile: nothing reads the
 * buffer, and the stores must not be optimised away. */
static void
evict(volatile unsigned char *buf, size_t bytes, unsigned char v)
{
	for (size_t i = 0; i < bytes; i += 64)
		buf[i] = v;
}

/* One round of `periods` calls the way m says; each call's ns into t. */
static void
paced_round(struct engine *e, float **in, float *l, float *r, unsigned period, unsigned periods,
            unsigned char *junk, enum paced_mode m, uint32_t *t)
{
	const uint64_t step = (uint64_t)period * 1000000000ull / BENCH_FS;
	uint64_t due = clock_ns() + step;

	for (unsigned k = 0; k < periods; k++) {
		uint64_t t0;

		if (m == PACED_EVICT)
			evict(junk, EVICT_BYTES, (unsigned char)k);
		if (m != PACED_HOT)
			sleep_until(due, m == PACED_SPIN);
		due += step;
		t0 = clock_ns();
		engine_process(e, (const float *const *)in, l, r, period);
		t[k] = (uint32_t)(clock_ns() - t0);
	}
}

int
bench_paced(const struct bench_opts *o)
{
	const unsigned n = o->strips, p = o->period;
	const double per = (double)p * n;
	/* each waiting round lasts seconds / rounds / 3 of wall time */
	const unsigned periods = (unsigned)(o->seconds / PACED_ROUNDS / 3.0 * BENCH_FS / p) > 16
	                             ? (unsigned)(o->seconds / PACED_ROUNDS / 3.0 * BENCH_FS / p)
	                             : 16;
	struct engine *e = engine_new(BENCH_FS, n, NULL);
	float **in = bench_make_inputs(n, p, 0x2545f491u);
	size_t bytes = ((size_t)p * sizeof(float) + 63) & ~(size_t)63;
	float *l = aligned_alloc(64, bytes), *r = aligned_alloc(64, bytes);
	unsigned char *junk = malloc(EVICT_BYTES);
	uint32_t *t[PACED_N_MODES] = { NULL };
	double med[PACED_N_MODES];
	int ret = 1;

	fpu_denormals_off();
	for (int m = 0; m < PACED_N_MODES; m++)
		if (!(t[m] = calloc((size_t)periods * PACED_ROUNDS, sizeof(uint32_t))))
			goto out;
	if (!e || !in || !l || !r || !junk)
		goto out;
	memset(junk, 0, EVICT_BYTES);
	bench_full_setup(e, n);
	engine_settle(e);
	for (uint64_t w0 = clock_ns(); clock_ns() - w0 < PACED_WARM_NS;)
		engine_process(e, (const float *const *)in, l, r, p);
	printf("# paced: %u full strips (as 'strip'), kernel %s, %u-frame periods at %d Hz; %d "
	       "interleaved rounds, the median call of each way: hot = back to back, paced = one "
	       "period per %.3f ms of wall time, evict = paced with %u KiB written between "
	       "calls, spin = paced without going idle\n",
	       n, engine_kernel_name(e), p, BENCH_FS, PACED_ROUNDS, 1000.0 * p / BENCH_FS,
	       EVICT_BYTES / 1024);
	for (unsigned round = 0; round < PACED_ROUNDS; round++)
		for (int m = 0; m < PACED_N_MODES; m++)
			paced_round(e, in, l, r, p, periods, junk, (enum paced_mode)m,
			            t[m] + (size_t)round * periods);
	for (int m = 0; m < PACED_N_MODES; m++) {
		qsort(t[m], (size_t)periods * PACED_ROUNDS, sizeof(uint32_t), cmp_u32);
		med[m] = t[m][(size_t)periods * PACED_ROUNDS / 2];
	}
	for (int m = 0; m < PACED_N_MODES; m++)
		printf("paced.%s strips=%u period=%u ns_per_period=%.0f ns_per_sample_strip=%.3f "
		       "over_hot=%.2f\n",
		       mode_names[m], n, p, med[m], med[m] / per, med[m] / med[PACED_HOT]);
	fflush(stdout);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "mixbench: paced: out of memory\n");
	for (int m = 0; m < PACED_N_MODES; m++)
		free(t[m]);
	free(junk);
	free(l);
	free(r);
	bench_free_inputs(in, n);
	engine_free(e);
	return ret;
}
