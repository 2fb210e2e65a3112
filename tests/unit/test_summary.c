/* NAME    test_summary.c
 * PURPOSE The comparison rules of a run's summary (summary.c), on fixture rounds: "faster" only
 *         when the interval excludes 1, else a tie; fewer than 3 samples give no interval and no
 *         verdict; an open loop compares the rate it achieved, a deadline the tasks it let
 *         finish, --fail-fast nothing (the time to abort is not a speed); an arm with invalid
 *         samples is never ranked. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "executor.h"
#include "report.h"
#include "runner.h"

static struct run_opts opts(int narms)
{
    static const char *const labels[] = {"alpha", "beta", "gamma"};
    struct run_opts o;
    memset(&o, 0, sizeof o);
    o.w = workload_find("sleep");
    o.narms = narms;
    for (int k = 0; k < narms; k++) {
        o.arms[k].e = executor_find("sequential");
        snprintf(o.arms[k].label, sizeof o.arms[k].label, "%s", labels[k]);
    }
    return o;
}

/* The summary of arms a and b (walls and tasks done per round) in format f. */
static char *summary(struct run_opts *o, enum format f, const double *wa, const double *wb,
                     const double *da, const double *db, long rounds, long inval_b)
{
    static char text[8192];
    struct arm_rounds arms[2] = {{.walls = wa, .done = da, .batches = 1, .tasks = 40},
                                 {.walls = wb, .done = db, .batches = 1, .tasks = 40,
                                  .invalid = inval_b}};
    struct jw j;
    o->format = f;
    jw_init(&j);
    summary_write(&j, o, arms, rounds);
    snprintf(text, sizeof text, "%s", j.buf ? j.buf : "");
    jw_free(&j);
    return text;
}

#define HAS(s, sub)                                                                                \
    do {                                                                                           \
        if (!strstr((s), (sub))) {                                                                 \
            fprintf(stderr, "%s:%d: expected \"%s\" in:\n%s\n", __FILE__, __LINE__, (sub), (s));   \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)
#define LACKS(s, sub)                                                                              \
    do {                                                                                           \
        if (strstr((s), (sub))) {                                                                  \
            fprintf(stderr, "%s:%d: did not expect \"%s\" in:\n%s\n", __FILE__, __LINE__, (sub),   \
                    (s));                                                                          \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

int main(void)
{
    double fast[] = {1.0, 1.1, 1.0, 1.05, 0.95, 1.0}, slow[] = {2.0, 2.1, 2.0, 2.2, 1.9, 2.0};
    double close[] = {1.02, 0.98, 1.1, 0.9, 1.0, 1.05}, done[] = {40, 40, 40, 40, 40, 40};
    struct run_opts o = opts(2);

    /* A clear winner: faster, with its interval. */
    char *s = summary(&o, FMT_TEXT, fast, slow, done, done, 6, 0);
    HAS(s, "alpha ran");
    HAS(s, "faster than beta");
    s = summary(&o, FMT_JSON, fast, slow, done, done, 6, 0);
    HAS(s, "\"verdict\":\"faster\"");
    HAS(s, "\"metric\":\"wall_s\"");

    /* Overlapping rounds: a tie, never "faster". */
    s = summary(&o, FMT_TEXT, fast, close, done, done, 6, 0);
    HAS(s, "a tie with");
    LACKS(s, "faster than");

    /* One round: the value and "no interval", no verdict. */
    s = summary(&o, FMT_TEXT, fast, slow, done, done, 1, 0);
    HAS(s, "1 sample: no interval");
    HAS(s, "no verdict");
    LACKS(s, "2.00x [");
    LACKS(s, "faster");
    s = summary(&o, FMT_JSON, fast, slow, done, done, 1, 0);
    HAS(s, "\"verdict\":\"no interval\"");
    HAS(s, "\"ci_low\":null");

    /* An invalid arm is not ranked, even when it is the fastest. */
    s = summary(&o, FMT_TEXT, slow, fast, done, done, 6, 2);
    HAS(s, "not ranked: beta (2 invalid samples)");
    LACKS(s, "faster than");
    HAS(s, "alpha ran");

    /* Open loop: the rate achieved (tasks done over the same duration), higher is better. */
    double dur[] = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, d_lo[] = {49, 50, 49, 48, 50, 49},
           d_hi[] = {190, 191, 189, 190, 192, 190};
    o.rate = 300;
    s = summary(&o, FMT_TEXT, dur, dur, d_lo, d_hi, 6, 0);
    HAS(s, "beta achieved the highest rate");
    HAS(s, "the rate of alpha");
    LACKS(s, "1.00x");
    s = summary(&o, FMT_JSON, dur, dur, d_lo, d_hi, 6, 0);
    HAS(s, "\"metric\":\"achieved_per_s\"");
    o.rate = 0;

    /* Deadline: tasks completed by it. */
    double d8[] = {8, 8, 8, 8, 8, 8}, d12[] = {12, 12, 12, 12, 12, 12};
    o.deadline_us = 50000;
    s = summary(&o, FMT_TEXT, dur, dur, d8, d12, 6, 0);
    HAS(s, "beta completed the most tasks");
    HAS(s, "12 of 40 tasks done by the deadline");
    HAS(s, "(8 of 40 tasks done)");
    o.deadline_us = 0;

    /* Fail-fast: the time to stop is not a speed. */
    o.fail_fast = 1;
    s = summary(&o, FMT_TEXT, fast, slow, done, done, 6, 0);
    HAS(s, "no ranking");
    LACKS(s, "faster");
    s = summary(&o, FMT_JSON, fast, slow, done, done, 6, 0);
    HAS(s, "not ranked: time to stop is not a speed");
    o.fail_fast = 0;

    /* Tukey's fences: one sample far out is a severe outlier, one a little out a mild one. */
    double w10[] = {1.00, 1.01, 0.99, 1.00, 1.02, 0.98, 1.00, 1.01, 1.05, 5.0};
    struct run_opts one = opts(1);
    s = summary(&one, FMT_JSON, w10, w10, done, done, 10, 0);
    HAS(s, "\"outliers\":{\"mild\":1,\"severe\":1}");
    s = summary(&one, FMT_TEXT, w10, w10, done, done, 10, 0);
    HAS(s, "outliers: 1 mild, 1 severe");
    CHECK_DONE();
}
