/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conn_osc: the remembered JACK connections over OSC.
 *
 *   /connections                -> /connections s:ours s:peer s:state ... then
 *                                  /connections/end i:count
 *   /connect s:ours s:peer      -> /connect s:ours s:peer s:state (connected or pending)
 *   /disconnect s:ours s:peer   -> /disconnect s:ours s:peer
 *
 * ours is one of mixd's ports (in_1, master_L, or its full name), peer a full port name. One
 * reply message per connection, each far below a datagram's 1472 bytes (names are bounded by
 * conn_file.h), at most CONN_MAX of them. Anything wrong: /error s:address s:reason.
 */
#ifndef MIXD_CONN_OSC_H
#define MIXD_CONN_OSC_H

#include <stdbool.h>

#include "dispatch.h"

struct connections;

struct conn_osc {
	struct connections *c;
	struct dispatch *d;
};

/* Control thread. A dispatch_handler_fn; ctx is a struct conn_osc. */
bool conn_osc_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                      lo_arg **argv, int argc);

#endif
