/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outs: mixd's JACK output ports and the buffers of its own the engine renders them into.
 *
 * The outputs of a layout: master_L/R; aux_K, or aux_K_L and aux_K_R on a stereo bus;
 * monitor_L/R; with direct outs direct_N, or direct_N_L and direct_N_R on a stereo strip. The
 * process callback renders every output into its buffer (engine_process_outputs) and copies
 * all of them to the ports once, at its very end (outs_copy), so a downstream client that runs
 * while a late callback is still working (an xrun) sees the previous period's finished output,
 * never a sum half way through the master chain. What latency each port reports is
 * portlat's (portlat.h).
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
};

/* Control thread. Plans e's outputs into o (zeroed by the caller) and allocates their buffers.
 * Returns 0 or -ENOMEM (outs_free cleans up either way). */
int outs_plan(struct outs *o, const struct engine *e);
void outs_free(struct outs *o);

/* Control thread. Registers every port on client (after a reconnection: again). Returns 0 or
 * -ENOMEM when JACK refuses one. */
int outs_register(struct outs *o, jack_client_t *client);

/* RT. Copies each buffer's first n frames (n <= OUTS_MAX_PERIOD) to its port. */
void outs_copy(const struct outs *o, jack_nframes_t n);

/* RT. Writes silence to every port (a period longer than the buffers). */
void outs_silence(const struct outs *o, jack_nframes_t n);

#endif
