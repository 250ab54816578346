/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_aux: see render_aux.h. */
#include "render_aux.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render_io.h"

int
render_aux_parse(struct render_aux *a, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	unsigned long k;
	char num[16];

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(num) || !eq[1]) {
		snprintf(err, errlen, "--aux-out %s: expected K=FILE", spec);
		return -EINVAL;
	}
	memcpy(num, spec, (size_t)(eq - spec));
	num[eq - spec] = '\0';
	if (cli_parse_uint(num, 1, ENGINE_MAX_AUX, &k) < 0) {
		snprintf(err, errlen, "--aux-out %s: aux buses are 1..%d", spec, ENGINE_MAX_AUX);
		return -EINVAL;
	}
	for (unsigned i = 0; i < a->n; i++)
		if (a->k[i] == k - 1 || !strcmp(a->path[i], eq + 1)) {
			snprintf(err, errlen, "--aux-out %s: aux %lu or %s named twice", spec, k,
			         eq + 1);
			return -EINVAL;
		}
	if (a->n == ENGINE_MAX_AUX) {
		snprintf(err, errlen, "--aux-out %s: at most %d", spec, ENGINE_MAX_AUX);
		return -EINVAL;
	}
	a->k[a->n] = (unsigned)k - 1;
	a->path[a->n++] = eq + 1;
	return 0;
}

int
render_aux_setup(struct render_aux *a, unsigned n_aux, const bool *aux_stereo, uint32_t max_block,
                 char *err, size_t errlen)
{
	for (unsigned i = 0; i < a->n; i++) {
		if (a->k[i] >= n_aux) {
			snprintf(err, errlen,
			         "--aux-out %u=%s: the console has %u aux buses (--aux)",
			         a->k[i] + 1, a->path[i], n_aux);
			return -EINVAL;
		}
		a->stereo[i] = aux_stereo[a->k[i]];
		for (unsigned c = 0; c < (a->stereo[i] ? 2u : 1u); c++)
			if (!(a->buf[i][c] = calloc(max_block, sizeof(float))))
				goto oom;
	}
	if (a->n && !(a->il = calloc(2 * (size_t)max_block, sizeof(float))))
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

void
render_aux_outputs(const struct render_aux *a, struct engine_outputs *o)
{
	for (unsigned i = 0; i < a->n; i++) {
		o->aux[a->k[i]][0] = a->buf[i][0];
		o->aux[a->k[i]][1] = a->buf[i][1];
	}
}

int
render_aux_open(struct render_aux *a, unsigned rate, char *err, size_t errlen)
{
	for (unsigned i = 0; i < a->n; i++) {
		a->out[i] =
		    render_out_open_channels(a->path[i], rate, a->stereo[i] ? 2 : 1, err, errlen);
		if (!a->out[i]) {
			render_aux_abort(a);
			return -EIO;
		}
	}
	return 0;
}

int
render_aux_write(struct render_aux *a, uint32_t n, char *err, size_t errlen)
{
	for (unsigned i = 0; i < a->n; i++) {
		const float *src = a->buf[i][0];

		if (a->stereo[i]) {
			for (uint32_t f = 0; f < n; f++) {
				a->il[2 * f] = a->buf[i][0][f];
				a->il[2 * f + 1] = a->buf[i][1][f];
			}
			src = a->il;
		}
		if (render_out_write(a->out[i], src, n, err, errlen) < 0)
			return -EIO;
	}
	return 0;
}

int
render_aux_commit(struct render_aux *a, char *err, size_t errlen)
{
	int ret = 0;

	for (unsigned i = 0; i < a->n; i++) {
		if (!a->out[i])
			continue;
		if (ret)
			render_out_abort(a->out[i]);
		else
			ret = render_out_commit(a->out[i], err, errlen);
		a->out[i] = NULL;
	}
	return ret;
}

void
render_aux_abort(struct render_aux *a)
{
	for (unsigned i = 0; i < a->n; i++) {
		render_out_abort(a->out[i]);
		a->out[i] = NULL;
	}
}

void
render_aux_free(struct render_aux *a)
{
	render_aux_abort(a);
	for (unsigned i = 0; i < a->n; i++) {
		free(a->buf[i][0]);
		free(a->buf[i][1]);
		a->buf[i][0] = a->buf[i][1] = NULL;
	}
	free(a->il);
	a->il = NULL;
}
