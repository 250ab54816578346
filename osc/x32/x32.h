/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x32: the Behringer X32 surface personality (docs/x32.md), for the registry. */
#ifndef MIXD_X32_H
#define MIXD_X32_H

#include "personality.h"

extern const struct personality_ops x32_personality;

#endif
