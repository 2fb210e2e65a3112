/* NAME    file_engine.h
 * PURPOSE The file workload's loop engines behind one interface: file.c picks one by --io and
 *         calls it; an engine uses the workload's data functions (file.h, file_data.c) and never
 *         calls back into file.c. */
#ifndef CVP_FILE_ENGINE_H
#define CVP_FILE_ENGINE_H

#include "file.h"

struct file_engine {
    const char *name; /* "uv", "uring": the --io value */
    /* 0 when it can be used here, else -errno with the reason in why (NULL: always usable). */
    int (*probe)(char *why, size_t len);
    /* The loop thread's state, behind tls->loop: 0, or -1 when it cannot be made. */
    int (*init)(struct file_state *s, struct file_tls *t, struct loop *ev);
    void (*fini)(struct file_state *s, struct file_tls *t);
    /* Starts task i; calls done(ctx, i) exactly once when it has ended, o filled. */
    void (*start)(struct file_state *s, struct file_tls *t, struct loop *ev, long i,
                  struct outcome *o, task_done_fn done, void *ctx);
};

extern const struct file_engine file_engine_uv;    /* uv_fs_* on libuv's thread pool */
extern const struct file_engine file_engine_uring; /* io_uring, completions on the loop */

#endif
