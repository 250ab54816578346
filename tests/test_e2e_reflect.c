/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end test of reflection loops: messages that look like replies are never answered,
 * and nothing is ever sent to mixd's own socket. Before, an /error was answered with an /error
 * and an /info with an /info, and an Ardour surface's /set_surface could aim feedback at any
 * port of its host: two consoles (or one console and itself) then bounced messages at 60-190k
 * a second for as long as the surface existed. Real mixd processes on a real jackd, real UDP.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#define RATE   48000
#define PERIOD 256
/* Ardour's feedback bits: buttons, variables, master, heartbeat, meters in dB */
#define FEEDBACK (1 | 2 | 4 | 8 | 16 | 128)
/* How many messages a console may receive in LOOP_MS without a loop: what the test and one
 * surface's feedback send (heartbeat, meters at ~10 Hz, values), far below a loop's 100 000s. */
#define LOOP_MS     3000
#define QUIET_BOUND 3000

E2E_WORLD_FIXTURE(RATE, PERIOD)

static int64_t
stat_of(struct h_osc *o, const char *name)
{
	int64_t v = -1;

	ck_assert_msg(h_osc_stat(o, name, &v) == 0, "/stats %s not readable", name);
	return v;
}

/* Reply-shaped messages get no answer, and are counted. */
START_TEST(test_replies_unanswered)
{
	struct h_msg *m;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "2", NULL);
	ck_assert_ptr_nonnull(w.mixd);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	h_osc_send(w.osc, "/error", "ss", "/nosuch", "unknown address");
	h_osc_send(w.osc, "/reply", "ss", "/x", "ok");
	h_osc_send(w.osc, "/pong", "");
	h_osc_send(w.osc, "/list/end", "");
	h_osc_send(w.osc, "/info", "ssiiii", "mixd", "0.1.0", 8, 48000, 256, 72);
	h_osc_send(w.osc, "/stats", "sh", "received", (int64_t)5);
	m = h_osc_recv(w.osc, 300);
	ck_assert_msg(m == NULL, "a reply-shaped message was answered with %s", m ? m->path : "");
	ck_assert_int_eq(stat_of(w.osc, "replies_ignored"), 6);
	/* requests of the same names are still answered */
	ck_assert(h_osc_ping(w.osc, H_REPLY_MS));
	m = h_osc_get(w.osc, "/info");
	ck_assert_msg(m && !strcmp(m->path, "/info"), "/info unanswered");
	h_msg_free(m);
	e2e_stop_mixd(&w);
}
END_TEST

/* A surface that names mixd's own port as its feedback port: the feedback is dropped (counted
 * in self_dropped), not received as requests. */
START_TEST(test_surface_aimed_at_itself)
{
	int64_t r0, r1;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "4", NULL);
	ck_assert_ptr_nonnull(w.mixd);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
	r0 = stat_of(w.osc, "received");
	ck_assert_int_eq(h_osc_send(w.osc, "/set_surface", "iiiiiii", 4, 159, FEEDBACK, 0, 0, 0,
	                            (int)w.mixd->port),
	                 0);
	for (int i = 0; i < 20; i++) { /* values moving: feedback to send */
		h_osc_set_f(w.osc, "/strip/1/fader", -(float)i);
		h_sleep_ms(LOOP_MS / 20);
	}
	r1 = stat_of(w.osc, "received");
	fprintf(stderr, "self: received %lld in %d ms, self_dropped %lld\n", (long long)(r1 - r0),
	        LOOP_MS, (long long)stat_of(w.osc, "self_dropped"));
	ck_assert_int_gt(stat_of(w.osc, "self_dropped"), 0);
	ck_assert_int_lt(r1 - r0, QUIET_BOUND);
	e2e_stop_mixd(&w);
}
END_TEST

/* Console A's surface feedback aimed at console B on the same host: B's answers (errors for
 * what it does not take) go back to A, which answers none of them. Both stay quiet. */
START_TEST(test_two_consoles)
{
	struct h_mixd *b;
	struct h_osc *ob;
	int64_t a0, b0, a1, b1;

	w.mixd = h_mixd_start(w.jackd, NULL, "--strips", "4", NULL);
	ck_assert_ptr_nonnull(w.mixd);
	b = h_mixd_start(w.jackd, NULL, "--strips", "4", "--name", "mixdb", NULL);
	ck_assert_ptr_nonnull(b);
	w.osc = h_osc_open(NULL, w.mixd->port);
	ob = h_osc_open(NULL, b->port);
	ck_assert(w.osc && ob);
	a0 = stat_of(w.osc, "received");
	b0 = stat_of(ob, "received");
	ck_assert_int_eq(
	    h_osc_send(w.osc, "/set_surface", "iiiiiii", 4, 159, FEEDBACK, 0, 0, 0, (int)b->port),
	    0);
	/* and B's answers to A: an unknown address from A's socket, answered with /error */
	for (int i = 0; i < 20; i++) {
		h_osc_set_f(w.osc, "/strip/1/fader", -(float)i);
		h_sleep_ms(LOOP_MS / 20);
	}
	a1 = stat_of(w.osc, "received");
	b1 = stat_of(ob, "received");
	fprintf(stderr,
	        "two consoles: A received %lld, B received %lld in %d ms; A ignored %lld "
	        "replies\n",
	        (long long)(a1 - a0), (long long)(b1 - b0), LOOP_MS,
	        (long long)stat_of(w.osc, "replies_ignored"));
	ck_assert_int_gt(b1 - b0, 0); /* the feedback did reach B */
	ck_assert_int_lt(a1 - a0, QUIET_BOUND);
	ck_assert_int_lt(b1 - b0, QUIET_BOUND);
	e2e_stop_mixd(&w);
	ck_assert_int_eq(h_mixd_stop(b), 0);
	h_osc_close(ob);
	h_mixd_free(b);
}
END_TEST

static Suite *
e2e_reflect_suite(void)
{
	Suite *s = suite_create("e2e_reflect");

	e2e_add_case(s, "replies_unanswered", test_replies_unanswered, setup, teardown, 60);
	e2e_add_case(s, "surface_aimed_at_itself", test_surface_aimed_at_itself, setup, teardown,
	             60);
	e2e_add_case(s, "two_consoles", test_two_consoles, setup, teardown, 60);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_reflect_suite());
}
