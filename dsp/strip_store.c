/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strip_store: a strip's settings from engine_set, each clamped to its range (strip.h). */
#include <math.h>

#include "engine.h"
#include "numeric.h"
#include "strip.h"

static bool
on(float v)
{
	return v >= 0.5f;
}

bool
strip_store(struct strip *s, enum engine_param p, float v)
{
	if (p >= ENGINE_STRIP_EQ1_TYPE && p <= ENGINE_STRIP_EQ4_Q) {
		struct strip_band *b = &s->band[(p - ENGINE_STRIP_EQ1_TYPE) / 4];
		switch ((p - ENGINE_STRIP_EQ1_TYPE) % 4) {
		case 0:
			b->want = (int)clampf(nearbyintf(v), ENGINE_EQ_OFF, ENGINE_EQ_HIGHSHELF);
			break;
		case 1:
			b->freq = clampf(v, STRIP_EQ_FREQ_MIN_HZ, STRIP_EQ_FREQ_MAX_HZ);
			break;
		case 2:
			b->gain_db = clampf(v, STRIP_EQ_GAIN_MIN_DB, STRIP_EQ_GAIN_MAX_DB);
			break;
		default:
			b->q = clampf(v, STRIP_EQ_Q_MIN, STRIP_EQ_Q_MAX);
			break;
		}
		return true;
	}
	if (p >= ENGINE_STRIP_SEND1_LEVEL && p <= ENGINE_STRIP_SEND_LAST) {
		unsigned b = (p - ENGINE_STRIP_SEND1_LEVEL) / 2;
		if ((p - ENGINE_STRIP_SEND1_LEVEL) % 2 == 0)
			s->send_db[b] = clampf(v, ENGINE_LEVEL_OFF_DB, ENGINE_LEVEL_MAX_DB);
		else
			s->send_pre[b] = on(v);
		return true;
	}
	switch (p) {
	case ENGINE_STRIP_TRIM:
		s->trim_db = clampf(v, STRIP_TRIM_MIN_DB, STRIP_TRIM_MAX_DB);
		break;
	case ENGINE_STRIP_POLARITY:
		s->polarity = on(v);
		break;
	case ENGINE_STRIP_FADER:
		s->fader_db = clampf(v, ENGINE_LEVEL_OFF_DB, ENGINE_LEVEL_MAX_DB);
		break;
	case ENGINE_STRIP_PAN:
		s->pan = clampf(v, STRIP_PAN_MIN, STRIP_PAN_MAX);
		break;
	case ENGINE_STRIP_MUTE:
		s->mute = on(v);
		break;
	case ENGINE_STRIP_HPF_ON:
		s->hpf_on = on(v);
		break;
	case ENGINE_STRIP_HPF_FREQ:
		s->hpf_freq = clampf(v, STRIP_HPF_FREQ_MIN_HZ, STRIP_HPF_FREQ_MAX_HZ);
		break;
	case ENGINE_STRIP_HPF_SLOPE:
		/* the nearer of the two; halfway goes to the steeper (as the table's snap) */
		s->hpf_slope = v >= 0.5f * (STRIP_HPF_SLOPE_LOW + STRIP_HPF_SLOPE_HIGH)
		                   ? STRIP_HPF_SLOPE_HIGH
		                   : STRIP_HPF_SLOPE_LOW;
		break;
	case ENGINE_STRIP_EQ_ON:
		s->eq_on = on(v);
		break;
	case ENGINE_STRIP_COMP_ON:
		s->comp_on = on(v);
		break;
	case ENGINE_STRIP_COMP_THRESHOLD:
		s->thr_db = clampf(v, STRIP_COMP_THRESHOLD_MIN_DB, STRIP_COMP_THRESHOLD_MAX_DB);
		break;
	case ENGINE_STRIP_COMP_RATIO:
		s->ratio = clampf(v, STRIP_COMP_RATIO_MIN, STRIP_COMP_RATIO_MAX);
		break;
	case ENGINE_STRIP_COMP_KNEE:
		s->knee_db = clampf(v, STRIP_COMP_KNEE_MIN_DB, STRIP_COMP_KNEE_MAX_DB);
		break;
	case ENGINE_STRIP_COMP_ATTACK:
		s->attack_ms = clampf(v, STRIP_COMP_ATTACK_MIN_MS, STRIP_COMP_ATTACK_MAX_MS);
		break;
	case ENGINE_STRIP_COMP_RELEASE:
		s->release_ms = clampf(v, STRIP_COMP_RELEASE_MIN_MS, STRIP_COMP_RELEASE_MAX_MS);
		break;
	case ENGINE_STRIP_COMP_MAKEUP:
		s->makeup_db = clampf(v, STRIP_COMP_MAKEUP_MIN_DB, STRIP_COMP_MAKEUP_MAX_DB);
		break;
	default:
		return false;
	}
	return true;
}

float
strip_get(const struct strip *s, enum engine_param p)
{
	if (p >= ENGINE_STRIP_EQ1_TYPE && p <= ENGINE_STRIP_EQ4_Q) {
		const struct strip_band *b = &s->band[(p - ENGINE_STRIP_EQ1_TYPE) / 4];
		switch ((p - ENGINE_STRIP_EQ1_TYPE) % 4) {
		case 0:
			return (float)b->want;
		case 1:
			return b->freq;
		case 2:
			return b->gain_db;
		default:
			return b->q;
		}
	}
	if (p >= ENGINE_STRIP_SEND1_LEVEL && p <= ENGINE_STRIP_SEND_LAST) {
		unsigned b = (p - ENGINE_STRIP_SEND1_LEVEL) / 2;
		if ((p - ENGINE_STRIP_SEND1_LEVEL) % 2 == 0)
			return s->send_db[b];
		return s->send_pre[b];
	}
	switch (p) {
	case ENGINE_STRIP_TRIM:
		return s->trim_db;
	case ENGINE_STRIP_POLARITY:
		return s->polarity;
	case ENGINE_STRIP_FADER:
		return s->fader_db;
	case ENGINE_STRIP_PAN:
		return s->pan;
	case ENGINE_STRIP_MUTE:
		return s->mute;
	case ENGINE_STRIP_SOLO:
		return s->solo;
	case ENGINE_STRIP_HPF_ON:
		return s->hpf_on;
	case ENGINE_STRIP_HPF_FREQ:
		return s->hpf_freq;
	case ENGINE_STRIP_HPF_SLOPE:
		return (float)s->hpf_slope;
	case ENGINE_STRIP_EQ_ON:
		return s->eq_on;
	case ENGINE_STRIP_COMP_ON:
		return s->comp_on;
	case ENGINE_STRIP_COMP_THRESHOLD:
		return s->thr_db;
	case ENGINE_STRIP_COMP_RATIO:
		return s->ratio;
	case ENGINE_STRIP_COMP_KNEE:
		return s->knee_db;
	case ENGINE_STRIP_COMP_ATTACK:
		return s->attack_ms;
	case ENGINE_STRIP_COMP_RELEASE:
		return s->release_ms;
	case ENGINE_STRIP_COMP_MAKEUP:
		return s->makeup_db;
	case ENGINE_STRIP_CUE:
		return s->cue;
	case ENGINE_STRIP_DIRECT_PRE:
		return s->direct_pre;
	default:
		return NAN;
	}
}
