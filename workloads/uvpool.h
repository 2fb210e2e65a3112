/* NAME    uvpool.h
 * PURPOSE libuv's thread pool, the one every uv_fs_* call and uv_queue_work runs on: its size is
 *         read once, from UV_THREADPOOL_SIZE, when the process first uses the pool, and is then
 *         fixed for the process. The file and sqlite workloads set it in their set-up, before
 *         any pool work, and record what is in force. */
#ifndef CVP_UVPOOL_H
#define CVP_UVPOOL_H

#include <stddef.h>

#include "jsonw.h"

/* Sets UV_THREADPOOL_SIZE to want (1..1024) when want > 0, else leaves the environment as it is.
 * Returns 0, or -EBUSY with one line in err when this process has already started the pool with
 * another size (a second set-up in one process, as in the unit tests). */
int uvpool_configure(long want, char *err, size_t errlen);

/* The pool size in force (as libuv reads it: 1..1024, default 4) and where it came from:
 * "--fs-threads", "UV_THREADPOOL_SIZE" or "libuv default". */
long uvpool_size(void);
const char *uvpool_source(void);

/* Marks the pool as started (call before the first uv_fs_* or uv_queue_work). */
void uvpool_started(void);

/* "fs_threads": N, "fs_threads_from": "..." */
void uvpool_report(struct jw *j);

#endif
