/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strip_parse: Ardour's strip commands (which mixd has, which it answers with a resting value,
 * which it ignores) and the three shapes of a strip address, as Ardour's strip_parse reads them.
 */
#include "ardour_private.h"

#include <string.h>

static const struct {
	const char *name;
	enum ardour_cmd cmd;
	bool native; /* also a native /strip/N/<name> parameter: the early handler's business */
} strip_cmds[] = {
	{ "fader", C_FADER, true },
	{ "gain", C_GAIN, false },
	{ "db_delta", C_DB_DELTA, false },
	{ "trimdB", C_TRIM, false },
	{ "pan_stereo_position", C_PAN, false },
	{ "mute", C_MUTE, true },
	{ "solo", C_SOLO, true },
	{ "polarity", C_POLARITY, true },
	{ "name", C_NAME, true },
	{ "send/gain", C_SEND_GAIN, false },
	{ "send/fader", C_SEND_FADER, false },
	{ "send/enable", C_SEND_ENABLE, false },
	{ "sends", C_SENDS, false },
	{ "receives", C_RECEIVES, false },
	{ "plugin/list", C_PLUGIN_LIST, false },
	/* Ardour's strip controls a console has no use for */
	{ "solo_iso", C_MISSING, false },
	{ "solo_safe", C_MISSING, false },
	{ "recenable", C_MISSING, false },
	{ "record_safe", C_MISSING, false },
	{ "monitor_input", C_MISSING, false },
	{ "monitor_disk", C_MISSING, false },
	{ "select", C_MISSING, false },
	{ "gui_select", C_MISSING, false },
	{ "hide", C_MISSING, false },
	{ "expand", C_MISSING, false },
	{ "pan_stereo_width", C_MISSING, false },
	{ "pan_elevation_position", C_MISSING, false },
	{ "pan_frontback_position", C_MISSING, false },
	{ "pan_lfe_control", C_MISSING, false },
	{ "group", C_MISSING, false },
	{ "comment", C_MISSING, false },
	{ "vca", C_MISSING, false },
	{ "vca/toggle", C_MISSING, false },
	{ "meter", C_MISSING, false },
	{ "signal", C_MISSING, false },
	/* no plugins, no custom strip lists: Ardour answers none of these with a value either */
	{ "plugin/parameter", C_SILENT, false },
	{ "plugin/parameter/print", C_SILENT, false },
	{ "plugin/activate", C_SILENT, false },
	{ "plugin/deactivate", C_SILENT, false },
	{ "plugin/descriptor", C_SILENT, false },
	{ "plugin/reset", C_SILENT, false },
	{ "custom/mode", C_SILENT, false },
	{ "custom/clear", C_SILENT, false },
	{ "listen", C_SILENT, false },
	{ "ignore", C_SILENT, false },
};

enum ardour_cmd
ardour_strip_cmd(const char *name, size_t n, bool *native)
{
	for (size_t i = 0; i < sizeof(strip_cmds) / sizeof(strip_cmds[0]); i++)
		if (strlen(strip_cmds[i].name) == n && !strncmp(strip_cmds[i].name, name, n)) {
			if (native)
				*native = strip_cmds[i].native;
			return strip_cmds[i].cmd;
		}
	return C_UNKNOWN;
}

/* A path segment of digits: an ssid (0 is one no strip has). */
static bool
segment_ssid(const char *s, size_t n, long *out)
{
	long v = 0;

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Splits `/strip/...` (sub: what follows "/strip/") into command and ssid, as Ardour's
 * strip_parse: /strip/<ssid>/<cmd>, /strip/<cmd>/<ssid>, or /strip/<cmd> ssid .... native is
 * set when the ssid came in the path in front of a command that is also a native name. */
void
ardour_parse_strip(struct ardour_req *r, const char *sub, bool *native_shaped)
{
	const char *slash = strchr(sub, '/'), *last = strrchr(sub, '/');
	bool native = false;
	double v;

	*native_shaped = false;
	r->cmd = C_UNKNOWN;
	r->ssid = 0;
	r->ssid_arg = false;
	r->vi = 0;
	if (segment_ssid(sub, slash ? (size_t)(slash - sub) : strlen(sub), &r->ssid)) {
		if (!slash) {
			r->cmd = C_STATE;
			return;
		}
		r->cmd = ardour_strip_cmd(slash + 1, strlen(slash + 1), &native);
		*native_shaped = native;
		return;
	}
	if (last && segment_ssid(last + 1, strlen(last + 1), &r->ssid)) {
		r->cmd = ardour_strip_cmd(sub, (size_t)(last - sub), NULL);
		return;
	}
	r->cmd = ardour_strip_cmd(sub, strlen(sub), NULL);
	if (r->argc >= 1 && ardour_arg_num(r->types, r->argv, r->argc, 0, &v)) {
		r->ssid = v >= 1.0 && v < 1e6 ? (long)v : 0;
		r->ssid_arg = true;
		r->vi = 1;
	}
}
