/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * surfaces: the Ardour surfaces, entries of a peer table (osc/peers.h, whose one policy says who
 * makes room for a newcomer and whose lease ran out): who is a surface, the counters of that
 * room and those leases, and what a surface's bank shows (Ardour's strip and bank arithmetic).
 */
#include "ardour_private.h"

#include <arpa/inet.h>
#include <string.h>

/* A new surface's strip types (Ardour's default_strip) */
#define DEFAULT_STRIP_TYPES 31

void
ardour_surface_defaults(struct ardour_surface *s)
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

void
ardour_peer_set_port(struct osc_peer *p, uint16_t port)
{
	if (p->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&p->addr)->sin_port = htons(port);
	else if (p->addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&p->addr)->sin6_port = htons(port);
}

/* The surface a peer's messages belong to: the one it set up from that very address, else one
 * on its host that named a reply port (Ardour's manual port mode: one surface per host). */
struct ardour_surface *
ardour_surface_lookup(struct ardour *a, const struct osc_peer *from)
{
	struct ardour_surface *s = peers_find(a->sur, from, NULL);

	for (unsigned i = 0; !s && i < peers_max(a->sur); i++) {
		struct ardour_surface *c = peers_at(a->sur, i);

		if (c && c->manual_port && osc_peer_same_host(peers_peer(a->sur, c), from))
			s = c;
	}
	return s;
}

/* A new surface for peer from, in the place the peer table's policy (peers.h) gives it, the
 * counters told what made that room. NULL: the table is fairly shared and full, and a working
 * surface is not evicted for a newcomer. */
struct ardour_surface *
ardour_surface_create(struct ardour *a, const struct osc_peer *from)
{
	enum peers_room room;
	struct ardour_surface *s = peers_add(a->sur, from, a->now_ns, &room);

	if (!s)
		return NULL;
	if (room == PEERS_FREE)
		a->st.surfaces++;
	else if (room == PEERS_LAPSED)
		a->st.expired++; /* one forgotten, one known: surfaces stays */
	else
		a->st.evicted++;
	ardour_surface_defaults(s);
	s->key = *from;
	s->reply = *from;
	return s;
}

/* The serving surface for a peer: its own, or the default one Ardour gives an unknown peer (no
 * banking, no feedback, replies to the sender). */
struct ardour_surface *
ardour_surface_serving(struct ardour *a, const struct osc_peer *from, bool *real)
{
	struct ardour_surface *s = ardour_surface_lookup(a, from);

	*real = s != NULL;
	if (s) {
		peers_heard(a->sur, s, a->now_ns);
		return s;
	}
	ardour_surface_defaults(&a->anon);
	a->anon.f[F_FEEDBACK] = 0;
	a->anon.key = a->anon.reply = *from;
	return &a->anon;
}

void
ardour_surfaces_expire(struct ardour *a, uint64_t now_ns)
{
	/* a surface not heard from for a lease is forgotten: a tablet that went away, or feedback
	 * aimed somewhere by someone long gone, does not stream on forever */
	unsigned n = peers_expire(a->sur, now_ns);

	a->st.surfaces -= n;
	a->st.expired += n;
}

/* Strips the surface sees: all of them when it asks for audio tracks, none otherwise. */
unsigned
ardour_visible(const struct ardour *a, const struct ardour_surface *s)
{
	return (s->f[F_TYPES] & STRIP_TYPE_AUDIO_TRACK) ? a->n_strips : 0;
}

/* Slots of its bank: bank_size, or every strip when it does not bank. */
unsigned
ardour_n_slots(const struct ardour *a, const struct ardour_surface *s)
{
	if (s->f[F_BANK] > 0)
		return s->f[F_BANK] > ENGINE_MAX_STRIPS ? ENGINE_MAX_STRIPS
		                                        : (unsigned)s->f[F_BANK];
	return ardour_visible(a, s);
}

/* The strip (0-based) at ssid, or -1. Like Ardour's get_strip, an ssid past the bank size still
 * reaches the strip that far from the bank's start. */
int
ardour_strip_at(const struct ardour *a, const struct ardour_surface *s, long ssid)
{
	long k = ssid + (long)s->bank - 2;

	if (ssid < 1 || k >= (long)ardour_visible(a, s))
		return -1;
	return (int)k;
}

/* The ssid strip k has on s, or 0 when its bank does not show it. */
unsigned
ardour_ssid_of(const struct ardour *a, const struct ardour_surface *s, unsigned k)
{
	if (k + 1 < s->bank || k >= ardour_visible(a, s))
		return 0;
	return k + 2 - s->bank <= ardour_n_slots(a, s) ? k + 2 - s->bank : 0;
}

/* Ardour's bank_limits_check: the last bank is always full when there are enough strips. */
unsigned
ardour_bank_limit(const struct ardour *a, const struct ardour_surface *s, long bank)
{
	unsigned total = ardour_visible(a, s),
	         size = s->f[F_BANK] > 0 ? ardour_n_slots(a, s) : total;

	if (bank < 1 || size >= total)
		return 1;
	if (bank > (long)(total - size + 1))
		return total - size + 1;
	return (unsigned)bank;
}
