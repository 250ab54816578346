/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mixrender: the built mixrender binary (MIXRENDER_BIN) on stems synthesized here with
 * libsndfile — a mono float WAV, a stereo 16-bit FLAC (shorter: padded) and a mono WAV — in a
 * temporary directory. No JACK: the JACK equality is test_e2e_render.
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

#define RATE 48000
/* The limiter's default ceiling (dBTP) and how far libebur128's 4x true peak may read above
 * it: the limiter detects 8x oversampled peaks, a different interpolator. */
#define CEILING_DBTP  -1.0
#define TP_TOLERANCE  0.2
#define NORM_TARGET   -14.0
#define NORM_LU_BOUND 0.3

static char dir[64];
static const char *bin;

/* Writes a stem: channels 1 or 2, frames long, peak linear: a sine (freq_hz > 0), LCG noise
 * (0), or (< 0) bursts of noise decaying in 15 ms, four a second: peaks far above the loudness,
 * for the limiter to work on. */
static void
write_stem(const char *name, int format, int rate, int channels, long frames, double freq_hz,
           double peak)
{
	char path[256];
	SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
	float *buf = malloc(sizeof(float) * (size_t)(frames * channels));
	uint32_t x = 12345;
	SNDFILE *sf;

	ck_assert_ptr_nonnull(buf);
	for (long f = 0; f < frames; f++)
		for (int c = 0; c < channels; c++) {
			double v;
			if (freq_hz > 0) {
				v = sin(2 * M_PI * freq_hz * (1 + 0.5 * c) * (double)f / rate);
			} else {
				x = x * 1664525u + 1013904223u;
				v = (double)x / 2147483648.0 - 1.0;
				if (freq_hz < 0)
					v *= exp(-(double)(f % (rate / 4)) / (0.015 * rate));
			}
			buf[f * channels + c] = (float)(peak * v);
		}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_WRITE, &info);
	ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
	ck_assert_int_eq(sf_writef_float(sf, buf, frames), frames);
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

/* Runs mixrender with args (file names relative to dir); stdout and stderr go to dir/out.txt
 * and dir/err.txt. Returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
run(const char *fmt, ...)
{
	char args[1024], cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >out.txt 2>err.txt </dev/null", dir, bin,
	         args);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The text of dir/name (static buffer). */
static const char *
slurp(const char *name)
{
	static char text[8192];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

/* Reads a rendered file: checks it has channels channels at RATE and returns its interleaved
 * frames. */
static float *
read_channels(const char *name, int channels, long *frames)
{
	char path[256];
	SF_INFO info = { 0 };
	SNDFILE *sf;
	float *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_READ, &info);
	ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
	ck_assert_int_eq(info.channels, channels);
	ck_assert_int_eq(info.samplerate, RATE);
	ck_assert_int_eq(info.format, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
	buf = malloc(sizeof(float) * (size_t)channels * (size_t)info.frames);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(sf_readf_float(sf, buf, info.frames), info.frames);
	sf_close(sf);
	*frames = info.frames;
	return buf;
}

/* The stereo master file. */
static float *
read_out(const char *name, long *frames)
{
	return read_channels(name, 2, frames);
}

/* No file in dir starts with prefix (the output and its temporary files). */
static void
assert_no_file(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		ck_assert_msg(strncmp(de->d_name, prefix, strlen(prefix)) != 0, "%s left behind",
		              de->d_name);
	closedir(d);
}

static double
rms_db(const float *lr, long frames, long skip)
{
	double sum = 0;

	for (long i = 2 * skip; i < 2 * frames; i++)
		sum += (double)lr[i] * lr[i];
	return 10 * log10(sum / (double)(2 * (frames - skip)));
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mixrender-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	bin = getenv("MIXRENDER_BIN");
	ck_assert_msg(bin != NULL, "MIXRENDER_BIN not set");
	write_stem("a.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 1, 3 * RATE, 220, 0.25);
	write_stem("b.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, RATE, 2, 5 * RATE / 2, 0, 0.1);
	write_stem("c.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, RATE, 1, 2 * RATE, 1000, 0.125);
	/* a scene that exercises the stateful parts: compressors, EQ, both buses */
	write_text("busy.scene", "# mixd scene 1\n"
	                         "/strip/1/comp/on 1\n"
	                         "/strip/1/comp/threshold -30\n"
	                         "/strip/1/send/reverb/level -10\n"
	                         "/strip/2/eq/2/gain 6\n"
	                         "/strip/2/pan -0.5\n"
	                         "/strip/3/send/delay/level -6\n"
	                         "/master/comp/on 1\n");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

START_TEST(layout_and_length)
{
	long n;
	float *o;

	ck_assert_int_eq(run("-o out.wav a.wav b.flac c.wav"), 0);
	o = read_out("out.wav", &n);
	/* the longest stem's length: the look-ahead is compensated */
	ck_assert_int_eq(n, 3 * RATE);
	free(o);
	ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "integrated"));
	ck_assert_int_eq(run("--tail 0.5 -o tail.wav a.wav b.flac c.wav"), 0);
	o = read_out("tail.wav", &n);
	ck_assert_int_eq(n, 3 * RATE + RATE / 2);
	free(o);
	assert_no_file("out.wav.tmp");
	assert_no_file("tail.wav.tmp");
}
END_TEST

/* A mono sine through an untouched console comes out aligned with its input (the look-ahead
 * dropped), at -3 dB a side (the constant-power centre). */
START_TEST(aligned_with_the_stem)
{
	long n;
	float *o;
	double worst = 0;

	ck_assert_int_eq(run("-o out.wav a.wav"), 0);
	o = read_out("out.wav", &n);
	for (long f = 0; f < n; f++) {
		double in = 0.25 * sin(2 * M_PI * 220 * (double)f / RATE) * sqrt(0.5);
		worst = fmax(worst, fabs(o[2 * f] - in));
	}
	printf("alignment: worst |out - in*(-3 dB)| = %.3g\n", worst);
	ck_assert_double_lt(worst, 1e-5);
	free(o);
}
END_TEST

/* --aux-out: aux bus 2 (mono) carries strip 1's pre-fader send at -6 dB whatever the strip's
 * fader, sample for sample and lined up with the stem (no look-ahead), as long as the master's
 * file; stereo bus 1 has a stereo file, the send centred at -3 dB a side. */
START_TEST(aux_out)
{
	long n, n1, n2;
	float *o, *a1, *a2;
	double worst1 = 0, worst2 = 0;

	write_text("aux.scene", "# mixd scene 1\n/strip/1/fader -20\n"
	                        "/strip/1/send/aux/2/level -6\n/strip/1/send/aux/1/level 0\n");
	ck_assert_int_eq(run("--aux-stereo 1 --aux-out 2=aux2.wav --aux-out=1=aux1.wav "
	                     "--scene aux.scene -o out.wav a.wav"),
	                 0);
	o = read_out("out.wav", &n);
	a2 = read_channels("aux2.wav", 1, &n2);
	a1 = read_channels("aux1.wav", 2, &n1);
	ck_assert_int_eq(n1, n);
	ck_assert_int_eq(n2, n);
	for (long f = 0; f < n; f++) {
		double in = 0.25 * sin(2 * M_PI * 220 * (double)f / RATE);
		worst2 = fmax(worst2, fabs(a2[f] - in * pow(10.0, -6.0 / 20.0)));
		worst1 = fmax(worst1, fabs(a1[2 * f] - in * sqrt(0.5)));
		worst1 = fmax(worst1, fabs(a1[2 * f + 1] - in * sqrt(0.5)));
	}
	printf("aux out: worst |aux2 - in*(-6 dB)| = %.3g, |aux1 - in*(-3 dB)| = %.3g\n", worst2,
	       worst1);
	ck_assert_double_lt(worst2, 1e-5);
	ck_assert_double_lt(worst1, 1e-5);
	free(o);
	free(a1);
	free(a2);
	/* a bus the console lacks, one named twice, not K=FILE: bad usage, nothing written */
	ck_assert_int_eq(run("--aux-out 9=x.wav -o x_out.wav a.wav"), 2);
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "--aux-out 9=x.wav: the console has 8"));
	ck_assert_int_eq(run("--aux 0 --aux-out 1=x.wav -o x_out.wav a.wav"), 2);
	ck_assert_int_eq(run("--aux-out 2=x.wav --aux-out 2=y.wav -o x_out.wav a.wav"), 2);
	ck_assert_int_eq(run("--aux-out x.wav -o x_out.wav a.wav"), 2);
	ck_assert_int_eq(run("--aux-out 33=x.wav -o x_out.wav a.wav"), 2);
	ck_assert_int_eq(run("--aux 33 -o x_out.wav a.wav"), 2);
	assert_no_file("x");
	/* an unwritable aux file: the master is not written either */
	ck_assert_int_eq(run("--aux-out 1=nodir/x.wav -o x_out.wav a.wav"), 1);
	assert_no_file("x_out");
}
END_TEST

/* How much louder render y is than render x of the same length (RMS past the first 0.1 s). */
static double
level_change_db(const char *x, const char *y)
{
	long n0, n1;
	float *a = read_out(x, &n0), *b = read_out(y, &n1);
	double d;

	ck_assert_int_eq(n0, n1);
	d = rms_db(b, n1, RATE / 10) - rms_db(a, n0, RATE / 10);
	free(a);
	free(b);
	return d;
}

/* y is x with a fader at -6 dB: 6 dB quieter, within 0.01 dB. */
static void
assert_minus_6(const char *what, const char *x, const char *y)
{
	double d = level_change_db(x, y);

	printf("%s: level change %.4f dB\n", what, d);
	ck_assert_msg(fabs(d + 6.0) <= 0.01, "%s: %.4f dB, not -6", what, d);
}

START_TEST(scene_fader_minus_6)
{
	write_text("f6.scene", "# mixd scene 1\n/strip/1/fader -6\n");
	ck_assert_int_eq(run("-o plain.wav a.wav"), 0);
	ck_assert_int_eq(run("--scene f6.scene -o f6.wav a.wav"), 0);
	assert_minus_6("scene fader -6", "plain.wav", "f6.wav");
}
END_TEST

/* The largest |x - y| over two renders of the same length. */
static double
max_diff(const char *x, const char *y)
{
	long n0, n1;
	float *a = read_out(x, &n0), *b = read_out(y, &n1);
	double worst = 0;

	ck_assert_int_eq(n0, n1);
	for (long i = 0; i < 2 * n0; i++)
		worst = fmax(worst, fabs((double)a[i] - b[i]));
	free(a);
	free(b);
	return worst;
}

/* The engine works on a 32-frame grid whatever the call size, so the block size must not show
 * in the output: bit-identical for 64, 1024 and 100 (not a multiple of 32) frames. */
START_TEST(block_size_independent)
{
	static const unsigned blocks[] = { 1024, 100, 1 };

	ck_assert_int_eq(
	    run("--scene busy.scene --tail 1 --block 64 -o b64.wav a.wav b.flac c.wav"), 0);
	for (unsigned k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
		double worst;

		ck_assert_int_eq(
		    run("--scene busy.scene --tail 1 --block %u -o bx.wav a.wav b.flac "
		        "c.wav",
		        blocks[k]),
		    0);
		worst = max_diff("b64.wav", "bx.wav");
		printf("block 64 vs %u: max |difference| = %g\n", blocks[k], worst);
		ck_assert_msg(worst == 0.0, "block %u differs by %g", blocks[k], worst);
	}
}
END_TEST

START_TEST(normalize_to_minus_14)
{
	ebur128_state *st;
	double lufs, tp[2];
	long n;
	float *o;

	/* the bursts' peaks sit ~20 dB over their loudness: at -14 LUFS the limiter must work */
	write_stem("hits.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 1, 3 * RATE, -1, 0.5);
	ck_assert_int_eq(run("--scene busy.scene --normalize %.1f -o norm.wav hits.wav b.flac "
	                     "c.wav",
	                     NORM_TARGET),
	                 0);
	o = read_out("norm.wav", &n);
	st = ebur128_init(2, RATE, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(ebur128_add_frames_float(st, o, (size_t)n), EBUR128_SUCCESS);
	ck_assert_int_eq(ebur128_loudness_global(st, &lufs), EBUR128_SUCCESS);
	ck_assert_int_eq(ebur128_true_peak(st, 0, &tp[0]), EBUR128_SUCCESS);
	ck_assert_int_eq(ebur128_true_peak(st, 1, &tp[1]), EBUR128_SUCCESS);
	ebur128_destroy(&st);
	tp[0] = 20 * log10(fmax(tp[0], tp[1]));
	printf("normalize %.1f: %.3f LUFS, true peak %.3f dBTP\n%s", NORM_TARGET, lufs, tp[0],
	       slurp("out.txt"));
	ck_assert_double_le(fabs(lufs - NORM_TARGET), NORM_LU_BOUND);
	ck_assert_double_le(tp[0], CEILING_DBTP + TP_TOLERANCE);
	/* the report lists both passes (at least) */
	ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "pass 2:"));
	free(o);
}
END_TEST

/* The lane of the automation tests: strip 1 from -40 dB to 0 dB, linear in dB, over 1 s. */
#define FADE_FROM_DB -40.0
#define FADE_S       1.0
#define FADE_DB_TOL  0.1
#define FADE_FRAMES  32 /* the grid the lanes move on */

static const char fade_text[] = "# mixd automation 1\n"
                                "0 /strip/1/fader -40\n"
                                "1 /strip/1/fader 0 linear\n";

static double
fade_db(double frame)
{
	double x = fmin(fmax(frame / (FADE_S * RATE), 0.0), 1.0);

	return FADE_FROM_DB * (1.0 - x);
}

/* The fader lane moves the output along its curve: the gain (the automated render over the
 * plain one, sample by sample, where the sine is away from its zero crossings) averaged over
 * 10 ms around each checkpoint. A curve linear in dB averages to its value at the mean frame,
 * so the reading compares with the formula there, in level and in time. */
START_TEST(automation_fader_curve)
{
	static const double at_s[] = { 0.1, 0.3, 0.5, 0.7, 0.9 };
	long n0, n1;
	float *plain, *fade;

	write_text("fade.auto", fade_text);
	ck_assert_int_eq(run("-o plain.wav a.wav"), 0);
	ck_assert_int_eq(run("--automation fade.auto -o fade.wav a.wav"), 0);
	plain = read_out("plain.wav", &n0);
	fade = read_out("fade.wav", &n1);
	ck_assert_int_eq(n0, n1);
	for (unsigned k = 0; k < sizeof(at_s) / sizeof(at_s[0]); k++) {
		long c = lround(at_s[k] * RATE);
		double sum_db = 0, sum_f = 0, db, f, dt;
		long cnt = 0;

		for (long i = c - RATE / 200; i <= c + RATE / 200; i++) {
			if (fabs(plain[2 * i]) < 0.05)
				continue;
			sum_db += 20 * log10(fabs((double)fade[2 * i] / plain[2 * i]));
			sum_f += (double)i;
			cnt++;
		}
		ck_assert_int_gt(cnt, RATE / 400);
		db = sum_db / (double)cnt;
		f = sum_f / (double)cnt;
		/* where on the curve this level is, against where it was read */
		dt = (1.0 - db / FADE_FROM_DB) * FADE_S * RATE - f;
		printf("fade at %.1f s: %.4f dB, curve %.4f dB, timing %+.1f frames\n", at_s[k], db,
		       fade_db(f), dt);
		ck_assert_double_le(fabs(db - fade_db(f)), FADE_DB_TOL);
		ck_assert_double_le(fabs(dt), FADE_FRAMES);
	}
	/* after the lane's end it holds 0 dB: the plain render exactly */
	for (long i = 2 * (long)(FADE_S * RATE + RATE / 10); i < 2 * n0; i++)
		ck_assert_float_eq(fade[i], plain[i]);
	free(plain);
	free(fade);
}
END_TEST

/* Lanes move on the 32-frame grid from frame 0 whatever the block: bit-identical output. Each
 * block re-applies every lane, and a value a parameter already glides to changes nothing, so a
 * moving lane on the master fader (a glide restarted on every set before ramp_to) lands the
 * same whatever the block. */
START_TEST(automation_block_size_independent)
{
	static const unsigned blocks[] = { 1024, 100, 1 };

	write_text("busy.auto", "# mixd automation 1\n"
	                        "0 /strip/1/fader -40\n"
	                        "1 /strip/1/fader 0 linear\n"
	                        "0.5 /strip/2/pan 1 linear\n"
	                        "24000f /strip/3/mute 1\n"
	                        "1.25 /strip/3/mute 0\n"
	                        "0.7 /strip/2/eq/2/gain -6\n"
	                        "0.2 /strip/1/send/reverb/level -30\n"
	                        "1.7 /strip/1/send/reverb/level 0 linear\n"
	                        "0.2 /master/fader 0\n"
	                        "1.5 /master/fader -3 linear\n");
	ck_assert_int_eq(run("--scene busy.scene --automation busy.auto --block 64 -o b64.wav "
	                     "a.wav b.flac c.wav"),
	                 0);
	for (unsigned k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
		double worst;

		ck_assert_int_eq(run("--scene busy.scene --automation busy.auto --block %u -o "
		                     "bx.wav a.wav b.flac c.wav",
		                     blocks[k]),
		                 0);
		worst = max_diff("b64.wav", "bx.wav");
		printf("automation, block 64 vs %u: max |difference| = %g\n", blocks[k], worst);
		ck_assert_msg(worst == 0.0, "block %u differs by %g", blocks[k], worst);
	}
	/* --normalize would move the fader the lane drives: refused as bad usage, no output */
	ck_assert_int_eq(run("--automation busy.auto --normalize -14 -o bad.wav a.wav b.flac "
	                     "c.wav"),
	                 2);
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "/master/fader"));
	assert_no_file("bad.wav");
}
END_TEST

/* Each bad input: exit 1, a message naming the culprit, no output file, no temporary file. */
static void
assert_fails(const char *args, const char *needle)
{
	ck_assert_int_eq(run("%s", args), 1);
	ck_assert_msg(strstr(slurp("err.txt"), needle) != NULL, "'%s': no '%s' in: %s", args,
	              needle, slurp("err.txt"));
	assert_no_file("bad.wav");
}

START_TEST(bad_inputs)
{
	write_text("garbage.wav", "this is not a sound file, only some bytes that say so......");
	write_stem("r44.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, 44100, 440, 0.1);
	write_stem("six.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 6, RATE, 440, 0.1);
	write_text("typo.scene", "# mixd scene 1\n/strip/1/fader -6\n/strip/1/fadr -6\n");
	assert_fails("-o bad.wav a.wav missing.wav", "missing.wav");
	assert_fails("-o bad.wav a.wav garbage.wav", "garbage.wav");
	assert_fails("-o bad.wav a.wav r44.wav", "all stems must share one sample rate");
	assert_fails("-o bad.wav six.wav", "mono or stereo");
	assert_fails("--scene typo.scene -o bad.wav a.wav", "line 3");
	assert_fails("--scene nothere.scene -o bad.wav a.wav", "nothere.scene");
	assert_fails("-o nodir/bad.wav a.wav", "nodir/bad.wav");
	/* a bad automation line is named, as a scene's is; a file not there is named */
	write_text("typo.auto", "# mixd automation 1\n0 /strip/1/fader -40\n"
	                        "# a comment\n1 /strip/1/fader 0 glide\n");
	assert_fails("--automation typo.auto -o bad.wav a.wav", "typo.auto: line 4");
	write_text("strip9.auto", "# mixd automation 1\n0 /strip/9/fader -40\n");
	assert_fails("--automation strip9.auto -o bad.wav a.wav", "strip9.auto: line 2");
	assert_fails("--automation nothere.auto -o bad.wav a.wav", "nothere.auto");
	/* silence cannot be normalized */
	write_stem("zero.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 1, RATE, 440, 0.0);
	assert_fails("--normalize -14 -o bad.wav zero.wav", "silent");
}
END_TEST

/* A FLAC that is cut short: it opens, its first block decodes, then decoding stops. */
START_TEST(truncated_flac)
{
	char path[256];
	FILE *f;
	long size;

	write_stem("long.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, RATE, 2, 10 * RATE, 0, 0.5);
	snprintf(path, sizeof(path), "%s/long.flac", dir);
	f = fopen(path, "r+");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	ck_assert_int_eq(truncate(path, size / 2), 0);
	ck_assert_int_eq(run("-o bad.wav a.wav long.flac"), 1);
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "long.flac"));
	printf("truncated FLAC: %s", slurp("err.txt"));
	assert_no_file("bad.wav");
}
END_TEST

/* Writes dst, a stereo float WAV with mono src in both channels. */
static void
write_doubled(const char *src, const char *dst)
{
	char path[256];
	SF_INFO in = { 0 }, out;
	SNDFILE *sf;
	float *buf, *lr;

	snprintf(path, sizeof(path), "%s/%s", dir, src);
	sf = sf_open(path, SFM_READ, &in);
	ck_assert_ptr_nonnull(sf);
	ck_assert_int_eq(in.channels, 1);
	buf = malloc(sizeof(float) * (size_t)in.frames);
	lr = malloc(2 * sizeof(float) * (size_t)in.frames);
	ck_assert(buf && lr);
	ck_assert_int_eq(sf_readf_float(sf, buf, in.frames), in.frames);
	sf_close(sf);
	for (sf_count_t f = 0; f < in.frames; f++)
		lr[2 * f] = lr[2 * f + 1] = buf[f];
	out = (SF_INFO){ .samplerate = in.samplerate,
		         .channels = 2,
		         .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	snprintf(path, sizeof(path), "%s/%s", dir, dst);
	sf = sf_open(path, SFM_WRITE, &out);
	ck_assert_ptr_nonnull(sf);
	ck_assert_int_eq(sf_writef_float(sf, lr, in.frames), in.frames);
	sf_close(sf);
	free(buf);
	free(lr);
}

/* Stems on the strips a live console has them on: N=STEM, --strips, --stereo. */
START_TEST(strip_layout)
{
	double d;

	/* a scene from a 16-strip console: refused by a 2-strip render, fine with --strips 16 */
	write_text("live.scene", "# mixd scene 1\n/strip/2/fader -6\n/strip/16/mute 1\n");
	assert_fails("--scene live.scene -o bad.wav a.wav c.wav", "line 3");
	ck_assert_int_eq(run("--strips 16 --scene live.scene -o live.wav 2=a.wav"), 0);
	ck_assert_int_eq(run("-o plain.wav a.wav"), 0);
	assert_minus_6("layout: a.wav on strip 2 of 16, its fader at -6", "plain.wav", "live.wav");

	/* plain stems follow the previous one: b.flac lands on strip 4; with strips 1 and 3 muted
	 * only it is heard, as when it is alone on strip 4 */
	write_text("mute13.scene", "# mixd scene 1\n/strip/1/mute 1\n/strip/3/mute 1\n");
	ck_assert_int_eq(run("--scene mute13.scene -o m.wav a.wav 3=c.wav b.flac"), 0);
	ck_assert_int_eq(run("--tail 0.5 -o b4.wav 4=b.flac"), 0);
	d = max_diff("m.wav", "b4.wav");
	printf("layout: b.flac after 3=c.wav is on strip 4: max difference %.3g\n", d);
	ck_assert_double_le(d, 1e-6);

	/* a mono stem on a stereo strip feeds both inputs: the same as a stereo stem of it twice */
	write_stem("a1.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 1, 3 * RATE, -1, 0.25);
	write_doubled("a1.wav", "a2.wav");
	ck_assert_int_eq(run("--strips 3 --stereo 2-3 -o s1.wav 3=a1.wav"), 0);
	ck_assert_int_eq(run("--strips 3 --stereo 2-3 -o s2.wav 3=a2.wav"), 0);
	d = max_diff("s1.wav", "s2.wav");
	printf("layout: mono stem on a stereo strip vs the stereo stem: max difference %.3g\n", d);
	ck_assert_double_eq(d, 0.0);
	/* and not the same as the mono strip it gets without --stereo (the pan law differs) */
	ck_assert_int_eq(run("-o s0.wav a1.wav"), 0);
	d = level_change_db("s0.wav", "s1.wav");
	printf("layout: stereo strip over mono strip: %+.3f dB\n", d);
	ck_assert_double_gt(fabs(d), 0.5);
	/* "./3=x.wav" is a file name, not strip 3 */
	write_stem("3=x.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 1, RATE, 440, 0.1);
	ck_assert_int_eq(run("-o xo.wav ./3=x.wav"), 0);
	ck_assert_int_eq(run("-o y.wav 3=x.wav"), 1); /* strip 3, file x.wav: not there */
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "x.wav"));
}
END_TEST

START_TEST(layout_errors)
{
	static const char *const bad_usage[] = {
		"-o bad.wav 0=a.wav",
		"-o bad.wav 257=a.wav",
		"-o bad.wav 3=",
		"-o bad.wav 1=a.wav 1=c.wav",
		"-o bad.wav a.wav 1=c.wav",
		"--strips 2 -o bad.wav 3=a.wav",
		"--strips 0 -o bad.wav a.wav",
		"--strips 257 -o bad.wav a.wav",
		"--stereo 5 --strips 4 -o bad.wav a.wav",
		"--stereo 2-1 -o bad.wav a.wav c.wav",
		"--stereo= -o bad.wav a.wav",
	};

	for (unsigned k = 0; k < sizeof(bad_usage) / sizeof(bad_usage[0]); k++) {
		ck_assert_msg(run("%s", bad_usage[k]) == 2, "'%s' is not bad usage", bad_usage[k]);
		ck_assert_msg(strstr(slurp("err.txt"), "usage:"), "'%s': %s", bad_usage[k],
		              slurp("err.txt"));
	}
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "--stereo"));
	run("-o bad.wav 1=a.wav 1=c.wav");
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "strip 1 has two stems"));
	/* the files are opened before this is known: a stereo stem on a mono strip, exit 1 */
	assert_fails("--stereo 1 -o bad.wav a.wav b.flac", "b.flac is stereo, but strip 2 is mono");
	assert_no_file("bad.wav");
}
END_TEST

START_TEST(usage_errors)
{
	ck_assert_int_eq(run("%s", ""), 2);
	ck_assert_int_eq(run("a.wav"), 2);
	ck_assert_int_eq(run("-o x.wav"), 2);
	ck_assert_int_eq(run("--normalize -3 -o x.wav a.wav"), 2);
	ck_assert_int_eq(run("--normalize loud -o x.wav a.wav"), 2);
	ck_assert_int_eq(run("--block 0 -o x.wav a.wav"), 2);
	ck_assert_int_eq(run("--tail -1 -o x.wav a.wav"), 2);
	ck_assert_int_eq(run("--automation -o x.wav a.wav"), 2);
	ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "usage:"));
	assert_no_file("x.wav");
	ck_assert_int_eq(run("--help"), 0);
	ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "usage:"));
}
END_TEST

static Suite *
mixrender_suite(void)
{
	Suite *s = suite_create("mixrender");
	TCase *tc = tcase_create("render");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, layout_and_length);
	tcase_add_test(tc, aligned_with_the_stem);
	tcase_add_test(tc, scene_fader_minus_6);
	tcase_add_test(tc, block_size_independent);
	tcase_add_test(tc, normalize_to_minus_14);
	tcase_add_test(tc, automation_fader_curve);
	tcase_add_test(tc, automation_block_size_independent);
	tcase_add_test(tc, bad_inputs);
	tcase_add_test(tc, truncated_flac);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, strip_layout);
	tcase_add_test(tc, layout_errors);
	tcase_add_test(tc, aux_out);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(mixrender_suite());
}
