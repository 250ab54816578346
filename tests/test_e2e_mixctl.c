/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of mixctl: the built binary (MIXCTL_BIN, else tools/mixctl of the build
 * directory `meson test` runs in) against a real mixd on a private jackd, with a probe playing
 * a tone into strip 1. What is checked is what a user or a script sees: the exit status (0, 1
 * for an error from mixd, 2 for bad usage), standard output and standard error; the OSC client
 * of the harness reads back what mixctl changed.
 *
 * Each test is its own TCase, so `CK_RUN_CASE=watch` runs one.
 */
#include "e2e_run.h"
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define RATE      48000
#define PERIOD    256
#define TONE_HZ   1000.0
#define TONE_DBFS (-20.0)
/* the strip meter's sample peak of a steady sine against its set peak */
#define TOL_METER_DB 1.0
/* a mixctl that has not ended by then hangs: it is killed and the case fails */
#define CTL_WAIT_MS 20000
#define CTL_OUT_MAX (256 * 1024)
#define CTL_ERR_MAX 8192

E2E_WORLD_FIXTURE(RATE, PERIOD)

/* What one mixctl run left. */
struct ctl {
	int status; /* exit code; 128 + signal when a signal ended it */
	char *out;  /* standard output, NUL-terminated (a terminal's bytes for ctl_tty) */
	char err[CTL_ERR_MAX];
};

/* ---- running mixctl ---------------------------------------------------------------------- */

static const char *
ctl_bin(void)
{
	const char *env = getenv("MIXCTL_BIN");
	const char *bin = env && *env ? env : "tools/mixctl";

	ck_assert_msg(access(bin, X_OK) == 0, "mixctl not found at %s (set MIXCTL_BIN)", bin);
	return bin;
}

/* Our environment with TERM and NO_COLOR replaced by set (NULL-terminated "NAME=value"s), for a
 * child: built before fork, where only async-signal-safe calls are allowed. */
static char **
ctl_env(const char *const *set)
{
	size_t n = 0, k = 0, n_set = 0;
	char **env;

	while (environ[n])
		n++;
	while (set && set[n_set])
		n_set++;
	env = calloc(n + n_set + 1, sizeof(*env));
	ck_assert_ptr_nonnull(env);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TERM=", 5) && strncmp(environ[i], "NO_COLOR=", 9))
			env[k++] = environ[i];
	for (size_t s = 0; s < n_set; s++)
		env[k++] = (char *)set[s];
	return env;
}

/* Starts mixctl with `--port P` of this world's mixd (when it runs) and args, stdout to out_fd,
 * stderr to err_fd. The child dies with the test (PR_SET_PDEATHSIG). Returns its pid. */
static pid_t
ctl_spawn(const char *const *args, int out_fd, int err_fd, const char *const *env_set)
{
	const char *argv[32];
	char port[16];
	char **env = ctl_env(env_set);
	size_t n = 0;
	pid_t pid;

	argv[n++] = ctl_bin();
	if (w.mixd) {
		snprintf(port, sizeof(port), "%u", (unsigned)w.mixd->port);
		argv[n++] = "--port";
		argv[n++] = port;
	}
	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	free(env);
	return pid;
}

/* Waits for pid, draining drain_fd (a pty master; -1 for none) into r->out as it goes.
 * Returns the exit status as struct ctl keeps it; kills and fails on a hang. */
static int
ctl_reap(pid_t pid, int drain_fd, struct ctl *r, size_t *len)
{
	int64_t deadline = h_now_ms() + CTL_WAIT_MS;
	int status;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (drain_fd >= 0) {
			struct pollfd p = { .fd = drain_fd, .events = POLLIN };
			ssize_t n;

			while (poll(&p, 1, got == pid ? 0 : 10) > 0 && *len + 1 < CTL_OUT_MAX &&
			       (n = read(drain_fd, r->out + *len, CTL_OUT_MAX - 1 - *len)) > 0)
				*len += (size_t)n;
		} else if (got == 0) {
			h_sleep_ms(10);
		}
		if (got == pid)
			break;
		if (h_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ck_abort_msg("mixctl did not end within %d ms", CTL_WAIT_MS);
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads what a file descriptor (rewound) holds into buf. */
static void
slurp(int fd, char *buf, size_t cap)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

/* A temporary file in the session directory, already unlinked. */
static int
ctl_tmpfile(void)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/mixctl-XXXXXX", h_session_dir());
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	return fd;
}

static void
ctl_free(struct ctl *r)
{
	free(r->out);
	r->out = NULL;
}

/* Starts mixctl with args (NULL-terminated); ctl_finish collects it. */
static pid_t
ctl_start(const char *const *args, int *out_fd, int *err_fd)
{
	*out_fd = ctl_tmpfile();
	*err_fd = ctl_tmpfile();
	return ctl_spawn(args, *out_fd, *err_fd, NULL);
}

static void
ctl_finish(pid_t pid, int out_fd, int err_fd, struct ctl *r)
{
	size_t len = 0;

	r->out = malloc(CTL_OUT_MAX);
	ck_assert_ptr_nonnull(r->out);
	r->status = ctl_reap(pid, -1, r, &len);
	slurp(out_fd, r->out, CTL_OUT_MAX);
	slurp(err_fd, r->err, sizeof(r->err));
	close(out_fd);
	close(err_fd);
	if (getenv("H_VERBOSE"))
		fprintf(stderr, "  mixctl exit %d\n  stdout: %.2000s  stderr: %s\n", r->status,
		        r->out, r->err);
}

/* Runs mixctl with args (NULL-terminated) to its end. Free with ctl_free. */
static void
ctl_runv(struct ctl *r, const char *const *args)
{
	int out_fd, err_fd;
	pid_t pid = ctl_start(args, &out_fd, &err_fd);

	ctl_finish(pid, out_fd, err_fd, r);
}

/* ctl_runv with the arguments as parameters. */
static void ctl_run(struct ctl *r, ...) __attribute__((sentinel));

static void
ctl_run(struct ctl *r, ...)
{
	const char *args[24];
	int n = 0;
	va_list ap;

	va_start(ap, r);
	while ((args[n] = va_arg(ap, const char *)) && n < 23)
		n++;
	va_end(ap);
	args[n] = NULL;
	ctl_runv(r, args);
}

/* Runs mixctl with stdout on a terminal of cols x rows (a pty) and the environment additions
 * env_set; r->out gets every byte it wrote there. */
static void
ctl_tty(struct ctl *r, const char *const *args, const char *const *env_set, unsigned cols,
        unsigned rows)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave, err_fd;
	struct termios tio;
	size_t len = 0;
	pid_t pid;

	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(slave, 0);
	ck_assert_int_eq(ioctl(slave, TIOCSWINSZ, &ws), 0);
	/* raw output: the bytes as mixctl wrote them, no \n -> \r\n */
	ck_assert_int_eq(tcgetattr(slave, &tio), 0);
	tio.c_oflag &= ~(tcflag_t)OPOST;
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &tio), 0);
	err_fd = ctl_tmpfile();
	r->out = malloc(CTL_OUT_MAX);
	ck_assert_ptr_nonnull(r->out);
	pid = ctl_spawn(args, slave, err_fd, env_set);
	close(slave);
	r->status = ctl_reap(pid, master, r, &len);
	r->out[len] = '\0';
	slurp(err_fd, r->err, sizeof(r->err));
	close(err_fd);
	close(master);
}

/* ---- checks ------------------------------------------------------------------------------ */

static void
assert_status(const struct ctl *r, int want, const char *what)
{
	ck_assert_msg(r->status == want, "%s: exit %d, expected %d\nstdout: %.2000s\nstderr: %s",
	              what, r->status, want, r->out, r->err);
}

static void
assert_out(const struct ctl *r, const char *want, const char *what)
{
	ck_assert_msg(!strcmp(r->out, want), "%s: stdout \"%s\", expected \"%s\" (stderr: %s)",
	              what, r->out, want, r->err);
}

static void
assert_err_has(const struct ctl *r, const char *want, const char *what)
{
	ck_assert_msg(strstr(r->err, want) != NULL, "%s: stderr \"%s\" lacks \"%s\"", what, r->err,
	              want);
}

/* Exit status want and stdout exactly out; frees r. */
static void
assert_done(struct ctl *r, int want, const char *out, const char *what)
{
	assert_status(r, want, what);
	assert_out(r, out, what);
	ctl_free(r);
}

/* Exit status want and err somewhere in stderr; frees r. */
static void
assert_failed(struct ctl *r, int want, const char *err, const char *what)
{
	assert_status(r, want, what);
	assert_err_has(r, err, what);
	ctl_free(r);
}

/* Bad usage: exit 2, the complaint and the usage on stderr, nothing on stdout. */
static void
assert_usage(struct ctl *r, const char *what)
{
	assert_status(r, 2, what);
	assert_err_has(r, "usage: mixctl", what);
	ck_assert_msg(r->out[0] == '\0', "%s: stdout \"%s\", expected nothing", what, r->out);
	ctl_free(r);
}

static void
world_up(const char *strips)
{
	const char *const args[] = { "--strips", strips, NULL };
	static const char *const in[] = { "mixd:in_1" };

	e2e_world_up(&w, NULL, args, 1, in, (size_t)PERIOD * 4);
}

/* ---- cases ------------------------------------------------------------------------------- */

/* set prints the value mixd now has (clamped, off), get reads it back; the harness sees it. */
START_TEST(test_set_get)
{
	struct ctl r;
	float v = 0.0f;
	char name[64] = "";

	world_up("4");
	ctl_run(&r, "set", "/strip/1/fader", "-6", NULL);
	assert_done(&r, 0, "/strip/1/fader -6\n", "set fader");
	ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
	ck_assert_msg(fabsf(v + 6.0f) < 1e-4f, "fader %.3f after mixctl set -6", (double)v);

	ctl_run(&r, "get", "/strip/1/fader", NULL);
	assert_done(&r, 0, "/strip/1/fader -6\n", "get fader");

	ctl_run(&r, "set", "/strip/2/fader", "30", NULL);
	assert_done(&r, 0, "/strip/2/fader 10\n", "set fader above its range (clamped)");

	ctl_run(&r, "set", "/strip/3/fader", "-inf", NULL);
	assert_done(&r, 0, "/strip/3/fader -144\n", "set fader -inf");

	ctl_run(&r, "set", "/strip/2/name", "Lead vox", NULL);
	assert_done(&r, 0, "/strip/2/name Lead vox\n", "set name");
	ck_assert_int_eq(h_osc_get_s(w.osc, "/strip/2/name", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "Lead vox");

	ctl_run(&r, "set", "/strip/4/mute", "1", NULL);
	assert_done(&r, 0, "/strip/4/mute 1\n", "set mute");

	ctl_run(&r, "ping", NULL);
	assert_status(&r, 0, "ping");
	ck_assert_msg(!strncmp(r.out, "pong from ", 10), "ping printed \"%s\"", r.out);
	ctl_free(&r);
	e2e_stop_mixd(&w);
}
END_TEST

/* mixd's /error, or no mixd at all: exit 1 with the reason on stderr. */
START_TEST(test_errors)
{
	struct ctl r;

	world_up("4");
	ctl_run(&r, "get", "/strip/9/fader", NULL);
	assert_status(&r, 1, "get a strip mixd does not have");
	assert_err_has(&r, "/strip/9/fader", "get a strip mixd does not have");
	ck_assert_msg(r.out[0] == '\0', "stdout \"%s\" on an error", r.out);
	ctl_free(&r);

	ctl_run(&r, "set", "/nope", "1", NULL);
	assert_failed(&r, 1, "/nope", "set an unknown address");

	ctl_run(&r, "set", "/meter/master", "1", NULL);
	assert_failed(&r, 1, "not a parameter", "set a meter");

	ctl_run(&r, "scene", "load", "nosuch", NULL);
	assert_failed(&r, 1, "/scene/load", "load a scene that does not exist");
	e2e_stop_mixd(&w);

	/* mixd gone: its port is closed, and the kernel says so at once */
	ctl_run(&r, "--timeout", "3000", "get", "/strip/1/fader", NULL);
	assert_failed(&r, 1, "connection refused", "get with no mixd");
	ctl_run(&r, "watch", "--seconds", "1", NULL);
	assert_status(&r, 1, "watch with no mixd");
	ctl_free(&r);
}
END_TEST

/* Bad usage: exit 2 before anything is sent, whatever runs on the port. */
START_TEST(test_usage)
{
	static const struct {
		const char *what;
		const char *args[8];
	} usage[] = {
		{ "no command", { NULL } },
		{ "unknown command", { "frobnicate", NULL } },
		{ "get without an address", { "get", NULL } },
		{ "an address without /", { "get", "strip/1/fader", NULL } },
		{ "a wildcard address", { "get", "/strip/*/fader", NULL } },
		{ "set without a value", { "set", "/strip/1/fader", NULL } },
		{ "--timeout 0", { "--timeout", "0", "ping", NULL } },
		{ "an unknown option", { "--bogus", "ping", NULL } },
		{ "stats with an argument", { "stats", "extra", NULL } },
		{ "watch --hz 0", { "watch", "--hz", "0", NULL } },
		{ "watch --hz 51", { "watch", "--hz", "51", NULL } },
		{ "watch --seconds -1", { "watch", "--seconds", "-1", NULL } },
		{ "watch --strips 0", { "watch", "--strips", "0", NULL } },
		{ "scene without a verb", { "scene", NULL } },
		{ "scene rename", { "scene", "rename", "a", NULL } },
		{ "scene save without a name", { "scene", "save", NULL } },
		{ "a scene name with a slash", { "scene", "save", "../escape", NULL } },
		{ "scene name ..", { "scene", "load", "..", NULL } },
		{ "an empty scene name", { "scene", "save", "", NULL } },
		{ "a scene name of 65 characters",
		  { "scene", "save",
		    "a123456789b123456789c123456789d123456789e123456789f123456789g1234", NULL } },
		{ "scene list with a name", { "scene", "list", "x", NULL } },
		{ "scene save with two names", { "scene", "save", "a", "b", NULL } },
	};
	struct ctl r;

	world_up("2");
	for (size_t i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		ctl_runv(&r, usage[i].args);
		assert_usage(&r, usage[i].what);
	}
	/* found wrong only once mixd has said what type the parameter is: no usage text */
	ctl_run(&r, "set", "/strip/1/fader", "loud", NULL);
	assert_failed(&r, 2, "not a finite number", "a fader value that is not a number");

	ctl_run(&r, "--help", NULL);
	assert_status(&r, 0, "--help");
	ck_assert_msg(strstr(r.out, "scene save NAME") != NULL, "--help lacks the scene commands");
	ctl_free(&r);
	/* none of it reached mixd, which is still fine */
	ck_assert(h_osc_ping(w.osc, H_REPLY_MS));
	e2e_stop_mixd(&w);
}
END_TEST

/* scene save, list (sorted, one per line), load (the saved values come back). */
START_TEST(test_scenes)
{
	struct ctl r;
	float v = 0.0f;
	int64_t deadline;

	world_up("2");
	ctl_run(&r, "scene", "list", NULL);
	assert_done(&r, 0, "", "scene list of none");

	e2e_set_f(&w, "/strip/1/fader", -6.0);
	ctl_run(&r, "scene", "save", "verse_2.a-b", NULL);
	assert_done(&r, 0, "scene verse_2.a-b saved\n", "scene save");

	e2e_set_f(&w, "/strip/1/fader", -12.0);
	ctl_run(&r, "scene", "save", "Chorus", NULL);
	assert_status(&r, 0, "scene save");
	ctl_free(&r);

	ctl_run(&r, "scene", "list", NULL);
	assert_done(&r, 0, "Chorus\nverse_2.a-b\n", "scene list");

	ctl_run(&r, "scene", "load", "verse_2.a-b", NULL);
	assert_done(&r, 0, "scene verse_2.a-b loaded\n", "scene load");
	/* the value is the scene's as soon as it is loaded; the audio glides to it */
	deadline = h_now_ms() + 2000;
	for (;;) {
		ck_assert_int_eq(h_osc_get_f(w.osc, "/strip/1/fader", &v), 0);
		if (fabsf(v + 6.0f) <= 1e-3f || h_now_ms() > deadline)
			break;
		h_sleep_ms(20);
	}
	ck_assert_msg(fabsf(v + 6.0f) <= 1e-3f, "fader %.3f after loading the scene saved at -6",
	              (double)v);

	ctl_run(&r, "get", "/strip/1/fader", NULL);
	assert_out(&r, "/strip/1/fader -6\n", "get after scene load");
	ctl_free(&r);
	e2e_stop_mixd(&w);
}
END_TEST

/* One snapshot line of strip k, peak in *peak_db; false when line is not one. */
static bool
strip_line(const char *line, unsigned k, const char *name, double *peak_db)
{
	char want[96];
	const char *p;

	snprintf(want, sizeof(want), " strip %u \"%s\" peak ", k, name);
	p = strstr(line, want);
	if (!p || p == line)
		return false;
	*peak_db = strtod(p + strlen(want), NULL);
	return true;
}

/* Lines of text that contain needle. */
static unsigned
count_lines(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* watch, not on a terminal: a plain snapshot a second from the subscription, with the meters
 * of the tone, the strips' state and the loudness; the subscription ends with the watch. */
START_TEST(test_watch)
{
	struct ctl r;
	unsigned n_strip1 = 0;
	double peak = -999.0, last_peak = -999.0, m_lufs = -999.0;
	const char *loud;
	int out_fd, err_fd;
	pid_t pid;

	world_up("3");
	e2e_set_s(&w, "/strip/1/name", "Tone");
	e2e_set_f(&w, "/strip/2/fader", -3.0);
	e2e_set_i(&w, "/strip/3/mute", 1);
	/* the tone pre-fader at 0 dB to aux 2, which is named: its line reads the tone's peak */
	e2e_set_f(&w, "/strip/1/send/aux/2/level", 0.0);
	e2e_set_s(&w, "/aux/2/name", "Wedge 2");
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	e2e_settle(&w);
	e2e_assert_no_error(&w, "set-up");

	ctl_run(&r, "watch", "--seconds", "2.5", "--hz", "20", NULL);
	assert_status(&r, 0, "watch --seconds 2.5");
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strip_line(line, 1, "Tone", &peak)) {
			n_strip1++;
			last_peak = peak;
		}
		if ((loud = strstr(line, " loudness M ")))
			m_lufs = strtod(loud + strlen(" loudness M "), NULL);
		if (strstr(line, " strip 2 \"2\" "))
			ck_assert_msg(strstr(line, " fader -3.0 mute 0 solo 0"), "strip 2: %s",
			              line);
		if (strstr(line, " strip 3 \"3\" "))
			ck_assert_msg(strstr(line, " mute 1 "), "strip 3 not muted: %s", line);
	}
	ck_assert_msg(n_strip1 >= 2, "%u snapshots of strip 1 in 2.5 s", n_strip1);
	ck_assert_msg(fabs(last_peak - TONE_DBFS) <= TOL_METER_DB,
	              "strip 1 peak %.1f dBFS in the watch, the tone's is %.1f", last_peak,
	              TONE_DBFS);
	/* a 1 kHz sine on both sides at TONE_DBFS - 3.01 (the pan law): K-weighting adds
	 * 0.69 dB at 1 kHz and the stereo sum -0.69 takes it back, so M reads the side's peak */
	ck_assert_msg(fabs(m_lufs - (TONE_DBFS - 3.0103)) <= 0.5,
	              "momentary loudness %.2f LUFS of the tone, expected %.2f +- 0.5", m_lufs,
	              TONE_DBFS - 3.0103);
	ctl_free(&r);

	/* the lines of one snapshot, in the documented format */
	ctl_run(&r, "watch", "--seconds", "1.2", "--strips", "1", NULL);
	assert_status(&r, 0, "watch --strips 1");
	ck_assert_uint_ge(count_lines(r.out, " strip 1 \"Tone\" peak "), 1);
	ck_assert_uint_eq(count_lines(r.out, " strip 2 "), 0);
	ck_assert_uint_ge(count_lines(r.out, " bus reverb peak "), 1);
	ck_assert_uint_ge(count_lines(r.out, " bus delay peak "), 1);
	ck_assert_uint_ge(count_lines(r.out, " bus chorus peak "), 1);
	ck_assert_uint_ge(count_lines(r.out, " aux 1 peak -inf -inf \"Aux 1\""), 1);
	ck_assert_uint_ge(count_lines(r.out, " aux 8 peak "), 1); /* mixd's 8 aux buses */
	ck_assert_uint_eq(count_lines(r.out, " aux 9 "), 0);
	ck_assert_uint_ge(count_lines(r.out, " monitor peak "), 1);
	{
		const char *a = strstr(r.out, " aux 2 peak ");
		double l;

		ck_assert_msg(a != NULL, "no aux 2 line in: %s", r.out);
		l = strtod(a + strlen(" aux 2 peak "), NULL);
		ck_assert_msg(fabs(l - TONE_DBFS) <= TOL_METER_DB,
		              "aux 2 peak %.1f dBFS, the tone's %.1f", l, TONE_DBFS);
		ck_assert_msg(strstr(a, "\"Wedge 2\"") && strchr(a, '\n') > strstr(a, "Wedge 2"),
		              "aux 2 not named: %s", a);
	}
	ck_assert_uint_ge(count_lines(r.out, " loudness M "), 1);
	ck_assert_msg(strstr(r.out, " target -14.0 delta "), "no target in: %s", r.out);
	ctl_free(&r);
	ck_assert_int_eq(e2e_stat(&w, "subscribers"), 0);
	ck_assert_int_ge(e2e_stat(&w, "subs_ended"), 2);

	/* SIGTERM (and Ctrl-C) end a watch without --seconds: exit 0, unsubscribed */
	{
		const char *const args[] = { "watch", NULL };

		pid = ctl_start(args, &out_fd, &err_fd);
		h_sleep_ms(1500);
		ck_assert_int_eq(e2e_stat(&w, "subscribers"), 1);
		kill(pid, SIGTERM);
		ctl_finish(pid, out_fd, err_fd, &r);
	}
	assert_status(&r, 0, "watch ended by SIGTERM");
	ck_assert_uint_ge(count_lines(r.out, " loudness M "), 1);
	ctl_free(&r);
	ck_assert_int_eq(e2e_stat(&w, "subscribers"), 0);
	e2e_stop_mixd(&w);
}
END_TEST

/* watch on a terminal: drawn in place (home, lines cleared to their end), coloured unless
 * NO_COLOR, the cursor and line wrap given back at the end. */
START_TEST(test_watch_tty)
{
	static const char *const args[] = { "watch", "--seconds", "1.5", NULL };
	static const char *const colour[] = { "TERM=xterm", NULL };
	static const char *const plain[] = { "TERM=xterm", "NO_COLOR=1", NULL };
	static const char *const dumb[] = { "TERM=dumb", NULL };
	struct ctl r;
	const char *tail;

	world_up("4");
	e2e_set_s(&w, "/strip/1/name", "Tone");
	ck_assert_int_eq(h_probe_sine(w.probe, 1, TONE_HZ, TONE_DBFS), 0);
	e2e_settle(&w);

	ctl_tty(&r, args, colour, 100, 30);
	assert_status(&r, 0, "watch on a terminal");
	ck_assert_msg(count_lines(r.out, "\033[H") >= 10, "%u frames in 1.5 s at 20 Hz",
	              count_lines(r.out, "\033[H"));
	ck_assert_msg(strstr(r.out, "  1 Tone ") != NULL, "no strip line for strip 1");
	ck_assert_msg(strstr(r.out, "loudness") != NULL, "no loudness line");
	ck_assert_msg(strstr(r.out, "\033[K") != NULL, "lines not cleared to their end");
	ck_assert_msg(strstr(r.out, "\033[2J") == NULL, "the screen is erased (flicker)");
	/* a -20 dBFS tone is in the green */
	ck_assert_msg(strstr(r.out, "\033[32m#") != NULL, "no green bar for the tone");
	ck_assert_msg(strstr(r.out, "\033[?25l\033[?7l") != NULL, "cursor not hidden, wrap on");
	tail = "\033[0m\033[?7h\033[?25h\n";
	ck_assert_msg(strlen(r.out) > strlen(tail) &&
	                  !strcmp(r.out + strlen(r.out) - strlen(tail), tail),
	              "terminal not restored at the end");
	ctl_free(&r);

	ctl_tty(&r, args, plain, 100, 30);
	assert_status(&r, 0, "watch with NO_COLOR");
	ck_assert_msg(strstr(r.out, "\033[3") == NULL, "colour despite NO_COLOR");
	ck_assert_msg(strstr(r.out, "\033[H") != NULL, "not drawn in place with NO_COLOR");
	ctl_free(&r);

	/* a terminal that cannot move the cursor gets the plain snapshots */
	ctl_tty(&r, args, dumb, 100, 30);
	assert_status(&r, 0, "watch with TERM=dumb");
	ck_assert_msg(strstr(r.out, "\033[") == NULL, "escape sequences for TERM=dumb");
	ck_assert_uint_ge(count_lines(r.out, " strip 1 \"Tone\" peak "), 1);
	ctl_free(&r);

	/* a short terminal shows the strips that fit: 10 rows, 8 fixed lines (header, three
	 * effect buses, monitor, master L and R, loudness), 2 strips, no room for aux buses */
	ctl_tty(&r, args, colour, 100, 10);
	assert_status(&r, 0, "watch on 10 rows");
	ck_assert_msg(strstr(r.out, "strips 1-2 of 4") != NULL, "10 rows did not limit strips");
	ck_assert_msg(strstr(r.out, "\n  3 ") == NULL, "strip 3 drawn on 10 rows");
	ck_assert_msg(strstr(r.out, "Aux 1") == NULL, "an aux bus drawn on 10 rows");
	ctl_free(&r);
	/* 20 rows: the 4 strips and 8 of the 8 aux buses */
	ctl_tty(&r, args, colour, 100, 20);
	assert_status(&r, 0, "watch on 20 rows");
	ck_assert_msg(strstr(r.out, "strips 1-4 of 4") != NULL, "20 rows: not all strips");
	ck_assert_msg(strstr(r.out, "Aux 8") != NULL && strstr(r.out, "monitor") != NULL,
	              "20 rows: no line for aux 8 or the monitor");
	ctl_free(&r);
	e2e_stop_mixd(&w);
}
END_TEST

/* Each case starts a server and mixd and runs mixctl for a few seconds: generous for slow CI
 * and sanitizer builds. */
#define E2E_CASE_TIMEOUT_S 60

static Suite *
e2e_mixctl_suite(void)
{
	Suite *s = suite_create("e2e_mixctl");

	e2e_add_case(s, "set_get", test_set_get, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "errors", test_errors, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "usage", test_usage, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "scenes", test_scenes, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "watch", test_watch, setup, teardown, E2E_CASE_TIMEOUT_S);
	e2e_add_case(s, "watch_tty", test_watch_tty, setup, teardown, E2E_CASE_TIMEOUT_S);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_mixctl_suite());
}
