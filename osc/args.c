/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "args.h"

#include <math.h>
#include <stdlib.h>

bool
osc_arg_number(char type, const lo_arg *a, double *out)
{
	switch (type) {
	case LO_FLOAT:
		*out = a->f;
		return true;
	case LO_DOUBLE:
		*out = a->d;
		return true;
	case LO_INT32:
		*out = a->i;
		return true;
	case LO_INT64:
		*out = (double)a->h;
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
	v = strtod(&a->s, &end);
	if (end == &a->s || *end != '\0')
		return false;
	*out = v;
	return true;
}
