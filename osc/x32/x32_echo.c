/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_echo: once a tick, every changed parameter that an X32 address shows goes, in the
 * console's type and law, to every /xremote client, whoever changed it (a client of this port,
 * the control port, the Ardour personality, a scene, automation); only the client that set it
 * over this port is skipped, as the console does. One message a change a client: the tick
 * already folds a parameter moved many times into one change. Each message is charged to the
 * client's host budget (server.h), so no burst of changes sends a host more than its share.
 */
#include "x32_private.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

static void
send_all(struct x32 *x, uint8_t skip, const char *path, const struct x32_value *v)
{
	for (unsigned s = 0; s < X32_REMOTE_MAX; s++) {
		const struct osc_peer *to = x32_remote_at(&x->remote, s);

		if (to && skip != s + 1)
			x32_send_value(x, to, path, v);
	}
}

/* A send's level changed: its switch (.../on, the level above -inf) may have too. */
static void
send_switch(struct x32 *x, uint8_t skip, const char *level_path)
{
	char path[PARAM_ADDRESS_MAX];
	const char *slash = strrchr(level_path, '/');
	struct x32_target t;
	struct x32_value v;

	snprintf(path, sizeof(path), "%.*son", (int)(slash - level_path + 1), level_path);
	if (x32_resolve(x->ps, path, &t) < 0)
		return;
	x32_get(x, &t, &v);
	send_all(x, skip, path, &v);
}

void
x32_echo(struct x32 *x, const unsigned *changed, unsigned n, uint64_t now)
{
	char path[PARAM_ADDRESS_MAX];
	struct x32_target t;
	struct x32_value v;

	for (unsigned i = 0; i < n; i++)
		x32_sends_changed(x, changed[i]);
	x32_remote_expire(&x->remote, now);
	if (x32_remote_count(&x->remote) > 0) {
		memset(x->mask_sent, 0, params_n_strips(x->ps));
		for (unsigned i = 0; i < n; i++) {
			unsigned idx = changed[i];
			const struct param *p;
			uint8_t skip = x->origin[idx], bit = 0;

			if (x32_address(x->ps, idx, path, sizeof(path)) < 0 ||
			    x32_resolve(x->ps, path, &t) < 0)
				continue;
			p = params_at(x->ps, idx);
			if (p->d->scope == PARAM_SCOPE_STRIP_DCA)
				bit = 1;
			else if (p->d->scope == PARAM_SCOPE_STRIP_MUTEGROUP)
				bit = 2;
			if (bit) {
				/* one bitmask for all of a strip's memberships */
				if (x->mask_sent[p->strip] & bit)
					continue;
				x->mask_sent[p->strip] |= bit;
			}
			x32_get(x, &t, &v);
			send_all(x, skip, path, &v);
			if (p->d->scope == PARAM_SCOPE_STRIP_AUX && t.kind == X32_FADER)
				send_switch(x, skip, path);
		}
	}
	for (unsigned i = 0; i < x->n_marked; i++)
		x->origin[x->marked[i]] = 0;
	x->n_marked = 0;
}
