/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A personality's port option, parsed generically (daemon/options.c): this test brings its own
 * registry of two made-up personalities in place of osc/personalities.c, one on a port of its
 * own and one on the control port, and checks --<port_option> PORT (1..65535, a clear error
 * otherwise), off when not given, and its line in --help.
 */
#include "check_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "personality.h"

static const struct personality_ops own_port = {
	.name = "testsurf",
	.port_option = "testsurf-port",
	.port_default = 10023,
};
static const struct personality_ops on_control_port = { .name = "other" };

const struct personality_ops *const personality_registry[] = { &on_control_port, &own_port };
const unsigned personality_count = 2;

static int
parse(struct options *o, char *err, const char *a1, const char *a2)
{
	char *argv[4] = { "mixd", (char *)a1, (char *)a2, NULL };
	int argc = 1 + (a1 != NULL) + (a2 != NULL);

	return options_parse(o, argc, argv, err, 256);
}

START_TEST(port_given_or_off)
{
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, NULL, NULL), 0);
	ck_assert_int_eq(o.personality_port[0], 0);
	ck_assert_int_eq(o.personality_port[1], 0);
	ck_assert_int_eq(parse(&o, err, "--testsurf-port", "10023"), 0);
	ck_assert_int_eq(o.personality_port[0], 0);
	ck_assert_int_eq(o.personality_port[1], 10023);
	ck_assert_int_eq(parse(&o, err, "--testsurf-port=1", NULL), 0);
	ck_assert_int_eq(o.personality_port[1], 1);
	ck_assert_int_eq(parse(&o, err, "--testsurf-port=65535", NULL), 0);
	ck_assert_int_eq(o.personality_port[1], 65535);
}
END_TEST

START_TEST(bad_ports_refused)
{
	static const char *const bad[] = { "0", "65536", "-1", "abc", "", "12x" };
	struct options o;
	char err[256], want[128];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(parse(&o, err, "--testsurf-port", bad[i]), -EINVAL);
		snprintf(want, sizeof(want),
		         "--testsurf-port \"%s\": expected a UDP port, 1..65535", bad[i]);
		ck_assert_str_eq(err, want);
	}
	ck_assert_int_eq(parse(&o, err, "--testsurf-port", NULL), -EINVAL);
	ck_assert_str_eq(err, "option --testsurf-port needs an argument");
	/* a personality without a port option has none */
	ck_assert_int_eq(parse(&o, err, "--other-port", "9"), -EINVAL);
	ck_assert_str_eq(err, "unknown option --other-port");
}
END_TEST

START_TEST(help_lists_it)
{
	char path[] = "/tmp/mixd-test-help-XXXXXX", text[8192];
	struct options o;
	char err[256];
	int fd = mkstemp(path), saved = dup(1);
	FILE *f;
	size_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	ck_assert_int_ge(dup2(fd, 1), 0);
	ck_assert_int_eq(parse(&o, err, "--help", NULL), 1);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(text, "  --testsurf-port PORT   testsurf surfaces' UDP port, "
	                                   "1..65535 (usually 10023)"));
	ck_assert_ptr_null(strstr(text, "other"));
	/* and the tail still ends it */
	ck_assert_ptr_nonnull(strstr(text, "PORT_REGEX"));
	const char *tail = "The JACK server is the default one, or JACK_DEFAULT_SERVER.\n";
	ck_assert(n > strlen(tail) && !strcmp(text + n - strlen(tail), tail));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("options_ports");
	TCase *tc = tcase_create("options_ports");

	tcase_add_test(tc, port_given_or_off);
	tcase_add_test(tc, bad_ports_refused);
	tcase_add_test(tc, help_lists_it);
	suite_add_tcase(s, tc);
	return check_run(s);
}
