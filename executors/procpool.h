/* NAME    procpool.h
 * PURPOSE What the process executor's parent and its worker processes share: one control block
 *         in MAP_SHARED memory (mapped before the fork, so both see it at the same address), a
 *         slot per worker that only that worker writes, and the batch itself (a shared copy of
 *         the runner's: its stop word is a shared futex, batch.h). The parent is process.c; a
 *         worker's life is procpool_worker (process_worker.c). */
#ifndef CVP_PROCPOOL_H
#define CVP_PROCPOOL_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "batch.h"
#include "workload.h"

/* One worker's slot: written by that worker, read by the parent. */
struct pslot {
    _Atomic int64_t ready_ns; /* monotonic time it finished worker_init; 0 = not yet */
    atomic_int init_rc;       /* what worker_init returned */
    atomic_long cur;          /* the task it is running; -1 = none */
    atomic_uint done_gen;     /* the last batch generation it finished */
    /* Its CPU and faults during its last batch (written before done_gen). */
    struct cpu_use cpu;
    char pad[64]; /* slots of neighbours do not share a cache line */
};

struct pctl {
    atomic_uint gen;       /* batch generation: a futex word the idle workers sleep on */
    atomic_int quit;       /* 1: workers finish and exit */
    atomic_long next;      /* the next task index to hand out */
    struct batch b;        /* the batch being run, with shared futex operations */
    int efd;               /* eventfd: a worker is ready or has finished its batch */
    atomic_int hook_fired; /* the test hook (CVP_TEST_WORKER_DIES) kills one worker, once */
    struct pslot slot[];   /* one per worker */
};

/* What a worker needs beyond the control block: everything else it inherited at the fork. */
struct pworker {
    struct pctl *ctl;
    long id;
    const struct workload *w;
    void *wstate;
    int pin;
    pid_t parent;
    const char *die_hook; /* CVP_TEST_WORKER_DIES, read by the parent before the fork */
};

/* A worker's whole life after the fork: worker_init, then batches until quit; never returns. */
_Noreturn void procpool_worker(const struct pworker *pw);

#endif
