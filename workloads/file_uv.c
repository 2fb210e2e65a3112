/* NAME    file_uv.c
 * PURPOSE The file workload's loop form on libuv: uv_fs_open, uv_fs_read (or uv_fs_write, then
 *         uv_fs_fsync), uv_fs_close, one after another per task, each completed back on the
 *         loop. Every one of these calls is a blocking system call that libuv hands to its
 *         thread pool (UV_THREADPOOL_SIZE threads, --fs-threads): the loop has many tasks in
 *         flight, but at most that many system calls run at once. This is what aiofiles does
 *         with its threads, and what "async file I/O" means without io_uring. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "file_engine.h"
#include "uvpool.h"

struct uv_task {
    uv_fs_t req;
    struct file_state *s;
    struct uv_files *u;
    struct outcome *o;
    task_done_fn done;
    void *ctx;
    long i;
    uv_file fd;
    long off;           /* bytes done */
    int failed;         /* o already holds the failure */
    unsigned char *buf; /* one chunk, kept with the task record for the next task */
    struct uv_task *next_free;
};

struct uv_files {
    uv_loop_t *uv;
    struct uv_task *free_list; /* finished task records, buffers attached */
};

static void next_io(struct uv_task *t);
static void close_file(struct uv_task *t);
static void finish(struct uv_task *t);

/* A uv_fs_* call that could not even be queued (out of memory) calls no callback: the task ends
 * here, its descriptor closed directly. */
static void submitted(struct uv_task *t, int rc, const char *what)
{
    if (rc >= 0) return;
    uv_fs_req_cleanup(&t->req);
    if (!t->failed)
        file_fail(t->s, t->o, "%s %s: %s", what, file_path(t->s, t->i), uv_strerror(rc));
    t->failed = 1;
    if (t->fd >= 0) {
        uv_fs_t sync_req;
        uv_fs_close(NULL, &sync_req, t->fd, NULL);
        uv_fs_req_cleanup(&sync_req);
    }
    finish(t);
}

static int file_uv_init(struct file_state *s, struct file_tls *t, struct loop *ev)
{
    struct uv_files *u = calloc(1, sizeof *u);
    if (!u) return -1;
    u->uv = ev->uv;
    t->loop = u;
    uvpool_started(); /* from here on libuv's pool has the size it will keep */
    return 0;
}

static void file_uv_fini(struct file_state *s, struct file_tls *t)
{
    struct uv_files *u = t->loop;
    if (!u) return;
    while (u->free_list) {
        struct uv_task *k = u->free_list;
        u->free_list = k->next_free;
        free(k->buf);
        free(k);
    }
    free(u);
    t->loop = NULL;
}

static void finish(struct uv_task *t)
{
    if (!t->failed) {
        t->o->bytes = t->off;
        t->o->cls = OUT_OK;
    }
    task_done_fn done = t->done;
    void *ctx = t->ctx;
    long i = t->i;
    t->next_free = t->u->free_list; /* back on the shelf before the next task may want it */
    t->u->free_list = t;
    done(ctx, i);
}

static void on_close(uv_fs_t *req)
{
    struct uv_task *t = req->data;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0 && !t->failed) {
        file_fail(t->s, t->o, "close %s: %s", file_path(t->s, t->i), uv_strerror((int)r));
        t->failed = 1;
    }
    finish(t);
}

static void close_file(struct uv_task *t)
{
    uv_file fd = t->fd;
    t->fd = -1;
    submitted(t, uv_fs_close(t->u->uv, &t->req, fd, on_close), "close");
}

static void on_fsync(uv_fs_t *req)
{
    struct uv_task *t = req->data;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        file_fail(t->s, t->o, "fsync %s: %s", file_path(t->s, t->i), uv_strerror((int)r));
        t->failed = 1;
    }
    close_file(t);
}

static void on_io(uv_fs_t *req)
{
    struct uv_task *t = req->data;
    struct file_state *s = t->s;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    atomic_fetch_add(&s->calls, 1);
    if (r <= 0) {
        file_fail(s, t->o, "%s %s at %ld: %s", s->write ? "write" : "read", file_path(s, t->i),
                  t->off, r == 0 ? "unexpected end of file" : uv_strerror((int)r));
        t->failed = 1;
        close_file(t);
        return;
    }
    if (!s->write && file_check_read(s, t->i, t->off, t->buf, r, t->o) != 0) {
        t->failed = 1;
        close_file(t);
        return;
    }
    t->off += r;
    next_io(t);
}

/* The next read or write of the file, or, when it is all done, fsync or close. */
static void next_io(struct uv_task *t)
{
    struct file_state *s = t->s;
    if (t->off >= s->size) {
        if (s->write && s->fsync)
            submitted(t, uv_fs_fsync(t->u->uv, &t->req, t->fd, on_fsync), "fsync");
        else
            close_file(t);
        return;
    }
    long want = s->size - t->off < s->chunk ? s->size - t->off : s->chunk;
    if (s->write) file_fill(s, t->i, s->gen, t->off, t->buf, want);
    uv_buf_t b = uv_buf_init((char *)t->buf, (unsigned)want);
    if (s->write)
        submitted(t, uv_fs_write(t->u->uv, &t->req, t->fd, &b, 1, t->off, on_io), "write");
    else
        submitted(t, uv_fs_read(t->u->uv, &t->req, t->fd, &b, 1, t->off, on_io), "read");
}

static void on_open(uv_fs_t *req)
{
    struct uv_task *t = req->data;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        file_fail(t->s, t->o, "open %s: %s", file_path(t->s, t->i), uv_strerror((int)r));
        t->failed = 1;
        finish(t);
        return;
    }
    t->fd = (uv_file)r;
    next_io(t);
}

static void file_uv_start(struct file_state *s, struct file_tls *tls, struct loop *ev, long i,
                   struct outcome *o, task_done_fn done, void *ctx)
{
    struct uv_files *u = tls->loop;
    struct uv_task *t = u->free_list;
    if (t) {
        u->free_list = t->next_free;
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
    *t = (struct uv_task){
        .s = s, .u = u, .o = o, .done = done, .ctx = ctx, .i = i, .fd = -1, .buf = buf};
    t->req.data = t;
    atomic_fetch_or(&s->engines_used, ENGINE_UV);
    submitted(t,
              uv_fs_open(u->uv, &t->req, file_path(s, i),
                         (s->write ? O_WRONLY : O_RDONLY) | O_CLOEXEC, 0, on_open),
              "open");
}

const struct file_engine file_engine_uv = {
    .name = "uv",
    .probe = NULL, /* libuv's pool is always there */
    .init = file_uv_init,
    .fini = file_uv_fini,
    .start = file_uv_start,
};
