/* NAME    event_loop.c
 * PURPOSE Concurrency on one thread, the asyncio way: one libuv loop and at most --concurrency
 *         tasks in flight (the Semaphore): each completion starts the next task. Waits overlap;
 *         work does not. What a task waits on is the workload's business (its non-blocking form
 *         gets the loop, bench/loop.h); this file knows no protocol.
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
#include "executor.h"

struct loop_exec {
    struct loop ev; /* first member: workloads get &ev, we get the rest back */
    uv_loop_t uvloop;
    const struct workload *w;
    void *wstate;
    void *tls;             /* the workload's per-thread state, for the loop thread */
    long cap;              /* most tasks in flight; 0 = no cap */
    int blocking;          /* run the blocking form on the loop thread */
    long blocking_tasks;   /* --blocking-tasks K: that many tasks, spread evenly, block the loop */
    struct cpu_pool *pool; /* hybrid: where CPU work runs; NULL = inline on the loop thread */
    uv_timer_t due_timer;  /* open loop: wakes the loop when the next task is due */
    uv_timer_t deadline_timer; /* stops the batch at its deadline */
    /* The current batch. */
    struct batch *b;
    struct outcome *out;
    long n, next, in_flight, done;
    int pumping;    /* pump() is on the stack: completions must not recurse into it */
    int cancelling; /* the workload is cancelling its tasks in flight */
    int loop_ready; /* the workload's loop_init succeeded: loop_fini is due */
    int in_run;     /* loop_run's uv_run is on the stack: the batch's end must uv_stop it */
};

static void pump(struct loop_exec *lx);
static void task_done(void *ctx, long i);

/* A whole task that only computes, handed to the CPU runner. */
struct cpu_task {
    struct loop_work w;
    struct loop_exec *lx;
    long i;
};

static void cpu_task_work(struct loop_work *w, void *tls)
{
    struct cpu_task *t = (struct cpu_task *)w;
    t->lx->w->run_task(t->lx->wstate, tls, t->i, &t->lx->out[t->i]);
}

static void cpu_task_after(struct loop_work *w)
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
static void run_cpu_inline(struct loop *ev, struct loop_work *w)
{
    struct loop_exec *lx = (struct loop_exec *)ev;
    w->work(w, lx->tls);
    w->after(w);
}

/* hybrid's CPU runner: on a worker thread; after() comes back through the loop. */
static void run_cpu_pooled(struct loop *ev, struct loop_work *w)
{
    cpu_pool_submit(((struct loop_exec *)ev)->pool, w);
}

/* The batch has stopped: the workload ends what it has in flight, where it can (its
 * cancel_all calls task_done for each, which must not start a second round of this). */
static void stop_in_flight(struct loop_exec *lx)
{
    if (lx->cancelling || lx->blocking || !lx->w->start_task || !lx->w->cancel_all) return;
    lx->cancelling = 1;
    lx->w->cancel_all(lx->wstate, lx->tls);
    lx->cancelling = 0;
}

/* task_done_fn: the task is over. Record its end and let the next one in (or, once the batch
 * has stopped, cancel the rest). */
static void task_done(void *ctx, long i)
{
    struct loop_exec *lx = ctx;
    lx->out[i].end_ns = now_ns();
    lx->in_flight--;
    lx->done++;
    batch_ended(lx->b, i);
    if (!batch_running(lx->b)) stop_in_flight(lx);
    pump(lx);
}

/* Whole milliseconds (rounded up) until the monotonic time t: libuv's timers count in ms. */
static uint64_t ms_until(int64_t t)
{
    int64_t left = t - now_ns();
    return left > 0 ? (uint64_t)((left + 999999) / 1000000) : 0;
}

static void on_due(uv_timer_t *t)
{
    pump(t->data);
}

static void on_deadline(uv_timer_t *t)
{
    struct loop_exec *lx = t->data;
    /* libuv's clock is in (cached) milliseconds: a timer can fire a little early. */
    if (now_ns() < lx->b->deadline_ns) {
        uint64_t ms = ms_until(lx->b->deadline_ns);
        uv_timer_start(t, on_deadline, ms ? ms : 1, 0);
        return;
    }
    batch_stop(lx->b, STOP_DEADLINE);
    stop_in_flight(lx);
    pump(lx);
}


/* --blocking-tasks K: task i is one of K spread evenly over the batch. */
static int blocks_loop(const struct loop_exec *lx, long i)
{
    long k = lx->blocking_tasks, n = lx->n;
    return k > 0 && (i + 1) * k / n > i * k / n;
}

/* Starts tasks while the cap allows. Completions that happen inside start (inline tasks, or a
 * transfer that fails at once) only update the counters; this loop then carries on, so the
 * stack never grows with the number of tasks. */
static void pump(struct loop_exec *lx)
{
    if (lx->pumping) return;
    lx->pumping = 1;
    while (lx->next < lx->n && (lx->cap == 0 || lx->in_flight < lx->cap)) {
        long i = lx->next;
        if (!batch_running(lx->b)) { /* stopped: what has not started never will */
            for (; lx->next < lx->n; lx->next++, lx->done++)
                batch_cancel_unstarted(lx->b, lx->next);
            break;
        }
        if (lx->b->due_ns && now_ns() < batch_due(lx->b, i)) { /* open loop: not yet due */
            uv_timer_start(&lx->due_timer, on_due, ms_until(batch_due(lx->b, i)), 0);
            break;
        }
        lx->next++;
        struct outcome *o = &lx->out[i];
        lx->in_flight++;
        o->start_ns = now_ns();
        if (batch_inject(lx->b, i, o)) {
            task_done(lx, i);
        } else if (lx->blocking || blocks_loop(lx, i)) {
            if (!lx->blocking) o->flags |= OUTF_BLOCKING;
            lx->w->run_task(lx->wstate, lx->tls, i, o); /* blocks the loop: the stall */
            task_done(lx, i);
        } else if (lx->w->start_task) {
            lx->w->start_task(lx->wstate, lx->tls, &lx->ev, i, o, task_done, lx);
        } else {
            start_cpu_task(lx, i);
        }
    }
    lx->pumping = 0;
    /* Every path on which a task ends comes through here (task_done pumps, and this loop
     * cancels what never started), so this is where the batch's end is noticed. */
    if (lx->in_run && lx->done >= lx->n) uv_stop(lx->ev.uv);
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
    lx->blocking_tasks = p->blocking_tasks;
    int rc = uv_loop_init(&lx->uvloop);
    if (rc != 0) {
        snprintf(err, errlen, "event-loop: uv_loop_init: %s", uv_strerror(rc));
        free(lx);
        return -ENOMEM;
    }
    lx->ev.uv = &lx->uvloop;
    lx->ev.run_cpu = run_cpu_inline;
    uv_timer_init(lx->ev.uv, &lx->due_timer);
    uv_timer_init(lx->ev.uv, &lx->deadline_timer);
    lx->due_timer.data = lx->deadline_timer.data = lx;
    long n = w->ntasks(wstate);
    lx->ev.max_in_flight = lx->cap > 0 && lx->cap < n ? lx->cap : (n > 0 ? n : 1);
    if (w->worker_init && w->worker_init(wstate, &lx->tls) != 0) {
        snprintf(err, errlen, "event-loop: could not set up the workload's state");
        lx->tls = NULL;
        loop_destroy(lx);
        return -ENOMEM;
    }
    if (!lx->blocking && w->start_task && w->loop_init) {
        if (w->loop_init(wstate, lx->tls, &lx->ev) != 0) {
            snprintf(err, errlen, "event-loop: could not set up the workload on the loop");
            loop_destroy(lx);
            return -ENOMEM;
        }
        lx->loop_ready = 1;
    }
    info->threads = 1;
    info->concurrency = lx->blocking ? 1 : lx->cap;
    info->cpu_threads = 1;
    info->pinned = 0;
    info->on_loop = !lx->blocking;
    if (pool_threads > 0) {
        long pinned = 0;
        int prc = cpu_pool_start(&lx->pool, lx->ev.uv, pool_threads, p->pin, w, wstate, &pinned,
                                 err, errlen);
        if (prc != 0) {
            loop_destroy(lx);
            return prc;
        }
        lx->ev.run_cpu = run_cpu_pooled;
        info->threads = pool_threads;
        info->cpu_threads = pool_threads;
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

/* One loop thread; tasks in flight up to --concurrency (all of the batch without it), or one at
 * a time with --blocking, the stall; the loop computes what its tasks compute itself. */
static void event_loop_plan(const struct params *p, long n, struct exec_plan *pl)
{
    long cap = p->concurrency > 0 && p->concurrency < n ? p->concurrency : (n > 0 ? n : 1);
    *pl = (struct exec_plan){.in_flight = p->blocking ? 1 : cap, .computes = 1,
                             .on_loop = !p->blocking};
}

/* The loop's, and --threads compute threads (default: the usable cores); --concurrency stays
 * the cap on tasks in flight, as on the event loop. */
static void hybrid_plan(const struct params *p, long n, struct exec_plan *pl)
{
    struct params q = *p;
    q.blocking = 0; /* hybrid does not read --blocking */
    event_loop_plan(&q, n, pl);
    pl->threads = (p->set & PM(P_THREADS)) ? p->threads : context_cores();
    pl->computes = pl->threads;
}

static int hybrid_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                         struct exec_info *info, char *err, size_t errlen)
{
    struct exec_plan pl;
    hybrid_plan(p, w->ntasks(wstate), &pl);
    return loop_create(w, wstate, p, ex, info, err, errlen, pl.threads);
}

static void loop_run(void *ex, struct batch *b)
{
    struct loop_exec *lx = ex;
    lx->b = b;
    lx->out = b->out;
    lx->n = b->n;
    lx->next = lx->in_flight = lx->done = 0;
    uv_update_time(lx->ev.uv);
    if (b->deadline_ns)
        uv_timer_start(&lx->deadline_timer, on_deadline, ms_until(b->deadline_ns), 0);
    batch_set_current(b);
    pump(lx);
    /* Until the batch is over. uv_run returns 0 when nothing is left to wait for: with tasks
     * unfinished that is a workload bug, and they say so (not_run).
     *
     * The batch's end must stop uv_run itself (pump's uv_stop); checking `done` between
     * UV_RUN_ONCE iterations loses that wake-up. An iteration runs the due timers *before* it
     * polls, and picks the poll's timeout after them: when the last task ends inside a timer
     * callback (curl's 0 ms timer driving a request over a kept-alive connection whose answer,
     * say a 404, is already there; the deadline timer cancelling what is in flight; the open
     * loop's due timer starting a task that fails at once), the iteration still polls, with no
     * timeout as long as some handle keeps the loop alive and no timer is armed. Under hybrid
     * the pool's uv_async handle always does, and nothing is left to signal it: the batch hung
     * in epoll_wait(-1) with every task done. On event-loop an armed deadline timer did the
     * same until the deadline fired (a 100 us batch measured 500 ms with --deadline-ms 500).
     * uv_stop makes that poll return at once. It is requested only while uv_run is on the stack
     * (in_run): a stop requested outside would linger and cut the next uv_run short, the close
     * run in loop_destroy included; uv_run clears it as it returns. */
    lx->in_run = 1;
    while (lx->done < lx->n)
        if (uv_run(lx->ev.uv, UV_RUN_DEFAULT) == 0 && lx->done < lx->n) break;
    lx->in_run = 0;
    uv_timer_stop(&lx->due_timer);
    uv_timer_stop(&lx->deadline_timer);
    batch_set_current(NULL);
}

static void loop_destroy(void *ex)
{
    struct loop_exec *lx = ex;
    if (lx->pool) cpu_pool_stop(lx->pool); /* joins the workers; the loop run below frees it */
    if (lx->loop_ready) lx->w->loop_fini(lx->wstate, lx->tls);
    if (lx->w->worker_fini && lx->tls) lx->w->worker_fini(lx->wstate, lx->tls);
    uv_close((uv_handle_t *)&lx->due_timer, NULL);
    uv_close((uv_handle_t *)&lx->deadline_timer, NULL);
    uv_run(lx->ev.uv, UV_RUN_DEFAULT); /* let every close callback run */
    uv_loop_close(lx->ev.uv);
    free(lx);
}

const struct executor executor_event_loop = {
    .plan = event_loop_plan,
    .name = "event-loop",
    .summary = "one thread, one libuv loop; --concurrency caps tasks in flight",
    .params = PM(P_CONCURRENCY) | PM(P_BLOCKING) | PM(P_BLOCKING_TASKS),
    .waits = WIDTH_CAP,
    .computes = WIDTH_ONE,
    .overlap = OVERLAP_LOOP,
    .create = event_loop_create,
    .run = loop_run,
    .destroy = loop_destroy,
};

const struct executor executor_hybrid = {
    .plan = hybrid_plan,
    .name = "hybrid",
    .summary = "event loop for the waits + --threads workers for the CPU parts (run_in_executor)",
    .params = PM(P_CONCURRENCY) | PM(P_THREADS) | PM(P_PIN) | PM(P_BLOCKING_TASKS),
    .waits = WIDTH_CAP,
    .computes = WIDTH_THREADS,
    .overlap = OVERLAP_LOOP,
    .create = hybrid_create,
    .run = loop_run,
    .destroy = loop_destroy,
};
