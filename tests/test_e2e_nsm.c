/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of mixd under a session manager (NSM), against the real binary: the test is
 * the manager, a UDP socket speaking the NSM server's side of the protocol. mixd is launched as
 * NSM launches it, without arguments and with NSM_URL, and must announce itself, open nothing
 * until /nsm/client/open, then run as the client id with its state in the session path, answer
 * save, report dirty and clean, and leave its state there after SIGTERM. A bad NSM_URL is a
 * usage error (exit 2); a manager that refuses the announce, or an open on a path that cannot
 * be a project directory, ends it with exit 1.
 */
#include "e2e_run.h"
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256
/* What mixd is given to announce (it waits 10 s for our reply) and to open (JACK, OSC). */
#define ANNOUNCE_MS 10000
#define OPEN_MS     10000
#define CLIENT_ID   "mixd.nTest"
/* The autosave runs at most ~1 s after a change; is_clean follows it within a tick. */
#define CLEAN_MS 3000

/* The session manager's socket: 127.0.0.1, a free port; the client's address is learnt from
 * its announce, as nsmd does. */
struct nsm_srv {
	int fd;
	uint16_t port;
	struct sockaddr_in client;
	bool have_client;
	int dirty, clean; /* is_dirty / is_clean received so far */
	uint8_t buf[65536];
};

static struct h_world w;
static struct nsm_srv srv;

static void
nsm_srv_open(struct nsm_srv *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
}

static void
nsm_srv_close(struct nsm_srv *s)
{
	if (s->fd > 0)
		close(s->fd);
	s->fd = -1;
}

/* The next message from anyone within timeout_ms, or NULL. Counts is_dirty / is_clean. */
static struct h_msg *
nsm_recv(struct nsm_srv *s, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		int64_t left = deadline - h_now_ms();
		struct h_msg *m;
		ssize_t n;
		size_t plen;
		int res = 0;

		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			return NULL;
		n = recvfrom(s->fd, s->buf, sizeof(s->buf), 0, (struct sockaddr *)&from, &flen);
		if (n <= 0)
			continue;
		plen = strnlen((const char *)s->buf, (size_t)n);
		if (plen == (size_t)n || plen >= sizeof(m->path) || s->buf[0] != '/')
			continue;
		m = calloc(1, sizeof(*m));
		ck_assert_ptr_nonnull(m);
		memcpy(m->path, s->buf, plen + 1);
		m->msg = lo_message_deserialise(s->buf, (size_t)n, &res);
		ck_assert_msg(m->msg != NULL, "mixd sent %s that does not parse", m->path);
		m->types = lo_message_get_types(m->msg);
		if (!m->types)
			m->types = "";
		m->argc = lo_message_get_argc(m->msg);
		m->argv = lo_message_get_argv(m->msg);
		if (!s->have_client) {
			s->client = from;
			s->have_client = true;
		}
		s->dirty += !strcmp(m->path, "/nsm/client/is_dirty");
		s->clean += !strcmp(m->path, "/nsm/client/is_clean");
		return m;
	}
}

/* The next message with that address, skipping (and counting) others; NULL after timeout. */
static struct h_msg *
nsm_wait(struct nsm_srv *s, const char *path, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;
	struct h_msg *m;

	for (;;) {
		int64_t left = deadline - h_now_ms();

		m = nsm_recv(s, left > 0 ? (int)left : 0);
		if (!m || !strcmp(m->path, path))
			return m;
		h_msg_free(m);
	}
}

/* Sends to the client: i takes an int, s a string. */
static void
nsm_send(struct nsm_srv *s, const char *path, const char *types, ...)
{
	lo_message lm = lo_message_new();
	uint8_t out[4096];
	size_t len;
	va_list ap;

	ck_assert(s->have_client);
	va_start(ap, types);
	for (const char *t = types; *t; t++) {
		if (*t == 'i')
			lo_message_add_int32(lm, va_arg(ap, int));
		else
			lo_message_add_string(lm, va_arg(ap, const char *));
	}
	va_end(ap);
	len = lo_message_length(lm, path);
	ck_assert_uint_le(len, sizeof(out));
	ck_assert_ptr_nonnull(lo_message_serialise(lm, path, out, &len));
	lo_message_free(lm);
	ck_assert_int_eq(
	    sendto(s->fd, out, len, 0, (struct sockaddr *)&s->client, sizeof(s->client)),
	    (ssize_t)len);
}

/* A reply of the manager's shape: /reply s:what s:text. */
static void
assert_reply(struct h_msg *m, const char *what, const char *text)
{
	ck_assert_msg(m != NULL, "no /reply to %s", what);
	ck_assert_str_eq(m->types, "ss");
	ck_assert_str_eq(h_arg_s(m, 0), what);
	ck_assert_str_eq(h_arg_s(m, 1), text);
	h_msg_free(m);
}

/* The announce mixd sends at start, checked field by field. */
static void
expect_announce(void)
{
	struct h_msg *m = nsm_wait(&srv, "/nsm/server/announce", ANNOUNCE_MS);
	const char *caps;

	if (!m)
		h_dump_logs(w.jackd, w.mixd);
	ck_assert_msg(m != NULL, "no announce within %d ms", ANNOUNCE_MS);
	ck_assert_str_eq(m->types, "sssiii");
	ck_assert_str_eq(h_arg_s(m, 0), "mixd");
	caps = h_arg_s(m, 1);
	ck_assert_msg(strstr(caps, ":dirty:") && strstr(caps, ":message:"), "caps %s", caps);
	/* headless: no GUI to show; one JACK name and state directory per run: no switch */
	ck_assert_msg(!strstr(caps, ":optional-gui:") && !strstr(caps, ":switch:"), "caps %s",
	              caps);
	ck_assert_str_eq(h_arg_s(m, 2), "mixd");
	ck_assert_int_eq(h_arg_i(m, 3), 1);
	ck_assert_int_eq(h_arg_i(m, 4), 2);
	ck_assert_int_eq(h_arg_i(m, 5), w.mixd->pid);
	h_msg_free(m);
}

/* The whole file at path, NUL-terminated (free it), or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* The state file holds the line "address value". */
static void
assert_state_has(const char *state, const char *line)
{
	char want[256], *text = slurp(state);
	bool found;

	ck_assert_msg(text != NULL, "no state file %s", state);
	snprintf(want, sizeof(want), "\n%s\n", line);
	found = strstr(text, want) != NULL;
	if (!found)
		fprintf(stderr, "nsm: %s:\n%s", state, text);
	free(text);
	ck_assert_msg(found, "%s does not hold \"%s\"", state, line);
}

static void
setup_jackd(void)
{
	nsm_srv_open(&srv);
	ck_assert_msg(h_world_start(&w, RATE, PERIOD) == 0, "jackd did not start");
}

static void
setup_none(void)
{
	nsm_srv_open(&srv);
	memset(&w, 0, sizeof(w));
}

static void
teardown(void)
{
	h_world_free(&w);
	nsm_srv_close(&srv);
}

START_TEST(test_session)
{
	char url[64], env_url[80], session[512], path[600], state[640], ports[128];
	const char *env[] = { env_url, NULL };
	struct h_msg *m;
	int64_t deadline;
	unsigned osc_port = 0;
	struct stat st;

	snprintf(url, sizeof(url), "osc.udp://127.0.0.1:%u/", srv.port);
	snprintf(env_url, sizeof(env_url), "NSM_URL=%s", url);
	/* what nsmd makes: the session directory; the client's project path is inside it */
	snprintf(session, sizeof(session), "%s/nsm-session-%ld", h_session_dir(), (long)getpid());
	ck_assert_int_eq(mkdir(session, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s", session, CLIENT_ID);
	snprintf(state, sizeof(state), "%s/state.scene", path);

	w.mixd = h_mixd_start_env(w.jackd, env, NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	expect_announce();

	/* Nothing before the open: no JACK client under either name, no project directory. */
	w.probe = h_probe_open(w.jackd, "probe", 1, 1024);
	ck_assert_msg(w.probe != NULL, "probe client did not open");
	h_sleep_ms(200);
	ck_assert(!h_probe_port_exists(w.probe, "mixd:master_L"));
	ck_assert(!h_probe_port_exists(w.probe, CLIENT_ID ":master_L"));
	ck_assert_int_ne(stat(path, &st), 0);
	ck_assert(h_mixd_alive(w.mixd));

	nsm_send(&srv, "/reply", "sss", "/nsm/server/announce", "Howdy", "Test NSM");
	nsm_send(&srv, "/nsm/client/open", "sss", path, "mixd Test", CLIENT_ID);
	m = nsm_wait(&srv, "/reply", OPEN_MS);
	if (!m)
		h_dump_logs(w.jackd, w.mixd);
	assert_reply(m, "/nsm/client/open", "opened");
	m = nsm_wait(&srv, "/nsm/client/message", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no message with the OSC port");
	ck_assert_str_eq(m->types, "is");
	ck_assert_msg(sscanf(h_arg_s(m, 1), "OSC on udp port %u", &osc_port) == 1 && osc_port &&
	                  osc_port < 65536,
	              "message \"%s\"", h_arg_s(m, 1));
	h_msg_free(m);
	ck_assert_msg(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "%s is not a directory", path);

	/* The JACK client is the client id; the OSC port is the one reported. */
	snprintf(ports, sizeof(ports), "%s:master_L", CLIENT_ID);
	deadline = h_now_ms() + 5000;
	while (!h_probe_port_exists(w.probe, ports) && h_now_ms() < deadline)
		h_sleep_ms(20);
	ck_assert_msg(h_probe_port_exists(w.probe, ports), "no JACK port %s", ports);
	ck_assert(!h_probe_port_exists(w.probe, "mixd:master_L"));
	w.osc = h_osc_open(NULL, (uint16_t)osc_port);
	ck_assert_ptr_nonnull(w.osc);
	ck_assert_msg(h_osc_ping(w.osc, H_REPLY_MS), "no /pong on the reported port %u", osc_port);

	/* save: the file now. A save first, so the autosave (at most one a second) cannot write
	 * the value before the second save does. The /pong says the set was handled. */
	nsm_send(&srv, "/nsm/client/save", "");
	assert_reply(nsm_wait(&srv, "/reply", H_REPLY_MS), "/nsm/client/save", "saved");
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/3/fader", -3.25f), 0);
	ck_assert(h_osc_ping(w.osc, H_REPLY_MS));
	nsm_send(&srv, "/nsm/client/save", "");
	assert_reply(nsm_wait(&srv, "/reply", H_REPLY_MS), "/nsm/client/save", "saved");
	assert_state_has(state, "/strip/3/fader -3.25");
	/* and the save itself writes, whatever the timing: with nothing changed the autosave
	 * writes nothing, so a new file after a save of an unchanged console is the save's (a new
	 * file is a new inode, or at least a new change time) */
	{
		struct stat before, after;

		ck_assert_int_eq(stat(state, &before), 0);
		h_sleep_ms(5); /* change times an unmistakable step apart */
		nsm_send(&srv, "/nsm/client/save", "");
		assert_reply(nsm_wait(&srv, "/reply", H_REPLY_MS), "/nsm/client/save", "saved");
		ck_assert_int_eq(stat(state, &after), 0);
		ck_assert_msg(after.st_ino != before.st_ino ||
		                  after.st_ctim.tv_sec != before.st_ctim.tv_sec ||
		                  after.st_ctim.tv_nsec != before.st_ctim.tv_nsec,
		              "/nsm/client/save answered \"saved\" and wrote nothing");
	}

	/* Dirty after a change, clean once the autosave has written it. */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -7.5f), 0);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/mute", 1), 0);
	m = nsm_wait(&srv, "/nsm/client/is_dirty", CLEAN_MS);
	ck_assert_msg(m != NULL, "no is_dirty after a change");
	ck_assert_str_eq(m->types, "");
	h_msg_free(m);
	m = nsm_wait(&srv, "/nsm/client/is_clean", CLEAN_MS);
	ck_assert_msg(m != NULL, "no is_clean after the autosave");
	h_msg_free(m);
	assert_state_has(state, "/strip/1/fader -7.5");
	assert_state_has(state, "/strip/2/mute 1");
	ck_assert_int_eq(srv.dirty, srv.clean);

	/* A second open is refused (no :switch:), and mixd keeps running. */
	nsm_send(&srv, "/nsm/client/open", "sss", path, "again", CLIENT_ID);
	m = nsm_wait(&srv, "/error", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /error for a second open");
	ck_assert_str_eq(m->types, "sis");
	ck_assert_str_eq(h_arg_s(m, 0), "/nsm/client/open");
	ck_assert_int_eq(h_arg_i(m, 1), -8);
	h_msg_free(m);

	/* A last change, then SIGTERM: saved on the way out, in the session. */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/master/fader", -2.5f), 0);
	ck_assert(h_osc_ping(w.osc, H_REPLY_MS));
	e2e_stop_mixd(&w);
	assert_state_has(state, "/master/fader -2.5");
	assert_state_has(state, "/strip/1/fader -7.5");
	assert_state_has(state, "/strip/3/fader -3.25");
}
END_TEST

/* Waits for mixd to exit by itself with status want, its log saying text. */
static void
expect_exit(int want, const char *text)
{
	int status = h_mixd_wait_exit(w.mixd, 5000);
	char *log = slurp(w.mixd->log_path);
	bool said = log && strstr(log, text);

	if (status != want || !said)
		h_dump_logs(NULL, w.mixd);
	free(log);
	ck_assert_msg(status == want, "exit status %d, expected %d", status, want);
	ck_assert_msg(said, "the log does not say \"%s\"", text);
}

START_TEST(test_bad_url)
{
	const char *env[] = { "NSM_URL=osc.tcp://127.0.0.1:1234/", NULL };

	w.mixd = h_mixd_start_env(NULL, env, NULL);
	ck_assert_ptr_nonnull(w.mixd);
	expect_exit(2, "NSM_URL \"osc.tcp://127.0.0.1:1234/\": expected osc.udp://HOST:PORT/");
}
END_TEST

START_TEST(test_refused)
{
	char env_url[80];
	const char *env[] = { env_url, NULL };

	snprintf(env_url, sizeof(env_url), "NSM_URL=osc.udp://127.0.0.1:%u/", srv.port);
	w.mixd = h_mixd_start_env(NULL, env, NULL);
	ck_assert_ptr_nonnull(w.mixd);
	expect_announce();
	nsm_send(&srv, "/error", "sis", "/nsm/server/announce", -2, "Incompatible API version");
	expect_exit(1, "Incompatible API version");
}
END_TEST

/* An open mixd cannot use is answered with the API's code and ends it with exit 1. */
START_TEST(test_bad_open)
{
	char env_url[80], file[512];
	const char *env[] = { env_url, NULL };
	struct h_msg *m;
	FILE *f;

	snprintf(env_url, sizeof(env_url), "NSM_URL=osc.udp://127.0.0.1:%u/", srv.port);
	/* a project path that is a file, not a directory */
	snprintf(file, sizeof(file), "%s/nsm-file-%ld", h_session_dir(), (long)getpid());
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	w.mixd = h_mixd_start_env(NULL, env, NULL);
	ck_assert_ptr_nonnull(w.mixd);
	expect_announce();
	nsm_send(&srv, "/reply", "sss", "/nsm/server/announce", "Howdy", "Test NSM");
	nsm_send(&srv, "/nsm/client/save", "");
	m = nsm_wait(&srv, "/error", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /error for a save before the open");
	ck_assert_str_eq(m->types, "sis");
	ck_assert_str_eq(h_arg_s(m, 0), "/nsm/client/save");
	ck_assert_int_eq(h_arg_i(m, 1), -8);
	h_msg_free(m);
	nsm_send(&srv, "/nsm/client/open", "sss", file, "mixd Test", CLIENT_ID);
	m = nsm_wait(&srv, "/error", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /error for an open on a file");
	ck_assert_str_eq(m->types, "sis");
	ck_assert_str_eq(h_arg_s(m, 0), "/nsm/client/open");
	ck_assert_int_eq(h_arg_i(m, 1), -9);
	h_msg_free(m);
	expect_exit(1, "is not a directory");
}
END_TEST

static Suite *
e2e_nsm_suite(void)
{
	Suite *s = suite_create("e2e_nsm");

	/* start-up, a few autosave periods and the shutdown */
	e2e_add_case(s, "session", test_session, setup_jackd, teardown, 90);
	e2e_add_case(s, "bad_url", test_bad_url, setup_none, teardown, 30);
	e2e_add_case(s, "refused", test_refused, setup_none, teardown, 30);
	e2e_add_case(s, "bad_open", test_bad_open, setup_none, teardown, 30);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_nsm_suite());
}
