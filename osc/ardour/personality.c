/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * personality: the Ardour personality behind osc/personality.h, the one interface the daemon
 * drives every personality by. It lives on the control port (no socket of its own): create
 * adds its two dispatch handlers, and /stats gets its counters from stats.
 */
#include "ardour_private.h"

#include <stdio.h>

#include "personality.h"

static void *
create(const struct personality_env *env, char *err, size_t errlen)
{
	struct ardour *a = ardour_new(env->m, env->srv, env->d, env->hooks);

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned k = 0; k < env->n_strips; k++)
		if (env->stereo && env->stereo[k])
			ardour_set_inputs(a, k, 2); /* what /strip/list reports */
	/* Ardour surfaces own a few addresses whose native meaning differs (a fader position,
	 * bank-relative strips): asked before the parameter table, only for their own peers; the
	 * rest of Ardour's addresses after the table and the handlers added before this one */
	if (dispatch_add_early_handler(env->d, ardour_message_early, a) < 0 ||
	    dispatch_add_handler(env->d, ardour_message, a) < 0) {
		snprintf(err, errlen, "ardour: no room for its dispatch handlers");
		ardour_free(a);
		return NULL;
	}
	return a;
}

static void
tick(void *p, const struct feedback_frame *f)
{
	ardour_tick(p, f);
}

/* The counters main.c listed before the registry, in the same order: /stats is unchanged. */
static unsigned
stats(const void *p, struct dispatch_stat *out, unsigned max)
{
	struct ardour_stats st;
	unsigned n;

	ardour_get_stats(p, &st);
	const struct dispatch_stat all[] = {
		{ "ardour_surfaces", st.surfaces },       { "ardour_evicted", st.evicted },
		{ "ardour_expired", st.expired },         { "ardour_refused", st.refused },
		{ "ardour_messages", st.messages },       { "ardour_sent", st.sent },
		{ "ardour_send_errors", st.send_errors },
	};
	for (n = 0; n < sizeof(all) / sizeof(all[0]) && n < max; n++)
		out[n] = all[n];
	return n;
}

static void
destroy(void *p)
{
	ardour_free(p);
}

const struct personality_ops ardour_personality = {
	.name = "ardour",
	.port_option = NULL, /* on the control port */
	.port_default = 0,
	.create = create,
	.fd = NULL,
	.receive = NULL,
	.tick = tick,
	.stats = stats,
	.free = destroy,
};
