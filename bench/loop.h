/* NAME    loop.h
 * PURPOSE What a workload's non-blocking form may use of a loop executor (event-loop, hybrid):
 *         the libuv loop its tasks run on, how many tasks can be in flight at once, and a CPU
 *         runner for the parts of a task that compute rather than wait. It knows nothing of any
 *         protocol: a workload that talks HTTP keeps its client state itself (workloads/). */
#ifndef CVP_LOOP_H
#define CVP_LOOP_H

#include <uv.h>

/* CPU work a task hands to its executor, asyncio's run_in_executor: the event loop runs it
 * inline on the loop thread (so nothing else happens meanwhile); the hybrid executor runs it on
 * one of its worker threads and calls after() back on the loop thread. */
struct loop_work {
    void (*work)(struct loop_work *w, void *tls); /* tls: the running thread's workload state */
    void (*after)(struct loop_work *w);           /* on the loop thread, once work is done */
    struct loop_work *next;                       /* the executor's queue link */
};

struct loop {
    uv_loop_t *uv;      /* the one loop every task of the batch runs on */
    long max_in_flight; /* most tasks in flight at once (the cap, else the batch), >= 1 */
    void (*run_cpu)(struct loop *ev, struct loop_work *w);
};

/* A continuation: called by a non-blocking task exactly once, when it has finished
 * (successfully or not), with the ctx its starter gave. Workloads chain them (the mixed workload
 * passes its own to the http form, then calls the executor's after its compute part). */
typedef void (*task_done_fn)(void *ctx, long i);

#endif
