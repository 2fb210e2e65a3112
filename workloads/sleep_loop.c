/* NAME    sleep_loop.c
 * PURPOSE The sleep workload's non-blocking form: a libuv timer per task, so a million waits
 *         overlap on one thread (asyncio.sleep's counterpart). */
#include <stdlib.h>

#include "sleep.h"

struct sleep_timer {
    uv_timer_t timer;
    struct sleep_state *s;
    struct sleep_tls *tls;
    struct sleep_timer *prev, *next; /* in tls->active while in flight */
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
};

static void unlink_timer(struct sleep_timer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        t->tls->active = t->next;
    if (t->next) t->next->prev = t->prev;
}

static void free_timer(uv_handle_t *h)
{
    free(h->data);
}

/* Whole milliseconds still to wait, rounded up so a timer never fires early. */
static uint64_t remaining_ms(const struct sleep_timer *t)
{
    int64_t left = t->s->latency_ns - (now_ns() - t->o->start_ns);
    return left > 0 ? (uint64_t)((left + 999999) / 1000000) : 0;
}

static void on_timer(uv_timer_t *h)
{
    struct sleep_timer *t = h->data;
    /* libuv keeps time in whole (possibly coarse) milliseconds, so a timer can fire a fraction
     * of a millisecond before the task's nanosecond deadline: wait out the rest. */
    uint64_t ms = remaining_ms(t);
    if (now_ns() - t->o->start_ns < t->s->latency_ns) {
        uv_timer_start(h, on_timer, ms ? ms : 1, 0);
        return;
    }
    t->o->cls = OUT_OK;
    unlink_timer(t);
    t->done(t->ctx, t->i);
    uv_close((uv_handle_t *)h, free_timer);
}

void sleep_cancel_all(void *state, void *tls)
{
    struct sleep_tls *st = tls;
    while (st && st->active) {
        struct sleep_timer *t = st->active;
        unlink_timer(t);
        uv_timer_stop(&t->timer);
        outcome_fail(t->o, OUT_CANCELLED, "cancelled while waiting");
        t->done(t->ctx, t->i);
        uv_close((uv_handle_t *)&t->timer, free_timer);
    }
}

void sleep_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                      task_done_fn done, void *ctx)
{
    struct sleep_timer *t = malloc(sizeof *t);
    if (!t) {
        outcome_fail(o, OUT_OTHER, "out of memory for a timer");
        done(ctx, i);
        return;
    }
    *t = (struct sleep_timer){.s = state, .tls = tls, .o = o, .done = done, .ctx = ctx, .i = i};
    t->next = t->tls->active; /* tls: sleep_worker_init's, on the loop thread */
    if (t->next) t->next->prev = t;
    t->tls->active = t;
    uv_timer_init(ev->uv, &t->timer);
    t->timer.data = t;
    uv_update_time(ev->uv); /* the loop's cached time may be stale by now */
    uv_timer_start(&t->timer, on_timer, remaining_ms(t), 0);
}
