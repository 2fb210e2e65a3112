/* NAME    cpu_pool.c
 * PURPOSE The hybrid executor's worker threads. A mutex and a condition variable guard the
 *         queue of work; finished items go on a second list and a uv_async_send wakes the loop,
 *         which runs their after() callbacks. uv_async_send coalesces wake-ups, so the loop
 *         drains the whole list each time. */
#include "cpu_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "team.h"

struct cpu_pool {
    struct team team; /* the workers, each with its workload state */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct loop_work *head, *tail; /* queued work; guarded by mu */
    int stop;                      /* guarded by mu */
    pthread_mutex_t done_mu;
    struct loop_work *done; /* finished work, newest first; guarded by done_mu */
    uv_async_t async;
};

/* The team's loop: take the oldest item, run it, hand it back to the loop thread. */
static void worker_loop(void *owner, long id, void *tls)
{
    struct cpu_pool *p = owner;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) break;
        struct loop_work *item = p->head;
        p->head = item->next;
        if (!p->head) p->tail = NULL;
        pthread_mutex_unlock(&p->mu);

        item->work(item, tls);

        pthread_mutex_lock(&p->done_mu);
        item->next = p->done;
        p->done = item;
        pthread_mutex_unlock(&p->done_mu);
        uv_async_send(&p->async);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

/* On the loop thread: run after() for everything finished so far, oldest first. */
static void on_async(uv_async_t *h)
{
    struct cpu_pool *p = h->data;
    pthread_mutex_lock(&p->done_mu);
    struct loop_work *list = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->done_mu);
    struct loop_work *fifo = NULL;
    while (list) {
        struct loop_work *next = list->next;
        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo) {
        struct loop_work *next = fifo->next;
        fifo->after(fifo); /* may free fifo */
        fifo = next;
    }
}

static void free_pool(uv_handle_t *h)
{
    struct cpu_pool *p = h->data;
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->done_mu);
    free(p);
}

void cpu_pool_stop(struct cpu_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    team_join(&p->team);
    uv_close((uv_handle_t *)&p->async, free_pool);
}

int cpu_pool_start(struct cpu_pool **out, uv_loop_t *loop, long nthreads, int pin,
                   const struct workload *w, void *wstate, long *pinned, char *err, size_t errlen)
{
    struct cpu_pool *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_mutex_init(&p->done_mu, NULL);
    uv_async_init(loop, &p->async, on_async);
    p->async.data = p;
    p->team = (struct team){.w = w,
                            .wstate = wstate,
                            .nthreads = nthreads,
                            .pin = pin,
                            .body = worker_loop,
                            .owner = p};
    int rc = team_start(&p->team, "hybrid", err, errlen);
    if (rc != 0) {
        cpu_pool_stop(p);
        return rc;
    }
    *pinned = p->team.pinned;
    *out = p;
    return 0;
}

void cpu_pool_submit(struct cpu_pool *p, struct loop_work *w)
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
