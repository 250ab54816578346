/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of amplification: what mixd sends a host is charged to that host's send
 * budget (OSC_SERVER_SEND_RATE a second, OSC_SERVER_SEND_BURST at once), however small the
 * request. Before, one 16 KB bundle of 1,023 /list stalled the control thread for 58 s on 256
 * strips and sent 237 MB. Real mixd on a real jackd, raw UDP to count every byte.
 */
#include "e2e_run.h"
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256
/* server.h's budget, restated: the test checks the number, not the constant */
#define SEND_RATE  (1u << 20)
#define SEND_BURST (256u << 10)

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* A raw UDP socket on 127.0.0.1, connected to mixd's port. */
static int
raw_open(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int big = 8 << 20;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* What came back within ms: bytes, /list rows and /list/end messages. */
struct tally {
	size_t bytes;
	unsigned rows, ends;
};

static struct tally
drain(int fd, int ms)
{
	static uint8_t buf[65536];
	struct tally t = { 0 };
	int64_t end = h_now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - h_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		t.bytes += (size_t)n;
		if (!strcmp((char *)buf, "/list"))
			t.rows++;
		else if (!strcmp((char *)buf, "/list/end"))
			t.ends++;
	}
	return t;
}

/* A bundle of as many bare /list as fit in 16 KB. Returns its length. */
static size_t
list_bundle(uint8_t *b, size_t cap, unsigned *count)
{
	static const uint8_t msg[12] = { '/', 'l', 'i', 's', 't', 0, 0, 0, ',', 0, 0, 0 };
	size_t n = 16;

	memcpy(b, "#bundle\0\0\0\0\0\0\0\0\1", 16);
	*count = 0;
	while (n + 4 + sizeof(msg) <= cap) {
		uint32_t size = htonl(sizeof(msg));
		memcpy(b + n, &size, 4);
		memcpy(b + n + 4, msg, sizeof(msg));
		n += 4 + sizeof(msg);
		(*count)++;
	}
	return n;
}

/* 256 strips: one /list is complete, paced; a bundle of a thousand /list costs one answer
 * within the budget, and the control thread answers a ping at once meanwhile. */
START_TEST(test_list_bundle)
{
	static uint8_t bundle[16384];
	struct tally one, many;
	unsigned count;
	size_t len;
	int64_t t0;
	int fd;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "256", NULL);
	ck_assert_ptr_nonnull(w.mixd);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	fd = raw_open(w.mixd->port);

	/* one /list, the whole address space: it arrives whole, however long it takes */
	ck_assert_int_eq(send(fd, bundle, list_bundle(bundle, 16 + 16, &count), 0), 16 + 16);
	one = drain(fd, 8000);
	fprintf(stderr, "amplify: one /list: %u rows, %zu bytes\n", one.rows, one.bytes);
	ck_assert_uint_eq(one.ends, 1);
	ck_assert_uint_gt(one.rows, 256 * 35);    /* 38 rows a strip today */
	ck_assert_uint_gt(one.bytes, SEND_BURST); /* longer than a burst: it was paced */

	/* a 16 KB bundle of them */
	h_sleep_ms(1000); /* a refilled budget */
	len = list_bundle(bundle, sizeof(bundle), &count);
	t0 = h_now_ms();
	ck_assert_int_eq(send(fd, bundle, len, 0), (ssize_t)len);
	/* before: 58 s of the control thread; now one answer, paced */
	ck_assert_msg(h_osc_ping(w.osc, 500), "the control thread stalled on the bundle");
	fprintf(stderr, "amplify: %u /list in %zu bytes; /pong after %lld ms\n", count, len,
	        (long long)(h_now_ms() - t0));
	many = drain(fd, 3000);
	fprintf(stderr, "amplify: %zu bytes back in 3 s (%.0fx the request), %u rows, %u ends\n",
	        many.bytes, (double)many.bytes / len, many.rows, many.ends);
	/* the budget: a burst and 3 s of refill at most, whatever was asked */
	ck_assert_uint_le(many.bytes, SEND_BURST + 3 * SEND_RATE + 65536);
	ck_assert_uint_le(many.ends, 1);
	ck_assert_int_ge(e2e_stat(&w, "received"), count);
	close(fd);
	e2e_stop_mixd(&w);
}
END_TEST

/* A subscription to everything, meters at 50 Hz, on 256 strips: the feedback keeps within
 * the host's budget a second. */
START_TEST(test_subscribe_budget)
{
	struct tally t;
	int fd;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "256", NULL);
	ck_assert_ptr_nonnull(w.mixd);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	fd = raw_open(w.mixd->port);
	{
		lo_message m = lo_message_new();
		uint8_t b[256];
		size_t n = sizeof(b);

		lo_message_add_string(m, "/");
		lo_message_add_int32(m, 50);
		lo_message_serialise(m, "/subscribe", b, &n);
		lo_message_free(m);
		ck_assert_int_eq(send(fd, b, n, 0), (ssize_t)n);
	}
	drain(fd, 1000); /* the snapshot and the first second */
	t = drain(fd, 3000);
	fprintf(stderr, "amplify: a subscription to / at 50 Hz on 256 strips: %zu bytes in 3 s\n",
	        t.bytes);
	ck_assert_uint_gt(t.bytes, 0);
	ck_assert_uint_le(t.bytes, 3 * SEND_RATE + SEND_BURST);
	close(fd);
	e2e_stop_mixd(&w);
}
END_TEST

static Suite *
e2e_amplify_suite(void)
{
	Suite *s = suite_create("e2e_amplify");

	e2e_add_case(s, "list_bundle", test_list_bundle, setup, teardown, 90);
	e2e_add_case(s, "subscribe_budget", test_subscribe_budget, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_amplify_suite());
}
