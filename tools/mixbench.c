/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench: benchmarks of the engine and of the OSC ingest path (design.md section 6).
 *
 *   mixbench [--strips N] [--period FRAMES] [--seconds S]
 *            [engine|strip|silence|master|chorus|loudness|automation|aux|paced|osc|web|all]
 *
 * These are measurements, never pass/fail timings: a loaded machine gives other numbers, and a
 * test that fails on a busy CI runner teaches nobody anything. The one verdict printed is about
 * correctness (osc: every strip's last value landed), and only that sets the exit status.
 *
 * engine: the real engine with no JACK, white noise in, once with every gain settled ("static")
 *         and once with every fader re-targeted each period so the glides never end ("gliding").
 * strip:  the same with full strips (HPF, four EQ bands, a compressor that compresses, fader,
 *         pan, a pre- and a post-fader send), once per strip kernel this CPU runs, static and
 *         with every filter parameter gliding; plus how much slower the reference kernel is.
 * osc:    the real ingest path (osc_server -> dispatch -> model -> ring -> engine) on a loopback
 *         socket, a sender thread flooding it, and a consumer thread standing in for the JACK
 *         process thread.
 *
 * Output lines are "name key=value ...", for scripts; lines starting with '#' explain.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <lo/lo.h>

#include "cli.h"
#include "clock.h"
#include "allow.h"
#include "bench.h"
#include "dispatch.h"
#include "engine.h"
#include "fpu.h"
#include "model.h"
#include "params.h"
#include "ring.h"
#include "server.h"

#define BENCH_NOISE_PEAK     0.1f /* -20 dBFS peak, uniform white noise */
#define BENCH_WARMUP_NS      (300ull * 1000000ull)
#define BENCH_BATCH          64   /* periods between clock reads: the clock costs ~20 ns */
#define BENCH_CAP_PERIOD     64   /* capacity is quoted for a 64-frame period at 48 kHz ... */
#define BENCH_CAP_SHARE      0.5  /* ... using at most half of it */
#define BENCH_CMD_RING       4096 /* as daemon/main.c */
#define BENCH_RECV_PER_WAKE  512  /* as daemon/main.c */
#define BENCH_CMDS_PER_CYCLE 1024 /* as daemon/jackio.c */
#define BENCH_RT_PRIORITY    70   /* a typical JACK client priority (jackd -P 70 + ...) */
#define BENCH_DRAIN_QUIET_NS (50ull * 1000000ull)
#define BENCH_FINAL_WAIT_NS  (2000ull * 1000000ull)
/* Fader values the sender walks through: -120 .. +9.875 dB in exact 1/8 dB steps, inside the
 * fader's range so nothing is clamped and a float compare can say whether the last one landed. */
#define BENCH_VALUE_STEPS 1040
#define BENCH_VALUE_BASE  (-120.0f)
#define BENCH_VALUE_STEP  0.125f
/* Full strips: the capacity line's second point. The kernels run strips 16 at a time in vector
 * lanes, so 1 strip costs a whole group; two points that are whole groups give the per-strip
 * slope without that step. */
#define BENCH_STRIP_GROUP 16
/* Full strips, gliding: every filter parameter is re-targeted this often (ms), well inside the
 * 10 ms one-pole's ~115 ms to land, so every stage stays in its moving mode throughout. */
#define BENCH_GLIDE_EVERY_MS 5.0

static const char usage_text[] =
    "usage: mixbench [--strips N] [--period FRAMES] [--seconds S]\n"
    "                "
    "[engine|strip|silence|master|chorus|loudness|automation|aux|paced|osc|web|all]\n"
    "  --strips N        strips, 1..256 (default 64)\n"
    "  --period FRAMES   frames per process call, 1..8192 (default 64)\n"
    "  --seconds S       wall time of each measurement (default 3)\n"
    "  engine            engine cost with plain strips (fader, pan), static and gliding gains\n"
    "  strip             engine cost with full strips: HPF, 4 EQ bands, compressor\n"
    "                    compressing, fader, pan, a pre- and a post-fader send at -10 dB;\n"
    "                    for every strip kernel this CPU runs (ref, generic, avx2, avx512;\n"
    "                    auto=1 marks the one mixd uses), static and with every filter\n"
    "                    parameter gliding, and the reference kernel's cost over auto's\n"
    "  silence           full strips: per-period cost during 20 s of digital silence\n"
    "                    over that during 5 s of noise, FTZ/DAZ on and off (denormals)\n"
    "  master            the master chain alone (EQ, glue compressor, width, true-peak\n"
    "                    limiter) per stereo frame, the loudness meter (libebur128) and\n"
    "                    each bus effect (reverb, delay)\n"
    "  chorus            the chorus bus per stereo frame: defaults, 4 voices at their\n"
    "                    fastest sweep, 1 voice, idle; delay and reverb beside it\n"
    "  loudness          the loudness thread's CPU per second of 48 kHz stereo audio,\n"
    "                    as mixd runs it and with every reading asked at every wake-up\n"
    "  automation        what a lane costs per second of audio: a fader and a pan lane\n"
    "                    moving on every strip, through mixd's cut into 32-frame pieces\n"
    "  aux               full strips each sending to 8 aux buses (all sends active, and\n"
    "                    all at -inf) against the same strips with no aux buses: the\n"
    "                    cost of one active send per strip and sample\n"
    "  paced             full strips one period per period of wall time, as JACK runs\n"
    "                    them (the median call), beside back to back, with 1 MiB written\n"
    "                    between calls, and spinning instead of sleeping between them:\n"
    "                    what a call costs when it is not the last one's neighbour\n"
    "  osc               OSC ingest rate and last-value delivery\n"
    "  web               the OSCQuery tree (GET /): build time and size, beside /list's\n"
    "  all               all of them (default)\n"
    "output: one \"name key=value ...\" line per measurement; ns_per_sample_strip is the whole\n"
    "  engine's cost (master chain and bus effects included) per strip and sample;\n"
    "  strip_only_ns_per_sample the cost one more strip adds (the slope between two strip\n"
    "  counts, the fixed master and bus cost taken out); max_strips_50pct_p64 is how many strips\n"
    "  fit in half of a 64-frame period at 48 kHz (fixed cost + per-strip cost)\n"
    "exit status: 0 done, 1 a last value was lost (osc) or a set-up failed, 2 bad usage\n";

/* xorshift32: a fixed seed gives the same noise every run, so runs compare. */
static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Uniform in [-peak, peak). */
static float
noise_sample(uint32_t *s, float peak)
{
	return ((float)(xorshift32(s) >> 8) * (1.0f / 8388608.0f) - 1.0f) * peak;
}

/* Input buffers, one per engine input, of n frames of noise; cache-line aligned like JACK's port
 * buffers. Returns NULL when out of memory. Free with free_inputs. */
float **
bench_make_inputs(unsigned n_inputs, unsigned n, uint32_t seed)
{
	float **in = calloc(n_inputs, sizeof(*in));
	size_t bytes = ((size_t)n * sizeof(float) + 63) & ~(size_t)63;

	if (!in)
		return NULL;
	for (unsigned k = 0; k < n_inputs; k++) {
		in[k] = aligned_alloc(64, bytes);
		if (!in[k])
			goto fail;
		for (unsigned i = 0; i < n; i++)
			in[k][i] = noise_sample(&seed, BENCH_NOISE_PEAK);
	}
	return in;
fail:
	for (unsigned k = 0; k < n_inputs; k++)
		free(in[k]);
	free(in);
	return NULL;
}

void
bench_free_inputs(float **in, unsigned n_inputs)
{
	if (!in)
		return;
	for (unsigned k = 0; k < n_inputs; k++)
		free(in[k]);
	free(in);
}

/* ---- engine ---- */

struct engine_result {
	double ns_per_period;
	uint64_t periods;
	float gr_db;              /* strip 1's compressor gain reduction at the end, dB */
	double set_ns_per_period; /* of ns_per_period, spent in engine_set (when timed) */
};

/* What a benchmark engine carries: its settings, and what moves while it runs. */
struct bench_load {
	/* Control side, before processing: the steady state. */
	void (*setup)(struct engine *e, unsigned n);
	/* RT side, before each period when gliding (the engine_set calls are timed too, as the
	 * RT thread pays for them). Returns whether it set anything. */
	bool (*glide)(struct engine *e, unsigned n, uint64_t period, unsigned frames);
	/* Whether to time the glide calls on their own as well (two clock reads each). */
	bool time_sets;
};

/* Plain strips: something other than the defaults, so the strip is not a pure copy. */
static void
plain_setup(struct engine *e, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		engine_set(e, ENGINE_STRIP_FADER, k, -3.0f);
		engine_set(e, ENGINE_STRIP_PAN, k, 0.3f);
	}
}

/* Every fader re-targeted each period between -3 and -9 dB, so no ramp ever lands. */
static bool
plain_glide(struct engine *e, unsigned n, uint64_t period, unsigned frames)
{
	(void)frames;
	for (unsigned k = 0; k < n; k++)
		engine_set(e, ENGINE_STRIP_FADER, k, (period & 1) ? -9.0f : -3.0f);
	return true;
}

static const struct bench_load plain_load = { plain_setup, plain_glide, false };

/* Full strips. The noise peaks at -20 dBFS (about -25 dBFS RMS), so a -40 dB threshold keeps the
 * compressor 15-20 dB over it. The EQ: low shelf 120 Hz +4 dB, bell 400 Hz -3 dB Q 1, bell
 * 2.5 kHz +5 dB Q 1.4, high shelf 9 kHz -4 dB; HPF 80 Hz 12 dB/oct. Frequencies differ a little
 * from strip to strip, as on a console. */
static const struct full_band {
	enum engine_eq_type type;
	float freq_hz, gain_db, q;
} full_bands[ENGINE_EQ_BANDS] = {
	{ ENGINE_EQ_LOWSHELF, 120.0f, 4.0f, 0.707f },
	{ ENGINE_EQ_BELL, 400.0f, -3.0f, 1.0f },
	{ ENGINE_EQ_BELL, 2500.0f, 5.0f, 1.4f },
	{ ENGINE_EQ_HIGHSHELF, 9000.0f, -4.0f, 0.707f },
};

static float
full_spread(unsigned k)
{
	return 1.0f + 0.01f * (float)(k % 8);
}

/* The filter settings, at rest (alt 0) or at the other end of a glide (alt 1: HPF an octave up,
 * bands x1.5 in frequency, +2 dB, Q x1.5). */
static void
full_filters(struct engine *e, unsigned k, int alt)
{
	float f = full_spread(k) * (alt ? 1.5f : 1.0f);

	engine_set(e, ENGINE_STRIP_HPF_FREQ, k, 80.0f * full_spread(k) * (alt ? 2.0f : 1.0f));
	for (int b = 0; b < ENGINE_EQ_BANDS; b++) {
		const struct full_band *fb = &full_bands[b];
		engine_set(e, ENGINE_STRIP_EQ_FREQ(b), k, fb->freq_hz * f);
		engine_set(e, ENGINE_STRIP_EQ_GAIN(b), k, fb->gain_db + (alt ? 2.0f : 0.0f));
		engine_set(e, ENGINE_STRIP_EQ_Q(b), k, fb->q * (alt ? 1.5f : 1.0f));
	}
}

void
bench_full_setup(struct engine *e, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		engine_set(e, ENGINE_STRIP_HPF_ON, k, 1.0f);
		engine_set(e, ENGINE_STRIP_HPF_SLOPE, k, 12.0f);
		for (int b = 0; b < ENGINE_EQ_BANDS; b++)
			engine_set(e, ENGINE_STRIP_EQ_TYPE(b), k, (float)full_bands[b].type);
		full_filters(e, k, 0);
		engine_set(e, ENGINE_STRIP_COMP_ON, k, 1.0f);
		engine_set(e, ENGINE_STRIP_COMP_THRESHOLD, k, -40.0f);
		engine_set(e, ENGINE_STRIP_COMP_RATIO, k, 4.0f);
		engine_set(e, ENGINE_STRIP_COMP_KNEE, k, 6.0f);
		engine_set(e, ENGINE_STRIP_COMP_ATTACK, k, 10.0f);
		engine_set(e, ENGINE_STRIP_COMP_RELEASE, k, 100.0f);
		engine_set(e, ENGINE_STRIP_COMP_MAKEUP, k, 6.0f);
		engine_set(e, ENGINE_STRIP_FADER, k, -3.0f);
		engine_set(e, ENGINE_STRIP_PAN, k, 0.3f);
		engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_REVERB), k, -10.0f);
		engine_set(e, ENGINE_STRIP_SEND_PRE(ENGINE_BUS_REVERB), k, 1.0f);
		engine_set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_DELAY), k, -10.0f);
		engine_set(e, ENGINE_STRIP_SEND_PRE(ENGINE_BUS_DELAY), k, 0.0f);
	}
}

/* Periods between re-targets: BENCH_GLIDE_EVERY_MS, at least one. */
static unsigned
glide_every(unsigned frames)
{
	double p = BENCH_GLIDE_EVERY_MS * 0.001 * BENCH_FS / frames;

	return p < 1.0 ? 1 : (unsigned)p;
}

/* Every filter parameter (HPF frequency; each band's frequency, gain and Q) swings between the
 * two settings of full_filters: 13 engine_set per strip every BENCH_GLIDE_EVERY_MS. */
static bool
full_glide(struct engine *e, unsigned n, uint64_t period, unsigned frames)
{
	uint64_t every = glide_every(frames);

	if (period % every)
		return false;
	for (unsigned k = 0; k < n; k++)
		full_filters(e, k, (int)((period / every) & 1));
	return true;
}

static const struct bench_load full_load = { bench_full_setup, full_glide, true };

/* One period of the timed loop: the glide (timed on its own if the load asks), then the
 * engine. Returns the ns spent in the glide's engine_set calls. */
static uint64_t
run_period(const struct bench_load *load, struct engine *e, float **in, float *l, float *r,
           unsigned n, unsigned period, uint64_t index, bool gliding)
{
	uint64_t set_ns = 0;

	if (gliding && load->time_sets) {
		uint64_t g0 = clock_ns();

		if (load->glide(e, n, index, period))
			set_ns = clock_ns() - g0;
	} else if (gliding) {
		load->glide(e, n, index, period);
	}
	engine_process(e, (const float *const *)in, l, r, period);
	return set_ns;
}

/* Runs an engine with n strips carrying load on kernel k (ENGINE_KERNEL_AUTO: the engine's own
 * choice) for about `seconds` of wall time after a warm-up, on the calling thread (which stands
 * in for the RT thread: FTZ/DAZ must already be on). The input is one period of noise per strip,
 * reused every period like JACK's port buffers: cache-resident. Returns 0, -ENOMEM, or -ENOTSUP
 * when this CPU cannot run the kernel. */
static int
engine_run(const struct bench_load *load, enum engine_kernel kernel, unsigned n, unsigned period,
           double seconds, bool gliding, struct engine_result *out)
{
	struct engine *e = engine_new(BENCH_FS, n, NULL);
	float **in = NULL, *l = NULL, *r = NULL;
	uint64_t t0, t, limit, periods = 0, set_ns = 0;
	size_t bytes = ((size_t)period * sizeof(float) + 63) & ~(size_t)63;
	struct engine_meter m;
	int ret = -ENOMEM;

	if (!e)
		goto out;
	if (kernel != ENGINE_KERNEL_AUTO && (ret = engine_set_kernel(e, kernel)) < 0)
		goto out;
	ret = -ENOMEM;
	in = bench_make_inputs(n, period, 0x2545f491u);
	l = aligned_alloc(64, bytes);
	r = aligned_alloc(64, bytes);
	if (!in || !l || !r)
		goto out;
	load->setup(e, n);
	/* warm-up: the glides to the settings land (10 ms; filters ~115 ms to snap), caches fill,
	 * the CPU clock comes up */
	t0 = clock_ns();
	do {
		for (unsigned b = 0; b < BENCH_BATCH; b++)
			run_period(load, e, in, l, r, n, period, periods++, gliding);
	} while (clock_ns() - t0 < BENCH_WARMUP_NS);

	limit = (uint64_t)(seconds * 1e9);
	periods = 0;
	t0 = clock_ns();
	do {
		for (unsigned b = 0; b < BENCH_BATCH; b++)
			set_ns += run_period(load, e, in, l, r, n, period, periods++, gliding);
		t = clock_ns();
	} while (t - t0 < limit);
	out->periods = periods;
	out->ns_per_period = (double)(t - t0) / (double)periods;
	out->set_ns_per_period = (double)set_ns / (double)periods;
	engine_read_strip_meter(e, 0, &m);
	out->gr_db = m.gr;
	ret = 0;
out:
	free(l);
	free(r);
	bench_free_inputs(in, n);
	engine_free(e);
	return ret;
}

/* Capacity as a straight line through two measurements (n strips and n_small): fixed cost per
 * period plus a cost per strip, scaled from this period to a 64-frame one, then as many strips
 * as fit in half of that period. */
struct capacity {
	double strip_ns, fixed_ns, max_strips; /* per 64-frame period */
};

static struct capacity
capacity_of(unsigned period, unsigned n, const struct engine_result *rn, unsigned n_small,
            const struct engine_result *rs)
{
	const double budget_ns = BENCH_CAP_SHARE * BENCH_CAP_PERIOD * 1e9 / BENCH_FS;
	const double scale = (double)BENCH_CAP_PERIOD / (double)period;
	struct capacity c;

	if (n > n_small) {
		c.strip_ns = (rn->ns_per_period - rs->ns_per_period) / (double)(n - n_small);
		c.fixed_ns = rs->ns_per_period - c.strip_ns * n_small;
	} else {
		c.strip_ns =
		    rs->ns_per_period / n_small; /* one point: all of it counted per strip */
		c.fixed_ns = 0.0;
	}
	if (c.fixed_ns < 0.0)
		c.fixed_ns = 0.0; /* within the noise of the two runs */
	c.strip_ns *= scale;
	c.fixed_ns *= scale;
	c.max_strips = c.strip_ns > 0.0 ? floor((budget_ns - c.fixed_ns) / c.strip_ns) : 0.0;
	return c;
}

/* Prints one mode's figures (capacity from n strips and 1 strip). */
static void
engine_report(const char *mode, const struct bench_opts *o, const struct engine_result *rn,
              const struct engine_result *r1)
{
	const double period_ns = (double)o->period * 1e9 / BENCH_FS;
	struct capacity c = capacity_of(o->period, o->strips, rn, 1, r1);

	printf("engine.%s strips=%u period=%u periods=%llu ns_per_sample_strip=%.3f "
	       "ns_per_period=%.0f core_pct=%.2f ns_per_period_1strip=%.0f "
	       "fixed_ns_per_period64=%.0f strip_ns_per_period64=%.1f max_strips_50pct_p64=%.0f\n",
	       mode, o->strips, o->period, (unsigned long long)rn->periods,
	       rn->ns_per_period / ((double)o->period * o->strips), rn->ns_per_period,
	       100.0 * rn->ns_per_period / period_ns, r1->ns_per_period, c.fixed_ns, c.strip_ns,
	       c.max_strips);
}

static int
bench_engine(const struct bench_opts *o)
{
	struct engine_result sn, s1, gn, g1;
	const struct bench_load *ld = &plain_load;
	const enum engine_kernel ka = ENGINE_KERNEL_AUTO;

	/* the benchmark thread is the RT thread here: same FPU mode as jackio's thread-init */
	fpu_denormals_off();
	printf("# engine: %u mono strips, fader -3 dB, pan 0.3, white noise at -20 dBFS peak, "
	       "%u-frame periods at %d Hz, %.1f s each (n strips, then 1 strip for the fixed "
	       "cost)\n",
	       o->strips, o->period, BENCH_FS, o->seconds);
	if (engine_run(ld, ka, o->strips, o->period, o->seconds, false, &sn) < 0 ||
	    engine_run(ld, ka, 1, o->period, o->seconds, false, &s1) < 0 ||
	    engine_run(ld, ka, o->strips, o->period, o->seconds, true, &gn) < 0 ||
	    engine_run(ld, ka, 1, o->period, o->seconds, true, &g1) < 0) {
		fprintf(stderr, "mixbench: engine: out of memory\n");
		return 1;
	}
	engine_report("static", o, &sn, &s1);
	engine_report("gliding", o, &gn, &g1);
	printf("# max_strips_50pct_p64 extrapolates past the engine's limit of %d strips\n",
	       ENGINE_MAX_STRIPS);
	fflush(stdout);
	return 0;
}

/* ---- strip ---- */

static const char *const kernel_names[ENGINE_N_KERNELS] = {
	[ENGINE_KERNEL_AUTO] = "auto",       [ENGINE_KERNEL_REF] = "ref",
	[ENGINE_KERNEL_GENERIC] = "generic", [ENGINE_KERNEL_AVX2] = "avx2",
	[ENGINE_KERNEL_AVX512] = "avx512",
};

/* The kernel engine_new picks on this CPU. */
static enum engine_kernel
auto_kernel(void)
{
	struct engine *e = engine_new(BENCH_FS, 1, NULL);
	enum engine_kernel k = ENGINE_KERNEL_REF;

	for (int i = ENGINE_KERNEL_REF; e && i < ENGINE_N_KERNELS; i++)
		if (!strcmp(engine_kernel_name(e), kernel_names[i]))
			k = (enum engine_kernel)i;
	engine_free(e);
	return k;
}

/* One kernel's full-strip figures, static and gliding. */
struct strip_figures {
	bool runs;
	struct engine_result sn, ss, gn, gs; /* static / gliding, n strips / n_small strips */
};

static void
strip_report(const char *mode, enum engine_kernel k, bool is_auto, const struct bench_opts *o,
             unsigned n_small, const struct engine_result *rn, const struct engine_result *rs)
{
	const double period_ns = (double)o->period * 1e9 / BENCH_FS;
	struct capacity c = capacity_of(o->period, o->strips, rn, n_small, rs);

	printf("strip.%s kernel=%s auto=%d strips=%u period=%u periods=%llu "
	       "ns_per_sample_strip=%.3f ns_per_period=%.0f core_pct=%.2f small_strips=%u "
	       "ns_per_period_small=%.0f fixed_ns_per_period64=%.0f strip_ns_per_period64=%.1f "
	       "strip_only_ns_per_sample=%.3f max_strips_50pct_p64=%.0f gr_db=%.1f "
	       "set_ns_per_period=%.0f\n",
	       mode, kernel_names[k], is_auto, o->strips, o->period,
	       (unsigned long long)rn->periods, rn->ns_per_period / ((double)o->period * o->strips),
	       rn->ns_per_period, 100.0 * rn->ns_per_period / period_ns, n_small, rs->ns_per_period,
	       c.fixed_ns, c.strip_ns, c.strip_ns / BENCH_CAP_PERIOD, c.max_strips,
	       (double)rn->gr_db, rn->set_ns_per_period);
}

static double
ns_per_sample_strip(const struct bench_opts *o, const struct engine_result *r)
{
	return r->ns_per_period / ((double)o->period * o->strips);
}

static int
bench_strip(const struct bench_opts *o)
{
	static struct strip_figures fig[ENGINE_N_KERNELS];
	const enum engine_kernel ka = auto_kernel();
	const unsigned n_small = o->strips > BENCH_STRIP_GROUP ? BENCH_STRIP_GROUP : 1;
	const struct bench_load *ld = &full_load;

	fpu_denormals_off();
	printf("# strip: %u mono full strips (HPF 80 Hz; EQ low shelf 120 Hz +4 dB, bell 400 Hz -3 "
	       "dB Q 1, bell 2.5 kHz +5 dB Q 1.4, high shelf 9 kHz -4 dB; compressor T -40 dB R 4 "
	       "knee 6 dB A 10 ms R 100 ms makeup 6 dB; fader -3 dB, pan 0.3; reverb send -10 dB "
	       "pre, delay send -10 dB post), white noise at -20 dBFS peak, %u-frame periods at "
	       "%d Hz, %.1f s each; n strips, then %u for the fixed cost\n",
	       o->strips, o->period, BENCH_FS, o->seconds, n_small);
	printf("# gliding: HPF frequency and every band's frequency, gain and Q re-targeted every "
	       "%u periods (%.1f ms), 13 engine_set per strip, timed with the processing "
	       "(set_ns_per_period: the part spent in engine_set)\n",
	       glide_every(o->period), glide_every(o->period) * o->period * 1e3 / BENCH_FS);
	for (int k = ENGINE_KERNEL_REF; k < ENGINE_N_KERNELS; k++) {
		struct strip_figures *f = &fig[k];
		int r = engine_run(ld, (enum engine_kernel)k, o->strips, o->period, o->seconds,
		                   false, &f->sn);

		if (r == -ENOTSUP) {
			printf("# kernel %s: not supported on this CPU or build\n",
			       kernel_names[k]);
			continue;
		}
		if (r < 0 ||
		    engine_run(ld, (enum engine_kernel)k, n_small, o->period, o->seconds, false,
		               &f->ss) < 0 ||
		    engine_run(ld, (enum engine_kernel)k, o->strips, o->period, o->seconds, true,
		               &f->gn) < 0 ||
		    engine_run(ld, (enum engine_kernel)k, n_small, o->period, o->seconds, true,
		               &f->gs) < 0) {
			fprintf(stderr, "mixbench: strip: out of memory\n");
			return 1;
		}
		f->runs = true;
		strip_report("static", (enum engine_kernel)k, k == (int)ka, o, n_small, &f->sn,
		             &f->ss);
		strip_report("gliding", (enum engine_kernel)k, k == (int)ka, o, n_small, &f->gn,
		             &f->gs);
		fflush(stdout);
	}
	if (fig[ENGINE_KERNEL_REF].runs && fig[ka].runs) {
		const struct strip_figures *fr = &fig[ENGINE_KERNEL_REF], *fa = &fig[ka];
		struct capacity rs = capacity_of(o->period, o->strips, &fr->sn, n_small, &fr->ss);
		struct capacity as = capacity_of(o->period, o->strips, &fa->sn, n_small, &fa->ss);

		printf("strip.ratio auto=%s static_ref_over_auto=%.2f gliding_ref_over_auto=%.2f "
		       "strip_only_static_ref_over_auto=%.2f\n",
		       kernel_names[ka],
		       ns_per_sample_strip(o, &fr->sn) / ns_per_sample_strip(o, &fa->sn),
		       ns_per_sample_strip(o, &fr->gn) / ns_per_sample_strip(o, &fa->gn),
		       rs.strip_ns / as.strip_ns);
	}
	printf(
	    "# design.md section 6: a full strip <= 5 ns/sample/strip; >= 256 full strips in 50 %% "
	    "of a 64-frame period (the engine itself stops at %d)\n",
	    ENGINE_MAX_STRIPS);
	fflush(stdout);
	return 0;
}

/* ---- silence (dsp-reference.md test 26) ---- */

#define SILENCE_SIGNAL_S 5.0  /* seconds of noise ... */
#define SILENCE_S        20.0 /* ... then of digital silence */

/* Sets or clears FTZ/DAZ on this thread (x86; elsewhere the flags stay as they are). */
static void
fpu_set_denormals(bool off)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_setcsr(off ? (_mm_getcsr() | 0x8040) : (_mm_getcsr() & ~0x8040u));
#else
	if (off)
		fpu_denormals_off();
#endif
}

/* Mean ns per period over periods [from, to) of a run of full strips: noise for
 * SILENCE_SIGNAL_S, then zeros. The whole 25 s of audio is processed as fast as it goes. */
static int
silence_run(const struct bench_opts *o, double *sig_ns, double *sil_ns, bool *all_zero)
{
	const unsigned n = o->strips, p = o->period;
	const uint64_t n_sig = (uint64_t)(SILENCE_SIGNAL_S * BENCH_FS / p);
	const uint64_t n_sil = (uint64_t)(SILENCE_S * BENCH_FS / p);
	struct engine *e = engine_new(BENCH_FS, n, NULL);
	float **in = bench_make_inputs(n, p, 0x2545f491u), **zero = bench_make_inputs(n, p, 0);
	float *l = calloc(p, sizeof(float)), *r = calloc(p, sizeof(float));
	uint64_t t0;
	int ret = -ENOMEM;

	if (!e || !in || !zero || !l || !r)
		goto out;
	for (unsigned k = 0; k < n; k++)
		memset(zero[k], 0, p * sizeof(float));
	bench_full_setup(e, n);
	engine_settle(e);
	t0 = clock_ns();
	for (uint64_t i = 0; i < n_sig; i++)
		engine_process(e, (const float *const *)in, l, r, p);
	*sig_ns = (double)(clock_ns() - t0) / (double)n_sig;
	t0 = clock_ns();
	for (uint64_t i = 0; i < n_sil; i++)
		engine_process(e, (const float *const *)zero, l, r, p);
	*sil_ns = (double)(clock_ns() - t0) / (double)n_sil;
	*all_zero = true;
	for (unsigned i = 0; i < p; i++)
		*all_zero &= l[i] == 0.0f && r[i] == 0.0f;
	ret = 0;
out:
	free(l);
	free(r);
	bench_free_inputs(in, n);
	bench_free_inputs(zero, n);
	engine_free(e);
	return ret;
}

/* The per-period cost during silence over that during signal, with FTZ/DAZ on (as in the JACK
 * thread) and off (the strip's own flush of vanishing states must keep it cheap). The design's
 * bar is 1.2. */
static int
bench_silence(const struct bench_opts *o)
{
	int ret = 0;

	printf("# silence: %u full strips (as 'strip'), %.0f s of white noise then %.0f s of "
	       "digital silence, %u-frame periods at %d Hz, processed as fast as possible\n",
	       o->strips, SILENCE_SIGNAL_S, SILENCE_S, o->period, BENCH_FS);
	for (int ftz = 1; ftz >= 0; ftz--) {
		double sig, sil;
		bool zero;

		fpu_set_denormals(ftz);
		if (silence_run(o, &sig, &sil, &zero) < 0) {
			fprintf(stderr, "mixbench: silence: out of memory\n");
			ret = 1;
			continue;
		}
		printf("silence ftz_daz=%d strips=%u period=%u ns_per_period_signal=%.0f "
		       "ns_per_period_silence=%.0f silence_over_signal=%.2f output_exact_zero=%d\n",
		       ftz, o->strips, o->period, sig, sil, sil / sig, zero);
	}
	fpu_set_denormals(true);
	return ret;
}

/* ---- osc ---- */

struct osc_bench {
	unsigned n;
	double seconds;
	int port;

	struct params *ps;
	struct ring *cmd;
	struct engine *e;
	struct model *m;
	struct dispatch *d;
	struct osc_server *srv;

	/* sender -> main: the flood is over (sent is final once this reads true) */
	atomic_bool blast_done;
	/* main -> sender: the socket has drained, send the final round */
	atomic_bool go_final;
	/* sender -> main: the final round is out */
	atomic_bool final_done;
	uint64_t sent, send_errors, final_sent;
	uint64_t blast_start_ns, blast_end_ns;
	float *final_value; /* per strip, the last value sent; written by the sender */

	/* main -> consumer: stop */
	atomic_bool stop;
	/* consumer-owned; read by main after the join */
	float *rt_fader;
	uint64_t rt_cycles, rt_commands, rt_backlog, rt_max_ns, rt_late_max_ns;
	float **rt_in, *rt_l, *rt_r;
};

/* Dispatch hooks: the benchmark only sends sets, so these are never reached; they answer
 * harmlessly if something does. Control thread. */
static void
stub_info(void *ctx, struct dispatch_info *out)
{
	struct osc_bench *b = ctx;

	out->name = "mixbench";
	out->version = "bench";
	out->strips = b->n;
	out->rate = BENCH_FS;
	out->buffer = BENCH_CAP_PERIOD;
	out->latency = 0;
}

static unsigned
stub_stats(void *ctx, struct dispatch_stat *out, unsigned max)
{
	return 0;
}

static void
stub_meter_strip(void *ctx, unsigned k, float out[3])
{
	out[0] = out[1] = -144.0f;
	out[2] = 0.0f;
}

static void
stub_meter_master(void *ctx, float out[5])
{
	out[0] = out[1] = out[2] = -144.0f;
	out[3] = out[4] = 0.0f;
}

static float
bench_value(uint64_t seq)
{
	return BENCH_VALUE_BASE + (float)(seq % BENCH_VALUE_STEPS) * BENCH_VALUE_STEP;
}

/* Big-endian float into an OSC argument slot. */
static void
put_float(uint8_t *p, float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	p[0] = (uint8_t)(u >> 24);
	p[1] = (uint8_t)(u >> 16);
	p[2] = (uint8_t)(u >> 8);
	p[3] = (uint8_t)u;
}

/* Sender thread: floods /strip/K/fader ,f over all strips round robin for the set time, each
 * strip's values counting up; then, once main says the socket drained, sends one final round
 * whose values are the ones that must land. Messages are serialised once by liblo and only the
 * float is patched per send, so the sender is not the bottleneck. */
static void *
sender_main(void *arg)
{
	struct osc_bench *b = arg;
	struct sockaddr_in to = { .sin_family = AF_INET,
		                  .sin_port = htons((uint16_t)b->port),
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint8_t(*msg)[64] = calloc(b->n, sizeof(*msg));
	size_t *len = calloc(b->n, sizeof(*len));
	uint64_t *seq = calloc(b->n, sizeof(*seq));
	uint64_t limit = (uint64_t)(b->seconds * 1e9), sent = 0, errs = 0, t0;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!msg || !len || !seq || fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("mixbench: sender");
		goto out;
	}
	for (unsigned k = 0; k < b->n; k++) {
		char path[PARAM_ADDRESS_MAX];
		lo_message m = lo_message_new();

		snprintf(path, sizeof(path), "/strip/%u/fader", k + 1);
		lo_message_add_float(m, 0.0f);
		len[k] = lo_message_length(m, path);
		lo_message_serialise(m, path, msg[k], NULL);
		lo_message_free(m);
	}
	t0 = clock_ns();
	b->blast_start_ns = t0;
	for (;;) {
		for (unsigned k = 0; k < b->n; k++) {
			put_float(msg[k] + len[k] - 4, bench_value(seq[k]));
			if (send(fd, msg[k], len[k], 0) < 0) {
				errs++;
				continue;
			}
			seq[k]++;
			sent++;
		}
		if (clock_ns() - t0 >= limit)
			break;
	}
	b->blast_end_ns = clock_ns();
	b->sent = sent;
	b->send_errors = errs;
	/* release: sent and send_errors are visible to whoever sees blast_done */
	atomic_store_explicit(&b->blast_done, true, memory_order_release);

	while (!atomic_load_explicit(&b->go_final, memory_order_acquire))
		usleep(1000);
	for (unsigned k = 0; k < b->n; k++) {
		b->final_value[k] = bench_value(seq[k]);
		put_float(msg[k] + len[k] - 4, b->final_value[k]);
		/* a quiet socket has room for one round: a failure here is a real error */
		if (send(fd, msg[k], len[k], 0) == (ssize_t)len[k])
			b->final_sent++;
	}
out:
	/* release: final_value[] and final_sent are visible to whoever sees final_done */
	atomic_store_explicit(&b->final_done, true, memory_order_release);
	if (fd >= 0)
		close(fd);
	free(seq);
	free(len);
	free(msg);
	return NULL;
}

/* Consumer thread, standing in for the JACK process thread: every 64 frames at 48 kHz it drains
 * at most BENCH_CMDS_PER_CYCLE commands into the engine (as jackio.c does) and processes a
 * period of noise. It is the only thread that touches the engine once started. */
static void *
consumer_main(void *arg)
{
	struct osc_bench *b = arg;
	const uint64_t period_num = (uint64_t)BENCH_CAP_PERIOD * 1000000000ull;
	uint64_t start = clock_ns(), cycle = 0;

	fpu_denormals_off();
	while (!atomic_load_explicit(&b->stop, memory_order_acquire)) {
		uint64_t wake = start + (cycle + 1) * period_num / BENCH_FS, t0, dt;
		struct timespec ts = { (time_t)(wake / 1000000000ull),
			               (long)(wake % 1000000000ull) };
		struct model_cmd c;
		unsigned k;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		t0 = clock_ns();
		if (t0 - wake > b->rt_late_max_ns)
			b->rt_late_max_ns = t0 - wake;
		/* woken a whole period late (preempted): JACK would not run the missed cycles
		 * back to back either, so skip them rather than burst */
		if ((t0 - start) * BENCH_FS / period_num > cycle + 1)
			cycle = (t0 - start) * BENCH_FS / period_num - 1;
		for (k = 0; k < BENCH_CMDS_PER_CYCLE && ring_pop(b->cmd, &c); k++) {
			engine_set(b->e, (enum engine_param)c.id, c.strip, c.value);
			if (c.id == ENGINE_STRIP_FADER && c.strip < b->n)
				b->rt_fader[c.strip] = c.value;
		}
		if (k == BENCH_CMDS_PER_CYCLE)
			b->rt_backlog++;
		b->rt_commands += k;
		engine_process(b->e, (const float *const *)b->rt_in, b->rt_l, b->rt_r,
		               BENCH_CAP_PERIOD);
		dt = clock_ns() - t0;
		if (dt > b->rt_max_ns)
			b->rt_max_ns = dt;
		cycle++;
	}
	b->rt_cycles = cycle;
	return NULL;
}

/* The receive buffer mixd's own socket got (osc_server_new asks OSC_SERVER_RCVBUF): the
 * benchmark measures the server as mixd runs it. */
static void
read_rcvbuf(int fd, int *asked, int *got)
{
	socklen_t len = sizeof(*got);

	*asked = OSC_SERVER_RCVBUF;
	*got = 0;
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, got, &len);
}

static void
osc_teardown(struct osc_bench *b)
{
	osc_server_free(b->srv);
	dispatch_free(b->d);
	model_free(b->m);
	engine_free(b->e);
	ring_free(b->cmd);
	params_free(b->ps);
	bench_free_inputs(b->rt_in, b->n);
	free(b->rt_l);
	free(b->rt_r);
	free(b->rt_fader);
	free(b->final_value);
}

/* Builds the ingest path like daemon/main.c's setup, minus JACK. Returns 0 or -1 (message
 * printed). */
static int
osc_setup(struct osc_bench *b)
{
	struct dispatch_hooks hooks = {
		.ctx = b,
		.info = stub_info,
		.stats = stub_stats,
		.meter_strip = stub_meter_strip,
		.meter_master = stub_meter_master,
	};
	struct allowlist allow;
	char err[256];

	if (allow_parse(&allow, "127.0.0.0/8", err, sizeof(err)) < 0) {
		fprintf(stderr, "mixbench: allowlist: %s\n", err);
		return -1;
	}
	b->ps = params_new(b->n);
	b->cmd = ring_new(sizeof(struct model_cmd), BENCH_CMD_RING);
	b->e = engine_new(BENCH_FS, b->n, NULL);
	b->rt_in = bench_make_inputs(b->n, BENCH_CAP_PERIOD, 0x9e3779b9u);
	b->rt_l = calloc(BENCH_CAP_PERIOD, sizeof(float));
	b->rt_r = calloc(BENCH_CAP_PERIOD, sizeof(float));
	b->rt_fader = calloc(b->n, sizeof(float));
	b->final_value = calloc(b->n, sizeof(float));
	if (!b->ps || !b->cmd || !b->e || !b->rt_in || !b->rt_l || !b->rt_r || !b->rt_fader ||
	    !b->final_value)
		goto oom;
	b->m = model_new(b->ps, b->cmd);
	if (!b->m)
		goto oom;
	model_apply_to_engine(b->m, b->e);
	b->d = dispatch_new(b->m, &hooks);
	if (!b->d)
		goto oom;
	b->srv = osc_server_new("127.0.0.1:0", &allow, dispatch_message, b->d, err, sizeof(err));
	if (!b->srv) {
		fprintf(stderr, "mixbench: osc server: %s\n", err);
		return -1;
	}
	/* the ingest path's own speed: no per-peer limit (mixd's default caps one peer at 100k/s)
	 */
	osc_server_set_rate_limit(b->srv, 0, 0);
	dispatch_attach(b->d, b->srv);
	b->port = osc_server_port(b->srv);
	return 0;
oom:
	fprintf(stderr, "mixbench: out of memory\n");
	return -1;
}

static int
bench_osc(const struct bench_opts *o)
{
	static struct osc_bench b; /* zeroed; large enough to keep off the stack */
	struct osc_server_stats blast_st = { 0 }, st;
	struct dispatch_stats ds;
	pthread_t sender, consumer;
	uint64_t quiet_since = 0, t_drained = 0, final_deadline = 0;
	unsigned model_bad = 0, rt_bad = 0;
	int asked, got, ret = 1;
	bool rt_fifo;
	enum { BLAST, FINAL, DONE } phase = BLAST;

	atomic_init(&b.blast_done, false);
	atomic_init(&b.go_final, false);
	atomic_init(&b.final_done, false);
	atomic_init(&b.stop, false);
	b.n = o->strips;
	b.seconds = o->seconds;
	if (osc_setup(&b) < 0)
		goto out;
	read_rcvbuf(osc_server_fd(b.srv), &asked, &got);
	printf("# osc: %u strips, /strip/K/fader ,f flooded over loopback for %.1f s, "
	       "a consumer thread draining the ring every %d frames at %d Hz\n",
	       b.n, b.seconds, BENCH_CAP_PERIOD, BENCH_FS);
	if (pthread_create(&consumer, NULL, consumer_main, &b)) {
		fprintf(stderr, "mixbench: cannot start the consumer thread\n");
		goto out;
	}
	{
		/* JACK runs its process thread SCHED_FIFO; without it, on a machine whose cores
		 * the flood keeps busy, the stand-in would measure the scheduler, not mixd */
		struct sched_param sp = { .sched_priority = BENCH_RT_PRIORITY };
		rt_fifo = pthread_setschedparam(consumer, SCHED_FIFO, &sp) == 0;
	}
	if (pthread_create(&sender, NULL, sender_main, &b)) {
		fprintf(stderr, "mixbench: cannot start the sender thread\n");
		atomic_store(&b.stop, true);
		pthread_join(consumer, NULL);
		goto out;
	}

	/* the control thread, as daemon/main.c's loop: poll, receive, flush */
	while (phase != DONE) {
		struct pollfd pfd = { .fd = osc_server_fd(b.srv), .events = POLLIN };
		bool blast_done = atomic_load_explicit(&b.blast_done, memory_order_acquire);
		unsigned n = 0;
		uint64_t t;

		if (poll(&pfd, 1, 1) > 0)
			n = osc_server_receive(b.srv, BENCH_RECV_PER_WAKE);
		model_flush(b.m);
		t = clock_ns();
		if (n)
			quiet_since = t;
		osc_server_get_stats(b.srv, &st);
		if (phase == BLAST && blast_done && t - quiet_since >= BENCH_DRAIN_QUIET_NS) {
			/* all the kernel kept has been read: the flood's figures are final */
			blast_st = st;
			t_drained = quiet_since;
			phase = FINAL;
			final_deadline = t + BENCH_FINAL_WAIT_NS;
			atomic_store_explicit(&b.go_final, true, memory_order_release);
		} else if (phase == FINAL &&
		           atomic_load_explicit(&b.final_done, memory_order_acquire) &&
		           st.datagrams >= blast_st.datagrams + b.final_sent &&
		           model_flush(b.m) == 0 && ring_count(b.cmd) == 0) {
			phase = DONE;
		} else if (phase == FINAL && t > final_deadline) {
			fprintf(stderr, "mixbench: the final round did not arrive in time\n");
			phase = DONE;
		}
	}
	pthread_join(sender, NULL);
	/* the ring is empty, and the consumer finishes applying what it popped before it looks
	 * at the stop flag again */
	atomic_store_explicit(&b.stop, true, memory_order_release);
	pthread_join(consumer, NULL);

	for (unsigned k = 0; k < b.n; k++) {
		char path[PARAM_ADDRESS_MAX];
		int idx;

		snprintf(path, sizeof(path), "/strip/%u/fader", k + 1);
		idx = params_find(b.ps, path);
		if (idx < 0 || model_get(b.m, (unsigned)idx) != b.final_value[k])
			model_bad++;
		if (b.rt_fader[k] != b.final_value[k])
			rt_bad++;
	}
	dispatch_get_stats(b.d, &ds);
	{
		double secs = (double)(t_drained - b.blast_start_ns) / 1e9;
		double send_secs = (double)(b.blast_end_ns - b.blast_start_ns) / 1e9;

		printf("osc strips=%u seconds=%.2f sent=%llu send_errors=%llu received=%llu "
		       "lost_kernel=%llu msgs_per_s=%.0f sent_per_s=%.0f rcvbuf_set=%d "
		       "rcvbuf_effective=%d rejected=%llu malformed=%llu ring_full=%llu "
		       "rt_cycles=%llu rt_commands=%llu rt_backlog_cycles=%llu "
		       "rt_cycle_max_ns=%llu rt_wake_late_max_us=%.0f rt_sched=%s\n",
		       b.n, secs, (unsigned long long)b.sent, (unsigned long long)b.send_errors,
		       (unsigned long long)blast_st.messages,
		       (unsigned long long)(b.sent - blast_st.datagrams),
		       (double)blast_st.messages / secs, (double)b.sent / send_secs, asked, got,
		       (unsigned long long)ds.errors, (unsigned long long)st.malformed,
		       (unsigned long long)model_ring_full(b.m), (unsigned long long)b.rt_cycles,
		       (unsigned long long)b.rt_commands, (unsigned long long)b.rt_backlog,
		       (unsigned long long)b.rt_max_ns, (double)b.rt_late_max_ns / 1e3,
		       rt_fifo ? "fifo" : "other");
	}
	printf("osc.final strips=%u final_sent=%llu model=%s model_mismatch=%u rt=%s "
	       "rt_mismatch=%u\n",
	       b.n, (unsigned long long)b.final_sent, model_bad ? "MISMATCH" : "OK", model_bad,
	       rt_bad ? "MISMATCH" : "OK", rt_bad);
	printf("# lost_kernel: datagrams the kernel dropped on a full receive buffer (UDP has no "
	       "flow control); the final round is sent after the flood drains and must land\n");
	fflush(stdout);
	ret = (model_bad || rt_bad || b.final_sent != b.n) ? 1 : 0;
out:
	osc_teardown(&b);
	return ret;
}

/* ---- command line ---- */

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "mixbench: %s%s\n\n%s", what, arg, usage_text);
	return 2;
}

int
main(int argc, char **argv)
{
	struct bench_opts o = { .strips = 64, .period = 64, .seconds = 3.0 };
	const char *what = "all", *val;
	bool what_set = false;
	unsigned long n;
	int i = 1, ret = 0;

	while (i < argc) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (cli_opt_match(argc, argv, &i, "--strips", &val)) {
			if (cli_parse_uint(val, 1, ENGINE_MAX_STRIPS, &n) < 0)
				return usage_error("--strips: expected 1..256, got ",
				                   val ? val : "nothing");
			o.strips = (unsigned)n;
		} else if (cli_opt_match(argc, argv, &i, "--period", &val)) {
			if (cli_parse_uint(val, 1, 8192, &n) < 0)
				return usage_error("--period: expected 1..8192 frames, got ",
				                   val ? val : "nothing");
			o.period = (unsigned)n;
		} else if (cli_opt_match(argc, argv, &i, "--seconds", &val)) {
			char *end;
			if (!val)
				return usage_error("--seconds: expected seconds, got ", "nothing");
			o.seconds = strtod(val, &end);
			if (end == val || *end || !(o.seconds >= 0.05 && o.seconds <= 3600.0))
				return usage_error("--seconds: expected 0.05..3600, got ", val);
		} else if (argv[i][0] == '-') {
			return usage_error("unknown option ", argv[i]);
		} else if (!what_set &&
		           (!strcmp(argv[i], "engine") || !strcmp(argv[i], "strip") ||
		            !strcmp(argv[i], "silence") || !strcmp(argv[i], "master") ||
		            !strcmp(argv[i], "chorus") || !strcmp(argv[i], "loudness") ||
		            !strcmp(argv[i], "automation") || !strcmp(argv[i], "aux") ||
		            !strcmp(argv[i], "paced") || !strcmp(argv[i], "osc") ||
		            !strcmp(argv[i], "web") || !strcmp(argv[i], "all"))) {
			what = argv[i++];
			what_set = true;
		} else {
			return usage_error("unexpected argument ", argv[i]);
		}
	}
	if (!strcmp(what, "engine") || !strcmp(what, "all"))
		ret |= bench_engine(&o);
	if (!strcmp(what, "strip") || !strcmp(what, "all"))
		ret |= bench_strip(&o);
	if (!strcmp(what, "silence") || !strcmp(what, "all"))
		ret |= bench_silence(&o);
	if (!strcmp(what, "master") || !strcmp(what, "all"))
		ret |= bench_master(&o);
	if (!strcmp(what, "chorus") || !strcmp(what, "all"))
		ret |= bench_chorus(&o);
	if (!strcmp(what, "loudness") || !strcmp(what, "all"))
		ret |= bench_loudness(&o);
	if (!strcmp(what, "automation") || !strcmp(what, "all"))
		ret |= bench_automation(&o);
	if (!strcmp(what, "aux") || !strcmp(what, "all"))
		ret |= bench_aux(&o);
	if (!strcmp(what, "paced") || !strcmp(what, "all"))
		ret |= bench_paced(&o);
	if (!strcmp(what, "osc") || !strcmp(what, "all"))
		ret |= bench_osc(&o);
	if (!strcmp(what, "web") || !strcmp(what, "all"))
		ret |= bench_web(&o);
	return ret;
}
