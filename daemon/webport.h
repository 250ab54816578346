/* SPDX-License-Identifier: GPL-2.0-or-later */
/* webport: starts mixd's web port (osc/web/web.h) from the command line's options. */
#ifndef MIXD_WEBPORT_H
#define MIXD_WEBPORT_H

#include <stddef.h>

#include "options.h"
#include "web.h"

/* Control thread. Starts the web port on the host of --osc-listen and --http-port, or returns
 * NULL with *err empty when --http-port is 0. A port already taken is fatal only when
 * --http-port was given (NULL, message in err); the default 8080 being taken is logged and mixd
 * runs without it (NULL, err empty). Other failures: NULL with a message in err. */
struct web *webport_start(const struct options *o, const char *name, struct model *m,
                          struct osc_server *srv, char *err, size_t errlen);

/* Control thread. Logs where the page is ("http://127.0.0.1:8080/ui/"). */
void webport_announce(const struct web *w, const struct options *o);

#endif
