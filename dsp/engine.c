/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gain.h"
#include "pan.h"
#include "ramp.h"

/* One strip. Glossary of the DSP state:
 *   g_in    trim x polarity, applied first
 *   g_fader fader x mute x solo-in-place gate, the post-fader gain
 *   g_l/g_r the pan (mono) or balance (stereo) law
 *   peak    max |post-fader sample| since the last read
 *   ss_l/r  sum of squares of the post-fader signal over the current meter interval */
struct strip {
	bool stereo;
	unsigned in;

	float trim_db, fader_db, pan;
	bool polarity, mute, solo;

	struct ramp g_in, g_fader, g_l, g_r;

	float peak;
	float ss_l, ss_r;
	float rms;
};

struct master {
	float fader_db;
	bool mute;
	struct ramp g;
	float peak_l, peak_r;
	float ss_l, ss_r;
	float rms_l, rms_r;
};

struct engine {
	double fs;
	uint32_t smooth_n; /* glide length in samples */
	uint32_t meter_n;  /* meter interval in samples */
	uint32_t meter_pos;
	uint32_t meter_count; /* samples in the current meter interval */
	bool meters_ready;

	unsigned n_strips, n_inputs, n_solo;
	struct strip *strips;
	struct master master;
	struct engine_counters cnt;
};

static uint32_t
ms_to_samples(double fs, double ms)
{
	return (uint32_t)lrint(fs * ms * 0.001);
}

int
engine_set_rate(struct engine *e, double fs)
{
	if (!(fs >= 8000.0 && fs <= 768000.0))
		return -EINVAL;
	e->fs = fs;
	e->smooth_n = ms_to_samples(fs, ENGINE_SMOOTH_MS);
	e->meter_n = ms_to_samples(fs, ENGINE_METER_MS);
	e->meter_pos = 0;
	return 0;
}

static void
strip_update_in(struct engine *e, struct strip *s)
{
	float g = gain_db_to_lin(s->trim_db);

	ramp_set(&s->g_in, s->polarity ? -g : g, e->smooth_n);
}

/* The post-fader gain folds in mute and the solo-in-place gate, so all three glide together and
 * a mute or a solo can never click. */
static void
strip_update_fader(struct engine *e, struct strip *s)
{
	bool open = !s->mute && (e->n_solo == 0 || s->solo);

	ramp_set(&s->g_fader, open ? gain_db_to_lin(s->fader_db) : 0.0f, e->smooth_n);
}

static void
strip_update_pan(struct engine *e, struct strip *s)
{
	float gl, gr;

	if (s->stereo)
		pan_balance(s->pan, &gl, &gr);
	else
		pan_mono(s->pan, &gl, &gr);
	ramp_set(&s->g_l, gl, e->smooth_n);
	ramp_set(&s->g_r, gr, e->smooth_n);
}

static void
master_update(struct engine *e)
{
	struct master *m = &e->master;

	ramp_set(&m->g, m->mute ? 0.0f : gain_db_to_lin(m->fader_db), e->smooth_n);
}

struct engine *
engine_new(double fs, unsigned n_strips, const bool *stereo)
{
	struct engine *e;
	unsigned k, in = 0;

	if (n_strips == 0 || n_strips > ENGINE_MAX_STRIPS)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (engine_set_rate(e, fs) < 0)
		goto fail_free;
	e->strips = calloc(n_strips, sizeof(*e->strips));
	if (!e->strips)
		goto fail_free;
	e->n_strips = n_strips;
	for (k = 0; k < n_strips; k++) {
		struct strip *s = &e->strips[k];

		s->stereo = stereo && stereo[k];
		s->in = in;
		in += s->stereo ? 2 : 1;
		s->trim_db = 0.0f;
		s->fader_db = 0.0f;
		s->pan = 0.0f;
		ramp_init(&s->g_in, 1.0f);
		ramp_init(&s->g_fader, 1.0f);
		strip_update_pan(e, s);
		/* start at the defaults, not gliding towards them */
		ramp_init(&s->g_l, s->g_l.target);
		ramp_init(&s->g_r, s->g_r.target);
	}
	e->n_inputs = in;
	e->master.fader_db = 0.0f;
	ramp_init(&e->master.g, 1.0f);
	return e;

fail_free:
	free(e);
	return NULL;
}

void
engine_free(struct engine *e)
{
	if (!e)
		return;
	free(e->strips);
	free(e);
}

unsigned
engine_n_strips(const struct engine *e)
{
	return e->n_strips;
}

unsigned
engine_n_inputs(const struct engine *e)
{
	return e->n_inputs;
}

bool
engine_strip_stereo(const struct engine *e, unsigned strip)
{
	return strip < e->n_strips && e->strips[strip].stereo;
}

unsigned
engine_strip_input(const struct engine *e, unsigned strip)
{
	return strip < e->n_strips ? e->strips[strip].in : 0;
}

static float
clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
engine_set(struct engine *e, enum engine_param p, unsigned strip, float v)
{
	struct strip *s = strip < e->n_strips ? &e->strips[strip] : NULL;
	unsigned k;

	if (isnan(v) || (p < ENGINE_MASTER_FADER && !s)) {
		e->cnt.bad_commands++;
		return;
	}
	switch (p) {
	case ENGINE_STRIP_TRIM:
		s->trim_db = clampf(v, -24.0f, 24.0f);
		strip_update_in(e, s);
		break;
	case ENGINE_STRIP_POLARITY:
		s->polarity = v >= 0.5f;
		strip_update_in(e, s);
		break;
	case ENGINE_STRIP_FADER:
		s->fader_db = clampf(v, GAIN_OFF_DB, 10.0f);
		strip_update_fader(e, s);
		break;
	case ENGINE_STRIP_PAN:
		s->pan = clampf(v, -1.0f, 1.0f);
		strip_update_pan(e, s);
		break;
	case ENGINE_STRIP_MUTE:
		s->mute = v >= 0.5f;
		strip_update_fader(e, s);
		break;
	case ENGINE_STRIP_SOLO:
		if ((v >= 0.5f) == s->solo)
			break;
		s->solo = v >= 0.5f;
		e->n_solo += s->solo ? 1 : -1;
		/* entering or leaving solo, or changing who is soloed, moves every strip's gate */
		for (k = 0; k < e->n_strips; k++)
			strip_update_fader(e, &e->strips[k]);
		break;
	case ENGINE_MASTER_FADER:
		e->master.fader_db = clampf(v, GAIN_OFF_DB, 10.0f);
		master_update(e);
		break;
	case ENGINE_MASTER_MUTE:
		e->master.mute = v >= 0.5f;
		master_update(e);
		break;
	default:
		e->cnt.bad_commands++;
		return;
	}
	e->cnt.commands++;
}

static float
fmaxabs(float a, float x)
{
	x = fabsf(x);
	return x > a ? x : a;
}

/* Sum of squares of a sub-block: the cheap non-finite probe. Any NaN or Inf sample, or a finite
 * value so large its square overflows, makes the sum non-finite. */
static float
block_energy(const float *x, uint32_t n)
{
	float e = 0.0f;

	for (uint32_t i = 0; i < n; i++)
		e += x[i] * x[i];
	return e;
}

/* One strip's sub-block into the master sum. Fast path when no gain is gliding: the four gains
 * fold into two constants and the loop vectorises. */
static void
strip_block(struct strip *s, const float *xl, const float *xr, float *sum_l, float *sum_r,
            uint32_t n)
{
	float peak = s->peak, ss_l = s->ss_l, ss_r = s->ss_r;

	if (!ramp_moving(&s->g_in) && !ramp_moving(&s->g_fader) && !ramp_moving(&s->g_l) &&
	    !ramp_moving(&s->g_r)) {
		const float g = s->g_in.cur * s->g_fader.cur, gl = s->g_l.cur, gr = s->g_r.cur;

		if (g == 0.0f)
			return; /* silent strip: no work, meters decay to zero by their next read */
		if (!xr) {
			for (uint32_t i = 0; i < n; i++) {
				float y = xl[i] * g;
				peak = fmaxabs(peak, y);
				ss_l += y * y;
				sum_l[i] += y * gl;
				sum_r[i] += y * gr;
			}
			ss_r = ss_l;
		} else {
			for (uint32_t i = 0; i < n; i++) {
				float yl = xl[i] * g, yr = xr[i] * g;
				peak = fmaxabs(fmaxabs(peak, yl), yr);
				ss_l += yl * yl;
				ss_r += yr * yr;
				sum_l[i] += yl * gl;
				sum_r[i] += yr * gr;
			}
		}
	} else {
		float gi[ENGINE_BLOCK], gf[ENGINE_BLOCK], gl[ENGINE_BLOCK], gr[ENGINE_BLOCK];

		ramp_fill(&s->g_in, gi, n);
		ramp_fill(&s->g_fader, gf, n);
		ramp_fill(&s->g_l, gl, n);
		ramp_fill(&s->g_r, gr, n);
		for (uint32_t i = 0; i < n; i++) {
			float g = gi[i] * gf[i];
			float yl = xl[i] * g, yr = xr ? xr[i] * g : yl;
			peak = fmaxabs(fmaxabs(peak, yl), yr);
			ss_l += yl * yl;
			ss_r += yr * yr;
			sum_l[i] += yl * gl[i];
			sum_r[i] += yr * gr[i];
		}
	}
	s->peak = peak;
	s->ss_l = ss_l;
	s->ss_r = ss_r;
}

static void
master_block(struct engine *e, float *l, float *r, uint32_t n)
{
	struct master *m = &e->master;
	float pl = m->peak_l, pr = m->peak_r, ss_l = m->ss_l, ss_r = m->ss_r;
	float g[ENGINE_BLOCK];

	ramp_fill(&m->g, g, n);
	for (uint32_t i = 0; i < n; i++) {
		l[i] *= g[i];
		r[i] *= g[i];
		pl = fmaxabs(pl, l[i]);
		pr = fmaxabs(pr, r[i]);
		ss_l += l[i] * l[i];
		ss_r += r[i] * r[i];
	}
	/* Last line of defence: whatever happened upstream, no NaN or Inf leaves the console. */
	if (!isfinite(ss_l + ss_r)) {
		memset(l, 0, n * sizeof(*l));
		memset(r, 0, n * sizeof(*r));
		e->cnt.nonfinite_output++;
		return;
	}
	m->peak_l = pl;
	m->peak_r = pr;
	m->ss_l = ss_l;
	m->ss_r = ss_r;
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

/* Closes a meter interval: RMS over it becomes readable, the sums restart. */
static void
meters_close_interval(struct engine *e)
{
	uint32_t n = e->meter_count;

	for (unsigned k = 0; k < e->n_strips; k++) {
		struct strip *s = &e->strips[k];
		float ss = s->ss_l > s->ss_r ? s->ss_l : s->ss_r;
		s->rms = rms_of(ss, n);
		s->ss_l = s->ss_r = 0.0f;
	}
	e->master.rms_l = rms_of(e->master.ss_l, n);
	e->master.rms_r = rms_of(e->master.ss_r, n);
	e->master.ss_l = e->master.ss_r = 0.0f;
	e->meter_count = 0;
	e->meters_ready = true;
}

bool
engine_process(struct engine *e, const float *const *in, float *out_l, float *out_r, uint32_t n)
{
	bool ready;

	for (uint32_t off = 0; off < n;) {
		uint32_t len = n - off < ENGINE_BLOCK ? n - off : ENGINE_BLOCK;
		float *l = out_l + off, *r = out_r + off;

		memset(l, 0, len * sizeof(*l));
		memset(r, 0, len * sizeof(*r));
		for (unsigned k = 0; k < e->n_strips; k++) {
			struct strip *s = &e->strips[k];
			const float *xl = in[s->in] + off;
			const float *xr = s->stereo ? in[s->in + 1] + off : NULL;
			float en = block_energy(xl, len) + (xr ? block_energy(xr, len) : 0.0f);

			if (!isfinite(en)) {
				/* garbage in: this strip contributes silence for the sub-block */
				e->cnt.nonfinite_inputs++;
				continue;
			}
			strip_block(s, xl, xr, l, r, len);
		}
		master_block(e, l, r, len);

		off += len;
		e->meter_count += len;
		e->meter_pos += len;
		if (e->meter_pos >= e->meter_n) {
			e->meter_pos -= e->meter_n;
			meters_close_interval(e);
		}
	}
	e->cnt.frames += n;
	ready = e->meters_ready;
	e->meters_ready = false;
	return ready;
}

void
engine_read_strip_meter(struct engine *e, unsigned k, struct engine_meter *m)
{
	if (k >= e->n_strips) {
		m->peak = m->rms = 0.0f;
		return;
	}
	m->peak = e->strips[k].peak;
	m->rms = e->strips[k].rms;
	e->strips[k].peak = 0.0f;
}

void
engine_read_master_meter(struct engine *e, struct engine_meter *l, struct engine_meter *r)
{
	l->peak = e->master.peak_l;
	l->rms = e->master.rms_l;
	r->peak = e->master.peak_r;
	r->rms = e->master.rms_r;
	e->master.peak_l = e->master.peak_r = 0.0f;
}

void
engine_counters(const struct engine *e, struct engine_counters *c)
{
	*c = e->cnt;
}
