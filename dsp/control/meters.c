/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "meters.h"

#include <math.h>

#include "gain.h"

void
meters_clear(struct meter_frame *f)
{
	for (unsigned k = 0; k < ENGINE_MAX_STRIPS; k++) {
		f->peak[k] = f->gr[k] = 0.0f;
		f->rms[k] = METER_NONE;
	}
	f->master_peak[0] = f->master_peak[1] = 0.0f;
	f->master_rms[0] = f->master_rms[1] = METER_NONE;
	f->master_tp = f->master_gr = f->master_comp_gr = 0.0f;
	f->master_mb_gr[0] = f->master_mb_gr[1] = f->master_mb_gr[2] = 0.0f;
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++)
		f->bus_peak[b][0] = f->bus_peak[b][1] = 0.0f;
	for (unsigned k = 0; k < ENGINE_MAX_AUX; k++) {
		f->aux_peak[k][0] = f->aux_peak[k][1] = 0.0f;
		f->aux_rms[k][0] = f->aux_rms[k][1] = METER_NONE;
	}
	f->monitor_peak[0] = f->monitor_peak[1] = 0.0f;
	f->monitor_rms[0] = f->monitor_rms[1] = METER_NONE;
}

static void
fold_max(float *dst, const float *src, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		dst[i] = fmaxf(dst[i], src[i]);
}

static void
fold_latest(float *dst, const float *src, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (src[i] != METER_NONE)
			dst[i] = src[i];
}

void
meters_fold(struct meter_frame *dst, const struct meter_frame *src)
{
	fold_max(dst->peak, src->peak, ENGINE_MAX_STRIPS);
	fold_max(dst->gr, src->gr, ENGINE_MAX_STRIPS);
	fold_latest(dst->rms, src->rms, ENGINE_MAX_STRIPS);
	fold_max(dst->master_peak, src->master_peak, 2);
	fold_latest(dst->master_rms, src->master_rms, 2);
	dst->master_tp = fmaxf(dst->master_tp, src->master_tp);
	dst->master_gr = fmaxf(dst->master_gr, src->master_gr);
	dst->master_comp_gr = fmaxf(dst->master_comp_gr, src->master_comp_gr);
	fold_max(dst->master_mb_gr, src->master_mb_gr, 3);
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++)
		fold_max(dst->bus_peak[b], src->bus_peak[b], 2);
	for (unsigned k = 0; k < ENGINE_MAX_AUX; k++) {
		fold_max(dst->aux_peak[k], src->aux_peak[k], 2);
		fold_latest(dst->aux_rms[k], src->aux_rms[k], 2);
	}
	fold_max(dst->monitor_peak, src->monitor_peak, 2);
	fold_latest(dst->monitor_rms, src->monitor_rms, 2);
}

float
meters_db(float lin)
{
	double db = lin > 0.0f ? gain_lin_to_db(lin) : -INFINITY;

	return db < GAIN_OFF_DB ? GAIN_OFF_DB : (float)db;
}

unsigned
meter_vector_strip(const struct meter_frame *f, unsigned k, float out[METER_STRIP_N])
{
	out[0] = meters_db(f->peak[k]);
	out[1] = meters_db(f->rms[k]);
	out[2] = f->gr[k];
	return METER_STRIP_N;
}

unsigned
meter_vector_bus(const struct meter_frame *f, unsigned b, float out[METER_BUS_N])
{
	out[0] = meters_db(f->bus_peak[b][0]);
	out[1] = meters_db(f->bus_peak[b][1]);
	return METER_BUS_N;
}

/* Peak L/R then RMS L/R, in dBFS: the aux buses' and the monitor's shape. */
static unsigned
vector_pair(const float peak[2], const float rms[2], float out[4])
{
	out[0] = meters_db(peak[0]);
	out[1] = meters_db(peak[1]);
	out[2] = meters_db(rms[0]);
	out[3] = meters_db(rms[1]);
	return 4;
}

unsigned
meter_vector_aux(const struct meter_frame *f, unsigned k, float out[METER_AUX_N])
{
	return vector_pair(f->aux_peak[k], f->aux_rms[k], out);
}

unsigned
meter_vector_monitor(const struct meter_frame *f, float out[METER_MONITOR_N])
{
	return vector_pair(f->monitor_peak, f->monitor_rms, out);
}

unsigned
meter_vector_master(const struct meter_frame *f, float out[METER_MASTER_N])
{
	out[0] = meters_db(f->master_peak[0]);
	out[1] = meters_db(f->master_peak[1]);
	out[2] = meters_db(f->master_tp);
	out[3] = f->master_gr;
	out[4] = f->master_comp_gr;
	return METER_MASTER_N;
}

unsigned
meter_vector_multiband(const struct meter_frame *f, float out[METER_MULTIBAND_N])
{
	for (unsigned b = 0; b < METER_MULTIBAND_N; b++)
		out[b] = f->master_mb_gr[b];
	return METER_MULTIBAND_N;
}
