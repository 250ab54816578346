/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mixtone: a demo signal source for mixd.
 *
 * One JACK output per target port, each connected to its target: a sine (or white noise) at a
 * fixed peak level, optionally gated into 1 s bursts so meters visibly move. Output k plays
 * freq * (1 + 0.25 k), so strips fed from one mixtone are told apart by ear and on a scope.
 *
 * The process callback only reads state that was allocated and initialised before
 * jack_activate; it never allocates, locks or prints.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jack/jack.h>

#include "cli.h"

#define MIXTONE_MAX_PORTS    64
#define MIXTONE_FREQ_MIN_HZ  1.0
#define MIXTONE_FREQ_MAX_HZ  20000.0
#define MIXTONE_LEVEL_MIN_DB -120.0
#define MIXTONE_LEVEL_MAX_DB 0.0
#define MIXTONE_FADE_MS      5.0
#define MIXTONE_PULSE_S      1.0 /* on for this long, then off for as long */

/* Per output. phase is in cycles [0, 1): kept in double so a long run does not drift or
 * quantise the frequency; rng is the xorshift32 state for --noise. */
struct voice {
	jack_port_t *port;
	const char *target;
	double freq_hz;
	double phase;
	uint32_t rng;
};

/*
 * Everything the process callback touches.
 * fs       sample rate, written by the sample-rate callback, read by process
 * amp      peak amplitude (linear) from --level
 * env      pulse envelope 0..1, shared by all voices so bursts line up across strips
 * pulse_at frame position inside the on/off cycle
 */
struct tone {
	jack_client_t *client;
	struct voice voices[MIXTONE_MAX_PORTS];
	unsigned n_voices;
	_Atomic uint32_t fs;
	double amp;
	bool noise;
	bool pulse;
	double env;
	uint64_t pulse_at;
};

/* Set from signal handlers and the JACK shutdown callback; only main() acts on it (a handler
 * may not call JACK). */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t server_gone;

/* Signal handler, any thread: records the request, nothing else. */
static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* JACK's notification thread, when the server goes away: flag it for main(). */
static void
on_shutdown(void *arg)
{
	(void)arg;
	server_gone = 1;
	stop_requested = 1;
}

/* JACK's notification thread. Relaxed is enough: fs is a single word read once per period,
 * and a period computed with the old rate is harmless. */
static int
on_sample_rate(jack_nframes_t fs, void *arg)
{
	struct tone *t = arg;

	atomic_store_explicit(&t->fs, fs, memory_order_relaxed);
	return 0;
}

/* xorshift32: any thread, no state outside *s. Returns a uniform value in [-1, 1). */
static double
noise_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return (double)x * (2.0 / 4294967296.0) - 1.0;
}

/* RT (JACK process thread). Fills every output for n_frames; never fails. The envelope and
 * cycle position are copied into locals per voice and the advanced values stored once, so all
 * voices see the same envelope. */
static int
on_process(jack_nframes_t n_frames, void *arg)
{
	struct tone *t = arg;
	const double fs = (double)atomic_load_explicit(&t->fs, memory_order_relaxed);
	const uint64_t half = (uint64_t)(MIXTONE_PULSE_S * fs);
	const double env_step = 1.0 / (MIXTONE_FADE_MS * 0.001 * fs);
	double env_end = t->env;
	uint64_t at_end = t->pulse_at;

	for (unsigned v = 0; v < t->n_voices; v++) {
		struct voice *vc = &t->voices[v];
		float *out = jack_port_get_buffer(vc->port, n_frames);
		const double inc = vc->freq_hz / fs;
		double phase = vc->phase;
		uint32_t rng = vc->rng;
		double env = t->env;
		uint64_t at = t->pulse_at;

		for (jack_nframes_t i = 0; i < n_frames; i++) {
			double s;

			if (t->noise) {
				s = noise_next(&rng);
			} else {
				s = sin(2.0 * M_PI * phase);
				phase += inc;
				/* floor, not -1: after a sample-rate drop inc may exceed 1. */
				if (phase >= 1.0)
					phase -= floor(phase);
			}
			if (t->pulse) {
				/* Linear fade towards the gate: a hard gate clicks. */
				double target = at < half ? 1.0 : 0.0;

				if (env < target)
					env = fmin(env + env_step, target);
				else if (env > target)
					env = fmax(env - env_step, target);
				if (++at >= 2 * half)
					at = 0;
			}
			out[i] = (float)(t->amp * env * s);
		}
		vc->phase = phase;
		vc->rng = rng;
		env_end = env;
		at_end = at;
	}
	t->env = env_end;
	t->pulse_at = at_end;
	return 0;
}

/* Control. Prints the usage text to f. */
static void
usage(FILE *f)
{
	fputs("usage: mixtone [--server NAME] [--name CLIENT] [--freq HZ] [--level DBFS]\n"
	      "               [--noise] [--pulse] PORT...\n"
	      "Plays a demo signal into each PORT (one output per port).\n"
	      "  --server NAME   JACK server to use (default: $JACK_DEFAULT_SERVER or default)\n"
	      "  --name CLIENT   JACK client name (default: mixtone)\n"
	      "  --freq HZ       sine frequency for the first port, 1..20000 (default 440);\n"
	      "                  port k plays HZ * (1 + 0.25 k)\n"
	      "  --level DBFS    peak level, -120..0 (default -18)\n"
	      "  --noise         white noise instead of a sine\n"
	      "  --pulse         1 s bursts with 5 ms fades, 1 s silence between\n",
	      f);
}

/* Control. Installs the stop handler for SIGINT and SIGTERM; returns 0 or -errno. */
static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
		return -errno;
	return 0;
}

/* Control. Registers one output per voice and checks that every frequency is below Nyquist.
 * Returns 0, or 2 for an option the server's rate makes invalid, or 1 on a JACK failure. */
static int
register_ports(struct tone *t, double fs)
{
	for (unsigned v = 0; v < t->n_voices; v++) {
		struct voice *vc = &t->voices[v];
		char name[32];

		if (!t->noise && vc->freq_hz >= fs / 2.0) {
			fprintf(stderr,
			        "mixtone: port %u would play %.1f Hz, not below Nyquist (%.0f Hz); "
			        "lower --freq or use fewer ports\n",
			        v + 1, vc->freq_hz, fs / 2.0);
			return 2;
		}
		snprintf(name, sizeof(name), "out_%u", v + 1);
		vc->port = jack_port_register(t->client, name, JACK_DEFAULT_AUDIO_TYPE,
		                              JackPortIsOutput, 0);
		if (!vc->port) {
			fprintf(stderr, "mixtone: cannot register port %s\n", name);
			return 1;
		}
	}
	return 0;
}

/* Control. Connects output k to target k; an existing connection counts as success.
 * Returns 0 or 1 after naming the port that failed. */
static int
connect_ports(struct tone *t)
{
	for (unsigned v = 0; v < t->n_voices; v++) {
		const char *src = jack_port_name(t->voices[v].port);
		int err = jack_connect(t->client, src, t->voices[v].target);

		if (err != 0 && err != EEXIST) {
			fprintf(stderr, "mixtone: cannot connect %s to %s (no such input port?)\n",
			        src, t->voices[v].target);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "freq", required_argument, NULL, 'f' },
		{ "level", required_argument, NULL, 'l' },
		{ "noise", no_argument, NULL, 'N' },
		{ "pulse", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Static: 64 voices are too large for a comfortable stack frame, and the callback gets a
	 * pointer that must outlive every JACK thread anyway. */
	static struct tone t;
	const char *server = NULL;
	const char *client_name = "mixtone";
	double freq_hz = 440.0;
	double level_db = -18.0;
	jack_options_t jopts = JackNoStartServer;
	jack_status_t status;
	int opt;
	int rc = 1;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'n':
			client_name = optarg;
			break;
		case 'f':
			if (cli_parse_double(optarg, MIXTONE_FREQ_MIN_HZ, MIXTONE_FREQ_MAX_HZ,
			                     &freq_hz) != 0) {
				fprintf(stderr, "mixtone: --freq wants 1..20000 Hz, got '%s'\n",
				        optarg);
				return 2;
			}
			break;
		case 'l':
			if (cli_parse_double(optarg, MIXTONE_LEVEL_MIN_DB, MIXTONE_LEVEL_MAX_DB,
			                     &level_db) != 0) {
				fprintf(stderr, "mixtone: --level wants -120..0 dBFS, got '%s'\n",
				        optarg);
				return 2;
			}
			break;
		case 'N':
			t.noise = true;
			break;
		case 'p':
			t.pulse = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			/* getopt_long has already named the bad option. */
			fputs("Try 'mixtone --help'.\n", stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs("mixtone: no target port given; try 'mixtone --help'\n", stderr);
		return 2;
	}
	if (argc - optind > MIXTONE_MAX_PORTS) {
		fprintf(stderr, "mixtone: at most %d target ports\n", MIXTONE_MAX_PORTS);
		return 2;
	}
	if (client_name[0] == '\0' || strlen(client_name) >= (size_t)jack_client_name_size()) {
		fprintf(stderr, "mixtone: --name must be 1..%d characters\n",
		        jack_client_name_size() - 1);
		return 2;
	}

	t.n_voices = (unsigned)(argc - optind);
	t.amp = pow(10.0, level_db / 20.0);
	/* Without --pulse the envelope stays open. */
	t.env = t.pulse ? 0.0 : 1.0;
	for (unsigned v = 0; v < t.n_voices; v++) {
		t.voices[v].target = argv[optind + (int)v];
		t.voices[v].freq_hz = freq_hz * (1.0 + 0.25 * v);
		/* Distinct non-zero seeds, so noise channels are uncorrelated. */
		t.voices[v].rng = 0x9e3779b9u * (v + 1);
	}

	if (install_signals() != 0) {
		perror("mixtone: sigaction");
		return 1;
	}

	/* JackNoStartServer: a demo tool should not leave a stray server behind. */
	if (server)
		jopts |= JackServerName;
	t.client = jack_client_open(client_name, jopts, &status, server);
	if (!t.client) {
		fprintf(stderr, "mixtone: cannot connect to JACK server%s%s (status 0x%x)\n",
		        server ? " " : "", server ? server : "", (unsigned)status);
		return 1;
	}
	atomic_store_explicit(&t.fs, jack_get_sample_rate(t.client), memory_order_relaxed);

	rc = register_ports(&t, (double)atomic_load(&t.fs));
	if (rc != 0)
		goto out_close;
	rc = 1;
	if (jack_set_process_callback(t.client, on_process, &t) != 0 ||
	    jack_set_sample_rate_callback(t.client, on_sample_rate, &t) != 0) {
		fputs("mixtone: cannot set JACK callbacks\n", stderr);
		goto out_close;
	}
	jack_on_shutdown(t.client, on_shutdown, &t);
	if (jack_activate(t.client) != 0) {
		fputs("mixtone: cannot activate JACK client\n", stderr);
		goto out_close;
	}
	if (connect_ports(&t) != 0)
		goto out_deactivate;

	if (t.noise)
		printf("mixtone: white noise");
	else
		printf("mixtone: sine %.1f Hz (+%.1f Hz per port)", freq_hz, 0.25 * freq_hz);
	printf(" at %.1f dBFS peak%s into %u port(s) as %s\n", level_db,
	       t.pulse ? ", 1 s bursts" : "", t.n_voices, jack_get_client_name(t.client));
	fflush(stdout);

	/* Sleep until a signal or the server stops us; nanosleep returns early on a signal. */
	while (!stop_requested) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	rc = server_gone ? 1 : 0;
	if (server_gone) {
		fputs("mixtone: JACK server went away\n", stderr);
		/* The client is dead; closing it is all that is left to do. */
		goto out_close;
	}

out_deactivate:
	jack_deactivate(t.client);
out_close:
	jack_client_close(t.client);
	return rc;
}
