/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_meters: mixd's meters in the X32's meter banks (Maillot, "/meters"; X32.c Xprepmeter).
 * Levels are linear (1.0 = 0 dBFS), the values /meter/... reports in dB. Gain-reduction slots
 * carry the gain left, linear (1.0: no reduction). Slots mixd has nothing for read 0 (levels)
 * or 1 (gain).
 *   /meters/0 (70): channels 1..32, aux ins 1..8, effect returns 1..8 (reverb L R, delay L R,
 *                   chorus L R, 0, 0), buses 1..16 (mixd's aux buses), matrices 1..6
 *   /meters/1 (96): channels 1..32, their gate gain 1..32, their compressor gain 1..32
 *   /meters/2 (49): buses 1..16, matrices 1..6, main L, R, mono, the buses' compressor gain
 *                   (16), the matrices' (6), the main's (mixd's limiter), the mono's
 */
#include "x32_subs.h"

#include <math.h>

static float
gain_of(float gr_db)
{
	return gr_db > 0.0f ? powf(10.0f, -gr_db / 20.0f) : 1.0f;
}

static float
max2(const float v[2])
{
	return v[0] > v[1] ? v[0] : v[1];
}

int
x32_meter_bank(unsigned bank, const struct meter_frame *a, float *out, unsigned max)
{
	static const int size[] = { 70, 96, 49 };
	float v[96];
	unsigned n = 0;

	if (bank >= sizeof(size) / sizeof(size[0]))
		return -1;
	if (!a)
		return size[bank];
	switch (bank) {
	case 0:
		for (unsigned k = 0; k < 32; k++)
			v[n++] = k < ENGINE_MAX_STRIPS ? a->peak[k] : 0.0f;
		for (unsigned k = 0; k < 8; k++)
			v[n++] = 0.0f;
		for (unsigned b = 0; b < 4; b++)
			for (unsigned c = 0; c < 2; c++)
				v[n++] = b < ENGINE_N_BUSES ? a->bus_peak[b][c] : 0.0f;
		for (unsigned k = 0; k < 16; k++)
			v[n++] = k < ENGINE_MAX_AUX ? max2(a->aux_peak[k]) : 0.0f;
		for (unsigned k = 0; k < 6; k++)
			v[n++] = 0.0f;
		break;
	case 1:
		for (unsigned k = 0; k < 32; k++)
			v[n++] = a->peak[k];
		for (unsigned k = 0; k < 32; k++)
			v[n++] = 1.0f; /* no gate */
		for (unsigned k = 0; k < 32; k++)
			v[n++] = gain_of(a->gr[k]);
		break;
	case 2:
		for (unsigned k = 0; k < 16; k++)
			v[n++] = max2(a->aux_peak[k]);
		for (unsigned k = 0; k < 6; k++)
			v[n++] = 0.0f;
		v[n++] = a->master_peak[0];
		v[n++] = a->master_peak[1];
		v[n++] = 0.0f; /* mono */
		for (unsigned k = 0; k < 16 + 6; k++)
			v[n++] = 1.0f;
		v[n++] = gain_of(a->master_gr);
		v[n++] = 1.0f;
		break;
	default:
		return -1;
	}
	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = v[i] < 0.0f ? 0.0f : v[i];
	return (int)n;
}
