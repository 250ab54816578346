/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mixmaster: the built mixmaster binary (MIXMASTER_BIN) on tracks synthesized here, in a
 * temporary directory, every figure measured with libebur128 on the files it wrote:
 *  - three tracks of different loudness (-18, -21, -24 LUFS): per-track mode puts each at the
 *    target (+-0.1 LU) in every deliverable (24-bit WAV and FLAC at 48 kHz, 16-bit WAV and
 *    FLAC at 44.1 kHz), under the ceiling; album mode puts the loudest at the target and keeps
 *    the differences (+-0.1 LU); the JSON and text reports say the same;
 *  - the 16-bit file's noise floor is TPDF dither: a tone of a third of an LSB survives at its
 *    level (plain rounding would leave nothing), in white noise of 0.5 LSB RMS;
 *  - a missing, garbage or mono track exits 1 naming it and writes nothing;
 *  - the master of a track equals, sample for sample at 24 bits, mixrender's render of that
 *    track with the same scene and the master fader mixmaster reports (MIXRENDER_BIN).
 */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ebur128.h>
#include <sndfile.h>

#include "check_run.h"

#define RATE    48000
#define SECONDS 6
#define TARGET  -16.0
#define CEILING -1.0

static char dir[64];
static const char *bin, *render_bin;

/* Stereo float WAV of SECONDS: low-passed noise (two one-poles at ~1.5 kHz: a mix-like spectrum)
 * scaled to loudness lufs (libebur128, iterated), then, when tone_lsb > 0, the last half
 * replaced by a 1 kHz tone of that many 16-bit LSBs (scaled by 10^(-pre_db/20)). */
static void
write_track(const char *name, double lufs, double tone_lsb, double pre_db)
{
	const long n = (long)SECONDS * RATE;
	float *buf = malloc(sizeof(float) * 2 * (size_t)n);
	uint64_t x = 0x12345678u + (uint64_t)(lufs * 100.0);
	double y[2] = { 0, 0 }, y2[2] = { 0, 0 }, gain = 1.0;
	char path[256];
	SF_INFO info = { .samplerate = RATE,
		         .channels = 2,
		         .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *sf;

	ck_assert_ptr_nonnull(buf);
	for (long f = 0; f < n; f++)
		for (int c = 0; c < 2; c++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			double u = (double)(x >> 11) / 9007199254740992.0 - 0.5;
			y[c] += 0.18 * (u - y[c]);
			y2[c] += 0.18 * (y[c] - y2[c]);
			buf[2 * f + c] = (float)(y2[c]);
		}
	for (int it = 0; it < 3; it++) { /* the loud part at lufs */
		ebur128_state *st = ebur128_init(2, RATE, EBUR128_MODE_I);
		double I;
		long m = tone_lsb > 0 ? n / 2 : n;
		ebur128_add_frames_float(st, buf, (size_t)m);
		ebur128_loudness_global(st, &I);
		ebur128_destroy(&st);
		gain = pow(10.0, (lufs - I) / 20.0);
		for (long i = 0; i < 2 * n; i++)
			buf[i] = (float)(buf[i] * gain);
	}
	if (tone_lsb > 0)
		for (long f = n / 2; f < n; f++)
			buf[2 * f] = buf[2 * f + 1] =
			    (float)(tone_lsb / 32768.0 * pow(10.0, -pre_db / 20.0) *
			            sin(2.0 * M_PI * 1000.0 * (double)f / RATE));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_WRITE, &info);
	ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
	ck_assert_int_eq(sf_writef_float(sf, buf, n), n);
	sf_close(sf);
	free(buf);
}

static void
write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int run_bin(const char *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs b in dir with args; stdout to out.txt, stderr to err.txt. Returns the exit status. */
static int
run_bin(const char *b, const char *fmt, ...)
{
	char args[1024], cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >out.txt 2>err.txt </dev/null", dir, b,
	         args);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static const char *
slurp(const char *name)
{
	static char text[16384];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s missing", path);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

/* A file's frames as float, checking its rate and format. */
static float *
read_file(const char *name, int rate, int format, long *frames)
{
	char path[256];
	SF_INFO info = { 0 };
	SNDFILE *sf;
	float *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_READ, &info);
	ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
	ck_assert_int_eq(info.channels, 2);
	ck_assert_int_eq(info.samplerate, rate);
	ck_assert_msg(info.format == format, "%s: format %x, want %x", name, info.format, format);
	buf = malloc(sizeof(float) * 2 * (size_t)info.frames);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(sf_readf_float(sf, buf, info.frames), info.frames);
	sf_close(sf);
	*frames = info.frames;
	return buf;
}

/* Integrated loudness and true peak (dBTP) of a deliverable. */
static double
measure(const char *name, int rate, int format, double *tp)
{
	long n;
	float *buf = read_file(name, rate, format, &n);
	ebur128_state *st =
	    ebur128_init(2, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	double I, a, b;

	ebur128_add_frames_float(st, buf, (size_t)n);
	ebur128_loudness_global(st, &I);
	ebur128_true_peak(st, 0, &a);
	ebur128_true_peak(st, 1, &b);
	ebur128_destroy(&st);
	free(buf);
	*tp = 20.0 * log10(fmax(a, b));
	return I;
}

static const int F24W = SF_FORMAT_WAV | SF_FORMAT_PCM_24, F24F = SF_FORMAT_FLAC | SF_FORMAT_PCM_24,
                 F16W = SF_FORMAT_WAV | SF_FORMAT_PCM_16, F16F = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;

/* Every deliverable of track name in out/ at want LUFS (+-0.1), under the ceiling. */
static void
assert_deliverables_c(const char *out, const char *name, double want, double ceiling)
{
	static const char *const suffix[4] = { ".wav", ".flac", "-44k16.wav", "-44k16.flac" };
	const int fmt[4] = { F24W, F24F, F16W, F16F }, rate[4] = { RATE, RATE, 44100, 44100 };

	for (int k = 0; k < 4; k++) {
		char file[128];
		double tp, I;
		snprintf(file, sizeof(file), "%s/%s%s", out, name, suffix[k]);
		I = measure(file, rate[k], fmt[k], &tp);
		printf("mixmaster: %-24s I %.3f LUFS (want %.2f), TP %+.3f dBTP\n", file, I, want,
		       tp);
		ck_assert_msg(fabs(I - want) <= 0.1, "%s: %.3f LUFS, want %.2f", file, I, want);
		/* the limiter's ceiling; the 16-bit files add dither (+-1 LSB, -90 dBFS) and the
		 * resampler's own ripple */
		ck_assert_msg(tp <= ceiling + (k < 2 ? 0.0 : 0.05), "%s: TP %.3f dBTP", file, tp);
	}
}

static void
assert_deliverables(const char *out, const char *name, double want)
{
	assert_deliverables_c(out, name, want, CEILING);
}

/* "key": number after the n-th occurrence of "key" in the JSON text. */
static double
json_num(const char *text, const char *key, int nth)
{
	char pat[64];
	const char *p = text;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	for (int i = 0; i <= nth; i++) {
		p = strstr(p, pat);
		ck_assert_msg(p != NULL, "no %s #%d in the report", key, nth);
		p += strlen(pat);
	}
	return strtod(p, NULL);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mixmaster-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	bin = getenv("MIXMASTER_BIN");
	render_bin = getenv("MIXRENDER_BIN");
	ck_assert_msg(bin && render_bin, "MIXMASTER_BIN / MIXRENDER_BIN not set");
	write_track("a.wav", -18.0, 0, 0);
	write_track("b.wav", -21.0, 0, 0);
	write_track("c.wav", -24.0, 0, 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(per_track_at_target)
{
	const char *json;

	ck_assert_int_eq(run_bin(bin, "--target %.1f -o t a.wav b.wav c.wav", TARGET), 0);
	assert_deliverables("t", "a", TARGET);
	assert_deliverables("t", "b", TARGET);
	assert_deliverables("t", "c", TARGET);
	json = slurp("t/mixmaster-report.json");
	ck_assert_ptr_nonnull(strstr(json, "\"mode\": \"track\""));
	for (int k = 0; k < 3; k++) {
		ck_assert_msg(fabs(json_num(json, "integrated_lufs", k) - TARGET) <= 0.1,
		              "report: track %d at %.3f", k, json_num(json, "integrated_lufs", k));
		/* the gains close the gaps: +2, +5, +8 dB (the limiter idles at these peaks) */
		ck_assert_msg(fabs(json_num(json, "gain_db", k) - (2.0 + 3.0 * k)) <= 0.15,
		              "track %d gain %.3f dB", k, json_num(json, "gain_db", k));
		double plr = json_num(json, "plr_db", k), tp = json_num(json, "true_peak_dbtp", k);
		ck_assert(fabs(plr - (tp - json_num(json, "integrated_lufs", k))) < 0.002);
	}
	ck_assert_ptr_nonnull(strstr(slurp("t/mixmaster-report.txt"), "album"));
}
END_TEST

/* Loud: -9 LUFS from a -18 LUFS track is 9 dB of gain into a -1.5 dBTP ceiling, the limiter
 * taking several dB: every deliverable still at the target and under the ceiling (libebur128,
 * the 16-bit ones within 0.05 dB: dither and the resampler's ripple). */
START_TEST(hot_master_under_ceiling)
{
	const char *json;

	ck_assert_int_eq(run_bin(bin, "--target -9 --ceiling -1.5 -o hot a.wav"), 0);
	ck_assert_msg(!strstr(slurp("err.txt"), "warning"), "%s", slurp("err.txt"));
	assert_deliverables_c("hot", "a", -9.0, -1.5);
	json = slurp("hot/mixmaster-report.json");
	ck_assert(json_num(json, "ceiling_dbtp", 0) == -1.5);
	ck_assert_msg(json_num(json, "gain_db", 0) > 9.0, "gain %.2f: the limiter took nothing?",
	              json_num(json, "gain_db", 0));
}
END_TEST

START_TEST(album_keeps_differences)
{
	double I[3], tp;
	const char *names[3] = { "album/a.wav", "album/b.wav", "album/c.wav" };
	const char *json;

	ck_assert_int_eq(run_bin(bin, "--album --target %.1f -o album c.wav a.wav b.wav", TARGET),
	                 0);
	for (int k = 0; k < 3; k++)
		I[k] = measure(names[k], RATE, F24W, &tp);
	printf("mixmaster album: %.3f %.3f %.3f LUFS\n", I[0], I[1], I[2]);
	ck_assert_msg(fabs(I[0] - TARGET) <= 0.1, "loudest at %.3f", I[0]);
	ck_assert_msg(fabs(I[1] - I[0] + 3.0) <= 0.1 && fabs(I[2] - I[0] + 6.0) <= 0.1,
	              "differences %.3f %.3f, want -3 -6", I[1] - I[0], I[2] - I[0]);
	assert_deliverables("album", "b", I[1]);
	json = slurp("album/mixmaster-report.json");
	ck_assert_ptr_nonnull(strstr(json, "\"mode\": \"album\""));
	/* one gain for all */
	ck_assert(json_num(json, "gain_db", 0) == json_num(json, "gain_db", 1) &&
	          json_num(json, "gain_db", 1) == json_num(json, "gain_db", 2));
}
END_TEST

/* The 16-bit file's quiet half: a 1 kHz tone of ~0.35 LSB (in the 24-bit master, measured)
 * reads at that amplitude within 1 dB in the 16-bit file, and what is left after the tone is
 * white-ish noise of 0.5 LSB RMS (+-10 %): TPDF dither plus rounding (1/12 + 2/12 LSB^2).
 * Rounding alone would leave digital silence (the tone is under half an LSB), truncation a
 * DC step. */
START_TEST(dither_not_truncation)
{
	long n24, n16;
	float *m24, *m16;
	double a24, a16, ss = 0.0;

	/* loud half at -20 LUFS, target -16: about +4 dB, so 0.22 LSB in is 0.35 out */
	write_track("q.wav", -20.0, 0.35, 4.0);
	ck_assert_int_eq(run_bin(bin, "--target %.1f -o d q.wav", TARGET), 0);
	m24 = read_file("d/q.wav", RATE, F24W, &n24);
	m16 = read_file("d/q-44k16.wav", 44100, F16W, &n16);
	/* mono mixes: fit on the left channel, over the middle of the quiet half */
	{
		long from = n24 * 6 / 10, len = n24 / 4;
		double c = 0, s = 0;
		for (long i = from; i < from + len; i++) {
			c += m24[2 * i] * cos(2.0 * M_PI * 1000.0 * i / RATE);
			s += m24[2 * i] * sin(2.0 * M_PI * 1000.0 * i / RATE);
		}
		a24 = 2.0 * hypot(c, s) / (double)len * 32768.0;
	}
	{
		long from = n16 * 6 / 10, len = n16 / 4;
		double c = 0, s = 0;
		for (long i = from; i < from + len; i++) {
			c += m16[2 * i] * cos(2.0 * M_PI * 1000.0 * i / 44100.0);
			s += m16[2 * i] * sin(2.0 * M_PI * 1000.0 * i / 44100.0);
		}
		c *= 2.0 / (double)len;
		s *= 2.0 / (double)len;
		a16 = hypot(c, s) * 32768.0;
		for (long i = from; i < from + len; i++) {
			double fit = c * cos(2.0 * M_PI * 1000.0 * i / 44100.0) +
			             s * sin(2.0 * M_PI * 1000.0 * i / 44100.0);
			double r = (m16[2 * i] - fit) * 32768.0;
			ss += r * r;
		}
		ss = sqrt(ss / (double)len);
	}
	printf("mixmaster dither: tone %.3f LSB in the 24-bit master, %.3f LSB in the 16-bit "
	       "file; residual %.3f LSB RMS (TPDF: 0.5)\n",
	       a24, a16, ss);
	ck_assert_msg(a24 > 0.15 && a24 < 0.5, "the tone is %.3f LSB in the 24-bit master", a24);
	ck_assert_msg(fabs(20.0 * log10(a16 / a24)) <= 1.0, "tone %.3f LSB in 16 bits, %.3f in 24",
	              a16, a24);
	ck_assert_msg(ss >= 0.45 && ss <= 0.55, "residual %.3f LSB RMS", ss);
	free(m24);
	free(m16);
}
END_TEST

/* No file at all in dir/sub (or no dir/sub). */
static void
assert_empty(const char *sub)
{
	char path[256];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		ck_assert_msg(de->d_name[0] == '.', "%s/%s written", sub, de->d_name);
	closedir(d);
}

START_TEST(bad_track_writes_nothing)
{
	static const struct {
		const char *file, *why;
	} bad[] = {
		{ "missing.wav", "missing.wav" },
		{ "garbage.wav", "garbage.wav" },
		{ "mono.wav", "mono.wav: 1 channel" },
	};
	SF_INFO info = { .samplerate = RATE,
		         .channels = 1,
		         .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	char path[256];
	static short z[RATE];

	write_text("garbage.wav", "RIFF? no, just text pretending to be audio\n");
	snprintf(path, sizeof(path), "%s/mono.wav", dir);
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	ck_assert_ptr_nonnull(sf);
	sf_writef_short(sf, z, RATE);
	sf_close(sf);
	for (unsigned k = 0; k < 3; k++) {
		ck_assert_int_eq(run_bin(bin, "--target -16 -o bad a.wav %s b.wav", bad[k].file),
		                 1);
		ck_assert_msg(strstr(slurp("err.txt"), bad[k].why), "%s: stderr: %s", bad[k].file,
		              slurp("err.txt"));
		assert_empty("bad");
	}
	/* the same names twice, and usage errors */
	ck_assert_int_eq(run_bin(bin, "--target -16 -o bad a.wav ./a.wav"), 1);
	assert_empty("bad");
	ck_assert_int_eq(run_bin(bin, "-o bad a.wav"), 2);
	ck_assert_int_eq(run_bin(bin, "--target -3 -o bad a.wav"), 2);
	ck_assert_int_eq(run_bin(bin, "--target -16 --ceiling 1 -o bad a.wav"), 2);
	ck_assert_int_eq(run_bin(bin, "--target -16 a.wav"), 2);
	assert_empty("bad");
}
END_TEST

/* mixmaster's master of a track through a scene with the multiband, the glue compressor and
 * an EQ band working equals mixrender's render of it as the one stem of a stereo strip 1 with
 * that scene and the master fader mixmaster reports, sample for sample at 24 bits. */
START_TEST(same_as_mixrender)
{
	static const char scene[] = "# mixd scene 1\n"
	                            "/master/eq/2/gain 3\n"
	                            "/master/multiband/on 1\n"
	                            "/master/multiband/2/threshold -30\n"
	                            "/master/comp/on 1\n"
	                            "/master/comp/threshold -25\n"
	                            "/master/width/mono_below 120\n";
	char text[1024];
	long n1, n2, diff = 0;
	float *a, *b;

	write_text("m.scene", scene);
	ck_assert_int_eq(run_bin(bin, "--scene m.scene --target -20 -o s a.wav"), 0);
	ck_assert_msg(!strstr(slurp("err.txt"), "warning"), "%s", slurp("err.txt"));
	snprintf(text, sizeof(text), "%s/master/fader %.9g\n", scene,
	         json_num(slurp("s/mixmaster-report.json"), "master_fader_db", 0));
	write_text("r.scene", text);
	ck_assert_int_eq(run_bin(render_bin, "--scene r.scene -o r.wav 1=a.wav"), 0);
	a = read_file("s/a.wav", RATE, F24W, &n1);
	b = read_file("r.wav", RATE, SF_FORMAT_WAV | SF_FORMAT_FLOAT, &n2);
	ck_assert_int_eq(n1, n2);
	for (long i = 0; i < 2 * n1; i++) {
		double q = nearbyint((double)b[i] * 8388608.0);
		q = fmin(fmax(q, -8388608.0), 8388607.0);
		diff += (double)a[i] * 8388608.0 != q;
	}
	ck_assert_msg(diff == 0, "%ld of %ld samples differ", diff, 2 * n1);
	printf("mixmaster = mixrender at 24 bits: %ld samples, none differ\n", 2 * n1);
	free(a);
	free(b);
}
END_TEST

static Suite *
mixmaster_suite(void)
{
	Suite *s = suite_create("mixmaster");
	TCase *tc = tcase_create("mixmaster");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, per_track_at_target);
	tcase_add_test(tc, hot_master_under_ceiling);
	tcase_add_test(tc, album_keeps_differences);
	tcase_add_test(tc, dither_not_truncation);
	tcase_add_test(tc, bad_track_writes_nothing);
	tcase_add_test(tc, same_as_mixrender);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(mixmaster_suite());
}
