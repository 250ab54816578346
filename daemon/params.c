/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "gain.h"

#define DB_OFF GAIN_OFF_DB

/* The address space. Add a parameter here and OSC, scenes, --list-params and docs/osc.md all
 * gain it. Ranges and defaults follow design.md section 3. */
static const struct param_desc table[] = {
	{ PARAM_SCOPE_STRIP, "name", PARAM_STRING, "", 0, PARAM_STRING_MAX, 0, 0, -1,
	  "Strip name, up to 32 bytes; defaults to the strip number" },
	{ PARAM_SCOPE_STRIP, "trim", PARAM_FLOAT, "dB", -24, 24, 0, 0, ENGINE_STRIP_TRIM,
	  "Input gain before all processing" },
	{ PARAM_SCOPE_STRIP, "polarity", PARAM_INT, "", 0, 1, 0, 0, ENGINE_STRIP_POLARITY,
	  "1 inverts the polarity (smoothed through zero, no click)" },
	{ PARAM_SCOPE_STRIP, "fader", PARAM_FLOAT, "dB", DB_OFF, 10, 0, PARAM_F_OFF,
	  ENGINE_STRIP_FADER, "Channel fader; -144 or below is off (-inf)" },
	{ PARAM_SCOPE_STRIP, "pan", PARAM_FLOAT, "", -1, 1, 0, 0, ENGINE_STRIP_PAN,
	  "-1 left .. +1 right, -3 dB constant power; balance on stereo strips" },
	{ PARAM_SCOPE_STRIP, "mute", PARAM_INT, "", 0, 1, 0, 0, ENGINE_STRIP_MUTE,
	  "1 mutes the strip (a 10 ms fade)" },
	{ PARAM_SCOPE_STRIP, "solo", PARAM_INT, "", 0, 1, 0, 0, ENGINE_STRIP_SOLO,
	  "Solo in place: while any strip is soloed, the others are silenced" },
	{ PARAM_SCOPE_MASTER, "fader", PARAM_FLOAT, "dB", DB_OFF, 10, 0, PARAM_F_OFF,
	  ENGINE_MASTER_FADER, "Master fader; -144 or below is off (-inf)" },
	{ PARAM_SCOPE_MASTER, "mute", PARAM_INT, "", 0, 1, 0, 0, ENGINE_MASTER_MUTE,
	  "1 mutes the master output" },
};

#define TABLE_N (sizeof(table) / sizeof(table[0]))

struct params {
	unsigned n, n_strips;
	struct param *v;
	/* open-addressed hash of addresses -> index + 1 (0 = empty slot); size a power of two */
	uint32_t *slots;
	uint32_t mask;
};

const struct param_desc *
param_table(unsigned *n)
{
	*n = TABLE_N;
	return table;
}

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a: short keys, no adversary can choose the table */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct params *
params_new(unsigned n_strips)
{
	struct params *ps;
	unsigned n_strip_rows = 0, n_master_rows = 0, i, k, idx = 0;
	uint32_t size = 1;

	if (n_strips == 0 || n_strips > ENGINE_MAX_STRIPS)
		return NULL;
	for (i = 0; i < TABLE_N; i++) {
		if (table[i].scope == PARAM_SCOPE_STRIP)
			n_strip_rows++;
		else
			n_master_rows++;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->n_strips = n_strips;
	ps->n = n_strip_rows * n_strips + n_master_rows;
	ps->v = calloc(ps->n, sizeof(*ps->v));
	while (size < 2 * ps->n)
		size <<= 1;
	ps->slots = calloc(size, sizeof(*ps->slots));
	if (!ps->v || !ps->slots)
		goto fail;
	ps->mask = size - 1;

	for (k = 0; k < n_strips; k++)
		for (i = 0; i < TABLE_N; i++)
			if (table[i].scope == PARAM_SCOPE_STRIP) {
				struct param *p = &ps->v[idx++];
				p->d = &table[i];
				p->strip = k;
				snprintf(p->address, sizeof(p->address), "/strip/%u/%s", k + 1,
				         table[i].name);
			}
	for (i = 0; i < TABLE_N; i++)
		if (table[i].scope == PARAM_SCOPE_MASTER) {
			struct param *p = &ps->v[idx++];
			p->d = &table[i];
			snprintf(p->address, sizeof(p->address), "/master/%s", table[i].name);
		}

	for (i = 0; i < ps->n; i++) {
		uint32_t h = hash_str(ps->v[i].address) & ps->mask;
		while (ps->slots[h])
			h = (h + 1) & ps->mask;
		ps->slots[h] = i + 1;
	}
	return ps;

fail:
	params_free(ps);
	return NULL;
}

void
params_free(struct params *ps)
{
	if (!ps)
		return;
	free(ps->slots);
	free(ps->v);
	free(ps);
}

unsigned
params_count(const struct params *ps)
{
	return ps->n;
}

unsigned
params_n_strips(const struct params *ps)
{
	return ps->n_strips;
}

const struct param *
params_at(const struct params *ps, unsigned idx)
{
	return idx < ps->n ? &ps->v[idx] : NULL;
}

int
params_find(const struct params *ps, const char *address)
{
	uint32_t h = hash_str(address) & ps->mask;

	for (; ps->slots[h]; h = (h + 1) & ps->mask) {
		uint32_t i = ps->slots[h] - 1;
		if (!strcmp(ps->v[i].address, address))
			return (int)i;
	}
	return -ENOENT;
}

int
param_clamp(const struct param_desc *d, double v, float *out)
{
	if (!isfinite(v))
		return -EDOM;
	if (d->type == PARAM_INT)
		v = nearbyint(v);
	if (v < d->min)
		v = d->min;
	if (v > d->max)
		v = d->max;
	*out = (float)v;
	return 0;
}

int
param_parse(const struct param_desc *d, const char *text, float *out)
{
	char *end;
	double v;

	if ((d->flags & PARAM_F_OFF) && !strcmp(text, "-inf")) {
		*out = d->min;
		return 0;
	}
	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end != '\0')
		return -EINVAL;
	/* strtod accepts "nan" and "inf": those are numbers, but not values we take */
	return param_clamp(d, v, out);
}

int
param_check_string(const char *s)
{
	size_t n = strlen(s);

	if (n > PARAM_STRING_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -EINVAL;
	return 0;
}

int
param_format(const struct param_desc *d, float v, char *buf, size_t n)
{
	if ((d->flags & PARAM_F_OFF) && v <= d->min)
		return snprintf(buf, n, "-inf");
	if (d->type == PARAM_INT)
		return snprintf(buf, n, "%ld", lrintf(v));
	/* The shortest text that reads back as the same float: "0.1", not "0.100000001". %.9g
	 * always round-trips, so the loop ends there at the latest. */
	for (int prec = 6;; prec++) {
		int len = snprintf(buf, n, "%.*g", prec, (double)v);
		if (prec >= 9 || (len > 0 && (size_t)len < n && strtof(buf, NULL) == v))
			return len;
	}
}

void
param_default_string(const struct param *p, char *buf, size_t n)
{
	if (p->d->scope == PARAM_SCOPE_STRIP)
		snprintf(buf, n, "%u", p->strip + 1);
	else if (n)
		buf[0] = '\0';
}
