/* NAME    runner.h
 * PURPOSE One run of a workload under one or more executors ("arms"): set-up, warm-up, then
 *         interleaved rounds of timed samples, each validated, until the medians are known
 *         well enough. */
#ifndef CVP_RUNNER_H
#define CVP_RUNNER_H

#include "arms.h"
#include "context.h"
#include "executor.h"
#include "histogram.h"
#include "resources.h"
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
    int progress;       /* 1 = a progress line on stderr */
    int strict;         /* a parameter nobody reads is an error, not a warning */
    /* How a batch may stop early, and how its tasks arrive (batch.h). */
    int fail_fast;       /* the first failed task stops the batch */
    long fail_task;      /* --fail-task: this task fails at once; -1 = none */
    int64_t deadline_us; /* stop the batch this long after it began; 0 = none */
    double rate;         /* open loop: tasks per second; 0 = closed loop (all due at once) */
    int poisson;         /* open loop: exponential gaps (seeded by --seed) instead of even ones */
    int64_t duration_us; /* open loop: --duration, with the rate giving the task count */
};

/* One sample: one arm in one round, one or more batches back to back. */
struct rep_result {
    long rep;        /* the round */
    int arm;         /* index into run_opts.arms */
    long batches;    /* batches in this sample; times are per batch */
    double sample_s; /* real time the sample took, its batches and what runs between them */
    struct usage u;
    struct exec_info info;
    long tasks;
    long count[OUT_NCLASSES];              /* outcomes per class; count[OUT_OK] = successes */
    const char *first_msg[OUT_NCLASSES];   /* the first error message seen in each class */
    struct histogram lat;                  /* per-task latency (service: start to end), in us */
    struct histogram queue;                /* due to start: waiting for a slot or a thread, in us */
    struct histogram response;             /* due to end: what the caller waited, in us */
    struct histogram response_nonblocking; /* --blocking-tasks: the others' response, us */
    long cancelled_unstarted, cancelled_in_flight, cancelled_sent;
    int stop_reason;        /* enum stop_reason of the last batch */
    double stop_at_us;      /* when it stopped, after the batch began */
    double stop_to_end_us;  /* from the stop to the executor's return */
    double first_task_us;   /* the last worker to start began this late */
    long setup_rss_kib;     /* what creating the executor added to the RSS */
    double setup_us;        /* how long creating the executor took (threads or processes ready) */
    char exec_metrics[512]; /* the executor's own figures, a JSON object, or empty */
    char metrics[512];      /* the workload's own figures, a JSON object, or empty */
    double gflops;          /* 0 when the workload does no floating point */
    double peak_gflops;     /* the FMA peak of the cores it could occupy (peak.h); 0 = unknown */
    int peak_cores;         /* those cores: min(threads computing at once, usable cores) */
    int valid;
    char why[256]; /* why the sample is invalid */
};

/* Runs it all and reports. Returns the exit status: 0 valid, 1 invalid or failed, 2 bad input. */
int runner_run(const struct run_opts *o, const struct context *ctx);

#endif
