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
    char url[2048];   /* what every task fetches: curl's normalised form of the checked URL */
    char resolve[96]; /* "localhost:PORT:127.0.0.1" when the host is localhost, else empty */
    struct curl_slist *resolve_list; /* CURLOPT_RESOLVE built from resolve, or NULL */
    int allow_remote;                /* --allow-remote: hosts beyond loopback may be fetched */
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

/* http_request.c: builds and checks the URL into s. Returns 0, -EINVAL with err set, or
 * -ENOMEM. http_state_fini frees what it holds (not s itself). */
int http_state_init(struct http_state *s, const struct params *p, char *err, size_t errlen);
void http_state_fini(struct http_state *s);
/* Sets the options every task's handle shares. Returns 0 or -1. */
int http_easy_setup(const struct http_state *s, CURL *easy, int64_t *bytes_counter);
/* Turns curl's result and the response into the task's outcome. */
void http_classify(const struct http_state *s, CURL *easy, CURLcode rc, int64_t bytes,
                   struct outcome *o);

/* http_url.c: checks url (named what in messages: "--url") as curl reads it: http only, no user
 * information, a port in 1-65535, a loopback host (127.0.0.0/8, [::1], localhost) unless
 * allow_remote, and, for a base (base = 1), no query or fragment. Writes curl's normalised URL
 * into out and, for localhost, the CURLOPT_RESOLVE entry that maps it to 127.0.0.1 into resolve
 * (else ""). Returns 0, or -1 with one line in err. */
int http_url_check(const char *what, const char *url, int allow_remote, int base, char *out,
                   size_t outlen, char *resolve, size_t rlen, char *err, size_t errlen);
/* 1 when a task may connect to sa: a loopback address, or anything under allow_remote. */
struct sockaddr;
int http_address_allowed(const struct sockaddr *sa, int allow_remote);

/* http_loop.c: the non-blocking form. */
int http_loop_init(void *state, void *tls, struct loop *ev);
void http_loop_fini(void *state, void *tls);
/* Cancels every transfer in flight on the loop thread's curl_loop (workload.cancel_all). */
void http_cancel_all(void *state, void *tls);
void http_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                     task_done_fn done, void *ctx);
/* A request, then a step of work on the executor's CPU runner (asyncio: await the request, then
 * run_in_executor); done once both are over. step runs on whichever thread the runner chose,
 * with that thread's workload state (tls); a failed request skips it. The mixed and dbfetch
 * workloads' loop forms. */
typedef void (*http_step_fn)(void *step_state, void *tls, long i, struct outcome *o);
void http_fetch_then(void *http_state, void *http_tls, struct loop *ev, long i, struct outcome *o,
                     http_step_fn step, void *step_state, task_done_fn done, void *ctx);

#endif
