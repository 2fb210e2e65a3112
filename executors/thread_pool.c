/* NAME    thread_pool.c
 * PURPOSE Parallelism with persistent pthread workers: threads are started once (outside the
 *         timed region), each with its own workload state, and take tasks from a shared queue.
 *
 * The queue of a batch is its index range: a worker takes the next task with one atomic
 * fetch-add, the same dispatch cost as OpenMP's dynamic schedule, instead of a mutex per task.
 * The mutex and condition variables only wake workers for a batch and tell the submitter when the
 * batch is over, so they are touched once per worker per batch. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "affinity.h"
#include "executor.h"
#include "team.h"

/* Small stacks so that 10,000 threads fit; tasks keep big buffers on the heap. */
#define POOL_STACK_BYTES (256 * 1024)

struct pool_batch {
    struct batch *b;
    atomic_long next; /* the next task index to hand out */
    long active;      /* workers inside this batch; guarded by pool.mu */
};

struct pool {
    struct team team; /* the workers, each with its workload state */
    pthread_mutex_t mu;
    pthread_cond_t wake; /* a new batch or shutdown */
    pthread_cond_t idle; /* a batch finished */
    unsigned long gen;   /* batch generation; guarded by mu */
    struct pool_batch *cur; /* the batch being run, NULL between batches; guarded by mu */
    int stop;            /* shut down; guarded by mu */
};

static void run_batch(struct pool *p, struct pool_batch *pb, long id, void *tls)
{
    struct batch *b = pb->b;
    batch_set_current(b);
    for (;;) {
        long i = atomic_fetch_add_explicit(&pb->next, 1, memory_order_relaxed);
        if (i >= b->n) break;
        if (!batch_admit(b, i)) continue;
        task_run(p->team.w, p->team.wstate, tls, i, &b->out[i]);
        b->out[i].worker = (uint8_t)id;
        batch_ended(b, i);
    }
    batch_set_current(NULL);
}

/* The team's loop: wait for a batch, take its tasks, repeat until stopped. */
static void worker_loop(void *owner, long id, void *tls)
{
    struct pool *p = owner;
    unsigned long seen = 0; /* no batch can start before every worker is ready */
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->gen == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop) break;
        seen = p->gen;
        struct pool_batch *pb = p->cur;
        if (!pb) continue; /* woke after that batch had already finished */
        pb->active++;
        pthread_mutex_unlock(&p->mu);

        run_batch(p, pb, id, tls);

        pthread_mutex_lock(&p->mu);
        if (--pb->active == 0 && atomic_load(&pb->next) >= pb->b->n)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
}

static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    team_join(&p->team);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

static int pool_create(const struct workload *w, void *wstate, const struct params *prm, void **ex,
                       struct exec_info *info, char *err, size_t errlen)
{
    long nthreads = affinity_default_threads(prm, "thread-pool", err, errlen);
    if (nthreads < 0) return -EINVAL;
    struct pool *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->team = (struct team){.w = w,
                            .wstate = wstate,
                            .nthreads = nthreads,
                            .pin = prm->pin,
                            .stack_bytes = POOL_STACK_BYTES,
                            .body = worker_loop,
                            .owner = p};
    int rc = team_start(&p->team, "thread-pool", err, errlen);
    if (rc != 0) {
        pool_stop(p);
        return rc;
    }
    info->threads = nthreads;
    info->concurrency = nthreads;
    info->cpu_threads = nthreads;
    info->on_loop = 0;
    info->pinned = prm->pin && p->team.pinned == nthreads;
    *ex = p;
    return 0;
}

static void pool_run(void *ex, struct batch *b)
{
    struct pool *p = ex;
    struct pool_batch pb = {.b = b, .active = 0};
    atomic_init(&pb.next, 0);
    pthread_mutex_lock(&p->mu);
    p->cur = &pb;
    p->gen++;
    pthread_cond_broadcast(&p->wake);
    while (pb.active > 0 || atomic_load(&pb.next) < b->n)
        pthread_cond_wait(&p->idle, &p->mu);
    p->cur = NULL; /* late wakers must not join a batch that has ended */
    pthread_mutex_unlock(&p->mu);
}

static void pool_destroy(void *ex)
{
    pool_stop(ex);
}

static size_t pool_stack_bytes(void)
{
    return POOL_STACK_BYTES;
}

/* A worker per task in flight: --threads workers (default the usable cores), each task on one. */
static void pool_plan(const struct params *p, long n, struct exec_plan *pl)
{
    long t = affinity_planned_threads(p);
    *pl = (struct exec_plan){.threads = t, .in_flight = t < n ? t : n, .computes = t};
}

const struct executor executor_thread_pool = {
    .name = "thread-pool",
    .summary = "persistent pthread workers taking tasks from a shared queue (--threads, --pin)",
    .params = PM(P_THREADS) | PM(P_CONCURRENCY) | PM(P_PIN),
    .waits = WIDTH_THREADS,
    .computes = WIDTH_THREADS,
    .overlap = OVERLAP_WORKERS,
    .stack_bytes = pool_stack_bytes,
    .plan = pool_plan,
    .create = pool_create,
    .run = pool_run,
    .destroy = pool_destroy,
};
