/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * feedback: what the control thread hands, once per tick (10 ms), to everything that sends
 * feedback to surfaces (native subscriptions: subs.h; Ardour surfaces: ardour.h).
 *
 * Changes are parameter indices (params.h) whose value changed since the last tick, whatever
 * changed them: a surface, a scene load, automation. Each index appears at most once, and the
 * value to send is the model's current one, so a parameter moved a hundred times in a tick
 * costs one message per surface.
 */
#ifndef MIXD_FEEDBACK_H
#define MIXD_FEEDBACK_H

#include <stdint.h>

#include "dispatch.h"
#include "meters.h"

struct feedback_frame {
	uint64_t now_ns;         /* CLOCK_MONOTONIC (clock.h) */
	const unsigned *changed; /* parameter indices, oldest change first */
	unsigned n_changed;
	const struct meter_frame *fresh; /* meters reported since the last tick */
	/* the master's loudness as /loudness carries it (dispatch.h), read this tick */
	float loudness[DISPATCH_LOUDNESS_N];
};

#endif
