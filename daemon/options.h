/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options: mixd's command line, validated (design.md section 7). */
#ifndef MIXD_OPTIONS_H
#define MIXD_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "allow.h"
#include "engine.h"
#include "personality.h"

enum options_list {
	OPTIONS_LIST_NONE,
	OPTIONS_LIST_TEXT,     /* --list-params */
	OPTIONS_LIST_MARKDOWN, /* --list-params=markdown: docs/osc.md */
};

struct options {
	char name[64];
	unsigned strips;
	bool stereo[ENGINE_MAX_STRIPS];
	unsigned aux;                    /* --aux: aux buses, 0..ENGINE_MAX_AUX */
	bool aux_stereo[ENGINE_MAX_AUX]; /* --aux-stereo */
	unsigned dca;                    /* --dca: DCA groups, 0..ENGINE_MAX_DCA */
	bool direct_outs;                /* --direct-outs */
	char listen[128];
	bool listen_given; /* --osc-port or --osc-listen was on the command line */
	struct allowlist allow;
	unsigned osc_rate; /* messages per second per peer address; 0: unlimited */
	char state_dir[PATH_MAX];
	const char *connect;
	const char *scene; /* --scene NAME: recalled at start, after the saved state; or NULL */
	bool advertise;    /* --advertise: announce the OSC port by DNS-SD (advertise.h) */
	enum options_list list;
	unsigned http_port;   /* --http-port: 0 = no web port */
	bool http_given;      /* --http-port was on the command line (a taken port is fatal) */
	const char *web_root; /* --web-root DIR: the page's files; NULL: the installed ones */
	/* per entry of the personality registry: the port its --<port_option> gave; 0: off */
	int personality_port[PERSONALITY_MAX];
};

/* Control thread. Parses argv into *o with defaults filled in. Returns 0 to run, 1 when --help or
 * --version was printed (exit 0), -EINVAL with a message in err for a bad command line (exit 2). */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* Any thread. The host part of o->listen ("ADDR:PORT" or "[ADDR]:PORT"), the address mixd's
 * other ports bind too; "127.0.0.1" when it does not fit in n. */
void options_listen_host(const struct options *o, char *out, size_t n);

#endif
