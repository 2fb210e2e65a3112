/* NAME    noop.c
 * PURPOSE Empty tasks: what an executor costs to hand out one task (dispatch overhead). */
#include <errno.h>
#include <stdlib.h>

#include "workload.h"

static int noop_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    long *n = malloc(sizeof *n);
    if (!n) return -ENOMEM;
    *n = p->tasks;
    *state = n;
    return 0;
}

static void noop_teardown(void *state)
{
    free(state);
}

static long noop_ntasks(const void *state)
{
    return *(const long *)state;
}

static void noop_run_task(void *state, void *tls, long i, struct outcome *o)
{
    o->cls = OUT_OK;
}

static int noop_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    return 0; /* the runner already checked that every task ran exactly once */
}

const struct workload workload_noop = {
    .name = "noop",
    .kind = WK_CPU,
    .summary = "empty tasks, to measure what dispatching one task costs",
    .params = PM(P_TASKS),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 1000000}, {.id = P_COUNT}},
    .setup = noop_setup,
    .teardown = noop_teardown,
    .ntasks = noop_ntasks,
    .run_task = noop_run_task,
    .verify = noop_verify,
};
