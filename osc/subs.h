/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subs: native subscriptions (design.md §3).
 *
 *   /subscribe [s:prefix] [i|f:hz]   prefix default "/", hz default 20, 0..50 (0: changes only)
 *   /unsubscribe [s:prefix]          without a prefix: every subscription of the sender
 *
 * A subscription is keyed by (peer, prefix) and lapses SUBS_LEASE_NS after it was last sent;
 * sending it again renews it (and may change its rate). A new one is answered with
 * `/subscribe s:prefix i:hz f:lease_s` and then every current value under the prefix, so the
 * surface starts in sync; a renewal gets only the acknowledgement.
 *
 * Each tick the subscriber gets, in bundles, every parameter under its prefix that changed
 * (`ADDRESS value`, as a get reply), and at its rate the meters under the prefix:
 * /meter/strip/N, /meter/bus/BUS, /meter/aux/K, /meter/monitor, /meter/master, /loudness. A meter
 * is under a prefix when the prefix covers the meter's address or the address of the object it
 * measures (/strip/N, /bus/BUS, /aux/K, /monitor, /master), so "/strip/3" brings strip 3's values
 * and its meter. Feedback is best-effort UDP: a slow or vanished subscriber loses datagrams and
 * never blocks anything.
 *
 * The table is a peer table (peers.h) and shared fairly by its policy: a host (any port) holds
 * SUBS_PER_HOST subscriptions at most, its own least recently renewed (the one that lapses
 * first) making room for its next; when the table is full, a new subscription takes the place
 * of the least recently renewed of the host with the most, while that host holds more than the
 * newcomer's would; otherwise it is refused. 32 ports of one host cannot lock out a real
 * surface.
 */
#ifndef MIXD_SUBS_H
#define MIXD_SUBS_H

#include <stdbool.h>
#include <stdint.h>

#include "feedback.h"
#include "server.h"

#define SUBS_MAX 32
/* Subscriptions one host (any port) may hold: the table's policy is peers.h's */
#define SUBS_PER_HOST 8
#define SUBS_LEASE_NS (10ull * 1000000000ull)
#define SUBS_MAX_HZ   50
#define SUBS_DEF_HZ   20

struct model;
struct dispatch;

struct subs_stats {
	uint64_t active; /* subscriptions now */
	uint64_t started, renewed, expired, ended, refused;
	uint64_t evicted; /* ended to make room by the per-host policy */
	uint64_t datagrams, messages, bytes, send_errors; /* feedback sent */
};

struct subs;

/* Control thread. Returns NULL when out of memory. Replies and feedback go through srv. */
struct subs *subs_new(struct model *m, struct osc_server *srv, struct dispatch *d);
void subs_free(struct subs *s);

/* Control thread. A dispatch handler (dispatch_add_handler): takes /subscribe and /unsubscribe,
 * returns false for any other path. Errors go back as /error. */
bool subs_message(void *s, const struct osc_peer *from, const char *path, const char *types,
                  lo_arg **argv, int argc);

/* Control thread, once per tick: drops lapsed subscriptions, sends changes and due meters. */
void subs_tick(struct subs *s, const struct feedback_frame *f);

void subs_get_stats(const struct subs *s, struct subs_stats *out);

#endif
