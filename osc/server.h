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
 *
 * Each allowed peer has a token bucket of messages, so one flooding peer cannot starve the
 * others of the control thread. The bucket belongs to the peer's address, not address and port:
 * a host that floods from many ports is still one host. It counts messages, not datagrams (a
 * bundle of 100 messages costs 100), and a datagram the bucket cannot pay for is dropped whole,
 * so a bundle still applies all or nothing. A full bucket admits any datagram, even one that
 * costs more than the burst, and the peer pays the excess off as debt: a bundle larger than the
 * burst is slow, never impossible. The buckets are kept in a peer table (peers.h) of
 * OSC_SERVER_MAX_PEERS, one a host, with lease 0 (a bucket promises nothing): a new host takes
 * the place of the one heard from least recently, and starts with a full bucket.
 */
#ifndef MIXD_OSC_SERVER_H
#define MIXD_OSC_SERVER_H

#include <lo/lo.h>
#include <stdbool.h>
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

/* The default admits twice the 50,000 messages a second of the control-port load test; the
 * burst is a fifth of a second's worth. */
#define OSC_SERVER_DEFAULT_RATE  100000u
#define OSC_SERVER_DEFAULT_BURST 20000u
/* The socket's receive buffer, in bytes (the kernel doubles it for its bookkeeping): about
 * 5 000 small datagrams, a tenth of a second of the load test's 50 000 a second. */
#define OSC_SERVER_RCVBUF (4 << 20)
/* What mixd sends one host at most, replies and feedback together, in bytes: a second's worth
 * refills the budget, a burst of it may go at once. A surface showing 256 strips' meters at 50
 * Hz takes about a quarter of it; a request whose answer would take more is paced (pager.h),
 * and anything sent past it is dropped and counted. While one datagram is dispatched the budget
 * does not refill: what one datagram makes mixd send is at most the budget it found, which
 * bounds the control thread's time on it. */
#define OSC_SERVER_SEND_RATE  (1u << 20)
#define OSC_SERVER_SEND_BURST (256u << 10)
/* Peers whose buckets are kept; past this the least recently heard one is forgotten. */
#define OSC_SERVER_MAX_PEERS 64

struct osc_server_stats {
	uint64_t datagrams;    /* datagrams read from the socket or injected */
	uint64_t messages;     /* messages dispatched */
	uint64_t malformed;    /* datagrams dropped by packet_check */
	uint64_t not_allowed;  /* datagrams dropped because the peer is not allowed */
	uint64_t rate_limited; /* messages dropped by the peer's token bucket */
	uint64_t send_errors;  /* replies that could not be sent */
	uint64_t self;         /* datagrams from, or replies to, our own socket: dropped */
	uint64_t over_budget;  /* datagrams not sent: the host's send budget was spent */
};

struct osc_server;

/* Control thread. listen is "ADDR:PORT" ("127.0.0.1:9000", "0.0.0.0:9000", "[::1]:9000"); port 0
 * picks a free one. The allowlist is copied. Returns NULL with a message in err on failure. */
struct osc_server *osc_server_new(const char *listen, const struct allowlist *allow,
                                  osc_message_fn fn, void *ctx, char *err, size_t errlen);
/* Control thread. Closes the socket and frees; NULL is accepted. */
void osc_server_free(struct osc_server *s);

/* Any thread. The socket to poll for input, and the bound port. */
int osc_server_fd(const struct osc_server *s);
int osc_server_port(const struct osc_server *s);

/* Control thread. Sets every peer's bucket: rate_per_s messages a second, up to burst at once.
 * rate_per_s 0 means unlimited; burst 0 means a fifth of a second's worth (at least 1). Every
 * bucket starts full again. The default is OSC_SERVER_DEFAULT_RATE, OSC_SERVER_DEFAULT_BURST.
 * Cannot fail. */
void osc_server_set_rate_limit(struct osc_server *s, unsigned rate_per_s, unsigned burst);

/* Control thread. Reads and dispatches up to max datagrams without blocking, each through
 * osc_server_inject. Returns how many were read (0 when nothing was waiting). */
unsigned osc_server_receive(struct osc_server *s, unsigned max);

/* Control thread. While a datagram is dispatched (from within osc_message_fn), when it reached
 * this host, on CLOCK_MONOTONIC in ns: the kernel's receive timestamp for one read from the
 * socket, the time of the call for one injected. What a recorded move is stamped with, so its
 * place in a pass does not depend on how long the control thread took to read it. 0 outside a
 * dispatch. */
uint64_t osc_server_arrival_ns(const struct osc_server *s);

/* Control thread. Handles one datagram as if it had arrived on the socket from `from`: the
 * allowlist, the size limit, packet_check, the peer's bucket, then dispatch of each message
 * (replies go to `from` through the socket). buf is only read, and need not outlive the call.
 * Returns the number of messages dispatched, or -EPERM (peer not allowed), -ELOOP (from our own
 * socket: selfaddr.h), -EMSGSIZE (larger than PACKET_MAX_SIZE), -EBADMSG (malformed) or -EBUSY
 * (rate limited); each is counted (rate_limited in messages; an empty bundle costs one). */
int osc_server_inject(struct osc_server *s, const struct osc_peer *from, const void *buf,
                      size_t len);

/* Control thread. Sends one message to a peer if the allowlist admits it. Returns 0, -EPERM
 * for a peer outside the allowlist, or -errno. */
int osc_server_send(struct osc_server *s, const struct osc_peer *to, const char *path,
                    lo_message m);

/* Control thread. Sends an already serialised datagram (a message or a bundle) to a peer if the
 * allowlist admits it, it is not our own socket and the host's send budget holds it; never
 * blocks (a full socket buffer drops it and counts a send error). Returns 0, -EPERM for a peer
 * outside the allowlist, -ELOOP for our own socket (counted in self), -ENOBUFS over the budget
 * (counted in over_budget), -EMSGSIZE, or -errno. */
int osc_server_send_raw(struct osc_server *s, const struct osc_peer *to, const void *buf,
                        size_t len);

/* Control thread. The bytes that may be sent to `to`'s host now (OSC_SERVER_SEND_RATE). */
size_t osc_server_send_budget(struct osc_server *s, const struct osc_peer *to);

/*
 * A relay: a transport other than the UDP socket (the WebSocket port, osc/web.h) whose peers
 * dispatch and send through this server like UDP peers. Its peers have the family AF_UNIX (an
 * address no UDP datagram can come from); the relay checked the real peer against its allowlist
 * when it connected, and does its own rate limiting, so inject skips the allowlist and the token
 * bucket for them, and every send to them goes to fn instead of the socket.
 */
typedef int (*osc_relay_send_fn)(void *ctx, const struct osc_peer *to, const void *buf, size_t len);

/* Control thread. Sets (or with fn NULL removes) the relay. Cannot fail. */
void osc_server_set_relay(struct osc_server *s, osc_relay_send_fn fn, void *ctx);

/* Any thread. True when the peer is a relay's (family AF_UNIX). */
bool osc_peer_is_relay(const struct osc_peer *p);

/* Control thread. A copy of the counters. */
void osc_server_get_stats(const struct osc_server *s, struct osc_server_stats *out);

#endif
