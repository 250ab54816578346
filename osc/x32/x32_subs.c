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
#include "peers.h"
#include "x32_private.h"

#include "args.h"

struct x32_sub {
	struct osc_peer peer;
	char name[X32_NAME_MAX]; /* the address it is sent on, and what /renew names: its key */
	int bank;                /* >= 0: the meter bank; -1: values */
	bool single;             /* /subscribe: one value as a message, not a blob */
	unsigned acc;            /* meters: 1 + its accumulator in x->sub_acc (the maximum since
	                          * the last send); 0: none */
	uint64_t next, period;
	unsigned n;
	struct x32_target item[X32_SUB_ITEMS];
};

static bool
same_name(const void *payload, const void *key)
{
	return !strcmp(((const struct x32_sub *)payload)->name, key);
}

int
x32_subs_init(struct x32 *x)
{
	const struct peers_config c = {
		.max = X32_SUBS_MAX,
		.per_host = X32_SUBS_PER_HOST,
		.lease_ns = X32_SUB_LEASE_NS,
		.payload_size = sizeof(struct x32_sub),
		.match = same_name,
	};

	x->subs = peers_new(&c);
	x->sub_new = malloc(sizeof(*x->sub_new));
	x->sub_acc = malloc(X32_METER_SUBS * sizeof(*x->sub_acc));
	return x->subs && x->sub_new && x->sub_acc ? 0 : -ENOMEM;
}

void
x32_subs_free(struct x32 *x)
{
	peers_free(x->subs);
	free(x->sub_new);
	free(x->sub_acc);
	x->subs = NULL;
	x->sub_new = NULL;
	x->sub_acc = NULL;
}

unsigned
x32_subs_count(const struct x32 *x)
{
	return x->subs ? peers_count(x->subs) : 0;
}

/* The subscription holding accumulator a, or NULL: its owner may have been removed or its
 * place taken (the table zeroes a new entry, so a taken place holds no accumulator). */
static struct x32_sub *
acc_owner(const struct x32 *x, unsigned a)
{
	for (unsigned i = 0; i < X32_SUBS_MAX; i++) {
		struct x32_sub *s = peers_at(x->subs, i);

		if (s && s->acc == a + 1)
			return s;
	}
	return NULL;
}

/* A free accumulator, or -1 when X32_METER_SUBS live subscriptions hold them all. */
static int
acc_free(const struct x32 *x)
{
	for (unsigned a = 0; a < X32_METER_SUBS; a++)
		if (!acc_owner(x, a))
			return (int)a;
	return -1;
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
	struct x32_sub *s, *old;
	const char *name;
	int first = 0, last = 0, tf = 1, bank = -1, n_paths = 0, acc = -1, err;
	uint64_t period;

	if (!strcmp(path, "/subscribe")) {
		if (argc < 1 || argc > 2 || types[0] != 's' || (argc == 2 && types[1] != 'i'))
			return -EINVAL;
		tf = argc == 2 ? osc_arg_i32(argv[1]) : 1;
		n_paths = 1;
	} else if (!strcmp(path, "/meters")) {
		if (argc < 1 || types[0] != 's' || !all_of(types, 'i', 1, argc))
			return -EINVAL;
		tf = argc >= 2 ? osc_arg_i32(argv[argc - 1]) : 1;
		bank = bank_of((const char *)argv[0]);
	} else { /* /formatsubscribe, /batchsubscribe: ALIAS PATH.. FIRST LAST TF */
		if (argc < 5 || !all_of(types, 's', 0, argc - 3) ||
		    !all_of(types, 'i', argc - 3, argc))
			return -EINVAL;
		n_paths = argc - 4;
		if (path[1] == 'b' && n_paths != 1)
			return -EINVAL;
		first = osc_arg_i32(argv[argc - 3]);
		last = osc_arg_i32(argv[argc - 2]);
		tf = osc_arg_i32(argv[argc - 1]);
		if (path[1] == 'b' && (bank = bank_of((const char *)argv[1])) >= 0)
			n_paths = 0;
	}
	name = (const char *)argv[0];
	if (strlen(name) >= X32_NAME_MAX || name[0] != '/')
		return -EINVAL;
	if ((err = period_of(tf, &period)) < 0)
		return err;
	if ((!strcmp(path, "/meters") || (path[1] == 'b' && !n_paths)) && bank < 0)
		return -ENOENT;
	if (bank >= 0 && x32_meter_bank((unsigned)bank, NULL, NULL, 0) < 0)
		return -ENOENT; /* a bank mixd does not serve */
	s = x->sub_new;         /* built aside: a refused request changes nothing */
	memset(s, 0, sizeof(*s));
	s->peer = *from;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->bank = bank;
	s->single = !strcmp(path, "/subscribe");
	for (int p = 0; p < n_paths; p++) {
		const char *pat = s->single ? name : (const char *)argv[1 + p];

		if ((err = add_items(x, s, pat, first, last, !s->single)) < 0)
			return err;
	}
	s->period = period;
	s->next = now; /* the first at once */
	old = peers_find(x->subs, from, s->name);
	if (bank >= 0) {
		/* a meter subscription needs one of the accumulators: its own, or a free one */
		acc = old && old->acc ? (int)old->acc - 1 : acc_free(x);
		if (acc < 0)
			return -ENOSPC;
		meters_clear(&x->sub_acc[acc]);
		s->acc = (unsigned)acc + 1;
	}
	if (!old && !(old = peers_add(x->subs, from, now, NULL)))
		return -ENOSPC;
	memcpy(old, s, sizeof(*s));
	peers_heard(x->subs, old, now); /* a subscription made again is renewed */
	return 0;
}

int
x32_subs_message(struct x32 *x, const struct osc_peer *from, const char *path, const char *types,
                 lo_arg **argv, int argc, uint64_t now)
{
	bool renew = !strcmp(path, "/renew"), end = !strcmp(path, "/unsubscribe");

	if (renew || end) {
		const char *name = argc >= 1 && types[0] == 's' ? (const char *)argv[0] : NULL;

		for (unsigned i = 0; i < X32_SUBS_MAX; i++) {
			struct x32_sub *s = peers_at(x->subs, i);

			if (!s || !osc_peer_equal(&s->peer, from) ||
			    (name && strcmp(name, s->name)))
				continue;
			if (end)
				peers_remove(x->subs, s);
			else
				peers_heard(x->subs, s, now);
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
		struct meter_frame *acc = &x->sub_acc[s->acc - 1];
		int n = x32_meter_bank((unsigned)s->bank, acc, m, 96);

		put_le(buf, (uint32_t)n);
		for (int i = 0; i < n; i++)
			put_le(buf + 4 + 4 * i, bits_of(m[i]));
		len = 4 + 4 * (size_t)n;
		meters_clear(acc);
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
	peers_expire(x->subs, f->now_ns);
	for (unsigned i = 0; i < X32_SUBS_MAX; i++) {
		struct x32_sub *s = peers_at(x->subs, i);

		if (!s)
			continue;
		if (s->acc && f->fresh)
			meters_fold(&x->sub_acc[s->acc - 1], f->fresh);
		if (f->now_ns >= s->next) {
			send_due(x, s);
			s->next = f->now_ns + s->period;
		}
	}
}
