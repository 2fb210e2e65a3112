/* NAME    team.h
 * PURPOSE A team of worker threads, each with its own workload state: started together (pinned
 *         when asked, worker_init on its own thread), running the owner's loop, and joined
 *         together (worker_fini on its own thread). Shared by the thread-pool and hybrid
 *         executors, which differ only in that loop. */
#ifndef CVP_TEAM_H
#define CVP_TEAM_H

#include <pthread.h>
#include <stddef.h>

#include "workload.h"

struct team {
    const struct workload *w;
    void *wstate;
    long nthreads;
    int pin;
    size_t stack_bytes; /* 0 = the system default */
    /* The owner's loop, run by each thread once its state is set up; returns when the owner
     * tells it to stop. */
    void (*body)(void *owner, long id, void *tls);
    void *owner;
    /* Filled in by team_start. */
    pthread_t *tids;
    void **tls;   /* per-thread workload state, index = thread number */
    long created; /* threads to join */
    long pinned;  /* threads pinned to a core */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long ready; /* threads past worker_init; guarded by mu */
    int failed; /* a worker_init failed; guarded by mu */
};

/* Starts the threads and waits until each has set up its state. Returns 0, or a negative errno
 * with err set. Either way the owner must later make body() return and call team_join. */
int team_start(struct team *t, const char *who, char *err, size_t errlen);
void team_join(struct team *t);

#endif
