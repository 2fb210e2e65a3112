/* NAME    http.h
 * PURPOSE The http workload's state, shared by its blocking form (http.c) and its event-loop
 *         form (http_loop.c). */
#ifndef CVP_HTTP_H
#define CVP_HTTP_H

#include <curl/curl.h>

#include "workload.h"

struct http_req;

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
    struct http_req *free_list; /* event-loop form: handles of finished transfers, for reuse */
    long *idle_conns; /* event-loop form: per multi handle, connections likely idle in its cache */
    int nshards;      /* entries in idle_conns */
};

/* Sets the options every task's handle shares. Returns 0 or -1. */
int http_easy_setup(const struct http_state *s, CURL *easy, int64_t *bytes_counter);
/* Turns curl's result and the response into the task's outcome. */
void http_classify(const struct http_state *s, CURL *easy, CURLcode rc, int64_t bytes,
                   struct outcome *o);

void http_start_task(void *state, void *tls, struct evloop *ev, long i, struct outcome *o,
                     task_done_fn done, void *ctx);
void http_loop_tls_free(struct http_tls *t);

#endif
