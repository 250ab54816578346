/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selfaddr: whether an address is mixd's own socket. A reply or a feedback stream aimed there
 * (an Ardour surface's /set_surface port set to mixd's own, a spoofed sender) would come
 * straight back in as a request: one console answering itself, forever. The server sends
 * nothing there and takes nothing from there.
 *
 * Our own: the bound port at the bound address, at any loopback address, or, when bound to
 * every interface, at any address of this host's interfaces (read when the socket is bound; an
 * address added later is not known, and is then only as safe as the allowlist makes it).
 */
#ifndef MIXD_OSC_SELFADDR_H
#define MIXD_OSC_SELFADDR_H

#include <stdbool.h>
#include <sys/socket.h>

#define SELFADDR_MAX 32 /* interface addresses remembered */

struct selfaddr {
	struct sockaddr_storage bound; /* as getsockname told */
	int port;
	bool any; /* bound to 0.0.0.0 or [::] */
	struct sockaddr_storage local[SELFADDR_MAX];
	unsigned n_local;
};

/* Control thread. Learns the socket fd's own address and, when it is bound to every interface,
 * this host's interface addresses. Returns 0 or -errno (getsockname); an unreadable interface
 * list leaves only loopback and the bound address as ours. */
int selfaddr_load(struct selfaddr *sa, int fd);

/* Any thread. True when addr (IPv4, IPv6 or IPv4-mapped IPv6) is our own socket. */
bool selfaddr_is_self(const struct selfaddr *sa, const struct sockaddr *addr);

#endif
