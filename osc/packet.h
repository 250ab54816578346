/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet: structural validation of raw OSC 1.0 datagrams before anything parses them.
 *
 * Every datagram that reaches mixd is untrusted. packet_check walks the bytes once and rejects
 * anything liblo or our dispatch should never see: wrong size or alignment, strings that run off
 * the end, unknown type tags, argument data that does not fit, wildcard characters in an address
 * (we never pattern-match), bundles nested deeper than a bound, bundle elements whose sizes lie.
 * Pure functions over bytes: no allocation, no I/O, so the fuzzer can drive them directly.
 */
#ifndef MIXD_PACKET_H
#define MIXD_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Largest datagram accepted. */
#define PACKET_MAX_SIZE 16384
/* Deepest bundle nesting accepted: a bundle inside a bundle inside a bundle... (top level = 1). */
#define PACKET_MAX_DEPTH 4
/* Longest address accepted, in bytes without the NUL. */
#define PACKET_MAX_ADDRESS 255
/* Most arguments in one message. */
#define PACKET_MAX_ARGS 64

/* Reasons, returned negated by packet_check (0 is OK). */
enum packet_error {
	PACKET_OK = 0,
	PACKET_ETOOBIG = 1,  /* larger than PACKET_MAX_SIZE */
	PACKET_ESIZE = 2,    /* empty or length not a multiple of 4 */
	PACKET_EADDRESS = 3, /* address missing, not starting with '/', too long, unterminated */
	PACKET_EWILDCARD =
	    4,               /* address holds * ? [ ] { } , # or space: liblo would pattern-match */
	PACKET_ETYPETAG = 5, /* type tag string missing, unterminated or not starting with ',' */
	PACKET_EUNKNOWNTYPE = 6,  /* a type tag outside i f s S b h t d c m T F N I */
	PACKET_EARGS = 7,         /* argument data shorter or longer than the type tags say */
	PACKET_EBUNDLE = 8,       /* bundle header, timetag or element size malformed */
	PACKET_EDEPTH = 9,        /* bundles nested deeper than PACKET_MAX_DEPTH */
	PACKET_ETOOMANYARGS = 10, /* more than PACKET_MAX_ARGS arguments */
};

/* Any thread. Validates a whole datagram (a message or a bundle, recursively). Returns 0 when
 * every byte is accounted for and well formed, else -enum packet_error. */
int packet_check(const uint8_t *data, size_t len);

/* Any thread. A short fixed English reason for a packet_check result ("bundle nested too
 * deep"); never NULL. */
const char *packet_strerror(int err);

/* Called once per message found in a checked datagram, in order. msg/len is the message alone
 * (address, type tags, arguments), 4-byte aligned inside the original buffer. */
typedef void (*packet_message_fn)(const uint8_t *msg, size_t len, void *ctx);

/* Any thread. Walks a datagram that packet_check accepted and calls fn for every message,
 * unwrapping bundles (timetags are ignored: mixd applies bundle contents immediately). The whole
 * datagram is validated before the first call, so a bundle applies all or nothing.
 * Returns the number of messages, or -enum packet_error if the datagram is malformed (it
 * re-validates, so it is safe on unchecked input too). */
int packet_foreach_message(const uint8_t *data, size_t len, packet_message_fn fn, void *ctx);

#endif
