/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench chorus: the chorus bus (dsp/chorus.c) per stereo frame, on stereo noise in periods as
 * JACK hands them: at its defaults (0.8 Hz, 4 ms, 2 voices), at four voices sweeping their
 * fastest (5 Hz, 10 ms), with one voice, and idle (digital silence). The delay and the reverb
 * bus at their defaults are timed in the same run beside it, as the other bus effects' cost.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "chorus.h"
#include "clock.h"
#include "delay.h"
#include "fpu.h"
#include "reverb.h"

enum fx { FX_CHORUS, FX_DELAY, FX_REVERB };

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* ns per frame of one bus effect over about o->seconds, the source replayed in periods. */
static double
time_fx(const struct bench_opts *o, enum fx fx, float rate, float depth, float voices,
        const float *src_l, const float *src_r, float *l, float *r, unsigned len)
{
	struct chorus *ch = fx == FX_CHORUS ? chorus_new() : NULL;
	struct delay *dl = fx == FX_DELAY ? delay_new() : NULL;
	struct reverb *rv = fx == FX_REVERB ? reverb_new() : NULL;
	const uint64_t limit = (uint64_t)(o->seconds * 1e9);
	uint64_t t0, t, n = 0;
	double ret = -1.0;

	if ((fx == FX_CHORUS && (!ch || chorus_set_rate(ch, BENCH_FS) < 0)) ||
	    (fx == FX_DELAY && (!dl || delay_set_rate(dl, BENCH_FS) < 0)) ||
	    (fx == FX_REVERB && (!rv || reverb_set_rate(rv, BENCH_FS) < 0)))
		goto out;
	if (ch) {
		chorus_set(ch, rate, depth, voices);
		chorus_reset(ch);
	}
	t0 = clock_ns();
	do {
		for (unsigned off = 0; off + o->period <= len; off += o->period) {
			if (ch)
				chorus_process(ch, src_l + off, src_r + off, l, r, o->period);
			else if (dl)
				delay_process(dl, src_l + off, src_r + off, l, r, o->period);
			else
				reverb_process(rv, src_l + off, src_r + off, l, r, o->period);
			n += o->period;
		}
		t = clock_ns();
	} while (t - t0 < limit);
	ret = (double)(t - t0) / (double)n;
out:
	chorus_free(ch);
	delay_free(dl);
	reverb_free(rv);
	return ret;
}

int
bench_chorus(const struct bench_opts *o)
{
	const unsigned len = BENCH_FS; /* one second, replayed */
	float *src_l = malloc(len * sizeof(float)), *src_r = malloc(len * sizeof(float));
	float *zero = calloc(len, sizeof(float));
	float *l = aligned_alloc(64, 8192 * sizeof(float)),
	      *r = aligned_alloc(64, 8192 * sizeof(float));
	uint32_t seed = 0x2545f491u;
	double def, worst, one, idle, dly, rev;
	int ret = 1;

	fpu_denormals_off();
	if (!src_l || !src_r || !zero || !l || !r)
		goto out;
	for (unsigned i = 0; i < len; i++) { /* -20 dBFS peak uniform noise */
		src_l[i] = 0.1f * ((float)(xorshift(&seed) >> 8) / 8388608.0f - 1.0f);
		src_r[i] = 0.1f * ((float)(xorshift(&seed) >> 8) / 8388608.0f - 1.0f);
	}
	printf("# chorus: the chorus bus alone on stereo noise, %u-frame periods at %d Hz, %.1f s "
	       "each, 100 %% wet; defaults = 0.8 Hz, 4 ms, 2 voices; worst = 4 voices at 5 Hz, "
	       "10 ms; idle = digital silence; the delay (375 ms, ping-pong) and the reverb (2 s) "
	       "at their defaults beside it\n",
	       o->period, BENCH_FS, o->seconds);
	def = time_fx(o, FX_CHORUS, CHORUS_RATE_DEFAULT, CHORUS_DEPTH_DEFAULT,
	              CHORUS_VOICES_DEFAULT, src_l, src_r, l, r, len);
	worst = time_fx(o, FX_CHORUS, 5.0f, 10.0f, 4.0f, src_l, src_r, l, r, len);
	one = time_fx(o, FX_CHORUS, CHORUS_RATE_DEFAULT, CHORUS_DEPTH_DEFAULT, 1.0f, src_l, src_r,
	              l, r, len);
	idle = time_fx(o, FX_CHORUS, CHORUS_RATE_DEFAULT, CHORUS_DEPTH_DEFAULT,
	               CHORUS_VOICES_DEFAULT, zero, zero, l, r, len);
	dly = time_fx(o, FX_DELAY, 0, 0, 0, src_l, src_r, l, r, len);
	rev = time_fx(o, FX_REVERB, 0, 0, 0, src_l, src_r, l, r, len);
	if (def < 0.0 || worst < 0.0 || one < 0.0 || idle < 0.0 || dly < 0.0 || rev < 0.0)
		goto out;
	printf("chorus ns_per_frame_default=%.1f ns_per_frame_4voices=%.1f "
	       "ns_per_frame_1voice=%.1f ns_per_frame_idle=%.2f delay_ns_per_frame=%.1f "
	       "reverb_ns_per_frame=%.1f\n",
	       def, worst, one, idle, dly, rev);
	ret = 0;
out:
	free(src_l);
	free(src_r);
	free(zero);
	free(l);
	free(r);
	return ret;
}
