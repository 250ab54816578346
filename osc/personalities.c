/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * personalities: the registry, every surface personality mixd has. Adding one is a line here
 * (and its folder under osc/, built by osc/meson.build); the daemon drives them through
 * personality.h alone, in this order (their dispatch handlers, ticks and /stats counters).
 */
#include "personality.h"

#include "ardour.h"
#include "x32.h"

const struct personality_ops *const personality_registry[] = {
	&ardour_personality,
	&x32_personality,
};

const unsigned personality_count = sizeof(personality_registry) / sizeof(personality_registry[0]);

_Static_assert(sizeof(personality_registry) / sizeof(personality_registry[0]) <= PERSONALITY_MAX,
               "PERSONALITY_MAX bounds the registry (struct options keeps a port per entry)");
