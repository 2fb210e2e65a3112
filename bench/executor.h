/* NAME    executor.h
 * PURPOSE What an executor is: it schedules a workload's tasks and does no work of its own. The
 *         executor is the one variable that separates concurrency from parallelism. */
#ifndef CVP_EXECUTOR_H
#define CVP_EXECUTOR_H

#include <stddef.h>

#include "outcome.h"
#include "params.h"
#include "workload.h"

/* What an executor actually set up, recorded in every result. */
struct exec_info {
    long threads;     /* threads that run tasks */
    long concurrency; /* most tasks that can be in flight at once (0 = unbounded) */
    int pinned;       /* 1 when every worker was pinned to a core */
};

struct executor {
    const char *name;
    const char *summary; /* one line for --list */
    unsigned params;     /* PM() bits of the parameters it reads */
    /* Sets up threads, loops and per-worker state, outside the timed region. Returns 0,
     * -EINVAL for bad parameters (exit 2) or another negative errno; err gets one line. */
    int (*create)(const struct workload *w, void *wstate, const struct params *p, void **ex,
                  struct exec_info *info, char *err, size_t errlen);
    /* Runs tasks 0..n-1 once each, writing out[i]; the timed region. */
    void (*run)(void *ex, struct outcome *out, long n);
    void (*destroy)(void *ex);
};

extern const struct executor *const executors[]; /* NULL-terminated registry */
const struct executor *executor_find(const char *name);

#endif
