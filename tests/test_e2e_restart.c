/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of server loss: jackd is killed with SIGKILL (a crash, nothing cleaned up)
 * and started again under the same name. mixd must survive, reconnect by itself, and come back
 * with its ports, its connections (to a probe that was re-created with the same names) and
 * every parameter; the measured level must equal the level before the loss.
 *
 * server_loss_wedged does it again with libjack's deadlock after a server loss
 * (daemon/jackclose.h) made certain: tests/jackwedge.c, preloaded, keeps the first
 * jack_client_close from returning. mixd must see it, save its state and start afresh as the
 * same process, and come back the same way. On JACK2's jackd only (see the suite below).
 *
 * remembered_restarts starts mixd again and again with connections to remember, each start
 * restoring them right after activating, while the server asks every port's latency: what
 * made mixd abort under PipeWire 0.3.65 in 7 of 120 starts before daemon/portlat.h (run-pipewire.sh
 * runs this file under PipeWire too). Every start must restore all of them, and every stop
 * must be clean: exit status 0, not an abort's 134.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE   48000
#define PERIOD 256
/* Whole periods of both tones in the analysed window: see test_e2e_core.c. */
#define REC_FRAMES    24000
#define SKIP          960
#define TONE_HZ       1000.0
#define TONE2_HZ      1500.0
#define TONE_DBFS     (-20.0)
#define TONE2_DBFS    (-26.0)
#define PAN_CENTRE_DB (-3.0103)
#define TOL_GAIN      0.1
/* The contract: mixd is back within ~15 s of the server. */
#define RECOVER_MS 15000

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* Connections mixd must restore: (source, destination). */
static const char *const links[][2] = {
	{ "probe:out_1", "mixd:in_1" },
	{ "probe:out_2", "mixd:in_2" },
	{ "mixd:master_L", "probe:in_L" },
	{ "mixd:master_R", "probe:in_R" },
};
#define N_LINKS (sizeof(links) / sizeof(links[0]))

static void
settle(void)
{
	h_sleep_ms(2 * h_jackd_period_ms(w.jackd) + 10 + 100);
}

static void
probe_up(void)
{
	w.probe = h_probe_open(w.jackd, "probe", 2, REC_FRAMES);
	ck_assert_msg(w.probe != NULL, "probe client did not open");
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	ck_assert_int_eq(h_probe_sine(w.probe, 2, TONE2_HZ, TONE2_DBFS), 0);
}

static void
measure(double *l_db, double *r_db, double *l_rel_db)
{
	e2e_record_steady(&w, REC_FRAMES, SKIP);
	*l_db = h_rms_db(h_probe_in(w.probe, 0), REC_FRAMES, SKIP);
	*r_db = h_rms_db(h_probe_in(w.probe, 1), REC_FRAMES, SKIP);
	*l_rel_db = *l_db - h_rms_db(h_probe_sent(w.probe, 1), REC_FRAMES, SKIP);
}

/* How many of the n connections l (source, destination) the probe sees. */
static unsigned
present(const char *const (*l)[2], size_t n)
{
	unsigned count = 0;

	for (size_t i = 0; i < n; i++)
		count += h_probe_connected(w.probe, l[i][0], l[i][1]);
	return count;
}

static unsigned
links_present(void)
{
	return present(links, N_LINKS);
}

/* Whether mixd's log has the line `what`. */
static bool
log_says(const char *what)
{
	char line[512];
	bool found = false;
	FILE *f = fopen(w.mixd->log_path, "r");

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

/* The whole loss and recovery; wedged: with libjack's close of the lost client stuck. */
static void
server_loss(bool wedged)
{
	double pre_l, pre_r, pre_rel, post_l, post_r, post_rel;
	int64_t t0, deadline, back_ms = -1;
	bool ports = false;
	int status;
	pid_t pid;
	char once[600];
	struct h_mixd_opts mo = { 0 };

	if (wedged) {
		mo.preload = getenv("JACKWEDGE_LIB");
		ck_assert_msg(mo.preload != NULL, "JACKWEDGE_LIB not set");
		snprintf(once, sizeof(once), "%s/jackwedge.once", h_session_dir());
		unlink(once);
		ck_assert_int_eq(setenv("JACKWEDGE_ONCE", once, 1), 0); /* mixd inherits it */
	}
	w.mixd = h_mixd_start(w.jackd, &mo, "--strips", "2", NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	pid = w.mixd->pid;
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	probe_up();
	deadline = h_now_ms() + 5000;
	while (!h_probe_port_exists(w.probe, "mixd:master_R") && h_now_ms() < deadline)
		h_sleep_ms(20);
	for (size_t i = 0; i < N_LINKS; i++)
		ck_assert_int_eq(h_probe_connect(w.probe, links[i][0], links[i][1]), 0);
	/* JACK2 makes a connection in the graph's next state, which the clients see from the next
	 * cycle on: a read at once may miss the last one */
	deadline = h_now_ms() + 1000;
	while (links_present() != N_LINKS && h_now_ms() < deadline)
		h_sleep_ms(5);
	ck_assert_uint_eq(links_present(), N_LINKS);

	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -6.0f), 0);
	ck_assert_int_eq(h_osc_set_i(w.osc, "/strip/2/mute", 1), 0);
	settle();
	measure(&pre_l, &pre_r, &pre_rel);
	/* Strip 2 is muted, so L is strip 1 alone: centre pan and fader -6. */
	ck_assert_msg(fabs(pre_rel - (PAN_CENTRE_DB - 6.0)) <= TOL_GAIN,
	              "before the loss: L - in_1 = %.4f dB, expected %.4f", pre_rel,
	              PAN_CENTRE_DB - 6.0);

	/* The crash. The probe dies with the server; mixd must not. */
	ck_assert_int_eq(h_jackd_kill(w.jackd, true), 0);
	deadline = h_now_ms() + 2000;
	while (!h_probe_server_lost(w.probe) && h_now_ms() < deadline)
		h_sleep_ms(10);
	h_probe_close(w.probe);
	w.probe = NULL;
	h_sleep_ms(500);
	ck_assert_msg(h_mixd_alive(w.mixd), "mixd exited when the server died (status %d)",
	              w.mixd->status);
	ck_assert_msg(h_osc_ping(w.osc, H_REPLY_MS),
	              "mixd does not answer /ping while the server is gone");
	e2e_get_f_eq(&w, "/strip/1/fader", -6.0f);

	ck_assert_int_eq(h_jackd_restart(w.jackd), 0);
	t0 = h_now_ms();
	probe_up();
	deadline = t0 + RECOVER_MS;
	while (h_now_ms() < deadline) {
		ports = h_probe_port_exists(w.probe, "mixd:in_1") &&
		        h_probe_port_exists(w.probe, "mixd:in_2") &&
		        h_probe_port_exists(w.probe, "mixd:master_L") &&
		        h_probe_port_exists(w.probe, "mixd:master_R");
		if (ports && links_present() == N_LINKS) {
			back_ms = h_now_ms() - t0;
			break;
		}
		if (!h_mixd_alive(w.mixd))
			break;
		h_sleep_ms(50);
	}
	ck_assert_msg(h_mixd_alive(w.mixd), "mixd exited after the server came back (status %d)",
	              w.mixd->status);
	if (back_ms < 0) {
		h_dump_logs(w.jackd, w.mixd);
		for (size_t i = 0; i < N_LINKS; i++)
			fprintf(stderr, "server_loss: %s -> %s %s\n", links[i][0], links[i][1],
			        h_probe_connected(w.probe, links[i][0], links[i][1]) ? "restored"
			                                                             : "MISSING");
	}
	ck_assert_msg(ports, "mixd's ports are not back %d ms after the server restarted",
	              RECOVER_MS);
	ck_assert_msg(back_ms >= 0, "only %u of %zu connections restored after %d ms",
	              links_present(), N_LINKS, RECOVER_MS);
	fprintf(stderr, "server_loss: ports and connections back %lld ms after restart\n",
	        (long long)back_ms);

	e2e_get_f_eq(&w, "/strip/1/fader", -6.0f);
	e2e_get_i_eq(&w, "/strip/2/mute", 1);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);
	e2e_get_f_eq(&w, "/strip/2/fader", 0.0f);
	/* wedged: the same process, started afresh from its saved state; otherwise no restart */
	ck_assert_int_eq(w.mixd->pid, pid);
	ck_assert_msg(log_says("mixd: starting afresh") == wedged,
	              wedged ? "mixd did not start afresh" : "mixd started afresh");
	if (wedged)
		ck_assert_msg(access(once, F_OK) == 0, "the wedged close was never called");

	settle();
	measure(&post_l, &post_r, &post_rel);
	ck_assert_msg(fabs(post_l - pre_l) <= TOL_GAIN,
	              "L after the restart %.4f dBFS, before %.4f dBFS (difference %.4f dB)",
	              post_l, pre_l, post_l - pre_l);
	ck_assert_msg(fabs(post_r - pre_r) <= TOL_GAIN,
	              "R after the restart %.4f dBFS, before %.4f dBFS (difference %.4f dB)",
	              post_r, pre_r, post_r - pre_r);
	ck_assert_msg(fabs(post_rel - (PAN_CENTRE_DB - 6.0)) <= TOL_GAIN,
	              "after the restart: L - in_1 = %.4f dB, expected %.4f", post_rel,
	              PAN_CENTRE_DB - 6.0);

	status = h_mixd_stop(w.mixd);
	ck_assert_msg(status == 0, "mixd exit status %d after SIGTERM (expected 0)", status);
}

START_TEST(test_server_loss)
{
	server_loss(false);
}
END_TEST

START_TEST(test_server_loss_wedged)
{
	server_loss(true);
}
END_TEST

/* `mixd --scene NAME` comes up at the scene, over the saved state. */
START_TEST(test_scene_at_start)
{
	char dir[600], path[700], name[64];
	float v = 0.0f;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/scene-at-start", h_session_dir());
	snprintf(path, sizeof(path), "%s/scenes", dir);
	ck_assert(mkdir(dir, 0700) == 0 && mkdir(path, 0700) == 0);
	/* the saved state says one thing, the scene another: the scene wins */
	snprintf(path, sizeof(path), "%s/state.scene", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# mixd scene 1\n/strip/1/fader -3\n/strip/2/fader -4\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/scenes/show.scene", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# mixd scene 1\n/strip/1/fader -12\n/strip/2/name \"Bass\"\n", f);
	fclose(f);

	/* a later --state-dir wins over the harness's own */
	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "2", "--state-dir", dir, "--scene", "show",
	                      NULL);
	ck_assert_msg(w.mixd != NULL, "mixd did not start with --scene");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_float_eq(v, -12.0f);
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/2/fader", &v), 0);
	ck_assert_float_eq(v, -4.0f); /* not in the scene: the saved state's */
	ck_assert_int_eq(h_osc_get_s(w.osc, "/strip/2/name", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "Bass");
	e2e_stop_mixd(&w);
}
END_TEST

/* Starts in remembered_restarts, each about 0.3 s. Under PipeWire (MIXD_E2E_SERVER set by
 * run-pipewire.sh), where the abort was: 24, at the 6% of starts the stress script saw abort
 * that leaves a 1 in 4 chance of missing it (0.94^24), and the case's 8 inputs failed the old
 * build at its second or third start in 3 of 3 runs. On jackd, where nothing aborted, a few
 * starts keep the restoring itself honest (e2e_connections covers it more). */
#define RESTARTS_PW    24
#define RESTARTS_JACKD 3
/* mixd's 8 inputs from the probe's 8 outputs, its master to the probe's inputs */
static const char *const remembered[][2] = {
	{ "probe:out_1", "mixd:in_1" },    { "probe:out_2", "mixd:in_2" },
	{ "probe:out_3", "mixd:in_3" },    { "probe:out_4", "mixd:in_4" },
	{ "probe:out_5", "mixd:in_5" },    { "probe:out_6", "mixd:in_6" },
	{ "probe:out_7", "mixd:in_7" },    { "probe:out_8", "mixd:in_8" },
	{ "mixd:master_L", "probe:in_L" }, { "mixd:master_R", "probe:in_R" },
};
#define REMEMBERED (sizeof(remembered) / sizeof(remembered[0]))

START_TEST(test_remembered_restarts)
{
	const unsigned restarts = getenv("MIXD_E2E_SERVER") ? RESTARTS_PW : RESTARTS_JACKD;
	char dir[600], path[700];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/remembered", h_session_dir());
	ck_assert(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/connections", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# mixd connections 1\n", f);
	for (size_t i = 0; i < REMEMBERED; i++) {
		/* the file names our port by its short name, the peer in full */
		bool ours_first = !strncmp(remembered[i][0], "mixd:", 5);

		fprintf(f, "\"%s\" \"%s\"\n", remembered[i][!ours_first] + 5,
		        remembered[i][ours_first]);
	}
	ck_assert_int_eq(fclose(f), 0);
	w.probe = h_probe_open(w.jackd, "probe", 8, REC_FRAMES);
	ck_assert_msg(w.probe != NULL, "probe client did not open");

	for (unsigned k = 1; k <= restarts; k++) {
		unsigned n = 0;
		int st;

		/* a later --state-dir wins over the harness's own */
		w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "8", "--state-dir", dir, NULL);
		ck_assert_msg(w.mixd != NULL, "start %u: mixd did not start", k);
		for (int64_t until = h_now_ms() + RECOVER_MS; h_now_ms() < until; h_sleep_ms(20)) {
			n = present(remembered, REMEMBERED);
			if (n == REMEMBERED || !h_mixd_alive(w.mixd))
				break;
		}
		ck_assert_msg(n == REMEMBERED, "start %u: %u of %zu connections restored (mixd %s)",
		              k, n, REMEMBERED, h_mixd_alive(w.mixd) ? "running" : "gone");
		st = h_mixd_stop(w.mixd);
		h_mixd_free(w.mixd);
		w.mixd = NULL;
		ck_assert_msg(st == 0, "start %u: mixd ended with status %d", k, st);
	}
}
END_TEST

static Suite *
e2e_restart_suite(void)
{
	Suite *s = suite_create("e2e_restart");

	/* start-up, 15 s of recovery at most and the measurements */
	e2e_add_case(s, "server_loss", test_server_loss, setup, teardown, 60);
	/* jack2#395 is JACK2's libjack: under PipeWire's (run-pipewire.sh sets MIXD_E2E_SERVER)
	 * there is nothing to stand in for, and a mixd executed again there aborted once inside
	 * libpipewire 0.3.65 (module-protocol-native, assert_single_pod) while connecting */
	if (!getenv("MIXD_E2E_SERVER"))
		e2e_add_case(s, "server_loss_wedged", test_server_loss_wedged, setup, teardown, 60);
	e2e_add_case(s, "scene_at_start", test_scene_at_start, setup, teardown, 60);
	e2e_add_case(s, "remembered_restarts", test_remembered_restarts, setup, teardown, 120);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_restart_suite());
}
