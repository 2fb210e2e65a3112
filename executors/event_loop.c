/* NAME    event_loop.c
 * PURPOSE Concurrency on one thread, the asyncio way: one libuv loop, one curl multi handle
 *         driven by curl_multi_socket_action, and at most --concurrency tasks in flight (the
 *         Semaphore): each completion starts the next task. Waits overlap; work does not.
 *
 *         Two executors share this file and differ only in where CPU work runs (ev.run_cpu):
 *         - event-loop: inline on the loop thread. A workload without a non-blocking form runs
 *           there whole, which is exactly why the loop gives CPU-bound work no speed-up; with
 *           --blocking, any workload runs its blocking form there (the stall).
 *         - hybrid: on --threads worker threads (cpu_pool.c), asyncio's run_in_executor: the
 *           loop keeps waiting while the workers compute. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "cpu_pool.h"
#include "evloop.h"
#include "executor.h"

struct loop_exec {
    struct evloop ev; /* first member: workloads get &ev, we get the rest back */
    uv_loop_t uvloop;
    uv_timer_t curl_timer; /* the one timer curl asks for (CURLMOPT_TIMERFUNCTION) */
    const struct workload *w;
    void *wstate;
    void *tls;             /* the workload's per-thread state, for the loop thread */
    long cap;              /* most tasks in flight; 0 = no cap */
    int blocking;          /* run the blocking form on the loop thread */
    struct cpu_pool *pool; /* hybrid: where CPU work runs; NULL = inline on the loop thread */
    /* The current batch. */
    struct outcome *out;
    long n, next, in_flight, done;
    int pumping; /* pump() is on the stack: completions must not recurse into it */
};

/* The poll handle watching one of curl's sockets. */
struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct loop_exec *lx;
};

static void check_multi(struct loop_exec *lx, CURLMcode rc, const char *where)
{
    if (rc != CURLM_OK)
        fprintf(stderr, "cvpbench: event-loop: %s: %s\n", where, curl_multi_strerror(rc));
}

/* Finishes every transfer curl reports done: each maps back to its task via CURLOPT_PRIVATE. */
static void drain_done(struct loop_exec *lx)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(lx->ev.multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode result = msg->data.result;
        struct evloop_xfer *x = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        check_multi(lx, curl_multi_remove_handle(lx->ev.multi, easy), "remove_handle");
        if (x) x->done(x, result);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock_ctx *c = h->data;
    struct loop_exec *lx = c->lx;
    int flags = 0, running;
    if (status < 0) flags = CURL_CSELECT_ERR;
    if (status == 0 && (events & UV_READABLE)) flags |= CURL_CSELECT_IN;
    if (status == 0 && (events & UV_WRITABLE)) flags |= CURL_CSELECT_OUT;
    check_multi(lx, curl_multi_socket_action(lx->ev.multi, c->fd, flags, &running),
                "socket_action");
    drain_done(lx);
}

static void on_curl_timeout(uv_timer_t *t)
{
    struct loop_exec *lx = t->data;
    int running;
    check_multi(lx, curl_multi_socket_action(lx->ev.multi, CURL_SOCKET_TIMEOUT, 0, &running),
                "socket_action(timeout)");
    drain_done(lx);
}

static void free_sock_ctx(uv_handle_t *h)
{
    free(h->data);
}

/* CURLMOPT_SOCKETFUNCTION: start, change or stop watching one of curl's sockets. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
    struct loop_exec *lx = userp;
    struct sock_ctx *c = socketp;
    if (action == CURL_POLL_REMOVE) {
        if (c) {
            /* Stopped now, freed after the loop has let go of it. curl closes the socket only
             * after this callback, so a new socket with the same number gets a fresh handle. */
            uv_poll_stop(&c->poll);
            uv_close((uv_handle_t *)&c->poll, free_sock_ctx);
            curl_multi_assign(lx->ev.multi, fd, NULL);
        }
        return 0;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) return -1;
        c->fd = fd;
        c->lx = lx;
        if (uv_poll_init_socket(lx->ev.loop, &c->poll, fd) != 0) {
            free(c);
            return -1;
        }
        c->poll.data = c;
        curl_multi_assign(lx->ev.multi, fd, c);
    }
    int events = 0;
    if (action == CURL_POLL_IN || action == CURL_POLL_INOUT) events |= UV_READABLE;
    if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT) events |= UV_WRITABLE;
    return uv_poll_start(&c->poll, events, on_poll) == 0 ? 0 : -1;
}

/* CURLMOPT_TIMERFUNCTION: one loop timer; -1 disarms it, 0 means "soon, but not from here". */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct loop_exec *lx = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&lx->curl_timer);
    else
        uv_timer_start(&lx->curl_timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

static void pump(struct loop_exec *lx);
static void task_done(void *ctx, long i);

/* A whole task that only computes, handed to the CPU runner. */
struct cpu_task {
    struct evloop_work w;
    struct loop_exec *lx;
    long i;
};

static void cpu_task_work(struct evloop_work *w, void *tls)
{
    struct cpu_task *t = (struct cpu_task *)w;
    t->lx->w->run_task(t->lx->wstate, tls, t->i, &t->lx->out[t->i]);
}

static void cpu_task_after(struct evloop_work *w)
{
    struct cpu_task *t = (struct cpu_task *)w;
    struct loop_exec *lx = t->lx;
    long i = t->i;
    free(t);
    task_done(lx, i);
}

static void start_cpu_task(struct loop_exec *lx, long i)
{
    struct cpu_task *t = malloc(sizeof *t);
    if (!t) {
        outcome_fail(&lx->out[i], OUT_OTHER, "out of memory for a task");
        task_done(lx, i);
        return;
    }
    *t = (struct cpu_task){.w = {.work = cpu_task_work, .after = cpu_task_after}, .lx = lx, .i = i};
    lx->ev.run_cpu(&lx->ev, &t->w);
}

/* event-loop's CPU runner: right here, on the loop thread, while nothing else can happen. */
static void run_cpu_inline(struct evloop *ev, struct evloop_work *w)
{
    struct loop_exec *lx = (struct loop_exec *)ev;
    w->work(w, lx->tls);
    w->after(w);
}

/* hybrid's CPU runner: on a worker thread; after() comes back through the loop. */
static void run_cpu_pooled(struct evloop *ev, struct evloop_work *w)
{
    cpu_pool_submit(((struct loop_exec *)ev)->pool, w);
}

/* task_done_fn: the task is over. Record its end and let the next one in. */
static void task_done(void *ctx, long i)
{
    struct loop_exec *lx = ctx;
    lx->out[i].end_ns = now_ns();
    lx->in_flight--;
    lx->done++;
    pump(lx);
    if (lx->done == lx->n) uv_stop(lx->ev.loop);
}

/* Starts tasks while the cap allows. Completions that happen inside start (inline tasks, or a
 * transfer that fails at once) only update the counters; this loop then carries on, so the
 * stack never grows with the number of tasks. */
static void pump(struct loop_exec *lx)
{
    if (lx->pumping) return;
    lx->pumping = 1;
    while (lx->next < lx->n && (lx->cap == 0 || lx->in_flight < lx->cap)) {
        long i = lx->next++;
        struct outcome *o = &lx->out[i];
        lx->in_flight++;
        o->start_ns = now_ns();
        if (lx->blocking) {
            lx->w->run_task(lx->wstate, lx->tls, i, o); /* blocks the loop: the stall */
            task_done(lx, i);
        } else if (lx->w->start_task) {
            lx->w->start_task(lx->wstate, lx->tls, &lx->ev, i, o, task_done, lx);
        } else {
            start_cpu_task(lx, i);
        }
    }
    lx->pumping = 0;
}

static void loop_destroy(void *ex);

static int loop_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                       struct exec_info *info, char *err, size_t errlen, long pool_threads)
{
    struct loop_exec *lx = calloc(1, sizeof *lx);
    if (!lx) return -ENOMEM;
    lx->w = w;
    lx->wstate = wstate;
    lx->cap = p->concurrency;
    lx->blocking = p->blocking;
    int rc = uv_loop_init(&lx->uvloop);
    if (rc != 0) {
        snprintf(err, errlen, "event-loop: uv_loop_init: %s", uv_strerror(rc));
        free(lx);
        return -ENOMEM;
    }
    lx->ev.loop = &lx->uvloop;
    lx->ev.run_cpu = run_cpu_inline;
    uv_timer_init(lx->ev.loop, &lx->curl_timer);
    lx->curl_timer.data = lx;
    lx->ev.multi = curl_multi_init();
    if (!lx->ev.multi) {
        snprintf(err, errlen, "event-loop: curl_multi_init failed");
        loop_destroy(lx);
        return -ENOMEM;
    }
    curl_multi_setopt(lx->ev.multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(lx->ev.multi, CURLMOPT_SOCKETDATA, lx);
    curl_multi_setopt(lx->ev.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(lx->ev.multi, CURLMOPT_TIMERDATA, lx);
    /* The cap is enforced here, by starting tasks; curl's own limit only matches it, so that
     * curl never queues a transfer (queued time would count against its timeout). */
    if (lx->cap > 0) curl_multi_setopt(lx->ev.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, lx->cap);
    /* Keep as many idle connections as may be in flight, so reuse is never limited by the
     * cache (curl's default keeps 4 per easy handle added). */
    curl_multi_setopt(lx->ev.multi, CURLMOPT_MAXCONNECTS, lx->cap > 0 ? lx->cap : 100000L);
    if (w->worker_init && w->worker_init(wstate, &lx->tls) != 0) {
        snprintf(err, errlen, "event-loop: could not set up the workload's state");
        loop_destroy(lx);
        return -ENOMEM;
    }
    info->threads = 1;
    info->concurrency = lx->blocking ? 1 : lx->cap;
    info->pinned = 0;
    if (pool_threads > 0) {
        long pinned = 0;
        int prc = cpu_pool_start(&lx->pool, lx->ev.loop, pool_threads, p->pin, w, wstate, &pinned,
                                 err, errlen);
        if (prc != 0) {
            loop_destroy(lx);
            return prc;
        }
        lx->ev.run_cpu = run_cpu_pooled;
        info->threads = pool_threads;
        info->pinned = p->pin && pinned == pool_threads;
    }
    *ex = lx;
    return 0;
}

static int event_loop_create(const struct workload *w, void *wstate, const struct params *p,
                             void **ex, struct exec_info *info, char *err, size_t errlen)
{
    return loop_create(w, wstate, p, ex, info, err, errlen, 0);
}

/* The compute threads are --threads (default: the usable cores); --concurrency stays the cap on
 * tasks in flight, as on the event loop. */
static int hybrid_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                         struct exec_info *info, char *err, size_t errlen)
{
    long threads = (p->set & PM(P_THREADS)) ? p->threads : context_cores();
    return loop_create(w, wstate, p, ex, info, err, errlen, threads);
}

static void loop_run(void *ex, struct outcome *out, long n)
{
    struct loop_exec *lx = ex;
    lx->out = out;
    lx->n = n;
    lx->next = lx->in_flight = lx->done = 0;
    uv_update_time(lx->ev.loop);
    pump(lx);
    while (lx->done < lx->n) {
        /* Returns when uv_stop is called (the batch is over) or nothing is left to wait for;
         * the second would be a workload bug, and the unfinished tasks say so (not_run). */
        if (uv_run(lx->ev.loop, UV_RUN_DEFAULT) == 0 && lx->done < lx->n) break;
    }
}

static void loop_destroy(void *ex)
{
    struct loop_exec *lx = ex;
    if (lx->pool) cpu_pool_stop(lx->pool); /* joins the workers; the loop run below frees it */
    if (lx->w->worker_fini && lx->tls) lx->w->worker_fini(lx->wstate, lx->tls);
    if (lx->ev.multi)
        curl_multi_cleanup(lx->ev.multi); /* closes cached connections via on_curl_socket */
    uv_close((uv_handle_t *)&lx->curl_timer, NULL);
    uv_run(lx->ev.loop, UV_RUN_DEFAULT); /* let every close callback run */
    uv_loop_close(lx->ev.loop);
    free(lx);
}

const struct executor executor_event_loop = {
    .name = "event-loop",
    .summary = "one thread, libuv + curl multi_socket; --concurrency caps tasks in flight",
    .params = PM(P_CONCURRENCY) | PM(P_BLOCKING),
    .create = event_loop_create,
    .run = loop_run,
    .destroy = loop_destroy,
};

const struct executor executor_hybrid = {
    .name = "hybrid",
    .summary = "event loop for the waits + --threads workers for the CPU parts (run_in_executor)",
    .params = PM(P_CONCURRENCY) | PM(P_THREADS) | PM(P_PIN),
    .create = hybrid_create,
    .run = loop_run,
    .destroy = loop_destroy,
};
