/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "x32_law.h"

#include <math.h>

static float
clamp01(float f)
{
	return f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f;
}

float
x32_grid(float f, unsigned steps)
{
	const float n = (float)(steps - 1);

	return roundf(clamp01(f) * n) / n;
}

float
x32_fader_to_db(float f)
{
	if (!(f > 0.0f))
		return -INFINITY;
	if (f > 1.0f)
		f = 1.0f;
	if (f >= 0.5f)
		return 40.0f * f - 30.0f;
	if (f >= 0.25f)
		return 80.0f * f - 50.0f;
	if (f >= 0.0625f)
		return 160.0f * f - 70.0f;
	return 480.0f * f - 90.0f;
}

float
x32_db_to_fader(float db)
{
	if (!(db > -90.0f))
		return 0.0f; /* -inf and NaN too: off */
	if (db >= 10.0f)
		return 1.0f;
	if (db >= -10.0f)
		return (db + 30.0f) / 40.0f;
	if (db >= -30.0f)
		return (db + 50.0f) / 80.0f;
	if (db >= -60.0f)
		return (db + 70.0f) / 160.0f;
	return (db + 90.0f) / 480.0f;
}

float
x32_pan_to_mixd(float f)
{
	return 2.0f * clamp01(f) - 1.0f;
}

float
x32_mixd_to_pan(float p)
{
	return clamp01((p + 1.0f) * 0.5f);
}

float
x32_trim_to_db(float f)
{
	return X32_TRIM_MIN + clamp01(f) * (X32_TRIM_MAX - X32_TRIM_MIN);
}

float
x32_db_to_trim(float db)
{
	return clamp01((db - X32_TRIM_MIN) / (X32_TRIM_MAX - X32_TRIM_MIN));
}

float
x32_hpf_to_hz(float f)
{
	return X32_HPF_MIN * powf(X32_HPF_MAX / X32_HPF_MIN, clamp01(f));
}

float
x32_hz_to_hpf(float hz)
{
	if (!(hz > X32_HPF_MIN))
		return 0.0f;
	return clamp01(logf(hz / X32_HPF_MIN) / logf(X32_HPF_MAX / X32_HPF_MIN));
}

float
x32_lin_to_value(float f, float lo, float hi)
{
	return lo + clamp01(f) * (hi - lo);
}

float
x32_value_to_lin(float v, float lo, float hi)
{
	return clamp01((v - lo) / (hi - lo));
}

float
x32_log_to_value(float f, float lo, float hi)
{
	return lo * powf(hi / lo, clamp01(f));
}

float
x32_value_to_log(float v, float lo, float hi)
{
	if (!(v > 0.0f))
		return 0.0f;
	return clamp01(logf(v / lo) / logf(hi / lo));
}

const float x32_ratios[X32_N_RATIOS] = { 1.1f, 1.3f, 1.5f, 2.0f,  2.5f,  3.0f,
	                                 4.0f, 5.0f, 7.0f, 10.0f, 20.0f, 100.0f };

int
x32_ratio_index(float r)
{
	int best = 0;

	for (int i = 1; i < X32_N_RATIOS; i++)
		if (fabsf(logf(x32_ratios[i] / r)) < fabsf(logf(x32_ratios[best] / r)))
			best = i;
	return best;
}
