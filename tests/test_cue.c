/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cue, the monitor and the direct outs measured at the engine's outputs: PFL/AFL taps of strips,
 * aux and effect buses, the monitor's main mix without the limiter's look-ahead, cue switching
 * leaving every other output bit-identical, glides, direct pre/post taps, latency per output. */
#include "check_run.h"
#include "live_test.h"

#include "chorus.h"

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

/* The chorus is the third effect bus: at depth 0 with one voice it is voice 1's base delay
 * (chorus_base_ms[0]) at unity, so the master carries the send delayed by exactly that (and by
 * the limiter's L), and its cue (PFL) the same with no L. */
START_TEST(chorus_bus_in_the_engine)
{
	struct engine *e = console(1, NULL, 0, NULL);
	const uint32_t L = engine_latency(e);
	const int d = (int)lrint(chorus_base_ms[0] * 0.001 * FS);
	struct engine_counters c0, c1;
	double err_m = 0.0, err_c = 0.0;

	sine(in_buf[0], AMP, HZ1);
	engine_counters(e, &c0);
	engine_set(e, ENGINE_STRIP_FADER, 0, ENGINE_LEVEL_OFF_DB); /* only the bus is heard */
	engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_CHORUS), 0, 0.0f);
	engine_set(e, ENGINE_STRIP_SEND_PRE(ENGINE_BUS_CHORUS), 0, 1.0f);
	engine_set(e, ENGINE_CHORUS_DEPTH, 0, 0.0f);
	engine_set(e, ENGINE_CHORUS_VOICES, 0, 1.0f);
	engine_set(e, ENGINE_CHORUS_RATE, 0, 3.0f);
	engine_set(e, ENGINE_BUS_CUE(ENGINE_BUS_CHORUS), 0, 1.0f);
	engine_counters(e, &c1);
	ck_assert_uint_eq(c1.commands - c0.commands, 7);
	ck_assert_uint_eq(c1.bad_commands, c0.bad_commands);
	engine_settle(e);
	run(e);
	for (int i = d; i < N; i++) {
		double want = 0.70710678 * in_buf[0][i - d]; /* the send's centre pan */
		err_m = fmax(err_m, fabs(m_l[i + L] - want));
		err_c = fmax(err_c, fabs(mon_l[i] - want));
	}
	ck_assert_msg(err_m < 1e-6 && err_c < 1e-6, "chorus: master off by %g, cue by %g", err_m,
	              err_c);
	ck_silent(m_l, 0, d + (int)L);
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
		float *src[] = { m_l,    m_r,    ax[0][0], ax[1][0], ax[1][1],
			         dir[0], dir[1], dir[2],   dir[3] };
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

int
main(void)
{
	Suite *s = suite_create("cue");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pfl_afl_taps);
	tcase_add_test(tc, effect_bus_cue);
	tcase_add_test(tc, chorus_bus_in_the_engine);
	tcase_add_test(tc, monitor_main_mix_without_lookahead);
	tcase_add_test(tc, cue_leaves_outputs_bit_identical);
	tcase_add_test(tc, cue_switch_glides);
	tcase_add_test(tc, direct_taps);
	tcase_add_test(tc, latency_per_output);
	suite_add_tcase(s, tc);
	return check_run(s);
}
