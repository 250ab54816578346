/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jackclose: closing a JACK client whose server is gone, off the control thread, with a
 * deadline.
 *
 * libjack 1.9.21 (Debian 12's JACK2) can deadlock in jack_client_close after a server loss
 * (jackaudio/jack2#395, fixed by the unmerged #889): closing cancels the client's notification
 * thread, and a cancel that lands while that thread holds the process-wide synchro mutex leaves
 * it locked for good. The close then waits on it forever, holding the process-wide open mutex,
 * and so would every later jack_client_open. The soak, restarting the server every 5 s, met it
 * once in 6 to 12 restarts; mixd's control thread stopped for good.
 *
 * So the close runs on a thread of its own, after a grace period (by then the notification
 * thread has normally seen the dead socket and left by itself, so the cancel cuts nothing
 * short; normally, not certainly), and the control thread goes on ticking. A close that has not
 * returned by its deadline means libjack is wedged: no client can be opened in this process any
 * more, and the caller starts afresh (mixd saves its state and executes itself again: main.c).
 */
#ifndef MIXD_JACKCLOSE_H
#define MIXD_JACKCLOSE_H

#include <jack/jack.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* How long after the loss the close starts, and how long it may take. */
#define JACKCLOSE_GRACE_NS    (200ull * 1000000ull)
#define JACKCLOSE_DEADLINE_NS (5000ull * 1000000ull)

enum jackclose_state {
	JACKCLOSE_IDLE,    /* nothing to close: a client may be opened */
	JACKCLOSE_WAITING, /* the grace period, or the close under way */
	JACKCLOSE_WEDGED,  /* the close missed its deadline: libjack can open no client again */
};

struct jackclose {
	jack_client_t *client; /* the one to close; NULL when idle */
	uint64_t lost_ns;      /* when its loss was seen */
	bool running;          /* the thread was started */
	pthread_t thread;
	atomic_bool done; /* set by the thread when jack_client_close returned */
};

/* Control thread. Takes a lost client to close, its loss seen at now_ns. A client already being
 * closed stays the caller's to wait for (jackclose_poll): returns -EBUSY then, else 0. */
int jackclose_begin(struct jackclose *c, jack_client_t *client, uint64_t now_ns);

/* Control thread, every tick. Starts the close once the grace period is over (closing on the
 * calling thread if no thread can be made), reaps it when done, and tells where it stands. */
enum jackclose_state jackclose_poll(struct jackclose *c, uint64_t now_ns);

#endif
