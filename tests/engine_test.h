/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine_test: what the engine's unit tests (test_engine, test_strip, test_master) need to know
 * about the master limiter.
 *
 * The master bus ends in a look-ahead limiter that is always in the path, on or off, so every
 * master output is delayed by L = engine_latency() samples: output sample i + L is input sample
 * i, whatever the limiter's switch. The bus taps of engine_process_taps are taken before the
 * master and are NOT delayed. Output i + L depends on inputs 0..i only, so a test that needs the
 * output of its last L input samples processes L more frames of zeros (buffers have LAT_PAD
 * frames of room for that) and measures output windows shifted by L.
 *
 * Tests of the strip and master paths switch the limiter off, so that it cannot touch the levels
 * they measure: off, it is an exact delay of L samples.
 */
#ifndef MIXD_ENGINE_TEST_H
#define MIXD_ENGINE_TEST_H

#include <check.h>
#include <stdint.h>

#include "engine.h"

/* Room in the test buffers for the latency (not the latency itself: read engine_latency). */
#define LAT_PAD 256

/* Switches the master limiter off and ends its 5 ms cross-fade (engine_settle: call it before
 * setting anything whose glide the test watches). Returns the latency, L. */
static inline uint32_t
limiter_off(struct engine *e)
{
	uint32_t lat;

	engine_set(e, ENGINE_MASTER_LIMITER_ON, 0, 0.0f);
	engine_settle(e);
	lat = engine_latency(e);
	ck_assert_msg(lat > 0 && lat <= LAT_PAD, "latency %u: outside the test buffers' room %d",
	              (unsigned)lat, LAT_PAD);
	return lat;
}

#endif
