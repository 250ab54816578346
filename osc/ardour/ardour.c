/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Ardour personality. What Ardour does is read from its OSC surface (libs/surfaces/osc:
 * osc.cc, osc_route_observer.cc, osc_global_observer.cc); ../shared/osc-compat.md has the
 * summary and docs/ardour.md what mixd makes of each part.
 *
 * Surfaces. A surface is made by /set_surface (any form) and keyed by the address it sent that
 * from. Replies and feedback go to that address, or to its host at the port /set_surface named
 * (Ardour's manual port mode); a surface with such a port owns every Ardour-shaped message from
 * its host, as in Ardour, because tablet apps may send from a new port each time. A peer with no
 * surface is served as Ardour serves one it has not heard of: no banking, no feedback.
 *
 * Strips. Every mixd strip is an Ardour audio track ("AT", strip type bit 1), in order; a
 * surface shows its bank of them, ssid 1 being the bank's first strip.
 *
 * Feedback. Changes come from the model (feedback_frame.changed): whatever changed a value, every
 * surface whose bank shows it hears of it, in the shape it negotiated. Meters, the heartbeat and
 * the gainmode-1 name display run on a 100 ms tick as in Ardour. All plain messages, one per
 * datagram: Ardour sends no bundles, and TouchOSC mk1 layouts may not parse them.
 */
#include "ardour.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ardour_law.h"
#include "args.h"
#include "dispatch.h"
#include "gain.h"
#include "model.h"
#include "params.h"
#include "peer.h"

/* Ardour's periodic timer: meters, heartbeat and the name display count in these. */
#define SLOW_TICK_NS (100ull * 1000000ull)
/* /heartbeat: 1.0 at tick 10, 0.0 at tick 0 of 21 */
#define HEARTBEAT_PERIOD 21
#define HEARTBEAT_ON     10
/* gainmode 1 shows a moved fader's dB in the name for this many ticks */
#define NAME_FLASH_TICKS 8
/* A new surface's strip types (Ardour's default_strip) */
#define DEFAULT_STRIP_TYPES 31
/* Below these a meter reads "no signal" (-193), as Ardour's strip and master observers do. */
#define METER_FLOOR_STRIP_DB  (-120.0f)
#define METER_FLOOR_MASTER_DB (-94.0f)
#define METER_OFF_DB          (-193.0f)
/* /strip/signal: 1 at or above this peak */
#define SIGNAL_DB (-40.0f)
/* Gain values: below this a /strip/gain set is silence (Ardour: value < -192); a gain of zero is
 * sent as -200, a cleared slot as -193. */
#define GAIN_ZERO_BELOW_DB (-192.0)
#define GAIN_ZERO_SENT     (-200.0f)

/* feedback bits (osc-compat.md) */
enum {
	FB_BUTTONS = 1,
	FB_LEVELS = 2,
	FB_SSID_IN_PATH = 4,
	FB_HEARTBEAT = 8,
	FB_MASTER = 16,
	FB_BARBEAT = 32,
	FB_TIMECODE = 64,
	FB_METER = 128,
	FB_METER_LED = 256,
	FB_SIGNAL = 512,
	FB_REPLY = 16384,
};
#define FB_ANY_METER (FB_METER | FB_METER_LED | FB_SIGNAL)
/* Ardour's global observer exists for these; it sends the master section, the master meter and
 * the heartbeat */
#define FB_GLOBAL (FB_HEARTBEAT | FB_MASTER | FB_BARBEAT | FB_TIMECODE)

#define STRIP_TYPE_AUDIO_TRACK 1

/* The /set_surface fields in the order the message takes them. */
enum {
	F_BANK,
	F_TYPES,
	F_FEEDBACK,
	F_GAINMODE,
	F_SEND_PAGE,
	F_PLUGIN_PAGE,
	F_PORT,
	F_LINKSET,
	F_LINKID,
	F_N
};
static const char *const field_names[F_N] = {
	[F_BANK] = "bank_size",
	[F_TYPES] = "strip_types",
	[F_FEEDBACK] = "feedback",
	[F_GAINMODE] = "gainmode",
	[F_SEND_PAGE] = "send_page_size",
	[F_PLUGIN_PAGE] = "plugin_page_size",
	[F_PORT] = "port",
	[F_LINKSET] = NULL,
	[F_LINKID] = NULL,
};

/* What a strip (or master) command is to mixd. */
enum cmd {
	C_UNKNOWN, /* not Ardour's: someone else's message */
	C_STATE,   /* /strip/<ssid>, /strip ssid */
	C_FADER,
	C_GAIN,
	C_DB_DELTA,
	C_TRIM,
	C_PAN,
	C_MUTE,
	C_SOLO,
	C_POLARITY,
	C_NAME,
	C_SEND_GAIN,
	C_SEND_FADER,
	C_SEND_ENABLE,
	C_SENDS,
	C_RECEIVES,
	C_PLUGIN_LIST,
	C_MISSING, /* Ardour has it, mixd does not: the path comes back with 0 */
	C_SILENT,  /* Ardour has it, mixd does not, and Ardour would not answer either */
};

static const struct {
	const char *name;
	enum cmd cmd;
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

/* What a parameter index is to a surface. */
enum kind {
	K_NONE,
	K_NAME,
	K_TRIM,
	K_POLARITY,
	K_FADER,
	K_PAN,
	K_MUTE,
	K_SOLO,
	K_SEND, /* a send level: no strip feedback, but the enable memory follows it */
	K_MASTER_FADER,
	K_MASTER_MUTE,
};

struct strip_idx {
	unsigned name, trim, polarity, fader, pan, mute, solo;
};

static const char *const send_names[ENGINE_N_BUSES] = { "reverb", "delay", "chorus" };

struct surface {
	bool used;
	struct osc_peer key;   /* the address /set_surface came from */
	struct osc_peer reply; /* where replies and feedback go */
	bool manual_port;      /* reply goes to key's host at port f[F_PORT] */
	uint64_t heard;        /* sequence number of its last message: the oldest makes room */
	uint64_t heard_ns;     /* the tick time of its last message: its lease runs from there */
	int32_t f[F_N];        /* the /set_surface fields */
	unsigned bank;         /* first strip shown, 1-based */
	unsigned heartbeat;    /* 0..HEARTBEAT_PERIOD-1, in slow ticks */
	uint8_t master_flash;  /* slow ticks until /master/name shows "Master" again */
	float master_meter;    /* last /master/meter value sent (dB); NAN: send the next */
	uint8_t name_flash[ENGINE_MAX_STRIPS]; /* per slot, as master_flash */
	float meter[ENGINE_MAX_STRIPS];        /* per slot, as master_meter */
};

struct ardour {
	struct model *m;
	struct osc_server *srv;
	struct dispatch *d;
	struct dispatch_hooks h;
	unsigned n_strips;
	struct strip_idx *sx; /* per strip */
	int master_fader, master_mute;
	uint8_t *kind; /* per parameter index */
	uint8_t *n_in; /* per strip: inputs, for /strip/list */
	/* Ardour's sends of a strip: the effect buses (ids 1..ENGINE_N_BUSES), then the aux buses
	 * (the next ids), n_sends in all; per strip and send the level's parameter index and the
	 * level (dB) before /strip/send/enable 0 */
	unsigned n_sends;
	unsigned *send_idx;
	float *send_saved;
	unsigned aux_name[ENGINE_MAX_AUX]; /* /aux/K/name, what Ardour shows as a send's name */
	bool any_solo;                     /* what /cancel_all_solos last said */
	struct surface *sur;               /* ARDOUR_MAX_SURFACES */
	struct surface anon;               /* how a peer without a surface is served */
	uint64_t heard;
	uint64_t now_ns;        /* of the last tick */
	uint64_t next_slow;     /* ns; 0 before the first tick */
	struct meter_frame acc; /* meters since the last slow tick */
	struct ardour_stats st;
};

/* ---- set-up ---- */

/* The index of /strip/<k+1>/<name>, or a negative errno. */
static int
find_param(const struct params *ps, unsigned k, const char *name)
{
	char addr[PARAM_ADDRESS_MAX];

	snprintf(addr, sizeof(addr), "/strip/%u/%s", k + 1, name);
	return params_find(ps, addr);
}

static void
surface_defaults(struct surface *s)
{
	static const int32_t def[F_N] = {
		[F_BANK] = 0,      [F_TYPES] = DEFAULT_STRIP_TYPES,
		[F_FEEDBACK] = 0,  [F_GAINMODE] = 0,
		[F_SEND_PAGE] = 0, [F_PLUGIN_PAGE] = 0,
		[F_PORT] = 0,      [F_LINKSET] = 0,
		[F_LINKID] = 1,
	};

	memcpy(s->f, def, sizeof(def));
	s->bank = 1;
	s->manual_port = false;
}

struct ardour *
ardour_new(struct model *m, struct osc_server *srv, struct dispatch *d,
           const struct dispatch_hooks *hooks)
{
	const struct params *ps = model_params(m);
	struct ardour *a = calloc(1, sizeof(*a));
	unsigned n, np;
	int idx[7];
	static const char *const names[] = { "name", "trim", "polarity", "fader",
		                             "pan",  "mute", "solo" };

	if (!a)
		return NULL;
	a->m = m;
	a->srv = srv;
	a->d = d;
	a->h = *hooks;
	n = a->n_strips = params_n_strips(ps);
	np = params_count(ps);
	a->n_sends = ENGINE_N_BUSES + params_n_aux(ps);
	a->sx = calloc(n, sizeof(*a->sx));
	a->kind = calloc(np, sizeof(*a->kind));
	a->n_in = calloc(n, sizeof(*a->n_in));
	a->send_idx = calloc((size_t)n * a->n_sends, sizeof(*a->send_idx));
	a->send_saved = calloc((size_t)n * a->n_sends, sizeof(*a->send_saved));
	a->sur = calloc(ARDOUR_MAX_SURFACES, sizeof(*a->sur));
	if (!a->sx || !a->kind || !a->n_in || !a->send_idx || !a->send_saved || !a->sur)
		goto fail;
	for (unsigned b = ENGINE_N_BUSES; b < a->n_sends; b++) {
		char name[32];
		int i;

		snprintf(name, sizeof(name), "/aux/%u/name", b - ENGINE_N_BUSES + 1);
		if ((i = params_find(ps, name)) < 0)
			goto fail;
		a->aux_name[b - ENGINE_N_BUSES] = (unsigned)i;
	}
	for (unsigned k = 0; k < n; k++) {
		char name[32];

		for (unsigned i = 0; i < 7; i++)
			idx[i] = find_param(ps, k, names[i]);
		for (unsigned i = 0; i < 7; i++)
			if (idx[i] < 0)
				goto fail; /* the table lost a row this file relies on */
		a->sx[k].name = (unsigned)idx[0];
		a->sx[k].trim = (unsigned)idx[1];
		a->sx[k].polarity = (unsigned)idx[2];
		a->sx[k].fader = (unsigned)idx[3];
		a->sx[k].pan = (unsigned)idx[4];
		a->sx[k].mute = (unsigned)idx[5];
		a->sx[k].solo = (unsigned)idx[6];
		a->kind[idx[0]] = K_NAME;
		a->kind[idx[1]] = K_TRIM;
		a->kind[idx[2]] = K_POLARITY;
		a->kind[idx[3]] = K_FADER;
		a->kind[idx[4]] = K_PAN;
		a->kind[idx[5]] = K_MUTE;
		a->kind[idx[6]] = K_SOLO;
		for (unsigned b = 0; b < a->n_sends; b++) {
			int i;

			if (b < ENGINE_N_BUSES)
				snprintf(name, sizeof(name), "send/%s/level", send_names[b]);
			else
				snprintf(name, sizeof(name), "send/aux/%u/level",
				         b - ENGINE_N_BUSES + 1);
			if ((i = find_param(ps, k, name)) < 0)
				goto fail;
			a->send_idx[k * a->n_sends + b] = (unsigned)i;
			a->kind[i] = K_SEND;
			a->send_saved[k * a->n_sends + b] = NAN;
		}
		a->n_in[k] = 1;
	}
	a->master_fader = params_find(ps, "/master/fader");
	a->master_mute = params_find(ps, "/master/mute");
	if (a->master_fader < 0 || a->master_mute < 0)
		goto fail;
	a->kind[a->master_fader] = K_MASTER_FADER;
	a->kind[a->master_mute] = K_MASTER_MUTE;
	meters_clear(&a->acc);
	return a;

fail:
	ardour_free(a);
	return NULL;
}

void
ardour_free(struct ardour *a)
{
	if (!a)
		return;
	free(a->sur);
	free(a->send_saved);
	free(a->send_idx);
	free(a->n_in);
	free(a->kind);
	free(a->sx);
	free(a);
}

void
ardour_set_inputs(struct ardour *a, unsigned strip, unsigned n_inputs)
{
	if (strip < a->n_strips && n_inputs >= 1 && n_inputs <= 2)
		a->n_in[strip] = (uint8_t)n_inputs;
}

void
ardour_get_stats(const struct ardour *a, struct ardour_stats *out)
{
	*out = a->st;
}

/* ---- surfaces ---- */

static bool
same_host(const struct osc_peer *x, const struct osc_peer *y)
{
	if (x->addr.ss_family != y->addr.ss_family)
		return false;
	if (x->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&x->addr)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&y->addr)->sin_addr.s_addr;
	if (x->addr.ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)&x->addr)->sin6_addr,
		               &((const struct sockaddr_in6 *)&y->addr)->sin6_addr,
		               sizeof(struct in6_addr));
	return false;
}

static void
set_port(struct osc_peer *p, uint16_t port)
{
	if (p->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&p->addr)->sin_port = htons(port);
	else if (p->addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&p->addr)->sin6_port = htons(port);
}

/* The surface a peer's messages belong to: the one it set up from that very address, else one
 * on its host that named a reply port (Ardour's manual port mode: one surface per host). */
static struct surface *
lookup(struct ardour *a, const struct osc_peer *from)
{
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++)
		if (a->sur[i].used && osc_peer_equal(&a->sur[i].key, from))
			return &a->sur[i];
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++)
		if (a->sur[i].used && a->sur[i].manual_port && same_host(&a->sur[i].key, from))
			return &a->sur[i];
	return NULL;
}

/* Surfaces of from's host now, and the one of them heard from least recently. */
static unsigned
host_surfaces(struct ardour *a, const struct osc_peer *from, struct surface **oldest)
{
	unsigned n = 0;

	*oldest = NULL;
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++) {
		struct surface *c = &a->sur[i];
		if (!c->used || !same_host(&c->key, from))
			continue;
		n++;
		if (!*oldest || c->heard < (*oldest)->heard)
			*oldest = c;
	}
	return n;
}

/* A new surface for peer from. The table is bounded and shared fairly: a host (any port) has
 * ARDOUR_PER_HOST surfaces at most, its own heard from least recently making room for its next;
 * a free slot is taken next; a full table makes room from the host with the most surfaces (its
 * least recently heard), when that host has more than from's would. Otherwise NULL: the table
 * is fairly shared and a working surface is not evicted for a newcomer. */
static struct surface *
create(struct ardour *a, const struct osc_peer *from)
{
	struct surface *s = NULL, *mine, *unused;
	unsigned most = 0;

	if (host_surfaces(a, from, &mine) >= ARDOUR_PER_HOST) {
		s = mine;
	} else {
		for (unsigned i = 0; i < ARDOUR_MAX_SURFACES && !s; i++)
			if (!a->sur[i].used)
				s = &a->sur[i];
		for (unsigned i = 0; i < ARDOUR_MAX_SURFACES && !s; i++) {
			struct surface *c = &a->sur[i], *first;
			unsigned n = host_surfaces(a, &c->key, &first);

			if (n > most) {
				most = n;
				mine = first;
			}
		}
		if (!s) {
			if (!mine || most <= host_surfaces(a, from, &unused) + 1)
				return NULL;
			s = mine;
		}
	}
	if (s->used)
		a->st.evicted++;
	else
		a->st.surfaces++;
	memset(s, 0, sizeof(*s));
	surface_defaults(s);
	s->used = true;
	s->key = *from;
	s->reply = *from;
	s->heard_ns = a->now_ns;
	return s;
}

/* Strips the surface sees: all of them when it asks for audio tracks, none otherwise. */
static unsigned
visible(const struct ardour *a, const struct surface *s)
{
	return (s->f[F_TYPES] & STRIP_TYPE_AUDIO_TRACK) ? a->n_strips : 0;
}

/* Slots of its bank: bank_size, or every strip when it does not bank. */
static unsigned
n_slots(const struct ardour *a, const struct surface *s)
{
	if (s->f[F_BANK] > 0)
		return s->f[F_BANK] > ENGINE_MAX_STRIPS ? ENGINE_MAX_STRIPS
		                                        : (unsigned)s->f[F_BANK];
	return visible(a, s);
}

/* The strip (0-based) at ssid, or -1. Like Ardour's get_strip, an ssid past the bank size still
 * reaches the strip that far from the bank's start. */
static int
strip_at(const struct ardour *a, const struct surface *s, long ssid)
{
	long k = ssid + (long)s->bank - 2;

	if (ssid < 1 || k >= (long)visible(a, s))
		return -1;
	return (int)k;
}

/* The ssid strip k has on s, or 0 when its bank does not show it. */
static unsigned
ssid_of(const struct ardour *a, const struct surface *s, unsigned k)
{
	if (k + 1 < s->bank || k >= visible(a, s))
		return 0;
	return k + 2 - s->bank <= n_slots(a, s) ? k + 2 - s->bank : 0;
}

/* Ardour's bank_limits_check: the last bank is always full when there are enough strips. */
static unsigned
bank_limit(const struct ardour *a, const struct surface *s, long bank)
{
	unsigned total = visible(a, s), size = s->f[F_BANK] > 0 ? n_slots(a, s) : total;

	if (bank < 1 || size >= total)
		return 1;
	if (bank > (long)(total - size + 1))
		return total - size + 1;
	return (unsigned)bank;
}

/* ---- sending ---- */

static void
send_msg(struct ardour *a, const struct osc_peer *to, const char *path, lo_message m)
{
	if (!m)
		return;
	if (osc_server_send(a->srv, to, path, m) == 0)
		a->st.sent++;
	else
		a->st.send_errors++;
	lo_message_free(m);
}

static void
send_f(struct ardour *a, const struct osc_peer *to, const char *path, float v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_float(m, v);
	send_msg(a, to, path, m);
}

static void
send_i(struct ardour *a, const struct osc_peer *to, const char *path, int32_t v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_int32(m, v);
	send_msg(a, to, path, m);
}

static void
send_s(struct ardour *a, const struct osc_peer *to, const char *path, const char *v)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_string(m, v);
	send_msg(a, to, path, m);
}

/* A strip message in the surface's shape: `/strip/<cmd>/<ssid> value` with the ssid in the path
 * (feedback bit 4), else `/strip/<cmd> ,i ssid value`. The caller adds the value and sends. */
static lo_message
strip_msg(const struct surface *s, const char *cmd, unsigned ssid, char *path, size_t n)
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

static void
strip_f(struct ardour *a, const struct surface *s, const char *cmd, unsigned ssid, float v)
{
	char path[64];
	lo_message m = strip_msg(s, cmd, ssid, path, sizeof(path));

	if (m)
		lo_message_add_float(m, v);
	send_msg(a, &s->reply, path, m);
}

static void
strip_s(struct ardour *a, const struct surface *s, const char *cmd, unsigned ssid, const char *v)
{
	char path[64];
	lo_message m = strip_msg(s, cmd, ssid, path, sizeof(path));

	if (m)
		lo_message_add_string(m, v);
	send_msg(a, &s->reply, path, m);
}

static bool
is_off(float db)
{
	return !(db > GAIN_OFF_DB);
}

/* A level as /strip/gain carries it: dB, -200 for silence. */
static float
gain_value(float db)
{
	return is_off(db) ? GAIN_ZERO_SENT : db;
}

static float
fader_value(float db)
{
	return is_off(db) ? 0.0f : (float)ardour_law_db_to_pos(db);
}

/* Ardour's "%.2f" of the gain in dB, shown as a name in gainmode 1 */
static void
format_db(float db, char *buf, size_t n)
{
	if (is_off(db))
		snprintf(buf, n, "-inf");
	else
		snprintf(buf, n, "%.2f", (double)db);
}

/* mixd pan -1 (left) .. +1 (right) <-> Ardour's interface value, 1 hard left .. 0 hard right
 * (Ardour 6 on). */
static float
pan_to_pos(float pan)
{
	return (1.0f - pan) * 0.5f;
}

static void
send_strip_gain(struct ardour *a, const struct surface *s, unsigned ssid, float db)
{
	int gm = s->f[F_GAINMODE];

	if (gm != 0)
		strip_f(a, s, "fader", ssid, fader_value(db));
	if (gm == 0 || gm == 2)
		strip_f(a, s, "gain", ssid, gain_value(db));
}

static void
dump_slot(struct ardour *a, struct surface *s, unsigned ssid)
{
	int k = strip_at(a, s, ssid);
	int32_t fb = s->f[F_FEEDBACK];
	int gm = s->f[F_GAINMODE];

	if (ssid < 1 || ssid > ENGINE_MAX_STRIPS)
		return;
	s->name_flash[ssid - 1] = 0;
	s->meter[ssid - 1] = NAN;
	if (k < 0 || (unsigned)ssid > n_slots(a, s)) {
		/* Ardour's clear_strip: a slot with no strip shows a blank name and rest values */
		if (fb & FB_BUTTONS) {
			strip_s(a, s, "name", ssid, " ");
			strip_f(a, s, "mute", ssid, 0);
			strip_f(a, s, "solo", ssid, 0);
			strip_f(a, s, "polarity", ssid, 0);
		}
		if (fb & FB_LEVELS) {
			if (gm != 0)
				strip_f(a, s, "fader", ssid, 0);
			if (gm == 0 || gm == 2)
				strip_f(a, s, "gain", ssid, METER_OFF_DB);
			strip_f(a, s, "trimdB", ssid, 0);
			strip_f(a, s, "pan_stereo_position", ssid, 0.5f);
		}
		if (fb & FB_SIGNAL)
			strip_f(a, s, "signal", ssid, 0);
		if (fb & FB_METER)
			strip_f(a, s, "meter", ssid, gm ? 0.0f : METER_OFF_DB);
		else if (fb & FB_METER_LED)
			strip_f(a, s, "meter", ssid, 0);
		return;
	}
	const struct strip_idx *x = &a->sx[k];
	if (fb & FB_BUTTONS) {
		strip_s(a, s, "name", ssid, model_get_string(a->m, x->name));
		strip_f(a, s, "mute", ssid, model_get(a->m, x->mute));
		strip_f(a, s, "solo", ssid, model_get(a->m, x->solo));
		strip_f(a, s, "polarity", ssid, model_get(a->m, x->polarity));
	}
	if (fb & FB_LEVELS) {
		send_strip_gain(a, s, ssid, model_get(a->m, x->fader));
		strip_f(a, s, "trimdB", ssid, model_get(a->m, x->trim));
		strip_f(a, s, "pan_stereo_position", ssid, pan_to_pos(model_get(a->m, x->pan)));
	}
}

/* Ardour's bank_leds: 1 where there are more strips that way */
static void
bank_leds(struct ardour *a, const struct surface *s)
{
	unsigned total = visible(a, s), size = n_slots(a, s);

	if (s->f[F_BANK] <= 0 || !(s->f[F_FEEDBACK] & (FB_BUTTONS | FB_LEVELS | FB_MASTER)))
		return;
	send_i(a, &s->reply, "/bank_up", total <= size || s->bank > total - size ? 0 : 1);
	send_i(a, &s->reply, "/bank_down", s->bank > 1 ? 1 : 0);
}

static void
send_master_gain(struct ardour *a, const struct surface *s, float db)
{
	int gm = s->f[F_GAINMODE];

	if (gm != 0)
		send_f(a, &s->reply, "/master/fader", fader_value(db));
	if (gm == 0 || gm == 2)
		send_f(a, &s->reply, "/master/gain", gain_value(db));
}

static void
session_name(struct ardour *a, const struct surface *s)
{
	struct dispatch_info in = { 0 };

	a->h.info(a->h.ctx, &in);
	send_s(a, &s->reply, "/session_name", in.name ? in.name : "mixd");
}

static void
dump_master(struct ardour *a, struct surface *s)
{
	s->master_flash = 0;
	s->master_meter = NAN;
	if (!(s->f[F_FEEDBACK] & FB_MASTER))
		return;
	send_s(a, &s->reply, "/master/name", "Master");
	send_f(a, &s->reply, "/master/mute", model_get(a->m, (unsigned)a->master_mute));
	/* the master has no trim and no panner: Ardour's values for a centred, untrimmed one */
	send_f(a, &s->reply, "/master/trimdB", 0);
	send_f(a, &s->reply, "/master/pan_stereo_position", 0.5f);
	send_master_gain(a, s, model_get(a->m, (unsigned)a->master_fader));
	session_name(a, s);
	send_f(a, &s->reply, "/cancel_all_solos", a->any_solo ? 1.0f : 0.0f);
}

static void
dump_strips(struct ardour *a, struct surface *s)
{
	unsigned n = n_slots(a, s);

	if (s->f[F_FEEDBACK] & (FB_BUTTONS | FB_LEVELS | FB_ANY_METER))
		for (unsigned ssid = 1; ssid <= n; ssid++)
			dump_slot(a, s, ssid);
	bank_leds(a, s);
}

/* Everything the surface shows, as after Ardour's set_surface. */
static void
dump_all(struct ardour *a, struct surface *s)
{
	s->heartbeat = 0;
	dump_strips(a, s);
	dump_master(a, s);
}

/* ---- argument reading ---- */

/* Argument i as a finite number: f, i, d, h, T/F, or a numeric string (Ardour takes "3" and
 * "-6.5"). The string is read through a char pointer, not &argv[i]->s as
 * osc_arg_number_or_text does: liblo's arguments are only 4-byte aligned, and a member access
 * through the 8-byte-aligned lo_arg there is undefined (UBSan reports it). */
static bool
arg_num(const char *types, lo_arg **argv, int argc, int i, double *v)
{
	const char *text;
	char *end;

	if (i >= argc)
		return false;
	if (osc_arg_is_string(types[i])) {
		text = (const char *)argv[i];
		*v = strtod(text, &end);
		if (end == text || *end)
			return false;
	} else if (!osc_arg_number(types[i], argv[i], v)) {
		return false;
	}
	return isfinite(*v);
}

/* Argument i as a /set_surface field: truncated toward zero, as Ardour's (int) casts. */
static bool
arg_field(const char *types, lo_arg **argv, int argc, int i, int32_t *v)
{
	double d;

	if (!arg_num(types, argv, argc, i, &d) || d < -2147483648.0 || d > 2147483647.0)
		return false;
	*v = (int32_t)d;
	return true;
}

/* ---- /set_surface ---- */

static void
set_surface_reply(struct ardour *a, const struct surface *s)
{
	lo_message m = lo_message_new();

	if (!m)
		return;
	/* Ardour's order: not the order of the fields coming in */
	lo_message_add_int32(m, s->f[F_BANK]);
	lo_message_add_int32(m, s->f[F_TYPES]);
	lo_message_add_int32(m, s->f[F_FEEDBACK]);
	lo_message_add_int32(m, s->f[F_GAINMODE]);
	lo_message_add_int32(m, s->f[F_SEND_PAGE]);
	lo_message_add_int32(m, s->f[F_PLUGIN_PAGE]);
	lo_message_add_int32(m, s->f[F_LINKSET]);
	lo_message_add_int32(m, s->f[F_LINKID]);
	lo_message_add_int32(m, s->manual_port ? s->f[F_PORT] : 0);
	send_msg(a, &s->reply, "/set_surface", m);
}

/* Applies new field values f to s: the reply port, the bank, and a full feedback dump. */
static void
apply_fields(struct ardour *a, struct surface *s, const int32_t *f, bool bank_to_first)
{
	int32_t port = f[F_PORT], old_port = s->f[F_PORT];

	memcpy(s->f, f, sizeof(s->f));
	if (s->f[F_BANK] < 0)
		s->f[F_BANK] = 0;
	/* port 0: reply to where messages come from; above 1024: to the host at that port (Ardour
	 * refuses the privileged range and keeps what it had) */
	if (port == 0) {
		s->manual_port = false;
		s->reply = s->key;
	} else if (port > 1024 && port <= 65535) {
		s->manual_port = true;
		s->reply = s->key;
		set_port(&s->reply, (uint16_t)port);
	} else {
		s->f[F_PORT] = old_port;
	}
	if (bank_to_first)
		s->bank = 1;
	s->bank = bank_limit(a, s, s->bank);
	dump_all(a, s);
}

/* "/set_surface/8/135/8863/1": the fields in order, then the argument fills the next one. */
static void
set_surface_inline(struct ardour *a, struct surface *s, const char *p, const char *types,
                   lo_arg **argv, int argc)
{
	int32_t f[F_N];
	unsigned i = 0;

	memcpy(f, s->f, sizeof(f));
	while (i < F_N && *p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || (*end && *end != '/'))
			return; /* not numbers: not ours to guess at */
		f[i++] = (int32_t)(v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v);
		p = *end ? end + 1 : end;
	}
	if (i < F_N && argc >= 1)
		arg_field(types, argv, argc, 0, &f[i]);
	apply_fields(a, s, f, true);
}

static void
set_surface(struct ardour *a, const struct osc_peer *from, const char *path, const char *types,
            lo_arg **argv, int argc)
{
	struct surface *s = lookup(a, from);
	const char *sub = path + strlen("/set_surface");
	int32_t f[F_N];

	if (!s)
		s = create(a, from);
	if (!s) {
		/* the table is fairly shared and full: Ardour's way of saying no is silence, but a
		 * surface waiting for its dump must learn why */
		a->st.refused++;
		dispatch_reply_error(a->d, from, path, "surface table full");
		return;
	}
	s->heard = ++a->heard;
	s->heard_ns = a->now_ns;
	memcpy(f, s->f, sizeof(f));
	if (*sub == '\0') {
		if (argc == 0) {
			set_surface_reply(a, s);
			return;
		}
		if (argc > F_N)
			return; /* Ardour: "too many parameters" */
		for (int i = 0; i < argc; i++)
			if (!arg_field(types, argv, argc, i, &f[i]))
				return;
		apply_fields(a, s, f, true);
		return;
	}
	sub++;
	if (*sub >= '0' && *sub <= '9') {
		set_surface_inline(a, s, sub, types, argv, argc);
		return;
	}
	for (unsigned i = 0; i < F_N; i++) {
		if (!field_names[i] || strcmp(sub, field_names[i]))
			continue;
		if (argc != 1 || !arg_field(types, argv, argc, 0, &f[i]))
			return;
		/* Ardour goes back to the first bank when the bank or the strips change */
		apply_fields(a, s, f, i == F_BANK || i == F_TYPES);
		return;
	}
}

/* ---- strip messages ---- */

struct req {
	const char *path; /* as received: replies go back on it */
	const char *types;
	lo_arg **argv;
	int argc;
	long ssid;
	bool ssid_arg; /* the ssid was the first argument (else in the path) */
	int vi;        /* index of the first argument after the ssid */
	enum cmd cmd;
};

static enum cmd
strip_cmd(const char *name, size_t n, bool *native)
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
static void
parse_strip(struct req *r, const char *sub, bool *native_shaped)
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
		r->cmd = strip_cmd(slash + 1, strlen(slash + 1), &native);
		*native_shaped = native;
		return;
	}
	if (last && segment_ssid(last + 1, strlen(last + 1), &r->ssid)) {
		r->cmd = strip_cmd(sub, (size_t)(last - sub), NULL);
		return;
	}
	r->cmd = strip_cmd(sub, strlen(sub), NULL);
	if (r->argc >= 1 && arg_num(r->types, r->argv, r->argc, 0, &v)) {
		r->ssid = v >= 1.0 && v < 1e6 ? (long)v : 0;
		r->ssid_arg = true;
		r->vi = 1;
	}
}

/* Ardour's answer to a set of a control it does not have: the path back with a resting value of
 * the sent type (and the ssid first when it came as an argument), so the widget springs back. */
static void
echo_missing(struct ardour *a, const struct surface *s, const struct req *r, bool is_gain)
{
	lo_message m;

	/* not to a peer without a surface: what it sent may be another console's feedback, and
	 * an echo of that is answered with an echo again, forever (issue: reflection loops) */
	if (s == &a->anon)
		return;
	m = lo_message_new();
	if (!m)
		return;
	if (r->ssid_arg)
		lo_message_add_int32(m, (int32_t)r->ssid);
	if (r->vi < r->argc) {
		char t = r->types[r->vi];
		if (t == LO_FLOAT)
			lo_message_add_float(m, is_gain ? GAIN_ZERO_SENT : 0.0f);
		else if (t == LO_INT32)
			lo_message_add_int32(m, 0);
		else if (t == LO_STRING)
			lo_message_add_string(m, " ");
	}
	send_msg(a, &s->reply, r->path, m);
}

/* One value as Ardour sends it: f, i or s. */
struct value {
	char type;
	float f;
	int32_t i;
	const char *s;
};

static struct value
value_f(float v)
{
	return (struct value){ .type = LO_FLOAT, .f = v };
}

static struct value
value_i(int32_t v)
{
	return (struct value){ .type = LO_INT32, .i = v };
}

static struct value
value_s(const char *v)
{
	return (struct value){ .type = LO_STRING, .s = v };
}

/* The current value of a control, on the request's path: the answer to a get, and to a set mixd
 * could not take (a widget then shows the truth again). A set's answer carries the ssid first
 * when it came as an argument, as Ardour's echo does; a get's is the value alone, as Ardour's. */
static void
reply_value(struct ardour *a, const struct surface *s, const struct req *r, struct value v,
            bool with_ssid)
{
	lo_message m;

	/* the answer to a set goes to surfaces only, as echo_missing's */
	if (with_ssid && s == &a->anon)
		return;
	m = lo_message_new();
	if (!m)
		return;
	if (with_ssid && r->ssid_arg)
		lo_message_add_int32(m, (int32_t)r->ssid);
	if (v.type == LO_FLOAT)
		lo_message_add_float(m, v.f);
	else if (v.type == LO_INT32)
		lo_message_add_int32(m, v.i);
	else if (v.type == LO_STRING)
		lo_message_add_string(m, v.s);
	send_msg(a, &s->reply, r->path, m);
}

/* The current value of cmd on strip k; false for commands with no value to read. */
static bool
strip_value(struct ardour *a, unsigned k, enum cmd cmd, struct value *out)
{
	const struct strip_idx *x = &a->sx[k];

	switch (cmd) {
	case C_GAIN:
		*out = value_f(gain_value(model_get(a->m, x->fader)));
		return true;
	case C_FADER:
		*out = value_f(fader_value(model_get(a->m, x->fader)));
		return true;
	case C_TRIM:
		*out = value_f(model_get(a->m, x->trim));
		return true;
	case C_PAN:
		*out = value_f(pan_to_pos(model_get(a->m, x->pan)));
		return true;
	case C_MUTE:
		*out = value_i((int32_t)model_get(a->m, x->mute));
		return true;
	case C_SOLO:
		*out = value_i((int32_t)model_get(a->m, x->solo));
		return true;
	case C_POLARITY:
		*out = value_i((int32_t)model_get(a->m, x->polarity));
		return true;
	case C_NAME:
		*out = value_s(model_get_string(a->m, x->name));
		return true;
	default:
		return false;
	}
}

/* A level set in Ardour's terms (gain dB, fader position, dB delta) on parameter idx. */
static void
set_level(struct ardour *a, unsigned idx, enum cmd cmd, double v)
{
	double db;

	switch (cmd) {
	case C_GAIN:
		db = v;
		break;
	case C_FADER:
	case C_SEND_FADER:
		db = ardour_law_pos_to_db(v);
		break;
	case C_DB_DELTA:
		/* from silence a delta stays silence, as in Ardour (-inf + x) */
		if (is_off(model_get(a->m, idx)))
			return;
		db = model_get(a->m, idx) + v;
		break;
	default:
		return;
	}
	model_set(a->m, idx, db < GAIN_ZERO_BELOW_DB ? GAIN_OFF_DB : db);
}

/* Ardour's (int)value for a button: 1 when it truncates to anything but 0. */
static double
button(double v)
{
	return (v >= 1.0 || v <= -1.0) ? 1.0 : 0.0;
}

static void
strip_state(struct ardour *a, const struct surface *s, const struct req *r, unsigned k)
{
	const struct strip_idx *x = &a->sx[k];
	lo_message m = lo_message_new();

	if (!m)
		return;
	if (r->ssid_arg)
		lo_message_add_int32(m, (int32_t)r->ssid);
	lo_message_add_string(m, "AT");
	lo_message_add_string(m, model_get_string(a->m, x->name));
	lo_message_add_int32(m, a->n_in[k]);
	lo_message_add_int32(m, 2);
	lo_message_add_int32(m, (int32_t)model_get(a->m, x->mute));
	lo_message_add_int32(m, (int32_t)model_get(a->m, x->solo));
	lo_message_add_int32(m, 0); /* record: none */
	send_msg(a, &s->reply, r->path, m);
}

/* /strip/sends ssid: every send (effect buses, then aux buses), as Ardour lists internal sends:
 * target ssid (0: the buses are not strips), name, send id from 1, level as a fader position,
 * active (level above -inf). */
static void
strip_sends(struct ardour *a, const struct surface *s, const struct req *r, unsigned k)
{
	lo_message m = lo_message_new();

	if (!m)
		return;
	lo_message_add_int32(m, (int32_t)r->ssid);
	if (r->cmd == C_SENDS)
		for (unsigned b = 0; b < a->n_sends; b++) {
			float db = model_get(a->m, a->send_idx[k * a->n_sends + b]);
			lo_message_add_int32(m, 0);
			lo_message_add_string(
			    m, b < ENGINE_N_BUSES
			           ? send_names[b]
			           : model_get_string(a->m, a->aux_name[b - ENGINE_N_BUSES]));
			lo_message_add_int32(m, (int32_t)b + 1);
			lo_message_add_float(m, fader_value(db));
			lo_message_add_int32(m, is_off(db) ? 0 : 1);
		}
	/* receives and plugins: none, so the ssid alone */
	send_msg(a, &s->reply,
	         r->cmd == C_SENDS      ? "/strip/sends"
	         : r->cmd == C_RECEIVES ? "/strip/receives"
	                                : "/strip/plugin/list",
	         m);
}

/* /strip/send/{gain,fader,enable} ssid sendid value; mixd's effect buses are sends 1 (reverb),
 * 2 (delay) and 3 (chorus), its aux buses 4 and up (aux K is send 3 + K), as Ardour numbers a
 * strip's sends to its foldback buses after its others. A send has no on/off in mixd: enable 0
 * takes the level to -inf and remembers it, enable 1 brings the remembered level back. */
static void
strip_send(struct ardour *a, const struct req *r, unsigned k)
{
	double id, v;
	unsigned b, idx;
	float *saved;

	if (!arg_num(r->types, r->argv, r->argc, r->vi, &id) ||
	    !arg_num(r->types, r->argv, r->argc, r->vi + 1, &v) || id < 1.0 ||
	    id >= a->n_sends + 1.0)
		return; /* Ardour: no such send, nothing happens */
	b = (unsigned)id - 1;
	idx = a->send_idx[k * a->n_sends + b];
	saved = &a->send_saved[k * a->n_sends + b];
	if (r->cmd != C_SEND_ENABLE) {
		set_level(a, idx, r->cmd == C_SEND_GAIN ? C_GAIN : C_SEND_FADER, v);
		return;
	}
	if (button(v) == 0.0) {
		float db = model_get(a->m, idx);
		if (!is_off(db)) {
			model_set(a->m, idx, GAIN_OFF_DB);
			*saved = db;
		}
	} else if (!isnan(*saved) && is_off(model_get(a->m, idx))) {
		model_set(a->m, idx, *saved);
		*saved = NAN;
	}
}

/* /strip/list: every strip, then end_route_list, then the full feedback again. */
static void
routes_list(struct ardour *a, struct surface *s, bool real)
{
	const char *rp = (s->f[F_FEEDBACK] & FB_REPLY) ? "/reply" : "#reply";
	struct dispatch_info in = { 0 };
	lo_message m;

	for (unsigned k = 0; k < visible(a, s); k++) {
		const struct strip_idx *x = &a->sx[k];

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
		send_msg(a, &s->reply, rp, m);
	}
	a->h.info(a->h.ctx, &in);
	m = lo_message_new();
	if (!m)
		return;
	lo_message_add_string(m, "end_route_list");
	lo_message_add_int64(m, (int64_t)in.rate);
	lo_message_add_int64(m, 0); /* session end: a console has no timeline */
	lo_message_add_int32(m, 0); /* no monitor section */
	send_msg(a, &s->reply, rp, m);
	if (real)
		dump_all(a, s);
}

/* /strip with no argument: Ardour's strip_list, one state message per strip of the bank. */
static void
strip_list(struct ardour *a, const struct surface *s)
{
	char path[32];
	unsigned n = visible(a, s);

	for (unsigned ssid = 1; ssid <= n; ssid++) {
		int k = strip_at(a, s, ssid);
		struct req r = { .path = path, .ssid = ssid };

		if (k < 0)
			break;
		if (s->f[F_FEEDBACK] & FB_SSID_IN_PATH) {
			snprintf(path, sizeof(path), "/strip/%u", ssid);
		} else {
			snprintf(path, sizeof(path), "/strip");
			r.ssid_arg = true;
		}
		strip_state(a, s, &r, (unsigned)k);
	}
}

/* A message for strip control r->cmd at r->ssid of surface s. */
static void
strip_request(struct ardour *a, struct surface *s, const struct req *r)
{
	const struct strip_idx *x;
	struct value cur = { 0 };
	unsigned k;
	double v;
	int sk;

	if (r->cmd == C_SILENT)
		return;
	sk = strip_at(a, s, r->ssid);
	if (sk < 0)
		return; /* a missing ssid gets no reply, as in Ardour */
	k = (unsigned)sk;
	x = &a->sx[k];
	switch (r->cmd) {
	case C_STATE:
		strip_state(a, s, r, k);
		return;
	case C_SENDS:
	case C_RECEIVES:
	case C_PLUGIN_LIST:
		strip_sends(a, s, r, k);
		return;
	case C_SEND_GAIN:
	case C_SEND_FADER:
	case C_SEND_ENABLE:
		strip_send(a, r, k);
		return;
	case C_MISSING:
		echo_missing(a, s, r, false);
		return;
	case C_DB_DELTA:
		if (arg_num(r->types, r->argv, r->argc, r->vi, &v))
			set_level(a, x->fader, C_DB_DELTA, v);
		return; /* a delta has no value to read */
	default:
		break;
	}
	strip_value(a, k, r->cmd, &cur);
	if (r->vi >= r->argc) {
		reply_value(a, s, r, cur, false);
		return;
	}
	if (r->cmd == C_NAME) {
		if (!osc_arg_is_string(r->types[r->vi]))
			echo_missing(a, s, r, false);
		/* the string itself, not ->s: liblo's argv is only 4-byte aligned */
		else if (model_set_string(a->m, x->name, (const char *)r->argv[r->vi]) < 0)
			reply_value(a, s, r, cur, true); /* too long, control characters */
		return;
	}
	if (!arg_num(r->types, r->argv, r->argc, r->vi, &v)) {
		reply_value(a, s, r, cur, true);
		return;
	}
	switch (r->cmd) {
	case C_GAIN:
	case C_FADER:
		set_level(a, x->fader, r->cmd, v);
		break;
	case C_TRIM:
		model_set(a->m, x->trim, v);
		break;
	case C_PAN:
		model_set(a->m, x->pan, 1.0 - 2.0 * v);
		break;
	case C_MUTE:
		model_set(a->m, x->mute, button(v));
		break;
	case C_SOLO:
		model_set(a->m, x->solo, button(v));
		break;
	case C_POLARITY:
		model_set(a->m, x->polarity, button(v));
		break;
	default:
		break;
	}
}

/* Paths under /strip/ or /select/ that Ardour treats before anything else and mixd has nothing
 * behind: automation modes, touch, spill. */
static bool
silent_suffix(const char *path)
{
	return strstr(path, "/automation") || strstr(path, "/touch") || strstr(path, "/spill");
}

/* /strip...: returns whether the message is Ardour's (then it is handled). real: s is a real
 * surface (not the default one of an unknown peer). early: asked before the parameter table. */
static bool
strip_message(struct ardour *a, struct surface *s, bool real, const char *path, const char *types,
              lo_arg **argv, int argc, bool early)
{
	struct req r = { .path = path, .types = types, .argv = argv, .argc = argc };
	bool native_shaped;
	double v;

	if (!strcmp(path, "/strip")) {
		if (early)
			return false;
		if (argc == 0) {
			strip_list(a, s);
			return true;
		}
		r.cmd = C_STATE;
		if (arg_num(types, argv, argc, 0, &v)) {
			r.ssid = v >= 1.0 && v < 1e6 ? (long)v : 0;
			r.ssid_arg = true;
		}
		strip_request(a, s, &r);
		return true;
	}
	if (strncmp(path, "/strip/", 7))
		return false;
	if (!strcmp(path, "/strip/list")) {
		if (early)
			return false;
		routes_list(a, s, real);
		return true;
	}
	/* Ardour's automation modes and touch take the ssid as an argument or last; a path with
	 * the strip number first (/strip/3/fader/automation) is mixd's own automation control */
	if (silent_suffix(path) && !(path[7] >= '0' && path[7] <= '9'))
		return !early;
	parse_strip(&r, path + 7, &native_shaped);
	if (r.cmd == C_UNKNOWN)
		return false;
	/* /strip/<N>/<fader|mute|solo|polarity|name> is a native parameter's address too: Ardour's
	 * (N in the bank, Ardour's units) only for a surface, in the early pass; for anyone else
	 * it stays native, so a native client's bad strip number still gets its /error */
	if (early != native_shaped)
		return false;
	if (native_shaped && !real)
		return false;
	strip_request(a, s, &r);
	return true;
}

/* ---- master ---- */

static bool
master_message(struct ardour *a, struct surface *s, const char *path, const char *types,
               lo_arg **argv, int argc, bool early)
{
	unsigned fader = (unsigned)a->master_fader;
	enum cmd cmd;
	double v;
	bool has_value = argc > 0;
	struct req r = { .path = path, .types = types, .argv = argv, .argc = argc };

	if (strncmp(path, "/master/", 8))
		return false;
	/* the two addresses the parameter table has too: in the early pass only */
	if (!strcmp(path, "/master/fader") || !strcmp(path, "/master/mute")) {
		if (!early)
			return false;
	} else if (early) {
		return false;
	}
	cmd = strip_cmd(path + 8, strlen(path + 8), NULL);
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
			reply_value(a, s, &r,
			            value_f(cmd == C_GAIN ? gain_value(model_get(a->m, fader))
			                                  : fader_value(model_get(a->m, fader))),
			            false);
		else if (arg_num(types, argv, argc, 0, &v))
			set_level(a, fader, cmd, v);
		return true;
	case C_DB_DELTA:
		if (arg_num(types, argv, argc, 0, &v))
			set_level(a, fader, cmd, v);
		return true;
	case C_MUTE:
		if (!has_value)
			reply_value(a, s, &r,
			            value_i((int32_t)model_get(a->m, (unsigned)a->master_mute)),
			            false);
		else if (arg_num(types, argv, argc, 0, &v))
			model_set(a->m, (unsigned)a->master_mute, button(v));
		return true;
	case C_TRIM:
		/* no master trim: the fixed value, so the widget rests at it */
		send_f(a, &s->reply, path, 0);
		return true;
	case C_PAN:
		send_f(a, &s->reply, path, 0.5f);
		return true;
	case C_NAME:
		send_s(a, &s->reply, path, "Master");
		return true;
	case C_SOLO:
	case C_POLARITY:
	case C_MISSING:
		echo_missing(a, s, &r, false);
		return true;
	case C_UNKNOWN:
		return false;
	default:
		return true; /* sends, plugins, state of the master: nothing to say */
	}
}

/* ---- banks and the rest ---- */

static void
set_bank(struct ardour *a, struct surface *s, long bank)
{
	s->bank = bank_limit(a, s, bank);
	dump_strips(a, s);
}

/* /bank_up and /bank_down: "" is one bank; "f v" from encoders is a direction (0 is a button's
 * release, ignored). Ardour's /bank_down takes any non-zero value as down. */
static void
bank_message(struct ardour *a, struct surface *s, bool real, bool up, const char *types,
             lo_arg **argv, int argc)
{
	double v = 1.0;
	long delta, nb;

	if (argc >= 1 && !arg_num(types, argv, argc, 0, &v))
		return;
	if (v == 0.0 || !real || s->f[F_BANK] <= 0)
		return;
	delta = up ? (v > 0 ? 1 : -1) : -1;
	nb = bank_limit(a, s, (long)s->bank + delta * s->f[F_BANK]);
	/* already at the end: Ardour would send the same bank again, nothing new to show */
	if ((unsigned long)nb != s->bank)
		set_bank(a, s, nb);
}

/* /cancel_all_solos [v]: v (or none) other than 0 releases every solo. */
static void
cancel_all_solos(struct ardour *a, const char *types, lo_arg **argv, int argc)
{
	double v = 1.0;

	if (argc >= 1 && !arg_num(types, argv, argc, 0, &v))
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

/* The serving surface for a peer: its own, or the default one Ardour gives an unknown peer (no
 * banking, no feedback, replies to the sender). */
static struct surface *
serving(struct ardour *a, const struct osc_peer *from, bool *real)
{
	struct surface *s = lookup(a, from);

	*real = s != NULL;
	if (s) {
		s->heard = ++a->heard;
		s->heard_ns = a->now_ns;
		return s;
	}
	surface_defaults(&a->anon);
	a->anon.f[F_FEEDBACK] = 0;
	a->anon.key = a->anon.reply = *from;
	return &a->anon;
}

static bool
handle(struct ardour *a, const struct osc_peer *from, const char *path, const char *types,
       lo_arg **argv, int argc, bool early)
{
	struct surface *s;
	bool real;

	if (early) {
		/* only a peer with a surface speaks Ardour on the native addresses; every message
		 * passes here first, so the cheap tests go first */
		if (!a->st.surfaces ||
		    (strncmp(path, "/strip/", 7) && strncmp(path, "/master/", 8)) ||
		    !lookup(a, from))
			return false;
	} else if (!strcmp(path, "/set_surface") || !strncmp(path, "/set_surface/", 13)) {
		set_surface(a, from, path, types, argv, argc);
		a->st.messages++;
		return true;
	}
	s = serving(a, from, &real);
	if (!strncmp(path, "/strip", 6)) {
		if (!strip_message(a, s, real, path, types, argv, argc, early))
			return false;
	} else if (!strncmp(path, "/master/", 8)) {
		if (!master_message(a, s, path, types, argv, argc, early))
			return false;
	} else if (early) {
		return false;
	} else if (!strcmp(path, "/bank_up") || !strcmp(path, "/bank_down")) {
		bank_message(a, s, real, path[6] == 'u', types, argv, argc);
	} else if (!strcmp(path, "/cancel_all_solos")) {
		cancel_all_solos(a, types, argv, argc);
	} else if (!strcmp(path, "/refresh")) {
		if (real)
			dump_all(a, s);
	} else if (in_list(path, global_silent, sizeof(global_silent) / sizeof(global_silent[0])) ||
	           in_section(path, section_silent,
	                      sizeof(section_silent) / sizeof(section_silent[0]))) {
		/* what Ardour does with these needs a DAW: taken, and nothing said */
	} else {
		return false;
	}
	a->st.messages++;
	return true;
}

bool
ardour_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
               lo_arg **argv, int argc)
{
	return handle(ctx, from, path, types, argv, argc, false);
}

bool
ardour_message_early(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                     lo_arg **argv, int argc)
{
	return handle(ctx, from, path, types, argv, argc, true);
}

/* ---- tick ---- */

/* A parameter change, told to every surface that shows it. */
static void
feedback_change(struct ardour *a, unsigned idx)
{
	const struct param *p = params_at(model_params(a->m), idx);
	enum kind kind = (enum kind)a->kind[idx];
	unsigned k = p->strip;
	float v = model_get(a->m, idx);
	char text[32];

	if (kind == K_NONE)
		return;
	if (kind == K_SEND) {
		/* a level set by anyone replaces what an enable 0 remembered */
		for (unsigned b = 0; b < a->n_sends && !is_off(v); b++)
			if (idx == a->send_idx[k * a->n_sends + b])
				a->send_saved[k * a->n_sends + b] = NAN;
		return;
	}
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++) {
		struct surface *s = &a->sur[i];
		int32_t fb = s->f[F_FEEDBACK];
		unsigned ssid;

		if (!s->used || !fb)
			continue;
		if (kind == K_MASTER_FADER || kind == K_MASTER_MUTE) {
			if (!(fb & FB_MASTER))
				continue;
			if (kind == K_MASTER_MUTE) {
				send_f(a, &s->reply, "/master/mute", v);
				continue;
			}
			send_master_gain(a, s, v);
			if (s->f[F_GAINMODE] == 1) {
				format_db(v, text, sizeof(text));
				send_s(a, &s->reply, "/master/name", text);
				s->master_flash = NAME_FLASH_TICKS;
			}
			continue;
		}
		ssid = ssid_of(a, s, k);
		if (!ssid)
			continue;
		switch (kind) {
		case K_NAME:
			if (fb & FB_BUTTONS)
				strip_s(a, s, "name", ssid, model_get_string(a->m, idx));
			break;
		case K_MUTE:
		case K_SOLO:
		case K_POLARITY:
			if (fb & FB_BUTTONS)
				strip_f(a, s,
				        kind == K_MUTE   ? "mute"
				        : kind == K_SOLO ? "solo"
				                         : "polarity",
				        ssid, v);
			break;
		case K_FADER:
			if (!(fb & FB_LEVELS))
				break;
			send_strip_gain(a, s, ssid, v);
			if (s->f[F_GAINMODE] == 1) {
				format_db(v, text, sizeof(text));
				strip_s(a, s, "name", ssid, text);
				s->name_flash[ssid - 1] = NAME_FLASH_TICKS;
			}
			break;
		case K_TRIM:
			if (fb & FB_LEVELS)
				strip_f(a, s, "trimdB", ssid, v);
			break;
		case K_PAN:
			if (fb & FB_LEVELS)
				strip_f(a, s, "pan_stereo_position", ssid, pan_to_pos(v));
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
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++)
		if (a->sur[i].used && (a->sur[i].f[F_FEEDBACK] & FB_MASTER))
			send_f(a, &a->sur[i].reply, "/cancel_all_solos", any ? 1.0f : 0.0f);
}

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

static void
slow_surface(struct ardour *a, struct surface *s)
{
	int32_t fb = s->f[F_FEEDBACK];
	int gm = s->f[F_GAINMODE];
	unsigned n = n_slots(a, s);

	if (fb & FB_HEARTBEAT) {
		if (s->heartbeat == HEARTBEAT_ON)
			send_f(a, &s->reply, "/heartbeat", 1.0f);
		else if (s->heartbeat == 0)
			send_f(a, &s->reply, "/heartbeat", 0.0f);
	}
	if (++s->heartbeat >= HEARTBEAT_PERIOD)
		s->heartbeat = 0;
	if (fb & FB_ANY_METER) {
		for (unsigned ssid = 1; ssid <= n; ssid++) {
			int k = strip_at(a, s, ssid);
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
				strip_f(a, s, "meter", ssid, gm ? (db + 94.0f) / 100.0f : db);
			else if (fb & FB_METER_LED) {
				char path[64];
				lo_message m = strip_msg(s, "meter", ssid, path, sizeof(path));
				if (m)
					lo_message_add_int32(m, meter_leds(db));
				send_msg(a, &s->reply, path, m);
			}
			if (fb & FB_SIGNAL)
				strip_f(a, s, "signal", ssid, db < SIGNAL_DB ? 0.0f : 1.0f);
		}
		if (fb & FB_GLOBAL) {
			float db = fmaxf(meters_db(a->acc.master_peak[0]),
			                 meters_db(a->acc.master_peak[1]));
			if (db < METER_FLOOR_MASTER_DB)
				db = METER_OFF_DB;
			if (db != s->master_meter) {
				s->master_meter = db;
				if (fb & FB_METER)
					send_f(a, &s->reply, "/master/meter",
					       gm ? (db + 94.0f) / 100.0f : db);
				else if (fb & FB_METER_LED)
					send_f(a, &s->reply, "/master/meter",
					       (float)meter_leds(db));
				if (fb & FB_SIGNAL)
					send_f(a, &s->reply, "/master/signal",
					       db < SIGNAL_DB ? 0.0f : 1.0f);
			}
		}
	}
	if (fb & FB_LEVELS)
		for (unsigned ssid = 1; ssid <= n; ssid++) {
			int k;

			if (!s->name_flash[ssid - 1] || --s->name_flash[ssid - 1])
				continue;
			k = strip_at(a, s, ssid);
			if (k >= 0)
				strip_s(a, s, "name", ssid, model_get_string(a->m, a->sx[k].name));
		}
	if (s->master_flash && !--s->master_flash && (fb & FB_MASTER))
		send_s(a, &s->reply, "/master/name", "Master");
}

void
ardour_tick(struct ardour *a, const struct feedback_frame *f)
{
	bool solo = false, meters = false;

	a->now_ns = f->now_ns;
	/* a surface not heard from for a lease is forgotten: a tablet that went away, or feedback
	 * aimed somewhere by someone long gone, does not stream on forever */
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++) {
		struct surface *c = &a->sur[i];
		if (c->used && f->now_ns > c->heard_ns + ARDOUR_LEASE_NS) {
			c->used = false;
			a->st.surfaces--;
			a->st.expired++;
		}
	}
	for (unsigned i = 0; i < f->n_changed; i++) {
		feedback_change(a, f->changed[i]);
		solo |= a->kind[f->changed[i]] == K_SOLO;
	}
	if (solo)
		solo_state(a);
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++)
		meters |= a->sur[i].used && (a->sur[i].f[F_FEEDBACK] & FB_ANY_METER);
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
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++)
		if (a->sur[i].used && a->sur[i].f[F_FEEDBACK])
			slow_surface(a, &a->sur[i]);
	meters_clear(&a->acc);
}
