/* NAME    cli.c
 * PURPOSE The cvpbench command line: the contract scripts, tests and users rely on. Extend it;
 *         never rename or remove an option. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_THREADS = 256,
    OPT_CONCURRENCY,
    OPT_TASKS,
    OPT_LATENCY,
    OPT_SIZE,
    OPT_REPS,
    OPT_WARMUP,
    OPT_FORMAT,
    OPT_KERNEL,
    OPT_PIN,
    OPT_BLOCKING,
    OPT_TIMEOUT,
    OPT_URL,
    OPT_URL_BASE,
    OPT_REUSE,
    OPT_NO_REUSE,
    OPT_WORK_US,
    OPT_OUTPUT,
    OPT_LIST,
    OPT_VERSION,
    OPT_QUIET,
};

static const struct option long_opts[] = {
    {"workload", required_argument, NULL, 'w'},
    {"executor", required_argument, NULL, 'e'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"tasks", required_argument, NULL, OPT_TASKS},
    {"latency-ms", required_argument, NULL, OPT_LATENCY},
    {"size", required_argument, NULL, OPT_SIZE},
    {"reps", required_argument, NULL, OPT_REPS},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"pin", no_argument, NULL, OPT_PIN},
    {"blocking", no_argument, NULL, OPT_BLOCKING},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"url", required_argument, NULL, OPT_URL},
    {"url-base", required_argument, NULL, OPT_URL_BASE},
    {"reuse", no_argument, NULL, OPT_REUSE},
    {"no-reuse", no_argument, NULL, OPT_NO_REUSE},
    {"work-us", required_argument, NULL, OPT_WORK_US},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"list", no_argument, NULL, OPT_LIST},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static const char *const param_names[P_COUNT] = {
    [P_THREADS] = "threads",
    [P_CONCURRENCY] = "concurrency",
    [P_TASKS] = "tasks",
    [P_LATENCY_MS] = "latency-ms",
    [P_SIZE] = "size",
    [P_KERNEL] = "kernel",
    [P_PIN] = "pin",
    [P_BLOCKING] = "blocking",
    [P_TIMEOUT_MS] = "timeout-ms",
    [P_URL] = "url",
    [P_URL_BASE] = "url-base",
    [P_REUSE] = "reuse",
    [P_WORK_US] = "work-us",
};

const char *param_name(enum param_id id)
{
    return (unsigned)id < P_COUNT ? param_names[id] : "?";
}

void cli_usage(FILE *f)
{
    fputs("usage: cvpbench -w WORKLOAD -e EXECUTOR [options]\n"
          "       cvpbench --list | --help | --version\n"
          "\n"
          "Runs one workload under one executor and reports each repetition. The executor is the\n"
          "only variable: concurrency (waits overlap on one thread) versus parallelism (work\n"
          "overlaps on several cores).\n"
          "\n"
          "  -w, --workload NAME    what each task does (see --list)\n"
          "  -e, --executor NAME    how tasks are scheduled (see --list)\n"
          "      --tasks N          tasks per batch (default: the workload's; matmul: size/64)\n"
          "      --threads T        worker threads (thread-pool, openmp; default: --concurrency,\n"
          "                         else the usable cores)\n"
          "      --concurrency C    most tasks in flight at once (event-loop; 0 = no cap); for\n"
          "                         thread-pool and openmp it is their thread count\n"
          "      --pin              pin worker threads to cores (recorded as \"pinned\")\n"
          "      --latency-ms L     each I/O task waits L ms (default 100)\n"
          "      --timeout-ms T     per-request deadline for http (default 30000; 0 = none)\n"
          "      --url URL          http: fetch this URL in every task\n"
          "      --url-base URL     http: the mock server, e.g. http://127.0.0.1:8080\n"
          "      --reuse, --no-reuse  http: keep connections alive (default) or one per task\n"
          "      --blocking         event-loop: call the blocking form on the loop thread (the "
          "stall)\n"
          "      --size n           matmul: matrix order (default 1024)\n"
          "      --kernel K         matmul: blocked (default), ikj or naive\n"
          "      --work-us W        mixed: CPU work per task, in microseconds\n"
          "      --reps R           timed repetitions, each reported (default 1)\n"
          "      --warmup W         untimed repetitions first (default 0)\n"
          "      --format F         text (default), json (one object per line) or csv\n"
          "      --output FILE      write there instead of stdout, replaced atomically after\n"
          "                         every repetition (an interrupted run keeps completed ones)\n"
          "      --quiet            no progress line on stderr\n"
          "\n"
          "Exit status: 0 every repetition valid; 1 a repetition failed validation or the run\n"
          "could not start; 2 bad command line.\n",
          f);
}

void cli_list(FILE *f)
{
    static const char *const kinds[] = {"io", "cpu", "mixed"};
    fputs("workloads:\n", f);
    for (const struct workload *const *w = workloads; *w; w++)
        fprintf(f, "  %-12s %-5s %s\n", (*w)->name, kinds[(*w)->kind], (*w)->summary);
    fputs("executors:\n", f);
    for (const struct executor *const *e = executors; *e; e++)
        fprintf(f, "  %-12s %s\n", (*e)->name, (*e)->summary);
}

/* Strict whole-number parsing: digits only (no sign, no spaces, no suffix), within [min, max]. */
static int parse_long(const char *opt, const char *s, long min, long max, long *out, char *err,
                      size_t errlen)
{
    const char *p = s;
    if (*p == '\0') {
        snprintf(err, errlen, "--%s needs a value", opt);
        return -1;
    }
    if (*p == '-' && p[1] >= '0' && p[1] <= '9') {
        snprintf(err, errlen, "--%s must not be negative (got '%s')", opt, s);
        return -1;
    }
    for (; *p; p++)
        if (*p < '0' || *p > '9') {
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

static void defaults(struct run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->reps = 1;
    o->warmup = 0;
    o->format = FMT_TEXT;
    o->p.latency_ms = 100;
    o->p.size = 1024;
    o->p.kernel = "blocked";
    o->p.timeout_ms = 30000;
    o->p.reuse = 1;
}

/* Numeric options: which parameter, where it goes, and its range. */
struct num_opt {
    int opt;
    int param; /* enum param_id, or -1 for run options */
    long min, max;
};

static const struct num_opt num_opts[] = {
    {OPT_THREADS, P_THREADS, 1, 100000},   {OPT_CONCURRENCY, P_CONCURRENCY, 0, 10000000},
    {OPT_TASKS, P_TASKS, 1, 100000000},    {OPT_LATENCY, P_LATENCY_MS, 0, 3600000},
    {OPT_SIZE, P_SIZE, 1, 16384},          {OPT_TIMEOUT, P_TIMEOUT_MS, 0, 86400000},
    {OPT_WORK_US, P_WORK_US, 0, 60000000}, {OPT_REPS, -1, 1, 100000},
    {OPT_WARMUP, -1, 0, 100000},
};

static long *num_target(struct run_opts *o, int opt)
{
    switch (opt) {
    case OPT_THREADS:
        return &o->p.threads;
    case OPT_CONCURRENCY:
        return &o->p.concurrency;
    case OPT_TASKS:
        return &o->p.tasks;
    case OPT_LATENCY:
        return &o->p.latency_ms;
    case OPT_SIZE:
        return &o->p.size;
    case OPT_TIMEOUT:
        return &o->p.timeout_ms;
    case OPT_WORK_US:
        return &o->p.work_us;
    case OPT_REPS:
        return &o->reps;
    case OPT_WARMUP:
        return &o->warmup;
    }
    return NULL;
}

/* --output is written through FILE.tmp and a rename: find out now, not after the first
 * repetition, whether that can work. */
static int output_writable(const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "--output %s: cannot write %s: %s", path, tmp, strerror(errno));
        return 0;
    }
    fclose(f);
    remove(tmp);
    return 1;
}

enum cli_action cli_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
    int saw_reuse = 0; /* 1: --reuse, 2: --no-reuse */
    defaults(o);
    const char *wname = NULL, *ename = NULL;
    enum cli_action action = CLI_RUN;
    opterr = 0; /* we print our own one-line errors */
    optind = 1;
    int c, longidx;
    while ((c = getopt_long(argc, argv, ":w:e:h", long_opts, &longidx)) != -1) {
        const struct num_opt *num = NULL;
        for (size_t k = 0; k < sizeof num_opts / sizeof num_opts[0]; k++)
            if (num_opts[k].opt == c) num = &num_opts[k];
        if (num) {
            const char *name = long_opts[longidx].name;
            if (parse_long(name, optarg, num->min, num->max, num_target(o, c), err, errlen))
                return CLI_ERROR;
            if (num->param >= 0) o->p.set |= PM(num->param);
            continue;
        }
        switch (c) {
        case 'w':
            wname = optarg;
            break;
        case 'e':
            ename = optarg;
            break;
        case 'h':
            action = CLI_HELP;
            break;
        case OPT_VERSION:
            action = CLI_VERSION;
            break;
        case OPT_LIST:
            action = CLI_LIST;
            break;
        case OPT_QUIET:
            o->progress = -1;
            break;
        case OPT_PIN:
            o->p.pin = 1;
            o->p.set |= PM(P_PIN);
            break;
        case OPT_BLOCKING:
            o->p.blocking = 1;
            o->p.set |= PM(P_BLOCKING);
            break;
        case OPT_REUSE:
            saw_reuse |= 1;
            o->p.reuse = 1;
            o->p.set |= PM(P_REUSE);
            break;
        case OPT_NO_REUSE:
            saw_reuse |= 2;
            o->p.reuse = 0;
            o->p.set |= PM(P_REUSE);
            break;
        case OPT_KERNEL:
            o->p.kernel = optarg;
            o->p.set |= PM(P_KERNEL);
            break;
        case OPT_URL:
            o->p.url = optarg;
            o->p.set |= PM(P_URL);
            break;
        case OPT_URL_BASE:
            o->p.url_base = optarg;
            o->p.set |= PM(P_URL_BASE);
            break;
        case OPT_OUTPUT:
            o->output = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o->format = FMT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                o->format = FMT_CSV;
            else {
                snprintf(err, errlen, "--format must be text, json or csv, not '%s'", optarg);
                return CLI_ERROR;
            }
            break;
        case ':':
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return CLI_ERROR;
        default:
            snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
            return CLI_ERROR;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_ERROR;
    }
    /* Two flags that contradict each other: refuse rather than let the last one win. */
    if (saw_reuse == 3) {
        snprintf(err, errlen, "--reuse and --no-reuse contradict each other");
        return CLI_ERROR;
    }
    if (o->p.url && o->p.url_base) {
        snprintf(err, errlen, "--url and --url-base are alternatives: give one");
        return CLI_ERROR;
    }
    if (action == CLI_RUN && o->output && !output_writable(o->output, err, errlen))
        return CLI_ERROR;
    if (action != CLI_RUN) return action;
    if (!wname || !ename) {
        snprintf(err, errlen, "%s is required (see --list and --help)",
                 !wname ? "--workload" : "--executor");
        return CLI_ERROR;
    }
    if (!(o->w = workload_find(wname))) {
        snprintf(err, errlen, "unknown workload '%s' (see --list)", wname);
        return CLI_ERROR;
    }
    if (!(o->e = executor_find(ename))) {
        snprintf(err, errlen, "unknown executor '%s' (see --list)", ename);
        return CLI_ERROR;
    }
    /* A flag that neither side reads would be silently ignored: refuse it instead. */
    unsigned stray = o->p.set & ~(o->w->params | o->e->params);
    for (int id = 0; id < P_COUNT; id++)
        if (stray & PM(id)) {
            snprintf(err, errlen, "--%s does not apply to workload %s under executor %s",
                     param_name(id), o->w->name, o->e->name);
            return CLI_ERROR;
        }
    o->progress = o->progress == 0 && isatty(2);
    return CLI_RUN;
}
