/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_peer: a surface as a test sees it — a UDP socket bound to a loopback address 127.0.0.x and
 * connected to the console's control port on 127.0.0.1, that sends liblo-serialised messages
 * built from a type string and decodes what comes back, unpacking bundles. Header-only: static
 * inline, for Check tests.
 */
#ifndef MIXD_TEST_UDP_PEER_H
#define MIXD_TEST_UDP_PEER_H

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

#define UDP_PEER_MAX_ARGS  8
#define UDP_PEER_INBOX_MAX 2048

struct udp_peer {
	int fd;
	struct osc_peer peer; /* its own address, as the console sees it */
	uint16_t port;        /* its own port */
};

/* A socket bound to addr (port chosen by the kernel), with a 1 MiB receive buffer, connected to
 * 127.0.0.1:server_port. Asserts on failure. */
static inline struct udp_peer
udp_peer_open(const char *addr, int server_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct udp_peer c;
	int big = 1 << 20;

	memset(&c, 0, sizeof(c));
	c.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c.fd, 0);
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a.sin_addr), 1);
	ck_assert_msg(bind(c.fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind %s: %s", addr,
	              strerror(errno));
	c.peer.len = sizeof(c.peer.addr);
	ck_assert_int_eq(getsockname(c.fd, (struct sockaddr *)&c.peer.addr, &c.peer.len), 0);
	c.port = ntohs(((const struct sockaddr_in *)(const void *)&c.peer.addr)->sin_port);
	a.sin_port = htons((uint16_t)server_port);
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
	ck_assert_int_eq(connect(c.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return c;
}

static inline void
udp_peer_close(struct udp_peer *c)
{
	close(c->fd);
	c->fd = -1;
}

/* A message from a type string and arguments: f (double), i (int), s (char *). */
static inline lo_message
udp_peer_build(const char *types, va_list ap)
{
	lo_message lm = lo_message_new();

	ck_assert_ptr_nonnull(lm);
	for (const char *t = types; *t; t++) {
		switch (*t) {
		case 'f':
			lo_message_add_float(lm, (float)va_arg(ap, double));
			break;
		case 'i':
			lo_message_add_int32(lm, va_arg(ap, int));
			break;
		case 's':
			lo_message_add_string(lm, va_arg(ap, const char *));
			break;
		default:
			ck_abort_msg("bad type %c", *t);
		}
	}
	return lm;
}

/* Sends path with arguments by type letter (see udp_peer_build) to the console. */
static inline void
udp_peer_vsend(const struct udp_peer *c, const char *path, const char *types, va_list ap)
{
	uint8_t buf[2048];
	size_t len = sizeof(buf);
	lo_message lm = udp_peer_build(types, ap);

	ck_assert_ptr_nonnull(lo_message_serialise(lm, path, buf, &len));
	lo_message_free(lm);
	ck_assert_int_eq(send(c->fd, buf, len, 0), (ssize_t)len);
}

/* ---- decoding what came back ---- */

struct udp_arg {
	char type;
	float f;
	int32_t i;
	char s[72];
};

struct udp_msg {
	char path[80];
	char types[UDP_PEER_MAX_ARGS + 1];
	struct udp_arg a[UDP_PEER_MAX_ARGS];
};

/* Messages unpacked from their bundles, and counts of what carried them. */
struct udp_inbox {
	unsigned n, datagrams, bundles, max_per_bundle;
	size_t max_size;
	struct udp_msg msg[UDP_PEER_INBOX_MAX];
};

static inline void
udp_inbox_clear(struct udp_inbox *in)
{
	in->n = in->datagrams = in->bundles = in->max_per_bundle = 0;
	in->max_size = 0;
}

static inline uint32_t
udp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends the messages of one datagram (a message or a bundle) to in. Asserts a bundle is
 * immediate and holds two messages or more (one goes out unwrapped). */
static inline void
udp_inbox_decode(struct udp_inbox *in, uint8_t *data, size_t len)
{
	static const uint8_t immediate[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	struct udp_msg *out;
	lo_message lm;
	lo_arg **argv;
	const char *types;
	int res = 0;

	if (len >= 8 && !memcmp(data, "#bundle", 8)) {
		size_t pos = 16;
		unsigned k = 0;

		ck_assert_uint_ge(len, 16);
		ck_assert_msg(!memcmp(data + 8, immediate, 8), "bundle timetag is not immediate");
		in->bundles++;
		while (pos < len) {
			uint32_t size;

			ck_assert_uint_le(pos + 4, len);
			size = udp_be32(data + pos);
			pos += 4;
			ck_assert_uint_le(pos + size, len);
			udp_inbox_decode(in, data + pos, size);
			pos += size;
			k++;
		}
		ck_assert_uint_eq(pos, len);
		ck_assert_msg(k >= 2, "a bundle of %u message(s): one should go out unwrapped", k);
		if (k > in->max_per_bundle)
			in->max_per_bundle = k;
		return;
	}
	lm = lo_message_deserialise(data, len, &res);
	ck_assert_msg(lm != NULL, "undecodable message (%d)", res);
	ck_assert_uint_lt(in->n, UDP_PEER_INBOX_MAX);
	out = &in->msg[in->n++];
	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", (const char *)data);
	types = lo_message_get_types(lm);
	argv = lo_message_get_argv(lm);
	ck_assert_uint_le(strlen(types), UDP_PEER_MAX_ARGS);
	snprintf(out->types, sizeof(out->types), "%s", types);
	for (int i = 0; types[i]; i++) {
		out->a[i].type = types[i];
		if (types[i] == 'f')
			memcpy(&out->a[i].f, argv[i], 4); /* liblo's args are 4-aligned */
		else if (types[i] == 'i')
			memcpy(&out->a[i].i, argv[i], 4);
		else if (types[i] == 's')
			snprintf(out->a[i].s, sizeof(out->a[i].s), "%s", (const char *)argv[i]);
	}
	lo_message_free(lm);
}

#endif
