/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peers: the one bounded table of what mixd keeps per peer (the control port's token buckets,
 * subscriptions, Ardour surfaces). An allowed peer can fill such a table, so each is fixed in
 * size, shared fairly between hosts, and forgets what nobody uses any more, all by one policy.
 *
 * An entry is keyed by the peer it belongs to (address and port, osc_peer_equal) and, when the
 * table has a match function, by a key of the caller's inside it (a subscription's prefix). A
 * host is an address whatever the port (osc_peer_same_host): one host can send from any number
 * of ports, so the limits count hosts, not peers. An entry is heard when it is made and when
 * its owner says so (peers_heard); entries are ordered by when they were last heard.
 *
 * The policy:
 *   - a host holds per_host entries at most;
 *   - an entry unheard for lease_ns or longer has lapsed: peers_expire drops lapsed entries
 *     (the caller's tick), and until then a lapsed entry is the first to make room;
 *   - a new entry takes, in this order:
 *     1. when its host is at its quota, the place of that host's own least recently heard entry
 *        (even with places free: the quota holds whatever else the table has);
 *     2. a free place;
 *     3. the place of the least recently heard lapsed entry;
 *     4. the place of the least recently heard entry of the host holding the most (of hosts
 *        holding equally many, the one whose oldest is oldest), as long as that host holds more
 *        than the newcomer's host will with the new entry: the host evicted from never ends
 *        with fewer than the newcomer's, so two hosts cannot take places from each other in
 *        turn;
 *     5. otherwise none: the table is fairly shared and full, and the newcomer is refused.
 * A table whose entries promise nothing (a token bucket: a forgotten peer starts again with a
 * full one) has lease 0: every entry has lapsed, and a newcomer always takes the place of the
 * least recently heard one.
 *
 * Each entry carries a payload of the caller's, of a size fixed at peers_new, zeroed when the
 * entry is made. All the memory is allocated by peers_new: nothing is allocated afterwards, and
 * a payload stays where it is until its entry is removed or its place taken.
 */
#ifndef MIXD_OSC_PEERS_H
#define MIXD_OSC_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

/* True when the payload's own key (a subscription's prefix, say) is key. */
typedef bool (*peers_match_fn)(const void *payload, const void *key);

struct peers_config {
	unsigned max;         /* entries, 1..PEERS_MAX */
	unsigned per_host;    /* entries one host may hold, 1..max */
	uint64_t lease_ns;    /* an entry unheard this long has lapsed; 0: every entry has */
	size_t payload_size;  /* bytes per entry for the caller; may be 0 */
	peers_match_fn match; /* NULL: the peer alone is the key */
};

#define PEERS_MAX 4096

/* What made room for a new entry (peers_add). */
enum peers_room {
	PEERS_FREE,    /* a free place */
	PEERS_LAPSED,  /* a lapsed entry's place (rule 3) */
	PEERS_EVICTED, /* a live entry's place: its host's quota (rule 1) or the fair share (rule 4)
	                */
};

struct peers;

/* Control thread. A table for c (copied). Returns NULL when c is out of range or out of
 * memory. */
struct peers *peers_new(const struct peers_config *c);
/* Control thread. Frees the table and every payload; NULL is accepted. */
void peers_free(struct peers *t);

/* Control thread. The payload of the entry of peer with key (ignored without a match
 * function; NULL: any of the peer's entries, the first in place order), or NULL when there is
 * none. Marks nothing as heard. */
void *peers_find(struct peers *t, const struct osc_peer *peer, const void *key);

/* Control thread. A new entry for peer, heard at now_ns, with its payload zeroed, placed by the
 * table's policy; *room (may be NULL) says what made room. The caller has made sure there is no
 * entry for the same peer and key yet (peers_find). Returns the payload, or NULL when the
 * policy refuses (the table fairly shared and full; nothing changed). */
void *peers_add(struct peers *t, const struct osc_peer *peer, uint64_t now_ns,
                enum peers_room *room);

/* Control thread. The entry of payload was heard at now_ns: it is now the most recently heard,
 * and its lease runs from now_ns. Cannot fail. */
void peers_heard(struct peers *t, void *payload, uint64_t now_ns);

/* Control thread. Removes the entry of payload (its place is free). Cannot fail. */
void peers_remove(struct peers *t, void *payload);

/* Control thread. Removes every entry that has lapsed at now_ns. Returns how many. */
unsigned peers_expire(struct peers *t, uint64_t now_ns);

/* Control thread. Removes every entry. Cannot fail. */
void peers_clear(struct peers *t);

/* Control thread. Adds delta_ns to the time every entry was last heard, keeping their order:
 * for a caller whose clock starts late (subs and the Ardour personality stamp what came before
 * their first tick with 0). Cannot fail. */
void peers_shift(struct peers *t, uint64_t delta_ns);

/* Any thread. The number of places (config max): entries are peers_at(t, 0..max-1). */
unsigned peers_max(const struct peers *t);
/* Control thread. The payload in place i, or NULL when that place is free or i is out of range. */
void *peers_at(const struct peers *t, unsigned i);
/* Control thread. Entries in use. */
unsigned peers_count(const struct peers *t);
/* Control thread. The peer an entry belongs to (the one it was added for). */
const struct osc_peer *peers_peer(const struct peers *t, const void *payload);
/* Control thread. Entries host's host (any port) holds now. */
unsigned peers_host_count(const struct peers *t, const struct osc_peer *host);

#endif
