/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * web: mixd's HTTP and WebSocket port (--http-port), on libwebsockets.
 *
 *   GET /...            OSCQuery (oscquery.h): the address tree, ?VALUE and the other
 *                       attributes, ?HOST_INFO
 *   GET /  (a browser)  redirected to /ui/ when the request accepts text/html and has no query
 *   GET /ui/NAME        the control surface's files (web/ in the source tree), read once at start
 *   WebSocket on /      OSC 1.0 packets as binary frames, both ways, through the control port's
 *                       own dispatch (osc_server_inject: same validation, same replies, same
 *                       /subscribe feedback); OSCQuery's LISTEN / IGNORE commands as text frames
 *
 * libwebsockets runs on a libuv loop that mixd owns and never blocks on: web_fd is libuv's
 * backend (epoll) descriptor, which the control thread polls with its other ones, and
 * web_service runs whatever is ready without waiting. Connections from outside the allowlist are
 * closed at accept; while the port listens on loopback only, requests must name a loopback host
 * (no DNS rebinding), and a browser's WebSocket must come from a page of this port (Origin equals
 * Host: no other site can drive the console through the user's browser).
 *
 * Bounded: at most WEB_MAX_CLIENTS WebSockets, each with a receive buffer of PACKET_MAX_SIZE and
 * at most WEB_TX_BUDGET bytes queued towards it (past that, frames to it are dropped and
 * counted: a slow page never holds the console's memory). A message larger than PACKET_MAX_SIZE
 * closes its socket (1009); frames that are not OSC, or not a known command, are refused and
 * counted; each socket has a token bucket of --osc-rate messages a second.
 */
#ifndef MIXD_WEB_H
#define MIXD_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allow.h"
#include "dispatch.h"
#include "feedback.h"
#include "server.h"

#define WEB_MAX_CLIENTS 16
#define WEB_TX_BUDGET   (512u * 1024u)
/* Largest OSCQuery reply: about 350 bytes a parameter, so 256 strips fit with room. */
#define WEB_JSON_MAX (16u * 1024u * 1024u)

struct model;

struct web_config {
	const char *host; /* address to bind ("127.0.0.1", "::1", "0.0.0.0") */
	int port;         /* TCP port, 1..65535 */
	const struct allowlist *allow;
	const char *root; /* directory of the page's files; NULL: the installed one */
	const char *name; /* the console's name for HOST_INFO */
	int osc_port;     /* the UDP port for HOST_INFO */
	unsigned rate;    /* messages a second each WebSocket may send; 0: unlimited */
};

struct web;

/* Control thread. Binds the port and starts serving through srv (which gets the relay: see
 * server.h). Returns NULL with a message in err when the port cannot be bound or memory runs
 * out; *busy is set when the reason is that the port is taken. */
struct web *web_new(const struct web_config *c, struct model *m, struct osc_server *srv, bool *busy,
                    char *err, size_t errlen);
/* Control thread. Closes every connection and the port; NULL is accepted. */
void web_free(struct web *w);

/* Any thread. The descriptor to poll for input (libuv's backend), and the bound port. */
int web_fd(const struct web *w);
int web_port(const struct web *w);
/* Control thread. The directory the page's files came from, or NULL when none were found. */
const char *web_root(const struct web *w);

/* Control thread. Runs what is ready (accepts, requests, frames, writes, timers); never waits.
 * Call it when web_fd is readable and once per tick. */
void web_service(struct web *w);

/* Control thread, once per tick: sends every LISTENed parameter that changed. */
void web_tick(struct web *w, const struct feedback_frame *f);

/* Control thread. The port's counters for /stats (names web_*, ws_*, http_*); fills up to max,
 * returns how many. */
unsigned web_stats(const struct web *w, struct dispatch_stat *out, unsigned max);

#endif
