/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "gain.h"
#include "numeric.h"

const char *const engine_bus_names[ENGINE_N_BUSES] = ENGINE_BUS_NAMES;

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

void
engine_plan_grid(struct engine *e, bool force)
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
		engine_strip_retarget(e, k);
		strip_settle(s, &e->env, &e->groups[s->group]);
	}
	aux_settle(&e->aux, e->strips, e->env.smooth_n);
	cue_settle(&e->cue, e->env.smooth_n);
	buses_settle(&e->buses);
	master_settle(&e->master, &e->env);
	e->grid_pos = 0;
	engine_plan_grid(e, true);
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
	e->direct_outs = l->direct_outs;
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
	if (aux_init(&e->aux, l->n_aux, l->aux_stereo, n_strips, e->n_groups, e->env.smooth_n) < 0)
		goto fail;
	for (unsigned gi = 0; gi < e->n_groups; gi++)
		e->groups[gi].aux = l->n_aux ? &e->aux.gaux[gi] : NULL;
	groups_init(&e->grp, l->n_dca);
	cue_init(&e->cue, e->env.smooth_n);
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
	aux_free(&e->aux);
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
	return e->aux.n_aux;
}

bool
engine_aux_stereo(const struct engine *e, unsigned k)
{
	return k < e->aux.n_aux && e->aux.bus[k].stereo;
}

unsigned
engine_n_dca(const struct engine *e)
{
	return e->grp.n_dca;
}

bool
engine_direct_outs(const struct engine *e)
{
	return e->direct_outs;
}

uint32_t
engine_output_latency(const struct engine *e, enum engine_output kind)
{
	return kind == ENGINE_OUTPUT_MASTER ? engine_latency(e) : 0;
}

void
engine_read_aux_meter(struct engine *e, unsigned k, struct engine_meter *l, struct engine_meter *r)
{
	if (k >= e->aux.n_aux) {
		l->peak = l->rms = l->gr = r->peak = r->rms = r->gr = 0.0f;
		return;
	}
	aux_read_meter(&e->aux, k, l, r);
}

void
engine_read_monitor_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r)
{
	cue_read_meter(&e->cue, l, r);
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
engine_read_master_multiband(struct engine *e, float gr[3])
{
	master_read_multiband_gr(&e->master, gr);
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
	c->nonfinite_output += e->master.nonfinite_output + e->aux.nonfinite + e->cue.nonfinite;
}
