/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for osc/packet: valid datagrams come from liblo's own serialiser (so we accept what real
 * senders produce), malformed ones are built byte by byte and each must fail with its own
 * reason. Every buffer handed to the checker is heap-allocated at its exact length so that an
 * over-read shows up under AddressSanitizer.
 */
#include "packet.h"

#include "check_run.h"
#include <lo/lo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hand-built datagram. Big enough for an oversize packet. */
struct pkt {
	size_t n;
	uint8_t b[PACKET_MAX_SIZE + 64];
};

static void
put_raw(struct pkt *p, const void *data, size_t n)
{
	ck_assert_uint_le(p->n + n, sizeof(p->b));
	memcpy(p->b + p->n, data, n);
	p->n += n;
}

static void
put_u32(struct pkt *p, uint32_t v)
{
	uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put_raw(p, be, 4);
}

/* An OSC string: the characters, a NUL, NUL padding to 4. */
static void
put_str(struct pkt *p, const char *s)
{
	static const uint8_t zeros[4];
	size_t n = strlen(s);

	put_raw(p, s, n);
	put_raw(p, zeros, 4 - n % 4);
}

static void
put_bundle_header(struct pkt *p)
{
	put_raw(p, "#bundle", 8);
	put_u32(p, 0);
	put_u32(p, 1); /* timetag "immediately" */
}

/* packet_check on an exact-size heap copy. */
static int
check_bytes(const void *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, data, len);
	r = packet_check(copy, len);
	free(copy);
	return r;
}

static int
check_pkt(const struct pkt *p)
{
	return check_bytes(p->b, p->n);
}

/* Serialises m at path with liblo; the caller frees the result. */
static uint8_t *
lo_bytes(lo_message m, const char *path, size_t *len)
{
	uint8_t *data = lo_message_serialise(m, path, NULL, len);

	ck_assert_ptr_nonnull(data);
	return data;
}

static uint8_t *
lo_bundle_bytes(lo_bundle b, size_t *len)
{
	uint8_t *data = lo_bundle_serialise(b, NULL, len);

	ck_assert_ptr_nonnull(data);
	return data;
}

/* A message with one argument of every type we accept (and a blob). */
static lo_message
all_types_message(void)
{
	lo_message m = lo_message_new();
	uint8_t midi[4] = { 0, 0x90, 60, 100 };
	lo_timetag tt = { 1, 2 };
	lo_blob blob = lo_blob_new(5, "abcde");

	lo_message_add_int32(m, -7);
	lo_message_add_float(m, 0.5f);
	lo_message_add_string(m, "hello");
	lo_message_add_symbol(m, "sym");
	lo_message_add_blob(m, blob);
	lo_message_add_int64(m, 1234567890123LL);
	lo_message_add_timetag(m, tt);
	lo_message_add_double(m, 3.25);
	lo_message_add_char(m, 'x');
	lo_message_add_midi(m, midi);
	lo_message_add_true(m);
	lo_message_add_false(m);
	lo_message_add_nil(m);
	lo_message_add_infinitum(m);
	lo_blob_free(blob);
	return m;
}

struct seen {
	int n;
	const uint8_t *msg[8];
	size_t len[8];
};

static void
record(const uint8_t *msg, size_t len, void *ctx)
{
	struct seen *s = ctx;

	ck_assert_int_lt(s->n, 8);
	s->msg[s->n] = msg;
	s->len[s->n] = len;
	s->n++;
}

/* --- valid input --- */

START_TEST(valid_all_types)
{
	lo_message m = all_types_message();
	size_t len;
	uint8_t *data = lo_bytes(m, "/strip/1/fader", &len);
	struct seen s = { 0 };

	ck_assert_int_eq(check_bytes(data, len), 0);
	ck_assert_int_eq(packet_foreach_message(data, len, record, &s), 1);
	ck_assert_int_eq(s.n, 1);
	ck_assert_ptr_eq(s.msg[0], data);
	ck_assert_uint_eq(s.len[0], len);
	free(data);
	lo_message_free(m);
}
END_TEST

START_TEST(valid_blob_every_padding)
{
	/* Blob sizes 1..8 cover every padding case, including none. */
	static const char bytes[8] = "\x01\x02\x03\x04\x05\x06\x07\x08";
	struct pkt p = { 0 };

	for (int sz = 1; sz <= 8; sz++) {
		lo_message m = lo_message_new();
		lo_blob blob = lo_blob_new(sz, bytes);
		size_t len;
		uint8_t *data;

		lo_message_add_blob(m, blob);
		lo_message_add_int32(m, 1);
		data = lo_bytes(m, "/b", &len);
		ck_assert_msg(check_bytes(data, len) == 0, "blob of %d bytes", sz);
		free(data);
		lo_blob_free(blob);
		lo_message_free(m);
	}

	/* OSC allows an empty blob, but lo_blob_new refuses size 0: build it by hand. */
	put_str(&p, "/b");
	put_str(&p, ",bi");
	put_u32(&p, 0);
	put_u32(&p, 1);
	ck_assert_int_eq(check_pkt(&p), 0);
}
END_TEST

START_TEST(valid_no_args)
{
	lo_message m = lo_message_new();
	size_t len;
	uint8_t *data = lo_bytes(m, "/transport/stop", &len);

	/* liblo writes "," for an empty argument list: 16 + 4 bytes. */
	ck_assert_uint_eq(len, 20);
	ck_assert_int_eq(check_bytes(data, len), 0);
	free(data);
	lo_message_free(m);
}
END_TEST

START_TEST(valid_longest_address)
{
	char path[PACKET_MAX_ADDRESS + 2];
	struct pkt p = { 0 };

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[PACKET_MAX_ADDRESS] = '\0';
	put_str(&p, path);
	put_str(&p, ",");
	ck_assert_int_eq(check_pkt(&p), 0);

	/* One byte more is refused. */
	path[PACKET_MAX_ADDRESS] = 'a';
	path[PACKET_MAX_ADDRESS + 1] = '\0';
	p.n = 0;
	put_str(&p, path);
	put_str(&p, ",");
	ck_assert_int_eq(check_pkt(&p), -PACKET_EADDRESS);
}
END_TEST

START_TEST(valid_max_args)
{
	lo_message m = lo_message_new();
	size_t len;
	uint8_t *data;

	for (int i = 0; i < PACKET_MAX_ARGS; i++)
		lo_message_add_int32(m, i);
	data = lo_bytes(m, "/many", &len);
	ck_assert_int_eq(check_bytes(data, len), 0);
	free(data);
	lo_message_free(m);
}
END_TEST

START_TEST(valid_exactly_max_size)
{
	/* "/big" (8) + ",b" (4) + size (4) + blob = PACKET_MAX_SIZE. */
	struct pkt p = { 0 };
	size_t blob = PACKET_MAX_SIZE - 16;

	put_str(&p, "/big");
	put_str(&p, ",b");
	put_u32(&p, (uint32_t)blob);
	memset(p.b + p.n, 0x5a, blob);
	p.n += blob;
	ck_assert_uint_eq(p.n, PACKET_MAX_SIZE);
	ck_assert_int_eq(check_pkt(&p), 0);
}
END_TEST

START_TEST(valid_empty_bundle)
{
	lo_bundle b = lo_bundle_new(LO_TT_IMMEDIATE);
	size_t len;
	uint8_t *data = lo_bundle_bytes(b, &len);

	ck_assert_uint_eq(len, 16);
	ck_assert_int_eq(check_bytes(data, len), 0);
	ck_assert_int_eq(packet_foreach_message(data, len, record, &(struct seen){ 0 }), 0);
	free(data);
	lo_bundle_free_recursive(b);
}
END_TEST

/* depth bundles, each inside the previous, the innermost holding one message. */
static uint8_t *
nested_bundles(int depth, size_t *len)
{
	lo_bundle outer = lo_bundle_new(LO_TT_IMMEDIATE);
	lo_bundle cur = outer;
	lo_message m = lo_message_new();
	uint8_t *data;

	for (int i = 1; i < depth; i++) {
		lo_bundle inner = lo_bundle_new(LO_TT_IMMEDIATE);

		ck_assert_int_eq(lo_bundle_add_bundle(cur, inner), 0);
		cur = inner;
	}
	lo_message_add_float(m, 1.0f);
	ck_assert_int_eq(lo_bundle_add_message(cur, "/master/fader", m), 0);
	data = lo_bundle_bytes(outer, len);
	lo_bundle_free_recursive(outer);
	return data;
}

START_TEST(bundle_depth_limit)
{
	size_t len;
	uint8_t *data;

	for (int d = 1; d <= PACKET_MAX_DEPTH; d++) {
		data = nested_bundles(d, &len);
		ck_assert_msg(check_bytes(data, len) == 0, "depth %d", d);
		ck_assert_int_eq(packet_foreach_message(data, len, NULL, NULL), 1);
		free(data);
	}
	data = nested_bundles(PACKET_MAX_DEPTH + 1, &len);
	ck_assert_int_eq(check_bytes(data, len), -PACKET_EDEPTH);
	ck_assert_int_eq(packet_foreach_message(data, len, record, &(struct seen){ 0 }),
	                 -PACKET_EDEPTH);
	free(data);
}
END_TEST

START_TEST(foreach_nested_order)
{
	/* outer { m1, inner { m2, m3 } }: three messages, in order, with their exact bytes. */
	lo_bundle outer = lo_bundle_new(LO_TT_IMMEDIATE);
	lo_bundle inner = lo_bundle_new(LO_TT_IMMEDIATE);
	lo_message m[3];
	static const char *const paths[3] = { "/strip/1/mute", "/strip/2/gain", "/x" };
	uint8_t *alone[3];
	size_t alone_len[3], len;
	uint8_t *data;
	struct seen s = { 0 };

	for (int i = 0; i < 3; i++) {
		m[i] = lo_message_new();
		for (int j = 0; j <= i; j++)
			lo_message_add_int32(m[i], j);
		if (i == 1)
			lo_message_add_string(m[i], "pad me");
		alone[i] = lo_bytes(m[i], paths[i], &alone_len[i]);
	}
	lo_bundle_add_message(outer, paths[0], m[0]);
	lo_bundle_add_message(inner, paths[1], m[1]);
	lo_bundle_add_message(inner, paths[2], m[2]);
	lo_bundle_add_bundle(outer, inner);
	data = lo_bundle_bytes(outer, &len);

	ck_assert_int_eq(check_bytes(data, len), 0);
	ck_assert_int_eq(packet_foreach_message(data, len, record, &s), 3);
	ck_assert_int_eq(s.n, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(s.len[i], alone_len[i]);
		ck_assert_mem_eq(s.msg[i], alone[i], alone_len[i]);
		ck_assert(s.msg[i] >= data && s.msg[i] + s.len[i] <= data + len);
		ck_assert_uint_eq((size_t)(s.msg[i] - data) % 4, 0);
		free(alone[i]);
	}
	ck_assert(s.msg[0] < s.msg[1] && s.msg[1] < s.msg[2]);
	free(data);
	lo_bundle_free_recursive(outer);
}
END_TEST

/* --- malformed input --- */

START_TEST(truncated_every_offset)
{
	lo_message m = all_types_message();
	size_t len;
	uint8_t *data = lo_bytes(m, "/strip/12/eq/3/freq", &len);

	/* Every proper prefix must fail, never crash, never read past its end. */
	for (size_t cut = 0; cut < len; cut++) {
		int r = check_bytes(data, cut);

		ck_assert_msg(r < 0, "accepted at %zu of %zu bytes", cut, len);
		ck_assert_msg(packet_foreach_message(data, cut, record, &(struct seen){ 0 }) == r,
		              "foreach disagrees at %zu", cut);
	}
	ck_assert_int_eq(check_bytes(data, len), 0);
	free(data);
	lo_message_free(m);
}
END_TEST

START_TEST(truncated_bundle_every_offset)
{
	size_t len;
	uint8_t *data = nested_bundles(3, &len);

	/* Cut right after the outer header it is a valid empty bundle; anywhere else the outer
	 * element size lies. */
	for (size_t cut = 0; cut < len; cut++) {
		int r = check_bytes(data, cut);

		if (cut == 16)
			ck_assert_int_eq(r, 0);
		else
			ck_assert_msg(r < 0, "accepted at %zu of %zu", cut, len);
	}
	free(data);
}
END_TEST

START_TEST(bad_size)
{
	struct pkt p = { 0 };

	put_str(&p, "/a");
	put_str(&p, ",");
	ck_assert_int_eq(check_bytes(p.b, 0), -PACKET_ESIZE);
	ck_assert_int_eq(packet_check(NULL, 0), -PACKET_ESIZE);
	p.b[p.n++] = 0;
	ck_assert_int_eq(check_pkt(&p), -PACKET_ESIZE);
	p.b[p.n++] = 0;
	ck_assert_int_eq(check_pkt(&p), -PACKET_ESIZE);
	p.b[p.n++] = 0;
	ck_assert_int_eq(check_pkt(&p), -PACKET_ESIZE);
}
END_TEST

START_TEST(too_big)
{
	struct pkt p = { 0 };
	size_t blob = PACKET_MAX_SIZE - 16 + 4;

	put_str(&p, "/big");
	put_str(&p, ",b");
	put_u32(&p, (uint32_t)blob);
	memset(p.b + p.n, 0, blob);
	p.n += blob;
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETOOBIG);
}
END_TEST

static int
check_address(const char *addr)
{
	struct pkt p = { 0 };

	put_str(&p, addr);
	put_str(&p, ",i");
	put_u32(&p, 1);
	return check_pkt(&p);
}

START_TEST(bad_address)
{
	struct pkt p = { 0 };

	ck_assert_int_eq(check_address("/ok/addr"), 0);
	ck_assert_int_eq(check_address("noslash"), -PACKET_EADDRESS);
	ck_assert_int_eq(check_address(""), -PACKET_EADDRESS);
	ck_assert_int_eq(check_address("#reply"), -PACKET_EADDRESS);
	ck_assert_int_eq(check_address("/tab\there"), -PACKET_EADDRESS);
	ck_assert_int_eq(check_address("/del\x7f"), -PACKET_EADDRESS);
	ck_assert_int_eq(check_address("/nl\n"), -PACKET_EADDRESS);

	/* Garbage in the padding after the NUL. */
	put_raw(&p, "/a\0x", 4);
	put_str(&p, ",");
	ck_assert_int_eq(check_pkt(&p), -PACKET_EADDRESS);

	/* No NUL anywhere. */
	p.n = 0;
	put_raw(&p, "/abcdefg", 8);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EADDRESS);
}
END_TEST

START_TEST(wildcards)
{
	/* OSC pattern characters, ',', and ' ' '#' on which liblo pattern-matches too. */
	static const char specials[] = "*?[]{}, #";

	for (size_t i = 0; i < sizeof(specials) - 1; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "/strip/%c/mute", specials[i]);
		ck_assert_msg(check_address(addr) == -PACKET_EWILDCARD, "'%c'", specials[i]);
		snprintf(addr, sizeof(addr), "/x%c", specials[i]);
		ck_assert_msg(check_address(addr) == -PACKET_EWILDCARD, "'%c' last", specials[i]);
	}
}
END_TEST

START_TEST(bad_type_tags)
{
	struct pkt p = { 0 };

	/* Address only: old-style message without type tags. */
	put_str(&p, "/a");
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETYPETAG);

	/* Something else where the tags should be. */
	put_u32(&p, 42);
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETYPETAG);

	/* Unterminated tags. */
	p.n = 0;
	put_str(&p, "/a");
	put_raw(&p, ",iii", 4);
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETYPETAG);

	/* Bad padding after the tags. */
	p.n = 0;
	put_str(&p, "/a");
	put_raw(&p, ",i\0i", 4);
	put_u32(&p, 1);
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETYPETAG);
}
END_TEST

START_TEST(unknown_types)
{
	/* 'r' is OSC 1.0 but not ours; '[' is OSC 1.1 arrays. */
	static const char *const tags[] = { ",x", ",r", ",ix", ",[i]", ",\x01" };

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct pkt p = { 0 };

		put_str(&p, "/a");
		put_str(&p, tags[i]);
		put_u32(&p, 0);
		put_u32(&p, 0);
		ck_assert_msg(check_pkt(&p) == -PACKET_EUNKNOWNTYPE, "tags %s", tags[i] + 1);
	}
}
END_TEST

START_TEST(bad_args)
{
	struct pkt p = { 0 };

	/* Missing data. */
	put_str(&p, "/a");
	put_str(&p, ",ih");
	put_u32(&p, 1);
	put_u32(&p, 1);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* Trailing data. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",i");
	put_u32(&p, 1);
	put_u32(&p, 2);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* Data with no tags for it. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",");
	put_u32(&p, 2);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* String argument that runs off the end. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",s");
	put_raw(&p, "abcd", 4);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* String argument with garbage padding. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",S");
	put_raw(&p, "ab\0c", 4);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);
}
END_TEST

START_TEST(bad_blobs)
{
	struct pkt p = { 0 };

	/* Size larger than what remains. */
	put_str(&p, "/a");
	put_str(&p, ",b");
	put_u32(&p, 8);
	put_u32(&p, 0);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* Size just past the end once padded. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",b");
	put_u32(&p, 5);
	put_u32(&p, 0);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* Negative sizes, including the one that is "small" modulo 2^32. */
	static const uint32_t neg[] = { 0xffffffffu, 0x80000000u, 0xfffffffcu };

	for (size_t i = 0; i < 3; i++) {
		p.n = 0;
		put_str(&p, "/a");
		put_str(&p, ",b");
		put_u32(&p, neg[i]);
		put_u32(&p, 0);
		ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);
	}

	/* Blob size word itself missing. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",ib");
	put_u32(&p, 0);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);

	/* Non-NUL padding (liblo refuses it, so must we). */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",b");
	put_u32(&p, 1);
	put_raw(&p, "\x01\x00\x00\x02", 4);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EARGS);
}
END_TEST

START_TEST(too_many_args)
{
	struct pkt p = { 0 };
	char tags[PACKET_MAX_ARGS + 3];

	tags[0] = ',';
	memset(tags + 1, 'i', PACKET_MAX_ARGS + 1);
	tags[PACKET_MAX_ARGS + 2] = '\0';
	put_str(&p, "/a");
	put_str(&p, tags);
	for (int i = 0; i <= PACKET_MAX_ARGS; i++)
		put_u32(&p, (uint32_t)i);
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETOOMANYARGS);

	/* Many no-data tags: the count still applies. */
	p.n = 0;
	memset(tags + 1, 'N', PACKET_MAX_ARGS + 1);
	put_str(&p, "/a");
	put_str(&p, tags);
	ck_assert_int_eq(check_pkt(&p), -PACKET_ETOOMANYARGS);
}
END_TEST

START_TEST(bad_bundles)
{
	struct pkt p = { 0 };

	/* Header without (or with half) a timetag. */
	put_raw(&p, "#bundle", 8);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);
	put_u32(&p, 0);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);

	/* Element size 0. */
	p.n = 0;
	put_bundle_header(&p);
	put_u32(&p, 0);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);

	/* Element size not a multiple of 4. */
	p.n = 0;
	put_bundle_header(&p);
	put_u32(&p, 6);
	put_str(&p, "/a");
	put_str(&p, ",");
	ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);

	/* Element size past the end, by a little and by a lot. */
	static const uint32_t sizes[] = { 12, 0x7ffffffcu, 0xfffffffcu };

	for (size_t i = 0; i < 3; i++) {
		p.n = 0;
		put_bundle_header(&p);
		put_u32(&p, sizes[i]);
		put_str(&p, "/a");
		put_str(&p, ",");
		ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);
	}

	/* A good element, then a stray size word with nothing after it. */
	p.n = 0;
	put_bundle_header(&p);
	put_u32(&p, 8);
	put_str(&p, "/a");
	put_str(&p, ",");
	put_u32(&p, 4);
	ck_assert_int_eq(check_pkt(&p), -PACKET_EBUNDLE);

	/* A malformed message inside a bundle reports the message's reason. */
	p.n = 0;
	put_bundle_header(&p);
	put_u32(&p, 8);
	put_str(&p, "/*");
	put_str(&p, ",");
	ck_assert_int_eq(check_pkt(&p), -PACKET_EWILDCARD);
}
END_TEST

START_TEST(foreach_all_or_nothing)
{
	/* Two good messages then a bad one: no callback at all, the bundle is refused whole. */
	struct pkt p = { 0 };
	struct seen s = { 0 };

	put_bundle_header(&p);
	for (int i = 0; i < 2; i++) {
		put_u32(&p, 8);
		put_str(&p, "/a");
		put_str(&p, ",");
	}
	put_u32(&p, 8);
	put_str(&p, "/a");
	put_str(&p, ",x");
	ck_assert_int_eq(packet_foreach_message(p.b, p.n, record, &s), -PACKET_EUNKNOWNTYPE);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(strerror_all)
{
	for (int e = PACKET_OK; e <= PACKET_ETOOMANYARGS; e++) {
		const char *r = packet_strerror(-e);

		ck_assert_ptr_nonnull(r);
		ck_assert_str_eq(r, packet_strerror(e));
		for (int f = PACKET_OK; f < e; f++)
			ck_assert_str_ne(r, packet_strerror(f));
	}
	ck_assert_str_eq(packet_strerror(-PACKET_EDEPTH), "bundle nested too deep");
	ck_assert_ptr_nonnull(packet_strerror(-1000));
	ck_assert_ptr_nonnull(packet_strerror(1000));
	ck_assert_ptr_nonnull(packet_strerror(-2147483647 - 1));
}
END_TEST

static Suite *
packet_suite(void)
{
	Suite *s = suite_create("packet");
	TCase *valid = tcase_create("valid");
	TCase *bad = tcase_create("malformed");

	tcase_add_test(valid, valid_all_types);
	tcase_add_test(valid, valid_blob_every_padding);
	tcase_add_test(valid, valid_no_args);
	tcase_add_test(valid, valid_longest_address);
	tcase_add_test(valid, valid_max_args);
	tcase_add_test(valid, valid_exactly_max_size);
	tcase_add_test(valid, valid_empty_bundle);
	tcase_add_test(valid, bundle_depth_limit);
	tcase_add_test(valid, foreach_nested_order);
	suite_add_tcase(s, valid);

	tcase_add_test(bad, truncated_every_offset);
	tcase_add_test(bad, truncated_bundle_every_offset);
	tcase_add_test(bad, bad_size);
	tcase_add_test(bad, too_big);
	tcase_add_test(bad, bad_address);
	tcase_add_test(bad, wildcards);
	tcase_add_test(bad, bad_type_tags);
	tcase_add_test(bad, unknown_types);
	tcase_add_test(bad, bad_args);
	tcase_add_test(bad, bad_blobs);
	tcase_add_test(bad, too_many_args);
	tcase_add_test(bad, bad_bundles);
	tcase_add_test(bad, foreach_all_or_nothing);
	tcase_add_test(bad, strerror_all);
	suite_add_tcase(s, bad);
	return s;
}

int
main(void)
{
	return check_run(packet_suite());
}
