/* NAME    affinity.h
 * PURPOSE Pin the calling thread to one of the cores this process may run on, and choose default
 *         thread counts; shared by the thread-pool and OpenMP executors. */
#ifndef CVP_AFFINITY_H
#define CVP_AFFINITY_H

#include <stddef.h>

#include "params.h"

/* Pins the calling thread to the (k mod cores)-th core of the process's affinity set.
 * Returns 0 on success, a negative errno otherwise. */
int affinity_pin_self(long k);

/* Threads a pool executor should start: --threads, else --concurrency (their concurrency is their
 * thread count), else the usable cores. Returns -1 with err set when the two disagree. */
/* The workers a worker-per-task executor plans for p (the same rule as the one below, with the
 * larger of --threads and --concurrency when they disagree, which create then refuses). */
long affinity_planned_threads(const struct params *p);
long affinity_default_threads(const struct params *p, const char *executor, char *err,
                              size_t errlen);

#endif
