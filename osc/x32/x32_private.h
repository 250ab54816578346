/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_private: the X32 personality's state, shared by its files:
 *   x32.c       the personality hooks: socket, create, free, stats
 *   x32_recv.c  one message from a client: /info, /xinfo, /status, /xremote, a get, a set
 *   x32_echo.c  the tick: every changed value to every /xremote client
 *   x32_subs.c  /subscribe, /formatsubscribe, /batchsubscribe, /meters, /renew, /unsubscribe
 *   x32_meters.c the meter banks
 *   x32_sends.c the switch of a channel's send to an aux bus, with its saved level
 *   x32_resolve.c, x32_value.c (x32_map.h), x32_law.c, x32_remote.c
 */
#ifndef MIXD_X32_PRIVATE_H
#define MIXD_X32_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "selfaddr.h"
#include "server.h"
#include "x32_map.h"
#include "x32_remote.h"
#include "x32_subs.h"

struct model;
struct peers;
struct meter_frame;

/* What /info and /xinfo say the console is: a model string X32-Edit and Companion accept, and
 * the firmware the emulator reports */
#define X32_MODEL    "X32"
#define X32_FIRMWARE "4.06"
#define X32_VERSION  "V2.07"
#define X32_NAME_STR "mixd"
/* datagrams read per receive call: bounded work per poll */
#define X32_RECEIVE_MAX 256
/* sets whose echo skips their sender, remembered per tick; past this the sender hears its own
 * echo too (harmless: it is the value it sent) */
#define X32_ORIGIN_MAX 256

struct x32_stats {
	uint64_t messages, gets, sets, rejected, unknown, ignored, sent, send_errors, self;
	uint64_t remote_refused, subs_refused;
};

struct x32 {
	struct model *m;
	const struct params *ps;
	struct osc_server *srv;   /* our own port, with its allowlist, buckets and budgets */
	struct selfaddr ctl_self; /* mixd's control port: never a destination either */
	bool have_ctl_self;
	struct x32_remote remote;
	/* the /xremote slot + 1 that set each parameter since the last tick (0: none), and the
	 * indices marked, to clear them */
	uint8_t *origin;
	unsigned marked[X32_ORIGIN_MAX];
	unsigned n_marked;
	uint8_t *mask_sent; /* per strip, this tick: bit 0 grp/dca, bit 1 grp/mute echoed */
	/* x32_subs.c: the subscriptions, entries of the one peer table (peers.h); the one being
	 * built; the meter accumulators, X32_METER_SUBS, each held by one subscription */
	struct peers *subs;
	struct x32_sub *sub_new;
	struct meter_frame *sub_acc;
	/* x32_sends.c: per strip x aux bus the level a send switched off had, NAN when it is on */
	float *send_saved;
	unsigned n_aux;
	struct x32_stats st;
};

/* Control thread (x32.c). Sends path with one value (v NULL: no argument; nargs strings when
 * strs is not NULL) to peer through our port. Returns 0 or -errno; counted either way. */
int x32_send_value(struct x32 *x, const struct osc_peer *to, const char *path,
                   const struct x32_value *v);
int x32_send_blob(struct x32 *x, const struct osc_peer *to, const char *path, const void *data,
                  size_t len);
int x32_send_strings(struct x32 *x, const struct osc_peer *to, const char *path,
                     const char *const *strs, unsigned n);

/* Control thread (x32_recv.c). The osc_message_fn of our port. */
void x32_on_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                    lo_arg **argv, int argc);

/* Control thread (x32_sends.c), at create. Allocates the saved send levels (none saved).
 * Returns 0 or -ENOMEM. */
int x32_sends_init(struct x32 *x);
/* Control thread (x32_sends.c). x32_read and x32_write with the send switches: what every
 * get and set of this personality goes through. x32_set returns what x32_write does. */
void x32_get(const struct x32 *x, const struct x32_target *t, struct x32_value *out);
int x32_set(struct x32 *x, const struct x32_target *t, const struct x32_value *in);
/* Control thread (x32_sends.c). Parameter idx changed (by anyone): a send level now above -inf
 * forgets the level its switch remembered. */
void x32_sends_changed(struct x32 *x, unsigned idx);

/* Control thread (x32_echo.c). The tick's changes to the /xremote clients. */
void x32_echo(struct x32 *x, const unsigned *changed, unsigned n, uint64_t now);

#endif
