/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of the control port's defences, against the real mixd binary on a private
 * jackd: a peer outside --osc-allow changes nothing, hears nothing (not even feedback it
 * subscribed to) and is counted in not_allowed; a peer flooding faster than --osc-rate is
 * counted in rate_limited while another peer's gets are all answered.
 *
 * Every client is a UDP socket bound to its own loopback address (Linux routes all of
 * 127.0.0.0/8 to lo), because the allowlist and the rate limit both look at the address.
 * No audio is involved: these cases start mixd and OSC clients only.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define RATE   48000
#define PERIOD 256
/* How long a dropped datagram is given to show that no answer comes. */
#define SILENCE_MS 300

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* mixd with args and the test's own client on 127.0.0.1; no probe (nothing here is audio). */
static void
mixd_up(const char *const *args)
{
	w.mixd = h_mixd_startv(w.jackd, NULL, args);
	ck_assert_msg(w.mixd != NULL, "mixd did not start");
	w.osc = h_osc_open(NULL, w.mixd->port);
	ck_assert_ptr_nonnull(w.osc);
}

/* Nothing at all arrives on o within ms. */
static void
assert_silent(struct h_osc *o, const char *what, int ms)
{
	struct h_msg *m = h_osc_recv(o, ms);

	ck_assert_msg(m == NULL, "%s: a peer outside the allowlist got %s ,%s", what,
	              m ? m->path : "", m ? m->types : "");
}

/* One datagram from the stranger, which must go out. */
#define STRANGER(call)                       \
	do {                                 \
		ck_assert_int_eq((call), 0); \
		sent++;                      \
	} while (0)

/* a. A peer outside --osc-allow: its sets change nothing, its gets, pings, lists and
 * subscriptions get no answer, later changes send it no feedback, and /stats counts every one
 * of its datagrams in not_allowed. */
START_TEST(test_not_allowed)
{
	static const char *const args[] = { "--strips", "2", "--osc-allow", "127.0.0.1/32", NULL };
	/* a bundle of two sets, serialised by hand: #bundle, immediate timetag, two elements */
	static const uint8_t bundle[] = {
		'#', 'b', 'u', 'n', 'd', 'l', 'e', 0,   0,    0,    0,   0,   0,   0,   0,
		1,   0,   0,   0,   24,  '/', 's', 't', 'r',  'i',  'p', '/', '2', '/', 'm',
		'u', 't', 'e', 0,   0,   0,   ',', 'i', 0,    0,    0,   0,   0,   1,   0,
		0,   0,   24,  '/', 's', 't', 'r', 'i', 'p',  '/',  '2', '/', 'p', 'a', 'n',
		0,   0,   0,   0,   ',', 'f', 0,   0,   0x3f, 0x80, 0,   0,
	};
	struct h_osc *stranger;
	int64_t refused0, refused, datagrams0, datagrams;
	char name[64];
	int sent = 0;

	mixd_up(args);
	refused0 = e2e_stat(&w, "not_allowed");
	datagrams0 = e2e_stat(&w, "datagrams");

	stranger = h_osc_open("127.0.0.2", w.mixd->port);
	ck_assert_msg(stranger != NULL, "cannot bind a client to 127.0.0.2");
	STRANGER(h_osc_set_f(stranger, "/strip/1/fader", -30.0f));
	STRANGER(h_osc_set_i(stranger, "/strip/1/mute", 1));
	STRANGER(h_osc_set_s(stranger, "/strip/1/name", "intruder"));
	STRANGER(h_osc_set_f(stranger, "/master/fader", -50.0f));
	STRANGER(h_osc_send_raw(stranger, bundle, sizeof(bundle)));
	STRANGER(h_osc_send(stranger, "/strip/1/fader", ""));
	STRANGER(h_osc_send(stranger, "/ping", ""));
	STRANGER(h_osc_send(stranger, "/info", ""));
	STRANGER(h_osc_send(stranger, "/list", "s", "/master"));
	STRANGER(h_osc_send(stranger, "/stats", ""));
	STRANGER(h_osc_send(stranger, "/subscribe", "si", "/", 20));
	assert_silent(stranger, "after its sets and gets", SILENCE_MS);

	/* nothing changed, as the allowed peer sees it */
	e2e_get_f_eq(&w, "/strip/1/fader", 0.0f);
	e2e_get_i_eq(&w, "/strip/1/mute", 0);
	ck_assert_int_eq(h_osc_get_s(w.osc, "/strip/1/name", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "1");
	e2e_get_f_eq(&w, "/master/fader", 0.0f);
	e2e_get_i_eq(&w, "/strip/2/mute", 0);
	e2e_get_f_eq(&w, "/strip/2/pan", 0.0f);

	/* a change from the allowed peer: the stranger's /subscribe must not have taken */
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -12.0f), 0);
	e2e_get_f_eq(&w, "/strip/1/fader", -12.0f);
	assert_silent(stranger, "after a change it had subscribed to", SILENCE_MS);

	refused = e2e_stat(&w, "not_allowed");
	datagrams = e2e_stat(&w, "datagrams");
	ck_assert_msg(refused - refused0 == sent, "not_allowed went %lld -> %lld, expected +%d",
	              (long long)refused0, (long long)refused, sent);
	ck_assert_msg(datagrams - datagrams0 >= sent, "datagrams went %lld -> %lld",
	              (long long)datagrams0, (long long)datagrams);
	h_osc_close(stranger);
	e2e_stop_mixd(&w);
}
END_TEST

/* The flood of b: messages, the pace (a burst every FLOOD_GAP_MS; about 10,000 a second, five
 * times the limit), and the limit. */
#define FLOOD_MSGS   6000
#define FLOOD_BURST  100
#define FLOOD_GAP_MS 10
#define LIMIT_PER_S  2000
#define LIMIT_BURST  (LIMIT_PER_S / 5)
#define GET_EVERY    5 /* bursts between two gets of the other peer */

/* b. One peer (127.0.0.3) floods sets at five times --osc-rate: the excess is counted in
 * rate_limited, and another peer (127.0.0.1) meanwhile gets an answer to every get. The bucket
 * is per address, so the flooder's many messages cost the other peer nothing. */
START_TEST(test_rate_limited)
{
	static const char *const args[] = { "--strips",   "2",    "--osc-allow", "127.0.0.0/8",
		                            "--osc-rate", "2000", NULL };
	struct h_osc *flood;
	int64_t limited0, limited, received0, received, t0;
	double secs, max_admitted;
	int gets = 0, answered = 0;

	mixd_up(args);
	ck_assert_int_eq(h_osc_set_f(w.osc, "/strip/1/fader", -3.0f), 0);
	e2e_get_f_eq(&w, "/strip/1/fader", -3.0f);
	limited0 = e2e_stat(&w, "rate_limited");
	received0 = e2e_stat(&w, "received");

	flood = h_osc_open("127.0.0.3", w.mixd->port);
	ck_assert_msg(flood != NULL, "cannot bind a client to 127.0.0.3");
	t0 = h_now_ms();
	for (int k = 0; k < FLOOD_MSGS; k++) {
		/* paced so that the socket buffer never overflows: what is dropped is the
		 * bucket's doing, not the kernel's */
		ck_assert_int_eq(h_osc_set_f(flood, "/strip/2/fader", -(float)(k % 60)), 0);
		if ((k + 1) % FLOOD_BURST)
			continue;
		if ((k + 1) % (FLOOD_BURST * GET_EVERY) == 0) {
			float v = NAN;

			gets++;
			if (h_osc_get_f(w.osc, "/strip/1/fader", &v) == 0 && v == -3.0f)
				answered++;
		}
		h_sleep_ms(FLOOD_GAP_MS);
	}
	secs = (double)(h_now_ms() - t0) / 1000.0;
	h_sleep_ms(100); /* let mixd read the last burst */

	limited = e2e_stat(&w, "rate_limited") - limited0;
	received = e2e_stat(&w, "received") - received0;
	/* the flooder's bucket lets through its burst and what refills while it floods (+1 for
	 * rounding); everything else it sent is dropped and counted */
	max_admitted = LIMIT_BURST + ceil(LIMIT_PER_S * secs) + 1;
	if (getenv("H_VERBOSE"))
		fprintf(stderr,
		        "  flood %d msgs in %.3f s: %lld rate_limited, %lld received, "
		        "%d/%d gets answered\n",
		        FLOOD_MSGS, secs, (long long)limited, (long long)received, answered, gets);
	ck_assert_msg(gets > 0 && answered == gets, "the other peer got %d of %d get replies",
	              answered, gets);
	ck_assert_msg(limited > 0, "nothing was rate limited (%d messages in %.3f s)", FLOOD_MSGS,
	              secs);
	ck_assert_msg(limited >= FLOOD_MSGS - max_admitted,
	              "rate_limited %lld, expected at least %.0f (%d messages in %.3f s)",
	              (long long)limited, FLOOD_MSGS - max_admitted, FLOOD_MSGS, secs);
	ck_assert_msg(limited <= FLOOD_MSGS - LIMIT_BURST,
	              "rate_limited %lld: more than the flood minus the burst", (long long)limited);
	/* everything that arrived was either dispatched or counted: the other peer's gets and
	 * /stats reads are in received too */
	ck_assert_msg(received + limited >= FLOOD_MSGS,
	              "received %lld + rate_limited %lld < %d sent: the kernel dropped some",
	              (long long)received, (long long)limited, FLOOD_MSGS);

	/* the flooder's bucket refills: after a pause it is heard again */
	h_sleep_ms(300);
	{
		struct h_msg *m;

		h_osc_drain(flood);
		ck_assert_int_eq(h_osc_send(flood, "/strip/2/fader", ""), 0);
		m = h_osc_wait(flood, "/strip/2/fader", H_REPLY_MS);
		ck_assert_msg(m != NULL, "the flooder was not heard again after a pause");
		h_msg_free(m);
	}
	h_osc_close(flood);
	e2e_stop_mixd(&w);
}
END_TEST

#define E2E_CASE_TIMEOUT_S 60

static Suite *
e2e_control_suite(void)
{
	Suite *s = suite_create("e2e_control");

	e2e_add_case(s, "not_allowed", test_not_allowed, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "rate_limited", test_rate_limited, setup, teardown, E2E_CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_control_suite());
}
