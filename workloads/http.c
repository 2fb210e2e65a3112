/* NAME    http.c
 * PURPOSE I/O-bound work: each task GETs {url-base}/delay/{L} from the mock server (or --url).
 *         The blocking form keeps one easy handle per worker, so its connection is reused
 *         across tasks (or not, with --no-reuse); every task ends in exactly one outcome. The
 *         non-blocking form is in http_loop.c, the request itself in http_request.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "http.h"

static int http_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    struct http_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    int rc = http_state_init(s, p, err, errlen);
    if (rc != 0) {
        http_state_fini(s);
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static void http_teardown(void *state)
{
    http_state_fini(state);
    free(state);
}

static long http_ntasks(const void *state)
{
    return ((const struct http_state *)state)->tasks;
}

static int http_worker_init(void *state, void **tls)
{
    struct http_tls *t = calloc(1, sizeof *t);
    *tls = t;
    return t ? 0 : -ENOMEM;
}

static void http_worker_fini(void *state, void *tls)
{
    struct http_tls *t = tls;
    if (!t) return;
    if (t->easy) curl_easy_cleanup(t->easy);
    free(t);
}

static void http_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct http_state *s = state;
    struct http_tls *t = tls;
    static int64_t unused;
    if (!t->easy && (t->easy = curl_easy_init()) && http_easy_setup(s, t->easy, &unused) != 0) {
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    if (!t->easy) {
        outcome_fail(o, OUT_OTHER, "could not create a curl handle");
        return;
    }
    int64_t bytes = 0;
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &bytes);
    CURLcode rc = curl_easy_perform(t->easy);
    http_classify(s, t->easy, rc, bytes, o);
}

static int http_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    struct http_state *s = state;
    if (outcomes_check_min_duration(o, n, s->latency_ns, why, len) != 0) return -1;
    for (long i = 0; s->latency_ns > 0 && i < n; i++)
        if (o[i].cls == OUT_OK && o[i].bytes <= 0) {
            snprintf(why, len, "request %ld succeeded with an empty body", i);
            return -1;
        }
    return 0;
}

const struct workload workload_http = {
    .name = "http",
    .kind = WK_IO,
    .summary = "each task GETs /delay/{latency-ms} from the mock server (libcurl)",
    .params = PM(P_TASKS) | PM(P_LATENCY_MS) | PM(P_TIMEOUT_MS) | PM(P_URL) | PM(P_URL_BASE) |
              PM(P_REUSE) | PM(P_ALLOW_REMOTE),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .fds_per_task = 1,
    .fds_per_worker = 2,         /* libcurl 7.88 gives each (internal) multi handle a socketpair */
    .loop_task_bytes = 16 << 10, /* measured: 16.2 KiB per request in flight */
    .setup = http_setup,
    .teardown = http_teardown,
    .ntasks = http_ntasks,
    .worker_init = http_worker_init,
    .worker_fini = http_worker_fini,
    .run_task = http_run_task,
    .start_task = http_start_task,
    .loop_init = http_loop_init,
    .loop_fini = http_loop_fini,
    .cancel_all = http_cancel_all,
    .verify = http_verify,
};
