/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixctl_ports: mixctl's connections, connect and disconnect commands: the JACK connections
 * mixd remembers (mixd's /connections, /connect, /disconnect).
 */
#ifndef MIXCTL_PORTS_H
#define MIXCTL_PORTS_H

#include "mixctl_conn.h"

/* The arguments each command takes: connections none, connect and disconnect two. Returns
 * -1 when n is right, or prints the complaint and returns MIXCTL_USAGE. */
int ports_parse(const char *cmd, int n);

/* connections: one "OURS PEER STATE" line per remembered connection. connect OURS PEER /
 * disconnect OURS PEER: the pair and what it is now. Return an exit status. */
int ports_list(struct conn *c);
int ports_connect(struct conn *c, const char *ours, const char *peer);
int ports_disconnect(struct conn *c, const char *ours, const char *peer);

#endif
