/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench loudness: the CPU the loudness thread spends per second of 48 kHz stereo audio,
 * waking every LOUDNESS_WAKE_MS with that much audio in its ring, as in mixd (libebur128 in
 * histogram mode, M + S + I + LRA; the true peak is the limiter's meter, fed, not measured here).
 *
 *   now:      the real daemon/loudness.c: frames pushed into its ring, loudness_poll
 *   per_wake: the meter as it was until it fed 10 ms segments: the same frames fed to
 *             libebur128, then momentary, short-term, integrated and loudness range asked of
 *             it at every wake-up (each question summing its whole window)
 *
 * Thread CPU time, not wall time: the machine is shared and the question is what the thread
 * costs. The two alternate over several rounds and each keeps its best round, so a burst of
 * load elsewhere does not land on one side only.
 */
#include <ebur128.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "loudness.h"
#include "ring.h"

#define ROUNDS 5

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static double
thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the real meter over `seconds` of audio from src (len frames, replayed). */
static double
run_now(double seconds, const struct loudness_frame *src, size_t len, size_t wake)
{
	const size_t total = (size_t)(seconds * BENCH_FS);
	struct loudness *l = loudness_new(BENCH_FS, 4 * wake, false);
	double t0, t;

	if (!l)
		return -1.0;
	loudness_poll(l); /* the libebur128 state is made here, not timed */
	t0 = thread_cpu_s();
	for (size_t done = 0; done < total; done += wake) {
		if (ring_push_n(loudness_ring(l), src + done % len, wake) != wake) {
			loudness_free(l);
			return -1.0;
		}
		loudness_poll(l);
	}
	t = thread_cpu_s() - t0;
	loudness_free(l);
	return t;
}

/* The same with the previous way: every reading asked of libebur128 at every wake-up. */
static double
run_per_wake(double seconds, const struct loudness_frame *src, size_t len, size_t wake)
{
	const size_t total = (size_t)(seconds * BENCH_FS);
	ebur128_state *st = ebur128_init(2, BENCH_FS,
	                                 EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I |
	                                     EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
	double t0, t, m, s, i, lra, sink = 0.0;

	if (!st)
		return -1.0;
	t0 = thread_cpu_s();
	for (size_t done = 0; done < total; done += wake) {
		ebur128_add_frames_float(st, &src[done % len].l, wake);
		ebur128_loudness_momentary(st, &m);
		ebur128_loudness_shortterm(st, &s);
		ebur128_loudness_global(st, &i);
		ebur128_loudness_range(st, &lra);
		sink += m + s + i + lra;
	}
	t = thread_cpu_s() - t0;
	ebur128_destroy(&st);
	return sink == 12345.0 ? -1.0 : t; /* sink: the readings are used */
}

int
bench_loudness(const struct bench_opts *o)
{
	const size_t wake = BENCH_FS * LOUDNESS_WAKE_MS / 1000;
	const size_t len = BENCH_FS; /* one second, replayed (a multiple of wake) */
	struct loudness_frame *src = malloc(len * sizeof(*src));
	double now = -1.0, old = -1.0, seconds = o->seconds * 10.0;
	uint32_t seed = 0x1234567u;

	if (!src)
		return 1;
	for (size_t k = 0; k < len; k++) { /* -20 dBFS peak uniform noise */
		src[k].l = 0.1f * ((float)(xorshift(&seed) >> 8) / 8388608.0f - 1.0f);
		src[k].r = 0.1f * ((float)(xorshift(&seed) >> 8) / 8388608.0f - 1.0f);
	}
	printf("# loudness: the loudness thread's CPU per second of %d Hz stereo audio (thread "
	       "CPU time), a wake-up every %d ms with %zu frames in the ring, %.0f s of audio per "
	       "round, best of %d rounds each; now = daemon/loudness.c (10 ms segments), per_wake "
	       "= libebur128 asked for M, S, I and LRA at every wake-up (the meter before)\n",
	       BENCH_FS, LOUDNESS_WAKE_MS, wake, seconds, ROUNDS);
	for (int r = 0; r < ROUNDS; r++) {
		double a = run_now(seconds, src, len, wake);
		double b = run_per_wake(seconds, src, len, wake);

		if (a < 0.0 || b < 0.0) {
			free(src);
			return 1;
		}
		now = now < 0.0 || a < now ? a : now;
		old = old < 0.0 || b < old ? b : old;
	}
	printf("loudness cpu_ms_per_s_now=%.3f cpu_ms_per_s_per_wake=%.3f ns_per_frame_now=%.1f "
	       "ns_per_frame_per_wake=%.1f speedup=%.1f\n",
	       now / seconds * 1e3, old / seconds * 1e3, now / seconds / BENCH_FS * 1e9,
	       old / seconds / BENCH_FS * 1e9, old / now);
	free(src);
	return 0;
}
