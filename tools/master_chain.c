/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "master_chain.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "model.h"
#include "render_io.h"

int
chain_render(struct model *m, struct render_stems *st, uint32_t block, chain_sink_fn sink,
             void *sink_ctx, chain_progress_fn progress, void *prog_ctx, const volatile int *stop,
             char *err, size_t errlen)
{
	const bool stereo[1] = { true };
	const unsigned rate = render_stems_rate(st);
	struct engine *e = engine_new(rate, 1, stereo);
	float *in[2] = { calloc(block, sizeof(float)), calloc(block, sizeof(float)) };
	float *out_l = malloc(block * sizeof(float)), *out_r = malloc(block * sizeof(float));
	float *lr = malloc(2 * (size_t)block * sizeof(float));
	struct render_route route = { { in[0], in[1] } };
	uint64_t total, pos;
	uint32_t lat;
	int ret = 0;

	if (!e || !in[0] || !in[1] || !out_l || !out_r || !lr ||
	    render_stems_reserve(st, block) < 0) {
		snprintf(err, errlen, e ? "out of memory" : "cannot make an engine at %u Hz", rate);
		ret = e ? -ENOMEM : -EINVAL;
		goto out;
	}
	/* as mixd comes up: every value applied, every glide settled */
	model_apply_to_engine(m, e);
	lat = engine_latency(e);
	total = render_stems_frames(st) + lat;
	ret = render_stems_rewind(st, err, errlen);
	for (pos = 0; !ret && pos < total;) {
		uint32_t n = total - pos < block ? (uint32_t)(total - pos) : block, skip;
		const float *ins[2] = { in[0], in[1] };

		if (stop && *stop) {
			snprintf(err, errlen, "interrupted");
			ret = -EINTR;
			break;
		}
		/* past the track's end render_stems_read gives silence: the look-ahead's flush */
		ret = render_stems_read(st, &route, n, err, errlen);
		if (ret)
			break;
		engine_process(e, ins, out_l, out_r, n);
		/* the first lat frames are the look-ahead filling up */
		skip = pos >= lat ? 0 : (lat - pos < n ? (uint32_t)(lat - pos) : n);
		pos += n;
		n -= skip;
		for (uint32_t f = 0; f < n; f++) {
			lr[2 * f] = out_l[skip + f];
			lr[2 * f + 1] = out_r[skip + f];
		}
		if (n)
			ret = sink(sink_ctx, lr, n, err, errlen);
		if (progress)
			progress(prog_ctx, pos, total);
	}
out:
	engine_free(e);
	free(in[0]);
	free(in[1]);
	free(out_l);
	free(out_r);
	free(lr);
	return ret;
}
