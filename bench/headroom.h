/* NAME    headroom.h
 * PURPOSE What a run will ask of this machine (threads, their stacks, memory for outcomes and
 *         for tasks in flight), estimated from the command line alone and checked against the
 *         process's limits before anything starts: an impossible setting is one line and exit 2,
 *         not a crash inside a runtime half-way through making ten thousand threads. */
#ifndef CVP_HEADROOM_H
#define CVP_HEADROOM_H

#include <stddef.h>

#include "runopts.h"

/* What one arm (executor) will hold once created and while a batch of n tasks runs. */
struct arm_need {
    long threads;       /* threads it starts (its workers; the loop runs on the main thread) */
    size_t stack_bytes; /* the stack each of them reserves */
    long in_flight;     /* most tasks in flight at once */
    double task_bytes;  /* memory those tasks hold while in flight, in bytes */
    /* Processes it starts: its worker processes (process), or the ranks and mpirun of a job it
     * launches (mpi --ranks R). Each holds memory of its own, and every process and thread of
     * the job counts against the same limits as a thread here (RLIMIT_NPROC, pids.max). */
    long procs;
    long ranks;         /* mpi: the ranks of that job (0: none launched from here) */
    long kernel_tasks;  /* threads and processes in all, with the job's own (>= threads) */
    long stack_threads; /* of those, the ones reserving stack_bytes (threads, or ranks x theirs) */
    double proc_bytes;  /* the processes' private memory besides those stacks, in bytes */
};

/* The tasks in one batch as the command line gives them (matmul's default: 1). */
long headroom_tasks(const struct run_opts *o);
/* The estimate for arm k of o with n tasks per batch. */
void headroom_arm_need(const struct run_opts *o, int k, long n, struct arm_need *need);
/* The threads, stacks and memory of the whole run (every arm exists at once) against the
 * kernel's, the cgroup's and the process's limits. Returns 0, or -1 with one line in err that
 * states the figures. Reads /proc and /sys only: no side effects. */
int headroom_check(const struct run_opts *o, char *err, size_t errlen);
/* The stack a thread gets when nobody sets one (glibc: from ulimit -s at start-up). */
size_t headroom_default_stack(void);

#endif
