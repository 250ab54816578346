/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * send: messages to surfaces (counted in sent and send_errors), in the shape a surface
 * negotiated, and mixd's values in Ardour's units (gain, fader position, pan, the dB as a name).
 */
#include "ardour_private.h"

#include <errno.h>
#include <stdio.h>

#include "ardour_law.h"
#include "gain.h"

void
ardour_send_msg(struct ardour *a, const struct osc_peer *to, const char *path, lo_message m)
{
	if (!m)
		return;
	int r = osc_server_send(a->srv, to, path, m);

	if (r == 0)
		a->st.sent++;
	else
		a->st.send_errors++;
	if (r == -ENOBUFS)
		a->answer_cut = true;
	lo_message_free(m);
}

void
ardour_send_f(struct ardour *a, const struct osc_peer *to, const char *path, float v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_float(m, v);
	ardour_send_msg(a, to, path, m);
}

void
ardour_send_i(struct ardour *a, const struct osc_peer *to, const char *path, int32_t v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_int32(m, v);
	ardour_send_msg(a, to, path, m);
}

void
ardour_send_s(struct ardour *a, const struct osc_peer *to, const char *path, const char *v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_string(m, v);
	ardour_send_msg(a, to, path, m);
}

/* A strip message in the surface's shape: `/strip/<cmd>/<ssid> value` with the ssid in the path
 * (feedback bit 4), else `/strip/<cmd> ,i ssid value`. The caller adds the value and sends. */
lo_message
ardour_strip_msg(const struct ardour_surface *s, const char *cmd, unsigned ssid, char *path,
                 size_t n)
{
	lo_message m = lo_message_new();

	if (s->f[F_FEEDBACK] & FB_SSID_IN_PATH) {
		snprintf(path, n, "/strip/%s/%u", cmd, ssid);
	} else {
		snprintf(path, n, "/strip/%s", cmd);
		if (m)
			lo_message_add_int32(m, (int32_t)ssid);
	}
	return m;
}

void
ardour_strip_f(struct ardour *a, const struct ardour_surface *s, const char *cmd, unsigned ssid,
               float v)
{
	char path[64];
	lo_message m = ardour_strip_msg(s, cmd, ssid, path, sizeof(path));

	if (m)
		lo_message_add_float(m, v);
	ardour_send_msg(a, &s->reply, path, m);
}

void
ardour_strip_s(struct ardour *a, const struct ardour_surface *s, const char *cmd, unsigned ssid,
               const char *v)
{
	char path[64];
	lo_message m = ardour_strip_msg(s, cmd, ssid, path, sizeof(path));

	if (m)
		lo_message_add_string(m, v);
	ardour_send_msg(a, &s->reply, path, m);
}

bool
ardour_is_off(float db)
{
	return !(db > GAIN_OFF_DB);
}

/* A level as /strip/gain carries it: dB, -200 for silence. */
float
ardour_gain_value(float db)
{
	return ardour_is_off(db) ? GAIN_ZERO_SENT : db;
}

float
ardour_fader_value(float db)
{
	return ardour_is_off(db) ? 0.0f : (float)ardour_law_db_to_pos(db);
}

/* Ardour's "%.2f" of the gain in dB, shown as a name in gainmode 1 */
void
ardour_format_db(float db, char *buf, size_t n)
{
	if (ardour_is_off(db))
		snprintf(buf, n, "-inf");
	else
		snprintf(buf, n, "%.2f", (double)db);
}

/* mixd pan -1 (left) .. +1 (right) <-> Ardour's interface value, 1 hard left .. 0 hard right
 * (Ardour 6 on). */
float
ardour_pan_to_pos(float pan)
{
	return (1.0f - pan) * 0.5f;
}
