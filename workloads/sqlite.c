/* NAME    sqlite.c
 * PURPOSE Waiting on a database. Each task runs one query on a real SQLite database and checks
 *         its answer against the closed form: a point lookup through the index (--rows 1), or
 *         COUNT and SUM over --rows consecutive ids; --write-ratio percent of the tasks are
 *         updates instead (a counter incremented in its own table, so the values the reads
 *         check never change; verify checks that the counters add up to the updates made).
 *
 *         SQLite has no non-blocking interface: a query is a blocking call on its thread.
 *         Blocking form (sequential, thread-pool, openmp): a connection per worker thread,
 *         read-only when no task writes. Loop form (event-loop, hybrid; sqlite_loop.c): the query
 *         goes to libuv's thread pool and completes back on the loop, as aiosqlite hands each
 *         call to its thread. One writer at a time is SQLite's rule: a writer that finds the
 *         database locked waits in a busy handler (short sleeps, 5 s at most), and those waits
 *         are counted.
 *
 *         CVP_TEST_CORRUPT=B (tests only) changes the value task 0 reads before batch B. */
#include "sqlite.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "uvpool.h"

#define VALUE_MUL 2654435761LL
#define VALUE_MOD 1000003LL
#define HITS_ROWS 1024  /* counters the updates spread over */
#define BUSY_MAX  5000  /* a writer gives up after this many waits (about 5 s) */
#define CACHE_KIB 32768 /* page cache per connection: the whole table and index fit */

static int64_t value_of(long id)
{
    return (int64_t)((id * VALUE_MUL) % VALUE_MOD);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7FB5D329728EA185ULL;
    x ^= x >> 27;
    x *= 0x81DADEF4BC2DD44DULL;
    return x ^ (x >> 33);
}

/* Task i updates when the share of updates among tasks 0..i steps up: exactly P% of any
 * batch, spread evenly. */
static int is_write(const struct sqlite_state *s, long i)
{
    return (i + 1) * s->write_ratio / 100 > i * s->write_ratio / 100;
}

/* The first id task i reads. */
static long first_id(const struct sqlite_state *s, long i)
{
    return 1 + (long)(mix64((uint64_t)i) % (uint64_t)(s->db_rows - s->rows + 1));
}

static void fail(struct sqlite_state *s, struct outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct sqlite_state *s, struct outcome *o, const char *fmt, ...)
{
    if (!atomic_flag_test_and_set(&s->bad_set)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->bad, sizeof s->bad, fmt, ap);
        va_end(ap);
    }
    outcome_fail(o, OUT_OTHER, s->bad);
}

/* SQLite's busy handler: a writer found the write lock taken. Short sleeps (10 us doubling to
 * 1 ms), not SQLite's default of 1 ms and more, so waiting measures the lock and not the back-off;
 * each wait is counted. Returns 0 (give up: SQLITE_BUSY) after BUSY_MAX waits. */
static int on_busy(void *arg, int count)
{
    struct sqlite_state *s = arg;
    if (count >= BUSY_MAX) return 0;
    int64_t ns = 10000LL << (count < 7 ? count : 7);
    if (ns > 1000000) ns = 1000000;
    int64_t t0 = now_ns();
    sleep_ns(ns);
    atomic_fetch_add(&s->busy_retries, 1);
    atomic_fetch_add(&s->busy_wait_ns, now_ns() - t0);
    return 1;
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    snprintf(err, errlen, "sqlite: %s: %s", sql, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

/* A connection; with prepare, its statements too (not for the one that creates the tables). */
static struct sqlite_conn *conn_open(struct sqlite_state *s, int flags, int prepare)
{
    struct sqlite_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->s = s;
    char err[128];
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", CACHE_KIB);
    if (sqlite3_open_v2(s->path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        exec(c->db, pragma, err, sizeof err) != 0 ||
        sqlite3_busy_handler(c->db, on_busy, s) != SQLITE_OK) {
        sqlite_conn_close(c);
        return NULL;
    }
    if (!prepare) return c;
    if (sqlite3_prepare_v2(c->db, "SELECT id FROM items WHERE v = ?1", -1, &c->point, NULL) ||
        sqlite3_prepare_v2(c->db, "SELECT COUNT(*), SUM(v) FROM items WHERE id BETWEEN ?1 AND ?2",
                           -1, &c->range, NULL)) {
        sqlite_conn_close(c);
        return NULL;
    }
    if ((flags & SQLITE_OPEN_READWRITE) &&
        (sqlite3_prepare_v2(c->db, "BEGIN IMMEDIATE", -1, &c->begin, NULL) ||
         sqlite3_prepare_v2(c->db, "UPDATE hits SET n = n + 1 WHERE id = ?1", -1, &c->update,
                            NULL) ||
         sqlite3_prepare_v2(c->db, "COMMIT", -1, &c->commit, NULL))) {
        sqlite_conn_close(c);
        return NULL;
    }
    return c;
}

struct sqlite_conn *sqlite_conn_open(struct sqlite_state *s)
{
    return conn_open(s, s->write_ratio > 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, 1);
}

void sqlite_conn_close(struct sqlite_conn *c)
{
    if (!c) return;
    sqlite3_stmt *all[] = {c->point, c->range, c->begin, c->update, c->commit};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        sqlite3_finalize(all[k]);
    sqlite3_close(c->db);
    free(c);
}

/* ---- one task ---- */

static void do_update(struct sqlite_state *s, struct sqlite_conn *c, long i, struct outcome *o)
{
    long id = 1 + (long)(mix64((uint64_t)(i + s->batches * s->tasks)) % (uint64_t)s->hits_rows);
    int rc = sqlite3_step(c->begin);
    sqlite3_reset(c->begin);
    if (rc != SQLITE_DONE) {
        fail(s, o, "BEGIN IMMEDIATE: %s", sqlite3_errstr(rc));
        return;
    }
    sqlite3_bind_int64(c->update, 1, id);
    rc = sqlite3_step(c->update);
    int changed = sqlite3_changes(c->db);
    sqlite3_reset(c->update);
    if (rc == SQLITE_DONE && changed == 1) rc = sqlite3_step(c->commit);
    sqlite3_reset(c->commit);
    if (rc != SQLITE_DONE || changed != 1) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        fail(s, o, "update of counter %ld: %s", id,
             rc != SQLITE_DONE ? sqlite3_errstr(rc) : "no row changed");
        return;
    }
    atomic_fetch_add(&s->writes_done, 1);
    o->cls = OUT_OK;
}

static void do_point(struct sqlite_state *s, struct sqlite_conn *c, long i, struct outcome *o)
{
    long id = first_id(s, i);
    sqlite3_bind_int64(c->point, 1, value_of(id));
    int rc = sqlite3_step(c->point);
    long got = rc == SQLITE_ROW ? (long)sqlite3_column_int64(c->point, 0) : -1;
    int more = rc == SQLITE_ROW ? sqlite3_step(c->point) : SQLITE_DONE;
    sqlite3_reset(c->point);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fail(s, o, "point lookup of value %lld: %s", (long long)value_of(id), sqlite3_errstr(rc));
    else if (got != id || more != SQLITE_DONE)
        fail(s, o, "the row with value %lld is id %ld, not %ld (or not unique)",
             (long long)value_of(id), got, id);
    else
        o->cls = OUT_OK;
}

static void do_range(struct sqlite_state *s, struct sqlite_conn *c, long i, struct outcome *o)
{
    long a = first_id(s, i), b = a + s->rows - 1;
    sqlite3_bind_int64(c->range, 1, a);
    sqlite3_bind_int64(c->range, 2, b);
    int rc = sqlite3_step(c->range);
    long count = rc == SQLITE_ROW ? (long)sqlite3_column_int64(c->range, 0) : -1;
    int64_t sum = rc == SQLITE_ROW ? sqlite3_column_int64(c->range, 1) : -1;
    sqlite3_reset(c->range);
    int64_t want = s->prefix[b] - s->prefix[a - 1];
    if (rc != SQLITE_ROW)
        fail(s, o, "range %ld..%ld: %s", a, b, sqlite3_errstr(rc));
    else if (count != s->rows || sum != want)
        fail(s, o, "range %ld..%ld: COUNT %ld SUM %lld, not %ld and %lld", a, b, count,
             (long long)sum, s->rows, (long long)want);
    else
        o->cls = OUT_OK;
}

void sqlite_query(struct sqlite_state *s, struct sqlite_conn *c, long i, struct outcome *o)
{
    int64_t t0 = now_ns();
    if (is_write(s, i))
        do_update(s, c, i, o);
    else if (s->rows == 1)
        do_point(s, c, i, o);
    else
        do_range(s, c, i, o);
    atomic_fetch_add(&s->query_ns, now_ns() - t0);
    atomic_fetch_add(&s->queries, 1);
}

/* ---- the database ---- */

static int populate(struct sqlite_state *s, char *err, size_t errlen)
{
    sqlite3 *db = s->admin->db;
    if (exec(db, "PRAGMA journal_mode = WAL", err, errlen) ||
        exec(db, "PRAGMA synchronous = NORMAL", err, errlen) ||
        exec(db,
             "CREATE TABLE items (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
             "CREATE TABLE hits (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
             "BEGIN",
             err, errlen))
        return -1;
    sqlite3_stmt *ins = NULL, *hit = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO items (id, v) VALUES (?1, ?2)", -1, &ins, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO hits (id, n) VALUES (?1, 0)", -1, &hit, NULL);
    for (long id = 1; rc == SQLITE_OK && id <= s->db_rows; id++) {
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_int64(ins, 2, value_of(id));
        rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_reset(ins);
    }
    for (long id = 1; rc == SQLITE_OK && id <= s->hits_rows; id++) {
        sqlite3_bind_int64(hit, 1, id);
        rc = sqlite3_step(hit) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_reset(hit);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(hit);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: filling %s: %s", s->path, sqlite3_errmsg(db));
        return -1;
    }
    if (exec(db, "COMMIT; CREATE INDEX items_v ON items (v); PRAGMA wal_checkpoint(TRUNCATE)", err,
             errlen))
        return -1;
    return 0;
}

int sqlite_state_init(struct sqlite_state *s, const struct params *p, char *err, size_t errlen)
{
    if (p->rows > p->db_rows) {
        snprintf(err, errlen, "--rows %ld exceeds --db-rows %ld", p->rows, p->db_rows);
        return -EINVAL;
    }
    int rc = uvpool_configure(p->fs_threads, err, errlen);
    if (rc != 0) return rc;
    memset(s, 0, sizeof *s);
    atomic_flag_clear(&s->bad_set);
    pthread_mutex_init(&s->pool_mu, NULL);
    s->tasks = p->tasks;
    s->db_rows = p->db_rows;
    s->rows = p->rows;
    s->write_ratio = p->write_ratio;
    s->hits_rows = HITS_ROWS;
    const char *hook = getenv("CVP_TEST_CORRUPT");
    s->corrupt_at = hook ? atol(hook) : 0;
    s->prefix = malloc((size_t)(s->db_rows + 1) * sizeof *s->prefix);
    if (!s->prefix) {
        snprintf(err, errlen, "out of memory for %ld rows' sums", s->db_rows);
        return -ENOMEM;
    }
    s->prefix[0] = 0;
    for (long id = 1; id <= s->db_rows; id++)
        s->prefix[id] = s->prefix[id - 1] + value_of(id);
    if ((rc = cleanup_mkdtemp("cvpbench-sqlite-", s->dir, sizeof s->dir, err, errlen)) != 0) {
        s->dir[0] = '\0';
        sqlite_state_free(s);
        return rc;
    }
    snprintf(s->path, sizeof s->path, "%s/bench.db", s->dir);
    s->admin = conn_open(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0);
    if (!s->admin) {
        snprintf(err, errlen, "sqlite: cannot create %s", s->path);
        sqlite_state_free(s);
        return -EIO;
    }
    if (populate(s, err, errlen) != 0) {
        sqlite_state_free(s);
        return -EIO;
    }
    return 0;
}

void sqlite_state_free(struct sqlite_state *s)
{
    while (s->pool_all) {
        struct sqlite_conn *c = s->pool_all;
        s->pool_all = c->next_all;
        sqlite_conn_close(c);
    }
    sqlite_conn_close(s->admin);
    s->admin = NULL;
    if (s->dir[0]) cleanup_remove(s->dir);
    s->dir[0] = '\0';
    free(s->prefix);
    s->prefix = NULL;
    pthread_mutex_destroy(&s->pool_mu);
}

void sqlite_state_reset(struct sqlite_state *s)
{
    s->batches++;
    atomic_store(&s->forms, 0);
    atomic_store(&s->busy_retries, 0);
    atomic_store(&s->busy_wait_ns, 0);
    atomic_store(&s->query_ns, 0);
    atomic_store(&s->queries, 0);
    if (s->corrupt_at > 0 && s->batches == s->corrupt_at) {
        char sql[128], err[160];
        snprintf(sql, sizeof sql, "UPDATE items SET v = v + 1 WHERE id = %ld", first_id(s, 0));
        exec(s->admin->db, sql, err, sizeof err);
    }
}

int sqlite_state_verify(struct sqlite_state *s, char *why, size_t len)
{
    if (s->write_ratio == 0) return 0; /* every read was checked as it returned */
    sqlite3_stmt *st = NULL;
    long long total = -1;
    if (sqlite3_prepare_v2(s->admin->db, "SELECT SUM(n) FROM hits", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    long long want = atomic_load(&s->writes_done);
    if (total == want) return 0;
    snprintf(why, len, "the counters add up to %lld, but %lld updates were committed", total, want);
    return -1;
}

void sqlite_state_report(struct sqlite_state *s, struct jw *j)
{
    int forms = atomic_load(&s->forms);
    long q = atomic_load(&s->queries);
    jw_str(j, "offload", forms & FORM_UVPOOL ? "uv_threadpool" : "none");
    if (forms & FORM_UVPOOL) {
        uvpool_report(j);
        jw_int(j, "pool_connections", s->pool_conns);
    }
    jw_str(j, "query", s->rows == 1 ? "point" : "range");
    jw_num(j, "query_us", q > 0 ? (double)atomic_load(&s->query_ns) / (double)q / 1e3 : 0);
    jw_int(j, "busy_retries", atomic_load(&s->busy_retries));
    jw_num(j, "busy_wait_ms", (double)atomic_load(&s->busy_wait_ns) / 1e6);
    jw_int(j, "writes_total", atomic_load(&s->writes_done));
}

/* ---- the workload ---- */

static int sq_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    /* Shared (workload.h): the tasks count writes, queries and busy waits. */
    struct sqlite_state *s = workload_shared_alloc(sizeof *s);
    if (!s) return -ENOMEM;
    int rc = sqlite_state_init(s, p, err, errlen);
    if (rc != 0) {
        workload_shared_free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static void sq_teardown(void *state)
{
    if (!state) return;
    sqlite_state_free(state);
    workload_shared_free(state);
}

static long sq_ntasks(const void *state)
{
    return ((const struct sqlite_state *)state)->tasks;
}

static void sq_reset(void *state)
{
    sqlite_state_reset(state);
}

static int sq_worker_init(void *state, void **tls)
{
    struct sqlite_tls *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    if (!(t->conn = sqlite_conn_open(state))) {
        free(t);
        return -EIO;
    }
    *tls = t;
    return 0;
}

static void sq_worker_fini(void *state, void *tls)
{
    struct sqlite_tls *t = tls;
    if (!t) return;
    sqlite_conn_close(t->conn);
    free(t);
}

static void sq_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct sqlite_state *s = state;
    atomic_fetch_or(&s->forms, FORM_THREAD);
    sqlite_query(s, ((struct sqlite_tls *)tls)->conn, i, o);
}

static int sq_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    return sqlite_state_verify(state, why, len);
}

static void sq_report(void *state, struct jw *j)
{
    sqlite_state_report(state, j);
}

const struct workload workload_sqlite = {
    .name = "sqlite",
    .kind = WK_IO,
    .summary = "each task runs one checked query on a real SQLite database (a connection per "
               "thread; libuv's pool on the loop, as aiosqlite)",
    .params = PM(P_TASKS) | PM(P_DB_ROWS) | PM(P_ROWS) | PM(P_WRITE_RATIO) | PM(P_FS_THREADS),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 1000}, {.id = P_COUNT}},
    .fds_per_worker = 3, /* the database, its WAL and its shared-memory index */
    .setup = sq_setup,
    .teardown = sq_teardown,
    .ntasks = sq_ntasks,
    .reset = sq_reset,
    .worker_init = sq_worker_init,
    .worker_fini = sq_worker_fini,
    .run_task = sq_run_task,
    .start_task = sqlite_start_task,
    .loop_init = sqlite_loop_init,
    .loop_fini = sqlite_loop_fini,
    .verify = sq_verify,
    .report = sq_report,
};
