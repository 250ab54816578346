/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * portlat: the latency mixd's ports report to JACK, worked out on JACK's thread and set on the
 * control thread.
 *
 * What each port reports: an output's capture latency is the inputs' range plus its own delay
 * (engine_output_latency: the master the limiter's look-ahead, the others none); an input's
 * playback latency spans each connected output's playback range plus that output's delay (all
 * outputs when none is connected).
 *
 * Why not set there and then, in the latency callback, as JACK's documentation has it: under
 * PipeWire 0.3.65's JACK the callback runs on PipeWire's loop thread with the loop's lock
 * released, and jack_port_set_latency_range then sends the port's update over the client's one
 * protocol connection at once, unlocked. A jack_connect on the control thread meanwhile builds
 * its own message into the same buffer, under the lock: libpipewire aborts
 * (module-protocol-native.c, assert_single_pod) or crashes. Restarting mixd with ten
 * remembered connections did so in 5 of 40 starts here (docs/deploy.md). A lock of ours around
 * both cannot help: the control thread's jack_connect waits for that very loop thread. And
 * asking for a recompute to make up for a callback turned away deadlocks that thread (the
 * recompute is queued to the loop, and runs inside our next set's own dispatch, re-taking a
 * lock PipeWire already holds).
 *
 * So the callback only reads (port ranges are local reads on both servers) and stores what it
 * wants (portlat_compute); the control thread sets what changed (portlat_apply), which on
 * PipeWire queues the update to the loop thread, where it is sent under the lock, and on jackd
 * writes the port's shared range, which a recompute then carries downstream.
 */
#ifndef MIXD_PORTLAT_H
#define MIXD_PORTLAT_H

#include <jack/jack.h>
#include <pthread.h>
#include <stdbool.h>

#include "engine.h"
#include "outs.h"

struct portlat {
	unsigned n_out, n_in;
	/* [mode][outputs, then inputs]; mode 0 capture, 1 playback */
	jack_latency_range_t *want[2];  /* the callback's latest, under mu */
	jack_latency_range_t *stage[2]; /* control thread: want copied out of mu */
	jack_latency_range_t *set[2];   /* control thread: what each port was last set to */
	/* want and due. The control thread holds it only to copy or reset, never across a libjack
	 * call; the callback works out under it, with libjack's local port reads only */
	pthread_mutex_t mu;
	bool have_mu;
	bool due; /* under mu: want changed since the last apply */
};

/* Control thread. Tables for n_out outputs and n_in inputs, every range unknown. Returns 0, or
 * -ENOMEM (portlat_free cleans up either way). */
int portlat_init(struct portlat *p, unsigned n_out, unsigned n_in);
void portlat_free(struct portlat *p);

/* Control thread, while no client is active (before registering ports anew): forgets what was
 * wanted and set, so the next apply sets every port. */
void portlat_forget(struct portlat *p);

/* JACK's latency callback (any non-RT thread; the control thread while the client is
 * inactive). Works out mode's ranges for o's outputs and inputs in[0..n_in) of the engine e,
 * reading ports only. Returns true when a range differs from the last one wanted: the control
 * thread must then run portlat_apply. Never calls a libjack function that sends to the server. */
bool portlat_compute(struct portlat *p, const struct outs *o, const struct engine *e,
                     jack_port_t *const *in, jack_latency_callback_mode_t mode);

/* Control thread. Sets each port whose wanted range is not what it was last set to. Returns
 * how many were set: when any, the caller asks for jack_recompute_total_latencies, which jackd
 * needs to carry them to the clients downstream (PipeWire's JACK only calls the callback
 * again, which then finds nothing new). */
unsigned portlat_apply(struct portlat *p, const struct outs *o, jack_port_t *const *in);

#endif
