/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine_process: the audio path of one call, in sub-blocks of at most the rest of the current
 * 32-sample grid block:
 *
 *   inputs -> lanes -> strip kernels -> main sum, effect sends, aux sends (accumulated per lane)
 *   effect buses -> return into the main sum;  aux buses -> fader -> outputs (+ subgroups into
 *   the main sum);  master -> (monitor's main tap) -> limiter;  cue taps -> monitor;  direct
 *   outs from the strips' lanes.
 *
 * Every output gets each sample once, finished: the engine renders into buffers of its own and
 * copies, so a reader of a late cycle never sees a half-processed sum.
 */
#include <math.h>
#include <string.h>

#include "direct.h"
#include "engine_impl.h"
#include "numeric.h"

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
	sk_reduce(acc->v[row][0], out, n);
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
		buses_process(&e->buses, b, bl, br, l, r, e->bus_g[b], n);
	}
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

void
engine_close_interval(struct engine *e)
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
	aux_close_interval(&e->aux, n);
	cue_close_interval(&e->cue, n);
	e->meter_count = 0;
	e->meters_ready = true;
}

/* Plans every group's gains, effect and aux sends and taps for the next n samples; any_send
 * says which effect buses some lane sends to. */
static void
plan_block(struct engine *e, bool *any_send, bool direct, uint32_t n)
{
	aux_begin(&e->aux);
	for (unsigned gi = 0; gi < e->n_groups; gi++) {
		struct group_info *info = &e->ginfo[gi];
		struct sk_group *g = &e->groups[gi];
		bool moving = false;

		memset(g->send_on, 0, sizeof(g->send_on));
		g->tap_pre = 0;
		for (unsigned k = info->first; k < info->first + info->count; k++) {
			struct strip *s = &e->strips[k];
			moving |= strip_plan_ramps(s, g, n);
			for (unsigned b = 0; b < SK_N_FX; b++)
				g->send_on[b] |= (uint8_t)(s->fx_live >> b & 1u);
			g->tap_pre |= direct && direct_needs_tap(s);
		}
		g->ramps_moving = moving;
		for (unsigned b = 0; b < SK_N_FX; b++)
			any_send[b] |= g->send_on[b];
		aux_plan_group(&e->aux, gi, e->strips + info->first, info->first, info->count, n);
	}
	for (int row = 0; row < SK_N_OUT; row++)
		if (row < SK_BUS0_L || any_send[(row - SK_BUS0_L) / 2])
			memset(e->acc->v[row], 0, n * sizeof(e->acc->v[row][0]));
	aux_clear_rows(&e->aux, n);
}

/* The monitor: whatever is cued, or the main mix (before the limiter). */
static void
monitor_block(struct engine *e, uint32_t n)
{
	struct cue *c = &e->cue;

	cue_begin(c, n);
	if (c->n_cued || ramp_moving(&c->g_main)) {
		for (unsigned k = 0; k < e->n_strips; k++) {
			struct strip *s = &e->strips[k];
			cue_strip(c, s, &e->groups[s->group], n);
		}
		for (unsigned k = 0; k < e->aux.n_aux; k++) {
			struct aux_bus *b = &e->aux.bus[k];
			cue_bus(c, &b->g_cue, b->sum[0], b->sum[1], b->out[0], b->out[1], n);
		}
		for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
			float afl_l[SK_BLOCK], afl_r[SK_BLOCK];

			if (!ramp_live(&c->g_fx[b]))
				continue;
			for (uint32_t i = 0; i < n; i++) {
				afl_l[i] = e->bus_sum[b][0][i] * e->bus_g[b][i];
				afl_r[i] = e->bus_sum[b][1][i] * e->bus_g[b][i];
			}
			cue_bus(c, &c->g_fx[b], e->bus_sum[b][0], e->bus_sum[b][1], afl_l, afl_r,
			        n);
		}
	}
	cue_finish(c, e->main_l, e->main_r, n);
}

/* One sub-block: at most the rest of the current grid block. The master ends in e->blk_l/r,
 * the monitor in e->cue.l/r, the aux buses in e->aux.bus[k].out; direct outs are written to
 * o->direct. */
static void
process_block(struct engine *e, const float *const *in, const struct engine_outputs *o,
              uint32_t off, uint32_t n)
{
	bool any_send[SK_N_FX] = { false };
	bool direct = e->direct_outs && o->direct;
	/* no monitor output wanted (engine_process, mixrender): no cue work, no monitor meters */
	bool monitor = o->monitor_l || o->monitor_r;
	float *l = e->blk_l, *r = e->blk_r;

	if (e->grid_pos == 0)
		engine_plan_grid(e, false);
	for (unsigned k = 0; k < e->n_strips; k++)
		strip_gather(e, &e->strips[k], in, off, n);
	plan_block(e, any_send, direct, n);
	for (unsigned gi = 0; gi < e->n_groups; gi++) {
		struct sk_group *g = &e->groups[gi];
		uint32_t bad;

		bad = e->kernel_fn(g, e->acc, e->grid_pos, n);
		if (bad)
			e->cnt.state_resets += (uint64_t)__builtin_popcount(bad);
	}
	acc_reduce(e->acc, SK_OUT_L, l, n);
	acc_reduce(e->acc, SK_OUT_R, r, n);
	buses_block(e, any_send, l, r, o->taps, off, n);
	aux_mix(&e->aux, l, r, n);
	master_process(&e->master, &e->env, l, r, e->grid_pos, n, monitor ? e->main_l : NULL,
	               monitor ? e->main_r : NULL);
	if (monitor)
		monitor_block(e, n);
	if (direct)
		for (unsigned k = 0; k < e->n_strips; k++) {
			struct strip *s = &e->strips[k];
			e->cnt.nonfinite_output +=
			    direct_strip(s, &e->groups[s->group], o->direct, off, n);
		}
	e->grid_pos = (e->grid_pos + n) % SK_BLOCK;
}

/* Copies a finished sub-block to an output that is wanted. */
static void
put(float *out, const float *blk, uint32_t off, uint32_t n)
{
	if (out)
		memcpy(out + off, blk, n * sizeof(*blk));
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
		 * holds a half-processed sum (a reader of a late cycle sees old or final samples)
		 */
		process_block(e, in, o, off, len);
		put(o->master_l, e->blk_l, off, len);
		put(o->master_r, e->blk_r, off, len);
		for (unsigned k = 0; k < e->aux.n_aux; k++) {
			put(o->aux[k][0], e->aux.bus[k].out[0], off, len);
			put(o->aux[k][1], e->aux.bus[k].out[1], off, len);
		}
		put(o->monitor_l, e->cue.l, off, len);
		put(o->monitor_r, e->cue.r, off, len);
		off += len;
		e->meter_count += len;
		e->meter_pos += len;
		if (e->meter_pos >= e->meter_n) {
			e->meter_pos -= e->meter_n;
			engine_close_interval(e);
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
	struct engine_outputs o = { .master_l = out_l,
		                    .master_r = out_r,
		                    .taps = (struct engine_taps *)taps };

	return engine_process_outputs(e, in, &o, n);
}

bool
engine_process(struct engine *e, const float *const *in, float *out_l, float *out_r, uint32_t n)
{
	return engine_process_taps(e, in, out_l, out_r, NULL, n);
}
