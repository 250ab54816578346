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

	ramp_to(&bus->g, bus->mute ? 0.0f : gain_db_to_lin(bus->return_db), b->smooth_n);
}

int
buses_init(struct buses *b, double fs, uint32_t smooth_n)
{
	memset(b, 0, sizeof(*b));
	b->rev = reverb_new();
	b->dly = delay_new();
	b->cho = chorus_new();
	if (!b->rev || !b->dly || !b->cho)
		return -ENOMEM;
	for (unsigned k = 0; k < ENGINE_N_BUSES; k++) {
		b->bus[k].return_db = BUSES_RETURN_DEFAULT_DB;
		ramp_init(&b->bus[k].g, gain_db_to_lin(b->bus[k].return_db));
	}
	return buses_set_rate(b, fs, smooth_n);
}

void
buses_free(struct buses *b)
{
	reverb_free(b->rev);
	delay_free(b->dly);
	chorus_free(b->cho);
	b->rev = NULL;
	b->dly = NULL;
	b->cho = NULL;
}

int
buses_set_rate(struct buses *b, double fs, uint32_t smooth_n)
{
	int ret = reverb_set_rate(b->rev, fs);

	if (ret == 0)
		ret = delay_set_rate(b->dly, fs);
	if (ret == 0)
		ret = chorus_set_rate(b->cho, fs);
	if (ret < 0)
		return ret;
	b->smooth_n = smooth_n;
	reverb_reset(b->rev);
	delay_reset(b->dly);
	chorus_reset(b->cho);
	return 0;
}

void
buses_settle(struct buses *b)
{
	for (unsigned k = 0; k < ENGINE_N_BUSES; k++) {
		return_update(b, k);
		ramp_init(&b->bus[k].g, b->bus[k].g.target);
	}
	/* the chorus's depth glides for 200 ms: a console coming up at a scene must not sweep
	 * its pitch there (its lines start empty, as after a rate change) */
	chorus_reset(b->cho);
}

bool
buses_set(struct buses *b, enum engine_param p, float v)
{
	struct reverb *r = b->rev;
	struct delay *d = b->dly;

	if (p >= ENGINE_BUS1_RETURN && p <= ENGINE_BUS_LAST) {
		unsigned k = (p - ENGINE_BUS1_RETURN) / 2;
		if ((p - ENGINE_BUS1_RETURN) % 2 == 0)
			b->bus[k].return_db = clampf(v, ENGINE_LEVEL_OFF_DB, ENGINE_LEVEL_MAX_DB);
		else
			b->bus[k].mute = v >= 0.5f;
		return_update(b, k);
		return true;
	}
	switch (p) {
	case ENGINE_REVERB_TIME:
		reverb_set(r, v, r->damping_hz, r->predelay_ms);
		break;
	case ENGINE_REVERB_DAMPING:
		reverb_set(r, r->time_s, v, r->predelay_ms);
		break;
	case ENGINE_REVERB_PREDELAY:
		reverb_set(r, r->time_s, r->damping_hz, v);
		break;
	case ENGINE_DELAY_TIME:
		delay_set(d, v, d->feedback, d->lowcut_hz, d->highcut_hz, d->pingpong, d->sync,
		          d->division);
		break;
	case ENGINE_DELAY_FEEDBACK:
		delay_set(d, d->time_ms, v, d->lowcut_hz, d->highcut_hz, d->pingpong, d->sync,
		          d->division);
		break;
	case ENGINE_DELAY_SYNC:
		delay_set(d, d->time_ms, d->feedback, d->lowcut_hz, d->highcut_hz, d->pingpong,
		          v >= 0.5f, d->division);
		break;
	case ENGINE_DELAY_DIVISION:
		delay_set(d, d->time_ms, d->feedback, d->lowcut_hz, d->highcut_hz, d->pingpong,
		          d->sync, (int)clampf(nearbyintf(v), 0.0f, DELAY_N_DIVISIONS - 1));
		break;
	case ENGINE_DELAY_LOWCUT:
		delay_set(d, d->time_ms, d->feedback, v, d->highcut_hz, d->pingpong, d->sync,
		          d->division);
		break;
	case ENGINE_DELAY_HIGHCUT:
		delay_set(d, d->time_ms, d->feedback, d->lowcut_hz, v, d->pingpong, d->sync,
		          d->division);
		break;
	case ENGINE_CHORUS_RATE:
		chorus_set(b->cho, v, NAN, NAN); /* NaN: the others stay */
		break;
	case ENGINE_CHORUS_DEPTH:
		chorus_set(b->cho, NAN, v, NAN);
		break;
	case ENGINE_CHORUS_VOICES:
		chorus_set(b->cho, NAN, NAN, v);
		break;
	case ENGINE_DELAY_PINGPONG:
		delay_set(d, d->time_ms, d->feedback, d->lowcut_hz, d->highcut_hz, v >= 0.5f,
		          d->sync, d->division);
		break;
	default:
		return false;
	}
	return true;
}

float
buses_get(const struct buses *b, enum engine_param p)
{
	const struct reverb *r = b->rev;
	const struct delay *d = b->dly;
	const struct chorus *c = b->cho;

	if (p >= ENGINE_BUS1_RETURN && p <= ENGINE_BUS_LAST) {
		const struct bus *bus = &b->bus[(p - ENGINE_BUS1_RETURN) / 2];
		return (p - ENGINE_BUS1_RETURN) % 2 == 0 ? bus->return_db : bus->mute;
	}
	switch (p) {
	case ENGINE_REVERB_TIME:
		return r->time_s;
	case ENGINE_REVERB_DAMPING:
		return r->damping_hz;
	case ENGINE_REVERB_PREDELAY:
		return r->predelay_ms;
	case ENGINE_DELAY_TIME:
		return d->time_ms;
	case ENGINE_DELAY_FEEDBACK:
		return d->feedback;
	case ENGINE_DELAY_SYNC:
		return d->sync;
	case ENGINE_DELAY_DIVISION:
		return (float)d->division;
	case ENGINE_DELAY_LOWCUT:
		return d->lowcut_hz;
	case ENGINE_DELAY_HIGHCUT:
		return d->highcut_hz;
	case ENGINE_DELAY_PINGPONG:
		return d->pingpong;
	case ENGINE_CHORUS_RATE:
		return c->rate_hz;
	case ENGINE_CHORUS_DEPTH:
		return c->depth_ms;
	case ENGINE_CHORUS_VOICES:
		return c->voices;
	default:
		return NAN;
	}
}

void
buses_set_tempo(struct buses *b, double bpm)
{
	delay_set_tempo(b->dly, bpm);
}

void
buses_process(struct buses *b, unsigned k, float *sum_l, float *sum_r, float *l, float *r,
              float *g_out, uint32_t n)
{
	struct bus *bus = &b->bus[k];
	float g[ENGINE_BLOCK], pl = bus->peak_l, pr = bus->peak_r;

	if (k == ENGINE_BUS_REVERB) {
		reverb_process(b->rev, sum_l, sum_r, sum_l, sum_r, n);
	} else if (k == ENGINE_BUS_DELAY) {
		delay_process(b->dly, sum_l, sum_r, sum_l, sum_r, n);
	} else {
		chorus_process(b->cho, sum_l, sum_r, sum_l, sum_r, n);
	}
	ramp_fill(&bus->g, g, n);
	if (g_out)
		memcpy(g_out, g, n * sizeof(*g));
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
	return b->rev->dropped + b->dly->dropped + b->cho->dropped;
}

uint64_t
buses_resets(const struct buses *b)
{
	return b->rev->resets + b->dly->resets + b->cho->resets;
}
