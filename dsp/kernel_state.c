/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernels' state housekeeping: lane reset, and the reference kernel's flush of vanishing
 * states and non-finite check (the vector kernels do theirs in registers). */
#include <math.h>
#include <stddef.h>

#include "kernel.h"

void
sk_reset_lane(struct sk_group *g, unsigned l)
{
	for (int st = 0; st < SK_N_SVF; st++)
		g->svf[st].ic1[l] = g->svf[st].ic2[l] = 0.0f;
	g->comp.y1[l] = g->comp.yl[l] = 0.0f;
}

static void
flush(float *v, float tiny)
{
	if (fabsf(*v) < tiny)
		*v = 0.0f;
}

uint32_t
sk_check_state(struct sk_group *g)
{
	uint32_t bad = 0;

	for (unsigned l = 0; l < SK_LANES; l++) {
		float sum = g->comp.y1[l] + g->comp.yl[l];

		for (int st = 0; st < SK_N_SVF; st++) {
			struct sk_svf *s = &g->svf[st];
			flush(&s->ic1[l], SK_FLUSH_AUDIO);
			flush(&s->ic2[l], SK_FLUSH_AUDIO);
			sum += s->ic1[l] + s->ic2[l];
		}
		flush(&g->comp.y1[l], SK_FLUSH_DB);
		flush(&g->comp.yl[l], SK_FLUSH_DB);
		if (!isfinite(sum)) {
			sk_reset_lane(g, l);
			bad |= 1u << l;
		}
	}
	return bad;
}

void
sk_reduce(const float *row, float *out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const float *v = row + (size_t)i * SK_LANES;
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
