/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "master_report.h"

#include <math.h>

static void
text_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %7.2f", v);
	else
		fprintf(f, " %7s", "-inf");
}

static void
text_row(FILE *f, const char *label, const struct render_loudness *lo, double gain, bool has_gain)
{
	fprintf(f, "%-28.28s ", label);
	if (has_gain)
		fprintf(f, "%+8.2f", gain);
	else
		fprintf(f, "%8s", "");
	text_num(f, lo->integrated);
	fprintf(f, " %7.2f", lo->range);
	text_num(f, lo->true_peak);
	text_num(f, lo->true_peak - lo->integrated);
	fputc('\n', f);
}

void
report_text(const struct report *r, FILE *f)
{
	fprintf(f, "mixmaster: %u track%s, target %.1f LUFS (%s), ceiling %.1f dBTP\n", r->n,
	        r->n == 1 ? "" : "s", r->target,
	        r->album ? "album: one gain, the loudest track at the target" : "each track",
	        r->ceiling);
	fprintf(f, "%-28s %8s %7s %7s %7s %7s\n", "track", "gain dB", "I LUFS", "LRA LU", "TP dBTP",
	        "PLR dB");
	for (unsigned k = 0; k < r->n; k++)
		text_row(f, r->t[k].name, &r->t[k].lo, r->t[k].gain_db, true);
	text_row(f, "album", &r->all, 0.0, false);
}

/* A JSON string: quotes, backslashes and control characters escaped (bytes >= 0x80 pass: a
 * file name is taken as UTF-8). */
static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
json_num(FILE *f, const char *key, double v, bool comma)
{
	fprintf(f, "\"%s\": ", key);
	if (isfinite(v))
		fprintf(f, "%.3f", v);
	else
		fputs("null", f);
	if (comma)
		fputs(", ", f);
}

static void
json_loud(FILE *f, const struct render_loudness *lo)
{
	json_num(f, "integrated_lufs", lo->integrated, true);
	json_num(f, "range_lu", lo->range, true);
	json_num(f, "true_peak_dbtp", lo->true_peak, true);
	json_num(f, "plr_db", lo->true_peak - lo->integrated, false);
}

void
report_json(const struct report *r, FILE *f)
{
	fputs("{\n  ", f);
	json_num(f, "target_lufs", r->target, true);
	fprintf(f, "\"mode\": \"%s\", ", r->album ? "album" : "track");
	json_num(f, "ceiling_dbtp", r->ceiling, true);
	fputs("\n  \"tracks\": [\n", f);
	for (unsigned k = 0; k < r->n; k++) {
		fputs("    { \"file\": ", f);
		json_str(f, r->t[k].file);
		fputs(", \"name\": ", f);
		json_str(f, r->t[k].name);
		fputs(", ", f);
		json_num(f, "gain_db", r->t[k].gain_db, true);
		fprintf(f, "\"master_fader_db\": %.9g, ", r->t[k].fader_db);
		json_loud(f, &r->t[k].lo);
		fprintf(f, " }%s\n", k + 1 < r->n ? "," : "");
	}
	fputs("  ],\n  \"album\": { ", f);
	json_loud(f, &r->all);
	fputs(" }\n}\n", f);
}
