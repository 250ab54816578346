/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_node: /node ,s NODE — one line of text with a node's values in the console's display
 * units (X32.c function_node), answered on the address "node" as the console does:
 *   /ch/01/mix ON  -0.0 ON +0 OFF   -oo
 * Nodes: ch/NN/{mix,config,grp,preamp}, bus/NN/{mix,config}, fxrtn/NN/mix, main/st/mix,
 * dca/N, dca/N/config, config/mute. Each field is read through the same targets the gets use
 * (x32_map.h), so a node and its leaves cannot disagree.
 */
#include "x32_node.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "x32_law.h"

/* How a field is shown: o ON/OFF, d fader dB (-oo), p pan -100..+100, t trim dB, h Hz,
 * n a quoted name, i an int, c a colour (mixd has none: OFF), 8 and 6 a bitmask (%0101..) */
struct field {
	const char *leaf;
	char fmt;
};

static const struct field mix6[] = { { "mix/on", 'o' },   { "mix/fader", 'd' },
	                             { "mix/st", 'o' },   { "mix/pan", 'p' },
	                             { "mix/mono", 'o' }, { "mix/mlevel", 'd' },
	                             { NULL, 0 } };
static const struct field config[] = { { "config/name", 'n' },
	                               { "config/icon", 'i' },
	                               { "config/color", 'c' },
	                               { "config/source", 'i' },
	                               { NULL, 0 } };
static const struct field config3[] = {
	{ "config/name", 'n' }, { "config/icon", 'i' }, { "config/color", 'c' }, { NULL, 0 }
};
static const struct field grp[] = { { "grp/dca", '8' }, { "grp/mute", '6' }, { NULL, 0 } };
static const struct field preamp[] = { { "preamp/trim", 't' }, { "preamp/invert", 'o' },
	                               { "preamp/hpon", 'o' }, { "preamp/hpslope", 'i' },
	                               { "preamp/hpf", 'h' },  { NULL, 0 } };
static const struct field main3[] = {
	{ "mix/on", 'o' }, { "mix/fader", 'd' }, { "mix/pan", 'p' }, { NULL, 0 }
};
static const struct field dca2[] = { { "on", 'o' }, { "fader", 'd' }, { NULL, 0 } };
static const struct field dcacfg[] = {
	{ "config/name", 'n' }, { "config/icon", 'i' }, { "config/color", 'c' }, { NULL, 0 }
};
static const struct field mute6[] = { { "1", 'o' }, { "2", 'o' }, { "3", 'o' }, { "4", 'o' },
	                              { "5", 'o' }, { "6", 'o' }, { NULL, 0 } };

/* The fields of node (without its leading '/'), and the prefix of their leaves. */
static const struct field *
fields_of(const char *node, char *prefix, size_t n)
{
	static const struct {
		const char *head; /* node up to its number */
		unsigned digits;
		const char *tail;
		const struct field *f;
	} nodes[] = {
		{ "ch/", 2, "/mix", mix6 },       { "ch/", 2, "/config", config },
		{ "ch/", 2, "/grp", grp },        { "ch/", 2, "/preamp", preamp },
		{ "bus/", 2, "/mix", mix6 },      { "bus/", 2, "/config", config3 },
		{ "fxrtn/", 2, "/mix", mix6 },    { "dca/", 1, "", dca2 },
		{ "dca/", 1, "/config", dcacfg }, { "main/st", 0, "/mix", main3 },
		{ "config/mute", 0, "", mute6 },
	};

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		size_t hl = strlen(nodes[i].head);
		const char *rest = node + hl;

		if (strncmp(node, nodes[i].head, hl))
			continue;
		for (unsigned d = 0; d < nodes[i].digits; d++)
			if (rest[d] < '0' || rest[d] > '9')
				rest = NULL;
		if (!rest)
			continue;
		rest += nodes[i].digits;
		if (strcmp(rest, nodes[i].tail))
			continue;
		/* leaves sit below the node, except the ones of ch/NN/mix..., named from the
		 * strip: the prefix is the part before the tail */
		snprintf(prefix, n, "/%.*s/", (int)(rest - node), node);
		if (!strcmp(nodes[i].head, "main/st"))
			snprintf(prefix, n, "/main/st/");
		return nodes[i].f;
	}
	return NULL;
}

static void
show(char *out, size_t n, char fmt, const struct x32_value *v)
{
	float db;

	switch (fmt) {
	case 'o':
		snprintf(out, n, "%s", v->i ? "ON" : "OFF");
		break;
	case 'd':
		db = x32_fader_to_db(v->f);
		if (isinf(db))
			snprintf(out, n, "-oo");
		else
			snprintf(out, n, "%+.1f", (double)db);
		break;
	case 'p':
		snprintf(out, n, "%+d", (int)lroundf(v->f * 200.0f - 100.0f));
		break;
	case 't':
		snprintf(out, n, "%+.1f", (double)x32_trim_to_db(v->f));
		break;
	case 'h':
		snprintf(out, n, "%.1f", (double)x32_hpf_to_hz(v->f));
		break;
	case 'n':
		snprintf(out, n, "\"%s\"", v->s);
		break;
	case 'c':
		snprintf(out, n, "OFF");
		break;
	case '8':
	case '6': {
		unsigned bits = fmt == '8' ? 8 : 6, k = 0;

		out[k++] = '%';
		for (unsigned b = bits; b-- > 0 && k + 1 < n;)
			out[k++] = (v->i >> b) & 1 ? '1' : '0';
		out[k] = '\0';
		break;
	}
	default:
		snprintf(out, n, "%d", v->i);
		break;
	}
}

int
x32_node(const struct model *m, const struct params *ps, const char *node, char *out, size_t n)
{
	const struct field *f;
	char prefix[32], path[64], word[48];
	size_t len;

	if (node[0] == '/')
		node++;
	f = fields_of(node, prefix, sizeof(prefix));
	if (!f)
		return -1;
	len = (size_t)snprintf(out, n, "/%s", node);
	for (; f->leaf && len < n; f++) {
		struct x32_target t;
		struct x32_value v;

		snprintf(path, sizeof(path), "%s%s", prefix, f->leaf);
		if (x32_resolve(ps, path, &t) < 0)
			return -1;
		x32_read(m, &t, &v);
		show(word, sizeof(word), f->fmt, &v);
		len += (size_t)snprintf(out + len, n - len, " %s", word);
	}
	if (len + 2 > n)
		return -1;
	out[len++] = '\n';
	out[len] = '\0';
	return 0;
}
