/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pager.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

struct answer {
	bool used;
	struct osc_peer to;
	char prefix[PARAM_ADDRESS_MAX];
	unsigned next;       /* the next parameter index to look at */
	uint64_t started_ns; /* the tick that first ran it; 0 until then */
};

struct pager {
	const struct params *ps;
	struct answer a[PAGER_MAX];
	uint64_t dropped;
};

struct pager *
pager_new(const struct params *ps)
{
	struct pager *p = calloc(1, sizeof(*p));

	if (p)
		p->ps = ps;
	return p;
}

void
pager_free(struct pager *p)
{
	free(p);
}

/* One host's answer: the same address, any port (a host has one answer in progress). */
static bool
same_peer(const struct osc_peer *x, const struct osc_peer *y)
{
	return x->len == y->len && !memcmp(&x->addr, &y->addr, x->len);
}

/* The /list row of parameter i: address, type, min, max, default, unit. */
static lo_message
row(const struct param *p)
{
	const char type[2] = { param_wire_type(p->d), '\0' };
	char def[64], unit[64];
	lo_message m = lo_message_new();

	if (!m)
		return NULL;
	lo_message_add_string(m, p->address);
	lo_message_add_string(m, type);
	lo_message_add_float(m, p->d->min);
	lo_message_add_float(m, p->d->max);
	if (type[0] == 's') {
		param_default_string(p, def, sizeof(def));
		lo_message_add_string(m, def);
	} else {
		lo_message_add_float(m, p->d->def);
	}
	lo_message_add_string(m, param_unit(p->d, unit, sizeof(unit)));
	return m;
}

/* Sends what the budget allows of answer a, at most *rows rows (counted down); frees it once
 * /list/end went. */
static void
run_one(struct pager *p, struct osc_server *srv, struct answer *a, unsigned *rows)
{
	size_t plen = strlen(a->prefix);
	lo_message m;

	for (; a->next < params_count(p->ps); a->next++) {
		const struct param *par = params_at(p->ps, a->next);

		if (plen && !param_prefix_covers(a->prefix, plen, par->address))
			continue;
		if (*rows == 0)
			return;
		m = row(par);
		if (!m)
			return;
		if (lo_message_length(m, "/list") > osc_server_send_budget(srv, &a->to)) {
			lo_message_free(m);
			return; /* the rest on a later tick */
		}
		osc_server_send(srv, &a->to, "/list", m);
		lo_message_free(m);
		(*rows)--;
	}
	m = lo_message_new();
	if (!m)
		return;
	if (lo_message_length(m, "/list/end") <= osc_server_send_budget(srv, &a->to)) {
		osc_server_send(srv, &a->to, "/list/end", m);
		a->used = false;
	}
	lo_message_free(m);
}

int
pager_start(struct pager *p, struct osc_server *srv, const struct osc_peer *to, const char *prefix)
{
	unsigned rows = PAGER_ROWS_AT_START;
	struct answer *a = NULL;

	for (unsigned i = 0; i < PAGER_MAX && !a; i++)
		if (p->a[i].used && same_peer(&p->a[i].to, to))
			a = &p->a[i];
	/* asked again while its answer runs: it starts over on the next tick, and a burst of
	 * /list (a bundle of a thousand) costs the rows of one start, not of each */
	if (a)
		rows = 0;
	for (unsigned i = 0; i < PAGER_MAX && !a; i++)
		if (!p->a[i].used)
			a = &p->a[i];
	if (!a)
		return -EBUSY;
	a->used = true;
	a->to = *to;
	snprintf(a->prefix, sizeof(a->prefix), "%s", prefix ? prefix : "");
	a->next = 0;
	a->started_ns = 0;
	run_one(p, srv, a, &rows);
	return 0;
}

void
pager_run(struct pager *p, struct osc_server *srv, uint64_t now_ns)
{
	unsigned rows = PAGER_ROWS_PER_TICK;

	for (unsigned i = 0; i < PAGER_MAX; i++) {
		struct answer *a = &p->a[i];

		if (!a->used)
			continue;
		/* the clock starts at the first tick: a /list has no time of its own (a time kept
		 * from the last tick read 0 before the first, and timed the answer out at once) */
		if (!a->started_ns)
			a->started_ns = now_ns ? now_ns : 1;
		if (now_ns - a->started_ns > PAGER_TIMEOUT_NS) {
			a->used = false;
			p->dropped++;
			continue;
		}
		run_one(p, srv, a, &rows);
	}
}

unsigned
pager_active(const struct pager *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PAGER_MAX; i++)
		n += p->a[i].used;
	return n;
}

uint64_t
pager_dropped(const struct pager *p)
{
	return p->dropped;
}
