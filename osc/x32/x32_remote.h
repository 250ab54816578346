/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_remote: the /xremote clients, who get every change of a mapped value for 10 s after
 * their last /xremote (X AIR doc: "maximum eight active clients. Timeout is 10 seconds").
 *
 * Bounded: X32_REMOTE_MAX clients, at most X32_REMOTE_PER_HOST of one host (a host may send from
 * any number of ports, and must not fill the table alone). A renewal extends the lease. A new
 * client takes an expired slot; past its host's limit it takes that host's oldest slot; with
 * the table full of live leases of other hosts it is refused (and counted) until one expires,
 * so a stranger cannot push out a working surface.
 */
#ifndef MIXD_X32_REMOTE_H
#define MIXD_X32_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"

#define X32_REMOTE_MAX      8
#define X32_REMOTE_PER_HOST 4
#define X32_REMOTE_LEASE_NS (10ull * 1000000000ull)

struct x32_remote {
	struct osc_peer peer[X32_REMOTE_MAX];
	uint64_t until[X32_REMOTE_MAX]; /* 0: free */
};

/* Control thread. Registers or renews peer at now. Returns its slot, or -1 when refused. */
int x32_remote_renew(struct x32_remote *r, const struct osc_peer *peer, uint64_t now);
/* Control thread. Frees the slots whose lease ended before now; returns how many. */
unsigned x32_remote_expire(struct x32_remote *r, uint64_t now);
/* Control thread. The slot of peer (exact address and port), or -1. */
int x32_remote_find(const struct x32_remote *r, const struct osc_peer *peer);
/* Control thread. Live slots. */
unsigned x32_remote_count(const struct x32_remote *r);

#endif
