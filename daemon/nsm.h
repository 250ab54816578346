/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsm: mixd as a client of a Non / New Session Manager (docs/nsm.md).
 *
 * When NSM_URL is set the manager launched us without arguments and owns where our state lives
 * and what our JACK client is called, so nothing else may start before it says: nsm_begin
 * announces, waits for the reply and for /nsm/client/open, and rewrites the options (state
 * directory = the session path, JACK name = the client id, an ephemeral OSC port unless one was
 * asked for). Afterwards the manager's socket is one more fd in the control thread's poll loop:
 * /nsm/client/save writes the state now, and nsm_tick tells the manager when the console becomes
 * dirty and clean again.
 *
 * The protocol has its own UDP socket, connected to the manager's address: it is not the control
 * port (whose allowlist is for surfaces), and a connected socket receives only the manager's
 * datagrams. liblo only (de)serialises messages here, as in the control port.
 */
#ifndef MIXD_NSM_H
#define MIXD_NSM_H

#include <stdbool.h>
#include <stddef.h>

struct options;
struct nsm;

/* Codes of /error replies, from the NSM API. */
#define NSM_ERR_GENERAL       (-1)
#define NSM_ERR_NOT_NOW       (-8)
#define NSM_ERR_BAD_PROJECT   (-9)
#define NSM_ERR_CREATE_FAILED (-10)

/* How long the manager has to answer the announce. */
#define NSM_REPLY_MS 10000

/* Overrides the OSC port under NSM (default there: 0, a free port). */
#define NSM_PORT_ENV "MIXD_OSC_PORT"

/* Writes the state now. Returns 0, or a negative errno with a message in err. */
typedef int (*nsm_save_fn)(void *ctx, char *err, size_t errlen);

/* Control thread, before anything opens JACK or reads state. Without NSM_URL: *out = NULL and
 * returns 0. With it: announces (application "mixd", executable the basename of argv0), waits up
 * to NSM_REPLY_MS for the manager's reply, then (without limit) for /nsm/client/open, and
 * rewrites o: state_dir = the session path (created), name = the client id, and the OSC listen
 * address 127.0.0.1:0 unless o->listen_given or NSM_PORT_ENV says otherwise. Returns 0 with *out
 * set; -EINVAL for a bad NSM_URL or NSM_PORT_ENV (exit 2); another negative errno when the
 * manager refused, did not answer or sent an unusable open (exit 1). A message is in err. After
 * a failure on open the manager has had its /error reply. */
int nsm_begin(struct nsm **out, struct options *o, const char *argv0, char *err, size_t errlen);

/* Control thread, after set-up. Replies to the pending open: "opened" if ok, else
 * /error ERR_GENERAL with why (may be NULL). When ok, reports the OSC port as a message and
 * remembers save/ctx for /nsm/client/save. n may be NULL (no NSM). */
void nsm_opened(struct nsm *n, bool ok, const char *why, int osc_port, nsm_save_fn save, void *ctx);

/* Control thread. The socket to poll (-1 when n is NULL). */
int nsm_fd(const struct nsm *n);

/* Control thread. Reads and acts on whatever the manager sent (save: calls save_fn and replies).
 * Never blocks. n may be NULL. */
void nsm_receive(struct nsm *n);

/* Control thread, every tick. dirty: the console has changes that are not in the state file.
 * Sends /nsm/client/is_dirty or is_clean when that differs from what the manager last heard.
 * n may be NULL. */
void nsm_tick(struct nsm *n, bool dirty);

/* Control thread. Closes the socket and frees; NULL is accepted. */
void nsm_free(struct nsm *n);

#endif
