/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixd: the control thread. Owns the model, the OSC port, the state file and the JACK client's
 * life; the JACK process thread owns the engine (jackio.c). One poll loop: the OSC socket, a
 * signalfd (SIGINT/SIGTERM), a 10 ms timerfd, and JACK's event fd.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "advertise.h"
#include "automation.h"
#include "automations.h"
#include "clock.h"
#include "config.h"
#include "conn_osc.h"
#include "connections.h"
#include "dispatch.h"
#include "feedback.h"
#include "engine.h"
#include "gain.h"
#include "jackio.h"
#include "listing.h"
#include "loudness.h"
#include "memlock.h"
#include "meters.h"
#include "model.h"
#include "nsm.h"
#include "options.h"
#include "params.h"
#include "personality_host.h"
#include "ring.h"
#include "scene.h"
#include "scenes.h"
#include "statedir.h"
#include "server.h"
#include "subs.h"
#include "webport.h"

#define TICK_NS         (10ull * 1000000ull)
#define SAVE_AFTER_NS   (1000ull * 1000000ull)
#define CMD_RING_SIZE   4096
#define REP_RING_SIZE   4096
#define RECV_PER_WAKEUP 512
/* Master frames the loudness ring holds: 2 s at 96 kHz (rounded up to 262144: 5.5 s at 48 kHz),
 * against a reader that drains it every LOUDNESS_WAKE_MS. */
#define LOUDNESS_RING_FRAMES (2 * 96000)

struct app {
	struct options opt;
	struct params *ps;
	struct model *m;
	struct engine *e;
	struct ring *cmd, *rep;
	struct jackio *j;
	struct loudness *loud;
	unsigned loud_rate; /* the rate last given to the loudness meter */
	int target_idx;     /* /master/loudness/target in the model */
	struct osc_server *srv;
	struct dispatch *d;
	struct subs *subs;
	struct dispatch_hooks hooks;  /* what the personalities were given: it outlives them */
	struct personality_host pers; /* every personality of osc/personalities.c */
	char bind_host[64];           /* the host of --osc-listen, for a personality's own port */
	struct scenes *scenes;
	/* the lanes the JACK callback plays; their files, the transport, /automation/... */
	struct automation *autom;
	struct automations *autos;
	struct nsm *nsm;           /* NULL unless a session manager launched us */
	struct web *web;           /* the HTTP + WebSocket port; NULL when off */
	struct connections *conns; /* the remembered JACK connections */
	struct conn_osc conn_osc;
	struct advertise *adv; /* --advertise: the DNS-SD announcement, or NULL */
	/* meters reported since the last tick, and what the /meter/... gets have not read yet */
	struct meter_frame fresh, meters;
	unsigned *changed; /* a tick's changed parameters, one slot per parameter */
	char state_path[PATH_MAX + 32];
	struct scene_carry *carry; /* state lines for addresses this console does not have */
	uint64_t saved_generation, last_save_ns;
	uint64_t state_errors;
	bool save_failed; /* the last save did not reach the disk */
	bool afresh;      /* libjack is wedged (jackio_wedged): execute mixd again once saved */
	enum memlock_result memlock;
};

/* dB as sent over OSC: -inf (nothing measured) and anything below reads GAIN_OFF_DB, -144. */
static float
db_floor(double db)
{
	return db < GAIN_OFF_DB ? GAIN_OFF_DB : (float)db;
}

/* The parameters of the console the options describe. NULL when out of memory. */
static struct params *
params_for(const struct options *o)
{
	const struct params_layout l = {
		.n_strips = o->strips,
		.n_aux = o->aux,
		.aux_stereo = o->aux_stereo,
		.n_dca = o->dca,
	};

	return params_new_layout(&l);
}

/* ---- dispatch hooks ---- */

static void
hook_info(void *ctx, struct dispatch_info *out)
{
	struct app *a = ctx;

	out->name = jackio_client_name(a->j);
	out->version = MIXD_VERSION;
	out->strips = a->opt.strips;
	out->rate = jackio_rate(a->j);
	out->buffer = jackio_buffer_size(a->j);
	out->latency = engine_latency(a->e);
}

static unsigned
hook_stats(void *ctx, struct dispatch_stat *out, unsigned max)
{
	struct app *a = ctx;
	struct jackio_stats js;
	struct loudness_reading lr;
	struct subs_stats ss;
	struct connections_stats cs;
	unsigned n = 0;

	loudness_read(a->loud, &lr);
	jackio_get_stats(a->j, &js);
	subs_get_stats(a->subs, &ss);
	connections_get_stats(a->conns, &cs);
#define STAT(nm, v)                                                             \
	do {                                                                    \
		if (n < max)                                                    \
			out[n++] = (struct dispatch_stat){ nm, (uint64_t)(v) }; \
	} while (0)
	STAT("commands_applied", js.commands);
	STAT("commands_ignored", js.bad_commands);
	STAT("command_backlog_cycles", js.cmd_backlog);
	STAT("nonfinite_inputs", js.nonfinite_inputs);
	STAT("nonfinite_output", js.nonfinite_output);
	STAT("state_resets", js.state_resets);
	STAT("meter_drops", js.report_drops);
	STAT("oversize_periods", js.oversize_periods);
	STAT("cycles", js.cycles);
	STAT("xruns", js.xruns);
	STAT("cycle_max_ns", js.cycle_max_ns);
	STAT("window_cycles", js.window_cycles);
	STAT("window_p50_ns", js.window_p50_ns);
	STAT("window_p99_ns", js.window_p99_ns);
	STAT("window_p999_ns", js.window_p999_ns);
	STAT("window_max_ns", js.window_max_ns);
	STAT("window_cpu_max_ns", js.window_cpu_max_ns);
	STAT("window_cpu_p999_ns", js.window_cpu_p999_ns);
	STAT("reconnects", js.reconnects);
	STAT("state_errors", a->state_errors);
	STAT("memory_locked", a->memlock);
	STAT("automation_refused", automations_refused(a->autos));
	STAT("connections_made", cs.made);
	STAT("connections_forgotten", cs.forgotten);
	STAT("connections_refused", cs.refused);
	STAT("connections_save_errors", cs.save_errors);
	STAT("loudness_frames", js.tap_frames);
	STAT("loudness_measured", lr.measured);
	STAT("loudness_drops", js.tap_drops);
	STAT("subscribers", ss.active);
	STAT("subs_started", ss.started);
	STAT("subs_renewed", ss.renewed);
	STAT("subs_expired", ss.expired);
	STAT("subs_ended", ss.ended);
	STAT("subs_refused", ss.refused);
	STAT("subs_evicted", ss.evicted);
	STAT("feedback_datagrams", ss.datagrams);
	STAT("feedback_messages", ss.messages);
	STAT("feedback_bytes", ss.bytes);
	STAT("feedback_send_errors", ss.send_errors);
#undef STAT
	n += personality_host_stats(&a->pers, out + n, max - n);
	if (a->web)
		n += web_stats(a->web, out + n, max - n);
	return n;
}

static void
hook_meter_strip(void *ctx, unsigned k, float out[METER_STRIP_N])
{
	struct app *a = ctx;

	meter_vector_strip(&a->meters, k, out);
	a->meters.peak[k] = a->meters.gr[k] = 0.0f;
}

static void
hook_meter_master(void *ctx, float out[METER_MASTER_N])
{
	struct app *a = ctx;
	float *p = a->meters.master_peak;

	meter_vector_master(&a->meters, out);
	p[0] = p[1] = 0.0f;
	a->meters.master_tp = a->meters.master_gr = a->meters.master_comp_gr = 0.0f;
}

static void
hook_meter_multiband(void *ctx, float out[METER_MULTIBAND_N])
{
	struct app *a = ctx;

	meter_vector_multiband(&a->meters, out);
	for (int b = 0; b < METER_MULTIBAND_N; b++)
		a->meters.master_mb_gr[b] = 0.0f;
}

static void
hook_meter_bus(void *ctx, unsigned k, float out[METER_BUS_N])
{
	struct app *a = ctx;

	meter_vector_bus(&a->meters, k, out);
	a->meters.bus_peak[k][0] = a->meters.bus_peak[k][1] = 0.0f;
}

static void
hook_meter_aux(void *ctx, unsigned k, float out[METER_AUX_N])
{
	struct app *a = ctx;

	meter_vector_aux(&a->meters, k, out);
	a->meters.aux_peak[k][0] = a->meters.aux_peak[k][1] = 0.0f;
}

static void
hook_meter_monitor(void *ctx, float out[METER_MONITOR_N])
{
	struct app *a = ctx;

	meter_vector_monitor(&a->meters, out);
	a->meters.monitor_peak[0] = a->meters.monitor_peak[1] = 0.0f;
}

static void
hook_loudness(void *ctx, float out[DISPATCH_LOUDNESS_N])
{
	struct app *a = ctx;
	struct loudness_reading r;
	float target = model_get(a->m, (unsigned)a->target_idx);

	loudness_read(a->loud, &r);
	out[0] = db_floor(r.momentary);
	out[1] = db_floor(r.short_term);
	out[2] = db_floor(r.integrated);
	out[3] = (float)r.range;
	out[4] = db_floor(r.true_peak);
	out[5] = target;
	/* -inf - target stays -inf: no programme yet reads -144 here too */
	out[6] = db_floor(r.integrated - target);
}

static void
hook_stats_window(void *ctx)
{
	struct app *a = ctx;

	jackio_cycle_window_start(a->j);
}

static void
hook_loudness_reset(void *ctx)
{
	struct app *a = ctx;

	loudness_reset(a->loud);
}

/* ---- control-thread work per wake-up ---- */

/* Collects what the RT thread reported since the last tick into a->fresh. */
static void
drain_reports(struct app *a)
{
	struct meter_frame *f = &a->fresh;
	struct jackio_report r;

	while (ring_pop(a->rep, &r)) {
		if (r.kind == JACKIO_REPORT_STRIP && r.index < a->opt.strips) {
			f->peak[r.index] = fmaxf(f->peak[r.index], r.a);
			f->rms[r.index] = r.b; /* the latest interval's */
			f->gr[r.index] = fmaxf(f->gr[r.index], r.c);
		} else if (r.kind == JACKIO_REPORT_MASTER_DYN) {
			f->master_tp = fmaxf(f->master_tp, r.a);
			loudness_feed_true_peak(a->loud, r.a);
			f->master_gr = fmaxf(f->master_gr, r.b);
			f->master_comp_gr = fmaxf(f->master_comp_gr, r.c);
		} else if (r.kind == JACKIO_REPORT_MASTER_MB) {
			f->master_mb_gr[0] = fmaxf(f->master_mb_gr[0], r.a);
			f->master_mb_gr[1] = fmaxf(f->master_mb_gr[1], r.b);
			f->master_mb_gr[2] = fmaxf(f->master_mb_gr[2], r.c);
		} else if (r.kind == JACKIO_REPORT_BUS && r.index < ENGINE_N_BUSES) {
			f->bus_peak[r.index][0] = fmaxf(f->bus_peak[r.index][0], r.a);
			f->bus_peak[r.index][1] = fmaxf(f->bus_peak[r.index][1], r.b);
		} else if (r.kind == JACKIO_REPORT_AUX && r.index < ENGINE_MAX_AUX) {
			f->aux_peak[r.index][0] = fmaxf(f->aux_peak[r.index][0], r.a);
			f->aux_peak[r.index][1] = fmaxf(f->aux_peak[r.index][1], r.b);
			f->aux_rms[r.index][0] = r.c;
			f->aux_rms[r.index][1] = r.d;
		} else if (r.kind == JACKIO_REPORT_MONITOR) {
			f->monitor_peak[0] = fmaxf(f->monitor_peak[0], r.a);
			f->monitor_peak[1] = fmaxf(f->monitor_peak[1], r.b);
			f->monitor_rms[0] = r.c;
			f->monitor_rms[1] = r.d;
		} else if (r.kind == JACKIO_REPORT_MASTER) {
			f->master_peak[0] = fmaxf(f->master_peak[0], r.a);
			f->master_peak[1] = fmaxf(f->master_peak[1], r.b);
			f->master_rms[0] = r.c;
			f->master_rms[1] = r.d;
		} else if (r.kind == JACKIO_REPORT_AUTOMATION &&
		           automation_mode(a->autom, r.index)) {
			/* the engine already has it: to the model and surfaces, not back. A lane
			 * turned off may still have a report on the way, older than a move made
			 * since: only playing lanes speak for their parameter */
			model_set_from_rt(a->m, r.index, r.a);
		}
	}
}

/* Hands this tick's changes and meters to everything that sends feedback. */
static void
feedback(struct app *a, uint64_t t)
{
	struct feedback_frame f = { .now_ns = t, .changed = a->changed, .fresh = &a->fresh };
	unsigned idx;

	while (f.n_changed < params_count(a->ps) && model_pop_change(a->m, &idx))
		a->changed[f.n_changed++] = idx;
	hook_loudness(a, f.loudness);
	subs_tick(a->subs, &f);
	personality_host_tick(&a->pers, &f);
	if (a->web)
		web_tick(a->web, &f);
}

static void
save_state(struct app *a, uint64_t t)
{
	char err[512];

	if (scene_write_carry(a->m, a->state_path, a->carry, err, sizeof(err)) < 0) {
		a->state_errors++;
		a->save_failed = true;
		fprintf(stderr, "mixd: saving state: %s\n", err);
	} else {
		a->save_failed = false;
		a->saved_generation = model_generation(a->m);
	}
	a->last_save_ns = t;
}

static void
tick(struct app *a, uint64_t t)
{
	unsigned rate;

	drain_reports(a);
	meters_fold(&a->meters, &a->fresh);
	feedback(a, t);
	meters_clear(&a->fresh);
	jackio_handle_events(a->j, t);
	dispatch_tick(a->d, t);
	connections_tick(a->conns, t);
	automations_tick(a->autos);
	/* a new server rate (a rate change, a reconnection elsewhere) re-creates the meter */
	rate = jackio_rate(a->j);
	if (rate && rate != a->loud_rate) {
		loudness_set_rate(a->loud, rate);
		a->loud_rate = rate;
	}
	model_flush(a->m);
	/* at most one write a second, and never more than ~1 s behind the console */
	if (model_generation(a->m) != a->saved_generation && t - a->last_save_ns >= SAVE_AFTER_NS)
		save_state(a, t);
	nsm_tick(a->nsm, model_generation(a->m) != a->saved_generation);
}

/* /nsm/client/save: the state file now, not within the second. */
static int
hook_nsm_save(void *ctx, char *err, size_t errlen)
{
	struct app *a = ctx;

	save_state(a, clock_ns());
	connections_save(a->conns, clock_ns());
	if (model_generation(a->m) != a->saved_generation) {
		snprintf(err, errlen, "cannot write %s (see mixd's log)", a->state_path);
		return -EIO;
	}
	return 0;
}

/* Loads the state file into the model. Returns 0 (loaded, none yet, or a bad one moved aside
 * and the console at its defaults) or -1 with the reason in err: mixd then exits 1 rather than
 * run with a state it could never save, or overwrite a state it could not read. */
static int
load_state(struct app *a, char *err, size_t errlen)
{
	char why[384], bad[sizeof(a->state_path) + 16];
	int ret;

	if (statedir_prepare(a->opt.state_dir, err, errlen) < 0)
		return -1;
	snprintf(a->state_path, sizeof(a->state_path), "%s/state.scene", a->opt.state_dir);
	a->carry = scene_carry_new();
	if (!a->carry) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* a state saved with more strips than we have now still loads, and its extra lines are
	 * carried into every save: one start with fewer strips must not erase the others */
	ret =
	    scene_read_carry(a->m, a->state_path, SCENE_IGNORE_UNKNOWN, a->carry, why, sizeof(why));
	if (ret == -ENOENT)
		return 0;
	if (ret == -EINVAL || ret == -EFBIG) {
		/* the file is there and wrong: kept for inspection, never replaced by a later one
		 */
		int kr = statedir_keep_bad(a->state_path, bad, sizeof(bad));
		if (kr < 0) {
			snprintf(err, errlen,
			         "state not loaded (%.200s) and it cannot be moved aside (%s); "
			         "not starting, so it is not overwritten",
			         why, strerror(-kr));
			return -1;
		}
		fprintf(stderr, "mixd: state not loaded (%s); kept as %s, starting from defaults\n",
		        why, bad);
		return 0;
	}
	if (ret < 0) {
		/* unreadable (permissions, I/O, not a regular file): perhaps a good state, so it is
		 * left as it is and nothing runs that would save over it */
		snprintf(err, errlen,
		         "cannot read the state: %.300s; not starting, so it is not "
		         "overwritten",
		         why);
		return -1;
	}
	a->saved_generation = model_generation(a->m);
	fprintf(stderr, "mixd: state loaded from %s", a->state_path);
	if (scene_carry_lines(a->carry))
		fprintf(stderr, " (%u lines for addresses this console does not have: kept)",
		        scene_carry_lines(a->carry));
	fputc('\n', stderr);
	return 0;
}

static int
setup(struct app *a, char *err, size_t errlen)
{
	struct dispatch_hooks hooks = {
		.ctx = a,
		.info = hook_info,
		.stats = hook_stats,
		.meter_strip = hook_meter_strip,
		.meter_master = hook_meter_master,
		.meter_multiband = hook_meter_multiband,
		.meter_bus = hook_meter_bus,
		.meter_aux = hook_meter_aux,
		.meter_monitor = hook_meter_monitor,
		.loudness = hook_loudness,
		.loudness_reset = hook_loudness_reset,
		.stats_window = hook_stats_window,
	};
	const struct engine_layout el = {
		.n_strips = a->opt.strips,
		.stereo = a->opt.stereo,
		.n_aux = a->opt.aux,
		.aux_stereo = a->opt.aux_stereo,
		.n_dca = a->opt.dca,
		.direct_outs = a->opt.direct_outs,
	};
	struct personality_env penv;
	char lockmsg[160];
	int rc;

	a->ps = params_for(&a->opt);
	a->cmd = ring_new(sizeof(struct model_cmd), CMD_RING_SIZE);
	a->rep = ring_new(sizeof(struct jackio_report), REP_RING_SIZE);
	a->e = engine_new_layout(48000, &el);
	/* its true peak is the limiter's 8x meter of the same output: better than libebur128's
	 * 4x, and already paid for */
	a->loud = loudness_new(48000, LOUDNESS_RING_FRAMES, false);
	if (!a->ps || !a->cmd || !a->rep || !a->e || !a->loud)
		goto oom;
	a->loud_rate = 48000;
	a->target_idx = params_find(a->ps, "/master/loudness/target");
	if (a->target_idx < 0) {
		snprintf(err, errlen, "no /master/loudness/target in the parameter table");
		return -1;
	}
	a->m = model_new(a->ps, a->cmd);
	a->changed = calloc(params_count(a->ps), sizeof(*a->changed));
	if (!a->m || !a->changed)
		goto oom;
	meters_clear(&a->fresh);
	meters_clear(&a->meters);
	if (load_state(a, err, errlen) < 0)
		return -1;
	model_apply_to_engine(a->m, a->e);
	a->d = dispatch_new(a->m, &hooks);
	if (!a->d)
		goto oom;
	a->srv = osc_server_new(a->opt.listen, &a->opt.allow, dispatch_message, a->d, err, errlen);
	if (!a->srv)
		return -1;
	/* burst 0: a fifth of a second's worth */
	osc_server_set_rate_limit(a->srv, a->opt.osc_rate, 0);
	dispatch_attach(a->d, a->srv);
	a->subs = subs_new(a->m, a->srv, a->d);
	a->scenes = scenes_new(a->m, a->d, a->opt.state_dir);
	if (!a->subs || !a->scenes)
		goto oom;
	if (a->opt.scene) {
		/* over the saved state, before the engine sees anything: the console comes up
		 * at the scene, no glide from where it was */
		char why[512];
		if (scenes_load(a->scenes, a->opt.scene, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "--scene %s: %.400s", a->opt.scene, why);
			return -1;
		}
		model_apply_to_engine(a->m, a->e);
	}
	dispatch_add_handler(a->d, subs_message, a->subs);
	dispatch_add_handler(a->d, scenes_message, a->scenes);
	/* the personalities add their handlers after these (an early one, asked before the
	 * parameter table, for addresses a surface of theirs means otherwise) */
	options_listen_host(&a->opt, a->bind_host, sizeof(a->bind_host));
	a->hooks = hooks;
	penv = (struct personality_env){
		.m = a->m,
		.srv = a->srv,
		.d = a->d,
		.hooks = &a->hooks,
		.stereo = a->opt.stereo,
		.n_strips = a->opt.strips,
		.bind_host = a->bind_host,
		.allow = &a->opt.allow,
		.rate_limit = a->opt.osc_rate,
	};
	if (personality_host_start(&a->pers, &penv, a->opt.personality_port, err, errlen) < 0)
		return -1;
	/* every buffer of the audio path exists now; JACK's port buffers come with MCL_FUTURE */
	a->memlock = memlock_all(lockmsg, sizeof(lockmsg));
	fprintf(stderr, "mixd: %s\n", lockmsg);
	a->j = jackio_new(a->opt.name, a->e, a->cmd, a->rep, a->opt.connect, err, errlen);
	if (!a->j)
		return -1;
	jackio_set_tap(a->j, loudness_ring(a->loud));
	a->conns = connections_new(a->opt.state_dir);
	if (!a->conns)
		goto oom;
	rc = connections_load(a->conns, err, errlen);
	if (rc < 0)
		fprintf(stderr, "mixd: connections not loaded (%s)%s\n", err,
		        rc == -EINVAL ? "; kept as connections.bad" : "");
	jackio_set_connections(a->j, a->conns);
	a->conn_osc = (struct conn_osc){ a->conns, a->d };
	dispatch_add_handler(a->d, conn_osc_message, &a->conn_osc);
	a->autom = automation_new(params_count(a->ps));
	if (!a->autom)
		goto oom;
	jackio_set_automation(a->j, a->autom);
	a->autos = automations_new(a->m, a->d, a->j, a->autom, a->opt.state_dir);
	if (!a->autos)
		goto oom;
	dispatch_add_handler(a->d, automations_message, a->autos);
	a->web = webport_start(&a->opt, jackio_client_name(a->j), a->m, a->srv, err, errlen);
	if (!a->web && err[0])
		return -1;
	/* write and touch see every client's move (native, Ardour, a scene) as it arrives */
	model_set_observer(a->m, automations_moved, a->autos);
	if (a->opt.advertise) {
		char why[256];

		a->adv = advertise_start(jackio_client_name(a->j), osc_server_port(a->srv), why,
		                         sizeof(why));
		if (!a->adv) {
			snprintf(err, errlen, "--advertise: %s", why);
			return -1;
		}
		if (!strncmp(a->opt.listen, "127.", 4) || !strncmp(a->opt.listen, "[::1]", 5))
			fprintf(stderr,
			        "mixd: --advertise: OSC listens on %s, which no other host "
			        "can reach (see --osc-listen)\n",
			        a->opt.listen);
	}
	/* a thread takes its creator's name: the loudness thread is started under its own, so
	 * per-thread CPU (tools/cpubench, top -H) tells it apart, and ours is put back */
	prctl(PR_SET_NAME, "mixd-loudness", 0, 0, 0);
	rc = loudness_start(a->loud);
	prctl(PR_SET_NAME, "mixd", 0, 0, 0);
	if (rc < 0) {
		snprintf(err, errlen, "cannot start the loudness thread: %s", strerror(-rc));
		return -1;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void
teardown(struct app *a)
{
	advertise_stop(a->adv);     /* withdrawn first: nobody should find a console going away */
	jackio_free(a->j);          /* stops the RT thread before anything it uses goes away */
	connections_free(a->conns); /* jackio_free detached it */
	loudness_free(a->loud);     /* then the loudness thread, and with it the ring */
	/* the lanes the RT thread held: no thread plays them now */
	if (a->m)
		model_set_observer(a->m, NULL, NULL);
	automations_free(a->autos);
	automation_free(a->autom);
	web_free(a->web); /* its sockets are peers of the subscriptions and the OSC port */
	subs_free(a->subs);
	personality_host_free(&a->pers);
	scenes_free(a->scenes);
	osc_server_free(a->srv);
	dispatch_free(a->d);
	free(a->changed);
	model_free(a->m);
	engine_free(a->e);
	ring_free(a->rep);
	ring_free(a->cmd);
	params_free(a->ps);
	scene_carry_free(a->carry);
}

static int
run(struct app *a)
{
	struct itimerspec its = { { 0, (long)TICK_NS }, { 0, (long)TICK_NS } };
	/* the fixed six, then the personalities' own sockets */
	struct pollfd pfd[6 + PERSONALITY_MAX_FDS];
	unsigned n_pfd;
	sigset_t mask;
	int sfd, tfd;
	bool quit = false;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0) {
		perror("mixd: signalfd/timerfd");
		return 1;
	}
	if (jackio_handle_events(a->j, clock_ns()) == false)
		fprintf(stderr, "mixd: no JACK server yet; retrying\n");
	fprintf(stderr, "mixd: OSC on udp://%s (port %d), %u strips (%s kernel), state in %s\n",
	        a->opt.listen, osc_server_port(a->srv), a->opt.strips, engine_kernel_name(a->e),
	        a->opt.state_dir);
	webport_announce(a->web, &a->opt);

	pfd[0] = (struct pollfd){ .fd = osc_server_fd(a->srv), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = jackio_event_fd(a->j), .events = POLLIN };
	pfd[4] = (struct pollfd){ .fd = nsm_fd(a->nsm), .events = POLLIN }; /* -1: ignored */
	pfd[5] = (struct pollfd){ .fd = a->web ? web_fd(a->web) : -1, .events = POLLIN };
	n_pfd = 6 + personality_host_pollfds(&a->pers, pfd + 6, PERSONALITY_MAX_FDS);
	while (!quit) {
		if (poll(pfd, n_pfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("mixd: poll");
			break;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				quit = true;
		}
		if (pfd[0].revents) {
			osc_server_receive(a->srv, RECV_PER_WAKEUP);
			model_flush(
			    a->m); /* a set reaches the engine at the next cycle, not tick */
		}
		if (pfd[4].revents)
			nsm_receive(a->nsm);
		if (pfd[5].revents) {
			web_service(a->web);
			model_flush(a->m);
		}
		for (unsigned i = 6; i < n_pfd; i++)
			if (pfd[i].revents) {
				personality_host_receive(&a->pers, i - 6);
				model_flush(a->m);
			}
		if (pfd[2].revents || pfd[3].revents) {
			uint64_t exp;
			if (read(tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
				perror("mixd: timerfd");
			tick(a, clock_ns());
			/* no JACK client can be opened in this process again: save, then start
			 * afresh as the same process (main) */
			if (jackio_wedged(a->j))
				quit = a->afresh = true;
		}
	}
	save_state(a, clock_ns());
	connections_save(a->conns, clock_ns());
	close(sfd);
	close(tfd);
	if (a->save_failed) {
		/* say so, and exit 1: a service manager or a script must not take this for a save
		 */
		fprintf(stderr, "mixd: state NOT saved (see above); %s holds the last save\n",
		        a->state_path);
		return 1;
	}
	fprintf(stderr, "mixd: state saved, bye\n");
	return 0;
}

/* Executes mixd again, same pid, same arguments, once its state is saved: what a process whose
 * libjack is wedged (jackio_wedged) can still do. The new image reads the state and the
 * remembered connections back, as after any restart. Every descriptor but the standard three is
 * closed first, so the control port and the web port are free to bind again. Returns only on
 * failure (said on stderr). */
static void
start_afresh(char **argv)
{
	fprintf(stderr, "mixd: starting afresh\n");
	fflush(stderr);
	if (close_range(3, ~0u, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "mixd: cannot execute itself again: %s\n", strerror(errno));
}

int
main(int argc, char **argv)
{
	static struct app app; /* large (meters, options): static, not on the stack */
	char err[512];
	int rc;

	memlock_malloc_policy();
	rc = options_parse(&app.opt, argc, argv, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "mixd: %s\n(see mixd --help)\n", err);
		return 2;
	}
	if (app.opt.list == OPTIONS_LIST_MARKDOWN) {
		listing_markdown(stdout);
		return 0;
	}
	if (app.opt.list == OPTIONS_LIST_TEXT) {
		struct params *ps = params_for(&app.opt);
		if (!ps)
			return 1;
		listing_text(stdout, ps);
		params_free(ps);
		return 0;
	}
	/* under a session manager, its open decides the name, state and port: wait for it */
	rc = nsm_begin(&app.nsm, &app.opt, argv[0], err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "mixd: %s\n", err);
		return rc == -EINVAL ? 2 : 1;
	}
	if (setup(&app, err, sizeof(err)) < 0) {
		fprintf(stderr, "mixd: %s\n", err);
		nsm_opened(app.nsm, false, err, 0, NULL, NULL);
		teardown(&app);
		nsm_free(app.nsm);
		return 1;
	}
	nsm_opened(app.nsm, true, NULL, osc_server_port(app.srv), hook_nsm_save, &app);
	rc = run(&app);
	teardown(&app);
	nsm_free(app.nsm);
	if (app.afresh && rc == 0)
		start_afresh(argv);
	return rc;
}
