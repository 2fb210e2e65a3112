/* NAME    executor.h
 * PURPOSE What an executor is: it schedules a workload's tasks and does no work of its own. The
 *         executor is the one variable that separates concurrency from parallelism. Adding one =
 *         its file + one name in bench/registry.c. What it can do (the parameters it reads:
 * threads, a cap, pinning; the forms it runs) and how many tasks it runs at once (its concurrency
 *         rule) are published by `cvpbench --list --format json`, so tests and scripts ask instead
 *         of keeping a list of names. */
#ifndef CVP_EXECUTOR_H
#define CVP_EXECUTOR_H

#include <stddef.h>

#include "batch.h"
#include "outcome.h"
#include "params.h"
#include "workload.h"

/* How many tasks can do something at once. */
enum width_rule {
    WIDTH_ONE,     /* one */
    WIDTH_THREADS, /* its worker threads (--threads) */
    WIDTH_CAP,     /* its in-flight cap (--concurrency), else the whole batch */
    WIDTH_PROCS,   /* its worker processes (--threads of them, one thread each) */
    WIDTH_RANKS,   /* its ranks (mpirun -np, or --ranks) times what each rank's inner executor
                    * runs at once (--inner, --threads) */
};

/* Where a task waits: on the thread that runs it (so a thread waits for one task at a time and
 * then computes its part: the workload's blocking form), or on an event loop that waits for many
 * while compute goes to its CPU runner (the non-blocking form, where the workload has one). */
enum overlap { OVERLAP_WORKERS, OVERLAP_LOOP };

/* What an executor will start for given parameters, decided before it starts anything: its
 * own rule, which headroom.c checks against this machine's limits and `--plan` prints, so that
 * nothing else re-derives it. */
struct exec_plan {
    long threads;   /* worker threads it starts (0: it runs on the calling thread) */
    long procs;     /* worker processes it starts (one thread each); MPI: its ranks */
    long in_flight; /* most tasks in flight at once, for a batch of n */
    long computes;  /* most tasks computing at once */
    int on_loop;    /* 1 when tasks wait on an event loop */
    /* What it starts beyond those workers, counted against the same limits: a launched job's
     * own threads (Open MPI's per rank, mpirun's) and private memory. 0 for most. */
    long extra_tasks;
    double extra_bytes;
    double proc_bytes; /* private memory each worker process holds besides its stack */
};
/* A worker process's private memory besides its stack (page tables, libc's state, its copy-on-
 * write pages), as measured on a forked worker here (executor_metrics.worker_kib). */
#define EXEC_WORKER_PROC_BYTES (256.0 * (1 << 10))

/* What an executor actually set up, recorded in every result. */
struct exec_info {
    long threads;     /* threads that run tasks */
    long concurrency; /* most tasks that can be in flight at once (0 = unbounded) */
    long cpu_threads; /* threads that can compute at once (the loop computes on 1) */
    int pinned;       /* 1 when every worker was pinned to a core */
    int on_loop;      /* 1 when tasks wait on an event loop (OVERLAP_LOOP in effect) */
    long procs;       /* processes that run tasks (worker processes, ranks); 0 = this one */
    long worker_kib;  /* memory each worker process holds alone (private pages, mean); 0 = n/a */
};

struct executor {
    const char *name;
    const char *summary; /* one line for --list */
    unsigned params;     /* PM() bits of the parameters it reads (threads, a cap, pinning) */
    /* The concurrency rule, for models and estimates before a run (exec_info says what a run
     * actually got): how many tasks wait at once, how many compute at once, and where they wait.
     * --blocking turns a loop into one worker (recorded in exec_info). */
    enum width_rule waits, computes;
    enum overlap overlap;
    /* The stack each of its threads reserves, for the check before a run (headroom.c); NULL: the
     * process's default thread stack. */
    size_t (*stack_bytes)(void);
    /* 1 when its tasks run in processes it forks: the runner then allocates the outcomes and
     * arrival times, and workloads their outputs, in shared memory before creating it (shm.h,
     * workload_shared_alloc). */
    int forks;
    /* 1 when it must be the run's only arm (mpi: the ranks are the run). */
    int alone;
    /* Its plan for parameters p and a batch of n tasks (exec_plan); the executors' create
     * follows the same rule. */
    void (*plan)(const struct params *p, long n, struct exec_plan *pl);
    /* Optional: an executor whose workers are other programs (mpi: mpirun and its ranks) starts
     * them here, before anything else, with the run's own command line. Returns -1 when the run
     * goes on in this process; otherwise the exit status (it printed why). */
    int (*launch)(const struct params *p, int argc, char **argv);
    /* Sets up threads, loops and per-worker state, outside the timed region. Returns 0,
     * -EINVAL for bad parameters (exit 2) or another negative errno; err gets one line. */
    int (*create)(const struct workload *w, void *wstate, const struct params *p, void **ex,
                  struct exec_info *info, char *err, size_t errlen);
    /* Runs tasks 0..b->n-1 once each, writing b->out[i]; the timed region. A task starts only
     * when batch_admit (blocking executors) or batch_running and its due time (loops) allow;
     * every task ends with an outcome, cancelled ones included (batch.h). */
    void (*run)(void *ex, struct batch *b);
    void (*destroy)(void *ex);
    /* Its own figures of the last batch (optional), written as JSON members into the record's
     * "executor_metrics" object: a process pool's start-up and worker memory, mpi's
     * communication time apart from compute. */
    void (*report)(void *ex, struct jw *j);
};

/* Runs a plain closed-loop batch of n tasks (tests, calibration). */
static inline void executor_run(const struct executor *e, void *ex, struct outcome *out, long n)
{
    struct batch b;
    batch_init(&b, out, n);
    for (long i = 0; i < n; i++)
        out[i] = (struct outcome){.cls = OUT_NOT_RUN};
    batch_begin(&b);
    e->run(ex, &b);
}

extern const struct executor *const executors[]; /* NULL-terminated registry */
const struct executor *executor_find(const char *name);

#endif
