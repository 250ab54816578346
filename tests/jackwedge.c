/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jackwedge: an LD_PRELOAD fault for e2e_restart. The first jack_client_close of a process tree
 * never returns, as libjack 1.9.21's does when it deadlocks after a server loss
 * (daemon/jackclose.h, jackaudio/jack2#395); it marks that by creating the file JACKWEDGE_ONCE
 * names, and every later close (mixd started afresh, its final close) is libjack's own.
 * Without JACKWEDGE_ONCE it changes nothing.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <jack/jack.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
jack_client_close(jack_client_t *client)
{
	int (*real)(jack_client_t *) = NULL;
	void *sym = dlsym(RTLD_NEXT, "jack_client_close");
	const char *once = getenv("JACKWEDGE_ONCE");
	int fd;

	/* POSIX lets dlsym's void * become a function pointer; memcpy says so without a cast */
	if (sym)
		memcpy(&real, &sym, sizeof(real));
	if (once && (fd = open(once, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) {
		close(fd);
		for (;;)
			pause(); /* the deadlock: this thread never comes back */
	}
	return real ? real(client) : -1;
}
