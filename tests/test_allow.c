/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for osc/allow: what --osc-allow accepts and refuses, and which peers each list lets in.
 */
#include "allow.h"

#include <arpa/inet.h>
#include "check_run.h"
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sockaddr_in
v4(const char *addr)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9000);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	return sin;
}

static struct sockaddr_in6
v6(const char *addr)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(9000);
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
	return sin6;
}

/* Parses spec, which must be valid, and matches one peer address (IPv4 or IPv6 text). */
static bool
allowed(const char *spec, const char *peer)
{
	struct allowlist list;
	char err[128] = "";

	ck_assert_msg(allow_parse(&list, spec, err, sizeof(err)) == 0, "%s: %s", spec, err);
	if (strchr(peer, ':') != NULL) {
		struct sockaddr_in6 sin6 = v6(peer);

		return allow_match(&list, (const struct sockaddr *)&sin6);
	}
	struct sockaddr_in sin = v4(peer);

	return allow_match(&list, (const struct sockaddr *)&sin);
}

START_TEST(parse_valid)
{
	struct allowlist list;
	static const uint8_t fe80[16] = { 0xfe, 0x80 };
	static const uint8_t one[16] = { [15] = 1 };

	ck_assert_int_eq(
	    allow_parse(&list, "127.0.0.1/32,10.0.0.0/8,::1,fe80::/10,192.168.1.7", NULL, 0), 0);
	ck_assert_uint_eq(list.n, 5);

	ck_assert_int_eq(list.nets[0].family, AF_INET);
	ck_assert_uint_eq(list.nets[0].prefix, 32);
	ck_assert_mem_eq(list.nets[0].addr, "\x7f\x00\x00\x01", 4);

	ck_assert_int_eq(list.nets[1].family, AF_INET);
	ck_assert_uint_eq(list.nets[1].prefix, 8);
	ck_assert_mem_eq(list.nets[1].addr, "\x0a\x00\x00\x00", 4);

	ck_assert_int_eq(list.nets[2].family, AF_INET6);
	ck_assert_uint_eq(list.nets[2].prefix, 128);
	ck_assert_mem_eq(list.nets[2].addr, one, 16);

	ck_assert_int_eq(list.nets[3].family, AF_INET6);
	ck_assert_uint_eq(list.nets[3].prefix, 10);
	ck_assert_mem_eq(list.nets[3].addr, fe80, 16);

	/* A bare IPv4 address is a host. */
	ck_assert_uint_eq(list.nets[4].prefix, 32);
}
END_TEST

START_TEST(parse_clears_host_bits)
{
	struct allowlist list;
	static const uint8_t fe80[16] = { 0xfe, 0x80 };

	ck_assert_int_eq(
	    allow_parse(&list, "10.1.2.3/8,192.168.77.200/20,febf::1/10,1.2.3.4/0", NULL, 0), 0);
	ck_assert_mem_eq(list.nets[0].addr, "\x0a\x00\x00\x00", 4);
	ck_assert_mem_eq(list.nets[1].addr, "\xc0\xa8\x40\x00", 4);
	ck_assert_mem_eq(list.nets[2].addr, fe80, 16);
	ck_assert_mem_eq(list.nets[3].addr, "\x00\x00\x00\x00", 4);
}
END_TEST

/* Each bad spec must fail with -EINVAL, name the entry in the message, and leave *out alone. */
START_TEST(parse_invalid)
{
	static const struct {
		const char *spec, *entry, *why;
	} bad[] = {
		{ "10.0.0.0/33", "\"10.0.0.0/33\"", "prefix must be 0..32" },
		{ "::1/129", "\"::1/129\"", "prefix must be 0..128" },
		{ "10.0.0.0/", "\"10.0.0.0/\"", "prefix" },
		{ "10.0.0.0/8x", "\"10.0.0.0/8x\"", "prefix" },
		{ "10.0.0.0/-1", "\"10.0.0.0/-1\"", "prefix" },
		{ "10.0.0.0/+8", "\"10.0.0.0/+8\"", "prefix" },
		{ "10.0.0.0/ 8", "\"10.0.0.0/ 8\"", "prefix" },
		{ "10.0.0.0/0008", "\"10.0.0.0/0008\"", "prefix" },
		{ "10.0.0.0/8/8", "\"10.0.0.0/8/8\"", "prefix" },
		{ "10.0.0.0.1", "\"10.0.0.0.1\"", "IPv4" },
		{ "256.0.0.1", "\"256.0.0.1\"", "IPv4" },
		{ "10", "\"10\"", "IPv4" },
		{ "localhost", "\"localhost\"", "IPv4" },
		{ "fe80::1%lo", "\"fe80::1%lo\"", "IPv6" },
		{ ":::1", "\":::1\"", "IPv6" },
		{ " 127.0.0.1", "\" 127.0.0.1\"", "IPv4" },
		{ "", "\"\"", "empty" },
		{ "127.0.0.1,", "\"\"", "empty" },
		{ ",127.0.0.1", "\"\"", "empty" },
		{ "127.0.0.1,,::1", "\"\"", "empty" },
		{ "127.0.0.1,10.0.0.0/99", "\"10.0.0.0/99\"", "0..32" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct allowlist list, before;
		char err[160] = "";

		memset(&list, 0xa5, sizeof(list));
		before = list;
		ck_assert_msg(allow_parse(&list, bad[i].spec, err, sizeof(err)) == -EINVAL, "%s",
		              bad[i].spec);
		ck_assert_msg(memcmp(&list, &before, sizeof(list)) == 0, "%s touched *out",
		              bad[i].spec);
		ck_assert_msg(strstr(err, bad[i].entry) != NULL, "%s: message \"%s\"", bad[i].spec,
		              err);
		ck_assert_msg(strstr(err, bad[i].why) != NULL, "%s: message \"%s\"", bad[i].spec,
		              err);
		ck_assert_msg(strstr(err, "--osc-allow") != NULL, "%s", err);
	}
}
END_TEST

START_TEST(parse_exact_message)
{
	struct allowlist list;
	char err[128];

	ck_assert_int_eq(allow_parse(&list, "10.0.0.0/33", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "bad network \"10.0.0.0/33\" in --osc-allow: prefix must be 0..32");

	/* A tiny buffer is truncated, never overrun; NULL is allowed. */
	ck_assert_int_eq(allow_parse(&list, "10.0.0.0/33", err, 8), -EINVAL);
	ck_assert_uint_eq(strlen(err), 7);
	ck_assert_int_eq(allow_parse(&list, "10.0.0.0/33", NULL, 0), -EINVAL);
	ck_assert_int_eq(allow_parse(&list, NULL, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(parse_long_entry)
{
	struct allowlist list;
	char spec[400], err[256];

	memset(spec, '1', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	ck_assert_int_eq(allow_parse(&list, spec, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad network \"111"));
}
END_TEST

START_TEST(parse_too_many)
{
	struct allowlist list, before;
	char spec[ALLOW_MAX_NETS * 16 + 16] = "";
	char err[128] = "";

	for (int i = 0; i < ALLOW_MAX_NETS; i++) {
		char one[16];

		snprintf(one, sizeof(one), "%s10.0.%d.0/24", i ? "," : "", i);
		strcat(spec, one);
	}
	ck_assert_int_eq(allow_parse(&list, spec, NULL, 0), 0);
	ck_assert_uint_eq(list.n, ALLOW_MAX_NETS);

	before = list;
	strcat(spec, ",::1");
	ck_assert_int_eq(allow_parse(&list, spec, err, sizeof(err)), -E2BIG);
	ck_assert_int_eq(memcmp(&list, &before, sizeof(list)), 0);
	ck_assert_ptr_nonnull(strstr(err, "--osc-allow"));
}
END_TEST

START_TEST(match_v4)
{
	ck_assert(allowed("127.0.0.1/32", "127.0.0.1"));
	ck_assert(!allowed("127.0.0.1/32", "127.0.0.2"));
	ck_assert(allowed("127.0.0.1", "127.0.0.1"));
	ck_assert(!allowed("127.0.0.1", "127.0.0.2"));

	ck_assert(allowed("127.0.0.0/8", "127.5.5.5"));
	ck_assert(allowed("127.0.0.0/8", "127.255.255.255"));
	ck_assert(!allowed("127.0.0.0/8", "128.0.0.1"));
	ck_assert(!allowed("127.0.0.0/8", "126.255.255.255"));

	ck_assert(allowed("0.0.0.0/0", "1.2.3.4"));
	ck_assert(allowed("0.0.0.0/0", "255.255.255.255"));
	ck_assert(allowed("0.0.0.0/0", "0.0.0.0"));

	/* Prefixes that split a byte. */
	ck_assert(allowed("192.168.64.0/20", "192.168.79.1"));
	ck_assert(!allowed("192.168.64.0/20", "192.168.80.1"));
	ck_assert(allowed("10.0.0.0/31", "10.0.0.1"));
	ck_assert(!allowed("10.0.0.0/31", "10.0.0.2"));

	/* Any entry of the list. */
	ck_assert(allowed("10.0.0.0/8,192.168.0.0/16", "192.168.3.3"));
	ck_assert(!allowed("10.0.0.0/8,192.168.0.0/16", "172.16.0.1"));

	/* An IPv6 rule says nothing about a plain IPv4 peer. */
	ck_assert(!allowed("::1", "127.0.0.1"));
}
END_TEST

START_TEST(match_v6)
{
	ck_assert(allowed("::1", "::1"));
	ck_assert(!allowed("::1", "::2"));
	ck_assert(!allowed("127.0.0.1", "::1"));

	/* /10: the first byte whole and the top two bits of the second. */
	ck_assert(allowed("fe80::/10", "fe80::1"));
	ck_assert(allowed("fe80::/10", "febf:ffff::1"));
	ck_assert(!allowed("fe80::/10", "fec0::1"));
	ck_assert(!allowed("fe80::/10", "fe40::1"));
	ck_assert(!allowed("fe80::/10", "ff80::1"));

	ck_assert(allowed("2001:db8::/32", "2001:db8:1234::5"));
	ck_assert(!allowed("2001:db8::/32", "2001:db9::5"));
	ck_assert(allowed("::/0", "2a00::1"));
	ck_assert(!allowed("0.0.0.0/0", "2a00::1"));
}
END_TEST

START_TEST(match_v4_mapped)
{
	/* Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d. */
	ck_assert(allowed("127.0.0.1", "::ffff:127.0.0.1"));
	ck_assert(!allowed("127.0.0.1", "::ffff:127.0.0.2"));
	ck_assert(allowed("127.0.0.0/8", "::ffff:127.5.5.5"));
	ck_assert(allowed("0.0.0.0/0", "::ffff:8.8.8.8"));
	ck_assert(!allowed("10.0.0.0/8", "::ffff:11.0.0.1"));
	/* Only the mapped prefix counts: the IPv4-compatible form is not an IPv4 peer. */
	ck_assert(!allowed("127.0.0.1", "::127.0.0.1"));
	ck_assert(!allowed("127.0.0.1", "::fffe:127.0.0.1"));
}
END_TEST

START_TEST(match_edge_cases)
{
	struct allowlist list;
	struct sockaddr_storage ss;
	struct sockaddr_in sin = v4("127.0.0.1");

	ck_assert_int_eq(allow_parse(&list, "0.0.0.0/0,::/0", NULL, 0), 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	ck_assert(!allow_match(&list, (const struct sockaddr *)&ss));
	ss.ss_family = AF_UNSPEC;
	ck_assert(!allow_match(&list, (const struct sockaddr *)&ss));
	ck_assert(!allow_match(&list, NULL));
	ck_assert(!allow_match(NULL, (const struct sockaddr *)&sin));

	list.n = 0;
	ck_assert(!allow_match(&list, (const struct sockaddr *)&sin));
}
END_TEST

static Suite *
allow_suite(void)
{
	Suite *s = suite_create("allow");
	TCase *parse = tcase_create("parse");
	TCase *match = tcase_create("match");

	tcase_add_test(parse, parse_valid);
	tcase_add_test(parse, parse_clears_host_bits);
	tcase_add_test(parse, parse_invalid);
	tcase_add_test(parse, parse_exact_message);
	tcase_add_test(parse, parse_long_entry);
	tcase_add_test(parse, parse_too_many);
	suite_add_tcase(s, parse);

	tcase_add_test(match, match_v4);
	tcase_add_test(match, match_v6);
	tcase_add_test(match, match_v4_mapped);
	tcase_add_test(match, match_edge_cases);
	suite_add_tcase(s, match);
	return s;
}

int
main(void)
{
	return check_run(allow_suite());
}
