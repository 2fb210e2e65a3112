/* NAME    evloop.h
 * PURPOSE What a workload's non-blocking form may use of the event-loop executor: its libuv loop,
 *         its curl multi handle, and a completion hook for curl transfers. */
#ifndef CVP_EVLOOP_H
#define CVP_EVLOOP_H

#include <curl/curl.h>
#include <uv.h>

/* Embed this in a transfer's own struct and point CURLOPT_PRIVATE at it: when curl reports the
 * transfer done, the loop removes the easy handle from the multi and calls done(x, result). */
struct evloop_xfer {
    void (*done)(struct evloop_xfer *x, CURLcode result);
};

struct evloop {
    uv_loop_t *loop; /* the one loop every task of the batch runs on */
    CURLM *multi;    /* driven by curl_multi_socket_action from the loop's callbacks */
};

#endif
