/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * web_ws: the WebSockets of the web port. Each socket is a peer of the control port (a relay
 * peer, server.h): binary frames go to osc_server_inject as datagrams would, and whatever the
 * console sends to that peer (replies, /subscribe feedback, meters, Ardour feedback) comes back
 * here through web_ws_relay and leaves as binary frames. Text frames carry OSCQuery's LISTEN
 * and IGNORE.
 */
#include "web_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "clock.h"
#include "model.h"
#include "params.h"

/* Frames written per writable callback: enough to drain a /list reply quickly, few enough that
 * one socket cannot hold the control thread. */
#define WRITES_PER_CALLBACK 64

/* A relay peer's address: AF_UNIX (no UDP datagram comes from one), a tag, the slot and the
 * slot's generation, so a reply meant for a closed socket never reaches the next one. */
static void
make_peer(struct osc_peer *p, unsigned slot, uint32_t gen)
{
	unsigned char *b = (unsigned char *)&p->addr + offsetof(struct sockaddr_un, sun_path);
	uint32_t s = slot;

	memset(p, 0, sizeof(*p));
	p->addr.ss_family = AF_UNIX;
	memcpy(b, "\0mixd-ws", 8);
	memcpy(b + 8, &s, 4);
	memcpy(b + 12, &gen, 4);
	p->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 16);
}

static struct web_conn *
conn_of(struct web *w, const struct osc_peer *p)
{
	const unsigned char *b =
	    (const unsigned char *)&p->addr + offsetof(struct sockaddr_un, sun_path);
	uint32_t slot, gen;

	if (p->addr.ss_family != AF_UNIX || memcmp(b, "\0mixd-ws", 8))
		return NULL;
	memcpy(&slot, b + 8, 4);
	memcpy(&gen, b + 12, 4);
	if (slot >= WEB_MAX_CLIENTS || !w->conns[slot] || w->gens[slot] != gen)
		return NULL;
	return w->conns[slot];
}

/* Queues one frame towards c, within its budget. Returns 0, -ENOBUFS or -ENOMEM. */
static int
enqueue(struct web *w, struct web_conn *c, const void *buf, size_t len)
{
	struct web_frame *f;

	if (c->tx_bytes + len > WEB_TX_BUDGET) {
		w->st.ws_send_drops++;
		return -ENOBUFS;
	}
	f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f) {
		w->st.ws_send_drops++;
		return -ENOMEM;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->buf + LWS_PRE, buf, len);
	if (c->tx_tail)
		c->tx_tail->next = f;
	else
		c->tx_head = f;
	c->tx_tail = f;
	c->tx_bytes += len;
	lws_callback_on_writable(c->wsi);
	return 0;
}

int
web_ws_relay(void *ctx, const struct osc_peer *to, const void *buf, size_t len)
{
	struct web *w = ctx;
	struct web_conn *c = conn_of(w, to);

	if (!c) {
		w->st.ws_send_drops++;
		return -ENOTCONN; /* the socket closed; its subscription lapses by itself */
	}
	return enqueue(w, c, buf, len);
}

/* Sends parameter idx's current value to c, as a get reply carries it. */
static void
send_value(struct web *w, struct web_conn *c, unsigned idx)
{
	const char *path = params_at(model_params(w->m), idx)->address;
	lo_message m = dispatch_value_message(w->m, idx);
	unsigned char buf[512];
	size_t len;

	if (!m)
		return;
	len = lo_message_length(m, path);
	if (len <= sizeof(buf)) {
		lo_message_serialise(m, path, buf, &len);
		enqueue(w, c, buf, len);
	}
	lo_message_free(m);
}

/* ---- LISTEN / IGNORE: {"COMMAND":"LISTEN","DATA":"/strip/1/fader"} ---- */

static const char *
skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

/* A JSON string without escapes other than \" \\ \/ (no address needs one). Returns the end,
 * or NULL. */
static const char *
json_string(const char *s, const char *end, char *out, size_t n)
{
	size_t len = 0;

	if (s >= end || *s++ != '"')
		return NULL;
	while (s < end && *s != '"') {
		char ch = *s++;

		if ((unsigned char)ch < 0x20)
			return NULL;
		if (ch == '\\') {
			if (s >= end || !strchr("\"\\/", *s))
				return NULL;
			ch = *s++;
		}
		if (len + 1 >= n)
			return NULL;
		out[len++] = ch;
	}
	if (s >= end)
		return NULL;
	out[len] = '\0';
	return s + 1;
}

/* Reads {"COMMAND": s, "DATA": s} (either order, nothing else). True when well formed. */
static bool
parse_command(const char *s, size_t n, char *cmd, size_t cl, char *data, size_t dl)
{
	const char *end = s + n;
	char key[16], val[PARAM_ADDRESS_MAX + 1];

	cmd[0] = data[0] = '\0';
	s = skip_ws(s, end);
	if (s >= end || *s++ != '{')
		return false;
	for (;;) {
		s = json_string(skip_ws(s, end), end, key, sizeof(key));
		if (!s)
			return false;
		s = skip_ws(s, end);
		if (s >= end || *s++ != ':')
			return false;
		s = json_string(skip_ws(s, end), end, val, sizeof(val));
		if (!s)
			return false;
		if (!strcmp(key, "COMMAND") && strlen(val) < cl)
			memcpy(cmd, val, strlen(val) + 1);
		else if (!strcmp(key, "DATA") && strlen(val) < dl)
			memcpy(data, val, strlen(val) + 1);
		else
			return false;
		s = skip_ws(s, end);
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (s < end && *s == '}')
			break;
		return false;
	}
	return skip_ws(s + 1, end) == end && cmd[0] && data[0];
}

static void
handle_text(struct web *w, struct web_conn *c)
{
	char cmd[16], data[PARAM_ADDRESS_MAX + 1];
	int idx;

	if (c->rx_len > WEB_TEXT_MAX ||
	    !parse_command((const char *)c->rx, c->rx_len, cmd, sizeof(cmd), data, sizeof(data)) ||
	    (idx = oscquery_param(w->q, data)) < 0 ||
	    (strcmp(cmd, "LISTEN") && strcmp(cmd, "IGNORE"))) {
		w->st.ws_bad_text++;
		return;
	}
	if (!strcmp(cmd, "LISTEN")) {
		if (!(c->listen[idx / 8] & (1u << (idx % 8)))) {
			c->listen[idx / 8] |= (uint8_t)(1u << (idx % 8));
			c->n_listen++;
		}
		send_value(w, c, (unsigned)idx); /* the listener starts in sync */
	} else if (c->listen[idx / 8] & (1u << (idx % 8))) {
		c->listen[idx / 8] &= (uint8_t) ~(1u << (idx % 8));
		c->n_listen--;
	}
}

/* ---- binary: OSC packets ---- */

/* Takes cost messages from c's bucket (the control port's rule: a full bucket admits any
 * packet and the excess is paid off as debt). */
static bool
admit(struct web *w, struct web_conn *c, unsigned cost)
{
	double burst = w->cfg.rate / 5 ? w->cfg.rate / 5 : 1;
	uint64_t now = clock_ns();

	if (w->cfg.rate == 0)
		return true;
	c->tokens += (double)(now - c->last_ns) * 1e-9 * w->cfg.rate;
	if (c->tokens > burst)
		c->tokens = burst;
	c->last_ns = now;
	if (c->tokens < cost && c->tokens < burst)
		return false;
	c->tokens -= cost;
	return true;
}

static void
handle_binary(struct web *w, struct web_conn *c)
{
	int n = packet_foreach_message(c->rx, c->rx_len, NULL, NULL);

	if (n >= 0 && !admit(w, c, n ? (unsigned)n : 1)) {
		w->st.ws_rate_limited += n ? (unsigned)n : 1;
		return;
	}
	/* malformed packets are refused and counted by the control port too */
	if (osc_server_inject(w->srv, &c->peer, c->rx, c->rx_len) == -EBADMSG)
		w->st.ws_malformed++;
}

static void
receive(struct web *w, struct lws *wsi, struct web_conn *c, const void *in, size_t len)
{
	if (lws_is_first_fragment(wsi)) {
		c->rx_len = 0;
		c->rx_over = false;
		c->rx_binary = lws_frame_is_binary(wsi);
	}
	if (!c->rx_over && c->rx_len + len <= PACKET_MAX_SIZE) {
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	} else if (!c->rx_over) {
		c->rx_over = true;
		w->st.ws_oversized++;
	}
	if (!lws_is_final_fragment(wsi) || c->rx_over)
		return;
	w->st.ws_frames++;
	if (c->rx_binary)
		handle_binary(w, c);
	else
		handle_text(w, c);
}

/* ---- life of a socket ---- */

static int
established(struct web *w, struct lws *wsi, struct web_conn *c)
{
	unsigned n = params_count(model_params(w->m)), slot;

	memset(c, 0, sizeof(*c));
	for (slot = 0; slot < WEB_MAX_CLIENTS && w->conns[slot]; slot++)
		;
	if (slot == WEB_MAX_CLIENTS)
		return -1; /* the filter counted it; two upgrades raced for the last slot */
	c->rx = malloc(PACKET_MAX_SIZE);
	c->listen = calloc(n / 8 + 1, 1);
	if (!c->rx || !c->listen) {
		free(c->rx);
		free(c->listen);
		c->rx = NULL;
		c->listen = NULL;
		return -1;
	}
	c->wsi = wsi;
	c->ws = true;
	c->slot = slot;
	c->gen = ++w->gens[slot];
	make_peer(&c->peer, slot, c->gen);
	c->last_ns = clock_ns();
	c->tokens = w->cfg.rate / 5 ? w->cfg.rate / 5 : 1;
	w->conns[slot] = c;
	w->n_ws++;
	w->st.ws_opened++;
	return 0;
}

static void
closed(struct web *w, struct web_conn *c)
{
	static const unsigned char unsubscribe[] = "/unsubscribe\0\0\0\0,\0\0";

	if (!c->ws || !c->rx)
		return;
	/* the socket's subscriptions end with it, as if it had said so */
	w->conns[c->slot] = NULL;
	osc_server_inject(w->srv, &c->peer, unsubscribe, sizeof(unsubscribe));
	while (c->tx_head) {
		struct web_frame *f = c->tx_head;
		c->tx_head = f->next;
		free(f);
	}
	c->tx_tail = NULL;
	free(c->rx);
	free(c->listen);
	c->rx = NULL;
	c->listen = NULL;
	w->n_ws--;
}

static int
writeable(struct web *w, struct lws *wsi, struct web_conn *c)
{
	for (int i = 0; i < WRITES_PER_CALLBACK && c->tx_head; i++) {
		struct web_frame *f = c->tx_head;

		if (i && lws_send_pipe_choked(wsi))
			break;
		if (lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_BINARY) < (int)f->len)
			return -1;
		c->tx_head = f->next;
		if (!c->tx_head)
			c->tx_tail = NULL;
		c->tx_bytes -= f->len;
		free(f);
		w->st.ws_sent++;
	}
	if (c->tx_head)
		lws_callback_on_writable(wsi);
	return 0;
}

int
web_ws_callback(struct web *w, struct lws *wsi, enum lws_callback_reasons reason,
                struct web_conn *c, void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!web_host_ok(w, wsi, true) || w->n_ws >= WEB_MAX_CLIENTS) {
			w->st.refused++;
			return 1;
		}
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		return established(w, wsi, c);
	case LWS_CALLBACK_RECEIVE:
		if (c->ws)
			receive(w, wsi, c, in, len);
		if (c->rx_over) {
			/* a message larger than any packet: the socket goes, with the reason */
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			                 (unsigned char *)"message too large", 17);
			return -1;
		}
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return c->ws ? writeable(w, wsi, c) : 0;
	case LWS_CALLBACK_CLOSED:
		closed(w, c);
		return 0;
	default:
		return 0;
	}
}

void
web_ws_tick(struct web *w, const struct feedback_frame *f)
{
	for (unsigned s = 0; s < WEB_MAX_CLIENTS; s++) {
		struct web_conn *c = w->conns[s];

		if (!c || !c->n_listen)
			continue;
		for (unsigned i = 0; i < f->n_changed; i++) {
			unsigned idx = f->changed[i];
			if (c->listen[idx / 8] & (1u << (idx % 8)))
				send_value(w, c, idx);
		}
	}
}
