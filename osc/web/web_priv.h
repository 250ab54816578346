/* SPDX-License-Identifier: GPL-2.0-or-later */
/* web_priv: what web.c (the port, HTTP, files) and web_ws.c (WebSockets) share. */
#ifndef MIXD_WEB_PRIV_H
#define MIXD_WEB_PRIV_H

#include <libwebsockets.h>
#include <uv.h>

#include "jbuf.h"
#include "oscquery.h"
#include "packet.h"
#include "web.h"

#define WEB_MAX_FILES 32
#define WEB_FILE_MAX  (512u * 1024u)
#define WEB_FILES_MAX (2u * 1024u * 1024u)
#define WEB_CHUNK     16384
/* OSCQuery replies being built or sent at once: each may be megabytes on a large console. */
#define WEB_MAX_BODIES 8
/* Longest LISTEN / IGNORE command accepted, bytes. */
#define WEB_TEXT_MAX 512

struct web_file {
	char name[64];
	const char *ctype;
	char *data;
	size_t len;
};

/* A frame queued towards a WebSocket: LWS_PRE bytes of room for lws's header, then the data. */
struct web_frame {
	struct web_frame *next;
	size_t len;
	unsigned char buf[];
};

/* Per connection (lws's per-session data): an HTTP request or a WebSocket. */
struct web_conn {
	struct lws *wsi;
	bool ws;
	/* HTTP: the body being sent, from body (owned, counted in web.n_bodies while held) or a
	 * file (not owned) */
	struct jbuf body;
	bool body_held;
	const char *out;
	size_t out_len, out_sent;
	/* WebSocket */
	unsigned slot; /* in web.conns */
	uint32_t gen;  /* of the slot when this socket took it */
	struct osc_peer peer;
	unsigned char *rx; /* PACKET_MAX_SIZE */
	size_t rx_len;
	bool rx_binary, rx_over;
	struct web_frame *tx_head, *tx_tail;
	size_t tx_bytes;
	uint8_t *listen; /* a bit per parameter */
	unsigned n_listen;
	double tokens;
	uint64_t last_ns;
};

struct web_counters {
	uint64_t connections, refused, http_requests, http_errors;
	uint64_t ws_opened, ws_frames, ws_malformed, ws_oversized, ws_bad_text, ws_rate_limited;
	uint64_t ws_sent, ws_send_drops;
};

struct web {
	struct web_config cfg;
	char host[64], name[64], root[512];
	bool loopback; /* listening on loopback only: requests must name a loopback host */
	struct model *m;
	struct osc_server *srv;
	struct oscquery *q;
	uv_loop_t loop;
	bool loop_ok;
	struct lws_context *ctx;
	/* set with ctx; lws clears it once the context is wholly freed, which with a foreign loop
	 * happens only after the loop has run the handles' close callbacks */
	struct lws_context *ctx_alive;
	struct lws_protocols protocols[2];
	struct web_file files[WEB_MAX_FILES];
	unsigned n_files;
	struct web_conn *conns[WEB_MAX_CLIENTS];
	uint32_t gens[WEB_MAX_CLIENTS];
	unsigned n_ws;
	unsigned n_bodies;
	struct web_counters st;
	unsigned char scratch[LWS_PRE + WEB_CHUNK];
};

/* web_files.c, control thread. Loads the page's files from dir; returns how many (0, and
 * nothing kept, when dir has no index.html). */
unsigned web_files_load(struct web *w, const char *dir);
/* The file called name, or NULL. */
const struct web_file *web_files_find(const struct web *w, const char *name);
void web_files_free(struct web *w);

/* web_ws.c, control thread. */
int web_ws_callback(struct web *w, struct lws *wsi, enum lws_callback_reasons reason,
                    struct web_conn *c, void *in, size_t len);
int web_ws_relay(void *w, const struct osc_peer *to, const void *buf, size_t len);
void web_ws_tick(struct web *w, const struct feedback_frame *f);
/* True when the request's Host (and, for a WebSocket, Origin) may reach this port. */
bool web_host_ok(struct web *w, struct lws *wsi, bool check_origin);

#endif
