/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * personality: one dialect of OSC that mixd speaks to a kind of control surface (Ardour's
 * surface protocol, the Behringer X32's, ...), behind one small interface.
 *
 * Each personality lives in a folder of its own under osc/ and exports one
 * `const struct personality_ops`; the registry (personalities.c) lists them, and the daemon
 * creates, polls, ticks, counts and frees every listed one through these hooks alone. Adding a
 * personality touches its folder, the registry and osc/meson.build; no daemon file.
 *
 * A personality either lives on mixd's control port (it adds dispatch handlers in create, as
 * the Ardour one does) or on a UDP port of its own (port_option names the long option that
 * gives the port, off unless given; fd and receive serve that socket), or both.
 *
 * Thread: every hook runs on the control thread.
 */
#ifndef MIXD_OSC_PERSONALITY_H
#define MIXD_OSC_PERSONALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "allow.h"
#include "dispatch.h"
#include "feedback.h"
#include "server.h"

struct model;

/* Personalities the registry may list (struct options keeps a port for each) */
#define PERSONALITY_MAX 8
/* Sockets of their own the daemon polls, all personalities together; a personality past this
 * bound is not polled (and says so when mixd starts) */
#define PERSONALITY_MAX_FDS 8

/* What a personality is given when mixd starts. Everything pointed to outlives it. */
struct personality_env {
	struct model *m;                    /* the console's values (model.h) */
	struct osc_server *srv;             /* the control port */
	struct dispatch *d;                 /* to add handlers on the control port */
	const struct dispatch_hooks *hooks; /* info (name, rate, ...) and meters */
	const bool *stereo;                 /* n_strips entries: strip k takes two inputs */
	unsigned n_strips;
	/* the personality's own port, from its port_option: 0 when not given (off) */
	int port;
	const char *bind_host;         /* the address mixd binds (--bind); NULL for all */
	const struct allowlist *allow; /* who may talk to mixd (--allow) */
	unsigned rate_limit;           /* messages a second per peer (--osc-rate) */
};

struct personality_ops {
	/* "ardour", "x32": for logs; its /stats counters start with it */
	const char *name;
	/* NULL, or the long option (without "--") that gives it a UDP port of its own, e.g.
	 * "x32-port"; port_default is what the help text suggests */
	const char *port_option;
	int port_default;
	/* Returns the personality, or NULL with a reason in err (out of memory, a port that
	 * cannot be bound). A personality with a port_option whose env->port is 0 may return
	 * NULL with err[0] == '\0': off, not an error. */
	void *(*create)(const struct personality_env *env, char *err, size_t errlen);
	/* Its own socket for poll(2), or -1 when it has none; asked once, as the main loop
	 * starts. NULL: never has one. */
	int (*fd)(const void *p);
	/* That socket is readable: take what is queued (bounded work per call). */
	void (*receive)(void *p);
	/* Once per tick (10 ms), after the model's changes were popped: feedback. */
	void (*tick)(void *p, const struct feedback_frame *f);
	/* Fills up to max counters named "<name>_...", returns how many. */
	unsigned (*stats)(const void *p, struct dispatch_stat *out, unsigned max);
	/* NULL is accepted. */
	void (*free)(void *p);
};

/* The registry: every personality mixd has, in the order they are created and asked. */
extern const struct personality_ops *const personality_registry[];
extern const unsigned personality_count;

#endif
