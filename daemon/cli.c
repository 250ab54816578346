/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cli_parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul would accept leading blanks and a minus sign (wrapping it): demand a digit */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
cli_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s)
		return -EINVAL;
	v = strtod(s, &end);
	/* an overflow is HUGE_VAL, not finite; errno alone would also refuse an underflow */
	if (end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
cli_opt_match(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		(*i)++;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	*val = *i + 1 < argc ? argv[*i + 1] : NULL;
	*i += *val ? 2 : 1;
	return 1;
}

int
cli_parse_strip_list(const char *opt, const char *list, unsigned n, bool *on, char *err,
                     size_t errlen)
{
	return cli_parse_index_list(opt, "strips", list, n, on, err, errlen);
}

int
cli_parse_index_list(const char *opt, const char *what, const char *list, unsigned n, bool *on,
                     char *err, size_t errlen)
{
	/* twice over the list: the first pass checks all of it, so a bad one changes nothing */
	for (int apply = 0; apply < 2; apply++) {
		const char *s = list;

		if (apply)
			memset(on, 0, n * sizeof(*on));
		while (*s) {
			unsigned long a, b;
			char *end;

			if (*s < '0' || *s > '9')
				goto bad;
			a = strtoul(s, &end, 10);
			b = a;
			if (*end == '-') {
				s = end + 1;
				if (*s < '0' || *s > '9')
					goto bad;
				b = strtoul(s, &end, 10);
			}
			if (a < 1 || b < a || b > n) {
				if (n == 0)
					snprintf(err, errlen, "%s %s: there are no %s", opt, list,
					         what);
				else
					snprintf(err, errlen, "%s %s: %s are 1..%u", opt, list,
					         what, n);
				return -EINVAL;
			}
			for (unsigned long k = a; apply && k <= b; k++)
				on[k - 1] = true;
			if (*end == ',' && end[1])
				end++;
			else if (*end)
				goto bad;
			s = end;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "%s %s: expected a list like 5-8 or 1,3", opt, list);
	return -EINVAL;
}
