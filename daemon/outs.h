/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outs: mixd's JACK output ports and the buffers of its own the engine renders them into.
 *
 * The outputs of a layout: master_L/R; aux_K, or aux_K_L and aux_K_R on a stereo bus;
 * monitor_L/R; with direct outs direct_N, or direct_N_L and direct_N_R on a stereo strip. The
 * process callback renders every output into its buffer (engine_process_outputs) and copies
 * all of them to the ports once, at its very end (outs_copy), so a downstream client that runs
 * while a late callback is still working (an xrun) sees the previous period's finished output,
 * never a sum half way through the master chain. Each port reports its own latency to JACK
 * (outs_latency): the master the limiter's look-ahead, the others none.
 */
#ifndef MIXD_OUTS_H
#define MIXD_OUTS_H

#include <jack/jack.h>
#include <stdint.h>

#include "engine.h"

/* The longest period rendered: JACK2's and PipeWire's largest buffer size. Every buffer is
 * this long, allocated (and touched) before activation. */
#define OUTS_MAX_PERIOD 8192

/* One output channel: its port and its buffer. */
struct out_chan {
	char name[32];
	enum engine_output kind; /* decides the port's latency (engine_output_latency) */
	jack_port_t *port;       /* NULL until outs_register */
	float *buf;              /* OUTS_MAX_PERIOD frames */
};

struct outs {
	struct out_chan *ch; /* master L/R first, then aux buses, the monitor, direct outs */
	unsigned n;
	float *mem;               /* every buffer, one allocation */
	struct engine_outputs eo; /* the buffers, as the engine takes them */
	float **direct;           /* eo.direct: one buffer per input, or NULL */
	float **sub_direct;       /* room for direct advanced to a sub-block (automation) */
	/* the latency last set on each port, [mode][outputs, then inputs]: outs_latency tells
	 * JACK only what changed (each set is a message to the server, and PipeWire 0.3.65's
	 * client library can trip over such a message racing mixd's own connects) */
	jack_latency_range_t *lat_set[2];
	unsigned n_in;
};

/* Control thread. Plans e's outputs into o (zeroed by the caller) and allocates their buffers.
 * Returns 0 or -ENOMEM (outs_free cleans up either way). */
int outs_plan(struct outs *o, const struct engine *e);
void outs_free(struct outs *o);

/* Control thread. Registers every port on client (after a reconnection: again; every latency
 * is then set anew). Returns 0 or -ENOMEM when JACK refuses one. */
int outs_register(struct outs *o, jack_client_t *client);

/* RT. Copies each buffer's first n frames (n <= OUTS_MAX_PERIOD) to its port. */
void outs_copy(const struct outs *o, jack_nframes_t n);

/* RT. Writes silence to every port (a period longer than the buffers). */
void outs_silence(const struct outs *o, jack_nframes_t n);

/* JACK's latency callback, for mixd's inputs in[0..n_in) and these outputs: an output's
 * capture latency is the inputs' range plus its own delay; an input's playback latency spans
 * each connected output's playback range plus that output's delay (all outputs when none is
 * connected). A port whose range is what it was last set to is not set again. */
void outs_latency(struct outs *o, const struct engine *e, jack_port_t *const *in, unsigned n_in,
                  jack_latency_callback_mode_t mode);

#endif
