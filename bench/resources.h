/* NAME    resources.h
 * PURPOSE What one timed region cost the process: wall, CPU, context switches, peak RSS, steal,
 *         page faults and CPU migrations of all its threads. */
#ifndef CVP_RESOURCES_H
#define CVP_RESOURCES_H

#include <stdint.h>
#include <sys/resource.h>

#include "cpu_use.h"

struct usage_mark {
    int64_t t_ns;
    struct rusage ru;
    double steal_s;
    int rss_reset;      /* 1 when the kernel's peak-RSS counter was reset at the mark */
    long rss_start_kib; /* resident set at the mark, in KiB; -1 = unknown */
    long migrations;    /* the process's CPU migrations so far; -1 = unknown */
};

struct usage {
    double wall_s;
    struct cpu_use cpu; /* CPU time, context switches and page faults (cpu_use.h) */
    long max_rss_kib;   /* peak resident set, in KiB: of this region when rss_scope is "region" */
    const char *rss_scope; /* "region" or "process" (the kernel could not reset the peak) */
    double steal_s;        /* hypervisor steal during the region, summed over CPUs, in seconds */
    long migrations;       /* moves of any of the process's threads to another CPU; -1 unknown */
    long rss_growth_kib;   /* the region's peak above the resident set at its start; -1 unknown */
};

/* The process's resident set now, in KiB (-1 unknown). */
long rss_now_kib(void);

/* Opens the process-wide CPU-migration counter (perf_event_open, inherited by threads created
 * afterwards). Call once, early in main, before any thread exists: a thread created before it
 * is not counted. Without perf, usage_end sums /proc/self/task/TID/sched instead. */
void usage_open_counters(void);
/* Opens a counter of this process's CPU migrations (inherit = 1): a file descriptor, or -errno
 * when perf events are not available here (permissions, seccomp, an old kernel). */
int usage_perf_migrations_open(void);
/* Where migrations come from: "perf", "sched" (/proc/self/task/TID/sched) or "none". */
const char *usage_migrations_source(void);

/* Marks the start of a region; resets the kernel's peak-RSS counter where it can. */
void usage_begin(struct usage_mark *m);
/* Measures the region since m. */
void usage_end(const struct usage_mark *m, struct usage *u);
/* Adds CPU used elsewhere for the region (worker processes, other ranks) to u. */
void usage_add(struct usage *u, const struct cpu_use *c);

/* Raises the soft descriptor limit to the hard one, and further to want where the process may
 * (root); returns the limit now in force. */
long fd_limit_raise(long want);

#endif
