/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oscquery: mixd's address space as the OSCQuery protocol describes it (Vidvox, "OSCQuery
 * Proposal", github.com/Vidvox/OSCQueryProposal), made from the parameter table, so a parameter
 * added there appears here with its type, range, unit and description.
 *
 * The tree holds one node per path segment: containers (/strip, /strip/3, /strip/3/eq) carry
 * FULL_PATH, ACCESS 0 and CONTENTS; each parameter carries FULL_PATH, TYPE, ACCESS 3, VALUE,
 * RANGE, CLIPMODE, UNIT (where the spec's unit vocabulary has it) and DESCRIPTION. Values are the
 * model's at the time of the request, in OSC's units: a fader at off reads -144, enums their
 * choice's name.
 */
#ifndef MIXD_OSCQUERY_H
#define MIXD_OSCQUERY_H

#include "jbuf.h"

struct params;
struct model;

/* What HOST_INFO reports. */
struct oscquery_host {
	const char *name;   /* the console's name */
	const char *osc_ip; /* the UDP port's address, or NULL when it listens on every interface */
	int osc_port;       /* the UDP port */
};

struct oscquery;

/* Control thread. Builds the tree for ps (which must outlive it). NULL when out of memory. */
struct oscquery *oscquery_new(const struct params *ps);
void oscquery_free(struct oscquery *q);

/* Control thread. The reply to an HTTP GET of path with the query string query (NULL or "" for
 * none; else one attribute name: VALUE, TYPE, RANGE, ACCESS, DESCRIPTION, UNIT, CLIPMODE,
 * FULL_PATH, CONTENTS, or HOST_INFO) as JSON in out. Returns the HTTP status: 200 with the
 * JSON, 204 when the node has no such attribute (a container's VALUE), 400 for a query that is
 * not an attribute, 404 for a path that is not in the tree; 500 when out holds no complete
 * reply (it overflowed). */
int oscquery_get(const struct oscquery *q, const struct model *m, const struct oscquery_host *h,
                 const char *path, const char *query, struct jbuf *out);

/* Control thread. The parameter index at address, or -1: what LISTEN takes. */
int oscquery_param(const struct oscquery *q, const char *address);

#endif
