/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * autorec: the points one write or touch pass records, thinned to what playback needs and held
 * within a budget, so recording never grows without bound and whatever mixd saves, it loads.
 *
 * Playback evaluates a lane once per ENGINE_BLOCK (32) frames, so of moves closer together than
 * that only the last is heard: it replaces the one before. Within a gesture (linear points), a
 * point that lies on the straight line between its neighbours, within the parameter's
 * tolerance, adds nothing: it is dropped, and so is every later one while one straight line
 * from the last point kept passes within the tolerance of all the points dropped since (the
 * "swing door" of process historians: the cone of slopes that do is kept per pass). For moves at
 * least a sub-block apart, playback stays within the tolerance of every recorded move. What is left
 * is bounded by AUTOREC_MAX_POINTS over the whole automation file (the passes being recorded and
 * the lanes already there); a pass that reaches it stops recording and the refusals are counted.
 * AUTOREC_MAX_POINTS lines are well inside what the file loader accepts (AUTOMATION_FILE_MAX_LINES
 * and _BYTES).
 *
 * Thread: control only.
 */
#ifndef MIXD_AUTOREC_H
#define MIXD_AUTOREC_H

#include <stdbool.h>
#include <stdint.h>

#include "automation_file.h"

/* Points in an automation file that recording may fill (every lane and pass together). */
#define AUTOREC_MAX_POINTS 500000u
/* Frames within which only the last move is kept: the playback grid (ENGINE_BLOCK). */
#define AUTOREC_GRID 32u
/* How far from the line a dropped point may be: abs + rel * |value|, in the parameter's unit.
 * autorec_tol_for gives 1/2000 of the range (0.077 dB on a fader's -144..+10 dB, 0.001 on a
 * pan), or for a frequency 1/1000 of the value (1.7 cents): below what a listener hears, and
 * above the jitter of a surface's timing that would otherwise keep every point of a ride. */
struct autorec_tol {
	float abs, rel;
};

/* What every pass of one automation file may still record. */
struct autorec_budget {
	unsigned long file_points; /* points in the file's lanes (outside the passes) */
	unsigned long pass_points; /* points held in passes not yet merged */
	uint64_t refused;          /* points not recorded because the budget was full */
};

/* A write or touch pass of one parameter: the points recorded since it began at t0, the last
 * frame it was seen at (a move or a tick) and the value then, and the frame of the last move
 * (all frames at the server's rate). touched_ns: the last move from a client (0: none since the
 * pass or the release). full: the budget refused a point of this pass. */
struct autorec_pass {
	struct automation_point *pts;
	unsigned n, cap;
	uint64_t t0, t_last, t_move;
	float last;
	bool active, full;
	uint64_t touched_ns;
	double lo, hi; /* the slopes (per frame) a line from the second-last point may take */
};

/* Any thread. The tolerance for a parameter of range min..max in unit ("Hz": relative). */
struct autorec_tol autorec_tol_for(float min, float max, const char *unit);

/* Control thread. Records v at frame (>= the last point's frame) into p: a step, or with linear
 * a straight line from the point before, thinned within tol. Returns 0 (recorded, or thinned into
 * the points there), -ENOSPC (the budget is full: refused and counted, p->full set) or -ENOMEM. */
int autorec_add(struct autorec_pass *p, struct autorec_budget *b, uint64_t frame, float v,
                bool linear, struct autorec_tol tol);

/* Control thread. Forgets p's points (merged into the file, or discarded) and gives their room
 * back to the budget. */
void autorec_clear(struct autorec_pass *p, struct autorec_budget *b);

#endif
