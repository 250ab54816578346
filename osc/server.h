/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * server: mixd's control port — its own UDP socket in front of liblo.
 *
 * liblo binds every interface and parses whatever arrives, so mixd owns the socket instead:
 * bound to 127.0.0.1 unless told otherwise, datagrams from peers outside the allowlist dropped
 * before parsing, malformed ones dropped by packet_check, bundles unwrapped here (timetags
 * ignored: contents apply at once), and each remaining message handed to lo_server_dispatch_data
 * of a liblo server that owns no network socket at all. Replies go only to allowed peers.
 * UDP only: liblo 0.31's TCP server has known memory-safety bugs.
 */
#ifndef MIXD_OSC_SERVER_H
#define MIXD_OSC_SERVER_H

#include <lo/lo.h>
#include <stdint.h>
#include <sys/socket.h>

#include "allow.h"

struct osc_peer {
	struct sockaddr_storage addr;
	socklen_t len;
};

/* Called for each well-formed message from an allowed peer, on the thread that called
 * osc_server_receive. */
typedef void (*osc_message_fn)(void *ctx, const struct osc_peer *from, const char *path,
                               const char *types, lo_arg **argv, int argc);

struct osc_server_stats {
	uint64_t datagrams;   /* datagrams read from the socket */
	uint64_t messages;    /* messages dispatched */
	uint64_t malformed;   /* datagrams dropped by packet_check */
	uint64_t not_allowed; /* datagrams dropped because the peer is not allowed */
	uint64_t send_errors; /* replies that could not be sent */
};

struct osc_server;

/* Control thread. listen is "ADDR:PORT" ("127.0.0.1:9000", "0.0.0.0:9000", "[::1]:9000"); port 0
 * picks a free one. The allowlist is copied. Returns NULL with a message in err on failure. */
struct osc_server *osc_server_new(const char *listen, const struct allowlist *allow,
                                  osc_message_fn fn, void *ctx, char *err, size_t errlen);
void osc_server_free(struct osc_server *s);

/* Any thread. The socket to poll for input, and the bound port. */
int osc_server_fd(const struct osc_server *s);
int osc_server_port(const struct osc_server *s);

/* Control thread. Reads and dispatches up to max datagrams without blocking. Returns how many
 * were read (0 when nothing was waiting). */
unsigned osc_server_receive(struct osc_server *s, unsigned max);

/* Control thread. Sends one message to a peer if the allowlist admits it. Returns 0, -EPERM
 * for a peer outside the allowlist, or -errno. */
int osc_server_send(struct osc_server *s, const struct osc_peer *to, const char *path,
                    lo_message m);

/* Control thread. Sends an already serialised datagram (a message or a bundle) to a peer if the
 * allowlist admits it; never blocks (a full socket buffer drops it and counts a send error).
 * Returns 0, -EPERM for a peer outside the allowlist, -EMSGSIZE, or -errno. */
int osc_server_send_raw(struct osc_server *s, const struct osc_peer *to, const void *buf,
                        size_t len);

void osc_server_get_stats(const struct osc_server *s, struct osc_server_stats *out);

#endif
