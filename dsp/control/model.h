/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * model: the control thread's copy of every parameter's current value, and the only producer of
 * the control -> RT command ring.
 *
 * A set stores the value and marks the parameter dirty; model_flush pushes dirty parameters into
 * the ring, oldest change first, sending the value current at flush time. What does not fit
 * stays dirty and goes on the next flush, so under any overload the last value of every parameter
 * still lands, and a parameter moved a thousand times between flushes costs one command.
 */
#ifndef MIXD_MODEL_H
#define MIXD_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "params.h"

struct ring;
struct engine;

/* What crosses the ring: an engine parameter and its new value in natural units. */
struct model_cmd {
	uint16_t id;    /* enum engine_param */
	uint16_t strip; /* the idx of engine_set: a 0-based strip, ENGINE_AUX_IDX(strip, k) ... */
	float value;
};

struct model;

/* Control thread. Every parameter starts at its default. to_rt is the command ring (elem size
 * sizeof(struct model_cmd)); the model does not own it. Returns NULL when out of memory. */
struct model *model_new(const struct params *ps, struct ring *to_rt);
void model_free(struct model *m);

const struct params *model_params(const struct model *m);

/* Control thread. Sets a numeric parameter (an enum by its index): clamps, stores, marks it dirty.
 * Returns 0, -EDOM for a non-finite value, -EINVAL for a string parameter or bad index. */
int model_set(struct model *m, unsigned idx, double value);

/* Called by model_set for every value it accepts, after clamping and before storing: idx, the
 * clamped value, and model_get still the one before. Also when the value does not change: a
 * surface touching a fader without moving it is still a touch. Not called for values from the
 * RT side (model_set_from_rt) nor strings. */
typedef void (*model_set_observer_fn)(void *ctx, unsigned idx, float value);

/* Control thread. One observer (NULL: none); automation recording uses it to stamp every move
 * with the transport frame it arrived at. */
void model_set_observer(struct model *m, model_set_observer_fn fn, void *ctx);

/* Control thread. Takes a value the RT thread already applied (automation): clamps and stores
 * it and marks it changed for feedback and the state file, but not dirty, so it is not sent
 * back to the RT thread (where it would fight the lane that wrote it). Returns 0, -EDOM for a
 * non-finite value, -EINVAL for a string parameter or bad index. */
int model_set_from_rt(struct model *m, unsigned idx, double value);

/* Control thread. Sets a string parameter. Returns 0, -EINVAL (not a string parameter, control
 * characters) or -E2BIG (too long). */
int model_set_string(struct model *m, unsigned idx, const char *s);

/* Control thread. Current values. */
float model_get(const struct model *m, unsigned idx);
const char *model_get_string(const struct model *m, unsigned idx);

/* Control thread. Pushes dirty parameters into the ring until it is full. Returns how many are
 * still waiting (0 when everything landed). */
unsigned model_flush(struct model *m);

/* Control thread, while the RT side is stopped: applies every value straight to the engine and
 * settles every glide and smoothing (engine_settle), so a console comes up already at its state
 * (no fade from the defaults).
 * Clears all dirty flags. */
void model_apply_to_engine(struct model *m, struct engine *e);

/* Control thread. The oldest parameter whose value changed since it was last popped, however
 * it changed (a set from any client, a scene, automation); each at most once however often it
 * changed. Returns false when there is none. Feedback to surfaces drains this once per tick. */
bool model_pop_change(struct model *m, unsigned *idx);

/* Control thread. A counter that moves on every change of any value: the state saver compares
 * it to decide whether there is anything to write. */
uint64_t model_generation(const struct model *m);

/* Control thread. Commands that did not fit in the ring on some flush (they were sent later). */
uint64_t model_ring_full(const struct model *m);

/* Control thread. Commands pushed into the ring to the RT side so far (model_flush). */
uint64_t model_commands_sent(const struct model *m);

#endif
