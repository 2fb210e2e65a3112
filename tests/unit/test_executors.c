/* NAME    test_executors.c
 * PURPOSE Every executor in the registry runs every task exactly once, for 1 to 100,000 tasks and
 *         1 to 64 workers, across repeated batches on the same executor; per-worker state is set
 *         up once per worker and torn down; what it reports having set up matches its published
 *         concurrency rule. */
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "executor.h"

/* What the tasks and workers write is the workload's output: allocated through the shared
 * allocator (workload.h), so an executor that runs tasks in worker processes counts into the
 * same memory as one that runs them on threads. */
struct counters {
    atomic_int inits;  /* worker_init calls */
    atomic_int finis;  /* worker_fini calls */
    atomic_int runs[]; /* times each task ran */
};
static struct counters *cnt;
static long ntasks_now;

static int count_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    *state = &ntasks_now;
    return 0;
}
static void count_teardown(void *state) {}
static long count_ntasks(const void *state)
{
    return *(const long *)state;
}
static int count_worker_init(void *state, void **tls)
{
    atomic_fetch_add(&cnt->inits, 1);
    *tls = (void *)cnt; /* any non-NULL marker */
    return 0;
}
static void count_worker_fini(void *state, void *tls)
{
    atomic_fetch_add(&cnt->finis, 1);
}
static void count_run_task(void *state, void *tls, long i, struct outcome *o)
{
    atomic_fetch_add(&cnt->runs[i], 1);
    o->cls = tls ? OUT_OK : OUT_OTHER; /* a task must see its worker's state */
}
static int count_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    return 0;
}

static const struct workload counting = {
    .name = "count",
    .kind = WK_CPU,
    .setup = count_setup,
    .teardown = count_teardown,
    .ntasks = count_ntasks,
    .worker_init = count_worker_init,
    .worker_fini = count_worker_fini,
    .run_task = count_run_task,
    .verify = count_verify,
};

static void run_case(const struct executor *e, long n, long threads)
{
    struct params p;
    params_defaults(&p, NULL);
    if (e->params & PM(P_THREADS)) p.threads = threads, p.set |= PM(P_THREADS);
    /* mpi without a launcher is one rank: its inner executor is the one with threads. */
    int ranks = e->waits == WIDTH_RANKS;
    if (ranks) p.inner = "thread-pool";
    void *ex = NULL;
    struct exec_info info = {0};
    char err[256] = "";
    ntasks_now = n;
    workload_shared_mode(e->forks);
    cnt = workload_shared_alloc(sizeof *cnt + (size_t)n * sizeof cnt->runs[0]);
    CHECK(cnt != NULL);
    if (!cnt) return;
    int rc = e->create(&counting, &ntasks_now, &p, &ex, &info, err, sizeof err);
    CHECK_EQ_LONG(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", e->name, err);
        workload_shared_free(cnt);
        return;
    }
    /* The executor's plan (executor.h) is what it set up: the computing workers, and its
     * worker threads or processes. */
    struct exec_plan pl = {0};
    CHECK(e->plan != NULL);
    if (e->plan) e->plan(&p, n, &pl);
    CHECK_EQ_LONG(pl.computes, info.cpu_threads);
    if (e->forks) CHECK_EQ_LONG(pl.procs, info.procs);
    if (e->params & PM(P_THREADS) && !e->forks && !ranks) CHECK_EQ_LONG(pl.threads, info.threads);
    /* Worker threads with their own state: --threads where it reads it; a loop also sets up the
     * loop thread's. */
    long workers = (e->params & PM(P_THREADS)) ? threads : 1;
    long expect_inits = workers + (e->overlap == OVERLAP_LOOP && (e->params & PM(P_THREADS)));
    int pool = e->computes == WIDTH_THREADS || e->computes == WIDTH_PROCS || ranks;
    long cpu = pool ? workers : 1;
    long waits = e->waits == WIDTH_THREADS || e->waits == WIDTH_PROCS || ranks ? workers
                 : e->waits == WIDTH_CAP                                       ? 0
                                                                               : 1;
    CHECK_EQ_LONG(info.threads, workers);
    CHECK_EQ_LONG(info.cpu_threads, cpu);
    CHECK_EQ_LONG(info.concurrency, waits);
    CHECK_EQ_LONG(info.on_loop, (e->overlap == OVERLAP_LOOP));
    CHECK_EQ_LONG(info.procs, e->forks ? workers : ranks ? 1 : 0);
    CHECK_EQ_LONG(atomic_load(&cnt->inits), expect_inits);
    /* Outcomes on the heap: an executor must deliver them there too (process copies them). */
    struct outcome *out = calloc((size_t)n, sizeof *out);
    for (int batch = 0; batch < 3; batch++) {
        for (long i = 0; i < n; i++) {
            out[i] = (struct outcome){.cls = OUT_NOT_RUN};
            atomic_store(&cnt->runs[i], 0);
        }
        executor_run(e, ex, out, n);
        long wrong = 0, not_ok = 0;
        for (long i = 0; i < n; i++) {
            wrong += atomic_load(&cnt->runs[i]) != 1;
            not_ok += out[i].cls != OUT_OK || out[i].end_ns < out[i].start_ns;
        }
        if (wrong || not_ok)
            fprintf(
                stderr,
                "%s n=%ld threads=%ld batch %d: %ld tasks not run exactly once, %ld bad outcomes\n",
                e->name, n, threads, batch, wrong, not_ok);
        CHECK_EQ_LONG(wrong, 0);
        CHECK_EQ_LONG(not_ok, 0);
    }
    e->destroy(ex);
    CHECK_EQ_LONG(atomic_load(&cnt->finis), expect_inits);
    free(out);
    workload_shared_free(cnt);
    workload_shared_mode(0);
}

int main(void)
{
    static const long sizes[] = {1, 2, 3, 7, 64, 1000, 100000};
    static const long threads[] = {1, 2, 3, 8, 64};
    int tried = 0;
    for (const struct executor *const *e = executors; *e; e++, tried++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
                if (t > 0 && !((*e)->params & PM(P_THREADS))) break; /* one setting is enough */
                run_case(*e, sizes[s], threads[t]);
            }
    CHECK(tried >= 7);
    CHECK_DONE();
}
