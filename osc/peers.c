/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "peers.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

/*
 * A peer's address in 20 bytes, what a search compares: the server looks its table up on every
 * datagram, and a struct osc_peer is 136 bytes of which an IP address uses a few. A family
 * other than IPv4 and IPv6 (a relay's AF_UNIX peers) has only its family here, and is compared
 * in full (peer.h).
 */
struct key {
	sa_family_t family;
	uint16_t port;    /* network order */
	uint8_t host[16]; /* the IPv4 or IPv6 address, zero-padded */
};

/*
 * One place of the table; the caller's payload follows it at hdr bytes, aligned for anything.
 * seq orders entries by when they were last heard (a counter, not the time: two entries heard
 * in the same tick are still ordered); heard_ns is what the lease runs from.
 */
struct entry {
	bool used; /* first, with the key next: a search reads one cache line an entry */
	struct key k;
	uint64_t seq;
	uint64_t heard_ns;
	struct osc_peer peer;
};

struct peers {
	struct peers_config c;
	size_t hdr;    /* bytes from an entry to its payload */
	size_t stride; /* bytes from one entry to the next */
	uint64_t seq;  /* the last seq handed out */
	unsigned count;
	unsigned char *mem; /* c.max places */
};

static size_t
round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

struct peers *
peers_new(const struct peers_config *c)
{
	const size_t align = alignof(max_align_t);
	struct peers *t;
	size_t hdr = round_up(sizeof(struct entry), align);

	if (c->max == 0 || c->max > PEERS_MAX || c->per_host == 0 || c->per_host > c->max)
		return NULL;
	if (c->payload_size > (SIZE_MAX / PEERS_MAX) - hdr - align)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->c = *c;
	t->hdr = hdr;
	t->stride = round_up(hdr + c->payload_size, align);
	t->mem = calloc(c->max, t->stride); /* calloc's memory is aligned for anything */
	if (!t->mem) {
		free(t);
		return NULL;
	}
	return t;
}

void
peers_free(struct peers *t)
{
	if (!t)
		return;
	free(t->mem);
	free(t);
}

static struct entry *
entry_at(const struct peers *t, unsigned i)
{
	return (struct entry *)(void *)(t->mem + (size_t)i * t->stride);
}

static void *
payload_of(const struct peers *t, struct entry *e)
{
	return (unsigned char *)e + t->hdr;
}

static struct entry *
entry_of(const struct peers *t, const void *payload)
{
	return (struct entry *)(void *)((unsigned char *)(uintptr_t)payload - t->hdr);
}

static struct key
key_of(const struct osc_peer *p)
{
	struct key k;

	memset(&k, 0, sizeof(k));
	k.family = p->addr.ss_family;
	if (k.family == AF_INET) {
		const struct sockaddr_in *a = (const void *)&p->addr;

		k.port = a->sin_port;
		memcpy(k.host, &a->sin_addr, sizeof(a->sin_addr));
	} else if (k.family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)&p->addr;

		k.port = a->sin6_port;
		memcpy(k.host, &a->sin6_addr, sizeof(a->sin6_addr));
	}
	return k;
}

static bool
is_ip(sa_family_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* osc_peer_same_host, on e and (k, p) */
static bool
same_host(const struct entry *e, const struct key *k, const struct osc_peer *p)
{
	if (e->k.family != k->family)
		return false;
	if (is_ip(k->family))
		return !memcmp(e->k.host, k->host, sizeof(k->host));
	return osc_peer_same_host(&e->peer, p);
}

/* osc_peer_equal, on e and (k, p) */
static bool
same_peer(const struct entry *e, const struct key *k, const struct osc_peer *p)
{
	if (e->k.family != k->family)
		return false;
	if (is_ip(k->family))
		return e->k.port == k->port && !memcmp(e->k.host, k->host, sizeof(k->host));
	return osc_peer_equal(&e->peer, p);
}

/* Lapsed: unheard for the lease or longer. With lease 0 every entry has, even one heard now. */
static bool
lapsed(const struct peers *t, const struct entry *e, uint64_t now_ns)
{
	if (t->c.lease_ns == 0)
		return true;
	return now_ns >= e->heard_ns && now_ns - e->heard_ns >= t->c.lease_ns;
}

/* Entries of (k, host)'s host, and the one of them heard least recently (NULL when none). */
static unsigned
host_entries(const struct peers *t, const struct key *k, const struct osc_peer *host,
             struct entry **oldest)
{
	unsigned n = 0;

	*oldest = NULL;
	for (unsigned i = 0; i < t->c.max; i++) {
		struct entry *e = entry_at(t, i);

		if (!e->used || !same_host(e, k, host))
			continue;
		n++;
		if (!*oldest || e->seq < (*oldest)->seq)
			*oldest = e;
	}
	return n;
}

/* Rule 4: the least recently heard entry of the host holding the most, if that host holds more
 * than mine + 1 (what the newcomer's host will hold). Among hosts holding equally many, the
 * one whose oldest entry is older gives it up. Only when the table is full: a few thousand
 * address comparisons at most, and only for a newcomer. */
static struct entry *
fair_victim(const struct peers *t, unsigned mine)
{
	struct entry *victim = NULL;
	unsigned most = 0;

	for (unsigned i = 0; i < t->c.max; i++) {
		struct entry *e = entry_at(t, i), *oldest;
		unsigned n;

		if (!e->used)
			continue;
		n = host_entries(t, &e->k, &e->peer, &oldest);
		if (n > most || (n == most && oldest->seq < victim->seq)) {
			most = n;
			victim = oldest;
		}
	}
	return most > mine + 1 ? victim : NULL;
}

/* The place for a new entry of peer by the policy (peers.h), or NULL. Rules 1 to 3 are read in
 * one pass over the table (a flood of newcomers makes room on every datagram it sends). */
static struct entry *
place_for(struct peers *t, const struct osc_peer *peer, uint64_t now_ns, enum peers_room *room)
{
	struct entry *mine = NULL, *free_place = NULL, *lapsed_oldest = NULL;
	struct key k = key_of(peer);
	unsigned n = 0;

	for (unsigned i = 0; i < t->c.max; i++) {
		struct entry *e = entry_at(t, i);

		if (!e->used) {
			if (!free_place)
				free_place = e;
			continue;
		}
		if (same_host(e, &k, peer)) {
			n++;
			if (!mine || e->seq < mine->seq)
				mine = e;
		}
		if (lapsed(t, e, now_ns) && (!lapsed_oldest || e->seq < lapsed_oldest->seq))
			lapsed_oldest = e;
	}
	if (n >= t->c.per_host) { /* 1: the host's own, even with places free */
		*room = PEERS_EVICTED;
		return mine;
	}
	if (free_place) { /* 2 */
		*room = PEERS_FREE;
		return free_place;
	}
	if (lapsed_oldest) { /* 3 */
		*room = PEERS_LAPSED;
		return lapsed_oldest;
	}
	*room = PEERS_EVICTED;
	return fair_victim(t, n); /* 4, or 5: NULL */
}

void *
peers_find(struct peers *t, const struct osc_peer *peer, const void *key)
{
	struct key k = key_of(peer);

	for (unsigned i = 0; i < t->c.max; i++) {
		struct entry *e = entry_at(t, i);

		if (!e->used || !same_peer(e, &k, peer))
			continue;
		if (!t->c.match || !key || t->c.match(payload_of(t, e), key))
			return payload_of(t, e);
	}
	return NULL;
}

void *
peers_add(struct peers *t, const struct osc_peer *peer, uint64_t now_ns, enum peers_room *room)
{
	enum peers_room how;
	struct entry *e = place_for(t, peer, now_ns, &how);

	if (!e)
		return NULL;
	if (!e->used)
		t->count++;
	memset(e, 0, t->stride);
	e->used = true;
	e->k = key_of(peer);
	e->peer = *peer;
	e->seq = ++t->seq;
	e->heard_ns = now_ns;
	if (room)
		*room = how;
	return payload_of(t, e);
}

void
peers_heard(struct peers *t, void *payload, uint64_t now_ns)
{
	struct entry *e = entry_of(t, payload);

	e->seq = ++t->seq;
	e->heard_ns = now_ns;
}

void
peers_remove(struct peers *t, void *payload)
{
	struct entry *e = entry_of(t, payload);

	if (e->used)
		t->count--;
	e->used = false;
}

unsigned
peers_expire(struct peers *t, uint64_t now_ns)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->c.max; i++) {
		struct entry *e = entry_at(t, i);

		if (e->used && lapsed(t, e, now_ns)) {
			e->used = false;
			t->count--;
			n++;
		}
	}
	return n;
}

void
peers_clear(struct peers *t)
{
	for (unsigned i = 0; i < t->c.max; i++)
		entry_at(t, i)->used = false;
	t->count = 0;
}

void
peers_shift(struct peers *t, uint64_t delta_ns)
{
	for (unsigned i = 0; i < t->c.max; i++)
		entry_at(t, i)->heard_ns += delta_ns;
}

unsigned
peers_max(const struct peers *t)
{
	return t->c.max;
}

void *
peers_at(const struct peers *t, unsigned i)
{
	if (i >= t->c.max || !entry_at(t, i)->used)
		return NULL;
	return payload_of(t, entry_at(t, i));
}

unsigned
peers_count(const struct peers *t)
{
	return t->count;
}

const struct osc_peer *
peers_peer(const struct peers *t, const void *payload)
{
	return &entry_of(t, payload)->peer;
}

unsigned
peers_host_count(const struct peers *t, const struct osc_peer *host)
{
	struct entry *oldest;
	struct key k = key_of(host);

	return host_entries(t, &k, host, &oldest);
}
