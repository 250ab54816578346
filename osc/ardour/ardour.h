/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ardour: the Ardour OSC surface personality, on mixd's own port (../shared/osc-compat.md).
 *
 * Layouts written for Ardour's OSC surface (Open Stage Control's ardour-control, TouchOSC
 * Ardour layouts, liblo clients like pySAPTouch) drive mixd unchanged: /set_surface and its
 * in-path and per-field forms, banking, /strip/list, the strip and master controls mapped onto
 * the parameter table, and feedback in the shape each surface negotiated.
 *
 * A surface is made by /set_surface and keyed by the address it sent that from; replies go
 * there, or to its host at the port /set_surface named (Ardour's manual port mode). The surfaces
 * are a peer table (osc/peers.h: the one policy of mixd's per-peer tables), bounded
 * (ARDOUR_MAX_SURFACES), shared fairly between hosts (ARDOUR_PER_HOST each), and a surface
 * unheard for more than ARDOUR_LEASE_NS is forgotten.
 * docs/ardour.md says what is supported and how it maps; ardour_private.h how the folder is
 * split.
 */
#ifndef MIXD_ARDOUR_H
#define MIXD_ARDOUR_H

#include <stdbool.h>
#include <stdint.h>

#include "feedback.h"
#include "server.h"

#define ARDOUR_MAX_SURFACES 16
/* Surfaces one host (any port) may have; who makes room for whom is the peer table's policy
 * (osc/peers.h) */
#define ARDOUR_PER_HOST 4
/* A surface not heard from for this long is forgotten (any message renews it; a surface that
 * comes back sends /set_surface again, as it does when it connects) */
#define ARDOUR_LEASE_NS (3600ull * 1000000000ull)

struct model;
struct dispatch;

struct ardour_stats {
	uint64_t surfaces;    /* known now */
	uint64_t evicted;     /* working surfaces forgotten to make room for a new one */
	uint64_t expired;     /* surfaces forgotten after more than ARDOUR_LEASE_NS unheard */
	uint64_t refused;     /* /set_surface refused: the table fairly shared and full */
	uint64_t messages;    /* Ardour-shaped messages taken */
	uint64_t sent;        /* messages sent to surfaces: replies and feedback */
	uint64_t send_errors; /* messages that could not be sent (a full socket buffer) */
};

struct ardour;

/* Control thread. Returns NULL when out of memory (or when the parameter table lacks a row this
 * personality maps: a strip's name, trim, polarity, fader, pan, mute, solo, send levels, the
 * master's fader and mute). Replies and feedback go through srv; hooks->info gives the session
 * name (the JACK client name) and the sample rate. The hooks are copied; m, srv and d must
 * outlive the personality. */
struct ardour *ardour_new(struct model *m, struct osc_server *srv, struct dispatch *d,
                          const struct dispatch_hooks *hooks);
/* Control thread. NULL is accepted. */
void ardour_free(struct ardour *a);

/* Control thread. How many inputs strip (0-based) has, as /strip/list reports it: 1 (the
 * default) or 2 for a stereo strip. Anything else is ignored. */
void ardour_set_inputs(struct ardour *a, unsigned strip, unsigned n_inputs);

/* Control thread. A dispatch handler (dispatch_add_handler), asked after the parameter table:
 * takes the Ardour-shaped addresses the table does not have (/set_surface..., /strip/gain,
 * /strip/fader/3, /bank_up, /master/gain, Ardour's transport and editor controls, ...) from any
 * peer, and returns false for every other address, so native clients keep their /error. */
bool ardour_message(void *a, const struct osc_peer *from, const char *path, const char *types,
                    lo_arg **argv, int argc);

/* Control thread. A dispatch early handler (dispatch_add_early_handler), asked before the
 * parameter table: for a peer that has an Ardour surface it takes the addresses that are both
 * native parameters and Ardour commands with another meaning (/master/fader, a position;
 * /master/mute; /strip/<ssid>/{fader,mute,solo,polarity,name}, the ssid counted in the
 * surface's bank). Returns false for every other peer and address. */
bool ardour_message_early(void *a, const struct osc_peer *from, const char *path, const char *types,
                          lo_arg **argv, int argc);

/* Control thread, once per tick (10 ms), after the model's changes are popped: feedback of the
 * changed values, and every 100 ms the meters, the heartbeat and the gainmode-1 name display.
 * Cannot fail: what cannot be sent is counted in send_errors. */
void ardour_tick(struct ardour *a, const struct feedback_frame *f);

/* Control thread. A copy of the counters. */
void ardour_get_stats(const struct ardour *a, struct ardour_stats *out);

/* The personality (osc/personality.h) the registry lists: create is ardour_new, the inputs of
 * the stereo strips and the two handlers; tick, the counters of /stats, free. */
struct personality_ops;
extern const struct personality_ops ardour_personality;

#endif
