/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_aux: what aux sends cost (issue 12: at most 0.5 ns per active send per strip and
 * sample above a full strip; a send at -inf costs nothing).
 *
 * Four consoles of the same full strips (mixbench 'strip'), run in one process, interleaved
 * in short rounds so a machine whose speed drifts drifts for all alike; each round is timed in
 * the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: a machine shared with other work does not
 * count its preemptions), and each figure is the fastest of its rounds (the least disturbed):
 *   base: no aux buses at all (today's console)
 *   off:  8 mono aux buses, every send at -inf (the kernel visits no bus)
 *   on:   8 mono aux buses, every strip sending to each, half pre-fader and half post, -10 dB
 *   on_stereo: as 'on' on 8 stereo buses, panned
 * per active send per strip and sample = (on - base) / 8, in ns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "clock.h"
#include "engine.h"
#include "fpu.h"

#define AUX_BUSES   8
#define AUX_ROUNDS  25
#define AUX_WARM_NS (200ull * 1000000ull)
#define AUX_BATCH   64

enum aux_case { AUX_BASE, AUX_OFF, AUX_ON, AUX_ON_STEREO, AUX_N_CASES };

static const char *const case_names[AUX_N_CASES] = { "base", "off", "on", "on_stereo" };

struct aux_rig {
	struct engine *e;
	struct engine_outputs o;
};

static void
rig_free(struct aux_rig *r)
{
	for (int k = 0; k < AUX_BUSES; k++) {
		free(r->o.aux[k][0]);
		free(r->o.aux[k][1]);
	}
	free(r->o.master_l);
	free(r->o.master_r);
	engine_free(r->e);
}

/* Control side: a console of case c, its outputs allocated. Returns 0 or -ENOMEM. */
static int
rig_new(struct aux_rig *r, enum aux_case c, unsigned n, unsigned period)
{
	static const bool stereo8[AUX_BUSES] = { true, true, true, true, true, true, true, true };
	struct engine_layout l = { .n_strips = n };
	size_t bytes = ((size_t)period * sizeof(float) + 63) & ~(size_t)63;

	*r = (struct aux_rig){ 0 };
	if (c != AUX_BASE) {
		l.n_aux = AUX_BUSES;
		l.aux_stereo = c == AUX_ON_STEREO ? stereo8 : NULL;
	}
	r->e = engine_new_layout(BENCH_FS, &l);
	r->o.master_l = aligned_alloc(64, bytes);
	r->o.master_r = aligned_alloc(64, bytes);
	if (!r->e || !r->o.master_l || !r->o.master_r)
		return -ENOMEM;
	for (unsigned k = 0; k < l.n_aux; k++) {
		r->o.aux[k][0] = aligned_alloc(64, bytes);
		r->o.aux[k][1] = aligned_alloc(64, bytes);
		if (!r->o.aux[k][0] || !r->o.aux[k][1])
			return -ENOMEM;
	}
	bench_full_setup(r->e, n);
	if (c == AUX_ON || c == AUX_ON_STEREO)
		for (unsigned s = 0; s < n; s++)
			for (unsigned k = 0; k < AUX_BUSES; k++) {
				unsigned i = ENGINE_AUX_IDX(s, k);
				engine_set(r->e, ENGINE_STRIP_AUX_LEVEL, i, -10.0f);
				engine_set(r->e, ENGINE_STRIP_AUX_PRE, i, (float)((s + k) & 1));
				engine_set(r->e, ENGINE_STRIP_AUX_PAN, i,
				           0.25f * (float)(k % 5) - 0.5f);
			}
	engine_settle(r->e);
	return 0;
}

/* CPU time of the calling thread, ns. */
static uint64_t
thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU ns per period of one rig over about `seconds` of wall time (after a warm-up on the first
 * round). */
static double
rig_time(struct aux_rig *r, float **in, unsigned period, double seconds, bool warm)
{
	uint64_t w0 = clock_ns(), t0, periods = 0, limit = (uint64_t)(seconds * 1e9);

	if (warm) {
		do {
			for (unsigned b = 0; b < AUX_BATCH; b++)
				engine_process_outputs(r->e, (const float *const *)in, &r->o,
				                       period);
		} while (clock_ns() - w0 < AUX_WARM_NS);
		w0 = clock_ns();
	}
	t0 = thread_ns();
	do {
		for (unsigned b = 0; b < AUX_BATCH; b++)
			engine_process_outputs(r->e, (const float *const *)in, &r->o, period);
		periods += AUX_BATCH;
	} while (clock_ns() - w0 < limit);
	return (double)(thread_ns() - t0) / (double)periods;
}

int
bench_aux(const struct bench_opts *o)
{
	struct aux_rig rig[AUX_N_CASES];
	double best[AUX_N_CASES];
	const unsigned n = o->strips, p = o->period;
	const double per = (double)p * n; /* strip-samples per period */
	float **in = bench_make_inputs(n, p, 0x2545f491u);
	int ret = 1;

	fpu_denormals_off();
	for (int c = 0; c < AUX_N_CASES; c++)
		rig[c] = (struct aux_rig){ 0 };
	if (!in)
		goto out;
	for (int c = 0; c < AUX_N_CASES; c++) {
		if (rig_new(&rig[c], (enum aux_case)c, n, p) < 0)
			goto out;
		best[c] = 1e300;
	}
	printf("# aux: %u full strips (as 'strip'), kernel %s, %u-frame periods at %d Hz; "
	       "base = no aux buses, off = %d mono aux buses with every send at -inf, on = "
	       "every strip sending to each of %d mono buses (-10 dB, half pre, half post), "
	       "on_stereo = the same on stereo buses, panned; %d interleaved rounds of %.2f s, "
	       "the fastest of each kept\n",
	       n, engine_kernel_name(rig[0].e), p, BENCH_FS, AUX_BUSES, AUX_BUSES, AUX_ROUNDS,
	       o->seconds / AUX_ROUNDS);
	for (int round = 0; round < AUX_ROUNDS; round++)
		for (int c = 0; c < AUX_N_CASES; c++) {
			double t = rig_time(&rig[c], in, p, o->seconds / AUX_ROUNDS, round == 0);
			if (t < best[c])
				best[c] = t;
		}
	for (int c = 0; c < AUX_N_CASES; c++)
		printf("aux.%s strips=%u buses=%d period=%u ns_per_period=%.0f "
		       "ns_per_sample_strip=%.3f\n",
		       case_names[c], n, c == AUX_BASE ? 0 : AUX_BUSES, p, best[c], best[c] / per);
	printf("aux.cost strips=%u buses=%d ns_per_active_send_per_strip_sample=%.3f "
	       "ns_per_active_stereo_send_per_strip_sample=%.3f "
	       "ns_per_strip_sample_all_sends_off_over_base=%.3f\n",
	       n, AUX_BUSES, (best[AUX_ON] - best[AUX_BASE]) / per / AUX_BUSES,
	       (best[AUX_ON_STEREO] - best[AUX_BASE]) / per / AUX_BUSES,
	       (best[AUX_OFF] - best[AUX_BASE]) / per);
	printf("# issue 12: <= 0.5 ns per active send per strip and sample above the full strip; "
	       "a send at -inf costs nothing (off - base is the noise of the measurement plus "
	       "the aux buses' fixed cost: 8 outputs written per period)\n");
	fflush(stdout);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "mixbench: aux: out of memory\n");
	for (int c = 0; c < AUX_N_CASES; c++)
		rig_free(&rig[c]);
	bench_free_inputs(in, n);
	return ret;
}
