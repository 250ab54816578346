/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listing: the address space as text (--list-params) and as docs/osc.md (--list-params=markdown).
 */
#ifndef MIXD_LISTING_H
#define MIXD_LISTING_H

#include <stdio.h>

struct params;

/* Control thread. One line per parameter of this console: address, type, min, max, default, unit.
 */
void listing_text(FILE *f, const struct params *ps);

/* Control thread. The whole of docs/osc.md, generated from the parameter table alone (strips
 * shown as N), so the doc is the same whatever the strip count. */
void listing_markdown(FILE *f);

#endif
