/* NAME    cpu_pool.c
 * PURPOSE The hybrid executor's worker threads. A mutex and a condition variable guard the
 *         queue of work; finished items go on a second list and a uv_async_send wakes the loop,
 *         which runs their after() callbacks. uv_async_send coalesces wake-ups, so the loop
 *         drains the whole list each time. */
#include "cpu_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"

struct cpu_pool {
    const struct workload *w;
    void *wstate;
    long nthreads;
    int pin;
    pthread_t *tids;
    void **tls;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct evloop_work *head, *tail; /* queued work; guarded by mu */
    long started, pinned;            /* guarded by mu */
    int init_failed, stop;           /* guarded by mu */
    pthread_mutex_t done_mu;
    struct evloop_work *done; /* finished work, newest first; guarded by done_mu */
    uv_async_t async;
};

struct worker_arg {
    struct cpu_pool *p;
    long id;
};

static void *worker_main(void *arg)
{
    struct worker_arg *wa = arg;
    struct cpu_pool *p = wa->p;
    long id = wa->id;
    free(wa);
    int pinned = p->pin && affinity_pin_self(id) == 0;
    int rc = p->w->worker_init ? p->w->worker_init(p->wstate, &p->tls[id]) : 0;
    pthread_mutex_lock(&p->mu);
    p->started++;
    p->pinned += pinned;
    p->init_failed |= rc != 0;
    pthread_cond_broadcast(&p->cv);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) break;
        struct evloop_work *item = p->head;
        p->head = item->next;
        if (!p->head) p->tail = NULL;
        pthread_mutex_unlock(&p->mu);

        item->work(item, p->tls[id]);

        pthread_mutex_lock(&p->done_mu);
        item->next = p->done;
        p->done = item;
        pthread_mutex_unlock(&p->done_mu);
        uv_async_send(&p->async);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    if (p->w->worker_fini && rc == 0) p->w->worker_fini(p->wstate, p->tls[id]);
    return NULL;
}

/* On the loop thread: run after() for everything finished so far, oldest first. */
static void on_async(uv_async_t *h)
{
    struct cpu_pool *p = h->data;
    pthread_mutex_lock(&p->done_mu);
    struct evloop_work *list = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->done_mu);
    struct evloop_work *fifo = NULL;
    while (list) {
        struct evloop_work *next = list->next;
        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo) {
        struct evloop_work *next = fifo->next;
        fifo->after(fifo); /* may free fifo */
        fifo = next;
    }
}

static void join_all(struct cpu_pool *p, long n)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (long k = 0; k < n; k++)
        pthread_join(p->tids[k], NULL);
}

static void free_pool(uv_handle_t *h)
{
    struct cpu_pool *p = h->data;
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->done_mu);
    free(p->tids);
    free(p->tls);
    free(p);
}

int cpu_pool_start(struct cpu_pool **out, uv_loop_t *loop, long nthreads, int pin,
                   const struct workload *w, void *wstate, long *pinned, char *err, size_t errlen)
{
    struct cpu_pool *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->w = w;
    p->wstate = wstate;
    p->nthreads = nthreads;
    p->pin = pin;
    p->tids = calloc((size_t)nthreads, sizeof *p->tids);
    p->tls = calloc((size_t)nthreads, sizeof *p->tls);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_mutex_init(&p->done_mu, NULL);
    uv_async_init(loop, &p->async, on_async);
    p->async.data = p;
    long k = 0;
    int rc = p->tids && p->tls ? 0 : ENOMEM;
    for (; rc == 0 && k < nthreads; k++) {
        struct worker_arg *wa = malloc(sizeof *wa);
        if (!wa) {
            rc = ENOMEM;
            break;
        }
        *wa = (struct worker_arg){.p = p, .id = k};
        rc = pthread_create(&p->tids[k], NULL, worker_main, wa);
        if (rc != 0) {
            free(wa);
            break;
        }
    }
    if (rc == 0) {
        pthread_mutex_lock(&p->mu);
        while (p->started < nthreads)
            pthread_cond_wait(&p->cv, &p->mu);
        rc = p->init_failed ? ENOMEM : 0;
        *pinned = p->pinned;
        pthread_mutex_unlock(&p->mu);
    }
    if (rc != 0) {
        snprintf(err, errlen, "hybrid: could not start %ld worker threads: %s", nthreads,
                 strerror(rc));
        join_all(p, k);
        uv_close((uv_handle_t *)&p->async, free_pool);
        return -rc;
    }
    *out = p;
    return 0;
}

void cpu_pool_submit(struct cpu_pool *p, struct evloop_work *w)
{
    w->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = w;
    else
        p->head = w;
    p->tail = w;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void cpu_pool_stop(struct cpu_pool *p)
{
    join_all(p, p->nthreads);
    uv_close((uv_handle_t *)&p->async, free_pool);
}
