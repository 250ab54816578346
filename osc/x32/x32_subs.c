/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_subs: the timed subscriptions (x32_subs.h): their table, the messages that make, renew
 * and end them, and the tick that sends what is due.
 */
#include "x32_subs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meters.h"
#include "peer.h"
#include "x32_private.h"

struct x32_sub {
	struct osc_peer peer;
	char name[X32_NAME_MAX]; /* the address it is sent on, and what /renew names */
	int bank;                /* >= 0: the meter bank; -1: values */
	bool single;             /* /subscribe: one value as a message, not a blob */
	struct meter_frame *acc; /* meters: the maximum since the last send */
	uint64_t until, next, period;
	unsigned n;
	struct x32_target item[];
};

static void
sub_free(struct x32 *x, unsigned i)
{
	if (!x->subs[i])
		return;
	free(x->subs[i]->acc);
	free(x->subs[i]);
	x->subs[i] = NULL;
}

void
x32_subs_free(struct x32 *x)
{
	for (unsigned i = 0; i < X32_SUBS_MAX; i++)
		sub_free(x, i);
}

unsigned
x32_subs_count(const struct x32 *x)
{
	unsigned n = 0;

	for (unsigned i = 0; i < X32_SUBS_MAX; i++)
		n += x->subs[i] != NULL;
	return n;
}

/* The slot for a new subscription of `peer` named name: its own of that name, a free one, or
 * past the host's limit its host's oldest. -1 when the table is full of others'. */
static int
slot_for(struct x32 *x, const struct osc_peer *peer, const char *name)
{
	int free_slot = -1, oldest = -1;
	unsigned host = 0;

	for (int i = 0; i < X32_SUBS_MAX; i++) {
		const struct x32_sub *s = x->subs[i];

		if (!s) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (osc_peer_equal(&s->peer, peer) && !strcmp(s->name, name))
			return i;
		if (osc_peer_same_host(&s->peer, peer)) {
			host++;
			if (oldest < 0 || s->until < x->subs[oldest]->until)
				oldest = i;
		}
	}
	return host >= X32_SUBS_PER_HOST ? oldest : free_slot;
}

static unsigned
meter_subs(const struct x32 *x)
{
	unsigned n = 0;

	for (unsigned i = 0; i < X32_SUBS_MAX; i++)
		n += x->subs[i] && x->subs[i]->bank >= 0;
	return n;
}

/* Period of a time factor: 50 ms x tf (0 taken as 1); a factor past 200 (10 s, the lease) is
 * refused. */
static int
period_of(int tf, uint64_t *out)
{
	if (tf < 0 || tf > 200)
		return -ERANGE;
	*out = X32_SUB_TICK_NS * (uint64_t)(tf ? tf : 1);
	return 0;
}

/* Expands pattern ("**" -> first..last, two digits) into s's items. Refuses an address the
 * console has not, a string value in a blob, and more than X32_SUB_ITEMS. */
static int
add_items(struct x32 *x, struct x32_sub *s, const char *pattern, int first, int last, bool blob)
{
	const char *star = strstr(pattern, "**");
	char path[X32_NAME_MAX + 8];

	if (strlen(pattern) >= X32_NAME_MAX)
		return -EINVAL; /* longer than any address of the console: never cut to fit */
	if (!star)
		first = last = 0;
	if (first < 0 || last < first || last > 99)
		return -ERANGE;
	for (int k = first; k <= last; k++) {
		if (s->n == X32_SUB_ITEMS)
			return -E2BIG;
		if (star)
			snprintf(path, sizeof(path), "%.*s%02d%s", (int)(star - pattern), pattern,
			         k, star + 2);
		else
			snprintf(path, sizeof(path), "%s", pattern);
		if (x32_resolve(x->ps, path, &s->item[s->n]) < 0 ||
		    s->item[s->n].kind == X32_CLEARSOLO || (blob && s->item[s->n].type == 's'))
			return -EINVAL;
		s->n++;
	}
	return 0;
}

/* A meter bank from "/meters/N": N, or -1. */
static int
bank_of(const char *path)
{
	char *end;
	long n;

	if (strncmp(path, "/meters/", 8) || path[8] < '0' || path[8] > '9')
		return -1;
	n = strtol(path + 8, &end, 10);
	if (*end || n < 0 || n > 16)
		return -1;
	return (int)n;
}

static bool
all_of(const char *types, char t, int from, int to)
{
	for (int i = from; i < to; i++)
		if (types[i] != t)
			return false;
	return true;
}

/* Builds and stores a subscription; 0 or -errno (nothing stored). */
static int
subscribe(struct x32 *x, const struct osc_peer *from, const char *path, const char *types,
          lo_arg **argv, int argc, uint64_t now)
{
	struct x32_sub *s;
	const char *name;
	int first = 0, last = 0, tf = 1, bank = -1, n_paths = 0, slot, err;
	uint64_t period;

	if (!strcmp(path, "/subscribe")) {
		if (argc < 1 || argc > 2 || types[0] != 's' || (argc == 2 && types[1] != 'i'))
			return -EINVAL;
		tf = argc == 2 ? argv[1]->i : 1;
		n_paths = 1;
	} else if (!strcmp(path, "/meters")) {
		if (argc < 1 || types[0] != 's' || !all_of(types, 'i', 1, argc))
			return -EINVAL;
		tf = argc >= 2 ? argv[argc - 1]->i : 1;
		bank = bank_of(&argv[0]->s);
	} else { /* /formatsubscribe, /batchsubscribe: ALIAS PATH.. FIRST LAST TF */
		if (argc < 5 || !all_of(types, 's', 0, argc - 3) ||
		    !all_of(types, 'i', argc - 3, argc))
			return -EINVAL;
		n_paths = argc - 4;
		if (path[1] == 'b' && n_paths != 1)
			return -EINVAL;
		first = argv[argc - 3]->i;
		last = argv[argc - 2]->i;
		tf = argv[argc - 1]->i;
		if (path[1] == 'b' && (bank = bank_of(&argv[1]->s)) >= 0)
			n_paths = 0;
	}
	name = &argv[0]->s;
	if (strlen(name) >= X32_NAME_MAX || name[0] != '/')
		return -EINVAL;
	if ((err = period_of(tf, &period)) < 0)
		return err;
	if ((!strcmp(path, "/meters") || (path[1] == 'b' && !n_paths)) && bank < 0)
		return -ENOENT;
	if (bank >= 0 && x32_meter_bank((unsigned)bank, NULL, NULL, 0) < 0)
		return -ENOENT; /* a bank mixd does not serve */
	s = calloc(1, sizeof(*s) + X32_SUB_ITEMS * sizeof(s->item[0]));
	if (!s)
		return -ENOMEM;
	s->peer = *from;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->bank = bank;
	s->single = !strcmp(path, "/subscribe");
	for (int p = 0; p < n_paths; p++) {
		const char *pat = s->single ? name : &argv[1 + p]->s;

		if ((err = add_items(x, s, pat, first, last, !s->single)) < 0) {
			free(s);
			return err;
		}
	}
	slot = slot_for(x, from, s->name);
	/* a new meter subscription needs one of the accumulators */
	if (slot >= 0 && bank >= 0 && !(x->subs[slot] && x->subs[slot]->bank >= 0) &&
	    meter_subs(x) >= X32_METER_SUBS)
		slot = -1;
	if (slot < 0) {
		free(s);
		return -ENOSPC;
	}
	if (bank >= 0) {
		s->acc = malloc(sizeof(*s->acc));
		if (!s->acc) {
			free(s);
			return -ENOMEM;
		}
		meters_clear(s->acc);
	}
	sub_free(x, (unsigned)slot);
	s->period = period;
	s->until = now + X32_SUB_LEASE_NS;
	s->next = now; /* the first at once */
	x->subs[slot] = s;
	return 0;
}

int
x32_subs_message(struct x32 *x, const struct osc_peer *from, const char *path, const char *types,
                 lo_arg **argv, int argc, uint64_t now)
{
	bool renew = !strcmp(path, "/renew"), end = !strcmp(path, "/unsubscribe");

	if (renew || end) {
		const char *name = argc >= 1 && types[0] == 's' ? &argv[0]->s : NULL;

		for (unsigned i = 0; i < X32_SUBS_MAX; i++) {
			struct x32_sub *s = x->subs[i];

			if (!s || !osc_peer_equal(&s->peer, from) ||
			    (name && strcmp(name, s->name)))
				continue;
			if (end)
				sub_free(x, i);
			else
				s->until = now + X32_SUB_LEASE_NS;
		}
		return 1;
	}
	if (strcmp(path, "/subscribe") && strcmp(path, "/formatsubscribe") &&
	    strcmp(path, "/batchsubscribe") && strcmp(path, "/meters"))
		return 0;
	switch (subscribe(x, from, path, types, argv, argc, now)) {
	case 0:
		break;
	case -ENOSPC:
	case -ENOMEM:
		x->st.subs_refused++;
		break;
	default:
		x->st.rejected++;
		break;
	}
	return 1;
}

static void
put_le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
bits_of(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static void
send_due(struct x32 *x, struct x32_sub *s)
{
	uint8_t buf[4 + 4 * 96];
	struct x32_value v;
	size_t len = 0;

	if (s->single) {
		x32_get(x, &s->item[0], &v);
		x32_send_value(x, &s->peer, s->name, &v);
		return;
	}
	if (s->bank >= 0) {
		float m[96];
		int n = x32_meter_bank((unsigned)s->bank, s->acc, m, 96);

		put_le(buf, (uint32_t)n);
		for (int i = 0; i < n; i++)
			put_le(buf + 4 + 4 * i, bits_of(m[i]));
		len = 4 + 4 * (size_t)n;
		meters_clear(s->acc);
	} else {
		for (unsigned i = 0; i < s->n; i++) {
			x32_get(x, &s->item[i], &v);
			put_le(buf + len, v.type == 'f' ? bits_of(v.f) : (uint32_t)v.i);
			len += 4;
		}
	}
	x32_send_blob(x, &s->peer, s->name, buf, len);
}

void
x32_subs_tick(struct x32 *x, const struct feedback_frame *f)
{
	for (unsigned i = 0; i < X32_SUBS_MAX; i++) {
		struct x32_sub *s = x->subs[i];

		if (!s)
			continue;
		if (s->until < f->now_ns) {
			sub_free(x, i);
			continue;
		}
		if (s->acc && f->fresh)
			meters_fold(s->acc, f->fresh);
		if (f->now_ns >= s->next) {
			send_due(x, s);
			s->next = f->now_ns + s->period;
		}
	}
}
