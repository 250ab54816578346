/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine measured in dB at its outputs: gains, pan, mute, solo, glides, NaN handling.
 * The master limiter is off and the outputs lag the inputs by its look-ahead L (engine_test.h):
 * every run processes L frames of zeros after its N input frames, and output i + L is compared
 * with input i. */
#include "check_run.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_test.h"

#define FS    48000.0
#define N     4800 /* 100 ms */
#define GLIDE 480  /* ENGINE_SMOOTH_MS at FS */

static float in_buf[4][N + LAT_PAD], out_l[N + LAT_PAD], out_r[N + LAT_PAD];

static void
sine(float *x, double amp, double hz)
{
	for (int i = 0; i < N; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * hz * i / FS));
}

static double
rms_db(const float *x, int from, int to)
{
	double s = 0.0;

	for (int i = from; i < to; i++)
		s += (double)x[i] * x[i];
	return 10.0 * log10(s / (to - from) + 1e-300);
}

/* Runs the inputs through in chunks of `chunk` frames: N frames, then L of zeros, so that
 * out[L .. N + L) is the response to in[0 .. N). */
static void
run(struct engine *e, uint32_t chunk)
{
	const float *in[4];
	const uint32_t len = N + engine_latency(e);

	for (int k = 0; k < 4; k++)
		memset(in_buf[k] + N, 0, engine_latency(e) * sizeof(float));
	for (uint32_t off = 0; off < len; off += chunk) {
		uint32_t n = len - off < chunk ? len - off : chunk;
		for (int k = 0; k < 4; k++)
			in[k] = in_buf[k] + off;
		engine_process(e, in, out_l + off, out_r + off, n);
	}
}

static bool
silent(const float *x, int from, int to)
{
	for (int i = from; i < to; i++)
		if (x[i] != 0.0f)
			return false;
	return true;
}

static const double in_db = -20.0 - 3.0103; /* RMS of a -20 dBFS-peak sine */

START_TEST(stereo_unity_and_mono_centre)
{
	bool stereo[2] = { true, false };
	struct engine *e = engine_new(FS, 2, stereo);
	const int L = (int)limiter_off(e);

	ck_assert_uint_eq(engine_n_inputs(e), 3);
	sine(in_buf[0], 0.1, 1000);
	sine(in_buf[1], 0.1, 1000);
	memset(in_buf[2], 0, sizeof(in_buf[2]));
	run(e, 256);
	ck_assert_double_eq_tol(rms_db(out_l, L, L + N) - in_db, 0.0, 0.001);
	ck_assert_double_eq_tol(rms_db(out_r, L, L + N) - in_db, 0.0, 0.001);

	memset(in_buf[0], 0, sizeof(in_buf[0]));
	memset(in_buf[1], 0, sizeof(in_buf[1]));
	sine(in_buf[2], 0.1, 1000);
	run(e, 256);
	ck_assert_double_eq_tol(rms_db(out_l, L, L + N) - in_db, -3.0103, 0.001);
	ck_assert_double_eq_tol(rms_db(out_r, L, L + N) - in_db, -3.0103, 0.001);
	engine_free(e);
}
END_TEST

START_TEST(fader_trim_polarity_master)
{
	struct engine *e = engine_new(FS, 1, NULL);
	const int L = (int)limiter_off(e);

	sine(in_buf[0], 0.1, 1000);
	engine_set(e, ENGINE_STRIP_PAN, 0, -1.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, -12.0f);
	run(e, 64);
	ck_assert_double_eq_tol(rms_db(out_l, L + GLIDE, L + N) - in_db, -12.0, 0.001);
	/* hard left: exactly nothing on R once landed */
	ck_assert(silent(out_r, L + GLIDE, L + N));

	engine_set(e, ENGINE_STRIP_TRIM, 0, 6.0f);
	engine_set(e, ENGINE_MASTER_FADER, 0, -3.0f);
	run(e, 64);
	ck_assert_double_eq_tol(rms_db(out_l, L + GLIDE, L + N) - in_db, -9.0, 0.001);

	engine_set(e, ENGINE_STRIP_POLARITY, 0, 1.0f);
	run(e, 64);
	/* inverted: output = -gain * input, sample by sample */
	double g = pow(10.0, -9.0 / 20.0);
	for (int i = GLIDE; i < N; i++)
		ck_assert_double_eq_tol(out_l[L + i], -g * in_buf[0][i], 1e-6);
	engine_set(e, ENGINE_STRIP_FADER, 0, -200.0f); /* clamps to off */
	run(e, 64);
	ck_assert(silent(out_l, L + GLIDE, L + N));
	engine_free(e);
}
END_TEST

START_TEST(mute_glides_without_steps)
{
	struct engine *e = engine_new(FS, 1, NULL);
	const int L = (int)limiter_off(e);
	const double amp = 0.5;

	for (int i = 0; i < N; i++)
		in_buf[0][i] = (float)amp; /* DC makes every gain step visible as a sample step */
	engine_set(e, ENGINE_STRIP_PAN, 0, -1.0f);
	run(e, 64);
	engine_set(e, ENGINE_STRIP_MUTE, 0, 1.0f);
	run(e, 64);
	for (int i = 1; i < N; i++)
		ck_assert_double_le(fabs(out_l[L + i] - out_l[L + i - 1]), amp / GLIDE * 1.001);
	ck_assert_double_gt(fabs(out_l[L + GLIDE - 2]), 0.0);
	ck_assert_float_eq(out_l[L + GLIDE - 1], 0.0f); /* off exactly at the end of the glide */
	ck_assert_float_eq(out_l[L + N - 1], 0.0f);
	engine_free(e);
}
END_TEST

START_TEST(solo_in_place)
{
	struct engine *e = engine_new(FS, 3, NULL);
	const int L = (int)limiter_off(e);

	sine(in_buf[0], 0.1, 1000);
	sine(in_buf[1], 0.05, 1500);
	sine(in_buf[2], 0.02, 700);
	engine_set(e, ENGINE_STRIP_SOLO, 1, 1.0f);
	run(e, 128);
	/* only strip 2 remains: compare against strip 2 alone at -3 dB */
	ck_assert_double_eq_tol(rms_db(out_l, L + GLIDE, L + N), 20 * log10(0.05) - 3.0103 - 3.0103,
	                        0.01);
	engine_set(e, ENGINE_STRIP_SOLO, 2, 1.0f);
	engine_set(e, ENGINE_STRIP_MUTE, 1, 1.0f); /* mute wins over solo */
	run(e, 128);
	ck_assert_double_eq_tol(rms_db(out_l, L + GLIDE, L + N), 20 * log10(0.02) - 3.0103 - 3.0103,
	                        0.01);
	engine_set(e, ENGINE_STRIP_SOLO, 1, 0.0f);
	engine_set(e, ENGINE_STRIP_SOLO, 2, 0.0f);
	engine_set(e, ENGINE_STRIP_MUTE, 1, 0.0f);
	run(e, 128);
	double p = (0.01 + 0.0025 + 0.0004) / 2.0 / 2.0; /* uncorrelated sines: powers add */
	ck_assert_double_eq_tol(rms_db(out_l, L + GLIDE, L + N), 10 * log10(p), 0.05);
	engine_free(e);
}
END_TEST

START_TEST(period_independent)
{
	static float ref_l[N + LAT_PAD];
	struct engine *a = engine_new(FS, 1, NULL), *b = engine_new(FS, 1, NULL);
	const uint32_t L = limiter_off(a); /* both outputs lag by L: compared over all N + L */

	ck_assert_uint_eq(limiter_off(b), L);
	sine(in_buf[0], 0.3, 440);
	engine_set(a, ENGINE_STRIP_FADER, 0, -20.0f);
	engine_set(b, ENGINE_STRIP_FADER, 0, -20.0f);
	engine_set(a, ENGINE_STRIP_PAN, 0, 0.3f);
	engine_set(b, ENGINE_STRIP_PAN, 0, 0.3f);
	run(a, 1024);
	memcpy(ref_l, out_l, sizeof(ref_l));
	run(b, 37);
	ck_assert_mem_eq(ref_l, out_l, (N + L) * sizeof(float));
	engine_free(a);
	engine_free(b);
}
END_TEST

START_TEST(nonfinite_input_never_reaches_master)
{
	struct engine *e = engine_new(FS, 2, NULL);
	const int L = (int)limiter_off(e);
	struct engine_counters c;

	sine(in_buf[0], 0.1, 1000);
	sine(in_buf[1], 0.1, 1000);
	in_buf[0][100] = NAN;
	in_buf[0][2000] = INFINITY;
	in_buf[0][3000] = 1e30f; /* finite but absurd: its square overflows */
	run(e, 256);
	for (int i = 0; i < L + N; i++)
		ck_assert(isfinite(out_l[i]) && isfinite(out_r[i]));
	engine_counters(e, &c);
	ck_assert_uint_eq(c.nonfinite_inputs, 3);
	ck_assert_uint_eq(c.nonfinite_output, 0);
	/* strip 2 was untouched throughout: the other strip still plays */
	ck_assert_double_gt(rms_db(out_l, L, L + N), -40.0);
	engine_free(e);
}
END_TEST

START_TEST(meters_read_and_clear)
{
	struct engine *e = engine_new(FS, 1, NULL);
	struct engine_meter m, ml, mr;

	limiter_off(e); /* the master meter reads after it: it must not touch the level */
	sine(in_buf[0], 0.5, 1000);
	/* the strip meters are not delayed: the L zeros after the sine open a meter interval that
	 * has not closed yet, so the RMS read is still the sine's */
	run(e, 256);
	engine_read_strip_meter(e, 0, &m);
	ck_assert_double_eq_tol(m.peak, 0.5, 0.001);
	ck_assert_double_eq_tol(m.rms, 0.5 / sqrt(2.0), 0.005);
	engine_read_strip_meter(e, 0, &m);
	ck_assert_float_eq(m.peak, 0.0f); /* max since the last read */
	engine_read_master_meter(e, &ml, &mr);
	ck_assert_double_eq_tol(20 * log10(ml.peak), 20 * log10(0.5) - 3.0103, 0.01);
	engine_free(e);
}
END_TEST

START_TEST(bad_commands_ignored)
{
	struct engine *e = engine_new(FS, 1, NULL);
	struct engine_counters c;

	engine_set(e, ENGINE_STRIP_FADER, 5, -6.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, NAN);
	engine_set(e, (enum engine_param)999, 0, 1.0f);
	engine_counters(e, &c);
	ck_assert_uint_eq(c.bad_commands, 3);
	ck_assert_uint_eq(c.commands, 0);
	ck_assert_ptr_null(engine_new(FS, 0, NULL));
	ck_assert_ptr_null(engine_new(100.0, 1, NULL));
	engine_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("levels");

	tcase_add_test(tc, stereo_unity_and_mono_centre);
	tcase_add_test(tc, fader_trim_polarity_master);
	tcase_add_test(tc, mute_glides_without_steps);
	tcase_add_test(tc, solo_in_place);
	tcase_add_test(tc, period_independent);
	tcase_add_test(tc, nonfinite_input_never_reaches_master);
	tcase_add_test(tc, meters_read_and_clear);
	tcase_add_test(tc, bad_commands_ignored);
	suite_add_tcase(s, tc);
	return check_run(s);
}
