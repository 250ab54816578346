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

int
render_loud_read_many(struct render_loud *const *l, size_t n, struct render_loudness *out)
{
	ebur128_state **st;
	double peak = 0.0;
	int ret = 0;

	if (n == 0)
		return -EINVAL;
	st = calloc(n, sizeof(*st));
	if (!st)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		struct render_loudness one;
		if (render_loud_read(l[k], &one) < 0) {
			free(st);
			return -EIO;
		}
		if (isfinite(one.true_peak))
			peak = fmax(peak, pow(10.0, one.true_peak / 20.0));
		st[k] = l[k]->st;
	}
	if (ebur128_loudness_global_multiple(st, n, &out->integrated) != EBUR128_SUCCESS ||
	    ebur128_loudness_range_multiple(st, n, &out->range) != EBUR128_SUCCESS)
		ret = -EIO;
	free(st);
	if (ret)
		return ret;
	if (!isfinite(out->integrated))
		out->integrated = -INFINITY;
	out->true_peak = peak > 0.0 ? 20.0 * log10(peak) : -INFINITY;
	return 0;
}
