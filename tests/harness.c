/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness: processes, sockets and a JACK probe for the end-to-end tests. See harness.h.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <jack/jack.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long a fresh jackd or mixd may take to answer. */
#define H_START_MS 10000
/* SIGTERM grace before SIGKILL, per the contract (mixd saves its state on SIGTERM). */
#define H_MIXD_STOP_MS   5000
#define H_JACKD_STOP_MS  3000
#define H_JACKD_GRACE_MS 500 /* at the end of a world: see h_jackd_free */
/* Bytes of each log printed when something fails. */
#define H_LOG_TAIL 8192

/* Short enough that every log and state path below it fits its 512-byte field. */
static char session_dir[256];
/* Names of servers, state dirs and logs must not collide between the forked tests. */
static unsigned counter;

/* Server names tried in turn: as many as JACK's registry has slots. */
#define H_JACKD_NAMES 8

/* libjack prints "Cannot connect to server socket" on every failed open while we poll for a
 * starting server; the noise would hide real messages in a CI log. */
static atomic_bool jack_quiet;

static void
jack_message(const char *msg)
{
	if (!atomic_load_explicit(&jack_quiet, memory_order_relaxed))
		fprintf(stderr, "libjack: %s\n", msg);
}

static void
jack_hooks_install(void)
{
	jack_set_error_function(jack_message);
	jack_set_info_function(jack_message);
}

/* ---- time --------------------------------------------------------------------------------- */

void
h_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int64_t
h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- session ------------------------------------------------------------------------------ */

int
h_session_begin(void)
{
	const char *tmp = getenv("TMPDIR");

	if (session_dir[0])
		return 0;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(session_dir, sizeof(session_dir), "%s/mixd-e2e-XXXXXX", tmp) >=
	    sizeof(session_dir)) {
		fprintf(stderr, "harness: TMPDIR %s is too long\n", tmp);
		session_dir[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(session_dir)) {
		int err = errno;

		fprintf(stderr, "harness: mkdtemp %s: %s\n", session_dir, strerror(err));
		session_dir[0] = '\0';
		return -err;
	}
	return 0;
}

const char *
h_session_dir(void)
{
	if (!session_dir[0] && h_session_begin() < 0)
		return NULL;
	return session_dir;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
h_session_end(bool keep)
{
	/* No sweep of other runs' /dev/shm files: a server name is reused from a pool of
	 * H_JACKD_NAMES, and a jackd taking a name overwrites what a dead one left under it, so
	 * what a crashed run leaves stays bounded. */
	if (!session_dir[0])
		return;
	if (keep)
		fprintf(stderr, "harness: logs and state kept in %s\n", session_dir);
	else
		nftw(session_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	session_dir[0] = '\0';
}

/* ---- processes ---------------------------------------------------------------------------- */

/* Appends "harness: SET... ARGV..." to the log at path before a start: a failing CI run shows
 * what was started, with what environment. */
static void
log_command(const char *path, const char *const *set, size_t n_set, const char *const *argv,
            size_t argc)
{
	FILE *f = fopen(path, "a");

	if (!f)
		return;
	fputs("harness:", f);
	for (size_t i = 0; i < n_set; i++)
		fprintf(f, " %s", set[i]);
	for (size_t i = 0; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	fputc('\n', f);
	fclose(f);
}

/* The environment for a child: ours, with each "NAME=value" of set replacing or adding. Built
 * before fork, because after fork in a threaded process only async-signal-safe calls are
 * allowed. Returns NULL on ENOMEM. */
static char **
env_build(const char *const *set, size_t n_set)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + n_set + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;

		for (size_t s = 0; s < n_set; s++) {
			size_t len = strcspn(set[s], "=") + 1;

			if (!strncmp(environ[i], set[s], len))
				replaced = true;
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t s = 0; s < n_set; s++)
		env[k++] = (char *)set[s];
	env[k] = NULL;
	return env;
}

/* Forks and execs path with argv/envp, stdout and stderr appended to log_path, stdin from
 * /dev/null. The child dies with us (PR_SET_PDEATHSIG) so no test can leak a server. Returns the
 * pid or a negative errno. */
static pid_t
spawn(const char *path, char *const argv[], char *const envp[], const char *log_path)
{
	pid_t parent = getpid();
	int log_fd, null_fd;
	pid_t pid;

	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return -errno;
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0) {
		int err = errno;

		close(log_fd);
		return -err;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		static const char msg[] = "harness: exec failed\n";

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The parent may have died before prctl took effect. */
		if (getppid() != parent)
			_exit(127);
		dup2(null_fd, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		/* JACK and socket descriptors of the test process must not leak into the child. */
		close_range(3, ~0U, 0);
		execve(path, argv, envp);
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(log_fd);
	close(null_fd);
	return pid < 0 ? -errno : pid;
}

/* Waits up to ms for pid. Returns the raw wait status, or -ETIMEDOUT. */
static int
wait_pid(pid_t pid, unsigned ms)
{
	int64_t deadline = h_now_ms() + ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (h_now_ms() >= deadline)
			return -ETIMEDOUT;
		h_sleep_ms(5);
	}
}

static void
print_tail(const char *what, const char *path)
{
	char buf[H_LOG_TAIL + 1];
	ssize_t n;
	off_t size;
	int fd;

	if (!path || !path[0])
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "---- %s log %s: %s\n", what, path, strerror(errno));
		return;
	}
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > H_LOG_TAIL ? size - H_LOG_TAIL : 0, SEEK_SET);
	n = read(fd, buf, H_LOG_TAIL);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	fprintf(stderr, "---- %s log %s%s ----\n%s%s---- end of %s log ----\n", what, path,
	        size > H_LOG_TAIL ? " (tail)" : "", buf, n && buf[n - 1] != '\n' ? "\n" : "", what);
}

void
h_dump_logs(const struct h_jackd *j, const struct h_mixd *m)
{
	if (j)
		print_tail("jackd", j->log_path);
	if (m)
		print_tail("mixd", m->log_path);
}

/* Finds prog in $PATH (before fork: execvp is not async-signal-safe). */
static int
which(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	snprintf(dirs, sizeof(dirs), "%s", path);
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, prog);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* ---- jackd -------------------------------------------------------------------------------- */

unsigned
h_jackd_period_ms(const struct h_jackd *j)
{
	return (j->period * 1000 + j->rate - 1) / j->rate;
}

/* True once a client can open on the server. */
static bool
jackd_answers(const struct h_jackd *j)
{
	jack_status_t status;
	jack_client_t *c;

	atomic_store(&jack_quiet, true);
	c = jack_client_open("h-wait", JackNoStartServer | JackServerName, &status, j->name);
	atomic_store(&jack_quiet, false);
	if (!c)
		return false;
	jack_client_close(c);
	return true;
}

/* Spawns jackd as j->name and waits until it answers. quiet: a failed start prints nothing
 * (the caller will try another name). Returns 0, -ECHILD when jackd exited during start-up,
 * or another -errno. */
static int
jackd_spawn(struct h_jackd *j, bool quiet)
{
	char rate[16], period[16], bin[PATH_MAX];
	/* -R -P 70: the process thread SCHED_FIFO, as on a stage; -r: no real-time, the default
	 * for tests that must run anywhere */
	char *argv[] = {
		"jackd", "-n", j->name, "-r", "-d", "dummy", "-r", rate, "-p", period, NULL
	};
	char *argv_rt[] = { "jackd", "-n", j->name, "-R", "-P",   "70", "-d",
		            "dummy", "-r", rate,    "-p", period, NULL };
	/* No D-Bus device reservation: the dummy driver needs none and CI has no session bus. */
	const char *const set[] = { "JACK_NO_AUDIO_RESERVATION=1" };
	int64_t deadline;
	char **env;
	pid_t pid;

	if (which("jackd", bin, sizeof(bin)) < 0) {
		fprintf(stderr, "harness: jackd not found in PATH\n");
		return -ENOENT;
	}
	snprintf(rate, sizeof(rate), "%u", j->rate);
	snprintf(period, sizeof(period), "%u", j->period);
	env = env_build(set, 1);
	if (!env)
		return -ENOMEM;
	pid = spawn(bin, j->realtime ? argv_rt : argv, env, j->log_path);
	free(env);
	if (pid < 0) {
		fprintf(stderr, "harness: cannot start jackd: %s\n", strerror((int)-pid));
		return (int)pid;
	}
	j->pid = pid;
	deadline = h_now_ms() + H_START_MS;
	while (h_now_ms() < deadline) {
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid) {
			j->pid = 0;
			if (quiet)
				return -ECHILD;
			fprintf(stderr, "harness: jackd %s exited during start-up (status %#x)\n",
			        j->name, status);
			h_dump_logs(j, NULL);
			return -ECHILD;
		}
		if (jackd_answers(j))
			return 0;
		/* a refused open is cheap; every e2e case starts a server, twice per suite run */
		h_sleep_ms(20);
	}
	fprintf(stderr, "harness: jackd %s did not answer within %d ms\n", j->name, H_START_MS);
	h_dump_logs(j, NULL);
	h_jackd_kill(j, true);
	return -ETIMEDOUT;
}

/* Runs the shell command in the environment variable var (how the script that set up an
 * external server stops and starts it). 0, -ENOTSUP without one, -EIO when it failed. */
static int
external_command(const char *var)
{
	const char *cmd = getenv(var);
	int st;

	if (!cmd || !*cmd)
		return -ENOTSUP;
	fflush(NULL);
	st = system(cmd);
	if (st != 0) {
		fprintf(stderr, "harness: %s (%s) failed: status %d\n", var, cmd, st);
		return -EIO;
	}
	return 0;
}

/* MIXD_E2E_SERVER: the server named there, already running. Fills j from it; 0 or -1. */
static int
jackd_external(struct h_jackd *j, const char *name)
{
	jack_status_t status;
	jack_client_t *c;

	snprintf(j->name, sizeof(j->name), "%s", name);
	j->external = true;
	c = jack_client_open("h-server", JackNoStartServer | JackServerName, &status, j->name);
	if (!c) {
		fprintf(stderr, "harness: MIXD_E2E_SERVER=%s: no such server (status %#x)\n", name,
		        (unsigned)status);
		return -1;
	}
	j->rate = jack_get_sample_rate(c);
	j->period = jack_get_buffer_size(c);
	jack_client_close(c);
	fprintf(stderr, "harness: on the running server %s: %u Hz, %u frames\n", j->name, j->rate,
	        j->period);
	return 0;
}

struct h_jackd *
h_jackd_start(unsigned rate, unsigned period)
{
	return h_jackd_start_opts(rate, period, false);
}

struct h_jackd *
h_jackd_start_opts(unsigned rate, unsigned period, bool realtime)
{
	const char *dir = h_session_dir(), *external = getenv("MIXD_E2E_SERVER");
	struct h_jackd *j;

	if (!dir)
		return NULL;
	jack_hooks_install();
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	if (external && *external) {
		if (jackd_external(j, external) == 0)
			return j;
		free(j);
		return NULL;
	}
	j->rate = rate;
	j->period = period;
	j->realtime = realtime;
	/* JACK's shared registry has 8 server slots, and a jackd that dies without cleaning up
	 * (SIGKILL, a test killed by a timeout) keeps its slot until a server of the same name
	 * starts. Names from a fixed pool reclaim such slots; a name whose server is alive (another
	 * test run) makes jackd exit at once, and the next name is tried. */
	for (unsigned slot = 0; slot < H_JACKD_NAMES; slot++) {
		int ret;

		snprintf(j->name, sizeof(j->name), "mixdt-%u", slot);
		/* Check forks a process per test: the pid keeps file names apart */
		snprintf(j->log_path, sizeof(j->log_path), "%s/%s.%ld-%u.jackd.log", dir, j->name,
		         (long)getpid(), counter++);
		if (jackd_answers(j))
			continue; /* another run's server has this name */
		ret = jackd_spawn(j, slot + 1 < H_JACKD_NAMES);
		if (ret == 0)
			return j;
		if (ret != -ECHILD)
			break;
	}
	free(j);
	return NULL;
}

struct h_jackd *
h_jackd_attach(const char *name)
{
	struct h_jackd *j;

	if (!h_session_dir())
		return NULL;
	jack_hooks_install();
	j = calloc(1, sizeof(*j));
	if (j && jackd_external(j, name) < 0) {
		free(j);
		j = NULL;
	}
	return j;
}

int
h_jackd_kill(struct h_jackd *j, bool hard)
{
	int status;

	if (j->external)
		return external_command(hard ? "MIXD_E2E_SERVER_KILL" : "MIXD_E2E_SERVER_STOP");
	if (!j->pid)
		return -ESRCH;
	kill(j->pid, hard ? SIGKILL : SIGTERM);
	status = wait_pid(j->pid, H_JACKD_STOP_MS);
	if (status == -ETIMEDOUT) {
		fprintf(stderr, "harness: jackd %s ignored SIGTERM, killing\n", j->name);
		kill(j->pid, SIGKILL);
		wait_pid(j->pid, H_JACKD_STOP_MS);
	}
	j->pid = 0;
	return 0;
}

int
h_jackd_restart(struct h_jackd *j)
{
	if (j->external) {
		int64_t deadline = h_now_ms() + H_START_MS;
		int ret = external_command("MIXD_E2E_SERVER_START");

		while (ret == 0 && !jackd_answers(j)) {
			if (h_now_ms() >= deadline) {
				fprintf(stderr, "harness: %s did not answer after its restart\n",
				        j->name);
				return -ETIMEDOUT;
			}
			h_sleep_ms(50);
		}
		return ret;
	}
	if (j->pid)
		h_jackd_kill(j, false);
	return jackd_spawn(j, false);
}

/* A jackd killed with SIGKILL leaves its shared memory and semaphores in /dev/shm, and so
 * does one killed by PR_SET_PDEATHSIG. The server name was ours while our jackd held it (a
 * second server cannot take a live name), so every file carrying it is ours to remove once
 * the server is gone. */
static void
jackd_clean_shm(const struct h_jackd *j)
{
	char pat[2][160];

	snprintf(pat[0], sizeof(pat[0]), "/dev/shm/jack_%s_*", j->name);
	snprintf(pat[1], sizeof(pat[1]), "/dev/shm/jack_sem.*_%s_*", j->name);
	for (int k = 0; k < 2; k++) {
		glob_t g;

		if (glob(pat[k], GLOB_NOSORT, NULL, &g) == 0)
			for (size_t i = 0; i < g.gl_pathc; i++)
				unlink(g.gl_pathv[i]);
		globfree(&g);
	}
}

/* The end of a world: nothing more is learnt from the server. A jackd stops on SIGTERM in
 * ~60 ms here, but one whose client was just killed can sit on it for seconds (13 cases of a
 * suite run waited out h_jackd_kill's 3 s): after H_JACKD_GRACE_MS it is killed, and its files
 * are removed below either way. */
void
h_jackd_free(struct h_jackd *j)
{
	if (!j)
		return;
	if (j->pid && !j->external) {
		kill(j->pid, SIGTERM);
		if (wait_pid(j->pid, H_JACKD_GRACE_MS) == -ETIMEDOUT) {
			kill(j->pid, SIGKILL);
			wait_pid(j->pid, H_JACKD_STOP_MS);
		}
		j->pid = 0;
	} else if (j->pid) {
		h_jackd_kill(j, false);
	}
	if (!j->external) /* not ours: what it holds is its own */
		jackd_clean_shm(j);
	free(j);
}

/* ---- mixd --------------------------------------------------------------------------------- */

static bool
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

const char *
h_mixd_bin(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("MIXD_BIN");
	char root[PATH_MAX - 32]; /* room for the suffix below */
	char *slash;

	if (env && *env) {
		if (executable(env))
			return env;
		fprintf(stderr, "harness: MIXD_BIN=%s is not an executable file\n", env);
		return NULL;
	}
	/* __FILE__ is absolute when this file was compiled by absolute path: tests/harness.c ->
	 * the repository root. Under meson it is relative to the build directory instead, which is
	 * also where `meson test` runs, hence the second candidate. */
	snprintf(root, sizeof(root), "%s", __FILE__);
	slash = strrchr(root, '/');
	if (slash) {
		*slash = '\0';
		slash = strrchr(root, '/');
	}
	if (slash) {
		*slash = '\0';
		snprintf(found, sizeof(found), "%s/build/daemon/mixd", root);
		if (executable(found))
			return found;
	}
	static const char *const rel[] = { "daemon/mixd", "build/daemon/mixd",
		                           "../build/daemon/mixd" };

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (executable(rel[i])) {
			snprintf(found, sizeof(found), "%s", rel[i]);
			return found;
		}
	}
	fprintf(stderr, "harness: no mixd binary: set MIXD_BIN\n");
	return NULL;
}

/* A UDP (or TCP) port free right now on 127.0.0.1 (the kernel picks it; we release it for
 * mixd). */
static int
free_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd, port = -1;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	else
		port = -errno;
	close(fd);
	return port;
}

static int
status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -EPROTO;
}

bool
h_mixd_alive(struct h_mixd *m)
{
	int status;

	if (!m->pid)
		return false;
	if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
		m->pid = 0;
		m->status = status_code(status);
		return false;
	}
	return true;
}

/* Pings until /pong, the deadline, or mixd's death. */
static int
mixd_wait_pong(struct h_mixd *m)
{
	int64_t deadline = h_now_ms() + H_START_MS;
	struct h_osc *o = h_osc_open(NULL, m->port);
	int ret = -ETIMEDOUT;

	if (!o)
		return -ENOMEM;
	while (h_now_ms() < deadline) {
		if (!h_mixd_alive(m)) {
			fprintf(stderr, "harness: mixd exited during start-up (status %d)\n",
			        m->status);
			ret = -ECHILD;
			break;
		}
		if (h_osc_ping(o, 200)) {
			ret = 0;
			break;
		}
	}
	h_osc_close(o);
	return ret;
}

struct h_mixd *
h_mixd_start(const struct h_jackd *j, const struct h_mixd_opts *opts, ...)
{
	const char *args[48];
	size_t n = 0;
	va_list ap;

	va_start(ap, opts);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *)) {
		if (n + 1 >= sizeof(args) / sizeof(args[0])) {
			va_end(ap);
			fprintf(stderr, "harness: too many mixd arguments\n");
			return NULL;
		}
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return h_mixd_startv(j, opts, args);
}

struct h_mixd *
h_mixd_startv(const struct h_jackd *j, const struct h_mixd_opts *opts, const char *const *args)
{
	const char *bin = h_mixd_bin(), *dir = h_session_dir();
	char port_arg[80], http_arg[16], server_env[128], preload_env[PATH_MAX + 16],
	    out_env[PATH_MAX + 16];
	char asan_env[1024];
	const char *set[5];
	const char *argv[64];
	size_t argc = 0, n_set = 0;
	struct h_mixd *m;
	char **env;
	int port;

	if (!bin || !dir)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->jackd = j;
	port = free_port(SOCK_DGRAM);
	if (port <= 0) {
		fprintf(stderr, "harness: no free UDP port: %s\n", strerror(-port));
		goto fail;
	}
	m->port = (uint16_t)port;
	snprintf(m->name, sizeof(m->name), "mixd");
	snprintf(m->state_dir, sizeof(m->state_dir), "%s/%s.mixd-%ld-%u.state", dir, j->name,
	         (long)getpid(), counter);
	snprintf(m->log_path, sizeof(m->log_path), "%s/%s.mixd-%ld-%u.log", dir, j->name,
	         (long)getpid(), counter);
	counter++;
	if (mkdir(m->state_dir, 0700) < 0) {
		fprintf(stderr, "harness: mkdir %s: %s\n", m->state_dir, strerror(errno));
		goto fail;
	}

	argv[argc++] = bin;
	argv[argc++] = "--name";
	argv[argc++] = m->name;
	if (opts && opts->listen_host) {
		snprintf(port_arg, sizeof(port_arg), "%s:%d", opts->listen_host, port);
		argv[argc++] = "--osc-listen";
	} else {
		snprintf(port_arg, sizeof(port_arg), "%d", port);
		argv[argc++] = "--osc-port";
	}
	argv[argc++] = port_arg;
	argv[argc++] = "--state-dir";
	argv[argc++] = m->state_dir;
	if (opts && opts->http) {
		int hp = free_port(SOCK_STREAM);

		if (hp <= 0) {
			fprintf(stderr, "harness: no free TCP port: %s\n", strerror(-hp));
			goto fail;
		}
		m->http_port = (uint16_t)hp;
	}
	snprintf(http_arg, sizeof(http_arg), "%u", (unsigned)m->http_port);
	argv[argc++] = "--http-port";
	argv[argc++] = http_arg;
	for (size_t i = 0; args && args[i]; i++) {
		if (argc + 1 >= sizeof(argv) / sizeof(argv[0])) {
			fprintf(stderr, "harness: too many mixd arguments\n");
			goto fail;
		}
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;

	snprintf(server_env, sizeof(server_env), "JACK_DEFAULT_SERVER=%s", j->name);
	set[n_set++] = server_env;
	if (opts && opts->preload) {
		const char *asan = getenv("ASAN_OPTIONS");

		snprintf(preload_env, sizeof(preload_env), "LD_PRELOAD=%s", opts->preload);
		set[n_set++] = preload_env;
		/* In a sanitizer build mixd carries the ASan runtime, which refuses to start when a
		 * preloaded library comes first in the link order. The interposer only forwards to
		 * the next malloc (ASan's), so the check is safe to lift. */
		snprintf(asan_env, sizeof(asan_env), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
		         asan ? asan : "", asan && *asan ? ":" : "");
		set[n_set++] = asan_env;
	}
	if (opts && opts->rtcheck_out) {
		snprintf(out_env, sizeof(out_env), "RTCHECK_OUT=%s", opts->rtcheck_out);
		set[n_set++] = out_env;
		/* the interposer proves it counts before it is believed: h_rtcheck_verify asks for
		 * its "selftest 1" */
		set[n_set++] = "RTCHECK_SELFTEST=1";
	}
	env = env_build(set, n_set);
	if (!env)
		goto fail;
	log_command(m->log_path, set, n_set, argv, argc);
	m->pid = spawn(bin, (char *const *)argv, env, m->log_path);
	free(env);
	if (m->pid < 0) {
		fprintf(stderr, "harness: cannot start %s: %s\n", bin, strerror((int)-m->pid));
		m->pid = 0;
		goto fail;
	}
	if (mixd_wait_pong(m) < 0) {
		fprintf(stderr, "harness: mixd did not answer /ping on port %d\n", port);
		h_dump_logs(j, m);
		goto fail;
	}
	return m;
fail:
	h_mixd_free(m);
	return NULL;
}

struct h_mixd *
h_mixd_start_env(const struct h_jackd *j, const char *const *env, const char *const *args)
{
	const char *bin = h_mixd_bin(), *dir = h_session_dir();
	char server_env[128];
	const char *set[32];
	const char *argv[64];
	size_t argc = 0, n_set = 0;
	struct h_mixd *m;
	char **envp;

	if (!bin || !dir)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->jackd = j;
	snprintf(m->log_path, sizeof(m->log_path), "%s/%s.mixd-%ld-%u.log", dir,
	         j ? j->name : "nojack", (long)getpid(), counter++);
	if (j) {
		snprintf(server_env, sizeof(server_env), "JACK_DEFAULT_SERVER=%s", j->name);
		set[n_set++] = server_env;
	}
	for (size_t i = 0; env && env[i]; i++) {
		if (n_set >= sizeof(set) / sizeof(set[0])) {
			fprintf(stderr, "harness: too many environment settings\n");
			goto fail;
		}
		set[n_set++] = env[i];
	}
	argv[argc++] = bin;
	for (size_t i = 0; args && args[i]; i++) {
		if (argc + 1 >= sizeof(argv) / sizeof(argv[0])) {
			fprintf(stderr, "harness: too many mixd arguments\n");
			goto fail;
		}
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;
	envp = env_build(set, n_set);
	if (!envp)
		goto fail;
	log_command(m->log_path, set, n_set, argv, argc);
	m->pid = spawn(bin, (char *const *)argv, envp, m->log_path);
	free(envp);
	if (m->pid < 0) {
		fprintf(stderr, "harness: cannot start %s: %s\n", bin, strerror((int)-m->pid));
		m->pid = 0;
		goto fail;
	}
	return m;
fail:
	h_mixd_free(m);
	return NULL;
}

int
h_mixd_wait_exit(struct h_mixd *m, unsigned ms)
{
	int64_t deadline = h_now_ms() + ms;

	while (h_mixd_alive(m)) {
		if (h_now_ms() >= deadline)
			return -ETIMEDOUT;
		h_sleep_ms(5);
	}
	return m->status;
}

int
h_mixd_stop(struct h_mixd *m)
{
	int status;

	if (!m->pid)
		return m->status;
	kill(m->pid, SIGTERM);
	status = wait_pid(m->pid, H_MIXD_STOP_MS);
	if (status == -ETIMEDOUT) {
		fprintf(stderr, "harness: mixd did not exit within %d ms of SIGTERM, killing\n",
		        H_MIXD_STOP_MS);
		kill(m->pid, SIGKILL);
		wait_pid(m->pid, H_MIXD_STOP_MS);
		m->status = -ETIMEDOUT;
	} else {
		m->status = status < 0 ? status : status_code(status);
	}
	m->pid = 0;
	if (m->status != 0) {
		fprintf(stderr, "harness: mixd stop status %d\n", m->status);
		h_dump_logs(m->jackd, m);
	}
	return m->status;
}

void
h_mixd_free(struct h_mixd *m)
{
	if (!m)
		return;
	if (m->pid) {
		kill(m->pid, SIGKILL);
		wait_pid(m->pid, H_MIXD_STOP_MS);
	}
	free(m);
}

/* ---- OSC client --------------------------------------------------------------------------- */

struct h_osc {
	int fd;
	struct sockaddr_in dst;
	uint8_t buf[65536];
	/* a bundle being handed out element by element: bytes [bpos, blen) of bundle[] */
	uint8_t bundle[65536];
	size_t bpos, blen;
};

struct h_osc *
h_osc_open(const char *local_addr, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct h_osc *o = calloc(1, sizeof(*o));
	int rcvbuf = 4 << 20;

	if (!o)
		return NULL;
	if (inet_pton(AF_INET, local_addr ? local_addr : "127.0.0.1", &a.sin_addr) != 1) {
		fprintf(stderr, "harness: bad local address %s\n", local_addr);
		goto fail;
	}
	o->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (o->fd < 0)
		goto fail;
	/* /list answers with one datagram per parameter in one burst (about 40 per strip): the
	 * default receive buffer holds some 250 of them (the kernel caps this at rmem_max) */
	setsockopt(o->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(o->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "harness: bind %s: %s\n", local_addr ? local_addr : "127.0.0.1",
		        strerror(errno));
		close(o->fd);
		goto fail;
	}
	o->dst.sin_family = AF_INET;
	o->dst.sin_port = htons(port);
	o->dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return o;
fail:
	free(o);
	return NULL;
}

void
h_osc_close(struct h_osc *o)
{
	if (!o)
		return;
	close(o->fd);
	free(o);
}

int
h_osc_send_raw(struct h_osc *o, const void *data, size_t len)
{
	ssize_t n = sendto(o->fd, data, len, 0, (const struct sockaddr *)&o->dst, sizeof(o->dst));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

ssize_t
h_osc_serialise(const char *path, lo_message msg, void *buf, size_t cap)
{
	size_t len = lo_message_length(msg, path);

	if (len == 0 || len > cap)
		return -ENOBUFS;
	if (!lo_message_serialise(msg, path, buf, &len))
		return -EINVAL;
	return (ssize_t)len;
}

int
h_osc_send(struct h_osc *o, const char *path, const char *types, ...)
{
	lo_message msg = lo_message_new();
	uint8_t buf[4096];
	int ret = 0;
	ssize_t len;
	va_list ap;

	if (!msg)
		return -ENOMEM;
	va_start(ap, types);
	for (const char *t = types; *t && !ret; t++) {
		switch (*t) {
		case 'f':
			ret = lo_message_add_float(msg, (float)va_arg(ap, double));
			break;
		case 'd':
			ret = lo_message_add_double(msg, va_arg(ap, double));
			break;
		case 'i':
			ret = lo_message_add_int32(msg, va_arg(ap, int));
			break;
		case 'h':
			ret = lo_message_add_int64(msg, va_arg(ap, int64_t));
			break;
		case 's':
			ret = lo_message_add_string(msg, va_arg(ap, const char *));
			break;
		case 'T':
			ret = lo_message_add_true(msg);
			break;
		case 'F':
			ret = lo_message_add_false(msg);
			break;
		case 'N':
			ret = lo_message_add_nil(msg);
			break;
		default:
			ret = -1;
			break;
		}
	}
	va_end(ap);
	if (ret) {
		lo_message_free(msg);
		return -EINVAL;
	}
	len = h_osc_serialise(path, msg, buf, sizeof(buf));
	lo_message_free(msg);
	if (len < 0)
		return (int)len;
	return h_osc_send_raw(o, buf, (size_t)len);
}

int
h_osc_set_f(struct h_osc *o, const char *path, float v)
{
	return h_osc_send(o, path, "f", (double)v);
}

int
h_osc_set_i(struct h_osc *o, const char *path, int v)
{
	return h_osc_send(o, path, "i", v);
}

int
h_osc_set_s(struct h_osc *o, const char *path, const char *v)
{
	return h_osc_send(o, path, "s", v);
}

void
h_msg_free(struct h_msg *m)
{
	if (!m)
		return;
	if (m->msg)
		lo_message_free(m->msg);
	free(m);
}

float
h_arg_f(const struct h_msg *m, int i)
{
	float v;

	memcpy(&v, m->argv[i], sizeof(v));
	return v;
}

int32_t
h_arg_i(const struct h_msg *m, int i)
{
	int32_t v;

	memcpy(&v, m->argv[i], sizeof(v));
	return v;
}

int64_t
h_arg_h(const struct h_msg *m, int i)
{
	int64_t v;

	memcpy(&v, m->argv[i], sizeof(v));
	return v;
}

const char *
h_arg_s(const struct h_msg *m, int i)
{
	return (const char *)m->argv[i];
}

/* Parses one datagram as a message; NULL (printed) if it is not one. */
static struct h_msg *
parse_message(uint8_t *data, size_t n)
{
	struct h_msg *m;
	size_t plen;
	int res = 0;

	plen = strnlen((const char *)data, n);
	if (plen == n || plen >= sizeof(m->path) || data[0] != '/') {
		fprintf(stderr, "harness: unparseable reply (%zu bytes)\n", n);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	memcpy(m->path, data, plen + 1);
	m->msg = lo_message_deserialise(data, n, &res);
	if (!m->msg) {
		fprintf(stderr, "harness: reply %s does not parse (liblo error %d)\n", m->path,
		        res);
		free(m);
		return NULL;
	}
	m->types = lo_message_get_types(m->msg);
	if (!m->types)
		m->types = "";
	m->argc = lo_message_get_argc(m->msg);
	m->argv = lo_message_get_argv(m->msg);
	return m;
}

/* The next element of the bundle being handed out, or NULL when it is used up. mixd's feedback
 * comes in bundles of plain messages (no nesting); a malformed element ends the bundle. */
static struct h_msg *
next_bundle_element(struct h_osc *o)
{
	while (o->bpos + 4 <= o->blen) {
		const uint8_t *p = o->bundle + o->bpos;
		size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		struct h_msg *m;

		if (n == 0 || n % 4 || n > o->blen - o->bpos - 4)
			break;
		o->bpos += 4 + n;
		m = parse_message(o->bundle + o->bpos - n, n);
		if (m)
			return m;
	}
	o->bpos = o->blen = 0;
	return NULL;
}

struct h_msg *
h_osc_recv(struct h_osc *o, int timeout_ms)
{
	int64_t deadline = h_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		struct h_msg *e = next_bundle_element(o);
		if (e)
			return e;

		int64_t left = deadline - h_now_ms();
		struct pollfd pfd = { .fd = o->fd, .events = POLLIN };
		struct h_msg *m;
		ssize_t n;
		int r;

		r = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		n = recv(o->fd, o->buf, sizeof(o->buf), 0);
		if (n < 0) {
			/* ECONNREFUSED: an ICMP error from an earlier send; not a reply. */
			if (errno == EINTR || errno == ECONNREFUSED || errno == EAGAIN)
				continue;
			return NULL;
		}
		if (n >= 16 && !memcmp(o->buf, "#bundle", 8)) {
			memcpy(o->bundle, o->buf, (size_t)n);
			o->bpos = 16; /* past "#bundle" and the timetag */
			o->blen = (size_t)n;
			continue;
		}
		m = parse_message(o->buf, (size_t)n);
		if (m)
			return m;
	}
}

struct h_msg *
h_osc_wait(struct h_osc *o, const char *path, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - h_now_ms();
		struct h_msg *m = h_osc_recv(o, left > 0 ? (int)left : 0);

		if (!m || !strcmp(m->path, path))
			return m;
		h_msg_free(m);
	}
}

int
h_osc_drain(struct h_osc *o)
{
	int n = 0;

	for (struct h_msg *m; (m = h_osc_recv(o, 0)); n++)
		h_msg_free(m);
	return n;
}

static bool
is_error_for(const struct h_msg *m, const char *address)
{
	return !strcmp(m->path, "/error") && m->argc >= 1 && m->types[0] == 's' &&
	       !strcmp(h_arg_s(m, 0), address);
}

struct h_msg *
h_osc_get(struct h_osc *o, const char *path)
{
	int64_t deadline;

	h_osc_drain(o);
	if (h_osc_send(o, path, "") < 0)
		return NULL;
	deadline = h_now_ms() + H_REPLY_MS;
	for (;;) {
		int64_t left = deadline - h_now_ms();
		struct h_msg *m = h_osc_recv(o, left > 0 ? (int)left : 0);

		if (!m || !strcmp(m->path, path) || is_error_for(m, path))
			return m;
		h_msg_free(m);
	}
}

/* get with one argument of type t; prints what was wrong. */
static struct h_msg *
get_one(struct h_osc *o, const char *path, char t, int *err)
{
	struct h_msg *m = h_osc_get(o, path);

	*err = 0;
	if (!m) {
		fprintf(stderr, "harness: no reply to get %s\n", path);
		*err = -ENOMSG;
		return NULL;
	}
	if (!strcmp(m->path, "/error")) {
		fprintf(stderr, "harness: get %s: /error %s\n", path,
		        m->argc >= 2 && m->types[1] == 's' ? h_arg_s(m, 1) : "?");
		*err = -ENOMSG;
	} else if (m->argc != 1 || m->types[0] != t) {
		fprintf(stderr, "harness: get %s: reply types ,%s, expected ,%c\n", path, m->types,
		        t);
		*err = -EPROTO;
	}
	if (*err) {
		h_msg_free(m);
		return NULL;
	}
	return m;
}

int
h_osc_get_f(struct h_osc *o, const char *path, float *out)
{
	int err;
	struct h_msg *m = get_one(o, path, 'f', &err);

	if (m) {
		*out = h_arg_f(m, 0);
		h_msg_free(m);
	}
	return err;
}

int
h_osc_get_i(struct h_osc *o, const char *path, int *out)
{
	int err;
	struct h_msg *m = get_one(o, path, 'i', &err);

	if (m) {
		*out = h_arg_i(m, 0);
		h_msg_free(m);
	}
	return err;
}

int
h_osc_get_s(struct h_osc *o, const char *path, char *out, size_t len)
{
	int err;
	struct h_msg *m = get_one(o, path, 's', &err);

	if (m) {
		snprintf(out, len, "%s", h_arg_s(m, 0));
		h_msg_free(m);
	}
	return err;
}

bool
h_osc_expect_error(struct h_osc *o, const char *address, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - h_now_ms();
		struct h_msg *m = h_osc_recv(o, left > 0 ? (int)left : 0);
		bool hit;

		if (!m)
			return false;
		hit = is_error_for(m, address);
		if (hit && (m->argc != 2 || strcmp(m->types, "ss")))
			fprintf(stderr, "harness: /error for %s has types ,%s (expected ,ss)\n",
			        address, m->types);
		hit = hit && m->argc == 2 && !strcmp(m->types, "ss");
		h_msg_free(m);
		if (hit)
			return true;
	}
}

bool
h_osc_ping(struct h_osc *o, int timeout_ms)
{
	struct h_msg *m;

	h_osc_drain(o);
	if (h_osc_send(o, "/ping", "") < 0)
		return false;
	m = h_osc_wait(o, "/pong", timeout_ms);
	h_msg_free(m);
	return m != NULL;
}

int
h_osc_stat(struct h_osc *o, const char *name, int64_t *out)
{
	struct h_msg *m = h_osc_get(o, "/stats");
	int ret = -ENOENT;

	if (!m || strcmp(m->path, "/stats")) {
		fprintf(stderr, "harness: no /stats reply\n");
		h_msg_free(m);
		return -ENOMSG;
	}
	if (m->argc % 2) {
		fprintf(stderr, "harness: /stats has an odd argument count (,%s)\n", m->types);
		ret = -EPROTO;
	}
	for (int i = 0; ret == -ENOENT && i + 1 < m->argc; i += 2) {
		if (m->types[i] != 's' || m->types[i + 1] != 'h') {
			fprintf(stderr, "harness: /stats pair %d has types %c%c (expected sh)\n",
			        i / 2, m->types[i], m->types[i + 1]);
			ret = -EPROTO;
		} else if (!strcmp(h_arg_s(m, i), name)) {
			*out = h_arg_h(m, i + 1);
			ret = 0;
		}
	}
	if (ret == -ENOENT)
		fprintf(stderr, "harness: /stats has no counter '%s' (,%s)\n", name, m->types);
	h_msg_free(m);
	return ret;
}

/* ---- JACK probe --------------------------------------------------------------------------- */

enum gen_kind { GEN_SILENCE, GEN_SINE, GEN_NOISE, GEN_NOISE_LP };

struct gen {
	enum gen_kind kind;
	double freq_hz; /* sine frequency, or the low-pass cutoff of GEN_NOISE_LP */
	double amp;     /* linear peak; the RMS for GEN_NOISE_LP */
	uint32_t seed;
};

/* One output. staged/version are written by the control thread, active/phase/rng belong to
 * the process callback; ack tells the control thread which version the callback runs. */
struct probe_out {
	jack_port_t *port;
	struct gen staged;
	atomic_uint version;
	atomic_uint ack;
	struct gen active;
	unsigned seen;
	double phase, inc; /* radians, radians per frame */
	uint32_t rng;      /* xorshift32 state, never 0 */
	double lp1, lp2;   /* GEN_NOISE_LP: the two one-pole states */
	double lp_c, lp_g; /* GEN_NOISE_LP: one-pole coefficient, output gain */
	float *sent;       /* what was played while recording */
};

/* Where the transport was when a recorded period began (h_probe_transport_at). */
struct probe_tpos {
	size_t rec_pos; /* the period's first recorded frame */
	uint32_t frame; /* the transport's frame then */
	bool rolling;
};

struct h_probe {
	jack_client_t *client;
	unsigned n_out;
	unsigned rate;
	struct probe_out out[H_PROBE_MAX_OUT];
	jack_port_t *in[2];
	float *rec[2];
	size_t max_frames;
	/* Written by control before armed is set (release), then owned by the callback until it
	 * clears armed (release). */
	size_t rec_want, rec_pos;
	atomic_int armed;
	/* The transport as each recorded period saw it (h_probe_transport_at): owned like rec_pos.
	 * One entry per period, so a period of at least 16 frames fills at most max_frames/16. */
	struct probe_tpos *tpos;
	size_t n_tpos, max_tpos;
	/* Control thread only: the deadline of the recording h_probe_record_start began, 0 when
	 * none is pending. */
	int64_t rec_deadline;
	/* Playback, the same hand-over as recording: written by control before playing is set
	 * (release), then play_pos is the callback's until it clears playing (release). */
	const float *play[H_PROBE_MAX_OUT];
	size_t play_len, play_pos;
	atomic_int playing;
	/* h_probe_play_start_with_transport: the playback waits for a rolling transport, and
	 * play_tframe is the transport frame of its first period (both handed over as play_*) */
	bool play_on_roll;
	uint32_t play_tframe;
	int64_t play_deadline;       /* control thread only, as rec_deadline */
	atomic_uint_fast64_t frames; /* periods' frames run (relaxed: a clock, orders nothing) */
	/* Faster than real time (h_probe_fast): the pace per period, and whether the server
	 * freewheels (set by its freewheel callback). next_ns is the callback's own. */
	atomic_uint pace_us;
	atomic_bool freewheeling;
	uint64_t next_ns;
	bool fast; /* control thread: we turned freewheeling on */
	atomic_bool lost;
	/* xruns the server reported during the current recording: where the recording stood
	 * (rec_progress, the frames recorded when the callback last ran) at each. The notification
	 * comes from JACK's own thread, at most a couple of periods after the cycle it is about. */
	atomic_size_t rec_progress;
	atomic_uint n_xruns; /* reset by h_probe_record_start */
	atomic_size_t xrun_at[H_PROBE_MAX_XRUNS];
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* While the server freewheels, holds each period until pace_us after the last one, so the graph
 * runs at a set multiple of real time instead of flat out. Sleeping here is only acceptable
 * because a freewheeling server has no deadline; out of freewheel nothing waits. */
static void
probe_pace(struct h_probe *p)
{
	unsigned pace = atomic_load_explicit(&p->pace_us, memory_order_relaxed);
	uint64_t now;

	if (!pace || !atomic_load_explicit(&p->freewheeling, memory_order_relaxed)) {
		p->next_ns = 0;
		return;
	}
	now = mono_ns();
	/* the first paced period, or one that came too late: the pace starts over from now
	 * rather than catching up in a burst */
	if (!p->next_ns || now > p->next_ns + 4ull * pace * 1000u)
		p->next_ns = now;
	p->next_ns += (uint64_t)pace * 1000u;
	if (p->next_ns > now) {
		struct timespec ts = { .tv_sec = (time_t)(p->next_ns / 1000000000u),
			               .tv_nsec = (long)(p->next_ns % 1000000000u) };

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
}

/* Whether a playback begun or about to begin plays in this period: always, except for one
 * waiting for the transport to roll (then its transport frame is noted). */
static bool
probe_play_go(struct h_probe *p)
{
	jack_position_t pos;

	if (!p->play_on_roll || p->play_pos > 0)
		return true;
	if (jack_transport_query(p->client, &pos) != JackTransportRolling)
		return false;
	p->play_tframe = pos.frame;
	return true;
}

/* Glossary: o->phase/inc drive the sine in double precision so a long recording has no
 * drift; rng is a fixed-seed white noise, uniform in [-amp, amp); lp1/lp2 low-pass that noise
 * for GEN_NOISE_LP. Nothing here allocates, locks or prints: this is a JACK process callback. */
static int
probe_process(jack_nframes_t n_frames, void *arg)
{
	struct h_probe *p = arg;
	float *outs[H_PROBE_MAX_OUT];

	for (unsigned k = 0; k < p->n_out; k++) {
		struct probe_out *o = &p->out[k];
		/* acquire: pairs with the release in gen_stage, so staged is complete. */
		unsigned v = atomic_load_explicit(&o->version, memory_order_acquire);
		float *buf = jack_port_get_buffer(o->port, n_frames);

		if (v != o->seen) {
			o->active = o->staged;
			o->phase = 0.0;
			o->inc = 2.0 * M_PI * o->active.freq_hz / p->rate;
			o->rng = o->active.seed ? o->active.seed : 0x9e3779b9u;
			o->lp1 = o->lp2 = 0.0;
			if (o->active.kind == GEN_NOISE_LP) {
				/* Two one-poles y += c (x - y) with pole q = 1 - c: the cascade's
				 * impulse response is c^2 (n + 1) q^n, whose energy is
				 * c^4 (1 + q^2) / (1 - q^2)^3; uniform noise in [-1, 1) has
				 * variance 1/3. */
				double c = 1.0 - exp(-2.0 * M_PI * o->active.freq_hz / p->rate);
				double q = 1.0 - c, q2 = q * q;
				double energy = c * c * c * c * (1.0 + q2) /
				                ((1.0 - q2) * (1.0 - q2) * (1.0 - q2));

				o->lp_c = c;
				o->lp_g = o->active.amp / sqrt(energy / 3.0);
			}
			o->seen = v;
			atomic_store_explicit(&o->ack, v, memory_order_release);
		}
		outs[k] = buf;
		switch (o->active.kind) {
		case GEN_SINE: {
			double ph = o->phase;

			for (jack_nframes_t i = 0; i < n_frames; i++) {
				buf[i] = (float)(o->active.amp * sin(ph));
				ph += o->inc;
				if (ph >= 2.0 * M_PI)
					ph -= 2.0 * M_PI;
			}
			o->phase = ph;
			break;
		}
		case GEN_NOISE: {
			uint32_t x = o->rng;

			for (jack_nframes_t i = 0; i < n_frames; i++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				buf[i] = (float)(o->active.amp * (x * (2.0 / 4294967296.0) - 1.0));
			}
			o->rng = x;
			break;
		}
		case GEN_NOISE_LP: {
			uint32_t x = o->rng;
			double y1 = o->lp1, y2 = o->lp2, c = o->lp_c;

			for (jack_nframes_t i = 0; i < n_frames; i++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				y1 += c * (x * (2.0 / 4294967296.0) - 1.0 - y1);
				y2 += c * (y1 - y2);
				buf[i] = (float)(o->lp_g * y2);
			}
			o->rng = x;
			o->lp1 = y1;
			o->lp2 = y2;
			break;
		}
		case GEN_SILENCE:
		default:
			memset(buf, 0, n_frames * sizeof(float));
			break;
		}
	}

	/* acquire: pairs with the release in h_probe_play_start, so play/play_len are set. Before
	 * the recording, so what was played is what it records as sent. */
	if (atomic_load_explicit(&p->playing, memory_order_acquire) && probe_play_go(p)) {
		size_t todo = p->play_len - p->play_pos;

		if (todo > n_frames)
			todo = n_frames;
		for (unsigned k = 0; k < p->n_out; k++)
			if (p->play[k])
				memcpy(outs[k], p->play[k] + p->play_pos, todo * sizeof(float));
		p->play_pos += todo;
		/* release: we are done with the buffers before the control thread sees 0. */
		if (p->play_pos == p->play_len)
			atomic_store_explicit(&p->playing, 0, memory_order_release);
	}

	/* acquire: pairs with the release in h_probe_record, so rec_want/rec_pos are set. */
	if (atomic_load_explicit(&p->armed, memory_order_acquire)) {
		size_t todo = p->rec_want - p->rec_pos;

		if (todo > n_frames)
			todo = n_frames;
		if (p->n_tpos < p->max_tpos) {
			jack_position_t pos;
			struct probe_tpos *t = &p->tpos[p->n_tpos++];

			t->rolling = jack_transport_query(p->client, &pos) == JackTransportRolling;
			t->rec_pos = p->rec_pos;
			t->frame = pos.frame;
		}
		for (unsigned ch = 0; ch < 2; ch++) {
			const float *in = jack_port_get_buffer(p->in[ch], n_frames);

			memcpy(p->rec[ch] + p->rec_pos, in, todo * sizeof(float));
		}
		for (unsigned k = 0; k < p->n_out; k++)
			memcpy(p->out[k].sent + p->rec_pos, outs[k], todo * sizeof(float));
		p->rec_pos += todo;
		/* relaxed: a position for xrun reports, nothing is published through it */
		atomic_store_explicit(&p->rec_progress, p->rec_pos, memory_order_relaxed);
		/* release: the recorded samples are visible before armed reads 0. */
		if (p->rec_pos == p->rec_want)
			atomic_store_explicit(&p->armed, 0, memory_order_release);
	}
	atomic_fetch_add_explicit(&p->frames, n_frames, memory_order_relaxed);
	probe_pace(p);
	return 0;
}

static void
probe_freewheel(int starting, void *arg)
{
	struct h_probe *p = arg;

	atomic_store(&p->freewheeling, starting != 0);
}

static void
probe_shutdown(jack_status_t code, const char *reason, void *arg)
{
	struct h_probe *p = arg;

	(void)code;
	(void)reason;
	atomic_store(&p->lost, true);
}

static float *
alloc_touched(size_t n)
{
	float *b = calloc(n ? n : 1, sizeof(float));

	/* calloc may hand out untouched zero pages; write them so the callback never faults. */
	if (b)
		memset(b, 0, (n ? n : 1) * sizeof(float));
	return b;
}

/* H_PROBE_LATENCY_SOURCE: what the probe plays starts here, what it records ends here. JACK
 * calls this off the process thread. */
static void
probe_latency(jack_latency_callback_mode_t mode, void *arg)
{
	struct h_probe *p = arg;
	jack_latency_range_t none = { 0, 0 };

	if (mode == JackCaptureLatency) {
		for (unsigned k = 0; k < p->n_out; k++)
			jack_port_set_latency_range(p->out[k].port, mode, &none);
	} else {
		for (unsigned ch = 0; ch < 2; ch++)
			jack_port_set_latency_range(p->in[ch], mode, &none);
	}
}

/* JACK's notification thread: an xrun, noted at where the recording stands (bounded list). */
static int
probe_xrun(void *arg)
{
	struct h_probe *p = arg;
	unsigned k = atomic_fetch_add_explicit(&p->n_xruns, 1, memory_order_relaxed);

	if (k < H_PROBE_MAX_XRUNS)
		atomic_store_explicit(&p->xrun_at[k],
		                      atomic_load_explicit(&p->rec_progress, memory_order_relaxed),
		                      memory_order_relaxed);
	return 0;
}

bool
h_probe_xrun_near(const struct h_probe *p, size_t i, size_t window)
{
	unsigned n = atomic_load_explicit(&p->n_xruns, memory_order_relaxed);

	if (n > H_PROBE_MAX_XRUNS)
		return true; /* more than the list holds: any place may have one */
	for (unsigned k = 0; k < n; k++) {
		size_t at = atomic_load_explicit(&p->xrun_at[k], memory_order_relaxed);
		if (at + window >= i && at <= i + window)
			return true;
	}
	return false;
}

unsigned
h_probe_xruns(const struct h_probe *p)
{
	return atomic_load_explicit(&p->n_xruns, memory_order_relaxed);
}

struct h_probe *
h_probe_open(const struct h_jackd *j, const char *name, unsigned n_out, size_t max_frames)
{
	return h_probe_open_flags(j, name, n_out, max_frames, 0);
}

struct h_probe *
h_probe_open_flags(const struct h_jackd *j, const char *name, unsigned n_out, size_t max_frames,
                   unsigned flags)
{
	struct h_probe *p;
	jack_status_t status;
	char port[32];

	if (n_out > H_PROBE_MAX_OUT) {
		fprintf(stderr, "harness: at most %d probe outputs\n", H_PROBE_MAX_OUT);
		return NULL;
	}
	jack_hooks_install();
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->n_out = n_out;
	p->max_frames = max_frames;
	for (unsigned ch = 0; ch < 2; ch++)
		if (!(p->rec[ch] = alloc_touched(max_frames)))
			goto fail;
	for (unsigned k = 0; k < n_out; k++)
		if (!(p->out[k].sent = alloc_touched(max_frames)))
			goto fail;
	p->max_tpos = max_frames / 16 + 2;
	p->tpos = calloc(p->max_tpos, sizeof(*p->tpos));
	if (!p->tpos)
		goto fail;

	p->client = jack_client_open(name, JackNoStartServer | JackServerName | JackUseExactName,
	                             &status, j->name);
	if (!p->client) {
		fprintf(stderr, "harness: probe %s cannot open on %s (status %#x)\n", name, j->name,
		        (unsigned)status);
		goto fail;
	}
	p->rate = jack_get_sample_rate(p->client);
	for (unsigned k = 0; k < n_out; k++) {
		snprintf(port, sizeof(port), "out_%u", k + 1);
		p->out[k].port = jack_port_register(p->client, port, JACK_DEFAULT_AUDIO_TYPE,
		                                    JackPortIsOutput, 0);
		if (!p->out[k].port)
			goto fail_port;
	}
	for (unsigned ch = 0; ch < 2; ch++) {
		p->in[ch] = jack_port_register(p->client, ch ? "in_R" : "in_L",
		                               JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
		if (!p->in[ch])
			goto fail_port;
	}
	jack_set_process_callback(p->client, probe_process, p);
	jack_set_freewheel_callback(p->client, probe_freewheel, p);
	jack_set_xrun_callback(p->client, probe_xrun, p);
	jack_on_info_shutdown(p->client, probe_shutdown, p);
	if ((flags & H_PROBE_LATENCY_SOURCE) &&
	    jack_set_latency_callback(p->client, probe_latency, p)) {
		fprintf(stderr, "harness: probe %s cannot set its latency callback\n", name);
		goto fail;
	}
	if (jack_activate(p->client)) {
		fprintf(stderr, "harness: probe %s cannot activate\n", name);
		goto fail;
	}
	return p;
fail_port:
	fprintf(stderr, "harness: probe %s cannot register its ports\n", name);
fail:
	h_probe_close(p);
	return NULL;
}

/* jack_client_close talks to the server; with the server gone it must still return, so it
 * runs on a helper thread we wait for a bounded time (and abandon if it hangs). */
static void *
close_thread(void *arg)
{
	jack_client_close(arg);
	return NULL;
}

void
h_probe_close(struct h_probe *p)
{
	if (!p)
		return;
	if (p->client) {
		pthread_t t;
		struct timespec ts;

		/* freewheeling is the server's state, not the client's: end what we began */
		if (p->fast && !atomic_load(&p->lost))
			jack_set_freewheel(p->client, 0);

		if (pthread_create(&t, NULL, close_thread, p->client) == 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 5;
			if (pthread_timedjoin_np(t, NULL, &ts)) {
				fprintf(stderr, "harness: jack_client_close hangs, abandoned\n");
				pthread_detach(t);
				/* The hung close may still touch p from the callback: leak it. */
				return;
			}
		}
	}
	for (unsigned ch = 0; ch < 2; ch++)
		free(p->rec[ch]);
	for (unsigned k = 0; k < p->n_out; k++)
		free(p->out[k].sent);
	free(p->tpos);
	free(p);
}

static int
gen_stage(struct h_probe *p, unsigned k, struct gen g)
{
	struct probe_out *o;
	int64_t deadline;
	unsigned v;

	if (k < 1 || k > p->n_out)
		return -EINVAL;
	o = &p->out[k - 1];
	o->staged = g;
	/* release: staged is written before the callback can see the new version. */
	v = atomic_fetch_add_explicit(&o->version, 1, memory_order_release) + 1;
	deadline = h_now_ms() + 2000;
	while (atomic_load_explicit(&o->ack, memory_order_acquire) != v) {
		if (h_now_ms() > deadline) {
			fprintf(stderr, "harness: probe generator %u not picked up in 2 s\n", k);
			return -ETIMEDOUT;
		}
		h_sleep_ms(1);
	}
	return 0;
}

int
h_probe_sine(struct h_probe *p, unsigned k, double freq_hz, double peak_dbfs)
{
	struct gen g = { .kind = GEN_SINE, .freq_hz = freq_hz, .amp = pow(10.0, peak_dbfs / 20.0) };

	return gen_stage(p, k, g);
}

int
h_probe_noise(struct h_probe *p, unsigned k, double peak_dbfs, uint32_t seed)
{
	struct gen g = { .kind = GEN_NOISE, .amp = pow(10.0, peak_dbfs / 20.0), .seed = seed };

	return gen_stage(p, k, g);
}

int
h_probe_silence(struct h_probe *p, unsigned k)
{
	struct gen g = { .kind = GEN_SILENCE };

	return gen_stage(p, k, g);
}

int
h_probe_noise_lp(struct h_probe *p, unsigned k, double rms_dbfs, double cutoff_hz, uint32_t seed)
{
	struct gen g = { .kind = GEN_NOISE_LP,
		         .freq_hz = cutoff_hz,
		         .amp = pow(10.0, rms_dbfs / 20.0),
		         .seed = seed };

	if (!(cutoff_hz > 0.0 && cutoff_hz < 0.5 * p->rate))
		return -EINVAL;
	return gen_stage(p, k, g);
}

/* When a recording or playback of n_frames that starts now must have ended: its length in real
 * time, + 5 s. */
static int64_t
deadline_for(const struct h_probe *p, size_t n_frames)
{
	return h_now_ms() + (int64_t)(n_frames * 1000 / (p->rate ? p->rate : 1)) + 5000;
}

int
h_probe_record_start(struct h_probe *p, size_t n_frames)
{
	if (n_frames == 0 || n_frames > p->max_frames)
		return -EINVAL;
	/* acquire: a recording that just ended has its samples visible before we reuse rec_* */
	if (atomic_load_explicit(&p->armed, memory_order_acquire))
		return -EBUSY;
	p->rec_want = n_frames;
	p->rec_pos = 0;
	p->n_tpos = 0;
	atomic_store_explicit(&p->rec_progress, 0, memory_order_relaxed);
	atomic_store_explicit(&p->n_xruns, 0, memory_order_relaxed);
	p->rec_deadline = deadline_for(p, n_frames);
	/* release: rec_want/rec_pos are written before the callback sees armed */
	atomic_store_explicit(&p->armed, 1, memory_order_release);
	return 0;
}

/* Waits until the callback clears flag (it finished a recording or playback of want frames,
 * at *pos now) or *deadline passes; then takes the flag back itself, unless the callback
 * finished right then. *deadline 0 means none was started. 0, -EINVAL or -ETIMEDOUT (printed,
 * naming what). */
static int
wait_done(atomic_int *flag, int64_t *deadline, const char *what, size_t want, const size_t *pos)
{
	int64_t until = *deadline;

	if (!until)
		return -EINVAL;
	*deadline = 0;
	/* acquire: pairs with the callback's release when it finishes */
	while (atomic_load_explicit(flag, memory_order_acquire)) {
		if (h_now_ms() > until) {
			int one = 1;

			if (atomic_compare_exchange_strong(flag, &one, 0)) {
				fprintf(stderr, "harness: %s %zu frames timed out at %zu\n", what,
				        want, *pos);
				return -ETIMEDOUT;
			}
			break;
		}
		h_sleep_ms(2);
	}
	return 0;
}

int
h_probe_record_wait(struct h_probe *p)
{
	return wait_done(&p->armed, &p->rec_deadline, "recording", p->rec_want, &p->rec_pos);
}

/* h_probe_play_start, waiting for a rolling transport when on_roll. */
static int
probe_play_arm(struct h_probe *p, const float *const *bufs, unsigned n_bufs, size_t n_frames,
               bool on_roll)
{
	if (n_frames == 0 || n_bufs > p->n_out)
		return -EINVAL;
	/* acquire: a playback that just ended is done with its buffers before we replace them */
	if (atomic_load_explicit(&p->playing, memory_order_acquire))
		return -EBUSY;
	for (unsigned k = 0; k < p->n_out; k++)
		p->play[k] = k < n_bufs ? bufs[k] : NULL;
	p->play_len = n_frames;
	p->play_pos = 0;
	p->play_on_roll = on_roll;
	p->play_tframe = 0;
	p->play_deadline = deadline_for(p, n_frames);
	/* release: play/play_len/play_pos are written before the callback sees playing */
	atomic_store_explicit(&p->playing, 1, memory_order_release);
	return 0;
}

int
h_probe_play_start(struct h_probe *p, const float *const *bufs, unsigned n_bufs, size_t n_frames)
{
	return probe_play_arm(p, bufs, n_bufs, n_frames, false);
}

int
h_probe_play_wait(struct h_probe *p)
{
	return wait_done(&p->playing, &p->play_deadline, "playing", p->play_len, &p->play_pos);
}

int
h_probe_play_start_with_transport(struct h_probe *p, const float *const *bufs, unsigned n_bufs,
                                  size_t n_frames)
{
	int ret = probe_play_arm(p, bufs, n_bufs, n_frames, true);

	if (ret)
		return ret;
	/* after the arming: the first rolling period cannot pass unseen */
	jack_transport_start(p->client);
	return 0;
}

uint64_t
h_probe_play_transport_frame(const struct h_probe *p)
{
	return p->play_tframe;
}

int
h_probe_fast(struct h_probe *p, unsigned period_us)
{
	int64_t deadline = h_now_ms() + 2000;
	bool on = period_us != 0;

	atomic_store(&p->pace_us, period_us);
	if (jack_set_freewheel(p->client, on)) {
		fprintf(stderr, "harness: jack_set_freewheel(%d) failed\n", on);
		return -EIO;
	}
	p->fast = on;
	while (atomic_load(&p->freewheeling) != on) {
		if (h_now_ms() > deadline) {
			fprintf(stderr, "harness: the server did not %s freewheeling\n",
			        on ? "start" : "stop");
			return -ETIMEDOUT;
		}
		h_sleep_ms(1);
	}
	return 0;
}

uint64_t
h_probe_frames(const struct h_probe *p)
{
	return atomic_load_explicit(&p->frames, memory_order_relaxed);
}

int
h_probe_transport_at(const struct h_probe *p, size_t i, uint64_t *frame, bool *rolling)
{
	size_t lo = 0, hi = p->n_tpos;

	/* the last period that began at or before i */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->tpos[mid].rec_pos <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || i >= p->rec_pos)
		return -EINVAL;
	*rolling = p->tpos[lo - 1].rolling;
	*frame = p->tpos[lo - 1].frame + (*rolling ? i - p->tpos[lo - 1].rec_pos : 0);
	return 0;
}

int
h_probe_transport_start(struct h_probe *p)
{
	jack_transport_start(p->client);
	return 0;
}

int
h_probe_transport_stop(struct h_probe *p)
{
	jack_transport_stop(p->client);
	return 0;
}

int
h_probe_transport_locate(struct h_probe *p, uint32_t frame)
{
	return jack_transport_locate(p->client, frame) ? -EIO : 0;
}

bool
h_probe_transport(struct h_probe *p, uint64_t *frame)
{
	jack_position_t pos;
	bool rolling = jack_transport_query(p->client, &pos) == JackTransportRolling;

	if (frame)
		*frame = pos.frame;
	return rolling;
}

bool
h_probe_transport_now(struct h_probe *p, uint64_t *frame)
{
	bool rolling = h_probe_transport(p, NULL);

	if (frame)
		*frame = jack_get_current_transport_frame(p->client);
	return rolling;
}

int
h_probe_record(struct h_probe *p, size_t n_frames)
{
	int r = h_probe_record_start(p, n_frames);

	return r < 0 ? r : h_probe_record_wait(p);
}

const float *
h_probe_in(const struct h_probe *p, unsigned ch)
{
	return ch < 2 ? p->rec[ch] : NULL;
}

const float *
h_probe_sent(const struct h_probe *p, unsigned k)
{
	return k >= 1 && k <= p->n_out ? p->out[k - 1].sent : NULL;
}

const char *
h_probe_out_name(struct h_probe *p, unsigned k)
{
	return k >= 1 && k <= p->n_out ? jack_port_name(p->out[k - 1].port) : NULL;
}

const char *
h_probe_in_name(struct h_probe *p, unsigned ch)
{
	return ch < 2 ? jack_port_name(p->in[ch]) : NULL;
}

int
h_probe_connect(struct h_probe *p, const char *src, const char *dst)
{
	int r = jack_connect(p->client, src, dst);

	if (r == 0 || r == EEXIST)
		return 0;
	fprintf(stderr, "harness: jack_connect %s -> %s failed (%d)\n", src, dst, r);
	return r > 0 ? -r : -EIO;
}

int
h_probe_listen(struct h_probe *p, const char *src_l, const char *src_r)
{
	const char *src[2] = { src_l, src_r };

	for (unsigned ch = 0; ch < 2; ch++) {
		int r = jack_port_disconnect(p->client, p->in[ch]);

		if (r) {
			fprintf(stderr, "harness: jack_port_disconnect %s failed (%d)\n",
			        jack_port_name(p->in[ch]), r);
			return -EIO;
		}
		if (src[ch] && (r = h_probe_connect(p, src[ch], jack_port_name(p->in[ch]))))
			return r;
	}
	return 0;
}

int
h_probe_disconnect(struct h_probe *p, const char *src, const char *dst)
{
	int r = jack_disconnect(p->client, src, dst);

	if (r == 0)
		return 0;
	fprintf(stderr, "harness: jack_disconnect %s -> %s failed (%d)\n", src, dst, r);
	return r > 0 ? -r : -EIO;
}

bool
h_probe_connected(struct h_probe *p, const char *a, const char *b)
{
	jack_port_t *pa = jack_port_by_name(p->client, a);
	const char **conn;
	bool hit = false;

	if (!pa)
		return false;
	conn = jack_port_get_all_connections(p->client, pa);
	for (size_t i = 0; conn && conn[i]; i++)
		if (!strcmp(conn[i], b))
			hit = true;
	jack_free(conn);
	return hit;
}

int
h_probe_port_latency(struct h_probe *p, const char *port, bool capture, unsigned *min,
                     unsigned *max)
{
	jack_port_t *q = jack_port_by_name(p->client, port);
	jack_latency_range_t r;

	if (!q)
		return -ENOENT;
	jack_port_get_latency_range(q, capture ? JackCaptureLatency : JackPlaybackLatency, &r);
	*min = r.min;
	*max = r.max;
	return 0;
}

int
h_probe_set_buffer_size(struct h_probe *p, unsigned frames)
{
	int r = jack_set_buffer_size(p->client, frames);

	return r == 0 ? 0 : (r > 0 ? -r : -EIO);
}

unsigned
h_probe_buffer_size(struct h_probe *p)
{
	return jack_get_buffer_size(p->client);
}

bool
h_probe_port_exists(struct h_probe *p, const char *name)
{
	return jack_port_by_name(p->client, name) != NULL;
}

bool
h_probe_server_lost(const struct h_probe *p)
{
	return atomic_load(&p->lost);
}

unsigned
h_probe_rate(const struct h_probe *p)
{
	return p->rate;
}

/* ---- analysis ----------------------------------------------------------------------------- */

double
h_mean_square(const float *buf, size_t n, size_t skip)
{
	double sum = 0.0;

	if (skip >= n)
		return 0.0;
	for (size_t i = skip; i < n; i++)
		sum += (double)buf[i] * buf[i];
	return sum / (double)(n - skip);
}

double
h_power_db(double mean_square)
{
	return mean_square > 0.0 ? fmax(10.0 * log10(mean_square), H_ZERO_DB) : H_ZERO_DB;
}

double
h_amp_db(double amplitude)
{
	return amplitude > 0.0 ? fmax(20.0 * log10(amplitude), H_ZERO_DB) : H_ZERO_DB;
}

double
h_rms_db(const float *buf, size_t n, size_t skip)
{
	return h_power_db(h_mean_square(buf, n, skip));
}

double
h_peak_db(const float *buf, size_t n, size_t skip)
{
	double peak = 0.0;

	for (size_t i = skip; i < n; i++)
		peak = fmax(peak, fabs((double)buf[i]));
	return h_amp_db(peak);
}

int
h_world_start(struct h_world *w, unsigned rate, unsigned period)
{
	memset(w, 0, sizeof(*w));
	w->jackd = h_jackd_start(rate, period);
	return w->jackd ? 0 : -1;
}

int
h_world_start_rt(struct h_world *w, unsigned rate, unsigned period)
{
	memset(w, 0, sizeof(*w));
	w->jackd = h_jackd_start_opts(rate, period, true);
	return w->jackd ? 0 : -1;
}

void
h_world_free(struct h_world *w)
{
	h_osc_close(w->osc);
	h_probe_close(w->probe);
	h_mixd_free(w->mixd);
	h_jackd_free(w->jackd);
	memset(w, 0, sizeof(*w));
}

/* ---- RT-safety interposer ----------------------------------------------------------------- */

/* Reads "key N" lines of the interposer's report. -1 for a missing key. */
static long long
report_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
	}
	return -1;
}

int
h_rtcheck_verify(const char *path, long long min_callbacks, long long *callbacks, char *why,
                 size_t whylen)
{
	/* "unwrapped" counts callbacks the interposer could not watch: those must be 0 too */
	static const char *const keys[] = { "alloc", "lock", "io", "sleep", "log", "unwrapped" };
	char text[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		snprintf(why, whylen, "no interposer report at %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	*callbacks = report_value(text, "callbacks");
	/* the positive control: an interposer that did not count one call of every kind in the
	 * very callback it watches proves nothing by counting zero */
	if (report_value(text, "selftest") != 1) {
		snprintf(why, whylen, "the interposer's positive control did not pass (report: %s)",
		         text);
		return -1;
	}
	if (*callbacks <= min_callbacks) {
		snprintf(why, whylen, "interposer saw %lld callbacks, want > %lld (report: %s)",
		         *callbacks, min_callbacks, text);
		return -1;
	}
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		long long v = report_value(text, keys[k]);

		if (v != 0) {
			snprintf(why, whylen,
			         "RT callback: %s = %lld over %lld callbacks (report: %s)", keys[k],
			         v, *callbacks, text);
			return -1;
		}
	}
	return 0;
}

long
h_proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			kb = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return kb;
}
