/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "monobass.h"

#include <math.h>
#include <string.h>

#include "multiband.h"
#include "numeric.h"

#define BLOCK 32
#define SNAP  1e-4f

static bool
is_on(const struct monobass *mb)
{
	return mb->freq >= MONO_BELOW_MIN;
}

static void
clear_states(struct monobass *mb)
{
	memset(&mb->ap, 0, sizeof(mb->ap));
	memset(mb->hp, 0, sizeof(mb->hp));
}

void
monobass_init(struct monobass *mb, double fs, uint32_t smooth_n, float kb)
{
	memset(mb, 0, sizeof(*mb));
	mb->freq = MONO_BELOW_DEF;
	ramp_init(&mb->w, 0.0f);
	monobass_set_rate(mb, fs, smooth_n, kb);
}

void
monobass_settle(struct monobass *mb)
{
	mb->lf_to = log2f(is_on(mb) ? mb->freq : MONO_BELOW_MIN);
	mb->lf = mb->lf_to;
	mb->xo = xo_design(exp2(mb->lf), mb->fs);
	ramp_init(&mb->w, is_on(mb) ? 1.0f : 0.0f);
	if (!is_on(mb) && mb->active) {
		clear_states(mb);
		mb->active = false;
	}
}

void
monobass_set_rate(struct monobass *mb, double fs, uint32_t smooth_n, float kb)
{
	mb->fs = fs;
	mb->smooth_n = smooth_n;
	mb->kb = kb;
	clear_states(mb);
	monobass_settle(mb);
}

void
monobass_set(struct monobass *mb, float hz)
{
	if (isnan(hz))
		return;
	mb->freq = hz < MONO_BELOW_MIN ? MONO_BELOW_OFF : fminf(hz, MONO_BELOW_MAX);
	if (is_on(mb)) {
		/* switching on starts at the new frequency; while on, it glides there */
		mb->lf_to = log2f(mb->freq);
		if (mb->w.target == 0.0f && mb->w.cur == 0.0f) {
			mb->lf = mb->lf_to;
			mb->xo = xo_design(mb->freq, mb->fs);
		}
	}
	ramp_to(&mb->w, is_on(mb) ? 1.0f : 0.0f, mb->smooth_n);
}

void
monobass_process(struct monobass *mb, float *l, float *r, uint32_t n)
{
	float wv[BLOCK];

	if (!mb->active) {
		if (mb->w.target == 0.0f && mb->w.cur == 0.0f)
			return;
		clear_states(mb);
		mb->active = true;
	}
	if (mb->lf != mb->lf_to) {
		mb->lf += mb->kb * (mb->lf_to - mb->lf);
		if (fabsf(mb->lf_to - mb->lf) < SNAP)
			mb->lf = mb->lf_to;
		mb->xo = xo_design(exp2(mb->lf), mb->fs);
	}
	ramp_fill(&mb->w, wv, n);
	for (uint32_t i = 0; i < n; i++) {
		float mid = 0.5f * (l[i] + r[i]), side = 0.5f * (l[i] - r[i]);
		float m2 = xo_allpass(&mb->xo, &mb->ap, mid);
		float s2 = xo_highpass(&mb->xo, mb->hp, side);
		l[i] += wv[i] * (m2 + s2 - l[i]);
		r[i] += wv[i] * (m2 - s2 - r[i]);
	}
	if (!isfinite(mb->ap.ic1 + mb->ap.ic2 + mb->hp[0].ic1 + mb->hp[0].ic2 + mb->hp[1].ic1 +
	              mb->hp[1].ic2)) {
		clear_states(mb);
		memset(l, 0, n * sizeof(float));
		memset(r, 0, n * sizeof(float));
	}
	if (mb->w.target == 0.0f && mb->w.cur == 0.0f) {
		clear_states(mb);
		mb->active = false;
	}
}
