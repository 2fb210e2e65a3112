/* NAME    http_loop.c
 * PURPOSE The http workload's non-blocking form: each task adds an easy handle to the loop's
 *         curl multi handle and finishes when curl reports it done. Handles of finished
 *         transfers are kept for the next task; the multi handle's connection cache is what
 *         makes --reuse reuse connections. */
#include <stdlib.h>

#include "evloop.h"
#include "http.h"

struct http_req {
    struct evloop_xfer x; /* first: CURLOPT_PRIVATE points here */
    CURL *easy;
    int64_t bytes; /* body bytes received */
    const struct http_state *s;
    struct http_tls *tls;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
    int shard; /* which of the loop's multi handles it runs on */
    struct http_req *next_free;
};

static void req_done(struct evloop_xfer *x, CURLcode result)
{
    struct http_req *r = (struct http_req *)x;
    http_classify(r->s, r->easy, result, r->bytes, r->o);
    if (r->s->reuse && result == CURLE_OK && r->tls->idle_conns)
        r->tls->idle_conns[r->shard]++; /* its connection went back to that cache */
    r->next_free = r->tls->free_list;   /* back on the shelf before the next task may want it */
    r->tls->free_list = r;
    r->done(r->ctx, r->i);
}

static struct http_req *req_get(const struct http_state *s, struct http_tls *t)
{
    struct http_req *r = t->free_list;
    if (r) {
        t->free_list = r->next_free;
        return r;
    }
    r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->easy = curl_easy_init();
    if (!r->easy || http_easy_setup(s, r->easy, &r->bytes) != 0) {
        if (r->easy) curl_easy_cleanup(r->easy);
        free(r);
        return NULL;
    }
    r->x.done = req_done;
    r->s = s;
    r->tls = t;
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, (char *)&r->x);
    return r;
}

void http_start_task(void *state, void *tls, struct evloop *ev, long i, struct outcome *o,
                     task_done_fn done, void *ctx)
{
    struct http_tls *t = tls;
    struct http_req *r = req_get(state, t);
    if (!r) {
        outcome_fail(o, OUT_OTHER, "could not create a curl handle");
        done(ctx, i);
        return;
    }
    r->o = o;
    r->done = done;
    r->ctx = ctx;
    r->i = i;
    r->bytes = 0;
    r->shard = ev->task_shard;
    if (!t->idle_conns && (t->idle_conns = calloc((size_t)ev->nshards, sizeof(long))))
        t->nshards = ev->nshards;
    if (r->s->reuse && t->idle_conns && r->shard < t->nshards) {
        long *idle = &t->idle_conns[r->shard];
        curl_easy_setopt(r->easy, CURLOPT_FRESH_CONNECT, *idle > 0 ? 0L : 1L);
        if (*idle > 0) (*idle)--;
    }
    CURLMcode rc = curl_multi_add_handle(ev->shards[r->shard].multi, r->easy);
    if (rc != CURLM_OK) {
        outcome_fail(o, OUT_OTHER, curl_multi_strerror(rc));
        r->next_free = t->free_list;
        t->free_list = r;
        done(ctx, i);
    }
}

void http_loop_tls_free(struct http_tls *t)
{
    free(t->idle_conns);
    t->idle_conns = NULL;
    while (t->free_list) {
        struct http_req *r = t->free_list;
        t->free_list = r->next_free;
        curl_easy_cleanup(r->easy);
        free(r);
    }
}
