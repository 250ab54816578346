/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dispatch: what each OSC message means — set, get, errors, and the console-wide queries.
 *
 * Parameter addresses come from the parameter table (params.h): an address with one argument
 * sets, with none gets. Anything wrong gets `/error s:address s:reason` back and changes nothing.
 * Console-wide messages: /ping, /info, /list [prefix], /stats, the meter reads, /loudness,
 * /master/loudness/reset and /monitor/cue_clear.
 */
#ifndef MIXD_DISPATCH_H
#define MIXD_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "meters.h"
#include "server.h"

struct model;

struct dispatch_info {
	const char *name;
	const char *version;
	unsigned strips;
	unsigned rate;    /* Hz, 0 while no JACK server */
	unsigned buffer;  /* frames per period */
	unsigned latency; /* frames of latency mixd adds */
};

struct dispatch_stat {
	const char *name;
	uint64_t value;
};

/* /stats holds at most this many pairs; a hook given no room drops the rest silently. mixd
 * with every personality and the web port answered 94 when this was raised from 96: room for
 * more. */
#define DISPATCH_MAX_STATS 128
/* Values in a /loudness reply. */
#define DISPATCH_LOUDNESS_N 7

/* How dispatch reaches what it does not own. Each hook runs on the control thread. */
struct dispatch_hooks {
	void *ctx;
	void (*info)(void *ctx, struct dispatch_info *out);
	/* fills up to max counters, returns how many: those beyond the control port's own
	 * (received, datagrams, rejected, malformed, not_allowed, rate_limited, send_errors,
	 * sets, gets, ring_full), which dispatch reports itself, first */
	unsigned (*stats)(void *ctx, struct dispatch_stat *out, unsigned max);
	/* peak dBFS, RMS dBFS, gain reduction dB of strip k (0-based); max since the last read */
	void (*meter_strip)(void *ctx, unsigned k, float out[METER_STRIP_N]);
	/* of the master, max since the last read: peak L, peak R (dBFS), true peak (dBTP), the
	 * limiter's and the glue compressor's gain reduction (dB) */
	void (*meter_master)(void *ctx, float out[METER_MASTER_N]);
	/* the multiband compressor's gain reduction per band (dB), max since the last read.
	 * NULL: /meter/master/multiband is unknown. */
	void (*meter_multiband)(void *ctx, float out[METER_MULTIBAND_N]);
	/* peak L, peak R (dBFS) of bus k's return (enum engine_bus order), max since the last
	 * read. NULL: /meter/bus/... is unknown. */
	void (*meter_bus)(void *ctx, unsigned k, float out[METER_BUS_N]);
	/* peak L, peak R, RMS L, RMS R (dBFS) of aux bus k (0-based; R = L on a mono bus), what
	 * its outputs carry, peaks max since the last read. NULL: /meter/aux/... is unknown. */
	void (*meter_aux)(void *ctx, unsigned k, float out[METER_AUX_N]);
	/* the same of the monitor outputs. NULL: /meter/monitor is unknown. */
	void (*meter_monitor)(void *ctx, float out[METER_MONITOR_N]);
	/* the master's loudness: M, S, I (LUFS), LRA (LU), max true peak (dBTP), target (LUFS),
	 * distance I - target (LU); -144 for nothing measured. NULL: /loudness is unknown. */
	void (*loudness)(void *ctx, float out[DISPATCH_LOUDNESS_N]);
	/* starts a new window for the callback-time percentiles /stats reports (window_*).
	 * NULL: /stats/window is unknown. */
	void (*stats_window)(void *ctx);
	/* starts the loudness measurement again. NULL: /master/loudness/reset is unknown. */
	void (*loudness_reset)(void *ctx);
};

struct dispatch_stats {
	uint64_t sets, gets, errors;
	uint64_t replies_ignored; /* reply-shaped messages dropped unanswered (dispatch_message) */
};

struct dispatch;

/* Control thread. Returns NULL when out of memory. The hooks are copied. */
struct dispatch *dispatch_new(struct model *m, const struct dispatch_hooks *hooks);
void dispatch_free(struct dispatch *d);

/* Control thread. Replies go out through this server. */
void dispatch_attach(struct dispatch *d, struct osc_server *srv);

/* Control thread. While a message is dispatched, when its datagram reached this host
 * (osc_server_arrival_ns, CLOCK_MONOTONIC ns); 0 outside a dispatch or before a server is
 * attached. */
uint64_t dispatch_arrival_ns(const struct dispatch *d);

/* Control thread, every tick, with the monotonic time: sends what the budgets allow of the
 * long answers in progress (/list, pager.h), and keeps the longest gap between two ticks
 * (tick_max_gap_us in /stats, since start or the last /stats/window). */
void dispatch_tick(struct dispatch *d, uint64_t now_ns);

/* Control thread. An osc_message_fn: pass it with the dispatch as ctx to osc_server_new. */
void dispatch_message(void *d, const struct osc_peer *from, const char *path, const char *types,
                      lo_arg **argv, int argc);

void dispatch_get_stats(const struct dispatch *d, struct dispatch_stats *out);

/* A handler for messages outside the parameter table (subscriptions, a personality, scenes):
 * returns true when it took the message (and answered it as it should), false to pass it on. */
typedef bool (*dispatch_handler_fn)(void *ctx, const struct osc_peer *from, const char *path,
                                    const char *types, lo_arg **argv, int argc);

#define DISPATCH_MAX_HANDLERS 8

/* Control thread. Adds a handler, asked in the order added, after the parameter table and
 * before dispatch's own console-wide messages. Returns 0 or -ENOSPC. */
int dispatch_add_handler(struct dispatch *d, dispatch_handler_fn fn, void *ctx);

#define DISPATCH_MAX_EARLY_HANDLERS 2

/* Control thread. Adds a handler asked before the parameter table, in the order added: for a
 * personality whose addresses collide with native ones but mean something else, and only for
 * the peers it knows speak it (Ardour's /master/fader is a position, the native one dB). It must
 * return false for everything else, or native clients lose their addresses. Returns 0 or
 * -ENOSPC. */
int dispatch_add_early_handler(struct dispatch *d, dispatch_handler_fn fn, void *ctx);

/* Control thread. Sends m to a peer and frees it (NULL is ignored). */
void dispatch_reply(struct dispatch *d, const struct osc_peer *to, const char *path, lo_message m);

/* Control thread. Sends `/error s:address s:reason` and counts it in the rejected counter. */
void dispatch_reply_error(struct dispatch *d, const struct osc_peer *to, const char *address,
                          const char *reason);

/* Control thread. A new message holding parameter idx's current value as a get reply carries
 * it (f, i, or s for strings and enums). Returns NULL when out of memory. */
lo_message dispatch_value_message(struct model *m, unsigned idx);

/* Control thread. Sets every cue (strips, aux buses, effect buses) of m to 0: the monitor goes
 * back to the main mix. Returns how many were on. */
unsigned dispatch_cue_clear(struct model *m);

#endif
