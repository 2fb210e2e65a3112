/* NAME    affinity.c
 * PURPOSE Thread pinning and default thread counts for the pool executors. */
#include "affinity.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "context.h"

int affinity_pin_self(long k)
{
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -errno;
    int ncpu = CPU_COUNT(&allowed);
    if (ncpu <= 0) return -EINVAL;
    long want = k % ncpu;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (want-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return -pthread_setaffinity_np(pthread_self(), sizeof one, &one);
        }
    }
    return -EINVAL;
}

long affinity_planned_threads(const struct params *p)
{
    long t = (p->set & PM(P_THREADS)) ? p->threads : 0;
    long c = (p->set & PM(P_CONCURRENCY)) && p->concurrency > 0 ? p->concurrency : 0;
    if (t || c) return t > c ? t : c; /* a disagreement is refused by create; plan the larger */
    return context_cores();
}

long affinity_default_threads(const struct params *p, const char *executor, char *err,
                              size_t errlen)
{
    int has_t = (p->set & PM(P_THREADS)) != 0;
    int has_c = (p->set & PM(P_CONCURRENCY)) != 0 && p->concurrency > 0;
    if (has_t && has_c && p->threads != p->concurrency) {
        snprintf(err, errlen,
                 "--threads %ld and --concurrency %ld disagree: %s's concurrency is its thread "
                 "count",
                 p->threads, p->concurrency, executor);
        return -1;
    }
    if (has_t) return p->threads;
    if (has_c) return p->concurrency;
    return context_cores();
}
