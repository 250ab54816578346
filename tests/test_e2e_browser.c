/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end through a real browser: a mixd on its own jackd with a -12 dBFS tone into strip 1,
 * and tests/browser/web-test.mjs driving Debian's Chromium (headless, through playwright-core)
 * against its page: the page loads and connects; strip 1's meter reads the tone and a silent
 * strip stays silent; meters redraw at up to 30 Hz without falling behind; a mouse drag and a
 * two-finger touch drag move faders and mixd follows (read back over UDP); a tap mutes; a UDP
 * change moves the fader on two pages; the bus chooser turns a fader into a send; the chooser
 * lists mixd's eight aux buses, and with aux 2 chosen a dragged fader sets that strip's send to
 * aux 2 in mixd and a UDP change of a send moves its fader; a tap on C cues a strip in mixd; a
 * scene saved from the page is listed, and loading it from the page brings the values back; the
 * generated panel sets an EQ gain. Screenshots at phone and tablet sizes are left in ARTEFACT_DIR
 * (build/tests/web-artefacts). Outside sanitized builds mixd runs under the RT-safety
 * interposer, which must count nothing with two pages open and meters streaming to them.
 *
 * The browser, node and the script's node_modules are installed by tools/test; without them the
 * case fails and says what is missing (it never passes by skipping).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_run.h"
#include "harness.h"

E2E_WORLD_FIXTURE(48000, 256)

/* Runs argv with extra environment entries; waits up to timeout_s. Returns the exit status, or
 * -ETIMEDOUT (the child is killed). */
static int
run_child(char *const argv[], char *const env[], int timeout_s)
{
	int64_t deadline = h_now_ms() + timeout_s * 1000;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		for (size_t i = 0; env[i]; i++)
			putenv(env[i]);
		setpgid(0, 0); /* the browser's processes go with it on a timeout */
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	while (h_now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		h_sleep_ms(100);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -ETIMEDOUT;
}

static const char *
need_env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v && *v, "%s is not set (meson test sets it)", name);
	return v;
}

START_TEST(test_browser)
{
	static const char *args[] = { "--strips", "4", "--aux", "8", "--web-root", NULL, NULL };
	static const char *const in[] = { "mixd:in_1" };
	struct h_mixd_opts opts = { .http = true };
	bool rt = !getenv("MIXD_SANITIZED");
	char report[512], why[4608];
	long long callbacks;
	const char *node = need_env("NODE"), *script = need_env("BROWSER_TEST");
	const char *artefacts = need_env("ARTEFACT_DIR");
	char modules[1024], e_http[64], e_osc[64], e_art[1100], e_web[1100], e_chr[1100];
	char *argv[] = { (char *)node, (char *)script, NULL };
	char *env[6];
	struct stat st;
	int rc;

	ck_assert_msg(access(node, X_OK) == 0, "node (%s) is not installed: tools/test installs it",
	              node);
	ck_assert_msg(access(need_env("CHROMIUM"), X_OK) == 0,
	              "%s is not installed: tools/test installs Debian's chromium",
	              getenv("CHROMIUM"));
	snprintf(modules, sizeof(modules), "%.*s/node_modules/playwright-core",
	         (int)(strrchr(script, '/') - script), script);
	ck_assert_msg(stat(modules, &st) == 0,
	              "%s is missing: tools/test runs npm ci in tests/browser", modules);
	mkdir(artefacts, 0755);
	/* the page of this source tree, never an installed copy */
	args[5] = need_env("MIXD_WEB_DIR");
	if (rt) {
		snprintf(report, sizeof(report), "%s/%s.%ld.rtcheck", h_session_dir(),
		         w.jackd->name, (long)getpid());
		opts.preload = need_env("RTCHECK_LIB");
		opts.rtcheck_out = report;
	} else {
		fprintf(stderr, "browser: the RT interposer is not run in a sanitized build\n");
	}

	e2e_world_up(&w, &opts, args, 1, in, 4800);
	ck_assert_int_eq(h_probe_sine(w.probe, 1, 440.0, -12.0), 0);
	snprintf(e_http, sizeof(e_http), "MIXD_HTTP_PORT=%u", w.mixd->http_port);
	snprintf(e_osc, sizeof(e_osc), "MIXD_OSC_PORT=%u", w.mixd->port);
	snprintf(e_art, sizeof(e_art), "ARTEFACT_DIR=%s", artefacts);
	snprintf(e_web, sizeof(e_web), "MIXD_WEB_DIR=%s", need_env("MIXD_WEB_DIR"));
	snprintf(e_chr, sizeof(e_chr), "CHROMIUM=%s", getenv("CHROMIUM"));
	env[0] = e_http;
	env[1] = e_osc;
	env[2] = e_art;
	env[3] = e_web;
	env[4] = e_chr;
	env[5] = NULL;
	rc = run_child(argv, env, 240);
	ck_assert_msg(rc == 0, "the browser test failed (status %d): its output is above", rc);
	ck_assert_int_eq(stat(artefacts, &st), 0);
	e2e_stop_mixd(&w);
	if (rt) {
		ck_assert_msg(h_rtcheck_verify(report, 100, &callbacks, why, sizeof(why)) == 0,
		              "%s", why);
		fprintf(stderr, "browser: RT interposer: %lld callbacks, nothing counted\n",
		        callbacks);
	}
}
END_TEST

static Suite *
e2e_browser_suite(void)
{
	Suite *s = suite_create("e2e_browser");

	e2e_add_case(s, "browser", test_browser, setup, teardown, 300);
	return s;
}

int
main(void)
{
	return e2e_run(e2e_browser_suite());
}
