/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "personality_host.h"

#include <stdio.h>
#include <string.h>

int
personality_host_start(struct personality_host *h, const struct personality_env *env,
                       const int ports[PERSONALITY_MAX], char *err, size_t errlen)
{
	for (unsigned i = 0; i < personality_count && i < PERSONALITY_MAX; i++) {
		const struct personality_ops *o = personality_registry[i];
		struct personality_env e = *env;

		e.port = ports[i];
		err[0] = '\0';
		h->p[i] = o->create(&e, err, errlen);
		/* NULL with no reason: a personality on a port of its own that was not asked for */
		if (!h->p[i] && err[0])
			return -1;
	}
	return 0;
}

unsigned
personality_host_pollfds(struct personality_host *h, struct pollfd *pfd, unsigned max)
{
	h->n_fds = 0;
	for (unsigned i = 0; i < personality_count && i < PERSONALITY_MAX; i++) {
		const struct personality_ops *o = personality_registry[i];
		int fd;

		if (!h->p[i] || !o->fd || (fd = o->fd(h->p[i])) < 0)
			continue;
		if (h->n_fds == max || h->n_fds == PERSONALITY_MAX_FDS) {
			fprintf(stderr, "mixd: %s: its socket is not polled (more than %u)\n",
			        o->name, max);
			continue;
		}
		pfd[h->n_fds] = (struct pollfd){ .fd = fd, .events = POLLIN };
		h->fd_owner[h->n_fds++] = i;
	}
	return h->n_fds;
}

void
personality_host_receive(struct personality_host *h, unsigned i)
{
	unsigned k;

	if (i >= h->n_fds)
		return;
	k = h->fd_owner[i];
	personality_registry[k]->receive(h->p[k]);
}

void
personality_host_tick(struct personality_host *h, const struct feedback_frame *f)
{
	for (unsigned i = 0; i < personality_count && i < PERSONALITY_MAX; i++)
		if (h->p[i])
			personality_registry[i]->tick(h->p[i], f);
}

unsigned
personality_host_stats(const struct personality_host *h, struct dispatch_stat *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < personality_count && i < PERSONALITY_MAX && n < max; i++)
		if (h->p[i])
			n += personality_registry[i]->stats(h->p[i], out + n, max - n);
	return n;
}

void
personality_host_free(struct personality_host *h)
{
	for (unsigned i = PERSONALITY_MAX; i-- > 0;) {
		if (h->p[i])
			personality_registry[i]->free(h->p[i]);
		h->p[i] = NULL;
	}
	h->n_fds = 0;
}
