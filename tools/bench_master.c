/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench master: the cost of the master chain per stereo frame, measured on the master
 * itself (dsp/master.c) so no strip cost hides in it, and of the loudness meter mixd runs on
 * the master output (libebur128 in histogram mode: M, S, I and LRA; the true peak is the
 * limiter's 8x meter, part of the master's cost). The loudness
 * meter runs in its own thread in mixd, not in the process callback, but it is CPU the console
 * spends per frame all the same, so the total is what design.md's bar (<= 100 ns) is about.
 */
#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "clock.h"
#include "delay.h"
#include "engine.h"
#include "fpu.h"
#include "master.h"
#include "reverb.h"

#define NOISE_RMS_DB (-12.0) /* hot enough for the compressor and the limiter to work */

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Uniform noise at NOISE_RMS_DB RMS (uniform: rms = peak / sqrt(3)). */
static void
noise(float *x, unsigned n, uint32_t *seed)
{
	const float peak = (float)(pow(10.0, NOISE_RMS_DB / 20.0) * sqrt(3.0));

	for (unsigned i = 0; i < n; i++)
		x[i] = peak * ((float)(xorshift(seed) >> 8) / 8388608.0f - 1.0f);
}

/* The master as a mastering engineer would set it: four bands working, the glue compressor
 * taking a few dB, width 1.2, the limiter on in true-peak mode at -1 dBTP. */
static void
master_busy(struct master *m, const struct strip_env *env)
{
	static const struct {
		int type;
		float freq, gain, q;
	} bands[4] = {
		{ ENGINE_EQ_LOWSHELF, 80.0f, 2.0f, 0.7f },
		{ ENGINE_EQ_BELL, 300.0f, -2.0f, 1.0f },
		{ ENGINE_EQ_BELL, 3000.0f, 1.5f, 1.0f },
		{ ENGINE_EQ_HIGHSHELF, 10000.0f, 2.0f, 0.7f },
	};

	for (int b = 0; b < 4; b++) {
		master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_TYPE(b)), (float)bands[b].type);
		master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_FREQ(b)), bands[b].freq);
		master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_GAIN(b)), bands[b].gain);
		master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_Q(b)), bands[b].q);
	}
	master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_ON), 1.0f);
	master_set(m, env, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_THRESHOLD), -24.0f);
	master_set(m, env, ENGINE_MASTER_WIDTH, 1.2f);
	master_set(m, env, ENGINE_MASTER_LIMITER_ON, 1.0f);
	master_set(m, env, ENGINE_MASTER_LIMITER_TRUEPEAK, 1.0f);
	master_settle(m, env);
}

/* ...and mastering: the multiband compressor on, every band working (thresholds a few dB into
 * the noise), and bass in mono below 100 Hz. */
static void
master_mastering(struct master *m, const struct strip_env *env)
{
	master_set(m, env, ENGINE_MASTER_MB_ON, 1.0f);
	for (int b = 0; b < MB_BANDS; b++) {
		master_set(m, env, ENGINE_MASTER_MB(b, MB_THRESHOLD), -30.0f);
		master_set(m, env, ENGINE_MASTER_MB(b, MB_RATIO), 3.0f);
	}
	master_set(m, env, ENGINE_MASTER_MONO_BELOW, 100.0f);
	master_settle(m, env);
}

/* ns per frame of master_process over about o->seconds. */
static double
time_master(const struct bench_opts *o, struct master *m, const struct strip_env *env,
            const float *src_l, const float *src_r, float *l, float *r, unsigned len)
{
	const uint64_t limit = (uint64_t)(o->seconds * 1e9);
	uint64_t t0 = clock_ns(), t, frames = 0;
	uint32_t grid = 0;

	do {
		for (unsigned off = 0; off + o->period <= len; off += o->period) {
			/* fresh input each period, as JACK hands it; the copy is timed too (tiny)
			 */
			for (unsigned i = 0; i < o->period; i++) {
				l[i] = src_l[off + i];
				r[i] = src_r[off + i];
			}
			for (unsigned done = 0; done < o->period;) {
				unsigned n = SK_BLOCK - grid;
				if (n > o->period - done)
					n = o->period - done;
				master_process(m, env, l + done, r + done, grid, n, NULL, NULL);
				grid = (grid + n) % SK_BLOCK;
				done += n;
			}
			frames += o->period;
		}
		t = clock_ns();
	} while (t - t0 < limit);
	return (double)(t - t0) / (double)frames;
}

/* ns per frame of one bus effect (reverb when rev, else delay) on stereo noise, 100 % wet, at
 * its defaults (reverb 2 s; delay 375 ms, feedback 0.35, ping-pong), in periods. */
static double
time_bus(const struct bench_opts *o, bool rev, const float *src_l, const float *src_r, float *l,
         float *r, unsigned len)
{
	struct reverb *rv = rev ? reverb_new() : NULL;
	struct delay *dl = rev ? NULL : delay_new();
	const uint64_t limit = (uint64_t)(o->seconds * 1e9);
	uint64_t t0, t, n = 0;

	if ((rev && (!rv || reverb_set_rate(rv, BENCH_FS) < 0)) ||
	    (!rev && (!dl || delay_set_rate(dl, BENCH_FS) < 0))) {
		reverb_free(rv);
		delay_free(dl);
		return -1.0;
	}
	t0 = clock_ns();
	do {
		for (unsigned off = 0; off + o->period <= len; off += o->period) {
			if (rev)
				reverb_process(rv, src_l + off, src_r + off, l, r, o->period);
			else
				delay_process(dl, src_l + off, src_r + off, l, r, o->period);
			n += o->period;
		}
		t = clock_ns();
	} while (t - t0 < limit);
	reverb_free(rv);
	delay_free(dl);
	return (double)(t - t0) / (double)n;
}

/* ns per frame of libebur128 fed in periods, with the modes mixd uses. */
static double
time_loudness(const struct bench_opts *o, const float *src_l, const float *src_r, unsigned len)
{
	/* as mixd runs it: the true peak comes from the limiter's 8x meter, not libebur128 */
	const int mode = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
	                 EBUR128_MODE_HISTOGRAM;
	ebur128_state *st = ebur128_init(2, BENCH_FS, mode);
	float *frames = malloc(2 * (size_t)o->period * sizeof(float));
	const uint64_t limit = (uint64_t)(o->seconds * 1e9);
	uint64_t t0, t, n = 0;

	if (!st || !frames) {
		free(frames);
		if (st)
			ebur128_destroy(&st);
		return -1.0;
	}
	t0 = clock_ns();
	do {
		for (unsigned off = 0; off + o->period <= len; off += o->period) {
			for (unsigned i = 0; i < o->period; i++) {
				frames[2 * i] = src_l[off + i];
				frames[2 * i + 1] = src_r[off + i];
			}
			ebur128_add_frames_float(st, frames, o->period);
			n += o->period;
		}
		t = clock_ns();
	} while (t - t0 < limit);
	free(frames);
	ebur128_destroy(&st);
	return (double)(t - t0) / (double)n;
}

int
bench_master(const struct bench_opts *o)
{
	const unsigned len = BENCH_FS; /* one second of noise, replayed */
	struct strip_env env = { .fs = BENCH_FS };
	float *src_l = malloc(len * sizeof(float)), *src_r = malloc(len * sizeof(float));
	float *l = aligned_alloc(64, 8192 * sizeof(float)),
	      *r = aligned_alloc(64, 8192 * sizeof(float));
	struct master m;
	uint32_t seed = 0x9e3779b9u;
	double busy, rest, mastering, loud, rev, dly;
	float mb_gr[MB_BANDS];
	float tp, gr;
	int ret = 1;

	fpu_denormals_off();
	env.smooth_n = (uint32_t)lrint(BENCH_FS * ENGINE_SMOOTH_MS * 0.001);
	env.kb = (float)(1.0 - exp(-SK_BLOCK / (ENGINE_SMOOTH_MS * 0.001 * BENCH_FS)));
	if (!src_l || !src_r || !l || !r || master_init(&m, &env) < 0)
		goto out;
	noise(src_l, len, &seed);
	noise(src_r, len, &seed);
	printf(
	    "# master: the master bus alone on stereo noise at %.0f dBFS RMS, %u-frame periods at "
	    "%d Hz, %.1f s each; at rest = defaults (EQ flat, compressor off, limiter on in "
	    "true-peak mode, which is always in the path); busy = 4 bands working, glue "
	    "compressor, width 1.2, limiter; mastering = busy + the 3-band compressor (every "
	    "band compressing) + mono bass below 100 Hz; loudness = libebur128 M+S+I+LRA, "
	    "histogram mode "
	    "(mixd's loudness thread; its true peak is the limiter's meter, in the master's "
	    "cost)\n",
	    NOISE_RMS_DB, o->period, BENCH_FS, o->seconds);
	rest = time_master(o, &m, &env, src_l, src_r, l, r, len);
	master_busy(&m, &env);
	busy = time_master(o, &m, &env, src_l, src_r, l, r, len);
	tp = master_read_truepeak(&m);
	gr = master_read_limiter_gr(&m);
	master_mastering(&m, &env);
	mastering = time_master(o, &m, &env, src_l, src_r, l, r, len);
	master_read_multiband_gr(&m, mb_gr);
	loud = time_loudness(o, src_l, src_r, len);
	rev = time_bus(o, true, src_l, src_r, l, r, len);
	dly = time_bus(o, false, src_l, src_r, l, r, len);
	if (loud < 0.0 || rev < 0.0 || dly < 0.0)
		goto out;
	printf("master ns_per_frame_rest=%.1f ns_per_frame_busy=%.1f loudness_ns_per_frame=%.1f "
	       "total_ns_per_frame=%.1f limiter_gr_db=%.1f out_truepeak_dbtp=%.2f\n",
	       rest, busy, loud, busy + loud, (double)gr, 20.0 * log10((double)tp));
	printf("master ns_per_frame_mastering=%.1f multiband_gr_db=%.1f,%.1f,%.1f\n", mastering,
	       (double)mb_gr[0], (double)mb_gr[1], (double)mb_gr[2]);
	printf("bus reverb_ns_per_frame=%.1f delay_ns_per_frame=%.1f\n", rev, dly);
	ret = 0;
out:
	master_free(&m);
	free(src_l);
	free(src_r);
	free(l);
	free(r);
	return ret;
}
