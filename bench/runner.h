/* NAME    runner.h
 * PURPOSE One run of a workload under one or more executors ("arms"): set-up, warm-up, then
 *         interleaved rounds of timed samples, each validated, until the medians are known
 *         well enough. */
#ifndef CVP_RUNNER_H
#define CVP_RUNNER_H

#include "context.h"
#include "runopts.h"
#include "sample.h"

/* Runs it all and reports. Returns the exit status: 0 valid, 1 invalid or failed, 2 bad input. */
int runner_run(const struct run_opts *o, const struct context *ctx);

#endif
