/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pan.h"

#include <math.h>

static float
clamp_pos(float pos)
{
	if (!(pos > -1.0f)) /* also maps NaN to hard left rather than propagating it */
		return -1.0f;
	return pos < 1.0f ? pos : 1.0f;
}

void
pan_mono(float pos, float *gl, float *gr)
{
	double p = clamp_pos(pos);

	/* double: the law is evaluated per command, not per sample, so precision is free */
	*gl = (float)sin((1.0 - p) * 0.25 * M_PI);
	*gr = (float)sin((1.0 + p) * 0.25 * M_PI);
}

void
pan_balance(float pos, float *gl, float *gr)
{
	double p = clamp_pos(pos);

	*gl = p > 0.0 ? (float)sin((1.0 - p) * 0.5 * M_PI) : 1.0f;
	*gr = p < 0.0 ? (float)sin((1.0 + p) * 0.5 * M_PI) : 1.0f;
}
