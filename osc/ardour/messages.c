/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * messages: the two dispatch handlers, and which Ardour message goes to which file. The early
 * one is asked before the parameter table, for the addresses that are both native and Ardour's.
 */
#include "ardour_private.h"

#include <string.h>

static bool
handle(struct ardour *a, const struct osc_peer *from, const char *path, const char *types,
       lo_arg **argv, int argc, bool early)
{
	struct ardour_surface *s;
	bool real;

	a->answer_cut = false;
	if (early) {
		/* only a peer with a surface speaks Ardour on the native addresses; every message
		 * passes here first, so the cheap tests go first */
		if (!a->st.surfaces ||
		    (strncmp(path, "/strip/", 7) && strncmp(path, "/master/", 8)) ||
		    !ardour_surface_lookup(a, from))
			return false;
	} else if (!strcmp(path, "/set_surface") || !strncmp(path, "/set_surface/", 13)) {
		ardour_set_surface(a, from, path, types, argv, argc);
		a->st.messages++;
		return true;
	}
	s = ardour_surface_serving(a, from, &real);
	if (!strncmp(path, "/strip", 6)) {
		if (!ardour_strip_message(a, s, real, path, types, argv, argc, early))
			return false;
	} else if (!strncmp(path, "/master/", 8)) {
		if (!ardour_master_message(a, s, path, types, argv, argc, early))
			return false;
	} else if (early) {
		return false;
	} else if (!strcmp(path, "/bank_up") || !strcmp(path, "/bank_down")) {
		ardour_bank_message(a, s, real, path[6] == 'u', types, argv, argc);
	} else if (!strcmp(path, "/cancel_all_solos")) {
		ardour_cancel_all_solos(a, types, argv, argc);
	} else if (!strcmp(path, "/refresh")) {
		if (real)
			ardour_dump_all(a, s);
	} else if (ardour_global_silent(path)) {
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
