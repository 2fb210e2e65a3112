/* NAME    dbfetch.c
 * PURPOSE A request handler's shape: each task GETs /delay/{latency-ms} from the mock server and
 *         then runs one checked SQLite query (the sqlite workload's: --rows, --db-rows,
 *         --write-ratio). It shows where asynchronous database access pays: only when the loop
 *         has other waits to overlap it with.
 *
 *         Blocking form: the request, then the query, on the worker thread (its own connection).
 *         Loop form: the request on the loop; the query is the task's blocking part and goes to
 *         the executor's runner, like mixed's compute part: on event-loop it runs on the loop
 *         thread (a plain sqlite3 call inside a coroutine: the loop stalls for it), on hybrid it
 *         runs on a worker thread and completes back on the loop (aiosqlite, run_in_executor).
 *         The models of the map then apply unchanged, with the query's time as W. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "http.h"
#include "sqlite.h"

extern const struct workload workload_http;

struct dbfetch_state {
    struct http_state *http; /* the request part, set up by the http workload */
    struct sqlite_state db;  /* the query part */
    pthread_t loop_thread;   /* the loop's thread, once a loop form is set up */
    atomic_int ran_on;       /* the last batch's queries ran on: 1 the loop thread, 2 others */
};

/* Per thread: the request's state and a connection. */
struct dbfetch_tls {
    void *http;
    struct sqlite_conn *conn;
};

static void dbfetch_teardown(void *state)
{
    struct dbfetch_state *s = state;
    if (!s) return;
    if (s->http) workload_http.teardown(s->http);
    sqlite_state_free(&s->db);
    workload_shared_free(s);
}

static int dbfetch_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    /* Shared (workload.h): ran_on and the query counters are written by the tasks. */
    struct dbfetch_state *s = workload_shared_alloc(sizeof *s);
    if (!s) return -ENOMEM;
    int rc = workload_http.setup(p, (void **)&s->http, err, errlen);
    if (rc != 0) {
        workload_shared_free(s);
        return rc;
    }
    if ((rc = sqlite_state_init(&s->db, p, err, errlen)) != 0) {
        workload_http.teardown(s->http);
        workload_shared_free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static long dbfetch_ntasks(const void *state)
{
    return ((const struct dbfetch_state *)state)->http->tasks;
}

static void dbfetch_reset(void *state)
{
    struct dbfetch_state *s = state;
    atomic_store(&s->ran_on, 0);
    sqlite_state_reset(&s->db);
}

static int dbfetch_worker_init(void *state, void **tls)
{
    struct dbfetch_state *s = state;
    struct dbfetch_tls *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    if (workload_http.worker_init(s->http, &t->http) != 0 ||
        !(t->conn = sqlite_conn_open(&s->db))) {
        if (t->http) workload_http.worker_fini(s->http, t->http);
        free(t);
        return -EIO;
    }
    *tls = t;
    return 0;
}

static void dbfetch_worker_fini(void *state, void *tls)
{
    struct dbfetch_state *s = state;
    struct dbfetch_tls *t = tls;
    if (!t) return;
    workload_http.worker_fini(s->http, t->http);
    sqlite_conn_close(t->conn);
    free(t);
}

static void dbfetch_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct dbfetch_state *s = state;
    struct dbfetch_tls *t = tls;
    workload_http.run_task(s->http, t->http, i, o);
    if (o->cls != OUT_OK) return;
    atomic_fetch_or(&s->ran_on, 2);
    int64_t bytes = o->bytes;
    o->cls = OUT_NOT_RUN;
    sqlite_query(&s->db, t->conn, i, o);
    o->bytes = bytes;
}

/* The loop form: the request, then the query on the executor's CPU runner: on whichever
 * thread it chose, with that thread's connection (tls). */
static void query_step(void *state, void *tls, long i, struct outcome *o)
{
    struct dbfetch_state *s = state;
    int64_t bytes = o->bytes;
    atomic_fetch_or(&s->ran_on, pthread_equal(pthread_self(), s->loop_thread) ? 1 : 2);
    o->cls = OUT_NOT_RUN;
    sqlite_query(&s->db, ((struct dbfetch_tls *)tls)->conn, i, o);
    o->bytes = bytes;
}

static void dbfetch_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                               task_done_fn done, void *ctx)
{
    struct dbfetch_state *s = state;
    http_fetch_then(s->http, ((struct dbfetch_tls *)tls)->http, ev, i, o, query_step, s, done, ctx);
}

static int dbfetch_loop_init(void *state, void *tls, struct loop *ev)
{
    ((struct dbfetch_state *)state)->loop_thread = pthread_self();
    return http_loop_init(((struct dbfetch_state *)state)->http, ((struct dbfetch_tls *)tls)->http,
                          ev);
}

static void dbfetch_loop_fini(void *state, void *tls)
{
    http_loop_fini(((struct dbfetch_state *)state)->http, ((struct dbfetch_tls *)tls)->http);
}

static int dbfetch_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    struct dbfetch_state *s = state;
    /* Each query checked its answer; the request part like http's (no task ends before its
     * wait); the updates' counters add up. */
    if (workload_http.verify(s->http, o, n, why, len) != 0) return -1;
    return sqlite_state_verify(&s->db, why, len);
}

static void dbfetch_report(void *state, struct jw *j)
{
    struct dbfetch_state *s = state;
    int on = atomic_load(&s->ran_on);
    jw_str(j, "queries_ran_on", on == 1 ? "the loop thread" : on == 2 ? "worker threads" : "both");
    sqlite_state_report(&s->db, j);
}

const struct workload workload_dbfetch = {
    .name = "dbfetch",
    .kind = WK_MIXED,
    .summary = "each task GETs /delay/{latency-ms}, then runs one checked SQLite query (on the "
               "loop thread under event-loop, on a worker under hybrid)",
    .params = PM(P_TASKS) | PM(P_LATENCY_MS) | PM(P_TIMEOUT_MS) | PM(P_URL) | PM(P_URL_BASE) |
              PM(P_REUSE) | PM(P_DB_ROWS) | PM(P_ROWS) | PM(P_WRITE_RATIO),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .fds_per_task = 1,
    .fds_per_worker = 5, /* curl's wake-up pair; the database, its WAL and its index */
    .setup = dbfetch_setup,
    .teardown = dbfetch_teardown,
    .ntasks = dbfetch_ntasks,
    .reset = dbfetch_reset,
    .worker_init = dbfetch_worker_init,
    .worker_fini = dbfetch_worker_fini,
    .run_task = dbfetch_run_task,
    .start_task = dbfetch_start_task,
    .loop_init = dbfetch_loop_init,
    .loop_fini = dbfetch_loop_fini,
    .verify = dbfetch_verify,
    .report = dbfetch_report,
};
