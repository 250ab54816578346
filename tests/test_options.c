/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: defaults, strip lists, and every bad option rejected with a message. */
#include "check_run.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "server.h"

static int
parse(struct options *o, char *err, const char *a1, const char *a2, const char *a3)
{
	char *argv[5] = { "mixd", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + (a1 != NULL) + (a2 != NULL) + (a3 != NULL);

	return options_parse(o, argc, argv, err, 256);
}

START_TEST(defaults)
{
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, NULL, NULL, NULL), 0);
	ck_assert_str_eq(o.name, "mixd");
	ck_assert_uint_eq(o.strips, 8);
	ck_assert_str_eq(o.listen, "127.0.0.1:9000");
	ck_assert_uint_eq(o.allow.n, 2);
	ck_assert(!o.stereo[0]);
	ck_assert_ptr_nonnull(strstr(o.state_dir, "/mixd/mixd"));
	ck_assert_uint_eq(o.osc_rate, OSC_SERVER_DEFAULT_RATE);
	ck_assert_uint_eq(o.http_port, 8080);
	ck_assert(!o.http_given);
	ck_assert_ptr_null(o.web_root);
	ck_assert_uint_eq(o.aux, 8);
	ck_assert_uint_eq(o.dca, 8);
	ck_assert(!o.aux_stereo[0] && !o.direct_outs);
}
END_TEST

/* The live console's layout: --aux-stereo is checked against --aux wherever it stands. */
START_TEST(live_options)
{
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, "--aux-stereo=1-2,5", "--aux=6", "--direct-outs"), 0);
	ck_assert_uint_eq(o.aux, 6);
	ck_assert(o.aux_stereo[0] && o.aux_stereo[1] && !o.aux_stereo[2] && o.aux_stereo[4]);
	ck_assert(!o.aux_stereo[5] && o.direct_outs);
	ck_assert_int_eq(parse(&o, err, "--aux=0", "--dca=0", NULL), 0);
	ck_assert_uint_eq(o.aux, 0);
	ck_assert_uint_eq(o.dca, 0);
	ck_assert_int_eq(parse(&o, err, "--aux=32", "--dca=32", "--aux-stereo=32"), 0);
	ck_assert(o.aux_stereo[31]);
	ck_assert_int_eq(parse(&o, err, "--aux=33", NULL, NULL), -EINVAL);
	ck_assert_str_eq(err, "--aux \"33\": expected 0..32 aux buses");
	ck_assert_int_eq(parse(&o, err, "--aux=4", "--aux-stereo=5", NULL), -EINVAL);
	ck_assert_str_eq(err, "--aux-stereo 5: aux buses are 1..4");
	ck_assert_int_eq(parse(&o, err, "--aux=0", "--aux-stereo=1", NULL), -EINVAL);
	ck_assert_str_eq(err, "--aux-stereo 1: there are no aux buses");
	ck_assert_int_eq(parse(&o, err, "--dca=33", NULL, NULL), -EINVAL);
	ck_assert_str_eq(err, "--dca \"33\": expected 0..32 DCA groups");
}
END_TEST

START_TEST(good_options)
{
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, "--strips=16", "--stereo=1,3-4,16", "--osc-port=9100"), 0);
	ck_assert_uint_eq(o.strips, 16);
	ck_assert(o.stereo[0] && !o.stereo[1] && o.stereo[2] && o.stereo[3] && o.stereo[15]);
	ck_assert_str_eq(o.listen, "127.0.0.1:9100");
	ck_assert_int_eq(parse(&o, err, "--osc-listen=0.0.0.0:9000", "--osc-port=9200", NULL), 0);
	ck_assert_str_eq(o.listen, "0.0.0.0:9200");
	ck_assert_int_eq(parse(&o, err, "--name=desk-2", "--state-dir=/tmp/x", NULL), 0);
	ck_assert_str_eq(o.name, "desk-2");
	ck_assert_str_eq(o.state_dir, "/tmp/x");
	ck_assert_int_eq(parse(&o, err, "--osc-rate", "2000", NULL), 0);
	ck_assert_uint_eq(o.osc_rate, 2000);
	ck_assert_int_eq(parse(&o, err, "--osc-rate=0", NULL, NULL), 0);
	ck_assert_uint_eq(o.osc_rate, 0);
	ck_assert_int_eq(parse(&o, err, "--osc-rate=10000000", NULL, NULL), 0);
	ck_assert_uint_eq(o.osc_rate, 10000000);
	ck_assert_int_eq(parse(&o, err, "--http-port=0", "--web-root", "/srv/page"), 0);
	ck_assert_uint_eq(o.http_port, 0);
	ck_assert(o.http_given);
	ck_assert_str_eq(o.web_root, "/srv/page");
	ck_assert_int_eq(parse(&o, err, "--http-port", "8081", NULL), 0);
	ck_assert_uint_eq(o.http_port, 8081);
}
END_TEST

START_TEST(bad_options)
{
	static const char *const bad[][2] = {
		{ "--strips=0", NULL },
		{ "--strips=257", NULL },
		{ "--strips=8x", NULL },
		{ "--strips=-1", NULL },
		{ "--stereo=9", NULL },
		{ "--stereo=3-1", NULL },
		{ "--stereo=1,,2", NULL },
		{ "--stereo=a", NULL },
		{ "--osc-port=65536", NULL },
		{ "--osc-port=", NULL },
		{ "--osc-allow=10.0.0.0/33", NULL },
		{ "--name=../x", NULL },
		{ "--name=", NULL },
		{ "--bogus", NULL },
		{ "--strips", NULL },
		{ "stray", NULL },
		{ "--list-params=xml", NULL },
		{ "--state-dir=", NULL },
		{ "--osc-rate=-1", NULL },
		{ "--osc-rate=1e5", NULL },
		{ "--osc-rate=fast", NULL },
		{ "--osc-rate=", NULL },
		{ "--osc-rate=10000001", NULL },
		{ "--osc-rate=99999999999999999999999", NULL },
		{ "--osc-rate", NULL },
		{ "--http-port=65536", NULL },
		{ "--http-port=-1", NULL },
		{ "--http-port=http", NULL },
		{ "--http-port=", NULL },
		{ "--web-root=", NULL },
		{ "--aux=33", NULL },
		{ "--aux=-1", NULL },
		{ "--aux=", NULL },
		{ "--aux", NULL },
		{ "--aux-stereo=9", NULL },
		{ "--aux-stereo=x", NULL },
		{ "--dca=33", NULL },
		{ "--dca=two", NULL },
		{ "--direct-outs=1", NULL },
	};
	struct options o;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(parse(&o, err, bad[i][0], bad[i][1], NULL) == -EINVAL, "%s accepted",
		              bad[i][0]);
		ck_assert_msg(err[0] != '\0', "%s: no message", bad[i][0]);
		if (!strncmp(bad[i][0], "--osc-rate", 10))
			ck_assert_msg(strstr(err, "--osc-rate") != NULL, "%s: message \"%s\"",
			              bad[i][0], err);
	}
}
END_TEST

/* The number parser mixctl, mixrender and mixtone share. */
START_TEST(parse_double)
{
	static const char *const bad[] = { "",      "x",     "nan",  "inf", "-inf",
		                           "1e999", "12abc", "1.5 ", "0x",  "--1" };
	double v = 7.0;

	ck_assert_int_eq(cli_parse_double("-14.5", -36, -6, &v), 0);
	ck_assert_double_eq(v, -14.5);
	ck_assert_int_eq(cli_parse_double("1e-999", -1, 1, &v), 0); /* an underflow is ~0 */
	ck_assert_double_eq_tol(v, 0.0, 1e-300);
	ck_assert_int_eq(cli_parse_double("-5", -36, -6, &v), -EINVAL); /* out of range */
	ck_assert_int_eq(cli_parse_double(NULL, -1, 1, &v), -EINVAL);
	v = 7.0;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cli_parse_double(bad[i], -HUGE_VAL, HUGE_VAL, &v) == -EINVAL,
		              "'%s' accepted", bad[i]);
	ck_assert_double_eq(v, 7.0); /* refused: unchanged */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, good_options);
	tcase_add_test(tc, live_options);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, parse_double);
	suite_add_tcase(s, tc);
	return check_run(s);
}
