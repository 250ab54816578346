/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control port's own socket: the per-peer token bucket (per address, in messages, whole
 * datagrams dropped, debt on a full bucket, bounded peer table), osc_server_inject's verdicts,
 * replies that never reach a peer outside the allowlist, relay peers (the WebSocket port's
 * sockets) dispatched and answered through the relay, and the arrival time a dispatch sees (the
 * kernel's, not when the datagram was read). A real osc_server on 127.0.0.1:0 and real client
 * sockets on other loopback addresses (Linux routes all of 127.0.0.0/8 to lo).
 *
 * Counts are exact wherever the bucket's refill cannot matter; where it can (a flood of 1000
 * messages at 100/s takes a few milliseconds), the bound is computed from the time measured
 * around it.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "allow.h"
#include "clock.h"
#include "packet.h"
#include "server.h"

/* Messages dispatched, by the last byte of the sender's IPv4 address (127.0.0.X). */
static unsigned got_from[256];
static unsigned got_total;

static void
on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
           lo_arg **argv, int argc)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)&from->addr;

	ck_assert_int_eq(a->sin_family, AF_INET);
	got_from[ntohl(a->sin_addr.s_addr) & 0xff]++;
	got_total++;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct osc_server *
server_new(const char *allow_spec)
{
	struct allowlist allow;
	struct osc_server *s;
	char err[256];

	memset(got_from, 0, sizeof(got_from));
	got_total = 0;
	ck_assert_int_eq(allow_parse(&allow, allow_spec, err, sizeof(err)), 0);
	s = osc_server_new("127.0.0.1:0", &allow, on_message, NULL, err, sizeof(err));
	ck_assert_msg(s != NULL, "osc_server_new: %s", err);
	return s;
}

/* A UDP socket bound to addr:0, sending to 127.0.0.1:port (connected, so send() will do). */
static int
client_new(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a.sin_addr), 1);
	ck_assert_msg(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind %s: %s", addr,
	              strerror(errno));
	a.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* The peer address of a socket, as the server would see it. */
static struct osc_peer
peer_of(int fd)
{
	struct osc_peer p;

	memset(&p, 0, sizeof(p));
	p.len = sizeof(p.addr);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&p.addr, &p.len), 0);
	return p;
}

static struct osc_peer
peer_at(const char *addr, int port)
{
	struct osc_peer p;
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&p.addr;

	memset(&p, 0, sizeof(p));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a->sin_addr), 1);
	p.len = sizeof(*a);
	return p;
}

/* "/t ,i v": 12 bytes. */
static size_t
message(uint8_t *buf, int32_t v)
{
	static const uint8_t head[8] = { '/', 't', 0, 0, ',', 'i', 0, 0 };
	uint32_t be = htonl((uint32_t)v);

	memcpy(buf, head, sizeof(head));
	memcpy(buf + 8, &be, 4);
	return 12;
}

/* A bundle (immediate timetag) of n "/t ,i k" messages. */
static size_t
bundle(uint8_t *buf, size_t cap, unsigned n)
{
	static const uint8_t head[16] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0,
		                          0,   0,   0,   0,   0,   0,   0,   1 };
	size_t len = sizeof(head);

	ck_assert_uint_le(16 + (size_t)n * 16, cap);
	memcpy(buf, head, sizeof(head));
	for (unsigned k = 0; k < n; k++) {
		uint32_t size = htonl(12);

		memcpy(buf + len, &size, 4);
		len += 4 + message(buf + len + 4, (int32_t)k);
	}
	return len;
}

/* Injects from p a bundle of n messages; returns what osc_server_inject returns. */
static int
inject_bundle(struct osc_server *s, const struct osc_peer *p, unsigned n)
{
	uint8_t buf[2048];

	return osc_server_inject(s, p, buf, bundle(buf, sizeof(buf), n));
}

/* Injects from p the one message "/t ,i v"; returns what osc_server_inject returns. */
static int
inject_message(struct osc_server *s, const struct osc_peer *p, int32_t v)
{
	uint8_t buf[12];

	return osc_server_inject(s, p, buf, message(buf, v));
}

static void
send_msg(int fd, int32_t v)
{
	uint8_t buf[12];
	size_t len = message(buf, v);

	ck_assert_int_eq(send(fd, buf, len, 0), (ssize_t)len);
}

/* Reads until the socket has been quiet for 20 ms: loopback delivers at once, so whatever was
 * sent before the call has then been received. */
static void
drain(struct osc_server *s)
{
	struct pollfd p = { .fd = osc_server_fd(s), .events = POLLIN };

	while (poll(&p, 1, 20) > 0)
		osc_server_receive(s, 512);
}

static struct osc_server_stats
stats(const struct osc_server *s)
{
	struct osc_server_stats st;

	osc_server_get_stats(s, &st);
	return st;
}

/* One flooding peer at 100/s, burst 10, cannot starve another: 127.0.0.1 sends 1000 messages,
 * 127.0.0.2 then sends 5 and every one of them is dispatched. */
START_TEST(flood_does_not_starve)
{
	struct osc_server *s = server_new("127.0.0.0/8");
	int flood = client_new("127.0.0.1", osc_server_port(s));
	int other = client_new("127.0.0.2", osc_server_port(s));
	struct osc_server_stats st;
	double t0, elapsed;
	unsigned max_admitted;

	osc_server_set_rate_limit(s, 100, 10);
	t0 = now_s();
	/* in rounds of 50, drained in between: 1000 datagrams at once would overflow the
	 * socket's receive buffer, and the kernel, not the bucket, would drop them */
	for (int round = 0; round < 20; round++) {
		for (int k = 0; k < 50; k++)
			send_msg(flood, round * 50 + k);
		drain(s);
	}
	elapsed = now_s() - t0;
	for (int k = 0; k < 5; k++)
		send_msg(other, k);
	drain(s);

	st = stats(s);
	/* the burst, plus what 100/s refills while the flood lasts (and one for rounding) */
	max_admitted = 10 + (unsigned)ceil(100.0 * elapsed) + 1;
	ck_assert_uint_ge(got_from[1], 10);
	ck_assert_msg(got_from[1] <= max_admitted, "flooder got %u through in %.3f s (max %u)",
	              got_from[1], elapsed, max_admitted);
	ck_assert_uint_eq(got_from[2], 5);
	ck_assert_uint_eq(st.datagrams, 1005);
	ck_assert_uint_eq(st.messages, got_from[1] + 5);
	ck_assert_uint_eq(st.rate_limited, 1000 - got_from[1]);
	ck_assert_uint_eq(st.not_allowed, 0);
	ck_assert_uint_eq(st.malformed, 0);
	close(flood);
	close(other);
	osc_server_free(s);
}
END_TEST

/* The bucket belongs to the address: another port of the flooding host shares its bucket. */
START_TEST(bucket_per_address)
{
	struct osc_server *s = server_new("127.0.0.0/8");
	int a = client_new("127.0.0.1", osc_server_port(s));
	int b = client_new("127.0.0.1", osc_server_port(s));
	double t0, elapsed;

	/* 1 message a second: the refill is negligible over the milliseconds this takes */
	osc_server_set_rate_limit(s, 1, 10);
	t0 = now_s();
	for (int k = 0; k < 10; k++)
		send_msg(a, k);
	drain(s);
	for (int k = 0; k < 10; k++)
		send_msg(b, k);
	drain(s);
	elapsed = now_s() - t0;
	ck_assert_msg(got_from[1] <= 10 + (unsigned)ceil(elapsed), "%u through in %.3f s",
	              got_from[1], elapsed);
	ck_assert_uint_ge(got_from[1], 10);
	ck_assert_uint_eq(stats(s).rate_limited, 20 - got_from[1]);
	close(a);
	close(b);
	osc_server_free(s);
}
END_TEST

/* Messages, not datagrams; whole datagrams dropped; a full bucket admits a bundle larger than
 * the burst and leaves a debt. Driven by inject (the same path as the socket) so that the
 * steps are not spread over the kernel's timing. */
START_TEST(bundles_and_debt)
{
	struct osc_server *s = server_new("127.0.0.0/8");
	struct osc_peer p = peer_at("127.0.0.9", 5000);

	/* 1/s: nothing refills meaningfully within this test */
	osc_server_set_rate_limit(s, 1, 10);

	/* a bundle of 25 on a full bucket of 10 passes whole: 10 - 25 = -15 */
	ck_assert_int_eq(inject_bundle(s, &p, 25), 25);
	ck_assert_uint_eq(got_from[9], 25);
	/* now in debt: a single message is refused, and so is a bundle of 3, whole */
	ck_assert_int_eq(inject_message(s, &p, 1), -EBUSY);
	ck_assert_int_eq(inject_bundle(s, &p, 3), -EBUSY);
	ck_assert_uint_eq(got_from[9], 25);
	ck_assert_uint_eq(stats(s).rate_limited, 1 + 3);
	ck_assert_uint_eq(stats(s).messages, 25);

	/* a bundle costs what it carries: 4 + 4 + 2 fit in a fresh bucket of 10, 1 more does not */
	osc_server_set_rate_limit(s, 1, 10);
	ck_assert_int_eq(inject_bundle(s, &p, 4), 4);
	ck_assert_int_eq(inject_bundle(s, &p, 4), 4);
	ck_assert_int_eq(inject_bundle(s, &p, 2), 2);
	ck_assert_int_eq(inject_message(s, &p, 7), -EBUSY);
	ck_assert_uint_eq(got_from[9], 25 + 10);
	ck_assert_uint_eq(stats(s).rate_limited, 4 + 1);
	osc_server_free(s);
}
END_TEST

/* Injects single messages from p until the bucket refuses one. Returns how many passed, and
 * in *elapsed_s the time since t0 when it stopped. */
static unsigned
until_refused(struct osc_server *s, const struct osc_peer *p, double t0, double *elapsed_s)
{
	uint8_t buf[16];
	size_t len = message(buf, 0);
	unsigned n = 0;

	while (osc_server_inject(s, p, buf, len) == 1)
		n++;
	*elapsed_s = now_s() - t0;
	return n;
}

/* From a full bucket of burst at rate per second: at least burst pass before one is refused,
 * and at most what refilled meanwhile more. */
static void
assert_burst(struct osc_server *s, const struct osc_peer *p, unsigned burst, double rate)
{
	double dt;
	unsigned n = until_refused(s, p, now_s(), &dt);

	ck_assert_uint_ge(n, burst);
	ck_assert_uint_le(n, burst + (unsigned)ceil(rate * dt));
}

/* The bucket refills at the rate, up to the burst. Bounds from the time measured, so a
 * descheduled test process cannot fail it. */
START_TEST(refill)
{
	struct osc_server *s = server_new("127.0.0.0/8");
	struct osc_peer p = peer_at("127.0.0.1", 5000);
	double t0, dt;
	unsigned n;

	osc_server_set_rate_limit(s, 100, 10);
	assert_burst(s, &p, 10, 100.0);
	/* 300 ms at 100/s would be 30: the burst caps it at 10 (plus what refills meanwhile) */
	usleep(300 * 1000);
	assert_burst(s, &p, 10, 100.0);
	/* the bucket now holds less than one message: 50 ms refill at least 4 more */
	t0 = now_s();
	usleep(50 * 1000);
	n = until_refused(s, &p, t0, &dt);
	ck_assert_msg(n >= 4 && n <= 1 + (unsigned)ceil(100.0 * dt),
	              "%u messages after %.3f s at 100/s", n, dt);
	osc_server_free(s);
}
END_TEST

/* Rate 0 is unlimited; the default admits the load (50,000 messages) in one go. */
START_TEST(unlimited_and_default)
{
	struct osc_server *s = server_new("127.0.0.0/8");
	struct osc_peer p = peer_at("127.0.0.1", 5000);
	uint8_t buf[2048];
	size_t len = bundle(buf, sizeof(buf), 100);

	/* the default: a burst of 20,000 and 100,000/s; 200 bundles of 100 in a few ms */
	for (int k = 0; k < 200; k++)
		ck_assert_int_eq(osc_server_inject(s, &p, buf, len), 100);
	osc_server_set_rate_limit(s, 0, 0);
	for (int k = 0; k < 500; k++)
		ck_assert_int_eq(osc_server_inject(s, &p, buf, len), 100);
	ck_assert_uint_eq(got_total, 70000);
	ck_assert_uint_eq(stats(s).rate_limited, 0);
	osc_server_free(s);
}
END_TEST

/* The table holds OSC_SERVER_MAX_PEERS peers; a new one evicts the least recently heard, which
 * comes back with a full bucket. Until then, a peer's empty bucket stays empty. */
START_TEST(peer_table_lru)
{
	struct osc_server *s = server_new("10.0.0.0/8");
	struct osc_peer victim = peer_at("10.0.0.1", 1);
	uint8_t buf[16];
	size_t len = message(buf, 0);
	char addr[32];

	osc_server_set_rate_limit(s, 1, 2);
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), 1);
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), 1);
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), -EBUSY);
	/* 63 others fill the table: the victim keeps its (empty) bucket */
	for (int k = 0; k < OSC_SERVER_MAX_PEERS - 1; k++) {
		struct osc_peer o;

		snprintf(addr, sizeof(addr), "10.0.1.%d", k);
		o = peer_at(addr, 1);
		ck_assert_int_eq(osc_server_inject(s, &o, buf, len), 1);
	}
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), -EBUSY);
	/* one more peer evicts the least recently heard: 10.0.1.0, not the victim just heard */
	{
		struct osc_peer o = peer_at("10.0.2.0", 1);

		ck_assert_int_eq(osc_server_inject(s, &o, buf, len), 1);
	}
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), -EBUSY);
	/* 64 new peers push the victim out; it returns with a full bucket */
	for (int k = 0; k < OSC_SERVER_MAX_PEERS; k++) {
		struct osc_peer o;

		snprintf(addr, sizeof(addr), "10.0.3.%d", k);
		o = peer_at(addr, 1);
		ck_assert_int_eq(osc_server_inject(s, &o, buf, len), 1);
	}
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), 1);
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), 1);
	ck_assert_int_eq(osc_server_inject(s, &victim, buf, len), -EBUSY);
	osc_server_free(s);
}
END_TEST

/* inject's verdicts, each counted where /stats shows it. */
START_TEST(inject_verdicts)
{
	struct osc_server *s = server_new("127.0.0.1/32");
	struct osc_peer ok = peer_at("127.0.0.1", 5000), stranger = peer_at("127.0.0.2", 5000);
	static uint8_t big[PACKET_MAX_SIZE + 4];
	uint8_t buf[64];
	size_t len = message(buf, 3);
	struct osc_server_stats st;

	ck_assert_int_eq(osc_server_inject(s, &ok, buf, len), 1);
	ck_assert_int_eq(osc_server_inject(s, &stranger, buf, len), -EPERM);
	ck_assert_int_eq(osc_server_inject(s, &ok, buf, len - 1), -EBADMSG);
	ck_assert_int_eq(osc_server_inject(s, &ok, "/t*\0,\0\0\0", 8), -EBADMSG);
	ck_assert_int_eq(osc_server_inject(s, &ok, big, sizeof(big)), -EMSGSIZE);
	st = stats(s);
	ck_assert_uint_eq(st.datagrams, 5);
	ck_assert_uint_eq(st.messages, 1);
	ck_assert_uint_eq(st.not_allowed, 1);
	ck_assert_uint_eq(st.malformed, 3);
	ck_assert_uint_eq(got_total, 1);
	osc_server_free(s);
}
END_TEST

/* What osc_server_arrival_ns said inside each dispatch, for arrival_is_when_it_came. */
static struct osc_server *arrival_srv;
static uint64_t arrival_seen[4];
static unsigned arrival_n;

static void
arrival_on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                   lo_arg **argv, int argc)
{
	if (arrival_n < 4)
		arrival_seen[arrival_n++] = osc_server_arrival_ns(arrival_srv);
}

/* A datagram read 100 ms after it was sent is dispatched with the time it reached the host,
 * not the time it was read (what an automation pass stamps a move with); an injected one with
 * the time of the call; outside a dispatch the arrival is 0. */
START_TEST(arrival_is_when_it_came)
{
	struct allowlist allow;
	char err[256];
	uint64_t t_send, t_sent, t_read, t_inj;
	int fd;

	arrival_n = 0;
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.1/32", err, sizeof(err)), 0);
	arrival_srv =
	    osc_server_new("127.0.0.1:0", &allow, arrival_on_message, NULL, err, sizeof(err));
	ck_assert_msg(arrival_srv != NULL, "osc_server_new: %s", err);
	ck_assert_uint_eq(osc_server_arrival_ns(arrival_srv), 0);
	fd = client_new("127.0.0.1", osc_server_port(arrival_srv));
	t_send = clock_ns();
	send_msg(fd, 1);
	t_sent = clock_ns();
	{
		struct timespec wait = { 0, 100 * 1000 * 1000 };

		nanosleep(&wait, NULL);
	}
	t_read = clock_ns();
	ck_assert_uint_eq(osc_server_receive(arrival_srv, 8), 1);
	ck_assert_uint_eq(arrival_n, 1);
	fprintf(stderr, "arrival: sent at +0, arrived at %+.3f ms, read at %+.3f ms\n",
	        ((double)arrival_seen[0] - (double)t_send) / 1e6,
	        ((double)t_read - (double)t_send) / 1e6);
	/* loopback delivers within send(); the slack is for a softirq run late on a loaded
	 * machine, and is still half the wait */
	ck_assert_uint_ge(arrival_seen[0], t_send);
	ck_assert_uint_lt(arrival_seen[0], t_sent + 50 * 1000 * 1000);
	ck_assert_uint_eq(osc_server_arrival_ns(arrival_srv), 0);

	{
		struct osc_peer p = peer_of(fd);
		uint8_t buf[12];

		t_inj = clock_ns();
		ck_assert_int_eq(osc_server_inject(arrival_srv, &p, buf, message(buf, 2)), 1);
	}
	ck_assert_uint_eq(arrival_n, 2);
	ck_assert_uint_ge(arrival_seen[1], t_inj);
	ck_assert_uint_le(arrival_seen[1], clock_ns());
	close(fd);
	osc_server_free(arrival_srv);
}
END_TEST

/* True when a datagram arrives on fd within ms. */
static bool
arrives(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[256];

	if (poll(&p, 1, ms) <= 0)
		return false;
	return recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0;
}

/* Replies go only to allowed peers: to one outside the list osc_server_send and
 * osc_server_send_raw return -EPERM and nothing arrives; an allowed peer gets both. */
START_TEST(no_reply_outside_allowlist)
{
	struct osc_server *s = server_new("127.0.0.1/32");
	int stranger = client_new("127.0.0.2", osc_server_port(s));
	int friend = client_new("127.0.0.1", osc_server_port(s));
	struct osc_peer to_stranger = peer_of(stranger), to_friend = peer_of(friend);
	lo_message m = lo_message_new();
	uint8_t raw[12];
	size_t len = message(raw, 5);

	ck_assert_ptr_nonnull(m);
	lo_message_add_int32(m, 1);
	ck_assert_int_eq(osc_server_send(s, &to_stranger, "/pong", m), -EPERM);
	ck_assert_int_eq(osc_server_send_raw(s, &to_stranger, raw, len), -EPERM);
	ck_assert_msg(!arrives(stranger, 200), "a peer outside the allowlist got a datagram");

	ck_assert_int_eq(osc_server_send(s, &to_friend, "/pong", m), 0);
	ck_assert_msg(arrives(friend, 1000), "the allowed peer got nothing");
	ck_assert_int_eq(osc_server_send_raw(s, &to_friend, raw, len), 0);
	ck_assert_msg(arrives(friend, 1000), "the allowed peer got nothing (raw)");
	ck_assert_uint_eq(stats(s).send_errors, 0);

	/* and what the stranger sends is dropped before dispatch */
	send_msg(stranger, 1);
	drain(s);
	ck_assert_uint_eq(got_total, 0);
	ck_assert_uint_eq(stats(s).not_allowed, 1);

	lo_message_free(m);
	close(stranger);
	close(friend);
	osc_server_free(s);
}
END_TEST

/* ---- relay peers (the WebSocket port's sockets) ---- */

static struct osc_server *relay_srv;
static unsigned relay_msgs, relay_sent;
static size_t relay_len;

/* Answers every message with /ok to its sender: the reply must reach the relay, not a socket. */
static void
relay_on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                 lo_arg **argv, int argc)
{
	lo_message m = lo_message_new();

	ck_assert(osc_peer_is_relay(from));
	relay_msgs++;
	ck_assert_int_eq(osc_server_send(relay_srv, from, "/ok", m), 0);
	lo_message_free(m);
}

static int
relay_send(void *ctx, const struct osc_peer *to, const void *buf, size_t len)
{
	ck_assert(osc_peer_is_relay(to));
	relay_sent++;
	relay_len = len;
	return 0;
}

START_TEST(relay_peers)
{
	static const uint8_t ping[] = "/ping\0\0\0,\0\0";
	struct osc_peer p = { 0 };
	struct osc_server_stats st;
	struct allowlist allow;
	char err[256];

	relay_msgs = relay_sent = 0;
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.1", err, sizeof(err)), 0);
	relay_srv = osc_server_new("127.0.0.1:0", &allow, relay_on_message, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(relay_srv);
	osc_server_set_rate_limit(relay_srv, 10, 1);
	p.addr.ss_family = AF_UNIX;
	memcpy((char *)&p.addr + 2, "\0relay-1", 8);
	p.len = 10;
	/* no relay: its peers are nobody's, refused like a peer outside the allowlist */
	ck_assert_int_eq(osc_server_inject(relay_srv, &p, ping, 12), -EPERM);
	ck_assert_uint_eq(relay_msgs, 0);
	osc_server_set_relay(relay_srv, relay_send, NULL);
	/* with it: dispatched past the allowlist and the bucket (the relay limits its own
	 * peers: here 50 messages against a bucket of 1), and the reply goes to the relay
	 * (8 bytes: "/ok" and ",") */
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(osc_server_inject(relay_srv, &p, ping, 12), 1);
	ck_assert_uint_eq(relay_msgs, 50);
	ck_assert_uint_eq(relay_sent, 50);
	ck_assert_uint_eq(relay_len, 8);
	/* malformed is still malformed */
	ck_assert_int_eq(osc_server_inject(relay_srv, &p, "nope", 4), -EBADMSG);
	osc_server_get_stats(relay_srv, &st);
	ck_assert_uint_eq(st.not_allowed, 1);
	ck_assert_uint_eq(st.rate_limited, 0);
	ck_assert_uint_eq(st.malformed, 1);
	/* removed again: sends to its peers are refused */
	osc_server_set_relay(relay_srv, NULL, NULL);
	ck_assert_int_eq(osc_server_send_raw(relay_srv, &p, ping, 12), -EPERM);
	osc_server_free(relay_srv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("server");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, flood_does_not_starve);
	tcase_add_test(tc, bucket_per_address);
	tcase_add_test(tc, bundles_and_debt);
	tcase_add_test(tc, refill);
	tcase_add_test(tc, unlimited_and_default);
	tcase_add_test(tc, peer_table_lru);
	tcase_add_test(tc, inject_verdicts);
	tcase_add_test(tc, no_reply_outside_allowlist);
	tcase_add_test(tc, relay_peers);
	tcase_add_test(tc, arrival_is_when_it_came);
	suite_add_tcase(s, tc);
	return check_run(s);
}
