/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slow_tick: what Ardour sends on its 100 ms timer: the heartbeat, the strip and master meters
 * (dB, position, LEDs, signal), and the name display going back from a gainmode-1 dB.
 */
#include "ardour_private.h"

#include <math.h>

#include "model.h"

/* /heartbeat: 1.0 at tick 10, 0.0 at tick 0 of 21 */
#define HEARTBEAT_PERIOD 21
#define HEARTBEAT_ON     10
/* Below these a meter reads "no signal" (METER_OFF_DB), as Ardour's observers do. */
#define METER_FLOOR_STRIP_DB  (-120.0f)
#define METER_FLOOR_MASTER_DB (-94.0f)
/* /strip/signal: 1 at or above this peak */
#define SIGNAL_DB (-40.0f)

/* Ardour's 16-LED meter: floor((dB + 54) / 3.75) - 1 LEDs lit from the bottom (Ardour's own
 * shift goes wrong below 4 LEDs and below -54 dB; this lights none there). */
static int32_t
meter_leds(float db)
{
	double lvl = floor((db + 54.0) / 3.75 - 1.0);

	if (!(lvl > 0.0))
		return 0;
	if (lvl >= 16.0)
		return 0xffff;
	return (int32_t)((1u << (unsigned)lvl) - 1u);
}

void
ardour_slow_surface(struct ardour *a, struct ardour_surface *s)
{
	int32_t fb = s->f[F_FEEDBACK];
	int gm = s->f[F_GAINMODE];
	unsigned n = ardour_n_slots(a, s);

	if (fb & FB_HEARTBEAT) {
		if (s->heartbeat == HEARTBEAT_ON)
			ardour_send_f(a, &s->reply, "/heartbeat", 1.0f);
		else if (s->heartbeat == 0)
			ardour_send_f(a, &s->reply, "/heartbeat", 0.0f);
	}
	if (++s->heartbeat >= HEARTBEAT_PERIOD)
		s->heartbeat = 0;
	if (fb & FB_ANY_METER) {
		for (unsigned ssid = 1; ssid <= n; ssid++) {
			int k = ardour_strip_at(a, s, ssid);
			float db;

			if (k < 0)
				break;
			db = meters_db(a->acc.peak[k]);
			if (db < METER_FLOOR_STRIP_DB)
				db = METER_OFF_DB;
			if (db == s->meter[ssid - 1])
				continue;
			s->meter[ssid - 1] = db;
			if (fb & FB_METER)
				ardour_strip_f(a, s, "meter", ssid,
				               gm ? (db + 94.0f) / 100.0f : db);
			else if (fb & FB_METER_LED) {
				char path[64];
				lo_message m =
				    ardour_strip_msg(s, "meter", ssid, path, sizeof(path));
				if (m)
					lo_message_add_int32(m, meter_leds(db));
				ardour_send_msg(a, &s->reply, path, m);
			}
			if (fb & FB_SIGNAL)
				ardour_strip_f(a, s, "signal", ssid, db < SIGNAL_DB ? 0.0f : 1.0f);
		}
		if (fb & FB_GLOBAL) {
			float db = fmaxf(meters_db(a->acc.master_peak[0]),
			                 meters_db(a->acc.master_peak[1]));
			if (db < METER_FLOOR_MASTER_DB)
				db = METER_OFF_DB;
			if (db != s->master_meter) {
				s->master_meter = db;
				if (fb & FB_METER)
					ardour_send_f(a, &s->reply, "/master/meter",
					              gm ? (db + 94.0f) / 100.0f : db);
				else if (fb & FB_METER_LED)
					ardour_send_f(a, &s->reply, "/master/meter",
					              (float)meter_leds(db));
				if (fb & FB_SIGNAL)
					ardour_send_f(a, &s->reply, "/master/signal",
					              db < SIGNAL_DB ? 0.0f : 1.0f);
			}
		}
	}
	if (fb & FB_LEVELS)
		for (unsigned ssid = 1; ssid <= n; ssid++) {
			int k;

			if (!s->name_flash[ssid - 1] || --s->name_flash[ssid - 1])
				continue;
			k = ardour_strip_at(a, s, ssid);
			if (k >= 0)
				ardour_strip_s(a, s, "name", ssid,
				               model_get_string(a->m, a->sx[k].name));
		}
	if (s->master_flash && !--s->master_flash && (fb & FB_MASTER))
		ardour_send_s(a, &s->reply, "/master/name", "Master");
}
