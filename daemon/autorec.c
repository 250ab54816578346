/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "autorec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct autorec_tol
autorec_tol_for(float min, float max, const char *unit)
{
	if (unit && !strcmp(unit, "Hz"))
		return (struct autorec_tol){ 0.0f, 1e-3f };
	return (struct autorec_tol){ (max - min) / 2000.0f, 0.0f };
}

/* The slope from anchor a to (t, v). */
static double
slope(const struct automation_point *a, double t, double v)
{
	return (v - a->value) / (t - a->time);
}

/* Appends a point, starting a new segment: its cone is open again. */
static int
append(struct autorec_pass *p, struct autorec_budget *b, double t, float v, bool linear)
{
	if (b->file_points + b->pass_points >= AUTOREC_MAX_POINTS) {
		b->refused++;
		p->full = true;
		return -ENOSPC;
	}
	if (p->n == p->cap) {
		unsigned nc = p->cap ? p->cap * 2 : 64;
		struct automation_point *np = realloc(p->pts, nc * sizeof(*np));
		if (!np)
			return -ENOMEM;
		p->pts = np;
		p->cap = nc;
	}
	p->pts[p->n++] =
	    (struct automation_point){ .time = t, .in_frames = true, .linear = linear, .value = v };
	p->lo = -INFINITY;
	p->hi = INFINITY;
	b->pass_points++;
	return 0;
}

int
autorec_add(struct autorec_pass *p, struct autorec_budget *b, uint64_t frame, float v, bool linear,
            struct autorec_tol tol)
{
	double t = (double)frame;
	struct automation_point *last, *anchor;
	double lo, hi, s, d;

	if (!linear || p->n == 0 || !p->pts[p->n - 1].linear)
		return append(p, b, t, v, linear);
	last = &p->pts[p->n - 1];
	/* only the last move of a playback sub-block is heard: it takes the place of the one
	 * before it (never of a step, which starts a gesture) */
	if (t - last->time < AUTOREC_GRID) {
		last->time = t;
		last->value = v;
		return 0;
	}
	if (p->n < 2)
		return append(p, b, t, v, linear);
	/* the swing door: the last point may go when the line from the anchor before it to the
	 * new point passes within tol of it and of every point it already replaced; the cone
	 * [lo, hi] holds the slopes that do */
	anchor = &p->pts[p->n - 2];
	if (last->time <= anchor->time)
		return append(p, b, t, v, linear);
	d = tol.abs + tol.rel * fabs(last->value);
	lo = fmax(p->lo, slope(anchor, last->time, (double)last->value - d));
	hi = fmin(p->hi, slope(anchor, last->time, (double)last->value + d));
	s = slope(anchor, t, v);
	if (s < lo || s > hi)
		return append(p, b, t, v, linear);
	p->lo = lo;
	p->hi = hi;
	last->time = t;
	last->value = v;
	return 0;
}

void
autorec_clear(struct autorec_pass *p, struct autorec_budget *b)
{
	b->pass_points -= p->n < b->pass_points ? p->n : b->pass_points;
	p->n = 0;
	p->full = false;
}
