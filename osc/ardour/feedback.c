/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * feedback: the 10 ms tick. Each change of the model goes to the surfaces that show it, in
 * their shapes; the solo state to those with the master; and every 100 ms the slow tick
 * (slow_tick.c) on Ardour's clock.
 */
#include "ardour_private.h"

#include "model.h"
#include "params.h"

/* Ardour's periodic timer: meters, heartbeat and the name display count in these. */
#define SLOW_TICK_NS (100ull * 1000000ull)
/* gainmode 1 shows a moved fader's dB in the name for this many slow ticks */
#define NAME_FLASH_TICKS 8

/* A parameter change, told to every surface that shows it. */
static void
feedback_change(struct ardour *a, unsigned idx)
{
	const struct param *p = params_at(model_params(a->m), idx);
	enum ardour_kind kind = (enum ardour_kind)a->kind[idx];
	unsigned k = p->strip;
	float v = model_get(a->m, idx);
	char text[32];

	if (kind == K_NONE)
		return;
	if (kind == K_SEND) {
		/* a level set by anyone replaces what an enable 0 remembered */
		for (unsigned b = 0; b < a->n_sends && !ardour_is_off(v); b++)
			if (idx == a->send_idx[k * a->n_sends + b])
				a->send_saved[k * a->n_sends + b] = NAN;
		return;
	}
	for (unsigned i = 0; i < peers_max(a->sur); i++) {
		struct ardour_surface *s = peers_at(a->sur, i);
		int32_t fb;
		unsigned ssid;

		if (!s || !(fb = s->f[F_FEEDBACK]))
			continue;
		if (kind == K_MASTER_FADER || kind == K_MASTER_MUTE) {
			if (!(fb & FB_MASTER))
				continue;
			if (kind == K_MASTER_MUTE) {
				ardour_send_f(a, &s->reply, "/master/mute", v);
				continue;
			}
			ardour_send_master_gain(a, s, v);
			if (s->f[F_GAINMODE] == 1) {
				ardour_format_db(v, text, sizeof(text));
				ardour_send_s(a, &s->reply, "/master/name", text);
				s->master_flash = NAME_FLASH_TICKS;
			}
			continue;
		}
		ssid = ardour_ssid_of(a, s, k);
		if (!ssid)
			continue;
		switch (kind) {
		case K_NAME:
			if (fb & FB_BUTTONS)
				ardour_strip_s(a, s, "name", ssid, model_get_string(a->m, idx));
			break;
		case K_MUTE:
		case K_SOLO:
		case K_POLARITY:
			if (fb & FB_BUTTONS)
				ardour_strip_f(a, s,
				               kind == K_MUTE   ? "mute"
				               : kind == K_SOLO ? "solo"
				                                : "polarity",
				               ssid, v);
			break;
		case K_FADER:
			if (!(fb & FB_LEVELS))
				break;
			ardour_send_strip_gain(a, s, ssid, v);
			if (s->f[F_GAINMODE] == 1) {
				ardour_format_db(v, text, sizeof(text));
				ardour_strip_s(a, s, "name", ssid, text);
				s->name_flash[ssid - 1] = NAME_FLASH_TICKS;
			}
			break;
		case K_TRIM:
			if (fb & FB_LEVELS)
				ardour_strip_f(a, s, "trimdB", ssid, v);
			break;
		case K_PAN:
			if (fb & FB_LEVELS)
				ardour_strip_f(a, s, "pan_stereo_position", ssid,
				               ardour_pan_to_pos(v));
			break;
		default:
			break;
		}
	}
}

static void
solo_state(struct ardour *a)
{
	bool any = false;

	for (unsigned k = 0; k < a->n_strips && !any; k++)
		any = model_get(a->m, a->sx[k].solo) >= 0.5f;
	if (any == a->any_solo)
		return;
	a->any_solo = any;
	for (unsigned i = 0; i < peers_max(a->sur); i++) {
		struct ardour_surface *s = peers_at(a->sur, i);

		if (s && (s->f[F_FEEDBACK] & FB_MASTER))
			ardour_send_f(a, &s->reply, "/cancel_all_solos", any ? 1.0f : 0.0f);
	}
}

void
ardour_tick(struct ardour *a, const struct feedback_frame *f)
{
	bool solo = false, meters = false;

	/* a surface that spoke before the first tick was stamped with 0, not a time: its lease
	 * starts now, or this very tick would forget it on a machine up longer than the lease
	 * (a sanitized CI run: Ardour's /set_surface, then 0 surfaces) */
	if (!a->now_ns)
		peers_shift(a->sur, f->now_ns);
	a->now_ns = f->now_ns;
	ardour_surfaces_expire(a, f->now_ns);
	for (unsigned i = 0; i < f->n_changed; i++) {
		feedback_change(a, f->changed[i]);
		solo |= a->kind[f->changed[i]] == K_SOLO;
	}
	if (solo)
		solo_state(a);
	for (unsigned i = 0; i < peers_max(a->sur) && !meters; i++) {
		const struct ardour_surface *s = peers_at(a->sur, i);

		meters = s && (s->f[F_FEEDBACK] & FB_ANY_METER);
	}
	if (meters && f->fresh)
		meters_fold(&a->acc, f->fresh);
	if (!a->next_slow)
		a->next_slow = f->now_ns + SLOW_TICK_NS;
	if (f->now_ns < a->next_slow)
		return;
	/* due one period after the last was due, so the rate holds whatever the tick's jitter;
	 * after a stall it starts over */
	a->next_slow += SLOW_TICK_NS;
	if (a->next_slow <= f->now_ns)
		a->next_slow = f->now_ns + SLOW_TICK_NS;
	for (unsigned i = 0; i < peers_max(a->sur); i++) {
		struct ardour_surface *s = peers_at(a->sur, i);

		if (s && s->f[F_FEEDBACK])
			ardour_slow_surface(a, s);
	}
	meters_clear(&a->acc);
}
