/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x32_subs: the X32's timed subscriptions, each sent to its client every 50 ms x its time
 * factor for 10 s after it was made or last renewed:
 *   /subscribe ,si PATH TF            PATH's value on PATH
 *   /formatsubscribe ,s s.. iii ALIAS PATH.. FIRST LAST TF
 *                                     a blob on ALIAS: the value of each PATH with "**"
 *                                     replaced by FIRST..LAST (two digits), in order
 *   /batchsubscribe ,ssiii ALIAS PATH FIRST LAST TF
 *                                     the same for one PATH; with PATH /meters/N the meter
 *                                     blob of bank N on ALIAS
 *   /meters ,si.. /meters/N [..] TF   the meter blob of bank N on /meters/N
 *   /renew [NAME], /unsubscribe [NAME] the sender's subscriptions of that name (the PATH, the
 *                                     ALIAS or /meters/N), or all of them
 * A value blob holds each value as 4 little-endian bytes (a float or an int32, as the address
 * is typed); a meter blob is a little-endian int32 count then count little-endian float32
 * (the emulator's layout, X32.c Xprepmeter), the levels linear (1.0 = 0 dBFS).
 *
 * Bounded: the subscriptions are entries of mixd's one peer table (peers.h), keyed by the
 * client and the name, with its policy: X32_SUBS_MAX subscriptions, X32_SUBS_PER_HOST of one
 * host (past that the host's least recently renewed gives way), a lapsed one the first to make
 * room, a host holding more than its fair share giving way to a newcomer, a newcomer refused
 * (and counted) when the table is full and fairly shared. X32_SUB_ITEMS values a blob,
 * X32_METER_SUBS meter subscriptions (each holds one of as many meter accumulators; past that
 * a new one is refused). Everything is allocated at create.
 */
#ifndef MIXD_X32_SUBS_H
#define MIXD_X32_SUBS_H

#include <lo/lo.h>
#include <stdint.h>

#include "feedback.h"
#include "server.h"
#include "x32_map.h"

#define X32_SUBS_MAX      32
#define X32_SUBS_PER_HOST 16
#define X32_SUB_ITEMS     64
#define X32_METER_SUBS    8
#define X32_SUB_LEASE_NS  (10ull * 1000000000ull)
#define X32_SUB_TICK_NS   (50ull * 1000000ull)
#define X32_NAME_MAX      64

struct x32;

/* Control thread. Handles /subscribe, /formatsubscribe, /batchsubscribe, /meters, /renew and
 * /unsubscribe from `from`. Returns 1 when path was one of them (handled, even if refused),
 * 0 otherwise. */
int x32_subs_message(struct x32 *x, const struct osc_peer *from, const char *path,
                     const char *types, lo_arg **argv, int argc, uint64_t now);
/* Control thread. Sends what is due at now, folds the tick's fresh meters, drops expired
 * subscriptions. */
void x32_subs_tick(struct x32 *x, const struct feedback_frame *f);
/* Control thread, at create. Makes the empty table, the scratch subscription and the meter
 * accumulators (the only allocations). Returns 0 or -ENOMEM (x32_subs_free cleans up). */
int x32_subs_init(struct x32 *x);
/* Control thread. Frees every subscription and the table; accepted after a failed init. */
void x32_subs_free(struct x32 *x);
/* Control thread. Live subscriptions. */
unsigned x32_subs_count(const struct x32 *x);

/* Any thread (x32_meters.c). Fills bank's meter values from acc (linear levels), at most max;
 * returns how many the bank has, or -1 for a bank mixd does not serve. acc NULL: only the
 * count. */
int x32_meter_bank(unsigned bank, const struct meter_frame *acc, float *out, unsigned max);

#endif
