/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "buses.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "gain.h"
#include "numeric.h"

static void
return_update(struct buses *b, unsigned k)
{
	struct bus *bus = &b->bus[k];

	ramp_set(&bus->g, bus->mute ? 0.0f : gain_db_to_lin(bus->return_db), b->smooth_n);
}

static void
reverb_apply(struct buses *b)
{
	reverb_set(b->rev, b->rev_time_s, b->rev_damping_hz, b->rev_predelay_ms);
}

static void
delay_apply(struct buses *b)
{
	delay_set(b->dly, b->dly_time_ms, b->dly_feedback, b->dly_lowcut_hz, b->dly_highcut_hz,
	          b->dly_pingpong, b->dly_sync, b->dly_division);
}

int
buses_init(struct buses *b, double fs, uint32_t smooth_n)
{
	memset(b, 0, sizeof(*b));
	b->rev = reverb_new();
	b->dly = delay_new();
	if (!b->rev || !b->dly)
		return -ENOMEM;
	b->rev_time_s = 2.0f;
	b->rev_damping_hz = 6000.0f;
	b->rev_predelay_ms = 20.0f;
	b->dly_time_ms = 375.0f;
	b->dly_feedback = 0.35f;
	b->dly_lowcut_hz = 100.0f;
	b->dly_highcut_hz = 8000.0f;
	b->dly_pingpong = true;
	b->dly_division = DELAY_DIV_4;
	for (unsigned k = 0; k < ENGINE_N_BUSES; k++)
		ramp_init(&b->bus[k].g, 1.0f);
	return buses_set_rate(b, fs, smooth_n);
}

void
buses_free(struct buses *b)
{
	reverb_free(b->rev);
	delay_free(b->dly);
	b->rev = NULL;
	b->dly = NULL;
}

int
buses_set_rate(struct buses *b, double fs, uint32_t smooth_n)
{
	int ret = reverb_set_rate(b->rev, fs);

	if (ret == 0)
		ret = delay_set_rate(b->dly, fs);
	if (ret < 0)
		return ret;
	b->smooth_n = smooth_n;
	reverb_apply(b);
	delay_apply(b);
	reverb_reset(b->rev);
	delay_reset(b->dly);
	return 0;
}

void
buses_settle(struct buses *b)
{
	for (unsigned k = 0; k < ENGINE_N_BUSES; k++) {
		return_update(b, k);
		ramp_init(&b->bus[k].g, b->bus[k].g.target);
	}
}

bool
buses_set(struct buses *b, enum engine_param p, float v)
{
	if (p >= ENGINE_BUS1_RETURN && p <= ENGINE_BUS2_MUTE) {
		unsigned k = (p - ENGINE_BUS1_RETURN) / 2;
		if ((p - ENGINE_BUS1_RETURN) % 2 == 0)
			b->bus[k].return_db = clampf(v, GAIN_OFF_DB, 10.0f);
		else
			b->bus[k].mute = v >= 0.5f;
		return_update(b, k);
		return true;
	}
	switch (p) {
	case ENGINE_REVERB_TIME:
		b->rev_time_s = v;
		break;
	case ENGINE_REVERB_DAMPING:
		b->rev_damping_hz = v;
		break;
	case ENGINE_REVERB_PREDELAY:
		b->rev_predelay_ms = v;
		break;
	case ENGINE_DELAY_TIME:
		b->dly_time_ms = v;
		break;
	case ENGINE_DELAY_FEEDBACK:
		b->dly_feedback = v;
		break;
	case ENGINE_DELAY_SYNC:
		b->dly_sync = v >= 0.5f;
		break;
	case ENGINE_DELAY_DIVISION:
		b->dly_division = (int)clampf(nearbyintf(v), 0.0f, DELAY_N_DIVISIONS - 1);
		break;
	case ENGINE_DELAY_LOWCUT:
		b->dly_lowcut_hz = v;
		break;
	case ENGINE_DELAY_HIGHCUT:
		b->dly_highcut_hz = v;
		break;
	case ENGINE_DELAY_PINGPONG:
		b->dly_pingpong = v >= 0.5f;
		break;
	default:
		return false;
	}
	/* the effects clamp what they are given */
	if (p <= ENGINE_REVERB_PREDELAY)
		reverb_apply(b);
	else
		delay_apply(b);
	return true;
}

void
buses_set_tempo(struct buses *b, double bpm)
{
	delay_set_tempo(b->dly, bpm);
}

void
buses_process(struct buses *b, unsigned k, float *sum_l, float *sum_r, float *l, float *r,
              uint32_t n)
{
	struct bus *bus = &b->bus[k];
	float g[ENGINE_BLOCK], pl = bus->peak_l, pr = bus->peak_r;

	if (k == ENGINE_BUS_REVERB)
		reverb_process(b->rev, sum_l, sum_r, sum_l, sum_r, n);
	else
		delay_process(b->dly, sum_l, sum_r, sum_l, sum_r, n);
	ramp_fill(&bus->g, g, n);
	for (uint32_t i = 0; i < n; i++) {
		float yl = sum_l[i] * g[i], yr = sum_r[i] * g[i];
		l[i] += yl;
		r[i] += yr;
		pl = fmaxabs(pl, yl);
		pr = fmaxabs(pr, yr);
	}
	bus->peak_l = pl;
	bus->peak_r = pr;
}

void
buses_read_meter(struct buses *b, unsigned k, float *peak_l, float *peak_r)
{
	*peak_l = b->bus[k].peak_l;
	*peak_r = b->bus[k].peak_r;
	b->bus[k].peak_l = b->bus[k].peak_r = 0.0f;
}

uint64_t
buses_dropped(const struct buses *b)
{
	return b->rev->dropped + b->dly->dropped;
}

uint64_t
buses_resets(const struct buses *b)
{
	return b->rev->resets + b->dly->resets;
}
