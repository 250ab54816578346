/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "scene.h"
#include "server.h"

/* Highest --osc-rate: far above what one control thread can dispatch, so any real limit fits. */
#define OPTIONS_MAX_OSC_RATE 10000000ul

static const char usage[] =
    "usage: mixd [--name NAME] [--strips N] [--stereo LIST] [--aux N] [--aux-stereo LIST]\n"
    "            [--dca N] [--direct-outs] [--osc-port PORT]\n"
    "            [--osc-listen ADDR:PORT] [--osc-allow CIDR,...] [--osc-rate MSGS_PER_S]\n"
    "            [--state-dir DIR] [--scene NAME] [--connect PORT_REGEX] [--advertise]\n"
    "            [--http-port PORT] [--web-root DIR] [--list-params[=markdown]]\n"
    "            [--help] [--version]\n"
    "\n"
    "  --name NAME            JACK client name and state name (default mixd)\n"
    "  --strips N             number of input strips, 1..256 (default 8)\n"
    "  --stereo LIST          strips that take two inputs, e.g. 5-8 or 1,3\n"
    "  --aux N                aux (monitor and subgroup) buses, 0..32 (default 8)\n"
    "  --aux-stereo LIST      aux buses with two outputs (aux_K_L/_R), e.g. 1-2\n"
    "  --dca N                DCA groups, 0..32 (default 8)\n"
    "  --direct-outs          a direct output per input (direct_N), a recording feed\n"
    "  --osc-port PORT        OSC UDP port (default 9000)\n"
    "  --osc-listen ADDR:PORT address to bind (default 127.0.0.1:9000)\n"
    "  --osc-allow CIDR,...   peers allowed to talk to mixd (default 127.0.0.0/8,::1)\n"
    "  --osc-rate MSGS_PER_S  messages a second each peer address may send, bursts of a\n"
    "                         fifth of that; 0 = unlimited (default 100000)\n"
    "  --state-dir DIR        where the console state lives\n"
    "                         (default $XDG_STATE_HOME/mixd/NAME)\n"
    "  --scene NAME           recall scene NAME (DIR/scenes/NAME.scene) at start\n"
    "  --connect PORT_REGEX   connect master_L/R to the first two matching input ports\n"
    "  --http-port PORT       HTTP + WebSocket port: OSCQuery and the browser surface at\n"
    "                         /ui/, on the address of --osc-listen; 0 = off (default 8080)\n"
    "  --web-root DIR         the browser surface's files (default: the installed ones)\n"
    "  --advertise            announce the OSC port by DNS-SD (_osc._udp, via Avahi)\n"
    "  --list-params          print the OSC address space and exit\n";
/* after the personalities' own port options, if any */
static const char usage_tail[] = "The JACK server is the default one, or JACK_DEFAULT_SERVER.\n";

/* --help: the fixed options, a line for each personality with a port of its own (the
 * registry's, so adding one touches no file here), then the tail. */
static void
print_usage(void)
{
	char opt[64];

	fputs(usage, stdout);
	for (unsigned i = 0; i < personality_count; i++) {
		const struct personality_ops *p = personality_registry[i];

		if (!p->port_option)
			continue;
		snprintf(opt, sizeof(opt), "--%s PORT", p->port_option);
		printf("  %-22s %s surfaces' UDP port, 1..65535 (usually %d); off unless\n"
		       "                         given\n",
		       opt, p->name, p->port_default);
	}
	fputs(usage_tail, stdout);
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return 0;
	/* the name becomes a JACK client name and a directory: keep it to a safe alphabet */
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return strcmp(s, ".") && strcmp(s, "..");
}

static void
default_state_dir(struct options *o)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg == '/')
		snprintf(o->state_dir, sizeof(o->state_dir), "%s/mixd/%s", xdg, o->name);
	else
		snprintf(o->state_dir, sizeof(o->state_dir), "%s/.local/state/mixd/%s",
		         home && *home ? home : "/tmp", o->name);
}

int
options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	enum {
		O_NAME = 256,
		O_STRIPS,
		O_STEREO,
		O_AUX,
		O_AUX_STEREO,
		O_DCA,
		O_DIRECT,
		O_PORT,
		O_LISTEN,
		O_ALLOW,
		O_RATE,
		O_STATE,
		O_SCENE,
		O_CONNECT,
		O_ADVERTISE,
		O_LIST,
		O_HTTP_PORT,
		O_WEB_ROOT,
		O_HELP,
		O_VERSION,
		/* personality i's port option: O_PERSONALITY + i */
		O_PERSONALITY
	};
	static const struct option fixed[] = {
		{ "name", required_argument, NULL, O_NAME },
		{ "strips", required_argument, NULL, O_STRIPS },
		{ "stereo", required_argument, NULL, O_STEREO },
		{ "aux", required_argument, NULL, O_AUX },
		{ "aux-stereo", required_argument, NULL, O_AUX_STEREO },
		{ "dca", required_argument, NULL, O_DCA },
		{ "direct-outs", no_argument, NULL, O_DIRECT },
		{ "osc-port", required_argument, NULL, O_PORT },
		{ "osc-listen", required_argument, NULL, O_LISTEN },
		{ "osc-allow", required_argument, NULL, O_ALLOW },
		{ "osc-rate", required_argument, NULL, O_RATE },
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "scene", required_argument, NULL, O_SCENE },
		{ "connect", required_argument, NULL, O_CONNECT },
		{ "advertise", no_argument, NULL, O_ADVERTISE },
		{ "list-params", optional_argument, NULL, O_LIST },
		{ "http-port", required_argument, NULL, O_HTTP_PORT },
		{ "web-root", required_argument, NULL, O_WEB_ROOT },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
	};
	/* the fixed options, then each personality's port option, then the end */
	struct option longopts[sizeof(fixed) / sizeof(fixed[0]) + PERSONALITY_MAX + 1];
	unsigned n_opts = sizeof(fixed) / sizeof(fixed[0]);
	const char *stereo = NULL, *aux_stereo = NULL, *port = NULL, *listen = NULL,
	           *allow = "127.0.0.0/8,::1";
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "mixd");
	o->strips = 8;
	o->aux = ENGINE_AUX_DEFAULT;
	o->dca = ENGINE_DCA_DEFAULT;
	o->osc_rate = OSC_SERVER_DEFAULT_RATE;
	o->http_port = 8080;
	memcpy(longopts, fixed, sizeof(fixed));
	for (unsigned i = 0; i < personality_count && i < PERSONALITY_MAX; i++)
		if (personality_registry[i]->port_option)
			longopts[n_opts++] =
			    (struct option){ personality_registry[i]->port_option,
				             required_argument, NULL, O_PERSONALITY + (int)i };
	longopts[n_opts] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_NAME:
			if (!name_ok(optarg)) {
				snprintf(err, errlen,
				         "--name \"%s\": 1..32 characters of A-Z a-z 0-9 _ - .",
				         optarg);
				return -EINVAL;
			}
			snprintf(o->name, sizeof(o->name), "%s", optarg);
			break;
		case O_STRIPS:
			if (cli_parse_uint(optarg, 1, ENGINE_MAX_STRIPS, &v)) {
				snprintf(err, errlen, "--strips \"%s\": expected 1..%d", optarg,
				         ENGINE_MAX_STRIPS);
				return -EINVAL;
			}
			o->strips = (unsigned)v;
			break;
		case O_STEREO:
			stereo = optarg;
			break;
		case O_AUX:
			if (cli_parse_uint(optarg, 0, ENGINE_MAX_AUX, &v)) {
				snprintf(err, errlen, "--aux \"%s\": expected 0..%d aux buses",
				         optarg, ENGINE_MAX_AUX);
				return -EINVAL;
			}
			o->aux = (unsigned)v;
			break;
		case O_AUX_STEREO:
			aux_stereo = optarg;
			break;
		case O_DCA:
			if (cli_parse_uint(optarg, 0, ENGINE_MAX_DCA, &v)) {
				snprintf(err, errlen, "--dca \"%s\": expected 0..%d DCA groups",
				         optarg, ENGINE_MAX_DCA);
				return -EINVAL;
			}
			o->dca = (unsigned)v;
			break;
		case O_DIRECT:
			o->direct_outs = true;
			break;
		case O_PORT:
			if (cli_parse_uint(optarg, 0, 65535, &v)) {
				snprintf(err, errlen, "--osc-port \"%s\": expected 0..65535",
				         optarg);
				return -EINVAL;
			}
			port = optarg;
			break;
		case O_LISTEN:
			listen = optarg;
			break;
		case O_ALLOW:
			allow = optarg;
			break;
		case O_RATE:
			if (cli_parse_uint(optarg, 0, OPTIONS_MAX_OSC_RATE, &v)) {
				snprintf(err, errlen,
				         "--osc-rate \"%s\": expected messages per second, "
				         "0 (unlimited) to %lu",
				         optarg, OPTIONS_MAX_OSC_RATE);
				return -EINVAL;
			}
			o->osc_rate = (unsigned)v;
			break;
		case O_STATE:
			if (!*optarg || strlen(optarg) >= sizeof(o->state_dir) - 64) {
				snprintf(err, errlen, "--state-dir: empty or too long");
				return -EINVAL;
			}
			snprintf(o->state_dir, sizeof(o->state_dir), "%s", optarg);
			break;
		case O_SCENE:
			/* checked here so a bad name is a bad command line (exit 2); whether the
			 * scene exists and is valid is known only once the state is there */
			if (!scene_name_ok(optarg)) {
				snprintf(err, errlen,
				         "--scene \"%s\": a name is 1-64 of A-Z a-z 0-9 . _ - "
				         "(not . or ..)",
				         optarg);
				return -EINVAL;
			}
			o->scene = optarg;
			break;
		case O_CONNECT:
			o->connect = optarg;
			break;
		case O_ADVERTISE:
			o->advertise = true;
			break;
		case O_LIST:
			if (!optarg || !strcmp(optarg, "text"))
				o->list = OPTIONS_LIST_TEXT;
			else if (!strcmp(optarg, "markdown"))
				o->list = OPTIONS_LIST_MARKDOWN;
			else {
				snprintf(err, errlen, "--list-params=%s: expected text or markdown",
				         optarg);
				return -EINVAL;
			}
			break;
		case O_HTTP_PORT:
			if (cli_parse_uint(optarg, 0, 65535, &v)) {
				snprintf(err, errlen,
				         "--http-port \"%s\": expected 0 (off) to 65535", optarg);
				return -EINVAL;
			}
			o->http_port = (unsigned)v;
			o->http_given = true;
			break;
		case O_WEB_ROOT:
			if (!*optarg) {
				snprintf(err, errlen, "--web-root: empty");
				return -EINVAL;
			}
			o->web_root = optarg;
			break;
		case O_HELP:
			print_usage();
			return 1;
		case O_VERSION:
			printf("mixd %s\n", MIXD_VERSION);
			return 1;
		default:
			if (c >= O_PERSONALITY && c < O_PERSONALITY + (int)personality_count) {
				const char *opt =
				    personality_registry[c - O_PERSONALITY]->port_option;

				if (cli_parse_uint(optarg, 1, 65535, &v)) {
					snprintf(err, errlen,
					         "--%s \"%s\": expected a UDP port, 1..65535", opt,
					         optarg);
					return -EINVAL;
				}
				o->personality_port[c - O_PERSONALITY] = (int)v;
				break;
			}
			if (optopt >= O_NAME)
				snprintf(err, errlen, "option %s needs an argument",
				         argv[optind - 1]);
			else
				snprintf(err, errlen, "unknown option %s", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument \"%s\"", argv[optind]);
		return -EINVAL;
	}
	if (stereo && cli_parse_strip_list("--stereo", stereo, o->strips, o->stereo, err, errlen))
		return -EINVAL;
	/* after the loop: --aux-stereo may come before --aux */
	if (aux_stereo && cli_parse_index_list("--aux-stereo", "aux buses", aux_stereo, o->aux,
	                                       o->aux_stereo, err, errlen))
		return -EINVAL;
	o->listen_given = listen || port;
	if (listen) {
		snprintf(o->listen, sizeof(o->listen), "%s", listen);
		if (port) {
			/* --osc-port overrides the port of --osc-listen */
			char *colon = strrchr(o->listen, ':');
			if (colon)
				snprintf(colon + 1,
				         sizeof(o->listen) - (size_t)(colon + 1 - o->listen), "%s",
				         port);
		}
	} else {
		snprintf(o->listen, sizeof(o->listen), "127.0.0.1:%s", port ? port : "9000");
	}
	if (allow_parse(&o->allow, allow, err, errlen))
		return -EINVAL;
	if (!o->state_dir[0])
		default_state_dir(o);
	return 0;
}

void
options_listen_host(const struct options *o, char *out, size_t n)
{
	const char *listen = o->listen, *end;

	if (listen[0] == '[') {
		end = strchr(listen, ']');
		listen++;
	} else {
		end = strrchr(listen, ':');
	}
	if (!end || (size_t)(end - listen) >= n) {
		snprintf(out, n, "127.0.0.1");
		return;
	}
	memcpy(out, listen, (size_t)(end - listen));
	out[end - listen] = '\0';
}
