/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fpu: denormals off for the calling thread (the FPU mode is per thread). */
#ifndef MIXD_FPU_H
#define MIXD_FPU_H

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

/* Any thread, affects only that thread. Sets flush-to-zero (MXCSR bit 15) and
 * denormals-are-zero (bit 6): a decaying recursive filter otherwise crawls through denormals at
 * a hundred times the cost. (Ardour's setup_fpu once used 0x8000 for DAZ: it is 0x0040.) */
static inline void
fpu_denormals_off(void)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_setcsr(_mm_getcsr() | 0x8040);
#elif defined(__aarch64__)
	unsigned long fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	__asm__ volatile("msr fpcr, %0" ::"r"(fpcr | (1ul << 24))); /* FZ */
#endif
}

#endif
