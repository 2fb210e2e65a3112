/* NAME    params.h
 * PURPOSE The parameters of one run and the one table that describes every command-line option
 *         (name, type, default, range, help). getopt, --help, --list --format json, validation,
 *         defaults and the JSON "params" block all read that table (params.c); a workload or an
 *         executor only declares which parameters it reads (a PM() mask) and, for a workload,
 *         its own defaults. Adding a parameter = an id below, a field in struct params, a row in
 *         params.c. */
#ifndef CVP_PARAMS_H
#define CVP_PARAMS_H

#include <stddef.h>

enum param_id {
    P_THREADS,
    P_CONCURRENCY,
    P_TASKS,
    P_LATENCY_MS,
    P_SIZE,
    P_KERNEL,
    P_PIN,
    P_BLOCKING,
    P_TIMEOUT_MS,
    P_URL,
    P_URL_BASE,
    P_REUSE,
    P_WORK_US,
    P_BLOCKING_TASKS,
    P_FILE_SIZE,
    P_BLOCK,
    P_WRITE,
    P_FSYNC,
    P_CACHE,
    P_IO,
    P_FS_THREADS,
    P_DB_ROWS,
    P_ROWS,
    P_WRITE_RATIO,
    /* issue 17 (hardening) */
    P_ALLOW_REMOTE,
    P_RANKS,
    P_INNER,
    P_COUNT
};
/* A parameter's bit in the masks workloads, executors and struct params carry (unsigned: 32
 * bits). The assertion stops the build when a new parameter would overflow it, instead of
 * shifting past the width (undefined) and silently sharing a bit. */
#define PM(id) (1u << (id))
_Static_assert(P_COUNT <= 32, "more parameters than bits in a PM() mask: widen the masks");

struct params {
    long threads;         /* worker threads; 0 = the executor's default */
    long concurrency;     /* most tasks in flight at once; 0 = no cap */
    long tasks;           /* tasks per batch; 0 = the workload decides (matmul: size/64) */
    long latency_us;      /* per-task wait, in microseconds (--latency-ms takes 20, 0.3, 300us) */
    long size;            /* matrix order n */
    const char *kernel;   /* matmul kernel name */
    int pin;              /* 1 = pin worker threads to cores */
    int blocking;         /* 1 = the event loop calls a blocking function (the stall demo) */
    long timeout_ms;      /* per-task deadline, in milliseconds; 0 = none */
    const char *url;      /* full URL every HTTP task fetches (overrides url_base) */
    const char *url_base; /* scheme://host:port of the server the HTTP tasks use */
    int reuse;            /* 1 = keep connections alive across tasks */
    long work_us;         /* per-task CPU work, in microseconds */
    long blocking_tasks;  /* that many tasks call the blocking form on the loop thread */
    long file_size;       /* bytes of each file (file workload) */
    long block;           /* bytes per read or write call; 0 = the whole file in one call */
    int write;            /* 1 = each file task writes its file instead of reading it */
    int fsync;            /* 1 = fsync each file after writing it */
    const char *cache;    /* "cold" (pages dropped before each batch) or "warm" (pre-read) */
    const char *io;       /* the loop form's file engine: "uv" (libuv's pool) or "uring" */
    long fs_threads;      /* libuv's pool size (UV_THREADPOOL_SIZE); 0 = as the environment says */
    long db_rows;         /* rows of the generated SQLite table */
    long rows;            /* rows one query reads: 1 = a point lookup, else a range aggregate */
    long write_ratio;     /* percent of SQLite tasks that are updates */
    int allow_remote;     /* 1 = HTTP tasks may fetch hosts beyond loopback (your own service) */
    long ranks;           /* mpi: ranks (0 = as launched: mpirun's -np, else 1) */
    const char *inner;    /* mpi: the executor each rank runs its share with */
    unsigned set;         /* PM() bits of the parameters given explicitly */
};

enum param_type {
    PT_LONG,     /* a whole number within [min, max] */
    PT_FLAG,     /* present or not; `negation` names the option that clears it */
    PT_TEXT,     /* a string; `choices` ("a|b|c") restricts it when given */
    PT_DURATION, /* a duration stored in microseconds: a number in the row's unit (ms), or with
                  * its own unit (300us, 1.5ms, 2s); def, min and max in microseconds */
};

/* One row of the table: a parameter of workloads and executors. */
struct param_def {
    enum param_id id;
    const char *name; /* the long option and the key in suite files ("latency-ms") */
    enum param_type type;
    size_t offset;        /* of its field in struct params */
    long def;             /* PT_LONG and PT_FLAG: the default (a workload may state its own) */
    long min, max;        /* PT_LONG: accepted range */
    const char *text_def; /* PT_TEXT: the default */
    const char *choices;  /* PT_TEXT: "a|b|c", or NULL for free text */
    const char *negation; /* PT_FLAG: the option that turns it off ("no-reuse"), or NULL */
    const char *arg;      /* the value's name in --help ("N", "MS") */
    long unit_us;         /* PT_DURATION: microseconds per unit of a bare number (1000: ms) */
    const char *help;     /* one line */
};

/* A workload's own default for one parameter (a list ends with id == P_COUNT). */
struct param_default {
    enum param_id id;
    long value;       /* PT_LONG, PT_FLAG */
    const char *text; /* PT_TEXT */
};

extern const struct param_def param_table[P_COUNT];

/* The row of a parameter; its command-line name. */
const struct param_def *param_def(enum param_id id);
const char *param_name(enum param_id id);
/* The row named name ("latency-ms"), or NULL. */
const struct param_def *param_find(const char *name);

/* Sets every parameter to the table's default, then to the workload's own where it has one
 * (defaults may be NULL). Nothing is marked as set. */
void params_defaults(struct params *p, const struct param_default *defaults);
/* Re-applies a workload's defaults to the parameters not given explicitly. */
void params_apply_defaults(struct params *p, const struct param_default *defaults);

/* Typed access through the table (for generic code: reports, listings). */
long param_long(const struct params *p, enum param_id id);
const char *param_text(const struct params *p, enum param_id id);
void param_set_long(struct params *p, enum param_id id, long v);
void param_set_text(struct params *p, enum param_id id, const char *v);

/* Parses a value given for id (PT_LONG: digits only, within range; PT_TEXT: one of the
 * choices). Returns 0, or -1 with one line in err naming the option. */
int param_parse(struct params *p, enum param_id id, const char *value, char *err, size_t errlen);
/* A duration ("20" in unit_us, "0.3", "300us", "1.5ms", "2s") in microseconds, within
 * [min, max] us. Returns 0, or -1 with one line in err naming --name. */
int parse_duration(const char *name, const char *s, long unit_us, long min, long max, long *out,
                   char *err, size_t errlen);
/* Strict whole-number parsing for options outside the table: digits only, within [min, max]. */
int parse_whole(const char *opt, const char *s, long min, long max, long *out, char *err,
                size_t errlen);

#endif
