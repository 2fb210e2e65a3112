/* NAME    sqlite.h
 * PURPOSE The sqlite workload's state and its pieces, shared by its blocking form (sqlite.c: a
 *         connection per worker thread), its loop form (sqlite_loop.c: each query handed to
 *         libuv's pool, the aiosqlite way) and the dbfetch workload (a request, then a query).
 *
 *         The database is real: a file in a private temporary folder, WAL mode, a table of
 *         --db-rows rows whose values follow a closed form, value(id) = id * 2654435761 mod
 *         1000003 (distinct for every id below 1000003), an index on the value, and a second
 *         table of counters that the updates increment. Every answer is checked. */
#ifndef CVP_SQLITE_H
#define CVP_SQLITE_H

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>

#include "workload.h"

enum sqlite_form {
    FORM_THREAD = 1, /* blocking: the worker's own connection */
    FORM_UVPOOL = 2, /* uv_queue_work: a connection of the pool thread that runs it */
};

/* One connection and its prepared statements; used by one thread at a time. */
struct sqlite_conn {
    sqlite3 *db;
    sqlite3_stmt *point, *range, *begin, *update, *commit;
    struct sqlite_state *s;
    struct sqlite_conn *next_free; /* the loop form's pool */
    struct sqlite_conn *next_all;  /* every pooled connection, to close at teardown */
};

/* Per worker thread (or the loop thread). */
struct sqlite_tls {
    struct sqlite_conn *conn; /* the blocking form's connection */
    void *loop;               /* the loop form's records, once loop_init has run */
};

struct sqlite_state {
    long tasks;
    long db_rows;     /* rows of items */
    long rows;        /* rows a read reads: 1 = a point lookup, else a range */
    long write_ratio; /* percent of tasks that update */
    long hits_rows;   /* rows of the counters table the updates spread over */
    char dir[PATH_MAX];
    char path[PATH_MAX + 16];
    int64_t *prefix;           /* prefix[k] = value(1) + ... + value(k) */
    struct sqlite_conn *admin; /* set-up, the test hook, and verify's count */
    long batches;
    long corrupt_at;         /* test hook (CVP_TEST_CORRUPT=B): a wrong value before batch B */
    atomic_long writes_done; /* updates committed since set-up */
    /* The last batch, for report(). */
    atomic_int forms;         /* enum sqlite_form bits of what ran it */
    atomic_long busy_retries; /* times a writer found the database locked and waited */
    atomic_long busy_wait_ns; /* ... and how long it waited */
    atomic_long query_ns;     /* time spent in queries (for a model's per-query cost) */
    atomic_long queries;
    /* The loop form's connections, opened on the pool threads as needed. */
    pthread_mutex_t pool_mu;
    struct sqlite_conn *pool_free, *pool_all;
    long pool_conns;
    atomic_flag bad_set;
    char bad[200]; /* the first failure's detail (outcome.msg points at it) */
};

int sqlite_state_init(struct sqlite_state *s, const struct params *p, char *err, size_t errlen);
void sqlite_state_free(struct sqlite_state *s);
void sqlite_state_reset(struct sqlite_state *s);
int sqlite_state_verify(struct sqlite_state *s, char *why, size_t len);
void sqlite_state_report(struct sqlite_state *s, struct jw *j);

/* A connection of its own (read-only when no task writes), or NULL. */
struct sqlite_conn *sqlite_conn_open(struct sqlite_state *s);
void sqlite_conn_close(struct sqlite_conn *c);
/* Task i: its query on c, its answer checked against the closed form. */
void sqlite_query(struct sqlite_state *s, struct sqlite_conn *c, long i, struct outcome *o);

/* sqlite_loop.c: the loop form. */
int sqlite_loop_init(void *state, void *tls, struct loop *ev);
void sqlite_loop_fini(void *state, void *tls);
void sqlite_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                       task_done_fn done, void *ctx);

#endif
