/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strip measured at the engine's outputs against dsp-reference.md §8: HPF, EQ and
 * compressor against the RBJ cookbook and Giannoulis et al. in double precision, pan, sends,
 * denormals, non-finite input, and every vector kernel against the plain C reference.
 *
 * Mono strips are panned hard left (gl = 1 exactly, gr = 0), so out_l is the strip's output
 * itself and no pan law needs dividing out; stereo strips at centre balance are unity on both
 * sides. Sine levels are least-squares fits over whole cycles once the filters have settled.
 *
 * The master limiter is switched off (these tests measure the strip), and the outputs lag the
 * inputs by its look-ahead L while the bus taps do not (engine_test.h): output i + L is compared
 * with input i and with tap i, and a run whose last L inputs are measured goes on for L frames
 * of zeros.
 */
#include "check_run.h"
#include "measure.h"
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "engine.h"
#include "engine_test.h"

#define FS    48000.0
#define OFF   (-200.0f) /* any gain at or below GAIN_OFF_DB is off */
#define TAU_S (ENGINE_SMOOTH_MS * 0.001)

/* ---------------------------------------------------------------------------------------------
 * Reference magnitudes (RBJ cookbook, dsp-reference.md §1.1), double precision. */

struct biquad {
	double b0, b1, b2, a0, a1, a2;
};

/* |H(e^jw)| in dB from |N|^2 = b0^2 + b1^2 + b2^2 + 2(b0 b1 + b1 b2) cos w + 2 b0 b2 cos 2w. */
static double
biquad_db(const struct biquad *c, double f)
{
	double w = 2.0 * M_PI * f / FS, c1 = cos(w), c2 = cos(2.0 * w);
	double num = c->b0 * c->b0 + c->b1 * c->b1 + c->b2 * c->b2 +
	             2.0 * (c->b0 * c->b1 + c->b1 * c->b2) * c1 + 2.0 * c->b0 * c->b2 * c2;
	double den = c->a0 * c->a0 + c->a1 * c->a1 + c->a2 * c->a2 +
	             2.0 * (c->a0 * c->a1 + c->a1 * c->a2) * c1 + 2.0 * c->a0 * c->a2 * c2;

	return 10.0 * log10(num / den);
}

static double
rbj_peak_db(double f0, double q, double gain_db, double f)
{
	double w0 = 2.0 * M_PI * f0 / FS, c = cos(w0), al = sin(w0) / (2.0 * q);
	double a = pow(10.0, gain_db / 40.0);
	struct biquad h = { 1.0 + al * a, -2.0 * c, 1.0 - al * a,
		            1.0 + al / a, -2.0 * c, 1.0 - al / a };

	return biquad_db(&h, f);
}

static double
rbj_hpf_db(double f0, double q, double f)
{
	double w0 = 2.0 * M_PI * f0 / FS, c = cos(w0), al = sin(w0) / (2.0 * q);
	struct biquad h = { (1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0,
		            1.0 + al,        -2.0 * c,   1.0 - al };

	return biquad_db(&h, f);
}

static double
rbj_shelf_db(bool high, double f0, double q, double gain_db, double f)
{
	double w0 = 2.0 * M_PI * f0 / FS, c = cos(w0), al = sin(w0) / (2.0 * q);
	double a = pow(10.0, gain_db / 40.0), sa = 2.0 * sqrt(a) * al;
	struct biquad h;

	if (!high)
		h = (struct biquad){
			a * ((a + 1) - (a - 1) * c + sa), 2 * a * ((a - 1) - (a + 1) * c),
			a * ((a + 1) - (a - 1) * c - sa), (a + 1) + (a - 1) * c + sa,
			-2 * ((a - 1) + (a + 1) * c),     (a + 1) + (a - 1) * c - sa
		};
	else
		h = (struct biquad){
			a * ((a + 1) + (a - 1) * c + sa), -2 * a * ((a - 1) + (a + 1) * c),
			a * ((a + 1) + (a - 1) * c - sa), (a + 1) - (a - 1) * c + sa,
			2 * ((a - 1) - (a + 1) * c),      (a + 1) - (a - 1) * c - sa
		};
	return biquad_db(&h, f);
}

/* The 31 ISO 266 1/3-octave centres, 20 Hz .. 20 kHz. */
static const double iso_hz[31] = { 20,   25,   31.5, 40,    50,    63,    80,   100,
	                           125,  160,  200,  250,   315,   400,   500,  630,
	                           800,  1000, 1250, 1600,  2000,  2500,  3150, 4000,
	                           5000, 6300, 8000, 10000, 12500, 16000, 20000 };

/* Giannoulis soft-knee gain computer (dsp-reference.md §2): output level in dB. */
static double
comp_curve_db(double x, double t, double r, double w)
{
	if (2.0 * (x - t) < -w)
		return x;
	if (2.0 * fabs(x - t) <= w)
		return x + (1.0 / r - 1.0) * (x - t + w / 2.0) * (x - t + w / 2.0) / (2.0 * w);
	return t + (x - t) / r;
}

/* ---------------------------------------------------------------------------------------------
 * Engine set-up (signals and measurements: measure.h). */

struct band {
	enum engine_eq_type type;
	float freq_hz, gain_db, q;
};

struct strip_cfg {
	int hpf_slope; /* 0 off, 12 or 24 */
	float hpf_hz;
	struct band band[ENGINE_EQ_BANDS];
};

/* Sends and bus returns off: the outputs carry the strips and nothing else. */
static void
isolate(struct engine *e)
{
	for (unsigned k = 0; k < engine_n_strips(e); k++)
		for (int b = 0; b < ENGINE_N_BUSES; b++)
			engine_set(e, ENGINE_STRIP_SEND_LEVEL(b), k, OFF);
	for (int b = 0; b < ENGINE_N_BUSES; b++)
		engine_set(e, ENGINE_BUS_RETURN(b), 0, OFF);
}

/* A 1-strip mono engine panned hard left, limiter off: out_l is the strip's output, L late. */
static struct engine *
mono_engine(void)
{
	struct engine *e = engine_new(FS, 1, NULL);

	ck_assert_ptr_nonnull(e);
	limiter_off(e);
	engine_set(e, ENGINE_STRIP_PAN, 0, -1.0f);
	isolate(e);
	return e;
}

static void
apply_cfg(struct engine *e, unsigned k, const struct strip_cfg *c)
{
	engine_set(e, ENGINE_STRIP_HPF_ON, k, c->hpf_slope ? 1.0f : 0.0f);
	if (c->hpf_slope) {
		engine_set(e, ENGINE_STRIP_HPF_FREQ, k, c->hpf_hz);
		engine_set(e, ENGINE_STRIP_HPF_SLOPE, k, (float)c->hpf_slope);
	}
	engine_set(e, ENGINE_STRIP_EQ_ON, k, 1.0f);
	for (int b = 0; b < ENGINE_EQ_BANDS; b++) {
		const struct band *p = &c->band[b];
		engine_set(e, ENGINE_STRIP_EQ_TYPE(b), k, (float)p->type);
		if (p->type != ENGINE_EQ_OFF) {
			engine_set(e, ENGINE_STRIP_EQ_FREQ(b), k, p->freq_hz);
			engine_set(e, ENGINE_STRIP_EQ_GAIN(b), k, p->gain_db);
			engine_set(e, ENGINE_STRIP_EQ_Q(b), k, p->q);
		}
	}
}

struct comp_cfg {
	float threshold_db, ratio, knee_db, attack_ms, release_ms, makeup_db;
};

static void
apply_comp(struct engine *e, unsigned k, const struct comp_cfg *c)
{
	engine_set(e, ENGINE_STRIP_COMP_ON, k, 1.0f);
	engine_set(e, ENGINE_STRIP_COMP_THRESHOLD, k, c->threshold_db);
	engine_set(e, ENGINE_STRIP_COMP_RATIO, k, c->ratio);
	engine_set(e, ENGINE_STRIP_COMP_KNEE, k, c->knee_db);
	engine_set(e, ENGINE_STRIP_COMP_ATTACK, k, c->attack_ms);
	engine_set(e, ENGINE_STRIP_COMP_RELEASE, k, c->release_ms);
	engine_set(e, ENGINE_STRIP_COMP_MAKEUP, k, c->makeup_db);
}

/* Runs a mono engine over x[0..n) in periods of `period` frames. */
static void
run_mono(struct engine *e, const float *x, float *yl, float *yr, int n, int period)
{
	for (int off = 0; off < n; off += period) {
		int len = n - off < period ? n - off : period;
		const float *in[1] = { x + off };
		engine_process(e, in, yl + off, yr + off, (uint32_t)len);
	}
}

#define TONE_SETTLE 12000 /* 0.25 s: every filter here has decayed by > 100 dB */
#define TONE_MIN    9600  /* at least 0.2 s of whole cycles measured */
#define TONE_MAX    (TONE_SETTLE + TONE_MIN + 4800 + 64)

/* The strip's gain in dB for a -20 dBFS sine at f, with configuration c. */
static double
tone_gain_db(const struct strip_cfg *c, double f)
{
	static float x[TONE_MAX + LAT_PAD], yl[TONE_MAX + LAT_PAD], yr[TONE_MAX + LAT_PAD];
	struct engine *e = mono_engine();
	const int L = (int)engine_latency(e);
	int cycles = (int)ceil(TONE_MIN * f / FS), len = (int)lrint(cycles * FS / f);
	int n = TONE_SETTLE + len;

	apply_cfg(e, 0, c);
	engine_settle(e);
	for (int i = 0; i < n; i++)
		x[i] = (float)(0.1 * sin(2.0 * M_PI * f * i / FS));
	memset(x + n, 0, L * sizeof(*x)); /* L zeros: the outputs of the last L inputs */
	run_mono(e, x, yl, yr, n + L, 256);
	ck_assert_msg(all_finite(yl, n + L), "non-finite output at %.1f Hz", f);
	engine_free(e);
	return db(ls_amp(yl, L + TONE_SETTLE, len, f, FS) / ls_amp(x, TONE_SETTLE, len, f, FS));
}

/* ---------------------------------------------------------------------------------------------
 * Filters and EQ (tests 1-4, 6, 7). */

/* Test 1: bell 1 kHz, Q 1.4, +12 dB: 12.00 +-0.01 at f0, the RBJ curve +-0.01 dB at every ISO
 * centre. */
START_TEST(bell_matches_rbj)
{
	struct strip_cfg c = { .band = { { ENGINE_EQ_BELL, 1000.0f, 12.0f, 1.4f } } };
	double worst = 0.0, worst_f = 0.0;

	for (int i = 0; i < 31; i++) {
		double f = iso_hz[i], m = tone_gain_db(&c, f),
		       r = rbj_peak_db(1000.0, 1.4, 12.0, f);
		ck_assert_msg(fabs(m - r) <= 0.01, "bell at %.1f Hz: %.5f dB, RBJ %.5f dB", f, m,
		              r);
		if (fabs(m - r) > worst) {
			worst = fabs(m - r);
			worst_f = f;
		}
		if (f == 1000.0) {
			ck_assert_msg(fabs(m - 12.0) <= 0.01, "bell at f0: %.5f dB", m);
			printf("test 1: bell +12 dB at f0: %.5f dB\n", m);
		}
	}
	printf("test 1: bell vs RBJ at 31 ISO centres: worst %.2e dB at %.1f Hz\n", worst, worst_f);
}
END_TEST

/* Test 2: +G then -G at the same f0 and Q cascade to flat +-0.01 dB. */
START_TEST(boost_then_cut_is_flat)
{
	static const struct {
		float f0, q, g;
	} cases[] = { { 1000.0f, 1.4f, 12.0f }, { 5000.0f, 4.0f, 18.0f }, { 80.0f, 0.5f, -9.0f } };

	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct strip_cfg c = { .band = {
			                   { ENGINE_EQ_BELL, cases[k].f0, cases[k].g, cases[k].q },
			                   { ENGINE_EQ_BELL, cases[k].f0, -cases[k].g, cases[k].q },
			               } };
		double worst = 0.0;

		for (int i = 0; i < 31; i++) {
			double m = tone_gain_db(&c, iso_hz[i]);
			ck_assert_msg(fabs(m) <= 0.01,
			              "%+.0f/%+.0f dB bells at %.0f Hz Q %.1f: %.5f dB at %.1f Hz",
			              cases[k].g, -cases[k].g, cases[k].f0, cases[k].q, m,
			              iso_hz[i]);
			worst = fmax(worst, fabs(m));
		}
		printf("test 2: %+.0f then %+.0f dB, %.0f Hz, Q %.1f: worst deviation %.2e dB\n",
		       cases[k].g, -cases[k].g, cases[k].f0, cases[k].q, worst);
	}
}
END_TEST

/* Test 3: HPF 100 Hz Butterworth, 12 and 24 dB/oct (24 = two identical Q 0.7071 sections). */
START_TEST(hpf_butterworth)
{
	static const struct {
		int slope;
		double f, want, tol;
	} spec[] = {
		{ 12, 100, -3.01, 0.05 }, { 12, 50, -12.3, 0.1 },  { 12, 20, -28.0, 0.2 },
		{ 12, 200, -0.26, 0.05 }, { 12, 1000, 0.0, 0.01 }, { 24, 100, -6.02, 0.05 },
		{ 24, 50, -24.6, 0.2 },
	};
	const double q = M_SQRT1_2;

	for (unsigned i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		struct strip_cfg c = { .hpf_slope = spec[i].slope, .hpf_hz = 100.0f };
		double m = tone_gain_db(&c, spec[i].f);
		ck_assert_msg(fabs(m - spec[i].want) <= spec[i].tol,
		              "HPF %d dB/oct at %.0f Hz: %.4f dB, want %.2f +-%.2f", spec[i].slope,
		              spec[i].f, m, spec[i].want, spec[i].tol);
		printf("test 3: HPF %d dB/oct at %4.0f Hz: %.4f dB (want %.2f +-%.2f)\n",
		       spec[i].slope, spec[i].f, m, spec[i].want, spec[i].tol);
	}
	/* and the RBJ curve itself (doubled for 24 dB/oct) at every ISO centre */
	for (int slope = 12; slope <= 24; slope += 12) {
		struct strip_cfg c = { .hpf_slope = slope, .hpf_hz = 100.0f };
		double worst = 0.0;
		for (int i = 0; i < 31; i++) {
			double m = tone_gain_db(&c, iso_hz[i]);
			double r = rbj_hpf_db(100.0, q, iso_hz[i]) * (slope / 12);
			ck_assert_msg(fabs(m - r) <= 0.01, "HPF %d at %.1f Hz: %.5f dB, RBJ %.5f",
			              slope, iso_hz[i], m, r);
			worst = fmax(worst, fabs(m - r));
		}
		printf("test 3: HPF %d dB/oct vs RBJ at 31 ISO centres: worst %.2e dB\n", slope,
		       worst);
	}
}
END_TEST

/* Test 4: low shelf 100 Hz +6 dB S = 1 (Q 0.7071): +3 at f0, +6 at 10 Hz, 0 at 10 kHz; the
 * high shelf mirrored (1 kHz: +3 at f0, +6 at 20 kHz, 0 at 10 Hz); both on the RBJ curve. */
START_TEST(shelves)
{
	static const struct {
		enum engine_eq_type type;
		double f0, f, want, tol;
	} spec[] = {
		{ ENGINE_EQ_LOWSHELF, 100, 100, 3.0, 0.05 },
		{ ENGINE_EQ_LOWSHELF, 100, 10, 6.0, 0.05 },
		{ ENGINE_EQ_LOWSHELF, 100, 10000, 0.0, 0.01 },
		{ ENGINE_EQ_HIGHSHELF, 1000, 1000, 3.0, 0.05 },
		{ ENGINE_EQ_HIGHSHELF, 1000, 20000, 6.0, 0.05 },
		{ ENGINE_EQ_HIGHSHELF, 1000, 10, 0.0, 0.01 },
	};
	const float q = (float)M_SQRT1_2;

	for (unsigned i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		struct strip_cfg c = { .band = { { spec[i].type, (float)spec[i].f0, 6.0f, q } } };
		double m = tone_gain_db(&c, spec[i].f);
		const char *name = spec[i].type == ENGINE_EQ_LOWSHELF ? "low" : "high";
		ck_assert_msg(fabs(m - spec[i].want) <= spec[i].tol,
		              "%s shelf %.0f Hz +6 dB at %.0f Hz: %.4f dB, want %.2f +-%.2f", name,
		              spec[i].f0, spec[i].f, m, spec[i].want, spec[i].tol);
		printf("test 4: %s shelf %.0f Hz +6 dB at %5.0f Hz: %.4f dB (want %.2f +-%.2f)\n",
		       name, spec[i].f0, spec[i].f, m, spec[i].want, spec[i].tol);
	}
	/* more shapes, on the RBJ curve at every ISO centre */
	static const struct band shapes[] = {
		{ ENGINE_EQ_LOWSHELF, 100.0f, 6.0f, (float)M_SQRT1_2 },
		{ ENGINE_EQ_HIGHSHELF, 1000.0f, 6.0f, (float)M_SQRT1_2 },
		{ ENGINE_EQ_LOWSHELF, 300.0f, -9.0f, 2.0f },
		{ ENGINE_EQ_HIGHSHELF, 3000.0f, 7.0f, 0.5f },
	};
	for (unsigned k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		struct strip_cfg c = { .band = { shapes[k] } };
		bool high = shapes[k].type == ENGINE_EQ_HIGHSHELF;
		double worst = 0.0;
		for (int i = 0; i < 31; i++) {
			double m = tone_gain_db(&c, iso_hz[i]);
			double r = rbj_shelf_db(high, shapes[k].freq_hz, shapes[k].q,
			                        shapes[k].gain_db, iso_hz[i]);
			ck_assert_msg(
			    fabs(m - r) <= 0.01,
			    "%s shelf %.0f Hz %+.0f dB Q %.2f at %.1f Hz: %.5f dB, RBJ %.5f",
			    high ? "high" : "low", shapes[k].freq_hz, shapes[k].gain_db,
			    shapes[k].q, iso_hz[i], m, r);
			worst = fmax(worst, fabs(m - r));
		}
		printf(
		    "test 4: %s shelf %.0f Hz %+.0f dB Q %.2f vs RBJ at 31 ISO centres: worst %.2e "
		    "dB\n",
		    high ? "high" : "low", shapes[k].freq_hz, shapes[k].gain_db, shapes[k].q,
		    worst);
	}
}
END_TEST

#define STRESS_N 48000 /* 1 s */
_Static_assert(STRESS_N % 32 == 0, "whole toggles");

/* Test 6: HPF freq and a Q 8 bell toggled 40 Hz <-> 16 kHz every 32 samples for 1 s over
 * 0.1-rms white noise: finite, max |y| <= 4x the input peak. (The HPF clamps 16 kHz to its top,
 * 1 kHz.) The 10 ms smoothing turns a 32-sample toggle into a small wobble, so the toggle is
 * also run every 480 and 4800 samples, where the filters sweep the whole range. */
START_TEST(modulation_stress)
{
	static float x[STRESS_N + LAT_PAD], yl[STRESS_N + LAT_PAD], yr[STRESS_N + LAT_PAD];
	static const int every[] = { 32, 480, 4800 };
	uint64_t seed = 6;

	for (int i = 0; i < STRESS_N; i++)
		x[i] = (float)(0.1 * rng_gauss(&seed));
	for (unsigned t = 0; t < sizeof(every) / sizeof(every[0]); t++) {
		for (int sign = 1; sign >= -1; sign -= 2) {
			struct engine *e = mono_engine();
			const int L = (int)engine_latency(e);
			const float *pad[1] = { x + STRESS_N };
			struct strip_cfg c = { .hpf_slope = 24,
				               .hpf_hz = 40.0f,
				               .band = { { ENGINE_EQ_BELL, 40.0f, 12.0f * sign,
				                           8.0f } } };

			apply_cfg(e, 0, &c);
			engine_settle(e);
			for (int off = 0; off < STRESS_N; off += 32) {
				float f = (off / every[t]) % 2 ? 16000.0f : 40.0f;
				const float *in[1] = { x + off };
				engine_set(e, ENGINE_STRIP_HPF_FREQ, 0, f);
				engine_set(e, ENGINE_STRIP_EQ_FREQ(0), 0, f);
				engine_process(e, in, yl + off, yr + off, 32);
			}
			/* L zeros: the outputs of the last L inputs */
			memset(x + STRESS_N, 0, L * sizeof(*x));
			engine_process(e, pad, yl + STRESS_N, yr + STRESS_N, (uint32_t)L);
			ck_assert_msg(all_finite(yl, STRESS_N + L) && all_finite(yr, STRESS_N + L),
			              "non-finite output, bell %+d dB toggled every %d samples",
			              12 * sign, every[t]);
			double ratio = peak_of(yl + L, 0, STRESS_N) / peak_of(x, 0, STRESS_N);
			ck_assert_msg(
			    ratio <= 4.0,
			    "bell %+d dB toggled every %d samples: max |y| = %.3f x input peak",
			    12 * sign, every[t], ratio);
			printf("test 6: HPF + Q 8 bell %+d dB toggled 40 Hz <-> 16 kHz every %4d "
			       "samples: "
			       "max |y| = %.3f x the input peak %.3f\n",
			       12 * sign, every[t], ratio, peak_of(x, 0, STRESS_N));
			engine_free(e);
		}
	}
}
END_TEST

#define STEP_N  24000 /* 0.5 s */
#define STEP_UP 4800  /* gain 0 -> +12 dB here */
#define STEP_DN 14400 /* and back to 0 here */
_Static_assert(STEP_N % ENGINE_BLOCK == 0, "whole sub-blocks");

/* Test 7: bell gain step 0 -> +12 dB (and back) on a -20 dBFS 1 kHz sine at the bell's f0. The
 * effective band gain per sample is |H(n)| of the time-varying system at 1 kHz: two identical
 * engines take 0.1 sin and 0.1 cos, and |y_sin + j y_cos| / 0.1 is the gain at every sample
 * (the engine is linear in its input with the compressor off). No per-sample change larger than
 * 12 (1 - e^(-1/(tau fs))) dB, tau = ENGINE_SMOOTH_MS; within 0.1 dB of the target after
 * tau ln(120) = 4.8 tau, allowing one sub-block of command latency and one 1 kHz cycle for the
 * Q 1.4 band's own response (bandwidth 714 Hz). */
START_TEST(bell_gain_step_glides)
{
	static float xs[STEP_N + LAT_PAD], xc[STEP_N + LAT_PAD], ys[STEP_N + LAT_PAD],
	    yc[STEP_N + LAT_PAD], yr[STEP_N + LAT_PAD];
	static double g[STEP_N];
	struct engine *es = mono_engine(), *ec = mono_engine();
	const int L = (int)engine_latency(es);
	struct strip_cfg c = { .band = { { ENGINE_EQ_BELL, 1000.0f, 0.0f, 1.4f } } };
	const double k = 1.0 - exp(-1.0 / (TAU_S * FS)), lim = 12.0 * k;
	const int settle = (int)ceil(TAU_S * FS * log(12.0 / 0.1)) + ENGINE_BLOCK + 48;
	double max_jump = 0.0;
	int last_off[2] = { -1, -1 };

	apply_cfg(es, 0, &c);
	apply_cfg(ec, 0, &c);
	engine_settle(es);
	engine_settle(ec);
	for (int i = 0; i < STEP_N; i++) {
		xs[i] = (float)(0.1 * sin(2.0 * M_PI * 1000.0 * i / FS));
		xc[i] = (float)(0.1 * cos(2.0 * M_PI * 1000.0 * i / FS));
	}
	for (int off = 0; off < STEP_N; off += ENGINE_BLOCK) {
		const float *ins[1] = { xs + off }, *inc[1] = { xc + off };
		if (off == STEP_UP || off == STEP_DN) {
			float gain = off == STEP_UP ? 12.0f : 0.0f;
			engine_set(es, ENGINE_STRIP_EQ_GAIN(0), 0, gain);
			engine_set(ec, ENGINE_STRIP_EQ_GAIN(0), 0, gain);
		}
		engine_process(es, ins, ys + off, yr + off, ENGINE_BLOCK);
		engine_process(ec, inc, yc + off, yr + off, ENGINE_BLOCK);
	}
	{ /* L zeros: the outputs of the last L inputs */
		const float *ins[1] = { xs + STEP_N }, *inc[1] = { xc + STEP_N };
		memset(xs + STEP_N, 0, L * sizeof(*xs));
		memset(xc + STEP_N, 0, L * sizeof(*xc));
		engine_process(es, ins, ys + STEP_N, yr + STEP_N, (uint32_t)L);
		engine_process(ec, inc, yc + STEP_N, yr + STEP_N, (uint32_t)L);
	}
	ck_assert_uint_eq(engine_latency(ec), L);
	for (int i = 0; i < STEP_N; i++) {
		g[i] = db(hypot(ys[L + i], yc[L + i]) / hypot(xs[i], xc[i]));
		ck_assert_msg(isfinite(g[i]), "gain not finite at %d", i);
		if (i > 0) {
			double jump = fabs(g[i] - g[i - 1]);
			ck_assert_msg(
			    jump <= lim,
			    "gain jumps %.5f dB at sample %d (%.4f -> %.4f dB), limit %.5f", jump,
			    i, g[i - 1], g[i], lim);
			max_jump = fmax(max_jump, jump);
		}
		if (i < STEP_UP)
			ck_assert_msg(fabs(g[i]) <= 0.001, "flat bell: %.5f dB at %d", g[i], i);
		else if (i < STEP_DN && fabs(g[i] - 12.0) > 0.1)
			last_off[0] = i - STEP_UP;
		else if (i >= STEP_DN && fabs(g[i]) > 0.1)
			last_off[1] = i - STEP_DN;
	}
	ck_assert_msg(last_off[0] <= settle,
	              "up step: still %.4f dB at %d samples after the command (limit %d)",
	              g[STEP_UP + last_off[0]], last_off[0], settle);
	ck_assert_msg(last_off[1] <= settle,
	              "down step: still %.4f dB at %d samples after the command (limit %d)",
	              g[STEP_DN + last_off[1]], last_off[1], settle);
	ck_assert_msg(fabs(g[STEP_DN - 1] - 12.0) <= 0.01, "bell landed at %.5f dB",
	              g[STEP_DN - 1]);
	printf("test 7: max gain change %.5f dB/sample (limit %.5f); within 0.1 dB after %d (up) / "
	       "%d (down) samples, limit %d; landed at %.5f dB\n",
	       max_jump, lim, last_off[0] + 1, last_off[1] + 1, settle, g[STEP_DN - 1]);
	engine_free(es);
	engine_free(ec);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Compressor (tests 8-11). */

static const struct comp_cfg comp_ref = { -20.0f, 4.0f, 6.0f, 10.0f, 100.0f, 0.0f };

#define COMP_N 14400 /* 0.3 s = 30 attack time constants */

/* Test 8: static curve with DC input, T -20, R 4, knee 6: each +-0.05 dB. */
START_TEST(comp_static_curve)
{
	static float x[COMP_N + LAT_PAD], yl[COMP_N + LAT_PAD], yr[COMP_N + LAT_PAD];
	static const double in_db[] = { -30, -23, -20, -17, -10, 0, -40, -21.5, -5 };
	static const double table[] = { -30.00, -23.00, -20.56, -17.0 - 2.25, -17.50, -15.00 };

	for (unsigned i = 0; i < sizeof(in_db) / sizeof(in_db[0]); i++) {
		struct engine *e = mono_engine();
		const int L = (int)engine_latency(e);
		double want = comp_curve_db(in_db[i], -20.0, 4.0, 6.0);
		float v = (float)pow(10.0, in_db[i] / 20.0);

		if (i < sizeof(table) / sizeof(table[0]))
			ck_assert_double_eq_tol(want, table[i],
			                        0.01); /* the formula is the table */
		apply_comp(e, 0, &comp_ref);
		engine_settle(e);
		for (int n = 0; n < COMP_N; n++)
			x[n] = v;
		memset(x + COMP_N, 0, L * sizeof(*x)); /* L zeros: the output of the last input */
		run_mono(e, x, yl, yr, COMP_N + L, 256);
		double out = db(fabs(yl[L + COMP_N - 1]) / v) + in_db[i];
		ck_assert_msg(fabs(out - want) <= 0.05, "DC %.1f dBFS -> %.4f dBFS, want %.4f",
		              in_db[i], out, want);
		printf("test 8: DC %6.1f dBFS -> %8.4f dBFS (want %8.4f)\n", in_db[i], out, want);
		engine_free(e);
	}
}
END_TEST

#define SINE_N 28800 /* 0.6 s */

/* Test 9: 1 kHz sine at -5 dBFS peak, attack 10 ms, release 100 ms: GR after 0.5 s = 11.25
 * +-0.1 dB, at the output (sine fit) and on the strip's GR meter. */
START_TEST(comp_sine_gr)
{
	static float x[SINE_N + LAT_PAD], yl[SINE_N + LAT_PAD], yr[SINE_N + LAT_PAD];
	struct engine *e = mono_engine();
	const int L = (int)engine_latency(e);
	struct engine_meter m;
	const double amp = pow(10.0, -5.0 / 20.0);
	const double want = -5.0 - comp_curve_db(-5.0, -20.0, 4.0, 6.0);

	apply_comp(e, 0, &comp_ref);
	engine_settle(e);
	for (int n = 0; n < SINE_N; n++)
		x[n] = (float)(amp * sin(2.0 * M_PI * 1000.0 * n / FS));
	run_mono(e, x, yl, yr, 21600, 240); /* 0.45 s */
	engine_read_strip_meter(e, 0, &m);  /* start a fresh max-since-read */
	run_mono(e, x + 21600, yl + 21600, yr + 21600, SINE_N - 21600, 240);
	engine_read_strip_meter(e, 0, &m);     /* the strip meter is not delayed: read it here */
	memset(x + SINE_N, 0, L * sizeof(*x)); /* L zeros: the outputs of the last L inputs */
	run_mono(e, x + SINE_N, yl + SINE_N, yr + SINE_N, L, 240);
	double gr =
	    db(ls_amp(x, 24000, 4800, 1000.0, FS) / ls_amp(yl, L + 24000, 4800, 1000.0, FS));
	ck_assert_double_eq_tol(want, 11.25, 1e-9);
	ck_assert_msg(fabs(gr - want) <= 0.1, "GR at the output %.4f dB, want %.2f +-0.1", gr,
	              want);
	ck_assert_msg(isfinite(m.gr) && fabs(m.gr - want) <= 0.1,
	              "GR meter %.4f dB, want %.2f +-0.1", m.gr, want);
	printf("test 9: -5 dBFS 1 kHz sine: GR %.4f dB at the output, %.4f dB on the meter (want "
	       "11.25 +-0.1)\n",
	       gr, m.gr);
	engine_free(e);
}
END_TEST

/* First crossing of `level` by gr[from..to) in the direction `up`, linearly interpolated;
 * -1 if none. */
static double
crossing(const double *gr, int from, int to, double level, bool up)
{
	for (int n = from + 1; n < to; n++) {
		bool hit = up ? gr[n] >= level : gr[n] <= level;
		if (hit)
			return n - 1 + (level - gr[n - 1]) / (gr[n] - gr[n - 1]);
	}
	return -1.0;
}

#define TIMING_ON  4800
#define TIMING_OFF (TIMING_ON + 24000)  /* 0.5 s = 50 attack time constants */
#define TIMING_N   (TIMING_OFF + 72000) /* 1.5 s = 15 release time constants */

/* Test 10: a DC step -40 -> 0 dBFS demands 15 dB GR: 63.2 % at tau_A +-1 sample, 10-90 % rise
 * 2.197 tau_A +-0.1 ms; and the release back to -40 dBFS against the smooth decoupled detector
 * of dsp-reference §2 run in double precision on the same input (its release is the cascade of
 * the tau_R and tau_A one-poles, so its 63.2 % point lies a little after tau_R). */
START_TEST(comp_attack_release)
{
	static float x[TIMING_N + LAT_PAD], yl[TIMING_N + LAT_PAD], yr[TIMING_N + LAT_PAD];
	static double gr[TIMING_N], model[TIMING_N];
	struct engine *e = mono_engine();
	const int L = (int)engine_latency(e);
	const double aa = exp(-1.0 / (0.010 * FS)), ar = exp(-1.0 / (0.100 * FS));
	const double e1 = 1.0 - exp(-1.0);
	double y1 = 0.0, yl_db = 0.0;

	apply_comp(e, 0, &comp_ref);
	engine_settle(e);
	for (int n = 0; n < TIMING_N; n++)
		x[n] = n >= TIMING_ON && n < TIMING_OFF ? 1.0f : 0.01f;
	memset(x + TIMING_N, 0, L * sizeof(*x)); /* L zeros: the outputs of the last L inputs */
	run_mono(e, x, yl, yr, TIMING_N + L, 256);
	for (int n = 0; n < TIMING_N; n++) {
		double xg = db(x[n]), xl = xg - comp_curve_db(xg, -20.0, 4.0, 6.0);
		y1 = fmax(xl, ar * y1 + (1.0 - ar) * xl);
		yl_db = aa * yl_db + (1.0 - aa) * y1;
		model[n] = yl_db;
		gr[n] = db((double)x[n] / yl[L + n]);
		ck_assert_msg(isfinite(gr[n]), "output %g at %d", yl[L + n], L + n);
	}
	ck_assert_msg(fabs(gr[TIMING_OFF - 1] - 15.0) <= 0.05, "steady GR %.4f dB",
	              gr[TIMING_OFF - 1]);

	double t63 = crossing(gr, TIMING_ON - 1, TIMING_OFF, 15.0 * e1, true);
	double m63 = crossing(model, TIMING_ON - 1, TIMING_OFF, 15.0 * e1, true);
	double t10 = crossing(gr, TIMING_ON - 1, TIMING_OFF, 1.5, true);
	double t90 = crossing(gr, TIMING_ON - 1, TIMING_OFF, 13.5, true);
	double rise_ms = (t90 - t10) / FS * 1000.0;
	ck_assert_msg(t63 >= 0 && fabs(t63 - m63) <= 1.0,
	              "attack 63.2 %% at %.2f samples after the step, model %.2f (tau_A fs = 480)",
	              t63 - TIMING_ON, m63 - TIMING_ON);
	ck_assert_msg(fabs(rise_ms - 10.0 * log(9.0)) <= 0.1,
	              "attack 10-90 %% %.4f ms, want %.3f +-0.1", rise_ms, 10.0 * log(9.0));
	printf("test 10: attack: 63.2 %% at %.2f samples (model %.2f, tau_A fs = 480), 10-90 %% "
	       "%.4f ms "
	       "(want %.3f +-0.1)\n",
	       t63 - TIMING_ON, m63 - TIMING_ON, rise_ms, 10.0 * log(9.0));

	double r63 = crossing(gr, TIMING_OFF - 1, TIMING_N, 15.0 * (1.0 - e1), false);
	double q63 = crossing(model, TIMING_OFF - 1, TIMING_N, 15.0 * (1.0 - e1), false);
	double r90 = crossing(gr, TIMING_OFF - 1, TIMING_N, 13.5, false);
	double r10 = crossing(gr, TIMING_OFF - 1, TIMING_N, 1.5, false);
	double q90 = crossing(model, TIMING_OFF - 1, TIMING_N, 13.5, false);
	double q10 = crossing(model, TIMING_OFF - 1, TIMING_N, 1.5, false);
	double fall_ms = (r10 - r90) / FS * 1000.0, model_fall_ms = (q10 - q90) / FS * 1000.0;
	ck_assert_msg(r63 >= 0 && fabs(r63 - q63) <= 1.0,
	              "release 63.2 %% at %.2f samples after the step, model %.2f",
	              r63 - TIMING_OFF, q63 - TIMING_OFF);
	ck_assert_msg(fabs(fall_ms - model_fall_ms) <= 0.1,
	              "release 90-10 %% %.4f ms, model %.4f +-0.1", fall_ms, model_fall_ms);
	printf("test 10: release: 63.2 %% at %.2f samples (model %.2f; tau_R fs = 4800), 90-10 %% "
	       "%.4f "
	       "ms (model %.4f, a bare tau_R one-pole %.3f)\n",
	       r63 - TIMING_OFF, q63 - TIMING_OFF, fall_ms, model_fall_ms, 100.0 * log(9.0));
	engine_free(e);
}
END_TEST

#define LINK_N 24000
_Static_assert(LINK_N % 240 == 0, "whole periods");

/* Worst |y - g x| relative to max |x|, in dB. */
static double
error_db(const float *x, const float *y, int from, int to, double g)
{
	double err = 0.0, peak = 0.0;

	for (int n = from; n < to; n++) {
		err = fmax(err, fabs(y[n] - g * x[n]));
		peak = fmax(peak, fabs(x[n]));
	}
	return err > 0.0 ? db(err / peak) : -INFINITY;
}

/* Test 11: ratio 1 (any makeup) and a signal 10 dB under threshold - knee/2 pass exactly
 * (-120 dB); a stereo strip's key is max |L|, |R|: a loud L drives the same GR on a quiet R. */
START_TEST(comp_unity_and_link)
{
	static float x[LINK_N + LAT_PAD], y[LINK_N + LAT_PAD], yr[LINK_N + LAT_PAD],
	    xr[LINK_N + LAT_PAD], ylr[LINK_N + LAT_PAD], yrr[LINK_N + LAT_PAD];
	static const struct {
		float ratio, makeup_db, level;
	} cases[] = { { 1.0f, 0.0f, 0.3f }, { 1.0f, 6.0f, 0.3f }, { 4.0f, 0.0f, -1.0f } };
	uint64_t seed = 11;

	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct engine *e = mono_engine();
		const int L = (int)engine_latency(e);
		struct comp_cfg c = {
			-40.0f, cases[k].ratio, 6.0f, 1.0f, 50.0f, cases[k].makeup_db
		};
		double scale = cases[k].level;

		if (scale < 0.0) {
			/* peak 10 dB under threshold - knee/2 = -23 dBFS, i.e. -33 dBFS */
			c.threshold_db = -20.0f;
			scale = pow(10.0, -33.0 / 20.0) / 4.5;
		}
		for (int n = 0; n < LINK_N; n++)
			x[n] =
			    (float)fmax(-4.5 * scale, fmin(4.5 * scale, scale * rng_gauss(&seed)));
		memset(x + LINK_N, 0, L * sizeof(*x)); /* L zeros: the outputs of the last L */
		apply_comp(e, 0, &c);
		engine_settle(e);
		run_mono(e, x, y, yr, LINK_N + L, 256);
		double err = error_db(x, y + L, 0, LINK_N, pow(10.0, cases[k].makeup_db / 20.0));
		ck_assert_msg(err <= -120.0,
		              "ratio %.0f makeup %.0f dB, peak %.1f dBFS: error %.1f dB",
		              cases[k].ratio, cases[k].makeup_db, db(peak_of(x, 0, LINK_N)), err);
		printf("test 11: ratio %.0f, makeup %.0f dB, peak %.1f dBFS: output = input x "
		       "makeup to "
		       "%.1f dB\n",
		       cases[k].ratio, cases[k].makeup_db, db(peak_of(x, 0, LINK_N)), err);
		engine_free(e);
	}

	/* stereo link: L -5 dBFS, R -45 dBFS, same 1 kHz tone; R alone is far below threshold */
	bool stereo[1] = { true };
	struct engine *e = engine_new(FS, 1, stereo);
	const double al = pow(10.0, -5.0 / 20.0), ar = pow(10.0, -45.0 / 20.0);
	double worst = 0.0, gr_l = 0.0;

	ck_assert_ptr_nonnull(e);
	const int L = (int)limiter_off(e);
	isolate(e);
	apply_comp(e, 0, &comp_ref);
	engine_settle(e);
	for (int n = 0; n < LINK_N; n++) {
		x[n] = (float)(al * sin(2.0 * M_PI * 1000.0 * n / FS));
		xr[n] = (float)(ar * sin(2.0 * M_PI * 1000.0 * n / FS));
	}
	memset(x + LINK_N, 0, L * sizeof(*x)); /* L zeros: the outputs of the last L inputs */
	memset(xr + LINK_N, 0, L * sizeof(*xr));
	for (int off = 0; off < LINK_N + L; off += 240) {
		const float *in[2] = { x + off, xr + off };
		int len = LINK_N + L - off < 240 ? LINK_N + L - off : 240;
		engine_process(e, in, ylr + off, yrr + off, (uint32_t)len);
	}
	for (int n = 4800; n < LINK_N; n++) {
		if (fabs(x[n]) < 0.1 * al)
			continue; /* near zero crossings the ratio says nothing */
		double gl = ylr[L + n] / (double)x[n], grr = yrr[L + n] / (double)xr[n];
		ck_assert_msg(gl > 0.0 && grr > 0.0, "sign flip at %d", n);
		worst = fmax(worst, fabs(db(grr / gl)));
		gr_l = -db(gl);
	}
	ck_assert_msg(worst <= 0.001, "R gain differs from L gain by %.5f dB", worst);
	ck_assert_msg(gr_l >= 10.0, "L GR %.3f dB: the loud side is not compressed", gr_l);
	printf("test 11: stereo link: L GR %.3f dB, R gain = L gain within %.2e dB\n", gr_l, worst);
	engine_free(e);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Pan and sends (tests 13, 14). */

/* out_l, out_r of a settled mono strip for DC 1.0: the pan gains themselves. */
static void
pan_gains(double pos, double *gl, double *gr)
{
	float one[64 + LAT_PAD], yl[64 + LAT_PAD], yr[64 + LAT_PAD];
	struct engine *e = mono_engine();
	const int L = (int)engine_latency(e);
	const float *in[1] = { one };

	for (int i = 0; i < 64 + L; i++)
		one[i] = i < 64 ? 1.0f : 0.0f; /* then L zeros: the output of the 64th input */
	engine_set(e, ENGINE_STRIP_PAN, 0, (float)pos);
	engine_settle(e);
	engine_process(e, in, yl, yr, (uint32_t)(64 + L));
	*gl = yl[L + 63];
	*gr = yr[L + 63];
	engine_free(e);
}

/* Test 13 at the engine's outputs: centre -3.0103 +-0.001 dB, gL^2 + gR^2 = 1 +-1e-6 at 101
 * positions, hard pans exactly 1 and 0. */
START_TEST(pan_law_at_outputs)
{
	double gl, gr, worst = 0.0;

	pan_gains(0.0, &gl, &gr);
	ck_assert_msg(fabs(db(gl) + 3.0103) <= 0.001 && fabs(db(gr) + 3.0103) <= 0.001,
	              "centre %.5f / %.5f dB", db(gl), db(gr));
	printf("test 13: centre %.5f / %.5f dB\n", db(gl), db(gr));
	for (int i = 0; i <= 100; i++) {
		pan_gains(-1.0 + 2.0 * i / 100.0, &gl, &gr);
		ck_assert_msg(fabs(gl * gl + gr * gr - 1.0) <= 1e-6, "pos %d/100: power %.8f", i,
		              gl * gl + gr * gr);
		worst = fmax(worst, fabs(gl * gl + gr * gr - 1.0));
	}
	printf("test 13: |gL^2 + gR^2 - 1| <= %.2e at 101 positions\n", worst);
	pan_gains(-1.0, &gl, &gr);
	ck_assert_msg(gl == 1.0 && gr == 0.0, "hard left %.9g / %.9g", gl, gr);
	pan_gains(1.0, &gl, &gr);
	ck_assert_msg(gl == 0.0 && gr == 1.0, "hard right %.9g / %.9g", gl, gr);
}
END_TEST

#define SEND_N 4800
#define PRE    ENGINE_BUS_REVERB
#define POST   ENGINE_BUS_DELAY

_Static_assert(SEND_N % 64 == 0, "whole periods");

/* l, r lag the taps by L: l[L + n] is the main output for input n, tap[n] its bus input. */
struct send_run {
	float l[SEND_N + LAT_PAD], r[SEND_N + LAT_PAD];
	float tap_l[ENGINE_N_BUSES][SEND_N], tap_r[ENGINE_N_BUSES][SEND_N];
	int lat; /* L */
};

/* A mono strip at pan `pan` with a pre-fader send to PRE and a post-fader send to POST, both at
 * 0 dB, returns off; fader at fader_db, settled; then x through it, the fader moved to
 * move_db at sample move_at (a multiple of 32; -1: never), then L frames of x's zeros after
 * SEND_N for the main outputs of the last L inputs. */
static void
send_run(struct send_run *o, const float *x, float pan, float fader_db, int move_at, float move_db)
{
	struct engine *e = mono_engine();
	const int L = o->lat = (int)engine_latency(e);
	const float *pad[1] = { x + SEND_N };
	struct engine_taps taps;

	engine_set(e, ENGINE_STRIP_PAN, 0, pan);
	engine_set(e, ENGINE_STRIP_SEND_LEVEL(PRE), 0, 0.0f);
	engine_set(e, ENGINE_STRIP_SEND_PRE(PRE), 0, 1.0f);
	engine_set(e, ENGINE_STRIP_SEND_LEVEL(POST), 0, 0.0f);
	engine_set(e, ENGINE_STRIP_SEND_PRE(POST), 0, 0.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, fader_db);
	engine_settle(e);
	for (int off = 0; off < SEND_N; off += 32) {
		const float *in[1] = { x + off };
		for (int b = 0; b < ENGINE_N_BUSES; b++) {
			taps.bus_l[b] = o->tap_l[b] + off;
			taps.bus_r[b] = o->tap_r[b] + off;
		}
		if (off == move_at)
			engine_set(e, ENGINE_STRIP_FADER, 0, move_db);
		engine_process_taps(e, in, o->l + off, o->r + off, &taps, 32);
	}
	for (int n = 0; n < L; n++)
		ck_assert(x[SEND_N + n] == 0.0f);
	engine_process(e, pad, o->l + SEND_N, o->r + SEND_N, (uint32_t)L); /* taps complete */
	engine_free(e);
}

/* Test 14: the pre-fader send is bit-identical at fader 0 dB and off; the post-fader send scales
 * exactly with the fader, statically and through a glide (it sees the very gain the main output
 * sees); mute and unmute ramp over >= 1 ms with no step > 0.1 in linear gain per sample. */
START_TEST(sends_pre_post_and_mute)
{
	static struct send_run a, b, c, d;
	static float x[SEND_N + LAT_PAD], dc[SEND_N + LAT_PAD];
	uint64_t seed = 14;
	const double g6 = pow(10.0, -6.0 / 20.0);
	double worst = 0.0;

	for (int n = 0; n < SEND_N; n++) {
		x[n] = (float)(0.1 * rng_gauss(&seed));
		dc[n] = 0.5f;
	}
	memset(x + SEND_N, 0, LAT_PAD * sizeof(*x)); /* send_run's L zeros */
	memset(dc + SEND_N, 0, LAT_PAD * sizeof(*dc));
	send_run(&a, x, 0.3f, 0.0f, -1, 0.0f);
	send_run(&b, x, 0.3f, OFF, -1, 0.0f);
	ck_assert_msg(rms_of(a.tap_l[PRE], 0, SEND_N) > 0.01, "no pre-fader send");
	ck_assert_msg(rms_of(a.tap_l[POST], 0, SEND_N) > 0.01, "no post-fader send");
	ck_assert(memcmp(a.tap_l[PRE], b.tap_l[PRE], sizeof(a.tap_l[PRE])) == 0);
	ck_assert(memcmp(a.tap_r[PRE], b.tap_r[PRE], sizeof(a.tap_r[PRE])) == 0);
	ck_assert_msg(
	    peak_of(b.tap_l[POST], 0, SEND_N) == 0.0f && peak_of(b.tap_r[POST], 0, SEND_N) == 0.0f,
	    "post-fader send with the fader off: peak %g", peak_of(b.tap_l[POST], 0, SEND_N));
	printf("test 14: pre-fader send bit-identical at fader 0 dB and off; post-fader send "
	       "exactly 0 "
	       "at fader off\n");

	send_run(&c, x, 0.3f, -6.0f, -1, 0.0f);
	ck_assert(memcmp(a.tap_l[PRE], c.tap_l[PRE], sizeof(a.tap_l[PRE])) == 0);
	for (int n = 0; n < SEND_N; n++) {
		double el = fabs(c.tap_l[POST][n] - g6 * a.tap_l[POST][n]);
		double er = fabs(c.tap_r[POST][n] - g6 * a.tap_r[POST][n]);
		ck_assert_msg(el <= 1e-6 * fabs(a.tap_l[POST][n]) + 1e-12 &&
		                  er <= 1e-6 * fabs(a.tap_r[POST][n]) + 1e-12,
		              "post send at -6 dB, sample %d: %.9g vs %.9g", n, c.tap_l[POST][n],
		              g6 * a.tap_l[POST][n]);
		worst = fmax(worst, fmax(el, er));
	}
	printf("test 14: post-fader send at -6 dB = 0 dB run x %.6f within %.2e\n", g6, worst);

	/* a fader glide 0 -> -20 dB: post send / reference = main out / reference, sample by sample
	 * (the main out L samples later: the taps are not delayed) */
	send_run(&d, dc, -1.0f, 0.0f, 960, -20.0f);
	send_run(&a, dc, -1.0f, 0.0f, -1, 0.0f);
	double max_step = 0.0, worst_track = 0.0;
	const int L = d.lat;
	ck_assert_int_eq(a.lat, L);
	for (int n = 1; n < SEND_N; n++) {
		double gs = d.tap_l[POST][n] / (double)a.tap_l[POST][n];
		double gm = d.l[L + n] / (double)a.l[L + n];
		double gp = d.tap_l[POST][n - 1] / (double)a.tap_l[POST][n - 1];
		ck_assert_msg(fabs(gs - gm) <= 1e-6,
		              "sample %d: post send gain %.8f, main gain %.8f", n, gs, gm);
		worst_track = fmax(worst_track, fabs(gs - gm));
		max_step = fmax(max_step, fabs(gs - gp));
		ck_assert_msg(d.tap_l[PRE][n] == a.tap_l[PRE][n],
		              "pre send moved with the fader at %d", n);
	}
	double end_gain = d.tap_l[POST][SEND_N - 1] / (double)a.tap_l[POST][SEND_N - 1];
	ck_assert_msg(fabs(end_gain - 0.1) <= 1e-6, "post send after the glide: %.8f", end_gain);
	ck_assert_msg(max_step <= 0.9 / (TAU_S * FS) * 1.01, "post send gain steps %.6f", max_step);
	printf("test 14: fader glide 0 -> -20 dB: post send tracks the main gain within %.2e, max "
	       "step %.6f/sample, lands at %.7f\n",
	       worst_track, max_step, end_gain);

	/* mute and unmute, DC through a hard-left strip (then L zeros: the last L outputs) */
	struct engine *e = mono_engine();
	ck_assert_uint_eq(engine_latency(e), L);
	static float yl[SEND_N * 2 + LAT_PAD], yr[SEND_N * 2 + LAT_PAD], dc2[SEND_N * 2 + LAT_PAD];
	for (int n = 0; n < 2 * SEND_N + L; n++)
		dc2[n] = n < 2 * SEND_N ? 0.5f : 0.0f;
	engine_settle(e);
	for (int off = 0; off < 2 * SEND_N + L; off += 64) {
		const float *in[1] = { dc2 + off };
		int len = 2 * SEND_N + L - off < 64 ? 2 * SEND_N + L - off : 64;
		if (off == 960 || off == 960 + SEND_N)
			engine_set(e, ENGINE_STRIP_MUTE, 0, off == 960 ? 1.0f : 0.0f);
		engine_process(e, in, yl + off, yr + off, (uint32_t)len);
	}
	int ramp[2];
	for (int phase = 0; phase < 2; phase++) {
		int from = 960 + phase * SEND_N, first = -1, last = -1;
		float end = phase ? 1.0f : 0.0f;
		double step = 0.0;
		for (int n = from - 64; n < from + SEND_N - 960; n++) {
			double gn = yl[L + n] / 0.5, gp = yl[L + n - 1] / 0.5;
			step = fmax(step, fabs(gn - gp));
			if (first < 0 && gn != gp)
				first = n;
			if (gn != end)
				last = n;
		}
		ramp[phase] = last + 1 - first;
		ck_assert_msg(step <= 0.1, "%s: gain step %.4f per sample",
		              phase ? "unmute" : "mute", step);
		ck_assert_msg(first >= from && ramp[phase] >= (int)(0.001 * FS),
		              "%s ramp %d samples (>= 48 wanted)", phase ? "unmute" : "mute",
		              ramp[phase]);
		printf("test 14: %s ramp %d samples (%.2f ms), max step %.5f\n",
		       phase ? "unmute" : "mute", ramp[phase], ramp[phase] / FS * 1000.0, step);
	}
	engine_free(e);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Robustness (tests 26, 27). */

/* Flush-to-zero and denormals-are-zero, as the JACK thread-init callback sets them (rule 14).
 * Returns the previous control word. */
static unsigned
ftz_daz_on(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned old = _mm_getcsr();
	_mm_setcsr(old | 0x8040);
	return old;
#elif defined(__aarch64__)
	uint64_t fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	__asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1ULL << 24)));
	return (unsigned)fpcr;
#else
	return 0;
#endif
}

static void
ftz_daz_restore(unsigned old)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_setcsr(old);
#elif defined(__aarch64__)
	uint64_t fpcr = old;
	__asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
#else
	(void)old;
#endif
}

#define DEN_PERIOD 240
#define DEN_SIGNAL (5 * 48000)
#define DEN_N      (25 * 48000)
_Static_assert(DEN_N % DEN_PERIOD == 0 && DEN_SIGNAL % DEN_PERIOD == 0, "whole periods");

/* Test 26: 5 s of -20 dBFS noise, then 20 s of digital silence through HPF, four EQ bands at
 * +-6 dB, the compressor and a post-fader send: every output (and bus) sample of the last second
 * is exactly 0. Run with FTZ/DAZ as in the JACK thread, and without (the engine flushes vanishing
 * states itself, kernel.h sk_check_state). Times are input times: output t answers input t - L,
 * so L more frames of silence give the outputs of the last L inputs. */
START_TEST(denormals_decay_to_zero)
{
	static float x[DEN_PERIOD], yl[DEN_PERIOD], yr[DEN_PERIOD], tl[DEN_PERIOD], tr[DEN_PERIOD];
	struct strip_cfg c = { .hpf_slope = 24,
		               .hpf_hz = 80.0f,
		               .band = { { ENGINE_EQ_LOWSHELF, 120.0f, 6.0f, 0.7f },
		                         { ENGINE_EQ_BELL, 500.0f, -6.0f, 2.0f },
		                         { ENGINE_EQ_BELL, 2500.0f, 6.0f, 4.0f },
		                         { ENGINE_EQ_HIGHSHELF, 8000.0f, -6.0f, 0.7f } } };
	struct comp_cfg cc = { -30.0f, 4.0f, 6.0f, 5.0f, 200.0f, 6.0f };
	struct engine_taps taps = { { tl, NULL }, { tr, NULL } };

	for (int ftz = 1; ftz >= 0; ftz--) {
		struct engine *e = mono_engine();
		uint64_t seed = 26;
		const long L = (long)engine_latency(e);
		long last[2] = { -1, -1 }; /* input time of the last non-zero output, bus input */
		float value[2] = { 0.0f, 0.0f };
		unsigned old = ftz ? ftz_daz_on() : 0;

		engine_set(e, ENGINE_STRIP_PAN, 0, 0.2f);
		engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_REVERB), 0, -6.0f);
		engine_set(e, ENGINE_BUS_RETURN(ENGINE_BUS_REVERB), 0, 0.0f);
		apply_cfg(e, 0, &c);
		apply_comp(e, 0, &cc);
		engine_settle(e);
		for (long off = 0; off < DEN_N + L; off += DEN_PERIOD) {
			const float *in[1] = { x };
			int len =
			    DEN_N + L - off < DEN_PERIOD ? (int)(DEN_N + L - off) : DEN_PERIOD;
			for (int i = 0; i < len; i++)
				x[i] = off < DEN_SIGNAL ? (float)(0.1 * rng_gauss(&seed)) : 0.0f;
			engine_process_taps(e, in, yl, yr, &taps, (uint32_t)len);
			for (int i = 0; i < len; i++) {
				ck_assert_msg(isfinite(yl[i]) && isfinite(yr[i]),
				              "non-finite at %ld", off + i);
				/* the outputs answer input off + i - L, the bus input off + i */
				if (yl[i] != 0.0f || yr[i] != 0.0f) {
					last[0] = off + i - L;
					value[0] = fmaxf(fabsf(yl[i]), fabsf(yr[i]));
				}
				if (off + i < DEN_N && (tl[i] != 0.0f || tr[i] != 0.0f)) {
					last[1] = off + i;
					value[1] = fmaxf(fabsf(tl[i]), fabsf(tr[i]));
				}
			}
		}
		long last_nonzero = last[0] > last[1] ? last[0] : last[1];
		float last_value = value[last[0] > last[1] ? 0 : 1];
		if (ftz)
			ftz_daz_restore(old);
		ck_assert_msg(last_nonzero >= DEN_SIGNAL, "no signal at all?");
		ck_assert_msg(
		    last_nonzero < DEN_N - 48000,
		    "FTZ/DAZ %s: output not exactly 0 at %.3f s into the silence (|y| = %g)",
		    ftz ? "on" : "off", (last_nonzero - DEN_SIGNAL) / FS, last_value);
		printf(
		    "test 26: outputs and bus exactly 0 from %.3f s into the silence (FTZ/DAZ %s; "
		    "last non-zero |y| %g)\n",
		    (last_nonzero + 1 - DEN_SIGNAL) / FS, ftz ? "on" : "off", last_value);
		engine_free(e);
	}
}
END_TEST

#define NF_PERIOD 256
#define NF_N      (38 * NF_PERIOD)
#define NF_NAN    1000
#define NF_INF    3000

/* Test 27: a NaN and an Inf sample on strip 1 of 2 (hard left; strip 2 hard right): outputs
 * finite, strip 2's output bit-identical to a clean run, the input counted, strip 1 back within
 * one period of the input being clean, meters finite. */
START_TEST(nonfinite_strip_recovers)
{
	static float x0[NF_N + LAT_PAD], x1[NF_N + LAT_PAD], clean0[NF_N + LAT_PAD],
	    yl[NF_N + LAT_PAD], yr[NF_N + LAT_PAD], rl[NF_N + LAT_PAD], rr[NF_N + LAT_PAD];
	struct engine *e = engine_new(FS, 2, NULL), *ref = engine_new(FS, 2, NULL);
	struct strip_cfg c = { .hpf_slope = 12,
		               .hpf_hz = 80.0f,
		               .band = { { ENGINE_EQ_BELL, 1000.0f, 6.0f, 1.0f },
		                         { ENGINE_EQ_LOWSHELF, 200.0f, -3.0f, 0.7f } } };
	struct comp_cfg cc = { -10.0f, 4.0f, 6.0f, 5.0f, 100.0f, 0.0f };
	struct engine_counters cnt;
	struct engine_meter m0, m1, ml, mr;
	struct engine *both[2] = { e, ref };
	int L = 0;

	for (int n = 0; n < NF_N; n++) {
		clean0[n] = x0[n] = (float)(0.1 * sin(2.0 * M_PI * 1000.0 * n / FS));
		x1[n] = (float)(0.1 * sin(2.0 * M_PI * 440.0 * n / FS));
	}
	x0[NF_NAN] = NAN;
	x0[NF_INF] = INFINITY;
	for (int k = 0; k < 2; k++) {
		ck_assert_ptr_nonnull(both[k]);
		L = (int)limiter_off(both[k]); /* the same for both */
		isolate(both[k]);
		engine_set(both[k], ENGINE_STRIP_PAN, 0, -1.0f);
		engine_set(both[k], ENGINE_STRIP_PAN, 1, 1.0f);
		for (unsigned s = 0; s < 2; s++) {
			apply_cfg(both[k], s, &c);
			apply_comp(both[k], s, &cc);
		}
		engine_settle(both[k]);
	}
	/* then L zeros for the outputs of the last L inputs; e and ref both lag by L */
	memset(x0 + NF_N, 0, L * sizeof(*x0));
	memset(x1 + NF_N, 0, L * sizeof(*x1));
	memset(clean0 + NF_N, 0, L * sizeof(*clean0));
	for (int off = 0; off < NF_N + L; off += NF_PERIOD) {
		const float *in[2] = { x0 + off, x1 + off }, *rin[2] = { clean0 + off, x1 + off };
		uint32_t len = NF_N + L - off < NF_PERIOD ? (uint32_t)(NF_N + L - off) : NF_PERIOD;
		engine_process(e, in, yl + off, yr + off, len);
		engine_process(ref, rin, rl + off, rr + off, len);
		engine_read_strip_meter(e, 0, &m0);
		engine_read_strip_meter(e, 1, &m1);
		engine_read_master_meter(e, &ml, &mr);
		ck_assert_msg(isfinite(m0.peak) && isfinite(m0.rms) && isfinite(m0.gr) &&
		                  isfinite(m1.peak) && isfinite(m1.rms) && isfinite(m1.gr) &&
		                  isfinite(ml.peak) && isfinite(ml.rms) && isfinite(mr.peak) &&
		                  isfinite(mr.rms),
		              "a meter went non-finite in the period at %d", off);
	}
	ck_assert(all_finite(yl, NF_N + L) && all_finite(yr, NF_N + L));
	ck_assert_msg(memcmp(yr, rr, (NF_N + L) * sizeof(*yr)) == 0,
	              "strip 2 (out_r) differs from the clean run");
	engine_counters(e, &cnt);
	ck_assert_msg(cnt.nonfinite_inputs >= 2, "nonfinite_inputs %llu",
	              (unsigned long long)cnt.nonfinite_inputs);
	ck_assert_uint_eq(cnt.nonfinite_output, 0);

	/* back within one period: over the period that starts at the first clean sample the strip
	 * plays at the clean run's level (within 1 dB), and over the next one within 0.1 dB */
	for (int k = 0; k < 2; k++) {
		int from = (k ? NF_INF : NF_NAN) + 1, mid = from + NF_PERIOD, to = mid + NF_PERIOD;
		double first = db(rms_of(yl, L + from, L + mid) / rms_of(rl, L + from, L + mid));
		double next = db(rms_of(yl, L + mid, L + to) / rms_of(rl, L + mid, L + to));
		ck_assert_msg(fabs(first) <= 1.0,
		              "%s: strip 1 %+.3f dB off the clean run in the first period",
		              k ? "Inf" : "NaN", first);
		ck_assert_msg(fabs(next) <= 0.1,
		              "%s: strip 1 %+.4f dB off the clean run in the second period",
		              k ? "Inf" : "NaN", next);
		printf("test 27: after the %s, strip 1 vs the clean run: %+.3f dB over the first "
		       "period, "
		       "%+.4f dB over the second\n",
		       k ? "Inf" : "NaN", first, next);
	}
	printf("test 27: nonfinite_inputs %llu, state_resets %llu, nonfinite_output %llu; strip 2 "
	       "bit-identical\n",
	       (unsigned long long)cnt.nonfinite_inputs, (unsigned long long)cnt.state_resets,
	       (unsigned long long)cnt.nonfinite_output);
	engine_free(e);
	engine_free(ref);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Kernels against the reference. */

#define KX_STRIPS 20
#define KX_PERIOD 64
#define KX_STEP   (3 * KX_PERIOD) /* a program step every 4 ms */
#define KX_N      (2 * 48000)
#define KX_BOUND  1e-5 /* -100 dBFS; measured 4.5e-7 (-127 dBFS) with gcc 12 and AVX-512 */
_Static_assert(KX_N % KX_STEP == 0, "whole program steps");

static const bool kx_stereo[KX_STRIPS] = {
	[2] = true, [5] = true, [7] = true, [11] = true, [13] = true, [17] = true
};

static double
rng_range(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * rng_uniform(s);
}

static double
rng_log(uint64_t *s, double lo, double hi)
{
	return lo * pow(hi / lo, rng_uniform(s));
}

/* A random value for strip parameter p, within its range. */
static float
random_value(enum engine_param p, uint64_t *s)
{
	if (p >= ENGINE_STRIP_EQ1_TYPE && p <= ENGINE_STRIP_EQ4_Q) {
		switch ((p - ENGINE_STRIP_EQ1_TYPE) % 4) {
		case 0:
			return (float)(rng_next(s) % 4);
		case 1:
			return (float)rng_log(s, 20.0, 20000.0);
		case 2:
			return (float)rng_range(s, -12.0, 12.0);
		default:
			return (float)rng_log(s, 0.1, 10.0);
		}
	}
	if (p >= ENGINE_STRIP_SEND1_LEVEL && p <= ENGINE_STRIP_SEND2_PRE) {
		if ((p - ENGINE_STRIP_SEND1_LEVEL) % 2)
			return rng_uniform(s) < 0.5 ? 1.0f : 0.0f;
		return rng_uniform(s) < 0.2 ? OFF : (float)rng_range(s, -30.0, 0.0);
	}
	switch (p) {
	case ENGINE_STRIP_TRIM:
		return (float)rng_range(s, -6.0, 6.0);
	case ENGINE_STRIP_FADER:
		return rng_uniform(s) < 0.05 ? OFF : (float)rng_range(s, -30.0, 6.0);
	case ENGINE_STRIP_PAN:
		return (float)rng_range(s, -1.0, 1.0);
	case ENGINE_STRIP_MUTE:
		return rng_uniform(s) < 0.1 ? 1.0f : 0.0f;
	case ENGINE_STRIP_SOLO:
		return rng_uniform(s) < 0.03 ? 1.0f : 0.0f;
	case ENGINE_STRIP_HPF_FREQ:
		return (float)rng_log(s, 20.0, 1000.0);
	case ENGINE_STRIP_HPF_SLOPE:
		return rng_uniform(s) < 0.5 ? 12.0f : 24.0f;
	case ENGINE_STRIP_EQ_ON:
		return rng_uniform(s) < 0.8 ? 1.0f : 0.0f;
	case ENGINE_STRIP_COMP_THRESHOLD:
		return (float)rng_range(s, -50.0, 0.0);
	case ENGINE_STRIP_COMP_RATIO:
		return (float)rng_log(s, 1.0, 20.0);
	case ENGINE_STRIP_COMP_KNEE:
		return (float)rng_range(s, 0.0, 24.0);
	case ENGINE_STRIP_COMP_ATTACK:
		return (float)rng_log(s, 0.1, 200.0);
	case ENGINE_STRIP_COMP_RELEASE:
		return (float)rng_log(s, 5.0, 2000.0);
	case ENGINE_STRIP_COMP_MAKEUP:
		return (float)rng_range(s, 0.0, 6.0);
	default: /* polarity, HPF on, compressor on */
		return rng_uniform(s) < 0.5 ? 1.0f : 0.0f;
	}
}

static bool
is_strip_param(int p)
{
	return (p >= ENGINE_STRIP_TRIM && p <= ENGINE_STRIP_SOLO) ||
	       (p >= ENGINE_STRIP_HPF_ON && p <= ENGINE_STRIP_SEND2_PRE);
}

/* l, r lag the buses by L: l[L + n] is the output for input n, bus[.][n] its bus input. */
struct kx_out {
	float l[KX_N + LAT_PAD], r[KX_N + LAT_PAD], bus[2 * ENGINE_N_BUSES][KX_N];
	int lat; /* L */
	float peak[KX_N / KX_STEP][KX_STRIPS], gr[KX_N / KX_STEP][KX_STRIPS];
};

static const char *const kx_names[ENGINE_N_KERNELS] = {
	[ENGINE_KERNEL_REF] = "ref",
	[ENGINE_KERNEL_GENERIC] = "generic",
	[ENGINE_KERNEL_AVX2] = "avx2",
	[ENGINE_KERNEL_AVX512] = "avx512",
};

/* The same seeded noise and parameter program through kernel k, limiter off (it is not a strip
 * kernel), then L frames of zeros for the outputs of the last L inputs. */
static int
kx_run(enum engine_kernel k, struct kx_out *o)
{
	static float in_buf[2 * KX_STRIPS][KX_PERIOD];
	const float *in[2 * KX_STRIPS];
	struct engine *e = engine_new(FS, KX_STRIPS, kx_stereo);
	uint64_t noise = 2024, prog = 42;
	int rc;

	ck_assert_ptr_nonnull(e);
	rc = engine_set_kernel(e, k);
	if (rc != 0) {
		engine_free(e);
		return rc;
	}
	ck_assert_msg(strcmp(engine_kernel_name(e), kx_names[k]) == 0, "kernel %d runs as \"%s\"",
	              (int)k, engine_kernel_name(e));
	const int L = o->lat = (int)limiter_off(e);
	unsigned n_in = engine_n_inputs(e);
	for (unsigned i = 0; i < n_in; i++)
		in[i] = in_buf[i];
	for (int b = 0; b < ENGINE_N_BUSES; b++)
		engine_set(e, ENGINE_BUS_RETURN(b), 0, -6.0f);
	engine_set(e, ENGINE_MASTER_FADER, 0, -6.0f);
	for (int off = 0; off < KX_N; off += KX_PERIOD) {
		struct engine_taps taps;
		for (int b = 0; b < ENGINE_N_BUSES; b++) {
			taps.bus_l[b] = o->bus[2 * b] + off;
			taps.bus_r[b] = o->bus[2 * b + 1] + off;
		}
		if (off % KX_STEP == 0) {
			for (unsigned s = 0; s < KX_STRIPS; s++) {
				struct engine_meter m;
				engine_read_strip_meter(e, s, &m);
				o->peak[off / KX_STEP][s] = m.peak;
				o->gr[off / KX_STEP][s] = m.gr;
				for (int p = 0; p < ENGINE_N_PARAMS; p++) {
					if (!is_strip_param(p) || rng_uniform(&prog) >= 0.5)
						continue;
					engine_set(e, (enum engine_param)p, s,
					           random_value((enum engine_param)p, &prog));
				}
			}
		}
		for (unsigned i = 0; i < n_in; i++)
			for (int n = 0; n < KX_PERIOD; n++)
				in_buf[i][n] = (float)(0.05 * rng_gauss(&noise));
		engine_process_taps(e, in, o->l + off, o->r + off, &taps, KX_PERIOD);
	}
	for (unsigned i = 0; i < n_in; i++)
		memset(in_buf[i], 0, sizeof(in_buf[i]));
	for (int off = KX_N; off < KX_N + L; off += KX_PERIOD) /* the buses are complete */
		engine_process(e, in, o->l + off, o->r + off,
		               (uint32_t)(KX_N + L - off < KX_PERIOD ? KX_N + L - off : KX_PERIOD));
	engine_free(e);
	return 0;
}

/* Every vector kernel this CPU and build run matches ENGINE_KERNEL_REF within KX_BOUND of full
 * scale on a 20-strip console (6 stereo) whose every strip parameter moves every few ms. */
START_TEST(kernels_match_ref)
{
	static struct kx_out ref, got;
	static const enum engine_kernel ks[] = { ENGINE_KERNEL_GENERIC, ENGINE_KERNEL_AVX2,
		                                 ENGINE_KERNEL_AVX512 };
	int tested = 0;

	ck_assert_int_eq(kx_run(ENGINE_KERNEL_REF, &ref), 0);

	const int L = ref.lat;
	ck_assert_msg(all_finite(ref.l, KX_N + L) && all_finite(ref.r, KX_N + L),
	              "ref output non-finite");
	for (int b = 0; b < 2 * ENGINE_N_BUSES; b++)
		ck_assert_msg(all_finite(ref.bus[b], KX_N), "ref bus %d non-finite", b);
	double ref_peak = fmax(peak_of(ref.l + L, 0, KX_N), peak_of(ref.r + L, 0, KX_N));
	ck_assert_msg(ref_peak > 0.01, "ref output peak %g: the program produced no signal",
	              ref_peak);
	double ref_gr = 0.0;
	for (int t = 0; t < KX_N / KX_STEP; t++)
		for (int s = 0; s < KX_STRIPS; s++)
			ref_gr = fmax(ref_gr, ref.gr[t][s]);
	ck_assert_msg(ref_gr > 3.0, "ref max GR %.2f dB: the program never compressed", ref_gr);
	printf("kernels: ref run: output peak %.3f, max GR %.1f dB\n", ref_peak, ref_gr);

	for (unsigned i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		int rc = kx_run(ks[i], &got);
		ck_assert_msg(rc == 0 || rc == -ENOTSUP, "engine_set_kernel(%s) = %d",
		              kx_names[ks[i]], rc);
		if (rc == -ENOTSUP) {
			printf("kernels: %s not supported here (-ENOTSUP)\n", kx_names[ks[i]]);
			continue;
		}
		double out = 0.0, bus = 0.0, peak = 0.0, gr = 0.0;
		int at = 0;
		ck_assert_int_eq(got.lat, L);
		for (int n = 0; n < KX_N; n++) { /* input n: outputs L + n, buses n */
			double d = fmax(fabs(got.l[L + n] - ref.l[L + n]),
			                fabs(got.r[L + n] - ref.r[L + n]));
			if (d > out) {
				out = d;
				at = n;
			}
			for (int b = 0; b < 2 * ENGINE_N_BUSES; b++)
				bus = fmax(bus, fabs(got.bus[b][n] - ref.bus[b][n]));
		}
		for (int t = 0; t < KX_N / KX_STEP; t++) {
			for (int s = 0; s < KX_STRIPS; s++) {
				peak = fmax(peak, fabs(got.peak[t][s] - ref.peak[t][s]));
				gr = fmax(gr, fabs(got.gr[t][s] - ref.gr[t][s]));
			}
		}
		ck_assert_msg(
		    out <= KX_BOUND && bus <= KX_BOUND,
		    "%s vs ref: max |diff| %.3g at the outputs (sample %d: %.9g vs %.9g), "
		    "%.3g on the buses; bound %g",
		    kx_names[ks[i]], out, at, got.l[L + at], ref.l[L + at], bus, KX_BOUND);
		ck_assert_msg(peak <= KX_BOUND && gr <= 0.01,
		              "%s vs ref meters: peak %.3g, GR %.3g dB", kx_names[ks[i]], peak, gr);
		printf("kernels: %s vs ref: max |diff| %.3g (%.1f dBFS) at the outputs, %.3g on "
		       "the buses, "
		       "meters: peak %.3g, GR %.3g dB\n",
		       kx_names[ks[i]], out, db(out), bus, peak, gr);
		tested++;
	}
	ck_assert_msg(tested >= 1, "no vector kernel accepted (generic must always run)");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("strip");
	TCase *eq = tcase_create("eq"), *comp = tcase_create("comp"),
	      *route = tcase_create("route");
	TCase *robust = tcase_create("robust"), *kern = tcase_create("kernels");

	tcase_add_test(eq, bell_matches_rbj);
	tcase_add_test(eq, boost_then_cut_is_flat);
	tcase_add_test(eq, hpf_butterworth);
	tcase_add_test(eq, shelves);
	tcase_add_test(eq, modulation_stress);
	tcase_add_test(eq, bell_gain_step_glides);
	tcase_add_test(comp, comp_static_curve);
	tcase_add_test(comp, comp_sine_gr);
	tcase_add_test(comp, comp_attack_release);
	tcase_add_test(comp, comp_unity_and_link);
	tcase_add_test(route, pan_law_at_outputs);
	tcase_add_test(route, sends_pre_post_and_mute);
	tcase_add_test(robust, denormals_decay_to_zero);
	tcase_add_test(robust, nonfinite_strip_recovers);
	tcase_add_test(kern, kernels_match_ref);
	TCase *all[] = { eq, comp, route, robust, kern };
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 60); /* Check's default is 4 s; ASan runs 3x slower */
		suite_add_tcase(s, all[i]);
	}
	return check_run(s);
}
