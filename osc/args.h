/* SPDX-License-Identifier: GPL-2.0-or-later */
/* args: reading OSC arguments the way tablets send them (floats for everything). */
#ifndef MIXD_OSC_ARGS_H
#define MIXD_OSC_ARGS_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stdint.h>

/* Any thread. A number from any numeric OSC type (f, d, i, h); T/F are 1/0, I is +inf.
 * Returns false for non-numeric types. The value may be non-finite: callers check. */
bool osc_arg_number(char type, const lo_arg *a, double *out);

/* Any thread. As osc_arg_number, and also a string holding a whole number ("-2.5", "3"), as
 * Ardour's surface accepts. Returns false for anything else. */
bool osc_arg_number_or_text(char type, const lo_arg *a, double *out);

/* Any thread. The int32 an 'i' argument holds. liblo aligns arguments to 4 bytes only, so
 * reading a->i through the union is undefined behaviour (UBSan stops mixd on it): this copies
 * it out. Cannot fail; the caller checked the type. */
int32_t osc_arg_i32(const lo_arg *a);

/* Any thread. True for the string types (s, S). */
bool osc_arg_is_string(char type);

#endif
