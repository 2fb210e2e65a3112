/* NAME    sleep.h
 * PURPOSE The sleep workload's state, shared by its blocking and event-loop forms. */
#ifndef CVP_SLEEP_H
#define CVP_SLEEP_H

#include "workload.h"

struct sleep_state {
    long tasks;
    int64_t latency_ns; /* each task's wait, in nanoseconds */
};

/* The event-loop form (sleep_loop.c): a loop timer instead of a sleeping thread. */
void sleep_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                      task_done_fn done, void *ctx);

#endif
