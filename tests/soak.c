/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * soak: mixd under a long show's worth of use, on a real jackd, and what it must keep doing.
 *
 *   soak [--seconds S] [--strips N] [--period FRAMES] [--rate MSG_PER_S] [--scene-every S]
 *        [--restart-every S] [--realtime]
 *
 * Defaults are the hour of tools/soak: 64 strips at 64-frame periods, a control stream of
 * 10 000 sets a second over 160 parameters, control surfaces subscribing and going away (half
 * unsubscribe, half let their lease lapse), a scene loaded every 10 s, and the JACK server
 * killed and started again every 10 minutes. The suite runs a bounded 2-minute version.
 *
 * Passes (exit 0) when, at the end:
 * - mixd's own memory (RssAnon: its heap, not JACK's shared buffers) stayed within 1 MiB after
 *   the warm-up (the first tenth of the run, at least 30 s);
 * - every parameter of the stream holds the last value sent to it (0 lost last values);
 * - the RT interposer, its positive control passed, counted 0 forbidden calls in the callback;
 * - every xrun is explained: in the 10 s window of a server restart, or in a window where mixd's
 *   own callback kept well inside its period: its wall time under half the period at p99.9 (an
 *   isolated late cycle is the scheduler's), or its longest in the process thread's CPU time
 *   under half the period (window_cpu_max_ns: wall time that was not mixd's CPU went to
 *   another thread or, on a VM, to the hypervisor; a CI run saw a window's p99.9 go from 0.9 to
 *   3.5 ms under SCHED_FIFO with nothing else running). An xrun in a window where mixd's
 *   callback took half the period or more by both measures is mixd's, and fails.
 * Prints the figures either way; exit 1 on a failure, 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define SAMPLE_RATE   48000
#define STREAM_STRIPS 32 /* the stream's strips; the scene touches only the others */
#define STREAM_ROWS   5
#define N_ADDR        (STREAM_STRIPS * STREAM_ROWS)
#define MAX_SUBS      8
#define WINDOW_S      10
#define RSS_BOUND_KB  1024

/* A step that has not returned in this long is stuck: the watchdog says which, and fails. */
#define STUCK_S 60
/* Opens of the test's own probe after a server restart (restart_server). */
#define PROBE_TRIES 3

static const char *const rows[STREAM_ROWS] = { "fader", "pan", "trim", "eq/1/gain",
	                                       "comp/threshold" };
/* The stream's values run from rows_span up to 0, inside each row's range. */
static const float rows_span[STREAM_ROWS] = { -30.0f, -1.0f, -24.0f, -18.0f, -30.0f };

struct opts {
	unsigned seconds, strips, period, rate, scene_every, restart_every;
	bool realtime;
};

struct soak {
	struct opts o;
	struct h_jackd *j;
	struct h_mixd *m;
	struct h_osc *osc;
	struct h_probe *probe;
	struct h_osc *subs[MAX_SUBS];
	unsigned n_subs;
	float last[N_ADDR];
	char addr[N_ADDR][48];
	uint64_t sent, sub_opened, scene_loads, restarts;
	/* per window */
	int64_t xruns_at_window, xruns_restart, xruns_sched, xruns_mixd;
	bool restart_in_window;
	long rss_min, rss_max, rss_first;
	unsigned windows;
	int failures;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: soak [--seconds S] [--strips N] [--period FRAMES] [--rate MSG_PER_S]\n"
	           "            [--scene-every S] [--restart-every S] [--realtime]\n");
}

static int
parse(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "strips", required_argument, NULL, 'n' },
		{ "period", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "scene-every", required_argument, NULL, 'c' },
		{ "restart-every", required_argument, NULL, 'k' },
		{ "realtime", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ 3600, 64, 64, 10000, 10, 600, false };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *end;
		unsigned long v = 0;

		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'R') {
			o->realtime = true;
			continue;
		}
		if (c == '?')
			return -1;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno || *end || !*optarg || v == 0 || v > 1000000) {
			fprintf(stderr, "soak: bad value \"%s\"\n", optarg);
			return -1;
		}
		switch (c) {
		case 's':
			o->seconds = (unsigned)v;
			break;
		case 'n':
			o->strips = (unsigned)v;
			break;
		case 'p':
			o->period = (unsigned)v;
			break;
		case 'r':
			o->rate = (unsigned)v;
			break;
		case 'c':
			o->scene_every = (unsigned)v;
			break;
		case 'k':
			o->restart_every = (unsigned)v;
			break;
		}
	}
	if (optind != argc || o->strips < STREAM_STRIPS + 1 || o->strips > 256) {
		fprintf(stderr, "soak: --strips must be %d..256, and no other arguments\n",
		        STREAM_STRIPS + 1);
		return -1;
	}
	return 0;
}

/* What the main thread is doing, and since when (ms): the watchdog's view. */
static _Atomic(const char *) step_name = "set-up";
static atomic_llong step_since;

static void
step(const char *name)
{
	atomic_store(&step_since, (long long)h_now_ms());
	atomic_store(&step_name, name);
}

/* A step stuck for STUCK_S (a JACK call that never returns, a reply that never comes) ends the
 * run with its name, instead of the suite's timeout killing it without a word. */
static void *
watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		h_sleep_ms(1000);
		if (h_now_ms() - atomic_load(&step_since) > STUCK_S * 1000) {
			fprintf(stderr, "soak: FAIL: stuck for %d s in %s\n", STUCK_S,
			        atomic_load(&step_name));
			fflush(stderr);
			_exit(1);
		}
	}
	return NULL;
}

static int64_t
stat_of(struct soak *s, const char *name)
{
	int64_t v = -1;

	if (h_osc_stat(s->osc, name, &v) < 0)
		fprintf(stderr, "soak: /stats %s not readable\n", name);
	return v;
}

/* The probe: noise into the first four strips, mixd's master back. Connections to mixd are
 * made here each time (mixd restores its own after a restart too; both are harmless). Returns
 * 0; -EAGAIN when only the probe's own process thread failed to run (its generator was never
 * picked up); -1 otherwise (mixd's ports or connections not there within 20 s). */
static int
probe_open(struct soak *s)
{
	static const char *const in[] = { "mixd:in_1", "mixd:in_2", "mixd:in_3", "mixd:in_4" };
	int64_t deadline = h_now_ms() + 20000;

	step("probe: opening the client");
	s->probe = h_probe_open(s->j, "soakprobe", 4, 4096);
	if (!s->probe)
		return -1;
	step("probe: waiting for mixd's ports");
	while (!h_probe_port_exists(s->probe, "mixd:master_R") && h_now_ms() < deadline)
		h_sleep_ms(50);
	if (!h_probe_port_exists(s->probe, "mixd:master_R")) {
		fprintf(stderr, "soak: mixd's ports did not come back\n");
		return -1;
	}
	/* a client's ports exist before it is active, and JACK connects only active ones: after a
	 * restart mixd may have registered its ports and not yet activated, so this waits for the
	 * first connection to go through (up to the same deadline), then makes the rest */
	step("probe: connecting");
	while (h_probe_connect(s->probe, h_probe_out_name(s->probe, 1), in[0]) < 0) {
		if (h_now_ms() >= deadline)
			return -1;
		h_sleep_ms(50);
	}
	for (unsigned k = 0; k < 4; k++) {
		if (h_probe_connect(s->probe, h_probe_out_name(s->probe, k + 1), in[k]) < 0)
			return -1;
		/* the probe's own process thread never ran: this process's libjack, not mixd */
		if (h_probe_noise(s->probe, k + 1, -18.0, 77u + k) < 0)
			return -EAGAIN;
	}
	if (h_probe_connect(s->probe, "mixd:master_L", h_probe_in_name(s->probe, 0)) < 0 ||
	    h_probe_connect(s->probe, "mixd:master_R", h_probe_in_name(s->probe, 1)) < 0)
		return -1;
	return 0;
}

/* A scene that sets only what the stream never touches (strips past STREAM_STRIPS), so a load
 * cannot overwrite the stream's last values. */
static int
write_scene(struct soak *s)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/scenes", s->m->state_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/scenes/soak.scene", s->m->state_dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# mixd scene 1\n");
	for (unsigned k = STREAM_STRIPS + 1; k <= s->o.strips; k++)
		fprintf(f, "/strip/%u/eq/4/gain %.1f\n/strip/%u/name \"s%u\"\n", k,
		        (double)(k % 7) - 3.0, k, k);
	return fclose(f) ? -1 : 0;
}

/* Subscribers come and go: open one; past MAX_SUBS, drop the oldest, half of them with an
 * /unsubscribe, half just gone (their lease lapses). */
static void
churn_subscribers(struct soak *s)
{
	struct h_osc *o;
	char prefix[32];

	if (s->n_subs == MAX_SUBS) {
		if (s->sub_opened % 2)
			h_osc_send(s->subs[0], "/unsubscribe", "");
		h_osc_close(s->subs[0]);
		memmove(s->subs, s->subs + 1, (MAX_SUBS - 1) * sizeof(s->subs[0]));
		s->n_subs--;
	}
	o = h_osc_open(NULL, s->m->port);
	if (!o)
		return;
	snprintf(prefix, sizeof(prefix), "/strip/%u",
	         (unsigned)(s->sub_opened % STREAM_STRIPS) + 1);
	h_osc_send(o, "/subscribe", "si", prefix, 20);
	s->subs[s->n_subs++] = o;
	s->sub_opened++;
}

static void
restart_server(struct soak *s)
{
	step("restart: closing the probe");
	h_probe_close(s->probe);
	s->probe = NULL;
	step("restart: stopping jackd");
	h_jackd_kill(s->j, false);
	step("restart: starting jackd");
	if (h_jackd_restart(s->j) < 0) {
		fprintf(stderr, "soak: FAIL: the server did not come back after a restart\n");
		s->failures++;
		return;
	}
	/* The probe is the test's own client, and libjack in this process can bring it up
	 * inactive on the new server: its thread never runs, and the server logs it "not
	 * finished" every cycle (a CI run, for 40 s). That is this process's libjack, not mixd:
	 * then, and only then (-EAGAIN), the probe is opened again, up to PROBE_TRIES times.
	 * mixd's ports and connections missing for 20 s fail at once. */
	for (unsigned t = 1;; t++) {
		int r;

		step("restart: opening the probe");
		r = probe_open(s);
		if (r == 0)
			break;
		h_probe_close(s->probe);
		s->probe = NULL;
		if (r != -EAGAIN || t == PROBE_TRIES) {
			if (r == -EAGAIN)
				fprintf(stderr,
				        "soak: FAIL: the probe did not come up in %u tries\n", t);
			else
				fprintf(stderr,
				        "soak: FAIL: mixd's ports did not come back after a "
				        "restart\n");
			s->failures++;
			return;
		}
		fprintf(stderr, "soak: the probe did not come up (try %u); opening it again\n", t);
	}
	s->restarts++;
	s->restart_in_window = true;
}

/* Every WINDOW_S: memory, and the xruns of the window with their explanation. */
static void
window_close(struct soak *s, double t_s)
{
	int64_t xruns = stat_of(s, "xruns"), worst_ns = stat_of(s, "window_max_ns");
	int64_t p999_ns = stat_of(s, "window_p999_ns"), cpu_ns = stat_of(s, "window_cpu_max_ns");
	long rss = h_proc_status_kb(s->m->pid, "RssAnon");
	double period_ns = s->o.period * 1e9 / SAMPLE_RATE;
	int64_t d = xruns - s->xruns_at_window;
	bool warm = t_s >= fmax(30.0, s->o.seconds / 10.0);

	if (d > 0) {
		if (s->restart_in_window) {
			s->xruns_restart += d;
		} else if ((p999_ns >= 0 && p999_ns < period_ns / 2) ||
		           (cpu_ns >= 0 && cpu_ns < period_ns / 2)) {
			s->xruns_sched += d;
		} else {
			s->xruns_mixd += d;
			fprintf(stderr,
			        "soak: FAIL: %lld xruns at %.0f s with mixd's callback at %.0f us "
			        "(p99.9) and %.0f us of CPU (longest), half the %.0f us period or "
			        "more\n",
			        (long long)d, t_s, p999_ns / 1e3, cpu_ns / 1e3, period_ns / 1e3);
			s->failures++;
		}
	}
	s->xruns_at_window = xruns;
	s->restart_in_window = false;
	if (rss > 0 && warm) {
		if (s->rss_min < 0 || rss < s->rss_min)
			s->rss_min = rss;
		if (rss > s->rss_max)
			s->rss_max = rss;
	}
	if (s->rss_first < 0)
		s->rss_first = rss;
	s->windows++;
	h_osc_send(s->osc, "/stats/window", ""); /* the next window's callback times */
	fprintf(stderr,
	        "soak: %5.0f s: %llu sets, RssAnon %ld kB, xruns %lld, callback p99.9 %.0f us, "
	        "worst %.0f us, worst CPU %.0f us\n",
	        t_s, (unsigned long long)s->sent, rss, (long long)xruns, p999_ns / 1e3,
	        worst_ns / 1e3, cpu_ns / 1e3);
}

int
main(int argc, char **argv)
{
	static struct soak s = { .rss_min = -1, .rss_max = -1, .rss_first = -1 };
	const char *lib = getenv("RTCHECK_LIB");
	struct h_mixd_opts mo = { 0 };
	char strips[16], report[600], why[4608];
	int64_t t0, next_sub, next_scene, next_restart, next_window;
	long long callbacks = 0;
	unsigned lost = 0;
	int rc;

	if (parse(&s.o, argc, argv) < 0) {
		usage(stderr);
		return 2;
	}
	if (!lib || !*lib) {
		fprintf(stderr, "soak: RTCHECK_LIB (the interposer, build/tests/librtcheck.so) is "
		                "not set\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (h_session_begin() < 0)
		return 1;
	step("set-up");
	{
		pthread_t t;

		if (pthread_create(&t, NULL, watchdog, NULL) == 0)
			pthread_detach(t);
	}
	s.j = h_jackd_start_opts(SAMPLE_RATE, s.o.period, s.o.realtime);
	if (!s.j)
		return 1;
	snprintf(report, sizeof(report), "%s/soak.rtcheck", h_session_dir());
	mo.preload = lib;
	mo.rtcheck_out = report;
	snprintf(strips, sizeof(strips), "%u", s.o.strips);
	s.m = h_mixd_start(s.j, &mo, "--strips", strips, NULL);
	if (!s.m)
		return 1;
	s.osc = h_osc_open(NULL, s.m->port);
	if (!s.osc || probe_open(&s) < 0 || write_scene(&s) < 0) {
		fprintf(stderr, "soak: set-up failed\n");
		return 1;
	}
	for (unsigned k = 0; k < N_ADDR; k++)
		snprintf(s.addr[k], sizeof(s.addr[k]), "/strip/%u/%s", k / STREAM_ROWS + 1,
		         rows[k % STREAM_ROWS]);
	h_osc_send(s.osc, "/stats/window", "");
	s.xruns_at_window = stat_of(&s, "xruns");

	t0 = h_now_ms();
	next_sub = t0 + 2000;
	next_scene = t0 + (int64_t)s.o.scene_every * 1000;
	next_restart = t0 + (int64_t)s.o.restart_every * 1000;
	next_window = t0 + WINDOW_S * 1000;
	for (int64_t now = t0; now - t0 < (int64_t)s.o.seconds * 1000; now = h_now_ms()) {
		uint64_t due = (uint64_t)(now - t0) * s.o.rate / 1000;

		step("the stream");
		while (s.sent < due) {
			unsigned k = (unsigned)(s.sent % N_ADDR);
			/* a walk inside every row's range (rows_span): fader -30..0 dB, pan -1..0,
			 * trim -24..0 dB, EQ gain -18..0 dB, threshold -30..0 dB */
			float v =
			    (float)((s.sent / N_ADDR) % 301) / 300.0f * rows_span[k % STREAM_ROWS];
			if (h_osc_set_f(s.osc, s.addr[k], v) == 0)
				s.last[k] = v;
			else
				s.failures++;
			s.sent++;
		}
		h_osc_drain(s.osc);
		for (unsigned i = 0; i < s.n_subs; i++)
			h_osc_drain(s.subs[i]);
		step("the subscribers");
		if (now >= next_sub) {
			churn_subscribers(&s);
			next_sub += 2000;
		}
		step("a scene load");
		if (now >= next_scene) {
			h_osc_send(s.osc, "/scene/load", "s", "soak");
			s.scene_loads++;
			next_scene += (int64_t)s.o.scene_every * 1000;
		}
		if (now >= next_restart) {
			restart_server(&s);
			next_restart += (int64_t)s.o.restart_every * 1000;
		}
		if (now >= next_window) {
			step("a window's /stats");
			window_close(&s, (now - t0) / 1000.0);
			next_window += WINDOW_S * 1000;
		}
		h_sleep_ms(1);
	}

	/* the stream stops: every parameter at its last value */
	step("the end: reading back");
	if (!h_osc_ping(s.osc, 5000)) {
		fprintf(stderr, "soak: FAIL: mixd does not answer\n");
		s.failures++;
	}
	for (unsigned k = 0; k < N_ADDR; k++) {
		float v = NAN;
		if (h_osc_get_f(s.osc, s.addr[k], &v) < 0 || fabsf(v - s.last[k]) > 1e-4f) {
			if (lost++ < 5)
				fprintf(stderr, "soak: %s is %g, the last value sent was %g\n",
				        s.addr[k], (double)v, (double)s.last[k]);
		}
	}
	fprintf(stderr,
	        "soak: %u s, %u strips at %u frames%s: %llu sets (%.0f/s), mixd received %lld; "
	        "%llu subscribers (expired %lld), %llu scene loads, %llu server restarts\n",
	        s.o.seconds, s.o.strips, s.o.period, s.o.realtime ? " (SCHED_FIFO)" : "",
	        (unsigned long long)s.sent, (double)s.sent / s.o.seconds,
	        (long long)stat_of(&s, "received"), (unsigned long long)s.sub_opened,
	        (long long)stat_of(&s, "subs_expired"), (unsigned long long)s.scene_loads,
	        (unsigned long long)s.restarts);
	fprintf(stderr,
	        "soak: RssAnon after warm-up %ld..%ld kB (%ld kB apart, bound %d; %ld kB at the "
	        "first window); lost last values %u of %d; xruns: %lld at restarts, %lld under the "
	        "server's scheduling, %lld mixd's\n",
	        s.rss_min, s.rss_max, s.rss_max - s.rss_min, RSS_BOUND_KB, s.rss_first, lost,
	        N_ADDR, (long long)s.xruns_restart, (long long)s.xruns_sched,
	        (long long)s.xruns_mixd);
	if (lost)
		s.failures++;
	if (s.rss_min < 0 || s.rss_max - s.rss_min > RSS_BOUND_KB) {
		fprintf(stderr, "soak: FAIL: memory not flat after warm-up\n");
		s.failures++;
	}
	step("the end: stopping mixd");
	rc = h_mixd_stop(s.m);
	if (rc != 0) {
		fprintf(stderr, "soak: FAIL: mixd exit status %d\n", rc);
		s.failures++;
	}
	if (h_rtcheck_verify(report, 1000, &callbacks, why, sizeof(why)) < 0) {
		fprintf(stderr, "soak: FAIL: %s\n", why);
		s.failures++;
	} else {
		fprintf(stderr,
		        "soak: the interposer (positive control passed) counted nothing in "
		        "%lld callbacks\n",
		        callbacks);
	}
	for (unsigned i = 0; i < s.n_subs; i++)
		h_osc_close(s.subs[i]);
	h_osc_close(s.osc);
	h_probe_close(s.probe);
	h_mixd_free(s.m);
	h_jackd_free(s.j);
	h_session_end(s.failures != 0);
	printf("soak: %s\n", s.failures ? "FAILED" : "passed");
	return s.failures ? 1 : 0;
}
