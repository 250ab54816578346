/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "automation_file.h"

#include "atomic_file.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "params.h"
#include "textfile.h"

/* Splits the next blank-separated word off *s; returns it, or NULL at the end of the line or at
 * a comment. */
static char *
next_word(char **s)
{
	char *w = *s + strspn(*s, " \t"), *end;

	if (!*w || *w == '#')
		return NULL;
	end = w + strcspn(w, " \t");
	if (*end)
		*end++ = '\0';
	*s = end;
	return w;
}

/* TIME: seconds (finite, >= 0) or an integer count of frames with an `f` suffix. Returns NULL
 * or a reason. */
static const char *
parse_time(const char *w, struct automation_point *pt)
{
	size_t n = strlen(w);
	char *end;

	if (n > 1 && w[n - 1] == 'f' && strspn(w, "0123456789") == n - 1) {
		unsigned long long fr;

		errno = 0;
		fr = strtoull(w, &end, 10);
		/* a double holds frames exactly up to 2^53: years at any rate */
		if (errno || fr > (1ull << 53))
			return "time in frames too large";
		pt->time = (double)fr;
		pt->in_frames = true;
		return NULL;
	}
	errno = 0;
	pt->time = strtod(w, &end);
	if (end == w || *end)
		return "time is not a number of seconds (nor digits and an f for frames)";
	if (!isfinite(pt->time) || errno == ERANGE)
		return "time is not finite";
	if (pt->time < 0.0)
		return "time is negative";
	pt->in_frames = false;
	return NULL;
}

/* Validates one non-comment line into *pt and *idx. Returns NULL or a reason (in why). */
static const char *
parse_line(const struct params *ps, char *line, struct automation_point *pt, unsigned *idx,
           char *why, size_t whylen)
{
	char *s = line, *tw, *addr, *val, *mode, *extra;
	const struct param *p;
	const char *r;
	int i, err;

	tw = next_word(&s);
	addr = next_word(&s);
	val = next_word(&s);
	if (!tw || !addr || !val)
		return "expected TIME ADDRESS VALUE [step|linear]";
	mode = next_word(&s);
	extra = mode ? next_word(&s) : NULL;
	r = parse_time(tw, pt);
	if (r) {
		snprintf(why, whylen, "%s, got \"%s\"", r, tw);
		return why;
	}
	i = params_find(ps, addr);
	if (i < 0) {
		snprintf(why, whylen, "unknown address %s", addr);
		return why;
	}
	p = params_at(ps, (unsigned)i);
	if (p->d->type == PARAM_STRING) {
		snprintf(why, whylen, "%s: strings cannot be automated", addr);
		return why;
	}
	if (p->d->engine < 0) {
		snprintf(why, whylen, "%s: not an audio parameter, cannot be automated", addr);
		return why;
	}
	err = param_parse(p->d, val, &pt->value);
	if (err) {
		char reason[96];
		snprintf(why, whylen, "%s: %s, got \"%s\"", addr,
		         param_error(p->d, err, reason, sizeof(reason)), val);
		return why;
	}
	pt->linear = false;
	if (mode && !strcmp(mode, "linear")) {
		/* a glide between two switch positions or two EQ types has no meaning */
		if (p->d->type != PARAM_FLOAT) {
			snprintf(why, whylen, "%s: only float parameters can be linear (use step)",
			         addr);
			return why;
		}
		pt->linear = true;
	} else if (mode && strcmp(mode, "step")) {
		snprintf(why, whylen, "%s: expected step or linear after the value, got \"%s\"",
		         addr, mode);
		return why;
	}
	if (extra) {
		snprintf(why, whylen, "%s: text after the mode: \"%s\"", addr, extra);
		return why;
	}
	*idx = (unsigned)i;
	return NULL;
}

struct automation_file *
automation_file_new(const struct params *ps)
{
	struct automation_file *af = calloc(1, sizeof(*af));

	if (!af)
		return NULL;
	af->lanes = calloc(params_count(ps) ? params_count(ps) : 1, sizeof(*af->lanes));
	if (!af->lanes) {
		free(af);
		return NULL;
	}
	return af;
}

/* Seconds as the shortest decimal that reads back as the same double. */
static void
format_seconds(double t, char *buf, size_t n)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, t);
		if (strtod(buf, NULL) == t)
			return;
	}
}

int
automation_file_write(const struct automation_file *af, const struct params *ps, const char *path,
                      char *err, size_t errlen)
{
	struct atomic_file out;
	int ret = atomic_file_open(&out, path, 0644, true, err, errlen);

	if (ret)
		return ret;
	fprintf(out.f, "%s\n", AUTOMATION_MAGIC);
	for (unsigned i = 0; i < af->n_lanes; i++) {
		const struct automation_lane *l = &af->lanes[i];
		const struct param *p = params_at(ps, l->idx);

		for (unsigned k = 0; p && k < l->n; k++) {
			const struct automation_point *pt = &l->pts[k];
			char t[40], v[64];

			if (pt->in_frames)
				snprintf(t, sizeof(t), "%.0ff", pt->time);
			else
				format_seconds(pt->time, t, sizeof(t));
			param_format(p->d, pt->value, v, sizeof(v));
			fprintf(out.f, "%s %s %s%s\n", t, p->address, v,
			        pt->linear ? " linear" : "");
		}
	}
	return atomic_file_commit(&out, err, errlen);
}

void
automation_file_free(struct automation_file *af)
{
	if (!af)
		return;
	for (unsigned i = 0; i < af->n_lanes; i++)
		free(af->lanes[i].pts);
	free(af->lanes);
	free(af);
}

/* Appends pt to the lane of idx, creating it on first use; lane_of maps a parameter index to its
 * lane + 1 (0: none yet). Returns 0 or -ENOMEM. */
static int
add_point(struct automation_file *af, unsigned *lane_of, unsigned *caps, unsigned idx,
          const struct automation_point *pt)
{
	struct automation_lane *l;

	if (!lane_of[idx]) {
		af->lanes[af->n_lanes] = (struct automation_lane){ .idx = idx };
		caps[af->n_lanes] = 0;
		lane_of[idx] = ++af->n_lanes;
	}
	l = &af->lanes[lane_of[idx] - 1];
	if (l->n == caps[lane_of[idx] - 1]) {
		unsigned nc = l->n ? l->n * 2 : 16;
		struct automation_point *np = realloc(l->pts, nc * sizeof(*np));
		if (!np)
			return -ENOMEM;
		l->pts = np;
		caps[lane_of[idx] - 1] = nc;
	}
	l->pts[l->n++] = *pt;
	return 0;
}

struct automation_file *
automation_file_read(const struct params *ps, FILE *f, const char *name, char *err, size_t errlen)
{
	unsigned n_params = params_count(ps);
	struct automation_file *af = calloc(1, sizeof(*af));
	unsigned *lane_of = calloc(n_params, sizeof(*lane_of));
	unsigned *caps = calloc(n_params, sizeof(*caps));
	struct textfile tf;
	char why[200], *s;
	int ret;

	textfile_init(&tf, f, name, AUTOMATION_MAGIC, AUTOMATION_FILE_MAX_LINES);
	if (!af || !lane_of || !caps)
		goto oom;
	af->lanes = calloc(n_params, sizeof(*af->lanes));
	if (!af->lanes)
		goto oom;
	while ((ret = textfile_next(&tf, &s, err, errlen)) > 0) {
		struct automation_point pt;
		unsigned idx;
		const char *reason = parse_line(ps, s, &pt, &idx, why, sizeof(why));

		if (reason) {
			snprintf(err, errlen, "%s: line %u: %s", name, tf.lineno, reason);
			goto fail;
		}
		pt.line = tf.lineno;
		if (add_point(af, lane_of, caps, idx, &pt) < 0)
			goto oom;
	}
	if (ret < 0)
		goto fail;
	free(lane_of);
	free(caps);
	return af;

oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(caps);
	free(lane_of);
	automation_file_free(af);
	return NULL;
}

struct automation_file *
automation_file_load(const struct params *ps, const char *path, const char *name, int *errnum,
                     char *err, size_t errlen)
{
	struct automation_file *af;
	char why[PATH_MAX + 96];
	FILE *f;
	int dummy;

	if (!errnum)
		errnum = &dummy;
	*errnum = textfile_open(path, AUTOMATION_FILE_MAX_BYTES, &f, why, sizeof(why));
	if (*errnum) {
		/* the message goes over the network: the name, not where the state lives */
		snprintf(err, errlen, "%s: cannot open: %s", name,
		         *errnum == -EFBIG   ? "file too large"
		         : *errnum == -ENXIO ? "not a regular file"
		                             : strerror(-*errnum));
		return NULL;
	}
	af = automation_file_read(ps, f, name, err, errlen);
	*errnum = af ? 0 : (!strcmp(err, "out of memory") ? -ENOMEM : -EINVAL);
	fclose(f);
	return af;
}
