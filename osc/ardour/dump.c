/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump: everything a surface shows, sent whole: after /set_surface, /refresh, /strip/list or a
 * bank change (Ardour's set_surface and clear_strip).
 */
#include "ardour_private.h"

#include "model.h"

void
ardour_send_strip_gain(struct ardour *a, const struct ardour_surface *s, unsigned ssid, float db)
{
	int gm = s->f[F_GAINMODE];

	if (gm != 0)
		ardour_strip_f(a, s, "fader", ssid, ardour_fader_value(db));
	if (gm == 0 || gm == 2)
		ardour_strip_f(a, s, "gain", ssid, ardour_gain_value(db));
}

static void
dump_slot(struct ardour *a, struct ardour_surface *s, unsigned ssid)
{
	int k = ardour_strip_at(a, s, ssid);
	int32_t fb = s->f[F_FEEDBACK];
	int gm = s->f[F_GAINMODE];

	if (ssid < 1 || ssid > ENGINE_MAX_STRIPS)
		return;
	s->name_flash[ssid - 1] = 0;
	s->meter[ssid - 1] = NAN;
	if (k < 0 || (unsigned)ssid > ardour_n_slots(a, s)) {
		/* Ardour's clear_strip: a slot with no strip shows a blank name and rest values */
		if (fb & FB_BUTTONS) {
			ardour_strip_s(a, s, "name", ssid, " ");
			ardour_strip_f(a, s, "mute", ssid, 0);
			ardour_strip_f(a, s, "solo", ssid, 0);
			ardour_strip_f(a, s, "polarity", ssid, 0);
		}
		if (fb & FB_LEVELS) {
			if (gm != 0)
				ardour_strip_f(a, s, "fader", ssid, 0);
			if (gm == 0 || gm == 2)
				ardour_strip_f(a, s, "gain", ssid, METER_OFF_DB);
			ardour_strip_f(a, s, "trimdB", ssid, 0);
			ardour_strip_f(a, s, "pan_stereo_position", ssid, 0.5f);
		}
		if (fb & FB_SIGNAL)
			ardour_strip_f(a, s, "signal", ssid, 0);
		if (fb & FB_METER)
			ardour_strip_f(a, s, "meter", ssid, gm ? 0.0f : METER_OFF_DB);
		else if (fb & FB_METER_LED)
			ardour_strip_f(a, s, "meter", ssid, 0);
		return;
	}
	const struct ardour_strip_idx *x = &a->sx[k];
	if (fb & FB_BUTTONS) {
		ardour_strip_s(a, s, "name", ssid, model_get_string(a->m, x->name));
		ardour_strip_f(a, s, "mute", ssid, model_get(a->m, x->mute));
		ardour_strip_f(a, s, "solo", ssid, model_get(a->m, x->solo));
		ardour_strip_f(a, s, "polarity", ssid, model_get(a->m, x->polarity));
	}
	if (fb & FB_LEVELS) {
		ardour_send_strip_gain(a, s, ssid, model_get(a->m, x->fader));
		ardour_strip_f(a, s, "trimdB", ssid, model_get(a->m, x->trim));
		ardour_strip_f(a, s, "pan_stereo_position", ssid,
		               ardour_pan_to_pos(model_get(a->m, x->pan)));
	}
}

/* Ardour's bank_leds: 1 where there are more strips that way */
static void
bank_leds(struct ardour *a, const struct ardour_surface *s)
{
	unsigned total = ardour_visible(a, s), size = ardour_n_slots(a, s);

	if (s->f[F_BANK] <= 0 || !(s->f[F_FEEDBACK] & (FB_BUTTONS | FB_LEVELS | FB_MASTER)))
		return;
	ardour_send_i(a, &s->reply, "/bank_up", total <= size || s->bank > total - size ? 0 : 1);
	ardour_send_i(a, &s->reply, "/bank_down", s->bank > 1 ? 1 : 0);
}

void
ardour_send_master_gain(struct ardour *a, const struct ardour_surface *s, float db)
{
	int gm = s->f[F_GAINMODE];

	if (gm != 0)
		ardour_send_f(a, &s->reply, "/master/fader", ardour_fader_value(db));
	if (gm == 0 || gm == 2)
		ardour_send_f(a, &s->reply, "/master/gain", ardour_gain_value(db));
}

static void
session_name(struct ardour *a, const struct ardour_surface *s)
{
	struct dispatch_info in = { 0 };

	a->h.info(a->h.ctx, &in);
	ardour_send_s(a, &s->reply, "/session_name", in.name ? in.name : "mixd");
}

static void
dump_master(struct ardour *a, struct ardour_surface *s)
{
	s->master_flash = 0;
	s->master_meter = NAN;
	if (!(s->f[F_FEEDBACK] & FB_MASTER))
		return;
	ardour_send_s(a, &s->reply, "/master/name", "Master");
	ardour_send_f(a, &s->reply, "/master/mute", model_get(a->m, (unsigned)a->master_mute));
	/* the master has no trim and no panner: Ardour's values for a centred, untrimmed one */
	ardour_send_f(a, &s->reply, "/master/trimdB", 0);
	ardour_send_f(a, &s->reply, "/master/pan_stereo_position", 0.5f);
	ardour_send_master_gain(a, s, model_get(a->m, (unsigned)a->master_fader));
	session_name(a, s);
	ardour_send_f(a, &s->reply, "/cancel_all_solos", a->any_solo ? 1.0f : 0.0f);
}

void
ardour_dump_strips(struct ardour *a, struct ardour_surface *s)
{
	unsigned n = ardour_n_slots(a, s);

	if (s->f[F_FEEDBACK] & (FB_BUTTONS | FB_LEVELS | FB_ANY_METER))
		for (unsigned ssid = 1; ssid <= n && !a->answer_cut; ssid++)
			dump_slot(a, s, ssid);
	bank_leds(a, s);
}

/* Everything the surface shows, as after Ardour's set_surface. */
void
ardour_dump_all(struct ardour *a, struct ardour_surface *s)
{
	s->heartbeat = 0;
	ardour_dump_strips(a, s);
	dump_master(a, s);
}
