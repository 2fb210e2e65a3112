/* NAME    uvpool.c
 * PURPOSE libuv's pool size: set before first use, recorded after (uvpool.h). libuv reads
 *         UV_THREADPOOL_SIZE in its init_once(): 0 means 1, more than 1024 means 1024. */
#include "uvpool.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define UV_POOL_DEFAULT 4
#define UV_POOL_MAX     1024

static atomic_int started; /* the pool exists: its size can no longer change */
static long size_in_force; /* what it was started with, once started */
static const char *source = "libuv default";

static long from_env(void)
{
    const char *v = getenv("UV_THREADPOOL_SIZE");
    if (!v) return UV_POOL_DEFAULT;
    long n = atol(v);
    return n <= 0 ? 1 : n > UV_POOL_MAX ? UV_POOL_MAX : n;
}

long uvpool_size(void)
{
    return atomic_load(&started) ? size_in_force : from_env();
}

const char *uvpool_source(void)
{
    return source;
}

int uvpool_configure(long want, char *err, size_t errlen)
{
    if (atomic_load(&started)) {
        if (want <= 0 || want == size_in_force) return 0;
        snprintf(err, errlen,
                 "--fs-threads %ld: libuv's pool already runs %ld threads in this process", want,
                 size_in_force);
        return -EBUSY;
    }
    if (want > 0) {
        char v[24];
        snprintf(v, sizeof v, "%ld", want);
        setenv("UV_THREADPOOL_SIZE", v, 1); /* set-up: no other thread reads the environment */
        source = "--fs-threads";
    } else {
        source = getenv("UV_THREADPOOL_SIZE") ? "UV_THREADPOOL_SIZE" : "libuv default";
    }
    return 0;
}

void uvpool_started(void)
{
    if (atomic_load(&started)) return;
    size_in_force = from_env();
    atomic_store(&started, 1);
}

void uvpool_report(struct jw *j)
{
    jw_int(j, "fs_threads", uvpool_size());
    jw_str(j, "fs_threads_from", source);
}
