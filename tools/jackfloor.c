/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jackfloor: the least a JACK client can do each cycle, for tools/cpubench to measure beside
 * mixd. It registers N inputs and two outputs, and its process callback copies input 1 to both
 * outputs: the work is a few hundred bytes, so the CPU its process thread spends per cycle is
 * what libjack, the server's wake-up and the scheduler cost any client on this machine (on a
 * VM, the hypervisor's exits too). mixd pays that floor in every cycle before its first sample.
 *
 *   jackfloor NAME [N]      N inputs, 1..256 (default 64), as mixd's strips
 *
 * Runs until SIGINT or SIGTERM. Exit status: 0 after a signal, 1 when the server cannot be
 * reached or the client cannot be set up, 2 on bad usage.
 *
 * Threads: main (setup, then waits for a signal) and libjack's process thread, which only reads
 * what was set up before jack_activate: no allocation, lock or I/O there.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jack/jack.h>

#define FLOOR_MAX_IN 256

static jack_port_t *in_ports[FLOOR_MAX_IN], *out_ports[2];
static unsigned n_in;

/* RT thread: every port's buffer is asked for, as a console asks for its strips' inputs. */
static int
on_process(jack_nframes_t n, void *arg)
{
	const float *x = NULL;

	(void)arg;
	for (unsigned k = 0; k < n_in; k++) {
		const float *b = jack_port_get_buffer(in_ports[k], n);
		if (k == 0)
			x = b;
	}
	for (unsigned c = 0; c < 2; c++)
		memcpy(jack_port_get_buffer(out_ports[c], n), x, n * sizeof(float));
	return 0;
}

int
main(int argc, char **argv)
{
	jack_status_t status;
	jack_client_t *client;
	sigset_t mask;
	char *end = NULL;
	long v = 64;
	int sig;

	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: jackfloor NAME [INPUTS]\n");
		return 2;
	}
	if (argc == 3) {
		v = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || v < 1 || v > FLOOR_MAX_IN) {
			fprintf(stderr, "jackfloor: inputs \"%s\": expected 1..%d\n", argv[2],
			        FLOOR_MAX_IN);
			return 2;
		}
	}
	n_in = (unsigned)v;
	/* the signals are waited for, never handled: the main thread blocks them before libjack
	 * starts its threads, which inherit the mask */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	client = jack_client_open(argv[1], JackNoStartServer, &status);
	if (!client) {
		fprintf(stderr, "jackfloor: no JACK server (status %#x)\n", (unsigned)status);
		return 1;
	}
	for (unsigned k = 0; k < n_in; k++) {
		char name[32];

		snprintf(name, sizeof(name), "in_%u", k + 1);
		in_ports[k] =
		    jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	}
	out_ports[0] =
	    jack_port_register(client, "out_L", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
	out_ports[1] =
	    jack_port_register(client, "out_R", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
	for (unsigned k = 0; k < n_in; k++)
		if (!in_ports[k])
			goto fail;
	if (!out_ports[0] || !out_ports[1] || jack_set_process_callback(client, on_process, NULL) ||
	    jack_activate(client))
		goto fail;
	sigwait(&mask, &sig);
	jack_client_close(client);
	return 0;
fail:
	fprintf(stderr, "jackfloor: cannot register its ports or activate\n");
	jack_client_close(client);
	return 1;
}
