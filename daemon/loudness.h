/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loudness: EBU R128 loudness of the master output, measured off the audio thread.
 *
 * The JACK process callback copies each period's master L/R into an SPSC ring of stereo frames
 * (struct loudness_frame) and never waits: a full ring drops and counts (jackio.c). A plain,
 * non-RT thread wakes every LOUDNESS_WAKE_MS, drains the ring into libebur128 (momentary,
 * short-term, integrated, loudness range, true peak, in histogram mode so nothing is allocated
 * per block and memory stays bounded however long it runs) and publishes a reading under a mutex
 * the control thread shares.
 *
 * Cost: libebur128 sums its whole 400 ms or 3 s window each time momentary or short-term is
 * asked for; asking every wake-up made the meter cost ~30 ms of CPU per second of audio. So the
 * audio is fed in 10 ms segments (at rates divisible by 100; else libebur128's 100 ms blocks),
 * each segment's K-weighted energy is read once (a 10 ms window) and momentary and short-term are
 * the means of the last 40 and 300 of them: the same sums as libebur128's windows, updated every
 * 10 ms of audio (EBU Tech 3341 asks for 10 Hz at least), max momentary and max short-term taken
 * at each update. Integrated and loudness range are read only when a 100 ms block has passed:
 * libebur128's histograms move only then. mixbench loudness measures both ways. Reset and a new
 * sample rate re-create the libebur128 state in that thread; the RT side is never involved. Nothing
 * here signals or waits on the RT side.
 */
#ifndef MIXD_LOUDNESS_H
#define MIXD_LOUDNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ring;

/* One element of the audio ring: a master output frame. */
struct loudness_frame {
	float l, r;
};

/* The loudness thread drains the ring and publishes a reading at least this often: 50 Hz, the
 * fastest a subscriber can ask for meters (/subscribe's hz). Each wake-up costs the thread more
 * than the audio it measures (on the development VM, a benchmark figure: ~46 us a wake-up,
 * from tools/cpubench, against ~36 us of measuring per 20 ms of audio, from mixbench loudness);
 * every 10 ms segment of audio is still measured (max momentary and max short-term see each
 * one), only published in pairs. */
#define LOUDNESS_WAKE_MS 20

/* What the meter reads. Levels are -INFINITY while there is nothing to measure (no programme
 * above the gates, silence, right after a reset). */
struct loudness_reading {
	double momentary;      /* LUFS, 400 ms window */
	double short_term;     /* LUFS, 3 s window */
	double integrated;     /* LUFS, gated (BS.1770), since the last reset */
	double range;          /* LU (EBU Tech 3342), since the last reset; 0 with too little */
	double true_peak;      /* dBTP, the most of either channel since the last reset */
	double max_momentary;  /* LUFS, the most since the last reset (as published) */
	double max_short_term; /* LUFS, the same for short-term */
	unsigned rate;         /* Hz the state measures at */
	uint64_t measured;     /* frames taken from the ring since loudness_new (never reset) */
	uint64_t resets;       /* resets applied, rate changes included */
	uint64_t nonfinite;    /* frames holding NaN/Inf, measured as silence (the engine lets
	                        * none out of the master; this only guards libebur128's filters) */
};

struct loudness;

/* Control thread. A meter for audio at rate Hz (8000..768000) fed through a ring of at least
 * ring_frames frames, allocated and touched here; the libebur128 state is made by the first
 * loudness_poll. No thread yet. own_true_peak: the true peak is libebur128's (a 4x BS.1770
 * interpolator, ~55 ns a frame); false: it is what loudness_feed_true_peak gives (mixd feeds
 * the limiter's 8x meter of the same output, which it computes anyway). Returns NULL on bad
 * arguments or out of memory. */
struct loudness *loudness_new(unsigned rate, size_t ring_frames, bool own_true_peak);

/* Control thread. A true peak of the metered output (linear), for a meter made without its
 * own: the reading's true_peak is the most fed since the last reset. */
void loudness_feed_true_peak(struct loudness *l, double peak);

/* Control thread. Stops the thread if it runs (after the RT side stopped pushing) and frees
 * everything, the ring included. NULL is accepted. */
void loudness_free(struct loudness *l);

/* Control thread, once. Starts the loudness thread (default scheduling, not real time). Returns 0
 * or a negative errno. */
int loudness_start(struct loudness *l);

/* Control thread. The ring the RT side pushes struct loudness_frame into (its only producer);
 * owned by l. */
struct ring *loudness_ring(struct loudness *l);

/* Control thread. Asks for a fresh measurement: I, LRA, max M/S and true peak start again. The
 * loudness thread applies it at its next wake-up (at once when it is waiting); frames already
 * queued count towards the new measurement. */
void loudness_reset(struct loudness *l);

/* Control thread. The audio now runs at rate Hz: the state is re-created for it (a reset) at the
 * next wake-up. The same rate as now does nothing. Frames already queued (at most one wake-up's
 * worth) are measured at the new rate. Should libebur128 fail to set up (out of memory), the
 * meter reads silence until the next reset or rate, and says so on stderr. */
void loudness_set_rate(struct loudness *l, unsigned rate);

/* The loudness thread's work, or a test's while no thread runs: applies pending requests,
 * drains the ring into the meter and publishes a reading. Returns the frames it measured. */
size_t loudness_poll(struct loudness *l);

/* Any thread but RT. The latest published reading. */
void loudness_read(struct loudness *l, struct loudness_reading *out);

#endif
