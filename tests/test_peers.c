/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peers: the one bounded peer table. Its policy rule by rule (a host's quota, a free place, a
 * lapsed entry, the host with the most, refusal), the lease and its expiry, the order entries
 * are heard in, a caller's key, payloads zeroed and kept in place, the bound under a flood of
 * newcomers, and the ways it can fail (a bad configuration, a refusal that changes nothing).
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "peers.h"

#define SEC 1000000000ull

struct item {
	char key[16];
	uint32_t value;
	double aligned; /* the payload must be aligned for anything */
};

static struct osc_peer
peer4(const char *addr, int port)
{
	struct osc_peer p;
	struct sockaddr_in *a = (struct sockaddr_in *)&p.addr;

	memset(&p, 0, sizeof(p));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a->sin_addr), 1);
	p.len = sizeof(*a);
	return p;
}

static struct osc_peer
peer6(const char *addr, int port)
{
	struct osc_peer p;
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&p.addr;

	memset(&p, 0, sizeof(p));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &a->sin6_addr), 1);
	p.len = sizeof(*a);
	return p;
}

/* A relay's peer (osc/web): AF_UNIX, told apart by its path. */
static struct osc_peer
peer_unix(const char *path)
{
	struct osc_peer p;
	struct sockaddr_un *a = (struct sockaddr_un *)&p.addr;

	memset(&p, 0, sizeof(p));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	p.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	return p;
}

static struct peers *
table(unsigned max, unsigned per_host, uint64_t lease_ns)
{
	struct peers_config c = {
		.max = max,
		.per_host = per_host,
		.lease_ns = lease_ns,
		.payload_size = sizeof(struct item),
	};
	struct peers *t = peers_new(&c);

	ck_assert_ptr_nonnull(t);
	return t;
}

/* Adds peer at now_ns, asserting it was placed and how; returns its payload. */
static struct item *
add(struct peers *t, const struct osc_peer *p, uint64_t now_ns, enum peers_room want)
{
	enum peers_room room;
	struct item *it = peers_add(t, p, now_ns, &room);

	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(room, want);
	return it;
}

static bool
present(struct peers *t, const char *addr, int port)
{
	struct osc_peer p = peer4(addr, port);

	return peers_find(t, &p, NULL) != NULL;
}

START_TEST(bad_config_fails)
{
	struct peers_config c = { .max = 8, .per_host = 2, .payload_size = 8 };

	c.max = 0;
	ck_assert_ptr_null(peers_new(&c));
	c.max = PEERS_MAX + 1;
	ck_assert_ptr_null(peers_new(&c));
	c.max = 8;
	c.per_host = 0;
	ck_assert_ptr_null(peers_new(&c));
	c.per_host = 9;
	ck_assert_ptr_null(peers_new(&c));
	c.per_host = 2;
	c.payload_size = SIZE_MAX / 2;
	ck_assert_ptr_null(peers_new(&c));
	c.payload_size = 0; /* no payload is fine: the table of peers alone */
	peers_free(peers_new(&c));
	peers_free(NULL);
}
END_TEST

/* A free place first; the payload zeroed, aligned, and where it was added until removed. */
START_TEST(payload_zeroed_and_stays)
{
	struct peers *t = table(4, 4, 0);
	struct osc_peer a = peer4("10.0.0.1", 1), b = peer4("10.0.0.2", 1);
	struct item *x = add(t, &a, 0, PEERS_FREE), *y;

	ck_assert_uint_eq((uintptr_t)x % alignof(max_align_t), 0);
	ck_assert_uint_eq(x->value, 0);
	x->value = 42;
	y = add(t, &b, 0, PEERS_FREE);
	ck_assert_uint_eq((uintptr_t)y % alignof(max_align_t), 0);
	ck_assert_ptr_ne(x, y);
	ck_assert_ptr_eq(peers_find(t, &a, NULL), x);
	ck_assert_uint_eq(x->value, 42);
	ck_assert_int_eq(memcmp(peers_peer(t, x), &a, sizeof(a)), 0);
	ck_assert_uint_eq(peers_count(t), 2);
	peers_remove(t, x);
	ck_assert_ptr_null(peers_find(t, &a, NULL));
	ck_assert_uint_eq(peers_count(t), 1);
	/* the freed place is taken again, zeroed */
	x = add(t, &a, 0, PEERS_FREE);
	ck_assert_uint_eq(x->value, 0);
	peers_free(t);
}
END_TEST

/* Rule 1: a host at its quota gives up its own least recently heard entry, whatever the port,
 * even with free places left; another host is untouched. */
START_TEST(host_quota)
{
	struct peers *t = table(8, 3, 10 * SEC);
	struct osc_peer p[5], other = peer4("10.0.0.2", 1);

	add(t, &other, 0, PEERS_FREE);
	for (int i = 0; i < 3; i++) {
		p[i] = peer4("10.0.0.1", 100 + i);
		add(t, &p[i], 0, PEERS_FREE);
	}
	ck_assert_uint_eq(peers_host_count(t, &p[0]), 3);
	/* port 100 is heard: port 101 is now its host's least recently heard */
	peers_heard(t, peers_find(t, &p[0], NULL), 0);
	p[3] = peer4("10.0.0.1", 103);
	add(t, &p[3], 0, PEERS_EVICTED);
	ck_assert(present(t, "10.0.0.1", 100));
	ck_assert(!present(t, "10.0.0.1", 101));
	ck_assert(present(t, "10.0.0.1", 102));
	ck_assert_uint_eq(peers_host_count(t, &p[0]), 3);
	ck_assert_uint_eq(peers_count(t), 4);
	/* the next takes 102's place: ordered by when heard, not by place or port */
	p[4] = peer4("10.0.0.1", 99);
	add(t, &p[4], 0, PEERS_EVICTED);
	ck_assert(!present(t, "10.0.0.1", 102));
	ck_assert(present(t, "10.0.0.2", 1));
	peers_free(t);
}
END_TEST

/* The lease: lapsed at exactly lease_ns unheard, not a nanosecond before; hearing renews it;
 * peers_expire removes what lapsed and says how many. */
START_TEST(lease_and_expiry)
{
	struct peers *t = table(4, 4, 10 * SEC);
	struct osc_peer a = peer4("10.0.0.1", 1), b = peer4("10.0.0.2", 1);
	struct item *x = add(t, &a, 1 * SEC, PEERS_FREE);

	add(t, &b, 1 * SEC, PEERS_FREE);
	ck_assert_uint_eq(peers_expire(t, 11 * SEC - 1), 0);
	peers_heard(t, x, 5 * SEC);
	ck_assert_uint_eq(peers_expire(t, 11 * SEC), 1); /* b */
	ck_assert_ptr_eq(peers_find(t, &a, NULL), x);
	ck_assert_ptr_null(peers_find(t, &b, NULL));
	ck_assert_uint_eq(peers_expire(t, 15 * SEC - 1), 0);
	ck_assert_uint_eq(peers_expire(t, 15 * SEC), 1);
	ck_assert_uint_eq(peers_count(t), 0);
	peers_free(t);
}
END_TEST

/* peers_shift moves every lease on (a caller whose clock started late), order kept. */
START_TEST(shift_keeps_order)
{
	struct peers *t = table(2, 2, 10 * SEC);
	struct osc_peer a = peer4("10.0.0.1", 1), b = peer4("10.0.0.1", 2),
	                c = peer4("10.0.0.1", 3);

	add(t, &a, 0, PEERS_FREE);
	add(t, &b, 0, PEERS_FREE);
	peers_shift(t, 1000 * SEC);
	ck_assert_uint_eq(peers_expire(t, 1010 * SEC - 1), 0);
	add(t, &c, 1005 * SEC, PEERS_EVICTED);
	ck_assert(!present(t, "10.0.0.1", 1)); /* still the first heard */
	ck_assert_uint_eq(peers_expire(t, 1010 * SEC), 1);
	ck_assert(present(t, "10.0.0.1", 3));
	peers_free(t);
}
END_TEST

/* Rules 3 to 5 on a full table of two hosts: a lapsed entry's place first (the least recently
 * heard of them), then places from the host with the most (equals: the one whose oldest is
 * older gives its oldest) while it holds more than the newcomer will; then refusal, which
 * changes nothing. */
START_TEST(eviction_order_and_refusal)
{
	struct peers *t = table(8, 4, 10 * SEC);
	struct osc_peer a[4], b[4], c[4];
	char addr[16];

	for (int i = 0; i < 4; i++) {
		a[i] = peer4("10.0.0.1", i + 1);
		b[i] = peer4("10.0.0.2", i + 1);
		c[i] = peer4("10.0.0.3", i + 1);
	}
	/* heard a0 b0 a1 b1 ... at 0 s; then a1 and b3 again at 5 s */
	for (int i = 0; i < 4; i++) {
		add(t, &a[i], 0, PEERS_FREE);
		add(t, &b[i], 0, PEERS_FREE);
	}
	peers_heard(t, peers_find(t, &a[1], NULL), 5 * SEC);
	peers_heard(t, peers_find(t, &b[3], NULL), 5 * SEC);
	ck_assert_uint_eq(peers_count(t), 8);
	/* at 10 s six have lapsed (peers_expire not yet run): the least recently heard, a0, goes,
	 * then b0 */
	add(t, &c[0], 10 * SEC, PEERS_LAPSED);
	ck_assert(!present(t, "10.0.0.1", 1));
	add(t, &c[1], 10 * SEC, PEERS_LAPSED);
	ck_assert(!present(t, "10.0.0.2", 1));
	ck_assert_uint_eq(peers_expire(t, 10 * SEC), 4); /* a2 a3 b1 b2 */
	ck_assert_uint_eq(peers_count(t), 4);            /* a1 b3 c0 c1 */
	/* refill to a: 3 (a1 a2 a3), b: 3 (b3 b0 b1), c: 2, all live */
	add(t, &a[2], 11 * SEC, PEERS_FREE);
	add(t, &b[0], 11 * SEC, PEERS_FREE);
	add(t, &a[3], 11 * SEC, PEERS_FREE);
	add(t, &b[1], 11 * SEC, PEERS_FREE);
	ck_assert_uint_eq(peers_count(t), 8);
	/* c (2) asks: a and b hold 3, not more than c's 3 with it: refused, nothing changes */
	{
		enum peers_room room;

		ck_assert_ptr_null(peers_add(t, &c[2], 11 * SEC, &room));
		ck_assert_uint_eq(peers_count(t), 8);
		ck_assert_uint_eq(peers_host_count(t, &a[0]), 3);
		ck_assert_uint_eq(peers_host_count(t, &b[0]), 3);
		ck_assert_uint_eq(peers_host_count(t, &c[0]), 2);
	}
	/* a new host (0) asks: the hosts with the most are a and b (3 each); a's oldest (a1, heard
	 * at 5 s) is older than b's (b3, at 5 s but later), so a1 goes */
	snprintf(addr, sizeof(addr), "10.0.0.4");
	{
		struct osc_peer d0 = peer4(addr, 1), d1 = peer4(addr, 2), d2 = peer4(addr, 3);

		add(t, &d0, 11 * SEC, PEERS_EVICTED);
		ck_assert(!present(t, "10.0.0.1", 2));
		/* now a 2, b 3, c 2, d 1: b gives its oldest, b3 */
		add(t, &d1, 11 * SEC, PEERS_EVICTED);
		ck_assert(!present(t, "10.0.0.2", 4));
		/* all hold 2: d would hold 3 with another; refused */
		ck_assert_ptr_null(peers_add(t, &d2, 11 * SEC, NULL));
		ck_assert_uint_eq(peers_count(t), 8);
	}
	peers_free(t);
}
END_TEST

/* A table whose entries promise nothing (lease 0, one entry a host): a newcomer always gets a
 * place, the least recently heard one's, however recently that was heard. */
START_TEST(lease_zero_is_lru)
{
	struct peers *t = table(3, 1, 0);
	struct osc_peer p[5];

	for (int i = 0; i < 5; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		p[i] = peer4(addr, 1);
	}
	for (int i = 0; i < 3; i++)
		add(t, &p[i], 7, PEERS_FREE);
	peers_heard(t, peers_find(t, &p[0], NULL), 7);
	add(t, &p[3], 7, PEERS_LAPSED); /* p1, heard as recently as now, but least recently */
	ck_assert(!present(t, "10.0.0.2", 1));
	add(t, &p[4], 7, PEERS_LAPSED);
	ck_assert(!present(t, "10.0.0.3", 1));
	ck_assert(present(t, "10.0.0.1", 1));
	ck_assert_uint_eq(peers_count(t), 3);
	peers_free(t);
}
END_TEST

static bool
match_key(const void *payload, const void *key)
{
	return !strcmp(((const struct item *)payload)->key, key);
}

/* With a match function an entry is (peer, key): one peer holds several, each found alone. */
START_TEST(caller_key)
{
	struct peers_config c = {
		.max = 4,
		.per_host = 4,
		.lease_ns = SEC,
		.payload_size = sizeof(struct item),
		.match = match_key,
	};
	struct peers *t = peers_new(&c);
	struct osc_peer a = peer4("10.0.0.1", 1), a2 = peer4("10.0.0.1", 2);
	struct item *x, *y;

	ck_assert_ptr_nonnull(t);
	x = add(t, &a, 0, PEERS_FREE);
	strcpy(x->key, "/strip/1");
	y = add(t, &a, 0, PEERS_FREE);
	strcpy(y->key, "/strip/2");
	ck_assert_ptr_eq(peers_find(t, &a, "/strip/1"), x);
	ck_assert_ptr_eq(peers_find(t, &a, "/strip/2"), y);
	ck_assert_ptr_null(peers_find(t, &a, "/strip/3"));
	ck_assert_ptr_eq(peers_find(t, &a, NULL), x);       /* any of the peer's: the first */
	ck_assert_ptr_null(peers_find(t, &a2, "/strip/1")); /* same host, another port */
	ck_assert_uint_eq(peers_host_count(t, &a2), 2);
	peers_free(t);
}
END_TEST

/* Hosts and peers as peer.h has them: IPv6 ports of one address are one host; an IPv4 address
 * and its IPv4-mapped IPv6 form are two (a socket hands a host over in one form); each relay
 * peer is a host of its own. */
START_TEST(families)
{
	struct peers *t = table(8, 8, SEC);
	struct osc_peer v6a = peer6("2001:db8::1", 1), v6b = peer6("2001:db8::1", 2),
	                v6c = peer6("2001:db8::2", 1), v4 = peer4("10.0.0.1", 1),
	                mapped = peer6("::ffff:10.0.0.1", 1), u1 = peer_unix("ws/1"),
	                u2 = peer_unix("ws/2");
	struct item *x = add(t, &v6a, 0, PEERS_FREE), *y = add(t, &u1, 0, PEERS_FREE);

	add(t, &v6b, 0, PEERS_FREE);
	add(t, &v4, 0, PEERS_FREE);
	ck_assert_ptr_eq(peers_find(t, &v6a, NULL), x);
	ck_assert_ptr_null(peers_find(t, &v6c, NULL));
	ck_assert_ptr_null(peers_find(t, &mapped, NULL));
	ck_assert_uint_eq(peers_host_count(t, &v6b), 2);
	ck_assert_uint_eq(peers_host_count(t, &v6c), 0);
	ck_assert_uint_eq(peers_host_count(t, &mapped), 0);
	ck_assert_uint_eq(peers_host_count(t, &v4), 1);
	ck_assert_ptr_eq(peers_find(t, &u1, NULL), y);
	ck_assert_ptr_null(peers_find(t, &u2, NULL));
	ck_assert_uint_eq(peers_host_count(t, &u1), 1);
	ck_assert_uint_eq(peers_host_count(t, &u2), 0);
	peers_free(t);
}
END_TEST

/* A flood of newcomers from many hosts and ports never grows the table past max, and every
 * place is one peers_at reaches. */
START_TEST(bounded)
{
	struct peers *t = table(16, 4, 10 * SEC);
	unsigned placed = 0, refused = 0;

	for (int i = 0; i < 2000; i++) {
		char addr[16];
		struct osc_peer p;

		snprintf(addr, sizeof(addr), "10.0.%d.%d", i % 7, i % 13);
		p = peer4(addr, 1000 + i);
		if (peers_find(t, &p, NULL))
			continue;
		if (peers_add(t, &p, (uint64_t)i * SEC / 100, NULL))
			placed++;
		else
			refused++;
		ck_assert_uint_le(peers_count(t), 16);
		ck_assert_uint_le(peers_host_count(t, &p), 4);
	}
	ck_assert_uint_gt(placed, 16);
	ck_assert_uint_gt(refused, 0);
	{
		unsigned n = 0;

		for (unsigned i = 0; i < peers_max(t) + 2; i++)
			n += peers_at(t, i) != NULL;
		ck_assert_uint_eq(n, peers_count(t));
		ck_assert_uint_eq(peers_max(t), 16);
	}
	peers_clear(t);
	ck_assert_uint_eq(peers_count(t), 0);
	ck_assert_ptr_null(peers_at(t, 0));
	peers_free(t);
}
END_TEST

static Suite *
peers_suite(void)
{
	Suite *s = suite_create("peers");
	TCase *tc = tcase_create("peers");

	tcase_add_test(tc, bad_config_fails);
	tcase_add_test(tc, payload_zeroed_and_stays);
	tcase_add_test(tc, host_quota);
	tcase_add_test(tc, lease_and_expiry);
	tcase_add_test(tc, shift_keeps_order);
	tcase_add_test(tc, eviction_order_and_refusal);
	tcase_add_test(tc, lease_zero_is_lru);
	tcase_add_test(tc, caller_key);
	tcase_add_test(tc, families);
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(peers_suite());
}
