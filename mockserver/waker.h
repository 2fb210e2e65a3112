/* NAME    waker.h
 * PURPOSE Nanosecond-precise wake-ups on a libuv loop: a timerfd (absolute CLOCK_MONOTONIC, the
 *         clock of uv_hrtime) watched by a uv_poll_t, over a list of entries sorted by due time.
 *         libuv timers count whole milliseconds and can fire up to a millisecond early or late;
 *         /delay answers use a coarse libuv timer to come near, then this for the last stretch. */
#ifndef MS_WAKER_H
#define MS_WAKER_H

#include <stdint.h>
#include <uv.h>

struct waker_entry {
    struct waker_entry *prev, *next;
    uint64_t due_ns; /* uv_hrtime() value at which to fire */
    int queued;
};

struct waker {
    uv_poll_t poll;
    int fd;                              /* the timerfd */
    struct waker_entry *head, *tail;     /* ascending due_ns */
    void (*fire)(struct waker_entry *e); /* called once per entry, after it left the list */
};

/* Returns 0 or a negative errno. */
int waker_init(uv_loop_t *loop, struct waker *w, void (*fire)(struct waker_entry *e));
/* Queues e to fire at e->due_ns (at once, on the next loop turn, if already due). */
void waker_add(struct waker *w, struct waker_entry *e);
void waker_remove(struct waker *w, struct waker_entry *e);
/* Stops watching; the descriptor is closed when the poll handle's close completes. */
void waker_close(struct waker *w);

#endif
