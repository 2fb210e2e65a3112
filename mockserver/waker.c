/* NAME    waker.c
 * PURPOSE Precise wake-ups over one timerfd. Entries arrive almost in due order (they come from
 *         millisecond timers that fire in order), so inserting from the tail is nearly O(1). */
#include "waker.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void rearm(struct waker *w)
{
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (w->head) {
        uint64_t due = w->head->due_ns ? w->head->due_ns : 1; /* 0 would disarm */
        its.it_value.tv_sec = (time_t)(due / 1000000000u);
        its.it_value.tv_nsec = (long)(due % 1000000000u);
    }
    timerfd_settime(w->fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_ready(uv_poll_t *p, int status, int events)
{
    struct waker *w = p->data;
    uint64_t expirations;
    (void)status;
    (void)events;
    if (read(w->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN) return;
    uint64_t now = uv_hrtime();
    /* fire() may add entries (a pipelined request behind this one); those are due later. */
    while (w->head && w->head->due_ns <= now) {
        struct waker_entry *e = w->head;
        waker_remove(w, e);
        w->fire(e);
    }
    rearm(w);
}

int waker_init(uv_loop_t *loop, struct waker *w, void (*fire)(struct waker_entry *e))
{
    w->head = w->tail = NULL;
    w->fire = fire;
    w->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (w->fd < 0) return -errno;
    int r = uv_poll_init(loop, &w->poll, w->fd);
    if (r == 0) r = uv_poll_start(&w->poll, UV_READABLE, on_ready);
    if (r != 0) {
        close(w->fd);
        return r;
    }
    w->poll.data = w;
    return 0;
}

void waker_add(struct waker *w, struct waker_entry *e)
{
    struct waker_entry *after = w->tail;
    while (after && after->due_ns > e->due_ns)
        after = after->prev;
    e->prev = after;
    e->next = after ? after->next : w->head;
    if (e->next)
        e->next->prev = e;
    else
        w->tail = e;
    if (after)
        after->next = e;
    else
        w->head = e;
    e->queued = 1;
    if (w->head == e) rearm(w);
}

void waker_remove(struct waker *w, struct waker_entry *e)
{
    if (!e->queued) return;
    if (e->prev)
        e->prev->next = e->next;
    else
        w->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        w->tail = e->prev;
    e->prev = e->next = NULL;
    e->queued = 0;
}

static void on_closed(uv_handle_t *h)
{
    struct waker *w = h->data;
    close(w->fd);
}

void waker_close(struct waker *w)
{
    w->head = w->tail = NULL;
    uv_close((uv_handle_t *)&w->poll, on_closed);
}
