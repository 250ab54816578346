/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buses.h"
#include "gain.h"
#include "group.h"
#include "kernel.h"
#include "master.h"
#include "ramp.h"
#include "strip.h"
#include "numeric.h"

/* A kernel group's bookkeeping: which strips it holds and its last plan. */
struct group_info {
	unsigned first, count; /* strips first .. first + count - 1 */
	struct group_plan plan;
};

struct engine {
	struct strip_env env;
	uint32_t meter_n; /* meter interval in samples */
	uint32_t meter_pos;
	uint32_t meter_count; /* samples in the current meter interval */
	bool meters_ready;
	uint32_t grid_pos; /* position in the 32-sample parameter grid */

	unsigned n_strips, n_inputs, n_solo, n_groups;
	unsigned n_aux, n_dca;
	bool aux_stereo[ENGINE_MAX_AUX];
	bool direct_outs;
	float blk_l[SK_BLOCK], blk_r[SK_BLOCK]; /* the master, rendered before it is copied out */
	struct strip *strips;
	struct sk_group *groups; /* 64-byte aligned */
	struct group_info *ginfo;
	struct sk_acc *acc; /* 64-byte aligned */
	float bus_sum[ENGINE_N_BUSES][2][SK_BLOCK];
	struct buses buses;
	struct master master;
	enum engine_kernel kernel;
	sk_kernel_fn kernel_fn;
	struct engine_counters cnt;
};

static uint32_t
ms_to_samples(double fs, double ms)
{
	return (uint32_t)lrint(fs * ms * 0.001);
}

/* ---- kernels ---- */

static const struct {
	const char *name;
	sk_kernel_fn fn;
} kernels[ENGINE_N_KERNELS] = {
	[ENGINE_KERNEL_REF] = { "ref", sk_kernel_ref },
	[ENGINE_KERNEL_GENERIC] = { "generic", sk_kernel_generic },
#ifdef SK_HAVE_X86
	[ENGINE_KERNEL_AVX2] = { "avx2", sk_kernel_avx2 },
	[ENGINE_KERNEL_AVX512] = { "avx512", sk_kernel_avx512 },
#endif
};

static bool
kernel_runs(enum engine_kernel k)
{
	if (k <= ENGINE_KERNEL_AUTO || k >= ENGINE_N_KERNELS || !kernels[k].fn)
		return false;
#ifdef SK_HAVE_X86
	/* __builtin_cpu_supports also checks that the OS saves the wider registers */
	if (k == ENGINE_KERNEL_AVX2)
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	if (k == ENGINE_KERNEL_AVX512)
		return __builtin_cpu_supports("avx512f");
#endif
	return true;
}

int
engine_set_kernel(struct engine *e, enum engine_kernel k)
{
	if (k == ENGINE_KERNEL_AUTO) {
		for (k = ENGINE_N_KERNELS - 1; k > ENGINE_KERNEL_REF && !kernel_runs(k); k--)
			;
	} else if (!kernel_runs(k)) {
		return -ENOTSUP;
	}
	e->kernel = k;
	e->kernel_fn = kernels[k].fn;
	return 0;
}

const char *
engine_kernel_name(const struct engine *e)
{
	return kernels[e->kernel].name;
}

/* ---- planning ---- */

static bool
strip_open(const struct engine *e, const struct strip *s)
{
	return e->n_solo == 0 || s->solo;
}

/* Start of a grid block: every group plans its strips (group.c). force recomputes every fixed
 * coefficient. */
static void
plan_grid(struct engine *e, bool force)
{
	for (unsigned gi = 0; gi < e->n_groups; gi++) {
		struct group_info *info = &e->ginfo[gi];
		group_plan(&e->groups[gi], &info->plan, e->strips + info->first, info->count,
		           &e->env, force);
	}
}

static void
settle_all(struct engine *e)
{
	for (unsigned k = 0; k < e->n_strips; k++) {
		struct strip *s = &e->strips[k];
		strip_retarget(s, &e->env, strip_open(e, s));
		strip_settle(s, &e->env, &e->groups[s->group]);
	}
	buses_settle(&e->buses);
	master_settle(&e->master, &e->env);
	e->grid_pos = 0;
	plan_grid(e, true);
}

int
engine_set_rate(struct engine *e, double fs)
{
	if (!(fs >= 8000.0 && fs <= 768000.0))
		return -EINVAL;
	e->env.fs = fs;
	e->env.smooth_n = ms_to_samples(fs, ENGINE_SMOOTH_MS);
	e->env.kb = (float)(1.0 - exp(-SK_BLOCK / (ENGINE_SMOOTH_MS * 0.001 * fs)));
	e->meter_n = ms_to_samples(fs, ENGINE_METER_MS);
	e->meter_pos = 0;
	/* every coefficient depends on the rate; the RT side is stopped, so start clean */
	if (e->master.lim && master_set_rate(&e->master, &e->env) < 0)
		return -ENOMEM;
	if (e->buses.rev && buses_set_rate(&e->buses, fs, e->env.smooth_n) < 0)
		return -ENOMEM;
	if (e->strips)
		settle_all(e);
	return 0;
}

void
engine_settle(struct engine *e)
{
	settle_all(e);
}

/* ---- construction ---- */

static void *
zalloc_aligned(size_t n)
{
	size_t size = (n + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Lanes: strips in order, a stereo strip on an even lane so its pair is (lane, lane + 1). */
static unsigned
assign_lanes(struct engine *e)
{
	unsigned lane = 0, in = 0;

	for (unsigned k = 0; k < e->n_strips; k++) {
		struct strip *s = &e->strips[k];
		unsigned need = s->stereo ? 2 : 1;

		if (s->stereo && (lane & 1))
			lane++;
		if (lane % SK_LANES + need > SK_LANES)
			lane = (lane / SK_LANES + 1) * SK_LANES;
		s->group = lane / SK_LANES;
		s->lane = lane % SK_LANES;
		s->in = in;
		in += need;
		lane += need;
	}
	e->n_inputs = in;
	return (lane + SK_LANES - 1) / SK_LANES;
}

_Static_assert(SK_N_FX == ENGINE_N_BUSES, "the kernel sends to every effect bus");

struct engine *
engine_new(double fs, unsigned n_strips, const bool *stereo)
{
	struct engine_layout l = { .n_strips = n_strips, .stereo = stereo };

	return engine_new_layout(fs, &l);
}

struct engine *
engine_new_layout(double fs, const struct engine_layout *l)
{
	struct engine *e;
	unsigned n_strips = l->n_strips;
	const bool *stereo = l->stereo;

	if (n_strips == 0 || n_strips > ENGINE_MAX_STRIPS || l->n_aux > ENGINE_MAX_AUX ||
	    l->n_dca > ENGINE_MAX_DCA)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (engine_set_rate(e, fs) < 0)
		goto fail;
	e->strips = calloc(n_strips, sizeof(*e->strips));
	if (!e->strips)
		goto fail;
	e->n_strips = n_strips;
	e->n_aux = l->n_aux;
	e->n_dca = l->n_dca;
	e->direct_outs = l->direct_outs;
	for (unsigned k = 0; k < l->n_aux; k++)
		e->aux_stereo[k] = l->aux_stereo && l->aux_stereo[k];
	for (unsigned k = 0; k < n_strips; k++)
		e->strips[k].stereo = stereo && stereo[k];
	e->n_groups = assign_lanes(e);
	e->groups = zalloc_aligned(e->n_groups * sizeof(*e->groups));
	e->ginfo = calloc(e->n_groups, sizeof(*e->ginfo));
	e->acc = zalloc_aligned(sizeof(*e->acc));
	if (!e->groups || !e->ginfo || !e->acc)
		goto fail;
	for (unsigned k = 0; k < n_strips; k++) {
		struct group_info *gi = &e->ginfo[e->strips[k].group];
		if (!gi->count)
			gi->first = k;
		gi->count++;
		strip_init(&e->strips[k], &e->env);
	}
	if (buses_init(&e->buses, e->env.fs, e->env.smooth_n) < 0)
		goto fail;
	if (master_init(&e->master, &e->env) < 0)
		goto fail;
	engine_set_kernel(e, ENGINE_KERNEL_AUTO);
	settle_all(e);
	return e;

fail:
	engine_free(e);
	return NULL;
}

void
engine_free(struct engine *e)
{
	if (!e)
		return;
	master_free(&e->master);
	buses_free(&e->buses);
	free(e->acc);
	free(e->ginfo);
	free(e->groups);
	free(e->strips);
	free(e);
}

unsigned
engine_n_strips(const struct engine *e)
{
	return e->n_strips;
}

unsigned
engine_n_inputs(const struct engine *e)
{
	return e->n_inputs;
}

bool
engine_strip_stereo(const struct engine *e, unsigned strip)
{
	return strip < e->n_strips && e->strips[strip].stereo;
}

unsigned
engine_strip_input(const struct engine *e, unsigned strip)
{
	return strip < e->n_strips ? e->strips[strip].in : 0;
}

unsigned
engine_n_aux(const struct engine *e)
{
	return e->n_aux;
}

bool
engine_aux_stereo(const struct engine *e, unsigned k)
{
	return k < e->n_aux && e->aux_stereo[k];
}

unsigned
engine_n_dca(const struct engine *e)
{
	return e->n_dca;
}

bool
engine_direct_outs(const struct engine *e)
{
	return e->direct_outs;
}

/* ---- parameters ---- */

static bool
on(float v)
{
	return v >= 0.5f;
}

static bool
is_strip_param(enum engine_param p)
{
	return p < ENGINE_MASTER_FADER || (p >= ENGINE_STRIP_HPF_ON && p <= ENGINE_STRIP_SEND_LAST);
}

/* Whether idx names something the layout has, for a live-console parameter. */
static bool
live_idx_ok(const struct engine *e, enum engine_param p, unsigned idx)
{
	switch (p) {
	case ENGINE_STRIP_CUE:
	case ENGINE_STRIP_DIRECT_PRE:
		return idx < e->n_strips;
	case ENGINE_STRIP_AUX_LEVEL:
	case ENGINE_STRIP_AUX_PRE:
	case ENGINE_STRIP_AUX_PAN:
		return idx / ENGINE_MAX_AUX < e->n_strips && idx % ENGINE_MAX_AUX < e->n_aux;
	case ENGINE_STRIP_DCA:
		return idx / ENGINE_MAX_DCA < e->n_strips && idx % ENGINE_MAX_DCA < e->n_dca;
	case ENGINE_STRIP_MUTEGROUP:
		return idx / ENGINE_MUTE_GROUPS < e->n_strips;
	case ENGINE_AUX_FADER:
	case ENGINE_AUX_MUTE:
	case ENGINE_AUX_MASTER:
	case ENGINE_AUX_CUE:
		return idx < e->n_aux;
	case ENGINE_DCA_FADER:
	case ENGINE_DCA_MUTE:
		return idx < e->n_dca;
	case ENGINE_MUTEGROUP_ON:
		return idx < ENGINE_MUTE_GROUPS;
	default:
		return true;
	}
}

static bool
is_live_param(enum engine_param p)
{
	return p >= ENGINE_STRIP_CUE && p < ENGINE_N_PARAMS;
}

void
engine_set(struct engine *e, enum engine_param p, unsigned strip, float v)
{
	struct strip *s = strip < e->n_strips ? &e->strips[strip] : NULL;

	if (isnan(v) || (unsigned)p >= ENGINE_N_PARAMS || (is_strip_param(p) && !s) ||
	    (is_live_param(p) && !live_idx_ok(e, p, strip))) {
		e->cnt.bad_commands++;
		return;
	}
	if (is_live_param(p)) {
		/* not yet acted on (issue 12 in progress) */
	} else if (p == ENGINE_STRIP_SOLO) {
		if (on(v) != s->solo) {
			s->solo = on(v);
			e->n_solo += s->solo ? 1 : -1;
			/* entering or leaving solo, or changing who is soloed, moves every gate */
			for (unsigned k = 0; k < e->n_strips; k++)
				strip_retarget(&e->strips[k], &e->env,
				               strip_open(e, &e->strips[k]));
		}
	} else if (is_strip_param(p)) {
		strip_store(s, p, v);
		strip_retarget(s, &e->env, strip_open(e, s));
	} else if (!buses_set(&e->buses, p, v) && !master_set(&e->master, &e->env, p, v)) {
		e->cnt.bad_commands++;
		return;
	}
	e->cnt.commands++;
}

/* ---- processing ---- */

/* Copies one input channel into its lane and returns the largest |x| as float bits, in the
 * same pass (numeric.h: NaN and Inf have the largest bits). */
static uint32_t
copy_to_lane(struct sk_group *g, unsigned l, const float *x, uint32_t n)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = abs_bits(x[i]);
		m = b > m ? b : m;
		g->x[i][l] = x[i];
	}
	return m;
}

/* Copies a strip's inputs into its lanes. Garbage in (NaN, Inf, absurd magnitudes) silences the
 * strip for the sub-block and resets its state: what follows starts clean. */
static void
strip_gather(struct engine *e, struct strip *s, const float *const *in, uint32_t off, uint32_t n)
{
	struct sk_group *g = &e->groups[s->group];
	unsigned nl = s->stereo ? 2 : 1;
	uint32_t m = 0;

	for (unsigned c = 0; c < nl; c++) {
		uint32_t mc = copy_to_lane(g, s->lane + c, in[s->in + c] + off, n);
		m = mc > m ? mc : m;
	}
	if (m < NUM_GARBAGE_BITS)
		return;
	for (unsigned c = 0; c < nl; c++) {
		for (uint32_t i = 0; i < n; i++)
			g->x[i][s->lane + c] = 0.0f;
		sk_reset_lane(g, s->lane + c);
	}
	e->cnt.nonfinite_inputs++;
}

/* Sums the 16 lanes of every frame of one accumulator row. */
static void
acc_reduce(const struct sk_acc *acc, int row, float *out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const float *v = acc->v[row][i];
		float a = 0.0f, b = 0.0f, c = 0.0f, d = 0.0f;

		for (unsigned l = 0; l < SK_LANES; l += 4) {
			a += v[l];
			b += v[l + 1];
			c += v[l + 2];
			d += v[l + 3];
		}
		out[i] = (a + b) + (c + d);
	}
}

/* The buses: sends summed per bus, returned into the master sum, copied to the taps. */
static void
buses_block(struct engine *e, const bool *any, float *l, float *r, const struct engine_taps *taps,
            uint32_t off, uint32_t n)
{
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
		float *bl = e->bus_sum[b][0], *br = e->bus_sum[b][1];

		if (any[b]) {
			acc_reduce(e->acc, SK_BUS_L(b), bl, n);
			acc_reduce(e->acc, SK_BUS_R(b), br, n);
		} else {
			memset(bl, 0, n * sizeof(*bl));
			memset(br, 0, n * sizeof(*br));
		}
		/* the taps show what the strips send, before the effect */
		if (taps && taps->bus_l[b])
			memcpy(taps->bus_l[b] + off, bl, n * sizeof(*bl));
		if (taps && taps->bus_r[b])
			memcpy(taps->bus_r[b] + off, br, n * sizeof(*br));
		buses_process(&e->buses, b, bl, br, l, r, n);
	}
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

/* Closes a meter interval: RMS over it becomes readable, the sums restart. */
static void
meters_close_interval(struct engine *e)
{
	uint32_t n = e->meter_count;

	for (unsigned k = 0; k < e->n_strips; k++) {
		struct strip *s = &e->strips[k];
		struct sk_group *g = &e->groups[s->group];
		float ss = g->ss[s->lane];

		if (s->stereo && g->ss[s->lane + 1] > ss)
			ss = g->ss[s->lane + 1];
		s->rms = rms_of(ss, n);
	}
	for (unsigned gi = 0; gi < e->n_groups; gi++)
		memset(e->groups[gi].ss, 0, sizeof(e->groups[gi].ss));
	master_close_interval(&e->master, n);
	e->meter_count = 0;
	e->meters_ready = true;
}

/* One sub-block: at most the rest of the current grid block. */
static void
process_block(struct engine *e, const float *const *in, float *l, float *r,
              const struct engine_taps *taps, uint32_t off, uint32_t n)
{
	bool any_send[SK_N_FX] = { false };

	if (e->grid_pos == 0)
		plan_grid(e, false);
	for (unsigned k = 0; k < e->n_strips; k++)
		strip_gather(e, &e->strips[k], in, off, n);
	for (unsigned gi = 0; gi < e->n_groups; gi++) {
		struct group_info *info = &e->ginfo[gi];
		struct sk_group *g = &e->groups[gi];
		bool moving = false;

		memset(g->send_on, 0, sizeof(g->send_on));
		for (unsigned k = info->first; k < info->first + info->count; k++) {
			struct strip *s = &e->strips[k];
			moving |= strip_plan_ramps(s, g, n);
			for (unsigned b = 0; b < SK_N_FX; b++)
				g->send_on[b] |=
				    s->g_send[b].target != 0.0f || s->g_send[b].cur != 0.0f;
		}
		g->ramps_moving = moving;
		for (unsigned b = 0; b < SK_N_FX; b++)
			any_send[b] |= g->send_on[b];
	}
	for (int row = 0; row < SK_N_OUT; row++)
		if (row < SK_BUS0_L || any_send[(row - SK_BUS0_L) / 2])
			memset(e->acc->v[row], 0, n * sizeof(e->acc->v[row][0]));
	for (unsigned gi = 0; gi < e->n_groups; gi++) {
		struct sk_group *g = &e->groups[gi];
		uint32_t bad;

		bad = e->kernel_fn(g, e->acc, e->grid_pos, n);
		if (bad)
			e->cnt.state_resets += (uint64_t)__builtin_popcount(bad);
	}
	acc_reduce(e->acc, SK_OUT_L, l, n);
	acc_reduce(e->acc, SK_OUT_R, r, n);
	buses_block(e, any_send, l, r, taps, off, n);
	master_process(&e->master, &e->env, l, r, e->grid_pos, n);
	e->grid_pos = (e->grid_pos + n) % SK_BLOCK;
}

/* Copies a finished sub-block to an output that is wanted. */
static void
put(float *out, const float *blk, uint32_t off, uint32_t n)
{
	if (out)
		memcpy(out + off, blk, n * sizeof(*blk));
}

static void
put_zero(float *out, uint32_t off, uint32_t n)
{
	if (out)
		memset(out + off, 0, n * sizeof(*out));
}

bool
engine_process_outputs(struct engine *e, const float *const *in, const struct engine_outputs *o,
                       uint32_t n)
{
	bool ready;

	for (uint32_t off = 0; off < n;) {
		uint32_t len = SK_BLOCK - e->grid_pos;

		if (len > n - off)
			len = n - off;
		/* rendered into the engine's own buffers and copied once finished: an output never
		 * holds a half-processed sum (a reader of a late cycle sees old or final samples) */
		process_block(e, in, e->blk_l, e->blk_r, o->taps, off, len);
		put(o->master_l, e->blk_l, off, len);
		put(o->master_r, e->blk_r, off, len);
		for (unsigned k = 0; k < e->n_aux; k++) {
			put_zero(o->aux[k][0], off, len);
			put_zero(o->aux[k][1], off, len);
		}
		put_zero(o->monitor_l, off, len);
		put_zero(o->monitor_r, off, len);
		if (o->direct && e->direct_outs)
			for (unsigned c = 0; c < e->n_inputs; c++)
				put_zero(o->direct[c], off, len);
		off += len;
		e->meter_count += len;
		e->meter_pos += len;
		if (e->meter_pos >= e->meter_n) {
			e->meter_pos -= e->meter_n;
			meters_close_interval(e);
		}
	}
	e->cnt.frames += n;
	ready = e->meters_ready;
	e->meters_ready = false;
	return ready;
}

bool
engine_process_taps(struct engine *e, const float *const *in, float *out_l, float *out_r,
                    const struct engine_taps *taps, uint32_t n)
{
	struct engine_outputs o = { .master_l = out_l, .master_r = out_r, .taps = (struct engine_taps *)taps };

	return engine_process_outputs(e, in, &o, n);
}

bool
engine_process(struct engine *e, const float *const *in, float *out_l, float *out_r, uint32_t n)
{
	return engine_process_taps(e, in, out_l, out_r, NULL, n);
}

uint32_t
engine_output_latency(const struct engine *e, enum engine_output kind)
{
	return kind == ENGINE_OUTPUT_MASTER ? engine_latency(e) : 0;
}

static void
meter_zero(struct engine_meter *m)
{
	m->peak = m->rms = m->gr = 0.0f;
}

void
engine_read_aux_meter(struct engine *e, unsigned k, struct engine_meter *l,
                      struct engine_meter *r)
{
	(void)e;
	(void)k;
	meter_zero(l);
	meter_zero(r);
}

void
engine_read_monitor_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r)
{
	(void)e;
	meter_zero(l);
	meter_zero(r);
}

void
engine_read_strip_meter(struct engine *e, unsigned k, struct engine_meter *m)
{
	struct strip *s;
	struct sk_group *g;

	if (k >= e->n_strips) {
		m->peak = m->rms = m->gr = 0.0f;
		return;
	}
	s = &e->strips[k];
	g = &e->groups[s->group];
	m->peak = g->peak[s->lane];
	m->gr = g->comp.gr[s->lane];
	g->peak[s->lane] = g->comp.gr[s->lane] = 0.0f;
	if (s->stereo) {
		m->peak = fmaxf(m->peak, g->peak[s->lane + 1]);
		m->gr = fmaxf(m->gr, g->comp.gr[s->lane + 1]);
		g->peak[s->lane + 1] = g->comp.gr[s->lane + 1] = 0.0f;
	}
	m->rms = s->rms;
}

void
engine_read_master_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r)
{
	l->peak = e->master.peak_l;
	l->rms = e->master.rms_l;
	r->peak = e->master.peak_r;
	r->rms = e->master.rms_r;
	l->gr = r->gr = master_read_limiter_gr(&e->master);
	e->master.peak_l = e->master.peak_r = 0.0f;
}

void
engine_read_master_dynamics(struct engine *e, float *truepeak, float *comp_gr)
{
	*truepeak = master_read_truepeak(&e->master);
	*comp_gr = master_read_comp_gr(&e->master);
}

void
engine_set_tempo(struct engine *e, double bpm)
{
	buses_set_tempo(&e->buses, bpm);
}

void
engine_read_bus_meter(struct engine *e, unsigned bus, float *peak_l, float *peak_r)
{
	if (bus >= ENGINE_N_BUSES) {
		*peak_l = *peak_r = 0.0f;
		return;
	}
	buses_read_meter(&e->buses, bus, peak_l, peak_r);
}

uint32_t
engine_latency(const struct engine *e)
{
	return master_latency(&e->master);
}

void
engine_counters(const struct engine *e, struct engine_counters *c)
{
	*c = e->cnt;
	c->state_resets += e->master.state_resets + buses_resets(&e->buses);
	c->nonfinite_inputs += buses_dropped(&e->buses);
	c->nonfinite_output += e->master.nonfinite_output;
}
