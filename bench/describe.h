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

#endif
