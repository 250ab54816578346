/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jbuf: a bounded, growable text buffer for the JSON the web port sends (OSCQuery replies).
 * Past its maximum it stops growing and remembers that it overflowed, so a caller builds the
 * whole reply with no error checks on the way and looks once at the end.
 */
#ifndef MIXD_JBUF_H
#define MIXD_JBUF_H

#include <stdbool.h>
#include <stddef.h>

struct jbuf {
	char *p;       /* NUL-terminated once anything was written; NULL before */
	size_t len;    /* bytes in p, without the NUL */
	size_t cap;    /* bytes allocated */
	size_t max;    /* most bytes it may hold */
	bool overflow; /* something did not fit in max, or memory ran out */
};

/* Any thread. An empty buffer that will hold at most max bytes. Cannot fail. */
void jbuf_init(struct jbuf *b, size_t max);
/* Any thread. Frees the text; the buffer is empty again (same max). */
void jbuf_free(struct jbuf *b);
/* Any thread. Appends n bytes / a C string / printf output. On overflow nothing more is kept. */
void jbuf_mem(struct jbuf *b, const char *s, size_t n);
void jbuf_raw(struct jbuf *b, const char *s);
void jbuf_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Any thread. Appends s as a JSON string: quoted, with " \ and control characters escaped. */
void jbuf_str(struct jbuf *b, const char *s);
/* Any thread. Appends a JSON number (shortest form that reads back as the same float), or null
 * for NaN and infinities, which JSON cannot carry. */
void jbuf_num(struct jbuf *b, float v);

#endif
