/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "aux.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gain.h"
#include "numeric.h"
#include "pan.h"

/* A mono bus into the stereo master: centred with the pan law, as a mono strip. */
#define AUX_CENTRE 0.70710678f
/* A stereo strip into a mono bus: half of each side. */
#define AUX_STEREO_TO_MONO 0.5f

_Static_assert(SK_MAX_AUX == ENGINE_MAX_AUX, "the kernel holds every aux bus");

static void *
zalloc64(size_t n)
{
	size_t size = (n + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, size);

	if (p)
		memset(p, 0, size);
	return p;
}

static struct aux_send *
send_of(const struct aux *a, unsigned strip, unsigned k)
{
	return &a->send[strip * a->n_aux + k];
}

/* The send's gains from its settings (aux.h: pan law by strip and bus kind). */
static void
send_retarget(struct aux *a, const struct strip *s, unsigned k, struct aux_send *sd)
{
	float lev = gain_db_to_lin(sd->db), gl = 1.0f, gr = 1.0f;

	if (a->bus[k].stereo) {
		if (s->stereo)
			pan_balance(sd->pan, &gl, &gr);
		else
			pan_mono(sd->pan, &gl, &gr);
	} else {
		gl = gr = s->stereo ? AUX_STEREO_TO_MONO : 1.0f;
	}
	ramp_to(&sd->l, lev * gl, a->smooth_n);
	ramp_to(&sd->r, lev * gr, a->smooth_n);
	ramp_to(&sd->pre_w, sd->pre ? 1.0f : 0.0f, a->smooth_n);
	sd->rest = false;
	a->pending[s->group] |= 1u << k;
}

static void
bus_retarget(struct aux *a, struct aux_bus *b)
{
	ramp_to(&b->g_fader, b->mute ? 0.0f : gain_db_to_lin(b->fader_db), a->smooth_n);
	ramp_to(&b->g_master, b->master ? 1.0f : 0.0f, a->smooth_n);
}

int
aux_init(struct aux *a, unsigned n_aux, const bool *stereo, unsigned n_strips, unsigned n_groups,
         uint32_t smooth_n)
{
	memset(a, 0, sizeof(*a));
	a->n_aux = n_aux;
	a->n_strips = n_strips;
	a->n_groups = n_groups;
	a->smooth_n = smooth_n;
	if (!n_aux)
		return 0;
	for (unsigned k = 0; k < n_aux; k++) {
		struct aux_bus *b = &a->bus[k];
		b->stereo = stereo && stereo[k];
		b->row = (uint16_t)a->n_rows;
		a->n_rows += b->stereo ? 2 : 1;
		b->fader_db = ENGINE_AUX_FADER_DEFAULT_DB;
		b->master = ENGINE_AUX_MASTER_DEFAULT;
		ramp_init(&b->g_fader, gain_db_to_lin(b->fader_db));
		ramp_init(&b->g_master, b->master ? 1.0f : 0.0f);
		ramp_init(&b->g_cue, 0.0f);
	}
	a->send = calloc((size_t)n_strips * n_aux, sizeof(*a->send));
	a->acc = zalloc64((size_t)a->n_rows * sizeof(*a->acc));
	a->gaux = zalloc64((size_t)n_groups * sizeof(*a->gaux));
	a->pending = calloc(n_groups, sizeof(*a->pending));
	a->on_mask = calloc(n_groups, sizeof(*a->on_mask));
	if (!a->send || !a->acc || !a->gaux || !a->pending || !a->on_mask)
		return -ENOMEM;
	for (unsigned gi = 0; gi < n_groups; gi++)
		a->pending[gi] = n_aux == 32 ? ~0u : (1u << n_aux) - 1u;
	for (unsigned i = 0; i < n_strips * n_aux; i++) {
		struct aux_send *sd = &a->send[i];
		sd->db = ENGINE_AUX_SEND_DEFAULT_DB;
		sd->pan = ENGINE_AUX_PAN_DEFAULT;
		sd->pre = ENGINE_AUX_PRE_DEFAULT;
		ramp_init(&sd->l, 0.0f);
		ramp_init(&sd->r, 0.0f);
		ramp_init(&sd->pre_w, sd->pre ? 1.0f : 0.0f);
	}
	for (unsigned gi = 0; gi < n_groups; gi++) {
		struct sk_aux *ga = &a->gaux[gi];
		ga->acc = a->acc;
		for (unsigned k = 0; k < n_aux; k++) {
			ga->row[k] = a->bus[k].row;
			ga->stereo[k] = a->bus[k].stereo;
		}
	}
	return 0;
}

void
aux_free(struct aux *a)
{
	free(a->send);
	free(a->acc);
	free(a->gaux);
	free(a->pending);
	free(a->on_mask);
	a->send = NULL;
	a->acc = NULL;
	a->gaux = NULL;
	a->pending = a->on_mask = NULL;
}

void
aux_settle(struct aux *a, const struct strip *strips, uint32_t smooth_n)
{
	a->smooth_n = smooth_n;
	for (unsigned k = 0; k < a->n_aux; k++) {
		struct aux_bus *b = &a->bus[k];
		bus_retarget(a, b);
		ramp_init(&b->g_fader, b->g_fader.target);
		ramp_init(&b->g_master, b->g_master.target);
		ramp_init(&b->g_cue, b->g_cue.target);
		for (unsigned s = 0; s < a->n_strips; s++) {
			struct aux_send *sd = send_of(a, s, k);
			send_retarget(a, &strips[s], k, sd);
			ramp_init(&sd->l, sd->l.target);
			ramp_init(&sd->r, sd->r.target);
			ramp_init(&sd->pre_w, sd->pre_w.target);
		}
	}
}

bool
aux_set(struct aux *a, const struct strip *strips, enum engine_param p, unsigned idx, float v)
{
	if (p == ENGINE_STRIP_AUX_LEVEL || p == ENGINE_STRIP_AUX_PRE || p == ENGINE_STRIP_AUX_PAN) {
		unsigned s = idx / ENGINE_MAX_AUX, k = idx % ENGINE_MAX_AUX;
		struct aux_send *sd = send_of(a, s, k);
		bool was = sd->db > GAIN_OFF_DB;

		if (p == ENGINE_STRIP_AUX_LEVEL)
			sd->db = clampf(v, GAIN_OFF_DB, ENGINE_LEVEL_MAX_DB);
		else if (p == ENGINE_STRIP_AUX_PRE)
			sd->pre = v >= 0.5f;
		else
			sd->pan = clampf(v, ENGINE_AUX_PAN_MIN, ENGINE_AUX_PAN_MAX);
		send_retarget(a, &strips[s], k, sd);
		return a->bus[k].master && was != (sd->db > GAIN_OFF_DB);
	}
	struct aux_bus *b = &a->bus[idx];
	bool was = b->master;

	if (p == ENGINE_AUX_FADER)
		b->fader_db = clampf(v, GAIN_OFF_DB, ENGINE_LEVEL_MAX_DB);
	else if (p == ENGINE_AUX_MUTE)
		b->mute = v >= 0.5f;
	else if (p == ENGINE_AUX_MASTER)
		b->master = v >= 0.5f;
	bus_retarget(a, b);
	return was != b->master;
}

float
aux_get(const struct aux *a, enum engine_param p, unsigned idx)
{
	if (p == ENGINE_STRIP_AUX_LEVEL || p == ENGINE_STRIP_AUX_PRE || p == ENGINE_STRIP_AUX_PAN) {
		const struct aux_send *sd = send_of(a, idx / ENGINE_MAX_AUX, idx % ENGINE_MAX_AUX);
		return p == ENGINE_STRIP_AUX_LEVEL ? sd->db
		       : p == ENGINE_STRIP_AUX_PRE ? sd->pre
		                                   : sd->pan;
	}
	switch (p) {
	case ENGINE_AUX_FADER:
		return a->bus[idx].fader_db;
	case ENGINE_AUX_MUTE:
		return a->bus[idx].mute;
	case ENGINE_AUX_MASTER:
		return a->bus[idx].master;
	case ENGINE_AUX_CUE:
		return a->bus[idx].cue;
	default:
		return NAN;
	}
}

bool
aux_member(const struct aux *a, unsigned k)
{
	for (unsigned b = 0; b < a->n_aux; b++)
		if (a->bus[b].master && send_of(a, k, b)->db > GAIN_OFF_DB)
			return true;
	return false;
}

void
aux_begin(struct aux *a)
{
	for (unsigned k = 0; k < a->n_aux; k++)
		a->bus[k].on = false;
}

/* Writes one send's lanes (kernel.h: a stereo strip's left lane feeds the left side only, its
 * right lane the right side, except into a mono bus, which both feed). */
static void
send_lanes(struct sk_send *ks, const struct strip *s, bool bus_stereo, const struct aux_send *sd)
{
	static const struct ramp zero = { 0 };

	strip_lane_ramp(&ks->l, s->lane, &sd->l);
	strip_lane_ramp(&ks->r, s->lane, s->stereo ? &zero : &sd->r);
	strip_lane_ramp(&ks->pre, s->lane, &sd->pre_w);
	if (s->stereo) {
		strip_lane_ramp(&ks->l, s->lane + 1, bus_stereo ? &zero : &sd->l);
		strip_lane_ramp(&ks->r, s->lane + 1, &sd->r);
		strip_lane_ramp(&ks->pre, s->lane + 1, &sd->pre_w);
	}
}

void
aux_plan_group(struct aux *a, unsigned gi, const struct strip *s, unsigned first, unsigned count,
               uint32_t n)
{
	struct sk_aux *ga;

	if (!a->n_aux)
		return;
	ga = &a->gaux[gi];
	for (uint32_t todo = a->pending[gi]; todo; todo &= todo - 1) {
		unsigned k = (unsigned)__builtin_ctz(todo);
		bool on = false, moving = false, busy = false;

		for (unsigned i = 0; i < count; i++) {
			struct aux_send *sd = send_of(a, first + i, k);
			bool m;

			on |= ramp_live(&sd->l) || ramp_live(&sd->r);
			if (sd->rest)
				continue;
			/* written while it moves and once more at rest; then left alone */
			send_lanes(&ga->send[k], &s[i], a->bus[k].stereo, sd);
			m = ramp_moving(&sd->l) || ramp_moving(&sd->r) || ramp_moving(&sd->pre_w);
			moving |= m;
			busy |= m;
			ramp_skip(&sd->l, n);
			ramp_skip(&sd->r, n);
			ramp_skip(&sd->pre_w, n);
			sd->rest = !m;
		}
		ga->moving[k] = moving;
		a->on_mask[gi] = on ? a->on_mask[gi] | 1u << k : a->on_mask[gi] & ~(1u << k);
		if (!busy)
			a->pending[gi] &=
			    ~(1u << k); /* all at rest: its liveness no longer changes */
	}
	ga->n_on = 0;
	for (uint32_t on = a->on_mask[gi]; on; on &= on - 1) {
		unsigned k = (unsigned)__builtin_ctz(on);
		ga->on[ga->n_on++] = (uint8_t)k;
		a->bus[k].on = true;
	}
}

void
aux_clear_rows(struct aux *a, uint32_t n)
{
	for (unsigned k = 0; k < a->n_aux; k++) {
		struct aux_bus *b = &a->bus[k];
		if (!b->on)
			continue;
		memset(a->acc[b->row], 0, n * sizeof(a->acc[0][0]));
		if (b->stereo)
			memset(a->acc[b->row + 1], 0, n * sizeof(a->acc[0][0]));
	}
}

/* Bus b's sums, fader and meters. */
static void
bus_block(struct aux *a, struct aux_bus *b, uint32_t n)
{
	float g[SK_BLOCK], pl = b->peak[0], pr = b->peak[1], sl = b->ss[0], sr = b->ss[1];

	if (b->on) {
		sk_reduce(a->acc[b->row][0], b->sum[0], n);
		if (b->stereo)
			sk_reduce(a->acc[b->row + 1][0], b->sum[1], n);
		else
			memcpy(b->sum[1], b->sum[0], n * sizeof(float));
	} else {
		memset(b->sum, 0, sizeof(b->sum));
	}
	ramp_fill(&b->g_fader, g, n);
	for (uint32_t i = 0; i < n; i++) {
		float yl = b->sum[0][i] * g[i], yr = b->sum[1][i] * g[i];
		b->out[0][i] = yl;
		b->out[1][i] = yr;
		pl = fmaxabs(pl, yl);
		pr = fmaxabs(pr, yr);
		sl += yl * yl;
		sr += yr * yr;
	}
	if (!isfinite(sl + sr)) {
		/* finite inputs cannot make this; if it happens, nothing non-finite leaves */
		memset(b->sum, 0, sizeof(b->sum));
		memset(b->out, 0, sizeof(b->out));
		a->nonfinite++;
		return;
	}
	b->peak[0] = pl;
	b->peak[1] = pr;
	b->ss[0] = sl;
	b->ss[1] = sr;
}

void
aux_mix(struct aux *a, float *l, float *r, uint32_t n)
{
	for (unsigned k = 0; k < a->n_aux; k++) {
		struct aux_bus *b = &a->bus[k];
		float g[SK_BLOCK], c = b->stereo ? 1.0f : AUX_CENTRE;

		if (!b->on && !ramp_moving(&b->g_fader)) {
			/* nobody sends: silence, nothing to sum, meter or feed */
			if (!b->quiet) {
				memset(b->sum, 0, sizeof(b->sum));
				memset(b->out, 0, sizeof(b->out));
				b->quiet = true;
			}
			ramp_skip(&b->g_master, n);
			continue;
		}
		b->quiet = false;
		bus_block(a, b, n);
		if (!ramp_live(&b->g_master)) {
			ramp_skip(&b->g_master, n);
			continue;
		}
		ramp_fill(&b->g_master, g, n);
		for (uint32_t i = 0; i < n; i++) {
			l[i] += b->out[0][i] * (g[i] * c);
			r[i] += b->out[1][i] * (g[i] * c);
		}
	}
}

static float
rms_of(float ss, uint32_t n)
{
	return n ? sqrtf(ss / (float)n) : 0.0f;
}

void
aux_close_interval(struct aux *a, uint32_t count)
{
	for (unsigned k = 0; k < a->n_aux; k++) {
		struct aux_bus *b = &a->bus[k];
		for (int c = 0; c < 2; c++) {
			b->rms[c] = rms_of(b->ss[c], count);
			b->ss[c] = 0.0f;
		}
	}
}

void
aux_read_meter(struct aux *a, unsigned k, struct engine_meter *l, struct engine_meter *r)
{
	struct aux_bus *b = &a->bus[k];

	l->peak = b->peak[0];
	r->peak = b->peak[1];
	l->rms = b->rms[0];
	r->rms = b->rms[1];
	l->gr = r->gr = 0.0f;
	b->peak[0] = b->peak[1] = 0.0f;
}
