/* NAME    sequential.c
 * PURPOSE The baseline: one thread, one task after another. Nothing overlaps. */
#include <errno.h>
#include <stdlib.h>

#include "executor.h"

struct seq {
    const struct workload *w;
    void *wstate;
    void *tls;
};

static int seq_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                      struct exec_info *info, char *err, size_t errlen)
{
    struct seq *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->w = w;
    s->wstate = wstate;
    if (w->worker_init && w->worker_init(wstate, &s->tls) != 0) {
        free(s);
        return -ENOMEM;
    }
    info->threads = 1;
    info->concurrency = 1;
    info->cpu_threads = 1;
    info->on_loop = 0;
    info->pinned = 0;
    *ex = s;
    return 0;
}

static void seq_run(void *ex, struct batch *b)
{
    struct seq *s = ex;
    batch_set_current(b);
    for (long i = 0; i < b->n; i++) {
        if (!batch_admit(b, i)) continue;
        task_run(s->w, s->wstate, s->tls, i, &b->out[i]);
        batch_ended(b, i);
    }
    batch_set_current(NULL);
}

static void seq_destroy(void *ex)
{
    struct seq *s = ex;
    if (s->w->worker_fini) s->w->worker_fini(s->wstate, s->tls);
    free(s);
}

/* One task at a time, on the calling thread. */
static void seq_plan(const struct params *p, long n, struct exec_plan *pl)
{
    *pl = (struct exec_plan){.in_flight = 1, .computes = 1};
}

const struct executor executor_sequential = {
    .name = "sequential",
    .summary = "one thread, one task after another (the baseline)",
    .params = 0,
    .waits = WIDTH_ONE,
    .computes = WIDTH_ONE,
    .overlap = OVERLAP_WORKERS,
    .plan = seq_plan,
    .create = seq_create,
    .run = seq_run,
    .destroy = seq_destroy,
};
