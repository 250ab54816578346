/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * web_peer: mixd's web port as a test sees it — a plain HTTP/1.1 GET, a WebSocket client
 * written from RFC 6455 over a raw TCP socket (so a test can send what no library would: frames
 * that are not OSC, oversized ones, floods), and a small JSON reader for OSCQuery replies.
 * Header-only: static inline, for Check tests.
 */
#ifndef MIXD_TEST_WEB_PEER_H
#define MIXD_TEST_WEB_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* ---- TCP ---- */

/* A TCP connection to 127.0.0.1:port from local address from (NULL: any). */
static inline int
web_tcp_connect_from(const char *from, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		                 .sin_port = htons(port),
		                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	if (from) {
		struct sockaddr_in l = { .sin_family = AF_INET };
		inet_pton(AF_INET, from, &l.sin_addr);
		if (bind(fd, (struct sockaddr *)&l, sizeof(l)) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static inline int
web_tcp_connect(uint16_t port)
{
	return web_tcp_connect_from(NULL, port);
}

static inline int
web_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads into buf until it holds n bytes, the peer closes, or timeout_ms passes. Returns the
 * bytes read. */
static inline size_t
web_read_until(int fd, uint8_t *buf, size_t have, size_t n, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;

	while (have < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - h_now_ms();
		ssize_t got;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		got = recv(fd, buf + have, n - have, 0);
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	return have;
}

/* ---- HTTP ---- */

struct web_http {
	int status;
	char *body; /* NUL-terminated, malloc'd */
	size_t len;
	char headers[2048];
};

/* GET path from 127.0.0.1:port with extra header lines (each ending "\r\n", or NULL).
 * Returns 0 and fills r, or a negative errno. */
static inline int
web_get(uint16_t port, const char *path, const char *extra, struct web_http *r)
{
	size_t cap = 1 << 20, len = 0;
	uint8_t *buf = malloc(cap);
	char req[1024];
	char *hend;
	int fd;

	memset(r, 0, sizeof(*r));
	if (!buf)
		return -ENOMEM;
	fd = web_tcp_connect(port);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	snprintf(req, sizeof(req),
	         "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%sConnection: close\r\n\r\n", path, port,
	         extra ? extra : "");
	if (web_write_all(fd, req, strlen(req)) < 0) {
		close(fd);
		free(buf);
		return -EIO;
	}
	for (;;) {
		size_t got;
		if (len + 1 >= cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		got = web_read_until(fd, buf, len, cap - 1, 5000);
		if (got == len)
			break;
		len = got;
	}
	close(fd);
	buf[len] = 0;
	hend = strstr((char *)buf, "\r\n\r\n");
	if (!hend || sscanf((char *)buf, "HTTP/1.%*d %d", &r->status) != 1) {
		free(buf);
		return -EPROTO;
	}
	snprintf(r->headers, sizeof(r->headers), "%.*s", (int)(hend - (char *)buf), buf);
	r->len = len - (size_t)(hend + 4 - (char *)buf);
	r->body = malloc(r->len + 1);
	memcpy(r->body, hend + 4, r->len);
	r->body[r->len] = 0;
	free(buf);
	return 0;
}

/* ---- WebSocket (RFC 6455) ---- */

struct web_ws {
	int fd;
	uint8_t in[1 << 17];
	size_t have;
};

/* Opens a WebSocket on / . origin: an Origin header value or NULL. Returns 0, -EPROTO when the
 * server does not switch protocols, or a negative errno. */
static inline int
web_ws_open(struct web_ws *s, uint16_t port, const char *origin)
{
	char req[512], ohdr[256] = "";
	char *end;

	memset(s, 0, sizeof(*s));
	s->fd = web_tcp_connect(port);
	if (s->fd < 0)
		return s->fd;
	if (origin)
		snprintf(ohdr, sizeof(ohdr), "Origin: %s\r\n", origin);
	snprintf(req, sizeof(req),
	         "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
	         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	         "Sec-WebSocket-Version: 13\r\n%s\r\n",
	         port, ohdr);
	if (web_write_all(s->fd, req, strlen(req)) < 0)
		return -EIO;
	for (;;) {
		size_t got = web_read_until(s->fd, s->in, s->have, s->have + 1, 3000);
		if (got == s->have)
			return -EPROTO;
		s->have = got;
		s->in[s->have] = 0;
		end = strstr((char *)s->in, "\r\n\r\n");
		if (end)
			break;
		if (s->have > 4000)
			return -EPROTO;
	}
	if (strncmp((char *)s->in, "HTTP/1.1 101", 12))
		return -EPROTO;
	/* anything after the headers is the first frame's start */
	s->have -= (size_t)(end + 4 - (char *)s->in);
	memmove(s->in, end + 4, s->have);
	return 0;
}

static inline void
web_ws_close(struct web_ws *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Sends one frame (FIN set unless fin is false), masked as a client must. */
static inline int
web_ws_send_frame(struct web_ws *s, int opcode, const void *data, size_t len, bool fin)
{
	static const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t hl = 2;
	uint8_t *f = malloc(len + 14);
	int r;

	if (!f)
		return -ENOMEM;
	f[0] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	if (len < 126) {
		f[1] = (uint8_t)(0x80 | len);
	} else if (len < 65536) {
		f[1] = 0x80 | 126;
		f[2] = (uint8_t)(len >> 8);
		f[3] = (uint8_t)len;
		hl = 4;
	} else {
		f[1] = 0x80 | 127;
		for (int i = 0; i < 8; i++)
			f[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
		hl = 10;
	}
	memcpy(f + hl, mask, 4);
	for (size_t i = 0; i < len; i++)
		f[hl + 4 + i] = ((const uint8_t *)data)[i] ^ mask[i % 4];
	r = web_write_all(s->fd, f, hl + 4 + len);
	free(f);
	return r;
}

/* Sends path + m (not freed) as one binary frame. */
static inline int
web_ws_send_osc(struct web_ws *s, const char *path, lo_message m)
{
	uint8_t buf[4096];
	size_t len = lo_message_length(m, path);

	if (len > sizeof(buf))
		return -EMSGSIZE;
	lo_message_serialise(m, path, buf, &len);
	return web_ws_send_frame(s, 2, buf, len, true);
}

static inline int
web_ws_send_text(struct web_ws *s, const char *text)
{
	return web_ws_send_frame(s, 1, text, strlen(text), true);
}

/* The next frame within timeout_ms: its opcode (or -ETIMEDOUT / -EPIPE when the socket
 * closed), payload copied to out (up to cap) and its length in *len. */
static inline int
web_ws_recv(struct web_ws *s, int timeout_ms, uint8_t *out, size_t cap, size_t *len)
{
	int64_t deadline = h_now_ms() + timeout_ms;
	size_t hl, plen;

	for (;;) {
		if (s->have >= 2) {
			plen = s->in[1] & 0x7f;
			hl = 2;
			if (plen == 126 && s->have >= 4) {
				plen = ((size_t)s->in[2] << 8) | s->in[3];
				hl = 4;
			} else if (plen == 127 && s->have >= 10) {
				plen = 0;
				for (int i = 0; i < 8; i++)
					plen = (plen << 8) | s->in[2 + i];
				hl = 10;
			}
			if ((plen < 126 || hl > 2) && s->have >= hl + plen) {
				int op = s->in[0] & 0x0f;
				size_t n = plen < cap ? plen : cap;
				memcpy(out, s->in + hl, n);
				*len = n;
				s->have -= hl + plen;
				memmove(s->in, s->in + hl + plen, s->have);
				return op;
			}
		}
		{
			int64_t left = deadline - h_now_ms();
			size_t got;
			if (left <= 0)
				return -ETIMEDOUT;
			if (s->have == sizeof(s->in))
				return -E2BIG;
			got = web_read_until(s->fd, s->in, s->have, s->have + 1, (int)left);
			if (got == s->have) {
				struct pollfd p = { .fd = s->fd, .events = POLLIN };
				if (poll(&p, 1, 0) > 0)
					return -EPIPE; /* readable but nothing read: closed */
				continue;
			}
			s->have = got;
			/* take whatever else is already there */
			s->have = web_read_until(s->fd, s->in, s->have, sizeof(s->in), 0);
		}
	}
}

/* Calls fn for each OSC message in a packet (bundles unwrapped). */
typedef void (*web_msg_fn)(const char *path, lo_message m, void *ctx);

static inline void
web_osc_each(const uint8_t *p, size_t len, web_msg_fn fn, void *ctx)
{
	if (len >= 16 && !memcmp(p, "#bundle", 8)) {
		size_t off = 16;
		while (off + 4 <= len) {
			uint32_t n = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
			             ((uint32_t)p[off + 2] << 8) | p[off + 3];
			if (n > len - off - 4)
				return;
			web_osc_each(p + off + 4, n, fn, ctx);
			off += 4 + n;
		}
		return;
	}
	{
		int res = 0;
		lo_message m = lo_message_deserialise((void *)(uintptr_t)p, len, &res);
		if (!m)
			return;
		fn((const char *)p, m, ctx);
		lo_message_free(m);
	}
}

/* ---- JSON ---- */

enum web_json_kind { WJ_NULL, WJ_BOOL, WJ_NUM, WJ_STR, WJ_ARR, WJ_OBJ };

struct web_json {
	enum web_json_kind kind;
	double num;
	char *str; /* WJ_STR; the key when in an object */
	char *key;
	struct web_json *child; /* first element / member */
	struct web_json *next;  /* next sibling */
};

static inline void
web_json_free(struct web_json *j)
{
	while (j) {
		struct web_json *n = j->next;
		web_json_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = n;
	}
}

static inline const char *
wj_ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	return s;
}

static inline const char *
wj_string(const char *s, char **out)
{
	size_t cap = 64, n = 0;
	char *b = malloc(cap);

	if (*s++ != '"') {
		free(b);
		return NULL;
	}
	while (*s && *s != '"') {
		char c = *s++;
		if ((unsigned char)c < 0x20) {
			free(b);
			return NULL;
		}
		if (c == '\\') {
			c = *s++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') {
				unsigned v;
				if (sscanf(s, "%4x", &v) != 1) {
					free(b);
					return NULL;
				}
				s += 4;
				c = (char)(v < 0x80 ? v : '?');
			} else if (!strchr("\"\\/bfr", c)) {
				free(b);
				return NULL;
			}
		}
		if (n + 2 >= cap)
			b = realloc(b, cap *= 2);
		b[n++] = c;
	}
	if (*s != '"') {
		free(b);
		return NULL;
	}
	b[n] = 0;
	*out = b;
	return s + 1;
}

static inline const char *wj_value(const char *s, struct web_json **out, int depth);

static inline const char *
wj_value(const char *s, struct web_json **out, int depth)
{
	struct web_json *j = calloc(1, sizeof(*j)), **tail;
	char *end;

	*out = j;
	s = wj_ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		j->kind = *s == '{' ? WJ_OBJ : WJ_ARR;
		s = wj_ws(s + 1);
		tail = &j->child;
		if (*s == close)
			return s + 1;
		for (;;) {
			char *key = NULL;
			s = wj_ws(s);
			if (j->kind == WJ_OBJ) {
				s = wj_string(s, &key);
				if (!s)
					return NULL;
				s = wj_ws(s);
				if (*s++ != ':') {
					free(key);
					return NULL;
				}
			}
			s = wj_value(s, tail, depth + 1);
			(*tail)->key = key;
			if (!s)
				return NULL;
			tail = &(*tail)->next;
			s = wj_ws(s);
			if (*s == ',') {
				s++;
				continue;
			}
			if (*s == close)
				return s + 1;
			return NULL;
		}
	}
	if (*s == '"') {
		j->kind = WJ_STR;
		return wj_string(s, &j->str);
	}
	if (!strncmp(s, "true", 4) || !strncmp(s, "false", 5)) {
		j->kind = WJ_BOOL;
		j->num = *s == 't';
		return s + (*s == 't' ? 4 : 5);
	}
	if (!strncmp(s, "null", 4)) {
		j->kind = WJ_NULL;
		return s + 4;
	}
	j->kind = WJ_NUM;
	j->num = strtod(s, &end);
	return end == s ? NULL : end;
}

/* Parses a whole document; NULL when it is not valid JSON. */
static inline struct web_json *
web_json_parse(const char *text)
{
	struct web_json *j = NULL;
	const char *end = wj_value(text, &j, 0);

	if (!end || *wj_ws(end)) {
		web_json_free(j);
		return NULL;
	}
	return j;
}

/* The member key of object j, or NULL. */
static inline const struct web_json *
web_json_get(const struct web_json *j, const char *key)
{
	if (!j || j->kind != WJ_OBJ)
		return NULL;
	for (const struct web_json *c = j->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

static inline unsigned
web_json_len(const struct web_json *j)
{
	unsigned n = 0;

	for (const struct web_json *c = j ? j->child : NULL; c; c = c->next)
		n++;
	return n;
}

#endif
