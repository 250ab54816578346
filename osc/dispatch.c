/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dispatch.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "engine.h"
#include "model.h"
#include "pager.h"
#include "params.h"

struct dispatch {
	struct model *m;
	struct osc_server *srv;
	struct pager *pager; /* /list answers in progress */
	struct dispatch_hooks h;
	struct dispatch_stats st;
	struct {
		dispatch_handler_fn fn;
		void *ctx;
	} handler[DISPATCH_MAX_HANDLERS], early[DISPATCH_MAX_EARLY_HANDLERS];
	unsigned n_handlers, n_early;
	/* the control thread's longest wait between two ticks in this /stats window: shows that
	 * nothing (a flood on the web port, a long /list) holds the loop */
	uint64_t last_tick_ns, tick_max_gap_ns;
};

struct dispatch *
dispatch_new(struct model *m, const struct dispatch_hooks *hooks)
{
	struct dispatch *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->m = m;
	d->h = *hooks;
	d->pager = pager_new(model_params(m)); /* NULL: /list answers out of memory */
	return d;
}

void
dispatch_free(struct dispatch *d)
{
	if (d)
		pager_free(d->pager);
	free(d);
}

void
dispatch_tick(struct dispatch *d, uint64_t now_ns)
{
	if (d->last_tick_ns && now_ns - d->last_tick_ns > d->tick_max_gap_ns)
		d->tick_max_gap_ns = now_ns - d->last_tick_ns;
	d->last_tick_ns = now_ns;
	if (d->pager && d->srv)
		pager_run(d->pager, d->srv, now_ns);
}

void
dispatch_attach(struct dispatch *d, struct osc_server *srv)
{
	d->srv = srv;
}

uint64_t
dispatch_arrival_ns(const struct dispatch *d)
{
	return d->srv ? osc_server_arrival_ns(d->srv) : 0;
}

void
dispatch_get_stats(const struct dispatch *d, struct dispatch_stats *out)
{
	*out = d->st;
}

int
dispatch_add_handler(struct dispatch *d, dispatch_handler_fn fn, void *ctx)
{
	if (d->n_handlers == DISPATCH_MAX_HANDLERS)
		return -ENOSPC;
	d->handler[d->n_handlers].fn = fn;
	d->handler[d->n_handlers].ctx = ctx;
	d->n_handlers++;
	return 0;
}

int
dispatch_add_early_handler(struct dispatch *d, dispatch_handler_fn fn, void *ctx)
{
	if (d->n_early == DISPATCH_MAX_EARLY_HANDLERS)
		return -ENOSPC;
	d->early[d->n_early].fn = fn;
	d->early[d->n_early].ctx = ctx;
	d->n_early++;
	return 0;
}

void
dispatch_reply(struct dispatch *d, const struct osc_peer *to, const char *path, lo_message m)
{
	if (m) {
		osc_server_send(d->srv, to, path, m);
		lo_message_free(m);
	}
}

void
dispatch_reply_error(struct dispatch *d, const struct osc_peer *to, const char *address,
                     const char *reason)
{
	lo_message m = lo_message_new();

	d->st.errors++;
	if (!m)
		return;
	lo_message_add_string(m, address);
	lo_message_add_string(m, reason);
	dispatch_reply(d, to, "/error", m);
}

lo_message
dispatch_value_message(struct model *mo, unsigned idx)
{
	const struct param *p = params_at(model_params(mo), idx);
	lo_message m = lo_message_new();
	char name[64];

	if (!m)
		return NULL;
	switch (p->d->type) {
	case PARAM_STRING:
		lo_message_add_string(m, model_get_string(mo, idx));
		break;
	case PARAM_ENUM:
		param_format(p->d, model_get(mo, idx), name, sizeof(name));
		lo_message_add_string(m, name);
		break;
	case PARAM_INT:
		lo_message_add_int32(m, (int32_t)lrintf(model_get(mo, idx)));
		break;
	case PARAM_FLOAT:
		lo_message_add_float(m, model_get(mo, idx));
		break;
	}
	return m;
}

static void
reply_value(struct dispatch *d, const struct osc_peer *to, unsigned idx)
{
	dispatch_reply(d, to, params_at(model_params(d->m), idx)->address,
	               dispatch_value_message(d->m, idx));
}

static void
handle_param(struct dispatch *d, const struct osc_peer *from, unsigned idx, const char *path,
             const char *types, lo_arg **argv, int argc)
{
	const struct param *p = params_at(model_params(d->m), idx);
	char why[96];
	double v;
	int err;

	if (argc == 0) {
		d->st.gets++;
		reply_value(d, from, idx);
		return;
	}
	if (argc != 1) {
		dispatch_reply_error(d, from, path, "expected one argument (set) or none (get)");
		return;
	}
	if (p->d->type == PARAM_STRING) {
		if (!osc_arg_is_string(types[0])) {
			dispatch_reply_error(d, from, path, "expected a string");
			return;
		}
		err = model_set_string(d->m, idx, (const char *)argv[0]);
		if (err)
			dispatch_reply_error(d, from, path,
			                     err == -E2BIG ? "string longer than 32 bytes"
			                                   : "control characters in string");
		else
			d->st.sets++;
		return;
	}
	if (p->d->type == PARAM_ENUM && osc_arg_is_string(types[0])) {
		/* a choice by name; a number (what tablets send) is the index */
		float f = 0;
		err = param_parse(p->d, (const char *)argv[0], &f);
		v = f;
	} else if (osc_arg_number(types[0], argv[0], &v)) {
		err = 0;
	} else {
		dispatch_reply_error(d, from, path,
		                     p->d->type == PARAM_ENUM ? "expected a name or a number"
		                                              : "expected a number");
		return;
	}
	if (!err)
		err = model_set(d->m, idx, v);
	if (err) {
		dispatch_reply_error(d, from, path, param_error(p->d, err, why, sizeof(why)));
		return;
	}
	d->st.sets++;
}

/* /list: a long answer, paced within the asker's send budget (pager.h). */
static void
handle_list(struct dispatch *d, const struct osc_peer *from, const char *prefix)
{
	if (!d->pager) {
		dispatch_reply_error(d, from, "/list", "out of memory");
		return;
	}
	if (pager_start(d->pager, d->srv, from, prefix) < 0)
		dispatch_reply_error(d, from, "/list",
		                     "busy: other hosts' /list answers are in progress; ask again");
}

static void
handle_info(struct dispatch *d, const struct osc_peer *from)
{
	struct dispatch_info in = { 0 };
	lo_message m = lo_message_new();

	if (!m)
		return;
	d->h.info(d->h.ctx, &in);
	lo_message_add_string(m, in.name);
	lo_message_add_string(m, in.version);
	lo_message_add_int32(m, (int32_t)in.strips);
	lo_message_add_int32(m, (int32_t)in.rate);
	lo_message_add_int32(m, (int32_t)in.buffer);
	lo_message_add_int32(m, (int32_t)in.latency);
	dispatch_reply(d, from, "/info", m);
}

static void
handle_stats(struct dispatch *d, const struct osc_peer *from)
{
	struct dispatch_stat st[DISPATCH_MAX_STATS];
	struct osc_server_stats os = { 0 };
	unsigned n = 0;
	lo_message m;

	/* the control port's own counters come first, the same in every program that has one */
	if (d->srv)
		osc_server_get_stats(d->srv, &os);
#define STAT(nm, v) (st[n++] = (struct dispatch_stat){ nm, (uint64_t)(v) })
	STAT("received", os.messages);
	STAT("datagrams", os.datagrams);
	STAT("rejected", d->st.errors);
	STAT("malformed", os.malformed);
	STAT("not_allowed", os.not_allowed);
	STAT("rate_limited", os.rate_limited);
	STAT("send_errors", os.send_errors);
	STAT("self_dropped", os.self);
	STAT("over_budget", os.over_budget);
	STAT("sets", d->st.sets);
	STAT("gets", d->st.gets);
	STAT("replies_ignored", d->st.replies_ignored);
	STAT("list_answers", d->pager ? pager_active(d->pager) : 0);
	STAT("list_dropped", d->pager ? pager_dropped(d->pager) : 0);
	STAT("ring_full", model_ring_full(d->m));
	STAT("commands_sent", model_commands_sent(d->m));
	STAT("tick_max_gap_us", d->tick_max_gap_ns / 1000);
#undef STAT
	n += d->h.stats(d->h.ctx, st + n, DISPATCH_MAX_STATS - n);
	m = lo_message_new();
	if (!m)
		return;
	for (unsigned i = 0; i < n; i++) {
		lo_message_add_string(m, st[i].name);
		lo_message_add_int64(m, (int64_t)st[i].value);
	}
	dispatch_reply(d, from, "/stats", m);
}

/* Replies with n floats at path. */
static void
reply_floats(struct dispatch *d, const struct osc_peer *to, const char *path, const float *v, int n)
{
	lo_message m = lo_message_new();

	if (!m)
		return;
	for (int i = 0; i < n; i++)
		lo_message_add_float(m, v[i]);
	dispatch_reply(d, to, path, m);
}

/* "/meter/strip/N" -> N-1, or -1 when N is not a strip of this console. */
static int
meter_strip_index(struct dispatch *d, const char *path)
{
	const char *s = path + strlen("/meter/strip/");
	unsigned long k;
	char *end;

	/* the prefix first: a shorter path ("/meter/x") must not be read past its end */
	if (strncmp(path, "/meter/strip/", strlen("/meter/strip/")))
		return -1;
	if (*s < '1' || *s > '9')
		return -1;
	k = strtoul(s, &end, 10);
	if (*end || k == 0 || k > params_n_strips(model_params(d->m)))
		return -1;
	return (int)k - 1;
}

/* "/meter/aux/K" -> K-1, or -1 when K is not an aux bus of this console. */
static int
meter_aux_index(struct dispatch *d, const char *path)
{
	const char *s = path + strlen("/meter/aux/");
	unsigned long k;
	char *end;

	if (strncmp(path, "/meter/aux/", strlen("/meter/aux/")))
		return -1;
	if (*s < '1' || *s > '9')
		return -1;
	k = strtoul(s, &end, 10);
	if (*end || k == 0 || k > params_n_aux(model_params(d->m)))
		return -1;
	return (int)k - 1;
}

/* "/meter/bus/NAME" -> the bus's index, or -1. */
static int
meter_bus_index(const char *path)
{
	if (strncmp(path, "/meter/bus/", strlen("/meter/bus/")))
		return -1;
	for (int k = 0; k < ENGINE_N_BUSES; k++)
		if (!strcmp(path + strlen("/meter/bus/"), engine_bus_names[k]))
			return k;
	return -1;
}

/* Whether engine parameter id is a cue switch. */
static bool
is_cue(int id)
{
	return id == ENGINE_STRIP_CUE || id == ENGINE_AUX_CUE ||
	       (id >= ENGINE_BUS1_CUE && id <= ENGINE_BUS_CUE_LAST);
}

unsigned
dispatch_cue_clear(struct model *m)
{
	const struct params *ps = model_params(m);
	unsigned n = 0;

	for (unsigned i = 0; i < params_count(ps); i++)
		if (is_cue(params_at(ps, i)->d->engine) && model_get(m, i) != 0.0f) {
			model_set(m, i, 0.0);
			n++;
		}
	return n;
}

static void
handle_meter(struct dispatch *d, const struct osc_peer *from, const char *path)
{
	float v[METER_MASTER_N];
	int n, k;

	if (!strcmp(path, "/meter/master")) {
		d->h.meter_master(d->h.ctx, v);
		n = METER_MASTER_N;
	} else if (!strcmp(path, "/meter/master/multiband") && d->h.meter_multiband) {
		d->h.meter_multiband(d->h.ctx, v);
		n = METER_MULTIBAND_N;
	} else if ((k = meter_bus_index(path)) >= 0 && d->h.meter_bus) {
		d->h.meter_bus(d->h.ctx, (unsigned)k, v);
		n = METER_BUS_N;
	} else if ((k = meter_aux_index(d, path)) >= 0 && d->h.meter_aux) {
		d->h.meter_aux(d->h.ctx, (unsigned)k, v);
		n = METER_AUX_N;
	} else if (!strcmp(path, "/meter/monitor") && d->h.meter_monitor) {
		d->h.meter_monitor(d->h.ctx, v);
		n = METER_MONITOR_N;
	} else {
		k = meter_strip_index(d, path);
		if (k < 0) {
			dispatch_reply_error(d, from, path, "unknown address");
			return;
		}
		d->h.meter_strip(d->h.ctx, (unsigned)k, v);
		n = METER_STRIP_N;
	}
	reply_floats(d, from, path, v, n);
}

/* /loudness (a read) and /master/loudness/reset (an action, no reply); true if path was one of
 * them and this console has the meter. */
static bool
handle_loudness(struct dispatch *d, const struct osc_peer *from, const char *path, int argc)
{
	float v[DISPATCH_LOUDNESS_N];

	if (!strcmp(path, "/loudness") && d->h.loudness) {
		if (argc) {
			dispatch_reply_error(d, from, path, "expected no argument");
			return true;
		}
		d->h.loudness(d->h.ctx, v);
		reply_floats(d, from, path, v, DISPATCH_LOUDNESS_N);
		return true;
	}
	if (!strcmp(path, "/master/loudness/reset") && d->h.loudness_reset) {
		if (argc)
			dispatch_reply_error(d, from, path, "expected no argument");
		else
			d->h.loudness_reset(d->h.ctx);
		return true;
	}
	return false;
}

/* Whether a message has the shape of a reply (an answer mixd or a console like it sends),
 * not a request: /error and /reply, /pong, /list/end, and /info or /stats with arguments.
 * Such a message is dropped unanswered. Answering it is how two consoles on one network (or
 * one aimed at itself) bounce messages at each other forever: an /error for an /error, an
 * /info for an /info. */
static bool
reply_shaped(const char *path, int argc)
{
	static const char *const always[] = { "/error", "/reply", "/pong", "/list/end" };
	static const char *const with_args[] = { "/info", "/stats", "/stats/window" };

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (!strcmp(path, always[i]))
			return true;
	for (size_t i = 0; argc > 0 && i < sizeof(with_args) / sizeof(with_args[0]); i++)
		if (!strcmp(path, with_args[i]))
			return true;
	return false;
}

void
dispatch_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                 lo_arg **argv, int argc)
{
	struct dispatch *d = ctx;
	int idx;

	if (reply_shaped(path, argc)) {
		d->st.replies_ignored++;
		return;
	}
	for (unsigned h = 0; h < d->n_early; h++)
		if (d->early[h].fn(d->early[h].ctx, from, path, types, argv, argc))
			return;
	idx = params_find(model_params(d->m), path);
	if (idx >= 0) {
		handle_param(d, from, (unsigned)idx, path, types, argv, argc);
		return;
	}
	/* before the handlers: the Ardour personality takes Ardour's whole /monitor section */
	if (!strcmp(path, "/monitor/cue_clear")) {
		if (argc)
			dispatch_reply_error(d, from, path, "expected no argument");
		else
			dispatch_cue_clear(d->m);
		return;
	}
	for (unsigned h = 0; h < d->n_handlers; h++)
		if (d->handler[h].fn(d->handler[h].ctx, from, path, types, argv, argc))
			return;
	if (!strcmp(path, "/ping")) {
		dispatch_reply(d, from, "/pong", lo_message_new());
	} else if (!strcmp(path, "/info")) {
		handle_info(d, from);
	} else if (!strcmp(path, "/stats")) {
		handle_stats(d, from);
	} else if (!strcmp(path, "/stats/window") && d->h.stats_window) {
		d->h.stats_window(d->h.ctx);
		d->tick_max_gap_ns = 0;
		dispatch_reply(d, from, path, lo_message_new());
	} else if (!strcmp(path, "/list")) {
		if (argc > 1 || (argc == 1 && types[0] != LO_STRING))
			dispatch_reply_error(d, from, path,
			                     "expected no argument or a prefix string");
		else
			handle_list(d, from, argc ? (const char *)argv[0] : NULL);
	} else if (!strncmp(path, "/meter/", 7) && argc == 0) {
		handle_meter(d, from, path);
	} else if (handle_loudness(d, from, path, argc)) {
		return;
	} else {
		dispatch_reply_error(d, from, path, "unknown address");
	}
}
