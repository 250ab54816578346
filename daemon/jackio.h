/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jackio: mixd's JACK client — ports, the process callback, and surviving the server.
 *
 * The process callback drains the command ring into the engine, renders into output buffers of
 * its own, copies them to the JACK ports once at its end (so a late callback never shows a
 * downstream client a half-processed sum) and publishes meters; nothing else (style.md rule 2).
 * JACK's notification callbacks only set atomic flags and poke an eventfd; the control thread acts
 * on them in jackio_handle_events: on server loss it closes the dead client and reconnects with
 * back-off, re-registering the ports; the connections are connections.c's, told of each client.
 */
#ifndef MIXD_JACKIO_H
#define MIXD_JACKIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct automation;
struct engine;
struct ring;

/* A meter record, RT -> control. */
enum jackio_report_kind {
	JACKIO_REPORT_STRIP,      /* index = strip; a = peak, b = rms (linear), c = GR (dB) */
	JACKIO_REPORT_MASTER,     /* a = peak L, b = peak R, c = rms L, d = rms R (linear) */
	JACKIO_REPORT_MASTER_DYN, /* a = true peak (linear), b = limiter GR, c = glue comp GR (dB)
	                           */
	JACKIO_REPORT_BUS,        /* index = bus; a = return peak L, b = R (linear) */
	JACKIO_REPORT_AUTOMATION, /* index = parameter index; a = the value a lane applied */
	JACKIO_REPORT_MASTER_MB,  /* a, b, c = the multiband's GR per band (dB) */
	JACKIO_REPORT_AUX,        /* index = aux bus; a = peak L, b = peak R, c = rms L, d = rms R
	                           * (linear; R = L on a mono bus) */
	JACKIO_REPORT_MONITOR,    /* a = peak L, b = peak R, c = rms L, d = rms R (linear) */
};

struct jackio_report {
	uint16_t kind;
	uint16_t index;
	float a, b, c, d;
};

/* Counters of the RT side, copied out by jackio_get_stats. */
struct jackio_stats {
	uint64_t cycles;
	uint64_t xruns;
	uint64_t report_drops;     /* meter records dropped on a full ring (never waits) */
	uint64_t oversize_periods; /* periods longer than our output buffers: output silenced */
	uint64_t cycle_max_ns;     /* longest process callback since start */
	uint64_t reconnects;       /* successful reconnections after a server loss */
	uint64_t cmd_backlog;      /* cycles that left commands in the ring (bounded drain) */
	uint64_t commands;         /* commands the engine applied */
	uint64_t bad_commands;     /* commands the engine ignored */
	uint64_t nonfinite_inputs; /* strip sub-blocks dropped for NaN/Inf input */
	uint64_t nonfinite_output; /* master sub-blocks silenced for NaN/Inf */
	uint64_t state_resets;     /* strip lanes reset for a non-finite filter state */
	uint64_t tap_frames;       /* master frames handed to the tap ring */
	uint64_t tap_drops;        /* master frames dropped on a full tap ring (never waits) */
	/* callback time over the window since jackio_cycle_window_start (or start), µs buckets */
	uint64_t window_cycles, window_p50_ns, window_p99_ns, window_p999_ns, window_max_ns;
	/* the longest cycle over the window in the process thread's CPU time, not wall time: the
	 * callback and libjack's handling of the cycle, whatever else had the core meanwhile (a
	 * preemption, a hypervisor's steal when the kernel accounts it apart) */
	uint64_t window_cpu_max_ns;
	/* its 99.9th percentile (µs buckets). A kernel built without IRQ_TIME_ACCOUNTING (this
	 * development VM's) charges interrupt and softirq time to the thread it interrupted: a
	 * datagram flood's network receive work landing on the audio thread's core counts as that
	 * cycle's CPU, so the maximum can be one such cycle, and the percentile is what the cycles
	 * took */
	uint64_t window_cpu_p999_ns;
};

struct jackio;

/* Control thread. Prepares a client named name (not yet connected). engine, commands (elem
 * struct model_cmd) and reports (elem struct jackio_report) are not owned. connect_regex, when
 * not NULL, is an extended regex: master_L/R are connected to matching input ports (first match
 * to L, second to R). Returns NULL on a bad regex (message in err) or out of memory. */
struct jackio *jackio_new(const char *name, struct engine *engine, struct ring *commands,
                          struct ring *reports, const char *connect_regex, char *err,
                          size_t errlen);

/* Control thread, before the first jackio_open. After each period the process callback copies
 * master L/R into tap (elements: two floats, L then R, one per frame; j is its only producer),
 * as many as fit, and counts the rest as dropped. NULL (the default) taps nothing. */
void jackio_set_tap(struct jackio *j, struct ring *tap);

/* Control thread, before the first jackio_open. The process callback plays a's lanes in sync
 * with the JACK transport (automation.h) and reports the values they write as
 * JACKIO_REPORT_AUTOMATION. NULL (the default) plays nothing. a is not owned. */
void jackio_set_automation(struct jackio *j, struct automation *a);

/* Control thread, before the first jackio_open. Every client opened hands c its graph
 * (connections_attach after activation, connections_detach before closing) and its news
 * (connections_update when ports or connections change). NULL (the default): nothing is
 * remembered beyond --connect. c is not owned. */
struct connections;
void jackio_set_connections(struct jackio *j, struct connections *c);

/* Control thread. Starts or stops the JACK transport, or moves it to frame (every client
 * follows: the transport is the server's). Returns 0, -ENOTCONN without a server; locate also
 * -ERANGE past JACK's 32-bit frame count and -EIO when JACK refuses. */
int jackio_transport_start(struct jackio *j);
int jackio_transport_stop(struct jackio *j);
int jackio_transport_locate(struct jackio *j, uint64_t frame);

/* Control thread. True while the JACK transport rolls; its frame (as of the current cycle) in
 * *frame. False, *frame 0, without a server. */
bool jackio_transport_query(struct jackio *j, uint64_t *frame);

/* Control thread. As jackio_transport_query, but while rolling *frame is the transport frame
 * now: the current cycle's frame plus the time since that cycle began, at the server's rate
 * (what jack_get_current_transport_frame() tells, from the same query as the state). */
bool jackio_transport_now(struct jackio *j, uint64_t *frame);

/* Control thread. As jackio_transport_now, but the frame ago_ns before now (never before
 * frame 0): where a control message that waited that long to be read belongs. */
bool jackio_transport_ago(struct jackio *j, uint64_t ago_ns, uint64_t *frame);

/* Control thread. Closes the client if open. */
void jackio_free(struct jackio *j);

/* Control thread. Opens the client on the server (never starting one), registers ports, sets the
 * engine's sample rate, activates, and makes the remembered and --connect connections. Returns
 * 0, or -errno with the client closed again (no server: -ECONNREFUSED). */
int jackio_open(struct jackio *j);

/* Control thread. An fd that becomes readable when JACK has news for the control thread
 * (server gone, ports or connections changed). Poll it, then call jackio_handle_events. */
int jackio_event_fd(const struct jackio *j);

/* Control thread. Acts on JACK's news and, while disconnected, retries jackio_open with
 * back-off (call it on every timer tick: it keeps its own schedule). now_ns is CLOCK_MONOTONIC.
 * Returns true while connected. */
bool jackio_handle_events(struct jackio *j, uint64_t now_ns);

/* Control thread. True once closing a client whose server was lost has missed its deadline
 * (jackclose.h: libjack's deadlock after a server loss): no JACK client can be opened in this
 * process again, and mixd must start afresh. */
bool jackio_wedged(const struct jackio *j);

/* Control thread. */
bool jackio_connected(const struct jackio *j);
unsigned jackio_rate(const struct jackio *j);
unsigned jackio_buffer_size(const struct jackio *j);
const char *jackio_client_name(const struct jackio *j);
void jackio_get_stats(const struct jackio *j, struct jackio_stats *out);

/* Control thread. Starts a new window for the callback-time percentiles of jackio_get_stats. */
void jackio_cycle_window_start(struct jackio *j);

#endif
