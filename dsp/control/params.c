/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

struct params {
	unsigned n, n_strips, n_aux, n_dca;
	bool aux_stereo[ENGINE_MAX_AUX];
	struct param *v;
	/* open-addressed hash of addresses -> index + 1 (0 = empty slot); size a power of two */
	uint32_t *slots;
	uint32_t mask;
};

bool
param_prefix_covers(const char *prefix, size_t plen, const char *address)
{
	if (strncmp(address, prefix, plen))
		return false;
	return prefix[plen - 1] == '/' || address[plen] == '\0' || address[plen] == '/';
}

char
param_wire_type(const struct param_desc *d)
{
	return d->type == PARAM_ENUM ? 's' : (char)d->type;
}

const char *
param_scope_prefix(enum param_scope scope)
{
	static const char *const prefix[PARAM_N_SCOPES] = {
		[PARAM_SCOPE_STRIP] = "/strip/N/",
		[PARAM_SCOPE_BUS] = "/bus/",
		[PARAM_SCOPE_MASTER] = "/master/",
		[PARAM_SCOPE_STRIP_AUX] = "/strip/N/send/aux/K/",
		[PARAM_SCOPE_STRIP_DCA] = "/strip/N/dca/K",
		[PARAM_SCOPE_STRIP_MUTEGROUP] = "/strip/N/mutegroup/K",
		[PARAM_SCOPE_AUX] = "/aux/K/",
		[PARAM_SCOPE_DCA] = "/dca/K/",
		[PARAM_SCOPE_MUTEGROUP] = "/mutegroup/K/",
		[PARAM_SCOPE_MONITOR] = "/monitor/",
	};

	return prefix[scope];
}

bool
param_scope_sparse(enum param_scope scope)
{
	return scope == PARAM_SCOPE_STRIP_AUX || scope == PARAM_SCOPE_STRIP_DCA ||
	       scope == PARAM_SCOPE_STRIP_MUTEGROUP;
}

static bool
scope_of_strip(enum param_scope scope)
{
	return scope == PARAM_SCOPE_STRIP || param_scope_sparse(scope);
}

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a: short keys, no adversary can choose the table */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

unsigned
params_scope_count(const struct params *ps, enum param_scope scope)
{
	switch (scope) {
	case PARAM_SCOPE_STRIP_AUX:
	case PARAM_SCOPE_AUX:
		return ps->n_aux;
	case PARAM_SCOPE_STRIP_DCA:
	case PARAM_SCOPE_DCA:
		return ps->n_dca;
	case PARAM_SCOPE_STRIP_MUTEGROUP:
	case PARAM_SCOPE_MUTEGROUP:
		return ENGINE_MUTE_GROUPS;
	default:
		return 1;
	}
}

/* Whether row d has an instance for second index k (a pan only on a stereo aux bus). */
static bool
row_exists(const struct params *ps, const struct param_desc *d, unsigned k)
{
	return !(d->flags & PARAM_F_STEREO_AUX) || ps->aux_stereo[k];
}

/* The idx engine_set takes for a row of scope at (strip, k). */
static unsigned
engine_index(enum param_scope scope, unsigned strip, unsigned k)
{
	switch (scope) {
	case PARAM_SCOPE_STRIP:
		return strip;
	case PARAM_SCOPE_STRIP_AUX:
		return ENGINE_AUX_IDX(strip, k);
	case PARAM_SCOPE_STRIP_DCA:
		return ENGINE_DCA_IDX(strip, k);
	case PARAM_SCOPE_STRIP_MUTEGROUP:
		return ENGINE_MG_IDX(strip, k);
	case PARAM_SCOPE_AUX:
	case PARAM_SCOPE_DCA:
	case PARAM_SCOPE_MUTEGROUP:
		return k;
	default:
		return 0;
	}
}

/* Writes the address of row d at (strip, k), both 0-based. */
static void
format_address(char *buf, size_t n, const struct param_desc *d, unsigned strip, unsigned k)
{
	const char *sep = d->name[0] ? "/" : "";

	switch (d->scope) {
	case PARAM_SCOPE_STRIP:
		snprintf(buf, n, "/strip/%u/%s", strip + 1, d->name);
		break;
	case PARAM_SCOPE_STRIP_AUX:
		snprintf(buf, n, "/strip/%u/send/aux/%u/%s", strip + 1, k + 1, d->name);
		break;
	case PARAM_SCOPE_STRIP_DCA:
		snprintf(buf, n, "/strip/%u/dca/%u%s%s", strip + 1, k + 1, sep, d->name);
		break;
	case PARAM_SCOPE_STRIP_MUTEGROUP:
		snprintf(buf, n, "/strip/%u/mutegroup/%u%s%s", strip + 1, k + 1, sep, d->name);
		break;
	case PARAM_SCOPE_AUX:
		snprintf(buf, n, "/aux/%u/%s", k + 1, d->name);
		break;
	case PARAM_SCOPE_DCA:
		snprintf(buf, n, "/dca/%u/%s", k + 1, d->name);
		break;
	case PARAM_SCOPE_MUTEGROUP:
		snprintf(buf, n, "/mutegroup/%u/%s", k + 1, d->name);
		break;
	default: /* BUS, MASTER, MONITOR: no index */
		snprintf(buf, n, "%s%s", param_scope_prefix(d->scope), d->name);
		break;
	}
}

/* Visits every instance of ps's layout in order: each strip with all its scopes, then the
 * scopes without a strip. With v NULL only counts. Returns the count. */
static unsigned
instantiate(struct params *ps, struct param *v)
{
	static const enum param_scope strip_scopes[] = { PARAM_SCOPE_STRIP, PARAM_SCOPE_STRIP_AUX,
		                                         PARAM_SCOPE_STRIP_DCA,
		                                         PARAM_SCOPE_STRIP_MUTEGROUP };
	static const enum param_scope other_scopes[] = {
		PARAM_SCOPE_BUS, PARAM_SCOPE_MASTER,    PARAM_SCOPE_AUX,
		PARAM_SCOPE_DCA, PARAM_SCOPE_MUTEGROUP, PARAM_SCOPE_MONITOR
	};
	unsigned idx = 0, n_rows;
	const struct param_desc *rows = param_table(&n_rows);

	for (unsigned pass = 0; pass < 2; pass++) {
		unsigned n_strips = pass == 0 ? ps->n_strips : 1;
		const enum param_scope *sc = pass == 0 ? strip_scopes : other_scopes;
		unsigned n_sc = pass == 0 ? ARRAY_N(strip_scopes) : ARRAY_N(other_scopes);

		for (unsigned st = 0; st < n_strips; st++)
			for (unsigned c = 0; c < n_sc; c++)
				for (unsigned k = 0; k < params_scope_count(ps, sc[c]); k++)
					for (unsigned i = 0; i < n_rows; i++) {
						const struct param_desc *d = &rows[i];
						struct param *p;

						if (d->scope != sc[c] || !row_exists(ps, d, k))
							continue;
						p = v ? &v[idx] : NULL;
						idx++;
						if (!p)
							continue;
						p->d = d;
						p->strip = scope_of_strip(d->scope) ? st : 0;
						p->k = k;
						p->eidx = engine_index(d->scope, p->strip, k);
						format_address(p->address, sizeof(p->address), d,
						               p->strip, k);
					}
	}
	return idx;
}

struct params *
params_new_layout(const struct params_layout *l)
{
	struct params *ps;
	uint32_t size = 1;

	if (l->n_strips == 0 || l->n_strips > ENGINE_MAX_STRIPS || l->n_aux > ENGINE_MAX_AUX ||
	    l->n_dca > ENGINE_MAX_DCA)
		return NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->n_strips = l->n_strips;
	ps->n_aux = l->n_aux;
	ps->n_dca = l->n_dca;
	for (unsigned k = 0; l->aux_stereo && k < l->n_aux; k++)
		ps->aux_stereo[k] = l->aux_stereo[k];
	ps->n = instantiate(ps, NULL);
	/* the largest console has 45 371: indices travel as 16 bits (automation reports) */
	if (ps->n > UINT16_MAX)
		goto fail;
	ps->v = calloc(ps->n, sizeof(*ps->v));
	while (size < 2 * ps->n)
		size <<= 1;
	ps->slots = calloc(size, sizeof(*ps->slots));
	if (!ps->v || !ps->slots)
		goto fail;
	ps->mask = size - 1;
	instantiate(ps, ps->v);

	for (unsigned i = 0; i < ps->n; i++) {
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

struct params *
params_new(unsigned n_strips)
{
	const struct params_layout l = { .n_strips = n_strips };

	return params_new_layout(&l);
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

unsigned
params_n_aux(const struct params *ps)
{
	return ps->n_aux;
}

unsigned
params_n_dca(const struct params *ps)
{
	return ps->n_dca;
}

bool
params_aux_stereo(const struct params *ps, unsigned k)
{
	return k < ps->n_aux && ps->aux_stereo[k];
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

/* The allowed value nearest v; of two as near, the higher (the list ascends). */
static double
snap_allowed(const struct param_desc *d, double v)
{
	double best = d->allowed[0];

	for (unsigned i = 1; i < d->n_allowed; i++)
		if (fabs(d->allowed[i] - v) <= fabs(best - v))
			best = d->allowed[i];
	return best;
}

int
param_clamp(const struct param_desc *d, double v, float *out)
{
	if (!isfinite(v))
		return -EDOM;
	if (d->type == PARAM_INT || d->type == PARAM_ENUM)
		v = nearbyint(v);
	if (v < d->min)
		v = d->min;
	if (v > d->max)
		v = d->max;
	if (d->n_allowed)
		v = snap_allowed(d, v);
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
	for (unsigned i = 0; d->type == PARAM_ENUM && d->choices[i]; i++)
		if (!strcmp(text, d->choices[i])) {
			*out = (float)i;
			return 0;
		}
	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end != '\0')
		return -EINVAL;
	/* strtod accepts "nan" and "inf": those are numbers, but not values we take */
	return param_clamp(d, v, out);
}

/* Writes lead, then d's choices separated by sep, into buf (truncated to n). */
static void
join_choices(const struct param_desc *d, const char *lead, const char *sep, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "%s", lead);

	for (unsigned i = 0; d->choices[i] && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? sep : "", d->choices[i]);
}

const char *
param_error(const struct param_desc *d, int err, char *buf, size_t n)
{
	if (err == -EDOM)
		snprintf(buf, n, "non-finite value");
	else if (d->type == PARAM_ENUM)
		join_choices(d, "expected one of: ", " ", buf, n);
	else
		snprintf(buf, n, "not a number");
	return buf;
}

const char *
param_unit(const struct param_desc *d, char *buf, size_t n)
{
	if (d->type != PARAM_ENUM)
		return d->unit;
	join_choices(d, "", "|", buf, n);
	return buf;
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
	if (d->type == PARAM_ENUM) {
		float i;
		if (param_clamp(d, v, &i) < 0)
			i = d->def;
		return snprintf(buf, n, "%s", d->choices[(unsigned)i]);
	}
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
	if (p->d->type == PARAM_ENUM)
		param_format(p->d, p->d->def, buf, n);
	else if (p->d->type == PARAM_STRING && p->d->scope == PARAM_SCOPE_STRIP)
		snprintf(buf, n, "%u", p->strip + 1);
	else if (p->d->type == PARAM_STRING && p->d->scope == PARAM_SCOPE_AUX)
		snprintf(buf, n, "Aux %u", p->k + 1);
	else if (p->d->type == PARAM_STRING && p->d->scope == PARAM_SCOPE_DCA)
		snprintf(buf, n, "DCA %u", p->k + 1);
	else if (n)
		buf[0] = '\0';
}
