/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ardour: the Ardour personality's set-up (the parameter rows it maps: a strip's name, trim,
 * polarity, fader, pan, mute, solo and send levels, the master's fader and mute), its life and
 * its counters. The personality itself is described in ardour_private.h.
 */
#include "ardour_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "params.h"

/* The index of /strip/<k+1>/<name>, or a negative errno. */
static int
find_param(const struct params *ps, unsigned k, const char *name)
{
	char addr[PARAM_ADDRESS_MAX];

	snprintf(addr, sizeof(addr), "/strip/%u/%s", k + 1, name);
	return params_find(ps, addr);
}

struct ardour *
ardour_new(struct model *m, struct osc_server *srv, struct dispatch *d,
           const struct dispatch_hooks *hooks)
{
	const struct params *ps = model_params(m);
	struct ardour *a = calloc(1, sizeof(*a));
	unsigned n, np;
	int idx[7];
	static const char *const names[] = { "name", "trim", "polarity", "fader",
		                             "pan",  "mute", "solo" };

	if (!a)
		return NULL;
	a->m = m;
	a->srv = srv;
	a->d = d;
	a->h = *hooks;
	n = a->n_strips = params_n_strips(ps);
	np = params_count(ps);
	a->n_sends = ENGINE_N_BUSES + params_n_aux(ps);
	a->sx = calloc(n, sizeof(*a->sx));
	a->kind = calloc(np, sizeof(*a->kind));
	a->n_in = calloc(n, sizeof(*a->n_in));
	a->send_idx = calloc((size_t)n * a->n_sends, sizeof(*a->send_idx));
	a->send_saved = calloc((size_t)n * a->n_sends, sizeof(*a->send_saved));
	/* the table's lease is 1 ns over ARDOUR_LEASE_NS: its entries lapse when unheard for the
	 * lease or longer, and a surface is forgotten when unheard for more than ARDOUR_LEASE_NS */
	a->sur = peers_new(&(const struct peers_config){
	    .max = ARDOUR_MAX_SURFACES,
	    .per_host = ARDOUR_PER_HOST,
	    .lease_ns = ARDOUR_LEASE_NS + 1,
	    .payload_size = sizeof(struct ardour_surface),
	});
	if (!a->sx || !a->kind || !a->n_in || !a->send_idx || !a->send_saved || !a->sur)
		goto fail;
	for (unsigned b = ENGINE_N_BUSES; b < a->n_sends; b++) {
		char name[32];
		int i;

		snprintf(name, sizeof(name), "/aux/%u/name", b - ENGINE_N_BUSES + 1);
		if ((i = params_find(ps, name)) < 0)
			goto fail;
		a->aux_name[b - ENGINE_N_BUSES] = (unsigned)i;
	}
	for (unsigned k = 0; k < n; k++) {
		char name[32];

		for (unsigned i = 0; i < 7; i++)
			idx[i] = find_param(ps, k, names[i]);
		for (unsigned i = 0; i < 7; i++)
			if (idx[i] < 0)
				goto fail; /* the table lost a row this file relies on */
		a->sx[k].name = (unsigned)idx[0];
		a->sx[k].trim = (unsigned)idx[1];
		a->sx[k].polarity = (unsigned)idx[2];
		a->sx[k].fader = (unsigned)idx[3];
		a->sx[k].pan = (unsigned)idx[4];
		a->sx[k].mute = (unsigned)idx[5];
		a->sx[k].solo = (unsigned)idx[6];
		a->kind[idx[0]] = K_NAME;
		a->kind[idx[1]] = K_TRIM;
		a->kind[idx[2]] = K_POLARITY;
		a->kind[idx[3]] = K_FADER;
		a->kind[idx[4]] = K_PAN;
		a->kind[idx[5]] = K_MUTE;
		a->kind[idx[6]] = K_SOLO;
		for (unsigned b = 0; b < a->n_sends; b++) {
			int i;

			if (b < ENGINE_N_BUSES)
				snprintf(name, sizeof(name), "send/%s/level", engine_bus_names[b]);
			else
				snprintf(name, sizeof(name), "send/aux/%u/level",
				         b - ENGINE_N_BUSES + 1);
			if ((i = find_param(ps, k, name)) < 0)
				goto fail;
			a->send_idx[k * a->n_sends + b] = (unsigned)i;
			a->kind[i] = K_SEND;
			a->send_saved[k * a->n_sends + b] = NAN;
		}
		a->n_in[k] = 1;
	}
	a->master_fader = params_find(ps, "/master/fader");
	a->master_mute = params_find(ps, "/master/mute");
	if (a->master_fader < 0 || a->master_mute < 0)
		goto fail;
	a->kind[a->master_fader] = K_MASTER_FADER;
	a->kind[a->master_mute] = K_MASTER_MUTE;
	meters_clear(&a->acc);
	return a;

fail:
	ardour_free(a);
	return NULL;
}

void
ardour_free(struct ardour *a)
{
	if (!a)
		return;
	peers_free(a->sur);
	free(a->send_saved);
	free(a->send_idx);
	free(a->n_in);
	free(a->kind);
	free(a->sx);
	free(a);
}

void
ardour_set_inputs(struct ardour *a, unsigned strip, unsigned n_inputs)
{
	if (strip < a->n_strips && n_inputs >= 1 && n_inputs <= 2)
		a->n_in[strip] = (uint8_t)n_inputs;
}

void
ardour_get_stats(const struct ardour *a, struct ardour_stats *out)
{
	*out = a->st;
}
