/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * automations: the control side of automation — named files in STATE_DIR/automation/NAME.auto,
 * the JACK transport, and the OSC messages (design.md §3):
 *
 *   /automation/load s:name     validates every line of NAME.auto, then plays all of it
 *                               (replacing any lanes playing) or changes nothing; reply
 *                               /automation/load s:name
 *   /automation/clear           no lanes; reply /automation/clear
 *   /automation/play            starts the JACK transport; reply /automation/play
 *   /automation/stop            stops it; reply /automation/stop
 *   /automation/locate f:sec    moves it to sec seconds; reply /automation/locate f:sec
 *   /automation/save s:name     writes the lanes, with what was recorded, to NAME.auto; reply
 *                               /automation/save s:name
 *   ADDRESS/automation s:mode   off (the lane is ignored, other moves stick), play (the lane
 *                               drives the parameter), write (while rolling, the parameter's
 *                               value is recorded over the lane), touch (the lane plays until
 *                               a client moves the parameter, then records until 500 ms after
 *                               the last move); reply ADDRESS/automation s:mode; with no
 *                               argument, the reply alone
 *
 * The transport is JACK's, shared by every client: mixd follows whoever moves it. Names are the
 * scenes' ([A-Za-z0-9._-]{1,64}). Anything wrong gets /error s:address s:reason, for a bad file
 * naming the line.
 */
#ifndef MIXD_AUTOMATIONS_H
#define MIXD_AUTOMATIONS_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stddef.h>

#include "server.h"

struct automation;
struct dispatch;
struct jackio;
struct model;
struct automations;

/* Control thread. a is the player the JACK callback runs (jackio_set_automation), j the client
 * whose transport and rate are used; neither is owned. state_dir is copied. Returns NULL when
 * out of memory or the path is too long. */
struct automations *automations_new(struct model *m, struct dispatch *d, struct jackio *j,
                                    struct automation *a, const char *state_dir);
void automations_free(struct automations *s);

/* Control thread. Loads automation `name` (all or nothing) and hands its lanes to the player;
 * without a JACK server they are built once one is there. Returns 0, -EINVAL for a bad name or
 * file (err names the line), -ENOENT for no such file, -EBUSY when the RT side is not taking
 * new lanes, or -errno. */
int automations_load(struct automations *s, const char *name, char *err, size_t errlen);

/* Control thread. Writes the lanes (as loaded, with what write and touch recorded since) to
 * automation `name`, atomically; no lanes make a file with none. Returns 0, -EINVAL for a bad
 * name, or -errno with err set. */
int automations_save(struct automations *s, const char *name, char *err, size_t errlen);

/* Control thread, every tick. Frees the sets the RT side gave back; starts and ends write and
 * touch passes (a stop, a touch released, a jump back); and hands the lanes over again when the
 * JACK sample rate is new (a first connection, a rate change) or a pass ended. */
void automations_tick(struct automations *s);

/* Control thread. The model's set observer (model_set_observer): a client set parameter idx
 * to v. In write or touch mode that is a move: touch lets the lane go, and while the transport
 * rolls the move is recorded at the transport frame it arrived at (not the tick's, not the
 * period's). Anything else is ignored. */
void automations_moved(void *s, unsigned idx, float v);

/* Control thread. A dispatch handler for /automation/... and ADDRESS/automation; false for any
 * other path. */
bool automations_message(void *s, const struct osc_peer *from, const char *path, const char *types,
                         lo_arg **argv, int argc);

/* Control thread. Moves that write or touch did not record because the file held
 * AUTOREC_MAX_POINTS points (autorec.h). */
uint64_t automations_refused(const struct automations *s);

#endif
