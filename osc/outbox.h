/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outbox: packs the messages for one peer into OSC bundles of at most OUTBOX_MAX_DATAGRAM bytes
 * and sends each bundle as it fills, so a tick's feedback to a surface costs a few datagrams,
 * not one per value, and no datagram is fragmented on an Ethernet or Wi-Fi link.
 * The bundles carry the immediate timetag: their contents apply on arrival.
 */
#ifndef MIXD_OUTBOX_H
#define MIXD_OUTBOX_H

#include <lo/lo.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

/* 1500-byte MTU minus IPv4 (20) and UDP (8) headers. */
#define OUTBOX_MAX_DATAGRAM 1472

struct outbox {
	struct osc_server *srv;
	struct osc_peer to;
	size_t len; /* bytes in buf; 0 when empty (the "#bundle" header is written late) */
	unsigned n; /* messages in buf */
	uint64_t datagrams, messages, bytes, errors; /* running totals, for /stats */
	uint8_t buf[OUTBOX_MAX_DATAGRAM];
};

/* Control thread. Starts packing for peer `to` (copied); the totals are kept. */
void outbox_begin(struct outbox *o, struct osc_server *srv, const struct osc_peer *to);

/* Control thread. Adds a message (not freed); sends the bundle first if the message would not
 * fit. A message too large for any bundle goes out alone. Returns 0, or the send's -errno (the
 * message is then counted as lost, nothing else happens). */
int outbox_add(struct outbox *o, const char *path, lo_message m);

/* Control thread. Sends what is packed. A single message goes out as a plain message, not a
 * one-element bundle. Returns 0 or -errno. */
int outbox_flush(struct outbox *o);

#endif
