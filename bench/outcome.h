/* NAME    outcome.h
 * PURPOSE The record every task leaves behind: exactly one per task, success or failure. */
#ifndef CVP_OUTCOME_H
#define CVP_OUTCOME_H

#include <stddef.h>
#include <stdint.h>

/* Why a task failed. OUT_OK counts successes; every other class is an error. */
enum outcome_class {
    OUT_OK = 0,
    OUT_CONNECT,     /* could not connect (refused, unreachable) */
    OUT_TIMEOUT,     /* the task's own deadline passed */
    OUT_HTTP_STATUS, /* a response arrived with a non-2xx status */
    OUT_RESET,       /* the peer closed or reset the connection mid-transfer */
    OUT_OTHER,       /* anything else: validation, resources, protocol errors */
    OUT_CANCELLED,   /* the batch stopped (--fail-fast, a deadline) before it could finish */
    OUT_NOT_RUN,     /* the executor never ran the task (set before a batch; must not survive) */
    OUT_NCLASSES
};

enum outcome_flags {
    OUTF_SENT = 1,     /* a cancelled request had reached the server (its bytes were sent) */
    OUTF_BLOCKING = 2, /* --blocking-tasks: this task blocked the loop thread */
    OUTF_INJECTED = 4, /* --fail-task: this task failed because it was asked to */
};

/* Kept small (40 bytes): a million-task batch holds a million of these. When a task was due
 * (the batch's start, or its arrival in an open loop) follows from its batch (batch_due). */
struct outcome {
    int64_t start_ns; /* monotonic start of the task, in nanoseconds (0: never started) */
    int64_t end_ns;   /* monotonic end of the task, in nanoseconds */
    int64_t bytes;    /* payload bytes received or produced */
    const char *msg;  /* static string describing an error, or NULL */
    int16_t status;   /* HTTP status, 0 when not applicable */
    uint8_t cls;      /* enum outcome_class */
    uint8_t worker;   /* which worker ran it, modulo 256 (diagnostics only) */
    uint8_t flags;    /* enum outcome_flags */
};

const char *outcome_class_name(enum outcome_class c);

/* Validation shared by the waiting workloads: no successful task may have finished sooner than
 * min_ns after it started. Returns 0, or -1 with a one-line reason. */
int outcomes_check_min_duration(const struct outcome *o, long n, int64_t min_ns, char *why,
                                size_t len);

/* Marks a task failed with class c and a static message. */
static inline void outcome_fail(struct outcome *o, enum outcome_class c, const char *msg)
{
    o->cls = (uint8_t)c;
    o->msg = msg;
}

#endif
