/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outs: see outs.h. */
#include "outs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds an output channel of kind to the plan (o->ch has room: outs_plan counted it) and returns
 * its buffer. */
static float *
add(struct outs *o, enum engine_output kind, const char *name)
{
	struct out_chan *c = &o->ch[o->n];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->kind = kind;
	c->buf = o->mem + (size_t)o->n++ * OUTS_MAX_PERIOD;
	return c->buf;
}

int
outs_plan(struct outs *o, const struct engine *e)
{
	const unsigned n_aux = engine_n_aux(e), n_strips = engine_n_strips(e);
	const unsigned n_in = engine_n_inputs(e);
	const bool direct = engine_direct_outs(e);
	unsigned max = 2 + 2 + (direct ? n_in : 0), c = 0;
	char pn[32];

	for (unsigned k = 0; k < n_aux; k++)
		max += engine_aux_stereo(e, k) ? 2 : 1;
	o->ch = calloc(max, sizeof(*o->ch));
	/* malloc, then written: calloc's fresh pages would fault in on the callback's first use */
	o->mem = malloc((size_t)max * OUTS_MAX_PERIOD * sizeof(float));
	if (direct) {
		o->direct = calloc(n_in, sizeof(*o->direct));
		o->sub_direct = calloc(n_in, sizeof(*o->sub_direct));
	}
	o->n_in = n_in;
	for (int m = 0; m < 2; m++)
		o->lat_set[m] = calloc(max + n_in, sizeof(*o->lat_set[m]));
	if (!o->ch || !o->mem || (direct && (!o->direct || !o->sub_direct)) || !o->lat_set[0] ||
	    !o->lat_set[1])
		return -ENOMEM;
	memset(o->mem, 0, (size_t)max * OUTS_MAX_PERIOD * sizeof(float));

	o->eo.master_l = add(o, ENGINE_OUTPUT_MASTER, "master_L");
	o->eo.master_r = add(o, ENGINE_OUTPUT_MASTER, "master_R");
	for (unsigned k = 0; k < n_aux; k++) {
		if (engine_aux_stereo(e, k)) {
			snprintf(pn, sizeof(pn), "aux_%u_L", k + 1);
			o->eo.aux[k][0] = add(o, ENGINE_OUTPUT_AUX, pn);
			snprintf(pn, sizeof(pn), "aux_%u_R", k + 1);
			o->eo.aux[k][1] = add(o, ENGINE_OUTPUT_AUX, pn);
		} else {
			snprintf(pn, sizeof(pn), "aux_%u", k + 1);
			o->eo.aux[k][0] = add(o, ENGINE_OUTPUT_AUX, pn);
		}
	}
	o->eo.monitor_l = add(o, ENGINE_OUTPUT_MONITOR, "monitor_L");
	o->eo.monitor_r = add(o, ENGINE_OUTPUT_MONITOR, "monitor_R");
	for (unsigned k = 0; direct && k < n_strips; k++) {
		if (engine_strip_stereo(e, k)) {
			snprintf(pn, sizeof(pn), "direct_%u_L", k + 1);
			o->direct[c++] = add(o, ENGINE_OUTPUT_DIRECT, pn);
			snprintf(pn, sizeof(pn), "direct_%u_R", k + 1);
			o->direct[c++] = add(o, ENGINE_OUTPUT_DIRECT, pn);
		} else {
			snprintf(pn, sizeof(pn), "direct_%u", k + 1);
			o->direct[c++] = add(o, ENGINE_OUTPUT_DIRECT, pn);
		}
	}
	o->eo.direct = o->direct;
	return 0;
}

void
outs_free(struct outs *o)
{
	free(o->ch);
	free(o->mem);
	free(o->direct);
	free(o->sub_direct);
	free(o->lat_set[0]);
	free(o->lat_set[1]);
	memset(o, 0, sizeof(*o));
}

/* A range no port has: the next set of every port goes through. */
static void
forget_latencies(struct outs *o)
{
	for (int m = 0; m < 2; m++)
		for (unsigned i = 0; i < o->n + o->n_in; i++)
			o->lat_set[m][i] = (jack_latency_range_t){ UINT32_MAX, 0 };
}

int
outs_register(struct outs *o, jack_client_t *client)
{
	forget_latencies(o);
	for (unsigned i = 0; i < o->n; i++) {
		o->ch[i].port = jack_port_register(client, o->ch[i].name, JACK_DEFAULT_AUDIO_TYPE,
		                                   JackPortIsOutput, 0);
		if (!o->ch[i].port)
			return -ENOMEM;
	}
	return 0;
}

void
outs_copy(const struct outs *o, jack_nframes_t n)
{
	for (unsigned i = 0; i < o->n; i++)
		memcpy(jack_port_get_buffer(o->ch[i].port, n), o->ch[i].buf, n * sizeof(float));
}

void
outs_silence(const struct outs *o, jack_nframes_t n)
{
	for (unsigned i = 0; i < o->n; i++)
		memset(jack_port_get_buffer(o->ch[i].port, n), 0, n * sizeof(float));
}

/* Widens r by x. */
static void
widen(jack_latency_range_t *r, uint32_t min, uint32_t max)
{
	r->min = min < r->min ? min : r->min;
	r->max = max > r->max ? max : r->max;
}

/* Sets port's range for mode unless it is what slot last set. */
static void
set_range(struct outs *o, unsigned slot, jack_port_t *port, jack_latency_callback_mode_t mode,
          jack_latency_range_t *r)
{
	jack_latency_range_t *last = &o->lat_set[mode == JackCaptureLatency ? 0 : 1][slot];

	if (last->min == r->min && last->max == r->max)
		return;
	jack_port_set_latency_range(port, mode, r);
	*last = *r;
}

void
outs_latency(struct outs *o, const struct engine *e, jack_port_t *const *in, unsigned n_in,
             jack_latency_callback_mode_t mode)
{
	jack_latency_range_t range = { UINT32_MAX, 0 }, r;

	if (mode == JackCaptureLatency) {
		for (unsigned i = 0; i < n_in; i++) {
			jack_port_get_latency_range(in[i], mode, &r);
			widen(&range, r.min, r.max);
		}
		if (range.min > range.max)
			range.min = range.max = 0;
		for (unsigned i = 0; i < o->n; i++) {
			uint32_t lat = engine_output_latency(e, o->ch[i].kind);

			r.min = range.min + lat;
			r.max = range.max + lat;
			set_range(o, i, o->ch[i].port, mode, &r);
		}
		return;
	}
	/* only the outputs someone listens to say when an input is heard (a console has dozens
	 * of outputs, most of them unconnected); with none connected, all of them */
	for (unsigned pass = 0; pass < 2 && range.min > range.max; pass++)
		for (unsigned i = 0; i < o->n; i++) {
			uint32_t lat = engine_output_latency(e, o->ch[i].kind);

			if (pass == 0 && jack_port_connected(o->ch[i].port) <= 0)
				continue;
			jack_port_get_latency_range(o->ch[i].port, mode, &r);
			widen(&range, r.min + lat, r.max + lat);
		}
	if (range.min > range.max)
		range.min = range.max = 0;
	for (unsigned i = 0; i < n_in && i < o->n_in; i++)
		set_range(o, o->n + i, in[i], mode, &range);
}
