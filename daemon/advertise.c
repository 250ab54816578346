/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "advertise.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/domain.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADVERTISE_TYPE "_osc._udp"

struct advertise {
	AvahiThreadedPoll *poll;
	AvahiClient *client;    /* Avahi's thread only, once started */
	AvahiEntryGroup *group; /* Avahi's thread only */
	char console[64];
	char *service; /* the name announced: "NAME on HOST", or Avahi's alternative */
	uint16_t port;
};

static void publish(struct advertise *a, AvahiClient *c);

/* Avahi's thread. */
static void
on_group(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct advertise *a = arg;
	char *alt;

	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		fprintf(stderr, "mixd: announced \"%s\" (%s, port %u) by DNS-SD\n", a->service,
		        ADVERTISE_TYPE, (unsigned)a->port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* another host has the name: take Avahi's next ("... #2") */
		alt = avahi_alternative_service_name(a->service);
		avahi_free(a->service);
		a->service = alt;
		fprintf(stderr, "mixd: DNS-SD name taken, announcing as \"%s\"\n", a->service);
		avahi_entry_group_reset(g);
		publish(a, avahi_entry_group_get_client(g));
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		fprintf(stderr, "mixd: DNS-SD announcement failed: %s\n",
		        avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
		break;
	default:
		break;
	}
}

/* Avahi's thread: adds the service to the (new or reset) entry group and commits it. */
static void
publish(struct advertise *a, AvahiClient *c)
{
	int rc;

	if (!a->service) {
		char name[AVAHI_LABEL_MAX];

		/* a DNS label is at most 63 bytes: both parts cut to fit, never the " on " */
		snprintf(name, sizeof(name), "%.24s on %.34s", a->console,
		         avahi_client_get_host_name(c));
		a->service = avahi_strdup(name);
		if (!a->service)
			return;
	}
	if (!a->group) {
		a->group = avahi_entry_group_new(c, on_group, a);
		if (!a->group) {
			fprintf(stderr, "mixd: DNS-SD: %s\n",
			        avahi_strerror(avahi_client_errno(c)));
			return;
		}
	}
	if (!avahi_entry_group_is_empty(a->group))
		return;
	rc = avahi_entry_group_add_service(a->group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0,
	                                   a->service, ADVERTISE_TYPE, NULL, NULL, a->port, NULL);
	if (rc == AVAHI_ERR_COLLISION) {
		on_group(a->group, AVAHI_ENTRY_GROUP_COLLISION, a);
		return;
	}
	if (rc >= 0)
		rc = avahi_entry_group_commit(a->group);
	if (rc < 0)
		fprintf(stderr, "mixd: DNS-SD: cannot announce \"%s\": %s\n", a->service,
		        avahi_strerror(rc));
}

/* Avahi's thread (and avahi_client_new's caller, before the thread runs). */
static void
on_client(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct advertise *a = arg;

	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		publish(a, c);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* the host name changes: announce again once the server runs */
		if (a->group)
			avahi_entry_group_reset(a->group);
		break;
	case AVAHI_CLIENT_CONNECTING:
		fprintf(stderr, "mixd: DNS-SD: no avahi-daemon yet, announcing once it runs\n");
		break;
	case AVAHI_CLIENT_FAILURE:
		/* the daemon went away: AVAHI_CLIENT_NO_FAIL keeps the client waiting for it, but
		 * the group died with the connection */
		fprintf(stderr, "mixd: DNS-SD: %s\n", avahi_strerror(avahi_client_errno(c)));
		a->group = NULL;
		break;
	default:
		break;
	}
}

struct advertise *
advertise_start(const char *name, uint16_t port, char *err, size_t errlen)
{
	struct advertise *a = calloc(1, sizeof(*a));
	int rc;

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(a->console, sizeof(a->console), "%s", name);
	a->port = port;
	a->poll = avahi_threaded_poll_new();
	if (!a->poll) {
		snprintf(err, errlen, "cannot create Avahi's poll");
		goto fail;
	}
	a->client = avahi_client_new(avahi_threaded_poll_get(a->poll), AVAHI_CLIENT_NO_FAIL,
	                             on_client, a, &rc);
	if (!a->client) {
		snprintf(err, errlen, "Avahi client: %s", avahi_strerror(rc));
		goto fail;
	}
	if (avahi_threaded_poll_start(a->poll) < 0) {
		snprintf(err, errlen, "cannot start Avahi's thread");
		goto fail;
	}
	return a;
fail:
	advertise_stop(a);
	return NULL;
}

void
advertise_stop(struct advertise *a)
{
	if (!a)
		return;
	/* stopping joins the thread: from here on everything is this thread's */
	if (a->poll)
		avahi_threaded_poll_stop(a->poll);
	if (a->client)
		avahi_client_free(a->client); /* frees the group, withdrawing the service */
	if (a->poll)
		avahi_threaded_poll_free(a->poll);
	avahi_free(a->service);
	free(a);
}
