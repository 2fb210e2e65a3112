/* NAME    runner.h
 * PURPOSE One run of workload x executor: set-up, warm-up, timed repetitions, validation. */
#ifndef CVP_RUNNER_H
#define CVP_RUNNER_H

#include "context.h"
#include "executor.h"
#include "histogram.h"
#include "resources.h"
#include "workload.h"

enum format { FMT_TEXT, FMT_JSON, FMT_CSV };

struct run_opts {
    const struct workload *w;
    const struct executor *e;
    struct params p;
    long reps;   /* timed repetitions, each reported */
    long warmup; /* untimed repetitions before them */
    enum format format;
    const char *output; /* file written atomically after every repetition; NULL = stdout */
    int progress;       /* 1 = a progress line on stderr */
};

/* Everything measured in one repetition. */
struct rep_result {
    long rep;
    struct usage u;
    struct exec_info info;
    long tasks;
    long count[OUT_NCLASSES];            /* outcomes per class; count[OUT_OK] = successes */
    const char *first_msg[OUT_NCLASSES]; /* the first error message seen in each class */
    struct histogram lat;                /* per-task latency, in microseconds */
    char metrics[512];                   /* the workload's own figures, a JSON object, or empty */
    double gflops;                       /* 0 when the workload does no floating point */
    int valid;
    char why[256]; /* why the repetition is invalid */
};

/* Runs it all and reports. Returns the exit status: 0 valid, 1 invalid or failed, 2 bad input. */
int runner_run(const struct run_opts *o, const struct context *ctx);

#endif
