/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_loud: libebur128 over the rendered master. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <ebur128.h>

#include "render_loud.h"

struct render_loud {
	ebur128_state *st;
};

struct render_loud *
render_loud_new(unsigned rate)
{
	struct render_loud *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->st = ebur128_init(2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
	if (!l->st) {
		free(l);
		return NULL;
	}
	return l;
}

void
render_loud_free(struct render_loud *l)
{
	if (!l)
		return;
	ebur128_destroy(&l->st);
	free(l);
}

int
render_loud_add(struct render_loud *l, const float *lr, size_t n)
{
	return ebur128_add_frames_float(l->st, lr, n) == EBUR128_SUCCESS ? 0 : -ENOMEM;
}

int
render_loud_read(struct render_loud *l, struct render_loudness *out)
{
	double tp[2];

	if (ebur128_loudness_global(l->st, &out->integrated) != EBUR128_SUCCESS ||
	    ebur128_loudness_range(l->st, &out->range) != EBUR128_SUCCESS ||
	    ebur128_true_peak(l->st, 0, &tp[0]) != EBUR128_SUCCESS ||
	    ebur128_true_peak(l->st, 1, &tp[1]) != EBUR128_SUCCESS)
		return -EIO;
	/* libebur128 gives -HUGE_VAL for silence; say -inf plainly */
	if (!isfinite(out->integrated))
		out->integrated = -INFINITY;
	tp[0] = fmax(tp[0], tp[1]);
	out->true_peak = tp[0] > 0.0 ? 20.0 * log10(tp[0]) : -INFINITY;
	return 0;
}
