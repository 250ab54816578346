/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_sends: the switch of a channel's send to an aux bus (/ch/NN/mix/MM/on). On the console a
 * send's level and its switch are independent; mixd's sends have a level only, so the switch
 * is kept the way the Ardour personality keeps /strip/send/enable: per strip and aux bus a
 * saved level.
 *   on 0     remembers the level and takes the send to -inf (nothing saved when it already is);
 *   on 1     brings the remembered level back; with nothing remembered the level stays where
 *            it is (the console's default send level is -inf too: the switch alone moves no
 *            level);
 *   level    while switched off (a level remembered, the send at -inf) replaces the remembered
 *            level and leaves the send silent, as on the console; a get of the level then
 *            answers the remembered one;
 *   get on   answers 1 when the send's level is above -inf, else 0.
 * A level set by anyone else (the control port, the Ardour personality, a scene) that is above
 * -inf switches the send on: what was remembered is forgotten (x32_sends_changed).
 */
#include "x32_private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "x32_law.h"

int
x32_sends_init(struct x32 *x)
{
	size_t n = (size_t)params_n_strips(x->ps) * params_n_aux(x->ps);

	x->n_aux = params_n_aux(x->ps);
	x->send_saved = malloc((n ? n : 1) * sizeof(*x->send_saved));
	if (!x->send_saved)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		x->send_saved[i] = NAN;
	return 0;
}

/* The saved level of the send whose level parameter is idx, or NULL when idx is not one. */
static float *
saved_of(const struct x32 *x, int idx)
{
	const struct param *p;

	if (idx < 0)
		return NULL;
	p = params_at(x->ps, (unsigned)idx);
	if (p->d->scope != PARAM_SCOPE_STRIP_AUX || strcmp(p->d->name, "level") ||
	    p->strip >= params_n_strips(x->ps) || p->k >= x->n_aux)
		return NULL;
	return &x->send_saved[(size_t)p->strip * x->n_aux + p->k];
}

static bool
is_send(const struct x32_target *t)
{
	return t->kind == X32_SEND_ON || t->kind == X32_FADER;
}

void
x32_get(const struct x32 *x, const struct x32_target *t, struct x32_value *out)
{
	float *saved = is_send(t) ? saved_of(x, t->idx) : NULL;

	x32_read(x->m, t, out);
	if (saved && t->kind == X32_FADER && !isnan(*saved) &&
	    x32_level_is_off(x->ps, (unsigned)t->idx, model_get(x->m, (unsigned)t->idx))) {
		float db = x32_level_is_off(x->ps, (unsigned)t->idx, *saved) ? -INFINITY : *saved;

		out->f = x32_grid(x32_db_to_fader(db), X32_FADER_STEPS);
	}
}

int
x32_set(struct x32 *x, const struct x32_target *t, const struct x32_value *in)
{
	float *saved = is_send(t) ? saved_of(x, t->idx) : NULL;
	unsigned idx = (unsigned)t->idx;
	float db;
	int v, err;

	if (!saved)
		return x32_write(x->m, t, in);
	db = model_get(x->m, idx);
	if (t->kind == X32_FADER) {
		if (isnan(*saved) || !x32_level_is_off(x->ps, idx, db))
			return x32_write(x->m, t, in);
		/* switched off: the new level is remembered, the send stays silent */
		if ((err = x32_fader_db(x->ps, idx, in, &db)) < 0)
			return err;
		*saved = db;
		return 0;
	}
	if ((err = x32_switch_value(in, &v)) < 0)
		return err;
	if (!v) {
		if (x32_level_is_off(x->ps, idx, db))
			return 0; /* silent already: keep what was remembered, if anything */
		*saved = db;
		return model_set(x->m, idx, params_at(x->ps, idx)->d->min);
	}
	if (isnan(*saved))
		return 0; /* nothing remembered: the level stays */
	db = *saved;
	*saved = NAN;
	return x32_level_is_off(x->ps, idx, model_get(x->m, idx)) ? model_set(x->m, idx, db) : 0;
}

void
x32_sends_changed(struct x32 *x, unsigned idx)
{
	float *saved = saved_of(x, (int)idx);

	if (saved && !x32_level_is_off(x->ps, idx, model_get(x->m, idx)))
		*saved = NAN;
}
