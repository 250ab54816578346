/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pager: the long answer of /list, sent a piece at a time within the asker's send budget.
 *
 * A /list of a 256-strip console is thousands of rows, megabytes: sent at once it stalled the
 * control thread and let a 16 KB bundle of /list make mixd send hundreds of megabytes. Now a
 * /list starts an answer here; rows go out while the host's send budget (server.h) holds them,
 * and at most PAGER_ROWS_AT_START at once and PAGER_ROWS_PER_TICK a tick, the rest on the next
 * ticks, and /list/end when all went. A host has one answer in progress
 * (asking again starts over), PAGER_MAX hosts at once; an answer unfinished after
 * PAGER_TIMEOUT_NS (its asker gone, or starved by its own flood) is dropped.
 *
 * Thread: control only.
 */
#ifndef MIXD_OSC_PAGER_H
#define MIXD_OSC_PAGER_H

#include <stdint.h>

#include "server.h"

#define PAGER_MAX        8
#define PAGER_TIMEOUT_NS (30ull * 1000000000ull)
/* Rows sent at once when an answer starts, and per tick over every answer: the control thread
 * spends a bounded time on one /list (a bundle of a thousand included) and on one tick. 4096
 * rows every 10 ms is 400 000 a second, more than any budget lets through. */
#define PAGER_ROWS_AT_START 256
#define PAGER_ROWS_PER_TICK 4096

struct params;
struct pager;

/* A pager for the rows of ps, sent through srv. NULL when out of memory. */
struct pager *pager_new(const struct params *ps);
void pager_free(struct pager *p);

/* Starts (or starts over) the /list answer to `to` for the addresses under prefix (NULL or ""
 * for all), and sends what the budget allows now (up to PAGER_ROWS_AT_START; nothing when it
 * starts over an answer in progress: that goes on at the next tick). Returns 0, or -EBUSY when
 * PAGER_MAX other hosts have answers in progress (nothing is sent then). */
int pager_start(struct pager *p, struct osc_server *srv, const struct osc_peer *to,
                const char *prefix);

/* Sends what the budgets allow of every answer in progress; drops the ones unfinished
 * PAGER_TIMEOUT_NS after the first pager_run that saw them (now_ns: a monotonic time). */
void pager_run(struct pager *p, struct osc_server *srv, uint64_t now_ns);

/* Answers in progress, and answers dropped unfinished so far. */
unsigned pager_active(const struct pager *p);
uint64_t pager_dropped(const struct pager *p);

#endif
