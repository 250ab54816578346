/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * allow: parsing and matching of the --osc-allow peer list.
 *
 * Parsing is strict on purpose: a typo in an allowlist must stop the daemon with a message that
 * names the entry, never silently widen or narrow what is accepted. The result is built in a
 * local list and copied out only when every entry is good.
 */
#include "allow.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Longest entry worth parsing: a full IPv6 text form, '/', three digits. */
#define ENTRY_MAX (INET6_ADDRSTRLEN + 4)
/* How much of a bad entry to quote in a message: enough to recognise it. */
#define QUOTE_MAX 64

/* Fills the caller's optional buffer; a huge entry is cut so the message stays readable. */
static void
set_error(char *errbuf, size_t errlen, const char *entry, size_t entry_len, const char *why)
{
	if (errbuf == NULL || errlen == 0)
		return;
	snprintf(errbuf, errlen, "bad network \"%.*s%s\" in --osc-allow: %s",
	         (int)(entry_len > QUOTE_MAX ? QUOTE_MAX : entry_len), entry,
	         entry_len > QUOTE_MAX ? "..." : "", why);
}

/* Keeps the first prefix bits of addr (n_bytes long) and clears the rest, so that matching can
 * compare whole bytes and a host part given by the user ("10.1.2.3/8") cannot matter. */
static void
clear_host_bits(uint8_t *addr, size_t n_bytes, unsigned prefix)
{
	for (size_t i = 0; i < n_bytes; i++) {
		unsigned bit0 = (unsigned)i * 8;

		if (prefix <= bit0)
			addr[i] = 0;
		else if (prefix < bit0 + 8)
			addr[i] &= (uint8_t)(0xffu << (8 - (prefix - bit0)));
	}
}

/* Decimal prefix length: one to three digits, nothing else, at most max. Returns -1 if bad. */
static int
parse_prefix(const char *s, unsigned max)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= max ? (int)v : -1;
}

/* One entry, entry_len bytes at entry (not NUL-terminated). Returns 0 or -EINVAL. */
static int
parse_entry(struct allow_net *net, const char *entry, size_t entry_len, char *errbuf, size_t errlen)
{
	char buf[ENTRY_MAX + 1];
	char *slash;
	unsigned max;
	int prefix;

	if (entry_len == 0) {
		set_error(errbuf, errlen, entry, entry_len, "empty entry");
		return -EINVAL;
	}
	if (entry_len > ENTRY_MAX) {
		set_error(errbuf, errlen, entry, entry_len, "too long");
		return -EINVAL;
	}
	memcpy(buf, entry, entry_len);
	buf[entry_len] = '\0';

	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';

	/* inet_pton takes only dotted quads for IPv4 (no "10" or "0x7f.1" shorthands) and no
	 * scope suffix ("%eth0") for IPv6: exactly the forms we want. */
	memset(net, 0, sizeof(*net));
	if (strchr(buf, ':') != NULL) {
		net->family = AF_INET6;
		max = 128;
	} else {
		net->family = AF_INET;
		max = 32;
	}
	if (inet_pton(net->family, buf, net->addr) != 1) {
		set_error(errbuf, errlen, entry, entry_len,
		          net->family == AF_INET6 ? "not an IPv6 address" : "not an IPv4 address");
		return -EINVAL;
	}

	if (slash == NULL) {
		/* A bare address is a single host. */
		prefix = (int)max;
	} else {
		prefix = parse_prefix(slash + 1, max);
		if (prefix < 0) {
			set_error(errbuf, errlen, entry, entry_len,
			          max == 32 ? "prefix must be 0..32" : "prefix must be 0..128");
			return -EINVAL;
		}
	}
	net->prefix = (unsigned)prefix;
	clear_host_bits(net->addr, net->family == AF_INET ? 4 : 16, net->prefix);
	return 0;
}

int
allow_parse(struct allowlist *out, const char *spec, char *errbuf, size_t errlen)
{
	struct allowlist tmp;
	const char *p;

	if (out == NULL || spec == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no --osc-allow list given");
		return -EINVAL;
	}

	tmp.n = 0;
	p = spec;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		int err;

		if (tmp.n == ALLOW_MAX_NETS) {
			if (errbuf != NULL && errlen > 0)
				snprintf(errbuf, errlen,
				         "too many networks in --osc-allow (at most %d)",
				         ALLOW_MAX_NETS);
			return -E2BIG;
		}
		err = parse_entry(&tmp.nets[tmp.n], p, len, errbuf, errlen);
		if (err < 0)
			return err;
		tmp.n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}

	*out = tmp;
	return 0;
}

/* True when the first prefix bits of net and peer agree; net was stored with host bits cleared, so
 * only the peer needs masking. */
static bool
prefix_match(const uint8_t *net, const uint8_t *peer, unsigned prefix)
{
	size_t whole = prefix / 8;
	unsigned rest = prefix % 8;

	if (memcmp(net, peer, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return (peer[whole] & (uint8_t)(0xffu << (8 - rest))) == net[whole];
}

bool
allow_match(const struct allowlist *list, const struct sockaddr *peer)
{
	uint8_t v4[4], v6[16];
	bool has_v4 = false, has_v6 = false;

	if (list == NULL || peer == NULL)
		return false;

	if (peer->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)peer;

		memcpy(v4, &sin->sin_addr, 4);
		has_v4 = true;
	} else if (peer->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)peer;

		memcpy(v6, &sin6->sin6_addr, 16);
		has_v6 = true;
		/* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are IPv4 peers
		 * and must meet the IPv4 rules, or "127.0.0.1" would stop working on such a
		 * socket. */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(v4, v6 + 12, 4);
			has_v4 = true;
		}
	} else {
		return false;
	}

	for (unsigned i = 0; i < list->n && i < ALLOW_MAX_NETS; i++) {
		const struct allow_net *net = &list->nets[i];

		if (net->family == AF_INET && has_v4 && net->prefix <= 32 &&
		    prefix_match(net->addr, v4, net->prefix))
			return true;
		if (net->family == AF_INET6 && has_v6 && net->prefix <= 128 &&
		    prefix_match(net->addr, v6, net->prefix))
			return true;
	}
	return false;
}
