/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_io: mixrender's files — the stems it reads (anything libsndfile decodes: WAV, FLAC, ...)
 * and the WAV it writes.
 *
 * Stems are checked as a set before any audio is rendered: every file opens, decodes its first
 * block, is mono or stereo, and all share one sample rate. The output is written to a temporary
 * file next to its destination (OUT.tmp.PID) and only renamed into place, after fsync, when the
 * render completed; every failure removes the temporary file, so there is never a partial output.
 *
 * Single-threaded: every function here runs on mixrender's one thread.
 */
#ifndef MIXD_RENDER_IO_H
#define MIXD_RENDER_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stems with more channels are refused: a strip is mono or stereo. */
#define RENDER_STEM_MAX_CHANNELS 2

struct render_stems;

/* Opens and checks n stems (in order). Returns NULL with a message in err ("kick.wav: File
 * contains data in an unknown format.", "b.wav is 44100 Hz but a.wav is 48000 Hz: all stems must
 * share one sample rate") on any failure, or out of memory. */
struct render_stems *render_stems_open(const char *const *paths, unsigned n, char *err,
                                       size_t errlen);
void render_stems_free(struct render_stems *s);

unsigned render_stems_count(const struct render_stems *s);
unsigned render_stems_rate(const struct render_stems *s);
/* Channels (1 or 2) of stem k: its strip is stereo when 2. */
unsigned render_stems_channels(const struct render_stems *s, unsigned k);
/* The longest stem, in frames: shorter ones are padded with silence to this. */
uint64_t render_stems_frames(const struct render_stems *s);

/* Rewinds every stem to its first frame, for another pass. Returns 0 or -EIO with err set. */
int render_stems_rewind(struct render_stems *s, char *err, size_t errlen);

/* Where a stem's channels go: ch[0] its left (or only) channel, ch[1] its right. A mono stem
 * with a ch[1] fills both (a mono source on a stereo strip); a stereo stem needs both. */
struct render_route {
	float *ch[2];
};

/* Reads the next n frames (n <= the max_block of render_stems_reserve) of stem k into to[k],
 * de-interleaved; past a stem's end it gives silence. Returns 0, or -EIO with err naming the
 * stem when it stops decoding before its declared end (a truncated or corrupt file). */
int render_stems_read(struct render_stems *s, const struct render_route *to, uint32_t n, char *err,
                      size_t errlen);

/* Sizes the read buffer for blocks of up to max_block frames. Returns 0 or -ENOMEM. */
int render_stems_reserve(struct render_stems *s, uint32_t max_block);

struct render_out;

/* Creates the temporary file for path (path.tmp.PID, exclusive) as a stereo 32-bit float WAV at
 * rate. Returns NULL with err set (the directory does not exist, no permission, ...). */
struct render_out *render_out_open(const char *path, unsigned rate, char *err, size_t errlen);

/* render_out_open for a file of 1 or 2 channels (an aux bus's output). */
struct render_out *render_out_open_channels(const char *path, unsigned rate, unsigned channels,
                                            char *err, size_t errlen);

/* Appends n interleaved frames (of the file's channels: stereo for render_out_open). Returns 0 or
 * -EIO with err set. */
int render_out_write(struct render_out *o, const float *lr, size_t n, char *err, size_t errlen);

/* Finishes the file: closes, fsyncs, renames it onto path and fsyncs the directory. Frees o
 * whatever happens; on failure the temporary file is removed. Returns 0 or -errno with err set. */
int render_out_commit(struct render_out *o, char *err, size_t errlen);

/* Removes the temporary file and frees o. NULL is accepted. */
void render_out_abort(struct render_out *o);

#endif
