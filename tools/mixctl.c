/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixctl: the command-line client of mixd's OSC port.
 *
 *   mixctl [--host H] [--port P] [--timeout MS] set ADDRESS VALUE | get ADDRESS | list [PREFIX]
 *          | watch [--strips N] [--seconds S] [--hz N] | scene save|load|delete NAME
 *          | scene list
 *          | stats | info | ping | connections | connect|disconnect OURS PEER
 *
 * This file is the command line and the one-shot commands; the connection and its request
 * rounds are mixctl_conn.c, the live display mixctl_watch.c.
 *
 * Exit status: 0 success, 1 when mixd answers /error or not at all within --timeout, 2 for bad
 * usage. Single-threaded; the signal handlers only set a flag.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lo/lo.h>

#include "cli.h"
#include "clock.h"
#include "config.h"
#include "mixctl_conn.h"
#include "mixctl_ports.h"
#include "mixctl_watch.h"

#define MIXCTL_DEFAULT_HOST    "127.0.0.1"
#define MIXCTL_DEFAULT_PORT    "9000"
#define MIXCTL_DEFAULT_TIMEOUT 1000
#define MIXCTL_TIMEOUT_MAX     600000
/* scene names as mixd takes them (design.md §4, scenes.h): [A-Za-z0-9._-]{1,64} and not "." or
 * "..", so a name can never reach outside its state directory */
#define MIXCTL_SCENE_NAME_MAX 64

static const char usage_text[] =
    "usage: mixctl [--host H] [--port P] [--timeout MS] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  set ADDRESS VALUE   set a parameter and print the value mixd now has (clamped);\n"
    "                      -inf sets a dB parameter to off; a choice parameter takes\n"
    "                      a name its unit lists (off|bell|...) or the index from 0\n"
    "  get ADDRESS         print ADDRESS and its value(s), e.g. get /meter/strip/1\n"
    "  list [PREFIX]       one line per parameter: address type min max default [unit]\n"
    "  watch [--strips N] [--seconds S] [--hz N]\n"
    "                      live meters and loudness, N updates a second (1..50,\n"
    "                      default 20), until Ctrl-C or S seconds\n"
    "  scene save NAME     save the console as scene NAME ([A-Za-z0-9._-], 1..64)\n"
    "  scene load NAME     load scene NAME (all of it, or nothing when a line is bad)\n"
    "  scene delete NAME   delete scene NAME (mixd keeps at most 256)\n"
    "  scene list          the saved scenes, one per line\n"
    "  stats               mixd's counters, one 'name value' per line\n"
    "  info                name, version, strips, rate, buffer, latency\n"
    "  ping                check that mixd answers, and how fast\n"
    "  connections         the JACK connections mixd remembers: OURS PEER STATE\n"
    "                      (connected, pending: waiting for the peer, settling)\n"
    "  connect OURS PEER   connect mixd's port OURS (in_1, master_L) and PEER\n"
    "                      (client:port), and remember it\n"
    "  disconnect OURS PEER  disconnect them and forget it\n"
    "\n"
    "options:\n"
    "  --host H            mixd's host name or address (default " MIXCTL_DEFAULT_HOST ")\n"
    "  --port P            mixd's OSC UDP port, 1..65535 (default " MIXCTL_DEFAULT_PORT ")\n"
    "  --timeout MS        wait this long for an answer, 1..600000 ms (default 1000)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 mixd answered an error or did not answer, 2 bad usage\n";

/* ---- small helpers ---- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the complaint and the usage text to stderr; returns the bad-usage exit status. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mixctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage_text, stderr);
	return MIXCTL_USAGE;
}

/* Parses a whole decimal number in lo..hi. Returns 0 or -EINVAL. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!((*s >= '0' && *s <= '9') || *s == '-'))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* An OSC address mixd could know: starts with '/', no spaces, no pattern characters (mixd drops
 * wildcard addresses unanswered, which would look like a timeout). */
static bool
address_ok(const char *a)
{
	size_t n = strlen(a);

	if (a[0] != '/' || n >= MIXCTL_ADDRESS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c == 0x7f || strchr("#*,?[]{}", c))
			return false;
	}
	return true;
}

/* Shortest text that reads back as the same float. */
static void
format_float(float v, char *buf, size_t n)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(buf, n, "%.*g", p, (double)v);
		if (strtof(buf, NULL) == v)
			return;
	}
}

static void
print_arg(FILE *f, char type, const lo_arg *a)
{
	char buf[MIXCTL_ADDRESS_MAX];

	switch (type) {
	case LO_FLOAT:
		format_float(arg_f(a), buf, sizeof(buf));
		fputs(buf, f);
		break;
	case LO_DOUBLE:
		fprintf(f, "%.17g", arg_d(a));
		break;
	case LO_INT32:
		fprintf(f, "%d", (int)arg_i(a));
		break;
	case LO_INT64:
		fprintf(f, "%lld", (long long)arg_h(a));
		break;
	case LO_STRING:
	case LO_SYMBOL:
		mixctl_sanitize(arg_s(a), buf, sizeof(buf));
		fputs(buf, f);
		break;
	case LO_TRUE:
		fputs("1", f);
		break;
	case LO_FALSE:
		fputs("0", f);
		break;
	case LO_INFINITUM:
		fputs("inf", f);
		break;
	case LO_NIL:
		fputs("nil", f);
		break;
	default:
		fprintf(f, "<%c>", type);
		break;
	}
}

/* ---- /list ---- */

struct param_info {
	char type;
	float min, max;
	char unit[32];
	bool found;
};

typedef void (*list_fn)(void *ctx, const struct reply *r);

struct list_ctx {
	list_fn fn;
	void *ctx;
};

/* Passes on the well-formed /list answers: s:address s:type f:min f:max default s:unit. */
static void
list_item(void *ctx, const struct reply *r)
{
	const struct list_ctx *lc = ctx;

	if (r->argc == 6 && arg_is_string(r->types[0]) && arg_is_string(r->types[1]) &&
	    r->types[2] == LO_FLOAT && r->types[3] == LO_FLOAT && arg_is_string(r->types[5]))
		lc->fn(lc->ctx, r);
}

/* Sends /list [prefix] and calls fn for each well-formed /list answer until /list/end. Returns
 * MIXCTL_OK or the exit status to return (messages printed). */
static int
list_run(struct conn *c, const char *prefix, list_fn fn, void *ctx)
{
	struct list_ctx lc = { fn, ctx };
	lo_message m = lo_message_new();
	int ret;

	if (!m)
		return MIXCTL_FAIL;
	if (prefix)
		lo_message_add_string(m, prefix);
	ret =
	    conn_stream(c, "/list", m, "/list", "/list/end",
	                "(a narrower PREFIX or a larger net.core.rmem_max helps)", list_item, &lc);
	lo_message_free(m);
	return ret;
}

static void
list_print(void *ctx, const struct reply *r)
{
	char min[32], max[32];

	format_float(arg_f(r->argv[2]), min, sizeof(min));
	format_float(arg_f(r->argv[3]), max, sizeof(max));
	print_arg(stdout, r->types[0], r->argv[0]);
	printf(" %c %s %s ", arg_s(r->argv[1])[0], min, max);
	if (arg_is_string(r->types[4]))
		putchar('"');
	print_arg(stdout, r->types[4], r->argv[4]);
	if (arg_is_string(r->types[4]))
		putchar('"');
	if (arg_s(r->argv[5])[0]) {
		putchar(' ');
		print_arg(stdout, r->types[5], r->argv[5]);
	}
	putchar('\n');
}

struct find_ctx {
	const char *address;
	struct param_info *info;
};

static void
list_find(void *ctx, const struct reply *r)
{
	struct find_ctx *f = ctx;

	if (strcmp(arg_s(r->argv[0]), f->address))
		return;
	f->info->found = true;
	f->info->type = arg_s(r->argv[1])[0];
	f->info->min = arg_f(r->argv[2]);
	f->info->max = arg_f(r->argv[3]);
	snprintf(f->info->unit, sizeof(f->info->unit), "%s", arg_s(r->argv[5]));
}

/* ---- commands ---- */

static void
print_reply_values(const struct reply *r)
{
	for (int i = 0; i < r->argc; i++) {
		putchar(' ');
		print_arg(stdout, r->types[i], r->argv[i]);
	}
	putchar('\n');
}

static int
cmd_get(struct conn *c, const char *address)
{
	struct req q;
	int ret;

	req_init(&q, address, NULL);
	ret = conn_request(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	fputs(address, stdout);
	print_reply_values(&q.r);
	req_free(&q, 1);
	return MIXCTL_OK;
}

/* Builds the set message for a parameter of the given type from text. Returns NULL with a
 * message printed when the text is not a value of that type. */
static lo_message
set_message(const char *address, const struct param_info *pi, const char *text)
{
	lo_message m = lo_message_new();
	double v;
	long i;

	if (!m)
		return NULL;
	switch (pi->type) {
	case 'f':
		if (!strcmp(pi->unit, "dB") && !strcasecmp(text, "-inf")) {
			v = MIXCTL_OFF_DB;
		} else if (cli_parse_double(text, -HUGE_VAL, HUGE_VAL, &v) < 0) {
			fprintf(stderr, "mixctl: %s: \"%s\" is not a finite number\n", address,
			        text);
			goto bad;
		}
		/* beyond float range is far beyond any parameter range: mixd clamps it anyway */
		if (v > FLT_MAX)
			v = FLT_MAX;
		if (v < -FLT_MAX)
			v = -FLT_MAX;
		lo_message_add_float(m, (float)v);
		return m;
	case 'i':
		if (parse_long(text, INT32_MIN, INT32_MAX, &i) < 0) {
			fprintf(stderr, "mixctl: %s: \"%s\" is not a whole number\n", address,
			        text);
			goto bad;
		}
		lo_message_add_int32(m, (int32_t)i);
		return m;
	case 's':
		/* a name, or a choice of an enum parameter: mixd takes the choice's name or its
		 * index as text, and names the choices when it is neither */
		lo_message_add_string(m, text);
		return m;
	default:
		fprintf(stderr,
		        "mixctl: %s: mixd lists it with type '%c', which mixctl cannot set\n",
		        address, pi->type);
		goto bad;
	}
bad:
	lo_message_free(m);
	return NULL;
}

static int
cmd_set(struct conn *c, const char *address, const char *text)
{
	struct param_info pi = { 0 };
	struct find_ctx f = { address, &pi };
	lo_message m;
	struct req q;
	int ret;

	/* the type decides the OSC type tag: a tablet-style float to an int parameter works,
	 * but a number to a name, or text to a fader, is an error mixctl can name better */
	ret = list_run(c, address, list_find, &f);
	if (ret != MIXCTL_OK)
		return ret;
	if (!pi.found) {
		/* not a parameter: mixd's own answer to a get says why (unknown address), or it is
		 * something readable but not settable, like a meter */
		req_init(&q, address, NULL);
		ret = conn_request(c, &q);
		if (ret != MIXCTL_OK)
			return ret;
		req_free(&q, 1);
		fprintf(stderr, "mixctl: %s: not a parameter (it can be read, not set)\n", address);
		return MIXCTL_FAIL;
	}
	m = set_message(address, &pi, text);
	if (!m)
		return MIXCTL_USAGE;
	ret = conn_send(c, address, m);
	lo_message_free(m);
	if (ret < 0)
		return conn_report_errno(c, address, ret);
	/* mixd handles datagrams in order: an /error for the set arrives before the get's answer,
	 * and the get reads back the value after clamping */
	return cmd_get(c, address);
}

static int
cmd_list(struct conn *c, const char *prefix)
{
	int ret = list_run(c, prefix, list_print, NULL);

	fflush(stdout);
	return ret;
}

static int
cmd_stats(struct conn *c)
{
	struct req q;
	int ret;

	req_init(&q, "/stats", NULL);
	ret = conn_request(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	for (int i = 0; i + 1 < q.r.argc; i += 2) {
		if (!arg_is_string(q.r.types[i]))
			continue;
		print_arg(stdout, q.r.types[i], q.r.argv[i]);
		putchar(' ');
		print_arg(stdout, q.r.types[i + 1], q.r.argv[i + 1]);
		putchar('\n');
	}
	req_free(&q, 1);
	return MIXCTL_OK;
}

static const char *const info_fields[] = {
	"name", "version", "strips", "rate", "buffer", "latency"
};
#define INFO_N_FIELDS (sizeof(info_fields) / sizeof(info_fields[0]))

static int
cmd_info(struct conn *c)
{
	unsigned strips;
	struct req q;
	int ret = conn_info(c, &q, &strips);

	if (ret != MIXCTL_OK)
		return ret;
	for (int i = 0; i < q.r.argc; i++) {
		if ((unsigned)i < INFO_N_FIELDS)
			printf("%s ", info_fields[i]);
		else
			printf("field%d ", i + 1);
		print_arg(stdout, q.r.types[i], q.r.argv[i]);
		putchar('\n');
	}
	req_free(&q, 1);
	return MIXCTL_OK;
}

static int
cmd_ping(struct conn *c)
{
	uint64_t t0 = clock_ns();
	struct req q;
	int ret;

	req_init(&q, "/ping", "/pong");
	ret = conn_request(c, &q);
	if (ret != MIXCTL_OK)
		return ret;
	printf("pong from %s in %.3f ms\n", c->peer, (double)(clock_ns() - t0) / 1e6);
	req_free(&q, 1);
	return MIXCTL_OK;
}

/* ---- scenes ---- */

static bool
scene_name_ok(const char *name)
{
	static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                              "0123456789._-";
	size_t n = strlen(name);

	return n >= 1 && n <= MIXCTL_SCENE_NAME_MAX && strspn(name, allowed) == n &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* scene save|load|delete NAME: mixd answers on the same address with the name, or /error (no such
 * scene, a line of it that is wrong, a file it cannot write). */
static int
cmd_scene_file(struct conn *c, const char *verb, const char *name)
{
	char path[32];
	struct req q;
	int ret;

	snprintf(path, sizeof(path), "/scene/%s", verb);
	req_init(&q, path, NULL);
	q.args = lo_message_new();
	if (!q.args)
		return MIXCTL_FAIL;
	lo_message_add_string(q.args, name);
	ret = conn_request(c, &q);
	lo_message_free(q.args);
	if (ret != MIXCTL_OK)
		return ret;
	printf("scene %s %s\n", name,
	       !strcmp(verb, "save")   ? "saved"
	       : !strcmp(verb, "load") ? "loaded"
	                               : "deleted");
	req_free(&q, 1);
	return MIXCTL_OK;
}

static void
scene_print(void *ctx, const struct reply *r)
{
	char name[MIXCTL_SCENE_NAME_MAX + 1];

	(void)ctx;
	if (r->argc < 1 || !arg_is_string(r->types[0]))
		return;
	mixctl_sanitize(arg_s(r->argv[0]), name, sizeof(name));
	puts(name);
}

/* scene list: one /scene/list s:name per scene, in mixd's (sorted) order, then /scene/list/end. */
static int
cmd_scene_list(struct conn *c)
{
	return conn_stream(c, "/scene/list", NULL, "/scene/list", "/scene/list/end", NULL,
	                   scene_print, NULL);
}

/* ---- command line ---- */

/* What the command line asks for. */
struct invocation {
	const char *host, *port;
	long timeout_ms;
	const char *cmd;
	char **args; /* the command's arguments */
	int nargs;
	struct watch_opts watch;
};

/* The options before the command. Returns -1 to go on, or the exit status (--help, --version,
 * bad usage). */
static int
parse_options(int argc, char **argv, struct invocation *inv)
{
	const char *val;
	long v;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return MIXCTL_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("mixctl %s\n", MIXD_VERSION);
			return MIXCTL_OK;
		} else if (cli_opt_match(argc, argv, &i, "--host", &val)) {
			if (!val || !*val)
				return usage_error("%s needs a host name or address", "--host");
			inv->host = val;
		} else if (cli_opt_match(argc, argv, &i, "--port", &val)) {
			if (!val)
				return usage_error("%s needs a port number", "--port");
			if (parse_long(val, 1, 65535, &v) < 0)
				return usage_error("--port \"%s\": expected 1..65535", val);
			inv->port = val;
		} else if (cli_opt_match(argc, argv, &i, "--timeout", &val)) {
			if (!val)
				return usage_error("%s needs milliseconds", "--timeout");
			if (parse_long(val, 1, MIXCTL_TIMEOUT_MAX, &inv->timeout_ms) < 0)
				return usage_error("--timeout \"%s\": expected 1..600000 ms", val);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return usage_error("unknown option %s", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("%s", "no command given");
	inv->cmd = argv[i++];
	inv->args = argv + i;
	inv->nargs = argc - i;
	return -1;
}

/* watch [--strips N] [--seconds S] [--hz N]. Returns -1 to go on, or MIXCTL_USAGE. */
static int
parse_watch(struct invocation *inv)
{
	struct watch_opts *o = &inv->watch;
	const char *val;
	long v;
	int j = 0;

	while (j < inv->nargs) {
		if (cli_opt_match(inv->nargs, inv->args, &j, "--strips", &val)) {
			if (!val || parse_long(val, 1, MIXCTL_MAX_STRIPS, &v) < 0)
				return usage_error("--strips \"%s\": expected 1..256",
				                   val ? val : "");
			o->strips = (unsigned)v;
		} else if (cli_opt_match(inv->nargs, inv->args, &j, "--seconds", &val)) {
			if (!val || cli_parse_double(val, -HUGE_VAL, HUGE_VAL, &o->seconds) < 0 ||
			    !(o->seconds > 0.0 && o->seconds <= 1e7))
				return usage_error(
				    "--seconds \"%s\": expected a number of seconds > 0",
				    val ? val : "");
		} else if (cli_opt_match(inv->nargs, inv->args, &j, "--hz", &val)) {
			if (!val || parse_long(val, 1, WATCH_HZ_MAX, &v) < 0)
				return usage_error("--hz \"%s\": expected 1..%d updates a second",
				                   val ? val : "", WATCH_HZ_MAX);
			o->hz = (unsigned)v;
		} else {
			return usage_error("watch: unexpected argument \"%s\"", inv->args[j]);
		}
	}
	return -1;
}

/* scene save NAME | scene load NAME | scene list. Returns -1 to go on, or MIXCTL_USAGE. */
static int
parse_scene(const struct invocation *inv)
{
	const char *verb = inv->nargs ? inv->args[0] : "";

	if (!strcmp(verb, "list")) {
		if (inv->nargs != 1)
			return usage_error("%s", "scene list takes no NAME");
		return -1;
	}
	if (strcmp(verb, "save") && strcmp(verb, "load") && strcmp(verb, "delete"))
		return usage_error("%s", "scene takes save NAME, load NAME, delete NAME or list");
	if (inv->nargs != 2)
		return usage_error("scene %s takes one NAME", verb);
	if (!scene_name_ok(inv->args[1]))
		return usage_error("scene name \"%s\": use 1..64 of A-Z a-z 0-9 . _ - "
		                   "(not . or ..)",
		                   inv->args[1]);
	return -1;
}

/* The command and its arguments, before anything is sent. Returns -1 to go on, or
 * MIXCTL_USAGE. */
static int
parse_command(struct invocation *inv)
{
	const char *cmd = inv->cmd;
	char *const *a = inv->args;

	if (!strcmp(cmd, "set") || !strcmp(cmd, "get")) {
		if (inv->nargs != (!strcmp(cmd, "set") ? 2 : 1))
			return usage_error("%s", !strcmp(cmd, "set") ? "set takes ADDRESS VALUE"
			                                             : "get takes one ADDRESS");
		if (!address_ok(a[0]))
			return usage_error("\"%s\" is not an OSC address like /strip/1/fader",
			                   a[0]);
	} else if (!strcmp(cmd, "list")) {
		if (inv->nargs > 1)
			return usage_error("%s", "list takes at most one PREFIX");
		if (inv->nargs == 1 && !address_ok(a[0]))
			return usage_error("\"%s\" is not an address prefix like /strip/1", a[0]);
	} else if (!strcmp(cmd, "watch")) {
		return parse_watch(inv);
	} else if (!strcmp(cmd, "scene")) {
		return parse_scene(inv);
	} else if (!strcmp(cmd, "connections") || !strcmp(cmd, "connect") ||
	           !strcmp(cmd, "disconnect")) {
		return ports_parse(cmd, inv->nargs);
	} else if (!strcmp(cmd, "stats") || !strcmp(cmd, "info") || !strcmp(cmd, "ping")) {
		if (inv->nargs != 0)
			return usage_error("%s takes no arguments", cmd);
	} else {
		return usage_error("unknown command \"%s\"", cmd);
	}
	return -1;
}

static int
run(struct conn *c, const struct invocation *inv)
{
	const char *cmd = inv->cmd;
	char *const *a = inv->args;

	if (!strcmp(cmd, "set"))
		return cmd_set(c, a[0], a[1]);
	if (!strcmp(cmd, "get"))
		return cmd_get(c, a[0]);
	if (!strcmp(cmd, "list"))
		return cmd_list(c, inv->nargs ? a[0] : NULL);
	if (!strcmp(cmd, "watch"))
		return watch_run(c, &inv->watch);
	if (!strcmp(cmd, "scene"))
		return !strcmp(a[0], "list") ? cmd_scene_list(c) : cmd_scene_file(c, a[0], a[1]);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(c);
	if (!strcmp(cmd, "info"))
		return cmd_info(c);
	if (!strcmp(cmd, "connections"))
		return ports_list(c);
	if (!strcmp(cmd, "connect"))
		return ports_connect(c, a[0], a[1]);
	if (!strcmp(cmd, "disconnect"))
		return ports_disconnect(c, a[0], a[1]);
	return cmd_ping(c);
}

int
main(int argc, char **argv)
{
	struct invocation inv = {
		.host = MIXCTL_DEFAULT_HOST,
		.port = MIXCTL_DEFAULT_PORT,
		.timeout_ms = MIXCTL_DEFAULT_TIMEOUT,
		.watch = { .hz = WATCH_HZ_DEFAULT },
	};
	struct conn *c;
	int ret;

	ret = parse_options(argc, argv, &inv);
	if (ret < 0)
		ret = parse_command(&inv);
	if (ret >= 0)
		return ret;
	c = malloc(
	    sizeof(*c)); /* a 64 KiB datagram buffer and its bundle index: not on the stack */
	if (!c) {
		fprintf(stderr, "mixctl: out of memory\n");
		return MIXCTL_FAIL;
	}
	if (conn_open(c, inv.host, inv.port, (int)inv.timeout_ms) < 0) {
		free(c);
		return MIXCTL_FAIL;
	}
	ret = run(c, &inv);
	if (fflush(stdout) != 0 && ret == MIXCTL_OK)
		ret = MIXCTL_FAIL; /* a full disk or closed pipe is not success */
	conn_close(c);
	free(c);
	return ret;
}
