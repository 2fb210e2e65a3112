/* NAME    evloop.h
 * PURPOSE What a workload's non-blocking form may use of the loop executors (event-loop and
 *         hybrid): the libuv loop, the curl multi handle, a completion hook for curl transfers,
 *         and a CPU runner for the parts of a task that compute rather than wait. */
#ifndef CVP_EVLOOP_H
#define CVP_EVLOOP_H

#include <curl/curl.h>
#include <uv.h>

#include "curl_shard.h"

/* Embed this in a transfer's own struct and point CURLOPT_PRIVATE at it: when curl reports the
 * transfer done, the loop removes the easy handle from the multi and calls done(x, result). */
struct evloop_xfer {
    void (*done)(struct evloop_xfer *x, CURLcode result);
};

/* CPU work a task hands to its executor, asyncio's run_in_executor: the event loop runs it
 * inline on the loop thread (so nothing else happens meanwhile); the hybrid executor runs it on
 * one of its worker threads and calls after() back on the loop thread. */
struct evloop_work {
    void (*work)(struct evloop_work *w, void *tls); /* tls: the running thread's workload state */
    void (*after)(struct evloop_work *w);           /* on the loop thread, once work is done */
    struct evloop_work *next;                       /* the executor's queue link */
};

struct evloop {
    uv_loop_t *loop; /* the one loop every task of the batch runs on */
    /* curl multi handles, each driven by curl_multi_socket_action from the loop's callbacks;
     * a task starting uses shards[task_shard]. libcurl 7.88 walks every connection of a multi
     * handle on each transfer, so ten thousand connections in one handle cost a hundred million
     * steps: the executor gives each handle at most a few hundred. Connections are reused within a
     * handle. */
    struct curl_shard *shards;
    int nshards;
    int task_shard; /* the handle the task being started must use */
    void (*run_cpu)(struct evloop *ev, struct evloop_work *w);
};

#endif
