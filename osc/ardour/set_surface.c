/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * set_surface: /set_surface in its three forms (the fields as arguments, in the path, one
 * field by name), the reply to a bare /set_surface, and what new fields change.
 */
#include "ardour_private.h"

#include <stdlib.h>
#include <string.h>

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

/* Argument i as a /set_surface field: truncated toward zero, as Ardour's (int) casts. */
static bool
arg_field(const char *types, lo_arg **argv, int argc, int i, int32_t *v)
{
	double d;

	if (!ardour_arg_num(types, argv, argc, i, &d) || d < -2147483648.0 || d > 2147483647.0)
		return false;
	*v = (int32_t)d;
	return true;
}

static void
set_surface_reply(struct ardour *a, const struct ardour_surface *s)
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
	ardour_send_msg(a, &s->reply, "/set_surface", m);
}

/* Applies new field values f to s: the reply port, the bank, and a full feedback dump. */
static void
apply_fields(struct ardour *a, struct ardour_surface *s, const int32_t *f, bool bank_to_first)
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
		ardour_peer_set_port(&s->reply, (uint16_t)port);
	} else {
		s->f[F_PORT] = old_port;
	}
	if (bank_to_first)
		s->bank = 1;
	s->bank = ardour_bank_limit(a, s, s->bank);
	ardour_dump_all(a, s);
}

/* "/set_surface/8/135/8863/1": the fields in order, then the argument fills the next one. */
static void
set_surface_inline(struct ardour *a, struct ardour_surface *s, const char *p, const char *types,
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

void
ardour_set_surface(struct ardour *a, const struct osc_peer *from, const char *path,
                   const char *types, lo_arg **argv, int argc)
{
	struct ardour_surface *s = ardour_surface_lookup(a, from);
	const char *sub = path + strlen("/set_surface");
	int32_t f[F_N];

	if (!s)
		s = ardour_surface_create(a, from);
	if (!s) {
		/* the table is fairly shared and full: Ardour's way of saying no is silence, but a
		 * surface waiting for its dump must learn why */
		a->st.refused++;
		dispatch_reply_error(a->d, from, path, "surface table full");
		return;
	}
	peers_heard(a->sur, s, a->now_ns);
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
