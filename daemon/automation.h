/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * automation: playing automation lanes in the JACK process thread, in sync with the transport.
 *
 * The control thread builds a set of lanes from a parsed file at a known sample rate (times in
 * frames, points sorted) and hands it to the RT thread by pointer through an SPSC ring; the set
 * it replaces comes back through a second ring and is freed on the control thread (design.md
 * §2). The RT side never allocates, locks or searches more than a binary search per lane per
 * sub-block.
 *
 * Each period the RT thread reads the transport once. Rolling: every playing lane is evaluated
 * at each 32-frame sub-block (ENGINE_BLOCK) and the value given to engine_set, whose own glide
 * keeps it click-free. The glide makes a moving target trail by its length (ENGINE_SMOOTH_MS),
 * so lanes are read that far ahead: the output lands on the curve, not 10 ms behind it.
 * Stopped: after a locate, a new set or a mode change, the values at the position are applied
 * once (chase). Values the lanes wrote go back to the control thread at most every 20 ms per
 * lane (automation_rt_report), so the model and the surfaces follow.
 */
#ifndef MIXD_AUTOMATION_H
#define MIXD_AUTOMATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct automation_file;
struct engine;
struct engine_outputs;
struct params;

/* Sets in flight (handed over, not yet given back) at most: the size of both rings, so the
 * return ring can never be full when the RT thread gives one back. */
#define AUTOMATION_MAX_IN_FLIGHT 16
/* Shortest interval between two reports of one lane's value, in milliseconds. */
#define AUTOMATION_REPORT_MS 20.0
/* While rolling, a lane's value is reported again at this interval even when it did not move:
 * a move from elsewhere is overridden by the lane within a period, and this puts the model
 * back on what the engine has. */
#define AUTOMATION_REFRESH_MS 250.0

struct automation_set;
struct automation;

/* Control thread. Converts af's lanes to frames at rate (seconds rounded to the nearest frame)
 * and sorts each lane by time (points at the same time keep their file order: a jump). ps must
 * be what af was read against. Returns NULL on a bad rate, more than 65536 parameters, or out of
 * memory (reason in err). */
struct automation_set *automation_build(const struct automation_file *af, const struct params *ps,
                                        unsigned rate, char *err, size_t errlen);

/* Control thread, on a set that is not handed over. NULL is accepted. */
void automation_set_free(struct automation_set *s);

/* Any thread. The rate the set was built at, and its number of lanes. */
unsigned automation_set_rate(const struct automation_set *s);
unsigned automation_set_lanes(const struct automation_set *s);

/* Any thread, on a set not handed over (tests, tools). The value parameter idx's lane has at
 * frame (no look-ahead): before the first point the first value, after the last the last.
 * Returns 0, or -ENOENT when the set has no lane for idx. */
int automation_set_value(const struct automation_set *s, unsigned idx, uint64_t frame, float *out);

/* Control thread. A player for a console of n_params parameters, every lane in play mode and no
 * set. Returns NULL when out of memory. */
struct automation *automation_new(unsigned n_params);

/* Control thread, once the RT thread no longer runs it. Frees every set it holds or has queued.
 * NULL is accepted. */
void automation_free(struct automation *a);

/* Control thread. Hands s over to the RT thread (NULL: no lanes, i.e. clear); a owns s from then
 * on. Returns 0, or -EBUSY (s still the caller's) when AUTOMATION_MAX_IN_FLIGHT sets are in
 * flight: the RT thread has not taken or given back the earlier ones (JACK not running). */
int automation_swap(struct automation *a, struct automation_set *s);

/* Control thread. Frees the sets the RT thread gave back. Returns how many. */
unsigned automation_collect(struct automation *a);

/* Control thread. Play (the lane drives the parameter) or off (the lane is ignored and other
 * moves stick) for parameter idx, kept across sets; a lane turned to play while the transport
 * is stopped chases at once. Out-of-range idx is ignored. */
void automation_set_mode(struct automation *a, unsigned idx, bool play);
bool automation_mode(const struct automation *a, unsigned idx);

/* RT. Called for a value a lane applied: parameter index and value. Returns false when it could
 * not pass it on (a full ring). */
typedef bool (*automation_emit_fn)(void *ctx, unsigned idx, float v);

/* RT, once per period before processing. Takes the newest set handed over, giving back the one
 * it replaces (after emitting its unreported values, whatever the interval). When the transport is
 * stopped it chases if needed (applies every playing lane at frame via engine_set) and returns
 * false; when rolling with a set it returns true: then call automation_rt_apply at each sub-block
 * of the period. Also false with no set. */
bool automation_rt_begin(struct automation *a, struct engine *e, bool rolling, uint64_t frame,
                         uint32_t n_frames, automation_emit_fn emit, void *ctx);

/* RT. Applies every playing lane's value at transport frame (plus the look-ahead) to e; a value
 * equal to the one last applied is skipped unless force (use it at a period's first sub-block,
 * so a lane re-asserts itself over other moves within a period). */
void automation_rt_apply(struct automation *a, struct engine *e, uint64_t frame, bool force);

/* RT, for a rolling period (automation_rt_begin returned true), and offline (mixrender): the
 * period in pieces of the engine's grid (ENGINE_BLOCK frames from the period's start), each
 * preceded by automation_rt_apply at its transport frame (frame + offset), forced at the first
 * piece. The one place that cuts a period for automation, so mixd and mixrender move lanes on
 * the same frames. in holds the engine's engine_n_inputs(e) input buffers of n frames; sub is
 * room for as many pointers (the pieces' inputs), so nothing allocates. Returns true when a
 * meter interval completed in any piece (engine_process). */
bool automation_rt_process(struct automation *a, struct engine *e, uint64_t frame,
                           const float *const *in, const float **sub, float *out_l, float *out_r,
                           uint32_t n);

/* RT, as automation_rt_process, into every output o names (n frames each, NULL: not
 * rendered); sub_direct is room for engine_n_inputs(e) pointers when o->direct is not NULL. */
bool automation_rt_process_outputs(struct automation *a, struct engine *e, uint64_t frame,
                                   const float *const *in, const float **sub,
                                   const struct engine_outputs *o, float **sub_direct, uint32_t n);

/* RT, once per period. For each lane whose applied value has not been reported (or, rolling,
 * was last reported AUTOMATION_REFRESH_MS ago) and whose last report is AUTOMATION_REPORT_MS
 * old, calls emit(ctx, parameter index, value); a lane counts as
 * reported when emit returns true, so a full ring only delays the value. */
void automation_rt_report(struct automation *a, automation_emit_fn emit, void *ctx);

#endif
