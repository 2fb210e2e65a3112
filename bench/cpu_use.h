/* NAME    cpu_use.h
 * PURPOSE The CPU time and scheduler and fault counts a piece of work cost, as getrusage counts
 *         them: one record for a region, a worker process's batch, an MPI rank's share, and
 *         their sums. */
#ifndef CVP_CPU_USE_H
#define CVP_CPU_USE_H

#include <sys/resource.h>

struct cpu_use {
    double user_s, sys_s;
    long vcsw;   /* voluntary context switches (the thread waited) */
    long ivcsw;  /* involuntary context switches (the thread was preempted) */
    long minflt; /* minor page faults (a page mapped without I/O: first touch) */
    long majflt; /* major page faults (the page had to be read from disk) */
};

static inline double cpu_use_tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* What was used from a to b (two getrusage readings). */
static inline struct cpu_use cpu_use_between(const struct rusage *a, const struct rusage *b)
{
    return (struct cpu_use){
        .user_s = cpu_use_tv_s(b->ru_utime) - cpu_use_tv_s(a->ru_utime),
        .sys_s = cpu_use_tv_s(b->ru_stime) - cpu_use_tv_s(a->ru_stime),
        .vcsw = b->ru_nvcsw - a->ru_nvcsw,
        .ivcsw = b->ru_nivcsw - a->ru_nivcsw,
        .minflt = b->ru_minflt - a->ru_minflt,
        .majflt = b->ru_majflt - a->ru_majflt,
    };
}

static inline void cpu_use_add(struct cpu_use *into, const struct cpu_use *d)
{
    into->user_s += d->user_s;
    into->sys_s += d->sys_s;
    into->vcsw += d->vcsw;
    into->ivcsw += d->ivcsw;
    into->minflt += d->minflt;
    into->majflt += d->majflt;
}

#endif
