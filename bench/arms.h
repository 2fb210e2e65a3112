/* NAME    arms.h
 * PURPOSE The executors of one run ("arms"), each with its own settings: `-e` takes a list,
 *         `-e event-loop,thread-pool:threads=2,openmp:threads=2:pin` or `-e all`, and may be
 *         given several times. Every arm runs the same workload state, so the executor is the
 *         only thing that differs between them. */
#ifndef CVP_ARMS_H
#define CVP_ARMS_H

#include <stddef.h>

#include "executor.h"
#include "params.h"

#define MAX_ARMS 64

struct arm {
    const struct executor *e;
    struct params p;    /* the run's parameters with this arm's own settings applied */
    unsigned own;       /* PM() bits this arm set itself */
    unsigned ignored;   /* PM() bits given for the run that neither it nor the workload reads */
    char settings[256]; /* its own settings as given, "threads=2:pin" */
    char values[256];   /* the same, split at ':': a text setting (inner=openmp) points here */
    char label[128];    /* "thread-pool threads=2 pin": the executor and its own settings */
};

/* Adds the arms of one -e value to arms[*n]. Settings after ':' are the executor's own
 * parameters (k=v, or a flag name for on, no-NAME for off). Returns 0, or -1 with one line in
 * err. The parameters themselves are applied later (arms_apply), once all options are read. */
int arms_parse(const char *spec, struct arm *arms, int *n, char *err, size_t errlen);
/* Gives each arm the run's parameters p, then its own settings. Returns 0 or -1 with err. */
int arms_apply(struct arm *arms, int n, const struct params *p, char *err, size_t errlen);

#endif
