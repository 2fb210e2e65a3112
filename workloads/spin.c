/* NAME    spin.c
 * PURPOSE Pure computation and nothing else: each task does --work-us microseconds of CPU work
 *         (the calibrated hash chain, hashwork.c), touching no memory to speak of, so a speed-up
 *         is the cores' and nothing else's. Self-validating: every task checks the chain's
 *         result. */
#include <errno.h>
#include <stdlib.h>

#include "hashwork.h"
#include "workload.h"

struct spin_state {
    long tasks;
    struct hashwork work;
};

static int spin_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    struct spin_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->tasks = p->tasks;
    hashwork_init(&s->work, p->work_us);
    *state = s;
    return 0;
}

static void spin_teardown(void *state)
{
    free(state);
}

static long spin_ntasks(const void *state)
{
    return ((const struct spin_state *)state)->tasks;
}

static void spin_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct spin_state *s = state;
    if (hashwork_run(&s->work) != 0)
        outcome_fail(o, OUT_OTHER, "the hash chain gave a wrong result");
    else
        o->cls = OUT_OK;
}

static int spin_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    return 0; /* each task checked its own result; the runner checked that every task ran */
}

static void spin_report(void *state, struct jw *j)
{
    struct spin_state *s = state;
    jw_num(j, "hash_rounds_per_us", s->work.rounds_per_us);
    jw_int(j, "hash_rounds_per_task", (long long)s->work.rounds);
}

const struct workload workload_spin = {
    .name = "spin",
    .kind = WK_CPU,
    .summary = "each task computes --work-us of CPU work (a calibrated hash chain), nothing else",
    .params = PM(P_TASKS) | PM(P_WORK_US),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .setup = spin_setup,
    .teardown = spin_teardown,
    .ntasks = spin_ntasks,
    .run_task = spin_run_task,
    .verify = spin_verify,
    .report = spin_report,
};
