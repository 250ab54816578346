/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "jackclose.h"

#include <errno.h>

/* jack_client_close needs little stack; mixd's memory is locked (memlock.h), so a thread's
 * default 8 MiB stack would be 8 MiB of RAM for as long as glibc caches it */
#define CLOSER_STACK (256u * 1024u)

static void *
closer(void *arg)
{
	struct jackclose *c = arg;

	jack_client_close(c->client);
	atomic_store(&c->done, true);
	return NULL;
}

int
jackclose_begin(struct jackclose *c, jack_client_t *client, uint64_t now_ns)
{
	if (c->client)
		return -EBUSY;
	c->client = client;
	c->lost_ns = now_ns;
	c->running = false;
	atomic_store(&c->done, false);
	return 0;
}

enum jackclose_state
jackclose_poll(struct jackclose *c, uint64_t now_ns)
{
	if (!c->client)
		return JACKCLOSE_IDLE;
	if (!c->running) {
		pthread_attr_t attr;
		int err = -1;

		if (now_ns - c->lost_ns < JACKCLOSE_GRACE_NS)
			return JACKCLOSE_WAITING;
		if (pthread_attr_init(&attr) == 0) {
			pthread_attr_setstacksize(&attr, CLOSER_STACK);
			err = pthread_create(&c->thread, &attr, closer, c);
			pthread_attr_destroy(&attr);
		}
		if (err) {
			/* no thread: close here, and hope */
			jack_client_close(c->client);
			c->client = NULL;
			return JACKCLOSE_IDLE;
		}
		c->running = true;
		c->lost_ns = now_ns; /* the deadline runs from the start of the close */
		return JACKCLOSE_WAITING;
	}
	if (atomic_load(&c->done)) {
		pthread_join(c->thread, NULL);
		c->running = false;
		c->client = NULL;
		return JACKCLOSE_IDLE;
	}
	return now_ns - c->lost_ns >= JACKCLOSE_DEADLINE_NS ? JACKCLOSE_WEDGED : JACKCLOSE_WAITING;
}
