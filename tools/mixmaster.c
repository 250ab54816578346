/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixmaster: finished stereo mixes mastered with mixd's own master chain, to deliverables.
 *
 *   mixmaster [--scene FILE] --target LUFS [--album] [--ceiling dBTP] -o DIR TRACK...
 *
 * Each track runs through mixd's engine (master_chain.h: a stereo strip 1 at its defaults into
 * the master chain the scene sets: EQ, multiband, glue compressor, width, mono bass, fader,
 * limiter), the limiter on in true-peak mode at --ceiling (else the scene's ceiling). The gain
 * is the master fader, in front of the limiter, found the way mixrender --normalize finds it:
 * a measuring pass, then passes corrected by render_next_gain until the integrated loudness is
 * within 0.1 LU of the target (at most 8). Without --album each track meets the target; with
 * it the loudest track (measured through the chain at the scene's fader) is brought to the
 * target and every track gets that same gain, so their loudness relative to each other stays
 * (what streaming services' album normalisation keeps).
 *
 * Every track is checked before anything is rendered (it opens, decodes, is stereo; the names
 * of the deliverables do not collide), and every file is written to a temporary file that is
 * renamed into place only once every track has been mastered: a bad track or any failure
 * exits 1 naming it and writes nothing. Deliverables per track: master_deliver.h; the report:
 * master_report.h. A progress bar is drawn on stderr when it is a terminal.
 *
 * Exit status: 0 success, 1 error (a track, the scene, I/O), 2 bad usage. Single-threaded;
 * the signal handlers only set a flag.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli.h"
#include "config.h"
#include "engine.h"
#include "fpu.h"
#include "master_chain.h"
#include "master_deliver.h"
#include "master_report.h"
#include "model.h"
#include "params.h"
#include "render_gain.h"
#include "render_io.h"
#include "render_loud.h"
#include "ring.h"
#include "scene.h"

#define MM_OK    0
#define MM_ERROR 1
#define MM_USAGE 2

#define MM_TRACKS_MAX   256
#define MM_BLOCK        256
#define MM_TOLERANCE_LU 0.1
#define MM_PASSES_MAX   8
#define MM_NAME_MAX     200

static const char usage_text[] =
    "usage: mixmaster [--scene FILE] --target LUFS [--album] [--ceiling dBTP]\n"
    "                 -o DIR TRACK...\n"
    "\n"
    "Masters finished stereo mixes through mixd's master chain (EQ, multiband,\n"
    "glue compressor, width, mono bass, fader, true-peak limiter) to DIR:\n"
    "NAME.wav and NAME.flac (24-bit, the track's rate), NAME-44k16.wav and\n"
    "NAME-44k16.flac (16-bit, 44.1 kHz, TPDF dither), mixmaster-report.txt and\n"
    "mixmaster-report.json.\n"
    "\n"
    "options:\n"
    "  --target LUFS    integrated loudness to reach, -36..-6\n"
    "  --album          one gain for every track: the loudest at the target, the\n"
    "                   others as much quieter as they were (default: each track)\n"
    "  --ceiling dBTP   the limiter's true-peak ceiling, -12..0 (default: the\n"
    "                   scene's, -1 without one)\n"
    "  --scene FILE     a mixd scene: the master chain's settings\n"
    "  -o, --output DIR the directory to write (made if missing)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 error (a track, the scene, I/O), 2 bad usage\n";

struct opts {
	const char *dir, *scene;
	double target, ceiling; /* ceiling NAN: the scene's */
	bool album;
	const char **track;
	unsigned n;
};

struct track {
	const char *path;
	char name[MM_NAME_MAX + 1];
	struct render_stems *st;
	double lufs0;             /* at the scene's fader */
	double fader;             /* of the pass written */
	struct deliver *out;      /* finished, not committed */
	struct render_loud *loud; /* of the pass written */
	struct render_loudness lo;
};

struct mm {
	struct opts o;
	struct model *m;
	int fader;   /* /master/fader in the model */
	double base; /* the scene's fader */
	struct track *t;
	bool progress;
	unsigned cur, pass; /* for the progress bar */
	int last_pct;
};

static volatile int stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mixmaster: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage_text, stderr);
	return MM_USAGE;
}

/* Returns -1 when parsed, else the exit status. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	bool have_target = false;
	const char *v;
	int i;

	o->ceiling = NAN;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		int j = i;
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return MM_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("mixmaster %s\n", MIXD_VERSION);
			return MM_OK;
		}
		if (!strcmp(argv[i], "--album")) {
			o->album = true;
			continue;
		}
		if (!strcmp(argv[i], "-o")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return usage_error("-o needs a directory");
			o->dir = argv[++i];
			continue;
		}
		if (cli_opt_match(argc, argv, &j, "--output", &v)) {
			if (!v || !*v)
				return usage_error("--output needs a directory");
			o->dir = v;
		} else if (cli_opt_match(argc, argv, &j, "--scene", &v)) {
			if (!v || !*v)
				return usage_error("--scene needs a file name");
			o->scene = v;
		} else if (cli_opt_match(argc, argv, &j, "--target", &v)) {
			if (!v || cli_parse_double(v, -36.0, -6.0, &o->target) < 0)
				return usage_error("--target takes a loudness in LUFS, -36..-6");
			have_target = true;
		} else if (cli_opt_match(argc, argv, &j, "--ceiling", &v)) {
			if (!v || cli_parse_double(v, -12.0, 0.0, &o->ceiling) < 0)
				return usage_error("--ceiling takes a true peak in dBTP, -12..0");
		} else {
			return usage_error("unknown option %s", argv[i]);
		}
		i = j - 1;
	}
	if (!have_target)
		return usage_error("no --target");
	if (!o->dir)
		return usage_error("no output directory (-o DIR)");
	if (i >= argc)
		return usage_error("no tracks");
	if (argc - i > MM_TRACKS_MAX)
		return usage_error("%d tracks; at most %d", argc - i, MM_TRACKS_MAX);
	o->track = (const char **)argv + i;
	o->n = (unsigned)(argc - i);
	return -1;
}

/* The deliverables' base name: the file name without directory and extension. */
static int
track_name(const char *path, char *name, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t len;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	if (len == 0 || len > MM_NAME_MAX) {
		snprintf(err, errlen, "%s: no usable file name for the deliverables", path);
		return -EINVAL;
	}
	memcpy(name, base, len);
	name[len] = 0;
	return 0;
}

/* Opens and checks every track before anything is rendered. */
static int
open_tracks(struct mm *mm, char *err, size_t errlen)
{
	for (unsigned k = 0; k < mm->o.n; k++) {
		struct track *t = &mm->t[k];

		t->path = mm->o.track[k];
		t->st = render_stems_open(&t->path, 1, err, errlen);
		if (!t->st)
			return -EINVAL; /* the message names the file */
		if (render_stems_channels(t->st, 0) != 2) {
			snprintf(err, errlen, "%s: %u channel%s; mixmaster masters stereo mixes",
			         t->path, render_stems_channels(t->st, 0),
			         render_stems_channels(t->st, 0) == 1 ? "" : "s");
			return -EINVAL;
		}
		if (track_name(t->path, t->name, err, errlen) < 0)
			return -EINVAL;
		for (unsigned j = 0; j < k; j++) {
			if (!strcmp(mm->t[j].name, t->name)) {
				snprintf(err, errlen, "%s and %s would both be delivered as %s",
				         mm->t[j].path, t->path, t->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* The console: the scene's values, strip 1 back at its defaults (the track passes it at
 * unity), the limiter on in true-peak mode at --ceiling. */
static int
setup_model(struct mm *mm, struct params **ps, struct ring **ring, char *err, size_t errlen)
{
	*ps = params_new(ENGINE_MAX_STRIPS); /* a scene from any console loads as it is */
	*ring = ring_new(sizeof(struct model_cmd), 16);
	mm->m = *ps && *ring ? model_new(*ps, *ring) : NULL;
	if (!mm->m) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (mm->o.scene) {
		char why[400];
		if (scene_read(mm->m, mm->o.scene, 0, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "scene %s", why);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < params_count(*ps); i++) {
		const struct param *p = params_at(*ps, i);
		if (p->d->scope == PARAM_SCOPE_STRIP && p->strip == 0 && p->d->type != PARAM_STRING)
			model_set(mm->m, i, p->d->def);
	}
	model_set(mm->m, (unsigned)params_find(*ps, "/master/limiter/on"), 1.0);
	model_set(mm->m, (unsigned)params_find(*ps, "/master/limiter/truepeak"), 1.0);
	if (!isnan(mm->o.ceiling))
		model_set(mm->m, (unsigned)params_find(*ps, "/master/limiter/ceiling"),
		          mm->o.ceiling);
	mm->o.ceiling = model_get(mm->m, (unsigned)params_find(*ps, "/master/limiter/ceiling"));
	mm->fader = params_find(*ps, "/master/fader");
	mm->base = model_get(mm->m, (unsigned)mm->fader);
	if (!isfinite(mm->base)) {
		snprintf(err, errlen, "the scene's master fader is off (-inf): nothing to master");
		return -EINVAL;
	}
	return 0;
}

/* ---- passes ---- */

static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	enum { WIDTH = 40 };
	struct mm *mm = ctx;
	int pct = total ? (int)(done * 100 / total) : 100;
	char bar[WIDTH + 1];

	if (!mm->progress || pct == mm->last_pct)
		return;
	mm->last_pct = pct;
	for (int k = 0; k < WIDTH; k++)
		bar[k] = k < pct * WIDTH / 100 ? '#' : ' ';
	bar[WIDTH] = 0;
	fprintf(stderr, "\rtrack %u/%u pass %u [%s] %3d%%", mm->cur + 1, mm->o.n, mm->pass, bar,
	        pct);
	if (pct == 100)
		fputs("\r\033[K", stderr);
}

struct tee {
	struct render_loud *loud;
	struct deliver *out;
};

static int
tee_sink(void *ctx, const float *lr, size_t n, char *err, size_t errlen)
{
	struct tee *t = ctx;

	if (render_loud_add(t->loud, lr, n) < 0) {
		snprintf(err, errlen, "loudness meter: out of memory");
		return -ENOMEM;
	}
	return t->out ? deliver_write(t->out, lr, n, err, errlen) : 0;
}

/* One pass of track k at fader dB: measured into *lo and, when write, delivered (replacing
 * the track's previous deliverables). Returns 0 or -errno with err set. */
static int
run_pass(struct mm *mm, unsigned k, double fader, bool write, struct render_loudness *lo, char *err,
         size_t errlen)
{
	struct track *t = &mm->t[k];
	const unsigned rate = render_stems_rate(t->st);
	struct tee tee = { render_loud_new(rate), NULL };
	int ret;

	if (!tee.loud) {
		snprintf(err, errlen, "cannot start the loudness meter at %u Hz", rate);
		return -ENOMEM;
	}
	if (write) {
		/* the previous pass's files first: the new ones take the same temporary names */
		deliver_abort(t->out);
		t->out = NULL;
		tee.out = deliver_open(mm->o.dir, t->name, rate, k, err, errlen);
		if (!tee.out) {
			render_loud_free(tee.loud);
			return -EIO;
		}
	}
	model_set(mm->m, (unsigned)mm->fader, fader);
	mm->cur = k;
	mm->pass++;
	mm->last_pct = -1;
	ret = chain_render(mm->m, t->st, MM_BLOCK, tee_sink, &tee, progress, mm, &stop_flag, err,
	                   errlen);
	if (mm->progress && mm->last_pct >= 0 && mm->last_pct < 100)
		fputs("\r\033[K", stderr);
	if (!ret && render_loud_read(tee.loud, lo) < 0) {
		snprintf(err, errlen, "loudness meter failed");
		ret = -EIO;
	}
	if (!ret && tee.out)
		ret = deliver_finish(tee.out, err, errlen);
	if (ret || !write) {
		deliver_abort(tee.out);
		render_loud_free(tee.loud);
		return ret;
	}
	render_loud_free(t->loud);
	t->out = tee.out;
	t->loud = tee.loud;
	t->lo = *lo;
	t->fader = model_get(mm->m, (unsigned)mm->fader);
	return 0;
}

/* Brings track k to the target, writing each corrected pass (the first, at the scene's fader,
 * is measured already: t->lufs0). Returns 0 or -errno. */
static int
converge(struct mm *mm, unsigned k, char *err, size_t errlen)
{
	struct track *t = &mm->t[k];
	double g[MM_PASSES_MAX], lufs[MM_PASSES_MAX];
	unsigned n = 1;

	g[0] = mm->base;
	lufs[0] = t->lufs0;
	if (!isfinite(t->lufs0)) {
		snprintf(err, errlen, "%s is silent: nothing to bring to %.1f LUFS", t->path,
		         mm->o.target);
		return -EINVAL;
	}
	for (;;) {
		struct render_loudness lo;
		double want = render_next_gain(g, lufs, n, mm->o.target), now;
		int ret;

		model_set(mm->m, (unsigned)mm->fader, want);
		now = model_get(mm->m, (unsigned)mm->fader); /* clamped at the fader's top */
		ret = run_pass(mm, k, now, true, &lo, err, errlen);
		if (ret)
			return ret;
		g[n] = now;
		lufs[n] = lo.integrated;
		n++;
		if (fabs(lo.integrated - mm->o.target) <= MM_TOLERANCE_LU)
			return 0;
		if (n == MM_PASSES_MAX || now == g[n - 2]) {
			fprintf(stderr,
			        "mixmaster: warning: %s reads %.2f LUFS after %u passes, target "
			        "%.2f%s\n",
			        t->path, lo.integrated, n, mm->o.target,
			        now == g[n - 2] ? " (the master fader is at its top)" : "");
			return 0;
		}
	}
}

static int
master_all(struct mm *mm, char *err, size_t errlen)
{
	unsigned loudest = 0;
	int ret;

	for (unsigned k = 0; k < mm->o.n; k++) {
		struct render_loudness lo;
		ret = run_pass(mm, k, mm->base, false, &lo, err, errlen);
		if (ret)
			return ret;
		mm->t[k].lufs0 = lo.integrated;
		if (lo.integrated > mm->t[loudest].lufs0)
			loudest = k;
	}
	if (!mm->o.album) {
		for (unsigned k = 0; k < mm->o.n; k++)
			if ((ret = converge(mm, k, err, errlen)) < 0)
				return ret;
		return 0;
	}
	if ((ret = converge(mm, loudest, err, errlen)) < 0)
		return ret;
	for (unsigned k = 0; k < mm->o.n; k++) {
		struct render_loudness lo;
		if (k != loudest &&
		    (ret = run_pass(mm, k, mm->t[loudest].fader, true, &lo, err, errlen)) < 0)
			return ret;
	}
	return 0;
}

/* ---- the report and the commit ---- */

static int
write_report(struct mm *mm, const struct report *r, const char *file, bool json,
             struct atomic_file *af, char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", mm->o.dir, file);
	if (atomic_file_open(af, path, 0666, true, err, errlen) < 0)
		return -EIO;
	if (json)
		report_json(r, af->f);
	else
		report_text(r, af->f);
	if (ferror(af->f)) {
		snprintf(err, errlen, "%.400s: write error", af->tmp);
		atomic_file_abort(af);
		return -EIO;
	}
	return 0;
}

/* Builds the report, writes it beside the deliverables and renames everything into place. */
static int
finish(struct mm *mm, char *err, size_t errlen)
{
	struct report_track *rt = calloc(mm->o.n, sizeof(*rt));
	struct render_loud **meters = calloc(mm->o.n, sizeof(*meters));
	struct report r = { .target = mm->o.target,
		            .ceiling = mm->o.ceiling,
		            .album = mm->o.album,
		            .n = mm->o.n,
		            .t = rt };
	struct atomic_file txt, json;
	int ret = 0;

	if (!rt || !meters) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned k = 0; k < mm->o.n; k++) {
		rt[k] =
		    (struct report_track){ mm->t[k].path, mm->t[k].name, mm->t[k].fader - mm->base,
			                   mm->t[k].fader, mm->t[k].lo };
		meters[k] = mm->t[k].loud;
	}
	if (render_loud_read_many(meters, mm->o.n, &r.all) < 0) {
		snprintf(err, errlen, "loudness meter failed (album)");
		ret = -EIO;
		goto out;
	}
	if ((ret = write_report(mm, &r, "mixmaster-report.txt", false, &txt, err, errlen)) < 0)
		goto out;
	if ((ret = write_report(mm, &r, "mixmaster-report.json", true, &json, err, errlen)) < 0) {
		atomic_file_abort(&txt);
		goto out;
	}
	/* everything is written: now into place */
	for (unsigned k = 0; k < mm->o.n && !ret; k++) {
		ret = deliver_commit(mm->t[k].out, err, errlen);
		mm->t[k].out = NULL;
	}
	if (ret) {
		atomic_file_abort(&txt);
		atomic_file_abort(&json);
		goto out;
	}
	if ((ret = atomic_file_commit(&txt, err, errlen)) < 0) {
		atomic_file_abort(&json);
		goto out;
	}
	if ((ret = atomic_file_commit(&json, err, errlen)) < 0)
		goto out;
	report_text(&r, stdout);
out:
	free(rt);
	free(meters);
	return ret;
}

int
main(int argc, char **argv)
{
	struct mm mm = { 0 };
	struct params *ps = NULL;
	struct ring *ring = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	char err[600];
	int ret = parse_args(argc, argv, &mm.o);

	if (ret >= 0)
		return ret;
	ret = MM_ERROR;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fpu_denormals_off(); /* as mixd's JACK thread */
	mm.progress = isatty(STDERR_FILENO);
	mm.t = calloc(mm.o.n, sizeof(*mm.t));
	if (!mm.t) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (open_tracks(&mm, err, sizeof(err)) < 0 ||
	    setup_model(&mm, &ps, &ring, err, sizeof(err)) < 0)
		goto fail;
	if (mkdir(mm.o.dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, sizeof(err), "%s: %s", mm.o.dir, strerror(errno));
		goto fail;
	}
	if (master_all(&mm, err, sizeof(err)) < 0 || finish(&mm, err, sizeof(err)) < 0)
		goto fail;
	ret = MM_OK;
	goto out;
fail:
	fprintf(stderr, "mixmaster: %s\n", err);
out:
	for (unsigned k = 0; mm.t && k < mm.o.n; k++) {
		deliver_abort(mm.t[k].out);
		render_loud_free(mm.t[k].loud);
		render_stems_free(mm.t[k].st);
	}
	free(mm.t);
	model_free(mm.m);
	ring_free(ring);
	params_free(ps);
	return ret;
}
