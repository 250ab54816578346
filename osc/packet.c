/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet: structural validation of raw OSC 1.0 datagrams.
 *
 * One walker serves both entry points: with fn == NULL it only validates, with a callback it
 * also reports messages. Bundles recurse, but only after the depth check, so the stack never
 * holds more than PACKET_MAX_DEPTH bundle frames whatever the input says.
 *
 * Every length is a size_t that has already been checked against what remains of the buffer,
 * and every comparison is written as "wanted > remaining" rather than "pos + wanted > len", so
 * no sum computed from untrusted sizes can wrap.
 *
 * We are deliberately at least as strict as liblo 0.31's lo_message_deserialise (padding bytes
 * of strings and blobs must be NUL, the type tag string must start with ','), so a message we
 * accept is one liblo accepts too; tests/fuzz_packet.c asserts exactly that.
 */
#include "packet.h"

#include <string.h>

#define BUNDLE_TAG     "#bundle"
#define BUNDLE_TAG_LEN 8  /* "#bundle" and its NUL: already a multiple of 4 */
#define BUNDLE_HDR_LEN 16 /* tag + 8-byte timetag */

static uint32_t
read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Length of a string of strlen n once its NUL and padding are added. */
static size_t
padded_len(size_t n)
{
	return (n + 4) & ~(size_t)3;
}

/* True when bytes p[from..to) are all NUL. */
static int
all_nul(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (p[i] != 0)
			return 0;
	}
	return 1;
}

/*
 * An OSC string at p with avail bytes left: NUL-terminated, NUL-padded to 4. Returns the
 * padded length, or 0 when it is unterminated or its padding is missing or not NUL (a valid
 * OSC string is never 0 bytes long, so 0 is free to mean "bad").
 */
static size_t
string_len(const uint8_t *p, size_t avail)
{
	const uint8_t *nul = memchr(p, 0, avail);
	size_t n, pad;

	if (nul == NULL)
		return 0;
	n = (size_t)(nul - p);
	pad = padded_len(n);
	if (pad > avail || !all_nul(p, n + 1, pad))
		return 0;
	return pad;
}

/* The address: '/' first, no pattern characters, no control bytes, bounded length. Returns 0
 * with its padded length in *used, or -error. */
static int
check_address(const uint8_t *p, size_t len, size_t *used)
{
	/* Never scan further than the longest legal address plus its NUL. */
	size_t scan = len < PACKET_MAX_ADDRESS + 1 ? len : PACKET_MAX_ADDRESS + 1;
	const uint8_t *nul = memchr(p, 0, scan);
	size_t n, pad;

	if (nul == NULL || p[0] != '/')
		return -PACKET_EADDRESS;
	n = (size_t)(nul - p);
	for (size_t i = 1; i < n; i++) {
		uint8_t c = p[i];

		if (c < 0x20 || c == 0x7f)
			return -PACKET_EADDRESS;
		/* liblo 0.31's dispatch_method switches to pattern matching when the address
		 * holds any of " #*,?[]{}" (strpbrk in src/server.c), so all of them are refused,
		 * not only OSC's own pattern characters; OSC 1.0 forbids ' ' and '#' in names. */
		if (strchr(" #*,?[]{}", c) != NULL)
			return -PACKET_EWILDCARD;
	}
	pad = padded_len(n);
	if (pad > len || !all_nul(p, n + 1, pad))
		return -PACKET_EADDRESS;
	*used = pad;
	return 0;
}

/* Size of the fixed-size argument for a type tag: 0, 4 or 8; -1 for 's', 'S', 'b' whose size
 * lives in the data; -2 for a tag we do not accept. */
static int
fixed_arg_size(uint8_t tag)
{
	switch (tag) {
	case 'T':
	case 'F':
	case 'N':
	case 'I':
		return 0;
	case 'i':
	case 'f':
	case 'c':
	case 'm':
		return 4;
	case 'h':
	case 't':
	case 'd':
		return 8;
	case 's':
	case 'S':
	case 'b':
		return -1;
	default:
		/* Includes 'r' (RGBA colour, OSC 1.0 optional) and the '[' ']' arrays of OSC 1.1:
		 * nothing in mixd takes them. */
		return -2;
	}
}

/* One message, exactly len bytes (len > 0, a multiple of 4). Returns 0 or -error. */
static int
check_message(const uint8_t *p, size_t len)
{
	const uint8_t *tags;
	size_t pos, ntags, tlen;
	int err;

	err = check_address(p, len, &pos);
	if (err < 0)
		return err;

	/* Type tags: required, ',' first, every tag known, at most PACKET_MAX_ARGS. */
	if (pos == len || p[pos] != ',')
		return -PACKET_ETYPETAG;
	tags = p + pos + 1;
	for (ntags = 0; pos + 1 + ntags < len && tags[ntags] != 0; ntags++) {
		if (ntags == PACKET_MAX_ARGS)
			return -PACKET_ETOOMANYARGS;
		if (fixed_arg_size(tags[ntags]) == -2)
			return -PACKET_EUNKNOWNTYPE;
	}
	tlen = string_len(p + pos, len - pos);
	if (tlen == 0)
		return -PACKET_ETYPETAG;
	pos += tlen;

	/* Arguments, in tag order; each size is checked against what is left before use. */
	for (size_t i = 0; i < ntags; i++) {
		size_t left = len - pos;
		int sz = fixed_arg_size(tags[i]);
		size_t need;

		if (sz >= 0) {
			need = (size_t)sz;
		} else if (tags[i] == 'b') {
			uint32_t bsize;

			if (left < 4)
				return -PACKET_EARGS;
			bsize = read_be32(p + pos);
			/* An int32 on the wire: the top bit set means negative. */
			if (bsize > 0x7fffffffu || bsize > left - 4)
				return -PACKET_EARGS;
			need = 4 + (((size_t)bsize + 3) & ~(size_t)3);
			if (need > left || !all_nul(p + pos, 4 + (size_t)bsize, need))
				return -PACKET_EARGS;
		} else {
			need = string_len(p + pos, left);
			if (need == 0)
				return -PACKET_EARGS;
		}
		if (need > left)
			return -PACKET_EARGS;
		pos += need;
	}
	/* The type tags must account for every byte. */
	if (pos != len)
		return -PACKET_EARGS;
	return 0;
}

static int
is_bundle(const uint8_t *p, size_t len)
{
	return len >= BUNDLE_TAG_LEN && memcmp(p, BUNDLE_TAG, BUNDLE_TAG_LEN) == 0;
}

/*
 * Validates p/len (a message or a bundle) found at nesting level depth (0 outside any bundle)
 * and, when fn is not NULL, reports each message and counts it in *count. len is non-zero and a
 * multiple of 4 here: the caller checked it.
 */
static int
walk(const uint8_t *p, size_t len, unsigned depth, packet_message_fn fn, void *ctx, int *count)
{
	size_t pos;

	if (!is_bundle(p, len)) {
		int err = check_message(p, len);

		if (err < 0)
			return err;
		if (fn != NULL)
			fn(p, len, ctx);
		(*count)++;
		return 0;
	}

	/* This bundle sits at level depth + 1; refuse before recursing, bounding the stack. */
	if (depth + 1 > PACKET_MAX_DEPTH)
		return -PACKET_EDEPTH;
	if (len < BUNDLE_HDR_LEN)
		return -PACKET_EBUNDLE;

	/* The timetag is ignored: mixd applies bundle contents immediately. */
	for (pos = BUNDLE_HDR_LEN; pos < len;) {
		size_t left = len - pos;
		uint32_t esize;
		int err;

		if (left < 4)
			return -PACKET_EBUNDLE;
		esize = read_be32(p + pos);
		if (esize == 0 || esize % 4 != 0 || esize > left - 4)
			return -PACKET_EBUNDLE;
		err = walk(p + pos + 4, esize, depth + 1, fn, ctx, count);
		if (err < 0)
			return err;
		pos += 4 + (size_t)esize;
	}
	return 0;
}

/* Checks that apply to a whole datagram only, then the walk. */
static int
run(const uint8_t *data, size_t len, packet_message_fn fn, void *ctx, int *count)
{
	*count = 0;
	if (len > PACKET_MAX_SIZE)
		return -PACKET_ETOOBIG;
	if (data == NULL || len == 0 || len % 4 != 0)
		return -PACKET_ESIZE;
	return walk(data, len, 0, fn, ctx, count);
}

int
packet_check(const uint8_t *data, size_t len)
{
	int count;

	return run(data, len, NULL, NULL, &count);
}

int
packet_foreach_message(const uint8_t *data, size_t len, packet_message_fn fn, void *ctx)
{
	int count, err;

	/*
	 * Validate everything before the first callback: a bundle is applied all or nothing, so
	 * a malformed last element must not leave its earlier siblings applied. Costs a second
	 * pass over at most PACKET_MAX_SIZE bytes.
	 */
	err = run(data, len, NULL, NULL, &count);
	if (err < 0 || fn == NULL)
		return err < 0 ? err : count;
	err = run(data, len, fn, ctx, &count);
	return err < 0 ? err : count;
}

const char *
packet_strerror(int err)
{
	static const char *const reasons[] = {
		[PACKET_OK] = "ok",
		[PACKET_ETOOBIG] = "packet too big",
		[PACKET_ESIZE] = "packet empty or not a multiple of 4 bytes",
		[PACKET_EADDRESS] = "bad address",
		[PACKET_EWILDCARD] = "wildcard in address",
		[PACKET_ETYPETAG] = "missing or bad type tags",
		[PACKET_EUNKNOWNTYPE] = "unsupported argument type",
		[PACKET_EARGS] = "arguments do not match type tags",
		[PACKET_EBUNDLE] = "malformed bundle",
		[PACKET_EDEPTH] = "bundle nested too deep",
		[PACKET_ETOOMANYARGS] = "too many arguments",
	};
	/* Accept the negated form packet_check returns as well as the enum value itself; compare
	 * before negating so INT_MIN cannot overflow. */
	if (err < 0 && err >= -PACKET_ETOOMANYARGS)
		err = -err;
	if (err >= 0 && err <= PACKET_ETOOMANYARGS)
		return reasons[err];
	return "unknown packet error";
}
