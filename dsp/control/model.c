/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ring.h"

struct model {
	const struct params *ps;
	struct ring *to_rt;
	unsigned n;
	float *value;
	char (*str)[PARAM_STRING_MAX + 1];
	/* dirty FIFO: a circular queue of parameter indices; queued[] keeps each index in it at
	 * most once, so it never holds more than n entries */
	uint32_t *queue;
	uint8_t *queued;
	unsigned head, len;
	/* changed FIFO, the same shape: what feedback has not yet told the surfaces, strings and
	 * control-only parameters included */
	uint32_t *cqueue;
	uint8_t *cqueued;
	unsigned chead, clen;
	uint64_t generation;
	uint64_t ring_full;
	uint64_t commands_sent; /* pushed into the ring */
	model_set_observer_fn observer;
	void *observer_ctx;
};

struct model *
model_new(const struct params *ps, struct ring *to_rt)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->ps = ps;
	m->to_rt = to_rt;
	m->n = params_count(ps);
	m->value = calloc(m->n, sizeof(*m->value));
	m->str = calloc(m->n, sizeof(*m->str));
	m->queue = calloc(m->n, sizeof(*m->queue));
	m->queued = calloc(m->n, sizeof(*m->queued));
	m->cqueue = calloc(m->n, sizeof(*m->cqueue));
	m->cqueued = calloc(m->n, sizeof(*m->cqueued));
	if (!m->value || !m->str || !m->queue || !m->queued || !m->cqueue || !m->cqueued) {
		model_free(m);
		return NULL;
	}
	for (unsigned i = 0; i < m->n; i++) {
		const struct param *p = params_at(ps, i);
		m->value[i] = p->d->def;
		if (p->d->type == PARAM_STRING)
			param_default_string(p, m->str[i], sizeof(m->str[i]));
	}
	return m;
}

void
model_free(struct model *m)
{
	if (!m)
		return;
	free(m->value);
	free(m->str);
	free(m->queue);
	free(m->queued);
	free(m->cqueue);
	free(m->cqueued);
	free(m);
}

const struct params *
model_params(const struct model *m)
{
	return m->ps;
}

static void
mark_changed(struct model *m, unsigned idx)
{
	m->generation++;
	if (m->cqueued[idx])
		return;
	m->cqueued[idx] = 1;
	m->cqueue[(m->chead + m->clen) % m->n] = idx;
	m->clen++;
}

static void
mark_dirty(struct model *m, unsigned idx)
{
	if (m->queued[idx])
		return;
	m->queued[idx] = 1;
	m->queue[(m->head + m->len) % m->n] = idx;
	m->len++;
}

/* Clamps and stores a numeric value; to_rt also queues it for the engine (a value that came
 * from the RT thread is already there). */
static int
store(struct model *m, unsigned idx, double value, bool to_rt)
{
	const struct param *p = params_at(m->ps, idx);
	float v;
	int err;

	if (!p || p->d->type == PARAM_STRING)
		return -EINVAL;
	err = param_clamp(p->d, value, &v);
	if (err)
		return err;
	if (to_rt && m->observer)
		m->observer(m->observer_ctx, idx, v);
	if (v == m->value[idx])
		return 0;
	m->value[idx] = v;
	mark_changed(m, idx);
	if (to_rt && p->d->engine >= 0)
		mark_dirty(m, idx);
	return 0;
}

int
model_set(struct model *m, unsigned idx, double value)
{
	return store(m, idx, value, true);
}

void
model_set_observer(struct model *m, model_set_observer_fn fn, void *ctx)
{
	m->observer = fn;
	m->observer_ctx = ctx;
}

int
model_set_from_rt(struct model *m, unsigned idx, double value)
{
	return store(m, idx, value, false);
}

int
model_set_string(struct model *m, unsigned idx, const char *s)
{
	const struct param *p = params_at(m->ps, idx);
	int err;

	if (!p || p->d->type != PARAM_STRING)
		return -EINVAL;
	err = param_check_string(s);
	if (err)
		return err;
	if (strcmp(m->str[idx], s)) {
		strcpy(m->str[idx], s);
		mark_changed(m, idx);
	}
	return 0;
}

float
model_get(const struct model *m, unsigned idx)
{
	return idx < m->n ? m->value[idx] : 0.0f;
}

const char *
model_get_string(const struct model *m, unsigned idx)
{
	return idx < m->n ? m->str[idx] : "";
}

unsigned
model_flush(struct model *m)
{
	while (m->len) {
		unsigned idx = m->queue[m->head];
		const struct param *p = params_at(m->ps, idx);
		struct model_cmd c = {
			.id = (uint16_t)p->d->engine,
			.strip = (uint16_t)p->eidx,
			.value = m->value[idx],
		};

		if (!ring_push(m->to_rt, &c)) {
			m->ring_full++;
			break; /* stays queued with its latest value: sent on the next flush */
		}
		m->commands_sent++;
		m->queued[idx] = 0;
		m->head = (m->head + 1) % m->n;
		m->len--;
	}
	return m->len;
}

void
model_apply_to_engine(struct model *m, struct engine *e)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct param *p = params_at(m->ps, i);
		if (p->d->engine >= 0)
			engine_set(e, (enum engine_param)p->d->engine, p->eidx, m->value[i]);
		m->queued[i] = 0;
	}
	m->head = m->len = 0;
	engine_settle(e);
}

bool
model_pop_change(struct model *m, unsigned *idx)
{
	if (!m->clen)
		return false;
	*idx = m->cqueue[m->chead];
	m->cqueued[*idx] = 0;
	m->chead = (m->chead + 1) % m->n;
	m->clen--;
	return true;
}

uint64_t
model_generation(const struct model *m)
{
	return m->generation;
}

uint64_t
model_ring_full(const struct model *m)
{
	return m->ring_full;
}

uint64_t
model_commands_sent(const struct model *m)
{
	return m->commands_sent;
}
