/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the whole receive path of the control port: every input is one datagram
 * handed to osc_server_inject, which runs exactly what a datagram from the socket meets (the
 * allowlist, the size limit, packet_check, the peer's token bucket, liblo's dispatch of each
 * message) and then dispatch_message over a real model of 8 strips, with hooks that answer like
 * the daemon's. When the tree has them (the build defines FUZZ_WITH_SUBS, FUZZ_WITH_ARDOUR), the
 * subscription and Ardour handlers are registered as daemon/main.c registers them, and each
 * input ends with a feedback tick, so what a subscription or surface set up is exercised too.
 *
 * Properties checked on every input:
 *  - from a peer outside the allowlist nothing is dispatched (-EPERM, counted);
 *  - from the allowed peer, inject's verdict matches packet_check and the size limit, and a
 *    datagram that passes dispatches exactly as many messages as packet_foreach_message counts;
 *  - afterwards every parameter of the model is finite, inside its range, integral where it
 *    must be, and every string value is one param_check_string accepts.
 *
 * Replies go out through the server's real socket to a UDP socket of our own on 127.0.0.1 that
 * is never read and has the smallest receive buffer: once it is full the kernel drops what
 * arrives, and a send to it never fails or blocks, so replies cost a system call and nothing
 * else. The rate limit is off (0): libFuzzer runs thousands of inputs a second from one peer, and
 * a bucket that emptied would hide dispatch from the fuzzer (tests/test_server.c covers it).
 *
 * Inputs are copied to exact-size heap buffers so ASan sees a read past the end of the
 * datagram. Built and run by tests/run-fuzz.sh (see there for the command line).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "allow.h"
#include "clock.h"
#include "dispatch.h"
#include "model.h"
#include "packet.h"
#include "params.h"
#include "ring.h"
#include "server.h"
#ifdef FUZZ_WITH_SUBS
#include "subs.h"
#endif
#ifdef FUZZ_WITH_ARDOUR
#include "ardour.h"
#endif

#define FUZZ_STRIPS   8
#define FUZZ_CMD_RING 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct params *ps;
	struct ring *cmd;
	struct model *m;
	struct dispatch *d;
	struct osc_server *srv;
#ifdef FUZZ_WITH_SUBS
	struct subs *subs;
#endif
#ifdef FUZZ_WITH_ARDOUR
	struct ardour *ardour;
#endif
	int sink;                 /* where replies go: bound, never read */
	struct osc_peer peer;     /* the sink's address: allowed */
	struct osc_peer stranger; /* outside the allowlist */
	unsigned dispatched;      /* messages that reached dispatch_message */
	unsigned changed[1024];   /* this input's changes, for the feedback tick */
} fz;

static void
die(const char *what, size_t len, long v)
{
	fprintf(stderr, "fuzz_dispatch: %s (len %zu, %ld)\n", what, len, v);
	abort();
}

/* ---- hooks: what daemon/main.c answers, with plausible values ---- */

static void
hook_info(void *ctx, struct dispatch_info *out)
{
	out->name = "mixd";
	out->version = "fuzz";
	out->strips = FUZZ_STRIPS;
	out->rate = 48000;
	out->buffer = 256;
	out->latency = 72;
}

/* Only the control port's counters, which dispatch reports itself. */
static unsigned
hook_stats(void *ctx, struct dispatch_stat *out, unsigned max)
{
	return 0;
}

static void
hook_meter_strip(void *ctx, unsigned k, float out[3])
{
	if (k >= FUZZ_STRIPS)
		die("meter_strip asked for a strip that does not exist", 0, (long)k);
	out[0] = -12.0f - (float)k;
	out[1] = -20.0f - (float)k;
	out[2] = 3.0f;
}

static void
hook_meter_master(void *ctx, float out[5])
{
	static const float v[5] = { -6.0f, -6.5f, -5.8f, 1.5f, 2.0f };

	memcpy(out, v, sizeof(v));
}

static void
hook_meter_bus(void *ctx, unsigned k, float out[2])
{
	if (k >= 2)
		die("meter_bus asked for a bus that does not exist", 0, (long)k);
	out[0] = -30.0f;
	out[1] = -31.0f;
}

static void
hook_loudness(void *ctx, float out[DISPATCH_LOUDNESS_N])
{
	static const float v[DISPATCH_LOUDNESS_N] = { -16.0f, -15.5f, -14.2f, 6.0f,
		                                      -1.2f,  -14.0f, -0.2f };

	memcpy(out, v, sizeof(v));
}

static void
hook_loudness_reset(void *ctx)
{
}

static const struct dispatch_hooks hooks = {
	.info = hook_info,
	.stats = hook_stats,
	.meter_strip = hook_meter_strip,
	.meter_master = hook_meter_master,
	.meter_bus = hook_meter_bus,
	.loudness = hook_loudness,
	.loudness_reset = hook_loudness_reset,
};

/* The server's osc_message_fn: counts, then what mixd does. */
static void
on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
           lo_arg **argv, int argc)
{
	if (strpbrk(path, " #*,?[]{}") != NULL)
		die("an address liblo would pattern-match reached dispatch", strlen(path), 0);
	fz.dispatched++;
	dispatch_message(ctx, from, path, types, argv, argc);
}

static void
peer_set(struct osc_peer *p, const char *addr, int port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&p->addr;

	memset(p, 0, sizeof(*p));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
		die("bad address", 0, 0);
	p->len = sizeof(*a);
}

static void
setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct allowlist allow;
	char err[256];
	int small = 1; /* the kernel rounds it up to its minimum */

	fz.ps = params_new(FUZZ_STRIPS);
	fz.cmd = ring_new(sizeof(struct model_cmd), FUZZ_CMD_RING);
	if (!fz.ps || !fz.cmd)
		die("out of memory", 0, 0);
	fz.m = model_new(fz.ps, fz.cmd);
	fz.d = fz.m ? dispatch_new(fz.m, &hooks) : NULL;
	if (!fz.d)
		die("out of memory", 0, 0);
	if (allow_parse(&allow, "127.0.0.1/32", err, sizeof(err)) < 0)
		die(err, 0, 0);
	fz.srv = osc_server_new("127.0.0.1:0", &allow, on_message, fz.d, err, sizeof(err));
	if (!fz.srv)
		die(err, 0, 0);
	osc_server_set_rate_limit(fz.srv, 0, 0);
	dispatch_attach(fz.d, fz.srv);
#ifdef FUZZ_WITH_SUBS
	fz.subs = subs_new(fz.m, fz.srv, fz.d);
	if (!fz.subs || dispatch_add_handler(fz.d, subs_message, fz.subs) < 0)
		die("cannot set up subscriptions", 0, 0);
#endif
#ifdef FUZZ_WITH_ARDOUR
	/* as the daemon does: the personality's colliding addresses first, for the peers that
	 * set up a surface; the rest after the parameter table. Strips 7 and 8 are stereo. */
	fz.ardour = ardour_new(fz.m, fz.srv, fz.d, &hooks);
	if (!fz.ardour || dispatch_add_early_handler(fz.d, ardour_message_early, fz.ardour) < 0 ||
	    dispatch_add_handler(fz.d, ardour_message, fz.ardour) < 0)
		die("cannot set up the Ardour personality", 0, 0);
	ardour_set_inputs(fz.ardour, 6, 2);
	ardour_set_inputs(fz.ardour, 7, 2);
#endif

	fz.sink = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fz.sink < 0)
		die("socket", 0, errno);
	setsockopt(fz.sink, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fz.sink, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fz.sink, (struct sockaddr *)&a, &alen) < 0)
		die("cannot bind the reply sink", 0, errno);
	peer_set(&fz.peer, "127.0.0.1", ntohs(a.sin_port));
	peer_set(&fz.stranger, "10.0.0.1", 9);
}

/* What the control thread does after a wake-up: push the model's changes to the command ring
 * (and, standing in for the JACK thread, take them out again), then one feedback tick. */
static void
settle(void)
{
	struct model_cmd c;
	unsigned n = 0, idx;

	while (model_flush(fz.m) > 0)
		while (ring_pop(fz.cmd, &c))
			;
	while (ring_pop(fz.cmd, &c))
		;
	while (model_pop_change(fz.m, &idx)) {
		if (idx >= params_count(fz.ps))
			die("model_pop_change returned a bad index", 0, (long)idx);
		if (n < sizeof(fz.changed) / sizeof(fz.changed[0]))
			fz.changed[n++] = idx;
	}
#if defined(FUZZ_WITH_SUBS) || defined(FUZZ_WITH_ARDOUR)
	{
		static struct meter_frame fresh;
		struct feedback_frame f = { 0 };

		meters_clear(&fresh);
		fresh.peak[0] = 0.5f;
		fresh.master_peak[0] = fresh.master_peak[1] = 0.25f;
		f.now_ns = clock_ns();
		f.changed = fz.changed;
		f.n_changed = n;
		f.fresh = &fresh;
		hook_loudness(NULL, f.loudness);
#ifdef FUZZ_WITH_SUBS
		subs_tick(fz.subs, &f);
#endif
#ifdef FUZZ_WITH_ARDOUR
		ardour_tick(fz.ardour, &f);
#endif
	}
#endif
}

/* Every value the model holds is one the engine and the state file can take. */
static void
check_model(void)
{
	for (unsigned i = 0; i < params_count(fz.ps); i++) {
		const struct param *p = params_at(fz.ps, i);
		float v;

		if (p->d->type == PARAM_STRING) {
			const char *s = model_get_string(fz.m, i);

			if (!s || strlen(s) > PARAM_STRING_MAX || param_check_string(s) != 0)
				die("the model holds a bad string", 0, (long)i);
			continue;
		}
		v = model_get(fz.m, i);
		if (!isfinite(v) || v < p->d->min || v > p->d->max)
			die("a parameter is out of range or not finite", 0, (long)i);
		if (p->d->type != PARAM_FLOAT && v != nearbyintf(v))
			die("an integer or enum parameter holds a fraction", 0, (long)i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osc_server_stats before, after;
	uint8_t *buf;
	unsigned d0;
	int want, r;

	if (!fz.srv)
		setup();
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);

	/* a stranger's datagram never reaches dispatch */
	osc_server_get_stats(fz.srv, &before);
	d0 = fz.dispatched;
	r = osc_server_inject(fz.srv, &fz.stranger, buf, size);
	osc_server_get_stats(fz.srv, &after);
	if (r != -EPERM || fz.dispatched != d0 || after.not_allowed != before.not_allowed + 1)
		die("a peer outside the allowlist got through", size, r);

	/* the allowed peer: the verdict the filter predicts, and exactly its messages */
	if (size > PACKET_MAX_SIZE)
		want = -EMSGSIZE;
	else if ((want = packet_foreach_message(buf, size, NULL, NULL)) < 0)
		want = -EBADMSG;
	r = osc_server_inject(fz.srv, &fz.peer, buf, size);
	if (r != want)
		die("inject's verdict differs from the filter's", size, r);
	if (fz.dispatched - d0 != (unsigned)(r > 0 ? r : 0))
		die("dispatched a different number of messages", size, (long)(fz.dispatched - d0));

	settle();
	check_model();
	free(buf);
	return 0;
}
