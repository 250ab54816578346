/* SPDX-License-Identifier: GPL-2.0-or-later */
/* live_test: the rig of the live console's unit tests (test_aux, test_cue): a console of a given
 * layout, every output rendered by engine_process_outputs into buffers here, tones, levels.
 * The master limiter is off (engine_test.h): the master lags by L, aux, monitor and direct
 * outputs do not lag at all. One test file includes this once. */
#ifndef MIXD_LIVE_TEST_H
#define MIXD_LIVE_TEST_H

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_test.h"
#include "measure.h"

#define FS     48000.0
#define N      9600 /* 200 ms */
#define HZ1    1000.0
#define HZ2    1500.0
#define HZ3    2500.0
#define MAX_IN 6
#define MAX_AX 4
#define TOL_DB 0.01
#define CHUNK  64

static float in_buf[MAX_IN][N + LAT_PAD];
static float m_l[N + LAT_PAD], m_r[N + LAT_PAD], mon_l[N + LAT_PAD], mon_r[N + LAT_PAD];
static float ax[MAX_AX][2][N + LAT_PAD], dir[MAX_IN][N + LAT_PAD];

/* -20 dBFS peak */
static const double AMP = 0.1;

static inline void
sine(float *x, double amp, double hz)
{
	for (int i = 0; i < N; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * hz * i / FS));
	memset(x + N, 0, LAT_PAD * sizeof(float));
}

/* A console of n strips (stereo[] or all mono), n_aux buses (aux_stereo[] or mono), 4 DCAs,
 * direct outs; limiter off; every input silent. */
static inline struct engine *
console(unsigned n, const bool *stereo, unsigned n_aux, const bool *aux_stereo)
{
	struct engine_layout l = { .n_strips = n,
		                   .stereo = stereo,
		                   .n_aux = n_aux,
		                   .aux_stereo = aux_stereo,
		                   .n_dca = 4,
		                   .direct_outs = true };
	struct engine *e = engine_new_layout(FS, &l);

	ck_assert_ptr_nonnull(e);
	limiter_off(e);
	for (int k = 0; k < MAX_IN; k++)
		memset(in_buf[k], 0, sizeof(in_buf[k]));
	return e;
}

/* Runs N + L frames (the inputs are zero past N) in chunks, every output rendered. */
static inline void
run_chunks(struct engine *e, uint32_t chunk)
{
	const uint32_t len = N + engine_latency(e);
	float *dp[MAX_IN];

	for (uint32_t off = 0; off < len; off += chunk) {
		uint32_t n = len - off < chunk ? len - off : chunk;
		const float *in[MAX_IN];
		struct engine_outputs o = { .master_l = m_l + off,
			                    .master_r = m_r + off,
			                    .monitor_l = mon_l + off,
			                    .monitor_r = mon_r + off,
			                    .direct = dp };
		for (int k = 0; k < MAX_IN; k++) {
			in[k] = in_buf[k] + off;
			dp[k] = dir[k] + off;
		}
		for (int k = 0; k < MAX_AX; k++) {
			o.aux[k][0] = ax[k][0] + off;
			o.aux[k][1] = ax[k][1] + off;
		}
		engine_process_outputs(e, in, &o, n);
	}
}

static inline void
run(struct engine *e)
{
	run_chunks(e, CHUNK);
}

/* dB of a tone's amplitude over the second half of the run (output lag `lat`). */
static inline double
amp_db(const float *x, double hz, uint32_t lat)
{
	return db(ls_amp(x, N / 2 + (int)lat, N / 2, hz, FS));
}

#define ck_db(got, want)                                                                     \
	ck_assert_msg(fabs((got) - (want)) <= TOL_DB, "%s: %.4f dB, expected %.4f dB", #got, \
	              (double)(got), (double)(want))

#define ck_silent(x, from, to)                                                          \
	ck_assert_msg(peak_of((x), (from), (to)) == 0.0f, "%s not silent: peak %g", #x, \
	              (double)peak_of((x), (from), (to)))

static const double in_db = -20.0;

#endif
