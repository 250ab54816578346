/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portlat: see portlat.h. */
#include "portlat.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A range no port has: what "unknown" is stored as. */
static const jack_latency_range_t UNKNOWN = { UINT32_MAX, 0 };

static int
mode_index(jack_latency_callback_mode_t mode)
{
	return mode == JackCaptureLatency ? 0 : 1;
}

static bool
same(const jack_latency_range_t *a, const jack_latency_range_t *b)
{
	return a->min == b->min && a->max == b->max;
}

int
portlat_init(struct portlat *p, unsigned n_out, unsigned n_in)
{
	const size_t n = (size_t)n_out + n_in;

	memset(p, 0, sizeof(*p));
	p->n_out = n_out;
	p->n_in = n_in;
	for (int m = 0; m < 2; m++) {
		p->want[m] = malloc(n * sizeof(*p->want[m]));
		p->stage[m] = malloc(n * sizeof(*p->stage[m]));
		p->set[m] = malloc(n * sizeof(*p->set[m]));
		if (!p->want[m] || !p->stage[m] || !p->set[m])
			return -ENOMEM;
	}
	if (pthread_mutex_init(&p->mu, NULL))
		return -ENOMEM;
	p->have_mu = true;
	portlat_forget(p);
	return 0;
}

void
portlat_free(struct portlat *p)
{
	for (int m = 0; m < 2; m++) {
		free(p->want[m]);
		free(p->stage[m]);
		free(p->set[m]);
	}
	if (p->have_mu)
		pthread_mutex_destroy(&p->mu);
	memset(p, 0, sizeof(*p));
}

void
portlat_forget(struct portlat *p)
{
	pthread_mutex_lock(&p->mu);
	for (int m = 0; m < 2; m++)
		for (unsigned i = 0; i < p->n_out + p->n_in; i++)
			p->want[m][i] = p->set[m][i] = UNKNOWN;
	p->due = false;
	pthread_mutex_unlock(&p->mu);
}

/* Widens r by [min, max]. */
static void
widen(jack_latency_range_t *r, uint32_t min, uint32_t max)
{
	r->min = min < r->min ? min : r->min;
	r->max = max > r->max ? max : r->max;
}

/* Stores r as slot i's wanted range; true when that is new. */
static bool
put(jack_latency_range_t *w, unsigned i, jack_latency_range_t r)
{
	if (same(&w[i], &r))
		return false;
	w[i] = r;
	return true;
}

/* Works out mode's range of every port into w (outputs, then inputs), reading ports and setting
 * none. Returns true when a range differs from what w held. */
static bool
work_out(const struct portlat *p, const struct outs *o, const struct engine *e,
         jack_port_t *const *in, jack_latency_callback_mode_t mode, jack_latency_range_t *w)
{
	jack_latency_range_t range = UNKNOWN, r;
	bool changed = false;

	if (mode == JackCaptureLatency) {
		for (unsigned i = 0; i < p->n_in; i++) {
			jack_port_get_latency_range(in[i], mode, &r);
			widen(&range, r.min, r.max);
		}
		if (range.min > range.max)
			range.min = range.max = 0;
		/* an input's capture range is JACK's: its slots stay unknown, never set */
		for (unsigned i = 0; i < p->n_out; i++) {
			uint32_t lat = engine_output_latency(e, o->ch[i].kind);

			changed |=
			    put(w, i, (jack_latency_range_t){ range.min + lat, range.max + lat });
		}
		return changed;
	}
	/* only the outputs someone listens to say when an input is heard (a console has dozens
	 * of outputs, most of them unconnected); with none connected, all of them */
	for (unsigned pass = 0; pass < 2 && range.min > range.max; pass++)
		for (unsigned i = 0; i < p->n_out; i++) {
			uint32_t lat = engine_output_latency(e, o->ch[i].kind);

			if (pass == 0 && jack_port_connected(o->ch[i].port) <= 0)
				continue;
			jack_port_get_latency_range(o->ch[i].port, mode, &r);
			widen(&range, r.min + lat, r.max + lat);
		}
	if (range.min > range.max)
		range.min = range.max = 0;
	/* an output's playback range is JACK's: its slots stay unknown */
	for (unsigned i = 0; i < p->n_in; i++)
		changed |= put(w, p->n_out + i, range);
	return changed;
}

bool
portlat_compute(struct portlat *p, const struct outs *o, const struct engine *e,
                jack_port_t *const *in, jack_latency_callback_mode_t mode)
{
	bool changed;

	/* worked out under mu: a few hundred local port reads at most, and the control thread
	 * holds mu only to copy want out */
	pthread_mutex_lock(&p->mu);
	changed = work_out(p, o, e, in, mode, p->want[mode_index(mode)]);
	p->due = p->due || changed;
	pthread_mutex_unlock(&p->mu);
	return changed;
}

/* The port of slot i: an output, then an input. */
static jack_port_t *
port_of(const struct portlat *p, const struct outs *o, jack_port_t *const *in, unsigned i)
{
	return i < p->n_out ? o->ch[i].port : in[i - p->n_out];
}

unsigned
portlat_apply(struct portlat *p, const struct outs *o, jack_port_t *const *in)
{
	const unsigned n = p->n_out + p->n_in;
	unsigned count = 0;
	bool due;

	pthread_mutex_lock(&p->mu);
	due = p->due;
	p->due = false;
	if (due)
		for (int m = 0; m < 2; m++)
			memcpy(p->stage[m], p->want[m], n * sizeof(*p->stage[m]));
	pthread_mutex_unlock(&p->mu);
	if (!due)
		return 0;
	/* outside mu: on PipeWire each set queues a message to the loop thread, on jackd it writes
	 * shared memory; neither waits, but mu stays a lock the callback can always have */
	for (int m = 0; m < 2; m++)
		for (unsigned i = 0; i < n; i++) {
			jack_latency_range_t *r = &p->stage[m][i];

			if (same(r, &UNKNOWN) || same(r, &p->set[m][i]))
				continue;
			jack_port_set_latency_range(
			    port_of(p, o, in, i), m == 0 ? JackCaptureLatency : JackPlaybackLatency,
			    r);
			p->set[m][i] = *r;
			count++;
		}
	return count;
}
