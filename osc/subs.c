/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "subs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "dispatch.h"
#include "model.h"
#include "outbox.h"
#include "params.h"
#include "peer.h"
#include "peers.h"

/* Values of the initial snapshot sent per tick to one new subscriber: ~30 datagrams, so a
 * 256-strip console (~15,000 values) reaches a tablet in half a second instead of one burst
 * that would overflow its socket buffer. */
#define SNAPSHOT_PER_TICK 1000

/* A subscription: the payload of its entry in the table, keyed by (peer, prefix). */
struct sub {
	char prefix[PARAM_ADDRESS_MAX];
	size_t plen;
	unsigned hz;         /* meters per second; 0: changes only */
	uint64_t next_meter; /* ns */
	unsigned snapshot;   /* next parameter index of the initial snapshot */
	/* which meters the prefix covers, worked out once at subscribe */
	uint8_t strip_meter[ENGINE_MAX_STRIPS];
	bool bus_meter[ENGINE_N_BUSES], master_meter, mb_meter, loudness;
	bool aux_meter[ENGINE_MAX_AUX], monitor_meter;
	struct meter_frame acc; /* maxima since this subscriber's last meter send */
};

struct subs {
	struct model *m;
	struct osc_server *srv;
	struct dispatch *d;
	struct peers *t; /* the subscriptions: SUBS_MAX, SUBS_PER_HOST a host, SUBS_LEASE_NS */
	struct outbox ob;
	struct subs_stats st;
	int mb_on;    /* /master/multiband/on in the model (-1: none): its meter is sent while on */
	uint64_t now; /* of the last tick: leases start from it */
	bool ticked;  /* false until the first tick: now is 0, not a time */
};

/* The table's key past the peer: the prefix, as take_prefix left it. */
static bool
same_prefix(const void *payload, const void *prefix)
{
	return !strcmp(((const struct sub *)payload)->prefix, prefix);
}

struct subs *
subs_new(struct model *m, struct osc_server *srv, struct dispatch *d)
{
	const struct peers_config pc = {
		.max = SUBS_MAX,
		.per_host = SUBS_PER_HOST,
		.lease_ns = SUBS_LEASE_NS,
		.payload_size = sizeof(struct sub),
		.match = same_prefix,
	};
	struct subs *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->t = peers_new(&pc);
	if (!s->t) {
		free(s);
		return NULL;
	}
	s->m = m;
	s->srv = srv;
	s->d = d;
	s->mb_on = params_find(model_params(m), "/master/multiband/on");
	return s;
}

void
subs_free(struct subs *s)
{
	if (!s)
		return;
	peers_free(s->t);
	free(s);
}

static bool
covers(const struct sub *u, const char *address)
{
	return param_prefix_covers(u->prefix, u->plen, address);
}

/* A meter is under the prefix when its own address is, or the object it measures is. */
static bool
covers_meter(const struct sub *u, const char *meter, const char *object)
{
	return covers(u, meter) || covers(u, object);
}

/* Works out which meters u's prefix covers; returns whether it covers anything at all. */
static bool
plan_coverage(struct subs *s, struct sub *u)
{
	const struct params *ps = model_params(s->m);
	bool any = false;
	char meter[48], object[48];

	for (unsigned k = 0; k < params_n_strips(ps); k++) {
		snprintf(meter, sizeof(meter), "/meter/strip/%u", k + 1);
		snprintf(object, sizeof(object), "/strip/%u", k + 1);
		u->strip_meter[k] = covers_meter(u, meter, object);
		any |= u->strip_meter[k];
	}
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
		snprintf(meter, sizeof(meter), "/meter/bus/%s", engine_bus_names[b]);
		snprintf(object, sizeof(object), "/bus/%s", engine_bus_names[b]);
		u->bus_meter[b] = covers_meter(u, meter, object);
		any |= u->bus_meter[b];
	}
	for (unsigned k = 0; k < params_n_aux(ps); k++) {
		snprintf(meter, sizeof(meter), "/meter/aux/%u", k + 1);
		snprintf(object, sizeof(object), "/aux/%u", k + 1);
		u->aux_meter[k] = covers_meter(u, meter, object);
		any |= u->aux_meter[k];
	}
	u->monitor_meter = covers_meter(u, "/meter/monitor", "/monitor");
	any |= u->monitor_meter;
	u->master_meter = covers_meter(u, "/meter/master", "/master");
	u->mb_meter = covers_meter(u, "/meter/master/multiband", "/master/multiband");
	u->loudness = covers_meter(u, "/loudness", "/master/loudness");
	any |= u->master_meter || u->mb_meter || u->loudness;
	for (unsigned i = 0; !any && i < params_count(ps); i++)
		any = covers(u, params_at(ps, i)->address);
	return any;
}

/* Checks a prefix as a client sent it and copies it without a trailing '/' (so "/strip/3/"
 * and "/strip/3" are one subscription). Returns NULL or the reason it is refused. */
static const char *
take_prefix(const char *in, char *out, size_t *plen)
{
	size_t n = strlen(in);

	if (in[0] != '/')
		return "prefix must start with /";
	if (n >= PARAM_ADDRESS_MAX)
		return "prefix too long";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= ' ' || c >= 0x7f || strchr("?*[]{}#,", c))
			return "prefix holds a character no address has";
	}
	while (n > 1 && in[n - 1] == '/')
		n--;
	memcpy(out, in, n);
	out[n] = '\0';
	*plen = n;
	return NULL;
}

static void
ack(struct subs *s, const struct osc_peer *to, const struct sub *u)
{
	lo_message m = lo_message_new();

	if (!m)
		return;
	lo_message_add_string(m, u->prefix);
	lo_message_add_int32(m, (int32_t)u->hz);
	lo_message_add_float(m, (float)(SUBS_LEASE_NS / 1e9));
	dispatch_reply(s->d, to, "/subscribe", m);
}

/* Reads /subscribe's arguments: [s:prefix] [number:hz]. Returns NULL or the reason. */
static const char *
subscribe_args(const char *types, lo_arg **argv, int argc, const char **prefix, double *hz)
{
	int i = 0;

	*prefix = "/";
	*hz = SUBS_DEF_HZ;
	if (argc > 2)
		return "expected [prefix] [hz]";
	if (i < argc && osc_arg_is_string(types[i]))
		*prefix = (const char *)argv[i++];
	if (i < argc) {
		if (!osc_arg_number(types[i], argv[i], hz))
			return "expected [prefix] [hz]";
		if (!(*hz >= 0.0 && *hz < 1e6))
			return "hz must be 0 (changes only) to 50";
		i++;
	}
	if (i != argc)
		return "expected [prefix] [hz]";
	return NULL;
}

static void
subscribe(struct subs *s, const struct osc_peer *from, const char *path, const char *types,
          lo_arg **argv, int argc)
{
	char prefix[PARAM_ADDRESS_MAX];
	const char *arg, *why;
	struct sub *u;
	size_t plen;
	double hz;

	why = subscribe_args(types, argv, argc, &arg, &hz);
	if (!why)
		why = take_prefix(arg, prefix, &plen);
	if (why) {
		s->st.refused++;
		dispatch_reply_error(s->d, from, path, why);
		return;
	}
	u = peers_find(s->t, from, prefix);
	if (u) {
		s->st.renewed++;
		peers_heard(s->t, u, s->now); /* the lease runs from the renewal */
	} else {
		enum peers_room room;

		/* the place the table's policy gives (peers.h): the host's own least recently
		 * renewed when it holds SUBS_PER_HOST, a free one, or one from the host with the
		 * most; none when the table is fairly shared and full */
		u = peers_add(s->t, from, s->now, &room);
		if (!u) {
			s->st.refused++;
			dispatch_reply_error(s->d, from, path, "subscriber table full");
			return;
		}
		if (room != PEERS_FREE) {
			/* the one ended to make room is not told: it may renew and take a place
			 * again when one is free */
			s->st.active--;
			if (room == PEERS_LAPSED)
				s->st.expired++;
			else
				s->st.evicted++;
		}
		memcpy(u->prefix, prefix, plen + 1);
		u->plen = plen;
		if (!plan_coverage(s, u)) {
			peers_remove(s->t, u);
			s->st.refused++;
			dispatch_reply_error(s->d, from, path, "no address under this prefix");
			return;
		}
		meters_clear(&u->acc);
		u->next_meter = s->now;
		s->st.started++;
		s->st.active++;
	}
	if (u->hz == 0)
		meters_clear(&u->acc); /* meters start now, not with a peak from before */
	u->hz = hz > SUBS_MAX_HZ ? SUBS_MAX_HZ : (unsigned)lrint(hz);
	if (hz > 0.0 && u->hz == 0)
		u->hz = 1;
	ack(s, from, u);
}

static void
unsubscribe(struct subs *s, const struct osc_peer *from, const char *path, const char *types,
            lo_arg **argv, int argc)
{
	char prefix[PARAM_ADDRESS_MAX] = "";
	const char *why = NULL;
	lo_message m;
	size_t plen;
	int n = 0;

	if (argc > 1 || (argc == 1 && !osc_arg_is_string(types[0])))
		why = "expected no argument or a prefix";
	else if (argc == 1)
		why = take_prefix((const char *)argv[0], prefix, &plen);
	if (why) {
		dispatch_reply_error(s->d, from, path, why);
		return;
	}
	for (unsigned i = 0; i < peers_max(s->t); i++) {
		struct sub *u = peers_at(s->t, i);

		if (!u || !osc_peer_equal(peers_peer(s->t, u), from) ||
		    (argc == 1 && strcmp(u->prefix, prefix)))
			continue;
		peers_remove(s->t, u);
		s->st.active--;
		s->st.ended++;
		n++;
	}
	m = lo_message_new();
	if (m) {
		lo_message_add_int32(m, n);
		dispatch_reply(s->d, from, path, m);
	}
}

bool
subs_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
             lo_arg **argv, int argc)
{
	struct subs *s = ctx;

	if (!strcmp(path, "/subscribe"))
		subscribe(s, from, path, types, argv, argc);
	else if (!strcmp(path, "/unsubscribe"))
		unsubscribe(s, from, path, types, argv, argc);
	else
		return false;
	return true;
}

/* ---- tick ---- */

static void
add_floats(struct outbox *ob, const char *path, const float *v, unsigned n)
{
	lo_message m = lo_message_new();

	if (!m)
		return;
	for (unsigned i = 0; i < n; i++)
		lo_message_add_float(m, v[i]);
	outbox_add(ob, path, m);
	lo_message_free(m);
}

static void
send_meters(struct subs *s, struct sub *u, const struct feedback_frame *f)
{
	const struct meter_frame *a = &u->acc;
	unsigned n = params_n_strips(model_params(s->m));
	char path[48];
	float v[METER_MASTER_N];

	for (unsigned k = 0; k < n; k++) {
		if (!u->strip_meter[k])
			continue;
		snprintf(path, sizeof(path), "/meter/strip/%u", k + 1);
		add_floats(&s->ob, path, v, meter_vector_strip(a, k, v));
	}
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
		if (!u->bus_meter[b])
			continue;
		snprintf(path, sizeof(path), "/meter/bus/%s", engine_bus_names[b]);
		add_floats(&s->ob, path, v, meter_vector_bus(a, b, v));
	}
	for (unsigned k = 0; k < params_n_aux(model_params(s->m)); k++) {
		if (!u->aux_meter[k])
			continue;
		snprintf(path, sizeof(path), "/meter/aux/%u", k + 1);
		add_floats(&s->ob, path, v, meter_vector_aux(a, k, v));
	}
	if (u->monitor_meter)
		add_floats(&s->ob, "/meter/monitor", v, meter_vector_monitor(a, v));
	if (u->master_meter)
		add_floats(&s->ob, "/meter/master", v, meter_vector_master(a, v));
	/* only while the multiband is in: a subscriber that never uses it sees no new traffic */
	if (u->mb_meter && s->mb_on >= 0 && model_get(s->m, (unsigned)s->mb_on) >= 0.5f)
		add_floats(&s->ob, "/meter/master/multiband", v, meter_vector_multiband(a, v));
	if (u->loudness)
		add_floats(&s->ob, "/loudness", f->loudness, DISPATCH_LOUDNESS_N);
	meters_clear(&u->acc);
}

/* Sends the next part of a new subscriber's snapshot: current values under its prefix. */
static void
send_snapshot(struct subs *s, struct sub *u)
{
	const struct params *ps = model_params(s->m);
	unsigned n = params_count(ps), sent = 0;

	for (; u->snapshot < n && sent < SNAPSHOT_PER_TICK; u->snapshot++) {
		const struct param *p = params_at(ps, u->snapshot);
		lo_message m;

		if (!covers(u, p->address))
			continue;
		m = dispatch_value_message(s->m, u->snapshot);
		if (m) {
			outbox_add(&s->ob, p->address, m);
			lo_message_free(m);
		}
		sent++;
	}
}

static void
send_changes(struct subs *s, struct sub *u, const struct feedback_frame *f, lo_message *msgs)
{
	const struct params *ps = model_params(s->m);

	for (unsigned c = 0; c < f->n_changed; c++) {
		const struct param *p = params_at(ps, f->changed[c]);

		if (!covers(u, p->address))
			continue;
		/* each changed value is built once per tick and shared by every subscriber */
		if (!msgs[c])
			msgs[c] = dispatch_value_message(s->m, f->changed[c]);
		if (msgs[c])
			outbox_add(&s->ob, p->address, msgs[c]);
	}
}

static void
serve(struct subs *s, struct sub *u, const struct feedback_frame *f, lo_message *msgs)
{
	uint64_t period;

	outbox_begin(&s->ob, s->srv, peers_peer(s->t, u));
	send_changes(s, u, f, msgs);
	send_snapshot(s, u);
	if (u->hz) {
		meters_fold(&u->acc, f->fresh);
		period = 1000000000ull / u->hz;
		if (f->now_ns >= u->next_meter) {
			send_meters(s, u, f);
			/* the next send is due one period after this one was due, so the average
			 * rate is exact whatever the tick's jitter; after a stall it starts over */
			u->next_meter += period;
			if (u->next_meter <= f->now_ns)
				u->next_meter = f->now_ns + period;
		}
	}
	outbox_flush(&s->ob);
}

void
subs_tick(struct subs *s, const struct feedback_frame *f)
{
	lo_message stack_msgs[256], *msgs = stack_msgs;

	if (!s->ticked) {
		/* a subscription that came before the first tick was stamped with time 0: its
		 * lease and meter schedule start now, or the first tick would expire it */
		peers_shift(s->t, f->now_ns);
		for (unsigned i = 0; i < peers_max(s->t); i++) {
			struct sub *u = peers_at(s->t, i);

			if (u)
				u->next_meter += f->now_ns;
		}
		s->ticked = true;
	}
	s->now = f->now_ns;
	if (f->n_changed > 256) {
		msgs = calloc(f->n_changed, sizeof(*msgs));
		if (!msgs)
			return; /* out of memory: this tick's changes are lost, nothing else */
	} else {
		memset(stack_msgs, 0, sizeof(stack_msgs));
	}
	{
		/* those unrenewed for SUBS_LEASE_NS lapse; the rest are served */
		unsigned n = peers_expire(s->t, f->now_ns);

		s->st.active -= n;
		s->st.expired += n;
	}
	for (unsigned i = 0; i < peers_max(s->t); i++) {
		struct sub *u = peers_at(s->t, i);

		if (u)
			serve(s, u, f, msgs);
	}
	for (unsigned c = 0; c < f->n_changed; c++)
		if (msgs[c])
			lo_message_free(msgs[c]);
	if (msgs != stack_msgs)
		free(msgs);
}

void
subs_get_stats(const struct subs *s, struct subs_stats *out)
{
	*out = s->st;
	out->datagrams = s->ob.datagrams;
	out->messages = s->ob.messages;
	out->bytes = s->ob.bytes;
	out->send_errors = s->ob.errors;
}
