/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ardour_law: Ardour's fader position law, position in [0, 1] <-> dB.
 *
 * The GUI curve every Ardour surface draws its faders with (Ardour libs/pbd/pbd/control_math.h
 * and libs/ardour/utils.cc, gain_to_slider_position_with_max with max gain 2.0, +6.02 dB):
 *   pos = ((6 log2(g) + 192) / 198)^8,   g = 2^((pos^(1/8) * 198 - 192) / 6)
 * so 0 dB sits at 0.78178, -10 dB at 0.5104, and position 1 is +6.02 dB. Position 0 is silence
 * (Ardour sends 0 for a gain of exactly 0). Send levels use the same law.
 */
#ifndef MIXD_ARDOUR_LAW_H
#define MIXD_ARDOUR_LAW_H

/* Gain at position 1: Ardour's max gain 2.0, 20 log10(2) dB. */
#define ARDOUR_LAW_MAX_DB 6.020599913279624

/* Any thread. Position to dB. pos <= 0 and NaN give -INFINITY; pos > 1 is taken as 1. */
double ardour_law_pos_to_db(double pos);

/* Any thread. dB to position, the inverse of ardour_law_pos_to_db, clamped to [0, 1]: -inf,
 * NaN and anything below -192.66 dB (where the curve reaches 0) give 0; above +6.02 dB gives 1
 * (mixd's faders go to +10 dB, an Ardour fader stops at its top). */
double ardour_law_db_to_pos(double db);

#endif
