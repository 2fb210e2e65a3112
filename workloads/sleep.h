/* NAME    sleep.h
 * PURPOSE The sleep workload's state, shared by its blocking and event-loop forms. */
#ifndef CVP_SLEEP_H
#define CVP_SLEEP_H

#include "workload.h"

struct sleep_state {
    long tasks;
    int64_t latency_ns; /* each task's wait, in nanoseconds */
};

struct sleep_timer;

/* Per thread: the loop form's timers in flight, so they can all be cancelled. */
struct sleep_tls {
    struct sleep_timer *active; /* a doubly linked list */
};

/* The event-loop form (sleep_loop.c): a loop timer instead of a sleeping thread. */
void sleep_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                      task_done_fn done, void *ctx);
/* Stops every timer in flight: each task ends cancelled. */
void sleep_cancel_all(void *state, void *tls);

#endif
