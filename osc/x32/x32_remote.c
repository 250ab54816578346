/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "x32_remote.h"

#include <errno.h>

#include "peers.h"

/* What an entry carries: nothing but its place (peers.h needs a payload to hand back). */
struct x32_client {
	uint8_t unused;
};

int
x32_remote_init(struct x32_remote *r)
{
	const struct peers_config c = {
		.max = X32_REMOTE_MAX,
		.per_host = X32_REMOTE_PER_HOST,
		.lease_ns = X32_REMOTE_LEASE_NS,
		.payload_size = sizeof(struct x32_client),
	};

	r->t = peers_new(&c);
	return r->t ? 0 : -ENOMEM;
}

void
x32_remote_free(struct x32_remote *r)
{
	peers_free(r->t);
	r->t = NULL;
}

/* The slot of payload p: its place in the table. */
static int
slot_of(const struct x32_remote *r, const void *p)
{
	for (unsigned i = 0; p && i < X32_REMOTE_MAX; i++)
		if (peers_at(r->t, i) == p)
			return (int)i;
	return -1;
}

int
x32_remote_find(const struct x32_remote *r, const struct osc_peer *peer)
{
	return slot_of(r, peers_find(r->t, peer, NULL));
}

int
x32_remote_renew(struct x32_remote *r, const struct osc_peer *peer, uint64_t now)
{
	void *p = peers_find(r->t, peer, NULL);

	if (p)
		peers_heard(r->t, p, now); /* the lease runs from the renewal */
	else
		p = peers_add(r->t, peer, now, NULL);
	return slot_of(r, p);
}

unsigned
x32_remote_expire(struct x32_remote *r, uint64_t now)
{
	return peers_expire(r->t, now);
}

const struct osc_peer *
x32_remote_at(const struct x32_remote *r, unsigned slot)
{
	const void *p = peers_at(r->t, slot);

	return p ? peers_peer(r->t, p) : NULL;
}

unsigned
x32_remote_count(const struct x32_remote *r)
{
	return peers_count(r->t);
}
