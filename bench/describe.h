/* NAME    describe.h
 * PURPOSE What cvpbench says about itself: --help and --list (text, or JSON for scripts), all
 *         generated from the parameter table and the registries. */
#ifndef CVP_DESCRIBE_H
#define CVP_DESCRIBE_H

#include <stdio.h>

#include "runopts.h"

void describe_usage(FILE *f);
/* FMT_JSON: one object with the workloads, executors and parameters (`--list --format json`). */
void describe_list(FILE *f, enum format fmt);
/* --plan: what each arm of o would start (its executor's plan, and the memory its tasks in
 * flight hold), one line each, or one JSON object per arm. */
void describe_plan(FILE *f, const struct run_opts *o);

#endif
