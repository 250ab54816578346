/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * direct: a strip's direct outputs, one per input (a recording feed).
 *
 * The tap is chosen per strip (ENGINE_STRIP_DIRECT_PRE) and cross-fades when changed:
 *   pre  (1): after trim and HPF, before the EQ (the kernel's tap, kernel.h)
 *   post (0): after the fader (and so mute, solo, DCA), before the pan.
 * Latency 0: nothing here passes the master's look-ahead.
 *
 * Thread: RT.
 */
#ifndef MIXD_DIRECT_H
#define MIXD_DIRECT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "strip.h"

/* RT. Whether strip s needs the kernel's pre tap (g->tap) in this sub-block. */
bool direct_needs_tap(const struct strip *s);

/* RT. Writes strip s's direct outputs for n samples: out[s->in + c] + off for each of its
 * inputs c (a NULL pointer is skipped). g is its group, after the kernel ran with tap_pre set
 * where direct_needs_tap said so. Returns the number of outputs silenced for a non-finite
 * value (a strip state gone bad in this sub-block, reset by the kernel after it): 0 normally. */
unsigned direct_strip(struct strip *s, const struct sk_group *g, float *const *out, uint32_t off,
                      uint32_t n);

#endif
