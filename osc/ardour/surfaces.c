/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * surfaces: the table of Ardour surfaces (who is one, who makes room for a newcomer, whose
 * lease ran out) and what a surface's bank shows (Ardour's strip and bank arithmetic).
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
host_surfaces(struct ardour *a, const struct osc_peer *from, struct ardour_surface **oldest)
{
	unsigned n = 0;

	*oldest = NULL;
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++) {
		struct ardour_surface *c = &a->sur[i];
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
struct ardour_surface *
ardour_surface_create(struct ardour *a, const struct osc_peer *from)
{
	struct ardour_surface *s = NULL, *mine, *unused;
	unsigned most = 0;

	if (host_surfaces(a, from, &mine) >= ARDOUR_PER_HOST) {
		s = mine;
	} else {
		for (unsigned i = 0; i < ARDOUR_MAX_SURFACES && !s; i++)
			if (!a->sur[i].used)
				s = &a->sur[i];
		for (unsigned i = 0; i < ARDOUR_MAX_SURFACES && !s; i++) {
			struct ardour_surface *c = &a->sur[i], *first;
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
	ardour_surface_defaults(s);
	s->used = true;
	s->key = *from;
	s->reply = *from;
	s->heard_ns = a->now_ns;
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
		s->heard = ++a->heard;
		s->heard_ns = a->now_ns;
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
	for (unsigned i = 0; i < ARDOUR_MAX_SURFACES; i++) {
		struct ardour_surface *c = &a->sur[i];
		if (c->used && now_ns > c->heard_ns + ARDOUR_LEASE_NS) {
			c->used = false;
			a->st.surfaces--;
			a->st.expired++;
		}
	}
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
