/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live console measured at the engine's outputs (engine_process_outputs): aux sends pre and
 * post fader against the formula, subgroups, DCAs, mute groups, cue PFL/AFL and the monitor's
 * main mix, direct outs, latency of each output kind, the vector kernels against the
 * reference, non-finite input and bad indices. The master limiter is off (engine_test.h): the
 * master lags by L, aux, monitor and direct outputs do not lag at all. */
#include "check_run.h"
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

static void
sine(float *x, double amp, double hz)
{
	for (int i = 0; i < N; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * hz * i / FS));
	memset(x + N, 0, LAT_PAD * sizeof(float));
}

/* A console of n strips (stereo[] or all mono), n_aux buses (aux_stereo[] or mono), 4 DCAs,
 * direct outs; limiter off; every input silent. */
static struct engine *
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
static void
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

static void
run(struct engine *e)
{
	run_chunks(e, CHUNK);
}

/* dB of a tone's amplitude over the second half of the run (output lag `lat`). */
static double
amp_db(const float *x, double hz, uint32_t lat)
{
	return db(ls_amp(x, N / 2 + (int)lat, N / 2, hz, FS));
}

#define ck_db(got, want)                                                                     \
	ck_assert_msg(fabs((got) - (want)) <= TOL_DB, "%s: %.4f dB, expected %.4f dB", #got, \
	              (double)(got), (double)(want))

#define ck_silent(x, from, to)                                                               \
	ck_assert_msg(peak_of((x), (from), (to)) == 0.0f, "%s not silent: peak %g", #x,      \
	              (double)peak_of((x), (from), (to)))

static const double in_db = -20.0;

/* ---- aux sends ---- */

/* A -20 dBFS tone sent pre-fader at -6 dB reads -26 at the aux output whatever the fader;
 * a muted channel leaves the wedges too (pre sends follow mute, not fader or solo). */
START_TEST(pre_send_ignores_fader)
{
	static const float faders[] = { 0.0f, -20.0f, ENGINE_LEVEL_OFF_DB, 6.0f };

	for (unsigned f = 0; f < sizeof(faders) / sizeof(faders[0]); f++) {
		struct engine *e = console(2, NULL, 2, NULL);

		sine(in_buf[0], AMP, HZ1);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
		engine_set(e, ENGINE_STRIP_FADER, 0, faders[f]);
		engine_set(e, ENGINE_STRIP_SOLO, 1, 1.0f); /* strip 0 is not soloed */
		engine_settle(e);
		run(e);
		ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 6.0);
		ck_silent(ax[1][0], 0, N);
		engine_free(e);
	}
	{
		struct engine *e = console(1, NULL, 1, NULL);

		sine(in_buf[0], AMP, HZ1);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
		engine_set(e, ENGINE_STRIP_MUTE, 0, 1.0f);
		engine_settle(e);
		run(e);
		ck_silent(ax[0][0], 0, N);
		engine_free(e);
	}
}
END_TEST

/* Post-fader: send level + fader; mute silences it; the aux fader and mute act on the bus. */
START_TEST(post_send_follows_fader_and_mute)
{
	struct engine *e = console(1, NULL, 1, NULL);

	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, -10.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 16.0);
	engine_set(e, ENGINE_AUX_FADER, 0, -4.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 20.0);
	engine_set(e, ENGINE_STRIP_MUTE, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	engine_set(e, ENGINE_STRIP_MUTE, 0, 0.0f);
	engine_set(e, ENGINE_AUX_MUTE, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	engine_free(e);
}
END_TEST

/* A stereo bus: a mono strip's send pans with the -3 dB law; a stereo strip's sides stay on
 * their sides, and into a mono bus each side is halved. */
START_TEST(stereo_bus_pan)
{
	static const bool st[] = { false, true };
	static const bool axs[] = { true, false };
	struct engine *e = console(2, st, 2, axs);

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2); /* strip 1 left */
	sine(in_buf[2], AMP, HZ3); /* strip 1 right */
	for (unsigned s = 0; s < 2; s++) {
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 0), 0.0f);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 1), 0.0f);
	}
	engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(0, 0), 0.5f);
	engine_settle(e);
	run(e);
	/* pan 0.5: gl = sin(0.25 pi/4 ... ) per pan.h */
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db + db(sin(0.5 * 0.25 * M_PI)));
	ck_db(amp_db(ax[0][1], HZ1, 0), in_db + db(sin(1.5 * 0.25 * M_PI)));
	ck_db(amp_db(ax[0][0], HZ2, 0), in_db);
	ck_assert(amp_db(ax[0][1], HZ2, 0) < -120.0);
	ck_db(amp_db(ax[0][1], HZ3, 0), in_db);
	ck_assert(amp_db(ax[0][0], HZ3, 0) < -120.0);
	/* the mono bus: the mono strip at unity, each stereo side at half */
	ck_db(amp_db(ax[1][0], HZ1, 0), in_db);
	ck_db(amp_db(ax[1][0], HZ2, 0), in_db + db(0.5));
	ck_db(amp_db(ax[1][0], HZ3, 0), in_db + db(0.5));
	engine_free(e);
}
END_TEST

/* Subgroup: members reach the master once, through the bus, at the level they had directly;
 * the bus's fader moves them; non-members are untouched. */
START_TEST(subgroup_reaches_master_once)
{
	struct engine *e = console(2, NULL, 1, NULL);
	uint32_t L = engine_latency(e);
	double direct1, direct2;

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_PAN, 0, -0.4f);
	engine_settle(e);
	run(e);
	direct1 = amp_db(m_l, HZ1, L);
	direct2 = amp_db(m_l, HZ2, L);
	ck_db(direct2, in_db - 3.0103);

	/* a post-fader send at 0 dB, the same pan, into a mono bus to the master: the bus feeds
	 * it centred, so use a stereo one to keep the pan */
	engine_free(e);
	{
		static const bool axs[] = { true };
		e = console(2, NULL, 1, axs);
	}
	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_PAN, 0, -0.4f);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(0, 0), -0.4f);
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1); /* once: twice would read +6 dB */
	ck_db(amp_db(m_l, HZ2, L), direct2);
	/* the bus fader moves its members only */
	engine_set(e, ENGINE_AUX_FADER, 0, -6.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1 - 6.0);
	ck_db(amp_db(m_l, HZ2, L), direct2);
	/* master switch off: the strip is back in the main mix directly, the bus feeds no more */
	engine_set(e, ENGINE_AUX_MASTER, 0, 0.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1);
	ck_db(amp_db(ax[0][0], HZ1, 0), direct1 - 6.0);
	engine_free(e);
}
END_TEST

/* A mono subgroup feeds the master centred: a centred mono member reads what it read directly. */
START_TEST(mono_subgroup_centred)
{
	struct engine *e = console(1, NULL, 1, NULL);
	uint32_t L = engine_latency(e);

	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), in_db - 3.0103);
	ck_db(amp_db(m_r, HZ1, L), in_db - 3.0103);
	engine_free(e);
}
END_TEST

/* ---- DCAs and mute groups ---- */

START_TEST(dca_offsets_members)
{
	struct engine *e = console(3, NULL, 0, NULL);
	uint32_t L = engine_latency(e);
	double base[3];
	static const double hz[3] = { HZ1, HZ2, HZ3 };

	for (int k = 0; k < 3; k++)
		sine(in_buf[k], AMP, hz[k]);
	engine_set(e, ENGINE_STRIP_FADER, 1, -5.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		base[k] = amp_db(m_l, hz[k], L);
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 2), 1.0f);
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(1, 2), 1.0f);
	engine_set(e, ENGINE_DCA_FADER, 2, -10.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), base[0] - 10.0);
	ck_db(amp_db(m_l, HZ2, L), base[1] - 10.0); /* fader -5 + DCA -10 */
	ck_db(amp_db(m_l, HZ3, L), base[2]);
	/* a second DCA's offset adds */
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 3), 1.0f);
	engine_set(e, ENGINE_DCA_FADER, 3, 4.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), base[0] - 6.0);
	/* DCA mute silences members only */
	engine_set(e, ENGINE_DCA_MUTE, 2, 1.0f);
	engine_settle(e);
	run(e);
	ck_assert(amp_db(m_l, HZ1, L) < -120.0 && amp_db(m_l, HZ2, L) < -120.0);
	ck_db(amp_db(m_l, HZ3, L), base[2]);
	/* back to 0 and unmuted: the stored faders were never touched */
	engine_set(e, ENGINE_DCA_MUTE, 2, 0.0f);
	engine_set(e, ENGINE_DCA_FADER, 2, 0.0f);
	engine_set(e, ENGINE_DCA_FADER, 3, 0.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		ck_db(amp_db(m_l, hz[k], L), base[k]);
	engine_free(e);
}
END_TEST

START_TEST(mute_group_mutes_members)
{
	struct engine *e = console(3, NULL, 1, NULL);
	uint32_t L = engine_latency(e);
	static const double hz[3] = { HZ1, HZ2, HZ3 };

	for (int k = 0; k < 3; k++) {
		sine(in_buf[k], AMP, hz[k]);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(k, 0), 0.0f);
	}
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(0, 5), 1.0f);
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(2, 5), 1.0f);
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(1, 4), 1.0f);
	engine_set(e, ENGINE_MUTEGROUP_ON, 5, 1.0f);
	engine_settle(e);
	run(e);
	ck_assert(amp_db(m_l, HZ1, L) < -120.0 && amp_db(m_l, HZ3, L) < -120.0);
	ck_db(amp_db(m_l, HZ2, L), in_db - 3.0103);
	/* and their pre-fader sends */
	ck_assert(amp_db(ax[0][0], HZ1, 0) < -120.0 && amp_db(ax[0][0], HZ3, 0) < -120.0);
	ck_db(amp_db(ax[0][0], HZ2, 0), in_db);
	engine_set(e, ENGINE_MUTEGROUP_ON, 5, 0.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		ck_db(amp_db(m_l, hz[k], L), in_db - 3.0103);
	engine_free(e);
}
END_TEST

/* ---- cue ---- */

/* PFL: after EQ and compressor, before the fader, both sides for a mono strip; AFL: after
 * fader and pan. Aux PFL before its fader, AFL after. */
START_TEST(pfl_afl_taps)
{
	struct engine *e = console(2, NULL, 1, NULL);

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_FADER, 0, -10.0f);
	engine_set(e, ENGINE_STRIP_PAN, 0, -1.0f);
	engine_set(e, ENGINE_STRIP_CUE, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(mon_l, HZ1, 0), in_db);
	ck_db(amp_db(mon_r, HZ1, 0), in_db);
	ck_assert(amp_db(mon_l, HZ2, 0) < -120.0); /* strip 1 is not cued */
	engine_set(e, ENGINE_MONITOR_MODE, 0, ENGINE_MONITOR_AFL);
	engine_set(e, ENGINE_MONITOR_LEVEL, 0, -3.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(mon_l, HZ1, 0), in_db - 13.0);
	ck_silent(mon_r, 0, N);

	/* the aux bus instead */
	engine_set(e, ENGINE_STRIP_CUE, 0, 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(1, 0), -6.0f);
	engine_set(e, ENGINE_AUX_FADER, 0, -10.0f);
	engine_set(e, ENGINE_AUX_CUE, 0, 1.0f);
	engine_set(e, ENGINE_MONITOR_LEVEL, 0, 0.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(mon_l, HZ2, 0), in_db - 16.0);
	ck_db(amp_db(mon_r, HZ2, 0), in_db - 16.0);
	engine_set(e, ENGINE_MONITOR_MODE, 0, ENGINE_MONITOR_PFL);
	engine_settle(e);
	run(e);
	ck_db(amp_db(mon_l, HZ2, 0), in_db - 6.0);
	engine_free(e);
}
END_TEST

/* An effect bus's cue: PFL is its output (100 % wet) before the return, AFL after it. */
START_TEST(effect_bus_cue)
{
	static float pfl[N + LAT_PAD];
	struct engine *e = console(1, NULL, 0, NULL);
	double d = 0.0;

	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_DELAY), 0, 0.0f);
	engine_set(e, ENGINE_BUS_RETURN(ENGINE_BUS_DELAY), 0, -6.0f);
	engine_set(e, ENGINE_BUS_CUE(ENGINE_BUS_DELAY), 0, 1.0f);
	engine_set(e, ENGINE_DELAY_TIME, 0, 50.0f);
	engine_settle(e);
	run(e);
	memcpy(pfl, mon_l, sizeof(pfl));
	ck_assert_msg(peak_of(pfl, N / 2, N) > 0.01f, "the delay's PFL is silent");
	engine_free(e);
	e = console(1, NULL, 0, NULL);
	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_DELAY), 0, 0.0f);
	engine_set(e, ENGINE_BUS_RETURN(ENGINE_BUS_DELAY), 0, -6.0f);
	engine_set(e, ENGINE_BUS_CUE(ENGINE_BUS_DELAY), 0, 1.0f);
	engine_set(e, ENGINE_MONITOR_MODE, 0, ENGINE_MONITOR_AFL);
	engine_set(e, ENGINE_DELAY_TIME, 0, 50.0f);
	engine_settle(e);
	run(e);
	for (int i = 0; i < N; i++)
		d = fmax(d, fabs(mon_l[i] - pfl[i] * pow(10.0, -6.0 / 20.0)));
	ck_assert_msg(d <= 1e-6, "AFL is not PFL at the return's -6 dB: off by %g", d);
	engine_free(e);
}
END_TEST

/* Nothing cued: the monitor is the main mix taken before the limiter, so it is the master's
 * output L samples early (the limiter, off, is an exact delay). */
START_TEST(monitor_main_mix_without_lookahead)
{
	struct engine *e = console(2, NULL, 0, NULL);
	uint32_t L = engine_latency(e);

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_PAN, 1, 0.7f);
	engine_set(e, ENGINE_MASTER_FADER, 0, -3.0f);
	engine_settle(e);
	run(e);
	for (int i = 0; i < N; i++) {
		ck_assert_msg(mon_l[i] == m_l[i + L] && mon_r[i] == m_r[i + L],
		              "monitor %d: %g %g, master %d: %g %g", i, mon_l[i], mon_r[i],
		              i + (int)L, m_l[i + L], m_r[i + L]);
	}
	ck_assert_uint_eq(engine_output_latency(e, ENGINE_OUTPUT_MASTER), L);
	ck_assert_uint_eq(engine_output_latency(e, ENGINE_OUTPUT_MONITOR), 0);
	ck_assert_uint_eq(engine_output_latency(e, ENGINE_OUTPUT_AUX), 0);
	ck_assert_uint_eq(engine_output_latency(e, ENGINE_OUTPUT_DIRECT), 0);
	engine_free(e);
}
END_TEST

/* One program of moves, with or without cue switching on top: master, aux and direct outputs
 * are bit-identical; the monitor is not. */
static void
cue_program(bool cue, float *keep[], unsigned n_keep)
{
	static const bool st[] = { false, true, false };
	static const bool axs[] = { false, true };
	struct engine *e = console(3, st, 2, axs);
	uint64_t seed = 7;

	for (int k = 0; k < 4; k++)
		for (int i = 0; i < N; i++)
			in_buf[k][i] = (float)(0.1 * rng_gauss(&seed));
	for (unsigned s = 0; s < 3; s++) {
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 0), -3.0f);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 1), -6.0f);
		engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(s, 1), 0.0f);
		engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_REVERB), s, -10.0f);
		engine_set(e, ENGINE_STRIP_DIRECT_PRE, s, (float)(s & 1));
	}
	engine_set(e, ENGINE_AUX_MASTER, 1, 1.0f);
	engine_settle(e);
	const uint32_t len = N + engine_latency(e);
	float *dp[MAX_IN];
	for (uint32_t off = 0, step = 0; off < len; off += CHUNK, step++) {
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
		for (int k = 0; k < 2; k++) {
			o.aux[k][0] = ax[k][0] + off;
			o.aux[k][1] = ax[k][1] + off;
		}
		/* the same moves either way */
		if (step % 7 == 3)
			engine_set(e, ENGINE_STRIP_FADER, step % 3, -(float)(step % 13));
		if (cue && step % 5 == 1) {
			engine_set(e, ENGINE_STRIP_CUE, step % 3, (float)(step / 5 % 2));
			engine_set(e, ENGINE_AUX_CUE, step % 2, (float)(step / 10 % 2));
			engine_set(e, ENGINE_BUS_CUE(ENGINE_BUS_REVERB), 0, (float)(step / 15 % 2));
			engine_set(e, ENGINE_MONITOR_MODE, 0, (float)(step / 4 % 2));
			engine_set(e, ENGINE_MONITOR_LEVEL, 0, -(float)(step % 20));
		}
		engine_process_outputs(e, in, &o, len - off < CHUNK ? len - off : CHUNK);
	}
	{
		float *src[] = { m_l, m_r, ax[0][0], ax[1][0], ax[1][1], dir[0], dir[1], dir[2], dir[3] };
		for (unsigned k = 0; k < n_keep; k++)
			memcpy(keep[k], src[k], (N + LAT_PAD) * sizeof(float));
	}
	engine_free(e);
}

START_TEST(cue_leaves_outputs_bit_identical)
{
	enum { K = 9 };
	static float a[K][N + LAT_PAD], b[K][N + LAT_PAD], mon_a[N + LAT_PAD];
	float *pa[K], *pb[K];

	for (int k = 0; k < K; k++) {
		pa[k] = a[k];
		pb[k] = b[k];
	}
	cue_program(false, pa, K);
	memcpy(mon_a, mon_l, sizeof(mon_a));
	cue_program(true, pb, K);
	for (int k = 0; k < K; k++) {
		ck_assert_msg(memcmp(a[k], b[k], sizeof(a[k])) == 0, "output %d changed by cue", k);
		ck_assert_msg(peak_of(a[k], 0, N) > 1e-3, "output %d is silent: a weak test", k);
	}
	ck_assert_msg(memcmp(mon_a, mon_l, sizeof(mon_a)) != 0, "the monitor never changed");
}
END_TEST

/* Switching cue glides: the monitor of a DC input never steps by more than a glide's step. */
START_TEST(cue_switch_glides)
{
	struct engine *e = console(2, NULL, 0, NULL);
	const double glide = FS * ENGINE_SMOOTH_MS * 0.001;

	for (int i = 0; i < N; i++) {
		in_buf[0][i] = 0.5f;
		in_buf[1][i] = -0.25f;
	}
	engine_settle(e);
	/* switch at a point inside a chunk, the strip cue on, then PFL -> AFL */
	for (uint32_t off = 0; off < N; off += CHUNK) {
		const float *in[MAX_IN];
		struct engine_outputs o = { .monitor_l = mon_l + off, .monitor_r = mon_r + off };
		for (int k = 0; k < MAX_IN; k++)
			in[k] = in_buf[k] + off;
		if (off == 1024)
			engine_set(e, ENGINE_STRIP_CUE, 0, 1.0f);
		if (off == 4096)
			engine_set(e, ENGINE_MONITOR_MODE, 0, 1.0f);
		if (off == 6400)
			engine_set(e, ENGINE_STRIP_FADER, 0, ENGINE_LEVEL_OFF_DB);
		engine_process_outputs(e, in, &o, CHUNK);
	}
	/* the largest level anywhere is 0.5 + 0.25 * 0.707: a step bound of that over a glide */
	for (int i = 1; i < N; i++)
		ck_assert_msg(fabs(mon_l[i] - mon_l[i - 1]) <= 1.0 / glide * 1.01,
		              "monitor steps by %g at %d", fabs(mon_l[i] - mon_l[i - 1]), i);
	ck_assert_msg(fabs(mon_l[N - 1]) < 1e-6, "AFL of a strip at -inf: %g", mon_l[N - 1]);
	ck_assert_msg(fabs(mon_l[4000] - 0.5) < 1e-6, "PFL of the strip alone: %g", mon_l[4000]);
	engine_free(e);
}
END_TEST

/* ---- direct outs ---- */

/* pre: after trim and HPF, before the EQ; post: after the fader, before the pan. A stereo strip
 * has one per input. Latency 0. */
START_TEST(direct_taps)
{
	static const bool st[] = { false, true };
	struct engine *e = console(2, st, 0, NULL);

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	sine(in_buf[2], AMP, HZ3);
	engine_set(e, ENGINE_STRIP_TRIM, 0, 6.0f);
	engine_set(e, ENGINE_STRIP_EQ_TYPE(1), 0, ENGINE_EQ_BELL);
	engine_set(e, ENGINE_STRIP_EQ_FREQ(1), 0, (float)HZ1);
	engine_set(e, ENGINE_STRIP_EQ_GAIN(1), 0, 12.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, -20.0f);
	engine_set(e, ENGINE_STRIP_PAN, 0, -1.0f);
	engine_set(e, ENGINE_STRIP_FADER, 1, -7.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(dir[0], HZ1, 0), in_db + 6.0);
	ck_db(amp_db(dir[1], HZ2, 0), in_db);
	ck_db(amp_db(dir[2], HZ3, 0), in_db);
	for (unsigned s = 0; s < 2; s++)
		engine_set(e, ENGINE_STRIP_DIRECT_PRE, s, 0.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(dir[0], HZ1, 0), in_db + 6.0 + 12.0 - 20.0); /* no pan law */
	ck_db(amp_db(dir[1], HZ2, 0), in_db - 7.0);
	ck_db(amp_db(dir[2], HZ3, 0), in_db - 7.0);
	engine_free(e);
}
END_TEST

/* An impulse: aux, monitor (main mix) and direct outputs answer at once, the master L later. */
START_TEST(latency_per_output)
{
	struct engine *e = console(1, NULL, 1, NULL);
	uint32_t L = engine_latency(e);

	in_buf[0][100] = 0.5f;
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_settle(e);
	run(e);
	ck_assert_float_eq(ax[0][0][100], 0.5f);
	ck_assert_float_eq(dir[0][100], 0.5f);
	ck_assert(fabsf(mon_l[100]) > 0.3f);
	ck_assert(fabsf(m_l[100 + L]) > 0.3f);
	ck_silent(ax[0][0], 0, 100);
	ck_silent(m_l, 0, 100 + (int)L);
	engine_free(e);
}
END_TEST

/* ---- kernels, garbage, bad commands ---- */

/* The aux sends of every vector kernel match the reference's, sends and faders moving. */
START_TEST(kernels_match_ref_on_aux)
{
	static const enum engine_kernel ks[] = { ENGINE_KERNEL_REF, ENGINE_KERNEL_GENERIC,
		                                 ENGINE_KERNEL_AVX2, ENGINE_KERNEL_AVX512 };
	static const bool st[] = { false, true, false, false };
	static const bool axs[] = { false, true, true, false };
	static float ref[MAX_AX][2][N + LAT_PAD], ref_dir[MAX_IN][N + LAT_PAD];
	int tested = 0;

	for (unsigned ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		struct engine *e = console(4, st, MAX_AX, axs);
		uint64_t seed = 99, prog = 5;

		if (engine_set_kernel(e, ks[ki]) < 0) {
			engine_free(e);
			continue;
		}
		for (int k = 0; k < 5; k++)
			for (int i = 0; i < N; i++)
				in_buf[k][i] = (float)(0.1 * rng_gauss(&seed));
		for (uint32_t off = 0; off < N; off += CHUNK) {
			const float *in[MAX_IN];
			float *dp[MAX_IN];
			struct engine_outputs o = { .direct = dp };
			for (int k = 0; k < MAX_IN; k++) {
				in[k] = in_buf[k] + off;
				dp[k] = dir[k] + off;
			}
			for (int k = 0; k < MAX_AX; k++) {
				o.aux[k][0] = ax[k][0] + off;
				o.aux[k][1] = ax[k][1] + off;
			}
			if (off % 512 == 0)
				for (unsigned s = 0; s < 4; s++) {
					engine_set(e, ENGINE_STRIP_DIRECT_PRE, s,
					           (float)(rng_next(&prog) & 1));
					engine_set(e, ENGINE_STRIP_HPF_ON, s, 1.0f);
					unsigned b = (unsigned)(rng_next(&prog) % MAX_AX);
					engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, b),
					           (float)(-20.0 * rng_uniform(&prog)));
					engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(s, b),
					           (float)(rng_next(&prog) & 1));
					engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(s, b),
					           (float)(2.0 * rng_uniform(&prog) - 1.0));
					engine_set(e, ENGINE_STRIP_FADER, s,
					           (float)(-20.0 * rng_uniform(&prog)));
					engine_set(e, ENGINE_STRIP_MUTE, s,
					           rng_uniform(&prog) < 0.2 ? 1.0f : 0.0f);
				}
			engine_process_outputs(e, in, &o, CHUNK);
		}
		if (ks[ki] == ENGINE_KERNEL_REF) {
			memcpy(ref, ax, sizeof(ref));
			memcpy(ref_dir, dir, sizeof(ref_dir));
		} else {
			double d = 0.0, dd = 0.0;
			for (int k = 0; k < MAX_AX; k++)
				for (int c = 0; c < 2; c++)
					for (int i = 0; i < N; i++)
						d = fmax(d, fabs(ax[k][c][i] - ref[k][c][i]));
			for (int k = 0; k < 5; k++)
				for (int i = 0; i < N; i++)
					dd = fmax(dd, fabs(dir[k][i] - ref_dir[k][i]));
			printf("aux kernels: %s vs ref: max |diff| %.3g on the aux buses, %.3g on the "
			       "direct outs\n",
			       engine_kernel_name(e), d, dd);
			ck_assert_msg(d <= 1e-5 && dd <= 1e-5, "%s differs from ref by %g / %g",
			              engine_kernel_name(e), d, dd);
			tested++;
		}
		ck_assert(peak_of(dir[0], 0, N) > 1e-3 && peak_of(dir[2], 0, N) > 1e-3);
		ck_assert(peak_of(ax[0][0], 0, N) > 1e-3);
		engine_free(e);
	}
	ck_assert_int_ge(tested, 1);
}
END_TEST

START_TEST(nonfinite_input_stays_out)
{
	struct engine *e = console(2, NULL, 1, NULL);
	struct engine_counters c;

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	in_buf[0][1000] = NAN;
	in_buf[1][2000] = INFINITY;
	for (unsigned s = 0; s < 2; s++) {
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 0), 0.0f);
		engine_set(e, ENGINE_STRIP_CUE, s, 1.0f);
	}
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	for (int i = 0; i < N; i++)
		ck_assert(isfinite(ax[0][0][i]) && isfinite(mon_l[i]) && isfinite(mon_r[i]) &&
		          isfinite(dir[0][i]) && isfinite(dir[1][i]) && isfinite(m_l[i]));
	engine_counters(e, &c);
	ck_assert_uint_ge(c.nonfinite_inputs, 2);
	ck_assert_uint_eq(c.nonfinite_output, 0);
	engine_free(e);
}
END_TEST

START_TEST(bad_indices_counted_and_ignored)
{
	struct engine *e = console(2, NULL, 2, NULL);
	struct engine_counters c, c0;
	struct engine_layout l = { .n_strips = 2, .n_aux = ENGINE_MAX_AUX + 1 };

	sine(in_buf[0], AMP, HZ1);
	engine_counters(e, &c0);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 2), 0.0f);  /* no bus 3 */
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(2, 0), 0.0f);  /* no strip 3 */
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 4), 1.0f);        /* no DCA 5 */
	engine_set(e, ENGINE_DCA_FADER, 4, -10.0f);
	engine_set(e, ENGINE_MUTEGROUP_ON, ENGINE_MUTE_GROUPS, 1.0f);       /* no group 7 */
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(2, 0), 1.0f);   /* no strip 3 */
	engine_set(e, ENGINE_AUX_FADER, 2, 0.0f);
	engine_set(e, ENGINE_AUX_CUE, 7, 1.0f);
	engine_set(e, ENGINE_STRIP_CUE, 9, 1.0f);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), NAN);
	engine_counters(e, &c);
	ck_assert_uint_eq(c.bad_commands - c0.bad_commands, 10);
	ck_assert_uint_eq(c.commands, c0.commands);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	ck_silent(ax[1][0], 0, N);
	engine_free(e);
	ck_assert_ptr_null(engine_new_layout(FS, &l));
	l.n_aux = 2;
	l.n_dca = ENGINE_MAX_DCA + 1;
	ck_assert_ptr_null(engine_new_layout(FS, &l));
	l.n_dca = 0;
	l.n_strips = 0;
	ck_assert_ptr_null(engine_new_layout(FS, &l));
}
END_TEST

/* A send moving from off to 0 dB glides: no step larger than the glide's. */
START_TEST(send_glides)
{
	struct engine *e = console(1, NULL, 1, NULL);
	const double glide = FS * ENGINE_SMOOTH_MS * 0.001;

	for (int i = 0; i < N; i++)
		in_buf[0][i] = 0.5f;
	engine_settle(e);
	for (uint32_t off = 0; off < N; off += 48) {
		const float *in[MAX_IN];
		struct engine_outputs o = { 0 };
		for (int k = 0; k < MAX_IN; k++)
			in[k] = in_buf[k] + off;
		o.aux[0][0] = ax[0][0] + off;
		if (off == 960)
			engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
		if (off == 4800)
			engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
		if (off == 4800 + 960)
			engine_set(e, ENGINE_STRIP_FADER, 0, ENGINE_LEVEL_OFF_DB);
		engine_process_outputs(e, in, &o, 48);
	}
	for (int i = 1; i < N; i++)
		ck_assert_msg(fabs(ax[0][0][i] - ax[0][0][i - 1]) <= 0.5 / glide * 1.01,
		              "aux steps by %g at %d", fabs(ax[0][0][i] - ax[0][0][i - 1]), i);
	ck_assert_float_eq(ax[0][0][4700], 0.5f);
	ck_assert_float_eq(ax[0][0][N - 1], 0.0f);
	engine_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("aux");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pre_send_ignores_fader);
	tcase_add_test(tc, post_send_follows_fader_and_mute);
	tcase_add_test(tc, stereo_bus_pan);
	tcase_add_test(tc, subgroup_reaches_master_once);
	tcase_add_test(tc, mono_subgroup_centred);
	tcase_add_test(tc, dca_offsets_members);
	tcase_add_test(tc, mute_group_mutes_members);
	tcase_add_test(tc, pfl_afl_taps);
	tcase_add_test(tc, monitor_main_mix_without_lookahead);
	tcase_add_test(tc, effect_bus_cue);
	tcase_add_test(tc, cue_leaves_outputs_bit_identical);
	tcase_add_test(tc, cue_switch_glides);
	tcase_add_test(tc, direct_taps);
	tcase_add_test(tc, latency_per_output);
	tcase_add_test(tc, kernels_match_ref_on_aux);
	tcase_add_test(tc, nonfinite_input_stays_out);
	tcase_add_test(tc, bad_indices_counted_and_ignored);
	tcase_add_test(tc, send_glides);
	suite_add_tcase(s, tc);
	return check_run(s);
}
