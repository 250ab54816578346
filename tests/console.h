/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console: the console-side stack of mixd in one test process, without JACK — the parameter
 * table, the command ring, the model, dispatch and a real osc_server on 127.0.0.1:0 that lets
 * in loopback peers (127.0.0.0/8). The test drives it by hand (osc_server_receive, its own
 * tick), so nothing runs behind its back. Header-only: static inline, for Check tests.
 */
#ifndef MIXD_TEST_CONSOLE_H
#define MIXD_TEST_CONSOLE_H

#include <check.h>
#include <stdint.h>

#include "allow.h"
#include "dispatch.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "server.h"

#define CONSOLE_NAME    "mixd-test" /* the session name the default info hook reports */
#define CONSOLE_VERSION "test"
#define CONSOLE_RATE    48000
#define CONSOLE_BUFFER  256

struct console {
	struct params *ps;
	struct ring *ring;
	struct model *m;
	struct dispatch *d;
	struct osc_server *srv;
	unsigned n_strips;
	struct dispatch_hooks hooks; /* what dispatch was given: the defaults and the overrides */
};

static inline void
console_hook_info(void *ctx, struct dispatch_info *out)
{
	const struct console *c = ctx;

	*out = (struct dispatch_info){ .name = CONSOLE_NAME,
		                       .version = CONSOLE_VERSION,
		                       .strips = c->n_strips,
		                       .rate = CONSOLE_RATE,
		                       .buffer = CONSOLE_BUFFER };
}

static inline unsigned
console_hook_stats(void *ctx, struct dispatch_stat *out, unsigned max)
{
	return 0;
}

static inline void
console_hook_meter_strip(void *ctx, unsigned k, float out[3])
{
	out[0] = out[1] = -144.0f;
	out[2] = 0.0f;
}

static inline void
console_hook_meter_master(void *ctx, float out[5])
{
	for (int i = 0; i < 5; i++)
		out[i] = 0.0f;
}

static inline void
console_hook_meter_bus(void *ctx, unsigned k, float out[2])
{
	out[0] = out[1] = -144.0f;
}

static inline void
console_hook_loudness(void *ctx, float out[DISPATCH_LOUDNESS_N])
{
	for (int i = 0; i < DISPATCH_LOUDNESS_N; i++)
		out[i] = -144.0f;
}

/* Brings up a console of n_strips strips and n_aux mono aux buses in c. Each hook of `over` that is
 * set (over may be NULL) replaces the default; the hooks' ctx is over->ctx when set, else c.
 * Asserts on failure. */
static inline void
console_open_aux(struct console *c, unsigned n_strips, unsigned n_aux,
                 const struct dispatch_hooks *over)
{
	const struct params_layout layout = { .n_strips = n_strips, .n_aux = n_aux };
	struct dispatch_hooks h = {
		.ctx = c,
		.info = console_hook_info,
		.stats = console_hook_stats,
		.meter_strip = console_hook_meter_strip,
		.meter_master = console_hook_meter_master,
		.meter_bus = console_hook_meter_bus,
		.loudness = console_hook_loudness,
	};
	struct allowlist allow;
	char err[256];

	if (over) {
#define CONSOLE_OVERRIDE(f)            \
	do {                           \
		if (over->f)           \
			h.f = over->f; \
	} while (0)
		CONSOLE_OVERRIDE(ctx);
		CONSOLE_OVERRIDE(info);
		CONSOLE_OVERRIDE(stats);
		CONSOLE_OVERRIDE(meter_strip);
		CONSOLE_OVERRIDE(meter_master);
		CONSOLE_OVERRIDE(meter_bus);
		CONSOLE_OVERRIDE(loudness);
		CONSOLE_OVERRIDE(loudness_reset);
#undef CONSOLE_OVERRIDE
	}
	c->n_strips = n_strips;
	c->hooks = h;
	c->ps = params_new_layout(&layout);
	c->ring = ring_new(sizeof(struct model_cmd), 4096);
	ck_assert_ptr_nonnull(c->ps);
	ck_assert_ptr_nonnull(c->ring);
	c->m = model_new(c->ps, c->ring);
	ck_assert_ptr_nonnull(c->m);
	c->d = dispatch_new(c->m, &c->hooks);
	ck_assert_ptr_nonnull(c->d);
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.0/8", err, sizeof(err)), 0);
	c->srv = osc_server_new("127.0.0.1:0", &allow, dispatch_message, c->d, err, sizeof(err));
	ck_assert_msg(c->srv != NULL, "osc_server_new: %s", err);
	dispatch_attach(c->d, c->srv);
}

/* console_open_aux with no aux bus. */
static inline void
console_open(struct console *c, unsigned n_strips, const struct dispatch_hooks *over)
{
	console_open_aux(c, n_strips, 0, over);
}

/* Frees what console_open made (a handler registered on c->d must be freed first). */
static inline void
console_close(struct console *c)
{
	osc_server_free(c->srv);
	dispatch_free(c->d);
	model_free(c->m);
	ring_free(c->ring);
	params_free(c->ps);
}

/* The index of a parameter; asserts it exists. */
static inline unsigned
console_idx(const struct console *c, const char *address)
{
	int i = params_find(c->ps, address);

	ck_assert_msg(i >= 0, "no parameter %s", address);
	return (unsigned)i;
}

#endif
