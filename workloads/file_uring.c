/* NAME    file_uring.c
 * PURPOSE The file workload's loop form on io_uring: each task's openat, read(s) (or writes and
 *         fsync) and close are submitted to the kernel one after another, and no thread of ours
 *         waits for any of them. The ring's completions wake the loop through an eventfd
 *         registered with the ring and watched by a uv_poll; submissions made while the loop
 *         runs are sent in one io_uring_enter per loop iteration, from a uv_prepare handle, just
 *         before the loop blocks. At most --concurrency operations are in the kernel at once
 *         (the loop's max_in_flight, capped at MAX_DEPTH): the queue depth.
 *
 *         Without liburing at build time, or where the kernel refuses io_uring (too old, or a
 *         seccomp filter), file_uring_probe says so and the run reports "not measured"
 *         (CVP_TEST_NO_URING=1 plays such a kernel, for the tests). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file_engine.h"

#ifndef CVP_HAVE_URING

static int file_uring_probe(char *why, size_t len)
{
    snprintf(why, len, "io_uring: built without liburing (install liburing-dev and rebuild)");
    return -ENOSYS;
}

static int file_uring_init(struct file_state *s, struct file_tls *t, struct loop *ev)
{
    return -1;
}

static void file_uring_fini(struct file_state *s, struct file_tls *t) {}

static void file_uring_start(struct file_state *s, struct file_tls *t, struct loop *ev, long i,
                      struct outcome *o, task_done_fn done, void *ctx)
{
    outcome_fail(o, OUT_OTHER, "built without liburing");
    done(ctx, i);
}

#else

#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_DEPTH 4096 /* ring entries at most; more tasks in flight wait in our queue */

enum step { OPEN, IO, FSYNC, CLOSE };

struct ring_task {
    struct file_state *s;
    struct ring *r;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
    enum step step;
    int fd;
    long off;               /* bytes done */
    long want;              /* bytes of the call in flight */
    int failed;             /* o already holds the failure */
    unsigned char *buf;     /* one chunk, kept with the record for the next task */
    struct ring_task *next; /* the wait queue, or the free list */
};

struct ring {
    struct io_uring ring;
    int efd;            /* completions make it readable */
    uv_poll_t poll;     /* watches efd */
    uv_prepare_t prep;  /* submits what the last iteration queued */
    unsigned depth;     /* most operations in the kernel at once */
    unsigned in_kernel; /* operations submitted or queued in the ring, not yet completed */
    struct ring_task *wait_head, *wait_tail; /* tasks whose next operation found no room */
    struct ring_task *free_list;
    int open_handles; /* poll and prepare, until their close callbacks have run */
};

static int file_uring_probe(char *why, size_t len)
{
    struct io_uring ring;
    /* CVP_TEST_NO_URING (tests only) plays a kernel that refuses io_uring. */
    int rc = getenv("CVP_TEST_NO_URING") ? -ENOSYS : io_uring_queue_init(2, &ring, 0);
    if (rc < 0) {
        snprintf(why, len, "io_uring is not available here (io_uring_queue_init: %s)",
                 strerror(-rc));
        return rc == -EINVAL ? -ENOSYS : rc;
    }
    io_uring_queue_exit(&ring);
    return 0;
}

static void advance(struct ring_task *t, int res);

/* Puts t's next operation into the ring, or at the end of the wait queue if the ring is full. */
static void queue_op(struct ring_task *t)
{
    struct ring *r = t->r;
    struct io_uring_sqe *sqe = r->in_kernel < r->depth ? io_uring_get_sqe(&r->ring) : NULL;
    if (!sqe) {
        t->next = NULL;
        if (r->wait_tail)
            r->wait_tail->next = t;
        else
            r->wait_head = t;
        r->wait_tail = t;
        return;
    }
    struct file_state *s = t->s;
    switch (t->step) {
    case OPEN:
        io_uring_prep_openat(sqe, AT_FDCWD, file_path(s, t->i),
                             (s->write ? O_WRONLY : O_RDONLY) | O_CLOEXEC, 0);
        break;
    case IO:
        t->want = s->size - t->off < s->chunk ? s->size - t->off : s->chunk;
        if (s->write) {
            file_fill(s, t->i, s->gen, t->off, t->buf, t->want);
            io_uring_prep_write(sqe, t->fd, t->buf, (unsigned)t->want, (__u64)t->off);
        } else {
            io_uring_prep_read(sqe, t->fd, t->buf, (unsigned)t->want, (__u64)t->off);
        }
        break;
    case FSYNC:
        io_uring_prep_fsync(sqe, t->fd, 0);
        break;
    case CLOSE:
        io_uring_prep_close(sqe, t->fd);
        break;
    }
    io_uring_sqe_set_data(sqe, t);
    r->in_kernel++;
}

static void finish(struct ring_task *t)
{
    if (!t->failed) {
        t->o->bytes = t->off;
        t->o->cls = OUT_OK;
    }
    task_done_fn done = t->done;
    void *ctx = t->ctx;
    long i = t->i;
    t->next = t->r->free_list;
    t->r->free_list = t;
    done(ctx, i);
}

static void fail(struct ring_task *t, const char *what, int res)
{
    struct file_state *s = t->s;
    if (!t->failed)
        file_fail(s, t->o, "%s %s at %ld: %s", what, file_path(s, t->i), t->off,
                  res == 0 ? "unexpected end of file" : strerror(-res));
    t->failed = 1;
}

/* One operation of t completed with res: check it and queue the next, or end the task. */
static void advance(struct ring_task *t, int res)
{
    struct file_state *s = t->s;
    switch (t->step) {
    case OPEN:
        if (res < 0) {
            fail(t, "open", res);
            finish(t);
            return;
        }
        t->fd = res;
        t->step = IO;
        break;
    case IO:
        atomic_fetch_add(&s->calls, 1);
        if (res <= 0) {
            fail(t, s->write ? "write" : "read", res);
            t->step = CLOSE;
            break;
        }
        if (!s->write && file_check_read(s, t->i, t->off, t->buf, res, t->o) != 0) {
            t->failed = 1;
            t->step = CLOSE;
            break;
        }
        t->off += res;
        if (t->off >= s->size) t->step = s->write && s->fsync ? FSYNC : CLOSE;
        break;
    case FSYNC:
        if (res < 0) fail(t, "fsync", res);
        t->step = CLOSE;
        break;
    case CLOSE:
        if (res < 0) fail(t, "close", res);
        finish(t);
        return;
    }
    queue_op(t);
}

/* uv_poll on the eventfd: reap every completion, then let waiting tasks into the ring. */
static void on_ready(uv_poll_t *h, int status, int events)
{
    struct ring *r = h->data;
    uint64_t count;
    while (read(r->efd, &count, sizeof count) > 0) {
    }
    struct io_uring_cqe *cqe;
    while (io_uring_peek_cqe(&r->ring, &cqe) == 0) {
        struct ring_task *t = io_uring_cqe_get_data(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&r->ring, cqe);
        r->in_kernel--;
        advance(t, res);
        while (r->wait_head && r->in_kernel < r->depth) {
            struct ring_task *w = r->wait_head;
            r->wait_head = w->next;
            if (!r->wait_head) r->wait_tail = NULL;
            queue_op(w);
        }
    }
}

/* uv_prepare: just before the loop blocks, one system call submits everything queued. */
static void on_prepare(uv_prepare_t *h)
{
    struct ring *r = h->data;
    if (io_uring_sq_ready(&r->ring) > 0) io_uring_submit(&r->ring);
}

static int file_uring_init(struct file_state *s, struct file_tls *t, struct loop *ev)
{
    struct ring *r = calloc(1, sizeof *r);
    if (!r) return -1;
    r->depth = ev->max_in_flight < MAX_DEPTH ? (unsigned)ev->max_in_flight : MAX_DEPTH;
    if (io_uring_queue_init(r->depth, &r->ring, 0) < 0) {
        free(r);
        return -1;
    }
    r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->efd < 0 || io_uring_register_eventfd(&r->ring, r->efd) < 0) {
        if (r->efd >= 0) close(r->efd);
        io_uring_queue_exit(&r->ring);
        free(r);
        return -1;
    }
    uv_poll_init(ev->uv, &r->poll, r->efd);
    uv_prepare_init(ev->uv, &r->prep);
    r->poll.data = r->prep.data = r;
    r->open_handles = 2;
    uv_poll_start(&r->poll, UV_READABLE, on_ready);
    uv_prepare_start(&r->prep, on_prepare);
    t->loop = r;
    return 0;
}

static void free_ring(struct ring *r)
{
    io_uring_queue_exit(&r->ring);
    close(r->efd);
    while (r->free_list) {
        struct ring_task *k = r->free_list;
        r->free_list = k->next;
        free(k->buf);
        free(k);
    }
    free(r);
}

/* The ring goes once both handles have closed (the loop runs their callbacks after this). */
static void on_handle_closed(uv_handle_t *h)
{
    struct ring *r = h->data;
    if (--r->open_handles == 0) free_ring(r);
}

static void file_uring_fini(struct file_state *s, struct file_tls *t)
{
    struct ring *r = t->loop;
    if (!r) return;
    t->loop = NULL;
    uv_close((uv_handle_t *)&r->poll, on_handle_closed);
    uv_close((uv_handle_t *)&r->prep, on_handle_closed);
}

static void file_uring_start(struct file_state *s, struct file_tls *tls, struct loop *ev, long i,
                      struct outcome *o, task_done_fn done, void *ctx)
{
    struct ring *r = tls->loop;
    struct ring_task *t = r->free_list;
    if (t) {
        r->free_list = t->next;
    } else if ((t = calloc(1, sizeof *t)) && !(t->buf = file_buffer(s->chunk))) {
        free(t);
        t = NULL;
    }
    if (!t) {
        outcome_fail(o, OUT_OTHER, "out of memory for a file task");
        done(ctx, i);
        return;
    }
    unsigned char *buf = t->buf;
    *t = (struct ring_task){.s = s,
                            .r = r,
                            .o = o,
                            .done = done,
                            .ctx = ctx,
                            .i = i,
                            .step = OPEN,
                            .fd = -1,
                            .buf = buf};
    atomic_fetch_or(&s->engines_used, ENGINE_URING);
    s->uring_depth = r->depth; /* this loop's: arms of one run may differ in depth */
    queue_op(t);
}

#endif

const struct file_engine file_engine_uring = {
    .name = "uring",
    .probe = file_uring_probe,
    .init = file_uring_init,
    .fini = file_uring_fini,
    .start = file_uring_start,
};
