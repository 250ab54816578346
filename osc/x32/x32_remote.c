/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "x32_remote.h"

#include "peer.h"

int
x32_remote_find(const struct x32_remote *r, const struct osc_peer *peer)
{
	for (int i = 0; i < X32_REMOTE_MAX; i++)
		if (r->until[i] && osc_peer_equal(&r->peer[i], peer))
			return i;
	return -1;
}

int
x32_remote_renew(struct x32_remote *r, const struct osc_peer *peer, uint64_t now)
{
	int slot = x32_remote_find(r, peer), free_slot = -1, host_oldest = -1;
	unsigned same_host = 0;

	if (slot < 0) {
		x32_remote_expire(r, now);
		for (int i = 0; i < X32_REMOTE_MAX; i++) {
			if (!r->until[i]) {
				if (free_slot < 0)
					free_slot = i;
				continue;
			}
			if (osc_peer_same_host(&r->peer[i], peer)) {
				same_host++;
				if (host_oldest < 0 || r->until[i] < r->until[host_oldest])
					host_oldest = i;
			}
		}
		slot = same_host >= X32_REMOTE_PER_HOST ? host_oldest : free_slot;
		if (slot < 0)
			return -1;
		r->peer[slot] = *peer;
	}
	r->until[slot] = now + X32_REMOTE_LEASE_NS;
	return slot;
}

unsigned
x32_remote_expire(struct x32_remote *r, uint64_t now)
{
	unsigned n = 0;

	for (int i = 0; i < X32_REMOTE_MAX; i++)
		if (r->until[i] && r->until[i] < now) {
			r->until[i] = 0;
			n++;
		}
	return n;
}

unsigned
x32_remote_count(const struct x32_remote *r)
{
	unsigned n = 0;

	for (int i = 0; i < X32_REMOTE_MAX; i++)
		n += r->until[i] != 0;
	return n;
}
