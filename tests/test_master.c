/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The master bus measured at the engine's outputs: EQ, glue compressor, M/S width
 * (dsp-reference.md test 15). */
#include "check_run.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define FS 48000.0
#define N  48000 /* 1 s */

static float in_l[N], in_r[N], out_l[N], out_r[N];

/* One stereo strip at unity (balance centre): master in = strip in. */
static struct engine *
stereo_engine(void)
{
	bool stereo[1] = { true };
	struct engine *e = engine_new(FS, 1, stereo);

	ck_assert_ptr_nonnull(e);
	return e;
}

static void
run(struct engine *e)
{
	for (uint32_t off = 0; off < N; off += 64) {
		const float *in[2] = { in_l + off, in_r + off };
		engine_process(e, in, out_l + off, out_r + off, 64);
	}
}

static void
sine(float *x, double amp, double hz, double phase)
{
	for (int i = 0; i < N; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * hz * i / FS + phase));
}

/* Amplitude of the hz component over the second half (after every glide), in dB. */
static double
level_db(const float *y, double hz)
{
	double c = 0.0, s = 0.0;

	for (int i = N / 2; i < N; i++) {
		c += y[i] * cos(2.0 * M_PI * hz * i / FS);
		s += y[i] * sin(2.0 * M_PI * hz * i / FS);
	}
	return 20.0 * log10(2.0 * sqrt(c * c + s * s) / (N / 2));
}

/* RBJ peaking EQ magnitude in dB (dsp-reference.md §1.1), double precision. */
static double
rbj_peak_db(double f0, double q, double gain_db, double f)
{
	double A = pow(10.0, gain_db / 40.0), w0 = 2.0 * M_PI * f0 / FS, al = sin(w0) / (2.0 * q);
	double b0 = 1 + al * A, b1 = -2 * cos(w0), b2 = 1 - al * A;
	double a0 = 1 + al / A, a1 = -2 * cos(w0), a2 = 1 - al / A;
	double w = 2.0 * M_PI * f / FS;
	double nr = b0 + b1 * cos(w) + b2 * cos(2 * w), ni = -(b1 * sin(w) + b2 * sin(2 * w));
	double dr = a0 + a1 * cos(w) + a2 * cos(2 * w), di = -(a1 * sin(w) + a2 * sin(2 * w));

	return 10.0 * log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

START_TEST(master_eq_matches_rbj)
{
	static const double freqs[] = { 100, 400, 700, 1000, 1500, 3000, 8000 };
	struct engine *e = stereo_engine();

	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_TYPE(1)), 0, ENGINE_EQ_BELL);
	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_FREQ(1)), 0, 1000.0f);
	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_GAIN(1)), 0, 6.0f);
	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_Q(1)), 0, 1.4f);
	engine_settle(e);
	for (size_t k = 0; k < sizeof(freqs) / sizeof(freqs[0]); k++) {
		double want = rbj_peak_db(1000.0, 1.4, 6.0, freqs[k]);
		sine(in_l, 0.1, freqs[k], 0.0);
		sine(in_r, 0.1, freqs[k], 1.0);
		run(e);
		ck_assert_msg(fabs(level_db(out_l, freqs[k]) + 20.0 - want) < 0.01 &&
		                  fabs(level_db(out_r, freqs[k]) + 20.0 - want) < 0.01,
		              "master bell at %g Hz: L %.4f R %.4f dB, RBJ %.4f", freqs[k],
		              level_db(out_l, freqs[k]) + 20.0, level_db(out_r, freqs[k]) + 20.0,
		              want);
	}
	engine_free(e);
}
END_TEST

/* Glue compressor, stereo-linked: a loud left and a quiet right get the same gain, the one the
 * static curve gives the louder side (sine peak -10 dBFS, T -30, R 2, knee 6: 10 dB of GR). */
START_TEST(glue_comp_linked)
{
	struct engine *e = stereo_engine();
	struct engine_meter ml, mr;
	double gr_l, gr_r;

	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_ON), 0, 1.0f);
	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_THRESHOLD), 0, -30.0f);
	sine(in_l, pow(10.0, -10.0 / 20.0), 1000.0, 0.0);
	sine(in_r, 0.001, 1500.0, 0.0);
	run(e);
	run(e);
	gr_l = -10.0 - level_db(out_l, 1000.0);
	gr_r = -60.0 - level_db(out_r, 1500.0);
	engine_read_master_meter(e, &ml, &mr);
	ck_assert_msg(fabs(gr_l - 10.0) < 0.25, "GR on the loud side %.4f dB (static curve 10)",
	              gr_l);
	ck_assert_msg(fabs(gr_r - gr_l) < 0.01, "GR L %.4f dB, R %.4f dB: not linked", gr_l, gr_r);
	ck_assert_msg(fabs(ml.gr - gr_l) < 0.3, "master meter GR %.4f dB, audio %.4f dB",
	              (double)ml.gr, gr_l);
	engine_free(e);
}
END_TEST

/* Test 15: w = 1 leaves the signal as it is; w = 0 gives L = R = (L+R)/2; M = (L+R)/2 is the
 * same for every w. */
START_TEST(width)
{
	static const float ws[] = { 0.0f, 0.5f, 1.0f, 1.5f, 2.0f };
	struct engine *e = stereo_engine();
	double max_err = 0.0;

	sine(in_l, 0.3, 440.0, 0.0);
	sine(in_r, 0.2, 660.0, 0.5);
	run(e);
	for (int i = 0; i < N; i++)
		max_err = fmax(max_err, fmax(fabs(out_l[i] - in_l[i]), fabs(out_r[i] - in_r[i])));
	ck_assert_msg(max_err <= 1e-6, "w = 1: output differs from input by %g", max_err);
	for (size_t k = 0; k < sizeof(ws) / sizeof(ws[0]); k++) {
		double mid_err = 0.0, lr = 0.0, side = 0.0, side_in = 0.0;

		engine_set(e, ENGINE_MASTER_WIDTH, 0, ws[k]);
		run(e); /* the 10 ms glide lands */
		run(e);
		for (int i = 0; i < N; i++) {
			double m_in = 0.5 * ((double)in_l[i] + in_r[i]);
			double m_out = 0.5 * ((double)out_l[i] + out_r[i]);
			mid_err = fmax(mid_err, fabs(m_out - m_in));
			lr = fmax(lr, fabs((double)out_l[i] - out_r[i]));
			side = fmax(side, fabs(0.5 * ((double)out_l[i] - out_r[i])));
			side_in = fmax(side_in, fabs(0.5 * ((double)in_l[i] - in_r[i])));
		}
		ck_assert_msg(mid_err <= 1e-6, "w = %g: mid changed by %g", (double)ws[k], mid_err);
		if (ws[k] == 0.0f)
			ck_assert_msg(lr <= 1e-7, "w = 0: |L - R| up to %g", lr);
		else
			ck_assert_msg(fabs(side / side_in - ws[k]) < 1e-5,
			              "w = %g: side scaled by %.6f", (double)ws[k], side / side_in);
	}
	engine_free(e);
}
END_TEST

static Suite *
master_suite(void)
{
	Suite *s = suite_create("master");
	TCase *tc = tcase_create("master");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, master_eq_matches_rbj);
	tcase_add_test(tc, glue_comp_linked);
	tcase_add_test(tc, width);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(master_suite());
}
