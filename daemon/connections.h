/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * connections: the JACK connections mixd remembers — kept in STATE_DIR/connections by port
 * name, made again at start, after a server comes back, and whenever a missing peer's ports
 * appear; a connection someone removes is forgotten.
 *
 * Every connection to one of our ports is remembered, whoever made it (a patchbay, --connect,
 * /connect). Each is in one of three states:
 *   connected  seen connected on the server;
 *   pending    to be made when both ports exist (loaded from the file, or its peer went away);
 *   settling   it was connected and is not any more while both ports still exist: the user
 *              removed it, or its peer is closing (JACK disconnects a closing client's ports
 *              before it removes them). CONNECTIONS_SETTLE_MS later it is looked at again:
 *              connected again -> connected, peer gone -> pending, else forgotten.
 * JACK's notification thread never calls in here: its callbacks only raise jackio's flag, and
 * the control thread calls connections_update (style.md rule 15).
 */
#ifndef MIXD_CONNECTIONS_H
#define MIXD_CONNECTIONS_H

#include <jack/jack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn_file.h"

#define CONNECTIONS_SETTLE_MS 250
/* Pending connections are tried again this often even without a JACK notification (a peer's
 * ports exist before its client is active, and JACK refuses to connect an inactive client). */
#define CONNECTIONS_RETRY_MS 100
/* The file is written at most this often, and at exit. */
#define CONNECTIONS_SAVE_MS 1000

enum connections_state { CONNECTIONS_CONNECTED, CONNECTIONS_PENDING, CONNECTIONS_SETTLING };

struct connections_stats {
	uint64_t made;        /* connections made by restoring a remembered one */
	uint64_t forgotten;   /* remembered connections dropped because someone removed them */
	uint64_t refused;     /* new connections not remembered: the table was full */
	uint64_t save_errors; /* failed writes of the file */
};

struct connections;

/* Control thread. The table for STATE_DIR/connections (not read yet). NULL when out of memory
 * or the path is too long. */
struct connections *connections_new(const char *state_dir);
void connections_free(struct connections *c);

/* Control thread, before the first attach. Loads the file: every connection in it pending.
 * Returns the count, 0 without a file, or -EINVAL for a bad file, which is then renamed
 * FILE.bad and nothing is loaded (err says why); -errno for other failures. */
int connections_load(struct connections *c, char *err, size_t errlen);

/* Control thread. Writes the file if anything changed since the last write (now_ns:
 * CLOCK_MONOTONIC). Returns 0 or -errno (printed and counted). */
int connections_save(struct connections *c, uint64_t now_ns);

/* Control thread. client is active on a server: every remembered connection becomes pending
 * and is made where both ports exist. client is not owned. */
void connections_attach(struct connections *c, jack_client_t *client, uint64_t now_ns);

/* Control thread. Before the client deactivates or closes (or after the server died): stop
 * looking at the graph; connected ones become pending (the disconnections that follow are not
 * the user's). */
void connections_detach(struct connections *c);

/* Control thread. The graph changed (ports or connections): read our ports' connections,
 * remember new ones, start settling vanished ones and make pending ones whose ports exist. */
void connections_update(struct connections *c, uint64_t now_ns);

/* Control thread, every tick: settles what is due, retries pending connections every
 * CONNECTIONS_RETRY_MS, and writes the file at most every CONNECTIONS_SAVE_MS. */
void connections_tick(struct connections *c, uint64_t now_ns);

/* Control thread. Connects our port ours (short name, or full "client:port" of ours) and the
 * peer (full name) in the direction their flags allow, and remembers it; a peer that does not
 * exist yet is remembered as pending. Returns 0 and the state in *state, or -errno with a reason
 * in err: -ENOTCONN (no server), -ENOENT (no such port of ours), -EINVAL (bad name, same
 * direction or type, one of our own ports as the peer), -ENOSPC (table full), -EIO (JACK
 * refused). */
int connections_connect(struct connections *c, const char *ours, const char *peer,
                        enum connections_state *state, char *err, size_t errlen);

/* Control thread. Disconnects the pair if connected and forgets it. Returns 0, or -ENOENT when
 * it was neither connected nor remembered, -EINVAL for a bad name (err says). */
int connections_disconnect(struct connections *c, const char *ours, const char *peer, char *err,
                           size_t errlen);

/* Control thread. The remembered connections: count, and entry i (0 <= i < count). */
unsigned connections_count(const struct connections *c);
void connections_get(const struct connections *c, unsigned i, const char **ours, const char **peer,
                     enum connections_state *state);

/* Any thread. "connected", "pending", "settling". */
const char *connections_state_name(enum connections_state s);

void connections_get_stats(const struct connections *c, struct connections_stats *out);

#endif
