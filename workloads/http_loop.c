/* NAME    http_loop.c
 * PURPOSE The http workload's non-blocking form: each task starts an easy handle on the loop
 *         thread's curl_loop and finishes when curl reports it done. Handles of finished
 *         transfers are kept for the next task; curl's connection caches (and curl_loop's slot
 *         hand-over) are what make --reuse reuse connections. */
#include <stdlib.h>

#include "curl_loop.h"
#include "http.h"

struct http_req {
    struct curl_xfer x; /* first: CURLOPT_PRIVATE points here */
    CURL *easy;
    int64_t bytes; /* body bytes received */
    const struct http_state *s;
    struct http_tls *tls;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
    struct http_req *next_free;
};

int http_loop_init(void *state, void *tls, struct loop *ev)
{
    struct http_tls *t = tls;
    t->cl = curl_loop_new(ev->uv, ev->max_in_flight, ((struct http_state *)state)->reuse);
    return t->cl ? 0 : -1;
}

void http_loop_fini(void *state, void *tls)
{
    struct http_tls *t = tls;
    curl_loop_free(t->cl);
    t->cl = NULL;
    while (t->free_list) {
        struct http_req *r = t->free_list;
        t->free_list = r->next_free;
        curl_easy_cleanup(r->easy);
        free(r);
    }
}

static void shelve(struct http_req *r)
{
    r->next_free = r->tls->free_list;
    r->tls->free_list = r;
}

static void req_done(struct curl_xfer *x, CURLcode result)
{
    struct http_req *r = (struct http_req *)x;
    http_classify(r->s, r->easy, result, r->bytes, r->o);
    shelve(r); /* back on the shelf before the next task may want it */
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

void http_cancel_all(void *state, void *tls)
{
    struct http_tls *t = tls;
    if (t && t->cl) curl_loop_cancel_all(t->cl);
}

void http_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
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
    CURLMcode rc = curl_loop_add(t->cl, &r->x, r->easy);
    if (rc != CURLM_OK) {
        outcome_fail(o, OUT_OTHER, curl_multi_strerror(rc));
        shelve(r);
        done(ctx, i);
    }
}

struct fetch_then {
    struct loop_work w; /* first: the runner hands this back */
    http_step_fn step;
    void *step_state;
    struct loop *ev;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
};

static void step_work(struct loop_work *w, void *tls)
{
    struct fetch_then *t = (struct fetch_then *)w;
    t->step(t->step_state, tls, t->i, t->o);
}

static void step_after(struct loop_work *w)
{
    struct fetch_then *t = (struct fetch_then *)w;
    task_done_fn done = t->done;
    void *ctx = t->ctx;
    long i = t->i;
    free(t);
    done(ctx, i);
}

static void fetched(void *ctx, long i)
{
    struct fetch_then *t = ctx;
    if (t->o->cls != OUT_OK) {
        step_after(&t->w); /* a failed request has nothing to go on with */
        return;
    }
    t->ev->run_cpu(t->ev, &t->w);
}

void http_fetch_then(void *http_state, void *http_tls, struct loop *ev, long i, struct outcome *o,
                     http_step_fn step, void *step_state, task_done_fn done, void *ctx)
{
    struct fetch_then *t = malloc(sizeof *t);
    if (!t) {
        outcome_fail(o, OUT_OTHER, "out of memory for a task");
        done(ctx, i);
        return;
    }
    *t = (struct fetch_then){.w = {.work = step_work, .after = step_after},
                             .step = step,
                             .step_state = step_state,
                             .ev = ev,
                             .o = o,
                             .done = done,
                             .ctx = ctx,
                             .i = i};
    http_start_task(http_state, http_tls, ev, i, o, fetched, t);
}
