/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "nsm.h"

#include <errno.h>
#include <lo/lo.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

/* The API version we speak (the NSM API document, 1.2: is_dirty/is_clean, message). */
#define NSM_API_MAJOR 1
#define NSM_API_MINOR 2
/* Headless: no :optional-gui:. No :switch: either: the JACK name and the state directory are
 * fixed for a run, so a second open is refused. */
#define NSM_CAPS       ":dirty:message:"
#define NSM_URL_PREFIX "osc.udp://"
/* Larger than anything a manager sends: its longest message is an open with a path. */
#define NSM_BUF_SIZE 65536
/* Messages read per wake-up of the poll loop: the manager sends a handful a session. */
#define NSM_RECV_PER_WAKEUP 16

struct nsm {
	int fd;              /* connected to the manager: receives only what it sends */
	bool opened;         /* the open was answered: save is allowed, dirt is reported */
	bool reported_dirty; /* what the manager last heard from us */
	nsm_save_fn save;
	void *save_ctx;
	uint8_t buf[NSM_BUF_SIZE];
};

/* One received message; valid until the next receive. */
struct nsm_msg {
	const char *path;
	const char *types;
	int argc;
	lo_arg **argv;
	lo_message lm;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Strings are read in place: they need no alignment. Through a char pointer, not the union:
 * liblo's arguments are only 4-byte aligned, and a member access of the 8-aligned union is
 * undefined there (UBSan says so). */
static const char *
arg_s(const struct nsm_msg *m, int i)
{
	return (const char *)m->argv[i];
}

/* True when m has exactly the types (a prefix match when prefix is set). */
static bool
shape(const struct nsm_msg *m, const char *types, bool prefix)
{
	size_t n = strlen(types);

	return prefix ? !strncmp(m->types, types, n) : !strcmp(m->types, types);
}

static int
send_msg(struct nsm *n, const char *path, lo_message lm)
{
	uint8_t out[4096];
	size_t len = lo_message_length(lm, path);
	int ret = 0;

	if (len > sizeof(out) || !lo_message_serialise(lm, path, out, &len))
		ret = -EMSGSIZE;
	else if (send(n->fd, out, len, MSG_DONTWAIT) < 0)
		ret = -errno;
	lo_message_free(lm);
	if (ret < 0)
		fprintf(stderr, "mixd: NSM: cannot send %s: %s\n", path, strerror(-ret));
	return ret;
}

/* Sends path with arguments of types: i takes an int, s a string. */
static int
send_fmt(struct nsm *n, const char *path, const char *types, ...)
{
	lo_message lm = lo_message_new();
	va_list ap;

	if (!lm)
		return -ENOMEM;
	va_start(ap, types);
	for (const char *t = types; *t; t++) {
		if (*t == 'i')
			lo_message_add_int32(lm, va_arg(ap, int));
		else
			lo_message_add_string(lm, va_arg(ap, const char *));
	}
	va_end(ap);
	return send_msg(n, path, lm);
}

static void
reply_error(struct nsm *n, const char *what, int code, const char *why)
{
	send_fmt(n, "/error", "sis", what, code, why);
}

static void
msg_release(struct nsm_msg *m)
{
	if (m->lm)
		lo_message_free(m->lm);
	memset(m, 0, sizeof(*m));
}

/* Reads one datagram that parses as a message, waiting up to timeout_ms (-1: no limit).
 * Returns 1 with *m filled, 0 on timeout, or a negative errno (-ECONNREFUSED: nobody listens
 * at the manager's address). Bundles and garbage are skipped. */
static int
recv_msg(struct nsm *n, int timeout_ms, struct nsm_msg *m)
{
	int64_t deadline = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;

	msg_release(m);
	for (;;) {
		struct pollfd p = { .fd = n->fd, .events = POLLIN };
		int wait_ms = -1, result = 0;
		ssize_t len;

		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ms();
			wait_ms = left > 0 ? (int)left : 0;
		}
		if (poll(&p, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!p.revents)
			return 0;
		len = recv(n->fd, n->buf, sizeof(n->buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		m->path = lo_get_path(n->buf, len);
		if (!m->path || m->path[0] != '/')
			continue;
		m->lm = lo_message_deserialise(n->buf, (size_t)len, &result);
		if (!m->lm) {
			m->path = NULL;
			continue;
		}
		m->types = lo_message_get_types(m->lm);
		m->argc = lo_message_get_argc(m->lm);
		m->argv = lo_message_get_argv(m->lm);
		if (!m->types)
			m->types = "";
		return 1;
	}
}

/* "osc.udp://HOST:PORT/" (HOST may be [v6]; the trailing slash is optional). Returns 0 or
 * -EINVAL. */
static int
parse_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *h = url + strlen(NSM_URL_PREFIX), *he, *p;
	size_t hn, pn;

	if (strncmp(url, NSM_URL_PREFIX, strlen(NSM_URL_PREFIX)))
		return -EINVAL;
	if (*h == '[') {
		he = strchr(++h, ']');
		if (!he || he[1] != ':')
			return -EINVAL;
		p = he + 2;
	} else {
		he = strchr(h, ':');
		if (!he)
			return -EINVAL;
		p = he + 1;
	}
	hn = (size_t)(he - h);
	pn = strspn(p, "0123456789");
	if (!hn || hn >= hostlen || !pn || pn >= portlen)
		return -EINVAL;
	if (!(p[pn] == '\0' || (p[pn] == '/' && p[pn + 1] == '\0')))
		return -EINVAL;
	memcpy(host, h, hn);
	host[hn] = '\0';
	memcpy(port, p, pn);
	port[pn] = '\0';
	{
		unsigned long v;
		if (cli_parse_uint(port, 1, 65535, &v))
			return -EINVAL;
	}
	return 0;
}

/* A UDP socket connected to the manager: the kernel picks the interface that reaches it and an
 * ephemeral port, and filters out every other sender. */
static int
connect_manager(const char *url, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char host[256], port[8];
	int fd = -1, rc;

	if (parse_url(url, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(err, errlen, "NSM_URL \"%s\": expected osc.udp://HOST:PORT/", url);
		return -EINVAL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "NSM_URL \"%s\": %s", url, gai_strerror(rc));
		return -EINVAL;
	}
	for (struct addrinfo *i = ai; i; i = i->ai_next) {
		fd = socket(i->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, i->ai_addr, i->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	rc = -errno;
	freeaddrinfo(ai);
	if (fd < 0) {
		snprintf(err, errlen, "NSM_URL \"%s\": cannot reach it: %s", url, strerror(-rc));
		return rc < 0 ? rc : -EIO;
	}
	return fd;
}

static int
announce(struct nsm *n, const char *argv0, const char *url, char *err, size_t errlen)
{
	const char *exe = strrchr(argv0, '/');
	int64_t deadline;
	struct nsm_msg m = { 0 };
	int rc;

	exe = exe ? exe + 1 : argv0;
	rc = send_fmt(n, "/nsm/server/announce", "sssiii", "mixd", NSM_CAPS, exe, NSM_API_MAJOR,
	              NSM_API_MINOR, (int)getpid());
	if (rc < 0) {
		snprintf(err, errlen, "NSM: cannot announce to %s: %s", url, strerror(-rc));
		return rc;
	}
	deadline = now_ms() + NSM_REPLY_MS;
	for (;;) {
		int64_t left = deadline - now_ms();

		rc = recv_msg(n, left > 0 ? (int)left : 0, &m);
		if (rc <= 0)
			break;
		if (!shape(&m, "s", true) || strcmp(arg_s(&m, 0), "/nsm/server/announce"))
			continue;
		if (!strcmp(m.path, "/reply")) {
			fprintf(stderr, "mixd: NSM: announced to %s: %s\n",
			        shape(&m, "sss", false) ? arg_s(&m, 2) : url,
			        shape(&m, "ss", true) ? arg_s(&m, 1) : "");
			msg_release(&m);
			return 0;
		}
		if (!strcmp(m.path, "/error")) {
			snprintf(err, errlen, "NSM: the session manager refused us: %s",
			         shape(&m, "sis", false) ? arg_s(&m, 2) : "(no reason given)");
			msg_release(&m);
			return -EPERM;
		}
	}
	msg_release(&m);
	if (rc == 0) {
		snprintf(err, errlen, "NSM: no reply to the announce from %s within %d ms", url,
		         NSM_REPLY_MS);
		return -ETIMEDOUT;
	}
	snprintf(err, errlen, "NSM: waiting for %s: %s", url, strerror(-rc));
	return rc;
}

/* What the JACK server accepts as a client name, short enough for options.name. */
static bool
client_id_ok(const char *id, size_t cap)
{
	size_t len = strlen(id);

	if (!len || len >= cap)
		return false;
	for (size_t i = 0; i < len; i++)
		if (id[i] < 0x21 || id[i] > 0x7e || id[i] == ':')
			return false;
	return true;
}

/* Applies an open to o. Returns 0, or an NSM error code with the reason in err (the manager
 * hears it as /error). */
static int
apply_open(struct options *o, const char *path, const char *client_id, const char *port, char *err,
           size_t errlen)
{
	struct stat st;

	if (!client_id_ok(client_id, sizeof(o->name))) {
		snprintf(err, errlen, "client id \"%s\" cannot be a JACK client name", client_id);
		return NSM_ERR_GENERAL;
	}
	/* the same bound as --state-dir: room for the file names under it */
	if (path[0] != '/' || strlen(path) >= sizeof(o->state_dir) - 64) {
		snprintf(err, errlen, "session path \"%s\": not absolute, or too long", path);
		return NSM_ERR_BAD_PROJECT;
	}
	/* the manager has made the session directory; our project is a directory in it */
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return NSM_ERR_CREATE_FAILED;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return NSM_ERR_BAD_PROJECT;
	}
	snprintf(o->state_dir, sizeof(o->state_dir), "%s", path);
	snprintf(o->name, sizeof(o->name), "%s", client_id);
	if (!o->listen_given)
		snprintf(o->listen, sizeof(o->listen), "127.0.0.1:%s", port);
	return 0;
}

int
nsm_begin(struct nsm **out, struct options *o, const char *argv0, char *err, size_t errlen)
{
	const char *url = getenv("NSM_URL"), *env_port = getenv(NSM_PORT_ENV);
	struct nsm_msg m = { 0 };
	struct nsm *n;
	unsigned long v;
	int rc;

	*out = NULL;
	if (!url || !*url)
		return 0;
	/* several mixd in one session must not fight over 9000: a free port unless asked */
	if (env_port && cli_parse_uint(env_port, 0, 65535, &v)) {
		snprintf(err, errlen, "%s \"%s\": expected 0..65535", NSM_PORT_ENV, env_port);
		return -EINVAL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n->fd = connect_manager(url, err, errlen);
	if (n->fd < 0) {
		rc = n->fd;
		goto fail;
	}
	rc = announce(n, argv0, url, err, errlen);
	if (rc < 0)
		goto fail;
	/* NSM launches its clients before it opens them: wait as long as it takes */
	for (;;) {
		char why[PATH_MAX + 128];
		int code;

		rc = recv_msg(n, -1, &m);
		if (rc < 0) {
			snprintf(err, errlen, "NSM: waiting for open: %s", strerror(-rc));
			goto fail;
		}
		if (!strcmp(m.path, "/nsm/client/save")) {
			reply_error(n, m.path, NSM_ERR_NOT_NOW, "no session open yet");
			continue;
		}
		if (strcmp(m.path, "/nsm/client/open"))
			continue;
		if (!shape(&m, "sss", false)) {
			reply_error(n, m.path, NSM_ERR_GENERAL,
			            "expected path, name and client id");
			continue;
		}
		code = apply_open(o, arg_s(&m, 0), arg_s(&m, 2), env_port ? env_port : "0", why,
		                  sizeof(why));
		if (code) {
			reply_error(n, m.path, code, why);
			snprintf(err, errlen, "NSM: open refused: %s", why);
			rc = -EINVAL;
			goto fail;
		}
		fprintf(stderr, "mixd: NSM: session \"%s\", client id %s, state in %s\n",
		        arg_s(&m, 1), o->name, o->state_dir);
		break;
	}
	msg_release(&m);
	*out = n;
	return 0;
fail:
	msg_release(&m);
	/* -EINVAL is reserved for a bad command line (exit 2); a refused open is a run failure */
	if (rc == -EINVAL && n->fd >= 0)
		rc = -EPROTO;
	nsm_free(n);
	return rc;
}

void
nsm_opened(struct nsm *n, bool ok, const char *why, int osc_port, nsm_save_fn save, void *ctx)
{
	char text[64];

	if (!n)
		return;
	if (!ok) {
		reply_error(n, "/nsm/client/open", NSM_ERR_GENERAL, why ? why : "set-up failed");
		return;
	}
	n->save = save;
	n->save_ctx = ctx;
	n->opened = true;
	send_fmt(n, "/reply", "ss", "/nsm/client/open", "opened");
	/* the manager shows it to the user: where surfaces must send, since the port is free */
	snprintf(text, sizeof(text), "OSC on udp port %d", osc_port);
	send_fmt(n, "/nsm/client/message", "is", 0, text);
}

int
nsm_fd(const struct nsm *n)
{
	return n ? n->fd : -1;
}

static void
handle(struct nsm *n, const struct nsm_msg *m)
{
	if (!strcmp(m->path, "/nsm/client/save")) {
		char err[256] = "";

		if (!n->save || n->save(n->save_ctx, err, sizeof(err)) < 0) {
			reply_error(n, m->path, NSM_ERR_GENERAL, err[0] ? err : "not saved");
			return;
		}
		send_fmt(n, "/reply", "ss", m->path, "saved");
	} else if (!strcmp(m->path, "/nsm/client/open")) {
		reply_error(n, m->path, NSM_ERR_NOT_NOW,
		            "mixd cannot switch sessions while running (no :switch:)");
	} else if (!strcmp(m->path, "/error")) {
		fprintf(stderr, "mixd: NSM: the session manager says: %s\n",
		        shape(m, "sis", false) ? arg_s(m, 2) : "(an error)");
	}
	/* anything else (session_is_loaded, replies to our messages) needs nothing from us */
}

void
nsm_receive(struct nsm *n)
{
	struct nsm_msg m = { 0 };

	if (!n)
		return;
	for (int k = 0; k < NSM_RECV_PER_WAKEUP; k++) {
		if (recv_msg(n, 0, &m) <= 0)
			break;
		handle(n, &m);
	}
	msg_release(&m);
}

void
nsm_tick(struct nsm *n, bool dirty)
{
	if (!n || !n->opened || dirty == n->reported_dirty)
		return;
	if (send_fmt(n, dirty ? "/nsm/client/is_dirty" : "/nsm/client/is_clean", "") == 0)
		n->reported_dirty = dirty;
}

void
nsm_free(struct nsm *n)
{
	if (!n)
		return;
	if (n->fd >= 0)
		close(n->fd);
	free(n);
}
