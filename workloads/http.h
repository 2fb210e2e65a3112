/* NAME    http.h
 * PURPOSE The http workload's state and its pieces: the request itself (http_request.c: URL,
 *         handle options, outcome classes), the blocking form (http.c, which also defines the
 *         workload) and the non-blocking form (http_loop.c). The mixed workload reuses all three.
 */
#ifndef CVP_HTTP_H
#define CVP_HTTP_H

#include <curl/curl.h>

#include "workload.h"

struct http_req;
struct curl_loop;

struct http_state {
    char url[2048]; /* what every task fetches */
    long tasks;
    int64_t latency_ns; /* the delay the server was asked for; 0 when --url is given */
    long timeout_ms;
    int reuse;
};

/* Per worker thread (or the loop thread). */
struct http_tls {
    CURL *easy;                 /* blocking form: one handle, reused, so its connection is too */
    struct curl_loop *cl;       /* non-blocking form: curl on the loop (loop_init) */
    struct http_req *free_list; /* non-blocking form: handles of finished transfers, for reuse */
};

/* http_request.c: builds the URL (loopback only) into s. Returns 0 or -EINVAL with err set. */
int http_state_init(struct http_state *s, const struct params *p, char *err, size_t errlen);
/* Sets the options every task's handle shares. Returns 0 or -1. */
int http_easy_setup(const struct http_state *s, CURL *easy, int64_t *bytes_counter);
/* Turns curl's result and the response into the task's outcome. */
void http_classify(const struct http_state *s, CURL *easy, CURLcode rc, int64_t bytes,
                   struct outcome *o);

/* http_loop.c: the non-blocking form. */
int http_loop_init(void *state, void *tls, struct loop *ev);
void http_loop_fini(void *state, void *tls);
/* Cancels every transfer in flight on the loop thread's curl_loop (workload.cancel_all). */
void http_cancel_all(void *state, void *tls);
void http_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                     task_done_fn done, void *ctx);

#endif
