/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /list pager: a real osc_server on 127.0.0.1:0 answering a real client socket. An answer
 * goes out whole however late the first tick comes on the monotonic clock (mixd's clock reads
 * hours after boot; an answer stamped 0 was timed out at once, and CI saw 256 rows and no
 * /list/end), and an answer still unfinished PAGER_TIMEOUT_NS after its first tick is dropped
 * without a /list/end.
 */
#include "check_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "allow.h"
#include "pager.h"
#include "params.h"
#include "server.h"

struct tally {
	unsigned rows, ends;
};

static void
ignore(void *ctx, const struct osc_peer *from, const char *path, const char *types, lo_arg **argv,
       int argc)
{
}

static struct osc_server *
server_new(void)
{
	struct allowlist allow;
	struct osc_server *s;
	char err[256];

	ck_assert_int_eq(allow_parse(&allow, "127.0.0.0/8", err, sizeof(err)), 0);
	s = osc_server_new("127.0.0.1:0", &allow, ignore, NULL, err, sizeof(err));
	ck_assert_msg(s != NULL, "osc_server_new: %s", err);
	return s;
}

/* A client on 127.0.0.2 with a receive buffer for a whole burst; *peer is its address. */
static int
client_new(struct osc_peer *peer)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int size = 8 << 20;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)), 0);
	ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.2", &a.sin_addr), 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	memset(peer, 0, sizeof(*peer));
	peer->len = sizeof(peer->addr);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&peer->addr, &peer->len), 0);
	return fd;
}

/* Everything queued on fd now (loopback delivers at send). */
static struct tally
drain(int fd)
{
	struct tally t = { 0, 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[2048];

	while (poll(&p, 1, 0) > 0) {
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			break;
		if (!strcmp(buf, "/list"))
			t.rows++;
		else if (!strcmp(buf, "/list/end"))
			t.ends++;
	}
	return t;
}

/* Ten hours of uptime on the monotonic clock, in ns: a first tick long after zero. */
#define LATE_NS (36000ull * 1000000000ull)

START_TEST(late_first_tick_finishes)
{
	struct params *ps = params_new(64);
	struct osc_server *srv = server_new();
	struct pager *p = pager_new(ps);
	struct osc_peer to;
	int fd = client_new(&to);
	struct tally t = { 0, 0 }, got;

	ck_assert_ptr_nonnull(ps);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_gt(params_count(ps), PAGER_ROWS_AT_START); /* the ticks must send the rest */
	ck_assert_int_eq(pager_start(p, srv, &to, NULL), 0);
	for (unsigned tick = 0; tick < 1000 && pager_active(p); tick++) {
		pager_run(p, srv, LATE_NS + tick * 10000000ull);
		got = drain(fd);
		t.rows += got.rows;
		t.ends += got.ends;
		usleep(1000); /* the send budget refills in real time */
	}
	got = drain(fd);
	t.rows += got.rows;
	t.ends += got.ends;
	ck_assert_uint_eq(pager_active(p), 0);
	ck_assert_uint_eq(pager_dropped(p), 0);
	ck_assert_uint_eq(t.rows, params_count(ps));
	ck_assert_uint_eq(t.ends, 1);
	close(fd);
	pager_free(p);
	osc_server_free(srv);
	params_free(ps);
}
END_TEST

START_TEST(unfinished_answer_times_out)
{
	struct params *ps = params_new(256);
	struct osc_server *srv = server_new();
	struct pager *p = pager_new(ps);
	struct osc_peer to;
	int fd = client_new(&to);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pager_start(p, srv, &to, NULL), 0);
	pager_run(p, srv, LATE_NS); /* the first tick: a burst's worth, not all 9000 rows */
	ck_assert_uint_eq(pager_active(p), 1);
	pager_run(p, srv, LATE_NS + PAGER_TIMEOUT_NS); /* not yet over */
	ck_assert_uint_eq(pager_active(p), 1);
	pager_run(p, srv, LATE_NS + PAGER_TIMEOUT_NS + 1);
	ck_assert_uint_eq(pager_active(p), 0);
	ck_assert_uint_eq(pager_dropped(p), 1);
	ck_assert_uint_eq(drain(fd).ends, 0);
	close(fd);
	pager_free(p);
	osc_server_free(srv);
	params_free(ps);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pager");
	TCase *tc = tcase_create("pager");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, late_first_tick_finishes);
	tcase_add_test(tc, unfinished_answer_times_out);
	suite_add_tcase(s, tc);
	return check_run(s);
}
