/* NAME    report.h
 * PURPOSE Writes samples as text, JSON lines or CSV, then the run's summary (summary.c), to
 *         stdout or to --output (outfile.c: what a reader of the file can count on). */
#ifndef CVP_REPORT_H
#define CVP_REPORT_H

#include "jsonw.h"
#include "context.h"
#include "runopts.h"
#include "sample.h"

struct report;

/* Opens the output before anything runs; NULL with one line in err (exit 2). */
struct report *report_open(const struct run_opts *o, const struct context *ctx, char *err,
                           size_t errlen);
/* Writes one sample as one record: whole in the output before this returns, so an interrupted
 * run keeps every completed sample (and, with --output, nothing else). */
int report_rep(struct report *rp, const struct rep_result *r);
/* Writes the summary of the rounds: walls[k][round] is arm k's wall per batch in each round. */
/* What the summary reads of one arm, round by round (NAN where it sat a round out). */
struct arm_rounds {
    const double *walls; /* wall per batch, in seconds */
    const double *done;  /* tasks that completed (class ok) per batch */
    long batches;        /* batches in its last sample */
    long invalid;        /* its samples that failed validation: such an arm is never ranked */
    long tasks;          /* tasks per batch */
    const struct histogram *lat; /* every timed task's latency over all rounds (NULL: none) */
};
int report_summary(struct report *rp, const struct arm_rounds *arms, long rounds);
/* Ends the output (--output: publishes it and removes the temporary file). */
int report_close(struct report *rp);

/* Prints "cvpbench: " and the formatted message to stderr as exactly one line: control
 * characters and bytes that are not valid UTF-8 (from a hostile argument echoed in the message)
 * are shown as \xNN, so the message can neither break the line nor the terminal. */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The escaping report_error does, into line (len bytes, always terminated); returns its length. */
size_t report_escape(const char *msg, char *line, size_t len);

/* The run's record as one JSON object (no newline); exposed for tests. */
void report_json(struct jw *j, const struct run_opts *o, const struct context *ctx,
                 const struct rep_result *r);

/* summary.c: the summary in o's format, appended to out. Nothing for one arm and one round. */
void summary_write(struct jw *out, const struct run_opts *o, const struct arm_rounds *arms,
                   long rounds);
/* A duration with a unit that suits it ("850 us", "2.40 ms", "1.234 s"). */
const char *fmt_duration(char *buf, size_t len, double seconds);

#endif
