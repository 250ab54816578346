/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "render_gain.h"

#include <math.h>

double
render_next_gain(const double *g, const double *lufs, unsigned n, double target)
{
	int lo = -1, hi = -1;
	double slope = 1.0;

	for (unsigned k = 0; k < n; k++) {
		if (lufs[k] < target && (lo < 0 || g[k] > g[lo]))
			lo = (int)k;
		if (lufs[k] > target && (hi < 0 || g[k] < g[hi]))
			hi = (int)k;
	}
	if (lo >= 0 && hi >= 0 && lufs[hi] > lufs[lo])
		return g[lo] + (target - lufs[lo]) * (g[hi] - g[lo]) / (lufs[hi] - lufs[lo]);
	if (n >= 2 && g[n - 1] != g[n - 2])
		slope = (lufs[n - 1] - lufs[n - 2]) / (g[n - 1] - g[n - 2]);
	slope = fmin(fmax(slope, 0.25), 1.0);
	return g[n - 1] + (target - lufs[n - 1]) / slope;
}
