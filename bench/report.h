/* NAME    report.h
 * PURPOSE Writes repetitions as text, JSON lines or CSV, to stdout or atomically to a file. */
#ifndef CVP_REPORT_H
#define CVP_REPORT_H

#include "jsonw.h"
#include "runner.h"

struct report;

struct report *report_open(const struct run_opts *o, const struct context *ctx);
/* Writes one repetition. With --output, the file is rewritten through a temporary file and a
 * rename after every repetition, so an interrupted run keeps every completed one. */
int report_rep(struct report *rp, const struct rep_result *r);
int report_close(struct report *rp);

/* The run's record as one JSON object (no newline); exposed for tests. */
void report_json(struct jw *j, const struct run_opts *o, const struct context *ctx,
                 const struct rep_result *r);

#endif
