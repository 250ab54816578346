/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for osc/packet.
 *
 * Properties checked on every input:
 *  - packet_check and packet_foreach_message agree (OK exactly when foreach returns >= 0), and
 *    foreach reports as many messages as it returns;
 *  - every message the walk hands out lies inside the input, is 4-byte aligned in it, and is
 *    itself a valid datagram;
 *  - liblo 0.31 deserialises every such message without error, and lo_server_dispatch_data
 *    takes the whole accepted datagram without error, calling the handler once per message
 *    and never with an address that would make it pattern-match. This is the property the
 *    daemon relies on: whatever passes the filter is safe to give to liblo.
 * Inputs are copied to exact-size heap buffers so ASan sees any read past the end by our code
 * and by the libc calls liblo makes (liblo itself is not instrumented).
 *
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I osc \
 *       osc/packet.c tests/fuzz_packet.c -llo -o fuzz_packet
 *   ./fuzz_packet -max_len=16400 tests/fuzz-seeds/packet
 * The suite does this on every run (the meson test `fuzz`, tests/run-fuzz.sh), for 20 s.
 */
#include "packet.h"

#include <lo/lo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die(const char *what, size_t len, int err)
{
	fprintf(stderr, "fuzz_packet: %s (len %zu, err %d)\n", what, len, err);
	abort();
}

/* The server exists only for lo_server_dispatch_data; it never receives. A UNIX socket whose
 * path is unlinked at once keeps the fuzzer off the network and leaves nothing behind. */
static lo_server server;
static int handled;
static int lo_errors;

static void
on_lo_error(int num, const char *msg, const char *where)
{
	(void)num;
	(void)msg;
	(void)where;
	lo_errors++;
}

static int
on_lo_message(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg,
              void *user)
{
	(void)types;
	(void)argv;
	(void)argc;
	(void)msg;
	(void)user;
	if (strpbrk(path, " #*,?[]{}") != NULL)
		die("liblo would pattern-match an accepted address", strlen(path), 0);
	handled++;
	return 0;
}

static void
server_init(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/fuzz_packet.%ld", (long)getpid());
	server = lo_server_new_with_proto(path, LO_UNIX, on_lo_error);
	if (server == NULL)
		die("cannot create the liblo server", 0, 0);
	unlink(path);
	/* mixd applies bundles at once; queueing would also grow without bound here. */
	lo_server_enable_queue(server, 0, 0);
	lo_server_add_method(server, NULL, NULL, on_lo_message, NULL);
}

struct walk {
	const uint8_t *base;
	size_t len;
	int n;
};

static void
on_message(const uint8_t *msg, size_t len, void *ctx)
{
	struct walk *w = ctx;
	lo_message m;
	void *copy;
	int err = 0;

	w->n++;
	if (msg < w->base || len > w->len || (size_t)(msg - w->base) > w->len - len)
		die("message outside the datagram", len, 0);
	if ((size_t)(msg - w->base) % 4 != 0)
		die("message not 4-byte aligned", len, 0);
	if (packet_check(msg, len) != 0)
		die("message inside a valid datagram is not valid alone", len,
		    packet_check(msg, len));

	/* lo_message_deserialise takes a non-const pointer; give it its own exact-size copy,
	 * which also makes its reads bounds-checked by ASan. */
	copy = malloc(len);
	if (copy == NULL)
		abort();
	memcpy(copy, msg, len);
	m = lo_message_deserialise(copy, len, &err);
	if (m == NULL || err != 0)
		die("liblo refused a message packet_check accepted", len, err);
	lo_message_free(m);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct walk w;
	int chk, n;

	if (buf == NULL)
		return 0;
	if (size)
		memcpy(buf, data, size);

	chk = packet_check(buf, size);
	if (chk > 0)
		die("packet_check returned a positive value", size, chk);

	w.base = buf;
	w.len = size;
	w.n = 0;
	n = packet_foreach_message(buf, size, on_message, &w);

	if ((chk == 0) != (n >= 0))
		die("packet_check and packet_foreach_message disagree", size, n);
	if (n < 0 && n != chk)
		die("packet_check and packet_foreach_message give different errors", size, n);
	if (n >= 0 && n != w.n)
		die("foreach count differs from callbacks made", size, n);
	if (n < 0 && w.n != 0)
		die("foreach called back on a malformed datagram", size, n);
	if (packet_strerror(n) == NULL)
		die("packet_strerror returned NULL", size, n);

	if (n >= 0) {
		int r;

		if (server == NULL)
			server_init();
		handled = 0;
		lo_errors = 0;
		r = lo_server_dispatch_data(server, buf, size);
		if (r < 0 || lo_errors != 0)
			die("lo_server_dispatch_data refused an accepted datagram", size, r);
		if (handled != n)
			die("liblo dispatched a different number of messages", size, handled);
	}

	free(buf);
	return 0;
}
