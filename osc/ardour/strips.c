/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strips: the strip commands of a surface or a peer: gets, sets in Ardour's units, the sends,
 * the strip state, and the answer to what mixd does not have.
 */
#include "ardour_private.h"

#include <string.h>

#include "ardour_law.h"
#include "gain.h"
#include "model.h"

/* Below this a /strip/gain set is silence (Ardour: value < -192). */
#define GAIN_ZERO_BELOW_DB (-192.0)

/* Ardour's answer to a set of a control it does not have: the path back with a resting value of
 * the sent type (and the ssid first when it came as an argument), so the widget springs back. */
void
ardour_echo_missing(struct ardour *a, const struct ardour_surface *s, const struct ardour_req *r,
                    bool is_gain)
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
	ardour_send_msg(a, &s->reply, r->path, m);
}

/* The current value of a control, on the request's path: the answer to a get, and to a set mixd
 * could not take (a widget then shows the truth again). A set's answer carries the ssid first
 * when it came as an argument, as Ardour's echo does; a get's is the value alone, as Ardour's. */
void
ardour_reply_value(struct ardour *a, const struct ardour_surface *s, const struct ardour_req *r,
                   struct ardour_value v, bool with_ssid)
{
	lo_message m;

	/* the answer to a set goes to surfaces only, as ardour_echo_missing's */
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
	ardour_send_msg(a, &s->reply, r->path, m);
}

/* The current value of cmd on strip k; false for commands with no value to read. */
static bool
strip_value(struct ardour *a, unsigned k, enum ardour_cmd cmd, struct ardour_value *out)
{
	const struct ardour_strip_idx *x = &a->sx[k];

	switch (cmd) {
	case C_GAIN:
		*out = ardour_value_f(ardour_gain_value(model_get(a->m, x->fader)));
		return true;
	case C_FADER:
		*out = ardour_value_f(ardour_fader_value(model_get(a->m, x->fader)));
		return true;
	case C_TRIM:
		*out = ardour_value_f(model_get(a->m, x->trim));
		return true;
	case C_PAN:
		*out = ardour_value_f(ardour_pan_to_pos(model_get(a->m, x->pan)));
		return true;
	case C_MUTE:
		*out = ardour_value_i((int32_t)model_get(a->m, x->mute));
		return true;
	case C_SOLO:
		*out = ardour_value_i((int32_t)model_get(a->m, x->solo));
		return true;
	case C_POLARITY:
		*out = ardour_value_i((int32_t)model_get(a->m, x->polarity));
		return true;
	case C_NAME:
		*out = ardour_value_s(model_get_string(a->m, x->name));
		return true;
	default:
		return false;
	}
}

/* A level set in Ardour's terms (gain dB, fader position, dB delta) on parameter idx. */
void
ardour_set_level(struct ardour *a, unsigned idx, enum ardour_cmd cmd, double v)
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
		if (ardour_is_off(model_get(a->m, idx)))
			return;
		db = model_get(a->m, idx) + v;
		break;
	default:
		return;
	}
	model_set(a->m, idx, db < GAIN_ZERO_BELOW_DB ? GAIN_OFF_DB : db);
}

/* Ardour's (int)value for a button: 1 when it truncates to anything but 0. */
double
ardour_button(double v)
{
	return (v >= 1.0 || v <= -1.0) ? 1.0 : 0.0;
}

void
ardour_strip_state(struct ardour *a, const struct ardour_surface *s, const struct ardour_req *r,
                   unsigned k)
{
	const struct ardour_strip_idx *x = &a->sx[k];
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
	ardour_send_msg(a, &s->reply, r->path, m);
}

/* /strip/sends ssid: every send (effect buses, then aux buses), as Ardour lists internal sends:
 * target ssid (0: the buses are not strips), name, send id from 1, level as a fader position,
 * active (level above -inf). */
static void
strip_sends(struct ardour *a, const struct ardour_surface *s, const struct ardour_req *r,
            unsigned k)
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
			           ? engine_bus_names[b]
			           : model_get_string(a->m, a->aux_name[b - ENGINE_N_BUSES]));
			lo_message_add_int32(m, (int32_t)b + 1);
			lo_message_add_float(m, ardour_fader_value(db));
			lo_message_add_int32(m, ardour_is_off(db) ? 0 : 1);
		}
	/* receives and plugins: none, so the ssid alone */
	ardour_send_msg(a, &s->reply,
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
strip_send(struct ardour *a, const struct ardour_req *r, unsigned k)
{
	double id, v;
	unsigned b, idx;
	float *saved;

	if (!ardour_arg_num(r->types, r->argv, r->argc, r->vi, &id) ||
	    !ardour_arg_num(r->types, r->argv, r->argc, r->vi + 1, &v) || id < 1.0 ||
	    id >= a->n_sends + 1.0)
		return; /* Ardour: no such send, nothing happens */
	b = (unsigned)id - 1;
	idx = a->send_idx[k * a->n_sends + b];
	saved = &a->send_saved[k * a->n_sends + b];
	if (r->cmd != C_SEND_ENABLE) {
		ardour_set_level(a, idx, r->cmd == C_SEND_GAIN ? C_GAIN : C_SEND_FADER, v);
		return;
	}
	if (ardour_button(v) == 0.0) {
		float db = model_get(a->m, idx);
		if (!ardour_is_off(db)) {
			model_set(a->m, idx, GAIN_OFF_DB);
			*saved = db;
		}
	} else if (!isnan(*saved) && ardour_is_off(model_get(a->m, idx))) {
		model_set(a->m, idx, *saved);
		*saved = NAN;
	}
}

/* A message for strip control r->cmd at r->ssid of surface s. */
static void
strip_request(struct ardour *a, struct ardour_surface *s, const struct ardour_req *r)
{
	const struct ardour_strip_idx *x;
	struct ardour_value cur = { 0 };
	unsigned k;
	double v;
	int sk;

	if (r->cmd == C_SILENT)
		return;
	sk = ardour_strip_at(a, s, r->ssid);
	if (sk < 0)
		return; /* a missing ssid gets no reply, as in Ardour */
	k = (unsigned)sk;
	x = &a->sx[k];
	switch (r->cmd) {
	case C_STATE:
		ardour_strip_state(a, s, r, k);
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
		ardour_echo_missing(a, s, r, false);
		return;
	case C_DB_DELTA:
		if (ardour_arg_num(r->types, r->argv, r->argc, r->vi, &v))
			ardour_set_level(a, x->fader, C_DB_DELTA, v);
		return; /* a delta has no value to read */
	default:
		break;
	}
	strip_value(a, k, r->cmd, &cur);
	if (r->vi >= r->argc) {
		ardour_reply_value(a, s, r, cur, false);
		return;
	}
	if (r->cmd == C_NAME) {
		if (!osc_arg_is_string(r->types[r->vi]))
			ardour_echo_missing(a, s, r, false);
		/* the string itself, not ->s: liblo's argv is only 4-byte aligned */
		else if (model_set_string(a->m, x->name, (const char *)r->argv[r->vi]) < 0)
			ardour_reply_value(a, s, r, cur, true); /* too long, control characters */
		return;
	}
	if (!ardour_arg_num(r->types, r->argv, r->argc, r->vi, &v)) {
		ardour_reply_value(a, s, r, cur, true);
		return;
	}
	switch (r->cmd) {
	case C_GAIN:
	case C_FADER:
		ardour_set_level(a, x->fader, r->cmd, v);
		break;
	case C_TRIM:
		model_set(a->m, x->trim, v);
		break;
	case C_PAN:
		model_set(a->m, x->pan, 1.0 - 2.0 * v);
		break;
	case C_MUTE:
		model_set(a->m, x->mute, ardour_button(v));
		break;
	case C_SOLO:
		model_set(a->m, x->solo, ardour_button(v));
		break;
	case C_POLARITY:
		model_set(a->m, x->polarity, ardour_button(v));
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
bool
ardour_strip_message(struct ardour *a, struct ardour_surface *s, bool real, const char *path,
                     const char *types, lo_arg **argv, int argc, bool early)
{
	struct ardour_req r = { .path = path, .types = types, .argv = argv, .argc = argc };
	bool native_shaped;
	double v;

	if (!strcmp(path, "/strip")) {
		if (early)
			return false;
		if (argc == 0) {
			ardour_strip_list(a, s);
			return true;
		}
		r.cmd = C_STATE;
		if (ardour_arg_num(types, argv, argc, 0, &v)) {
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
		ardour_routes_list(a, s, real);
		return true;
	}
	/* Ardour's automation modes and touch take the ssid as an argument or last; a path with
	 * the strip number first (/strip/3/fader/automation) is mixd's own automation control */
	if (silent_suffix(path) && !(path[7] >= '0' && path[7] <= '9'))
		return !early;
	ardour_parse_strip(&r, path + 7, &native_shaped);
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
