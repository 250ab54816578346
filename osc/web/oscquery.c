/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oscquery.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "params.h"

struct oscquery;
static bool make_arena(struct oscquery *q);

/* One node of the address tree. Children are a list in table order (first_child, next). */
struct node {
	const char *name; /* the segment, pointing into the parameter's address; "" for root */
	size_t name_len;
	int parent, first_child, last_child, next;
	int param;         /* parameter index, or -1 for a container */
	uint16_t path_len; /* length of the full path (into the first parameter's address) */
	const char *path;  /* an address that starts with this node's full path */
	/* a parameter's JSON around its value, made once (oscquery_new): the arena's bytes
	 * [pre, pre + pre_len) come before the value, [post, post + post_len) after it */
	size_t pre, pre_len, post, post_len;
};

struct oscquery {
	const struct params *ps;
	struct node *n;
	unsigned count, cap;
	struct jbuf arena; /* every parameter's fixed JSON; empty until made */
};

/* The attributes a query may name, and those a parameter node has. */
enum attr {
	A_FULL_PATH,
	A_CONTENTS,
	A_TYPE,
	A_ACCESS,
	A_VALUE,
	A_RANGE,
	A_CLIPMODE,
	A_UNIT,
	A_DESCRIPTION,
	A_N
};
static const char *const attr_names[A_N] = {
	"FULL_PATH", "CONTENTS", "TYPE", "ACCESS",      "VALUE",
	"RANGE",     "CLIPMODE", "UNIT", "DESCRIPTION",
};

static int
add_node(struct oscquery *q, int parent, const char *name, size_t len, const char *path,
         size_t path_len)
{
	struct node *n;

	if (q->count == q->cap)
		return -1; /* sized for the worst case up front: cannot happen */
	n = &q->n[q->count];
	*n = (struct node){ .name = name,
		            .name_len = len,
		            .parent = parent,
		            .first_child = -1,
		            .last_child = -1,
		            .next = -1,
		            .param = -1,
		            .path = path,
		            .path_len = (uint16_t)path_len };
	if (parent >= 0) {
		struct node *p = &q->n[parent];
		if (p->last_child >= 0)
			q->n[p->last_child].next = (int)q->count;
		else
			p->first_child = (int)q->count;
		p->last_child = (int)q->count;
	}
	return (int)q->count++;
}

/* The child of node named seg[0..len), or -1. A linear scan: built once at start, and the
 * widest level (/strip with 256 children) costs microseconds per lookup. */
static int
child(const struct oscquery *q, int node, const char *seg, size_t len)
{
	for (int c = q->n[node].first_child; c >= 0; c = q->n[c].next)
		if (q->n[c].name_len == len && !memcmp(q->n[c].name, seg, len))
			return c;
	return -1;
}

struct oscquery *
oscquery_new(const struct params *ps)
{
	struct oscquery *q = calloc(1, sizeof(*q));
	unsigned np = params_count(ps);

	if (!q)
		return NULL;
	q->ps = ps;
	/* at most one node per segment of every address (PARAM_ADDRESS_MAX / 2 segments) */
	q->cap = 1;
	for (unsigned i = 0; i < np; i++)
		for (const char *s = params_at(ps, i)->address; *s; s++)
			q->cap += *s == '/';
	q->n = calloc(q->cap, sizeof(*q->n));
	if (!q->n) {
		free(q);
		return NULL;
	}
	add_node(q, -1, "", 0, "/", 1);
	for (unsigned i = 0; i < np; i++) {
		const char *addr = params_at(ps, i)->address, *seg = addr + 1;
		int node = 0;

		while (*seg) {
			const char *end = strchr(seg, '/');
			size_t len = end ? (size_t)(end - seg) : strlen(seg);
			int c = child(q, node, seg, len);

			if (c < 0)
				c = add_node(q, node, seg, len, addr, (size_t)(seg + len - addr));
			if (c < 0)
				break;
			node = c;
			seg += len;
			if (*seg == '/')
				seg++;
		}
		q->n[node].param = (int)i;
	}
	make_arena(q);
	return q;
}

void
oscquery_free(struct oscquery *q)
{
	if (!q)
		return;
	jbuf_free(&q->arena);
	free(q->n);
	free(q);
}

/* The node at path ("/", "/strip/3", "/strip/3/" alike), or -1. */
static int
find(const struct oscquery *q, const char *path)
{
	const char *seg;
	int node = 0;

	if (path[0] != '/')
		return -1;
	for (seg = path + 1; *seg;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		if (len == 0)
			return end && !end[1] ? node : -1; /* one trailing slash, never "//" */
		node = child(q, node, seg, len);
		if (node < 0)
			return -1;
		seg += len;
		if (*seg == '/')
			seg++;
	}
	return node;
}

int
oscquery_param(const struct oscquery *q, const char *address)
{
	int node = find(q, address);

	return node < 0 ? -1 : q->n[node].param;
}

/* The spec's unit vocabulary (category.unit) for the table's units; NULL where it has none. */
static const char *
spec_unit(const char *unit)
{
	static const char *const map[][2] = {
		{ "dB", "gain.dB" },
		{ "Hz", "frequency.Hz" },
		{ "ms", "time.ms" },
		{ "s", "time.s" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(unit, map[i][0]))
			return map[i][1];
	return NULL;
}

static void
put_full_path(struct jbuf *b, const struct node *n)
{
	char path[PARAM_ADDRESS_MAX];
	size_t len = n->path_len < sizeof(path) ? n->path_len : sizeof(path) - 1;

	memcpy(path, n->path, len);
	path[len] = '\0';
	jbuf_str(b, path);
}

static void
put_value(struct jbuf *b, const struct model *m, const struct param *p, unsigned idx)
{
	char name[64];

	switch (p->d->type) {
	case PARAM_STRING:
		jbuf_str(b, model_get_string(m, idx));
		break;
	case PARAM_ENUM:
		param_format(p->d, model_get(m, idx), name, sizeof(name));
		jbuf_str(b, name);
		break;
	case PARAM_INT:
		jbuf_printf(b, "%ld", lrintf(model_get(m, idx)));
		break;
	case PARAM_FLOAT:
		jbuf_num(b, model_get(m, idx));
		break;
	}
}

static void
put_range(struct jbuf *b, const struct param_desc *d)
{
	jbuf_raw(b, "[{");
	if (d->type == PARAM_ENUM) {
		jbuf_raw(b, "\"VALS\":[");
		for (unsigned i = 0; d->choices[i]; i++) {
			if (i)
				jbuf_raw(b, ",");
			jbuf_str(b, d->choices[i]);
		}
		jbuf_raw(b, "]");
	} else {
		jbuf_raw(b, "\"MIN\":");
		jbuf_num(b, d->min);
		jbuf_raw(b, ",\"MAX\":");
		jbuf_num(b, d->max);
		if (d->n_allowed) {
			jbuf_raw(b, ",\"VALS\":[");
			for (unsigned i = 0; i < d->n_allowed; i++) {
				if (i)
					jbuf_raw(b, ",");
				jbuf_num(b, d->allowed[i]);
			}
			jbuf_raw(b, "]");
		}
	}
	jbuf_raw(b, "}]");
}

/* Whether node n has attribute a. */
static bool
has_attr(const struct oscquery *q, const struct node *n, enum attr a)
{
	const struct param *p = n->param >= 0 ? params_at(q->ps, (unsigned)n->param) : NULL;

	switch (a) {
	case A_FULL_PATH:
	case A_ACCESS:
		return true;
	case A_CONTENTS:
		return n->first_child >= 0;
	case A_DESCRIPTION:
		return p || n->parent < 0;
	case A_TYPE:
	case A_VALUE:
		return p != NULL;
	case A_RANGE:
	case A_CLIPMODE:
		return p && p->d->type != PARAM_STRING;
	case A_UNIT:
		return p && p->d->type != PARAM_ENUM && spec_unit(p->d->unit);
	case A_N:
		break;
	}
	return false;
}

static void put_node(const struct oscquery *q, const struct model *m, struct jbuf *b, int node);
static void put_attrs(const struct oscquery *q, const struct model *m, struct jbuf *b, int node,
                      enum attr from, enum attr to, bool *first);
/* The arena holds at most this: about 250 bytes a parameter, 256 strips in under 4 MB. */
#define ARENA_MAX (16u << 20)

/* Writes attribute a's value (not its name) for node n. */
static void
put_attr(const struct oscquery *q, const struct model *m, struct jbuf *b, int node, enum attr a)
{
	const struct node *n = &q->n[node];
	const struct param *p = n->param >= 0 ? params_at(q->ps, (unsigned)n->param) : NULL;
	char type[2] = { 0 };

	switch (a) {
	case A_FULL_PATH:
		put_full_path(b, n);
		break;
	case A_CONTENTS:
		jbuf_raw(b, "{");
		for (int c = n->first_child; c >= 0 && !b->overflow; c = q->n[c].next) {
			if (c != n->first_child)
				jbuf_raw(b, ",");
			jbuf_raw(b, "\"");
			jbuf_mem(b, q->n[c].name, q->n[c].name_len);
			jbuf_raw(b, "\":");
			put_node(q, m, b, c);
		}
		jbuf_raw(b, "}");
		break;
	case A_TYPE:
		type[0] = param_wire_type(p->d);
		jbuf_str(b, type);
		break;
	case A_ACCESS:
		jbuf_raw(b, p ? "3" : "0"); /* read and write; a container has no value */
		break;
	case A_VALUE:
		jbuf_raw(b, "[");
		put_value(b, m, p, (unsigned)n->param);
		jbuf_raw(b, "]");
		break;
	case A_RANGE:
		put_range(b, p->d);
		break;
	case A_CLIPMODE:
		jbuf_raw(b, "[\"both\"]"); /* values outside the range are clamped, both ends */
		break;
	case A_UNIT:
		jbuf_raw(b, "[");
		jbuf_str(b, spec_unit(p->d->unit));
		jbuf_raw(b, "]");
		break;
	case A_DESCRIPTION:
		jbuf_str(b, p ? p->d->doc : "mixd, a mixing console on JACK");
		break;
	case A_N:
		break;
	}
}

/* Writes the attributes of node in [from, to) that it has, each after a comma unless *first. */
static void
put_attrs(const struct oscquery *q, const struct model *m, struct jbuf *b, int node, enum attr from,
          enum attr to, bool *first)
{
	for (enum attr a = from; a < to; a++) {
		if (!has_attr(q, &q->n[node], a))
			continue;
		if (!*first)
			jbuf_raw(b, ",");
		*first = false;
		jbuf_printf(b, "\"%s\":", attr_names[a]);
		put_attr(q, m, b, node, a);
	}
}

static void
put_node(const struct oscquery *q, const struct model *m, struct jbuf *b, int node)
{
	const struct node *n = &q->n[node];
	bool first = true;

	if (n->param >= 0 && n->first_child < 0 && q->arena.p) {
		/* the fixed parts were made at start: only the value is formatted now */
		jbuf_mem(b, q->arena.p + n->pre, n->pre_len);
		put_attr(q, m, b, node, A_VALUE);
		jbuf_mem(b, q->arena.p + n->post, n->post_len);
		return;
	}
	jbuf_raw(b, "{");
	put_attrs(q, m, b, node, 0, A_N, &first);
	jbuf_raw(b, "}");
}

/* Makes every parameter's JSON but its value, once: a tree of 256 strips is then mostly
 * copies. Returns false when it does not fit (the tree is then made whole each time). */
static bool
make_arena(struct oscquery *q)
{
	struct jbuf *b = &q->arena;

	jbuf_init(b, ARENA_MAX);
	for (unsigned i = 0; i < q->count; i++) {
		struct node *n = &q->n[i];
		bool first = true;

		/* a parameter that is also a container (/master/width and /master/width/mono_below)
		 * has its children's values inside it: it is made whole each time */
		if (n->param < 0 || n->first_child >= 0)
			continue;
		n->pre = b->len;
		jbuf_raw(b, "{");
		put_attrs(q, NULL, b, (int)i, 0, A_VALUE, &first);
		jbuf_raw(b, first ? "\"VALUE\":" : ",\"VALUE\":");
		n->pre_len = b->len - n->pre;
		n->post = b->len;
		first = false;
		put_attrs(q, NULL, b, (int)i, A_VALUE + 1, A_N, &first);
		jbuf_raw(b, "}");
		n->post_len = b->len - n->post;
	}
	if (b->overflow)
		jbuf_free(b);
	return b->p != NULL;
}

static void
put_host_info(const struct oscquery_host *h, struct jbuf *b)
{
	/* the spec's optional attributes and features, each said to be there or not */
	static const char *const ext_on[] = { "ACCESS", "VALUE",    "RANGE", "DESCRIPTION",
		                              "UNIT",   "CLIPMODE", "LISTEN" };
	static const char *const ext_off[] = { "TAGS",       "EXTENDED_TYPE", "CRITICAL",
		                               "HTML",       "PATH_CHANGED",  "PATH_RENAMED",
		                               "PATH_ADDED", "PATH_REMOVED" };

	jbuf_raw(b, "{\"NAME\":");
	jbuf_str(b, h->name);
	if (h->osc_ip) {
		jbuf_raw(b, ",\"OSC_IP\":");
		jbuf_str(b, h->osc_ip);
	}
	jbuf_printf(b, ",\"OSC_PORT\":%d,\"OSC_TRANSPORT\":\"UDP\",\"EXTENSIONS\":{", h->osc_port);
	for (size_t i = 0; i < sizeof(ext_on) / sizeof(ext_on[0]); i++)
		jbuf_printf(b, "%s\"%s\":true", i ? "," : "", ext_on[i]);
	for (size_t i = 0; i < sizeof(ext_off) / sizeof(ext_off[0]); i++)
		jbuf_printf(b, ",\"%s\":false", ext_off[i]);
	jbuf_raw(b, "}}");
}

int
oscquery_get(const struct oscquery *q, const struct model *m, const struct oscquery_host *h,
             const char *path, const char *query, struct jbuf *out)
{
	int node = find(q, path);
	enum attr a;

	if (query && !strcmp(query, "HOST_INFO")) {
		put_host_info(h, out);
		return out->overflow ? 500 : 200;
	}
	if (node < 0)
		return 404;
	if (!query || !*query) {
		put_node(q, m, out, node);
		return out->overflow ? 500 : 200;
	}
	for (a = 0; a < A_N; a++)
		if (!strcmp(query, attr_names[a]))
			break;
	if (a == A_N)
		return 400;
	if (!has_attr(q, &q->n[node], a))
		return 204;
	jbuf_printf(out, "{\"%s\":", attr_names[a]);
	put_attr(q, m, out, node, a);
	jbuf_raw(out, "}");
	return out->overflow ? 500 : 200;
}
