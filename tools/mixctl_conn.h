/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixctl_conn: mixctl's UDP connection to mixd, the messages read from it and the request
 * rounds built on them.
 *
 * One socket bound to an ephemeral port and connected to mixd, so the kernel hands us only
 * mixd's datagrams and reports a closed port (ECONNREFUSED) instead of letting us wait.
 * Messages are built with lo_message and serialised by hand, replies parsed with
 * lo_message_deserialise, bundles (subscription feedback) taken apart here: a liblo server
 * would bind a second, unconnected socket we do not need.
 *
 * mixctl is single-threaded: every function here runs on its one thread. Functions returning
 * an exit status print the reason on stderr first.
 */
#ifndef MIXCTL_CONN_H
#define MIXCTL_CONN_H

#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lo/lo.h>

/* Exit statuses (mixctl.1). */
enum { MIXCTL_OK = 0, MIXCTL_FAIL = 1, MIXCTL_USAGE = 2 };

/* mixd's table caps strips at 256 (ENGINE_MAX_STRIPS); a larger /info answer is not trusted */
#define MIXCTL_MAX_STRIPS  256
#define MIXCTL_ADDRESS_MAX 256
/* dB values at or below this are "off" in mixd's table (GAIN_OFF_DB) */
#define MIXCTL_OFF_DB (-144.0f)
/* Messages of one datagram's bundles queued for conn_recv: a 64 KiB datagram holds at most
 * 65536 / 12 of the smallest elements (size word, 4-byte path, 4-byte type tag). */
#define CONN_MAX_ELEMS 5462
/* Bundles inside bundles deeper than this are skipped (mixd sends them flat). */
#define CONN_BUNDLE_DEPTH 4

struct conn {
	int fd;
	int timeout_ms;
	/* set by a signal handler: conn_recv returns as if it timed out (NULL: never) */
	const volatile sig_atomic_t *stop;
	char peer[NI_MAXHOST + NI_MAXSERV + 4]; /* "host:port", for messages */
	/* the messages of the last datagram not yet returned: offset and length in buf */
	unsigned n_elem, next_elem;
	struct {
		uint32_t off, len;
	} elem[CONN_MAX_ELEMS];
	uint8_t buf[65536]; /* any UDP datagram fits */
};

/* One message from mixd, deserialised. msg owns argv and types. */
struct reply {
	char path[MIXCTL_ADDRESS_MAX];
	lo_message msg;
	const char *types;
	lo_arg **argv;
	int argc;
};

enum req_state { REQ_WAITING, REQ_ANSWERED, REQ_ERROR };

/* A request: path sent with args (NULL: none), answered on path (or on expect). */
struct req {
	char path[MIXCTL_ADDRESS_MAX];
	const char *expect; /* reply path when it differs from path (/ping -> /pong) */
	lo_message args;    /* owned by the caller, who frees it after the round */
	enum req_state state;
	struct reply r;
	char reason[128];
};

/* Called by conn_stream for each answer on the item path. */
typedef void (*conn_item_fn)(void *ctx, const struct reply *r);

/* Resolves host:port, binds an ephemeral port and connects. Returns 0, or -1 with a message
 * printed (an unknown host is the user's error, but it is found only by asking DNS: exit 1). */
int conn_open(struct conn *c, const char *host, const char *port, int timeout_ms);
void conn_close(struct conn *c);

/* Serialises m (NULL: no arguments) for path and sends it. Returns 0 or -errno. */
int conn_send(struct conn *c, const char *path, lo_message m);

/* Waits until deadline (CLOCK_MONOTONIC ns) for one well-formed message, taking bundles apart.
 * Returns 1 with *r filled (free it with reply_free), 0 on timeout or a stop request, -errno
 * on a socket error (-ECONNREFUSED: nothing listens on the port). Undecodable datagrams and
 * elements are skipped. */
int conn_recv(struct conn *c, uint64_t deadline, struct reply *r);

/* Sends every request keeping a window in flight and collects the answers until all are in or
 * --timeout passes without progress. An /error for a request's address marks that request;
 * unrelated messages are dropped. Returns 0 when every request got an answer or an error,
 * -ETIMEDOUT when some did not, -errno on a socket error. Free the answers with req_free. */
int conn_transact(struct conn *c, struct req *q, unsigned n);

/* One request with the failures reported. Returns MIXCTL_OK with q->r to free (req_free), or
 * the exit status to return. */
int conn_request(struct conn *c, struct req *q);

/* Sends path with args (NULL: none) and calls fn for each answer on item until one on end.
 * The timeout counts from the last answer, so a long listing is not cut short. lost_hint ends
 * the message printed when answers stop before end (NULL: none). Returns MIXCTL_OK or the exit
 * status to return. */
int conn_stream(struct conn *c, const char *path, lo_message args, const char *item,
                const char *end, const char *lost_hint, conn_item_fn fn, void *ctx);

/* Reads /info: the strip count, and the answer in q for the caller to free (req_free). Returns
 * MIXCTL_OK or the exit status to return. */
int conn_info(struct conn *c, struct req *q, unsigned *strips);

/* Print "mixctl: WHAT: ..." for a socket error or a missing answer; return MIXCTL_FAIL. */
int conn_report_errno(const struct conn *c, const char *what, int err);
int conn_report_timeout(const struct conn *c, const char *what);

void req_init(struct req *q, const char *path, const char *expect);
/* Frees the answers of q[0..n) (not their args). */
void req_free(struct req *q, unsigned n);
void reply_free(struct reply *r);

/* The address an /error reply is about, or NULL when r is not a well-formed /error. */
const char *reply_error_address(const struct reply *r);

/* Argument i of r as a number when it is one (f, i, h, d, T, F). Returns false otherwise. */
bool reply_number(const struct reply *r, int i, double *out);

/* Copies s into buf (n bytes with the NUL) replacing control characters (C0, DEL, C1) and
 * malformed UTF-8 with '?': text from mixd is printed to a terminal, and escape sequences in it
 * would be obeyed by the terminal. */
void mixctl_sanitize(const char *s, char *buf, size_t n);

/* liblo's argv points into 4-byte aligned OSC data, but lo_arg is a union holding 8-byte
 * members: reading a member in place is a misaligned access (UBSan says so). These copy the
 * bytes out instead. */
static inline float
arg_f(const lo_arg *a)
{
	float v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static inline int32_t
arg_i(const lo_arg *a)
{
	int32_t v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static inline int64_t
arg_h(const lo_arg *a)
{
	int64_t v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static inline double
arg_d(const lo_arg *a)
{
	double v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

/* A string argument starts at the argument itself. */
static inline const char *
arg_s(const lo_arg *a)
{
	return (const char *)(const void *)a;
}

static inline bool
arg_is_string(char t)
{
	return t == LO_STRING || t == LO_SYMBOL;
}

#endif
