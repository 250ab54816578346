/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The aux buses, subgroups, DCAs and mute groups measured at the engine's outputs: sends pre and
 * post fader against the formula, pan laws, members reaching the master once, DCA offsets, mute
 * groups; the vector kernels against the reference; non-finite input and bad indices. */
#include "check_run.h"
#include "live_test.h"

/* ---- aux sends ---- */
/* ---- aux sends ---- */

/* A -20 dBFS tone sent pre-fader at -6 dB reads -26 at the aux output whatever the fader;
 * a muted channel leaves the wedges too (pre sends follow mute, not fader or solo). */
START_TEST(pre_send_ignores_fader)
{
	static const float faders[] = { 0.0f, -20.0f, ENGINE_LEVEL_OFF_DB, 6.0f };

	for (unsigned f = 0; f < sizeof(faders) / sizeof(faders[0]); f++) {
		struct engine *e = console(2, NULL, 2, NULL);

		sine(in_buf[0], AMP, HZ1);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
		engine_set(e, ENGINE_STRIP_FADER, 0, faders[f]);
		engine_set(e, ENGINE_STRIP_SOLO, 1, 1.0f); /* strip 0 is not soloed */
		engine_settle(e);
		run(e);
		ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 6.0);
		ck_silent(ax[1][0], 0, N);
		engine_free(e);
	}
	{
		struct engine *e = console(1, NULL, 1, NULL);

		sine(in_buf[0], AMP, HZ1);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
		engine_set(e, ENGINE_STRIP_MUTE, 0, 1.0f);
		engine_settle(e);
		run(e);
		ck_silent(ax[0][0], 0, N);
		engine_free(e);
	}
}
END_TEST

/* Post-fader: send level + fader; mute silences it; the aux fader and mute act on the bus. */
START_TEST(post_send_follows_fader_and_mute)
{
	struct engine *e = console(1, NULL, 1, NULL);

	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), -6.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_FADER, 0, -10.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 16.0);
	engine_set(e, ENGINE_AUX_FADER, 0, -4.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db - 20.0);
	engine_set(e, ENGINE_STRIP_MUTE, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	engine_set(e, ENGINE_STRIP_MUTE, 0, 0.0f);
	engine_set(e, ENGINE_AUX_MUTE, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	engine_free(e);
}
END_TEST

/* A stereo bus: a mono strip's send pans with the -3 dB law; a stereo strip's sides stay on
 * their sides, and into a mono bus each side is halved. */
START_TEST(stereo_bus_pan)
{
	static const bool st[] = { false, true };
	static const bool axs[] = { true, false };
	struct engine *e = console(2, st, 2, axs);

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2); /* strip 1 left */
	sine(in_buf[2], AMP, HZ3); /* strip 1 right */
	for (unsigned s = 0; s < 2; s++) {
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 0), 0.0f);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 1), 0.0f);
	}
	engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(0, 0), 0.5f);
	engine_settle(e);
	run(e);
	/* pan 0.5: gl = sin(0.25 pi/4 ... ) per pan.h */
	ck_db(amp_db(ax[0][0], HZ1, 0), in_db + db(sin(0.5 * 0.25 * M_PI)));
	ck_db(amp_db(ax[0][1], HZ1, 0), in_db + db(sin(1.5 * 0.25 * M_PI)));
	ck_db(amp_db(ax[0][0], HZ2, 0), in_db);
	ck_assert(amp_db(ax[0][1], HZ2, 0) < -120.0);
	ck_db(amp_db(ax[0][1], HZ3, 0), in_db);
	ck_assert(amp_db(ax[0][0], HZ3, 0) < -120.0);
	/* the mono bus: the mono strip at unity, each stereo side at half */
	ck_db(amp_db(ax[1][0], HZ1, 0), in_db);
	ck_db(amp_db(ax[1][0], HZ2, 0), in_db + db(0.5));
	ck_db(amp_db(ax[1][0], HZ3, 0), in_db + db(0.5));
	engine_free(e);
}
END_TEST

/* Subgroup: members reach the master once, through the bus, at the level they had directly;
 * the bus's fader moves them; non-members are untouched. */
START_TEST(subgroup_reaches_master_once)
{
	struct engine *e = console(2, NULL, 1, NULL);
	uint32_t L = engine_latency(e);
	double direct1, direct2;

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_PAN, 0, -0.4f);
	engine_settle(e);
	run(e);
	direct1 = amp_db(m_l, HZ1, L);
	direct2 = amp_db(m_l, HZ2, L);
	ck_db(direct2, in_db - 3.0103);

	/* a post-fader send at 0 dB, the same pan, into a mono bus to the master: the bus feeds
	 * it centred, so use a stereo one to keep the pan */
	engine_free(e);
	{
		static const bool axs[] = { true };
		e = console(2, NULL, 1, axs);
	}
	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	engine_set(e, ENGINE_STRIP_PAN, 0, -0.4f);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(0, 0), -0.4f);
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1); /* once: twice would read +6 dB */
	ck_db(amp_db(m_l, HZ2, L), direct2);
	/* the bus fader moves its members only */
	engine_set(e, ENGINE_AUX_FADER, 0, -6.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1 - 6.0);
	ck_db(amp_db(m_l, HZ2, L), direct2);
	/* master switch off: the strip is back in the main mix directly, the bus feeds no more */
	engine_set(e, ENGINE_AUX_MASTER, 0, 0.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), direct1);
	ck_db(amp_db(ax[0][0], HZ1, 0), direct1 - 6.0);
	engine_free(e);
}
END_TEST

/* A mono subgroup feeds the master centred: a centred mono member reads what it read directly. */
START_TEST(mono_subgroup_centred)
{
	struct engine *e = console(1, NULL, 1, NULL);
	uint32_t L = engine_latency(e);

	sine(in_buf[0], AMP, HZ1);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), in_db - 3.0103);
	ck_db(amp_db(m_r, HZ1, L), in_db - 3.0103);
	engine_free(e);
}
END_TEST

/* ---- DCAs and mute groups ---- */

START_TEST(dca_offsets_members)
{
	struct engine *e = console(3, NULL, 0, NULL);
	uint32_t L = engine_latency(e);
	double base[3];
	static const double hz[3] = { HZ1, HZ2, HZ3 };

	for (int k = 0; k < 3; k++)
		sine(in_buf[k], AMP, hz[k]);
	engine_set(e, ENGINE_STRIP_FADER, 1, -5.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		base[k] = amp_db(m_l, hz[k], L);
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 2), 1.0f);
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(1, 2), 1.0f);
	engine_set(e, ENGINE_DCA_FADER, 2, -10.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), base[0] - 10.0);
	ck_db(amp_db(m_l, HZ2, L), base[1] - 10.0); /* fader -5 + DCA -10 */
	ck_db(amp_db(m_l, HZ3, L), base[2]);
	/* a second DCA's offset adds */
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 3), 1.0f);
	engine_set(e, ENGINE_DCA_FADER, 3, 4.0f);
	engine_settle(e);
	run(e);
	ck_db(amp_db(m_l, HZ1, L), base[0] - 6.0);
	/* DCA mute silences members only */
	engine_set(e, ENGINE_DCA_MUTE, 2, 1.0f);
	engine_settle(e);
	run(e);
	ck_assert(amp_db(m_l, HZ1, L) < -120.0 && amp_db(m_l, HZ2, L) < -120.0);
	ck_db(amp_db(m_l, HZ3, L), base[2]);
	/* back to 0 and unmuted: the stored faders were never touched */
	engine_set(e, ENGINE_DCA_MUTE, 2, 0.0f);
	engine_set(e, ENGINE_DCA_FADER, 2, 0.0f);
	engine_set(e, ENGINE_DCA_FADER, 3, 0.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		ck_db(amp_db(m_l, hz[k], L), base[k]);
	engine_free(e);
}
END_TEST

START_TEST(mute_group_mutes_members)
{
	struct engine *e = console(3, NULL, 1, NULL);
	uint32_t L = engine_latency(e);
	static const double hz[3] = { HZ1, HZ2, HZ3 };

	for (int k = 0; k < 3; k++) {
		sine(in_buf[k], AMP, hz[k]);
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(k, 0), 0.0f);
	}
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(0, 5), 1.0f);
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(2, 5), 1.0f);
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(1, 4), 1.0f);
	engine_set(e, ENGINE_MUTEGROUP_ON, 5, 1.0f);
	engine_settle(e);
	run(e);
	ck_assert(amp_db(m_l, HZ1, L) < -120.0 && amp_db(m_l, HZ3, L) < -120.0);
	ck_db(amp_db(m_l, HZ2, L), in_db - 3.0103);
	/* and their pre-fader sends */
	ck_assert(amp_db(ax[0][0], HZ1, 0) < -120.0 && amp_db(ax[0][0], HZ3, 0) < -120.0);
	ck_db(amp_db(ax[0][0], HZ2, 0), in_db);
	engine_set(e, ENGINE_MUTEGROUP_ON, 5, 0.0f);
	engine_settle(e);
	run(e);
	for (int k = 0; k < 3; k++)
		ck_db(amp_db(m_l, hz[k], L), in_db - 3.0103);
	engine_free(e);
}
END_TEST

/* ---- kernels, garbage, bad commands ---- */

/* The aux sends of every vector kernel match the reference's, sends and faders moving. */
START_TEST(kernels_match_ref_on_aux)
{
	static const enum engine_kernel ks[] = { ENGINE_KERNEL_REF, ENGINE_KERNEL_GENERIC,
		                                 ENGINE_KERNEL_AVX2, ENGINE_KERNEL_AVX512 };
	static const bool st[] = { false, true, false, false };
	static const bool axs[] = { false, true, true, false };
	static float ref[MAX_AX][2][N + LAT_PAD], ref_dir[MAX_IN][N + LAT_PAD];
	int tested = 0;

	for (unsigned ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		struct engine *e = console(4, st, MAX_AX, axs);
		uint64_t seed = 99, prog = 5;

		if (engine_set_kernel(e, ks[ki]) < 0) {
			engine_free(e);
			continue;
		}
		for (int k = 0; k < 5; k++)
			for (int i = 0; i < N; i++)
				in_buf[k][i] = (float)(0.1 * rng_gauss(&seed));
		for (uint32_t off = 0; off < N; off += CHUNK) {
			const float *in[MAX_IN];
			float *dp[MAX_IN];
			struct engine_outputs o = { .direct = dp };
			for (int k = 0; k < MAX_IN; k++) {
				in[k] = in_buf[k] + off;
				dp[k] = dir[k] + off;
			}
			for (int k = 0; k < MAX_AX; k++) {
				o.aux[k][0] = ax[k][0] + off;
				o.aux[k][1] = ax[k][1] + off;
			}
			if (off % 512 == 0)
				for (unsigned s = 0; s < 4; s++) {
					engine_set(e, ENGINE_STRIP_DIRECT_PRE, s,
					           (float)(rng_next(&prog) & 1));
					engine_set(e, ENGINE_STRIP_HPF_ON, s, 1.0f);
					unsigned b = (unsigned)(rng_next(&prog) % MAX_AX);
					engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, b),
					           (float)(-20.0 * rng_uniform(&prog)));
					engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(s, b),
					           (float)(rng_next(&prog) & 1));
					engine_set(e, ENGINE_STRIP_AUX_PAN, ENGINE_AUX_IDX(s, b),
					           (float)(2.0 * rng_uniform(&prog) - 1.0));
					engine_set(e, ENGINE_STRIP_FADER, s,
					           (float)(-20.0 * rng_uniform(&prog)));
					engine_set(e, ENGINE_STRIP_MUTE, s,
					           rng_uniform(&prog) < 0.2 ? 1.0f : 0.0f);
				}
			engine_process_outputs(e, in, &o, CHUNK);
		}
		if (ks[ki] == ENGINE_KERNEL_REF) {
			memcpy(ref, ax, sizeof(ref));
			memcpy(ref_dir, dir, sizeof(ref_dir));
		} else {
			double d = 0.0, dd = 0.0;
			for (int k = 0; k < MAX_AX; k++)
				for (int c = 0; c < 2; c++)
					for (int i = 0; i < N; i++)
						d = fmax(d, fabs(ax[k][c][i] - ref[k][c][i]));
			for (int k = 0; k < 5; k++)
				for (int i = 0; i < N; i++)
					dd = fmax(dd, fabs(dir[k][i] - ref_dir[k][i]));
			printf(
			    "aux kernels: %s vs ref: max |diff| %.3g on the aux buses, %.3g on the "
			    "direct outs\n",
			    engine_kernel_name(e), d, dd);
			ck_assert_msg(d <= 1e-5 && dd <= 1e-5, "%s differs from ref by %g / %g",
			              engine_kernel_name(e), d, dd);
			tested++;
		}
		ck_assert(peak_of(dir[0], 0, N) > 1e-3 && peak_of(dir[2], 0, N) > 1e-3);
		ck_assert(peak_of(ax[0][0], 0, N) > 1e-3);
		engine_free(e);
	}
	ck_assert_int_ge(tested, 1);
}
END_TEST

START_TEST(nonfinite_input_stays_out)
{
	struct engine *e = console(2, NULL, 1, NULL);
	struct engine_counters c;

	sine(in_buf[0], AMP, HZ1);
	sine(in_buf[1], AMP, HZ2);
	in_buf[0][1000] = NAN;
	in_buf[1][2000] = INFINITY;
	for (unsigned s = 0; s < 2; s++) {
		engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(s, 0), 0.0f);
		engine_set(e, ENGINE_STRIP_CUE, s, 1.0f);
	}
	engine_set(e, ENGINE_AUX_MASTER, 0, 1.0f);
	engine_settle(e);
	run(e);
	for (int i = 0; i < N; i++)
		ck_assert(isfinite(ax[0][0][i]) && isfinite(mon_l[i]) && isfinite(mon_r[i]) &&
		          isfinite(dir[0][i]) && isfinite(dir[1][i]) && isfinite(m_l[i]));
	engine_counters(e, &c);
	ck_assert_uint_ge(c.nonfinite_inputs, 2);
	ck_assert_uint_eq(c.nonfinite_output, 0);
	engine_free(e);
}
END_TEST

START_TEST(bad_indices_counted_and_ignored)
{
	struct engine *e = console(2, NULL, 2, NULL);
	struct engine_counters c, c0;
	struct engine_layout l = { .n_strips = 2, .n_aux = ENGINE_MAX_AUX + 1 };

	sine(in_buf[0], AMP, HZ1);
	engine_counters(e, &c0);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 2), 0.0f); /* no bus 3 */
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(2, 0), 0.0f); /* no strip 3 */
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 4), 1.0f);       /* no DCA 5 */
	engine_set(e, ENGINE_DCA_FADER, 4, -10.0f);
	engine_set(e, ENGINE_MUTEGROUP_ON, ENGINE_MUTE_GROUPS, 1.0f);     /* no group 7 */
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(2, 0), 1.0f); /* no strip 3 */
	engine_set(e, ENGINE_AUX_FADER, 2, 0.0f);
	engine_set(e, ENGINE_AUX_CUE, 7, 1.0f);
	engine_set(e, ENGINE_STRIP_CUE, 9, 1.0f);
	engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), NAN);
	engine_counters(e, &c);
	ck_assert_uint_eq(c.bad_commands - c0.bad_commands, 10);
	ck_assert_uint_eq(c.commands, c0.commands);
	engine_settle(e);
	run(e);
	ck_silent(ax[0][0], 0, N);
	ck_silent(ax[1][0], 0, N);
	engine_free(e);
	ck_assert_ptr_null(engine_new_layout(FS, &l));
	l.n_aux = 2;
	l.n_dca = ENGINE_MAX_DCA + 1;
	ck_assert_ptr_null(engine_new_layout(FS, &l));
	l.n_dca = 0;
	l.n_strips = 0;
	ck_assert_ptr_null(engine_new_layout(FS, &l));
}
END_TEST

/* A send moving from off to 0 dB glides: no step larger than the glide's. */
START_TEST(send_glides)
{
	struct engine *e = console(1, NULL, 1, NULL);
	const double glide = FS * ENGINE_SMOOTH_MS * 0.001;

	for (int i = 0; i < N; i++)
		in_buf[0][i] = 0.5f;
	engine_settle(e);
	for (uint32_t off = 0; off < N; off += 48) {
		const float *in[MAX_IN];
		struct engine_outputs o = { 0 };
		for (int k = 0; k < MAX_IN; k++)
			in[k] = in_buf[k] + off;
		o.aux[0][0] = ax[0][0] + off;
		if (off == 960)
			engine_set(e, ENGINE_STRIP_AUX_LEVEL, ENGINE_AUX_IDX(0, 0), 0.0f);
		if (off == 4800)
			engine_set(e, ENGINE_STRIP_AUX_PRE, ENGINE_AUX_IDX(0, 0), 0.0f);
		if (off == 4800 + 960)
			engine_set(e, ENGINE_STRIP_FADER, 0, ENGINE_LEVEL_OFF_DB);
		engine_process_outputs(e, in, &o, 48);
	}
	for (int i = 1; i < N; i++)
		ck_assert_msg(fabs(ax[0][0][i] - ax[0][0][i - 1]) <= 0.5 / glide * 1.01,
		              "aux steps by %g at %d", fabs(ax[0][0][i] - ax[0][0][i - 1]), i);
	ck_assert_float_eq(ax[0][0][4700], 0.5f);
	ck_assert_float_eq(ax[0][0][N - 1], 0.0f);
	engine_free(e);
}
END_TEST

/* DCA moves and mute-group switches glide: the master of a DC input never steps by more than a
 * glide's step of the largest gain change. */
START_TEST(dca_and_mute_group_glide)
{
	struct engine *e = console(1, NULL, 0, NULL);
	const double glide = FS * ENGINE_SMOOTH_MS * 0.001;
	const uint32_t L = engine_latency(e);

	for (int i = 0; i < N; i++)
		in_buf[0][i] = 0.5f;
	engine_set(e, ENGINE_STRIP_DCA, ENGINE_DCA_IDX(0, 1), 1.0f);
	engine_set(e, ENGINE_STRIP_MUTEGROUP, ENGINE_MG_IDX(0, 0), 1.0f);
	engine_settle(e);
	for (uint32_t off = 0; off < N + L; off += 48) {
		const float *in[MAX_IN];
		struct engine_outputs o = { .master_l = m_l + off };
		for (int k = 0; k < MAX_IN; k++)
			in[k] = in_buf[k] + off;
		if (off == 960)
			engine_set(e, ENGINE_DCA_FADER, 1, -20.0f);
		if (off == 2880)
			engine_set(e, ENGINE_MUTEGROUP_ON, 0, 1.0f);
		if (off == 4800)
			engine_set(e, ENGINE_MUTEGROUP_ON, 0, 0.0f);
		if (off == 6720)
			engine_set(e, ENGINE_DCA_MUTE, 1, 1.0f);
		engine_process_outputs(e, in, &o, 48);
	}
	/* the largest output is 0.5 x the centre pan law */
	for (uint32_t i = L + 1; i < N + L; i++)
		ck_assert_msg(fabs(m_l[i] - m_l[i - 1]) <= 0.5 * 0.7072 / glide * 1.01,
		              "master steps by %g at %u", fabs(m_l[i] - m_l[i - 1]), i - L);
	ck_assert(fabs(m_l[L + 2800] - 0.05 * 0.70710678) < 1e-5); /* -20 dB */
	ck_assert_float_eq(m_l[L + 4700], 0.0f);
	ck_assert_float_eq(m_l[L + N - 1], 0.0f);
	engine_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("aux");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pre_send_ignores_fader);
	tcase_add_test(tc, post_send_follows_fader_and_mute);
	tcase_add_test(tc, stereo_bus_pan);
	tcase_add_test(tc, subgroup_reaches_master_once);
	tcase_add_test(tc, mono_subgroup_centred);
	tcase_add_test(tc, dca_offsets_members);
	tcase_add_test(tc, mute_group_mutes_members);
	tcase_add_test(tc, kernels_match_ref_on_aux);
	tcase_add_test(tc, nonfinite_input_stays_out);
	tcase_add_test(tc, bad_indices_counted_and_ignored);
	tcase_add_test(tc, send_glides);
	tcase_add_test(tc, dca_and_mute_group_glide);
	suite_add_tcase(s, tc);
	return check_run(s);
}
