/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "clock.h"
#include "cyclehist.h"
#include "jackclose.h"
#include "jackio.h"

#include <errno.h>
#include <jack/jack.h>
#include <math.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "automation.h"
#include "connections.h"
#include "engine.h"
#include "fpu.h"
#include "model.h"
#include "outs.h"
#include "portlat.h"
#include "ring.h"

/* Commands applied per cycle at most: bounds the callback's work under a flood; the rest wait
 * in the ring for the next cycle (and the model coalesces them meanwhile). */
#define JACKIO_MAX_CMDS_PER_CYCLE 1024
#define BACKOFF_MIN_NS            (250ull * 1000000ull)
#define BACKOFF_MAX_NS            (4000ull * 1000000ull)
/* Master frames interleaved on the stack per push into the tap ring. */
#define JACKIO_TAP_CHUNK 128

struct jackio {
	char name[64];
	struct engine *e;
	struct ring *cmd, *rep;
	struct ring *tap;         /* master L/R frames for the loudness thread, or NULL */
	struct automation *autom; /* lanes to play, or NULL */
	regex_t re;
	bool have_re;

	jack_client_t *client;
	unsigned n_in;
	jack_port_t **in_ports;
	const float **in_bufs;
	const float **sub_bufs; /* in_bufs advanced to a sub-block, while automation plays */
	struct outs out;        /* the output ports and the buffers the engine renders into */
	struct portlat lat;     /* the latency they and the inputs report (portlat.h) */
	bool have_lat;
	bool connected;
	unsigned rate;

	int efd;
	atomic_bool lost;          /* server gone: set by the shutdown callbacks */
	atomic_bool graph_changed; /* ports or connections changed */
	atomic_uint buffer_size;
	atomic_uint new_rate; /* non-zero: the server changed its sample rate to this */
	atomic_uint cur_rate; /* j->rate, for the notification thread to compare against */

	/* RT-written counters (relaxed: independent statistics, no ordering needed) */
	atomic_uint_fast64_t cycles, xruns, report_drops, cycle_max_ns, cmd_backlog;
	atomic_uint_fast64_t oversize_periods;
	struct cyclehist hist;
	struct cyclehist cpu_hist;              /* the same in CPU time (cpu_cycle_done) */
	atomic_uint_fast64_t cpu_window_max_ns; /* reset by jackio_cycle_window_start */
	uint64_t cpu_prev_ns; /* RT: the process thread's CPU clock at the last cycle's end; 0: none
	                       * yet (set to 0 before each activation, control thread) */
	/* the engine's own counters, copied out each cycle: the engine is RT-owned */
	atomic_uint_fast64_t commands, bad_commands, nonfinite_in, nonfinite_out, state_resets;
	atomic_uint_fast64_t tap_frames, tap_drops;
	uint64_t reconnects;
	bool ever_connected;

	uint64_t next_try_ns, backoff_ns;
	struct connections *conns; /* remembered connections (connections.h), or NULL */
	struct jackclose closing;  /* a lost client being closed (jackclose.h) */
	bool wedged;               /* that close missed its deadline: see jackio_wedged */
};

static void
poke(struct jackio *j)
{
	uint64_t one = 1;
	ssize_t r = write(j->efd, &one, sizeof(one));
	(void)r; /* a full eventfd counter still wakes the poller: nothing to handle */
}

/* ---- RT ---- */

/* RT. A stereo meter's report (peak L/R, RMS L/R) of kind and index into r, pushed; false when
 * the ring is full (the caller drops and counts). */
static bool
push_pair(struct jackio *j, struct jackio_report *r, enum jackio_report_kind kind, unsigned index,
          const struct engine_meter *l, const struct engine_meter *rr)
{
	r->kind = kind;
	r->index = (uint16_t)index;
	r->a = l->peak;
	r->b = rr->peak;
	r->c = l->rms;
	r->d = rr->rms;
	return ring_push(j->rep, r);
}

static void
publish_meters(struct jackio *j)
{
	unsigned n = engine_n_strips(j->e);
	struct engine_meter ml, mr;
	struct jackio_report r = { 0 };

	for (unsigned k = 0; k < n; k++) {
		engine_read_strip_meter(j->e, k, &ml);
		r.kind = JACKIO_REPORT_STRIP;
		r.index = (uint16_t)k;
		r.a = ml.peak;
		r.b = ml.rms;
		r.c = ml.gr;
		if (!ring_push(j->rep, &r))
			goto drop;
	}
	engine_read_master_meter(j->e, &ml, &mr);
	if (!push_pair(j, &r, JACKIO_REPORT_MASTER, 0, &ml, &mr))
		goto drop;
	r.kind = JACKIO_REPORT_MASTER_DYN;
	r.b = ml.gr;
	engine_read_master_dynamics(j->e, &r.a, &r.c);
	r.d = 0.0f;
	if (!ring_push(j->rep, &r))
		goto drop;
	{
		float mb[3];
		engine_read_master_multiband(j->e, mb);
		r.kind = JACKIO_REPORT_MASTER_MB;
		r.a = mb[0];
		r.b = mb[1];
		r.c = mb[2];
		if (!ring_push(j->rep, &r))
			goto drop;
	}
	for (unsigned k = 0; k < engine_n_aux(j->e); k++) {
		engine_read_aux_meter(j->e, k, &ml, &mr);
		if (!push_pair(j, &r, JACKIO_REPORT_AUX, k, &ml, &mr))
			goto drop;
	}
	engine_read_monitor_meter(j->e, &ml, &mr);
	if (!push_pair(j, &r, JACKIO_REPORT_MONITOR, 0, &ml, &mr))
		goto drop;
	for (unsigned b = 0; b < ENGINE_N_BUSES; b++) {
		r.kind = JACKIO_REPORT_BUS;
		r.index = (uint16_t)b;
		engine_read_bus_meter(j->e, b, &r.a, &r.b);
		r.c = r.d = 0.0f;
		if (!ring_push(j->rep, &r))
			goto drop;
	}
	return;
drop:
	atomic_fetch_add_explicit(&j->report_drops, 1, memory_order_relaxed);
}

/* Copies the period's master output into the tap ring, interleaved in chunks so that a whole
 * chunk costs one ring_push_n (one release store), not one per frame. What does not fit is
 * dropped and counted: the loudness thread fell behind, the audio must not wait. */
static void
tap_master(struct jackio *j, const float *l, const float *r, jack_nframes_t n)
{
	float buf[2 * JACKIO_TAP_CHUNK];
	jack_nframes_t off, m, i;
	size_t pushed = 0, k;

	for (off = 0; off < n; off += m) {
		m = n - off < JACKIO_TAP_CHUNK ? n - off : JACKIO_TAP_CHUNK;
		for (i = 0; i < m; i++) {
			buf[2 * i] = l[off + i];
			buf[2 * i + 1] = r[off + i];
		}
		k = ring_push_n(j->tap, buf, m);
		pushed += k;
		if (k < m)
			break; /* full: the rest of the period is dropped, leaving no hole */
	}
	atomic_fetch_add_explicit(&j->tap_frames, pushed, memory_order_relaxed);
	if (pushed < n)
		atomic_fetch_add_explicit(&j->tap_drops, n - pushed, memory_order_relaxed);
}

/* The transport's tempo for a synced delay: the BBT position's, when the timebase master gives
 * one. */
static double
transport_bpm(const jack_position_t *pos)
{
	return (pos->valid & JackPositionBBT) ? pos->beats_per_minute : 0.0;
}

/* An automation-written value, RT -> control. A full ring refuses it; the lane keeps it and
 * tries again next period, so only lateness is possible, never a lost final value. */
static bool
report_automation(void *arg, unsigned idx, float v)
{
	struct jackio *j = arg;
	struct jackio_report r = { .kind = JACKIO_REPORT_AUTOMATION,
		                   .index = (uint16_t)idx,
		                   .a = v };

	if (ring_push(j->rep, &r))
		return true;
	atomic_fetch_add_explicit(&j->report_drops, 1, memory_order_relaxed);
	return false;
}

/* RT thread, at the end of each cycle: the process thread's CPU time since the last cycle's
 * end, which is this callback and libjack's own handling of the cycle (the thread sleeps in
 * between), into the window's maximum and its histogram (window_cpu_p999_ns). One read of the
 * thread's CPU clock a cycle: a system call (the vDSO has no thread CPU clock) that never
 * blocks, 1.05 µs on this development VM (a benchmark figure; a read before and after the callback
 * would cost twice that). */
static void
cpu_cycle_done(struct jackio *j)
{
	struct timespec ts;
	uint64_t now, d;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (j->cpu_prev_ns && now > j->cpu_prev_ns) {
		d = now - j->cpu_prev_ns;
		if (d > atomic_load_explicit(&j->cpu_window_max_ns, memory_order_relaxed))
			atomic_store_explicit(&j->cpu_window_max_ns, d, memory_order_relaxed);
		cyclehist_add(&j->cpu_hist, d);
	}
	j->cpu_prev_ns = now;
}

static int
on_process(jack_nframes_t n, void *arg)
{
	struct jackio *j = arg;
	uint64_t t0 = clock_ns(), dt;
	struct engine_counters ec;
	struct model_cmd c;
	jack_position_t pos;
	jack_transport_state_t ts;
	unsigned k;
	const float *l = j->out.eo.master_l, *r = j->out.eo.master_r;
	bool meters;

	if (n > OUTS_MAX_PERIOD) {
		/* no server offers one: silence, counted, rather than a write past our buffers */
		outs_silence(&j->out, n);
		atomic_fetch_add_explicit(&j->oversize_periods, 1, memory_order_relaxed);
		return 0;
	}
	for (k = 0; k < JACKIO_MAX_CMDS_PER_CYCLE && ring_pop(j->cmd, &c); k++)
		engine_set(j->e, (enum engine_param)c.id, c.strip, c.value);
	if (k == JACKIO_MAX_CMDS_PER_CYCLE)
		atomic_fetch_add_explicit(&j->cmd_backlog, 1, memory_order_relaxed);
	for (unsigned i = 0; i < j->n_in; i++)
		j->in_bufs[i] = jack_port_get_buffer(j->in_ports[i], n);
	/* one query per cycle for tempo and automation alike: it is meant for the process thread
	 * (it reads a lock-free copy) */
	ts = jack_transport_query(j->client, &pos);
	engine_set_tempo(j->e, transport_bpm(&pos));
	if (j->autom && automation_rt_begin(j->autom, j->e, ts == JackTransportRolling, pos.frame,
	                                    n, report_automation, j))
		meters =
		    automation_rt_process_outputs(j->autom, j->e, pos.frame, j->in_bufs,
		                                  j->sub_bufs, &j->out.eo, j->out.sub_direct, n);
	else
		meters = engine_process_outputs(j->e, j->in_bufs, &j->out.eo, n);
	/* the only writes into the port buffers: finished samples, at the very end */
	outs_copy(&j->out, n);
	if (meters)
		publish_meters(j);
	if (j->autom)
		automation_rt_report(j->autom, report_automation, j);
	if (j->tap)
		tap_master(j, l, r, n);

	engine_counters(j->e, &ec);
	atomic_store_explicit(&j->commands, ec.commands, memory_order_relaxed);
	atomic_store_explicit(&j->bad_commands, ec.bad_commands, memory_order_relaxed);
	atomic_store_explicit(&j->nonfinite_in, ec.nonfinite_inputs, memory_order_relaxed);
	atomic_store_explicit(&j->nonfinite_out, ec.nonfinite_output, memory_order_relaxed);
	atomic_store_explicit(&j->state_resets, ec.state_resets, memory_order_relaxed);
	atomic_fetch_add_explicit(&j->cycles, 1, memory_order_relaxed);
	dt = clock_ns() - t0;
	if (dt > atomic_load_explicit(&j->cycle_max_ns, memory_order_relaxed))
		atomic_store_explicit(&j->cycle_max_ns, dt, memory_order_relaxed);
	cyclehist_add(&j->hist, dt);
	cpu_cycle_done(j);
	return 0;
}

/* JACK asks, from a non-RT thread, what latency each port has: worked out here, set by the
 * control thread (portlat.h says why not here: PipeWire's JACK aborts). The engine's latency
 * changes only while the RT side is stopped (a rate change). */
static void
on_latency(jack_latency_callback_mode_t mode, void *arg)
{
	struct jackio *j = arg;

	if (portlat_compute(&j->lat, &j->out, j->e, j->in_ports, mode))
		poke(j);
}

static void
on_thread_init(void *arg)
{
	fpu_denormals_off();
	/* JACK calls this in each thread it makes for us (the process thread among them): a name
	 * of their own, so per-thread CPU (tools/cpubench, top -H) tells them from ours */
	prctl(PR_SET_NAME, "mixd-jack", 0, 0, 0);
}

/* ---- JACK's notification thread: flags and a poke, nothing else ---- */

static void
on_shutdown(void *arg)
{
	struct jackio *j = arg;

	atomic_store(&j->lost, true);
	poke(j);
}

static void
on_info_shutdown(jack_status_t code, const char *reason, void *arg)
{
	on_shutdown(arg);
}

static int
on_xrun(void *arg)
{
	struct jackio *j = arg;

	atomic_fetch_add_explicit(&j->xruns, 1, memory_order_relaxed);
	return 0;
}

static int
on_buffer_size(jack_nframes_t n, void *arg)
{
	struct jackio *j = arg;

	/* the engine works in fixed sub-blocks and holds no per-period buffers: nothing to do
	 * but remember the size for /info */
	atomic_store(&j->buffer_size, n);
	return 0;
}

static int
on_sample_rate(jack_nframes_t rate, void *arg)
{
	struct jackio *j = arg;

	/* JACK2 also calls this once on registration, with the rate we already have */
	if (rate != atomic_load(&j->cur_rate)) {
		atomic_store(&j->new_rate, rate);
		poke(j);
	}
	return 0;
}

static void
on_port_registration(jack_port_id_t port, int reg, void *arg)
{
	struct jackio *j = arg;

	atomic_store(&j->graph_changed, true);
	poke(j);
}

static void
on_port_connect(jack_port_id_t a, jack_port_id_t b, int connect, void *arg)
{
	on_port_registration(a, connect, arg);
}

/* A client activating reorders the graph: its ports, registered earlier, can be connected now. */
static int
on_graph_order(void *arg)
{
	on_port_registration(0, 1, arg);
	return 0;
}

/* ---- control thread ---- */

struct jackio *
jackio_new(const char *name, struct engine *engine, struct ring *commands, struct ring *reports,
           const char *connect_regex, char *err, size_t errlen)
{
	struct jackio *j = calloc(1, sizeof(*j));

	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->e = engine;
	j->cmd = commands;
	j->rep = reports;
	j->efd = -1;
	j->n_in = engine_n_inputs(engine);
	cyclehist_init(&j->hist);
	cyclehist_init(&j->cpu_hist);
	j->in_ports = calloc(j->n_in, sizeof(*j->in_ports));
	j->in_bufs = calloc(j->n_in, sizeof(*j->in_bufs));
	j->sub_bufs = calloc(j->n_in, sizeof(*j->sub_bufs));
	if (!j->in_ports || !j->in_bufs || !j->sub_bufs || outs_plan(&j->out, engine)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	j->have_lat = true; /* portlat_free cleans up a failed init too */
	if (portlat_init(&j->lat, j->out.n, j->n_in)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (connect_regex) {
		int rc = regcomp(&j->re, connect_regex, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];
			regerror(rc, &j->re, msg, sizeof(msg));
			snprintf(err, errlen, "bad --connect regex \"%s\": %s", connect_regex, msg);
			goto fail;
		}
		j->have_re = true;
	}
	j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (j->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	j->backoff_ns = BACKOFF_MIN_NS;
	return j;

fail:
	jackio_free(j);
	return NULL;
}

static void
client_close(struct jackio *j)
{
	if (!j->client)
		return;
	if (j->conns)
		connections_detach(
		    j->conns); /* the disconnections that follow are not the user's */
	/* after a server loss the client is dead, but closing it still frees libjack's side */
	if (!atomic_load(&j->lost))
		jack_deactivate(j->client);
	jack_client_close(j->client);
	j->client = NULL;
	j->connected = false;
}

void
jackio_set_tap(struct jackio *j, struct ring *tap)
{
	j->tap = tap;
}

void
jackio_set_automation(struct jackio *j, struct automation *a)
{
	j->autom = a;
}

void
jackio_set_connections(struct jackio *j, struct connections *c)
{
	j->conns = c;
}

int
jackio_transport_start(struct jackio *j)
{
	if (!j->connected)
		return -ENOTCONN;
	jack_transport_start(j->client);
	return 0;
}

int
jackio_transport_stop(struct jackio *j)
{
	if (!j->connected)
		return -ENOTCONN;
	jack_transport_stop(j->client);
	return 0;
}

int
jackio_transport_locate(struct jackio *j, uint64_t frame)
{
	if (!j->connected)
		return -ENOTCONN;
	if (frame > UINT32_MAX) /* jack_nframes_t: 24 hours at 48 kHz */
		return -ERANGE;
	return jack_transport_locate(j->client, (jack_nframes_t)frame) ? -EIO : 0;
}

bool
jackio_transport_query(struct jackio *j, uint64_t *frame)
{
	jack_position_t pos;
	bool rolling;

	*frame = 0;
	if (!j->connected)
		return false;
	/* any thread may ask: JACK reads a lock-free copy of the position */
	rolling = jack_transport_query(j->client, &pos) == JackTransportRolling;
	*frame = pos.frame;
	return rolling;
}

bool
jackio_transport_now(struct jackio *j, uint64_t *frame)
{
	return jackio_transport_ago(j, 0, frame);
}

bool
jackio_transport_ago(struct jackio *j, uint64_t ago_ns, uint64_t *frame)
{
	jack_position_t pos;
	jack_time_t at;
	double ahead;
	bool rolling;

	*frame = 0;
	if (!j->connected)
		return false;
	rolling = jack_transport_query(j->client, &pos) == JackTransportRolling;
	*frame = pos.frame;
	/* pos.usecs is when the cycle of pos.frame began, on JACK's clock: a control message that
	 * arrives mid-period belongs that far into it, not at its start; one that arrived before
	 * the cycle began belongs that far before pos.frame (the transport rolled all along, or a
	 * pass would have ended) */
	at = jack_get_time() - ago_ns / 1000;
	if (!rolling || !pos.frame_rate)
		return rolling;
	ahead = ((double)at - (double)pos.usecs) * pos.frame_rate / 1e6;
	if (ahead >= 0.0)
		*frame += (uint64_t)ahead;
	else
		*frame -= (uint64_t)fmin(-ahead, (double)*frame);
	return rolling;
}

void
jackio_free(struct jackio *j)
{
	if (!j)
		return;
	/* a lost client still being closed is left to the process's end: its close may never
	 * return (jackclose.h) */
	if (!j->closing.client)
		client_close(j);
	if (j->have_re)
		regfree(&j->re);
	if (j->efd >= 0)
		close(j->efd);
	if (j->have_lat)
		portlat_free(&j->lat);
	outs_free(&j->out);
	free(j->sub_bufs);
	free(j->in_bufs);
	free(j->in_ports);
	free(j);
}

static int
register_ports(struct jackio *j)
{
	unsigned p = 0;
	char pn[32];

	for (unsigned k = 0; k < engine_n_strips(j->e); k++) {
		if (engine_strip_stereo(j->e, k)) {
			snprintf(pn, sizeof(pn), "in_%u_L", k + 1);
			j->in_ports[p++] = jack_port_register(
			    j->client, pn, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
			snprintf(pn, sizeof(pn), "in_%u_R", k + 1);
		} else {
			snprintf(pn, sizeof(pn), "in_%u", k + 1);
		}
		j->in_ports[p++] =
		    jack_port_register(j->client, pn, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	}
	if (outs_register(&j->out, j->client))
		return -ENOMEM;
	for (unsigned i = 0; i < j->n_in; i++)
		if (!j->in_ports[i])
			return -ENOMEM;
	return 0;
}

/* Control thread, while the client is inactive: every port's latency worked out and set, so
 * that the server has them from the activation on (the latency callback then finds nothing
 * new). */
static void
set_latencies(struct jackio *j)
{
	portlat_compute(&j->lat, &j->out, j->e, j->in_ports, JackCaptureLatency);
	portlat_compute(&j->lat, &j->out, j->e, j->in_ports, JackPlaybackLatency);
	portlat_apply(&j->lat, &j->out, j->in_ports);
}

static void
connect_by_regex(struct jackio *j)
{
	const char **ports;
	const char *hit[2] = { NULL, NULL };
	unsigned n = 0;

	if (!j->have_re)
		return;
	ports = jack_get_ports(j->client, NULL, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
	for (unsigned i = 0; ports && ports[i] && n < 2; i++) {
		if (!strncmp(ports[i], j->name, strlen(j->name)) &&
		    ports[i][strlen(j->name)] == ':')
			continue; /* never into our own inputs */
		if (regexec(&j->re, ports[i], 0, NULL, 0) == 0)
			hit[n++] = ports[i];
	}
	if (n >= 1)
		jack_connect(j->client, jack_port_name(j->out.ch[0].port), hit[0]);
	if (n >= 1)
		jack_connect(j->client, jack_port_name(j->out.ch[1].port), hit[n - 1]);
	if (n == 0)
		fprintf(stderr, "mixd: --connect: no input port matches\n");
	jack_free(ports);
}

int
jackio_open(struct jackio *j)
{
	jack_status_t status;
	int err;

	atomic_store(&j->lost, false);
	j->client = jack_client_open(j->name, JackNoStartServer | JackUseExactName, &status);
	if (!j->client)
		return (status & JackNameNotUnique) ? -EEXIST : -ECONNREFUSED;
	j->rate = jack_get_sample_rate(j->client);
	atomic_store(&j->cur_rate, j->rate);
	if (engine_set_rate(j->e, j->rate) < 0) {
		fprintf(stderr, "mixd: unsupported sample rate %u\n", j->rate);
		err = -EINVAL;
		goto fail;
	}
	/* PipeWire's JACK may never call the buffer-size callback: read it now */
	atomic_store(&j->buffer_size, jack_get_buffer_size(j->client));
	jack_set_process_callback(j->client, on_process, j);
	jack_set_thread_init_callback(j->client, on_thread_init, j);
	jack_on_shutdown(j->client, on_shutdown, j);
	jack_on_info_shutdown(j->client, on_info_shutdown, j);
	jack_set_xrun_callback(j->client, on_xrun, j);
	jack_set_buffer_size_callback(j->client, on_buffer_size, j);
	jack_set_sample_rate_callback(j->client, on_sample_rate, j);
	jack_set_port_registration_callback(j->client, on_port_registration, j);
	jack_set_port_connect_callback(j->client, on_port_connect, j);
	jack_set_graph_order_callback(j->client, on_graph_order, j);
	jack_set_latency_callback(j->client, on_latency, j);
	portlat_forget(&j->lat); /* new ports: each is set anew */
	err = register_ports(j);
	if (err)
		goto fail;
	set_latencies(j);
	j->cpu_prev_ns = 0; /* a new process thread may run the cycles: no last reading */
	if (jack_activate(j->client)) {
		err = -EIO;
		goto fail;
	}
	j->connected = true;
	/* No jack_recompute_total_latencies here: both servers compute latencies at activation,
	 * with ours set just before (e2e_server checks both) */
	if (j->conns)
		connections_attach(j->conns, j->client, clock_ns());
	connect_by_regex(j);
	return 0;

fail:
	jack_client_close(j->client);
	j->client = NULL;
	return err;
}

/* The engine counts glides and meter intervals in samples, so a new rate means new counts. The
 * engine may only be touched while the process callback is stopped: deactivate, re-rate,
 * activate, and reconnect what deactivation disconnected. */
static void
change_rate(struct jackio *j)
{
	unsigned rate = atomic_exchange(&j->new_rate, 0);

	if (j->conns) {
		connections_update(j->conns, clock_ns());
		connections_detach(j->conns); /* deactivation disconnects every port */
	}
	if (jack_deactivate(j->client))
		return;
	if (engine_set_rate(j->e, rate) == 0) {
		j->rate = rate;
		atomic_store(&j->cur_rate, rate);
	} else
		fprintf(stderr, "mixd: unsupported sample rate %u, keeping %u\n", rate, j->rate);
	set_latencies(j);   /* the look-ahead is a count of samples: the master's latency moved */
	j->cpu_prev_ns = 0; /* a new process thread may run the cycles: no last reading */
	if (jack_activate(j->client)) {
		fprintf(stderr, "mixd: cannot reactivate after a rate change\n");
		return;
	}
	if (j->conns)
		connections_attach(j->conns, j->client, clock_ns());
	fprintf(stderr, "mixd: sample rate now %u Hz\n", j->rate);
}

int
jackio_event_fd(const struct jackio *j)
{
	return j->efd;
}

bool
jackio_handle_events(struct jackio *j, uint64_t now_ns)
{
	uint64_t drain;

	if (read(j->efd, &drain, sizeof(drain)) < 0 && errno != EAGAIN)
		perror("mixd: eventfd");
	if (j->connected && atomic_load(&j->lost)) {
		fprintf(stderr, "mixd: JACK server gone; reconnecting\n");
		if (j->conns)
			connections_detach(j->conns); /* what follows is not the user's doing */
		/* closed off this thread, after a grace period (jackclose.h: libjack can deadlock
		 * here); until it is closed no client is opened */
		jackclose_begin(&j->closing, j->client, now_ns);
		j->client = NULL;
		j->connected = false;
		j->backoff_ns = BACKOFF_MIN_NS;
		j->next_try_ns = now_ns + j->backoff_ns;
	}
	if (!j->connected) {
		switch (jackclose_poll(&j->closing, now_ns)) {
		case JACKCLOSE_IDLE:
			break;
		case JACKCLOSE_WEDGED:
			if (!j->wedged)
				fprintf(stderr,
				        "mixd: libjack did not close the lost client in %.0f s "
				        "(jackaudio/jack2#395): no client can be opened in this "
				        "process any more\n",
				        JACKCLOSE_DEADLINE_NS / 1e9);
			j->wedged = true;
			return false;
		case JACKCLOSE_WAITING:
			return false;
		}
		if (now_ns < j->next_try_ns)
			return false;
		if (jackio_open(j) == 0) {
			if (j->ever_connected)
				j->reconnects++;
			j->ever_connected = true;
			j->backoff_ns = BACKOFF_MIN_NS;
			fprintf(stderr, "mixd: connected to JACK as %s (%u Hz, %u frames)\n",
			        jack_get_client_name(j->client), j->rate,
			        atomic_load(&j->buffer_size));
			return true;
		}
		j->next_try_ns = now_ns + j->backoff_ns;
		j->backoff_ns =
		    j->backoff_ns * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : j->backoff_ns * 2;
		return false;
	}
	if (atomic_load(&j->new_rate))
		change_rate(j);
	if (atomic_exchange(&j->graph_changed, false) && j->conns)
		connections_update(j->conns, now_ns);
	/* what the latency callback worked out; jackd carries it downstream only at a recompute */
	if (portlat_apply(&j->lat, &j->out, j->in_ports))
		jack_recompute_total_latencies(j->client);
	return true;
}

bool
jackio_connected(const struct jackio *j)
{
	return j->connected;
}

bool
jackio_wedged(const struct jackio *j)
{
	return j->wedged;
}

unsigned
jackio_rate(const struct jackio *j)
{
	return j->connected ? j->rate : 0;
}

unsigned
jackio_buffer_size(const struct jackio *j)
{
	return j->connected ? atomic_load(&j->buffer_size) : 0;
}

const char *
jackio_client_name(const struct jackio *j)
{
	return j->client ? jack_get_client_name(j->client) : j->name;
}

void
jackio_cycle_window_start(struct jackio *j)
{
	cyclehist_window_start(&j->hist);
	cyclehist_window_start(&j->cpu_hist);
	/* the RT side may store a maximum it read before this: one of this window's callbacks */
	atomic_store_explicit(&j->cpu_window_max_ns, 0, memory_order_relaxed);
}

void
jackio_get_stats(const struct jackio *j, struct jackio_stats *out)
{
	struct cyclehist_reading h;

	cyclehist_read(&j->hist, &h);
	out->window_cycles = h.cycles;
	out->window_p50_ns = h.p50_ns;
	out->window_p99_ns = h.p99_ns;
	out->window_p999_ns = h.p999_ns;
	out->window_max_ns = h.max_ns;
	out->window_cpu_max_ns = atomic_load_explicit(&j->cpu_window_max_ns, memory_order_relaxed);
	cyclehist_read(&j->cpu_hist, &h);
	out->window_cpu_p999_ns = h.p999_ns;
	out->cycles = atomic_load_explicit(&j->cycles, memory_order_relaxed);
	out->xruns = atomic_load_explicit(&j->xruns, memory_order_relaxed);
	out->report_drops = atomic_load_explicit(&j->report_drops, memory_order_relaxed);
	out->oversize_periods = atomic_load_explicit(&j->oversize_periods, memory_order_relaxed);
	out->cycle_max_ns = atomic_load_explicit(&j->cycle_max_ns, memory_order_relaxed);
	out->cmd_backlog = atomic_load_explicit(&j->cmd_backlog, memory_order_relaxed);
	out->reconnects = j->reconnects;
	out->commands = atomic_load_explicit(&j->commands, memory_order_relaxed);
	out->bad_commands = atomic_load_explicit(&j->bad_commands, memory_order_relaxed);
	out->nonfinite_inputs = atomic_load_explicit(&j->nonfinite_in, memory_order_relaxed);
	out->nonfinite_output = atomic_load_explicit(&j->nonfinite_out, memory_order_relaxed);
	out->state_resets = atomic_load_explicit(&j->state_resets, memory_order_relaxed);
	out->tap_frames = atomic_load_explicit(&j->tap_frames, memory_order_relaxed);
	out->tap_drops = atomic_load_explicit(&j->tap_drops, memory_order_relaxed);
}
