/* SPDX-License-Identifier: GPL-2.0-or-later */
/* peer: comparing the addresses surfaces send from (keys of the subscriber and surface tables). */
#ifndef MIXD_OSC_PEER_H
#define MIXD_OSC_PEER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "server.h"

/* Any thread. True when a and b are the same address and port (IPv4 or IPv6). */
static inline bool
osc_peer_equal(const struct osc_peer *a, const struct osc_peer *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->addr, *y = (const void *)&b->addr;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->addr, *y = (const void *)&b->addr;
		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return a->len == b->len && !memcmp(&a->addr, &b->addr, a->len);
}

/* Any thread. True when a and b are the same host (the address, whatever the port): the unit
 * of the tables' per-host limits, since one host can send from any number of ports. */
static inline bool
osc_peer_same_host(const struct osc_peer *a, const struct osc_peer *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->addr, *y = (const void *)&b->addr;
		return x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->addr, *y = (const void *)&b->addr;
		return !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return osc_peer_equal(a, b);
}

#endif
