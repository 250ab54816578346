/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "jbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
jbuf_init(struct jbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
jbuf_free(struct jbuf *b)
{
	free(b->p);
	jbuf_init(b, b->max);
}

/* Room for n more bytes and the NUL; false (and overflow set) when it cannot be had. */
static bool
reserve(struct jbuf *b, size_t n)
{
	size_t want = b->len + n + 1, cap;
	char *p;

	if (b->overflow)
		return false;
	if (want > b->max + 1) {
		b->overflow = true;
		return false;
	}
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < want)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->p, cap);
	if (!p) {
		b->overflow = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
jbuf_mem(struct jbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
jbuf_raw(struct jbuf *b, const char *s)
{
	jbuf_mem(b, s, strlen(s));
}

void
jbuf_printf(struct jbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = true; /* only short numbers and names come through here */
		return;
	}
	jbuf_mem(b, tmp, (size_t)n);
}

void
jbuf_str(struct jbuf *b, const char *s)
{
	jbuf_mem(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			jbuf_mem(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			jbuf_printf(b, "\\u%04x", c);
		} else {
			jbuf_mem(b, s, 1);
		}
	}
	jbuf_mem(b, "\"", 1);
}

void
jbuf_num(struct jbuf *b, float v)
{
	char tmp[32];

	if (!isfinite(v)) {
		jbuf_raw(b, "null");
		return;
	}
	/* the shortest text that reads back as the same float: 0.1, not 0.100000001 */
	for (int prec = 6; prec <= 9; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)v);
		if (strtof(tmp, NULL) == v)
			break;
	}
	jbuf_raw(b, tmp);
}
