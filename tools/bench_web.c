/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixbench web: what the OSCQuery tree costs. For a console of --strips strips, the time to
 * build the whole tree as GET / answers it (every parameter with its type, range, unit,
 * description and current value) and its size, beside the baseline of the same address space
 * as /list answers it over UDP (one serialised message per parameter), measured in the same run.
 */
#include <lo/lo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "clock.h"
#include "model.h"
#include "oscquery.h"
#include "params.h"
#include "ring.h"

/* Bytes of every /list reply for ps, serialised as the dispatch sends them. */
static size_t
list_bytes(const struct params *ps)
{
	unsigned char buf[1024];
	size_t total = 0;

	for (unsigned i = 0; i < params_count(ps); i++) {
		const struct param *p = params_at(ps, i);
		const char type[2] = { param_wire_type(p->d), '\0' };
		char def[64], unit[64];
		lo_message m = lo_message_new();
		size_t len;

		lo_message_add_string(m, p->address);
		lo_message_add_string(m, type);
		lo_message_add_float(m, p->d->min);
		lo_message_add_float(m, p->d->max);
		if (type[0] == 's') {
			param_default_string(p, def, sizeof(def));
			lo_message_add_string(m, def);
		} else {
			lo_message_add_float(m, p->d->def);
		}
		lo_message_add_string(m, param_unit(p->d, unit, sizeof(unit)));
		len = lo_message_length(m, "/list");
		if (len <= sizeof(buf)) {
			lo_message_serialise(m, "/list", buf, &len);
			total += len;
		}
		lo_message_free(m);
	}
	return total;
}

int
bench_web(const struct bench_opts *o)
{
	struct params *ps = params_new(o->strips);
	struct ring *r = ring_new(sizeof(struct model_cmd), 64);
	struct model *m = ps && r ? model_new(ps, r) : NULL;
	struct oscquery *q = ps ? oscquery_new(ps) : NULL;
	struct oscquery_host h = { .name = "mixd", .osc_port = 9000 };
	double tree_ns = INFINITY, list_ns = INFINITY;
	size_t tree_len = 0, list_len = 0;
	int ret = 1;

	if (!m || !q)
		goto out;
	/* best of several rounds within the time given, each side alternately */
	for (uint64_t end = clock_ns() + (uint64_t)(o->seconds * 1e9); clock_ns() < end;) {
		struct jbuf b;
		uint64_t t0 = clock_ns();

		jbuf_init(&b, 64u << 20);
		if (oscquery_get(q, m, &h, "/", NULL, &b) != 200) {
			jbuf_free(&b);
			goto out;
		}
		tree_ns = fmin(tree_ns, (double)(clock_ns() - t0));
		tree_len = b.len;
		jbuf_free(&b);
		t0 = clock_ns();
		list_len = list_bytes(ps);
		list_ns = fmin(list_ns, (double)(clock_ns() - t0));
	}
	printf("web strips=%u params=%u oscquery_tree_ms=%.3f oscquery_tree_bytes=%zu "
	       "baseline_list_ms=%.3f baseline_list_bytes=%zu\n",
	       o->strips, params_count(ps), tree_ns / 1e6, tree_len, list_ns / 1e6, list_len);
	ret = 0;
out:
	oscquery_free(q);
	model_free(m);
	ring_free(r);
	params_free(ps);
	if (ret)
		fprintf(stderr, "mixbench: web: set-up failed\n");
	return ret;
}
