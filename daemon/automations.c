/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "automations.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "automation.h"
#include "automation_file.h"
#include "autorec.h"
#include "clock.h"
#include "dispatch.h"
#include "jackio.h"
#include "model.h"
#include "params.h"
#include "scene.h"
#include "statedir.h"

#define SUFFIX      ".auto"
#define MODE_SUFFIX "/automation"
/* Touch mode lets go this long after the last move: OSC has no "released" event. */
#define TOUCH_RELEASE_NS (500ull * 1000000ull)

enum mode { MODE_OFF, MODE_PLAY, MODE_WRITE, MODE_TOUCH };
static const char *const mode_names[] = { "off", "play", "write", "touch" };

/* Moves closer than this are one gesture (a fader ride: surfaces send 20-100 messages a
 * second while it moves) and are joined by straight lines; a move after a longer hold is a step,
 * as it was live. */
#define GESTURE_S 0.05
/* The transport frame now (jackio_transport_now) is JACK's cycle frame plus the time since the
 * cycle began: a cycle that starts late steps it back a little. Only a step back larger than
 * this is a locate that ends a pass. */
#define JUMP_BACK_S 0.01
/* A move is stamped where it reached this host (dispatch_arrival_ns), not where the control
 * thread read it: a tick's work or a loaded machine delays the read by milliseconds. No further
 * back than this: a move stamped before a tick's frame is taken as that frame only within
 * JUMP_BACK_S (pass_seen_at), and one that waited longer was delayed past what a pass can
 * place anyway. */
#define ARRIVAL_BACK_S JUMP_BACK_S

struct automations {
	struct model *m;
	struct dispatch *d;
	struct jackio *j;
	struct automation *a;
	char dir[PATH_MAX]; /* STATE_DIR/automation */
	/* the file playing, kept to rebuild its lanes at a new rate; NULL: none */
	struct automation_file *file;
	unsigned built_rate; /* the rate the player's lanes are at; 0: not built yet */
	bool dirty;          /* a pass changed file: hand it over again */
	unsigned n_params;
	uint8_t *mode;             /* enum mode per parameter; the player knows only play or not */
	struct autorec_pass *pass; /* per parameter */
	struct autorec_budget budget; /* of every pass and the file together */
	unsigned *armed;              /* parameters in write or touch mode, n_armed of them */
	unsigned n_armed;
};

struct automations *
automations_new(struct model *m, struct dispatch *d, struct jackio *j, struct automation *a,
                const char *state_dir)
{
	struct automations *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (snprintf(s->dir, sizeof(s->dir), "%s/automation", state_dir) >= (int)sizeof(s->dir)) {
		free(s);
		return NULL;
	}
	s->m = m;
	s->d = d;
	s->j = j;
	s->a = a;
	s->n_params = params_count(model_params(m));
	s->mode = malloc(s->n_params ? s->n_params : 1);
	s->pass = calloc(s->n_params ? s->n_params : 1, sizeof(*s->pass));
	s->armed = calloc(s->n_params ? s->n_params : 1, sizeof(*s->armed));
	if (!s->mode || !s->pass || !s->armed) {
		automations_free(s);
		return NULL;
	}
	memset(s->mode, MODE_PLAY, s->n_params);
	return s;
}

void
automations_free(struct automations *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->pass && i < s->n_params; i++)
		free(s->pass[i].pts);
	free(s->pass);
	free(s->armed);
	free(s->mode);
	automation_file_free(s->file);
	free(s);
}

/* Builds af's lanes at rate and hands them over. Returns 0, -EBUSY or -ENOMEM (err set). */
static int
hand_over(struct automations *s, const struct automation_file *af, unsigned rate, char *err,
          size_t errlen)
{
	struct automation_set *set;

	automation_collect(s->a);
	set = automation_build(af, model_params(s->m), rate, err, errlen);
	if (!set)
		return -ENOMEM;
	if (automation_swap(s->a, set) < 0) {
		automation_set_free(set);
		snprintf(err, errlen, "automation busy: the audio thread is not taking new lanes");
		return -EBUSY;
	}
	return 0;
}

/* A pass in progress belongs to the lanes it was recorded over: a load or a clear ends it
 * unrecorded. */
static void
discard_passes(struct automations *s)
{
	for (unsigned i = 0; i < s->n_armed; i++) {
		s->pass[s->armed[i]].active = false;
		autorec_clear(&s->pass[s->armed[i]], &s->budget);
	}
	s->dirty = false;
}

/* The frame of a point at rate. */
static uint64_t
point_frame(const struct automation_point *pt, unsigned rate)
{
	return pt->in_frames ? (uint64_t)pt->time : (uint64_t)llround(pt->time * rate);
}

/* The points in the file's lanes: what the recording budget counts besides the passes. */
static void
count_file_points(struct automations *s)
{
	unsigned long n = 0;

	for (unsigned k = 0; s->file && k < s->file->n_lanes; k++)
		n += s->file->lanes[k].n;
	s->budget.file_points = n;
}

/* Records a move of parameter idx into its pass (see autorec.h). A full budget ends the
 * recording of this pass where it is, said once. */
static void
pass_add(struct automations *s, unsigned idx, uint64_t frame, float v, bool linear)
{
	const struct param *par = params_at(model_params(s->m), idx);
	struct autorec_pass *p = &s->pass[idx];
	bool was_full = p->full;
	struct autorec_tol tol = autorec_tol_for(par->d->min, par->d->max, par->d->unit);

	if (autorec_add(p, &s->budget, frame, v, linear, tol) == -ENOSPC && !was_full)
		fprintf(stderr,
		        "mixd: automation: the file holds %u points, the most recording may "
		        "make; %s records no more in this pass\n",
		        AUTOREC_MAX_POINTS, par->address);
}

/* Replaces what parameter idx's lane did over [t0, t1] with the pass's points, and keeps the
 * rest: the old lane's value at t0 stays a point (so what came before is unchanged), and at t1
 * the lane steps back to the old lane's value there. Returns 0 or -ENOMEM (file unchanged). */
static int
merge(struct automations *s, unsigned idx, const struct autorec_pass *p, unsigned rate)
{
	const struct params *ps = model_params(s->m);
	struct automation_lane *l = NULL;
	struct automation_set *old = NULL;
	struct automation_point *np;
	unsigned n = 0, old_n, k;
	uint64_t t0 = p->t0, t1 = p->t_last;
	char err[128];

	if (!s->file && !(s->file = automation_file_new(ps)))
		return -ENOMEM;
	for (k = 0; k < s->file->n_lanes; k++)
		if (s->file->lanes[k].idx == idx)
			l = &s->file->lanes[k];
	old_n = l ? l->n : 0;
	if (old_n && !(old = automation_build(s->file, ps, rate, err, sizeof(err))))
		return -ENOMEM;
	np = malloc((old_n + p->n + 2) * sizeof(*np));
	if (!np) {
		automation_set_free(old);
		return -ENOMEM;
	}
	for (k = 0; k < old_n; k++)
		if (point_frame(&l->pts[k], rate) < t0)
			np[n++] = l->pts[k];
	if (old_n) {
		float v0 = 0.0f, v1 = 0.0f;
		bool lin0 = false;

		/* the segment that crossed t0 keeps its shape up to t0 */
		for (k = 0; k < old_n; k++)
			if (point_frame(&l->pts[k], rate) >= t0) {
				lin0 = l->pts[k].linear;
				break;
			}
		automation_set_value(old, idx, t0, &v0);
		automation_set_value(old, idx, t1, &v1);
		np[n++] = (struct automation_point){
			.time = (double)t0, .in_frames = true, .linear = lin0, .value = v0
		};
		memcpy(np + n, p->pts, p->n * sizeof(*np));
		n += p->n;
		np[n++] = (struct automation_point){
			.time = (double)t1, .in_frames = true, .linear = false, .value = v1
		};
	} else {
		memcpy(np + n, p->pts, p->n * sizeof(*np));
		n += p->n;
	}
	for (k = 0; k < old_n; k++)
		if (point_frame(&l->pts[k], rate) > t1)
			np[n++] = l->pts[k];
	/* the order above is the order meant: number the lines so (time, line) keeps it */
	for (k = 0; k < n; k++)
		np[k].line = k + 1;
	if (!l) {
		l = &s->file->lanes[s->file->n_lanes++];
		l->idx = idx;
	}
	free(l->pts);
	l->pts = np;
	l->n = n;
	automation_set_free(old);
	return 0;
}

/* Ends parameter idx's pass: a last point holds its value to the end, and the pass goes into
 * the file. */
static void
end_pass(struct automations *s, unsigned idx, unsigned rate)
{
	struct autorec_pass *p = &s->pass[idx];
	const struct param *par = params_at(model_params(s->m), idx);

	p->active = false;
	if (!p->n)
		return;
	if (p->t_last > (uint64_t)p->pts[p->n - 1].time)
		pass_add(s, idx, p->t_last, p->last, par->d->type == PARAM_FLOAT);
	if (merge(s, idx, p, rate) == 0)
		s->dirty = true;
	else
		fprintf(stderr, "mixd: automation: out of memory, a pass of %s is lost\n",
		        par->address);
	autorec_clear(p, &s->budget);
	count_file_points(s);
}

/* Parameter idx is seen at transport frame *frame while it records: a jump back (a locate
 * while rolling) ends the pass; a smaller step back is taken as no time at all, so a pass's
 * points never go back. A tick (move false) is held at the pass's extent: JACK's clock against
 * the cycle's start can step it back a little. A move is kept where it arrived, which may be
 * before a tick that ran while its datagram waited to be read, but never before the pass's last
 * point. */
static void
pass_seen_at(struct automations *s, unsigned idx, uint64_t *frame, unsigned rate, bool move)
{
	struct autorec_pass *p = &s->pass[idx];

	if (!p->active || *frame >= p->t_last)
		return;
	if (p->t_last - *frame > (uint64_t)(JUMP_BACK_S * rate))
		end_pass(s, idx, rate);
	else if (!move)
		*frame = p->t_last;
	else if (p->n && *frame < (uint64_t)p->pts[p->n - 1].time)
		*frame = (uint64_t)p->pts[p->n - 1].time;
}

/* Starts parameter idx's pass at frame with value v (a step there: the lane before it stays). */
static void
pass_start(struct automations *s, unsigned idx, uint64_t frame, float v)
{
	struct autorec_pass *p = &s->pass[idx];

	p->active = true;
	p->t0 = p->t_last = p->t_move = frame;
	p->last = v;
	pass_add(s, idx, frame, v, false);
}

/* One tick of parameter idx in write or touch mode: starts a pass when recording begins (write:
 * rolling; touch: rolling and moved within TOUCH_RELEASE_NS), holds its value up to now, and
 * ends it on a stop, a release or a jump back. The moves themselves are recorded as they
 * arrive (automations_moved). */
static void
tick_pass(struct automations *s, unsigned idx, bool rolling, uint64_t frame, uint64_t now,
          unsigned rate)
{
	struct autorec_pass *p = &s->pass[idx];
	bool touch = s->mode[idx] == MODE_TOUCH, rec;

	if (touch && p->touched_ns && now - p->touched_ns >= TOUCH_RELEASE_NS) {
		p->touched_ns = 0;
		automation_set_mode(s->a, idx, true); /* released: the lane plays again */
	}
	rec = rolling && (!touch || p->touched_ns);
	if (p->active && !rec)
		end_pass(s, idx, rate);
	if (!rec)
		return;
	pass_seen_at(s, idx, &frame, rate, false);
	if (!p->active)
		pass_start(s, idx, frame, model_get(s->m, idx));
	else
		p->t_last = frame;
}

int
automations_load(struct automations *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 80], label[SCENE_NAME_MAX + 16];
	struct automation_file *af;
	unsigned rate = jackio_rate(s->j);
	int ret;

	if (!scene_name_ok(name)) {
		snprintf(err, errlen, "bad automation name (1-64 of A-Z a-z 0-9 . _ -)");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s" SUFFIX, s->dir, name);
	/* messages name the automation, not where the state directory is: they go over the
	 * network */
	snprintf(label, sizeof(label), "automation %s", name);
	af = automation_file_load(model_params(s->m), path, label, &ret, err, errlen);
	if (!af) {
		if (ret == -ENOENT)
			snprintf(err, errlen, "no automation named %s", name);
		return ret;
	}
	if (rate) {
		ret = hand_over(s, af, rate, err, errlen);
		if (ret) {
			automation_file_free(af);
			return ret;
		}
	}
	discard_passes(s);
	automation_file_free(s->file);
	s->file = af;
	count_file_points(s);
	s->built_rate = rate; /* 0: automations_tick builds it once JACK is there */
	return 0;
}

void
automations_tick(struct automations *s)
{
	unsigned rate = jackio_rate(s->j);
	char err[256];

	automation_collect(s->a);
	if (s->n_armed && rate) {
		uint64_t frame, now = clock_ns();
		bool rolling = jackio_transport_now(s->j, &frame);

		for (unsigned i = 0; i < s->n_armed; i++)
			tick_pass(s, s->armed[i], rolling, frame, now, rate);
	}
	if (!s->file || !rate || (rate == s->built_rate && !s->dirty))
		return;
	if (hand_over(s, s->file, rate, err, sizeof(err)) == 0) {
		s->built_rate = rate;
		s->dirty = false;
	}
	/* else busy or out of memory: tried again next tick */
}

int
automations_save(struct automations *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 80];
	struct automation_file *empty = NULL;
	int ret;

	if (!scene_name_ok(name)) {
		snprintf(err, errlen, "bad automation name (1-64 of A-Z a-z 0-9 . _ -)");
		return -EINVAL;
	}
	ret = statedir_prepare_sub(s->dir, err, errlen);
	if (ret) {
		/* the log gets the path; the reply goes over the network and does not */
		fprintf(stderr, "mixd: %s\n", err);
		snprintf(err, errlen, "the automation directory is unusable (see mixd's log)");
		return ret;
	}
	if (!s->file && !(empty = automation_file_new(model_params(s->m)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/%s" SUFFIX, s->dir, name);
	ret =
	    automation_file_write(s->file ? s->file : empty, model_params(s->m), path, err, errlen);
	automation_file_free(empty);
	if (ret) /* the reply goes over the network: not the state directory's path */
		snprintf(err, errlen, "cannot write automation %s: %s", name, strerror(-ret));
	return ret;
}

static int
clear(struct automations *s, char *err, size_t errlen)
{
	automation_collect(s->a);
	if (automation_swap(s->a, NULL) < 0) {
		snprintf(err, errlen, "automation busy: the audio thread is not taking new lanes");
		return -EBUSY;
	}
	discard_passes(s);
	automation_file_free(s->file);
	s->file = NULL;
	count_file_points(s);
	s->built_rate = 0;
	return 0;
}

static void
reply_empty(struct automations *s, const struct osc_peer *from, const char *path)
{
	dispatch_reply(s->d, from, path, lo_message_new());
}

static void
reply_mode(struct automations *s, const struct osc_peer *from, const char *path, unsigned idx)
{
	lo_message m = lo_message_new();

	if (m)
		lo_message_add_string(m, mode_names[s->mode[idx]]);
	dispatch_reply(s->d, from, path, m);
}

/* Parameter idx to mode: the player plays the lane in play, and in touch until a move; a pass
 * in progress ends with write or touch. */
static void
set_mode(struct automations *s, unsigned idx, enum mode mode)
{
	bool was_armed = s->mode[idx] >= MODE_WRITE, armed = mode >= MODE_WRITE;

	if (was_armed && s->mode[idx] != mode) {
		/* the server may have gone since the pass: its frames are at the last rate */
		unsigned rate = jackio_rate(s->j) ? jackio_rate(s->j) : s->built_rate;

		if (s->pass[idx].active)
			end_pass(s, idx, rate ? rate : 48000);
		s->pass[idx].touched_ns = 0;
	}
	if (was_armed && !armed) {
		for (unsigned i = 0; i < s->n_armed; i++)
			if (s->armed[i] == idx)
				s->armed[i] = s->armed[--s->n_armed];
	} else if (!was_armed && armed) {
		s->armed[s->n_armed++] = idx;
	}
	s->mode[idx] = (uint8_t)mode;
	automation_set_mode(s->a, idx, mode == MODE_PLAY || mode == MODE_TOUCH);
}

/* ADDRESS/automation [s:off|play]. Returns false when path is not one. */
static bool
mode_message(struct automations *s, const struct osc_peer *from, const char *path,
             const char *types, lo_arg **argv, int argc)
{
	size_t n = strlen(path), k = strlen(MODE_SUFFIX);
	char addr[PARAM_ADDRESS_MAX];
	const struct param *p;
	const char *mode;
	int idx;

	if (n <= k || n - k >= sizeof(addr) || strcmp(path + n - k, MODE_SUFFIX))
		return false;
	memcpy(addr, path, n - k);
	addr[n - k] = '\0';
	idx = params_find(model_params(s->m), addr);
	if (idx < 0)
		return false;
	p = params_at(model_params(s->m), (unsigned)idx);
	if (p->d->type == PARAM_STRING || p->d->engine < 0) {
		dispatch_reply_error(s->d, from, path, "this parameter cannot be automated");
		return true;
	}
	if (argc == 0) {
		reply_mode(s, from, path, (unsigned)idx);
		return true;
	}
	mode = argc == 1 && osc_arg_is_string(types[0]) ? (const char *)argv[0] : NULL;
	for (unsigned i = 0; mode && i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(mode, mode_names[i])) {
			set_mode(s, (unsigned)idx, (enum mode)i);
			reply_mode(s, from, path, (unsigned)idx);
			return true;
		}
	}
	dispatch_reply_error(s->d, from, path, "expected off, play, write or touch");
	return true;
}

/* /automation/locate f:seconds */
static void
locate(struct automations *s, const struct osc_peer *from, const char *path, const char *types,
       lo_arg **argv, int argc)
{
	unsigned rate = jackio_rate(s->j);
	double sec;
	lo_message m;
	int ret;

	if (argc != 1 || !osc_arg_number(types[0], argv[0], &sec) || !isfinite(sec) || sec < 0.0) {
		dispatch_reply_error(s->d, from, path, "expected a time in seconds, >= 0");
		return;
	}
	if (!rate) {
		dispatch_reply_error(s->d, from, path, "no JACK server");
		return;
	}
	ret = sec * rate > (double)UINT64_MAX / 2
	          ? -ERANGE
	          : jackio_transport_locate(s->j, (uint64_t)llround(sec * rate));
	if (ret) {
		dispatch_reply_error(s->d, from, path,
		                     ret == -ERANGE ? "time past the end of JACK's transport"
		                                    : "JACK refused the locate");
		return;
	}
	m = lo_message_new();
	if (m)
		lo_message_add_float(m, (float)sec);
	dispatch_reply(s->d, from, path, m);
}

bool
automations_message(void *ctx, const struct osc_peer *from, const char *path, const char *types,
                    lo_arg **argv, int argc)
{
	struct automations *s = ctx;
	char err[512];
	int ret;

	if (strncmp(path, "/automation/", 12))
		return mode_message(s, from, path, types, argv, argc);
	if (!strcmp(path, "/automation/load") || !strcmp(path, "/automation/save")) {
		if (argc != 1 || !osc_arg_is_string(types[0])) {
			dispatch_reply_error(s->d, from, path, "expected an automation name");
			return true;
		}
		ret = path[12] == 'l'
		          ? automations_load(s, (const char *)argv[0], err, sizeof(err))
		          : automations_save(s, (const char *)argv[0], err, sizeof(err));
		if (ret) {
			dispatch_reply_error(s->d, from, path, err);
		} else {
			lo_message m = lo_message_new();
			if (m)
				lo_message_add_string(m, (const char *)argv[0]);
			dispatch_reply(s->d, from, path, m);
		}
		return true;
	}
	if (!strcmp(path, "/automation/locate")) {
		locate(s, from, path, types, argv, argc);
		return true;
	}
	if (strcmp(path, "/automation/clear") && strcmp(path, "/automation/play") &&
	    strcmp(path, "/automation/stop"))
		return false;
	if (argc) {
		dispatch_reply_error(s->d, from, path, "expected no argument");
		return true;
	}
	if (!strcmp(path, "/automation/clear"))
		ret = clear(s, err, sizeof(err));
	else if (!strcmp(path, "/automation/play"))
		ret = jackio_transport_start(s->j);
	else
		ret = jackio_transport_stop(s->j);
	if (ret == -ENOTCONN)
		snprintf(err, sizeof(err), "no JACK server");
	if (ret)
		dispatch_reply_error(s->d, from, path, err);
	else
		reply_empty(s, from, path);
	return true;
}

/* How long ago the message being dispatched reached this host, at most ARRIVAL_BACK_S; 0 for a
 * move that did not come in a datagram. */
static uint64_t
arrival_age_ns(const struct automations *s)
{
	uint64_t at = dispatch_arrival_ns(s->d), now = clock_ns();

	if (!at || at >= now)
		return 0;
	return now - at < (uint64_t)(ARRIVAL_BACK_S * 1e9) ? now - at
	                                                   : (uint64_t)(ARRIVAL_BACK_S * 1e9);
}

void
automations_moved(void *ctx, unsigned idx, float v)
{
	struct automations *s = ctx;
	unsigned rate;
	uint64_t frame;
	struct autorec_pass *p;

	if (idx >= s->n_params || s->mode[idx] < MODE_WRITE)
		return;
	p = &s->pass[idx];
	if (s->mode[idx] == MODE_TOUCH) {
		p->touched_ns = clock_ns();
		/* the lane lets go now, before this very set reaches the engine (the mode's store
		 * precedes the command's push into the ring, whose release publishes both) */
		automation_set_mode(s->a, idx, false);
	}
	rate = jackio_rate(s->j);
	if (!rate || !jackio_transport_ago(s->j, arrival_age_ns(s), &frame))
		return; /* stopped: a touch lets go, nothing is recorded */
	pass_seen_at(s, idx, &frame, rate, true);
	if (!p->active) {
		pass_start(s, idx, frame, v);
		return;
	}
	if (v != p->last) {
		/* within a gesture, a straight line from the last move; after a hold, a step */
		bool lin = params_at(model_params(s->m), idx)->d->type == PARAM_FLOAT &&
		           frame - p->t_move <= (uint64_t)(GESTURE_S * rate);

		pass_add(s, idx, frame, v, lin);
		p->t_move = frame;
		p->last = v;
	}
	if (frame > p->t_last)
		p->t_last = frame;
}

uint64_t
automations_refused(const struct automations *s)
{
	return s->budget.refused;
}
