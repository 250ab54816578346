/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench-ab: before/after of the full-strip engine in one run. Two builds of the dsp library
 * (e.g. main's and a branch's) are loaded side by side (dlopen, RTLD_LOCAL), each runs the same
 * 64 full strips (mixbench 'strip': HPF, 4 EQ bands, compressor compressing, fader -3 dB, pan,
 * a pre and a post effect send), 64-frame periods, in interleaved 0.1 s rounds timed in thread
 * CPU time (a shared machine's preemptions do not count); the fastest round of each is kept.
 *
 *   mixbench-ab BEFORE.so AFTER.so
 *
 * build/tools/libmixdsp_ab.so is this tree's library as such a module; for another tree:
 *   gcc -shared -o before.so -Wl,--whole-archive TREE/build/dsp/libmixdsp.a \
 *       -Wl,--no-whole-archive -lm
 * Only parameter ids both builds share are used (the strip ids up to the effect sends). A
 * benchmark, never a verdict: exit 0, 1 when a library will not load, 2 on bad usage.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "fpu.h"

#define AB_STRIPS       64
#define AB_PERIOD       64
#define AB_ROUNDS       60
#define AB_ROUND_NS     100000000ull
#define AB_WARM_PERIODS 3000
#define BENCH_AB_FS     48000.0

struct ab_api {
	struct engine *(*make)(double, unsigned, const bool *);
	void (*set)(struct engine *, enum engine_param, unsigned, float);
	void (*settle)(struct engine *);
	bool (*process)(struct engine *, const float *const *, float *, float *, uint32_t);
	void (*destroy)(struct engine *);
	const char *(*kname)(const struct engine *);
	int (*setk)(struct engine *, enum engine_kernel);
};

static const struct {
	enum engine_eq_type type;
	float freq_hz, gain_db, q;
} ab_bands[ENGINE_EQ_BANDS] = {
	{ ENGINE_EQ_LOWSHELF, 120.0f, 4.0f, 0.707f },
	{ ENGINE_EQ_BELL, 400.0f, -3.0f, 1.0f },
	{ ENGINE_EQ_BELL, 2500.0f, 5.0f, 1.4f },
	{ ENGINE_EQ_HIGHSHELF, 9000.0f, -4.0f, 0.707f },
};

static uint64_t
clock_of(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* dlsym's object pointer into a function pointer, without the cast ISO C does not define. */
static void
sym(void *h, const char *name, void *fn_ptr, size_t size, bool *ok)
{
	void *p = dlsym(h, name);

	if (!p) {
		fprintf(stderr, "mixbench-ab: %s: %s\n", name, dlerror());
		*ok = false;
		return;
	}
	memcpy(fn_ptr, &p, size);
}

static bool
load(const char *path, struct ab_api *a)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	bool ok = true;

	if (!h) {
		fprintf(stderr, "mixbench-ab: %s\n", dlerror());
		return false;
	}
	sym(h, "engine_new", &a->make, sizeof(a->make), &ok);
	sym(h, "engine_set", &a->set, sizeof(a->set), &ok);
	sym(h, "engine_settle", &a->settle, sizeof(a->settle), &ok);
	sym(h, "engine_process", &a->process, sizeof(a->process), &ok);
	sym(h, "engine_free", &a->destroy, sizeof(a->destroy), &ok);
	sym(h, "engine_kernel_name", &a->kname, sizeof(a->kname), &ok);
	sym(h, "engine_set_kernel", &a->setk, sizeof(a->setk), &ok);
	return ok;
}

/* mixbench's full strips (bench_full_setup), through a's entry points. */
static void
setup(const struct ab_api *a, struct engine *e)
{
	for (unsigned k = 0; k < AB_STRIPS; k++) {
		float sp = 1.0f + 0.01f * (float)(k % 8);

		a->set(e, ENGINE_STRIP_HPF_ON, k, 1.0f);
		a->set(e, ENGINE_STRIP_HPF_SLOPE, k, 12.0f);
		a->set(e, ENGINE_STRIP_HPF_FREQ, k, 80.0f * sp);
		for (int b = 0; b < ENGINE_EQ_BANDS; b++) {
			a->set(e, ENGINE_STRIP_EQ_TYPE(b), k, (float)ab_bands[b].type);
			a->set(e, ENGINE_STRIP_EQ_FREQ(b), k, ab_bands[b].freq_hz * sp);
			a->set(e, ENGINE_STRIP_EQ_GAIN(b), k, ab_bands[b].gain_db);
			a->set(e, ENGINE_STRIP_EQ_Q(b), k, ab_bands[b].q);
		}
		a->set(e, ENGINE_STRIP_COMP_ON, k, 1.0f);
		a->set(e, ENGINE_STRIP_COMP_THRESHOLD, k, -40.0f);
		a->set(e, ENGINE_STRIP_COMP_RATIO, k, 4.0f);
		a->set(e, ENGINE_STRIP_COMP_KNEE, k, 6.0f);
		a->set(e, ENGINE_STRIP_COMP_ATTACK, k, 10.0f);
		a->set(e, ENGINE_STRIP_COMP_RELEASE, k, 100.0f);
		a->set(e, ENGINE_STRIP_COMP_MAKEUP, k, 6.0f);
		a->set(e, ENGINE_STRIP_FADER, k, -3.0f);
		a->set(e, ENGINE_STRIP_PAN, k, 0.3f);
		a->set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_REVERB), k, -10.0f);
		a->set(e, ENGINE_STRIP_SEND_PRE(ENGINE_BUS_REVERB), k, 1.0f);
		a->set(e, ENGINE_STRIP_SEND_LEVEL(ENGINE_BUS_DELAY), k, -10.0f);
		a->set(e, ENGINE_STRIP_SEND_PRE(ENGINE_BUS_DELAY), k, 0.0f);
	}
	a->settle(e);
}

int
main(int argc, char **argv)
{
	static const enum engine_kernel ks[] = { ENGINE_KERNEL_GENERIC, ENGINE_KERNEL_AVX2,
		                                 ENGINE_KERNEL_AVX512 };
	static float in_buf[AB_STRIPS][AB_PERIOD], l[AB_PERIOD], r[AB_PERIOD];
	const float *in[AB_STRIPS];
	struct ab_api a[2];
	uint32_t x = 0x2545f491u;

	if (argc != 3) {
		fprintf(stderr, "usage: mixbench-ab BEFORE.so AFTER.so\n");
		return 2;
	}
	if (!load(argv[1], &a[0]) || !load(argv[2], &a[1]))
		return 1;
	fpu_denormals_off();
	for (int k = 0; k < AB_STRIPS; k++) {
		in[k] = in_buf[k];
		for (int i = 0; i < AB_PERIOD; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in_buf[k][i] = ((float)(x >> 8) / 8388608.0f - 1.0f) * 0.1f;
		}
	}
	for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		struct engine *e[2];
		double best[2] = { 1e300, 1e300 };
		bool runs = true;

		for (int v = 0; v < 2; v++) {
			e[v] = a[v].make(BENCH_AB_FS, AB_STRIPS, NULL);
			runs &= e[v] && a[v].setk(e[v], ks[ki]) == 0;
		}
		if (!runs) {
			printf("# kernel %d: not supported by this CPU or build\n", (int)ks[ki]);
			goto next;
		}
		for (int v = 0; v < 2; v++) {
			setup(&a[v], e[v]);
			for (int w = 0; w < AB_WARM_PERIODS; w++)
				a[v].process(e[v], in, l, r, AB_PERIOD);
		}
		for (int round = 0; round < AB_ROUNDS; round++)
			for (int v = 0; v < 2; v++) {
				uint64_t w0 = clock_of(CLOCK_MONOTONIC);
				uint64_t t0 = clock_of(CLOCK_THREAD_CPUTIME_ID), n = 0;
				double t;

				do {
					for (int b = 0; b < 64; b++)
						a[v].process(e[v], in, l, r, AB_PERIOD);
					n += 64;
				} while (clock_of(CLOCK_MONOTONIC) - w0 < AB_ROUND_NS);
				t = (double)(clock_of(CLOCK_THREAD_CPUTIME_ID) - t0) / (double)n /
				    (AB_STRIPS * AB_PERIOD);
				if (t < best[v])
					best[v] = t;
			}
		printf("ab kernel=%s strips=%d period=%d before=%s before_ns_per_sample_strip=%.3f "
		       "after=%s after_ns_per_sample_strip=%.3f after_over_before=%.3f\n",
		       a[0].kname(e[0]), AB_STRIPS, AB_PERIOD, argv[1], best[0], argv[2], best[1],
		       best[1] / best[0]);
	next:
		for (int v = 0; v < 2; v++)
			if (e[v])
				a[v].destroy(e[v]);
	}
	printf("# the fastest of %d interleaved %.1f s rounds each, in thread CPU time\n",
	       AB_ROUNDS, AB_ROUND_NS / 1e9);
	return 0;
}
