/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * master_chain: mixmaster's render of one finished stereo mix through mixd's own engine.
 *
 * The console is a model (the scene's values) and an engine with one stereo strip, set up as
 * mixrender sets up its engine and mixd comes up (model_apply_to_engine: every value applied,
 * every glide settled), fed in blocks like JACK periods, the limiter's look-ahead compensated
 * (the first engine_latency() frames dropped, as many flushed at the end). The track goes
 * through strip 1 at its defaults (unity, balance centre) into the master chain: EQ,
 * multiband, glue compressor, width, mono bass, fader, limiter. So mixmaster's master of a
 * track is, sample for sample, mixrender's render of that track as the one stem of a stereo
 * strip 1 with the same scene (test_mixmaster checks it).
 *
 * Single-threaded: mixmaster's one thread.
 */
#ifndef MIXD_MASTER_CHAIN_H
#define MIXD_MASTER_CHAIN_H

#include <stddef.h>
#include <stdint.h>

struct model;
struct render_stems;

/* Receives the rendered master, n interleaved stereo frames at a time. Returns 0, or -errno
 * with err set to stop the render. */
typedef int (*chain_sink_fn)(void *ctx, const float *lr, size_t n, char *err, size_t errlen);

/* Called as the render advances: done of total frames. */
typedef void (*chain_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Renders the stereo track st (rewound first) through the console m in blocks of block frames
 * (1..8192), handing every output frame to sink. stop, when not NULL, is polled once per block:
 * non-zero interrupts (-EINTR). Returns 0 or -errno with err set. */
int chain_render(struct model *m, struct render_stems *st, uint32_t block, chain_sink_fn sink,
                 void *sink_ctx, chain_progress_fn progress, void *prog_ctx,
                 const volatile int *stop, char *err, size_t errlen);

#endif
