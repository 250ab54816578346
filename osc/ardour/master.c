/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * master: the master section as Ardour has it (fader, gain, mute; a fixed trim, pan and name),
 * /cancel_all_solos, and Ardour's global controls (transport, editor, ...) that mixd takes and
 * ignores.
 */
#include "ardour_private.h"

#include <string.h>

#include "model.h"

/* Ardour's global controls (transport, editor, markers, ...) and ardour-control's /load_config:
 * taken and ignored, as Ardour ignores what it cannot do. */
/* clang-format off */
static const char *const global_silent[] = {
	"/group/list", "/surface/list", "/add_marker", "/access_action",
	"/loop_toggle", "/loop_location", "/goto_start", "/goto_end", "/scrub", "/jog", "/jog/mode",
	"/rewind", "/ffwd", "/transport_stop", "/transport_play", "/transport_frame",
	"/transport_speed", "/record_enabled", "/set_transport_speed", "/locate", "/save_state",
	"/prev_marker", "/next_marker", "/undo", "/redo", "/toggle_punch_in", "/toggle_punch_out",
	"/rec_enable_toggle", "/toggle_all_rec_enables", "/all_tracks_rec_in",
	"/all_tracks_rec_out", "/remove_marker", "/jump_bars", "/jump_seconds", "/mark_in",
	"/mark_out", "/toggle_click", "/click/level", "/midi_panic", "/stop_forget",
	"/set_punch_range", "/set_loop_range", "/set_session_range", "/toggle_monitor_mute",
	"/toggle_monitor_dim", "/toggle_monitor_mono", "/quick_snapshot_switch",
	"/quick_snapshot_stay", "/session_name", "/fit_1_track", "/fit_2_tracks", "/fit_4_tracks",
	"/fit_8_tracks", "/fit_16_tracks", "/fit_32_tracks", "/fit_all_tracks", "/zoom_100_ms",
	"/zoom_1_sec", "/zoom_10_sec", "/zoom_1_min", "/zoom_5_min", "/zoom_10_min",
	"/zoom_to_session", "/temporal_zoom_in", "/temporal_zoom_out", "/scroll_up_1_track",
	"/scroll_dn_1_track", "/scroll_up_1_page", "/scroll_dn_1_page", "/use_group",
	"/toggle_roll", "/marker", "/load_config",
};
/* clang-format on */

/* Whole sections of Ardour mixd has nothing behind: the selected strip, the monitor section,
 * personal monitoring, linked surfaces, editor actions. */
static const char *const section_silent[] = {
	"/select", "/monitor", "/cue", "/link", "/access_action", "/position",
};

bool
ardour_master_message(struct ardour *a, struct ardour_surface *s, const char *path,
                      const char *types, lo_arg **argv, int argc, bool early)
{
	unsigned fader = (unsigned)a->master_fader;
	enum ardour_cmd cmd;
	double v;
	bool has_value = argc > 0;
	struct ardour_req r = { .path = path, .types = types, .argv = argv, .argc = argc };

	if (strncmp(path, "/master/", 8))
		return false;
	/* the two addresses the parameter table has too: in the early pass only */
	if (!strcmp(path, "/master/fader") || !strcmp(path, "/master/mute")) {
		if (!early)
			return false;
	} else if (early) {
		return false;
	}
	cmd = ardour_strip_cmd(path + 8, strlen(path + 8), NULL);
	r.cmd = cmd;
	/* the master's fixed trim, pan and name are told to gets and to surfaces; a value from a
	 * peer without a surface may be another console's feedback, and answering it is how two
	 * consoles echo each other forever */
	if (has_value && s == &a->anon && (cmd == C_TRIM || cmd == C_PAN || cmd == C_NAME))
		return true;
	switch (cmd) {
	case C_GAIN:
	case C_FADER:
		if (!has_value)
			ardour_reply_value(
			    a, s, &r,
			    ardour_value_f(cmd == C_GAIN
			                       ? ardour_gain_value(model_get(a->m, fader))
			                       : ardour_fader_value(model_get(a->m, fader))),
			    false);
		else if (ardour_arg_num(types, argv, argc, 0, &v))
			ardour_set_level(a, fader, cmd, v);
		return true;
	case C_DB_DELTA:
		if (ardour_arg_num(types, argv, argc, 0, &v))
			ardour_set_level(a, fader, cmd, v);
		return true;
	case C_MUTE:
		if (!has_value)
			ardour_reply_value(
			    a, s, &r,
			    ardour_value_i((int32_t)model_get(a->m, (unsigned)a->master_mute)),
			    false);
		else if (ardour_arg_num(types, argv, argc, 0, &v))
			model_set(a->m, (unsigned)a->master_mute, ardour_button(v));
		return true;
	case C_TRIM:
		/* no master trim: the fixed value, so the widget rests at it */
		ardour_send_f(a, &s->reply, path, 0);
		return true;
	case C_PAN:
		ardour_send_f(a, &s->reply, path, 0.5f);
		return true;
	case C_NAME:
		ardour_send_s(a, &s->reply, path, "Master");
		return true;
	case C_SOLO:
	case C_POLARITY:
	case C_MISSING:
		ardour_echo_missing(a, s, &r, false);
		return true;
	case C_UNKNOWN:
		return false;
	default:
		return true; /* sends, plugins, state of the master: nothing to say */
	}
}

/* /cancel_all_solos [v]: v (or none) other than 0 releases every solo. */
void
ardour_cancel_all_solos(struct ardour *a, const char *types, lo_arg **argv, int argc)
{
	double v = 1.0;

	if (argc >= 1 && !ardour_arg_num(types, argv, argc, 0, &v))
		return;
	if (v == 0.0)
		return;
	for (unsigned k = 0; k < a->n_strips; k++)
		model_set(a->m, a->sx[k].solo, 0);
}

static bool
in_list(const char *path, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(path, list[i]))
			return true;
	return false;
}

static bool
in_section(const char *path, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(list[i]);
		if (!strncmp(path, list[i], l) && (path[l] == '\0' || path[l] == '/'))
			return true;
	}
	return false;
}

bool
ardour_global_silent(const char *path)
{
	return in_list(path, global_silent, sizeof(global_silent) / sizeof(global_silent[0])) ||
	       in_section(path, section_silent, sizeof(section_silent) / sizeof(section_silent[0]));
}
