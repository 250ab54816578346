/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The personality registry (osc/personalities.c): every entry has the hooks personality.h
 * requires of it, the Ardour personality is listed, and driven through the interface alone it
 * comes up on a console, ticks, reports the seven counters /stats has always had in their
 * order, and goes away.
 */
#include "check_run.h"

#include <string.h>

#include "ardour.h"
#include "feedback.h"
#include "personality.h"

#include "console.h"

#define N_STRIPS 4

START_TEST(every_entry_has_its_hooks)
{
	ck_assert_uint_ge(personality_count, 1);
	ck_assert_uint_le(personality_count, PERSONALITY_MAX);
	for (unsigned i = 0; i < personality_count; i++) {
		const struct personality_ops *o = personality_registry[i];

		ck_assert_ptr_nonnull(o);
		ck_assert_ptr_nonnull(o->name);
		ck_assert(o->create != NULL);
		ck_assert(o->tick != NULL);
		ck_assert(o->stats != NULL);
		ck_assert(o->free != NULL);
		/* a socket of its own comes with the hook that reads it */
		ck_assert((o->fd == NULL) == (o->receive == NULL));
		if (o->port_option) {
			ck_assert(o->fd != NULL);
			ck_assert_int_ge(o->port_default, 1);
			ck_assert_int_le(o->port_default, 65535);
		}
		for (unsigned j = 0; j < i; j++)
			ck_assert_str_ne(o->name, personality_registry[j]->name);
	}
}
END_TEST

START_TEST(ardour_is_listed_on_the_control_port)
{
	unsigned found = 0;

	for (unsigned i = 0; i < personality_count; i++)
		if (personality_registry[i] == &ardour_personality)
			found++;
	ck_assert_uint_eq(found, 1);
	ck_assert_str_eq(ardour_personality.name, "ardour");
	ck_assert_ptr_null(ardour_personality.port_option);
	ck_assert(ardour_personality.fd == NULL);
	ck_assert(ardour_personality.receive == NULL);
}
END_TEST

START_TEST(ardour_through_the_interface)
{
	static const char *const names[] = {
		"ardour_surfaces", "ardour_evicted", "ardour_expired",     "ardour_refused",
		"ardour_messages", "ardour_sent",    "ardour_send_errors",
	};
	const struct personality_ops *o = &ardour_personality;
	bool stereo[N_STRIPS] = { false, true, false, false };
	struct dispatch_stat st[16];
	struct console con;
	char err[128] = "";
	void *p;

	console_open(&con, N_STRIPS, NULL);
	const struct personality_env env = {
		.m = con.m,
		.srv = con.srv,
		.d = con.d,
		.hooks = &con.hooks,
		.stereo = stereo,
		.n_strips = N_STRIPS,
	};
	p = o->create(&env, err, sizeof(err));
	ck_assert_msg(p != NULL, "create: %s", err);
	ck_assert_uint_eq(o->stats(p, st, 16), 7);
	for (unsigned i = 0; i < 7; i++) {
		ck_assert_str_eq(st[i].name, names[i]);
		ck_assert_uint_eq(st[i].value, 0);
	}
	/* a short buffer gets the first ones, in order */
	ck_assert_uint_eq(o->stats(p, st, 3), 3);
	ck_assert_str_eq(st[2].name, "ardour_expired");
	ck_assert_uint_eq(o->stats(p, st, 0), 0);
	struct feedback_frame f = { .now_ns = 1000000000ull };
	o->tick(p, &f);
	o->free(p);
	o->free(NULL);
	console_close(&con);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("personality");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, every_entry_has_its_hooks);
	tcase_add_test(tc, ardour_is_listed_on_the_control_port);
	tcase_add_test(tc, ardour_through_the_interface);
	suite_add_tcase(s, tc);
	return check_run(s);
}
