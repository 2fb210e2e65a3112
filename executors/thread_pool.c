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
#include <string.h>

#include "affinity.h"
#include "executor.h"

/* Small stacks so that 10,000 threads fit; tasks keep big buffers on the heap. */
#define POOL_STACK_BYTES (256 * 1024)

struct batch {
    struct outcome *out;
    long n;
    atomic_long next; /* the next task index to hand out */
    long active;      /* workers inside this batch; guarded by pool.mu */
};

struct pool {
    const struct workload *w;
    void *wstate;
    long nthreads;
    int pin;
    pthread_t *tids;
    void **tls; /* per-worker workload state, index = worker number */
    pthread_mutex_t mu;
    pthread_cond_t wake; /* a new batch or shutdown */
    pthread_cond_t idle; /* a batch finished, or a worker finished starting */
    unsigned long gen;   /* batch generation; guarded by mu */
    struct batch *cur;   /* the batch being run, NULL between batches; guarded by mu */
    long started;        /* workers that finished worker_init; guarded by mu */
    long pinned;         /* workers that were pinned; guarded by mu */
    int init_failed;     /* a worker_init failed; guarded by mu */
    int stop;            /* shut down after the current batch; guarded by mu */
};

struct worker_arg {
    struct pool *p;
    long id;
};

static void run_batch(struct pool *p, struct batch *b, long id)
{
    for (;;) {
        long i = atomic_fetch_add_explicit(&b->next, 1, memory_order_relaxed);
        if (i >= b->n) break;
        task_run(p->w, p->wstate, p->tls[id], i, &b->out[i]);
        b->out[i].worker = (uint8_t)id;
    }
}

static void *worker_main(void *arg)
{
    struct worker_arg *wa = arg;
    struct pool *p = wa->p;
    long id = wa->id;
    free(wa);

    int pinned = p->pin && affinity_pin_self(id) == 0;
    int rc = p->w->worker_init ? p->w->worker_init(p->wstate, &p->tls[id]) : 0;

    pthread_mutex_lock(&p->mu);
    p->started++;
    p->pinned += pinned;
    if (rc != 0) p->init_failed = 1;
    unsigned long seen = p->gen;
    pthread_cond_broadcast(&p->idle);
    for (;;) {
        while (!p->stop && p->gen == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop) break;
        seen = p->gen;
        struct batch *b = p->cur;
        if (!b) continue; /* woke after that batch had already finished */
        b->active++;
        pthread_mutex_unlock(&p->mu);

        run_batch(p, b, id);

        pthread_mutex_lock(&p->mu);
        if (--b->active == 0 && atomic_load(&b->next) >= b->n) pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    if (p->w->worker_fini && rc == 0) p->w->worker_fini(p->wstate, p->tls[id]);
    return NULL;
}

static void pool_stop(struct pool *p, long nstarted)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (long k = 0; k < nstarted; k++)
        pthread_join(p->tids[k], NULL);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p->tids);
    free(p->tls);
    free(p);
}

static int pool_create(const struct workload *w, void *wstate, const struct params *prm, void **ex,
                       struct exec_info *info, char *err, size_t errlen)
{
    long nthreads = affinity_default_threads(prm, "thread-pool", err, errlen);
    if (nthreads < 0) return -EINVAL;
    struct pool *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->w = w;
    p->wstate = wstate;
    p->nthreads = nthreads;
    p->pin = prm->pin;
    p->tids = calloc((size_t)nthreads, sizeof *p->tids);
    p->tls = calloc((size_t)nthreads, sizeof *p->tls);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (!p->tids || !p->tls) {
        pool_stop(p, 0);
        return -ENOMEM;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, POOL_STACK_BYTES);
    long k;
    int rc = 0;
    for (k = 0; k < nthreads; k++) {
        struct worker_arg *wa = malloc(sizeof *wa);
        if (!wa) {
            rc = ENOMEM;
            break;
        }
        wa->p = p;
        wa->id = k;
        rc = pthread_create(&p->tids[k], &attr, worker_main, wa);
        if (rc != 0) {
            free(wa);
            break;
        }
    }
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        snprintf(err, errlen, "thread-pool: could not start thread %ld of %ld: %s", k + 1, nthreads,
                 strerror(rc));
        pool_stop(p, k);
        return -rc;
    }

    pthread_mutex_lock(&p->mu);
    while (p->started < nthreads)
        pthread_cond_wait(&p->idle, &p->mu);
    int failed = p->init_failed;
    info->pinned = p->pin && p->pinned == nthreads;
    pthread_mutex_unlock(&p->mu);
    if (failed) {
        snprintf(err, errlen, "thread-pool: a worker could not set up its workload state");
        pool_stop(p, nthreads);
        return -ENOMEM;
    }
    info->threads = nthreads;
    info->concurrency = nthreads;
    *ex = p;
    return 0;
}

static void pool_run(void *ex, struct outcome *out, long n)
{
    struct pool *p = ex;
    struct batch b = {.out = out, .n = n, .active = 0};
    atomic_init(&b.next, 0);
    pthread_mutex_lock(&p->mu);
    p->cur = &b;
    p->gen++;
    pthread_cond_broadcast(&p->wake);
    while (b.active > 0 || atomic_load(&b.next) < n)
        pthread_cond_wait(&p->idle, &p->mu);
    p->cur = NULL; /* late wakers must not join a batch that has ended */
    pthread_mutex_unlock(&p->mu);
}

static void pool_destroy(void *ex)
{
    struct pool *p = ex;
    pool_stop(p, p->nthreads);
}

const struct executor executor_thread_pool = {
    .name = "thread-pool",
    .summary = "persistent pthread workers taking tasks from a shared queue (--threads, --pin)",
    .params = PM(P_THREADS) | PM(P_CONCURRENCY) | PM(P_PIN),
    .create = pool_create,
    .run = pool_run,
    .destroy = pool_destroy,
};
