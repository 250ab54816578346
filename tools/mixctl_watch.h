/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixctl_watch: `mixctl watch`, live meters and loudness from a subscription (design.md §3).
 *
 * Subscribes to everything ("/") at a meter rate, renews the subscription at half its lease,
 * and shows what arrives: per strip its name, a peak + RMS bar, gain reduction, fader and
 * mute/solo; the bus returns; master L/R with true peak and gain reduction; the loudness
 * against its target. On a terminal the display is redrawn in place; elsewhere it is one
 * plain-text snapshot per second (mixctl.1 gives the format).
 */
#ifndef MIXCTL_WATCH_H
#define MIXCTL_WATCH_H

#include "mixctl_conn.h"

#define WATCH_HZ_DEFAULT 20
#define WATCH_HZ_MAX     50 /* mixd's SUBS_MAX_HZ */

struct watch_opts {
	unsigned strips; /* strips shown: 0 for all that /info reports */
	double seconds;  /* stop after this long; 0: at SIGINT or SIGTERM only */
	unsigned hz;     /* meter rate asked for, 1..WATCH_HZ_MAX */
};

/* mixctl's thread. Installs SIGINT and SIGTERM handlers that end the watch (exit 0), and
 * unsubscribes on the way out. Returns MIXCTL_OK, or MIXCTL_FAIL with the reason printed when
 * mixd does not answer /info or acknowledge the subscription within c's timeout, answers it
 * with /error, stops acknowledging the renewals, or goes away. */
int watch_run(struct conn *c, const struct watch_opts *o);

#endif
