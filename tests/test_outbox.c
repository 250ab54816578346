/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outbox: how messages are packed into datagrams, read back byte for byte from a UDP socket on
 * loopback: a bundle filled to exactly OUTBOX_MAX_DATAGRAM, the message that no longer fits
 * starting the next one, a lone message unwrapped, an oversize one sent alone and in order, and
 * the counters.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "allow.h"
#include "outbox.h"
#include "server.h"

static struct osc_server *srv;
static int rx;               /* the peer's socket */
static struct osc_peer peer; /* its address */
static struct outbox ob;
static unsigned marks;

static void
ignore(void *ctx, const struct osc_peer *from, const char *path, const char *types, lo_arg **argv,
       int argc)
{
}

static void
setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct allowlist allow;
	char err[256];
	int big = 1 << 20;

	ck_assert_int_eq(allow_parse(&allow, "127.0.0.1/32", err, sizeof(err)), 0);
	srv = osc_server_new("127.0.0.1:0", &allow, ignore, NULL, err, sizeof(err));
	ck_assert_msg(srv != NULL, "%s", err);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	memset(&peer, 0, sizeof(peer));
	peer.len = sizeof(peer.addr);
	ck_assert_int_eq(getsockname(rx, (struct sockaddr *)&peer.addr, &peer.len), 0);
	memset(&ob, 0, sizeof(ob));
	outbox_begin(&ob, srv, &peer);
	marks = 0;
}

static void
teardown(void)
{
	close(rx);
	osc_server_free(srv);
}

/* A message "/x ,s STRING" of exactly size bytes (a multiple of 4, at least 12). */
static lo_message
sized(size_t size, char fill)
{
	lo_message m = lo_message_new();
	char s[20000];
	/* "/x\0\0" ",s\0\0" then the string, NUL-padded to 4: size - 8 bytes hold len + 1 */
	size_t len = size - 8 - 1;

	ck_assert_uint_eq(size % 4, 0);
	ck_assert_uint_lt(len, sizeof(s));
	memset(s, fill, len);
	s[len] = '\0';
	lo_message_add_string(m, s);
	ck_assert_uint_eq(lo_message_length(m, "/x"), size);
	return m;
}

/* Adds a message of size bytes and frees it. */
static int
add(size_t size, char fill)
{
	lo_message m = sized(size, fill);
	int ret = outbox_add(&ob, "/x", m);

	lo_message_free(m);
	return ret;
}

/* The serialised form of sized(size, fill). */
static size_t
serialised(uint8_t *buf, size_t size, char fill)
{
	lo_message m = sized(size, fill);
	size_t n = size;

	lo_message_serialise(m, "/x", buf, &n);
	lo_message_free(m);
	return n;
}

/* The next datagram the peer received (the sends happened before: loopback delivers at
 * once, and the marker the server sends after them proves nothing is still on its way). */
static ssize_t
next(uint8_t *buf, size_t cap)
{
	struct pollfd p = { .fd = rx, .events = POLLIN };
	ssize_t n;

	ck_assert_msg(poll(&p, 1, 2000) == 1, "nothing arrived");
	n = recv(rx, buf, cap, MSG_DONTWAIT);
	ck_assert_int_ge(n, 0);
	return n;
}

/* Asserts nothing more was sent: the next datagram is a marker sent now. */
static void
assert_nothing_more(void)
{
	lo_message m = lo_message_new();
	uint8_t buf[64];

	ck_assert_int_eq(osc_server_send(srv, &peer, "/mark", m), 0);
	lo_message_free(m);
	ck_assert_int_eq(next(buf, sizeof(buf)), 12); /* "/mark" "," */
	ck_assert_str_eq((char *)buf, "/mark");
	marks++;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Asserts buf (len bytes) is a bundle, immediate, of messages of the given sizes and fills. */
static void
assert_bundle(const uint8_t *buf, size_t len, const size_t *sizes, const char *fills, unsigned n)
{
	static const uint8_t head[16] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0,
		                          0,   0,   0,   0,   0,   0,   0,   1 };
	uint8_t want[OUTBOX_MAX_DATAGRAM];
	size_t pos = sizeof(head);

	ck_assert_uint_ge(len, sizeof(head));
	ck_assert(!memcmp(buf, head, sizeof(head)));
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_le(pos + 4 + sizes[i], len);
		ck_assert_uint_eq(be32(buf + pos), sizes[i]);
		ck_assert_uint_eq(serialised(want, sizes[i], fills[i]), sizes[i]);
		ck_assert(!memcmp(buf + pos + 4, want, sizes[i]));
		pos += 4 + sizes[i];
	}
	ck_assert_uint_eq(pos, len);
}

/* Asserts the next datagram is a bundle of messages of these sizes and fills (see
 * assert_bundle); returns its length. */
static size_t
assert_next_bundle(const size_t *sizes, const char *fills, unsigned n)
{
	uint8_t buf[4096];
	ssize_t len = next(buf, sizeof(buf));

	assert_bundle(buf, (size_t)len, sizes, fills, n);
	return (size_t)len;
}

/* Asserts the next datagram is sized(size, fill) alone, unwrapped. */
static void
assert_next_message(size_t size, char fill)
{
	static uint8_t buf[20000], want[20000];

	ck_assert_int_eq(next(buf, sizeof(buf)), (ssize_t)size);
	serialised(want, size, fill);
	ck_assert(!memcmp(buf, want, size));
}

/* A single message goes out as itself, not as a bundle of one. */
START_TEST(single_message_unwrapped)
{
	ck_assert_int_eq(add(32, 'a'), 0);
	ck_assert_int_eq(outbox_flush(&ob), 0);
	assert_next_message(32, 'a');
	/* flushing nothing sends nothing */
	ck_assert_int_eq(outbox_flush(&ob), 0);
	assert_nothing_more();
	ck_assert_uint_eq(ob.datagrams, 1);
	ck_assert_uint_eq(ob.messages, 1);
	ck_assert_uint_eq(ob.bytes, 32);
}
END_TEST

/* Messages that fill a bundle to exactly OUTBOX_MAX_DATAGRAM go in one datagram; one 4 bytes
 * larger overflows it: the bundle goes out as soon as the message that does not fit arrives. */
START_TEST(exactly_filling_bundle)
{
	/* 16 + 4 * (4 + 360) = 1472 */
	const size_t sizes[4] = { 360, 360, 360, 360 };
	const char fills[4] = { 'a', 'b', 'c', 'd' };
	uint8_t buf[4096];

	ck_assert_uint_eq(16 + 4 * (4 + 360), OUTBOX_MAX_DATAGRAM);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(add(sizes[i], fills[i]), 0);
	assert_nothing_more(); /* full, but nothing says it is complete yet */
	ck_assert_int_eq(add(12, 'e'), 0);
	ck_assert_uint_eq(assert_next_bundle(sizes, fills, 4), OUTBOX_MAX_DATAGRAM);
	ck_assert_int_eq(outbox_flush(&ob), 0);
	ck_assert_int_eq(next(buf, sizeof(buf)), 12); /* the last one, alone, unwrapped */
	assert_nothing_more();

	/* 4 bytes more than fit: three messages in the first bundle, then two */
	{
		const size_t s2[4] = { 360, 360, 360, 364 };
		const char f2[4] = { 'a', 'b', 'c', 'd' };
		const size_t tail[2] = { 364, 100 };
		const char ftail[2] = { 'd', 'e' };

		for (int i = 0; i < 4; i++)
			ck_assert_int_eq(add(s2[i], f2[i]), 0);
		assert_next_bundle(s2, f2, 3);
		ck_assert_int_eq(add(100, 'e'), 0);
		ck_assert_int_eq(outbox_flush(&ob), 0);
		assert_next_bundle(tail, ftail, 2);
		assert_nothing_more();
	}
	ck_assert_uint_eq(ob.datagrams, 4);
	ck_assert_uint_eq(ob.messages, 10);
	ck_assert_uint_eq(ob.errors, 0);
}
END_TEST

/* The largest message a bundle can hold still goes in one; the next size up, too large for any
 * bundle, goes out alone as a plain message, after what was packed before it and before what
 * comes after it. */
START_TEST(oversize_goes_alone_in_order)
{
	const size_t max_in_bundle = OUTBOX_MAX_DATAGRAM - 16 - 4; /* 1452 */
	uint8_t buf[20000];

	ck_assert_int_eq(add(max_in_bundle, 'm'), 0);
	ck_assert_int_eq(outbox_flush(&ob), 0);
	ck_assert_int_eq(next(buf, sizeof(buf)), (ssize_t)max_in_bundle); /* alone: unwrapped */
	assert_nothing_more();

	ck_assert_int_eq(add(40, 'a'), 0);
	ck_assert_int_eq(add(44, 'b'), 0);
	ck_assert_int_eq(add(max_in_bundle + 4, 'c'), 0);
	ck_assert_int_eq(add(3000, 'd'), 0);
	ck_assert_int_eq(add(48, 'e'), 0);
	assert_next_bundle((const size_t[]){ 40, 44 }, "ab", 2);
	assert_next_message(max_in_bundle + 4, 'c');
	assert_next_message(3000, 'd');
	assert_nothing_more(); /* 'e' waits for the flush */
	ck_assert_int_eq(outbox_flush(&ob), 0);
	ck_assert_int_eq(next(buf, sizeof(buf)), 48);
	assert_nothing_more();
	ck_assert_uint_eq(ob.datagrams, 5);
	ck_assert_uint_eq(ob.messages, 6);
	ck_assert_uint_eq(ob.bytes,
	                  max_in_bundle + (16 + 4 + 40 + 4 + 44) + (max_in_bundle + 4) + 3000 + 48);
}
END_TEST

/* A message larger than any datagram mixd sends is refused and counted, and what was packed
 * before it stays packed. */
START_TEST(too_large_for_any_datagram)
{
	uint8_t buf[2048];

	ck_assert_int_eq(add(40, 'a'), 0);
	ck_assert_int_eq(add(44, 'b'), 0);
	ck_assert_int_eq(add(16400, 'z'), -EMSGSIZE);
	ck_assert_uint_eq(ob.errors, 1);
	assert_nothing_more();
	ck_assert_int_eq(outbox_flush(&ob), 0);
	ck_assert_int_eq(next(buf, sizeof(buf)), 16 + 4 + 40 + 4 + 44);
	ck_assert_uint_eq(ob.messages, 2);
}
END_TEST

/* Sends that fail (a peer outside the allowlist) count every message they held as lost; the
 * totals survive outbox_begin. */
START_TEST(failed_sends_counted)
{
	struct osc_peer other = peer;
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&other.addr;

	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.2", &a->sin_addr), 1);
	ck_assert_int_eq(add(40, 'a'), 0);
	ck_assert_int_eq(outbox_flush(&ob), 0);
	outbox_begin(&ob, srv, &other);
	ck_assert_int_eq(add(40, 'a'), 0);
	ck_assert_int_eq(add(40, 'b'), 0);
	ck_assert_int_eq(add(40, 'c'), 0);
	ck_assert_int_eq(outbox_flush(&ob), -EPERM);
	ck_assert_int_eq(add(2000, 'd'), -EPERM);
	ck_assert_uint_eq(ob.errors, 4);
	ck_assert_uint_eq(ob.datagrams, 1);
	ck_assert_uint_eq(ob.messages, 1);
	outbox_begin(&ob, srv, &peer);
	ck_assert_int_eq(add(40, 'e'), 0);
	ck_assert_int_eq(outbox_flush(&ob), 0);
	ck_assert_uint_eq(ob.datagrams, 2);
	ck_assert_uint_eq(ob.errors, 4);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, single_message_unwrapped);
	tcase_add_test(tc, exactly_filling_bundle);
	tcase_add_test(tc, oversize_goes_alone_in_order);
	tcase_add_test(tc, too_large_for_any_datagram);
	tcase_add_test(tc, failed_sends_counted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(outbox_suite());
}
