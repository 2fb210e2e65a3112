/* NAME    params.c
 * PURPOSE The parameter table: every workload and executor parameter, once, with its type,
 *         default, range and help. Which workloads and executors read a parameter is not written
 *         here: each declares it in its own `params` mask, and --help reads the registries. */
#include "params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(field) offsetof(struct params, field)

const struct param_def param_table[P_COUNT] = {
    [P_TASKS] = {P_TASKS, "tasks", PT_LONG, F(tasks), .def = 0, .min = 1, .max = 100000000,
                 .arg = "N",
                 .help = "tasks per batch (each workload has its own default; matmul: one per "
                         "about 64 rows, in whole register tiles)"},
    [P_THREADS] = {P_THREADS, "threads", PT_LONG, F(threads), .def = 0, .min = 1, .max = 100000,
                   .arg = "T",
                   .help = "worker threads (default: --concurrency where it is the thread "
                           "count, else the usable cores)"},
    [P_CONCURRENCY] = {P_CONCURRENCY, "concurrency", PT_LONG, F(concurrency), .def = 0, .min = 0,
                       .max = 10000000, .arg = "C",
                       .help = "most tasks in flight at once (0 = no cap); for thread-pool and "
                               "openmp it is their thread count"},
    [P_PIN] = {P_PIN, "pin", PT_FLAG, F(pin), .def = 0,
               .help = "pin worker threads to cores (recorded as \"pinned\")"},
    [P_BLOCKING] = {P_BLOCKING, "blocking", PT_FLAG, F(blocking), .def = 0,
                    .help = "call the blocking form on the loop thread (the stall)"},
    [P_LATENCY_MS] = {P_LATENCY_MS, "latency-ms", PT_DURATION, F(latency_us), .def = 100000,
                      .min = 0, .max = 3600000000L, .arg = "L", .unit_us = 1000,
                      .help = "each task waits L milliseconds (0.3 or 300us for 300 "
                              "microseconds; 1.5ms, 2s)"},
    [P_TIMEOUT_MS] = {P_TIMEOUT_MS, "timeout-ms", PT_LONG, F(timeout_ms), .def = 30000, .min = 0,
                      .max = 86400000, .arg = "MS",
                      .help = "per-request deadline in milliseconds (0 = none)"},
    [P_URL] = {P_URL, "url", PT_TEXT, F(url), .arg = "URL",
               .help = "fetch this URL in every task (loopback only, unless --allow-remote)"},
    [P_URL_BASE] = {P_URL_BASE, "url-base", PT_TEXT, F(url_base), .arg = "URL",
                    .help = "the mock server, e.g. http://127.0.0.1:8080 (or $CVP_URL_BASE)"},
    [P_REUSE] = {P_REUSE, "reuse", PT_FLAG, F(reuse), .def = 1, .negation = "no-reuse",
                 .help = "keep connections alive across tasks (default), or --no-reuse: a new "
                         "connection per task"},
    [P_SIZE] = {P_SIZE, "size", PT_LONG, F(size), .def = 1024, .min = 1, .max = 16384, .arg = "n",
                .help = "matrix order"},
    [P_KERNEL] = {P_KERNEL, "kernel", PT_TEXT, F(kernel), .text_def = "blocked",
                  .choices = "blocked|ikj|naive", .arg = "K", .help = "matmul kernel"},
    [P_BLOCKING_TASKS] = {P_BLOCKING_TASKS, "blocking-tasks", PT_LONG, F(blocking_tasks), .def = 0,
                          .min = 0, .max = 100000000, .arg = "K",
                          .help = "K of the tasks, spread evenly, call the blocking form on the "
                                  "loop thread; the others stay asynchronous (one blocking call "
                                  "among many)"},
    [P_WORK_US] = {P_WORK_US, "work-us", PT_LONG, F(work_us), .def = 1000, .min = 0,
                   .max = 60000000, .arg = "W", .help = "CPU work per task, in microseconds"},
    [P_FILE_SIZE] = {P_FILE_SIZE, "file-size", PT_LONG, F(file_size), .def = 4096, .min = 1,
                     .max = 1L << 30, .arg = "BYTES",
                     .help = "bytes of each file (one file per task: --tasks files)"},
    [P_BLOCK] = {P_BLOCK, "block", PT_LONG, F(block), .def = 0, .min = 0, .max = 1L << 30,
                 .arg = "BYTES",
                 .help = "bytes per read or write call (0 = the whole file in one)"},
    [P_WRITE] = {P_WRITE, "write", PT_FLAG, F(write), .def = 0,
                 .help = "each task writes its file instead of reading it"},
    [P_FSYNC] = {P_FSYNC, "fsync", PT_FLAG, F(fsync), .def = 0,
                 .help = "with --write: fsync each file after writing it"},
    [P_CACHE] = {P_CACHE, "cache", PT_TEXT, F(cache), .text_def = "cold", .choices = "cold|warm",
                 .arg = "MODE",
                 .help = "cold: the files' pages are dropped before each batch (fadvise); warm: "
                         "pre-read"},
    [P_IO] = {P_IO, "io", PT_TEXT, F(io), .text_def = "uv", .choices = "uv|uring", .arg = "ENGINE",
              .help = "the loop form's file engine: uv (libuv's thread pool, aiofiles' way) or "
                      "uring (io_uring)"},
    [P_FS_THREADS] = {P_FS_THREADS, "fs-threads", PT_LONG, F(fs_threads), .def = 0, .min = 0,
                      .max = 1024, .arg = "N",
                      .help = "libuv's thread pool size, UV_THREADPOOL_SIZE (0 = as the "
                              "environment says, else libuv's 4)"},
    [P_DB_ROWS] = {P_DB_ROWS, "db-rows", PT_LONG, F(db_rows), .def = 100000, .min = 1,
                   .max = 1000000, .arg = "M", .help = "rows of the generated SQLite table"},
    [P_ROWS] = {P_ROWS, "rows", PT_LONG, F(rows), .def = 1, .min = 1, .max = 1000000, .arg = "R",
                .help = "rows one query reads: 1 = a point lookup through the index, else "
                        "SUM/COUNT over R ids"},
    [P_WRITE_RATIO] = {P_WRITE_RATIO, "write-ratio", PT_LONG, F(write_ratio), .def = 0, .min = 0,
                       .max = 100, .arg = "PCT", .help = "percent of the queries that are updates"},
    /* issue 17 (hardening) */
    [P_ALLOW_REMOTE] = {P_ALLOW_REMOTE, "allow-remote", PT_FLAG, F(allow_remote), .def = 0,
                        .help = "let --url and --url-base name a host beyond loopback (your own "
                                "service; without it only 127.0.0.0/8, [::1] and localhost)"},
    [P_RANKS] = {P_RANKS, "ranks", PT_LONG, F(ranks), .def = 0, .min = 0, .max = 4096, .arg = "R",
                 .help = "MPI ranks: under mpirun, its -np (0 = as launched); without it, "
                         "cvpbench starts mpirun -np R itself"},
    [P_INNER] = {P_INNER, "inner", PT_TEXT, F(inner), .text_def = "sequential",
                 .choices = "sequential|thread-pool|openmp|event-loop", .arg = "E",
                 .help = "the executor each MPI rank runs its share of the tasks with (--threads "
                         "per rank; default: the host's usable cores / its ranks)"},
};

const struct param_def *param_def(enum param_id id)
{
    return (unsigned)id < P_COUNT ? &param_table[id] : NULL;
}

const char *param_name(enum param_id id)
{
    return (unsigned)id < P_COUNT ? param_table[id].name : "?";
}

const struct param_def *param_find(const char *name)
{
    for (int id = 0; id < P_COUNT; id++)
        if (strcmp(param_table[id].name, name) == 0) return &param_table[id];
    return NULL;
}

static void *field(const struct params *p, enum param_id id)
{
    return (char *)p + param_table[id].offset;
}

/* "20" (in unit_us), "0.3", "300us", "300µs", "1.5ms", "2s" -> microseconds. Whole
 * microseconds only; no sign, no exponent. */
int parse_duration(const char *name, const char *s, long unit_us, long min, long max, long *out,
                   char *err, size_t errlen)
{
    const struct param_def tmp = {.name = name, .unit_us = unit_us, .min = min, .max = max};
    const struct param_def *d = &tmp;
    const char *c = s;
    long whole = 0, frac = 0, frac_digits = 0;
    if (!(*c >= '0' && *c <= '9')) goto bad;
    for (; *c >= '0' && *c <= '9'; c++) {
        if (whole > 100000000000L) goto range;
        whole = whole * 10 + (*c - '0');
    }
    if (*c == '.') {
        c++;
        if (!(*c >= '0' && *c <= '9')) goto bad;
        for (; *c >= '0' && *c <= '9'; c++) {
            if (frac_digits == 9) goto bad;
            frac = frac * 10 + (*c - '0');
            frac_digits++;
        }
    }
    long unit = d->unit_us;
    if (strcmp(c, "us") == 0 || strcmp(c, "\xc2\xb5s") == 0)
        unit = 1;
    else if (strcmp(c, "ms") == 0)
        unit = 1000;
    else if (strcmp(c, "s") == 0)
        unit = 1000000;
    else if (*c != '\0')
        goto bad;
    long scale = 1;
    for (long k = 0; k < frac_digits; k++)
        scale *= 10;
    if ((frac * unit) % scale != 0) {
        snprintf(err, errlen, "--%s %s is finer than a microsecond", d->name, s);
        return -1;
    }
    if (whole > d->max / unit) goto range;
    *out = whole * unit + frac * unit / scale;
    if (*out >= d->min && *out <= d->max) return 0;
range:
    /* The real bounds: a minimum below the unit (--deadline-ms and --duration take 1 us) is
     * not rounded down to "0 ms", which would name a value that is refused. */
    if (d->min % d->unit_us == 0)
        snprintf(err, errlen, "--%s must be between %ld and %ld ms (got '%s')", d->name,
                 d->min / d->unit_us, d->max / d->unit_us, s);
    else if (d->min == 1)
        snprintf(err, errlen, "--%s must be more than 0 ms and at most %ld ms (got '%s')", d->name,
                 d->max / d->unit_us, s);
    else
        snprintf(err, errlen, "--%s must be at least %ld us and at most %ld ms (got '%s')", d->name,
                 d->min, d->max / d->unit_us, s);
    return -1;
bad:
    snprintf(err, errlen, "--%s takes a duration (20, 0.3, 300us, 1.5ms, 2s), not '%s'", d->name,
             s);
    return -1;
}

long param_long(const struct params *p, enum param_id id)
{
    return param_table[id].type == PT_FLAG ? *(int *)field(p, id) : *(long *)field(p, id);
}

const char *param_text(const struct params *p, enum param_id id)
{
    return *(const char **)field(p, id);
}

void param_set_long(struct params *p, enum param_id id, long v)
{
    if (param_table[id].type == PT_FLAG)
        *(int *)field(p, id) = v != 0;
    else
        *(long *)field(p, id) = v;
}

void param_set_text(struct params *p, enum param_id id, const char *v)
{
    *(const char **)field(p, id) = v;
}

static void apply(struct params *p, const struct param_default *d, int only_unset)
{
    for (; d && d->id < P_COUNT; d++) {
        if (only_unset && (p->set & PM(d->id))) continue;
        if (param_table[d->id].type == PT_TEXT)
            param_set_text(p, d->id, d->text);
        else
            param_set_long(p, d->id, d->value);
    }
}

void params_defaults(struct params *p, const struct param_default *defaults)
{
    memset(p, 0, sizeof *p);
    for (int id = 0; id < P_COUNT; id++) {
        const struct param_def *d = &param_table[id];
        if (d->type == PT_TEXT)
            param_set_text(p, id, d->text_def);
        else
            param_set_long(p, id, d->def);
    }
    apply(p, defaults, 0);
}

void params_apply_defaults(struct params *p, const struct param_default *defaults)
{
    apply(p, defaults, 1);
}

int parse_whole(const char *opt, const char *s, long min, long max, long *out, char *err,
                size_t errlen)
{
    const char *c = s;
    if (*c == '\0') {
        snprintf(err, errlen, "--%s needs a value", opt);
        return -1;
    }
    if (*c == '-' && c[1] >= '0' && c[1] <= '9') {
        snprintf(err, errlen, "--%s must not be negative (got '%s')", opt, s);
        return -1;
    }
    for (; *c; c++)
        if (*c < '0' || *c > '9') {
            snprintf(err, errlen, "--%s takes a whole number, not '%s'", opt, s);
            return -1;
        }
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno == ERANGE || v < min || v > max) {
        snprintf(err, errlen, "--%s must be between %ld and %ld (got '%s')", opt, min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* 1 when value is one of the '|'-separated choices. */
static int one_of(const char *choices, const char *value)
{
    size_t len = strlen(value);
    for (const char *c = choices; *c;) {
        size_t n = strcspn(c, "|");
        if (n == len && strncmp(c, value, n) == 0) return 1;
        c += n + (c[n] == '|');
    }
    return 0;
}

int param_parse(struct params *p, enum param_id id, const char *value, char *err, size_t errlen)
{
    const struct param_def *d = &param_table[id];
    if (d->type == PT_LONG || d->type == PT_DURATION) {
        long v;
        int rc = d->type == PT_LONG
                     ? parse_whole(d->name, value, d->min, d->max, &v, err, errlen)
                     : parse_duration(d->name, value, d->unit_us, d->min, d->max, &v, err, errlen);
        if (rc != 0) return -1;
        param_set_long(p, id, v);
    } else if (d->type == PT_TEXT) {
        if (d->choices && !one_of(d->choices, value)) {
            snprintf(err, errlen, "unknown --%s '%s' (%s)", d->name, value, d->choices);
            return -1;
        }
        param_set_text(p, id, value);
    } else {
        param_set_long(p, id, 1);
    }
    p->set |= PM(id);
    return 0;
}
