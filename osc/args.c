/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "args.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool
osc_arg_number(char type, const lo_arg *a, double *out)
{
	/* liblo hands out arguments only 4-byte aligned (an int64 or double inside a message is
	 * not 8-aligned): copy them out instead of reading through the union */
	int32_t i;
	int64_t h;
	float f;
	double d;

	switch (type) {
	case LO_FLOAT:
		memcpy(&f, a, sizeof(f));
		*out = f;
		return true;
	case LO_DOUBLE:
		memcpy(&d, a, sizeof(d));
		*out = d;
		return true;
	case LO_INT32:
		memcpy(&i, a, sizeof(i));
		*out = i;
		return true;
	case LO_INT64:
		memcpy(&h, a, sizeof(h));
		*out = (double)h;
		return true;
	case LO_TRUE:
		*out = 1.0;
		return true;
	case LO_FALSE:
		*out = 0.0;
		return true;
	case LO_INFINITUM:
		*out = INFINITY;
		return true;
	default:
		return false;
	}
}

bool
osc_arg_is_string(char type)
{
	return type == LO_STRING || type == LO_SYMBOL;
}

bool
osc_arg_number_or_text(char type, const lo_arg *a, double *out)
{
	char *end;
	double v;

	if (osc_arg_number(type, a, out))
		return true;
	if (!osc_arg_is_string(type))
		return false;
	/* through a char pointer: the union member access is what UBSan flags on liblo's
	 * 4-byte-aligned arguments */
	const char *text = (const char *)a;
	v = strtod(text, &end);
	if (end == text || *end != '\0')
		return false;
	*out = v;
	return true;
}

int32_t
osc_arg_i32(const lo_arg *a)
{
	int32_t i;

	memcpy(&i, a, sizeof(i));
	return i;
}
