/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * master_deliver: the deliverables of one mastered track, from its float master:
 *
 *   DIR/NAME.wav, DIR/NAME.flac              24-bit at the source rate (rounded, no dither:
 *                                            the 24-bit step is -144 dBFS)
 *   DIR/NAME-44k16.wav, DIR/NAME-44k16.flac  16-bit at 44.1 kHz: resampled with libsoxr (very
 *                                            high quality, linear phase; skipped at 44.1 kHz),
 *                                            then TPDF-dithered to 16 bits
 *
 * TPDF dither: the sum of two independent uniform values of one LSB each (triangular, +-1 LSB)
 * is added before rounding, which makes the error independent of the signal: a tone below one
 * LSB survives as a tone in noise instead of vanishing or turning into distortion, and the
 * error is white at 0.5 LSB RMS (1/12 + 2/12 LSB^2). The generator is seeded per track, so the
 * same input gives the same bytes.
 *
 * Every file is written to a temporary file beside its name (atomic_file.h) and stays there
 * until deliver_commit renames the four into place, so a caller that masters several tracks
 * commits them all only once every one has succeeded: an error anywhere writes nothing.
 *
 * Single-threaded: mixmaster's one thread.
 */
#ifndef MIXD_MASTER_DELIVER_H
#define MIXD_MASTER_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#define DELIVER_RATE_16 44100
#define DELIVER_FILES   4

struct deliver;

/* Opens the four temporary files for DIR/NAME... at rate (the source's); seed seeds the dither.
 * Returns NULL with err set (naming the file) on failure; nothing is left behind then. */
struct deliver *deliver_open(const char *dir, const char *name, unsigned rate, uint64_t seed,
                             char *err, size_t errlen);

/* Appends n interleaved stereo float frames at the source rate (a chain_sink_fn). Returns 0 or
 * -errno with err set. */
int deliver_write(void *d, const float *lr, size_t n, char *err, size_t errlen);

/* Flushes the resampler and finishes the four files (headers written, closed), without
 * committing them. Returns 0 or -errno with err set. */
int deliver_finish(struct deliver *d, char *err, size_t errlen);

/* Renames the finished files into place (fsyncs each and the directory) and frees d. Returns 0
 * or -errno with err set (files not yet renamed are removed). */
int deliver_commit(struct deliver *d, char *err, size_t errlen);

/* Removes the temporary files and frees d. NULL accepted. */
void deliver_abort(struct deliver *d);

/* The final path of file k (0..3) of d. */
const char *deliver_path(const struct deliver *d, unsigned k);

#endif
