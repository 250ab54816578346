/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mixctl_watch: see mixctl_watch.h. */
#include "mixctl_watch.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clock.h"
#include "engine.h"

#define WATCH_PREFIX "/"
#define WATCH_MS     1000000ull
/* a plain-text snapshot every second; a last one at the end unless one was this recent */
#define WATCH_SNAPSHOT_NS (1000 * WATCH_MS)
#define WATCH_FINAL_NS    (50 * WATCH_MS)
/* the bar's peak marker holds the highest peak this long */
#define WATCH_HOLD_NS (1000 * WATCH_MS)
/* the lease when mixd's acknowledgement does not give one (its SUBS_LEASE_NS) */
#define WATCH_LEASE_NS (10000 * WATCH_MS)
/* a terminal is not redrawn faster than this, whatever the meter rate */
#define WATCH_DRAW_MIN_NS (20 * WATCH_MS)
#define WATCH_FLOOR_DB    (-60.0f)
#define WATCH_NAME_COLS   12
/* lines besides the strips and aux buses: header, the effect buses, monitor, master L and R,
 * loudness */
#define WATCH_FIXED_LINES (WATCH_BUSES + 5)
/* columns of a line around its bar: the label "NNN name........ " and the widest tail (a
 * strip's: " pk -xxx.x rms -xxx.x gr xx.x fd -xxx.x MS"), the brackets and one spare */
#define WATCH_LABEL_COLS 17
#define WATCH_TAIL_COLS  42
#define WATCH_BAR_MIN    8
#define WATCH_BAR_MAX    120
#define WATCH_BUSES      ENGINE_N_BUSES
/* aux buses mixd may have (its ENGINE_MAX_AUX) */
#define WATCH_AUX_MAX 32

/* engine.h only for its macros: mixctl does not link the engine */
static const char *const bus_names[WATCH_BUSES] = ENGINE_BUS_NAMES;

/* /loudness, in order (dispatch.h DISPATCH_LOUDNESS_N) */
enum { LOUD_M, LOUD_S, LOUD_I, LOUD_LRA, LOUD_TP, LOUD_TARGET, LOUD_DELTA, LOUD_N };

/* A sample peak as shown: the latest, the bar's hold marker, the snapshot's maximum. */
struct peak {
	float now;
	float hold;       /* highest of the last WATCH_HOLD_NS */
	uint64_t hold_ns; /* when hold was set */
	float snap;       /* highest since the last plain-text snapshot */
};

struct strip_view {
	char name[4 * 32 + 1]; /* up to 32 characters of UTF-8 */
	struct peak pk;
	float rms, gr, snap_gr;
	float fader_db;
	bool mute, solo;
};

struct bus_view {
	struct peak ch[2];
	char name[4 * 32 + 1]; /* an aux bus's /aux/K/name */
};

struct master_view {
	struct peak ch[2];
	float tp, snap_tp;
	float lim_gr, comp_gr, snap_lim, snap_comp;
	float fader_db;
	bool mute;
};

struct watch {
	struct conn *c;
	unsigned n;     /* strips watched */
	unsigned total; /* strips mixd has */
	unsigned hz;
	bool inplace, colour, dirty;
	bool term_ready; /* terminal_begin done: the first frame is drawn */
	struct strip_view s[MIXCTL_MAX_STRIPS];
	struct bus_view bus[WATCH_BUSES];
	/* aux buses: as many as the highest /meter/aux/K mixd sent (it sends them all) */
	struct bus_view aux[WATCH_AUX_MAX];
	unsigned n_aux;
	struct bus_view monitor;
	struct master_view master;
	float loud[LOUD_N];
	/* the subscription: a /subscribe is awaiting its acknowledgement since await_ns */
	bool acked, awaiting;
	uint64_t await_ns, acked_ns, lease_ns, next_renew;
	uint64_t heard_ns; /* when the last message came */
	char header[sizeof(((struct conn *)0)->peer) + 128];
	char *frame;
	size_t frame_cap, frame_len;
};

static volatile sig_atomic_t watch_stop;

static void
on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* ---- state ---- */

static void
peak_init(struct peak *p)
{
	p->now = p->hold = p->snap = MIXCTL_OFF_DB;
	p->hold_ns = 0;
}

static void
peak_update(struct peak *p, float v, uint64_t t)
{
	p->now = v;
	if (v >= p->hold || t - p->hold_ns > WATCH_HOLD_NS) {
		p->hold = v;
		p->hold_ns = t;
	}
	if (v > p->snap)
		p->snap = v;
}

static void
watch_init(struct watch *w)
{
	for (unsigned k = 0; k < w->n; k++) {
		struct strip_view *s = &w->s[k];

		snprintf(s->name, sizeof(s->name), "%u", k + 1);
		peak_init(&s->pk);
		s->rms = MIXCTL_OFF_DB;
		s->fader_db = 0.0f;
	}
	for (unsigned b = 0; b < WATCH_BUSES; b++)
		for (int ch = 0; ch < 2; ch++)
			peak_init(&w->bus[b].ch[ch]);
	for (unsigned b = 0; b < WATCH_AUX_MAX; b++) {
		for (int ch = 0; ch < 2; ch++)
			peak_init(&w->aux[b].ch[ch]);
		snprintf(w->aux[b].name, sizeof(w->aux[b].name), "Aux %u", b + 1);
	}
	for (int ch = 0; ch < 2; ch++) {
		peak_init(&w->monitor.ch[ch]);
		peak_init(&w->master.ch[ch]);
	}
	w->master.tp = w->master.snap_tp = MIXCTL_OFF_DB;
	for (int i = 0; i < LOUD_N; i++)
		w->loud[i] = MIXCTL_OFF_DB;
	w->lease_ns = WATCH_LEASE_NS;
}

/* Reads n numbers from r into v. Returns false when r has fewer or a non-number among them. */
static bool
numbers(const struct reply *r, float *v, int n)
{
	for (int i = 0; i < n; i++) {
		double d;

		if (!reply_number(r, i, &d))
			return false;
		v[i] = (float)d;
	}
	return true;
}

/* "N..." of a strip address (after its prefix) -> the strip's index, with *rest after the
 * number; -1 when it is not a watched strip. */
static int
strip_index(const struct watch *w, const char *s, const char **rest)
{
	unsigned long k;
	char *end;

	if (*s < '1' || *s > '9')
		return -1;
	k = strtoul(s, &end, 10);
	if (k == 0 || k > w->n)
		return -1;
	*rest = end;
	return (int)k - 1;
}

static void
apply_strip_meter(struct watch *w, const char *path, const struct reply *r, uint64_t t)
{
	const char *rest;
	int k = strip_index(w, path + strlen("/meter/strip/"), &rest);
	float v[3]; /* peak dBFS, RMS dBFS, gain reduction dB */
	struct strip_view *s;

	if (k < 0 || *rest || !numbers(r, v, 3))
		return;
	s = &w->s[k];
	peak_update(&s->pk, v[0], t);
	s->rms = v[1];
	s->gr = v[2];
	if (v[2] > s->snap_gr)
		s->snap_gr = v[2];
}

static void
apply_master_meter(struct watch *w, const struct reply *r, uint64_t t)
{
	struct master_view *m = &w->master;
	/* peak L, peak R, true peak, limiter GR, glue compressor GR (absent from older mixd) */
	float v[5] = { 0 };

	if (!numbers(r, v, 4))
		return;
	if (r->argc >= 5)
		numbers(r, v, 5);
	peak_update(&m->ch[0], v[0], t);
	peak_update(&m->ch[1], v[1], t);
	m->tp = v[2];
	m->lim_gr = v[3];
	m->comp_gr = v[4];
	m->snap_tp = fmaxf(m->snap_tp, v[2]);
	m->snap_lim = fmaxf(m->snap_lim, v[3]);
	m->snap_comp = fmaxf(m->snap_comp, v[4]);
}

/* "K" (after "/meter/aux/" or "/aux/") -> K-1 with *rest after it; -1 when not 1..32. */
static int
aux_index(const char *s, const char **rest)
{
	unsigned long k;
	char *end;

	if (*s < '1' || *s > '9')
		return -1;
	k = strtoul(s, &end, 10);
	if (k == 0 || k > WATCH_AUX_MAX)
		return -1;
	*rest = end;
	return (int)k - 1;
}

static void
apply_meter(struct watch *w, const struct reply *r, uint64_t t)
{
	const char *rest;
	float v[2];
	int k;

	if (!strncmp(r->path, "/meter/aux/", strlen("/meter/aux/")) &&
	    (k = aux_index(r->path + strlen("/meter/aux/"), &rest)) >= 0 && !*rest &&
	    numbers(r, v, 2)) {
		peak_update(&w->aux[k].ch[0], v[0], t);
		peak_update(&w->aux[k].ch[1], v[1], t);
		if ((unsigned)k >= w->n_aux)
			w->n_aux = (unsigned)k + 1;
	} else if (!strcmp(r->path, "/meter/monitor") && numbers(r, v, 2)) {
		peak_update(&w->monitor.ch[0], v[0], t);
		peak_update(&w->monitor.ch[1], v[1], t);
	} else if (!strncmp(r->path, "/meter/strip/", strlen("/meter/strip/"))) {
		apply_strip_meter(w, r->path, r, t);
	} else if (!strcmp(r->path, "/meter/master")) {
		apply_master_meter(w, r, t);
	} else if (!strncmp(r->path, "/meter/bus/", strlen("/meter/bus/")) && numbers(r, v, 2)) {
		for (unsigned b = 0; b < WATCH_BUSES; b++) {
			if (strcmp(r->path + strlen("/meter/bus/"), bus_names[b]))
				continue;
			peak_update(&w->bus[b].ch[0], v[0], t);
			peak_update(&w->bus[b].ch[1], v[1], t);
		}
	}
}

/* A parameter value: the strips' names, faders, mutes and solos, the master's fader and mute.
 * Everything else the subscription brings is not shown. */
static void
apply_param(struct watch *w, const struct reply *r)
{
	const char *rest;
	double v;
	int k;

	if (!strcmp(r->path, "/master/fader") && reply_number(r, 0, &v)) {
		w->master.fader_db = (float)v;
		return;
	}
	if (!strcmp(r->path, "/master/mute") && reply_number(r, 0, &v)) {
		w->master.mute = v != 0.0;
		return;
	}
	if (!strncmp(r->path, "/aux/", strlen("/aux/")) &&
	    (k = aux_index(r->path + strlen("/aux/"), &rest)) >= 0 && !strcmp(rest, "/name") &&
	    r->argc == 1 && arg_is_string(r->types[0])) {
		mixctl_sanitize(arg_s(r->argv[0]), w->aux[k].name, sizeof(w->aux[k].name));
		return;
	}
	if (strncmp(r->path, "/strip/", strlen("/strip/")))
		return;
	k = strip_index(w, r->path + strlen("/strip/"), &rest);
	if (k < 0)
		return;
	if (!strcmp(rest, "/name") && r->argc == 1 && arg_is_string(r->types[0]))
		mixctl_sanitize(arg_s(r->argv[0]), w->s[k].name, sizeof(w->s[k].name));
	else if (!strcmp(rest, "/fader") && reply_number(r, 0, &v))
		w->s[k].fader_db = (float)v;
	else if (!strcmp(rest, "/mute") && reply_number(r, 0, &v))
		w->s[k].mute = v != 0.0;
	else if (!strcmp(rest, "/solo") && reply_number(r, 0, &v))
		w->s[k].solo = v != 0.0;
}

/* mixd's acknowledgement `/subscribe s:prefix i:hz f:lease_s`: the next renewal is due at half
 * the lease, so one lost renewal still leaves time for another. */
static void
apply_ack(struct watch *w, const struct reply *r, uint64_t t)
{
	double lease_s;

	if (r->argc < 1 || !arg_is_string(r->types[0]) || strcmp(arg_s(r->argv[0]), WATCH_PREFIX))
		return;
	if (reply_number(r, 2, &lease_s) && lease_s >= 1.0 && lease_s <= 3600.0)
		w->lease_ns = (uint64_t)(lease_s * 1e9);
	w->acked = true;
	w->awaiting = false;
	w->acked_ns = t;
	w->next_renew = t + w->lease_ns / 2;
}

/* Takes one message from mixd. Returns MIXCTL_OK, or MIXCTL_FAIL (printed) when mixd refused
 * the subscription. */
static int
watch_apply(struct watch *w, const struct reply *r, uint64_t t)
{
	const char *about = reply_error_address(r);

	if (about) {
		char why[128];

		if (strcmp(about, "/subscribe"))
			return MIXCTL_OK;
		mixctl_sanitize(arg_s(r->argv[1]), why, sizeof(why));
		fprintf(stderr, "mixctl: /subscribe: %s\n", why);
		return MIXCTL_FAIL;
	}
	if (!strcmp(r->path, "/subscribe")) {
		apply_ack(w, r, t);
		return MIXCTL_OK;
	}
	if (!strncmp(r->path, "/meter/", strlen("/meter/")))
		apply_meter(w, r, t);
	else if (!strcmp(r->path, "/loudness"))
		numbers(r, w->loud, LOUD_N);
	else
		apply_param(w, r);
	w->dirty = true;
	return MIXCTL_OK;
}

/* ---- the subscription ---- */

static int
subscribe_send(struct watch *w, const char *path, bool with_rate)
{
	lo_message m = lo_message_new();
	int ret;

	if (!m)
		return -ENOMEM;
	lo_message_add_string(m, WATCH_PREFIX);
	if (with_rate)
		lo_message_add_int32(m, (int32_t)w->hz);
	ret = conn_send(w->c, path, m);
	lo_message_free(m);
	return ret;
}

/* Sends /subscribe (first time or renewal). Until it is acknowledged, it goes again every
 * --timeout: a lost datagram must not end the subscription. Returns MIXCTL_OK or the exit
 * status (printed). */
static int
subscribe(struct watch *w, uint64_t t)
{
	int ret = subscribe_send(w, "/subscribe", true);

	if (ret < 0)
		return conn_report_errno(w->c, "/subscribe", ret);
	if (!w->awaiting) {
		w->awaiting = true;
		w->await_ns = t;
	}
	w->next_renew = t + (uint64_t)w->c->timeout_ms * WATCH_MS;
	return MIXCTL_OK;
}

/* Whether mixd keeps acknowledging: the first /subscribe within --timeout, renewals before the
 * lease runs out. Returns MIXCTL_OK or MIXCTL_FAIL (printed). */
static int
subscription_alive(const struct watch *w, uint64_t t)
{
	if (!w->awaiting)
		return MIXCTL_OK;
	if (!w->acked && t - w->await_ns >= (uint64_t)w->c->timeout_ms * WATCH_MS) {
		fprintf(stderr,
		        "mixctl: /subscribe: no answer from mixd at %s within %d ms (a mixd "
		        "without subscriptions?)\n",
		        w->c->peer, w->c->timeout_ms);
		return MIXCTL_FAIL;
	}
	if (w->acked && t - w->acked_ns >= w->lease_ns) {
		fprintf(stderr, "mixctl: /subscribe: mixd at %s stopped answering the renewals\n",
		        w->c->peer);
		return MIXCTL_FAIL;
	}
	return MIXCTL_OK;
}

/* How long mixd may say nothing before the subscription is renewed early: meters come at the
 * rate even in silence, so a quiet mixd has stopped or gone, and only a datagram sent to it
 * finds out which (a closed port answers ECONNREFUSED). */
static uint64_t
quiet_ns(const struct watch *w)
{
	uint64_t three_periods = 3 * 1000 * WATCH_MS / w->hz;

	return three_periods > 1000 * WATCH_MS ? three_periods : 1000 * WATCH_MS;
}

/* Whether a (re)subscription should go out now. */
static bool
subscription_needed(const struct watch *w, uint64_t t)
{
	return t >= w->next_renew || (!w->awaiting && t - w->heard_ns >= quiet_ns(w));
}

/* The next time the loop must act on the subscription. */
static uint64_t
subscription_due(const struct watch *w)
{
	uint64_t due = w->next_renew;

	if (!w->awaiting && w->heard_ns + quiet_ns(w) < due)
		due = w->heard_ns + quiet_ns(w);
	if (w->awaiting && !w->acked)
		due = w->await_ns + (uint64_t)w->c->timeout_ms * WATCH_MS;
	else if (w->awaiting && w->acked_ns + w->lease_ns < due)
		due = w->acked_ns + w->lease_ns;
	return due;
}

/* ---- drawing ---- */

static void frame_add(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
frame_add(struct watch *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->frame_len >= w->frame_cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->frame + w->frame_len, w->frame_cap - w->frame_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->frame_len += (size_t)n < w->frame_cap - w->frame_len
		                    ? (size_t)n
		                    : w->frame_cap - w->frame_len - 1;
}

/* An SGR sequence, only when colours are on. */
static void
frame_sgr(struct watch *w, const char *sgr)
{
	if (w->colour)
		frame_add(w, "\033[%sm", sgr);
}

/* A marker: ch in its colour when on, '-' when off. */
static void
frame_flag(struct watch *w, bool on, char ch, const char *sgr)
{
	if (!on) {
		frame_add(w, "-");
		return;
	}
	frame_sgr(w, sgr);
	frame_add(w, "%c", ch);
	frame_sgr(w, "0");
}

static void frame_hot(struct watch *w, bool hot, const char *sgr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Text, in the colour sgr when hot. */
static void
frame_hot(struct watch *w, bool hot, const char *sgr, const char *fmt, ...)
{
	char text[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (hot)
		frame_sgr(w, sgr);
	frame_add(w, "%s", text);
	if (hot)
		frame_sgr(w, "0");
}

static void
format_db(float db, char *buf, size_t n)
{
	if (!(db > MIXCTL_OFF_DB))
		snprintf(buf, n, "-inf");
	else
		snprintf(buf, n, "%.1f", (double)db);
}

static const char *
zone_sgr(float db)
{
	if (db < -18.0f)
		return "32"; /* green */
	if (db < -6.0f)
		return "33"; /* yellow */
	return "31";         /* red */
}

/* Cells of a bar of width cols filled by a level in dB over WATCH_FLOOR_DB..0. */
static unsigned
bar_cells(float db, unsigned cols)
{
	float x = (db - WATCH_FLOOR_DB) / -WATCH_FLOOR_DB * (float)cols;

	if (!(x > 0.0f))
		return 0;
	return x >= (float)cols ? cols : (unsigned)lrintf(x);
}

/* A bar: '#' up to level, '=' on to peak, '|' at hold; each cell coloured by the level it
 * stands for. */
static void
frame_bar(struct watch *w, float level, float peak, float hold, unsigned cols)
{
	unsigned fill = bar_cells(level, cols), top = bar_cells(peak, cols);
	unsigned mark = bar_cells(hold, cols);
	const char *cur = NULL;

	frame_add(w, "[");
	for (unsigned i = 0; i < cols; i++) {
		float db = WATCH_FLOOR_DB + ((float)i + 0.5f) * -WATCH_FLOOR_DB / (float)cols;
		char ch = i < fill ? '#' : i < top ? '=' : (mark && i == mark - 1) ? '|' : ' ';

		if (ch != ' ' && cur != zone_sgr(db)) {
			cur = zone_sgr(db);
			frame_sgr(w, cur);
		}
		frame_add(w, "%c", ch);
	}
	if (cur)
		frame_sgr(w, "0");
	frame_add(w, "]");
}

/* The label column: a tag of 3, then name cut or padded to WATCH_NAME_COLS characters (UTF-8
 * continuation bytes take no column). */
static void
frame_label(struct watch *w, const char *tag, const char *name)
{
	unsigned cols = 0;
	size_t i;

	frame_add(w, "%3.3s ", tag);
	for (i = 0; name[i]; i++) {
		bool cont = ((unsigned char)name[i] & 0xc0) == 0x80;

		if (!cont && cols == WATCH_NAME_COLS)
			break;
		cols += !cont;
	}
	frame_add(w, "%.*s%*s ", (int)i, name, (int)(WATCH_NAME_COLS - cols), "");
}

/* Ends a line: clear what an earlier, longer frame left there. */
static void
frame_eol(struct watch *w, bool last)
{
	frame_add(w, "\033[K%s", last ? "" : "\n");
}

static void
draw_strip(struct watch *w, unsigned k, unsigned bar)
{
	const struct strip_view *s = &w->s[k];
	char tag[16], pk[16], rms[16], fd[16];

	snprintf(tag, sizeof(tag), "%u", k + 1);
	format_db(s->pk.now, pk, sizeof(pk));
	format_db(s->rms, rms, sizeof(rms));
	format_db(s->fader_db, fd, sizeof(fd));
	frame_label(w, tag, s->name);
	frame_bar(w, s->rms, s->pk.now, s->pk.hold, bar);
	frame_add(w, " pk %6s rms %6s gr %4.1f fd %6s ", pk, rms, (double)s->gr, fd);
	frame_flag(w, s->mute, 'M', "1;31");
	frame_flag(w, s->solo, 'S', "1;33");
	frame_eol(w, false);
}

/* A bus's line: an effect bus ("fx"), an aux bus ("aux") or the monitor ("mon"). */
static void
draw_bus(struct watch *w, const struct bus_view *v, const char *tag, const char *name, unsigned bar)
{
	char l[16], r[16];

	format_db(v->ch[0].now, l, sizeof(l));
	format_db(v->ch[1].now, r, sizeof(r));
	frame_label(w, tag, name);
	frame_bar(w, fmaxf(v->ch[0].now, v->ch[1].now), MIXCTL_OFF_DB,
	          fmaxf(v->ch[0].hold, v->ch[1].hold), bar);
	frame_add(w, " L %6s R %6s", l, r);
	frame_eol(w, false);
}

static void
draw_master(struct watch *w, unsigned bar)
{
	const struct master_view *m = &w->master;
	char l[16], r[16], tp[16], fd[16];

	format_db(m->ch[0].now, l, sizeof(l));
	format_db(m->ch[1].now, r, sizeof(r));
	format_db(m->tp, tp, sizeof(tp));
	format_db(m->fader_db, fd, sizeof(fd));
	frame_label(w, "L", "master");
	frame_bar(w, m->ch[0].now, MIXCTL_OFF_DB, m->ch[0].hold, bar);
	frame_add(w, " pk %6s tp ", l);
	frame_hot(w, m->tp > -1.0f, "1;31", "%6s", tp);
	frame_add(w, " lim %4.1f comp %4.1f", (double)m->lim_gr, (double)m->comp_gr);
	frame_eol(w, false);
	frame_label(w, "R", "");
	frame_bar(w, m->ch[1].now, MIXCTL_OFF_DB, m->ch[1].hold, bar);
	frame_add(w, " pk %6s fd %6s ", r, fd);
	frame_flag(w, m->mute, 'M', "1;31");
	frame_eol(w, false);
}

/* Loudness against the target: the distance is green within 1 LU, yellow within 3, red
 * beyond. */
static void
draw_loudness(struct watch *w)
{
	const float *v = w->loud;
	char m[16], s[16], i[16], lra[16], tp[16];
	float d = v[LOUD_DELTA];

	format_db(v[LOUD_M], m, sizeof(m));
	format_db(v[LOUD_S], s, sizeof(s));
	format_db(v[LOUD_I], i, sizeof(i));
	format_db(v[LOUD_LRA], lra, sizeof(lra));
	format_db(v[LOUD_TP], tp, sizeof(tp));
	frame_label(w, "", "loudness");
	frame_add(w, "M %6s S %6s I %6s LUFS  LRA %5s LU  TP %6s dBTP  target %.1f: ", m, s, i, lra,
	          tp, (double)v[LOUD_TARGET]);
	if (v[LOUD_I] > MIXCTL_OFF_DB && d > MIXCTL_OFF_DB) {
		frame_hot(w, true,
		          fabsf(d) <= 1.0f   ? "32"
		          : fabsf(d) <= 3.0f ? "33"
		                             : "31",
		          "%+.1f LU", (double)d);
	} else {
		frame_add(w, "-- LU");
	}
	frame_eol(w, true);
}

/* Terminal set-up and its undoing. The set-up first scrolls whatever is on the screen into the
 * scrollback (a newline per row), so drawing from home overwrites nothing the user had. */
static void
terminal_begin(void)
{
	struct winsize ws;
	unsigned rows = 24;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row)
		rows = ws.ws_row;
	for (unsigned i = 1; i < rows; i++)
		putchar('\n');
	fputs("\033[?25l\033[?7l", stdout); /* cursor hidden, auto-wrap off */
	fflush(stdout);
}

static void
terminal_end(void)
{
	fputs("\033[0m\033[?7h\033[?25h\n", stdout); /* colours off, wrap and cursor back */
	fflush(stdout);
}

/* Redraws in place: cursor home, each line overwritten and its rest cleared, then everything
 * below cleared. Nothing is erased before it is redrawn, so nothing flickers. Auto-wrap is off
 * (watch_run), so a line longer than the terminal is cut, never wrapped. */
static void
watch_draw(struct watch *w)
{
	struct winsize ws;
	unsigned cols = 80, rows = 0, shown = w->n, n_aux, bar;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col) {
		cols = ws.ws_col;
		rows = ws.ws_row;
	}
	/* the whole frame must fit: a line below the screen would scroll it, and home would no
	 * longer be the frame's first line */
	if (rows > WATCH_FIXED_LINES && shown > rows - WATCH_FIXED_LINES)
		shown = rows - WATCH_FIXED_LINES;
	else if (rows && rows <= WATCH_FIXED_LINES)
		shown = 1;
	/* the aux buses get the lines the strips leave (all of them on a tall enough terminal);
	 * the plain snapshots always have them all */
	n_aux = w->n_aux;
	if (rows && n_aux > rows - WATCH_FIXED_LINES - shown)
		n_aux = rows > WATCH_FIXED_LINES + shown ? rows - WATCH_FIXED_LINES - shown : 0;
	bar = cols > WATCH_LABEL_COLS + WATCH_TAIL_COLS + 3 + WATCH_BAR_MIN
	          ? cols - WATCH_LABEL_COLS - WATCH_TAIL_COLS - 3
	          : WATCH_BAR_MIN;
	if (bar > WATCH_BAR_MAX)
		bar = WATCH_BAR_MAX;
	if (!w->term_ready) {
		/* only now: a refused subscription leaves the terminal as it was */
		terminal_begin();
		w->term_ready = true;
	}
	w->frame_len = 0;
	frame_add(w, "\033[H%s; strips 1-%u of %u", w->header, shown, w->total);
	frame_eol(w, false);
	for (unsigned k = 0; k < shown; k++)
		draw_strip(w, k, bar);
	for (unsigned b = 0; b < WATCH_BUSES; b++)
		draw_bus(w, &w->bus[b], "fx", bus_names[b], bar);
	for (unsigned b = 0; b < n_aux; b++)
		draw_bus(w, &w->aux[b], "aux", w->aux[b].name, bar);
	draw_bus(w, &w->monitor, "mon", "monitor", bar);
	draw_master(w, bar);
	draw_loudness(w);
	frame_add(w, "\033[J");
	fwrite(w->frame, 1, w->frame_len, stdout);
	fflush(stdout);
	w->dirty = false;
}

/* ---- plain text ---- */

static void
snapshot_strip(struct strip_view *s, unsigned k, double t)
{
	char pk[16], rms[16], fd[16];

	format_db(s->pk.snap, pk, sizeof(pk));
	format_db(s->rms, rms, sizeof(rms));
	format_db(s->fader_db, fd, sizeof(fd));
	printf("%.1f strip %u \"%s\" peak %s rms %s gr %.1f fader %s mute %d solo %d\n", t, k + 1,
	       s->name, pk, rms, (double)s->snap_gr, fd, s->mute, s->solo);
	s->pk.snap = MIXCTL_OFF_DB;
	s->snap_gr = 0.0f;
}

static void
snapshot_master(struct master_view *m, double t)
{
	char l[16], r[16], tp[16], fd[16];

	format_db(m->ch[0].snap, l, sizeof(l));
	format_db(m->ch[1].snap, r, sizeof(r));
	format_db(m->snap_tp, tp, sizeof(tp));
	format_db(m->fader_db, fd, sizeof(fd));
	printf("%.1f master peak %s %s truepeak %s gr %.1f comp %.1f fader %s mute %d\n", t, l, r,
	       tp, (double)m->snap_lim, (double)m->snap_comp, fd, m->mute);
	m->ch[0].snap = m->ch[1].snap = m->snap_tp = MIXCTL_OFF_DB;
	m->snap_lim = m->snap_comp = 0.0f;
}

static void
snapshot_loudness(const float *v, double t)
{
	static const char *const names[LOUD_N] = { "M",        "S",      "I",    "LRA",
		                                   "truepeak", "target", "delta" };

	printf("%.1f loudness", t);
	for (int i = 0; i < LOUD_N; i++) {
		char buf[16];

		format_db(v[i], buf, sizeof(buf));
		printf(" %s %s", names[i], buf);
	}
	putchar('\n');
}

/* "T bus NAME peak L R", "T aux K peak L R" (its name quoted after), "T monitor peak L R". */
static void
snapshot_bus(struct bus_view *v, const char *kind, const char *what, double t)
{
	char l[16], r[16];

	format_db(v->ch[0].snap, l, sizeof(l));
	format_db(v->ch[1].snap, r, sizeof(r));
	printf("%.1f %s%s%s peak %s %s", t, kind, what ? " " : "", what ? what : "", l, r);
	if (!strcmp(kind, "aux"))
		printf(" \"%s\"", v->name);
	putchar('\n');
	v->ch[0].snap = v->ch[1].snap = MIXCTL_OFF_DB;
}

/* One plain line per strip, bus, aux bus, the monitor, the master and the loudness: peaks and gain
 * reductions are the highest since the previous snapshot, the rest the latest values. */
static void
watch_snapshot(struct watch *w, double t)
{
	for (unsigned k = 0; k < w->n; k++)
		snapshot_strip(&w->s[k], k, t);
	for (unsigned b = 0; b < WATCH_BUSES; b++)
		snapshot_bus(&w->bus[b], "bus", bus_names[b], t);
	for (unsigned b = 0; b < w->n_aux; b++) {
		char what[16];

		snprintf(what, sizeof(what), "%u", b + 1);
		snapshot_bus(&w->aux[b], "aux", what, t);
	}
	snapshot_bus(&w->monitor, "monitor", NULL, t);
	snapshot_master(&w->master, t);
	snapshot_loudness(w->loud, t);
	fflush(stdout);
}

/* ---- the loop ---- */

static bool
env_colour_allowed(void)
{
	const char *nc = getenv("NO_COLOR");

	return !(nc && *nc); /* no-color.org: set and not empty */
}

/* The header line, from /info. Returns MIXCTL_OK or the exit status (printed). */
static int
watch_header(struct watch *w, const struct watch_opts *o)
{
	struct req info;
	char name[33];
	int32_t rate, buffer;
	int ret = conn_info(w->c, &info, &w->total);

	if (ret != MIXCTL_OK)
		return ret;
	w->n = o->strips && o->strips < w->total ? o->strips : w->total;
	mixctl_sanitize(arg_s(info.r.argv[0]), name, sizeof(name));
	rate = info.r.argc > 3 && info.r.types[3] == LO_INT32 ? arg_i(info.r.argv[3]) : 0;
	buffer = info.r.argc > 4 && info.r.types[4] == LO_INT32 ? arg_i(info.r.argv[4]) : 0;
	snprintf(w->header, sizeof(w->header), "%s at %s: %d Hz, %d frames, meters at %u Hz", name,
	         w->c->peer, (int)rate, (int)buffer, w->hz);
	req_free(&info, 1);
	return MIXCTL_OK;
}

/* The display's next due time after t: a frame at the meter rate, a snapshot every second. */
static uint64_t
next_output(const struct watch *w, uint64_t last, uint64_t t)
{
	uint64_t period = w->inplace ? 1000 * WATCH_MS / w->hz : WATCH_SNAPSHOT_NS;

	if (period < WATCH_DRAW_MIN_NS)
		period = WATCH_DRAW_MIN_NS;
	return last + period > t ? last + period : t;
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Receives and shows until a stop, the end of --seconds or a failure. */
static int
watch_loop(struct watch *w, double seconds)
{
	uint64_t t0 = clock_ns(), end = seconds > 0.0 ? t0 + (uint64_t)(seconds * 1e9) : UINT64_MAX;
	uint64_t last_out = t0, next_out = next_output(w, t0, t0);
	int ret = subscribe(w, t0);

	w->heard_ns = t0;
	while (ret == MIXCTL_OK && !watch_stop) {
		uint64_t t = clock_ns();
		struct reply r;
		int got;

		if (t >= end)
			break;
		ret = subscription_alive(w, t);
		if (ret != MIXCTL_OK)
			break;
		if (subscription_needed(w, t)) {
			ret = subscribe(w, t);
			continue;
		}
		if (t >= next_out) {
			/* nothing is shown before mixd has said yes */
			if (w->acked && !w->inplace)
				watch_snapshot(w, (double)(t - t0) / 1e9);
			else if (w->acked && w->dirty)
				watch_draw(w);
			last_out = t;
			next_out = next_output(w, next_out, t);
		}
		got = conn_recv(w->c, min_u64(min_u64(end, next_out), subscription_due(w)), &r);
		if (got < 0) {
			ret = conn_report_errno(w->c, "/subscribe", got);
		} else if (got > 0) {
			w->heard_ns = clock_ns();
			ret = watch_apply(w, &r, w->heard_ns);
			reply_free(&r);
		}
	}
	if (ret == MIXCTL_OK && w->acked && !w->inplace && clock_ns() - last_out >= WATCH_FINAL_NS)
		watch_snapshot(w, (double)(clock_ns() - t0) / 1e9);
	return ret;
}

int
watch_run(struct conn *c, const struct watch_opts *o)
{
	static struct watch w; /* ~70 KiB of views: not on the stack */
	const char *term = getenv("TERM");
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	w.c = c;
	w.hz = o->hz;
	ret = watch_header(&w, o);
	if (ret != MIXCTL_OK)
		return ret;
	watch_init(&w);
	/* a dumb terminal cannot move the cursor: it gets the plain snapshots */
	w.inplace = isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb");
	w.colour = w.inplace && env_colour_allowed();
	w.frame_cap = (size_t)(w.n + WATCH_FIXED_LINES) * 1024 + 64;
	w.frame = malloc(w.frame_cap);
	if (!w.frame) {
		fprintf(stderr, "mixctl: out of memory\n");
		return MIXCTL_FAIL;
	}

	/* no SA_RESTART: Ctrl-C must cut a wait short, not wait it out */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	c->stop = &watch_stop;
	ret = watch_loop(&w, o->seconds);
	/* best effort: without it the subscription lapses by itself at the end of its lease */
	if (w.acked || w.awaiting)
		subscribe_send(&w, "/unsubscribe", false);
	if (w.term_ready) {
		watch_draw(&w);
		terminal_end();
	}
	c->stop = NULL;
	free(w.frame);
	return ret;
}
