/* NAME    describe.c
 * PURPOSE --help and --list, text and JSON, generated from the parameter table, the run options
 *         and the registries, so what cvpbench says about itself cannot drift from what it does.
 *         Scripts read `--list --format json` instead of keeping their own lists. */
#include "describe.h"

#include "headroom.h"

#include <string.h>

#include "cli.h"
#include "executor.h"
#include "gitrev.h"
#include "workload.h"

#define HELP_COL 24 /* where help text starts */
#define WIDTH    96 /* wrap help text here */

static const char *const kind_names[] = {"io", "cpu", "mixed"};
static const char *const width_names[] = {"1", "threads", "cap", "processes", "ranks"};
static const char *const overlap_names[] = {"workers", "loop"};
static const char *const type_names[] = {"int", "flag", "text", "duration"};

/* A duration parameter's value in its own unit (ms), as a user writes it. */
static double in_unit(const struct param_def *d, long v)
{
    return (double)v / (double)(d->unit_us ? d->unit_us : 1);
}

/* Prints text from column col, wrapped at WIDTH, continuing lines indented to col. */
static void wrapped(FILE *f, int col, const char *text)
{
    int at = col;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (at > col && at + 1 + (int)word > WIDTH) {
            fprintf(f, "\n%*s", col, "");
            at = col;
        } else if (at > col) {
            fputc(' ', f);
            at++;
        }
        fprintf(f, "%.*s", (int)word, text);
        at += (int)word;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', f);
}

/* "  --name ARG" padded to HELP_COL (or a line of its own when longer), then the help. */
static void option_line(FILE *f, int short_opt, const char *name, const char *arg, const char *help)
{
    char head[96];
    int n = short_opt ? snprintf(head, sizeof head, "  -%c, --%s", short_opt, name)
                      : snprintf(head, sizeof head, "      --%s", name);
    if (arg) n += snprintf(head + n, sizeof head - (size_t)n, " %s", arg);
    if (n + 1 > HELP_COL)
        fprintf(f, "%s\n%*s", head, HELP_COL, "");
    else
        fprintf(f, "%-*s", HELP_COL, head);
    wrapped(f, HELP_COL, help);
}

/* The default a workload states for id, or NULL. */
static const struct param_default *own_default(const struct workload *w, enum param_id id)
{
    for (const struct param_default *d = w->defaults; d && d->id < P_COUNT; d++)
        if (d->id == id) return d;
    return NULL;
}

/* "for: sleep, http; event-loop (default: sleep 100)" — who reads the parameter. */
static void readers(FILE *f, enum param_id id)
{
    char line[512];
    size_t n = (size_t)snprintf(line, sizeof line, "for:");
    const char *sep = " ";
    for (const struct workload *const *w = workloads; *w; w++)
        if ((*w)->params & PM(id)) {
            const struct param_default *d = own_default(*w, id);
            if (d && param_table[id].type == PT_LONG)
                n += (size_t)snprintf(line + n, sizeof line - n, "%s%s (%ld)", sep, (*w)->name,
                                      d->value);
            else
                n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", sep, (*w)->name);
            sep = ", ";
        }
    for (const struct executor *const *e = executors; *e; e++)
        if ((*e)->params & PM(id)) {
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", sep, (*e)->name);
            sep = ", ";
        }
    if (n >= sizeof line) n = sizeof line - 1;
    fprintf(f, "%*s", HELP_COL + 2, "");
    wrapped(f, HELP_COL + 2, line);
}

void describe_usage(FILE *f)
{
    fputs("usage: cvpbench -w WORKLOAD -e EXECUTOR [options]\n"
          "       cvpbench --list [--format json] | --help | --version\n"
          "       cvpbench calibrate [--quick] [--format text|json]   this machine's costs: cores,\n"
          "                                 FMA peak, wake-up, connect, timer lateness, dispatch\n"
          "       cvpbench advise --latency-ms L --work-us W --tasks N [--max-time S]\n"
          "                                 which executor for that mix, measured here (--help)\n"
          "\n"
          "Runs one workload under one executor and reports each repetition. The executor is the\n"
          "only variable: concurrency (waits overlap on one thread) versus parallelism (work\n"
          "overlaps on several cores).\n"
          "\n"
          "Run options:\n",
          f);
    for (const struct run_opt *r = run_opts_table; r->name; r++)
        option_line(f, r->short_opt, r->name, r->arg, r->help);
    fputs(
        "\nParameters (each lists the workloads, with their own defaults, and the executors that\n"
        "read it; a parameter that neither the workload nor the executor reads is ignored for\n"
        "it with a warning and recorded as ignored, or refused with --strict):\n",
        f);
    for (int id = 0; id < P_COUNT; id++) {
        const struct param_def *d = &param_table[id];
        char help[512];
        size_t n = (size_t)snprintf(help, sizeof help, "%s", d->help);
        /* A default outside the range (0 tasks, 0 threads) means "decided at run time", as
         * the help says; only a real default is shown. */
        if (d->type == PT_DURATION)
            n += (size_t)snprintf(help + n, sizeof help - n, " [default %g; %g..%g]",
                                  in_unit(d, d->def), in_unit(d, d->min), in_unit(d, d->max));
        else if (d->type == PT_LONG && d->def >= d->min)
            n += (size_t)snprintf(help + n, sizeof help - n, " [default %ld; %ld..%ld]", d->def,
                                  d->min, d->max);
        else if (d->type == PT_LONG)
            n += (size_t)snprintf(help + n, sizeof help - n, " [%ld..%ld]", d->min, d->max);
        else if (d->type == PT_TEXT && d->choices)
            snprintf(help + n, sizeof help - n, " [%s; default %s]", d->choices, d->text_def);
        char name[64];
        snprintf(name, sizeof name, d->negation ? "%s, --%s" : "%s", d->name, d->negation);
        option_line(f, 0, name, d->arg, help);
        readers(f, id);
    }
    fputs("\nExit status: 0 every repetition valid; 1 a repetition failed validation or the run\n"
          "could not start; 2 bad command line.\n",
          f);
}

static void names_of(struct jw *j, const char *key, unsigned mask)
{
    jw_arr_begin(j, key);
    for (int id = 0; id < P_COUNT; id++)
        if (mask & PM(id)) jw_str(j, NULL, param_name(id));
    jw_arr_end(j);
}

static void json_workload(struct jw *j, const struct workload *w)
{
    jw_obj_begin(j, NULL);
    jw_str(j, "name", w->name);
    jw_str(j, "kind", kind_names[w->kind]);
    jw_str(j, "summary", w->summary);
    names_of(j, "params", w->params);
    jw_obj_begin(j, "defaults");
    for (int id = 0; id < P_COUNT; id++) {
        if (!(w->params & PM(id))) continue;
        const struct param_default *d = own_default(w, id);
        const struct param_def *pd = &param_table[id];
        if (pd->type == PT_TEXT)
            jw_str(j, pd->name, d ? d->text : pd->text_def);
        else if (pd->type == PT_FLAG)
            jw_bool(j, pd->name, (int)(d ? d->value : pd->def));
        else if (pd->type == PT_DURATION)
            jw_num(j, pd->name, in_unit(pd, d ? d->value : pd->def));
        else
            jw_int(j, pd->name, d ? d->value : pd->def);
    }
    jw_obj_end(j);
    jw_arr_begin(j, "forms");
    jw_str(j, NULL, "blocking");
    if (w->start_task) jw_str(j, NULL, "loop");
    jw_arr_end(j);
    jw_bool(j, "needs_server", (w->params & PM(P_URL_BASE)) != 0);
    jw_obj_end(j);
}

static void json_executor(struct jw *j, const struct executor *e)
{
    jw_obj_begin(j, NULL);
    jw_str(j, "name", e->name);
    jw_str(j, "summary", e->summary);
    names_of(j, "params", e->params);
    jw_arr_begin(j, "forms");
    jw_str(j, NULL, e->overlap == OVERLAP_LOOP ? "loop" : "blocking");
    jw_arr_end(j);
    jw_bool(j, "threads", (e->params & PM(P_THREADS)) != 0);
    jw_bool(j, "cap", e->waits == WIDTH_CAP);
    jw_bool(j, "pin", (e->params & PM(P_PIN)) != 0);
    jw_str(j, "waits_at_once", width_names[e->waits]);
    jw_str(j, "computes_at_once", width_names[e->computes]);
    jw_str(j, "overlap", overlap_names[e->overlap]);
    /* Its tasks run in processes it forks (workers of their own memory), or it is the run's
     * only arm (mpi: the ranks are the run, one process per point). */
    jw_bool(j, "forks", e->forks);
    jw_bool(j, "alone", e->alone);
    /* Every executor with threads starts one per usable core unless told otherwise (the pools
     * take --concurrency as their thread count first: affinity_default_threads). */
    jw_str(j, "threads_default", (e->params & PM(P_THREADS)) ? "cores" : NULL);
    /* Its own plan on this machine with the default parameters, for a batch of 100 tasks; for
     * other parameters: cvpbench -w W -e E [parameters] --plan --format json. */
    struct params p;
    params_defaults(&p, NULL);
    struct exec_plan pl = {0};
    e->plan(&p, 100, &pl);
    jw_obj_begin(j, "plan_100_tasks");
    jw_int(j, "threads", pl.threads);
    jw_int(j, "procs", pl.procs);
    jw_int(j, "in_flight", pl.in_flight);
    jw_int(j, "computes", pl.computes);
    jw_bool(j, "on_loop", pl.on_loop);
    jw_obj_end(j);
    jw_obj_end(j);
}

static void json_param(struct jw *j, const struct param_def *d)
{
    jw_obj_begin(j, NULL);
    jw_str(j, "name", d->name);
    jw_str(j, "type", type_names[d->type]);
    if (d->type == PT_TEXT)
        jw_str(j, "default", d->text_def);
    else if (d->type == PT_FLAG)
        jw_bool(j, "default", (int)d->def);
    else if (d->type == PT_DURATION)
        jw_num(j, "default", in_unit(d, d->def));
    else
        jw_int(j, "default", d->def);
    if (d->type == PT_LONG) {
        jw_int(j, "min", d->min);
        jw_int(j, "max", d->max);
    }
    if (d->type == PT_DURATION) { /* in the unit a bare number is read in */
        jw_num(j, "min", in_unit(d, d->min));
        jw_num(j, "max", in_unit(d, d->max));
        jw_str(j, "unit", d->unit_us == 1000 ? "ms" : d->unit_us == 1 ? "us" : "s");
    }
    if (d->choices) {
        jw_arr_begin(j, "choices");
        for (const char *c = d->choices; *c;) {
            size_t n = strcspn(c, "|");
            char item[64];
            snprintf(item, sizeof item, "%.*s", (int)n, c);
            jw_str(j, NULL, item);
            c += n + (c[n] == '|');
        }
        jw_arr_end(j);
    }
    jw_str(j, "negation", d->negation);
    jw_str(j, "help", d->help);
    jw_arr_begin(j, "workloads");
    for (const struct workload *const *w = workloads; *w; w++)
        if ((*w)->params & PM(d->id)) jw_str(j, NULL, (*w)->name);
    jw_arr_end(j);
    jw_arr_begin(j, "executors");
    for (const struct executor *const *e = executors; *e; e++)
        if ((*e)->params & PM(d->id)) jw_str(j, NULL, (*e)->name);
    jw_arr_end(j);
    jw_obj_end(j);
}

void describe_list(FILE *f, enum format fmt)
{
    if (fmt != FMT_JSON) {
        fputs("workloads:\n", f);
        for (const struct workload *const *w = workloads; *w; w++)
            fprintf(f, "  %-12s %-5s %s\n", (*w)->name, kind_names[(*w)->kind], (*w)->summary);
        fputs("executors:\n", f);
        for (const struct executor *const *e = executors; *e; e++)
            fprintf(f, "  %-12s %s\n", (*e)->name, (*e)->summary);
        return;
    }
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_int(&j, "schema", 1);
    jw_str(&j, "version", CVP_VERSION);
    jw_str(&j, "git_rev", CVP_GIT_REV);
    jw_arr_begin(&j, "workloads");
    for (const struct workload *const *w = workloads; *w; w++)
        json_workload(&j, *w);
    jw_arr_end(&j);
    jw_arr_begin(&j, "executors");
    for (const struct executor *const *e = executors; *e; e++)
        json_executor(&j, *e);
    jw_arr_end(&j);
    jw_arr_begin(&j, "params");
    for (int id = 0; id < P_COUNT; id++)
        json_param(&j, &param_table[id]);
    jw_arr_end(&j);
    /* Options that shape the batch under any workload and executor (a suite's points). */
    jw_arr_begin(&j, "batch_options");
    for (const struct run_opt *r = run_opts_table; r->name; r++) {
        if (!r->batch_type) continue;
        jw_obj_begin(&j, NULL);
        jw_str(&j, "name", r->name);
        jw_str(&j, "type", r->batch_type);
        if (!strcmp(r->batch_type, "duration")) jw_str(&j, "unit", "ms");
        if (r->choices) {
            jw_arr_begin(&j, "choices");
            for (const char *c = r->choices; *c;) {
                size_t n = strcspn(c, "|");
                char item[64];
                snprintf(item, sizeof item, "%.*s", (int)n, c);
                jw_str(&j, NULL, item);
                c += n + (c[n] == '|');
            }
            jw_arr_end(&j);
        }
        jw_str(&j, "help", r->help);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    if (j.buf && !j.oom) fprintf(f, "%s\n", j.buf);
    jw_free(&j);
}

void describe_plan(FILE *f, const struct run_opts *o)
{
    long n = headroom_tasks(o);
    for (int k = 0; k < o->narms; k++) {
        const struct executor *e = o->arms[k].e;
        struct exec_plan pl = {0};
        struct arm_need need;
        e->plan(&o->arms[k].p, n, &pl);
        headroom_arm_need(o, k, n, &need);
        double per_task = need.in_flight > 0 ? need.task_bytes / (double)need.in_flight : 0;
        if (o->format == FMT_JSON) {
            struct jw j;
            jw_init(&j);
            jw_obj_begin(&j, NULL);
            jw_str(&j, "type", "plan");
            jw_str(&j, "workload", o->w->name);
            jw_str(&j, "arm", o->arms[k].label);
            jw_str(&j, "executor", e->name);
            jw_int(&j, "tasks", n);
            jw_int(&j, "threads", pl.threads);
            jw_int(&j, "procs", pl.procs);
            jw_int(&j, "in_flight", pl.in_flight);
            jw_int(&j, "computes", pl.computes);
            jw_bool(&j, "on_loop", pl.on_loop);
            jw_int(&j, "stack_bytes", (long long)need.stack_bytes);
            jw_num(&j, "task_bytes", per_task); /* memory one task in flight holds */
            jw_num(&j, "proc_bytes", pl.proc_bytes);
            jw_int(&j, "extra_tasks", pl.extra_tasks);
            jw_num(&j, "extra_bytes", pl.extra_bytes);
            jw_obj_end(&j);
            fprintf(f, "%s\n", j.buf ? j.buf : "{}");
            jw_free(&j);
        } else {
            fprintf(f,
                    "%s: %ld worker thread%s, %ld process%s; %ld of %ld tasks in flight, %ld "
                    "computing at once%s; %.0f B per task in flight\n",
                    o->arms[k].label, pl.threads, pl.threads == 1 ? "" : "s", pl.procs,
                    pl.procs == 1 ? "" : "es", pl.in_flight, n, pl.computes,
                    pl.on_loop ? ", waiting on an event loop" : "", per_task);
        }
    }
}
