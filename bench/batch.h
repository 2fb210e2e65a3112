/* NAME    batch.h
 * PURPOSE One batch as an executor runs it: the outcomes to fill, when each task is due (an open
 *         loop's arrivals; a closed loop has every task due at once, as asyncio.gather does), and
 *         how it may stop early: --fail-fast (the first failed task stops it, as gather without
 *         return_exceptions or a TaskGroup) or a deadline (asyncio.timeout around gather). Once
 *         the batch stops, a task not yet started never starts (its outcome: cancelled, never
 *         started), and one in flight is cancelled where its executor can (a loop removes the
 *         transfer or stops the timer; a thread blocked in a call finishes it, unless the
 *         workload can abort the call, like curl's progress callback). */
#ifndef CVP_BATCH_H
#define CVP_BATCH_H

#include <stdatomic.h>
#include <stdint.h>

#include "cpu_use.h"
#include "outcome.h"

enum stop_reason { STOP_NONE, STOP_ERROR, STOP_DEADLINE };

struct batch {
    struct outcome *out;
    long n;
    int64_t t0_ns;           /* monotonic time the batch began (batch_begin) */
    const int64_t *due_ns;   /* open loop: task i is due at t0 + due_ns[i]; NULL = all due at t0 */
    int64_t deadline_ns;     /* stop at this monotonic time; 0 = no deadline */
    int fail_fast;           /* the first failed task stops the batch */
    long fail_task;          /* --fail-task: this task fails at once; -1 = none */
    atomic_int stop;         /* 0 until the batch stops, then 1 (a futex word: waits wake on it) */
    atomic_int reason;       /* enum stop_reason */
    _Atomic int64_t stop_ns; /* when it stopped */
    /* 1 when this batch lives in memory shared between processes (the process executor's
     * copy): its futex operations on `stop` are then shared, not FUTEX_*_PRIVATE, so a stop in
     * one worker process wakes the waiters in the others. */
    int shared;
    /* What processes other than this one spent running its tasks (the process executor's
     * workers), added by the runner to the region's own CPU and faults. */
    struct cpu_use children;
};

/* A closed-loop batch of n tasks, no deadline, no fail-fast. */
void batch_init(struct batch *b, struct outcome *out, long n);
/* Marks the start (t0) and clears the stop; the outcomes must already read not run. Called by
 * the runner just before an executor's run, inside the timed region. */
void batch_begin(struct batch *b);

/* When task i is due (monotonic ns). */
static inline int64_t batch_due(const struct batch *b, long i)
{
    return b->t0_ns + (b->due_ns ? b->due_ns[i] : 0);
}

/* 1 while the batch may still start tasks (it has not stopped, and its deadline, if any, has
 * not passed: passing it stops the batch). */
int batch_running(struct batch *b);
/* For blocking executors, before starting task i: waits until it is due (woken early if the
 * batch stops). Returns 1 to start it; 0 when the batch has stopped, having marked task i
 * cancelled (never started). */
int batch_admit(struct batch *b, long i);
/* After task i ended: with --fail-fast, a failure (not a cancellation) stops the batch. */
void batch_ended(struct batch *b, long i);
/* Stops the batch (the first call wins) and wakes every thread waiting in batch_admit. */
void batch_stop(struct batch *b, enum stop_reason why);
/* --fail-task: when task i is the one asked to fail, marks it failed at once (class other,
 * flagged injected: it does not make the run invalid) and returns 1; else 0. Executors call it
 * where a task starts (task_run does for the blocking ones). */
int batch_inject(struct batch *b, long i, struct outcome *o);
/* Marks task i cancelled without having started. */
void batch_cancel_unstarted(struct batch *b, long i);

/* The batch the calling thread is running (set by executors on their threads), so a blocking
 * call deep in a workload can see that it should give up (curl's progress callback). NULL
 * outside a batch. */
struct batch *batch_current(void);
void batch_set_current(struct batch *b);
/* 1 when the calling thread's batch has stopped (a workload's abort check). */
int batch_stopping(void);

#endif
