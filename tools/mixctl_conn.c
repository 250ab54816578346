/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mixctl_conn: see mixctl_conn.h. */
#include "mixctl_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

/* mixd rejects datagrams above 16 KiB; no request of ours comes near, replies are small */
#define CONN_MSG_MAX 16384
/* Requests in flight at once: a round of 256 gets must not burst 257 replies into a receive
 * buffer sized for a few dozen, so requests go out as replies come back. */
#define CONN_WINDOW 32
/* /list answers with one datagram per parameter and a subscription starts with every value of
 * the console: room for a console of 256 strips (the kernel caps it at rmem_max) */
#define CONN_RCVBUF (4 << 20)
/* "#bundle\0" and the 8-byte time tag */
#define CONN_BUNDLE_HEAD 16

/* Length of the well-formed UTF-8 sequence at s that is not a C1 control (U+0080..U+009F,
 * which a terminal may obey like ESC [), or 0. Overlong forms and surrogates count as
 * malformed. */
static size_t
utf8_printable(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	uint32_t cp;

	if (n == 0 || s[0] >= 0xf5)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void
mixctl_sanitize(const char *s, char *buf, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (u[i] && o + 1 < n) {
		size_t len = u[i] < 0x80 ? 1 : utf8_printable(u + i);

		if (len == 1 && (u[i] < ' ' || u[i] == 0x7f)) {
			buf[o++] = '?';
		} else if (len == 0) {
			buf[o++] = '?'; /* a stray byte: 0x9b alone is CSI on an 8-bit terminal */
			len = 1;
		} else if (o + len < n) {
			memcpy(buf + o, u + i, len);
			o += len;
		} else {
			break; /* no room for the whole character: never cut one in half */
		}
		i += len;
	}
	buf[o] = '\0';
}

/* ---- the socket ---- */

int
conn_open(struct conn *c, const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res, *ai;
	int err, saved = 0, rcvbuf = CONN_RCVBUF;

	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->stop = NULL;
	c->n_elem = c->next_elem = 0;
	snprintf(c->peer, sizeof(c->peer), strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		fprintf(stderr, "mixctl: %s: %s\n", host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct sockaddr_storage any = { .ss_family = (sa_family_t)ai->ai_family };
		socklen_t anylen = ai->ai_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                             : sizeof(struct sockaddr_in);

		c->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		/* port 0 of the wildcard address: the kernel picks a free port for our replies */
		if (bind(c->fd, (struct sockaddr *)&any, anylen) == 0 &&
		    connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		fprintf(stderr, "mixctl: %s: %s\n", c->peer, strerror(saved));
		return -1;
	}
	return 0;
}

void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
conn_send(struct conn *c, const char *path, lo_message m)
{
	uint8_t out[CONN_MSG_MAX];
	lo_message empty = NULL;
	size_t size;
	int ret = 0;

	if (!m) {
		empty = lo_message_new();
		if (!empty)
			return -ENOMEM;
		m = empty;
	}
	size = lo_message_length(m, path);
	if (size > sizeof(out)) {
		ret = -EMSGSIZE;
		goto out;
	}
	lo_message_serialise(m, path, out, &size);
	if (send(c->fd, out, size, 0) < 0)
		ret = -errno;
out:
	if (empty)
		lo_message_free(empty);
	return ret;
}

void
reply_free(struct reply *r)
{
	if (r->msg)
		lo_message_free(r->msg);
	r->msg = NULL;
}

/* ---- datagrams and bundles ---- */

static bool
is_bundle(const uint8_t *d, uint32_t len)
{
	return len >= CONN_BUNDLE_HEAD && !memcmp(d, "#bundle", 8);
}

static void queue_element(struct conn *c, uint32_t off, uint32_t len, unsigned depth);

/* Queues the elements of the bundle at buf[off, off + len): each is a big-endian size and that
 * many bytes. A malformed size ends the bundle (what came before it is kept). The time tag is
 * ignored: mixd sends its feedback for immediate use. */
static void
queue_bundle(struct conn *c, uint32_t off, uint32_t len, unsigned depth)
{
	uint32_t p = off + CONN_BUNDLE_HEAD, end = off + len;

	while (end - p >= 4) {
		uint32_t size;

		memcpy(&size, c->buf + p, sizeof(size));
		size = ntohl(size);
		p += 4;
		if (size > end - p || size % 4)
			return;
		queue_element(c, p, size, depth);
		p += size;
	}
}

static void
queue_element(struct conn *c, uint32_t off, uint32_t len, unsigned depth)
{
	if (is_bundle(c->buf + off, len)) {
		if (depth < CONN_BUNDLE_DEPTH)
			queue_bundle(c, off, len, depth + 1);
		return;
	}
	if (c->n_elem < CONN_MAX_ELEMS) {
		c->elem[c->n_elem].off = off;
		c->elem[c->n_elem].len = len;
		c->n_elem++;
	}
}

/* Parses one message. Returns false for anything liblo does not take as a message. */
static bool
reply_parse(uint8_t *data, uint32_t len, struct reply *r)
{
	const char *path = lo_get_path(data, len);
	int res;

	if (!path || strlen(path) >= sizeof(r->path))
		return false;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->msg = lo_message_deserialise(data, len, &res);
	if (!r->msg)
		return false;
	r->types = lo_message_get_types(r->msg);
	r->argv = lo_message_get_argv(r->msg);
	r->argc = lo_message_get_argc(r->msg);
	return true;
}

/* Waits until deadline for a datagram and queues its messages. Returns 1, 0 on timeout or a
 * stop request, -errno on a socket error. */
static int
recv_datagram(struct conn *c, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		uint64_t t = clock_ns();
		ssize_t got;
		int res, wait_ms;

		if (t >= deadline || (c->stop && *c->stop))
			return 0;
		wait_ms = (int)((deadline - t + 999999) / 1000000);
		res = poll(&pfd, 1, wait_ms);
		if (res < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (res == 0)
			continue;
		got = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		c->n_elem = c->next_elem = 0;
		queue_element(c, 0, (uint32_t)got, 0);
		return 1;
	}
}

int
conn_recv(struct conn *c, uint64_t deadline, struct reply *r)
{
	for (;;) {
		int ret;

		while (c->next_elem < c->n_elem) {
			uint32_t off = c->elem[c->next_elem].off, len = c->elem[c->next_elem].len;

			c->next_elem++;
			if (reply_parse(c->buf + off, len, r))
				return 1;
		}
		ret = recv_datagram(c, deadline);
		if (ret <= 0)
			return ret;
	}
}

const char *
reply_error_address(const struct reply *r)
{
	if (strcmp(r->path, "/error") || r->argc < 2 || !arg_is_string(r->types[0]) ||
	    !arg_is_string(r->types[1]))
		return NULL;
	return arg_s(r->argv[0]);
}

bool
reply_number(const struct reply *r, int i, double *out)
{
	if (i >= r->argc)
		return false;
	switch (r->types[i]) {
	case LO_FLOAT:
		*out = arg_f(r->argv[i]);
		return true;
	case LO_DOUBLE:
		*out = arg_d(r->argv[i]);
		return true;
	case LO_INT32:
		*out = arg_i(r->argv[i]);
		return true;
	case LO_INT64:
		*out = (double)arg_h(r->argv[i]);
		return true;
	case LO_TRUE:
		*out = 1.0;
		return true;
	case LO_FALSE:
		*out = 0.0;
		return true;
	default:
		return false;
	}
}

int
conn_report_errno(const struct conn *c, const char *what, int err)
{
	if (err == -ECONNREFUSED)
		fprintf(stderr, "mixctl: %s: no mixd listening at %s (connection refused)\n", what,
		        c->peer);
	else
		fprintf(stderr, "mixctl: %s: %s: %s\n", what, c->peer, strerror(-err));
	return MIXCTL_FAIL;
}

int
conn_report_timeout(const struct conn *c, const char *what)
{
	fprintf(stderr, "mixctl: %s: no answer from mixd at %s within %d ms\n", what, c->peer,
	        c->timeout_ms);
	return MIXCTL_FAIL;
}

/* ---- requests ---- */

void
req_init(struct req *q, const char *path, const char *expect)
{
	memset(q, 0, sizeof(*q));
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->expect = expect;
}

void
req_free(struct req *q, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		reply_free(&q[i].r);
}

/* Gives r to the first waiting request it answers. Returns true when one took it (an answer
 * is then owned by that request; an /error is not kept). */
static bool
req_match(struct req *q, unsigned sent, const struct reply *r)
{
	const char *about = reply_error_address(r);

	for (unsigned i = 0; i < sent; i++) {
		const char *want = q[i].expect ? q[i].expect : q[i].path;

		if (q[i].state != REQ_WAITING)
			continue;
		if (about && !strcmp(about, q[i].path)) {
			q[i].state = REQ_ERROR;
			mixctl_sanitize(arg_s(r->argv[1]), q[i].reason, sizeof(q[i].reason));
			return true;
		}
		if (!about && !strcmp(r->path, want)) {
			q[i].state = REQ_ANSWERED;
			q[i].r = *r;
			return true;
		}
	}
	return false;
}

int
conn_transact(struct conn *c, struct req *q, unsigned n)
{
	unsigned sent = 0, done = 0;
	uint64_t deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	int ret;

	for (unsigned i = 0; i < n; i++) {
		q[i].state = REQ_WAITING;
		q[i].r.msg = NULL;
		q[i].reason[0] = '\0';
	}
	while (done < n) {
		struct reply r;
		bool used;

		while (sent < n && sent - done < CONN_WINDOW) {
			ret = conn_send(c, q[sent].path, q[sent].args);
			if (ret < 0)
				return ret;
			sent++;
		}
		ret = conn_recv(c, deadline, &r);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -ETIMEDOUT;
		used = req_match(q, sent, &r);
		/* an answer now belongs to its request; an /error (its reason copied) and an
		 * unrelated message (a late answer from an earlier round) are done with */
		if (!used || reply_error_address(&r))
			reply_free(&r);
		if (!used)
			continue;
		done++;
		/* progress restarts the clock: a long, steady exchange is not a dead mixd */
		deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	}
	return 0;
}

int
conn_request(struct conn *c, struct req *q)
{
	int ret = conn_transact(c, q, 1);

	if (ret == -ETIMEDOUT)
		return conn_report_timeout(c, q->path);
	if (ret < 0)
		return conn_report_errno(c, q->path, ret);
	if (q->state == REQ_ERROR) {
		fprintf(stderr, "mixctl: %s: %s\n", q->path, q->reason);
		return MIXCTL_FAIL;
	}
	return MIXCTL_OK;
}

int
conn_stream(struct conn *c, const char *path, lo_message args, const char *item, const char *end,
            const char *lost_hint, conn_item_fn fn, void *ctx)
{
	uint64_t deadline;
	unsigned got = 0;
	int ret = conn_send(c, path, args);

	if (ret < 0)
		return conn_report_errno(c, path, ret);
	deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	for (;;) {
		struct reply r;
		const char *about;

		ret = conn_recv(c, deadline, &r);
		if (ret < 0)
			return conn_report_errno(c, path, ret);
		if (ret == 0 && got) {
			/* mixd sends the whole answer at once; what overflowed our receive buffer
			 * is gone, the end marker with it */
			fprintf(stderr,
			        "mixctl: %s: %u answers, then nothing for %d ms: the rest was "
			        "lost%s%s\n",
			        path, got, c->timeout_ms, lost_hint ? " " : "",
			        lost_hint ? lost_hint : "");
			return MIXCTL_FAIL;
		}
		if (ret == 0)
			return conn_report_timeout(c, path);
		got++;
		about = reply_error_address(&r);
		if (about && !strcmp(about, path)) {
			char why[128];

			mixctl_sanitize(arg_s(r.argv[1]), why, sizeof(why));
			fprintf(stderr, "mixctl: %s: %s\n", path, why);
			reply_free(&r);
			return MIXCTL_FAIL;
		}
		if (!strcmp(r.path, end)) {
			reply_free(&r);
			return MIXCTL_OK;
		}
		if (!strcmp(r.path, item))
			fn(ctx, &r);
		reply_free(&r);
		deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	}
}

int
conn_info(struct conn *c, struct req *q, unsigned *strips)
{
	int ret;

	req_init(q, "/info", NULL);
	ret = conn_request(c, q);
	if (ret != MIXCTL_OK)
		return ret;
	if (q->r.argc < 3 || strncmp(q->r.types, "ssi", 3) || arg_i(q->r.argv[2]) < 1 ||
	    arg_i(q->r.argv[2]) > MIXCTL_MAX_STRIPS) {
		fprintf(stderr, "mixctl: /info: unexpected answer (types %s)\n", q->r.types);
		req_free(q, 1);
		return MIXCTL_FAIL;
	}
	*strips = (unsigned)arg_i(q->r.argv[2]);
	return MIXCTL_OK;
}
