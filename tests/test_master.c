/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The master bus measured at the engine's outputs: EQ (against its analog prototype), glue
 * compressor, M/S width (dsp-reference.md test 15), and the limiter's constant latency. The tests
 * of the EQ, the compressor and the width switch the limiter off; every output lags its input by
 * the limiter's look-ahead L (engine_test.h), so run() processes L frames of zeros after the N
 * input frames and output i + L is compared with input i. */
#include "check_run.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>

#include "engine.h"
#include "engine_test.h"

#define FS 48000.0
#define N  48000 /* 1 s */

static float in_l[N + LAT_PAD], in_r[N + LAT_PAD], out_l[N + LAT_PAD], out_r[N + LAT_PAD];

/* One stereo strip at unity (balance centre): master in = strip in. */
static struct engine *
stereo_engine(void)
{
	bool stereo[1] = { true };
	struct engine *e = engine_new(FS, 1, stereo);

	ck_assert_ptr_nonnull(e);
	return e;
}

/* N frames of in_l/in_r, then L of zeros: out[L .. N + L) is the response to in[0 .. N). */
static void
run(struct engine *e)
{
	const uint32_t len = N + engine_latency(e);

	memset(in_l + N, 0, engine_latency(e) * sizeof(float));
	memset(in_r + N, 0, engine_latency(e) * sizeof(float));
	for (uint32_t off = 0; off < len; off += 64) {
		const float *in[2] = { in_l + off, in_r + off };
		engine_process(e, in, out_l + off, out_r + off, len - off < 64 ? len - off : 64);
	}
}

static void
sine(float *x, double amp, double hz, double phase)
{
	for (int i = 0; i < N; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * hz * i / FS + phase));
}

/* Amplitude of the hz component over the second half (after every glide), in dB; y[i] is the
 * output for input sample i (callers pass out + L). */
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

/* The analog prototypes of the cookbook (dsp-reference.md §1.1), |H| in dB at f. */
static double
analog_db(int type, double f0, double q, double gain_db, double f)
{
	double A = pow(10.0, gain_db / 40.0), w = f / f0, w2 = w * w, sa = sqrt(A), num, den;

	if (type == ENGINE_EQ_BELL) {
		num = (1 - w2) * (1 - w2) + (w * A / q) * (w * A / q);
		den = (1 - w2) * (1 - w2) + (w / (A * q)) * (w / (A * q));
	} else if (type == ENGINE_EQ_LOWSHELF) {
		num = A * A * ((A - w2) * (A - w2) + (sa * w / q) * (sa * w / q));
		den = (1 - A * w2) * (1 - A * w2) + (sa * w / q) * (sa * w / q);
	} else {
		num = A * A * ((1 - A * w2) * (1 - A * w2) + (sa * w / q) * (sa * w / q));
		den = (A - w2) * (A - w2) + (sa * w / q) * (sa * w / q);
	}
	return 10.0 * log10(num / den);
}

/* The master EQ follows the analog prototype, measured on sines through the engine: a 1 kHz
 * bell (Q 1.4, +6 dB) within 0.01 dB from 100 Hz to 20 kHz, where the RBJ (bilinear) design
 * agrees below 8 kHz too; and near Nyquist, where the bilinear transform cramps (a 16 kHz
 * +12 dB bell reads 6.2 dB under its prototype at 20 kHz with RBJ), bells of +-12 dB at 10
 * and 16 kHz and shelves of +-12 dB at 12 and 16 kHz within 0.55 dB of it at 10, 15, 18 and
 * 20 kHz (dsp-reference.md §8 test 5: the 16 kHz bell within 0.5 dB at 20 kHz). */
START_TEST(master_eq_follows_analog)
{
	static const struct {
		int type;
		double f0, q, gain, tol;
		double freqs[8];
	} cases[] = {
		{ ENGINE_EQ_BELL,
		  1000,
		  1.4,
		  6,
		  0.01,
		  { 100, 700, 1000, 1500, 3000, 8000, 15000, 20000 } },
		{ ENGINE_EQ_BELL, 16000, 1, 12, 0.5, { 10000, 15000, 16000, 18000, 20000 } },
		{ ENGINE_EQ_BELL, 16000, 1, -12, 0.5, { 10000, 15000, 16000, 18000, 20000 } },
		{ ENGINE_EQ_BELL, 10000, 1, 12, 0.55, { 5000, 10000, 15000, 18000, 20000 } },
		{ ENGINE_EQ_HIGHSHELF,
		  16000,
		  0.707,
		  12,
		  0.5,
		  { 1000, 10000, 15000, 18000, 20000 } },
		{ ENGINE_EQ_HIGHSHELF,
		  12000,
		  0.707,
		  -12,
		  0.5,
		  { 1000, 10000, 15000, 18000, 20000 } },
		{ ENGINE_EQ_LOWSHELF,
		  100,
		  0.707,
		  6,
		  0.01,
		  { 20, 50, 100, 200, 1000, 10000, 20000 } },
	};
	double worst_hi = 0.0;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct engine *e = stereo_engine();
		const uint32_t L = limiter_off(e);
		int band = cases[c].type == ENGINE_EQ_BELL       ? 1
		           : cases[c].type == ENGINE_EQ_LOWSHELF ? 0
		                                                 : 3;

		engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_TYPE(band)), 0,
		           (float)cases[c].type);
		engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_FREQ(band)), 0, (float)cases[c].f0);
		engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_GAIN(band)), 0,
		           (float)cases[c].gain);
		engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_EQ_Q(band)), 0, (float)cases[c].q);
		engine_settle(e);
		for (size_t k = 0; k < 8 && cases[c].freqs[k] > 0; k++) {
			double f = cases[c].freqs[k];
			double want =
			    analog_db(cases[c].type, cases[c].f0, cases[c].q, cases[c].gain, f);
			sine(in_l, 0.1, f, 0.0);
			sine(in_r, 0.1, f, 1.0);
			run(e);
			double gl = level_db(out_l + L, f) + 20.0,
			       gr = level_db(out_r + L, f) + 20.0;
			ck_assert_msg(
			    fabs(gl - want) <= cases[c].tol && fabs(gr - want) <= cases[c].tol,
			    "type %d %g Hz %+g dB at %g Hz: L %.4f R %.4f dB, analog %.4f",
			    cases[c].type, cases[c].f0, cases[c].gain, f, gl, gr, want);
			if (cases[c].tol > 0.1)
				worst_hi = fmax(worst_hi, fabs(gl - want));
			if (cases[c].type == ENGINE_EQ_BELL && cases[c].f0 == 16000 && f == 20000)
				printf("master EQ: bell 16 kHz %+g dB at 20 kHz: %.3f dB, analog "
				       "%.3f, "
				       "RBJ %.3f\n",
				       cases[c].gain, gl, want,
				       rbj_peak_db(16000, 1, cases[c].gain, 20000));
			if (cases[c].f0 == 1000 && f <= 8000) /* and RBJ agrees down there */
				ck_assert(fabs(rbj_peak_db(1000, 1.4, 6, f) - want) < 0.02);
		}
		engine_free(e);
	}
	printf("master EQ: bells and shelves at 10-16 kHz within %.3f dB of the analog prototype "
	       "up to 20 kHz\n",
	       worst_hi);
}
END_TEST

/* Glue compressor, stereo-linked: a loud left and a quiet right get the same gain, the one the
 * static curve gives the louder side (sine peak -10 dBFS, T -30, R 2, knee 6: 10 dB of GR). Its
 * GR meter is engine_read_master_dynamics's (engine_read_master_meter's is the limiter's). */
START_TEST(glue_comp_linked)
{
	struct engine *e = stereo_engine();
	const uint32_t L = limiter_off(e);
	float truepeak, comp_gr;
	double gr_l, gr_r;

	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_ON), 0, 1.0f);
	engine_set(e, ENGINE_MASTER_OF(ENGINE_STRIP_COMP_THRESHOLD), 0, -30.0f);
	sine(in_l, pow(10.0, -10.0 / 20.0), 1000.0, 0.0);
	sine(in_r, 0.001, 1500.0, 0.0);
	run(e);
	run(e);
	gr_l = -10.0 - level_db(out_l + L, 1000.0);
	gr_r = -60.0 - level_db(out_r + L, 1500.0);
	engine_read_master_dynamics(e, &truepeak, &comp_gr);
	ck_assert_msg(fabs(gr_l - 10.0) < 0.25, "GR on the loud side %.4f dB (static curve 10)",
	              gr_l);
	ck_assert_msg(fabs(gr_r - gr_l) < 0.01, "GR L %.4f dB, R %.4f dB: not linked", gr_l, gr_r);
	ck_assert_msg(fabs(comp_gr - gr_l) < 0.3, "master meter GR %.4f dB, audio %.4f dB",
	              (double)comp_gr, gr_l);
	engine_free(e);
}
END_TEST

/* Test 15: w = 1 leaves the signal as it is; w = 0 gives L = R = (L+R)/2; M = (L+R)/2 is the
 * same for every w. */
START_TEST(width)
{
	static const float ws[] = { 0.0f, 0.5f, 1.0f, 1.5f, 2.0f };
	struct engine *e = stereo_engine();
	const uint32_t L = limiter_off(e);
	double max_err = 0.0;

	sine(in_l, 0.3, 440.0, 0.0);
	sine(in_r, 0.2, 660.0, 0.5);
	run(e);
	for (int i = 0; i < N; i++)
		max_err =
		    fmax(max_err, fmax(fabs(out_l[L + i] - in_l[i]), fabs(out_r[L + i] - in_r[i])));
	ck_assert_msg(max_err <= 1e-6, "w = 1: output differs from input by %g", max_err);
	for (size_t k = 0; k < sizeof(ws) / sizeof(ws[0]); k++) {
		double mid_err = 0.0, lr = 0.0, side = 0.0, side_in = 0.0;

		engine_set(e, ENGINE_MASTER_WIDTH, 0, ws[k]);
		run(e); /* the 10 ms glide lands */
		run(e);
		for (int i = 0; i < N; i++) {
			double m_in = 0.5 * ((double)in_l[i] + in_r[i]);
			double m_out = 0.5 * ((double)out_l[L + i] + out_r[L + i]);
			mid_err = fmax(mid_err, fabs(m_out - m_in));
			lr = fmax(lr, fabs((double)out_l[L + i] - out_r[L + i]));
			side = fmax(side, fabs(0.5 * ((double)out_l[L + i] - out_r[L + i])));
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

#define IMP_AT (N / 2)

/* The limiter is always in the path: switching it off changes neither engine_latency nor the
 * time an impulse takes to reach the master outputs, exactly L samples. A 0 dBFS impulse tells
 * the two states apart: on, it leaves under the ceiling (-1 dBTP), the limiter's GR meter moves
 * and both sides get the same gain; off, it leaves untouched and the meter stays at 0. */
START_TEST(latency_same_on_and_off)
{
	struct engine *e = stereo_engine();
	const uint32_t L = engine_latency(e);
	const double ceiling = pow(10.0, -1.0 / 20.0);

	ck_assert_uint_gt(L, 0);
	ck_assert_uint_le(L, LAT_PAD);
	for (int on = 1; on >= 0; on--) {
		struct engine_meter ml, mr;

		if (!on) /* switched while running, not settled */
			engine_set(e, ENGINE_MASTER_LIMITER_ON, 0, 0.0f);
		ck_assert_uint_eq(engine_latency(e), L);
		memset(in_l, 0, sizeof(in_l));
		memset(in_r, 0, sizeof(in_r));
		run(e); /* 1 s of silence: the 5 ms cross-fade and the last release pass */
		engine_read_master_meter(e, &ml, &mr);
		in_l[IMP_AT] = 1.0f;
		in_r[IMP_AT] = -0.5f;
		run(e);
		engine_read_master_meter(e, &ml, &mr);
		for (uint32_t i = 0; i < N + L; i++)
			if (i != IMP_AT + L)
				ck_assert_msg(out_l[i] == 0.0f && out_r[i] == 0.0f,
				              "limiter %s: %g / %g at %u, the impulse is due at %u",
				              on ? "on" : "off", (double)out_l[i], (double)out_r[i],
				              i, IMP_AT + L);
		if (on) {
			ck_assert_msg(out_l[IMP_AT + L] > 0.0f && out_l[IMP_AT + L] <= ceiling &&
			                  out_r[IMP_AT + L] == -0.5f * out_l[IMP_AT + L],
			              "limiter on: the impulse leaves as %.6f / %.6f",
			              (double)out_l[IMP_AT + L], (double)out_r[IMP_AT + L]);
			ck_assert_msg(ml.gr > 0.0f, "limiter on: GR meter %g dB", (double)ml.gr);
		} else {
			ck_assert_msg(out_l[IMP_AT + L] == 1.0f && out_r[IMP_AT + L] == -0.5f,
			              "limiter off: the impulse leaves as %.9g / %.9g",
			              (double)out_l[IMP_AT + L], (double)out_r[IMP_AT + L]);
			ck_assert_msg(ml.gr == 0.0f, "limiter off: GR meter %g dB", (double)ml.gr);
		}
		printf("latency: limiter %s: engine_latency %u, impulse at the outputs %u samples "
		       "late (%.6f / %.6f), limiter GR %.3f dB\n",
		       on ? "on " : "off", (unsigned)engine_latency(e), L,
		       (double)out_l[IMP_AT + L], (double)out_r[IMP_AT + L], (double)ml.gr);
	}
	engine_free(e);
}
END_TEST

/* Test 23, loudness normalisation: a stationary programme measured (libebur128, as mixd's
 * meter), the master fader moved by g = target - I, measured again: I = target +- 0.1 LU, and
 * the true peak stays under the limiter's -1 dBTP ceiling (on, true-peak mode). */
#define NORM_S 8

static double
programme_loudness(struct engine *e, double *tp_db)
{
	const int mode = EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK;
	ebur128_state *st = ebur128_init(2, (unsigned long)FS, mode);
	float frames[2 * 64];
	double lufs, tl, tr;
	uint32_t seed = 12345u;

	ck_assert_ptr_nonnull(st);
	for (int blk = 0; blk < NORM_S * (int)FS / 64; blk++) {
		float xl[64], xr[64], ol[64], orr[64];
		const float *in[2] = { xl, xr };

		/* three tones, a little noise and a short burst every half second whose peaks the
		 * +9 dB of the -14 LUFS target pushes over the ceiling: the limiter must catch them
		 * without moving the integrated loudness */
		for (int i = 0; i < 64; i++) {
			double t = (blk * 64 + i) / FS, tb = fmod(t, 0.5);
			double burst = tb < 0.001 ? 0.3 * sin(2 * M_PI * 2000 * tb) : 0.0;
			seed = seed * 1664525u + 1013904223u;
			xl[i] = (float)(0.05 * sin(2 * M_PI * 220 * t) +
			                0.04 * sin(2 * M_PI * 1230 * t) +
			                0.02 * sin(2 * M_PI * 3400 * t) +
			                0.005 * ((double)(seed >> 8) / 8388608.0 - 1.0) + burst);
			xr[i] = (float)(0.05 * sin(2 * M_PI * 330 * t + 1.0) +
			                0.04 * sin(2 * M_PI * 990 * t) +
			                0.02 * sin(2 * M_PI * 4100 * t));
		}
		engine_process(e, in, ol, orr, 64);
		for (int i = 0; i < 64; i++) {
			frames[2 * i] = ol[i];
			frames[2 * i + 1] = orr[i];
		}
		if (blk * 64 >
		    (int)FS) /* after the first second: glides, limiter and filters settled */
			ebur128_add_frames_float(st, frames, 64);
	}
	ebur128_loudness_global(st, &lufs);
	ebur128_true_peak(st, 0, &tl);
	ebur128_true_peak(st, 1, &tr);
	*tp_db = 20.0 * log10(fmax(tl, tr));
	ebur128_destroy(&st);
	return lufs;
}

START_TEST(loudness_normalisation)
{
	static const double targets[] = { -23.0, -14.0 };

	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		bool stereo[1] = { true };
		struct engine *e = engine_new(FS, 1, stereo);
		double i0, i1, tp0, tp1, g;

		ck_assert_ptr_nonnull(e);
		/* a fast release: the limiter takes the bursts' peaks, not the programme around
		 * them */
		engine_set(e, ENGINE_MASTER_LIMITER_RELEASE, 0, 5.0f);
		i0 = programme_loudness(e, &tp0);
		g = targets[k] - i0;
		engine_set(e, ENGINE_MASTER_FADER, 0, (float)g);
		i1 = programme_loudness(e, &tp1);
		fprintf(stderr,
		        "test 23: I %.2f LUFS (TP %.2f dBTP), fader %+.2f dB -> I %.3f LUFS "
		        "(target %.0f), TP %.2f dBTP\n",
		        i0, tp0, g, i1, targets[k], tp1);
		ck_assert_msg(fabs(i1 - targets[k]) <= 0.1, "target %.0f: re-measured I %.3f LUFS",
		              targets[k], i1);
		ck_assert_msg(tp1 <= -0.95, "target %.0f: true peak %.3f dBTP over the -1 ceiling",
		              targets[k], tp1);
		engine_free(e);
	}
}
END_TEST

static Suite *
master_suite(void)
{
	Suite *s = suite_create("master");
	TCase *tc = tcase_create("master");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, master_eq_follows_analog);
	tcase_add_test(tc, glue_comp_linked);
	tcase_add_test(tc, width);
	tcase_add_test(tc, latency_same_on_and_off);
	tcase_add_test(tc, loudness_normalisation);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(master_suite());
}
