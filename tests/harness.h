/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness: the world of an end-to-end test. A private jackd (dummy driver, no realtime), a mixd
 * process on it, an OSC client on a UDP socket, and a JACK probe client that plays test signals
 * into mixd and records what comes back. Every test builds its own world and tears it down.
 *
 * Children get PR_SET_PDEATHSIG, so a test that dies on a failed assertion (Check's forked child
 * exits without running the teardown) or on its timeout still takes jackd and mixd with it.
 * Logs and state directories live under one session directory, removed by h_session_end() when
 * every test passed and kept (its path printed) when one failed.
 *
 * All functions run on the test's own thread (control side). Constructors return NULL on error
 * after printing why on stderr; others return 0 or a negative errno.
 */
#ifndef MIXD_HARNESS_H
#define MIXD_HARNESS_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Values below this are "silent": the floor reported for an all-zero buffer is lower still. */
#define H_SILENCE_DB (-120.0)
/* The dB value reported for an exact zero (finite, so it prints and compares). */
#define H_ZERO_DB (-400.0)
/* Default wait for an OSC reply. */
#define H_REPLY_MS 1000
/* Most probe outputs. */
#define H_PROBE_MAX_OUT 16
/* Xruns a probe remembers the place of, per recording. */
#define H_PROBE_MAX_XRUNS 64

/* ---- session ------------------------------------------------------------------------------ */

/* Main, before the runner forks tests. Creates the session directory (under $TMPDIR or /tmp).
 * Returns 0 or a negative errno. Optional: the first helper that needs it creates it. */
int h_session_begin(void);

/* Main, after the runner. Removes the session directory if keep is false, else prints its path
 * so the logs can be read. */
void h_session_end(bool keep);

/* The session directory (created on first use); NULL if it cannot be created. */
const char *h_session_dir(void);

/* Sleeps ms milliseconds (restarting on EINTR). */
void h_sleep_ms(unsigned ms);

/* Monotonic milliseconds, for deadlines. */
int64_t h_now_ms(void);

/* ---- jackd -------------------------------------------------------------------------------- */

struct h_jackd {
	char name[64];      /* server name: mixdt-S, the first of a pool of 8 that was free */
	pid_t pid;          /* 0 when not running */
	unsigned rate;      /* sample rate, Hz */
	unsigned period;    /* frames per period */
	bool realtime;      /* started with -R -P 70 (SCHED_FIFO; needs root or rtprio) */
	char log_path[512]; /* stdout + stderr of jackd, appended across restarts */
	bool external;      /* a server the test did not start (MIXD_E2E_SERVER) */
};

/* Starts `jackd -n NAME -r -d dummy -r RATE -p PERIOD` and waits (up to 10 s) until a client can
 * open on it. On failure prints the jackd log and returns NULL.
 * With MIXD_E2E_SERVER=NAME in the environment it starts nothing: the server NAME already runs
 * (PipeWire's JACK, set up by tests/run-pipewire.sh); rate and period are then the server's,
 * read from it; h_jackd_kill runs the command in MIXD_E2E_SERVER_KILL (hard) or _STOP, and
 * h_jackd_restart the one in _START and waits for the server (-ENOTSUP without them). */
struct h_jackd *h_jackd_start(unsigned rate, unsigned period);

/* h_jackd_start, with realtime: `jackd -R -P 70` instead of -r, so its process thread (and its
 * clients' process threads) run SCHED_FIFO. */
struct h_jackd *h_jackd_start_opts(unsigned rate, unsigned period, bool realtime);

/* A server already running under name, as h_jackd_start treats MIXD_E2E_SERVER (a second
 * server of a test, such as the other end of a network link). NULL when none answers. */
struct h_jackd *h_jackd_attach(const char *name);

/* Stops jackd: SIGKILL if hard (a crash: no clean-up of its own), else SIGTERM, then SIGKILL
 * after 3 s. Waits for the process. Returns 0, or -ESRCH if it was not running. */
int h_jackd_kill(struct h_jackd *j, bool hard);

/* Starts jackd again under the same name and settings, waits until a client can open.
 * Returns 0 or a negative errno (the log is printed). */
int h_jackd_restart(struct h_jackd *j);

/* Kills jackd if it runs (SIGTERM, then SIGKILL) and frees j. NULL is accepted. */
void h_jackd_free(struct h_jackd *j);

/* Milliseconds for one period at the server's rate, rounded up. */
unsigned h_jackd_period_ms(const struct h_jackd *j);

/* ---- mixd --------------------------------------------------------------------------------- */

struct h_mixd_opts {
	/* If set, `--osc-listen HOST:PORT` is passed instead of `--osc-port PORT`. */
	const char *listen_host;
	/* If set, exported to mixd as LD_PRELOAD and RTCHECK_OUT. */
	const char *preload;
	const char *rtcheck_out;
	/* If set, mixd gets a free TCP port as --http-port (in h_mixd.http_port); otherwise
	 * --http-port 0, so tests never contend for the default 8080. */
	bool http;
};

struct h_mixd {
	pid_t pid;          /* 0 once reaped */
	uint16_t port;      /* OSC port */
	uint16_t http_port; /* --http-port, 0 when off (h_mixd_opts.http) */
	char name[64];      /* JACK client name (--name) */
	char state_dir[512];
	char log_path[512];
	const struct h_jackd *jackd;
	int status; /* exit status once reaped: as h_mixd_stop returns it */
};

/* The mixd binary: $MIXD_BIN, else build/daemon/mixd of the source tree, else ./daemon/mixd
 * (the cwd of `meson test`). NULL if none is executable. */
const char *h_mixd_bin(void);

/* Starts mixd on jackd's server with --name mixd --osc-port P --state-dir D and the extra
 * arguments (const char *, NULL-terminated), then waits up to 10 s for /pong. opts may be
 * NULL. On failure prints both logs, kills mixd and returns NULL. */
struct h_mixd *h_mixd_start(const struct h_jackd *j, const struct h_mixd_opts *opts, ...);

/* The same with the extra arguments as a NULL-terminated array (NULL for none). */
struct h_mixd *h_mixd_startv(const struct h_jackd *j, const struct h_mixd_opts *opts,
                             const char *const *args);

/* Starts the mixd binary with exactly args as its arguments (NULL-terminated; NULL for none) and
 * our environment with each "NAME=value" of env (NULL-terminated; NULL for none) set, plus
 * JACK_DEFAULT_SERVER of j when j is not NULL. Waits for nothing: the caller talks to it its own
 * way (a session manager's open comes before any OSC port). port is 0 and state_dir empty. */
struct h_mixd *h_mixd_start_env(const struct h_jackd *j, const char *const *env,
                                const char *const *args);

/* Waits up to ms for mixd to end by itself. Returns its status as h_mixd_stop does, or
 * -ETIMEDOUT (it still runs). */
int h_mixd_wait_exit(struct h_mixd *m, unsigned ms);

/* Sends SIGTERM and waits up to 5 s (then SIGKILL). Returns the exit code (0..255), 128 + the
 * signal number if a signal ended it, or -ETIMEDOUT if it had to be killed. On anything but 0
 * the logs are printed. Returns the stored status if it already ended. */
int h_mixd_stop(struct h_mixd *m);

/* True while the process runs (reaps it when it has ended). */
bool h_mixd_alive(struct h_mixd *m);

/* Kills mixd if it runs and frees m. NULL is accepted. */
void h_mixd_free(struct h_mixd *m);

/* Prints the tail of jackd's and mixd's logs on stderr (either may be NULL). */
void h_dump_logs(const struct h_jackd *j, const struct h_mixd *m);

/* ---- OSC client --------------------------------------------------------------------------- */

struct h_osc;

/* A reply: the address, liblo's parsed message and shortcuts into it. */
struct h_msg {
	char path[256];
	lo_message msg;
	const char *types; /* "" for no arguments */
	int argc;
	lo_arg **argv;
};

/* A UDP socket bound to local_addr:0 (NULL = 127.0.0.1) sending to 127.0.0.1:port. */
struct h_osc *h_osc_open(const char *local_addr, uint16_t port);
void h_osc_close(struct h_osc *o);

/* Sends bytes as one datagram. Returns 0 or a negative errno. */
int h_osc_send_raw(struct h_osc *o, const void *data, size_t len);

/* Sends one message built from types: f and d take a double, i an int, h an int64_t, s a
 * string, T F N take nothing. Returns 0 or a negative errno (-EINVAL for an unknown type). */
int h_osc_send(struct h_osc *o, const char *path, const char *types, ...);

/* Shortcuts for a set with one argument. */
int h_osc_set_f(struct h_osc *o, const char *path, float v);
int h_osc_set_i(struct h_osc *o, const char *path, int v);
int h_osc_set_s(struct h_osc *o, const char *path, const char *v);

/* The next message within timeout_ms, or NULL. mixd replies with plain messages; a bundle is
 * reported on stderr and skipped. */
struct h_msg *h_osc_recv(struct h_osc *o, int timeout_ms);

/* The next message whose address is path, skipping others, or NULL after timeout_ms. */
struct h_msg *h_osc_wait(struct h_osc *o, const char *path, int timeout_ms);

/* Discards everything already queued on the socket. Returns how many messages. */
int h_osc_drain(struct h_osc *o);

/* Sends a get (path, no arguments) and returns the reply with that address, or the /error
 * whose first argument is path, or NULL after H_REPLY_MS. Drains the socket first. */
struct h_msg *h_osc_get(struct h_osc *o, const char *path);

/* get, and the reply must carry exactly one argument of the type: 0, -ENOMSG (no reply or an
 * /error), -EPROTO (wrong shape; printed). */
int h_osc_get_f(struct h_osc *o, const char *path, float *out);
int h_osc_get_i(struct h_osc *o, const char *path, int *out);
int h_osc_get_s(struct h_osc *o, const char *path, char *out, size_t len);

/* Waits up to timeout_ms for `/error ,ss address reason`, skipping other messages. True if it
 * came. */
bool h_osc_expect_error(struct h_osc *o, const char *address, int timeout_ms);

/* /ping -> /pong within timeout_ms. */
bool h_osc_ping(struct h_osc *o, int timeout_ms);

/* One counter from /stats (pairs of s name, h value). 0, -ENOMSG without reply, -ENOENT if the
 * name is not there, -EPROTO if the reply is malformed (printed). */
int h_osc_stat(struct h_osc *o, const char *name, int64_t *out);

void h_msg_free(struct h_msg *m);

/* Argument i of a reply, by type. liblo's lo_arg is an 8-byte-aligned union but the data it
 * points into is only 4-byte aligned, so these copy the bytes instead of reading the union
 * (a member access would be undefined behaviour, and UBSan says so). The caller checks types. */
float h_arg_f(const struct h_msg *m, int i);
int32_t h_arg_i(const struct h_msg *m, int i);
int64_t h_arg_h(const struct h_msg *m, int i);
const char *h_arg_s(const struct h_msg *m, int i);

/* Serialises path + message into buf. Returns the length or a negative errno. */
ssize_t h_osc_serialise(const char *path, lo_message msg, void *buf, size_t cap);

/* ---- JACK probe --------------------------------------------------------------------------- */

struct h_probe;

/* Opens a JACK client called name on jackd's server with output ports out_1..out_n_out and
 * input ports in_L and in_R, preallocates recording buffers for max_frames and activates. All
 * outputs start silent. */
struct h_probe *h_probe_open(const struct h_jackd *j, const char *name, unsigned n_out,
                             size_t max_frames);

/* Flags of h_probe_open_flags. */
enum {
	/* The probe tells JACK that its outputs are sources and its inputs sinks: capture latency
	 * 0 on out_k, playback latency 0 on in_L/in_R. Without it the probe has no latency
	 * callback, and JACK's default for such a client (every output depends on every input)
	 * feeds, through a loop probe -> client -> probe, the client's own latency back into its
	 * inputs' ranges. */
	H_PROBE_LATENCY_SOURCE = 1u << 0,
};

/* h_probe_open with flags (h_probe_open is this with 0). */
struct h_probe *h_probe_open_flags(const struct h_jackd *j, const char *name, unsigned n_out,
                                   size_t max_frames, unsigned flags);

/* Closes the client (bounded wait even when the server is gone) and frees. NULL is accepted. */
void h_probe_close(struct h_probe *p);

/* Generators, per output k (1-based). Amplitude is the peak in dBFS. Each call returns once the
 * process callback runs the new generator (0), or -ETIMEDOUT (server gone or stalled). */
int h_probe_sine(struct h_probe *p, unsigned k, double freq_hz, double peak_dbfs);
int h_probe_noise(struct h_probe *p, unsigned k, double peak_dbfs, uint32_t seed);
int h_probe_silence(struct h_probe *p, unsigned k);
/* White noise through two one-pole low-passes at cutoff_hz, scaled to rms_dbfs RMS (nearly
 * Gaussian: its peaks reach 3 to 4.5 times that). Its sample-to-sample steps are small next to
 * its level (about 1/30 of its peak at 200 Hz), so a click downstream stands out from the
 * signal's own steps. */
int h_probe_noise_lp(struct h_probe *p, unsigned k, double rms_dbfs, double cutoff_hz,
                     uint32_t seed);

/* Plays bufs[k - 1] on output k, for each k (1..n_bufs, at most the probe's outputs) with a
 * non-NULL buffer, n_frames samples each, all starting at the same frame of the next period;
 * then those outputs go back to their generators (set them silent first for a clean end). The
 * buffers must stay valid and unchanged until the playback ends. start returns at once (0,
 * -EINVAL, -EBUSY while one plays); wait blocks until it ends (0, -ETIMEDOUT after its length in
 * real time + 5 s, -EINVAL when none was started). */
int h_probe_play_start(struct h_probe *p, const float *const *bufs, unsigned n_bufs,
                       size_t n_frames);
int h_probe_play_wait(struct h_probe *p);

/* As h_probe_play_start, then starts the JACK transport (jack_transport_start): the playback
 * begins in the first period in which the probe's callback sees the transport rolling. Every
 * client reads the same transport state in a cycle, so a client downstream of the probe gets
 * the first played frame in the period it sees the transport roll, at the transport frame
 * h_probe_play_transport_frame tells (valid once h_probe_play_wait returned 0). Locate first
 * for a known frame. Returns as h_probe_play_start. */
int h_probe_play_start_with_transport(struct h_probe *p, const float *const *bufs, unsigned n_bufs,
                                      size_t n_frames);
uint64_t h_probe_play_transport_frame(const struct h_probe *p);

/* Runs the server faster than real time, for tests that need minutes of audio: the probe puts
 * the server in freewheel mode (every client's process callback runs as soon as the last one
 * ends, the sample rate unchanged) and holds each period until period_us after the previous one
 * (1024 frames at 48 kHz every 2000 us: about 10x real time), so every client, and whatever
 * they feed, has a known rate to keep up with. 0 returns to real time. jackd's dummy driver
 * cannot do this itself: in JACK2 its -w option sets the period to the wait, in real time.
 * Returns 0, -EIO, or -ETIMEDOUT when the server did not switch within 2 s. The probe ends
 * freewheeling when it closes. */
int h_probe_fast(struct h_probe *p, unsigned period_us);

/* Frames the probe's process callback has run since it opened: the server's audio clock, which
 * runs ahead of the wall clock under h_probe_fast. */
uint64_t h_probe_frames(const struct h_probe *p);

/* Records n_frames from in_L/in_R and of what every output sent, starting at the next period.
 * Blocks until done. 0, -EINVAL (too long), -ETIMEDOUT. */
int h_probe_record(struct h_probe *p, size_t n_frames);

/* Test thread. Xruns the server reported since the last recording started, and whether one
 * was reported while the recording stood within window frames of index i (JACK tells of an
 * xrun from another thread, a period or two after its cycle: a window of a few periods). More
 * xruns than H_PROBE_MAX_XRUNS count as near anywhere. */
unsigned h_probe_xruns(const struct h_probe *p);
bool h_probe_xrun_near(const struct h_probe *p, size_t i, size_t window);

/* The same in two halves, to act (send OSC) while it records: start returns at once (0,
 * -EINVAL, -EBUSY while a recording runs); wait blocks until it is done (0, -ETIMEDOUT after the
 * recording's length + 5 s, -EINVAL when none was started). */
int h_probe_record_start(struct h_probe *p, size_t n_frames);
int h_probe_record_wait(struct h_probe *p);

/* The JACK transport through the probe's client, as any other client would move it:
 * jack_transport_start, _stop, _locate (0, or -EIO when JACK refuses a locate). */
int h_probe_transport_start(struct h_probe *p);
int h_probe_transport_stop(struct h_probe *p);
int h_probe_transport_locate(struct h_probe *p, uint32_t frame);

/* True while the transport rolls; its frame as of the current cycle in *frame (may be NULL). */
bool h_probe_transport(struct h_probe *p, uint64_t *frame);

/* As h_probe_transport, but *frame is the frame at this instant while rolling
 * (jack_get_current_transport_frame: the cycle's frame plus the time since it began). */
bool h_probe_transport_now(struct h_probe *p, uint64_t *frame);

/* Where the transport was at frame i of the last recording (read once per period by the
 * probe's callback): the transport frame (advancing with i while rolling) and whether it
 * rolled. 0, or -EINVAL when i was not recorded. */
int h_probe_transport_at(const struct h_probe *p, size_t i, uint64_t *frame, bool *rolling);

/* The last recording: input ch (0 = in_L, 1 = in_R) or output k (1-based). */
const float *h_probe_in(const struct h_probe *p, unsigned ch);
const float *h_probe_sent(const struct h_probe *p, unsigned k);

/* Full port names ("probe:out_3", "probe:in_L"), owned by JACK, valid while p is open. */
const char *h_probe_out_name(struct h_probe *p, unsigned k);
const char *h_probe_in_name(struct h_probe *p, unsigned ch);

/* jack_connect by full names through the probe's client; an existing connection is success. */
int h_probe_connect(struct h_probe *p, const char *src, const char *dst);

/* Makes src_l the only port feeding in_L and src_r the only one feeding in_R (full names; NULL
 * leaves that input unconnected): what the next recording hears. 0 or a negative errno. */
int h_probe_listen(struct h_probe *p, const char *src_l, const char *src_r);

/* jack_disconnect by full names through the probe's client, as a patchbay would. 0 or -errno. */
int h_probe_disconnect(struct h_probe *p, const char *src, const char *dst);

/* True if the two ports (full names) exist and are connected. */
bool h_probe_connected(struct h_probe *p, const char *a, const char *b);

/* The latency range JACK gives port (full name): capture (from the sources to it) or playback
 * (from it to the sinks), in frames. 0, or -ENOENT when there is no such port. */
int h_probe_port_latency(struct h_probe *p, const char *port, bool capture, unsigned *min,
                         unsigned *max);

/* Asks the server for a new period (jack_set_buffer_size): 0 or -errno; and the period now. */
int h_probe_set_buffer_size(struct h_probe *p, unsigned frames);
unsigned h_probe_buffer_size(struct h_probe *p);

/* True if a port of that full name exists. */
bool h_probe_port_exists(struct h_probe *p, const char *name);

/* True once the server has told the probe it is going away. */
bool h_probe_server_lost(const struct h_probe *p);

/* The server's sample rate as the probe sees it. */
unsigned h_probe_rate(const struct h_probe *p);

/* ---- a test's world ----------------------------------------------------------------------- */

/* What one end-to-end test runs: its own jackd, mixd, probe client and OSC client. */
struct h_world {
	struct h_jackd *jackd;
	struct h_mixd *mixd;
	struct h_probe *probe;
	struct h_osc *osc;
};

/* Test thread. Zeroes *w and starts its jackd. Returns 0, or -1 when jackd did not start. */
int h_world_start(struct h_world *w, unsigned rate, unsigned period);
/* Test thread. h_world_start with a real-time jackd (h_jackd_start_opts): for the cases that
 * compare a recording at 64-frame periods sample by sample, where a process thread preempted by
 * the machine's other work (a compiler, the test itself) splices the recording. Returns 0, or -1
 * when jackd did not start. */
int h_world_start_rt(struct h_world *w, unsigned rate, unsigned period);

/* Test thread. Stops and frees whatever *w holds, clients first, and zeroes it. */
void h_world_free(struct h_world *w);

/* ---- RT-safety interposer (tests/rtcheck.c) ------------------------------------------------ */

/* Test thread. Reads the interposer's report at path (written when mixd exits): its positive
 * control must have passed ("selftest 1": one call of every kind, made in the first callback,
 * was counted), it must have seen more than min_callbacks process callbacks, and counted 0
 * allocations, locks, I/O, sleeps,
 * log calls and unwatched ("unwrapped") callbacks in them. Returns 0 and the callback count in
 * *callbacks, or -1 with the reason (and the report) in why. */
int h_rtcheck_verify(const char *path, long long min_callbacks, long long *callbacks, char *why,
                     size_t whylen);

/* ---- analysis ----------------------------------------------------------------------------- */

/* RMS and peak of buf[skip..n) in dBFS, double precision; H_ZERO_DB for silence. */
double h_rms_db(const float *buf, size_t n, size_t skip);
double h_peak_db(const float *buf, size_t n, size_t skip);

/* RMS of buf[skip..n) as a linear mean square (to sum powers of uncorrelated signals). */
double h_mean_square(const float *buf, size_t n, size_t skip);

/* 10 log10 / 20 log10 with the H_ZERO_DB floor. */
double h_power_db(double mean_square);
double h_amp_db(double amplitude);

/* Test thread. A "KEY: N kB" line of /proc/PID/status (VmLck, RssAnon, ...), in kB, or -1. */
long h_proc_status_kb(pid_t pid, const char *key);

#endif
