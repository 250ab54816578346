/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel: the channel-strip DSP of 16 strip channels ("lanes") side by side.
 *
 * A recursive filter cannot be vectorised along time, but sixteen strips can run in sixteen
 * vector lanes (dsp-reference.md §7). A group holds the state of 16 lanes and, for the current
 * sub-block, a plan made by strip.c: which stages run, their coefficients (fixed) or their
 * natural parameters (interpolated per sample while they move), and the gain ramps. The kernel
 * does the per-sample work only:
 *
 *   x * trim -> HPF 1 -> HPF 2 -> EQ 1..4 -> compressor -> y
 *   y * fader -> meters; master L/R, bus sends L/R accumulated per lane into sk_acc
 *   y * (pre * mute + (1 - pre) * fader) * send L/R -> the aux buses' rows (struct sk_aux)
 *
 * After the kernel, g->x holds y (after the compressor, before the fader: the PFL and post-fader
 * direct-out taps) and, when tap_pre is set, g->tap the signal after trim and HPF (the pre
 * direct-out tap).
 *
 * Every stage is a Cytomic trapezoidal SVF (dsp-reference.md §1.2): its states are integrator
 * states, so a coefficient change never rescales them and a filter stays quiet while it moves.
 * One stage type covers HPF, bell, low and high shelf by its mix coefficients m0, m1, m2.
 *
 * Implementations: kernel_ref.c is plain C, one lane at a time, libm; kernel_vec.c is the same
 * algorithm in GCC/clang vector extensions, compiled once per ISA (baseline, AVX2+FMA,
 * AVX-512F) and chosen at run time. The suite checks the vector kernels against the reference.
 *
 * Thread: everything here runs in the RT thread; nothing allocates, locks or blocks.
 */
#ifndef MIXD_KERNEL_H
#define MIXD_KERNEL_H

#include <stdalign.h>
#include <stdint.h>

#define SK_LANES 16
#define SK_BLOCK 32 /* = ENGINE_BLOCK: the parameter grid */

/* The six SVF stages of a lane, in signal order. */
enum { SK_HPF1, SK_HPF2, SK_EQ1, SK_N_SVF = SK_EQ1 + 4 };

/* What a stage does this sub-block, the same for all 16 lanes of a group. */
enum sk_mode {
	SK_SKIP,       /* every lane switched off and flat: the stage costs nothing */
	SK_STATIC,     /* fixed coefficients a1, a2, a3, m0, m1, m2 */
	SK_EQ_MOVING,  /* bell/shelf: coefficients computed per sample from g0, e, kq */
	SK_HPF_MOVING, /* high-pass: per sample from g0 and the wet weight w */
};

/* A per-lane vector. Every array below is 64-byte aligned (16 floats), so the vector kernels
 * load them directly. */
typedef float sk_lanes[SK_LANES];

/* Parameters interpolated linearly across the sub-block grid: value at grid sample j (0..31) is
 * v + dv * (j + 1), so the last sample of the grid block lands on the block's end value. */
struct sk_svf {
	alignas(64) sk_lanes ic1, ic2; /* state: the two trapezoidal integrators */
	/* SK_STATIC */
	sk_lanes a1, a2, a3, m0, m1, m2;
	/* SK_*_MOVING: the natural parameters */
	sk_lanes g0, dg0; /* tan(pi f / fs) */
	sk_lanes e, de;   /* log2 A, A = 10^(dB/40) (EQ) */
	sk_lanes kq, dkq; /* 1/Q (EQ) or the fixed damping (HPF) */
	sk_lanes w, dw;   /* wet weight 0..1 (HPF cross-fade) */
	/* the EQ band type as constants, so lanes of different types share one code path:
	 *   g = g0 * 2^(sg e), k = kq * 2^(-sk e), A = 2^e,
	 *   m0 = 1 + h (A^2 - 1), m1 = k (x2 A^2 + x1 A + x0), m2 = s2 (A^2 - 1) */
	sk_lanes sg, sk, h, x2, x1, x0, s2;
};

/* Compressor (Giannoulis, Massberg, Reiss 2012): soft-knee gain computer, smooth decoupled
 * detector in the log domain; dsp-reference.md §2. */
struct sk_comp {
	alignas(64) sk_lanes y1, yl; /* detector states, dB of gain reduction */
	sk_lanes gr;                 /* meter: max of the applied reduction, dB */
	sk_lanes thr, dthr;          /* threshold dB (interpolated) */
	sk_lanes mk, dmk;            /* make-up dB (interpolated) */
	sk_lanes w, dw;              /* on weight 0..1 (interpolated) */
	sk_lanes slope;              /* 1 - 1/ratio */
	sk_lanes knee, inv2w;        /* knee width W dB, and 1/(2W) (0 for a hard knee) */
	sk_lanes aa, ar;             /* attack and release coefficients exp(-1/(tau fs)) */
	sk_lanes link;               /* 1 where the lane is half of a stereo pair (lane ^ 1) */
};

/* A linear gain glide in the form of ramp_fill (ramp.h), per lane: the value at sample i of the
 * sub-block is start + inc * (kb + i + 1) while i + 1 < left, else target. */
struct sk_ramp {
	alignas(64) sk_lanes start, inc, kb, left, target;
};

/* The effect buses a strip sends to (= ENGINE_N_BUSES). */
#define SK_N_FX 3

enum {
	SK_R_IN,
	SK_R_FADER,
	SK_R_L,
	SK_R_R,
	SK_R_SEND0,                       /* SK_N_FX effect send levels */
	SK_R_PRE0 = SK_R_SEND0 + SK_N_FX, /* SK_N_FX pre (1) / post (0) weights */
	SK_R_MUTE = SK_R_PRE0 + SK_N_FX,  /* 1 unmuted, 0 muted: the pre-fader aux sends' gate */
	SK_N_RAMPS
};

/* Where the outputs go, accumulated per lane: the engine sums the 16 lanes of every frame once
 * all groups are done. Effect bus b's rows are SK_BUS_L(b), SK_BUS_R(b). */
enum { SK_OUT_L, SK_OUT_R, SK_BUS0_L, SK_N_OUT = SK_BUS0_L + 2 * SK_N_FX };
#define SK_BUS_L(b) (SK_BUS0_L + 2 * (b))
#define SK_BUS_R(b) (SK_BUS0_L + 2 * (b) + 1)

struct sk_acc {
	alignas(64) float v[SK_N_OUT][SK_BLOCK][SK_LANES];
};

/* The aux buses (= ENGINE_MAX_AUX). */
#define SK_MAX_AUX 32

/* One aux bus's send from the 16 lanes: level x pan on the bus's left (or only) side and right
 * side, and the pre-fader weight (1 pre, 0 post). */
struct sk_send {
	struct sk_ramp l, r, pre;
};

typedef float sk_row[SK_BLOCK][SK_LANES];

/* A group's aux sends and where they accumulate. Only buses some lane sends to are listed in
 * on[0 .. n_on-1]: a send at -inf costs nothing. */
struct sk_aux {
	struct sk_send send[SK_MAX_AUX];
	sk_row *acc;                /* the aux rows, shared by all groups */
	uint16_t row[SK_MAX_AUX];   /* bus k's left (or only) row; its right is row + 1 */
	uint8_t stereo[SK_MAX_AUX]; /* bus k has a right side */
	uint8_t moving[SK_MAX_AUX]; /* bus k's send ramps glide in this sub-block */
	uint8_t on[SK_MAX_AUX];     /* the buses some lane sends to */
	uint8_t n_on;
};

struct sk_group {
	alignas(64) float x[SK_BLOCK][SK_LANES];   /* input of the sub-block, frame-major */
	alignas(64) float tap[SK_BLOCK][SK_LANES]; /* after trim and HPF, when tap_pre */
	struct sk_svf svf[SK_N_SVF];
	struct sk_comp comp;
	struct sk_ramp ramp[SK_N_RAMPS];
	alignas(64) sk_lanes peak, ss; /* meters: post-fader peak, sum of squares */

	/* the plan for this sub-block */
	uint8_t mode[SK_N_SVF];   /* enum sk_mode */
	uint8_t comp_on;          /* 0: the compressor is skipped (every lane off) */
	uint8_t ramps_moving;     /* 0: every ramp is at its target, use the fixed values */
	uint8_t send_on[SK_N_FX]; /* 0: no lane sends to that bus */
	uint8_t tap_pre;          /* write tap[] */
	struct sk_aux *aux;       /* NULL: no aux sends (the master's group) */
};

/* RT. The value of lane l of a ramp at sample i of the sub-block, as the kernels compute it. */
static inline float
sk_ramp_value(const struct sk_ramp *r, unsigned l, uint32_t i)
{
	if ((float)(i + 1) < r->left[l])
		return r->start[l] + r->inc[l] * (r->kb[l] + (float)(i + 1));
	return r->target[l];
}

/* The kernel: processes samples j0 .. j0+n-1 of the current grid block (n <= SK_BLOCK - j0) from
 * g->x[0..n-1], accumulating into acc->v[.][0..n-1]. Afterwards the states it ran are flushed to
 * exact zero below SK_FLUSH_AUDIO / SK_FLUSH_DB, and a lane whose state is non-finite is reset:
 * returns a bit per reset lane (0 normally). */
typedef uint32_t (*sk_kernel_fn)(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);

uint32_t sk_kernel_ref(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);
uint32_t sk_kernel_generic(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);
/* The same kernel on lanes 0-3 only (the others are not touched), one SSE register wide: the
 * master bus's EQ and glue compressor, which are a stereo strip's on lanes 0-1, at the cost of
 * four lanes rather than sixteen. (A two-lane build of 8-byte vectors was slower: x86 has no
 * native 2-float arithmetic, and GCC's code for it cost 130 ns a frame against 76.) */
uint32_t sk_kernel_pair(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);
#if defined(__x86_64__) || defined(__i386__)
#define SK_HAVE_X86 1
uint32_t sk_kernel_avx2(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);
uint32_t sk_kernel_avx512(struct sk_group *g, struct sk_acc *acc, uint32_t j0, uint32_t n);
#endif

/* Below these a state is flushed to zero: -360 dB of a full-scale signal in the filters, a
 * millionth of a dB in the detector. Nothing audible changes, and silence ends at exact 0
 * instead of decaying through denormals (which cost 100x on x86 without FTZ/DAZ). Within one
 * 32-sample block no state can decay from there into the denormal range. */
#define SK_FLUSH_AUDIO 1e-18f
#define SK_FLUSH_DB    1e-6f

/* RT. Sets to zero the states of lane l (filters, detector): a lane that saw NaN/Inf starts
 * again from silence. */
void sk_reset_lane(struct sk_group *g, unsigned l);

/* RT. out[i] = the sum of the 16 lanes of frame i of an accumulator row (row[16 i + lane]),
 * i < n: the row reduced. */
void sk_reduce(const float *row, float *out, uint32_t n);

/* RT. The reference kernel's state housekeeping: flushes every lane's tiny states to zero and
 * resets lanes with a non-finite state; returns a bit per reset lane. */
uint32_t sk_check_state(struct sk_group *g);

#endif
