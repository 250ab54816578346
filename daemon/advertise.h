/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * advertise: mixd's OSC port announced by DNS-SD (mDNS) through the Avahi daemon, as an
 * _osc._udp service named "NAME on HOST", so that TouchOSC, Open Stage Control and other OSC
 * surfaces list it. Only with --advertise.
 *
 * Avahi's client runs on a thread of its own (avahi_threaded_poll): every Avahi callback runs
 * there, with the name and port copied in at start, so the control thread shares nothing with
 * it but start and stop. Without a running avahi-daemon nothing fails: the client waits for
 * one and announces when it appears (and again after it restarts). A name another host already
 * announces gets Avahi's alternative ("mixd on desk #2").
 */
#ifndef MIXD_ADVERTISE_H
#define MIXD_ADVERTISE_H

#include <stddef.h>
#include <stdint.h>

struct advertise;

/* Control thread. Starts announcing the OSC port port under name (the console's name). Returns
 * NULL with a reason in err when Avahi's client or its thread cannot be made. */
struct advertise *advertise_start(const char *name, uint16_t port, char *err, size_t errlen);

/* Control thread. Withdraws the announcement and stops the thread. NULL is accepted. */
void advertise_stop(struct advertise *a);

#endif
