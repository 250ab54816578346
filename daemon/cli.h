/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli: small command-line helpers shared by mixd and its tools. */
#ifndef MIXD_CLI_H
#define MIXD_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Any thread. Parses a decimal unsigned integer in lo..hi (no sign, no trailing text) into
 * *out. Returns 0, or -EINVAL leaving *out unchanged. */
int cli_parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* Any thread. Parses a finite decimal number in lo..hi (all of s; "nan", "inf", "1e999" and
 * "12abc" are refused, an underflow reads as the tiny number or 0 it is) into *out. Returns 0,
 * or -EINVAL leaving *out unchanged. */
int cli_parse_double(const char *s, double lo, double hi, double *out);

/* Any thread. Matches "--name VALUE" or "--name=VALUE" at argv[*i] and advances *i past what it
 * used. Returns 1 when matched (*val NULL when the value is missing), 0 when argv[*i] is not
 * this option. */
int cli_opt_match(int argc, char **argv, int *i, const char *name, const char **val);

/* Any thread. Parses a list of strips ("5-8", "1,3", "1-2,7") out of 1..n into on[0..n-1]: true
 * for a strip in the list, false for the others. opt names the option in messages ("--stereo").
 * Returns 0, or -EINVAL with err set ("--stereo 9: strips are 1..8") leaving on[] unchanged. */
int cli_parse_strip_list(const char *opt, const char *list, unsigned n, bool *on, char *err,
                         size_t errlen);

/* Any thread. cli_parse_strip_list for a list of other things numbered 1..n (n may be 0): what
 * names them in messages ("--aux-stereo 9: aux buses are 1..8"). */
int cli_parse_index_list(const char *opt, const char *what, const char *list, unsigned n, bool *on,
                         char *err, size_t errlen);

#endif
