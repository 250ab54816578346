/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loudness: the meter thread (contract in loudness.h).
 *
 * Two non-RT threads meet here: the control thread posts requests (reset, rate, quit) and reads
 * the published reading; the loudness thread owns the libebur128 state. One mutex guards the
 * requests and the reading, never the measurement itself, so a reader waits at most for a
 * struct copy. The RT side only pushes into the ring.
 */
#include "loudness.h"

#include <ebur128.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ring.h"

/* Frames popped and fed to libebur128 at a time. */
#define LOUDNESS_CHUNK 4096
/* Momentary and short-term from segment energies: 10 ms segments (at rates divisible by 100),
 * 40 of them make the 400 ms window and 300 the 3 s one. */
#define SEG_PER_S 100
#define SEG_M     40
#define SEG_S     300
#define LOUDNESS_MODE                                                          \
	(EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA | \
	 EBUR128_MODE_HISTOGRAM)

struct loudness {
	struct ring *ring;
	pthread_t thread;
	bool started;

	/* The loudness thread's own (or a test's, polling without a thread). */
	ebur128_state *st;
	unsigned st_rate; /* the rate st was made for; 0 before the first poll */
	double max_m, max_s;
	/* Momentary and short-term, updated at each segment boundary of the audio fed:
	 * seg frames of K-weighted energy each (read with ebur128_loudness_window), the last
	 * SEG_S in seg_e[] (seg_i the oldest). At a rate not divisible by 100 a segment is
	 * libebur128's 100 ms block and M and S are read from it directly (seg_direct). */
	unsigned seg, seg_left;
	bool seg_direct;
	unsigned block;   /* libebur128's gating block step, frames (its samples_in_100ms) */
	uint64_t fed;     /* frames fed since st was made */
	bool gates_moved; /* a block boundary passed since I and LRA were read: they may move */
	double seg_e[SEG_S];
	unsigned seg_i;
	double m, s, i, lra; /* as last computed (LUFS, LU) */
	uint64_t measured, resets, nonfinite;
	struct loudness_frame buf[LOUDNESS_CHUNK];

	bool own_tp; /* true peak by libebur128's 4x interpolator, else as fed */

	/* Shared with the control thread, under lock. */
	double fed_tp; /* linear, the most fed since the last reset */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* requests for the loudness thread */
	bool quit, reset_pending;
	unsigned want_rate;
	struct loudness_reading pub;
};

static void
reading_silent(struct loudness_reading *r, const struct loudness *l)
{
	*r = (struct loudness_reading){
		.momentary = -INFINITY,
		.short_term = -INFINITY,
		.integrated = -INFINITY,
		.range = 0.0,
		.true_peak = -INFINITY,
		.max_momentary = -INFINITY,
		.max_short_term = -INFINITY,
		.rate = l->st_rate,
		.measured = l->measured,
		.resets = l->resets,
		.nonfinite = l->nonfinite,
	};
}

struct loudness *
loudness_new(unsigned rate, size_t ring_frames, bool own_true_peak)
{
	struct loudness *l;
	pthread_condattr_t ca;

	if (rate < 8000 || rate > 768000 || ring_frames == 0)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->ring = ring_new(sizeof(struct loudness_frame), ring_frames);
	if (!l->ring)
		goto fail_ring;
	if (pthread_mutex_init(&l->lock, NULL))
		goto fail_mutex;
	/* Timed waits count on the monotonic clock: a wall-clock step cannot stall the meter. */
	if (pthread_condattr_init(&ca))
		goto fail_cond;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&l->wake, &ca)) {
		pthread_condattr_destroy(&ca);
		goto fail_cond;
	}
	pthread_condattr_destroy(&ca);
	l->want_rate = rate;
	l->own_tp = own_true_peak;
	l->max_m = l->max_s = -INFINITY;
	reading_silent(&l->pub, l);
	l->pub.rate = rate;
	return l;

fail_cond:
	pthread_mutex_destroy(&l->lock);
fail_mutex:
	ring_free(l->ring);
fail_ring:
	free(l);
	return NULL;
}

void
loudness_free(struct loudness *l)
{
	if (!l)
		return;
	if (l->started) {
		pthread_mutex_lock(&l->lock);
		l->quit = true;
		pthread_cond_signal(&l->wake);
		pthread_mutex_unlock(&l->lock);
		pthread_join(l->thread, NULL);
	}
	if (l->st)
		ebur128_destroy(&l->st);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	ring_free(l->ring);
	free(l);
}

struct ring *
loudness_ring(struct loudness *l)
{
	return l->ring;
}

void
loudness_reset(struct loudness *l)
{
	pthread_mutex_lock(&l->lock);
	l->reset_pending = true;
	l->fed_tp = 0.0;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
}

void
loudness_feed_true_peak(struct loudness *l, double peak)
{
	pthread_mutex_lock(&l->lock);
	if (peak > l->fed_tp)
		l->fed_tp = peak;
	pthread_mutex_unlock(&l->lock);
}

void
loudness_set_rate(struct loudness *l, unsigned rate)
{
	pthread_mutex_lock(&l->lock);
	if (rate != l->want_rate) {
		l->want_rate = rate;
		pthread_cond_signal(&l->wake);
	}
	pthread_mutex_unlock(&l->lock);
}

/* The dB of a linear peak; -inf for 0. */
static double
peak_db(double lin)
{
	return lin > 0.0 ? 20.0 * log10(lin) : -INFINITY;
}

void
loudness_read(struct loudness *l, struct loudness_reading *out)
{
	pthread_mutex_lock(&l->lock);
	*out = l->pub;
	if (!l->own_tp)
		out->true_peak = peak_db(l->fed_tp);
	pthread_mutex_unlock(&l->lock);
}

/* A fresh libebur128 state for rate (allocates: this thread only, never RT). On failure the
 * meter measures nothing until the next reset or rate. */
static void
recreate(struct loudness *l, unsigned rate)
{
	if (l->st)
		ebur128_destroy(&l->st);
	l->st = ebur128_init(2, rate, LOUDNESS_MODE | (l->own_tp ? EBUR128_MODE_TRUE_PEAK : 0));
	if (!l->st)
		fprintf(stderr, "mixd: loudness: cannot measure at %u Hz (out of memory?)\n", rate);
	if (l->st_rate)
		l->resets++; /* the first state, made at the first poll, is no reset */
	l->st_rate = rate;
	l->max_m = l->max_s = -INFINITY;
	l->block = (rate + 5) / 10; /* as libebur128 computes samples_in_100ms */
	l->seg_direct = rate % SEG_PER_S != 0;
	l->seg = l->seg_direct ? l->block : rate / SEG_PER_S;
	l->seg_left = l->seg;
	l->fed = 0;
	l->gates_moved = false;
	memset(l->seg_e, 0, sizeof(l->seg_e)); /* libebur128's window starts as zeros too */
	l->seg_i = 0;
	l->m = l->s = l->i = -INFINITY;
	l->lra = 0.0;
}

/* LUFS of a mean K-weighted energy, as libebur128 has it; -inf for none. */
static double
energy_lufs(double e)
{
	return e > 0.0 ? 10.0 * log10(e) - 0.691 : -INFINITY;
}

/* At a segment boundary of the audio fed: momentary and short-term of the windows ending here,
 * and their maxima. Summing the last 40 and 300 segment energies costs 340 additions where
 * asking libebur128 for the windows sums 19200 and 144000 frames (at 48 kHz): that was the
 * meter's whole cost when it did so every wake-up. The values are the same sums, grouped. */
static void
segment_end(struct loudness *l)
{
	if (l->seg_direct) {
		ebur128_loudness_momentary(l->st, &l->m);
		ebur128_loudness_shortterm(l->st, &l->s);
	} else {
		double lufs = -INFINITY, e_m = 0.0, e_s = 0.0;

		ebur128_loudness_window(l->st, 1000 / SEG_PER_S, &lufs);
		l->seg_e[l->seg_i] = isfinite(lufs) ? pow(10.0, (lufs + 0.691) / 10.0) : 0.0;
		for (unsigned k = 0; k < SEG_S; k++) {
			/* k = 0 the segment just ended, then back in time */
			double e = l->seg_e[(l->seg_i + SEG_S - k) % SEG_S];
			e_s += e;
			if (k < SEG_M)
				e_m += e;
		}
		l->seg_i = (l->seg_i + 1) % SEG_S;
		l->m = energy_lufs(e_m / SEG_M);
		l->s = energy_lufs(e_s / SEG_S);
	}
	l->max_m = fmax(l->max_m, l->m);
	l->max_s = fmax(l->max_s, l->s);
	/* libebur128 adds to its I and LRA histograms only at its 100 ms block boundaries */
	if (l->fed % l->block == 0)
		l->gates_moved = true;
}

/* Feeds n frames of buf to libebur128 in pieces that end at segment boundaries. */
static void
feed(struct loudness *l, size_t n)
{
	for (size_t off = 0; off < n;) {
		size_t k = n - off < l->seg_left ? n - off : l->seg_left;

		ebur128_add_frames_float(l->st, &l->buf[off].l, k);
		off += k;
		l->fed += k;
		l->seg_left -= (unsigned)k;
		if (l->seg_left == 0) {
			segment_end(l);
			l->seg_left = l->seg;
		}
	}
}

/* Reads the meter into r (levels -inf until there is something to measure). Integrated and
 * loudness range are asked of libebur128 only when a block boundary has passed since the last
 * time (they cannot have moved otherwise); momentary and short-term are those of the last
 * segment boundary. */
static void
measure(struct loudness *l, struct loudness_reading *r)
{
	double tp_l = 0.0, tp_r = 0.0;

	reading_silent(r, l);
	if (!l->st)
		return;
	if (l->gates_moved) {
		/* Each call only fails on a mode we did not ask for */
		ebur128_loudness_global(l->st, &l->i);
		ebur128_loudness_range(l->st, &l->lra);
		l->gates_moved = false;
	}
	r->momentary = l->m;
	r->short_term = l->s;
	r->integrated = l->i;
	r->range = l->lra;
	if (l->own_tp) {
		ebur128_true_peak(l->st, 0, &tp_l);
		ebur128_true_peak(l->st, 1, &tp_r);
		r->true_peak = peak_db(fmax(tp_l, tp_r));
	}
	r->max_momentary = l->max_m;
	r->max_short_term = l->max_s;
}

size_t
loudness_poll(struct loudness *l)
{
	struct loudness_reading r;
	size_t total = 0, n;
	unsigned rate;
	bool reset, fresh;

	pthread_mutex_lock(&l->lock);
	reset = l->reset_pending;
	l->reset_pending = false;
	rate = l->want_rate;
	pthread_mutex_unlock(&l->lock);
	fresh = reset || rate != l->st_rate;
	if (fresh)
		recreate(l, rate);

	while ((n = ring_pop_n(l->ring, l->buf, LOUDNESS_CHUNK)) > 0) {
		/* The engine never lets NaN/Inf out of the master; should one come anyway it
		 * would poison the K-filter for good, so it is measured as silence. */
		for (size_t i = 0; i < n; i++) {
			if (!isfinite(l->buf[i].l) || !isfinite(l->buf[i].r)) {
				l->nonfinite++;
				l->buf[i] = (struct loudness_frame){ 0.0f, 0.0f };
			}
		}
		if (l->st)
			feed(l, n);
		total += n;
	}
	/* Nothing new (JACK stopped, or between periods at a slow rate): the reading stands,
	 * and an idle meter costs a wake-up, not a 3 s window sum. */
	if (total == 0 && !fresh)
		return 0;
	l->measured += total;
	measure(l, &r);

	pthread_mutex_lock(&l->lock);
	l->pub = r;
	pthread_mutex_unlock(&l->lock);
	return total;
}

static void *
thread_main(void *arg)
{
	struct loudness *l = arg;
	struct timespec until;

	pthread_mutex_lock(&l->lock);
	while (!l->quit) {
		pthread_mutex_unlock(&l->lock);
		loudness_poll(l);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += LOUDNESS_WAKE_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&l->lock);
		/* A request that came while we measured is served now, not after the wait. */
		if (!l->quit && !l->reset_pending && l->want_rate == l->st_rate)
			pthread_cond_timedwait(&l->wake, &l->lock, &until);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

int
loudness_start(struct loudness *l)
{
	struct sched_param sp = { .sched_priority = 0 };
	sigset_t all, old;
	pthread_attr_t attr;
	int err;

	if (l->started)
		return -EALREADY;
	/* Explicitly SCHED_OTHER: never inherit a real-time policy from the creator. */
	err = pthread_attr_init(&attr);
	if (err)
		return -err;
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	/* Every signal blocked in the new thread (it inherits the mask): SIGTERM and SIGINT are
	 * the control thread's, through its signalfd. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&l->thread, &attr, thread_main, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	l->started = true;
	return 0;
}
