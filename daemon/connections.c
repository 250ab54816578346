/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "connections.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "statedir.h"

#define MS_NS 1000000ull
/* Pairs disconnected by request, remembered for CONNECTIONS_SETTLE_MS: JACK2 shows clients a
 * change from the next cycle on, so a snapshot read just after our jack_disconnect (on the
 * news of an earlier change) may still see the pair and must not bring it back. */
#define TOMBS 16

struct entry {
	struct conn_pair p;
	enum connections_state st;
	uint64_t settle_ns; /* CONNECTIONS_SETTLING: when to look again */
	bool seen;          /* scratch of update(): found connected in this snapshot */
};

struct connections {
	struct entry *v;
	unsigned n;
	jack_client_t *client; /* NULL while detached */
	char path[PATH_MAX + 32];
	bool dirty; /* the set of pairs changed since the last write */
	uint64_t last_save_ns, next_retry_ns;
	struct connections_stats st;
	struct conn_pair *scratch; /* CONN_MAX pairs for reading and writing the file */
	struct {
		struct conn_pair p;
		uint64_t until_ns;
	} tomb[TOMBS];
	unsigned next_tomb;
};

struct connections *
connections_new(const char *state_dir)
{
	struct connections *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->v = calloc(CONN_MAX, sizeof(*c->v));
	c->scratch = calloc(CONN_MAX, sizeof(*c->scratch));
	if (!c->v || !c->scratch ||
	    snprintf(c->path, sizeof(c->path), "%s/connections", state_dir) >=
	        (int)sizeof(c->path)) {
		connections_free(c);
		return NULL;
	}
	return c;
}

void
connections_free(struct connections *c)
{
	if (!c)
		return;
	free(c->scratch);
	free(c->v);
	free(c);
}

int
connections_load(struct connections *c, char *err, size_t errlen)
{
	int n = conn_file_read(c->path, c->scratch, err, errlen);

	if (n == -ENOENT)
		return 0;
	if (n == -EINVAL || n == -EFBIG) {
		/* kept for inspection, never over an earlier bad copy (statedir.h) */
		char bad[sizeof(c->path) + 16];

		statedir_keep_bad(c->path, bad, sizeof(bad));
		return n;
	}
	if (n < 0)
		return n;
	c->n = 0;
	for (int i = 0; i < n; i++) {
		bool dup = false;

		for (unsigned k = 0; k < c->n && !dup; k++)
			dup = !strcmp(c->v[k].p.ours, c->scratch[i].ours) &&
			      !strcmp(c->v[k].p.peer, c->scratch[i].peer);
		if (dup)
			continue;
		c->v[c->n].p = c->scratch[i];
		c->v[c->n].st = CONNECTIONS_PENDING;
		c->n++;
	}
	return (int)c->n;
}

int
connections_save(struct connections *c, uint64_t now_ns)
{
	char err[512];
	int ret;

	if (!c->dirty)
		return 0;
	for (unsigned i = 0; i < c->n; i++)
		c->scratch[i] = c->v[i].p;
	c->last_save_ns = now_ns;
	ret = conn_file_write(c->path, c->scratch, c->n, err, sizeof(err));
	if (ret) {
		c->st.save_errors++;
		fprintf(stderr, "mixd: saving connections: %s\n", err);
		return ret;
	}
	c->dirty = false;
	return 0;
}

/* ---- the graph ---- */

/* Our client's name and ':' (the prefix of our full port names), in buf. */
static size_t
our_prefix(const struct connections *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s:", jack_get_client_name(c->client));
	return strlen(buf);
}

static jack_port_t *
our_port(const struct connections *c, const char *ours)
{
	char full[CONN_OURS_MAX + 80];

	snprintf(full, sizeof(full), "%s:%s", jack_get_client_name(c->client), ours);
	return jack_port_by_name(c->client, full);
}

static struct entry *
find(struct connections *c, const char *ours, const char *peer)
{
	for (unsigned i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].p.ours, ours) && !strcmp(c->v[i].p.peer, peer))
			return &c->v[i];
	return NULL;
}

static void
forget(struct connections *c, struct entry *e)
{
	*e = c->v[--c->n];
	c->dirty = true;
}

/* Connects our port to a peer in the direction our port's flags dictate. Returns 0 when
 * connected (or already), -ENOENT when a port is missing, -EIO when JACK refused. */
static int
make(struct connections *c, const char *ours, const char *peer)
{
	jack_port_t *p = our_port(c, ours);
	int rc;

	if (!p || !jack_port_by_name(c->client, peer))
		return -ENOENT;
	if (jack_port_flags(p) & JackPortIsInput)
		rc = jack_connect(c->client, peer, jack_port_name(p));
	else
		rc = jack_connect(c->client, jack_port_name(p), peer);
	return rc == 0 || rc == EEXIST ? 0 : -EIO;
}

static void
make_pending(struct connections *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct entry *e = &c->v[i];

		if (e->st == CONNECTIONS_PENDING && make(c, e->p.ours, e->p.peer) == 0) {
			e->st = CONNECTIONS_CONNECTED;
			c->st.made++;
		}
	}
}

void
connections_attach(struct connections *c, jack_client_t *client, uint64_t now_ns)
{
	c->client = client;
	for (unsigned i = 0; i < c->n; i++)
		c->v[i].st = CONNECTIONS_PENDING;
	make_pending(c);
	connections_update(c, now_ns);
}

void
connections_detach(struct connections *c)
{
	c->client = NULL;
	for (unsigned i = 0; i < c->n; i++)
		c->v[i].st = CONNECTIONS_PENDING;
}

/* Whether the pair was disconnected by request less than CONNECTIONS_SETTLE_MS ago. */
static bool
tombstoned(const struct connections *c, const char *ours, const char *peer, uint64_t now_ns)
{
	for (unsigned i = 0; i < TOMBS; i++)
		if (c->tomb[i].until_ns > now_ns && !strcmp(c->tomb[i].p.ours, ours) &&
		    !strcmp(c->tomb[i].p.peer, peer))
			return true;
	return false;
}

/* Records a connection of our port (short name) to peer seen on the server. */
static void
seen(struct connections *c, const char *ours, const char *peer, uint64_t now_ns)
{
	struct entry *e = find(c, ours, peer);

	if (!e) {
		if (tombstoned(c, ours, peer, now_ns))
			return; /* a stale view of what we just disconnected */
		if (c->n == CONN_MAX || strlen(ours) > CONN_OURS_MAX ||
		    !conn_file_name_ok(peer, CONN_PEER_MAX, true)) {
			c->st.refused++;
			return;
		}
		e = &c->v[c->n++];
		snprintf(e->p.ours, sizeof(e->p.ours), "%s", ours);
		snprintf(e->p.peer, sizeof(e->p.peer), "%s", peer);
		c->dirty = true;
	}
	e->st = CONNECTIONS_CONNECTED;
	e->seen = true;
}

void
connections_update(struct connections *c, uint64_t now_ns)
{
	char prefix[128];
	size_t plen;
	const char **ports;

	if (!c->client)
		return;
	plen = our_prefix(c, prefix, sizeof(prefix));
	for (unsigned i = 0; i < c->n; i++)
		c->v[i].seen = false;
	ports = jack_get_ports(c->client, NULL, NULL, 0);
	for (unsigned i = 0; ports && ports[i]; i++) {
		jack_port_t *p;
		const char **peers;

		if (strncmp(ports[i], prefix, plen))
			continue;
		p = jack_port_by_name(c->client, ports[i]);
		peers = p ? jack_port_get_all_connections(c->client, p) : NULL;
		for (unsigned k = 0; peers && peers[k]; k++)
			seen(c, ports[i] + plen, peers[k], now_ns);
		jack_free(peers);
	}
	jack_free(ports);
	for (unsigned i = 0; i < c->n; i++) {
		struct entry *e = &c->v[i];

		if (e->seen || e->st != CONNECTIONS_CONNECTED)
			continue;
		/* gone: a peer that left waits for its return; with both ports still there it
		 * may be the user or a closing peer: settle before deciding */
		if (our_port(c, e->p.ours) && jack_port_by_name(c->client, e->p.peer)) {
			e->st = CONNECTIONS_SETTLING;
			e->settle_ns = now_ns + CONNECTIONS_SETTLE_MS * MS_NS;
		} else {
			e->st = CONNECTIONS_PENDING;
		}
	}
	make_pending(c);
}

/* Whether our port ours is connected to peer right now. */
static bool
is_connected(const struct connections *c, const char *ours, const char *peer)
{
	jack_port_t *p = our_port(c, ours);

	return p && jack_port_connected_to(p, peer);
}

void
connections_tick(struct connections *c, uint64_t now_ns)
{
	if (c->client) {
		for (unsigned i = 0; i < c->n; i++) {
			struct entry *e = &c->v[i];

			if (e->st != CONNECTIONS_SETTLING || now_ns < e->settle_ns)
				continue;
			if (is_connected(c, e->p.ours, e->p.peer)) {
				e->st = CONNECTIONS_CONNECTED;
			} else if (our_port(c, e->p.ours) &&
			           jack_port_by_name(c->client, e->p.peer)) {
				/* both still there, not connected: someone removed it */
				c->st.forgotten++;
				forget(c, e);
				i--; /* the last entry moved here */
			} else {
				e->st = CONNECTIONS_PENDING;
			}
		}
		if (now_ns >= c->next_retry_ns) {
			c->next_retry_ns = now_ns + CONNECTIONS_RETRY_MS * MS_NS;
			make_pending(c);
		}
	}
	if (c->dirty && now_ns - c->last_save_ns >= CONNECTIONS_SAVE_MS * MS_NS)
		connections_save(c, now_ns);
}

/* ---- requests ---- */

/* Our port's short name from a short or full name of ours, into out. Returns 0 or -EINVAL. */
static int
short_name(const struct connections *c, const char *ours, char *out, size_t n, char *err,
           size_t errlen)
{
	char prefix[128];
	size_t plen = our_prefix(c, prefix, sizeof(prefix));

	if (!strncmp(ours, prefix, plen))
		ours += plen;
	if (!conn_file_name_ok(ours, CONN_OURS_MAX, false) || strchr(ours, ':')) {
		snprintf(err, errlen, "bad port name (one of %.64s's ports, like in_1)", prefix);
		return -EINVAL;
	}
	snprintf(out, n, "%s", ours);
	return 0;
}

int
connections_connect(struct connections *c, const char *ours, const char *peer,
                    enum connections_state *state, char *err, size_t errlen)
{
	char prefix[128], name[CONN_OURS_MAX + 1];
	jack_port_t *p, *q;
	struct entry *e;
	size_t plen;
	bool fresh;
	int ret;

	if (!c->client) {
		snprintf(err, errlen, "no JACK server");
		return -ENOTCONN;
	}
	plen = our_prefix(c, prefix, sizeof(prefix));
	ret = short_name(c, ours, name, sizeof(name), err, errlen);
	if (ret)
		return ret;
	if (!conn_file_name_ok(peer, CONN_PEER_MAX, true) ||
	    strlen(peer) >= (size_t)jack_port_name_size()) {
		snprintf(err, errlen, "bad peer port name (expected client:port)");
		return -EINVAL;
	}
	if (!strncmp(peer, prefix, plen)) {
		snprintf(err, errlen, "cannot connect mixd to itself");
		return -EINVAL;
	}
	p = our_port(c, name);
	if (!p) {
		snprintf(err, errlen, "no port %s%s", prefix, name);
		return -ENOENT;
	}
	q = jack_port_by_name(c->client, peer);
	if (q) {
		bool in = jack_port_flags(p) & JackPortIsInput;

		if (!(jack_port_flags(q) & (in ? JackPortIsOutput : JackPortIsInput))) {
			snprintf(err, errlen, "%s is %s too", peer, in ? "an input" : "an output");
			return -EINVAL;
		}
		if (strcmp(jack_port_type(p), jack_port_type(q))) {
			snprintf(err, errlen, "%s carries %s, not %s", peer, jack_port_type(q),
			         jack_port_type(p));
			return -EINVAL;
		}
	}
	e = find(c, name, peer);
	fresh = !e;
	if (!e) {
		if (c->n == CONN_MAX) {
			snprintf(err, errlen, "%d connections remembered already", CONN_MAX);
			return -ENOSPC;
		}
		e = &c->v[c->n++];
		snprintf(e->p.ours, sizeof(e->p.ours), "%s", name);
		snprintf(e->p.peer, sizeof(e->p.peer), "%s", peer);
		c->dirty = true;
	}
	e->st = CONNECTIONS_PENDING;
	if (q) {
		if (make(c, name, peer)) {
			if (fresh) /* a refused new one is not remembered; an old one stays */
				forget(c, e);
			snprintf(err, errlen, "JACK refused to connect %s", peer);
			return -EIO;
		}
		e->st = CONNECTIONS_CONNECTED;
	}
	*state = e->st;
	return 0;
}

int
connections_disconnect(struct connections *c, const char *ours, const char *peer, char *err,
                       size_t errlen)
{
	char name[CONN_OURS_MAX + 1];
	struct entry *e;
	bool was = false;
	int ret;

	if (c->client) {
		ret = short_name(c, ours, name, sizeof(name), err, errlen);
		if (ret)
			return ret;
	} else if (conn_file_name_ok(ours, CONN_OURS_MAX, false) && !strchr(ours, ':')) {
		snprintf(name, sizeof(name), "%s", ours); /* no server: a short name only */
	} else {
		snprintf(err, errlen, "bad port name (a short name, like in_1)");
		return -EINVAL;
	}
	if (!conn_file_name_ok(peer, CONN_PEER_MAX, true)) {
		snprintf(err, errlen, "bad peer port name (expected client:port)");
		return -EINVAL;
	}
	if (c->client && is_connected(c, name, peer)) {
		jack_port_t *p = our_port(c, name);

		if (jack_port_flags(p) & JackPortIsInput)
			jack_disconnect(c->client, peer, jack_port_name(p));
		else
			jack_disconnect(c->client, jack_port_name(p), peer);
		snprintf(c->tomb[c->next_tomb].p.ours, sizeof(c->tomb[0].p.ours), "%s", name);
		snprintf(c->tomb[c->next_tomb].p.peer, sizeof(c->tomb[0].p.peer), "%s", peer);
		c->tomb[c->next_tomb].until_ns = clock_ns() + CONNECTIONS_SETTLE_MS * MS_NS;
		c->next_tomb = (c->next_tomb + 1) % TOMBS;
		was = true;
	}
	e = find(c, name, peer);
	if (e) {
		forget(c, e);
		was = true;
	}
	if (!was) {
		snprintf(err, errlen, "%s is not connected to %s", name, peer);
		return -ENOENT;
	}
	return 0;
}

unsigned
connections_count(const struct connections *c)
{
	return c->n;
}

void
connections_get(const struct connections *c, unsigned i, const char **ours, const char **peer,
                enum connections_state *state)
{
	*ours = c->v[i].p.ours;
	*peer = c->v[i].p.peer;
	*state = c->v[i].st;
}

const char *
connections_state_name(enum connections_state s)
{
	switch (s) {
	case CONNECTIONS_CONNECTED:
		return "connected";
	case CONNECTIONS_SETTLING:
		return "settling";
	default:
		return "pending";
	}
}

void
connections_get_stats(const struct connections *c, struct connections_stats *out)
{
	*out = c->st;
}
