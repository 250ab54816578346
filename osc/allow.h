/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * allow: the peer allowlist of the control port (--osc-allow CIDR,...).
 *
 * Datagrams from peers outside the list are dropped before any parsing, and nothing is ever sent
 * to them. IPv4 and IPv6 networks; an IPv4-mapped IPv6 peer (::ffff:a.b.c.d) matches IPv4 rules.
 */
#ifndef MIXD_ALLOW_H
#define MIXD_ALLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ALLOW_MAX_NETS 32

struct allow_net {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network address, host bits cleared; 4 bytes used for AF_INET */
	unsigned prefix;  /* prefix length: 0..32 or 0..128 */
};

struct allowlist {
	unsigned n;
	struct allow_net nets[ALLOW_MAX_NETS];
};

/* Any thread. Parses "127.0.0.1/32,10.0.0.0/8,::1" (a bare address means a host: /32 or /128)
 * into *out. On error returns -EINVAL (or -E2BIG past ALLOW_MAX_NETS), leaves *out unchanged
 * and, if errbuf is not NULL, writes a message naming the bad entry. */
int allow_parse(struct allowlist *out, const char *spec, char *errbuf, size_t errlen);

/* Any thread. True when the peer address (sockaddr_in or sockaddr_in6) lies in any network. */
bool allow_match(const struct allowlist *list, const struct sockaddr *peer);

#endif
