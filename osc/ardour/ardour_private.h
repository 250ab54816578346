/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ardour_private: the state the files of osc/ardour/ share, and the functions they call in one
 * another. Nobody outside this folder includes it (ardour.h is the personality's interface).
 *
 * What Ardour does is read from its OSC surface (libs/surfaces/osc: osc.cc,
 * osc_route_observer.cc, osc_global_observer.cc); ../shared/osc-compat.md has the summary and
 * docs/ardour.md what mixd makes of each part.
 *
 * Surfaces. A surface is made by /set_surface (any form) and keyed by the address it sent that
 * from. Replies and feedback go to that address, or to its host at the port /set_surface named
 * (Ardour's manual port mode); a surface with such a port owns every Ardour-shaped message from
 * its host, as in Ardour, because tablet apps may send from a new port each time. A peer with no
 * surface is served as Ardour serves one it has not heard of: no banking, no feedback. The
 * surfaces are entries of a peer table (osc/peers.h), bounded, shared between hosts and leased
 * by the one policy every per-peer table of mixd follows.
 *
 * Strips. Every mixd strip is an Ardour audio track ("AT", strip type bit 1), in order; a
 * surface shows its bank of them, ssid 1 being the bank's first strip.
 *
 * Feedback. Changes come from the model (feedback_frame.changed): whatever changed a value, every
 * surface whose bank shows it hears of it, in the shape it negotiated. Meters, the heartbeat and
 * the gainmode-1 name display run on a 100 ms tick as in Ardour. All plain messages, one per
 * datagram: Ardour sends no bundles, and TouchOSC mk1 layouts may not parse them.
 *
 * The files, one job each:
 *   ardour.c       set-up: the parameter rows mapped, the personality's life and counters
 *   surfaces.c     the surfaces in the peer table (who is one, the counters of room and
 *                  leases) and what a bank shows
 *   send.c         sending, and mixd's values in Ardour's units
 *   dump.c         a surface's whole state, as after /set_surface, /refresh or a bank change
 *   set_surface.c  /set_surface in its three forms
 *   strip_parse.c  Ardour's strip commands and the three shapes of a strip address
 *   strips.c       the strip commands: gets, sets, sends, the strip state
 *   master.c       the master section, /cancel_all_solos and Ardour's global controls
 *   banks.c        banking and the strip lists (/strip/list, /strip)
 *   messages.c     the dispatch handlers: which message goes where
 *   feedback.c     the 10 ms tick: changes to surfaces, solo state, the slow tick's clock
 *   slow_tick.c    the 100 ms tick: meters, heartbeat, the gainmode-1 name display
 *   personality.c  the personality_ops the daemon drives it by
 *
 * Thread: everything here runs on the control thread.
 */
#ifndef MIXD_ARDOUR_PRIVATE_H
#define MIXD_ARDOUR_PRIVATE_H

#include <lo/lo.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ardour.h"
#include "args.h"
#include "dispatch.h"
#include "engine.h"
#include "meters.h"
#include "peer.h"
#include "peers.h"

/* A cleared meter reads "no signal" (-193), as Ardour's strip and master observers send it. */
#define METER_OFF_DB (-193.0f)
/* A gain of zero as /strip/gain sends it (Ardour: -200). */
#define GAIN_ZERO_SENT (-200.0f)

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

/* What a strip (or master) command is to mixd. */
enum ardour_cmd {
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

/* What a parameter index is to a surface. */
enum ardour_kind {
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

struct ardour_strip_idx {
	unsigned name, trim, polarity, fader, pan, mute, solo;
};

/* A surface: the payload of an entry of the peer table (peers.h), which keeps whether the place
 * is used, whom it belongs to and when it was last heard. */
struct ardour_surface {
	struct osc_peer key;   /* the address /set_surface came from (the table's key too; kept here
	                          for the anonymous surface, which has no entry) */
	struct osc_peer reply; /* where replies and feedback go */
	bool manual_port;      /* reply goes to key's host at port f[F_PORT] */
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
	struct ardour_strip_idx *sx; /* per strip */
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
	/* the surfaces: payloads struct ardour_surface, ARDOUR_MAX_SURFACES places, ARDOUR_PER_HOST
	 * a host, a lease of ARDOUR_LEASE_NS; the policy is the peer table's (peers.h) */
	struct peers *sur;
	struct ardour_surface anon; /* how a peer without a surface is served */
	uint64_t now_ns;            /* of the last tick; 0 before the first */
	uint64_t next_slow;         /* ns; 0 before the first tick */
	struct meter_frame acc;     /* meters since the last slow tick */
	struct ardour_stats st;
	/* The answer to the message being handled met its host's send budget (a send refused with
	 * -ENOBUFS): its long loops (strip lists, dumps) stop there, since the rest would be
	 * refused too. Without it one bundle of /strip/list on 256 strips held the control thread
	 * for over 2 s building rows the budget then dropped. Cleared as each message arrives. */
	bool answer_cut;
};

/* A strip (or master) message, split into its parts. */
struct ardour_req {
	const char *path; /* as received: replies go back on it */
	const char *types;
	lo_arg **argv;
	int argc;
	long ssid;
	bool ssid_arg; /* the ssid was the first argument (else in the path) */
	int vi;        /* index of the first argument after the ssid */
	enum ardour_cmd cmd;
};

/* One value as Ardour sends it: f, i or s. */
struct ardour_value {
	char type;
	float f;
	int32_t i;
	const char *s;
};

static inline struct ardour_value
ardour_value_f(float v)
{
	return (struct ardour_value){ .type = LO_FLOAT, .f = v };
}

static inline struct ardour_value
ardour_value_i(int32_t v)
{
	return (struct ardour_value){ .type = LO_INT32, .i = v };
}

static inline struct ardour_value
ardour_value_s(const char *v)
{
	return (struct ardour_value){ .type = LO_STRING, .s = v };
}

/* Argument i as a finite number: f, i, d, h, T/F, or a numeric string (Ardour takes "3" and
 * "-6.5"). False when there is no argument i, or it is none of those, or not finite. */
static inline bool
ardour_arg_num(const char *types, lo_arg **argv, int argc, int i, double *v)
{
	return i < argc && osc_arg_number_or_text(types[i], argv[i], v) && isfinite(*v);
}

/* ---- surfaces.c ---- */

/* s's /set_surface fields at Ardour's defaults, bank 1, replies to where messages come from. */
void ardour_surface_defaults(struct ardour_surface *s);
/* Sets p's port (IPv4 or IPv6; anything else is left alone). */
void ardour_peer_set_port(struct osc_peer *p, uint16_t port);
/* The surface a peer's messages belong to, or NULL. */
struct ardour_surface *ardour_surface_lookup(struct ardour *a, const struct osc_peer *from);
/* A new surface for from at its defaults, placed by the peer table's policy (peers.h), or NULL
 * when the table is fairly shared and full. */
struct ardour_surface *ardour_surface_create(struct ardour *a, const struct osc_peer *from);
/* The surface serving from: its own (renewed; *real true), or the default one. Never NULL. */
struct ardour_surface *ardour_surface_serving(struct ardour *a, const struct osc_peer *from,
                                              bool *real);
/* Forgets the surfaces not heard from for more than ARDOUR_LEASE_NS before now_ns. */
void ardour_surfaces_expire(struct ardour *a, uint64_t now_ns);
/* Strips s sees, slots of its bank, the strip at an ssid (-1: none), the ssid of strip k (0:
 * not shown), a bank moved into Ardour's limits. */
unsigned ardour_visible(const struct ardour *a, const struct ardour_surface *s);
unsigned ardour_n_slots(const struct ardour *a, const struct ardour_surface *s);
int ardour_strip_at(const struct ardour *a, const struct ardour_surface *s, long ssid);
unsigned ardour_ssid_of(const struct ardour *a, const struct ardour_surface *s, unsigned k);
unsigned ardour_bank_limit(const struct ardour *a, const struct ardour_surface *s, long bank);

/* ---- send.c ---- */

/* Sends and frees m (NULL: out of memory, nothing sent), counting it sent or failed. */
void ardour_send_msg(struct ardour *a, const struct osc_peer *to, const char *path, lo_message m);
void ardour_send_f(struct ardour *a, const struct osc_peer *to, const char *path, float v);
void ardour_send_i(struct ardour *a, const struct osc_peer *to, const char *path, int32_t v);
void ardour_send_s(struct ardour *a, const struct osc_peer *to, const char *path, const char *v);
/* A strip message in the surface's shape, path filled in; the caller adds the value. */
lo_message ardour_strip_msg(const struct ardour_surface *s, const char *cmd, unsigned ssid,
                            char *path, size_t n);
void ardour_strip_f(struct ardour *a, const struct ardour_surface *s, const char *cmd,
                    unsigned ssid, float v);
void ardour_strip_s(struct ardour *a, const struct ardour_surface *s, const char *cmd,
                    unsigned ssid, const char *v);
/* A level that is silence (-inf, GAIN_OFF_DB or below, NaN). */
bool ardour_is_off(float db);
/* A level as /strip/gain carries it, as a fader position, as gainmode 1's name shows it. */
float ardour_gain_value(float db);
float ardour_fader_value(float db);
void ardour_format_db(float db, char *buf, size_t n);
/* mixd's pan -1..+1 as Ardour's position 1..0. */
float ardour_pan_to_pos(float pan);

/* ---- dump.c ---- */

void ardour_send_strip_gain(struct ardour *a, const struct ardour_surface *s, unsigned ssid,
                            float db);
void ardour_send_master_gain(struct ardour *a, const struct ardour_surface *s, float db);
/* Every slot of the bank and the bank LEDs. */
void ardour_dump_strips(struct ardour *a, struct ardour_surface *s);
/* Everything the surface shows, as after Ardour's set_surface. */
void ardour_dump_all(struct ardour *a, struct ardour_surface *s);

/* ---- set_surface.c ---- */

/* /set_surface and /set_surface/...: makes or changes from's surface. */
void ardour_set_surface(struct ardour *a, const struct osc_peer *from, const char *path,
                        const char *types, lo_arg **argv, int argc);

/* ---- strip_parse.c ---- */

/* The command called name (n characters), or C_UNKNOWN; *native (when not NULL) says whether
 * it is also a native /strip/N/<name> parameter. */
enum ardour_cmd ardour_strip_cmd(const char *name, size_t n, bool *native);
/* Splits what follows "/strip/" into r's command and ssid; *native_shaped is set when the ssid
 * came in the path in front of a command that is also a native name. */
void ardour_parse_strip(struct ardour_req *r, const char *sub, bool *native_shaped);

/* ---- strips.c ---- */

/* Ardour's answer to a set of a control it does not have: the path back with a resting value. */
void ardour_echo_missing(struct ardour *a, const struct ardour_surface *s,
                         const struct ardour_req *r, bool is_gain);
/* The current value of a control on the request's path (with_ssid: the answer to a set). */
void ardour_reply_value(struct ardour *a, const struct ardour_surface *s,
                        const struct ardour_req *r, struct ardour_value v, bool with_ssid);
/* A level set in Ardour's terms (C_GAIN dB, C_FADER position, C_DB_DELTA) on parameter idx. */
void ardour_set_level(struct ardour *a, unsigned idx, enum ardour_cmd cmd, double v);
/* Ardour's (int)value for a button: 1 when it truncates to anything but 0. */
double ardour_button(double v);
/* The state of strip k (type, name, inputs, outputs, mute, solo, record). */
void ardour_strip_state(struct ardour *a, const struct ardour_surface *s,
                        const struct ardour_req *r, unsigned k);
/* /strip...: whether the message is Ardour's (then it is handled). */
bool ardour_strip_message(struct ardour *a, struct ardour_surface *s, bool real, const char *path,
                          const char *types, lo_arg **argv, int argc, bool early);

/* ---- master.c ---- */

/* /master/...: whether the message is Ardour's (then it is handled). */
bool ardour_master_message(struct ardour *a, struct ardour_surface *s, const char *path,
                           const char *types, lo_arg **argv, int argc, bool early);
/* /cancel_all_solos [v] */
void ardour_cancel_all_solos(struct ardour *a, const char *types, lo_arg **argv, int argc);
/* One of Ardour's global controls, or in a section of it, that mixd takes and ignores. */
bool ardour_global_silent(const char *path);

/* ---- banks.c ---- */

/* /bank_up (up) and /bank_down. */
void ardour_bank_message(struct ardour *a, struct ardour_surface *s, bool real, bool up,
                         const char *types, lo_arg **argv, int argc);
/* /strip/list: every strip, end_route_list, then (real) the full feedback again. */
void ardour_routes_list(struct ardour *a, struct ardour_surface *s, bool real);
/* /strip with no argument: one state message per strip of the bank. */
void ardour_strip_list(struct ardour *a, const struct ardour_surface *s);

/* ---- slow_tick.c ---- */

/* One 100 ms tick of s: heartbeat, meters (from a->acc), the name display's return. */
void ardour_slow_surface(struct ardour *a, struct ardour_surface *s);

#endif
