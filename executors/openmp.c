/* NAME    openmp.c
 * PURPOSE Parallelism the OpenMP way: `omp parallel` + `omp for schedule(dynamic)` over the
 *         workload's blocking run_task, one workload state per OpenMP thread. */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "affinity.h"
#include "executor.h"
#include "headroom.h"

struct omp_exec {
    const struct workload *w;
    void *wstate;
    int nthreads;
    void **tls; /* per-thread workload state, index = omp_get_thread_num() */
};

static void omp_destroy(void *ex);

static int omp_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                      struct exec_info *info, char *err, size_t errlen)
{
    long want = affinity_default_threads(p, "openmp", err, errlen);
    if (want < 0) return -EINVAL;
    struct omp_exec *o = calloc(1, sizeof *o);
    if (!o) return -ENOMEM;
    o->w = w;
    o->wstate = wstate;
    o->nthreads = (int)want;
    o->tls = calloc((size_t)want, sizeof *o->tls);
    if (!o->tls) {
        free(o);
        return -ENOMEM;
    }

    /* The team is made once here; the runtime keeps its threads for the timed regions. */
    omp_set_dynamic(0);
    int got = 0, failed = 0, pinned = 0;
#pragma omp parallel num_threads(o->nthreads) reduction(+ : failed, pinned)
    {
        int t = omp_get_thread_num();
#pragma omp single
        got = omp_get_num_threads();
        if (p->pin && affinity_pin_self(t) == 0) pinned++;
        if (w->worker_init && w->worker_init(wstate, &o->tls[t]) != 0) failed++;
    }
    if (got != o->nthreads || failed) {
        snprintf(err, errlen, "openmp: %s (asked for %d threads, got %d)",
                 failed ? "a thread could not set up its workload state" : "too few threads",
                 o->nthreads, got);
        o->nthreads = got; /* worker_fini only for the threads that ran worker_init */
        omp_destroy(o);
        return -EAGAIN;
    }
    info->threads = o->nthreads;
    info->concurrency = o->nthreads;
    info->cpu_threads = o->nthreads;
    info->on_loop = 0;
    info->pinned = p->pin && pinned == o->nthreads;
    *ex = o;
    return 0;
}

static void omp_run(void *ex, struct batch *b)
{
    struct omp_exec *o = ex;
    long n = b->n;
#pragma omp parallel num_threads(o->nthreads)
    {
        int t = omp_get_thread_num();
        void *tls = o->tls[t];
        batch_set_current(b);
#pragma omp for schedule(dynamic)
        for (long i = 0; i < n; i++) {
            if (!batch_admit(b, i)) continue;
            task_run(o->w, o->wstate, tls, i, &b->out[i]);
            b->out[i].worker = (uint8_t)t;
            batch_ended(b, i);
        }
        batch_set_current(NULL);
    }
}

static void omp_destroy(void *ex)
{
    struct omp_exec *o = ex;
    if (o->w->worker_fini) {
#pragma omp parallel num_threads(o->nthreads)
        {
            void *tls = o->tls[omp_get_thread_num()];
            if (tls) o->w->worker_fini(o->wstate, tls);
        }
    }
    free(o->tls);
    free(o);
}

/* The stack of each OpenMP thread: OMP_STACKSIZE (or GOMP_STACKSIZE) when set, a number with
 * an optional B, K, M or G (K when none), else the runtime's default: libgomp takes the process's
 * default thread stack, LLVM's libomp 4 MiB. */
static size_t omp_stack_bytes(void)
{
    const char *env = getenv("OMP_STACKSIZE");
    if (!env || !*env) env = getenv("GOMP_STACKSIZE");
    if (env && *env) {
        char *end;
        double v = strtod(env, &end);
        while (*end == ' ')
            end++;
        double unit = *end == 'B' || *end == 'b'   ? 1
                      : *end == 'M' || *end == 'm' ? 1 << 20
                      : *end == 'G' || *end == 'g' ? 1 << 30
                                                   : 1 << 10;
        if (v > 0 && v * unit < 1e15) return (size_t)(v * unit);
    }
#ifdef __clang__
    return (size_t)4 << 20;
#else
    return headroom_default_stack();
#endif
}

/* A worker per task in flight: --threads workers (default the usable cores), each task on one. */
static void omp_plan(const struct params *p, long n, struct exec_plan *pl)
{
    long t = affinity_planned_threads(p);
    *pl = (struct exec_plan){.threads = t, .in_flight = t < n ? t : n, .computes = t};
}

const struct executor executor_openmp = {
    .name = "openmp",
    .summary = "OpenMP parallel for, dynamic schedule (--threads, --pin)",
    .params = PM(P_THREADS) | PM(P_CONCURRENCY) | PM(P_PIN),
    .waits = WIDTH_THREADS,
    .computes = WIDTH_THREADS,
    .overlap = OVERLAP_WORKERS,
    .stack_bytes = omp_stack_bytes,
    .plan = omp_plan,
    .create = omp_create,
    .run = omp_run,
    .destroy = omp_destroy,
};
