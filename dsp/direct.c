/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "direct.h"

#include <math.h>
#include <string.h>

bool
direct_needs_tap(const struct strip *s)
{
	return ramp_live(&s->g_dpre);
}

unsigned
direct_strip(struct strip *s, const struct sk_group *g, float *const *out, uint32_t off, uint32_t n)
{
	float w[SK_BLOCK];
	unsigned nl = s->stereo ? 2 : 1, bad = 0;

	ramp_fill(&s->g_dpre, w, n);
	for (unsigned c = 0; c < nl; c++) {
		unsigned l = s->lane + c;
		float *o = out[s->in + c];

		if (!o)
			continue;
		float sum = 0.0f;

		o += off;
		for (uint32_t i = 0; i < n; i++) {
			float post = g->x[i][l] * sk_ramp_value(&g->ramp[SK_R_FADER], l, i);
			/* at rest on one tap the other is not read: g->tap may be stale */
			o[i] = w[i] == 1.0f   ? g->tap[i][l]
			       : w[i] == 0.0f ? post
			                      : w[i] * g->tap[i][l] + (1.0f - w[i]) * post;
			sum += o[i] * o[i];
		}
		if (!isfinite(sum)) {
			memset(o, 0, n * sizeof(*o));
			bad++;
		}
	}
	return bad;
}
