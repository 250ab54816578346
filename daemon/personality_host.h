/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * personality_host: the daemon's side of osc/personality.h. It creates every personality of the
 * registry (osc/personalities.c) in its order, and hands each its share of the control thread's
 * work: its sockets to poll, the 10 ms tick, its /stats counters, and the end. Nothing here
 * names a personality: adding one touches no daemon file.
 */
#ifndef MIXD_PERSONALITY_HOST_H
#define MIXD_PERSONALITY_HOST_H

#include <poll.h>
#include <stddef.h>

#include "personality.h"

struct personality_host {
	void *p[PERSONALITY_MAX];               /* per registry entry; NULL: off (or not made) */
	unsigned n_fds;                         /* sockets handed out by personality_host_pollfds */
	unsigned fd_owner[PERSONALITY_MAX_FDS]; /* the registry entry of each */
};

/* Control thread. Creates each personality of the registry in order, from env with env->port
 * set to ports[i] (0: its port option was not given). Returns 0, or -1 with the reason in err;
 * those made before stay in h for personality_host_free. */
int personality_host_start(struct personality_host *h, const struct personality_env *env,
                           const int ports[PERSONALITY_MAX], char *err, size_t errlen);

/* Control thread. Fills pfd (room for max) with the personalities' own sockets, POLLIN, and
 * returns how many; a socket past max is left out and said so on stderr. */
unsigned personality_host_pollfds(struct personality_host *h, struct pollfd *pfd, unsigned max);

/* Control thread. Socket i of the last personality_host_pollfds is readable. */
void personality_host_receive(struct personality_host *h, unsigned i);

/* Control thread. Each personality's 10 ms tick, in registry order. */
void personality_host_tick(struct personality_host *h, const struct feedback_frame *f);

/* Control thread. Every personality's counters, in registry order, into out (room for max);
 * returns how many. */
unsigned personality_host_stats(const struct personality_host *h, struct dispatch_stat *out,
                                unsigned max);

/* Control thread. Frees every personality, the last made first; h is empty after. */
void personality_host_free(struct personality_host *h);

#endif
