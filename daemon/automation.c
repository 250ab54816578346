/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "automation.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation_file.h"
#include "engine.h"
#include "params.h"
#include "ring.h"

struct point {
	uint64_t frame;
	float value;
	bool linear; /* glide from the previous point to this one */
	unsigned line;
};

/* One lane. Glossary of the RT state: cursor, the index of the last point at or before the last
 * frame evaluated (a hint: playback moves forward, so the next evaluation almost always lands on
 * it or the next one); applied, the value last given to engine_set (NaN: none yet); reported,
 * the value last reported to the control thread; reported_at, the player's clock then. */
struct lane {
	unsigned idx;
	uint16_t engine, strip;
	unsigned n;
	struct point *pts;
	unsigned cursor;
	float applied, reported;
	uint64_t reported_at;
};

struct automation_set {
	unsigned rate;
	uint32_t lead;             /* frames lanes are read ahead while rolling: the glide */
	uint32_t report_interval;  /* frames between two reports of a lane */
	uint32_t refresh_interval; /* frames between two reports of a still lane, rolling */
	unsigned n_lanes;
	struct lane *lanes;
	struct point *pts; /* every lane's points, one allocation */
};

struct automation {
	unsigned n_params;
	struct ring *in;   /* control -> RT: struct automation_set * (NULL clears) */
	struct ring *back; /* RT -> control: replaced sets, to free */
	/* per parameter: 1 play, 0 off. Relaxed: each is an independent flag and the set it
	 * applies to is reached through the rings' acquire/release, not through it */
	atomic_uchar *mode;
	/* a mode changed: chase when stopped. exchange by RT, store by control */
	atomic_bool chase;
	unsigned in_flight; /* control: non-NULL sets handed over and not yet collected */

	/* RT-owned */
	struct automation_set *cur;
	uint64_t last_frame;
	bool have_last;
	bool rolling;   /* as of the last automation_rt_begin */
	uint64_t clock; /* frames processed: the time base of the report interval */
};

/* ---- sets ---- */

static int
cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

struct automation_set *
automation_build(const struct automation_file *af, const struct params *ps, unsigned rate,
                 char *err, size_t errlen)
{
	struct automation_set *s;
	size_t total = 0, off = 0;

	if (rate < 1000 || rate > 1000000) {
		snprintf(err, errlen, "bad sample rate %u", rate);
		return NULL;
	}
	if (params_count(ps) > 65536) {
		snprintf(err, errlen, "too many parameters to automate");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto oom;
	s->rate = rate;
	s->lead = (uint32_t)lround(ENGINE_SMOOTH_MS * rate / 1000.0);
	s->report_interval = (uint32_t)lround(AUTOMATION_REPORT_MS * rate / 1000.0);
	s->refresh_interval = (uint32_t)lround(AUTOMATION_REFRESH_MS * rate / 1000.0);
	s->n_lanes = af->n_lanes;
	for (unsigned i = 0; i < af->n_lanes; i++)
		total += af->lanes[i].n;
	s->lanes = calloc(af->n_lanes ? af->n_lanes : 1, sizeof(*s->lanes));
	s->pts = calloc(total ? total : 1, sizeof(*s->pts));
	if (!s->lanes || !s->pts)
		goto oom;
	for (unsigned i = 0; i < af->n_lanes; i++) {
		const struct automation_lane *fl = &af->lanes[i];
		const struct param *p = params_at(ps, fl->idx);
		struct lane *l = &s->lanes[i];

		if (!p || p->d->engine < 0) {
			snprintf(err, errlen, "lane for a parameter the engine does not have");
			automation_set_free(s);
			return NULL;
		}
		l->idx = fl->idx;
		l->engine = (uint16_t)p->d->engine;
		l->strip = (uint16_t)p->eidx;
		l->n = fl->n;
		l->pts = s->pts + off;
		off += fl->n;
		for (unsigned k = 0; k < fl->n; k++) {
			const struct automation_point *fp = &fl->pts[k];
			double fr = fp->in_frames ? fp->time : fp->time * rate;

			/* 2^53 frames is the file's own bound; seconds that far out are clamped */
			l->pts[k] = (struct point){
				.frame =
				    fr >= 9007199254740992.0 ? (1ull << 53) : (uint64_t)llround(fr),
				.value = fp->value,
				.linear = fp->linear,
				.line = fp->line,
			};
		}
		qsort(l->pts, l->n, sizeof(*l->pts), cmp_point);
		l->applied = l->reported = NAN;
	}
	return s;
oom:
	snprintf(err, errlen, "out of memory");
	automation_set_free(s);
	return NULL;
}

void
automation_set_free(struct automation_set *s)
{
	if (!s)
		return;
	free(s->pts);
	free(s->lanes);
	free(s);
}

unsigned
automation_set_rate(const struct automation_set *s)
{
	return s->rate;
}

unsigned
automation_set_lanes(const struct automation_set *s)
{
	return s->n_lanes;
}

/* The value of lane l at frame t; *cursor is the search hint, updated. Between two points the
 * later one's mode decides: linear interpolates in the parameter's unit, step holds the earlier
 * value. */
static float
lane_value(const struct lane *l, uint64_t t, unsigned *cursor)
{
	const struct point *p = l->pts;
	unsigned k = *cursor, lo, hi;

	if (k >= l->n)
		k = 0;
	/* the hint, or the point after it (the common case while rolling); else bisect for the
	 * last point at or before t */
	if (!(p[k].frame <= t && (k + 1 == l->n || p[k + 1].frame > t))) {
		if (k + 1 < l->n && p[k + 1].frame <= t && (k + 2 == l->n || p[k + 2].frame > t)) {
			k++;
		} else {
			lo = 0;
			hi = l->n; /* invariant: p[lo - 1].frame <= t < p[hi].frame */
			while (lo < hi) {
				unsigned mid = lo + (hi - lo) / 2;
				if (p[mid].frame <= t)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == 0) { /* before the first point: hold it */
				*cursor = 0;
				return p[0].value;
			}
			k = lo - 1;
		}
	}
	*cursor = k;
	if (p[k].frame > t) /* only k == 0 can be after t */
		return p[0].value;
	if (k + 1 < l->n && p[k + 1].linear) {
		double x = (double)(t - p[k].frame) / (double)(p[k + 1].frame - p[k].frame);
		return (float)(p[k].value + (p[k + 1].value - p[k].value) * x);
	}
	return p[k].value;
}

int
automation_set_value(const struct automation_set *s, unsigned idx, uint64_t frame, float *out)
{
	for (unsigned i = 0; i < s->n_lanes; i++) {
		if (s->lanes[i].idx == idx) {
			unsigned hint = 0;
			*out = lane_value(&s->lanes[i], frame, &hint);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- the player ---- */

struct automation *
automation_new(unsigned n_params)
{
	struct automation *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->n_params = n_params;
	a->in = ring_new(sizeof(struct automation_set *), AUTOMATION_MAX_IN_FLIGHT);
	a->back = ring_new(sizeof(struct automation_set *), AUTOMATION_MAX_IN_FLIGHT);
	a->mode = calloc(n_params ? n_params : 1, sizeof(*a->mode));
	if (!a->in || !a->back || !a->mode) {
		automation_free(a);
		return NULL;
	}
	for (unsigned i = 0; i < n_params; i++)
		atomic_init(&a->mode[i], 1);
	atomic_init(&a->chase, false);
	return a;
}

void
automation_free(struct automation *a)
{
	struct automation_set *s;

	if (!a)
		return;
	/* the RT thread is gone: both ends of both rings are ours now */
	while (a->in && ring_pop(a->in, &s))
		automation_set_free(s);
	while (a->back && ring_pop(a->back, &s))
		automation_set_free(s);
	automation_set_free(a->cur);
	ring_free(a->in);
	ring_free(a->back);
	free(a->mode);
	free(a);
}

int
automation_swap(struct automation *a, struct automation_set *s)
{
	/* every ring slot the RT side may ever give back is accounted for here, counting NULLs
	 * too (they take a slot of the in ring) */
	if (a->in_flight >= AUTOMATION_MAX_IN_FLIGHT - 1 || !ring_push(a->in, &s))
		return -EBUSY;
	if (s)
		a->in_flight++;
	return 0;
}

unsigned
automation_collect(struct automation *a)
{
	struct automation_set *s;
	unsigned n = 0;

	while (ring_pop(a->back, &s)) {
		automation_set_free(s);
		n++;
	}
	a->in_flight -= n <= a->in_flight ? n : a->in_flight;
	return n;
}

void
automation_set_mode(struct automation *a, unsigned idx, bool play)
{
	if (idx >= a->n_params)
		return;
	atomic_store_explicit(&a->mode[idx], play ? 1 : 0, memory_order_relaxed);
	atomic_store_explicit(&a->chase, true, memory_order_relaxed);
}

bool
automation_mode(const struct automation *a, unsigned idx)
{
	return idx < a->n_params && atomic_load_explicit(&a->mode[idx], memory_order_relaxed) != 0;
}

/* RT. Reports what lanes of s applied and did not report yet; force ignores the interval (a set
 * about to be given back has no later period). */
static void
report(struct automation *a, struct automation_set *s, automation_emit_fn emit, void *ctx,
       bool force)
{
	for (unsigned i = 0; i < s->n_lanes; i++) {
		struct lane *l = &s->lanes[i];

		uint64_t age = a->clock - l->reported_at;

		/* NaN applied: nothing yet; equal: already told, unless it is time to refresh */
		if (isnan(l->applied))
			continue;
		if (l->applied == l->reported &&
		    !(a->rolling && age >= s->refresh_interval &&
		      atomic_load_explicit(&a->mode[l->idx], memory_order_relaxed)))
			continue;
		if (!force && !isnan(l->reported) && age < s->report_interval)
			continue;
		if (!emit(ctx, l->idx, l->applied))
			return; /* ring full: the rest waits for the next period */
		l->reported = l->applied;
		l->reported_at = a->clock;
	}
}

/* RT. Applies every playing lane at frame t. */
static void
apply_at(struct automation *a, struct engine *e, uint64_t t, bool force)
{
	struct automation_set *s = a->cur;

	for (unsigned i = 0; i < s->n_lanes; i++) {
		struct lane *l = &s->lanes[i];
		float v;

		if (!atomic_load_explicit(&a->mode[l->idx], memory_order_relaxed))
			continue;
		v = lane_value(l, t, &l->cursor);
		if (v == l->applied && !force)
			continue;
		engine_set(e, (enum engine_param)l->engine, l->strip, v);
		l->applied = v;
	}
}

bool
automation_rt_begin(struct automation *a, struct engine *e, bool rolling, uint64_t frame,
                    uint32_t n_frames, automation_emit_fn emit, void *ctx)
{
	struct automation_set *s;
	bool fresh = false, chase;

	/* the newest set wins; each one it replaces goes back to be freed. The back ring has a
	 * slot for every set in flight (automation_swap), so this push cannot fail */
	while (ring_pop(a->in, &s)) {
		if (a->cur) {
			/* its last moves still reach the model (a full ring loses them: counted
			 * by the caller's emit) */
			report(a, a->cur, emit, ctx, true);
			ring_push(a->back, &a->cur);
		}
		a->cur = s;
		fresh = true;
	}
	a->clock += n_frames;
	a->rolling = rolling;
	if (!a->cur)
		return false;
	if (rolling) {
		/* a chase request is moot while rolling: every lane is applied anyway */
		if (atomic_load_explicit(&a->chase, memory_order_relaxed))
			atomic_store_explicit(&a->chase, false, memory_order_relaxed);
		/* where a stop leaves the transport: stopping does not chase back 10 ms */
		a->last_frame = frame + n_frames;
		a->have_last = true;
		return true;
	}
	chase = fresh || !a->have_last || frame != a->last_frame;
	if (atomic_load_explicit(&a->chase, memory_order_relaxed))
		chase |= atomic_exchange_explicit(&a->chase, false, memory_order_relaxed);
	if (chase)
		apply_at(a, e, frame, true);
	a->last_frame = frame;
	a->have_last = true;
	return false;
}

void
automation_rt_apply(struct automation *a, struct engine *e, uint64_t frame, bool force)
{
	apply_at(a, e, frame + a->cur->lead, force);
}

/* An output buffer advanced to a sub-block; NULL (not rendered) stays NULL. */
static float *
at(float *buf, uint32_t off)
{
	return buf ? buf + off : NULL;
}

bool
automation_rt_process_outputs(struct automation *a, struct engine *e, uint64_t frame,
                              const float *const *in, const float **sub,
                              const struct engine_outputs *o, float **sub_direct, uint32_t n)
{
	const unsigned n_in = engine_n_inputs(e);
	struct engine_outputs so = *o;
	bool meters = false;
	uint32_t off, m;

	so.direct = o->direct ? sub_direct : NULL;
	/* engine_process over consecutive pieces is the same as over the whole (it keeps its
	 * own sub-block phase), so only the lanes' values depend on where the pieces fall */
	for (off = 0; off < n; off += m) {
		m = n - off < ENGINE_BLOCK ? n - off : ENGINE_BLOCK;
		automation_rt_apply(a, e, frame + off, off == 0);
		for (unsigned i = 0; i < n_in; i++) {
			sub[i] = in[i] + off;
			if (so.direct)
				so.direct[i] = o->direct[i] + off;
		}
		so.master_l = at(o->master_l, off);
		so.master_r = at(o->master_r, off);
		so.monitor_l = at(o->monitor_l, off);
		so.monitor_r = at(o->monitor_r, off);
		for (unsigned k = 0; k < ENGINE_MAX_AUX; k++) {
			so.aux[k][0] = at(o->aux[k][0], off);
			so.aux[k][1] = at(o->aux[k][1], off);
		}
		meters |= engine_process_outputs(e, sub, &so, m);
	}
	return meters;
}

bool
automation_rt_process(struct automation *a, struct engine *e, uint64_t frame,
                      const float *const *in, const float **sub, float *out_l, float *out_r,
                      uint32_t n)
{
	const struct engine_outputs o = { .master_l = out_l, .master_r = out_r };

	return automation_rt_process_outputs(a, e, frame, in, sub, &o, NULL, n);
}

void
automation_rt_report(struct automation *a, automation_emit_fn emit, void *ctx)
{
	if (a->cur)
		report(a, a->cur, emit, ctx, false);
}
