/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixrender: mixd's engine offline — stems in, the master out as a WAV file.
 *
 *   mixrender [--strips N] [--stereo LIST] [--aux N] [--aux-stereo LIST] [--dca N]
 *             [--aux-out K=FILE]... [--scene FILE] [--automation FILE]
 *             [--normalize LUFS] [--tail SECONDS] [--block FRAMES] -o OUT.wav [N=]STEM...
 *
 * Each stem gets its own strip: N=STEM puts it on strip N, a plain STEM on the strip after the
 * previous stem's (the first on strip 1). The console has --strips strips (default: up to the
 * last stem's), so a scene saved on a live mixd with more strips than stems applies as it is.
 * A strip is stereo when --stereo names it (mixd's option, the same layout) or, without
 * --stereo, when its stem is; a mono stem on a stereo strip feeds both inputs, a stereo stem
 * on a mono strip is refused, and a strip without a stem is silent. The engine is the one mixd runs
 * in its JACK callback, set up the way mixd comes up (model_apply_to_engine: the scene's values,
 * every glide settled), fed in blocks like JACK periods, with denormals off as in mixd's RT thread.
 * The limiter's look-ahead is compensated: the first engine_latency() output frames are dropped and
 * as many frames of silence are flushed at the end, so the output lines up with the stems and has
 * their length (plus --tail).
 *
 * --automation plays a `# mixd automation 1` file as mixd does with the JACK transport rolling
 * from frame 0 at the first stem sample: the lanes' values at frame 0 are where the console
 * starts (mixd chases them while stopped, and its glides finish before the transport rolls),
 * then each block goes through automation_rt_process, mixd's own cut of a period into 32-frame
 * pieces with the lanes applied (10 ms ahead) before each. That cut is relative to the block's
 * start, as to a JACK period's, so the block is rounded up to a multiple of 32: the pieces then
 * fall on the same frames as in mixd, where periods are multiples of 32 and frame 0 is a start.
 * Each call also re-applies every lane at its first piece; a value a parameter already has or
 * glides to changes nothing (ramp_to), so where blocks begin does not show, and the output
 * equals mixd's with --block other than the JACK period (test_e2e_render).
 *
 * The console has mixd's aux buses and DCAs (--aux, --aux-stereo, --dca, mixd's defaults), so a
 * scene saved on mixd applies; --aux-out K=FILE also writes aux bus K to a file of its own
 * (render_aux.c), lined up with the stems (no look-ahead to drop).
 *
 * This file is the command line and the render loop; the files are render_io.c and
 * render_aux.c, the loudness render_loud.c. Exit status: 0 success, 1 error (I/O, a bad stem or
 * scene), 2 bad usage. Single-threaded; the signal handlers only set a flag.
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
#include <unistd.h>

#include "automation.h"
#include "automation_file.h"
#include "cli.h"
#include "config.h"
#include "engine.h"
#include "fpu.h"
#include "model.h"
#include "params.h"
#include "render_aux.h"
#include "render_gain.h"
#include "render_io.h"
#include "render_loud.h"
#include "ring.h"
#include "scene.h"

#define MIXRENDER_OK    0
#define MIXRENDER_ERROR 1
#define MIXRENDER_USAGE 2

#define MIXRENDER_BLOCK_DEFAULT 256
#define MIXRENDER_BLOCK_MAX     8192
#define MIXRENDER_TAIL_MAX      600.0
#define MIXRENDER_LUFS_MIN      -36.0
#define MIXRENDER_LUFS_MAX      -6.0
/* --normalize: a pass that lands further than this from the target is corrected by another,
 * up to MIXRENDER_PASSES_MAX passes in all (the first only measures). The master fader sits in
 * front of the limiter, so loudness rises with it by at most 1 dB per dB, and by less the harder
 * the limiter works: a mix already deep in the limiter can need several passes (render_gain.h). */
#define MIXRENDER_TOLERANCE_LU 0.1
#define MIXRENDER_PASSES_MAX   8

static const char usage_text[] =
    "usage: mixrender [OPTIONS] -o OUT.wav [N=]STEM...\n"
    "\n"
    "Mixes the stems through mixd's engine into a stereo 32-bit float WAV. Each stem\n"
    "has a strip: N=STEM strip N, a plain STEM the strip after the previous stem's\n"
    "(the first strip 1). A strip is stereo when --stereo names it or, without\n"
    "--stereo, when its stem is; a mono stem on a stereo strip feeds both inputs.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT.wav  the file to write (written whole or not at all)\n"
    "  --strips N            strips on the console, 1..256 (default: up to the\n"
    "                        last stem's), as mixd --strips: a scene saved there\n"
    "                        applies as it is; strips without a stem are silent\n"
    "  --stereo LIST         the stereo strips, as mixd --stereo (e.g. 5-8 or 1,3)\n"
    "  --aux N, --aux-stereo LIST, --dca N\n"
    "                        the aux buses and DCAs, as mixd's (default 8 and 8)\n"
    "  --aux-out K=FILE      also write aux bus K to FILE (mono or stereo as the bus),\n"
    "                        lined up with the stems; repeatable\n"
    "  --scene FILE          a mixd scene file to set the console from\n"
    "  --automation FILE     a mixd automation file, played with the transport\n"
    "                        rolling from 0 at the stems' first frame\n"
    "  --normalize LUFS      render again with the master fader moved so the\n"
    "                        integrated loudness is LUFS (-36..-6)\n"
    "  --tail SECONDS        render this long past the longest stem, for reverb and\n"
    "                        delay tails (0..600, default 0)\n"
    "  --block FRAMES        frames per engine call, like a JACK period (1..8192,\n"
    "                        default 256; with --automation rounded up to a multiple\n"
    "                        of 32); the output does not depend on it\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 error (a stem, the scene, the automation, I/O),\n"
    "2 bad usage (also --normalize with a /master/fader lane)\n";

struct opts {
	const char *out;
	const char *scene;
	const char *automation;
	double normalize; /* NAN: off */
	double tail_s;
	unsigned long block;
	unsigned long strips; /* --strips; 0: up to the last stem's */
	const char *stereo;   /* --stereo; NULL: each strip as wide as its stem */
	unsigned long aux, dca;
	const char *aux_stereo;
	bool aux_stereo_on[ENGINE_MAX_AUX];
	struct render_aux aux_out; /* --aux-out */
	/* the layout the arguments give: stem k is path[k] on strip strip_of[k] (0-based) */
	const char *path[ENGINE_MAX_STRIPS];
	unsigned strip_of[ENGINE_MAX_STRIPS];
	unsigned n_stems, n_strips;
	bool stereo_on[ENGINE_MAX_STRIPS]; /* --stereo's strips */
};

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the complaint and the usage text to stderr; returns the bad-usage exit status. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mixrender: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage_text, stderr);
	return MIXRENDER_USAGE;
}

/* The strips of the n stem arguments ("FILE" or "N=FILE"), the console's size and --stereo.
 * Returns -1 when they fit, else 2 (bad usage). */
static int
parse_layout(char **args, unsigned n, struct opts *o)
{
	const char *on_strip[ENGINE_MAX_STRIPS] = { NULL };
	unsigned next = 0, top = 0;
	char err[256];

	for (unsigned k = 0; k < n; k++) {
		const char *a = args[k], *eq = strchr(a, '=');
		unsigned long strip;

		/* N=FILE only when all before the '=' are digits: "./3=x.wav" names a file */
		if (eq && eq > a && strspn(a, "0123456789") == (size_t)(eq - a)) {
			char num[16];

			if ((size_t)(eq - a) >= sizeof(num) ||
			    (memcpy(num, a, (size_t)(eq - a)), num[eq - a] = 0,
			     cli_parse_uint(num, 1, ENGINE_MAX_STRIPS, &strip) < 0))
				return usage_error("%s: strips are 1..%d", a, ENGINE_MAX_STRIPS);
			if (!eq[1])
				return usage_error("%s: no file after the '='", a);
			strip--;
			a = eq + 1;
		} else if (next >= ENGINE_MAX_STRIPS) {
			return usage_error("%s: no strip after %d", a, ENGINE_MAX_STRIPS);
		} else {
			strip = next;
		}
		if (on_strip[strip])
			return usage_error("strip %lu has two stems: %s and %s", strip + 1,
			                   on_strip[strip], a);
		on_strip[strip] = a;
		o->path[k] = a;
		o->strip_of[k] = (unsigned)strip;
		next = (unsigned)strip + 1;
		if (next > top)
			top = next;
	}
	o->n_stems = n;
	if (o->strips && o->strips < top)
		return usage_error("a stem is on strip %u, but --strips %lu", top, o->strips);
	o->n_strips = o->strips ? (unsigned)o->strips : top;
	if (o->stereo && cli_parse_strip_list("--stereo", o->stereo, o->n_strips, o->stereo_on, err,
	                                      sizeof(err)) < 0)
		return usage_error("%s", err);
	if (o->aux_stereo &&
	    cli_parse_index_list("--aux-stereo", "aux buses", o->aux_stereo, (unsigned)o->aux,
	                         o->aux_stereo_on, err, sizeof(err)) < 0)
		return usage_error("%s", err);
	for (unsigned i = 0; i < o->aux_out.n; i++)
		if (o->aux_out.k[i] >= o->aux)
			return usage_error("--aux-out %u=%s: the console has %lu aux buses (--aux)",
			                   o->aux_out.k[i] + 1, o->aux_out.path[i], o->aux);
	return -1;
}

/* Returns -1 when parsed, else the exit status (0 for --help/--version, 2 for bad usage). */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	const char *v;
	int i;

	char why[256];

	o->normalize = NAN;
	o->block = MIXRENDER_BLOCK_DEFAULT;
	o->aux = ENGINE_AUX_DEFAULT;
	o->dca = ENGINE_DCA_DEFAULT;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return MIXRENDER_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("mixrender %s\n", MIXD_VERSION);
			return MIXRENDER_OK;
		}
		if (!strcmp(argv[i], "-o")) {
			if (i + 1 >= argc)
				return usage_error("-o needs a file name");
			o->out = argv[++i];
			continue;
		}
		int j = i;
		if (cli_opt_match(argc, argv, &j, "--output", &v)) {
			if (!v || !*v)
				return usage_error("--output needs a file name");
			o->out = v;
		} else if (cli_opt_match(argc, argv, &j, "--scene", &v)) {
			if (!v || !*v)
				return usage_error("--scene needs a file name");
			o->scene = v;
		} else if (cli_opt_match(argc, argv, &j, "--automation", &v)) {
			if (!v || !*v)
				return usage_error("--automation needs a file name");
			o->automation = v;
		} else if (cli_opt_match(argc, argv, &j, "--normalize", &v)) {
			if (!v || cli_parse_double(v, MIXRENDER_LUFS_MIN, MIXRENDER_LUFS_MAX,
			                           &o->normalize) < 0)
				return usage_error("--normalize takes a loudness in LUFS, -36..-6");
		} else if (cli_opt_match(argc, argv, &j, "--tail", &v)) {
			if (!v || cli_parse_double(v, 0.0, MIXRENDER_TAIL_MAX, &o->tail_s) < 0)
				return usage_error("--tail takes seconds, 0..600");
		} else if (cli_opt_match(argc, argv, &j, "--strips", &v)) {
			if (!v || cli_parse_uint(v, 1, ENGINE_MAX_STRIPS, &o->strips) < 0)
				return usage_error("--strips takes a number of strips, 1..%d",
				                   ENGINE_MAX_STRIPS);
		} else if (cli_opt_match(argc, argv, &j, "--stereo", &v)) {
			if (!v || !*v)
				return usage_error("--stereo needs a list of strips (5-8 or 1,3)");
			o->stereo = v;
		} else if (cli_opt_match(argc, argv, &j, "--aux", &v)) {
			if (!v || cli_parse_uint(v, 0, ENGINE_MAX_AUX, &o->aux) < 0)
				return usage_error("--aux takes a number of aux buses, 0..%d",
				                   ENGINE_MAX_AUX);
		} else if (cli_opt_match(argc, argv, &j, "--aux-stereo", &v)) {
			if (!v || !*v)
				return usage_error("--aux-stereo needs a list of aux buses (1-2)");
			o->aux_stereo = v;
		} else if (cli_opt_match(argc, argv, &j, "--dca", &v)) {
			if (!v || cli_parse_uint(v, 0, ENGINE_MAX_DCA, &o->dca) < 0)
				return usage_error("--dca takes a number of DCAs, 0..%d",
				                   ENGINE_MAX_DCA);
		} else if (cli_opt_match(argc, argv, &j, "--aux-out", &v)) {
			if (!v || render_aux_parse(&o->aux_out, v, why, sizeof(why)) < 0)
				return usage_error("%s", v ? why : "--aux-out needs K=FILE");
		} else if (cli_opt_match(argc, argv, &j, "--block", &v)) {
			if (!v || cli_parse_uint(v, 1, MIXRENDER_BLOCK_MAX, &o->block) < 0)
				return usage_error("--block takes frames, 1..8192");
		} else {
			return usage_error("unknown option %s", argv[i]);
		}
		i = j - 1;
	}
	if (!o->out)
		return usage_error("no output file (-o OUT.wav)");
	if (i >= argc)
		return usage_error("no stems");
	if (argc - i > ENGINE_MAX_STRIPS)
		return usage_error("%d stems; at most %d", argc - i, ENGINE_MAX_STRIPS);
	return parse_layout(argv + i, (unsigned)(argc - i), o);
}

/* ---- the render ---- */

struct render {
	struct render_stems *stems;
	struct model *m;
	const struct automation_file *af; /* NULL: no --automation */
	unsigned n_strips, n_inputs;
	bool stereo[ENGINE_MAX_STRIPS];
	struct engine_layout layout; /* n_strips, stereo and mixd's aux buses and DCAs */
	struct render_aux *aux;      /* --aux-out */
	struct render_route *route;  /* per stem: its strip's inputs in in[] */
	uint32_t block;
	uint64_t frames; /* output length: the longest stem plus the tail */
	float **in;
	const float **sub; /* automation_rt_process's pieces of in */
	float *out_l, *out_r, *lr;
	bool progress; /* stderr is a terminal */
};

/* Draws "pass 1/2 [#####     ]  50%" in place, only when the percentage moves. */
static void
progress_draw(const struct render *r, unsigned pass, unsigned passes, uint64_t done, uint64_t total,
              int *last)
{
	enum { WIDTH = 40 };
	int pct = total ? (int)(done * 100 / total) : 100;
	char bar[WIDTH + 1];

	if (!r->progress || pct == *last)
		return;
	*last = pct;
	for (int k = 0; k < WIDTH; k++)
		bar[k] = k < pct * WIDTH / 100 ? '#' : ' ';
	bar[WIDTH] = 0;
	fprintf(stderr, "\rpass %u/%u [%s] %3d%%", pass, passes, bar, pct);
	if (pct == 100)
		fputs("\r\033[K", stderr);
}

/* What the lanes applied goes nowhere offline: the model keeps the scene's values (the
 * --normalize fader among them, which no lane may drive). */
static bool
emit_nothing(void *ctx, unsigned idx, float v)
{
	(void)ctx;
	(void)idx;
	(void)v;
	return true;
}

/* A player for this pass with r->af's lanes at the stems' rate, chased to frame 0 on e: the
 * console mixd has when the transport starts at 0 (it chased while stopped, and the glides
 * ended over the silence before), so the glides are settled here too. Returns NULL with err. */
static struct automation *
automation_start(struct render *r, struct engine *e, char *err, size_t errlen)
{
	struct automation_set *set =
	    automation_build(r->af, model_params(r->m), render_stems_rate(r->stems), err, errlen);
	struct automation *a = set ? automation_new(params_count(model_params(r->m))) : NULL;

	/* a new player takes a set at once: swap fails only with sets already in flight */
	if (!a || automation_swap(a, set) < 0) {
		if (set)
			snprintf(err, errlen, "out of memory");
		automation_set_free(set);
		automation_free(a);
		return NULL;
	}
	/* the same entry as mixd's process callback: stopped at 0 with a fresh set, it chases */
	automation_rt_begin(a, e, false, 0, 0, emit_nothing, NULL);
	engine_settle(e);
	return a;
}

/* One pass: a fresh engine set from the model, the stems through it, the output (after the
 * look-ahead) measured and, when out is not NULL, written. Returns 0 or -errno with err set. */
static int
render_pass(struct render *r, struct render_out *out, struct render_loud *loud, unsigned pass,
            unsigned passes, char *err, size_t errlen)
{
	struct engine *e = engine_new_layout(render_stems_rate(r->stems), &r->layout);
	struct engine_outputs eo = { .master_l = r->out_l, .master_r = r->out_r };
	struct automation *a = NULL;
	uint64_t total, pos;
	uint32_t lat;
	int ret = 0, last = -1;

	if (!e) {
		snprintf(err, errlen, "cannot make an engine at %u Hz",
		         render_stems_rate(r->stems));
		return -EINVAL;
	}
	/* as mixd comes up: every value applied and every glide settled */
	model_apply_to_engine(r->m, e);
	if (r->af) {
		a = automation_start(r, e, err, errlen);
		if (!a) {
			engine_free(e);
			return -ENOMEM;
		}
	}
	render_aux_outputs(r->aux, &eo);
	lat = engine_latency(e);
	ret = render_stems_rewind(r->stems, err, errlen);
	total = r->frames + lat;
	for (pos = 0; !ret && pos < total;) {
		uint32_t n = total - pos < r->block ? (uint32_t)(total - pos) : r->block, skip;

		if (stop_flag) {
			snprintf(err, errlen, "interrupted");
			ret = -EINTR;
			break;
		}
		/* past the stems' end render_stems_read gives silence: the tail and the flush */
		ret = render_stems_read(r->stems, r->route, n, err, errlen);
		if (ret)
			break;
		/* the transport frame is the stems' frame: it rolls from 0 at the first one */
		if (a && automation_rt_begin(a, e, true, pos, n, emit_nothing, NULL))
			automation_rt_process_outputs(a, e, pos, (const float *const *)r->in,
			                              r->sub, &eo, NULL, n);
		else
			engine_process_outputs(e, (const float *const *)r->in, &eo, n);
		/* the aux buses have no look-ahead: their first r->frames frames are the mix */
		if (out && pos < r->frames)
			ret = render_aux_write(
			    r->aux, r->frames - pos < n ? (uint32_t)(r->frames - pos) : n, err,
			    errlen);
		if (ret)
			break;
		/* the first lat frames are the look-ahead filling up, not the mix */
		skip = pos >= lat ? 0 : (lat - pos < n ? (uint32_t)(lat - pos) : n);
		pos += n;
		n -= skip;
		for (uint32_t f = 0; f < n; f++) {
			r->lr[2 * f] = r->out_l[skip + f];
			r->lr[2 * f + 1] = r->out_r[skip + f];
		}
		if (n && render_loud_add(loud, r->lr, n) < 0) {
			snprintf(err, errlen, "loudness meter: out of memory");
			ret = -ENOMEM;
		} else if (n && out) {
			ret = render_out_write(out, r->lr, n, err, errlen);
		}
		progress_draw(r, pass, passes, pos, total, &last);
	}
	if (r->progress && last >= 0 && last < 100)
		fputs("\r\033[K", stderr);
	automation_free(a);
	engine_free(e);
	return ret;
}

/* Renders one pass into a fresh temporary output (when write) and reads its loudness. */
static int
run_pass(struct render *r, const char *path, bool write, unsigned pass, unsigned passes,
         struct render_loudness *lo, char *err, size_t errlen)
{
	struct render_loud *loud = render_loud_new(render_stems_rate(r->stems));
	struct render_out *out = NULL;
	int ret;

	if (!loud) {
		snprintf(err, errlen, "cannot start the loudness meter");
		return -ENOMEM;
	}
	if (write) {
		out = render_out_open(path, render_stems_rate(r->stems), err, errlen);
		if (!out || render_aux_open(r->aux, render_stems_rate(r->stems), err, errlen) < 0) {
			render_out_abort(out);
			render_loud_free(loud);
			return -EIO;
		}
	}
	ret = render_pass(r, out, loud, pass, passes, err, errlen);
	if (!ret && render_loud_read(loud, lo) < 0) {
		snprintf(err, errlen, "loudness meter failed");
		ret = -EIO;
	}
	render_loud_free(loud);
	if (ret) {
		render_out_abort(out);
		render_aux_abort(r->aux);
		return ret;
	}
	if (!out)
		return 0;
	ret = render_aux_commit(r->aux, err, errlen);
	if (ret) {
		render_out_abort(out);
		return ret;
	}
	return render_out_commit(out, err, errlen);
}

static int
render_setup(struct render *r, const struct opts *o, char *err, size_t errlen)
{
	unsigned first[ENGINE_MAX_STRIPS];

	r->n_strips = o->n_strips;
	for (unsigned k = 0; k < o->n_stems; k++) {
		unsigned j = o->strip_of[k];
		bool wide = render_stems_channels(r->stems, k) == 2;

		if (o->stereo && wide && !o->stereo_on[j]) {
			snprintf(err, errlen, "%s is stereo, but strip %u is mono (--stereo %s)",
			         o->path[k], j + 1, o->stereo);
			return -EINVAL;
		}
		if (!o->stereo)
			r->stereo[j] = wide;
	}
	if (o->stereo)
		memcpy(r->stereo, o->stereo_on, sizeof(r->stereo));
	/* the engine's inputs: strip by strip, a stereo strip's two side by side */
	for (unsigned j = 0; j < r->n_strips; j++) {
		first[j] = r->n_inputs;
		r->n_inputs += r->stereo[j] ? 2 : 1;
	}
	r->layout = (struct engine_layout){ .n_strips = r->n_strips,
		                            .stereo = r->stereo,
		                            .n_aux = (unsigned)o->aux,
		                            .aux_stereo = o->aux_stereo_on,
		                            .n_dca = (unsigned)o->dca };
	r->block = (uint32_t)o->block;
	/* lanes move at each 32-frame piece of a block, counted from its start (mixd's period) */
	if (r->af)
		r->block = (r->block + ENGINE_BLOCK - 1) / ENGINE_BLOCK * ENGINE_BLOCK;
	r->frames = render_stems_frames(r->stems) +
	            (uint64_t)llround(o->tail_s * render_stems_rate(r->stems));
	r->in = calloc(r->n_inputs, sizeof(*r->in));
	r->sub = calloc(r->n_inputs, sizeof(*r->sub));
	r->route = calloc(o->n_stems, sizeof(*r->route));
	r->out_l = malloc(r->block * sizeof(float));
	r->out_r = malloc(r->block * sizeof(float));
	r->lr = malloc(2 * r->block * sizeof(float));
	if (!r->in || !r->sub || !r->route || !r->out_l || !r->out_r || !r->lr ||
	    render_stems_reserve(r->stems, r->block) < 0)
		goto oom;
	if (render_aux_setup(r->aux, (unsigned)o->aux, o->aux_stereo_on, r->block, err, errlen) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < r->n_inputs; i++) {
		/* zeroed: a strip without a stem stays silent, nothing writes its inputs */
		r->in[i] = calloc(r->block, sizeof(float));
		if (!r->in[i])
			goto oom;
	}
	for (unsigned k = 0; k < o->n_stems; k++) {
		unsigned j = o->strip_of[k];

		r->route[k].ch[0] = r->in[first[j]];
		r->route[k].ch[1] = r->stereo[j] ? r->in[first[j] + 1] : NULL;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static void
render_cleanup(struct render *r)
{
	if (r->in)
		for (unsigned i = 0; i < r->n_inputs; i++)
			free(r->in[i]);
	free(r->in);
	free(r->sub);
	free(r->route);
	free(r->out_l);
	free(r->out_r);
	free(r->lr);
	if (r->aux)
		render_aux_free(r->aux);
}

static void
print_db(const char *label, double v, const char *unit)
{
	if (isfinite(v))
		printf("%-16s %7.2f %s\n", label, v, unit);
	else
		printf("%-16s %7s %s\n", label, "-inf", unit);
}

/* The passes: one, or with --normalize a measuring pass and then corrected ones. Prints the
 * report on stdout. Returns the exit status. */
static int
render_all(struct render *r, const struct opts *o, char *err, size_t errlen)
{
	const int fader = params_find(model_params(r->m), "/master/fader");
	const bool norm = !isnan(o->normalize);
	double g[MIXRENDER_PASSES_MAX], lufs[MIXRENDER_PASSES_MAX];
	struct render_loudness lo;
	unsigned pass = 1;

	if (fader < 0) {
		snprintf(err, errlen, "internal: no /master/fader");
		return MIXRENDER_ERROR;
	}
	if (run_pass(r, o->out, !norm, pass, norm ? 2 : 1, &lo, err, errlen) < 0)
		return MIXRENDER_ERROR;
	while (norm) {
		double want, now;

		g[pass - 1] = model_get(r->m, (unsigned)fader);
		lufs[pass - 1] = lo.integrated;
		printf("pass %u: integrated %.2f LUFS, master fader %.2f dB%s\n", pass,
		       lo.integrated, g[pass - 1], pass == 1 ? " (measured only)" : "");
		if (!isfinite(lo.integrated) || !isfinite(g[pass - 1])) {
			snprintf(err, errlen, "cannot normalize: the mix is silent%s",
			         isfinite(g[pass - 1]) ? "" : " (master fader -inf)");
			return MIXRENDER_ERROR;
		}
		if (pass > 1 && fabs(lo.integrated - o->normalize) <= MIXRENDER_TOLERANCE_LU)
			break;
		want = render_next_gain(g, lufs, pass, o->normalize);
		model_set(r->m, (unsigned)fader, want);
		now = model_get(r->m, (unsigned)fader);
		/* the fader stops at its maximum: another pass would give the same */
		if (pass == MIXRENDER_PASSES_MAX || (pass > 1 && now == g[pass - 1])) {
			fprintf(
			    stderr,
			    "mixrender: warning: %.2f LUFS after %u passes, target %.2f LUFS%s\n",
			    lo.integrated, pass, o->normalize,
			    now == g[pass - 1] ? " (the master fader is at its maximum)" : "");
			break;
		}
		pass++;
		if (run_pass(r, o->out, true, pass, pass, &lo, err, errlen) < 0)
			return MIXRENDER_ERROR;
	}
	printf("wrote %s: %llu frames, %u Hz, %.3f s\n", o->out, (unsigned long long)r->frames,
	       render_stems_rate(r->stems), (double)r->frames / render_stems_rate(r->stems));
	print_db("integrated", lo.integrated, "LUFS");
	printf("%-16s %7.2f LU\n", "loudness range", lo.range);
	print_db("max true peak", lo.true_peak, "dBTP");
	return MIXRENDER_OK;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct render r = { 0 };
	struct params *ps = NULL;
	struct ring *ring = NULL;
	struct automation_file *af = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	char err[512];
	int ret = parse_args(argc, argv, &o);

	if (ret >= 0)
		return ret;
	ret = MIXRENDER_ERROR;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* as mixd's JACK thread: the same arithmetic, and no denormal slowdown in the tails */
	fpu_denormals_off();
	r.progress = isatty(STDERR_FILENO);

	/* every stem is checked before anything is rendered */
	r.stems = render_stems_open(o.path, o.n_stems, err, sizeof(err));
	if (!r.stems)
		goto fail;
	{
		const struct params_layout pl = { .n_strips = o.n_strips,
			                          .n_aux = (unsigned)o.aux,
			                          .aux_stereo = o.aux_stereo_on,
			                          .n_dca = (unsigned)o.dca };
		ps = params_new_layout(&pl);
	}
	r.aux = &o.aux_out;
	/* the model's ring is never flushed: model_apply_to_engine sets the engine directly */
	ring = ring_new(sizeof(struct model_cmd), 16);
	r.m = ps && ring ? model_new(ps, ring) : NULL;
	if (!r.m) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (o.scene) {
		char why[400];
		int sret = scene_read(r.m, o.scene, 0, why, sizeof(why));

		if (sret < 0) {
			/* scene_read names the file and the line */
			snprintf(err, sizeof(err), "scene %s", why);
			goto fail;
		}
	}
	if (o.automation) {
		char why[400];
		int fader = params_find(ps, "/master/fader");

		/* the whole file is checked; the message names it and the line */
		af = automation_file_load(ps, o.automation, o.automation, NULL, why, sizeof(why));
		if (!af) {
			snprintf(err, sizeof(err), "automation %s", why);
			goto fail;
		}
		/* --normalize moves the master fader between passes: a lane that drives it would
		 * undo the correction (or the correction the lane's curve), so one is refused */
		for (unsigned i = 0; i < af->n_lanes && !isnan(o.normalize); i++) {
			if (fader >= 0 && af->lanes[i].idx == (unsigned)fader) {
				snprintf(err, sizeof(err),
				         "--normalize moves the master fader, which the automation "
				         "%s drives (a /master/fader lane): use one or the other",
				         o.automation);
				ret = MIXRENDER_USAGE;
				goto fail;
			}
		}
		r.af = af;
	}
	if (render_setup(&r, &o, err, sizeof(err)) < 0)
		goto fail;
	ret = render_all(&r, &o, err, sizeof(err));
	if (ret == MIXRENDER_OK)
		goto out;
fail:
	fprintf(stderr, "mixrender: %s\n", err);
out:
	render_cleanup(&r);
	automation_file_free(af);
	model_free(r.m);
	ring_free(ring);
	params_free(ps);
	render_stems_free(r.stems);
	return ret;
}
