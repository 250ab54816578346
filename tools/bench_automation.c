/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench automation: what a lane costs per second of audio. The same engine (64 strips by
 * default, noise in) runs the same seconds twice with the transport rolling: once with no
 * lanes, once with a fader and a pan lane on every strip, both moving all the time (linear,
 * a point every 100 ms). Playback goes through automation_rt_process, the one cut of a period
 * into 32-frame pieces that mixd's callback and mixrender use, so the difference is what
 * automation adds there: the pieces, the lane evaluation with its look-ahead, and engine_set
 * on every moving parameter every piece.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "automation_file.h"
#include "bench.h"
#include "clock.h"
#include "engine.h"
#include "fpu.h"
#include "params.h"

static bool
emit_nothing(void *ctx, unsigned idx, float v)
{
	return true;
}

/* An automation file in memory: a fader and a pan lane per strip, a point every 100 ms. */
static struct automation_file *
lanes_for(const struct params *ps, unsigned strips, double seconds)
{
	size_t cap = (size_t)(strips * 2 * (seconds * 10 + 2) * 48) + 64, len = 0;
	char *text = malloc(cap), err[256];
	struct automation_file *af = NULL;
	FILE *f;

	if (!text)
		return NULL;
	len += (size_t)snprintf(text + len, cap - len, "# mixd automation 1\n");
	for (unsigned p = 0; p <= (unsigned)(seconds * 10) + 1; p++)
		for (unsigned k = 1; k <= strips; k++) {
			double t = p * 0.1, ph = 0.37 * k + t;
			len += (size_t)snprintf(text + len, cap - len,
			                        "%.1f /strip/%u/fader %.2f linear\n"
			                        "%.1f /strip/%u/pan %.3f linear\n",
			                        t, k, -20.0 + 10.0 * sin(ph), t, k, sin(2.0 * ph));
		}
	f = fmemopen(text, len, "r");
	if (f) {
		af = automation_file_read(ps, f, "bench", err, sizeof(err));
		if (!af)
			fprintf(stderr, "mixbench: automation: %s\n", err);
		fclose(f);
	}
	free(text);
	return af;
}

/* ns for `frames` of audio through e in periods of o->period, with a (or NULL) rolling. */
static double
run(const struct bench_opts *o, struct engine *e, struct automation *a, float **in,
    const float **sub, float *l, float *r, unsigned frames)
{
	uint64_t t0 = clock_ns();

	for (uint64_t pos = 0; pos < frames; pos += o->period) {
		if (a && automation_rt_begin(a, e, true, pos, o->period, emit_nothing, NULL))
			automation_rt_process(a, e, pos, (const float *const *)in, sub, l, r,
			                      o->period);
		else
			engine_process(e, (const float *const *)in, l, r, o->period);
	}
	return (double)(clock_ns() - t0);
}

int
bench_automation(const struct bench_opts *o)
{
	unsigned frames = (unsigned)(o->seconds * BENCH_FS) / o->period * o->period;
	struct params *ps = params_new(o->strips);
	struct engine *e = engine_new(BENCH_FS, o->strips, NULL);
	struct automation *a = ps ? automation_new(params_count(ps)) : NULL;
	struct automation_file *af = ps ? lanes_for(ps, o->strips, o->seconds) : NULL;
	struct automation_set *set = NULL;
	float **in = NULL, *l = malloc(sizeof(float) * o->period),
	      *r = malloc(sizeof(float) * o->period);
	const float **sub = NULL;
	double plain = INFINITY, with = INFINITY;
	char err[256];
	unsigned n_in, lanes = 0;
	int ret = 1;

	if (!ps || !e || !a || !af || !l || !r)
		goto out;
	n_in = engine_n_inputs(e);
	in = calloc(n_in, sizeof(*in));
	sub = calloc(n_in, sizeof(*sub));
	if (!in || !sub)
		goto out;
	for (unsigned i = 0; i < n_in; i++) {
		uint32_t x = 99u + i;
		in[i] = malloc(sizeof(float) * o->period);
		if (!in[i])
			goto out;
		for (unsigned k = 0; k < o->period; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			in[i][k] = 0.1f * ((float)(x >> 8) / 8388608.0f - 1.0f);
		}
	}
	set = automation_build(af, ps, BENCH_FS, err, sizeof(err));
	if (!set || automation_swap(a, set) < 0) {
		fprintf(stderr, "mixbench: automation: %s\n", set ? "busy" : err);
		automation_set_free(set);
		goto out;
	}
	lanes = automation_set_lanes(set);
	fpu_denormals_off();
	/* best of three each, interleaved, so a busy moment does not land on one side only */
	for (int rep = 0; rep < 3; rep++) {
		plain = fmin(plain, run(o, e, NULL, in, sub, l, r, frames));
		with = fmin(with, run(o, e, a, in, sub, l, r, frames));
	}
	printf("automation strips=%u period=%u seconds=%.1f lanes=%u plain_ms=%.2f "
	       "automated_ms=%.2f us_per_lane_per_s=%.2f cpu_pct_per_64_lanes=%.3f\n",
	       o->strips, o->period, frames / (double)BENCH_FS, lanes, plain / 1e6, with / 1e6,
	       (with - plain) / 1e3 / lanes / (frames / (double)BENCH_FS),
	       (with - plain) / lanes * 64 / (frames / (double)BENCH_FS) / 1e9 * 100.0);
	ret = 0;
out:
	if (in)
		for (unsigned i = 0; e && i < engine_n_inputs(e); i++)
			free(in[i]);
	free(in);
	free(sub);
	free(l);
	free(r);
	automation_free(a);
	automation_file_free(af);
	engine_free(e);
	params_free(ps);
	return ret;
}
