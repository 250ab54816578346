/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * master_report: mixmaster's report, as text (stdout and DIR/mixmaster-report.txt) and JSON
 * (DIR/mixmaster-report.json): per track the gain applied, integrated loudness, loudness range,
 * true peak and PLR (true peak minus integrated loudness), and the album's figures (the tracks
 * measured as one programme). Loudness that is -inf (silence) is "-inf" in the text and null
 * in the JSON. The JSON also gives each track's master fader exactly (9 significant digits: a
 * float read back is the same float), so a scene with it renders the same in mixrender.
 *
 * Single-threaded: mixmaster's one thread.
 */
#ifndef MIXD_MASTER_REPORT_H
#define MIXD_MASTER_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "render_loud.h"

struct report_track {
	const char *file; /* as given */
	const char *name; /* the deliverables' base name */
	double gain_db;   /* master fader moved by this much */
	double fader_db;  /* the master fader it was rendered at (a scene for mixrender) */
	struct render_loudness lo;
};

struct report {
	double target, ceiling;
	bool album;
	unsigned n;
	const struct report_track *t;
	struct render_loudness all; /* the album */
};

/* Writes the text report to f. */
void report_text(const struct report *r, FILE *f);

/* Writes the JSON report to f. */
void report_json(const struct report *r, FILE *f);

#endif
