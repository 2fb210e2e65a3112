/* NAME    curl_shard.h
 * PURPOSE One curl multi handle wired to a libuv loop (curl's multi-uv.c pattern): its socket
 *         callback watches curl's sockets with uv_poll handles, its timer callback arms one loop
 *         timer, and every done transfer goes back to its owner through CURLOPT_PRIVATE. */
#ifndef CVP_CURL_SHARD_H
#define CVP_CURL_SHARD_H

#include <curl/curl.h>
#include <uv.h>

struct curl_shard {
    CURLM *multi;
    uv_timer_t timer; /* the one timer curl asks for (CURLMOPT_TIMERFUNCTION) */
    uv_loop_t *loop;
};

/* Returns 0, or -1 when curl cannot make a multi handle. max_total: the most connections
 * (0 = no limit); max_idle: the most idle connections kept for reuse. */
int curl_shard_init(struct curl_shard *s, uv_loop_t *loop, long max_total, long max_idle);
/* Closes the cached connections and the timer; the loop must run once more to free them. */
void curl_shard_close(struct curl_shard *s);

#endif
