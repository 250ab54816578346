/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_loud: the loudness of a rendered master (EBU R128 through libebur128): integrated
 * loudness, loudness range and the maximum true peak (libebur128's BS.1770 4x interpolator, the
 * same measure a mastering meter shows).
 *
 * Offline and single-threaded, so unlike daemon/loudness.c there is no ring and no thread: the
 * renderer feeds each block as it writes it. Every measurement keeps the whole gating-block list
 * (not the histogram mode), so integrated loudness and LRA are exact rather than 0.1 LU bins.
 */
#ifndef MIXD_RENDER_LOUD_H
#define MIXD_RENDER_LOUD_H

#include <stddef.h>

struct render_loud;

struct render_loudness {
	double integrated; /* LUFS; -INFINITY for silence (nothing above the gates) */
	double range;      /* LU */
	double true_peak;  /* dBTP, the most of either channel */
};

/* A meter of stereo audio at rate Hz. Returns NULL on bad rate or out of memory. */
struct render_loud *render_loud_new(unsigned rate);
void render_loud_free(struct render_loud *l);

/* Measures n interleaved stereo frames. Returns 0 or -ENOMEM. */
int render_loud_add(struct render_loud *l, const float *lr, size_t n);

/* The reading of everything added. Returns 0 or -EIO when libebur128 fails. */
int render_loud_read(struct render_loud *l, struct render_loudness *out);

/* The reading of n meters' programmes taken as one (an album: the tracks' gating blocks
 * pooled, as EBU R128 measures a programme in parts), the true peak the most of them. Returns
 * 0, -EINVAL for n == 0 or -EIO. */
int render_loud_read_many(struct render_loud *const *l, size_t n, struct render_loudness *out);

#endif
