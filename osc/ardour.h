/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ardour: the Ardour OSC surface personality, on mixd's own port (../shared/osc-compat.md).
 *
 * Layouts written for Ardour's OSC surface (Open Stage Control's ardour-control, TouchOSC
 * Ardour layouts, liblo clients like pySAPTouch) drive mixd unchanged: /set_surface and its
 * in-path and per-field forms, banking, /strip/list, the strip and master controls mapped onto
 * the parameter table, and feedback in the shape each surface negotiated.
 *
 * Each surface is keyed by its reply address (see ardour.c); the table is bounded
 * (ARDOUR_MAX_SURFACES) and the least recently heard surface makes room for a new one.
 */
#ifndef MIXD_ARDOUR_H
#define MIXD_ARDOUR_H

#include <stdbool.h>
#include <stdint.h>

#include "feedback.h"
#include "server.h"

#define ARDOUR_MAX_SURFACES 16

struct model;
struct dispatch;

struct ardour_stats {
	uint64_t surfaces; /* known now */
	uint64_t messages; /* Ardour-shaped messages taken */
	uint64_t feedback; /* feedback messages sent */
};

struct ardour;

/* Control thread. Returns NULL when out of memory. Replies and feedback go through srv; the
 * dispatch gives the console's /info (name, rate) through its hooks. */
struct ardour *ardour_new(struct model *m, struct osc_server *srv, struct dispatch *d,
                          const struct dispatch_hooks *hooks);
void ardour_free(struct ardour *a);

/* Control thread. A dispatch handler (dispatch_add_handler): takes the Ardour-shaped paths and
 * returns false for any other. */
bool ardour_message(void *a, const struct osc_peer *from, const char *path, const char *types,
                    lo_arg **argv, int argc);

/* Control thread, once per tick: feedback of changed values, meters every 100 ms, heartbeat. */
void ardour_tick(struct ardour *a, const struct feedback_frame *f);

void ardour_get_stats(const struct ardour *a, struct ardour_stats *out);

#endif
