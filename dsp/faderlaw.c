/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "faderlaw.h"

#include <math.h>

/* Segment breakpoints: segment k spans positions [brk_f[k], brk_f[k+1]) and dB [brk_db[k],
 * brk_db[k+1]). */
static const double brk_f[5] = { 0.0, 0.0625, 0.25, 0.5, 1.0 };
static const double brk_db[5] = { -90.0, -60.0, -30.0, -10.0, 10.0 };

float
faderlaw_to_db(float f)
{
	double x = f;
	int k = 3;

	if (!(x > 0.0)) /* also NaN: an undefined position is off, never a loud one */
		return -INFINITY;
	if (x > 1.0)
		x = 1.0;
	while (k > 0 && x < brk_f[k])
		k--;
	/* segment slopes: 480, 160, 80, 40 dB per unit of position */
	return (float)(brk_db[k] +
	               (x - brk_f[k]) * (brk_db[k + 1] - brk_db[k]) / (brk_f[k + 1] - brk_f[k]));
}

float
faderlaw_from_db(float db)
{
	double d = db;
	int k = 3;

	if (!(d > brk_db[0])) /* NaN, -inf and anything at or below -90 dB are off */
		return 0.0f;
	if (d > brk_db[4])
		d = brk_db[4];
	while (k > 0 && d < brk_db[k])
		k--;
	return (float)(brk_f[k] +
	               (d - brk_db[k]) * (brk_f[k + 1] - brk_f[k]) / (brk_db[k + 1] - brk_db[k]));
}

float
faderlaw_quantise(float f)
{
	if (!(f > 0.0f))
		return 0.0f;
	if (f > 1.0f)
		f = 1.0f;
	return roundf(f * (float)FADERLAW_STEPS) / (float)FADERLAW_STEPS;
}
