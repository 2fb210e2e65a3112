/* NAME    mixed.c
 * PURPOSE Real programs wait and then compute (fetch, then parse). Each task GETs
 *         /delay/{latency-ms} from the mock server and then does --work-us microseconds of CPU
 *         work: a chain of integer hash rounds whose rate is measured at set-up and recorded.
 *         Blocking form: fetch, then compute, on the worker thread. Non-blocking form: the fetch
 *         on the loop, then the compute handed to the executor's CPU runner (inline on the event
 *         loop, a worker thread under hybrid). Both parts are validated: the HTTP part like the
 *         http workload, the compute part against the hash chain's known result. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashwork.h"
#include "http.h"

extern const struct workload workload_http;

struct mixed_state {
    struct http_state *http; /* the fetch part, set up by the http workload */
    struct hashwork work;    /* the compute part: --work-us of hashing */
    atomic_long computing;   /* compute parts running now */
    atomic_long peak;        /* most compute parts that ever ran at once */
};

static void mixed_teardown(void *state)
{
    struct mixed_state *s = state;
    if (!s) return;
    if (s->http) workload_http.teardown(s->http);
    workload_shared_free(s);
}

static int mixed_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    /* Shared (workload.h): the tasks count the compute parts running at once. */
    struct mixed_state *s = workload_shared_alloc(sizeof *s);
    if (!s) return -ENOMEM;
    int rc = workload_http.setup(p, (void **)&s->http, err, errlen);
    if (rc != 0) {
        workload_shared_free(s);
        return rc;
    }
    hashwork_init(&s->work, p->work_us);
    *state = s;
    return 0;
}

static long mixed_ntasks(const void *state)
{
    return ((const struct mixed_state *)state)->http->tasks;
}

static int mixed_worker_init(void *state, void **tls)
{
    return workload_http.worker_init(((struct mixed_state *)state)->http, tls);
}

static void mixed_worker_fini(void *state, void *tls)
{
    workload_http.worker_fini(((struct mixed_state *)state)->http, tls);
}

/* The compute part: counted while it runs, so tests can see how many ran at once. */
static void compute(struct mixed_state *s, struct outcome *o)
{
    long now = atomic_fetch_add(&s->computing, 1) + 1;
    long peak = atomic_load(&s->peak);
    while (now > peak && !atomic_compare_exchange_weak(&s->peak, &peak, now)) {
    }
    int bad = hashwork_run(&s->work);
    atomic_fetch_sub(&s->computing, 1);
    if (bad) outcome_fail(o, OUT_OTHER, "the compute part gave a wrong result");
}

static void mixed_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct mixed_state *s = state;
    workload_http.run_task(s->http, tls, i, o);
    if (o->cls == OUT_OK) compute(s, o);
}

/* The non-blocking form: the fetch, then the compute on the executor's CPU runner. */
static void compute_step(void *state, void *tls, long i, struct outcome *o)
{
    compute(state, o);
}

static void mixed_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                             task_done_fn done, void *ctx)
{
    struct mixed_state *s = state;
    http_fetch_then(s->http, tls, ev, i, o, compute_step, s, done, ctx);
}

static int mixed_loop_init(void *state, void *tls, struct loop *ev)
{
    return http_loop_init(((struct mixed_state *)state)->http, tls, ev);
}

static void mixed_loop_fini(void *state, void *tls)
{
    http_loop_fini(((struct mixed_state *)state)->http, tls);
}

/* The fetches in flight are cancelled; a compute part already running finishes. */
static void mixed_cancel_all(void *state, void *tls)
{
    http_cancel_all(((struct mixed_state *)state)->http, tls);
}

static int mixed_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    struct mixed_state *s = state;
    /* The compute part's result was checked per task; the wait part like http's, plus the work:
     * no task can take less than its wait. */
    return workload_http.verify(s->http, o, n, why, len);
}

static void mixed_report(void *state, struct jw *j)
{
    struct mixed_state *s = state;
    jw_num(j, "hash_rounds_per_us", s->work.rounds_per_us);
    jw_int(j, "hash_rounds_per_task", (long long)s->work.rounds);
    jw_int(j, "peak_concurrent_compute", atomic_load(&s->peak));
}

static void mixed_reset(void *state)
{
    struct mixed_state *s = state;
    atomic_store(&s->peak, 0);
}

const struct workload workload_mixed = {
    .name = "mixed",
    .kind = WK_MIXED,
    .summary = "each task GETs /delay/{latency-ms}, then computes --work-us of CPU work",
    .params = PM(P_TASKS) | PM(P_LATENCY_MS) | PM(P_TIMEOUT_MS) | PM(P_URL) | PM(P_URL_BASE) |
              PM(P_REUSE) | PM(P_WORK_US) | PM(P_ALLOW_REMOTE),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .fds_per_task = 1,
    .fds_per_worker = 2,
    .loop_task_bytes = (16 << 10) + 64, /* http's, and the compute hand-over */
    .setup = mixed_setup,
    .teardown = mixed_teardown,
    .ntasks = mixed_ntasks,
    .reset = mixed_reset,
    .worker_init = mixed_worker_init,
    .worker_fini = mixed_worker_fini,
    .run_task = mixed_run_task,
    .start_task = mixed_start_task,
    .loop_init = mixed_loop_init,
    .loop_fini = mixed_loop_fini,
    .cancel_all = mixed_cancel_all,
    .verify = mixed_verify,
    .report = mixed_report,
};
