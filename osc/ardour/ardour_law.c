/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ardour_law.h"

#include <math.h>

/* dB per doubling of the gain: 20 log10(2). The curve is linear in log2(g). */
#define DB_PER_OCTAVE ARDOUR_LAW_MAX_DB

double
ardour_law_pos_to_db(double pos)
{
	if (!(pos > 0.0))
		return -INFINITY;
	if (pos > 1.0)
		pos = 1.0;
	return (pow(pos, 1.0 / 8.0) * 198.0 - 192.0) / 6.0 * DB_PER_OCTAVE;
}

double
ardour_law_db_to_pos(double db)
{
	double base;

	if (isnan(db))
		return 0.0;
	base = (6.0 * db / DB_PER_OCTAVE + 192.0) / 198.0;
	/* below -192.66 dB the base goes negative and its 8th power would climb again (Ardour's
	 * own code never meets it: its gain stops at 0 first) */
	if (!(base > 0.0))
		return 0.0;
	if (base >= 1.0)
		return 1.0;
	return pow(base, 8.0);
}
