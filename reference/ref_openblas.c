/* NAME    ref_openblas.c
 * PURPOSE The openblas reference program (build/bin/ref-openblas, run as reference/openblas):
 *         C = A x B in one cblas_dgemm call on OpenBLAS's own threads (--threads T, 1..cores),
 *         on cvpbench's inputs and with its closed-form check of every element. OpenBLAS reads
 *         OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE once, when it is loaded
 *         (before main), so the program sets the first, clears the other two (they can force a
 *         slower kernel) and re-executes itself once when the environment differs; the sample
 *         records what was cleared and which kernel ran. Command line and sample line as the
 *         other references (reference/README.md).
 * USAGE   reference/openblas -w matmul [--size n] [--threads T] [--reps R] [--warmup W]
 *         [--format text|json] | --describe */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "jsonw.h"
#include "matmul.h"
#include "resources.h"

#define NAME        "openblas"
#define REEXEC_MARK "CVP_REF_OPENBLAS_CLEARED" /* set for the re-executed run: what was cleared */

static const char *const cleared_vars[] = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", NULL};
static const char *const thread_vars[] = {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", NULL};
/* cvpbench's parameters this program does not read: a warning each, recorded as ignored. */
static const char *const unread[] = {"tasks",      "latency-ms",  "url-base", "url",
                                     "timeout-ms", "concurrency", "work-us",  NULL};

struct opts {
    long size;    /* matrix order n */
    long threads; /* OpenBLAS threads, 1..cores */
    long reps;    /* timed repetitions */
    long warmup;  /* untimed calls first */
    int json, describe, corrupt, strict;
    const char *workload;
    const char *ignored[8];
    int nignored;
};

static void usage_error(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, NAME ": ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(2);
}

static long parse_long(const char *name, const char *text, long lo, long hi)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo || v > hi) {
        char range[64];
        snprintf(range, sizeof range, "%ld..%ld", lo, hi);
        fprintf(stderr, NAME ": --%s: '%s' is not an integer in %s\n", name, text, range);
        exit(2);
    }
    return v;
}

static void help(void)
{
    printf("usage: " NAME " -w matmul [options]\n\n"
           "C = A x B with one cblas_dgemm call on OpenBLAS's threads (OPENBLAS_CORETYPE and\n"
           "OPENBLAS_L2_SIZE cleared; the kernel that ran is recorded).\n\n"
           "Options:\n"
           "  -w, --workload NAME   matmul\n"
           "      --size n          matrix order [default 1024; 1..16384]\n"
           "      --threads T       OpenBLAS threads [default: the usable cores; 1..cores]\n"
           "      --reps R          timed repetitions, one sample each [default 1]\n"
           "      --warmup W        untimed calls first [default 0]\n"
           "      --format F        text (default) or json\n"
           "      --describe        one JSON object: what this program runs, reads and needs\n"
           "      --strict          a parameter it does not read is an error, not a warning\n"
           "  -h, --help            this text\n\n"
           "Exit status: 0 every repetition valid; 1 one was not, or the run could not start;\n"
           "2 bad command line.\n");
    exit(0);
}

static void parse(int argc, char **argv, struct opts *o)
{
    int cores = context_cores();
    *o = (struct opts){.size = 1024, .threads = cores, .reps = 1};
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *arg = argv[i], *value = NULL, *eq = strchr(arg, '=');
        snprintf(name, sizeof name, "%.*s", eq && arg[1] == '-' ? (int)(eq - arg) : 63, arg);
        if (eq && arg[1] == '-') value = eq + 1;
        if (!strcmp(name, "-h") || !strcmp(name, "--help")) help();
        if (!strcmp(name, "--describe"))
            o->describe = 1;
        else if (!strcmp(name, "--corrupt"))
            o->corrupt = 1; /* test-only: one element changed */
        else if (!strcmp(name, "--strict"))
            o->strict = 1;
        else {
            int known = !strcmp(name, "-w") || !strcmp(name, "--workload") ||
                        !strcmp(name, "--format") || !strcmp(name, "--size") ||
                        !strcmp(name, "--threads") || !strcmp(name, "--reps") ||
                        !strcmp(name, "--warmup");
            int skipped = 0;
            for (int k = 0; unread[k]; k++)
                if (!strncmp(name, "--", 2) && !strcmp(name + 2, unread[k])) skipped = 1;
            if (!known && !skipped) usage_error("unknown option '%s' (see --help)%s", arg, "");
            if (!value) {
                if (i + 1 >= argc) usage_error("%s needs a value%s", name, "");
                value = argv[++i];
            }
            if (skipped) {
                if (o->strict) usage_error("%s is not read by " NAME "%s", name, "");
                fprintf(stderr,
                        NAME ": warning: %s is not read by matmul under " NAME "; ignored\n", name);
                if (o->nignored < 8) o->ignored[o->nignored++] = strdup(name + 2);
            } else if (!strcmp(name, "-w") || !strcmp(name, "--workload")) {
                o->workload = value;
            } else if (!strcmp(name, "--format")) {
                if (strcmp(value, "json") && strcmp(value, "text"))
                    usage_error("--format must be text or json, not '%s'%s", value, "");
                o->json = !strcmp(value, "json");
            } else if (!strcmp(name, "--size")) {
                o->size = parse_long("size", value, 1, 16384);
            } else if (!strcmp(name, "--threads")) {
                o->threads = parse_long("threads", value, 1, cores);
            } else if (!strcmp(name, "--reps")) {
                o->reps = parse_long("reps", value, 1, 1000000);
            } else {
                o->warmup = parse_long("warmup", value, 0, 1000000);
            }
        }
    }
    if (o->describe) return;
    if (!o->workload) usage_error("needs -w WORKLOAD (matmul)%s%s", "", "");
    if (strcmp(o->workload, "matmul")) usage_error("runs matmul; not '%s'%s", o->workload, "");
}

/* 1 when OpenBLAS was loaded with the environment the run needs. */
static int env_ready(long threads)
{
    char want[24];
    snprintf(want, sizeof want, "%ld", threads);
    for (int k = 0; cleared_vars[k]; k++)
        if (getenv(cleared_vars[k])) return 0;
    for (int k = 0; thread_vars[k]; k++) {
        const char *v = getenv(thread_vars[k]);
        if (!v || strcmp(v, want)) return 0;
    }
    return 1;
}

/* Sets the environment and runs this program again, so that OpenBLAS loads with it; what was
 * cleared travels in REEXEC_MARK ("NAME=value;..."). Only once: a second run proceeds. */
static void reexec_if_needed(char **argv, long threads)
{
    if (env_ready(threads) || getenv(REEXEC_MARK)) return;
    char mark[1024] = "";
    for (int k = 0; cleared_vars[k]; k++) {
        const char *v = getenv(cleared_vars[k]);
        if (!v) continue;
        size_t len = strlen(mark);
        snprintf(mark + len, sizeof mark - len, "%s%s=%s", len ? ";" : "", cleared_vars[k], v);
        unsetenv(cleared_vars[k]);
    }
    char want[24];
    snprintf(want, sizeof want, "%ld", threads);
    for (int k = 0; thread_vars[k]; k++)
        setenv(thread_vars[k], want, 1);
    setenv(REEXEC_MARK, mark, 1);
    execv("/proc/self/exe", argv);
    perror(NAME ": re-executing with OpenBLAS's environment");
    exit(1);
}

/* The cleared variables as JSON members, from the mark the first run left. */
static void json_cleared(struct jw *j, const char *mark)
{
    jw_obj_begin(j, "env_cleared");
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", mark ? mark : "");
    for (char *save, *item = strtok_r(buf, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) continue;
        *eq = '\0';
        jw_str(j, item, eq + 1);
    }
    jw_obj_end(j);
}

static void json_runtime(struct jw *j)
{
    jw_obj_begin(j, "runtime");
    jw_str(j, "openblas", openblas_get_config());
    jw_str(j, "corename", openblas_get_corename());
    jw_int(j, "num_threads", openblas_get_num_threads());
    jw_obj_end(j);
}

static int pretend_missing(void)
{
    const char *p = getenv("CVP_REF_PRETEND_MISSING"); /* test-only */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", p ? p : "");
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (!strcmp(t, "openblas") || !strcmp(t, "libopenblas-dev")) return 1;
    return 0;
}

static void describe(const char *mark)
{
    int missing = pretend_missing();
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_str(&j, "name", NAME);
    jw_str(&j, "summary",
           "C = A x B with one cblas_dgemm call on OpenBLAS's threads "
           "(OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE cleared)");
    jw_arr_begin(&j, "workloads");
    jw_str(&j, NULL, "matmul");
    jw_arr_end(&j);
    jw_arr_begin(&j, "params");
    const char *params[] = {"size", "threads", "reps", "warmup"};
    for (int k = 0; k < 4; k++)
        jw_str(&j, NULL, params[k]);
    jw_arr_end(&j);
    jw_obj_begin(&j, "limits");
    jw_int(&j, "threads", context_cores());
    jw_obj_end(&j);
    jw_bool(&j, "available", !missing);
    jw_str(&j, "why", missing ? "not installed: libopenblas-dev" : NULL);
    if (!missing) {
        json_runtime(&j);
        json_cleared(&j, mark);
    } else {
        jw_obj_begin(&j, "runtime");
        jw_obj_end(&j);
    }
    /* One task: C = A x B in one call, computed by --threads threads (cvpbench's terms). */
    jw_obj_begin(&j, "rule");
    jw_str(&j, "waits_at_once", "1");
    jw_str(&j, "computes_at_once", "threads");
    jw_str(&j, "overlap", "workers");
    jw_obj_end(&j);
    jw_bool(&j, "reference", 1);
    jw_obj_end(&j);
    printf("%s\n", j.buf);
    jw_free(&j);
}

static void emit(const struct opts *o, const struct context *ctx, const char *mark, long rep,
                 const struct usage *u, const char *why)
{
    double us = u->wall_s * 1e6, n = (double)o->size;
    double gflops = 2.0 * n * n * n / u->wall_s / 1e9;
    if (!o->json) {
        printf(NAME " threads=%ld: matmul rep %ld: %.6f s, 1/1 ok, CPU %.3f s, peak RSS %ld KiB, "
                    "%.2f GFLOP/s%s%s\n",
               o->threads, rep, u->wall_s, u->cpu.user_s + u->cpu.sys_s, u->max_rss_kib, gflops,
               why ? ", INVALID: " : "", why ? why : "");
        fflush(stdout);
        return;
    }
    char arm[64], when[32];
    snprintf(arm, sizeof arm, NAME " threads=%ld", o->threads);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_int(&j, "schema", 1);
    jw_str(&j, "type", "sample");
    jw_str(&j, "workload", "matmul");
    jw_str(&j, "executor", NAME);
    jw_str(&j, "arm", arm);
    jw_int(&j, "arm_index", 0);
    jw_str(&j, "kind", "cpu");
    jw_obj_begin(&j, "params");
    jw_int(&j, "tasks", 1);
    jw_int(&j, "size", o->size);
    jw_int(&j, "threads", o->threads);
    jw_int(&j, "reps", o->reps);
    jw_int(&j, "warmup", o->warmup);
    jw_arr_begin(&j, "ignored");
    for (int k = 0; k < o->nignored; k++)
        jw_str(&j, NULL, o->ignored[k]);
    jw_arr_end(&j);
    jw_obj_end(&j);
    jw_int(&j, "rep", rep);
    jw_int(&j, "round", rep);
    jw_int(&j, "batches", 1);
    jw_str(&j, "time_utc", when);
    jw_int(&j, "threads", o->threads);
    jw_int(&j, "concurrency", o->threads);
    jw_str(&j, "overlap", "library");
    jw_num(&j, "wall_s", u->wall_s);
    jw_num(&j, "user_s", u->cpu.user_s);
    jw_num(&j, "sys_s", u->cpu.sys_s);
    jw_int(&j, "vcsw", u->cpu.vcsw);
    jw_int(&j, "ivcsw", u->cpu.ivcsw);
    jw_int(&j, "max_rss_kib", u->max_rss_kib);
    jw_str(&j, "rss_scope", u->rss_scope);
    jw_int(&j, "rss_growth_kib", u->rss_growth_kib);
    jw_int(&j, "minflt", u->cpu.minflt);
    jw_int(&j, "majflt", u->cpu.majflt);
    jw_int(&j, "migrations", u->migrations);
    jw_int(&j, "tasks", 1);
    jw_int(&j, "ok", 1); /* the call returned; whether C is right is "valid" */
    jw_obj_begin(&j, "errors");
    const char *classes[] = {"connect", "timeout", "http_status", "reset", "other", "not_run"};
    for (int k = 0; k < 6; k++)
        jw_int(&j, classes[k], 0);
    jw_obj_end(&j);
    jw_obj_begin(&j, "error_samples");
    jw_obj_end(&j);
    jw_num(&j, "tasks_per_s", 1.0 / u->wall_s);
    jw_obj_begin(&j, "latency_us");
    jw_num(&j, "mean", us);
    const char *q[] = {"min", "p50", "p90", "p99", "max"};
    for (int k = 0; k < 5; k++)
        jw_int(&j, q[k], (long long)(us + 0.5));
    jw_obj_end(&j);
    jw_num(&j, "gflops", gflops);
    jw_bool(&j, "valid", why == NULL);
    jw_str(&j, "invalid_reason", why);
    jw_bool(&j, "reference", 1);
    jw_obj_begin(&j, "workload_metrics");
    jw_obj_end(&j);
    jw_obj_begin(&j, "context");
    context_json_members(&j, ctx);
    json_runtime(&j);
    json_cleared(&j, mark);
    jw_obj_end(&j);
    jw_obj_end(&j);
    printf("%s\n", j.buf);
    fflush(stdout);
    jw_free(&j);
}

static double *alloc_matrix(long n)
{
    size_t bytes = ((size_t)n * (size_t)n * sizeof(double) + 63) / 64 * 64;
    return aligned_alloc(64, bytes);
}

int main(int argc, char **argv)
{
    struct opts o;
    parse(argc, argv, &o);
    reexec_if_needed(argv, o.threads);
    const char *mark = getenv(REEXEC_MARK);
    if (o.describe) {
        describe(mark);
        return 0;
    }
    if (pretend_missing()) {
        fprintf(stderr, NAME ": not installed: libopenblas-dev (scripts/install-deps.sh "
                             "reference)\n");
        return 1;
    }
    openblas_set_num_threads((int)o.threads);
    if (openblas_get_num_threads() != o.threads) {
        fprintf(stderr, NAME ": OpenBLAS runs %d threads, not --threads %ld\n",
                openblas_get_num_threads(), o.threads);
        return 1;
    }
    struct context ctx;
    context_collect(&ctx, 0);
    long n = o.size;
    double *a = alloc_matrix(n), *b = alloc_matrix(n), *c = alloc_matrix(n);
    if (!a || !b || !c) {
        fprintf(stderr, NAME ": out of memory for --size %ld\n", n);
        return 1;
    }
    mm_fill_inputs(n, a, b);
    int invalid = 0;
    for (long rep = -o.warmup; rep < o.reps; rep++) {
        /* C is overwritten with NaN first, so a call cannot pass on the last call's result. */
        for (long k = 0; k < n * n; k++)
            c[k] = __builtin_nan("");
        struct usage_mark m;
        struct usage u;
        usage_begin(&m);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, a,
                    (int)n, b, (int)n, 0.0, c, (int)n);
        usage_end(&m, &u);
        if (rep < 0) continue;
        if (o.corrupt) c[(n / 2) * n + n / 3] += 1.0;
        char why[256];
        int bad = mm_check(n, c, why, sizeof why) != 0;
        invalid |= bad;
        emit(&o, &ctx, mark, rep, &u, bad ? why : NULL);
    }
    free(a);
    free(b);
    free(c);
    return invalid;
}
