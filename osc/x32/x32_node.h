/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x32_node: the text line /node answers (x32_node.c). */
#ifndef MIXD_X32_NODE_H
#define MIXD_X32_NODE_H

#include <stddef.h>

#include "x32_map.h"

/* Control thread. Writes node's line (node with or without its leading '/'), ending in '\n',
 * into out (n bytes). Returns 0, or -1 for a node mixd does not serve or a line longer than n. */
int x32_node(const struct model *m, const struct params *ps, const char *node, char *out, size_t n);

#endif
