/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gain: dB <-> linear conversions with the console's notion of "off". */
#ifndef MIXD_GAIN_H
#define MIXD_GAIN_H

#include <math.h>

#include "engine.h"

/* A gain at or below this many dB is off: exactly zero, not a very small number. The console's
 * "off" (the table's -inf), stated once in engine.h. */
#define GAIN_OFF_DB ENGINE_LEVEL_OFF_DB

/* Any thread. dB to linear; <= GAIN_OFF_DB gives 0. */
static inline float
gain_db_to_lin(float db)
{
	if (!(db > GAIN_OFF_DB))
		return 0.0f;
	return powf(10.0f, db * 0.05f);
}

/* Any thread. Linear amplitude to dB; 0 (or less) gives -inf. */
static inline double
gain_lin_to_db(double lin)
{
	return lin > 0.0 ? 20.0 * log10(lin) : -INFINITY;
}

#endif
