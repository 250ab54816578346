/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The limiter's third true-peak reading, libswresample's 192 kHz points (tpinterp.h), against
 * ffmpeg itself: white noise flat to fs/2 (rms 0.5, peaks near 2: every phase of the filter
 * matters there) written as a mono float WAV at 48, 64 and 96 kHz, upsampled by ffmpeg
 * (FFMPEG_BIN) with "aformat=sample_fmts=dbl,aresample=192000" - libswresample at its
 * defaults on double samples, the converter and format ffmpeg's ebur128 filter builds for its
 * true peak - and read back as raw doubles.
 *  - Alignment: ffmpeg's sample P k is x(k) itself (phase 0 is the unit impulse), exactly.
 *  - The table: the points k + p/P computed in double from tpinterp's float coefficients
 *    equal ffmpeg's samples P k + p within SWR_TOL (the coefficients' float rounding, 6e-8
 *    relative each, over 32 taps of noise at rms 0.5; measured worst printed).
 *  - The detector reads them: with the 16x and libebur128 tables zeroed, tpi_detect (AVX2 path
 *    where the CPU has it, and the SSE path) reads each interval as max(|x(k)|, ffmpeg's P - 1
 *    points in it) within SWR_TOL too (float arithmetic: its error scales with the samples,
 *    not with the point read).
 *  - 44.1 kHz is refused (-ENOTSUP): its points depend on the stream's origin.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <sndfile.h>

#include "check_run.h"
#include "limiter.h"
#include "measure.h"
#include "tpinterp.h"

#define N       8192
#define PAST    64
#define EDGE    64   /* frames at each end left out: ffmpeg mirrors the signal at its ends */
#define SWR_TOL 1e-6 /* absolute, on samples of rms 0.5 */

static char dir[64];
static const char *ffmpeg_bin;

static void
setup(void)
{
	char cmd[512];

	ffmpeg_bin = getenv("FFMPEG_BIN");
	if (!ffmpeg_bin || !*ffmpeg_bin)
		ffmpeg_bin = "ffmpeg";
	snprintf(cmd, sizeof(cmd), "'%s' -version >/dev/null 2>&1", ffmpeg_bin);
	ck_assert_msg(system(cmd) == 0, "%s does not run: install ffmpeg", ffmpeg_bin);
	snprintf(dir, sizeof(dir), "/tmp/tpswr.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* ffmpeg's 192 kHz version of x[0 .. n) at fs, into y (up to cap samples). Returns the count. */
static long
ffmpeg_192k(const float *x, long n, int fs, double *y, long cap)
{
	char wav[128], raw[128], cmd[1024];
	SF_INFO info = { .samplerate = fs,
		         .channels = 1,
		         .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *sf;
	FILE *f;
	long got;
	int st;

	snprintf(wav, sizeof(wav), "%s/x%d.wav", dir, fs);
	snprintf(raw, sizeof(raw), "%s/y%d.f64", dir, fs);
	sf = sf_open(wav, SFM_WRITE, &info);
	ck_assert_msg(sf != NULL, "%s: %s", wav, sf_strerror(NULL));
	ck_assert_int_eq(sf_writef_float(sf, x, n), n);
	sf_close(sf);
	snprintf(cmd, sizeof(cmd),
	         "'%s' -nostdin -v error -y -i '%s' -af aformat=sample_fmts=dbl,aresample=192000 "
	         "-f f64le -acodec pcm_f64le '%s'",
	         ffmpeg_bin, wav, raw);
	st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s failed", cmd);
	f = fopen(raw, "rb");
	ck_assert_ptr_nonnull(f);
	got = (long)fread(y, sizeof(double), (size_t)cap, f);
	fclose(f);
	return got;
}

START_TEST(swr_points_equal_ffmpeg)
{
	static const int rates[] = { 48000, 64000, 96000 };
	static float x[PAST + N + 8];
	static double y[4 * N + 4096];
	static float e[2][N];
	static struct tp_interp t;
	const int fs = rates[_i], P = 192000 / fs;
	uint64_t seed = 11 + (uint64_t)_i;
	double worst = 0.0, worst_det = 0.0;
	long ny;

	for (int i = 0; i < PAST + N + 8; i++)
		x[i] = i < PAST ? 0.0f : (float)(0.5 * rng_gauss(&seed));
	ny = ffmpeg_192k(x + PAST, N, fs, y, (long)(sizeof(y) / sizeof(y[0])));
	ck_assert_msg(ny >= (long)P * (N - EDGE), "ffmpeg gave %ld samples", ny);

	tpi_design(&t);
	ck_assert_int_eq(tpi_design_rate(&t, fs), 0);
	for (long k = EDGE; k < N - EDGE; k++) {
		const float *xk = x + PAST + k;
		/* alignment: ffmpeg's sample P k is x(k) itself */
		ck_assert_msg(y[P * k] == (double)xk[0], "%d Hz: y[%ld] %.17g, x[%ld] %.17g", fs,
		              P * k, y[P * k], k, (double)xk[0]);
		double s1 = 0.0, d1 = 0.0, s2 = 0.0, pt[4];
		for (int q = 0; q < TPI_SW_HALF; q++) {
			double a = xk[-TPI_SW_HALF + 1 + q], b = xk[TPI_SW_HALF - q];
			s1 += (double)t.sw[q][0][0] * (a + b);
			d1 += (double)t.sw[q][1][0] * (a - b);
			s2 += (double)t.sw[q][2][0] * (a + b);
		}
		if (P == 4) {
			pt[1] = s1 + d1;
			pt[2] = s2;
			pt[3] = s1 - d1;
		} else if (P == 3) {
			pt[1] = s1 + d1;
			pt[2] = s1 - d1;
		} else {
			pt[1] = s2;
		}
		for (int p = 1; p < P; p++) {
			double err = fabs(pt[p] - y[P * k + p]);
			ck_assert_msg(err <= SWR_TOL,
			              "%d Hz: point %ld + %d/%d: ours %.9f, ffmpeg %.9f", fs, k, p,
			              P, pt[p], y[P * k + p]);
			worst = fmax(worst, err);
		}
	}

	/* the detector, with only libswresample's points besides the sample itself */
	memset(t.det, 0, sizeof(t.det));
	memset(t.eb, 0, sizeof(t.eb));
	for (int path = 0; path < 2; path++) {
		struct tp_interp s = t;
		if (path == 1)
			s.avx2 = 0;
		memset(e[path], 0, sizeof(e[path]));
		tpi_detect(&s, x + PAST, e[path], N - 8);
	}
	for (long i = EDGE + LIMITER_OS_DELAY; i < N - EDGE; i++) {
		const long k = i - LIMITER_OS_DELAY;
		double want = fabs(y[P * k]);
		for (int p = 1; p < P; p++)
			want = fmax(want, fabs(y[P * k + p]));
		for (int path = 0; path < 2; path++) {
			double err = fabs(e[path][i] - want);
			ck_assert_msg(err <= SWR_TOL,
			              "%d Hz, %s path: frame %ld reads %.9f, ffmpeg's max %.9f", fs,
			              path ? "SSE" : "AVX2", i, (double)e[path][i], want);
			worst_det = fmax(worst_det, err);
		}
	}
	printf("%d Hz (P %d): points within %.2g of ffmpeg's 192 kHz samples (rms 0.5), detector "
	       "max within %.2g\n",
	       fs, P, worst, worst_det);
}
END_TEST

START_TEST(swr_rates_covered)
{
	static struct tp_interp t;

	tpi_design(&t);
	ck_assert_double_eq(t.sw_fs, 48000.0);
	ck_assert_int_eq(tpi_design_rate(&t, 44100.0), -ENOTSUP);
	ck_assert_double_eq(t.sw_fs, 0.0);
	ck_assert_int_eq(tpi_design_rate(&t, 192000.0), 0); /* P 1: the samples themselves */
	for (int q = 0; q < TPI_SW_HALF; q++)
		for (int j = 0; j < 3; j++)
			ck_assert_float_eq(t.sw[q][j][0], 0.0f);
}
END_TEST

static Suite *
tpswr_suite(void)
{
	Suite *s = suite_create("tpswr");
	TCase *tc = tcase_create("ffmpeg");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, swr_points_equal_ffmpeg, 0, 3);
	tcase_add_test(tc, swr_rates_covered);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(tpswr_suite());
}
