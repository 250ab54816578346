/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_remote: the /xremote clients, who get every change of a mapped value for 10 s after
 * their last /xremote (X AIR doc: "maximum eight active clients. Timeout is 10 seconds").
 *
 * The clients are entries of mixd's one peer table (peers.h), with its policy: X32_REMOTE_MAX
 * clients, at most X32_REMOTE_PER_HOST of one host (a host may send from any number of ports,
 * and past its quota its least recently renewed client gives way), a lease of
 * X32_REMOTE_LEASE_NS renewed by each /xremote, a lapsed client the first to make room, a host
 * holding more than its fair share giving way to a newcomer, and a newcomer refused (and
 * counted) when the table is full and fairly shared. A client's slot is its place in the
 * table, 0..X32_REMOTE_MAX-1, and stays the same while it renews.
 */
#ifndef MIXD_X32_REMOTE_H
#define MIXD_X32_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"

#define X32_REMOTE_MAX      8
#define X32_REMOTE_PER_HOST 4
#define X32_REMOTE_LEASE_NS (10ull * 1000000000ull)

struct peers;

struct x32_remote {
	struct peers *t;
};

/* Control thread. Makes the empty table (the only allocation). Returns 0 or -ENOMEM. */
int x32_remote_init(struct x32_remote *r);
/* Control thread. Frees the table; a zeroed or freed r is accepted. */
void x32_remote_free(struct x32_remote *r);
/* Control thread. Registers or renews peer at now. Returns its slot, or -1 when refused. */
int x32_remote_renew(struct x32_remote *r, const struct osc_peer *peer, uint64_t now);
/* Control thread. Drops the clients whose lease has ended at now; returns how many. */
unsigned x32_remote_expire(struct x32_remote *r, uint64_t now);
/* Control thread. The slot of peer (exact address and port), or -1. */
int x32_remote_find(const struct x32_remote *r, const struct osc_peer *peer);
/* Control thread. The client in slot (0..X32_REMOTE_MAX-1), or NULL when the slot is free. */
const struct osc_peer *x32_remote_at(const struct x32_remote *r, unsigned slot);
/* Control thread. Live slots. */
unsigned x32_remote_count(const struct x32_remote *r);

#endif
