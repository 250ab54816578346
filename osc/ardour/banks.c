/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * banks: /bank_up and /bank_down, and the strip lists (/strip/list with its end_route_list,
 * /strip with no argument).
 */
#include "ardour_private.h"

#include <stdio.h>

#include "model.h"

static void
set_bank(struct ardour *a, struct ardour_surface *s, long bank)
{
	s->bank = ardour_bank_limit(a, s, bank);
	ardour_dump_strips(a, s);
}

/* /bank_up and /bank_down: "" is one bank; "f v" from encoders is a direction (0 is a button's
 * release, ignored). Ardour's /bank_down takes any non-zero value as down. */
void
ardour_bank_message(struct ardour *a, struct ardour_surface *s, bool real, bool up,
                    const char *types, lo_arg **argv, int argc)
{
	double v = 1.0;
	long delta, nb;

	if (argc >= 1 && !ardour_arg_num(types, argv, argc, 0, &v))
		return;
	if (v == 0.0 || !real || s->f[F_BANK] <= 0)
		return;
	delta = up ? (v > 0 ? 1 : -1) : -1;
	nb = ardour_bank_limit(a, s, (long)s->bank + delta * s->f[F_BANK]);
	/* already at the end: Ardour would send the same bank again, nothing new to show */
	if ((unsigned long)nb != s->bank)
		set_bank(a, s, nb);
}

/* /strip/list: every strip, then end_route_list, then the full feedback again. */
void
ardour_routes_list(struct ardour *a, struct ardour_surface *s, bool real)
{
	const char *rp = (s->f[F_FEEDBACK] & FB_REPLY) ? "/reply" : "#reply";
	struct dispatch_info in = { 0 };
	lo_message m;

	for (unsigned k = 0; k < ardour_visible(a, s) && !a->answer_cut; k++) {
		const struct ardour_strip_idx *x = &a->sx[k];

		m = lo_message_new();
		if (!m)
			return;
		/* an audio track, so track clients (pySAPTouch's 'ssiiiiii') take it; rec 0 */
		lo_message_add_string(m, "AT");
		lo_message_add_string(m, model_get_string(a->m, x->name));
		lo_message_add_int32(m, a->n_in[k]);
		lo_message_add_int32(m, 2);
		lo_message_add_int32(m, (int32_t)model_get(a->m, x->mute));
		lo_message_add_int32(m, (int32_t)model_get(a->m, x->solo));
		lo_message_add_int32(m, (int32_t)k + 1);
		lo_message_add_int32(m, 0);
		ardour_send_msg(a, &s->reply, rp, m);
	}
	if (a->answer_cut)
		return; /* the rest, the end and the dump, would be refused too */
	a->h.info(a->h.ctx, &in);
	m = lo_message_new();
	if (!m)
		return;
	lo_message_add_string(m, "end_route_list");
	lo_message_add_int64(m, (int64_t)in.rate);
	lo_message_add_int64(m, 0); /* session end: a console has no timeline */
	lo_message_add_int32(m, 0); /* no monitor section */
	ardour_send_msg(a, &s->reply, rp, m);
	if (real)
		ardour_dump_all(a, s);
}

/* /strip with no argument: Ardour's strip_list, one state message per strip of the bank. */
void
ardour_strip_list(struct ardour *a, const struct ardour_surface *s)
{
	char path[32];
	unsigned n = ardour_visible(a, s);

	for (unsigned ssid = 1; ssid <= n && !a->answer_cut; ssid++) {
		int k = ardour_strip_at(a, s, ssid);
		struct ardour_req r = { .path = path, .ssid = ssid };

		if (k < 0)
			break;
		if (s->f[F_FEEDBACK] & FB_SSID_IN_PATH) {
			snprintf(path, sizeof(path), "/strip/%u", ssid);
		} else {
			snprintf(path, sizeof(path), "/strip");
			r.ssid_arg = true;
		}
		ardour_strip_state(a, s, &r, (unsigned)k);
	}
}
