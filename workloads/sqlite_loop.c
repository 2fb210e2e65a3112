/* NAME    sqlite_loop.c
 * PURPOSE The sqlite workload's loop form, the aiosqlite way: the loop hands each query to a
 *         thread (uv_queue_work: libuv's pool of UV_THREADPOOL_SIZE threads, --fs-threads) and
 *         the query's end comes back to the loop as a callback. The query itself is the same
 *         blocking call as in the blocking form; the loop only decides which thread makes it.
 *         Connections are opened by the pool threads as they need them and kept in a shared
 *         pool: at most one per thread that runs queries at once. */
#include <stdlib.h>

#include "sqlite.h"
#include "uvpool.h"

struct sq_work {
    uv_work_t req;
    struct sqlite_state *s;
    struct sq_loop *lp;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
    struct sq_work *next_free;
};

struct sq_loop {
    struct sq_work *free_list; /* finished work records, for the next tasks */
};

int sqlite_loop_init(void *state, void *tls, struct loop *ev)
{
    struct sqlite_tls *t = tls;
    struct sq_loop *lp = calloc(1, sizeof *lp);
    if (!lp) return -1;
    t->loop = lp;
    uvpool_started(); /* from here on libuv's pool has the size it will keep */
    return 0;
}

/* Between batches nothing is in flight: every record is on the free list. */
void sqlite_loop_fini(void *state, void *tls)
{
    struct sqlite_tls *t = tls;
    struct sq_loop *lp = t->loop;
    if (!lp) return;
    while (lp->free_list) {
        struct sq_work *w = lp->free_list;
        lp->free_list = w->next_free;
        free(w);
    }
    free(lp);
    t->loop = NULL;
}

/* On a pool thread: take a connection (or open one), run the query, give it back. */
static void work(uv_work_t *req)
{
    struct sq_work *w = req->data;
    struct sqlite_state *s = w->s;
    pthread_mutex_lock(&s->pool_mu);
    struct sqlite_conn *c = s->pool_free;
    if (c) s->pool_free = c->next_free;
    pthread_mutex_unlock(&s->pool_mu);
    if (!c) {
        c = sqlite_conn_open(s);
        if (!c) {
            outcome_fail(w->o, OUT_OTHER, "sqlite: a pool thread could not open a connection");
            return;
        }
        pthread_mutex_lock(&s->pool_mu);
        c->next_all = s->pool_all;
        s->pool_all = c;
        s->pool_conns++;
        pthread_mutex_unlock(&s->pool_mu);
    }
    sqlite_query(s, c, w->i, w->o);
    pthread_mutex_lock(&s->pool_mu);
    c->next_free = s->pool_free;
    s->pool_free = c;
    pthread_mutex_unlock(&s->pool_mu);
}

/* Back on the loop thread. */
static void after(uv_work_t *req, int status)
{
    struct sq_work *w = req->data;
    if (status != 0) outcome_fail(w->o, OUT_OTHER, uv_strerror(status));
    task_done_fn done = w->done;
    void *ctx = w->ctx;
    long i = w->i;
    w->next_free = w->lp->free_list;
    w->lp->free_list = w;
    done(ctx, i);
}

void sqlite_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                       task_done_fn done, void *ctx)
{
    struct sqlite_state *s = state;
    struct sq_loop *lp = ((struct sqlite_tls *)tls)->loop;
    struct sq_work *w = lp->free_list;
    if (w)
        lp->free_list = w->next_free;
    else if (!(w = malloc(sizeof *w))) {
        outcome_fail(o, OUT_OTHER, "out of memory for a query");
        done(ctx, i);
        return;
    }
    *w = (struct sq_work){.s = s, .lp = lp, .o = o, .done = done, .ctx = ctx, .i = i};
    w->req.data = w;
    atomic_fetch_or(&s->forms, FORM_UVPOOL);
    int rc = uv_queue_work(ev->uv, &w->req, work, after);
    if (rc != 0) {
        outcome_fail(o, OUT_OTHER, uv_strerror(rc));
        w->next_free = lp->free_list;
        lp->free_list = w;
        done(ctx, i);
    }
}
