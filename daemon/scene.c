/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scene.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "model.h"
#include "params.h"
#include "textfile.h"

/* Largest file accepted: a generous bound on 256 strips' worth of lines, and on its bytes
 * (a line is at most TEXTFILE_LINE_MAX; a real one is under 60 bytes). */
#define FILE_MAX_LINES 100000
#define FILE_MAX_BYTES (16u << 20)

/* Lines of a state file kept verbatim, "ADDRESS VALUE" each ending in '\n', in file order. */
struct scene_carry {
	char *text;
	size_t len, cap;
	unsigned lines;
};

struct scene_carry *
scene_carry_new(void)
{
	return calloc(1, sizeof(struct scene_carry));
}

void
scene_carry_free(struct scene_carry *c)
{
	if (c)
		free(c->text);
	free(c);
}

unsigned
scene_carry_lines(const struct scene_carry *c)
{
	return c ? c->lines : 0;
}

/* Appends one line to c. Returns 0 or -ENOMEM. Bounded by the file it comes from: at most
 * FILE_MAX_LINES lines of TEXTFILE_LINE_MAX bytes. */
static int
carry_add(struct scene_carry *c, const char *addr, const char *val)
{
	size_t need = strlen(addr) + 1 + strlen(val) + 1;

	if (c->len + need + 1 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4096;
		char *nt;
		while (ncap < c->len + need + 1)
			ncap *= 2;
		nt = realloc(c->text, ncap);
		if (!nt)
			return -ENOMEM;
		c->text = nt;
		c->cap = ncap;
	}
	c->len += (size_t)sprintf(c->text + c->len, "%s %s\n", addr, val);
	c->lines++;
	return 0;
}

/* The shape a carried line must have: a path of printable characters, then a value without
 * control characters. What it means is checked when a console that has the address loads it. */
static bool
carry_shape_ok(const char *addr, const char *val)
{
	if (addr[0] != '/' || strlen(addr) >= 256)
		return false;
	for (const char *s = addr; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return false;
	for (const char *s = val; *s; s++)
		if ((unsigned char)*s < ' ' && *s != '\t')
			return false;
	return true;
}

bool
scene_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SCENE_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void
write_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int
scene_write(const struct model *m, const char *path, char *err, size_t errlen)
{
	return scene_write_carry(m, path, NULL, err, errlen);
}

int
scene_write_carry(const struct model *m, const char *path, const struct scene_carry *carry,
                  char *err, size_t errlen)
{
	const struct params *ps = model_params(m);
	struct atomic_file af;
	int ret = atomic_file_open(&af, path, 0644, true, err, errlen);

	if (ret)
		return ret;
	fprintf(af.f, "%s\n", SCENE_MAGIC);
	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		char val[64];

		/* a strip's sends to aux buses and memberships: only what differs from the
		 * default (24 576 sends on the largest console, nearly all off) */
		if (param_scope_sparse(p->d->scope) && model_get(m, i) == p->d->def)
			continue;
		fputs(p->address, af.f);
		fputc(' ', af.f);
		if (p->d->type == PARAM_STRING) {
			write_quoted(af.f, model_get_string(m, i));
		} else {
			param_format(p->d, model_get(m, i), val, sizeof(val));
			fputs(val, af.f);
		}
		fputc('\n', af.f);
	}
	if (carry && carry->len) {
		fputs("# kept from a larger console: addresses this one does not have\n", af.f);
		fwrite(carry->text, 1, carry->len, af.f);
	}
	return atomic_file_commit(&af, err, errlen);
}

/* One validated line, held until the whole file has been checked. */
struct staged {
	unsigned idx;
	float value;
	char str[PARAM_STRING_MAX + 1];
};

/* Parses a double-quoted string with \" and \\ escapes; the rest of the line must be empty.
 * Returns 0 or a short reason. */
static const char *
parse_quoted(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	if (*s++ != '"')
		return "a string value must be in double quotes";
	for (; *s && *s != '"'; s++) {
		if (*s == '\\') {
			s++;
			if (*s != '"' && *s != '\\')
				return "only \\\" and \\\\ escapes are allowed in strings";
		}
		if (n + 1 >= outlen)
			return "string longer than 32 bytes";
		out[n++] = *s;
	}
	if (*s != '"')
		return "unterminated string";
	out[n] = '\0';
	for (s++; *s == ' ' || *s == '\t'; s++)
		;
	if (*s)
		return "text after the closing quote";
	return param_check_string(out) ? "control characters in string" : NULL;
}

/* Validates one non-comment line into *st. Returns NULL when good, else a reason; sets *skip
 * for an unknown address under SCENE_IGNORE_UNKNOWN, and then adds it to carry (when not NULL;
 * *skip = -1 when that ran out of memory). */
static const char *
parse_line(const struct model *m, char *line, unsigned flags, struct scene_carry *carry,
           struct staged *st, int *skip, char *why, size_t whylen)
{
	const struct params *ps = model_params(m);
	char *addr = line, *val, *rest;
	const struct param *p;
	int idx, err;

	*skip = 0;
	val = addr + strcspn(addr, " \t");
	if (!*val)
		return "expected ADDRESS VALUE";
	*val++ = '\0';
	val += strspn(val, " \t");
	if (!*val)
		return "expected ADDRESS VALUE";
	idx = params_find(ps, addr);
	if (idx < 0) {
		if (flags & SCENE_IGNORE_UNKNOWN) {
			*skip = 1;
			if (!carry)
				return NULL;
			if (!carry_shape_ok(addr, val)) {
				snprintf(why, whylen, "malformed line for %.64s", addr);
				return why;
			}
			if (carry_add(carry, addr, val) < 0)
				*skip = -1;
			return NULL;
		}
		snprintf(why, whylen, "unknown address %s", addr);
		return why;
	}
	p = params_at(ps, (unsigned)idx);
	st->idx = (unsigned)idx;
	if (p->d->type == PARAM_STRING) {
		const char *r = parse_quoted(val, st->str, sizeof(st->str));
		if (r)
			snprintf(why, whylen, "%s: %s", addr, r);
		return r ? why : NULL;
	}
	/* one value, then at most blanks and a comment: "-6 -12" or "100 dB" is a mistake to
	 * report, not something to half-read */
	rest = val + strcspn(val, " \t");
	if (*rest) {
		*rest++ = '\0';
		rest += strspn(rest, " \t");
		if (*rest && *rest != '#') {
			snprintf(why, whylen, "%s: text after the value: \"%s\"", addr, rest);
			return why;
		}
	}
	err = param_parse(p->d, val, &st->value);
	if (err) {
		char reason[96];
		snprintf(why, whylen, "%s: %s, got \"%s\"", addr,
		         param_error(p->d, err, reason, sizeof(reason)), val);
		return why;
	}
	return NULL;
}

/* Applies the staged lines, and the defaults of the sparse rows (scene_write leaves out those
 * at their default) that no line named. Returns 0 or -ENOMEM (nothing applied). */
static int
apply(struct model *m, const struct staged *st, size_t n_st)
{
	const struct params *ps = model_params(m);
	uint8_t *named = calloc(params_count(ps), 1);

	if (!named)
		return -ENOMEM;
	for (size_t i = 0; i < n_st; i++)
		named[st[i].idx] = 1;
	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		if (!named[i] && param_scope_sparse(p->d->scope) && model_get(m, i) != p->d->def)
			model_set(m, i, p->d->def);
	}
	for (size_t i = 0; i < n_st; i++) {
		const struct param *p = params_at(ps, st[i].idx);
		if (p->d->type == PARAM_STRING)
			model_set_string(m, st[i].idx, st[i].str);
		else
			model_set(m, st[i].idx, st[i].value);
	}
	free(named);
	return 0;
}

int
scene_read(struct model *m, const char *path, unsigned flags, char *err, size_t errlen)
{
	return scene_read_carry(m, path, flags, NULL, err, errlen);
}

int
scene_read_carry(struct model *m, const char *path, unsigned flags, struct scene_carry *carry,
                 char *err, size_t errlen)
{
	struct scene_carry *fresh = NULL;
	struct staged *st = NULL;
	size_t n_st = 0, cap = 0;
	struct textfile tf;
	char why[160], *s;
	FILE *f;
	int ret;

	ret = textfile_open(path, FILE_MAX_BYTES, &f, err, errlen);
	if (ret)
		return ret;
	/* the lines are gathered apart and replace the carry only when the whole file is good */
	if (carry && !(fresh = scene_carry_new())) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	textfile_init(&tf, f, path, SCENE_MAGIC, FILE_MAX_LINES);
	while ((ret = textfile_next(&tf, &s, err, errlen)) > 0) {
		const char *reason;
		int skip;

		if (n_st == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct staged *nst = realloc(st, ncap * sizeof(*st));
			if (!nst) {
				ret = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			st = nst;
			cap = ncap;
		}
		reason = parse_line(m, s, flags, fresh, &st[n_st], &skip, why, sizeof(why));
		if (reason) {
			snprintf(err, errlen, "%s: line %u: %s", path, tf.lineno, reason);
			ret = -EINVAL;
			goto out;
		}
		if (skip < 0) {
			ret = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (!skip)
			n_st++;
	}
	if (ret < 0)
		goto out;
	/* every line is valid: now, and only now, apply */
	ret = apply(m, st, n_st);
	if (ret < 0) {
		snprintf(err, errlen, "out of memory");
	} else if (carry) {
		struct scene_carry swap = *carry;
		*carry = *fresh;
		*fresh = swap;
	}
out:
	scene_carry_free(fresh);
	free(st);
	fclose(f);
	return ret;
}
