/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of remembered connections: a JACK client ("synth", the probe) patched to
 * mixd by hand, by /connect or by mixctl; mixd restarted, the client restarted while the server
 * stays up, connections removed by hand or by /disconnect. What comes back is checked on the
 * server's graph and by the level a tone reaches through it.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RATE          48000
#define PERIOD        256
#define REC_FRAMES    24000
#define SKIP          960
#define TONE_HZ       1000.0
#define TONE_DBFS     (-20.0)
#define PAN_CENTRE_DB (-3.0103)
#define TOL_GAIN      0.1
/* The bound for a client restarted while the server stays up. */
#define BACK_MS 1000
/* mixd restarted: it has to start, open its client and register its ports first. */
#define RESTART_BACK_MS 5000
/* Longer than mixd's settling (CONNECTIONS_SETTLE_MS, 250) and its file's write delay (1 s)
 * together, so what it decided is on its list and in its file. */
#define DECIDED_MS 1500
#define MAX_LIST   64

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* The synth's connections to mixd: (source, destination). */
static const char *const links[][2] = {
	{ "synth:out_1", "mixd:in_1" },
	{ "synth:out_2", "mixd:in_2" },
	{ "mixd:master_L", "synth:in_L" },
	{ "mixd:master_R", "synth:in_R" },
};
#define N_LINKS 4u

/* One entry of /connections. */
struct entry {
	char ours[80], peer[320], state[16];
};

/* Reads /connections into out (at most MAX_LIST). Returns the count /connections/end gave,
 * which must equal what arrived. */
static int
list(struct entry *out)
{
	struct h_msg *m;
	int n = 0;

	h_osc_drain(w.osc);
	ck_assert_int_eq(h_osc_send(w.osc, "/connections", ""), 0);
	while ((m = h_osc_recv(w.osc, H_REPLY_MS))) {
		if (!strcmp(m->path, "/connections/end")) {
			ck_assert_str_eq(m->types, "i");
			ck_assert_int_eq(h_arg_i(m, 0), n);
			h_msg_free(m);
			return n;
		}
		if (!strcmp(m->path, "/connections")) {
			ck_assert_str_eq(m->types, "sss");
			ck_assert_int_lt(n, MAX_LIST);
			snprintf(out[n].ours, sizeof(out[n].ours), "%s", h_arg_s(m, 0));
			snprintf(out[n].peer, sizeof(out[n].peer), "%s", h_arg_s(m, 1));
			snprintf(out[n].state, sizeof(out[n].state), "%s", h_arg_s(m, 2));
			n++;
		}
		h_msg_free(m);
	}
	ck_abort_msg("no /connections/end");
	return -1;
}

/* The state /connections gives the pair, or NULL when it is not listed. */
static const char *
state_of(const struct entry *e, int n, const char *ours, const char *peer)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].ours, ours) && !strcmp(e[i].peer, peer))
			return e[i].state;
	return NULL;
}

/* Link i as mixd lists it: our short name and the peer. */
static void
link_pair(unsigned i, const char **ours, const char **peer)
{
	bool in = !strncmp(links[i][1], "mixd:", 5);

	*ours = (in ? links[i][1] : links[i][0]) + 5;
	*peer = in ? links[i][0] : links[i][1];
}

/* Bit i set when link i is connected on the server. */
static unsigned
present(void)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < N_LINKS; i++)
		if (h_probe_connected(w.probe, links[i][0], links[i][1]))
			bits |= 1u << i;
	return bits;
}

/* Waits up to ms for exactly the links of want to be connected. Returns the ms it took, or
 * -1. */
static int64_t
wait_present(unsigned want, int64_t ms)
{
	int64_t t0 = h_now_ms();

	while (h_now_ms() - t0 <= ms) {
		if (present() == want)
			return h_now_ms() - t0;
		h_sleep_ms(5);
	}
	return -1;
}

static void
synth_up(void)
{
	w.probe = h_probe_open(w.jackd, "synth", 2, REC_FRAMES);
	ck_assert_msg(w.probe != NULL, "the synth did not open");
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
}

static void
mixd_up(const char *state_dir)
{
	int64_t deadline;

	w.mixd = state_dir
	             ? h_mixd_start(w.jackd, NULL, "--strips", "2", "--state-dir", state_dir, NULL)
	             : h_mixd_start(w.jackd, NULL, "--strips", "2", NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	h_osc_close(w.osc);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	deadline = h_now_ms() + 5000;
	while (!(w.probe && h_probe_port_exists(w.probe, "mixd:master_R")) && h_now_ms() < deadline)
		h_sleep_ms(10);
}

/* Stops mixd (SIGTERM: it saves) and returns its state directory. */
static void
mixd_down(char *state_dir, size_t n)
{
	snprintf(state_dir, n, "%s", w.mixd->state_dir);
	ck_assert_int_eq(h_mixd_stop(w.mixd), 0);
	h_mixd_free(w.mixd);
	w.mixd = NULL;
}

/* Waits up to 1 s for src -> dst to be connected (want) or not: JACK2 makes a change in the
 * graph's next state, which clients see from the next cycle on. */
static bool
wait_link(const char *src, const char *dst, bool want)
{
	int64_t t0 = h_now_ms();

	while (h_probe_connected(w.probe, src, dst) != want && h_now_ms() - t0 <= 1000)
		h_sleep_ms(5);
	return h_probe_connected(w.probe, src, dst) == want;
}

/* Every link patched by hand, as a patchbay would; then mixd must list them connected. */
static void
patch_by_hand(void)
{
	struct entry e[MAX_LIST];
	int64_t deadline = h_now_ms() + 2000;
	int n;

	for (unsigned i = 0; i < N_LINKS; i++)
		ck_assert_int_eq(h_probe_connect(w.probe, links[i][0], links[i][1]), 0);
	do {
		bool all = true;

		n = list(e);
		for (unsigned i = 0; i < N_LINKS; i++) {
			const char *ours, *peer, *st;

			link_pair(i, &ours, &peer);
			st = state_of(e, n, ours, peer);
			all = all && st && !strcmp(st, "connected");
		}
		if (all && n == (int)N_LINKS)
			return;
		h_sleep_ms(20);
	} while (h_now_ms() < deadline);
	ck_abort_msg("mixd lists %d connections, not the %u made by hand", n, N_LINKS);
}

/* The tone on synth:out_1 through strip 1 (centre) must reach master L at -3 dB. */
static void
check_level(const char *when)
{
	double rel;

	h_sleep_ms(2 * h_jackd_period_ms(w.jackd) + 50);
	ck_assert_int_eq(h_probe_record(w.probe, REC_FRAMES), 0);
	rel = h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP) -
	      h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
	ck_assert_msg(fabs(rel - PAN_CENTRE_DB) <= TOL_GAIN,
	              "%s: master L - synth out_1 = %.3f dB, expected %.3f", when, rel,
	              PAN_CENTRE_DB);
}

/* Lines of the connections file naming a connection. */
static int
file_lines(const char *state_dir)
{
	char path[PATH_MAX], line[1024];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/connections", state_dir);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no %s", path);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "# mixd connections 1\n");
	while (fgets(line, sizeof(line), f))
		n += line[0] == '"';
	fclose(f);
	return n;
}

START_TEST(test_mixd_restart)
{
	char dir[512];
	int64_t ms;

	mixd_up(NULL);
	synth_up();
	patch_by_hand();
	check_level("before the restart");

	mixd_down(dir, sizeof(dir));
	ck_assert_int_eq(file_lines(dir), (int)N_LINKS);
	ck_assert_int_ge(wait_present(0, 1000), 0);
	mixd_up(dir);
	ms = wait_present((1u << N_LINKS) - 1, RESTART_BACK_MS);
	ck_assert_msg(ms >= 0, "after mixd's restart only links 0x%x of 0x%x are back", present(),
	              (1u << N_LINKS) - 1);
	fprintf(stderr, "mixd_restart: all %u connections back %lld ms after mixd answered\n",
	        N_LINKS, (long long)ms);
	check_level("after mixd's restart");
}
END_TEST

START_TEST(test_client_restart)
{
	struct entry e[MAX_LIST];
	struct h_msg *m;
	int64_t t0, ms;
	int n;

	mixd_up(NULL);
	synth_up();
	/* half by hand, half over OSC (the full name of ours works too) */
	ck_assert_int_eq(h_probe_connect(w.probe, links[0][0], links[0][1]), 0);
	ck_assert_int_eq(h_probe_connect(w.probe, links[2][0], links[2][1]), 0);
	/* PipeWire's JACK shows mixd a new client's ports a moment after it opened: "pending"
	 * then (made as they appear), "connected" on jackd */
	ck_assert_int_eq(h_osc_send(w.osc, "/connect", "ss", "in_2", "synth:out_2"), 0);
	m = h_osc_wait(w.osc, "/connect", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /connect reply");
	ck_assert_str_eq(m->types, "sss");
	ck_assert_msg(!strcmp(h_arg_s(m, 2), "connected") || !strcmp(h_arg_s(m, 2), "pending"),
	              "/connect answered %s", h_arg_s(m, 2));
	h_msg_free(m);
	ck_assert_int_eq(h_osc_send(w.osc, "/connect", "ss", "mixd:master_R", "synth:in_R"), 0);
	m = h_osc_wait(w.osc, "/connect", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /connect reply");
	ck_assert_msg(!strcmp(h_arg_s(m, 2), "connected") || !strcmp(h_arg_s(m, 2), "pending"),
	              "/connect answered %s", h_arg_s(m, 2));
	h_msg_free(m);
	ck_assert_int_ge(wait_present((1u << N_LINKS) - 1, 2000), 0);

	/* the synth quits; the server stays. Its connections wait for it. */
	h_probe_close(w.probe);
	w.probe = NULL;
	h_sleep_ms(DECIDED_MS);
	n = list(e);
	ck_assert_int_eq(n, (int)N_LINKS);
	for (unsigned i = 0; i < N_LINKS; i++) {
		const char *ours, *peer, *st;

		link_pair(i, &ours, &peer);
		st = state_of(e, n, ours, peer);
		ck_assert_msg(st && !strcmp(st, "pending"), "%s %s: %s after the synth left", ours,
		              peer, st ? st : "forgotten");
	}

	/* it comes back: patched back within BACK_MS of its start */
	t0 = h_now_ms();
	synth_up();
	ms = wait_present((1u << N_LINKS) - 1, BACK_MS + 2000);
	ck_assert_msg(ms >= 0, "links 0x%x back of 0x%x", present(), (1u << N_LINKS) - 1);
	ms = h_now_ms() - t0;
	fprintf(stderr, "client_restart: the synth patched back %lld ms after it started to open\n",
	        (long long)ms);
	ck_assert_msg(ms <= BACK_MS, "patched back after %lld ms, more than %d", (long long)ms,
	              BACK_MS);
	check_level("after the synth's restart");
}
END_TEST

START_TEST(test_removed_forgotten)
{
	/* links 1 (by hand) and 3 (by /disconnect) removed: 0 and 2 stay */
	const unsigned kept = (1u << 0) | (1u << 2);
	struct entry e[MAX_LIST];
	struct h_msg *m;
	char dir[512];
	int n;

	mixd_up(NULL);
	synth_up();
	patch_by_hand();
	ck_assert_int_eq(h_probe_disconnect(w.probe, links[1][0], links[1][1]), 0);
	ck_assert_int_eq(h_osc_send(w.osc, "/disconnect", "ss", "master_R", "synth:in_R"), 0);
	m = h_osc_wait(w.osc, "/disconnect", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /disconnect reply");
	ck_assert_str_eq(m->types, "ss");
	h_msg_free(m);
	h_sleep_ms(DECIDED_MS);
	ck_assert_uint_eq(present(), kept);
	n = list(e);
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_nonnull(state_of(e, n, "in_1", "synth:out_1"));
	ck_assert_ptr_nonnull(state_of(e, n, "master_L", "synth:in_L"));
	ck_assert_int_eq(file_lines(w.mixd->state_dir), 2);

	/* the synth restarted: only what was kept comes back, and nothing more follows */
	h_probe_close(w.probe);
	w.probe = NULL;
	h_sleep_ms(500);
	synth_up();
	ck_assert_int_ge(wait_present(kept, BACK_MS), 0);
	h_sleep_ms(DECIDED_MS);
	ck_assert_uint_eq(present(), kept);

	/* mixd restarted: the same */
	mixd_down(dir, sizeof(dir));
	mixd_up(dir);
	ck_assert_int_ge(wait_present(kept, RESTART_BACK_MS), 0);
	h_sleep_ms(DECIDED_MS);
	ck_assert_uint_eq(present(), kept);
	check_level("after removals and restarts");
}
END_TEST

/* /connect or /disconnect with these arguments must be refused. */
static void
refused(const char *path, const char *types, const char *a, const char *b)
{
	int rc = !strcmp(types, "ss")   ? h_osc_send(w.osc, path, types, a, b)
	         : !strcmp(types, "s")  ? h_osc_send(w.osc, path, types, a)
	         : !strcmp(types, "si") ? h_osc_send(w.osc, path, types, a, 1)
	                                : h_osc_send(w.osc, path, types);

	ck_assert_int_eq(rc, 0);
	ck_assert_msg(h_osc_expect_error(w.osc, path, H_REPLY_MS), "%s %s %s %s was not refused",
	              path, types, a ? a : "", b ? b : "");
}

START_TEST(test_osc_validation)
{
	struct entry e[MAX_LIST];
	struct h_probe *later;
	struct h_msg *m;
	char longname[400], ctl[] = "synth:out\x01";
	int64_t t0;

	mixd_up(NULL);
	synth_up();
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[5] = ':';

	ck_assert_int_eq(h_osc_send(w.osc, "/connections", "i", 1), 0);
	ck_assert(h_osc_expect_error(w.osc, "/connections", H_REPLY_MS));
	refused("/connect", "", NULL, NULL);
	refused("/connect", "s", "in_1", NULL);
	refused("/connect", "si", "in_1", NULL);
	refused("/connect", "ss", "in_9", "synth:out_1");       /* no such port of ours */
	refused("/connect", "ss", "in_1", "mixd:master_L");     /* ourselves */
	refused("/connect", "ss", "in_1", "synth:in_L");        /* input to input */
	refused("/connect", "ss", "master_L", "synth:out_1");   /* output to output */
	refused("/connect", "ss", "in_1", longname);            /* longer than JACK allows */
	refused("/connect", "ss", "in_1", "nocolon");           /* not client:port */
	refused("/connect", "ss", "in_1", ctl);                 /* control character */
	refused("/connect", "ss", "other:in_1", "synth:out_1"); /* not ours */
	refused("/disconnect", "ss", "in_1", "synth:out_1");    /* not connected */
	refused("/disconnect", "s", "in_1", NULL);
	ck_assert_int_eq(list(e), 0);
	ck_assert_uint_eq(present(), 0);

	/* a peer not there yet: remembered, pending, made when it appears */
	ck_assert_int_eq(h_osc_send(w.osc, "/connect", "ss", "in_2", "later:out_1"), 0);
	m = h_osc_wait(w.osc, "/connect", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /connect reply");
	ck_assert_str_eq(m->types, "sss");
	ck_assert_str_eq(h_arg_s(m, 2), "pending");
	h_msg_free(m);
	t0 = h_now_ms();
	later = h_probe_open(w.jackd, "later", 1, 1024);
	ck_assert_ptr_nonnull(later);
	while (!h_probe_connected(w.probe, "later:out_1", "mixd:in_2") &&
	       h_now_ms() - t0 <= BACK_MS)
		h_sleep_ms(5);
	ck_assert_msg(h_probe_connected(w.probe, "later:out_1", "mixd:in_2"),
	              "later:out_1 not connected %d ms after it started to open", BACK_MS);
	h_probe_close(later);
}
END_TEST

/* Runs `mixctl --port P ARGS` (a shell word list of fixed, safe words); returns its exit status
 * and its standard output in out. */
static int
mixctl(char *out, size_t cap, const char *args)
{
	const char *bin = getenv("MIXCTL_BIN");
	char cmd[1024];
	size_t len = 0;
	FILE *p;
	int st;

	ck_assert_msg(bin && *bin, "MIXCTL_BIN is not set");
	snprintf(cmd, sizeof(cmd), "'%s' --port %u %s 2>&1", bin, (unsigned)w.mixd->port, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (len + 1 < cap && fgets(out + len, (int)(cap - len), p))
		len += strlen(out + len);
	out[len] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_mixctl)
{
	char out[4096];

	mixd_up(NULL);
	synth_up();
	ck_assert_int_eq(mixctl(out, sizeof(out), "connect in_1 synth:out_1"), 0);
	ck_assert_str_eq(out, "in_1 synth:out_1 connected\n");
	ck_assert(wait_link("synth:out_1", "mixd:in_1", true));
	ck_assert_int_eq(mixctl(out, sizeof(out), "connect master_L synth:in_L"), 0);
	ck_assert_int_eq(mixctl(out, sizeof(out), "connections"), 0);
	ck_assert_msg(strstr(out, "in_1 synth:out_1 connected\n") &&
	                  strstr(out, "master_L synth:in_L connected\n"),
	              "mixctl connections printed: %s", out);
	ck_assert_int_eq(mixctl(out, sizeof(out), "disconnect in_1 synth:out_1"), 0);
	ck_assert_str_eq(out, "in_1 synth:out_1\n");
	ck_assert(wait_link("synth:out_1", "mixd:in_1", false));
	ck_assert_int_eq(mixctl(out, sizeof(out), "connections"), 0);
	ck_assert_str_eq(out, "master_L synth:in_L connected\n");
	/* mixd's refusal is exit 1 with its reason; a bad command line exit 2 */
	ck_assert_int_eq(mixctl(out, sizeof(out), "connect in_1 synth:in_L"), 1);
	ck_assert_msg(strstr(out, "input too"), "mixctl printed: %s", out);
	ck_assert_int_eq(mixctl(out, sizeof(out), "connect in_1"), 2);
	ck_assert_int_eq(mixctl(out, sizeof(out), "connections x"), 2);
}
END_TEST

/* A connections file mixd cannot read is put aside, and mixd runs without it. */
START_TEST(test_bad_file)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct entry e[MAX_LIST];
	struct stat st;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/badfile.state", h_session_dir());
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/connections", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# mixd connections 1\n\"in_1\" \"synth:out_1\"\n\"in_2\" synth:out_2\n", f);
	fclose(f);
	synth_up();
	mixd_up(dir);
	ck_assert_int_eq(list(e), 0);
	ck_assert_uint_eq(present(), 0);
	snprintf(path, sizeof(path), "%s/connections.bad", dir);
	ck_assert_int_eq(stat(path, &st), 0);
}
END_TEST

static Suite *
e2e_connections_suite(void)
{
	Suite *s = suite_create("e2e_connections");

	e2e_add_case(s, "mixd_restart", test_mixd_restart, setup, teardown, 60);
	e2e_add_case(s, "client_restart", test_client_restart, setup, teardown, 60);
	e2e_add_case(s, "removed_forgotten", test_removed_forgotten, setup, teardown, 60);
	e2e_add_case(s, "osc_validation", test_osc_validation, setup, teardown, 60);
	e2e_add_case(s, "mixctl", test_mixctl, setup, teardown, 60);
	e2e_add_case(s, "bad_file", test_bad_file, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_connections_suite());
}
