/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The X32 personality's laws and address map (osc/x32/): the 4-segment fader law exactly at its
 * segment ends and its inverse on every step of the 1024-step grid, pan, trim and high-pass
 * laws, the type tags a strict client expects of each address, every parameter an X32 address
 * shows resolving back to itself, and sets that are malformed or out of range changing nothing.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <string.h>

#include "model.h"
#include "params.h"
#include "ring.h"
#include "personality.h"
#include "x32.h"
#include "x32_law.h"
#include "x32_map.h"
#include "x32_node.h"
#include "x32_remote.h"
#include "x32_fixture.h"

START_TEST(fader_law_segment_ends)
{
	ck_assert(isinf(x32_fader_to_db(0.0f)) && x32_fader_to_db(0.0f) < 0);
	ck_assert_float_eq_tol(x32_fader_to_db(1.0f), 10.0f, 1e-5f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.75f), 0.0f, 1e-5f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.5f), -10.0f, 1e-5f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.25f), -30.0f, 1e-5f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.0625f), -60.0f, 1e-5f);
	/* just below each end: the lower segment, continuous */
	ck_assert_float_eq_tol(x32_fader_to_db(0.4999f), 80.0f * 0.4999f - 50.0f, 1e-4f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.2499f), 160.0f * 0.2499f - 70.0f, 1e-4f);
	ck_assert_float_eq_tol(x32_fader_to_db(0.0624f), 480.0f * 0.0624f - 90.0f, 1e-4f);
	ck_assert_float_eq_tol(x32_fader_to_db(1.0f / 1023.0f), 480.0f / 1023.0f - 90.0f, 1e-4f);
	/* the inverse at the ends */
	ck_assert_float_eq_tol(x32_db_to_fader(10.0f), 1.0f, 1e-6f);
	ck_assert_float_eq_tol(x32_db_to_fader(0.0f), 0.75f, 1e-6f);
	ck_assert_float_eq_tol(x32_db_to_fader(-10.0f), 0.5f, 1e-6f);
	ck_assert_float_eq_tol(x32_db_to_fader(-30.0f), 0.25f, 1e-6f);
	ck_assert_float_eq_tol(x32_db_to_fader(-60.0f), 0.0625f, 1e-6f);
	ck_assert_float_eq(x32_db_to_fader(-90.0f), 0.0f);
	ck_assert_float_eq(x32_db_to_fader(-INFINITY), 0.0f);
	ck_assert_float_eq(x32_db_to_fader(NAN), 0.0f);
	ck_assert_float_eq(x32_db_to_fader(20.0f), 1.0f);
	/* 0 dB on the grid: step 767, -0.01 dB */
	ck_assert_float_eq(x32_grid(0.75f, X32_FADER_STEPS), 767.0f / 1023.0f);
}
END_TEST

START_TEST(fader_law_inverse_on_the_grid)
{
	for (unsigned i = 0; i < X32_FADER_STEPS; i++) {
		float f = (float)i / 1023.0f, db = x32_fader_to_db(f);
		float back = x32_grid(x32_db_to_fader(db), X32_FADER_STEPS);

		ck_assert_msg(back == f, "step %u: %g dB comes back as %g", i, db, back * 1023.0f);
		if (i > 0)
			ck_assert(db > x32_fader_to_db((float)(i - 1) / 1023.0f)); /* monotonic */
	}
}
END_TEST

START_TEST(pan_trim_hpf_laws)
{
	ck_assert_float_eq(x32_pan_to_mixd(0.0f), -1.0f);
	ck_assert_float_eq(x32_pan_to_mixd(0.5f), 0.0f);
	ck_assert_float_eq(x32_pan_to_mixd(1.0f), 1.0f);
	ck_assert_float_eq(x32_mixd_to_pan(-1.0f), 0.0f);
	ck_assert_float_eq(x32_mixd_to_pan(0.0f), 0.5f);
	ck_assert_float_eq(x32_mixd_to_pan(1.0f), 1.0f);
	/* -100..+100 in steps of 2: 101 values */
	ck_assert_float_eq_tol(x32_grid(0.504f, X32_PAN_STEPS), 0.5f, 1e-6f);
	ck_assert_float_eq_tol(x32_grid(0.506f, X32_PAN_STEPS), 0.51f, 1e-6f);
	ck_assert_float_eq(x32_trim_to_db(0.0f), -18.0f);
	ck_assert_float_eq(x32_trim_to_db(0.5f), 0.0f);
	ck_assert_float_eq(x32_trim_to_db(1.0f), 18.0f);
	ck_assert_float_eq(x32_db_to_trim(24.0f), 1.0f); /* mixd's wider range shows clamped */
	ck_assert_float_eq_tol(x32_hpf_to_hz(0.0f), 20.0f, 1e-3f);
	ck_assert_float_eq_tol(x32_hpf_to_hz(1.0f), 400.0f, 1e-2f);
	ck_assert_float_eq_tol(x32_hpf_to_hz(0.5f), 89.4427f, 1e-2f);
	ck_assert_float_eq_tol(x32_hz_to_hpf(80.0f), logf(4.0f) / logf(20.0f), 1e-6f);
	ck_assert_float_eq(x32_hz_to_hpf(1000.0f), 1.0f);
}
END_TEST

static char
type_of(const struct params *ps, const char *path)
{
	struct x32_target t;

	if (x32_resolve(ps, path, &t) < 0)
		return 0;
	return t.type;
}

START_TEST(type_tags)
{
	struct fixture fx;
	static const struct {
		const char *path;
		char type;
	} want[] = {
		{ "/ch/01/mix/on", 'i' },         { "/ch/01/mix/fader", 'f' },
		{ "/ch/01/mix/pan", 'f' },        { "/ch/01/config/name", 's' },
		{ "/ch/08/preamp/trim", 'f' },    { "/ch/08/preamp/invert", 'i' },
		{ "/ch/08/preamp/hpon", 'i' },    { "/ch/08/preamp/hpf", 'f' },
		{ "/ch/02/grp/dca", 'i' },        { "/ch/02/grp/mute", 'i' },
		{ "/ch/02/mix/03/level", 'f' },   { "/ch/02/mix/03/on", 'i' },
		{ "/ch/02/mix/03/pan", 'f' },     { "/bus/01/mix/on", 'i' },
		{ "/bus/04/mix/fader", 'f' },     { "/bus/16/mix/fader", 'f' },
		{ "/fxrtn/01/mix/on", 'i' },      { "/fxrtn/02/mix/fader", 'f' },
		{ "/main/st/mix/on", 'i' },       { "/main/st/mix/fader", 'f' },
		{ "/main/st/mix/pan", 'f' },      { "/dca/1/on", 'i' },
		{ "/dca/1/fader", 'f' },          { "/dca/8/config/name", 's' },
		{ "/config/mute/1", 'i' },        { "/-stat/solosw/01", 'i' },
		{ "/-stat/solosw/80", 'i' },      { "/-action/clearsolo", 'i' },
		{ "/ch/32/mix/fader", 'f' },      { "/ch/32/mix/on", 'i' },
		{ "/ch/32/config/name", 's' },    { "/ch/01/config/color", 'i' },
		{ "/-libs/ch/001/hasdata", 'i' }, { "/-libs/fx/100/name", 's' },
		{ "/-snap/name", 's' },           { "/-snap/index", 'i' },
		{ "/ch/01/eq/1/type", 'i' },      { "/ch/01/eq/4/f", 'f' },
		{ "/ch/01/eq/2/g", 'f' },         { "/ch/01/eq/3/q", 'f' },
		{ "/ch/01/dyn/thr", 'f' },        { "/ch/01/dyn/ratio", 'i' },
		{ "/ch/01/dyn/knee", 'f' },       { "/ch/01/dyn/mgain", 'f' },
		{ "/ch/01/dyn/attack", 'f' },     { "/ch/01/dyn/release", 'f' },
		{ "/ch/30/eq/1/type", 'i' },      { "/ch/30/dyn/ratio", 'i' },
	};
	static const char *const unknown[] = {
		"/ch/1/mix/fader",
		"/ch/33/mix/fader",
		"/ch/00/mix/fader",
		"/ch/01/mix/fade",
		"/ch/01/mix/17/level",
		"/bus/17/mix/on",
		"/dca/9/on",
		"/dca/01/on",
		"/config/mute/7",
		"/-stat/solosw/81",
		"/ch/01/mix/on/",
		"/nope",
		"",
		"/ch/01",
	};

	open_console(&fx);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(type_of(fx.ps, want[i].path) == want[i].type, "%s: %c, not %c",
		              want[i].path, type_of(fx.ps, want[i].path), want[i].type);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ck_assert_msg(type_of(fx.ps, unknown[i]) == 0, "%s is not the console's",
		              unknown[i]);
	close_console(&fx);
}
END_TEST

START_TEST(every_address_resolves_back)
{
	struct fixture fx;
	unsigned shown = 0;

	open_console(&fx);
	for (unsigned idx = 0; idx < params_count(fx.ps); idx++) {
		const struct param *p = params_at(fx.ps, idx);
		struct x32_target t;
		char path[64];

		if (x32_address(fx.ps, idx, path, sizeof(path)) < 0)
			continue;
		shown++;
		ck_assert_msg(x32_resolve(fx.ps, path, &t) == 0, "%s -> %s", p->address, path);
		if (p->d->scope == PARAM_SCOPE_STRIP_DCA)
			ck_assert(t.kind == X32_DCA_MASK && t.strip == p->strip);
		else if (p->d->scope == PARAM_SCOPE_STRIP_MUTEGROUP)
			ck_assert(t.kind == X32_MUTE_MASK && t.strip == p->strip);
		else
			ck_assert_msg(t.idx == (int)idx, "%s -> %s -> %d", p->address, path, t.idx);
	}
	ck_assert_uint_ge(shown, 8 * 10);
	close_console(&fx);
}
END_TEST

static int
set(struct fixture *fx, const char *path, struct x32_value v)
{
	struct x32_target t;

	ck_assert_int_eq(x32_resolve(fx->ps, path, &t), 0);
	return x32_write(fx->m, &t, &v);
}

static struct x32_value
get(struct fixture *fx, const char *path)
{
	struct x32_target t;
	struct x32_value v;

	ck_assert_int_eq(x32_resolve(fx->ps, path, &t), 0);
	x32_read(fx->m, &t, &v);
	return v;
}

static float
param(struct fixture *fx, const char *address)
{
	return model_get(fx->m, (unsigned)params_find(fx->ps, address));
}

#define F(x) ((struct x32_value){ .type = 'f', .f = (x) })
#define I(x) ((struct x32_value){ .type = 'i', .i = (x) })

START_TEST(sets_and_gets)
{
	struct fixture fx;
	struct x32_value s = { .type = 's' };

	open_console(&fx);
	/* 0 dB at its default reads as step 767 */
	ck_assert_float_eq(get(&fx, "/ch/01/mix/fader").f, 767.0f / 1023.0f);
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(0.5f)), 0);
	/* snapped to step 512: 40 * 512 / 1023 - 30 dB */
	ck_assert_float_eq_tol(param(&fx, "/strip/1/fader"), 40.0f * 512.0f / 1023.0f - 30.0f,
	                       1e-4f);
	ck_assert_float_eq(get(&fx, "/ch/01/mix/fader").f, x32_grid(0.5f, 1024));
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(0.0f)), 0);
	ck_assert_float_eq(get(&fx, "/ch/01/mix/fader").f, 0.0f);
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(1.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/fader"), 10.0f, 1e-5f);
	/* a dB string, as the console takes it */
	snprintf(s.s, sizeof(s.s), "-30");
	ck_assert_int_eq(set(&fx, "/ch/02/mix/fader", s), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/2/fader"), -30.0f, 0.1f);
	/* bad input changes nothing */
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(1.5f)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(-0.1f)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", F(NAN)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", I(1)), -EINVAL);
	snprintf(s.s, sizeof(s.s), "loud");
	ck_assert_int_eq(set(&fx, "/ch/01/mix/fader", s), -ERANGE);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/fader"), 10.0f, 1e-5f);
	/* on: 1 = unmuted */
	ck_assert_int_eq(get(&fx, "/ch/03/mix/on").i, 1);
	ck_assert_int_eq(set(&fx, "/ch/03/mix/on", I(0)), 0);
	ck_assert_float_eq(param(&fx, "/strip/3/mute"), 1.0f);
	ck_assert_int_eq(get(&fx, "/ch/03/mix/on").i, 0);
	ck_assert_int_eq(set(&fx, "/ch/03/mix/on", I(2)), -ERANGE);
	ck_assert_float_eq(param(&fx, "/strip/3/mute"), 1.0f);
	/* pan */
	ck_assert_int_eq(set(&fx, "/ch/04/mix/pan", F(0.25f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/4/pan"), -0.5f, 1e-6f);
	ck_assert_float_eq_tol(get(&fx, "/ch/04/mix/pan").f, 0.25f, 1e-6f);
	/* the DCA bitmask: DCAs 1 and 3; mixd has 4, bit 7 (DCA 8) changes nothing */
	ck_assert_int_eq(set(&fx, "/ch/05/grp/dca", I(0x85)), 0);
	ck_assert_float_eq(param(&fx, "/strip/5/dca/1"), 1.0f);
	ck_assert_float_eq(param(&fx, "/strip/5/dca/2"), 0.0f);
	ck_assert_float_eq(param(&fx, "/strip/5/dca/3"), 1.0f);
	ck_assert_int_eq(get(&fx, "/ch/05/grp/dca").i, 0x05);
	ck_assert_int_eq(set(&fx, "/ch/05/grp/dca", I(256)), -ERANGE);
	ck_assert_int_eq(get(&fx, "/ch/05/grp/dca").i, 0x05);
	/* sends onto aux bus 2 */
	ck_assert_int_eq(set(&fx, "/ch/06/mix/02/level", F(0.75f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/6/send/aux/2/level"), 0.0f, 0.02f);
	/* a name */
	snprintf(s.s, sizeof(s.s), "Kick");
	ck_assert_int_eq(set(&fx, "/ch/07/config/name", s), 0);
	ck_assert_str_eq(get(&fx, "/ch/07/config/name").s, "Kick");
	/* a constant: answered, sets ignored */
	ck_assert_int_eq(set(&fx, "/ch/20/mix/fader", F(0.5f)), -ENOENT);
	ck_assert_float_eq(get(&fx, "/ch/20/mix/fader").f, 0.0f);
	/* solo and clearsolo */
	ck_assert_int_eq(set(&fx, "/-stat/solosw/02", I(1)), 0);
	ck_assert_float_eq(param(&fx, "/strip/2/solo"), 1.0f);
	ck_assert_int_eq(set(&fx, "/-action/clearsolo", I(1)), 0);
	ck_assert_float_eq(param(&fx, "/strip/2/solo"), 0.0f);
	/* trim and the high-pass */
	ck_assert_int_eq(set(&fx, "/ch/01/preamp/trim", F(1.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/trim"), 18.0f, 1e-5f);
	ck_assert_int_eq(set(&fx, "/ch/01/preamp/hpf", F(0.5f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/hpf/freq"), 89.44f, 0.01f);
	close_console(&fx);
}
END_TEST

START_TEST(eq_and_dynamics)
{
	struct fixture fx;

	open_console(&fx);
	/* EQ gain: -15..+15 dB linear, 0.25 dB steps; mixd's +-18 shows clamped */
	ck_assert_int_eq(set(&fx, "/ch/01/eq/1/g", F(1.0f)), 0);
	ck_assert_float_eq(param(&fx, "/strip/1/eq/1/gain"), 15.0f);
	ck_assert_int_eq(set(&fx, "/ch/01/eq/1/g", F(0.25f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/1/gain"), -7.5f, 1e-5f);
	ck_assert_float_eq(get(&fx, "/ch/01/eq/1/g").f, 0.25f);
	/* EQ frequency: 20 Hz .. 20 kHz logarithmic in 201 steps */
	ck_assert_int_eq(set(&fx, "/ch/01/eq/2/f", F(0.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/2/freq"), 20.0f, 1e-3f);
	ck_assert_int_eq(set(&fx, "/ch/01/eq/2/f", F(0.5f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/2/freq"), 632.456f, 0.01f);
	ck_assert_int_eq(set(&fx, "/ch/01/eq/2/f", F(1.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/2/freq"), 20000.0f, 0.5f);
	/* band 3 at its 2 kHz default: log(100) / log(1000) on the grid, step 133 */
	ck_assert_float_eq_tol(get(&fx, "/ch/01/eq/3/f").f, 133.0f / 200.0f, 1e-6f);
	/* Q: 10 at 0 .. 0.3 at 1, logarithmic in 72 steps */
	ck_assert_int_eq(set(&fx, "/ch/01/eq/3/q", F(0.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/3/q"), 10.0f, 1e-4f);
	ck_assert_int_eq(set(&fx, "/ch/01/eq/3/q", F(1.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/1/eq/3/q"), 0.3f, 1e-5f);
	/* type: LShv -> lowshelf, PEQ and VEQ -> bell, HShv -> highshelf; cuts change nothing */
	ck_assert_int_eq(set(&fx, "/ch/02/eq/2/type", I(1)), 0);
	ck_assert_float_eq(param(&fx, "/strip/2/eq/2/type"), 2.0f);
	ck_assert_int_eq(get(&fx, "/ch/02/eq/2/type").i, 1);
	ck_assert_int_eq(set(&fx, "/ch/02/eq/2/type", I(0)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/02/eq/2/type", I(5)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/02/eq/2/type", F(1.0f)), -EINVAL);
	ck_assert_float_eq(param(&fx, "/strip/2/eq/2/type"), 2.0f);
	ck_assert_int_eq(set(&fx, "/ch/02/eq/2/type", I(4)), 0);
	ck_assert_int_eq(get(&fx, "/ch/02/eq/2/type").i, 4);
	/* dynamics */
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/thr", F(0.5f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/3/comp/threshold"), -30.0f, 1e-5f);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/ratio", I(3)), 0);
	ck_assert_float_eq(param(&fx, "/strip/3/comp/ratio"), 2.0f);
	ck_assert_int_eq(get(&fx, "/ch/03/dyn/ratio").i, 3);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/ratio", I(11)), 0); /* 100:1, mixd's 20 */
	ck_assert_int_eq(get(&fx, "/ch/03/dyn/ratio").i, 10);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/ratio", I(12)), -ERANGE);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/knee", F(1.0f)), 0);
	ck_assert_float_eq(param(&fx, "/strip/3/comp/knee"), 5.0f);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/mgain", F(0.5f)), 0);
	ck_assert_float_eq(param(&fx, "/strip/3/comp/makeup"), 12.0f);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/attack", F(0.25f)), 0);
	ck_assert_float_eq(param(&fx, "/strip/3/comp/attack"), 30.0f);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/release", F(0.0f)), 0);
	ck_assert_float_eq_tol(param(&fx, "/strip/3/comp/release"), 5.0f, 1e-4f);
	ck_assert_int_eq(set(&fx, "/ch/03/dyn/release", F(1.0f)), 0); /* 4 s, mixd's 2 s */
	ck_assert_float_eq(get(&fx, "/ch/03/dyn/release").f,
	                   x32_grid(x32_value_to_log(2000.0f, 5.0f, 4000.0f), 100));
	close_console(&fx);
}
END_TEST

START_TEST(node_lines)
{
	struct fixture fx;
	struct x32_value s = { .type = 's' };
	char line[256];

	open_console(&fx);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/01/mix", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/ch/01/mix ON -0.0 ON +0 OFF -oo\n");
	ck_assert_int_eq(set(&fx, "/ch/02/mix/fader", F(0.5f)), 0);
	ck_assert_int_eq(set(&fx, "/ch/02/mix/on", I(0)), 0);
	ck_assert_int_eq(set(&fx, "/ch/02/mix/pan", F(0.0f)), 0);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "/ch/02/mix", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/ch/02/mix OFF -10.0 ON -100 OFF -oo\n");
	snprintf(s.s, sizeof(s.s), "Vox");
	ck_assert_int_eq(set(&fx, "/ch/03/config/name", s), 0);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/03/config", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/ch/03/config \"Vox\" 1 OFF 0\n");
	ck_assert_int_eq(set(&fx, "/ch/03/grp/dca", I(5)), 0);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/03/grp", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/ch/03/grp %00000101 %000000\n");
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "main/st/mix", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/main/st/mix ON -0.0 +0\n");
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "dca/1", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/dca/1 ON -0.0\n");
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "config/mute", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "/config/mute OFF OFF OFF OFF OFF OFF\n");
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/1/mix", line, sizeof(line)), -1);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/01/nope", line, sizeof(line)), -1);
	ck_assert_int_eq(x32_node(fx.m, fx.ps, "ch/01/mix", line, 8), -1);
	close_console(&fx);
}
END_TEST

/* One datagram from fd within 200 ms, deserialised; NULL when none. */
static lo_message
recv_msg(int fd, char *path, size_t n)
{
	uint8_t buf[2048];
	struct timeval tv = { .tv_usec = 200000 };
	ssize_t len;
	int res;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	len = recv(fd, buf, sizeof(buf), 0);
	if (len <= 0)
		return NULL;
	snprintf(path, n, "%.*s", (int)(n - 1), (const char *)buf);
	return lo_message_deserialise(buf, (size_t)len, &res);
}

static void
send_msg(int fd, int port, const char *path, lo_message m)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint8_t buf[512];
	size_t len = sizeof(buf);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	lo_message_serialise(m, path, buf, &len);
	lo_message_free(m);
	ck_assert_int_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a)), (ssize_t)len);
}

/* The personality through personality.h alone: off without a port; on one, /xinfo answered,
 * a /xremote client hears a change made to the model, its counters named x32_... */
START_TEST(personality_interface)
{
	const struct personality_ops *o = &x32_personality;
	struct fixture fx;
	struct allowlist allow;
	struct dispatch_stat st[32];
	struct sockaddr_in me = { .sin_family = AF_INET };
	socklen_t len = sizeof(me);
	char err[128], path[64];
	unsigned found = 0, n;
	int fd, port;
	void *p;
	lo_message m;

	for (unsigned i = 0; i < personality_count; i++)
		found += personality_registry[i] == o;
	ck_assert_uint_eq(found, 1);
	ck_assert_str_eq(o->port_option, "x32-port");
	ck_assert_int_eq(o->port_default, 10023);
	open_console(&fx);
	ck_assert_int_eq(allow_parse(&allow, "127.0.0.0/8", NULL, 0), 0);
	struct personality_env env = {
		.m = fx.m, .n_strips = 8, .bind_host = "127.0.0.1", .allow = &allow
	};
	strcpy(err, "x");
	ck_assert_ptr_null(o->create(&env, err, sizeof(err))); /* no port: off */
	ck_assert_str_eq(err, "");
	/* a free port, taken from the kernel */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	getsockname(fd, (struct sockaddr *)&me, &len);
	port = ntohs(me.sin_port);
	close(fd);
	env.port = port;
	p = o->create(&env, err, sizeof(err));
	ck_assert_msg(p != NULL, "create: %s", err);
	ck_assert_int_ge(o->fd(p), 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
	me.sin_port = 0;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);

	send_msg(fd, port, "/xremote", lo_message_new());
	send_msg(fd, port, "/xinfo", lo_message_new());
	usleep(20000);
	o->receive(p);
	m = recv_msg(fd, path, sizeof(path));
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(path, "/xinfo");
	ck_assert_str_eq(lo_message_get_types(m), "ssss");
	lo_message_free(m);

	/* a change made elsewhere (here: straight to the model) reaches the /xremote client */
	unsigned idx = (unsigned)params_find(fx.ps, "/strip/2/mute"), changed;
	ck_assert_int_eq(model_set(fx.m, idx, 1), 0);
	ck_assert(model_pop_change(fx.m, &changed));
	struct feedback_frame f = { .now_ns = 1000000000ull, .changed = &changed, .n_changed = 1 };
	o->tick(p, &f);
	m = recv_msg(fd, path, sizeof(path));
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(path, "/ch/02/mix/on");
	ck_assert_str_eq(lo_message_get_types(m), "i");
	ck_assert_int_eq(lo_message_get_argv(m)[0]->i, 0);
	lo_message_free(m);

	n = o->stats(p, st, 32);
	ck_assert_uint_ge(n, 10);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(!strncmp(st[i].name, "x32_", 4), "%s", st[i].name);
	close(fd);
	o->free(p);
	o->free(NULL);
	close_console(&fx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("x32_law");
	TCase *tc = tcase_create("law");

	tcase_add_test(tc, fader_law_segment_ends);
	tcase_add_test(tc, fader_law_inverse_on_the_grid);
	tcase_add_test(tc, pan_trim_hpf_laws);
	tcase_add_test(tc, type_tags);
	tcase_add_test(tc, every_address_resolves_back);
	tcase_add_test(tc, sets_and_gets);
	tcase_add_test(tc, eq_and_dynamics);
	tcase_add_test(tc, node_lines);
	tcase_add_test(tc, personality_interface);
	suite_add_tcase(s, tc);
	return check_run(s);
}
