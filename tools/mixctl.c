/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixctl: the command-line client of mixd's OSC port.
 *
 *   mixctl [--host H] [--port P] [--timeout MS] set ADDRESS VALUE | get ADDRESS | list [PREFIX]
 *          | watch [--strips N] [--seconds S] | stats | info | ping
 *
 * One UDP socket bound to an ephemeral port and connected to mixd, so the kernel hands us only
 * mixd's datagrams and reports a closed port (ECONNREFUSED) instead of letting us wait. Messages
 * are built with lo_message and serialised by hand, replies parsed with lo_message_deserialise:
 * a liblo server would start threads and bind sockets we do not need.
 *
 * Exit status: 0 success, 1 when mixd answers /error or not at all within --timeout, 2 for bad
 * usage. Single-threaded; the signal handlers only set a flag.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <lo/lo.h>

#include "cli.h"
#include "clock.h"
#include "config.h"

#define MIXCTL_DEFAULT_HOST    "127.0.0.1"
#define MIXCTL_DEFAULT_PORT    "9000"
#define MIXCTL_DEFAULT_TIMEOUT 1000
#define MIXCTL_TIMEOUT_MAX     600000
/* mixd's table caps strips at 256 (ENGINE_MAX_STRIPS); a larger /info answer is not trusted */
#define MIXCTL_MAX_STRIPS 256
/* mixd rejects datagrams above 16 KiB; no request of ours comes near, replies are small */
#define MIXCTL_MSG_MAX 16384
/* Requests in flight at once: a watch of 256 strips must not burst 257 replies into a receive
 * buffer sized for a few dozen, so requests go out as replies come back. */
#define MIXCTL_WINDOW      32
#define MIXCTL_ADDRESS_MAX 256
#define MIXCTL_RCVBUF      (4 << 20)
/* dB values at or below this are "off" in mixd's table (GAIN_OFF_DB) */
#define MIXCTL_OFF_DB (-144.0f)

#define WATCH_PERIOD_NS   (50ull * 1000000ull)
#define WATCH_SNAPSHOT_NS (1000ull * 1000000ull)
#define WATCH_HOLD_NS     (1000ull * 1000000ull)
#define WATCH_FLOOR_DB    (-60.0f)
#define WATCH_NAME_COLS   12

enum { MIXCTL_OK = 0, MIXCTL_FAIL = 1, MIXCTL_USAGE = 2 };

static const char usage_text[] =
    "usage: mixctl [--host H] [--port P] [--timeout MS] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  set ADDRESS VALUE   set a parameter and print the value mixd now has (clamped);\n"
    "                      -inf sets a dB parameter to off; a choice parameter takes\n"
    "                      a name its unit lists (off|bell|...) or the index from 0\n"
    "  get ADDRESS         print ADDRESS and its value(s), e.g. get /meter/strip/1\n"
    "  list [PREFIX]       one line per parameter: address type min max default [unit]\n"
    "  watch [--strips N] [--seconds S]\n"
    "                      live meters, polled every 50 ms, until Ctrl-C or S seconds\n"
    "  stats               mixd's counters, one 'name value' per line\n"
    "  info                name, version, strips, rate, buffer, latency\n"
    "  ping                check that mixd answers, and how fast\n"
    "\n"
    "options:\n"
    "  --host H            mixd's host name or address (default " MIXCTL_DEFAULT_HOST ")\n"
    "  --port P            mixd's OSC UDP port, 1..65535 (default " MIXCTL_DEFAULT_PORT ")\n"
    "  --timeout MS        wait this long for an answer, 1..600000 ms (default 1000)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 mixd answered an error or did not answer, 2 bad usage\n";

static volatile sig_atomic_t stop_requested;

struct conn {
	int fd;
	int timeout_ms;
	char peer[NI_MAXHOST + NI_MAXSERV + 4]; /* "host:port", for messages */
	uint8_t buf[65536];                     /* any UDP datagram fits */
};

/* One reply, deserialised. msg owns argv and types. */
struct reply {
	char path[MIXCTL_ADDRESS_MAX];
	lo_message msg;
	const char *types;
	lo_arg **argv;
	int argc;
};

enum req_state { REQ_WAITING, REQ_ANSWERED, REQ_ERROR };

/* A get-style request: path sent with no argument, answered on path (or on expect). */
struct req {
	char path[MIXCTL_ADDRESS_MAX];
	const char *expect; /* reply path when it differs from path (/ping -> /pong) */
	enum req_state state;
	struct reply r;
	char reason[128];
};

/* ---- small helpers ---- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the complaint and the usage text to stderr; returns the bad-usage exit status. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mixctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage_text, stderr);
	return MIXCTL_USAGE;
}

/* Parses a whole decimal number in lo..hi. Returns 0 or -EINVAL. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!((*s >= '0' && *s <= '9') || *s == '-'))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Parses a whole finite number. Returns 0 or -EINVAL ("nan", "inf", "1e999", "12abc"). */
static int
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
		return -EINVAL;
	*out = v;
	return 0;
}

/* An OSC address mixd could know: starts with '/', no spaces, no pattern characters (mixd drops
 * wildcard addresses unanswered, which would look like a timeout). */
static bool
address_ok(const char *a)
{
	size_t n = strlen(a);

	if (a[0] != '/' || n >= MIXCTL_ADDRESS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c == 0x7f || strchr("#*,?[]{}", c))
			return false;
	}
	return true;
}

/* Shortest text that reads back as the same float. */
static void
format_float(float v, char *buf, size_t n)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(buf, n, "%.*g", p, (double)v);
		if (strtof(buf, NULL) == v)
			return;
	}
}

/* Copies s into buf replacing control bytes: a reply is printed to a terminal, and escape
 * sequences in it would be obeyed by the terminal. */
static void
sanitize(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = ((unsigned char)s[i] < ' ' || s[i] == 0x7f) ? '?' : s[i];
	buf[i] = '\0';
}

/* liblo's argv points into 4-byte aligned OSC data, but lo_arg is a union holding 8-byte
 * members: reading a member in place is a misaligned access (UBSan says so). These copy the
 * bytes out instead. */
static float
arg_f(const lo_arg *a)
{
	float v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static int32_t
arg_i(const lo_arg *a)
{
	int32_t v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static int64_t
arg_h(const lo_arg *a)
{
	int64_t v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

static double
arg_d(const lo_arg *a)
{
	double v;

	memcpy(&v, (const void *)a, sizeof(v));
	return v;
}

/* A string argument starts at the argument itself. */
static const char *
arg_s(const lo_arg *a)
{
	return (const char *)(const void *)a;
}

static void
print_arg(FILE *f, char type, const lo_arg *a)
{
	char buf[MIXCTL_ADDRESS_MAX];

	switch (type) {
	case LO_FLOAT:
		format_float(arg_f(a), buf, sizeof(buf));
		fputs(buf, f);
		break;
	case LO_DOUBLE:
		fprintf(f, "%.17g", arg_d(a));
		break;
	case LO_INT32:
		fprintf(f, "%d", (int)arg_i(a));
		break;
	case LO_INT64:
		fprintf(f, "%lld", (long long)arg_h(a));
		break;
	case LO_STRING:
	case LO_SYMBOL:
		sanitize(arg_s(a), buf, sizeof(buf));
		fputs(buf, f);
		break;
	case LO_TRUE:
		fputs("1", f);
		break;
	case LO_FALSE:
		fputs("0", f);
		break;
	case LO_INFINITUM:
		fputs("inf", f);
		break;
	case LO_NIL:
		fputs("nil", f);
		break;
	default:
		fprintf(f, "<%c>", type);
		break;
	}
}

static bool
arg_is_string(char t)
{
	return t == LO_STRING || t == LO_SYMBOL;
}

/* ---- the connection ---- */

/* Resolves host:port, binds an ephemeral port and connects. Returns 0, or -1 with a message
 * printed (an unknown host is the user's error, but it is found only by asking DNS: exit 1). */
static int
conn_open(struct conn *c, const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res, *ai;
	int err, saved = 0, rcvbuf = MIXCTL_RCVBUF;

	c->fd = -1;
	c->timeout_ms = timeout_ms;
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
		/* /list answers with one datagram per parameter in one burst, faster than we
		 * read: room for a console of 256 strips (the kernel caps it at rmem_max) */
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

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Serialises m (NULL: no arguments) for path and sends it. Returns 0 or -errno. */
static int
conn_send(struct conn *c, const char *path, lo_message m)
{
	uint8_t out[MIXCTL_MSG_MAX];
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

static void
reply_free(struct reply *r)
{
	if (r->msg)
		lo_message_free(r->msg);
	r->msg = NULL;
}

/* Waits until deadline (CLOCK_MONOTONIC ns) for one well-formed message. Returns 1 with *r
 * filled (caller frees with reply_free), 0 on timeout or a stop request, -errno on a socket
 * error (-ECONNREFUSED: nothing listens on the port). Undecodable datagrams are skipped. */
static int
conn_recv(struct conn *c, uint64_t deadline, struct reply *r)
{
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		uint64_t t = clock_ns();
		const char *path;
		ssize_t got;
		int res, wait_ms;

		if (t >= deadline || stop_requested)
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
		path = lo_get_path(c->buf, got);
		if (!path || strlen(path) >= sizeof(r->path))
			continue;
		snprintf(r->path, sizeof(r->path), "%s", path);
		r->msg = lo_message_deserialise(c->buf, (size_t)got, &res);
		if (!r->msg)
			continue;
		r->types = lo_message_get_types(r->msg);
		r->argv = lo_message_get_argv(r->msg);
		r->argc = lo_message_get_argc(r->msg);
		return 1;
	}
}

/* The address an /error reply is about, or NULL when r is not a well-formed /error. */
static const char *
error_address(const struct reply *r)
{
	if (strcmp(r->path, "/error") || r->argc < 2 || !arg_is_string(r->types[0]) ||
	    !arg_is_string(r->types[1]))
		return NULL;
	return arg_s(r->argv[0]);
}

static int
report_errno(const struct conn *c, const char *what, int err)
{
	if (err == -ECONNREFUSED)
		fprintf(stderr, "mixctl: %s: no mixd listening at %s (connection refused)\n", what,
		        c->peer);
	else
		fprintf(stderr, "mixctl: %s: %s: %s\n", what, c->peer, strerror(-err));
	return MIXCTL_FAIL;
}

static int
report_timeout(const struct conn *c, const char *what)
{
	fprintf(stderr, "mixctl: %s: no answer from mixd at %s within %d ms\n", what, c->peer,
	        c->timeout_ms);
	return MIXCTL_FAIL;
}

/* Sends every request (no arguments) keeping at most MIXCTL_WINDOW in flight, and collects the
 * answers until all are in or --timeout passes without progress. An /error for a request's
 * address marks that request; unrelated datagrams (late answers from an earlier round) are
 * dropped. Returns 0 when every request got an answer or an error, -ETIMEDOUT when some did
 * not, -errno on a socket error. */
static int
transact(struct conn *c, struct req *q, unsigned n)
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
		const char *about;
		bool used = false;

		while (sent < n && sent - done < MIXCTL_WINDOW) {
			ret = conn_send(c, q[sent].path, NULL);
			if (ret < 0)
				return ret;
			sent++;
		}
		ret = conn_recv(c, deadline, &r);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -ETIMEDOUT;
		about = error_address(&r);
		for (unsigned i = 0; i < sent && !used; i++) {
			const char *want = q[i].expect ? q[i].expect : q[i].path;

			if (q[i].state != REQ_WAITING)
				continue;
			if (about && !strcmp(about, q[i].path)) {
				q[i].state = REQ_ERROR;
				if (r.argc >= 2)
					sanitize(arg_s(r.argv[1]), q[i].reason,
					         sizeof(q[i].reason));
				used = true;
			} else if (!about && !strcmp(r.path, want)) {
				q[i].state = REQ_ANSWERED;
				q[i].r = r;
				used = true;
			}
		}
		if (!used) {
			reply_free(&r);
			continue;
		}
		if (about)
			reply_free(&r);
		done++;
		/* progress restarts the clock: a long, steady exchange is not a dead mixd */
		deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	}
	return 0;
}

static void
transact_free(struct req *q, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		reply_free(&q[i].r);
}

/* One request, with the failures reported. Returns MIXCTL_OK with q->r to free, or the exit
 * status to return. */
static int
request_one(struct conn *c, struct req *q)
{
	int ret = transact(c, q, 1);

	if (ret == -ETIMEDOUT)
		return report_timeout(c, q->path);
	if (ret < 0)
		return report_errno(c, q->path, ret);
	if (q->state == REQ_ERROR) {
		fprintf(stderr, "mixctl: %s: %s\n", q->path, q->reason);
		return MIXCTL_FAIL;
	}
	return MIXCTL_OK;
}

static void
req_init(struct req *q, const char *path, const char *expect)
{
	memset(q, 0, sizeof(*q));
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->expect = expect;
}

/* ---- /list ---- */

struct param_info {
	char type;
	float min, max;
	char unit[32];
	bool found;
};

typedef void (*list_fn)(void *ctx, const struct reply *r);

/* Sends /list [prefix] and calls fn for each well-formed /list answer until /list/end. The
 * timeout counts from the last answer, so a long listing is not cut short. Returns MIXCTL_OK or
 * the exit status to return (messages printed). */
static int
list_run(struct conn *c, const char *prefix, list_fn fn, void *ctx)
{
	lo_message m = lo_message_new();
	uint64_t deadline;
	unsigned got = 0;
	int ret;

	if (!m)
		return MIXCTL_FAIL;
	if (prefix)
		lo_message_add_string(m, prefix);
	ret = conn_send(c, "/list", m);
	lo_message_free(m);
	if (ret < 0)
		return report_errno(c, "/list", ret);
	deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	for (;;) {
		struct reply r;
		const char *about;

		ret = conn_recv(c, deadline, &r);
		if (ret < 0)
			return report_errno(c, "/list", ret);
		if (ret == 0 && got) {
			/* mixd sends the whole listing at once; what overflowed our receive
			 * buffer is gone, /list/end with it */
			fprintf(stderr,
			        "mixctl: /list: %u answers, then nothing for %d ms: the rest was "
			        "lost (a narrower PREFIX or a larger net.core.rmem_max helps)\n",
			        got, c->timeout_ms);
			return MIXCTL_FAIL;
		}
		if (ret == 0)
			return report_timeout(c, "/list");
		got++;
		about = error_address(&r);
		if (about && !strcmp(about, "/list")) {
			char why[128];
			sanitize(arg_s(r.argv[1]), why, sizeof(why));
			fprintf(stderr, "mixctl: /list: %s\n", why);
			reply_free(&r);
			return MIXCTL_FAIL;
		}
		if (!strcmp(r.path, "/list/end")) {
			reply_free(&r);
			return MIXCTL_OK;
		}
		/* s:address s:type f:min f:max default s:unit */
		if (!strcmp(r.path, "/list") && r.argc == 6 && arg_is_string(r.types[0]) &&
		    arg_is_string(r.types[1]) && r.types[2] == LO_FLOAT && r.types[3] == LO_FLOAT &&
		    arg_is_string(r.types[5]))
			fn(ctx, &r);
		reply_free(&r);
		deadline = clock_ns() + (uint64_t)c->timeout_ms * 1000000ull;
	}
}

static void
list_print(void *ctx, const struct reply *r)
{
	char min[32], max[32];

	format_float(arg_f(r->argv[2]), min, sizeof(min));
	format_float(arg_f(r->argv[3]), max, sizeof(max));
	print_arg(stdout, r->types[0], r->argv[0]);
	printf(" %c %s %s ", arg_s(r->argv[1])[0], min, max);
	if (arg_is_string(r->types[4]))
		putchar('"');
	print_arg(stdout, r->types[4], r->argv[4]);
	if (arg_is_string(r->types[4]))
		putchar('"');
	if (arg_s(r->argv[5])[0]) {
		putchar(' ');
		print_arg(stdout, r->types[5], r->argv[5]);
	}
	putchar('\n');
}

struct find_ctx {
	const char *address;
	struct param_info *info;
};

static void
list_find(void *ctx, const struct reply *r)
{
	struct find_ctx *f = ctx;

	if (strcmp(arg_s(r->argv[0]), f->address))
		return;
	f->info->found = true;
	f->info->type = arg_s(r->argv[1])[0];
	f->info->min = arg_f(r->argv[2]);
	f->info->max = arg_f(r->argv[3]);
	snprintf(f->info->unit, sizeof(f->info->unit), "%s", arg_s(r->argv[5]));
}

/* ---- commands ---- */

static void
print_reply_values(const struct reply *r)
{
	for (int i = 0; i < r->argc; i++) {
		putchar(' ');
		print_arg(stdout, r->types[i], r->argv[i]);
	}
	putchar('\n');
}

static int
cmd_get(struct conn *c, const char *address)
{
	struct req q;
	int ret;

	req_init(&q, address, NULL);
	ret = request_one(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	fputs(address, stdout);
	print_reply_values(&q.r);
	transact_free(&q, 1);
	return MIXCTL_OK;
}

/* Builds the set message for a parameter of the given type from text. Returns NULL with a
 * message printed when the text is not a value of that type. */
static lo_message
set_message(const char *address, const struct param_info *pi, const char *text)
{
	lo_message m = lo_message_new();
	double v;
	long i;

	if (!m)
		return NULL;
	switch (pi->type) {
	case 'f':
		if (!strcmp(pi->unit, "dB") && !strcasecmp(text, "-inf")) {
			v = MIXCTL_OFF_DB;
		} else if (parse_double(text, &v) < 0) {
			fprintf(stderr, "mixctl: %s: \"%s\" is not a finite number\n", address,
			        text);
			goto bad;
		}
		/* beyond float range is far beyond any parameter range: mixd clamps it anyway */
		if (v > FLT_MAX)
			v = FLT_MAX;
		if (v < -FLT_MAX)
			v = -FLT_MAX;
		lo_message_add_float(m, (float)v);
		return m;
	case 'i':
		if (parse_long(text, INT32_MIN, INT32_MAX, &i) < 0) {
			fprintf(stderr, "mixctl: %s: \"%s\" is not a whole number\n", address,
			        text);
			goto bad;
		}
		lo_message_add_int32(m, (int32_t)i);
		return m;
	case 's':
		/* a name, or a choice of an enum parameter: mixd takes the choice's name or its
		 * index as text, and names the choices when it is neither */
		lo_message_add_string(m, text);
		return m;
	default:
		fprintf(stderr,
		        "mixctl: %s: mixd lists it with type '%c', which mixctl cannot set\n",
		        address, pi->type);
		goto bad;
	}
bad:
	lo_message_free(m);
	return NULL;
}

static int
cmd_set(struct conn *c, const char *address, const char *text)
{
	struct param_info pi = { 0 };
	struct find_ctx f = { address, &pi };
	lo_message m;
	struct req q;
	int ret;

	/* the type decides the OSC type tag: a tablet-style float to an int parameter works,
	 * but a number to a name, or text to a fader, is an error mixctl can name better */
	ret = list_run(c, address, list_find, &f);
	if (ret != MIXCTL_OK)
		return ret;
	if (!pi.found) {
		/* not a parameter: mixd's own answer to a get says why (unknown address), or it is
		 * something readable but not settable, like a meter */
		req_init(&q, address, NULL);
		ret = request_one(c, &q);
		if (ret != MIXCTL_OK)
			return ret;
		transact_free(&q, 1);
		fprintf(stderr, "mixctl: %s: not a parameter (it can be read, not set)\n", address);
		return MIXCTL_FAIL;
	}
	m = set_message(address, &pi, text);
	if (!m)
		return MIXCTL_USAGE;
	ret = conn_send(c, address, m);
	lo_message_free(m);
	if (ret < 0)
		return report_errno(c, address, ret);
	/* mixd handles datagrams in order: an /error for the set arrives before the get's answer,
	 * and the get reads back the value after clamping */
	return cmd_get(c, address);
}

static int
cmd_list(struct conn *c, const char *prefix)
{
	int ret = list_run(c, prefix, list_print, NULL);

	fflush(stdout);
	return ret;
}

static int
cmd_stats(struct conn *c)
{
	struct req q;
	int ret;

	req_init(&q, "/stats", NULL);
	ret = request_one(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	for (int i = 0; i + 1 < q.r.argc; i += 2) {
		if (!arg_is_string(q.r.types[i]))
			continue;
		print_arg(stdout, q.r.types[i], q.r.argv[i]);
		putchar(' ');
		print_arg(stdout, q.r.types[i + 1], q.r.argv[i + 1]);
		putchar('\n');
	}
	transact_free(&q, 1);
	return MIXCTL_OK;
}

static const char *const info_fields[] = {
	"name", "version", "strips", "rate", "buffer", "latency"
};
#define INFO_N_FIELDS (sizeof(info_fields) / sizeof(info_fields[0]))

/* Reads /info: the strip count (and the reply in q for the caller to free). */
static int
get_info(struct conn *c, struct req *q, unsigned *strips)
{
	int ret;

	req_init(q, "/info", NULL);
	ret = request_one(c, q);
	if (ret != MIXCTL_OK)
		return ret;
	if (q->r.argc < 3 || strncmp(q->r.types, "ssi", 3) || arg_i(q->r.argv[2]) < 1 ||
	    arg_i(q->r.argv[2]) > MIXCTL_MAX_STRIPS) {
		fprintf(stderr, "mixctl: /info: unexpected answer (types %s)\n", q->r.types);
		transact_free(q, 1);
		return MIXCTL_FAIL;
	}
	*strips = (unsigned)arg_i(q->r.argv[2]);
	return MIXCTL_OK;
}

static int
cmd_info(struct conn *c)
{
	unsigned strips;
	struct req q;
	int ret = get_info(c, &q, &strips);

	if (ret != MIXCTL_OK)
		return ret;
	for (int i = 0; i < q.r.argc; i++) {
		if ((unsigned)i < INFO_N_FIELDS)
			printf("%s ", info_fields[i]);
		else
			printf("field%d ", i + 1);
		print_arg(stdout, q.r.types[i], q.r.argv[i]);
		putchar('\n');
	}
	transact_free(&q, 1);
	return MIXCTL_OK;
}

static int
cmd_ping(struct conn *c)
{
	uint64_t t0 = clock_ns();
	struct req q;
	int ret;

	req_init(&q, "/ping", "/pong");
	ret = request_one(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	printf("pong from %s in %.3f ms\n", c->peer, (double)(clock_ns() - t0) / 1e6);
	transact_free(&q, 1);
	return MIXCTL_OK;
}

/* ---- watch ---- */

struct strip_view {
	char name[WATCH_NAME_COLS * 4 + 1];
	float peak, rms, gr;      /* the latest reading */
	float hold;               /* the peak marker: highest peak of the last second */
	uint64_t hold_ns;         /* when hold was set */
	float snap_peak, snap_gr; /* max since the last plain-text snapshot */
	bool seen;
};

struct watch {
	struct conn *c;
	unsigned n;     /* strips shown */
	unsigned total; /* strips mixd has */
	bool inplace, colour;
	unsigned lines_drawn;
	struct strip_view s[MIXCTL_MAX_STRIPS];
	struct strip_view master;
	float master_lr[2], master_tp, snap_lr[2], snap_tp;
	struct req q[MIXCTL_MAX_STRIPS + 1];
	char header[sizeof(((struct conn *)0)->peer) + 128];
	char *frame;
	size_t frame_cap, frame_len;
};

static void
on_signal(int sig)
{
	stop_requested = 1;
}

static void frame_add(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
frame_add(struct watch *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->frame_len >= w->frame_cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->frame + w->frame_len, w->frame_cap - w->frame_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->frame_len += (size_t)n < w->frame_cap - w->frame_len
		                    ? (size_t)n
		                    : w->frame_cap - w->frame_len - 1;
}

static void
format_db(float db, char *buf, size_t n)
{
	if (!(db > MIXCTL_OFF_DB))
		snprintf(buf, n, "-inf");
	else
		snprintf(buf, n, "%.1f", (double)db);
}

static const char *
zone_colour(float db)
{
	if (db < -18.0f)
		return "\033[32m";
	if (db < -6.0f)
		return "\033[33m";
	return "\033[31m";
}

/* Cells of a bar of width cols filled by a level in dB over WATCH_FLOOR_DB..0. */
static unsigned
bar_cells(float db, unsigned cols)
{
	float x = (db - WATCH_FLOOR_DB) / -WATCH_FLOOR_DB * (float)cols;

	if (!(x > 0.0f))
		return 0;
	return x >= (float)cols ? cols : (unsigned)lrintf(x);
}

/* A bar of `level` with the peak marked, each cell coloured by the level it stands for. */
static void
frame_bar(struct watch *w, float level, float peak, unsigned cols)
{
	unsigned fill = bar_cells(level, cols), mark = bar_cells(peak, cols);
	const char *cur = NULL;

	frame_add(w, "[");
	for (unsigned i = 0; i < cols; i++) {
		float db = WATCH_FLOOR_DB + ((float)i + 0.5f) * -WATCH_FLOOR_DB / (float)cols;
		char ch = i < fill ? '#' : (mark && i == mark - 1) ? '|' : ' ';

		if (w->colour && ch != ' ' && cur != zone_colour(db)) {
			cur = zone_colour(db);
			frame_add(w, "%s", cur);
		}
		frame_add(w, "%c", ch);
	}
	if (w->colour && cur)
		frame_add(w, "\033[0m");
	frame_add(w, "]");
}

static unsigned
terminal_cols(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* Redraws everything in place: cursor up over the previous frame, each line cleared. */
static void
watch_draw(struct watch *w)
{
	/* "NNN name........ [bar] pk -xx.x rms -xx.x gr xx.x" */
	unsigned cols = terminal_cols(), bar;
	char pk[16], rms[16], l[16], r[16], tp[16];

	/* the rest of a line takes 48 columns; one spare so a full line never wraps, which
	 * would break the cursor-up count */
	bar = cols > 48 + 1 + 8 ? cols - 48 - 1 : 8;
	if (bar > 120)
		bar = 120;
	w->frame_len = 0;
	if (w->lines_drawn)
		frame_add(w, "\033[%uA", w->lines_drawn);
	frame_add(w, "\r\033[2K%s\n", w->header);
	for (unsigned k = 0; k < w->n; k++) {
		struct strip_view *s = &w->s[k];

		format_db(s->peak, pk, sizeof(pk));
		format_db(s->rms, rms, sizeof(rms));
		frame_add(w, "\r\033[2K%3u %-*.*s ", k + 1, WATCH_NAME_COLS, WATCH_NAME_COLS,
		          s->name);
		frame_bar(w, s->seen ? s->rms : MIXCTL_OFF_DB, s->seen ? s->hold : MIXCTL_OFF_DB,
		          bar);
		frame_add(w, " pk %5s rms %5s gr %4.1f\n", pk, rms, (double)s->gr);
	}
	format_db(w->master_lr[0], l, sizeof(l));
	format_db(w->master_lr[1], r, sizeof(r));
	format_db(w->master_tp, tp, sizeof(tp));
	frame_add(w, "\r\033[2K  M %-*.*s ", WATCH_NAME_COLS, WATCH_NAME_COLS, "master");
	frame_bar(w, w->master.peak, w->master.hold, bar);
	frame_add(w, " L %5s R %5s tp %5s gr %4.1f\n", l, r, tp, (double)w->master.gr);
	fwrite(w->frame, 1, w->frame_len, stdout);
	fflush(stdout);
	w->lines_drawn = w->n + 2;
}

/* One plain line per strip (and the master): what happened in the last second. */
static void
watch_snapshot(struct watch *w, double t)
{
	char pk[16], rms[16], l[16], r[16], tp[16];

	for (unsigned k = 0; k < w->n; k++) {
		struct strip_view *s = &w->s[k];

		format_db(s->snap_peak, pk, sizeof(pk));
		format_db(s->rms, rms, sizeof(rms));
		printf("%.1f strip %u \"%s\" peak %s rms %s gr %.1f\n", t, k + 1, s->name, pk, rms,
		       (double)s->snap_gr);
		s->snap_peak = MIXCTL_OFF_DB;
		s->snap_gr = 0.0f;
	}
	format_db(w->snap_lr[0], l, sizeof(l));
	format_db(w->snap_lr[1], r, sizeof(r));
	format_db(w->snap_tp, tp, sizeof(tp));
	printf("%.1f master peak %s %s truepeak %s gr %.1f\n", t, l, r, tp,
	       (double)w->master.snap_gr);
	w->snap_lr[0] = w->snap_lr[1] = w->snap_tp = MIXCTL_OFF_DB;
	w->master.snap_gr = 0.0f;
	fflush(stdout);
}

static void
view_peak(struct strip_view *s, float peak, uint64_t t)
{
	s->peak = peak;
	if (peak >= s->hold || t - s->hold_ns > WATCH_HOLD_NS) {
		s->hold = peak;
		s->hold_ns = t;
	}
	if (peak > s->snap_peak)
		s->snap_peak = peak;
}

/* One poll of every meter. Returns 0, or the exit status when mixd stopped answering. */
static int
watch_poll(struct watch *w)
{
	uint64_t t;
	int ret;

	ret = transact(w->c, w->q, w->n + 1);
	t = clock_ns();
	if (ret == -ETIMEDOUT) {
		/* a lost datagram costs one reading; a silent mixd ends the watch */
		bool any = false;
		for (unsigned i = 0; i <= w->n; i++)
			any |= w->q[i].state != REQ_WAITING;
		if (!any && !stop_requested)
			return report_timeout(w->c, "/meter/master");
	} else if (ret < 0) {
		return report_errno(w->c, "/meter/master", ret);
	}
	for (unsigned k = 0; k < w->n; k++) {
		struct reply *r = &w->q[k].r;
		struct strip_view *s = &w->s[k];

		if (w->q[k].state != REQ_ANSWERED || r->argc != 3 || strcmp(r->types, "fff"))
			continue;
		view_peak(s, arg_f(r->argv[0]), t);
		s->rms = arg_f(r->argv[1]);
		s->gr = arg_f(r->argv[2]);
		if (s->gr > s->snap_gr)
			s->snap_gr = s->gr;
		s->seen = true;
	}
	if (w->q[w->n].state == REQ_ANSWERED && w->q[w->n].r.argc == 4 &&
	    !strcmp(w->q[w->n].r.types, "ffff")) {
		lo_arg **a = w->q[w->n].r.argv;
		/* peak L, peak R, true peak, gain reduction */
		const float v[4] = { arg_f(a[0]), arg_f(a[1]), arg_f(a[2]), arg_f(a[3]) };

		w->master_lr[0] = v[0];
		w->master_lr[1] = v[1];
		w->master_tp = v[2];
		w->master.gr = v[3];
		view_peak(&w->master, v[0] > v[1] ? v[0] : v[1], t);
		for (int i = 0; i < 2; i++)
			if (v[i] > w->snap_lr[i])
				w->snap_lr[i] = v[i];
		if (v[2] > w->snap_tp)
			w->snap_tp = v[2];
		if (v[3] > w->master.snap_gr)
			w->master.snap_gr = v[3];
		w->master.seen = true;
	}
	transact_free(w->q, w->n + 1);
	return 0;
}

/* Fetches the strip names once; a name that does not come back shows as its number. */
static int
watch_names(struct watch *w)
{
	int ret;

	for (unsigned k = 0; k < w->n; k++) {
		char path[64];
		snprintf(path, sizeof(path), "/strip/%u/name", k + 1);
		req_init(&w->q[k], path, NULL);
	}
	ret = transact(w->c, w->q, w->n);
	if (ret < 0 && ret != -ETIMEDOUT)
		return report_errno(w->c, "/strip/1/name", ret);
	for (unsigned k = 0; k < w->n; k++) {
		const struct reply *r = &w->q[k].r;

		if (w->q[k].state == REQ_ANSWERED && r->argc == 1 && arg_is_string(r->types[0]))
			sanitize(arg_s(r->argv[0]), w->s[k].name, sizeof(w->s[k].name));
		else
			snprintf(w->s[k].name, sizeof(w->s[k].name), "%u", k + 1);
	}
	transact_free(w->q, w->n);
	return MIXCTL_OK;
}

static bool
env_colour_allowed(void)
{
	const char *nc = getenv("NO_COLOR");

	return !(nc && *nc); /* no-color.org: set and not empty */
}

static void
sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	/* EINTR (Ctrl-C) ends the sleep early: the loop then sees stop_requested */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static int
cmd_watch(struct conn *c, unsigned want_strips, double seconds)
{
	static struct watch w; /* ~60 KiB of views and requests: not on the stack */
	const char *term = getenv("TERM");
	struct sigaction sa = { .sa_handler = on_signal };
	struct req info;
	char name[33];
	int32_t rate, buffer;
	uint64_t t0, next, last_snap;
	int ret;
	bool tty = isatty(STDOUT_FILENO);

	w.c = c;
	ret = get_info(c, &info, &w.total);
	if (ret != MIXCTL_OK)
		return ret;
	w.n = want_strips && want_strips < w.total ? want_strips : w.total;
	/* a dumb terminal cannot move the cursor: it gets the plain snapshots */
	w.inplace = tty && term && *term && strcmp(term, "dumb");
	w.colour = w.inplace && env_colour_allowed();
	if (w.inplace) {
		struct winsize ws;
		/* drawing in place needs the whole frame on screen: cursor-up stops at the top */
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 4 &&
		    w.n + 3 > ws.ws_row)
			w.n = ws.ws_row - 3u;
	}
	sanitize(arg_s(info.r.argv[0]), name, sizeof(name));
	rate = info.r.argc > 3 && info.r.types[3] == LO_INT32 ? arg_i(info.r.argv[3]) : 0;
	buffer = info.r.argc > 4 && info.r.types[4] == LO_INT32 ? arg_i(info.r.argv[4]) : 0;
	snprintf(w.header, sizeof(w.header), "%s at %s: %d Hz, %d frames; strips 1-%u of %u", name,
	         c->peer, (int)rate, (int)buffer, w.n, w.total);
	transact_free(&info, 1);
	ret = watch_names(&w);
	if (ret != MIXCTL_OK)
		return ret;
	for (unsigned k = 0; k < w.n; k++) {
		char path[64];
		snprintf(path, sizeof(path), "/meter/strip/%u", k + 1);
		req_init(&w.q[k], path, NULL);
		w.s[k].peak = w.s[k].rms = w.s[k].hold = w.s[k].snap_peak = MIXCTL_OFF_DB;
	}
	req_init(&w.q[w.n], "/meter/master", NULL);
	w.master.peak = w.master.hold = MIXCTL_OFF_DB;
	w.master_lr[0] = w.master_lr[1] = w.master_tp = MIXCTL_OFF_DB;
	w.snap_lr[0] = w.snap_lr[1] = w.snap_tp = MIXCTL_OFF_DB;
	w.frame_cap = (size_t)(w.n + 2) * 1024 + 64;
	w.frame = malloc(w.frame_cap);
	if (!w.frame) {
		fprintf(stderr, "mixctl: out of memory\n");
		return MIXCTL_FAIL;
	}

	/* no SA_RESTART: Ctrl-C must cut short a poll or a sleep, not wait it out */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (w.inplace)
		fputs("\033[?25l", stdout); /* hide the cursor while redrawing */

	t0 = next = last_snap = clock_ns();
	ret = MIXCTL_OK;
	while (!stop_requested) {
		uint64_t t;

		ret = watch_poll(&w);
		if (ret != MIXCTL_OK)
			break;
		t = clock_ns();
		if (w.inplace) {
			watch_draw(&w);
		} else if (t - last_snap >= WATCH_SNAPSHOT_NS) {
			watch_snapshot(&w, (double)(t - t0) / 1e9);
			last_snap = t;
		}
		if (seconds > 0.0 && (double)(t - t0) / 1e9 >= seconds)
			break;
		next += WATCH_PERIOD_NS;
		if (next < t)
			next = t; /* fell behind (a slow mixd): no burst of catch-up polls */
		sleep_until(next);
	}
	if (!w.inplace && ret == MIXCTL_OK && clock_ns() - last_snap >= WATCH_PERIOD_NS)
		watch_snapshot(&w, (double)(clock_ns() - t0) / 1e9);
	if (w.inplace)
		fputs("\033[0m\033[?25h", stdout); /* colours off, cursor back */
	fflush(stdout);
	free(w.frame);
	return ret;
}

/* ---- command line ---- */

int
main(int argc, char **argv)
{
	const char *host = MIXCTL_DEFAULT_HOST, *port = MIXCTL_DEFAULT_PORT, *val, *cmd;
	long timeout_ms = MIXCTL_DEFAULT_TIMEOUT, v;
	unsigned watch_strips = 0;
	double watch_seconds = 0.0;
	struct conn *c;
	int i = 1, nargs, ret;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return MIXCTL_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("mixctl %s\n", MIXD_VERSION);
			return MIXCTL_OK;
		} else if (cli_opt_match(argc, argv, &i, "--host", &val)) {
			if (!val || !*val)
				return usage_error("%s needs a host name or address", "--host");
			host = val;
		} else if (cli_opt_match(argc, argv, &i, "--port", &val)) {
			if (!val)
				return usage_error("%s needs a port number", "--port");
			if (parse_long(val, 1, 65535, &v) < 0)
				return usage_error("--port \"%s\": expected 1..65535", val);
			port = val;
		} else if (cli_opt_match(argc, argv, &i, "--timeout", &val)) {
			if (!val)
				return usage_error("%s needs milliseconds", "--timeout");
			if (parse_long(val, 1, MIXCTL_TIMEOUT_MAX, &timeout_ms) < 0)
				return usage_error("--timeout \"%s\": expected 1..600000 ms", val);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return usage_error("unknown option %s", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[i++];
	nargs = argc - i;

	if (!strcmp(cmd, "set")) {
		if (nargs != 2)
			return usage_error("%s", "set takes ADDRESS VALUE");
		if (!address_ok(argv[i]))
			return usage_error("\"%s\" is not an OSC address like /strip/1/fader",
			                   argv[i]);
	} else if (!strcmp(cmd, "get")) {
		if (nargs != 1)
			return usage_error("%s", "get takes one ADDRESS");
		if (!address_ok(argv[i]))
			return usage_error("\"%s\" is not an OSC address like /strip/1/fader",
			                   argv[i]);
	} else if (!strcmp(cmd, "list")) {
		if (nargs > 1)
			return usage_error("%s", "list takes at most one PREFIX");
		if (nargs == 1 && !address_ok(argv[i]))
			return usage_error("\"%s\" is not an address prefix like /strip/1",
			                   argv[i]);
	} else if (!strcmp(cmd, "watch")) {
		int j = i;
		while (j < argc) {
			if (cli_opt_match(argc, argv, &j, "--strips", &val)) {
				if (!val || parse_long(val, 1, MIXCTL_MAX_STRIPS, &v) < 0)
					return usage_error("--strips \"%s\": expected 1..256",
					                   val ? val : "");
				watch_strips = (unsigned)v;
			} else if (cli_opt_match(argc, argv, &j, "--seconds", &val)) {
				if (!val || parse_double(val, &watch_seconds) < 0 ||
				    !(watch_seconds > 0.0 && watch_seconds <= 1e7))
					return usage_error("--seconds \"%s\": expected a number "
					                   "of seconds > 0",
					                   val ? val : "");
			} else {
				return usage_error("watch: unexpected argument \"%s\"", argv[j]);
			}
		}
	} else if (!strcmp(cmd, "stats") || !strcmp(cmd, "info") || !strcmp(cmd, "ping")) {
		if (nargs != 0)
			return usage_error("%s takes no arguments", cmd);
	} else {
		return usage_error("unknown command \"%s\"", cmd);
	}

	c = malloc(sizeof(*c));
	if (!c) {
		fprintf(stderr, "mixctl: out of memory\n");
		return MIXCTL_FAIL;
	}
	if (conn_open(c, host, port, (int)timeout_ms) < 0) {
		free(c);
		return MIXCTL_FAIL;
	}
	if (!strcmp(cmd, "set"))
		ret = cmd_set(c, argv[i], argv[i + 1]);
	else if (!strcmp(cmd, "get"))
		ret = cmd_get(c, argv[i]);
	else if (!strcmp(cmd, "list"))
		ret = cmd_list(c, nargs ? argv[i] : NULL);
	else if (!strcmp(cmd, "watch"))
		ret = cmd_watch(c, watch_strips, watch_seconds);
	else if (!strcmp(cmd, "stats"))
		ret = cmd_stats(c);
	else if (!strcmp(cmd, "info"))
		ret = cmd_info(c);
	else
		ret = cmd_ping(c);
	if (fflush(stdout) != 0 && ret == MIXCTL_OK)
		ret = MIXCTL_FAIL; /* a full disk or closed pipe is not success */
	conn_close(c);
	free(c);
	return ret;
}
