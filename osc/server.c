/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "packet.h"
#include "peers.h"
#include "selfaddr.h"

/*
 * One host's token bucket, the payload of its entry in the peer table (peers.h). tokens is in
 * messages; it refills at rate per second up to burst and goes negative only by the debt of a
 * datagram admitted on a full bucket; last_ns is its last refill.
 */
struct peer_bucket {
	double tokens;
	uint64_t last_ns;
	/* what may still be sent to the host, in bytes, refilled at OSC_SERVER_SEND_RATE up to
	 * OSC_SERVER_SEND_BURST since out_ns: the budget replies and feedback are charged to */
	double out_tokens;
	uint64_t out_ns;
};

struct osc_server {
	int fd;
	int port;
	struct allowlist allow;
	lo_server lo;
	osc_message_fn fn;
	void *ctx;
	const struct osc_peer *current; /* the sender of the datagram being dispatched */
	/* while a datagram is dispatched, the time it was read: the send budgets are refilled to
	 * then and no further, so what one datagram makes mixd send is bounded by the budget it
	 * found (a bundle of 818 Ardour /strip/list otherwise kept earning the refill it spent for
	 * 1.7 s on a loaded machine, one sendto at a time); 0 between datagrams */
	uint64_t dispatch_ns;
	/* while a datagram is dispatched, when it reached this host (CLOCK_MONOTONIC, from the
	 * kernel's receive timestamp): what a move is stamped with, however long the control
	 * thread took to get to it; 0 between datagrams. rx_arrival_ns hands it from receive to
	 * inject (0: an injected datagram, arrived now). */
	uint64_t arrival_ns;
	uint64_t rx_arrival_ns;
	struct osc_server_stats st;
	unsigned rate;  /* messages per second per peer; 0: unlimited */
	unsigned burst; /* bucket size, messages */
	osc_relay_send_fn relay;
	void *relay_ctx;
	struct peers *peers;  /* a peer_bucket per host, OSC_SERVER_MAX_PEERS of them */
	struct selfaddr self; /* our own address: never a sender, never a destination */
	uint8_t buf[PACKET_MAX_SIZE + 4];
};

static void
lo_error(int num, const char *msg, const char *where)
{
	fprintf(stderr, "mixd: liblo error %d: %s (%s)\n", num, msg, where ? where : "");
}

/* liblo's single catch-all method: every message that reached liblo passed packet_check. */
static int
lo_catch_all(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg,
             void *user)
{
	struct osc_server *s = user;

	s->fn(s->ctx, s->current, path, types, argv, argc);
	return 0;
}

/* liblo needs a server for lo_server_dispatch_data, and every constructor in 0.31 opens a
 * socket. A UDP one would listen on all interfaces, so give it a UNIX datagram socket in a
 * private directory and unlink it at once: nobody can ever reach it, and it is never read. */
static lo_server
lo_server_unreachable(char *err, size_t errlen)
{
	char dir[] = "/tmp/mixd-lo-XXXXXX";
	char path[sizeof(dir) + 8];
	lo_server lo;

	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/s", dir);
	lo = lo_server_new_with_proto(path, LO_UNIX, lo_error);
	unlink(path);
	rmdir(dir);
	if (!lo)
		snprintf(err, errlen, "cannot create the liblo dispatcher");
	return lo;
}

static int
parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, char *err,
             size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = listen;
	size_t hl;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (*h == '[') {
		const char *close = strchr(h, ']');
		if (!close || close[1] != ':')
			goto bad;
		h++;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(h, ':');
		if (!colon)
			goto bad;
		hl = (size_t)(colon - h);
	}
	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 0 || port > 65535)
		goto bad;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
		return 0;
	}
bad:
	snprintf(err, errlen, "bad listen address \"%s\" (expected ADDR:PORT, e.g. 127.0.0.1:9000)",
	         listen);
	return -EINVAL;
}

struct osc_server *
osc_server_new(const char *listen, const struct allowlist *allow, osc_message_fn fn, void *ctx,
               char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct osc_server *s;

	if (parse_listen(listen, &ss, &len, err, errlen) < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->allow = *allow;
	s->fn = fn;
	s->ctx = ctx;
	s->fd = -1;
	{
		/* a bucket promises nothing (a host forgotten starts again with a full one), so its
		 * lease is 0: a newcomer always takes the place of the least recently heard */
		const struct peers_config pc = {
			.max = OSC_SERVER_MAX_PEERS,
			.per_host = 1,
			.lease_ns = 0,
			.payload_size = sizeof(struct peer_bucket),
		};

		s->peers = peers_new(&pc);
		if (!s->peers) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	osc_server_set_rate_limit(s, OSC_SERVER_DEFAULT_RATE, OSC_SERVER_DEFAULT_BURST);
	s->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	{
		/* A surface's burst (or a flood) is absorbed by the kernel while the control thread
		 * finishes a tick: the default buffer (~200 KB) holds under 300 small datagrams,
		 * 6 ms at 50 000 messages a second. FORCE passes net.core.rmem_max where we may (as
		 * root); otherwise the kernel caps the plain request there. */
		int want = OSC_SERVER_RCVBUF;
		if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
			setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	}
	{
		/* the kernel stamps each datagram as it arrives (osc_server_arrival_ns); without
		 * it (never seen on Linux) a datagram counts as arriving when it is read */
		int on = 1;
		setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	}
	if (ss.ss_family == AF_INET6) {
		int off = 0; /* [::]:port also serves IPv4 peers (as ::ffff:a.b.c.d) */
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	}
	if (bind(s->fd, (struct sockaddr *)&ss, len) < 0) {
		snprintf(err, errlen, "cannot bind %s: %s", listen, strerror(errno));
		goto fail;
	}
	len = sizeof(ss);
	getsockname(s->fd, (struct sockaddr *)&ss, &len);
	selfaddr_load(&s->self, s->fd);
	s->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                        : ((struct sockaddr_in6 *)&ss)->sin6_port);
	s->lo = lo_server_unreachable(err, errlen);
	if (!s->lo)
		goto fail;
	/* bundles are unwrapped before liblo sees them, but should one ever reach it, its queue
	 * for future timetags must not exist: an allowed peer could grow it without bound */
	lo_server_enable_queue(s->lo, 0, 1);
	lo_server_add_method(s->lo, NULL, NULL, lo_catch_all, s);
	return s;

fail:
	osc_server_free(s);
	return NULL;
}

void
osc_server_free(struct osc_server *s)
{
	if (!s)
		return;
	if (s->lo)
		lo_server_free(s->lo);
	if (s->fd >= 0)
		close(s->fd);
	peers_free(s->peers);
	free(s);
}

int
osc_server_fd(const struct osc_server *s)
{
	return s->fd;
}

int
osc_server_port(const struct osc_server *s)
{
	return s->port;
}

void
osc_server_set_rate_limit(struct osc_server *s, unsigned rate_per_s, unsigned burst)
{
	s->rate = rate_per_s;
	if (burst == 0)
		burst = rate_per_s / 5 ? rate_per_s / 5 : 1;
	s->burst = burst;
	/* forgetting every peer refills every bucket at the new size */
	peers_clear(s->peers);
}

/* The table's key of a peer: its host, as an IPv6 address with port 0, IPv4 in the IPv4-mapped
 * form, so that every port of a host, and a host reaching a dual-stack socket and a plain IPv4
 * one, has one bucket. */
static struct osc_peer
host_key(const struct sockaddr_storage *ss)
{
	struct osc_peer k;
	struct sockaddr_in6 *h = (struct sockaddr_in6 *)(void *)&k.addr;

	memset(&k, 0, sizeof(k));
	h->sin6_family = AF_INET6;
	k.len = sizeof(*h);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)ss;

		h->sin6_addr.s6_addr[10] = h->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&h->sin6_addr.s6_addr[12], &a->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)ss;

		h->sin6_addr = a->sin6_addr;
	}
	return k;
}

/* The bucket of a peer, refilled to now. A linear search: 64 entries are cheaper to scan than
 * anything liblo does with the message afterwards. An unknown peer takes the place the table's
 * policy gives it (a free one, else the least recently heard host's) and starts full. NULL
 * only if the table refused, which with lease 0 it cannot. */
static struct peer_bucket *
peer_bucket(struct osc_server *s, const struct sockaddr_storage *ss, uint64_t now)
{
	struct osc_peer key = host_key(ss);
	struct peer_bucket *b = peers_find(s->peers, &key, NULL);

	if (b) {
		/* the monotonic clock never goes back; the guard costs nothing */
		double dt_s = now > b->last_ns ? (double)(now - b->last_ns) * 1e-9 : 0.0;

		b->tokens += dt_s * s->rate;
		if (b->tokens > s->burst)
			b->tokens = s->burst;
		b->last_ns = now;
		peers_heard(s->peers, b, now);
		return b;
	}
	b = peers_add(s->peers, &key, now, NULL);
	if (!b)
		return NULL;
	b->tokens = s->burst;
	b->last_ns = now;
	b->out_tokens = OSC_SERVER_SEND_BURST;
	b->out_ns = now;
	return b;
}

/* Takes cost messages from the peer's bucket. True when the datagram may pass: the bucket holds
 * its cost, or is full (a datagram larger than the burst then passes once and leaves a debt).
 * Time is when the control thread reads the datagram, not when it arrived, so a stall followed
 * by a quick read of the backlog looks like a burst. The socket's receive buffer (a few hundred
 * datagrams by default) holds far less than a default burst of plain messages; only a backlog
 * of large bundles after a long stall could exceed it. */
static bool
peer_admit(struct osc_server *s, const struct sockaddr_storage *ss, unsigned cost)
{
	struct peer_bucket *b;

	if (s->rate == 0)
		return true;
	b = peer_bucket(s, ss, clock_ns());
	if (!b)
		return true; /* no bucket to charge (cannot happen: see peer_bucket) */
	if (b->tokens < cost && b->tokens < s->burst)
		return false;
	b->tokens -= cost;
	return true;
}

/* The host's send budget, refilled to now; NULL as peer_bucket. */
static struct peer_bucket *
send_bucket(struct osc_server *s, const struct sockaddr_storage *ss)
{
	uint64_t now = s->dispatch_ns ? s->dispatch_ns : clock_ns();
	struct peer_bucket *b = peer_bucket(s, ss, now);
	double dt_s;

	if (!b)
		return NULL;
	dt_s = now > b->out_ns ? (double)(now - b->out_ns) * 1e-9 : 0.0;
	b->out_tokens += dt_s * OSC_SERVER_SEND_RATE;
	if (b->out_tokens > OSC_SERVER_SEND_BURST)
		b->out_tokens = OSC_SERVER_SEND_BURST;
	b->out_ns = now;
	return b;
}

size_t
osc_server_send_budget(struct osc_server *s, const struct osc_peer *to)
{
	if (to->addr.ss_family != AF_INET && to->addr.ss_family != AF_INET6)
		return OSC_SERVER_SEND_BURST; /* not a network peer: its channel limits itself */
	{
		const struct peer_bucket *b = send_bucket(s, &to->addr);

		return b ? (size_t)b->out_tokens : OSC_SERVER_SEND_BURST;
	}
}

static void
dispatch_one(const uint8_t *msg, size_t len, void *ctx)
{
	struct osc_server *s = ctx;

	s->st.messages++;
	/* The cast is sound: lo_message_deserialise (liblo 0.31) copies the type tags and the
	 * arguments before it byte-swaps them, and only reads the address in place. */
	lo_server_dispatch_data(s->lo, (void *)(uintptr_t)msg, len);
}

void
osc_server_set_relay(struct osc_server *s, osc_relay_send_fn fn, void *ctx)
{
	s->relay = fn;
	s->relay_ctx = ctx;
}

bool
osc_peer_is_relay(const struct osc_peer *p)
{
	return p->addr.ss_family == AF_UNIX;
}

/* True when the allowlist admits the peer; a relay's peers were checked when they connected. */
static bool
peer_allowed(const struct osc_server *s, const struct osc_peer *p)
{
	if (osc_peer_is_relay(p))
		return s->relay != NULL;
	return allow_match(&s->allow, (const struct sockaddr *)&p->addr);
}

int
osc_server_inject(struct osc_server *s, const struct osc_peer *from, const void *buf, size_t len)
{
	unsigned cost;
	int n;

	s->st.datagrams++;
	if (!peer_allowed(s, from)) {
		s->st.not_allowed++;
		return -EPERM;
	}
	if (selfaddr_is_self(&s->self, (const struct sockaddr *)&from->addr)) {
		s->st.self++; /* from our own socket: a reflection of something we sent */
		return -ELOOP;
	}
	if (len > PACKET_MAX_SIZE) {
		s->st.malformed++;
		return -EMSGSIZE;
	}
	/* validates and counts, without calling anything */
	n = packet_foreach_message(buf, len, NULL, NULL);
	if (n < 0) {
		s->st.malformed++;
		return -EBADMSG;
	}
	/* an empty bundle dispatches nothing but still costs a message: parsing it is not free */
	cost = n ? (unsigned)n : 1;
	if (!osc_peer_is_relay(from) && !peer_admit(s, &from->addr, cost)) {
		s->st.rate_limited += cost;
		return -EBUSY;
	}
	s->current = from;
	s->dispatch_ns = clock_ns();
	s->arrival_ns = s->rx_arrival_ns ? s->rx_arrival_ns : s->dispatch_ns;
	s->rx_arrival_ns = 0;
	n = packet_foreach_message(buf, len, dispatch_one, s);
	s->dispatch_ns = s->arrival_ns = 0;
	s->current = NULL;
	return n;
}

/* When the datagram msg was read reached this host, on CLOCK_MONOTONIC: the kernel's stamp is
 * on CLOCK_REALTIME, so it is carried over as an age. An age below 0 (the wall clock stepped
 * back) counts as 0; without a stamp it is now. */
static uint64_t
arrival_of(const struct msghdr *msg, uint64_t now_ns)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts, wall;
			int64_t age;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			clock_gettime(CLOCK_REALTIME, &wall);
			age = (int64_t)(wall.tv_sec - ts.tv_sec) * 1000000000 +
			      (wall.tv_nsec - ts.tv_nsec);
			if (age <= 0)
				return now_ns;
			return (uint64_t)age < now_ns ? now_ns - (uint64_t)age : now_ns;
		}
	}
	return now_ns;
}

unsigned
osc_server_receive(struct osc_server *s, unsigned max)
{
	unsigned n;

	for (n = 0; n < max; n++) {
		struct osc_peer peer;
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct timespec))];
		} control;
		struct iovec iov = { .iov_base = s->buf, .iov_len = sizeof(s->buf) };
		struct msghdr msg = {
			.msg_name = &peer.addr,
			.msg_namelen = sizeof(peer.addr),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		ssize_t got;

		/* MSG_TRUNC makes recvmsg report the real size, so an oversized datagram is seen
		 * as such instead of being silently cut to a valid-looking prefix; inject refuses
		 * it on its size before reading a byte */
		got = recvmsg(s->fd, &msg, MSG_TRUNC);
		if (got < 0)
			break; /* EAGAIN: drained; anything else: try again on the next poll */
		peer.len = msg.msg_namelen;
		s->rx_arrival_ns = arrival_of(&msg, clock_ns());
		osc_server_inject(s, &peer, s->buf, (size_t)got);
		s->rx_arrival_ns = 0;
	}
	return n;
}

uint64_t
osc_server_arrival_ns(const struct osc_server *s)
{
	return s->arrival_ns;
}

int
osc_server_send_raw(struct osc_server *s, const struct osc_peer *to, const void *buf, size_t len)
{
	int ret;

	if (!peer_allowed(s, to))
		return -EPERM;
	if (selfaddr_is_self(&s->self, (const struct sockaddr *)&to->addr)) {
		s->st.self++; /* it would come straight back in as a request */
		return -ELOOP;
	}
	if (len > PACKET_MAX_SIZE) {
		s->st.send_errors++;
		return -EMSGSIZE;
	}
	if (osc_peer_is_relay(to)) {
		ret = s->relay(s->relay_ctx, to, buf, len);
		if (ret < 0)
			s->st.send_errors++;
		return ret;
	}
	/* what is sent is charged to the host it goes to, whoever asked: no request, however
	 * small, makes mixd send a host more than its budget */
	if (to->addr.ss_family == AF_INET || to->addr.ss_family == AF_INET6) {
		struct peer_bucket *b = send_bucket(s, &to->addr);

		if (b && b->out_tokens < (double)len) {
			s->st.over_budget++;
			return -ENOBUFS;
		}
		if (b)
			b->out_tokens -= (double)len;
	}
	if (sendto(s->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&to->addr, to->len) <
	    0) {
		s->st.send_errors++; /* a full socket buffer drops the datagram: never block */
		return -errno;
	}
	return 0;
}

int
osc_server_send(struct osc_server *s, const struct osc_peer *to, const char *path, lo_message m)
{
	uint8_t buf[PACKET_MAX_SIZE];
	size_t size = lo_message_length(m, path);

	if (!peer_allowed(s, to))
		return -EPERM;
	if (size > sizeof(buf)) {
		s->st.send_errors++;
		return -EMSGSIZE;
	}
	lo_message_serialise(m, path, buf, &size);
	return osc_server_send_raw(s, to, buf, size);
}

void
osc_server_get_stats(const struct osc_server *s, struct osc_server_stats *out)
{
	*out = s->st;
}
