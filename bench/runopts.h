/* NAME    runopts.h
 * PURPOSE What a run was asked to do: the workload, its arms (executors with their settings),
 *         the rounds and how they stop, the batch's shape, and where the output goes. Filled by
 *         cli.c, read by the runner, the reports and the up-front checks. */
#ifndef CVP_RUNOPTS_H
#define CVP_RUNOPTS_H

#include <stdint.h>

#include "arms.h"
#include "params.h"
#include "workload.h"

enum format { FMT_TEXT, FMT_JSON, FMT_CSV };

struct run_opts {
    const struct workload *w;
    struct arm arms[MAX_ARMS];
    int narms;
    struct params p;    /* the parameters given for every arm */
    long reps;          /* rounds: every arm is sampled this many times (--ci: at least) */
    long warmup;        /* untimed batches per arm before the first round */
    long min_time_ms;   /* a sample repeats the batch until it has lasted this long */
    double ci;          /* --ci: add rounds until each median is known within +-ci (0 = off) */
    long max_rounds;    /* --ci stops here */
    double max_time_s;  /* --ci stops after this much time in rounds */
    unsigned long seed; /* shuffles the arms' order in each round */
    enum format format;
    const char *output; /* file written atomically after every sample; NULL = stdout */
    const char *hgrm;   /* --hgrm: each arm's latency distribution as .hgrm text; NULL = none */
    int progress;       /* 1 = a progress line on stderr */
    int plan_only;      /* --plan: print each arm's plan (executor.h) and run nothing */
    int strict;         /* a parameter nobody reads is an error, not a warning */
    /* How a batch may stop early, and how its tasks arrive (batch.h). */
    int fail_fast;       /* the first failed task stops the batch */
    long fail_task;      /* --fail-task: this task fails at once; -1 = none */
    int64_t deadline_us; /* stop the batch this long after it began; 0 = none */
    double rate;         /* open loop: tasks per second; 0 = closed loop (all due at once) */
    int poisson;         /* open loop: exponential gaps (seeded by --seed) instead of even ones */
    int64_t duration_us; /* open loop: --duration, with the rate giving the task count */
};

#endif
