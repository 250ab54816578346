/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_aux: mixrender's aux bus outputs — `--aux-out K=FILE` renders aux bus K (what mixd's
 * aux_K, or aux_K_L/_R, carries) into a WAV file of its own: mono for a mono bus, stereo for a
 * stereo one, 32-bit float, as long as the master's file and lined up with the stems (an aux
 * bus does not pass the limiter's look-ahead, so nothing is dropped at its start). Written
 * through the same temporary-file-and-rename as the master: whole or not at all.
 *
 * Single-threaded, like the rest of mixrender.
 */
#ifndef MIXD_RENDER_AUX_H
#define MIXD_RENDER_AUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct render_out;

struct render_aux {
	unsigned n;                 /* requested outputs */
	unsigned k[ENGINE_MAX_AUX]; /* their buses, 0-based */
	const char *path[ENGINE_MAX_AUX];
	bool stereo[ENGINE_MAX_AUX];
	float *buf[ENGINE_MAX_AUX][2]; /* a block of each side */
	float *il;                     /* a block, interleaved for writing */
	struct render_out *out[ENGINE_MAX_AUX];
};

/* Takes one --aux-out value "K=FILE". Returns 0, or -EINVAL with the reason in err (not K=FILE,
 * K outside 1..32, a bus or a file named twice). n_aux is checked later (render_aux_setup). */
int render_aux_parse(struct render_aux *a, const char *spec, char *err, size_t errlen);

/* Checks the requests against the console (n_aux buses, which of them stereo) and allocates
 * blocks of max_block frames. Returns 0, -EINVAL (a bus the console lacks) or -ENOMEM, err set. */
int render_aux_setup(struct render_aux *a, unsigned n_aux, const bool *aux_stereo,
                     uint32_t max_block, char *err, size_t errlen);

/* Points o's aux outputs at the blocks (the others stay NULL: not written). */
void render_aux_outputs(const struct render_aux *a, struct engine_outputs *o);

/* Opens every file (temporary until committed). Returns 0 or -EIO (all closed again). */
int render_aux_open(struct render_aux *a, unsigned rate, char *err, size_t errlen);

/* Appends the first n frames of each block. Returns 0 or -EIO. */
int render_aux_write(struct render_aux *a, uint32_t n, char *err, size_t errlen);

/* Commits every open file (0 or the first error), or aborts them all. */
int render_aux_commit(struct render_aux *a, char *err, size_t errlen);
void render_aux_abort(struct render_aux *a);

/* Frees the blocks. */
void render_aux_free(struct render_aux *a);

#endif
