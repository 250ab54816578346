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
	if (!o->ch || !o->mem || (direct && (!o->direct || !o->sub_direct)))
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
	memset(o, 0, sizeof(*o));
}

int
outs_register(struct outs *o, jack_client_t *client)
{
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
