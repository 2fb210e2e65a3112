/* NAME    sample.h
 * PURPOSE What one sample measured (one arm in one round): times, outcomes by class, latency
 *         histograms, how the batch stopped, memory, and validity. Filled by the runner and the
 *         tally, written by the reports. */
#ifndef CVP_SAMPLE_H
#define CVP_SAMPLE_H

#include "executor.h"
#include "histogram.h"
#include "outcome.h"
#include "resources.h"

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

#endif
