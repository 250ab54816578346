/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ebu_cases: the EBU loudness test signals of dsp-reference.md §5.2 (Tech 3341 cases 1-5 and
 * 15-19) and §8 test 21 (Tech 3342: loudness range), as data and as sample buffers. The loudness
 * unit test feeds them straight to the meter; the end-to-end test plays them through mixd. Both
 * channels carry the same signal (in-phase stereo).
 */
#ifndef MIXD_EBU_CASES_H
#define MIXD_EBU_CASES_H

#include <math.h>
#include <stddef.h>

/* The rate the cases are specified at (their frequencies are fractions of it). */
#define EBU_RATE         48000
#define EBU_MAX_SEGMENTS 5

/* What a case checks. */
enum ebu_check {
	EBU_MSI, /* momentary and short-term at the end, and integrated: all expect */
	EBU_I,   /* integrated */
	EBU_TP,  /* max true peak */
	EBU_LRA, /* loudness range */
};

struct ebu_seg {
	double seconds, dbfs; /* dbfs: the sine's peak */
};

struct ebu_case {
	const char *name;
	enum ebu_check check;
	double expect;         /* LUFS, dBTP or LU */
	double tol_lo, tol_hi; /* passes within expect - tol_lo .. expect + tol_hi */
	double freq_hz;        /* a sine, phase continuous over the segments */
	double phase_deg;      /* its phase at the first sample */
	double fade_s;         /* linear fade-in and fade-out (0: none) */
	unsigned n_seg;
	struct ebu_seg seg[EBU_MAX_SEGMENTS];
};

/* The segments, and how many there are. */
#define EBU_SEGS(...)                                                                \
	.n_seg = sizeof((struct ebu_seg[]){ __VA_ARGS__ }) / sizeof(struct ebu_seg), \
	.seg = { __VA_ARGS__ }
/* A 1 kHz tone stepping through levels, within +-tol of want. */
#define EBU_TONES(nm, chk, want, tol, ...)                                                        \
	{                                                                                         \
		.name = (nm), .check = (chk), .expect = (want), .tol_lo = (tol), .tol_hi = (tol), \
		.freq_hz = 1000, EBU_SEGS(__VA_ARGS__)                                            \
	}
/* A Tech 3341 true-peak case: 2 s of a sine at rate / div starting at phase deg, peak amp_db,
 * 10 ms fades; max true peak want +0.2/-0.4 dB. */
#define EBU_PEAK(nm, div, deg, amp_db, want)                                                   \
	{                                                                                      \
		.name = (nm), .check = EBU_TP, .expect = (want), .tol_lo = 0.4, .tol_hi = 0.2, \
		.freq_hz = EBU_RATE / (div), .phase_deg = (deg), .fade_s = 0.01,               \
		EBU_SEGS({ 2, (amp_db) })                                                      \
	}

/* 20 log10 of the Tech 3341 true-peak amplitudes 0.50 and 1.41 */
#define EBU_AMP_050_DB (-6.020599913279624)
#define EBU_AMP_141_DB 2.984360453751846

static const struct ebu_case ebu_cases[] = {
	EBU_TONES("3341-1", EBU_MSI, -23.0, 0.1, { 20, -23 }),
	EBU_TONES("3341-2", EBU_MSI, -33.0, 0.1, { 20, -33 }),
	EBU_TONES("3341-3", EBU_I, -23.0, 0.1, { 10, -36 }, { 60, -23 }, { 10, -36 }),
	EBU_TONES("3341-4", EBU_I, -23.0, 0.1, { 10, -72 }, { 10, -36 }, { 60, -23 }, { 10, -36 },
	          { 10, -72 }),
	EBU_TONES("3341-5", EBU_I, -23.0, 0.1, { 20, -26 }, { 20.1, -20 }, { 20, -26 }),
	EBU_PEAK("3341-15", 4.0, 0.0, EBU_AMP_050_DB, -6.0),
	EBU_PEAK("3341-16", 4.0, 45.0, EBU_AMP_050_DB, -6.0),
	EBU_PEAK("3341-17", 6.0, 60.0, EBU_AMP_050_DB, -6.0),
	EBU_PEAK("3341-18", 8.0, 67.5, EBU_AMP_050_DB, -6.0),
	EBU_PEAK("3341-19", 4.0, 45.0, EBU_AMP_141_DB, 3.0),
	/* Tech 3342 case 1 (dsp-reference §8 test 21) */
	EBU_TONES("3342-1", EBU_LRA, 10.0, 1.0, { 20, -20 }, { 20, -30 }),
};

#define EBU_N_CASES (sizeof(ebu_cases) / sizeof(ebu_cases[0]))

/* Frames of case c at rate. */
static inline size_t
ebu_frames(const struct ebu_case *c, unsigned rate)
{
	size_t n = 0;

	for (unsigned s = 0; s < c->n_seg; s++)
		n += (size_t)lround(c->seg[s].seconds * rate);
	return n;
}

/* Writes case c's signal at rate into buf (ebu_frames(c, rate) samples). */
static inline void
ebu_synth(const struct ebu_case *c, unsigned rate, float *buf)
{
	size_t total = ebu_frames(c, rate), fade = (size_t)lround(c->fade_s * rate), i = 0;
	double w = 2.0 * M_PI * c->freq_hz / rate, ph0 = c->phase_deg * M_PI / 180.0;

	for (unsigned s = 0; s < c->n_seg; s++) {
		size_t end = i + (size_t)lround(c->seg[s].seconds * rate);
		double amp = pow(10.0, c->seg[s].dbfs / 20.0);

		for (; i < end; i++) {
			double g = 1.0;

			if (i < fade)
				g = (double)i / (double)fade;
			else if (total - i <= fade)
				g = (double)(total - 1 - i) / (double)fade;
			/* the phase from the sample index, not accumulated: exact over 100 s */
			buf[i] = (float)(g * amp * sin(fmod(w * (double)i, 2.0 * M_PI) + ph0));
		}
	}
}

/* Whether got passes case c. */
static inline int
ebu_pass(const struct ebu_case *c, double got)
{
	return got >= c->expect - c->tol_lo && got <= c->expect + c->tol_hi;
}

#endif
