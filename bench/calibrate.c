/* NAME    calibrate.c
 * PURPOSE `cvpbench calibrate`: runs the probes in a fixed order, then prints every figure with
 *         its unit (text, one line each) or as one JSON object in which a figure that could not
 *         be measured is null and "reasons" says why.
 * USAGE   cvpbench calibrate [--format text|json] [--quick] [--help] */
#include "calibrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "context.h"
#include "executor.h"
#include "fma_peak.h"
#include "jsonw.h"
#include "machine.h"
#include "probes.h"
#include "resources.h"
#include "samples.h"

/* How long each probe runs: about 2 s in all by default (3 s on a loaded machine), well under
 * 1 s with --quick. */
struct plan {
    int fma_windows;       /* one-thread windows; the best counts (a peak) */
    double fma_window_s;   /* seconds per window */
    double fma_all_s;      /* seconds of all cores at once: several 100 ms quota periods */
    int create_trials;     /* thread create + join */
    int wake_trials;       /* ping-pongs */
    int connect_trials;    /* loopback connections */
    int sleep_trials;      /* 1 ms nanosleeps, and as many 1 ms uv timers */
    int long_sleep_trials; /* 20 ms nanosleeps: a longer idle wakes from a deeper state */
    long dispatch_tasks;   /* noop tasks per batch, 3 batches per executor */
};

static const struct plan plan_full = {5, 0.06, 0.4, 300, 300, 200, 200, 15, 200000};
static const struct plan plan_quick = {3, 0.015, 0.06, 50, 60, 50, 30, 6, 20000};

#define DISPATCH_BATCHES 3

/* A single figure, or why there is none. */
struct figure {
    int ok;
    double v;
    char why[160];
};

struct calibration {
    struct machine m;
    struct context ctx;
    struct figure fma_one, fma_all; /* GFLOP/s */
    double fma_clock_ghz;           /* the clock right after the one-core FMA windows */
    int fma_threads;
    struct stats create, wake, connect, file_call, sleep_slack, uv_slack, long_sleep_slack; /* us */
    const char *wake_placement;
    struct figure *dispatch; /* one per executor in the registry, us per task */
    int perf_ok;             /* perf_event_open of a migration counter works here */
    char perf_why[160];      /* why not, when it does not */
    struct usage u;          /* of the whole calibration */
    double others_cpu_s;     /* CPU time other processes used meanwhile, in seconds; -1 unknown */
};

/* CPU time all CPUs spent busy so far (user, nice, system, irq, softirq), in seconds; -1 when
 * /proc/stat cannot be read. Less this process's own CPU time, it is what other processes took
 * from the calibration: a busy machine shows here, not only in odd figures. */
static double busy_cpu_s(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    unsigned long long v[7] = {0};
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                     &v[5], &v[6]);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (got != 7 || hz <= 0) return -1;
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / (double)hz; /* not idle, not iowait */
}

static void measure_fma(struct calibration *c, const struct plan *p)
{
    c->fma_one.ok = fma_gflops_one(p->fma_windows, p->fma_window_s, &c->fma_one.v, c->fma_one.why,
                                   sizeof c->fma_one.why) == 0;
    c->fma_clock_ghz = context_clock_ghz();
    c->fma_threads = c->m.usable_cores;
    c->fma_all.ok = fma_gflops_all(&c->m, c->fma_threads, p->fma_all_s, &c->fma_all.v,
                                   c->fma_all.why, sizeof c->fma_all.why) == 0;
}

/* noop under executor e: the cost of handing out one task, median of three batches. */
static void measure_dispatch_one(const struct executor *e, const struct plan *pl, struct figure *f)
{
    const struct workload *w = workload_find("noop");
    struct params p;
    void *ws = NULL, *ex = NULL;
    struct exec_info info = {0};
    struct outcome *out = NULL;
    double per_task[DISPATCH_BATCHES];
    if (!w) {
        snprintf(f->why, sizeof f->why, "no noop workload in the registry");
        return;
    }
    params_defaults(&p, w->defaults);
    p.tasks = pl->dispatch_tasks;
    if (w->setup(&p, &ws, f->why, sizeof f->why) != 0) return;
    if (e->create(w, ws, &p, &ex, &info, f->why, sizeof f->why) != 0) goto teardown;
    long n = w->ntasks(ws);
    if (n <= 0 || !(out = calloc((size_t)n, sizeof *out))) {
        snprintf(f->why, sizeof f->why, "no memory for %ld outcomes", n);
        goto destroy;
    }
    for (int b = 0; b < DISPATCH_BATCHES; b++) {
        if (w->reset) w->reset(ws);
        for (long i = 0; i < n; i++)
            out[i] = (struct outcome){.cls = OUT_NOT_RUN};
        int64_t t0 = now_ns();
        executor_run(e, ex, out, n);
        per_task[b] = (double)(now_ns() - t0) / 1e3 / (double)n;
        for (long i = 0; i < n; i++)
            if (out[i].cls != OUT_OK) {
                snprintf(f->why, sizeof f->why, "task %ld of %ld ended as %s", i, n,
                         outcome_class_name(out[i].cls));
                goto destroy;
            }
    }
    struct stats s;
    stats_of(per_task, DISPATCH_BATCHES, &s);
    f->v = s.median;
    f->ok = 1;
destroy:
    free(out);
    e->destroy(ex);
teardown:
    w->teardown(ws);
}

static void measure_perf(struct calibration *c)
{
    int fd = usage_perf_migrations_open();
    c->perf_ok = fd >= 0;
    if (fd >= 0) {
        close(fd);
        return;
    }
    char level[16] = "?";
    FILE *p = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (p) {
        if (!fgets(level, sizeof level, p)) snprintf(level, sizeof level, "?");
        level[strcspn(level, "\n")] = '\0';
        fclose(p);
    }
    snprintf(c->perf_why, sizeof c->perf_why, "perf_event_open: %s (perf_event_paranoid = %s)",
             strerror(-fd), level);
}

static void measure(struct calibration *c, const struct plan *p)
{
    machine_collect(&c->m);
    context_collect(&c->ctx, 1);
    measure_fma(c, p);
    probe_thread_create(p->create_trials, &c->create);
    probe_wake(&c->m, p->wake_trials, &c->wake, &c->wake_placement);
    probe_connect(p->connect_trials, &c->connect);
    probe_file_call(p->connect_trials, &c->file_call);
    probe_nanosleep_slack(p->sleep_trials, 1000, &c->sleep_slack);
    probe_nanosleep_slack(p->long_sleep_trials, 20000, &c->long_sleep_slack);
    probe_uv_timer_slack(p->sleep_trials, &c->uv_slack);
    for (int k = 0; executors[k]; k++)
        measure_dispatch_one(executors[k], p, &c->dispatch[k]);
    measure_perf(c);
}

/* Writes figures either as JSON members or as "key  value unit" lines, into one buffer. */
struct emit {
    int json;
    struct jw j;       /* the output */
    struct jw reasons; /* JSON: "key": why, for every null */
    char group[48];    /* the enclosing object's key: text lines are "group.key" */
};

static void text_line(struct emit *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void text_line(struct emit *e, const char *key, const char *fmt, ...)
{
    char name[96], value[256], line[400];
    snprintf(name, sizeof name, "%s%s%s", e->group, e->group[0] ? "." : "", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%-32s %s\n", name, value);
    jw_raw(&e->j, line);
}

static void emit_missing(struct emit *e, const char *key, const char *why)
{
    if (!e->json) {
        text_line(e, key, "unavailable: %s", why);
        return;
    }
    char name[96];
    snprintf(name, sizeof name, "%s%s%s", e->group, e->group[0] ? "." : "", key);
    jw_null(&e->j, key);
    jw_str(&e->reasons, name, why);
}

static void emit_num(struct emit *e, const char *key, double v, const char *unit)
{
    if (e->json)
        jw_num(&e->j, key, v);
    else
        text_line(e, key, "%.4g%s%s", v, unit[0] ? " " : "", unit);
}

static void emit_figure(struct emit *e, const char *key, const struct figure *f, const char *unit)
{
    if (f->ok)
        emit_num(e, key, f->v, unit);
    else
        emit_missing(e, key, f->why);
}

static void emit_str(struct emit *e, const char *key, const char *v)
{
    if (e->json)
        jw_str(&e->j, key, v);
    else
        text_line(e, key, "%s", v);
}

/* A yes/no fact; why_not (when not empty) explains a no, like a missing figure's reason. */
static void emit_bool(struct emit *e, const char *key, int v, const char *why_not)
{
    if (!e->json)
        text_line(e, key, "%s%s%s", v ? "yes" : "no", !v && why_not[0] ? ": " : "",
                  v ? "" : why_not);
    else {
        jw_bool(&e->j, key, v);
        if (!v && why_not[0]) jw_str(&e->reasons, key, why_not);
    }
}

static void emit_stats(struct emit *e, const char *key, const struct stats *s, const char *unit)
{
    if (s->n == 0) {
        emit_missing(e, key, s->why);
    } else if (e->json) {
        jw_obj_begin(&e->j, key);
        jw_num(&e->j, "median", s->median);
        jw_num(&e->j, "p90", s->p90);
        jw_int(&e->j, "samples", s->n);
        jw_obj_end(&e->j);
    } else {
        text_line(e, key, "median %.4g %s, p90 %.4g %s (%d samples)", s->median, unit, s->p90, unit,
                  s->n);
    }
}

static void emit_group(struct emit *e, const char *key)
{
    if (e->json) jw_obj_begin(&e->j, key);
    snprintf(e->group, sizeof e->group, "%s", key ? key : "");
}

static void emit_group_end(struct emit *e)
{
    if (e->json) jw_obj_end(&e->j);
    e->group[0] = '\0';
}

static void emit_machine(struct emit *e, const struct calibration *c)
{
    const struct machine *m = &c->m;
    emit_str(e, "cpu_model", c->ctx.cpu_model);
    emit_str(e, "cpu_vector_ext", c->ctx.cpu_vector_ext);
    emit_str(e, "build_march", c->ctx.build_march);
    emit_str(e, "build_isa", c->ctx.build_isa);
    emit_str(e, "cpu_governor", c->ctx.cpu_governor);
    emit_str(e, "cpu_boost", c->ctx.cpu_boost);
    emit_num(e, "cpus_online", m->cpus_online, "logical CPUs");
    emit_num(e, "affinity_cpus", m->cores.logical, "logical CPUs");
    emit_num(e, "physical_cores", m->cores.physical, "cores");
    emit_num(e, "smt_per_core", m->cores.smt_per_core, "logical CPUs per core");
    emit_str(e, "topology_from", m->topology_from);
    emit_num(e, "cgroup_version", m->cgroup_version, "");
    if (m->quota_cores > 0)
        emit_num(e, "quota_cores", m->quota_cores, "cores");
    else
        emit_missing(e, "quota_cores", m->quota_source);
    emit_str(e, "quota_source", m->quota_source);
    emit_num(e, "usable_cores", m->usable_cores, "cores");
    struct figure clock = {.ok = c->ctx.clock_ghz_measured > 0, .v = c->ctx.clock_ghz_measured};
    snprintf(clock.why, sizeof clock.why, "the clock is measured on x86-64 only");
    emit_figure(e, "clock_ghz", &clock, "GHz");
}

static void emit_costs(struct emit *e, const struct calibration *c)
{
    emit_num(e, "fma_vector_bits", fma_vector_bits(), "bits");
    emit_num(e, "fma_accumulators", fma_accumulators(), "");
    emit_figure(e, "fma_gflops_per_core", &c->fma_one, "GFLOP/s");
    /* GFLOP/s over GHz: a whole number (16 for two 256-bit FMA pipes or one 512-bit, 32 for
     * two 512-bit) when the loop ran at the core's full width; the clock says the rest. */
    struct figure fpc = {.ok = c->fma_one.ok && c->fma_clock_ghz > 0};
    if (fpc.ok) fpc.v = c->fma_one.v / c->fma_clock_ghz;
    snprintf(fpc.why, sizeof fpc.why, "needs the FMA figure and the clock (x86-64 only)");
    struct figure fclk = {.ok = c->fma_clock_ghz > 0, .v = c->fma_clock_ghz};
    snprintf(fclk.why, sizeof fclk.why, "the clock is measured on x86-64 only");
    emit_figure(e, "fma_clock_ghz", &fclk, "GHz");
    emit_figure(e, "fma_flops_per_cycle", &fpc, "FLOP/cycle");
    emit_num(e, "fma_threads", c->fma_threads, "threads");
    emit_figure(e, "fma_gflops_all", &c->fma_all, "GFLOP/s");
    struct figure scaling = {.ok = c->fma_one.ok && c->fma_all.ok && c->fma_one.v > 0};
    if (scaling.ok) scaling.v = c->fma_all.v / c->fma_one.v;
    snprintf(scaling.why, sizeof scaling.why, "needs both FMA figures");
    emit_figure(e, "fma_scaling", &scaling, "x one core");
    emit_stats(e, "thread_create_join_us", &c->create, "us");
    emit_stats(e, "wake_us", &c->wake, "us");
    if (c->wake.n > 0) emit_str(e, "wake_placement", c->wake_placement);
    emit_stats(e, "connect_us", &c->connect, "us");
    emit_stats(e, "file_call_us", &c->file_call, "us");
    emit_group(e, "timer_slack_us");
    emit_stats(e, "nanosleep", &c->sleep_slack, "us");
    emit_stats(e, "uv_timer", &c->uv_slack, "us");
    emit_stats(e, "nanosleep_20ms", &c->long_sleep_slack, "us");
    emit_group_end(e);
    emit_group(e, "dispatch_us");
    for (int k = 0; executors[k]; k++)
        emit_figure(e, executors[k]->name, &c->dispatch[k], "us per task");
    emit_group_end(e);
    emit_bool(e, "perf_events", c->perf_ok, c->perf_why);
    emit_str(e, "migrations_from", usage_migrations_source());
}

/* What disturbed the calibration itself: a figure taken under steal or many migrations is
 * suspect, and this says so next to it. */
static void emit_disturbance(struct emit *e, const struct calibration *c, int quick)
{
    emit_num(e, "calibrate_s", c->u.wall_s, "s");
    emit_num(e, "steal_s", c->u.steal_s, "s");
    if (c->others_cpu_s >= 0)
        emit_num(e, "others_cpu_s", c->others_cpu_s, "s of CPU used by other processes");
    else
        emit_missing(e, "others_cpu_s", "/proc/stat unreadable");
    emit_num(e, "ivcsw", (double)c->u.cpu.ivcsw, "preemptions");
    if (c->u.migrations >= 0)
        emit_num(e, "migrations", (double)c->u.migrations, "CPU migrations");
    else
        emit_missing(e, "migrations", "no perf events and no /proc/self/task/TID/sched");
    emit_bool(e, "quick", quick, "");
}

static int print(const struct calibration *c, int json, int quick)
{
    struct emit e = {.json = json};
    jw_init(&e.j);
    jw_init(&e.reasons);
    if (json) {
        jw_obj_begin(&e.j, NULL);
        jw_obj_begin(&e.reasons, NULL);
    }
    emit_machine(&e, c);
    emit_costs(&e, c);
    emit_disturbance(&e, c, quick);
    if (json) {
        jw_obj_end(&e.reasons);
        jw_raw_member(&e.j, "reasons", e.reasons.buf ? e.reasons.buf : "{}");
        jw_obj_end(&e.j);
    }
    int ok = !e.j.oom && !e.reasons.oom && e.j.buf;
    if (ok) printf("%s%s", e.j.buf, json ? "\n" : "");
    jw_free(&e.j);
    jw_free(&e.reasons);
    if (!ok) fprintf(stderr, "cvpbench calibrate: out of memory for the report\n");
    return ok && fflush(stdout) == 0 ? 0 : 1;
}

static void usage(FILE *f)
{
    fputs("Usage: cvpbench calibrate [--format text|json] [--quick]\n"
          "\n"
          "Measures the costs this machine's models need, in about 2 s (--quick: under 1 s,\n"
          "noisier): the cores usable for parallel work (affinity set, physical cores, cgroup\n"
          "quota), the FMA peak of one core and of all usable cores, thread create+join, a\n"
          "wake-up (across cores where there are two), a loopback TCP connect, a call on a\n"
          "cached file, how late a 1 ms sleep and a 1 ms libuv timer return, and each\n"
          "executor's cost per task on empty tasks. Times are in\n"
          "microseconds (median and p90). A figure that cannot be measured here is null in\n"
          "JSON, with its reason under \"reasons\".\n"
          "\n"
          "  --format F   text (default: one line per figure, with its unit) or json (one object)\n"
          "  --quick      shorter trials (for tests)\n"
          "  -h, --help   this text\n",
          f);
}

/* Returns -1 to run, else the exit status (0 for --help, 2 for a bad option). */
static int parse(int argc, char **argv, int *json, int *quick)
{
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k], *fmt = NULL;
        if (strcmp(a, "--quick") == 0) {
            *quick = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strncmp(a, "--format=", 9) == 0) {
            fmt = a + 9;
        } else if (strcmp(a, "--format") == 0) {
            if (k + 1 >= argc) {
                fprintf(stderr, "cvpbench calibrate: --format needs a value: text or json\n");
                return 2;
            }
            fmt = argv[++k];
        } else {
            fprintf(stderr, "cvpbench calibrate: unknown option '%s' (see --help)\n", a);
            return 2;
        }
        if (fmt && strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
            fprintf(stderr, "cvpbench calibrate: --format must be text or json, not '%s'\n", fmt);
            return 2;
        }
        if (fmt) *json = strcmp(fmt, "json") == 0;
    }
    return -1;
}

int calibrate_main(int argc, char **argv)
{
    int json = 0, quick = 0;
    int status = parse(argc, argv, &json, &quick);
    if (status >= 0) return status;
    size_t nexec = 0;
    while (executors[nexec])
        nexec++;
    struct calibration *c = calloc(1, sizeof *c);
    if (c) c->dispatch = calloc(nexec + 1, sizeof *c->dispatch);
    if (!c || !c->dispatch) {
        fprintf(stderr, "cvpbench calibrate: out of memory\n");
        free(c);
        return 1;
    }
    struct usage_mark mark;
    double busy0 = busy_cpu_s();
    usage_begin(&mark);
    measure(c, quick ? &plan_quick : &plan_full);
    usage_end(&mark, &c->u);
    double busy1 = busy_cpu_s();
    c->others_cpu_s = -1;
    if (busy0 >= 0 && busy1 >= 0) { /* clock ticks are coarse: never below 0 */
        double others = busy1 - busy0 - c->u.cpu.user_s - c->u.cpu.sys_s;
        c->others_cpu_s = others > 0 ? others : 0;
    }
    status = print(c, json, quick);
    free(c->dispatch);
    free(c);
    return status;
}
