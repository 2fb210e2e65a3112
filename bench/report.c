/* NAME    report.c
 * PURPOSE Formats samples (text table, JSON lines, CSV) and writes them without losing any:
 *         each sample is one record, written whole as soon as it is complete, to stdout or
 *         through outfile.c (--output: a regular file kept current record by record, atomically
 *         published, in linear time; a device written as it is). */
#include "report.h"

#include "outfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct report {
    const struct run_opts *o;
    const struct context *ctx;
    struct outfile *out; /* stdout or --output */
    int lines;
};

static const char *const kind_names[] = {"io", "cpu", "mixed"};

size_t report_escape(const char *msg, char *line, size_t len)
{
    size_t n = 0;
    if (len == 0) return 0;
    for (const char *p = msg; *p && n + 5 < len;) {
        size_t k = jw_utf8_len(p);
        unsigned char c = (unsigned char)*p;
        if (k == 0 || (k == 1 && (c < 0x20 || c == 0x7f))) {
            n += (size_t)snprintf(line + n, len - n, "\\x%02X", c);
            k = 1;
        } else if (n + k < len) {
            memcpy(line + n, p, k);
            n += k;
        } else
            break;
        p += k;
    }
    line[n] = '\0';
    return n;
}

void report_error(const char *fmt, ...)
{
    char msg[1024], line[4200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report_escape(msg, line, sizeof line);
    fprintf(stderr, "cvpbench: %s\n", line);
}

static void json_context(struct jw *j, const struct context *c)
{
    jw_obj_begin(j, "context");
    context_json_members(j, c);
    jw_obj_end(j);
}

/* The parameters that apply to this workload and executor, with the values in force. */
static void json_params(struct jw *j, const struct run_opts *o, const struct rep_result *r)
{
    const struct arm *a = &o->arms[r->arm];
    unsigned m = o->w->params | a->e->params;
    jw_obj_begin(j, "params");
    /* What the run actually got, whatever was asked for. */
    jw_int(j, "tasks", r->tasks);
    jw_int(j, "threads", r->info.threads);
    jw_int(j, "concurrency", r->info.concurrency);
    for (int id = 0; id < P_COUNT; id++) {
        if (!(m & PM(id)) || id == P_TASKS || id == P_THREADS || id == P_CONCURRENCY) continue;
        const struct param_def *d = param_def(id);
        char key[64];
        snprintf(key, sizeof key, "%s", d->name);
        for (char *c = key; *c; c++)
            if (*c == '-') *c = '_'; /* JSON keys: latency_ms */
        if (d->type == PT_TEXT)
            jw_str(j, key, param_text(&a->p, id));
        else if (d->type == PT_FLAG)
            jw_bool(j, key, (int)param_long(&a->p, id));
        else if (d->type == PT_DURATION) {
            /* latency_ms as before (now possibly fractional), and latency_us exactly. */
            jw_num(j, key, (double)param_long(&a->p, id) / (double)d->unit_us);
            char *unit = strrchr(key, '_');
            if (unit) {
                snprintf(unit, sizeof key - (size_t)(unit - key), "_us");
                jw_int(j, key, param_long(&a->p, id));
            }
        } else
            jw_int(j, key, param_long(&a->p, id));
    }
    jw_int(j, "reps", o->reps);
    jw_bool(j, "fail_fast", o->fail_fast);
    if (o->fail_task >= 0)
        jw_int(j, "fail_task", o->fail_task);
    else
        jw_null(j, "fail_task");
    jw_num(j, "deadline_ms", (double)o->deadline_us / 1e3);
    jw_num(j, "rate", o->rate);
    jw_num(j, "duration_s", (double)o->duration_us / 1e6);
    jw_arr_begin(j, "ignored"); /* given, but read by neither the workload nor this executor */
    for (int id = 0; id < P_COUNT; id++)
        if (a->ignored & PM(id)) jw_str(j, NULL, param_name(id));
    jw_arr_end(j);
    jw_int(j, "warmup", o->warmup);
    jw_obj_end(j);
}

static void json_hist(struct jw *j, const char *key, const struct histogram *h)
{
    jw_obj_begin(j, key);
    jw_num(j, "mean", hist_mean(h));
    jw_int(j, "min", h->n ? (long long)h->min : 0);
    jw_int(j, "p50", (long long)hist_quantile(h, 0.50));
    jw_int(j, "p90", (long long)hist_quantile(h, 0.90));
    jw_int(j, "p99", (long long)hist_quantile(h, 0.99));
    jw_int(j, "p999", (long long)hist_quantile(h, 0.999));
    jw_int(j, "p9999", (long long)hist_quantile(h, 0.9999));
    jw_int(j, "max", (long long)h->max);
    jw_obj_end(j);
}

void report_json(struct jw *j, const struct run_opts *o, const struct context *ctx,
                 const struct rep_result *r)
{
    char ts[32];
    time_t now = time(NULL);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    jw_obj_begin(j, NULL);
    jw_int(j, "schema", 1);
    jw_str(j, "type", "sample");
    jw_str(j, "workload", o->w->name);
    jw_str(j, "executor", o->arms[r->arm].e->name);
    jw_str(j, "arm", o->arms[r->arm].label);
    jw_int(j, "arm_index", r->arm);
    jw_str(j, "kind", kind_names[o->w->kind]);
    json_params(j, o, r);
    jw_int(j, "rep", r->rep);
    jw_int(j, "round", r->rep);
    jw_int(j, "batches", r->batches);
    /* Its batches stop at --min-time-ms of timed regions, or at 4 x that of real time when what
     * runs between batches costs more than the batches themselves. */
    jw_num(j, "sample_s", r->sample_s);
    jw_str(j, "time_utc", ts);
    jw_int(j, "threads", r->info.threads);
    jw_int(j, "concurrency", r->info.concurrency);
    jw_bool(j, "pinned", r->info.pinned);
    jw_int(j, "cpu_threads", r->info.cpu_threads);
    jw_str(j, "overlap", r->info.on_loop ? "loop" : "workers");
    jw_num(j, "wall_s", r->u.wall_s);
    jw_num(j, "user_s", r->u.cpu.user_s);
    jw_num(j, "sys_s", r->u.cpu.sys_s);
    jw_int(j, "vcsw", r->u.cpu.vcsw);
    jw_int(j, "ivcsw", r->u.cpu.ivcsw);
    jw_int(j, "max_rss_kib", r->u.max_rss_kib);
    jw_str(j, "rss_scope", r->u.rss_scope);
    /* The memory an executor holds for its tasks in flight: what its set-up added (thread
     * stacks, a loop) and how far the region rose above its start (timers, handles). Peak RSS is
     * the process's, shared by every executor of the run. */
    jw_int(j, "setup_rss_kib", r->setup_rss_kib);
    /* Creating the executor (threads started, worker processes forked and ready), outside the
     * timed region; processes that ran tasks and what each held alone (0: this process). */
    jw_num(j, "setup_us", r->setup_us);
    jw_int(j, "procs", r->info.procs);
    jw_int(j, "worker_kib", r->info.worker_kib);
    jw_int(j, "rss_growth_kib", r->u.rss_growth_kib);
    jw_num(j, "steal_s", r->u.steal_s);
    /* Over all the sample's batches; -1 = not measurable here. */
    jw_int(j, "minflt", r->u.cpu.minflt);
    jw_int(j, "majflt", r->u.cpu.majflt);
    jw_int(j, "migrations", r->u.migrations);
    jw_int(j, "tasks", r->tasks);
    jw_int(j, "ok", r->count[OUT_OK]);
    jw_obj_begin(j, "errors");
    for (unsigned c = 1; c < OUT_NCLASSES; c++)
        jw_int(j, outcome_class_name(c), r->count[c]);
    jw_obj_end(j);
    jw_obj_begin(j, "error_samples");
    for (unsigned c = 1; c < OUT_NCLASSES; c++)
        if (r->first_msg[c]) jw_str(j, outcome_class_name(c), r->first_msg[c]);
    jw_obj_end(j);
    jw_num(j, "tasks_per_s", r->u.wall_s > 0 ? (double)r->tasks / r->u.wall_s : 0);
    jw_num(j, "first_task_us", r->first_task_us);
    /* Per task, in us, to the histogram's precision (relative error under 1/64): service is the
     * record's latency_us (start to end); queue is due to start; response is due to end. */
    json_hist(j, "latency_us", &r->lat);
    json_hist(j, "queue_us", &r->queue);
    json_hist(j, "response_us", &r->response);
    if (r->response_nonblocking.n)
        json_hist(j, "response_nonblocking_us", &r->response_nonblocking);
    jw_num(j, "latency_relative_error", 1.0 / 64);
    jw_obj_begin(j, "cancelled");
    jw_int(j, "total", r->count[OUT_CANCELLED]);
    jw_int(j, "before_start", r->cancelled_unstarted);
    jw_int(j, "in_flight", r->cancelled_in_flight);
    jw_int(j, "reached_server", r->cancelled_sent);
    jw_obj_end(j);
    static const char *const reasons[] = {"none", "first error", "deadline"};
    jw_obj_begin(j, "stop");
    jw_str(j, "reason", reasons[r->stop_reason < 3 ? r->stop_reason : 0]);
    jw_num(j, "at_ms", r->stop_at_us / 1e3);
    jw_num(j, "to_return_ms", r->stop_to_end_us / 1e3);
    jw_obj_end(j);
    if (o->rate > 0) {
        jw_obj_begin(j, "rate");
        jw_num(j, "offered", o->rate);
        jw_num(j, "achieved", r->u.wall_s > 0 ? (double)r->count[OUT_OK] / r->u.wall_s : 0);
        jw_str(j, "arrivals", o->poisson ? "poisson" : "constant");
        jw_obj_end(j);
    }
    if (o->w->flops) {
        jw_num(j, "gflops", r->gflops);
        /* The self-check: what share of the FMA peak of the cores it ran on (peak.h). */
        if (r->peak_gflops > 0) {
            jw_num(j, "peak_gflops", r->peak_gflops);
            jw_int(j, "peak_cores", r->peak_cores);
            jw_num(j, "peak_fraction", r->gflops / r->peak_gflops);
        } else {
            jw_null(j, "peak_gflops");
            jw_null(j, "peak_fraction");
        }
    } else {
        jw_null(j, "gflops");
    }
    if (r->metrics[0]) jw_raw_member(j, "workload_metrics", r->metrics);
    if (r->exec_metrics[0]) jw_raw_member(j, "executor_metrics", r->exec_metrics);
    jw_bool(j, "valid", r->valid);
    jw_str(j, "invalid_reason", r->valid ? NULL : r->why);
    json_context(j, ctx);
    jw_obj_end(j);
}

static const char csv_header[] =
    "workload,executor,rep,threads,concurrency,pinned,tasks,wall_s,user_s,sys_s,vcsw,ivcsw,"
    "max_rss_kib,ok,err_connect,err_timeout,err_http_status,err_reset,err_other,err_not_run,"
    "lat_mean_us,lat_p50_us,lat_p90_us,lat_p99_us,lat_max_us,gflops,valid,invalid_reason\n";

static void csv_row(struct jw *j, const struct run_opts *o, const struct rep_result *r)
{
    char line[1024];
    int n = snprintf(line, sizeof line,
                     "%s,%s,%ld,%ld,%ld,%d,%ld,%.6f,%.6f,%.6f,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,"
                     "%ld,%.1f,%llu,%llu,%llu,%llu,%.3f,%s,\"",
                     o->w->name, o->arms[r->arm].e->name, r->rep, r->info.threads,
                     r->info.concurrency, r->info.pinned, r->tasks, r->u.wall_s, r->u.cpu.user_s,
                     r->u.cpu.sys_s, r->u.cpu.vcsw, r->u.cpu.ivcsw, r->u.max_rss_kib, r->count[OUT_OK],
                     r->count[OUT_CONNECT], r->count[OUT_TIMEOUT], r->count[OUT_HTTP_STATUS],
                     r->count[OUT_RESET], r->count[OUT_OTHER], r->count[OUT_NOT_RUN],
                     hist_mean(&r->lat), (unsigned long long)hist_quantile(&r->lat, 0.5),
                     (unsigned long long)hist_quantile(&r->lat, 0.9),
                     (unsigned long long)hist_quantile(&r->lat, 0.99),
                     (unsigned long long)r->lat.max, r->gflops, r->valid ? "true" : "false");
    /* The reason is quoted; a double quote inside it is doubled, as CSV wants. */
    for (const char *c = r->valid ? "" : r->why; *c && n < (int)sizeof line - 4; c++) {
        if (*c == '"') line[n++] = '"';
        line[n++] = *c;
    }
    line[n++] = '"';
    line[n++] = '\n';
    line[n] = '\0';
    jw_raw(j, line);
}

static int label_width(const struct run_opts *o)
{
    int w = 8;
    for (int k = 0; k < o->narms; k++)
        if ((int)strlen(o->arms[k].label) > w) w = (int)strlen(o->arms[k].label);
    return w;
}

/* Tasks that ran to an outcome (not cancelled) per second of wall. */
static double done_per_s(const struct rep_result *r)
{
    double wall = r->u.wall_s * (double)r->batches;
    return wall > 0 ? (double)(r->tasks * r->batches - r->count[OUT_CANCELLED]) / wall : 0;
}

/* Open loop (--rate): the latency columns are response times, from when each task was due, so
 * time queued behind the cap or busy threads counts; closed loop: service times, with the
 * longest queue wait beside them (a batch's tasks are all due at its start). */
static void text_header(struct jw *j, const struct run_opts *o)
{
    char line[512];
    int open = o->rate > 0;
    snprintf(line, sizeof line,
             "%-10s %-*s %5s %4s %10s %11s %15s %10s %10s %10s %10s %10s %10s %8s %12s %s\n",
             "workload", label_width(o), "executor", "round", "thr", "wall", "done/s", "ok/tasks",
             open ? "resp p50" : "p50", open ? "resp p99" : "p99", open ? "resp max" : "max",
             "queue p99", "user", "sys", "rss_MiB", "GFLOP/s peak", "valid");
    jw_raw(j, line);
}

static void text_row(struct jw *j, const struct run_opts *o, const struct rep_result *r)
{
    char line[1024], gf[24] = "-", t[7][24];
    const struct histogram *h = o->rate > 0 ? &r->response : &r->lat;
    if (o->w->flops && r->peak_gflops > 0)
        snprintf(gf, sizeof gf, "%.1f %.0f%%", r->gflops, 100 * r->gflops / r->peak_gflops);
    else if (o->w->flops)
        snprintf(gf, sizeof gf, "%.1f", r->gflops);
    snprintf(
        line, sizeof line,
        "%-10s %-*s %5ld %4ld %10s %11.1f %7ld/%-7ld %10s %10s %10s %10s %10s %10s %8.1f %12s "
        "%s\n",
        o->w->name, label_width(o), o->arms[r->arm].label, r->rep, r->info.threads,
        fmt_duration(t[0], sizeof t[0], r->u.wall_s), done_per_s(r), r->count[OUT_OK],
        r->tasks * r->batches, fmt_duration(t[1], sizeof t[1], (double)hist_quantile(h, 0.5) / 1e6),
        fmt_duration(t[2], sizeof t[2], (double)hist_quantile(h, 0.99) / 1e6),
        fmt_duration(t[3], sizeof t[3], (double)h->max / 1e6),
        fmt_duration(t[6], sizeof t[6], (double)hist_quantile(&r->queue, 0.99) / 1e6),
        fmt_duration(t[4], sizeof t[4], r->u.cpu.user_s), fmt_duration(t[5], sizeof t[5], r->u.cpu.sys_s),
        (double)r->u.max_rss_kib / 1024.0, gf, r->valid ? "yes" : "NO");
    jw_raw(j, line);
    static const char *const why[] = {"", "after the first error", "at the deadline"};
    int n = 0;
    if (o->rate > 0)
        n = snprintf(line, sizeof line, "    offered %.1f/s, achieved %.1f/s%s", o->rate,
                     r->u.wall_s > 0 ? (double)r->count[OUT_OK] / r->u.wall_s : 0,
                     r->count[OUT_OK] / (r->u.wall_s > 0 ? r->u.wall_s : 1) < 0.95 * o->rate
                         ? " (not sustained)"
                         : "");
    if (r->count[OUT_CANCELLED])
        n += snprintf(
            line + n, sizeof line - (size_t)n,
            "%s%ld cancelled %s (%ld never started, %ld in flight), returned %s after the stop",
            n ? "; " : "    ", r->count[OUT_CANCELLED],
            why[r->stop_reason < 3 ? r->stop_reason : 0], r->cancelled_unstarted,
            r->cancelled_in_flight, fmt_duration(t[0], sizeof t[0], r->stop_to_end_us / 1e6));
    if (n) {
        snprintf(line + n, sizeof line - (size_t)n, "\n");
        jw_raw(j, line);
    }
}

struct report *report_open(const struct run_opts *o, const struct context *ctx, char *err,
                           size_t errlen)
{
    struct report *rp = calloc(1, sizeof *rp);
    if (!rp) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    rp->o = o;
    rp->ctx = ctx;
    if (!(rp->out = outfile_open(o->output, err, errlen))) {
        free(rp);
        return NULL;
    }
    return rp;
}

/* Writes text, whole lines, as one record. */
static int emit(struct report *rp, const struct jw *text)
{
    if (text->oom) return -1;
    return outfile_append(rp->out, text->buf, text->len);
}

int report_rep(struct report *rp, const struct rep_result *r)
{
    struct jw line;
    jw_init(&line);
    if (rp->lines == 0 && rp->o->format == FMT_CSV) jw_raw(&line, csv_header);
    if (rp->lines == 0 && rp->o->format == FMT_TEXT) text_header(&line, rp->o);
    switch (rp->o->format) {
    case FMT_JSON:
        report_json(&line, rp->o, rp->ctx, r);
        jw_raw(&line, "\n");
        break;
    case FMT_CSV:
        csv_row(&line, rp->o, r);
        break;
    case FMT_TEXT:
        text_row(&line, rp->o, r);
        break;
    }
    rp->lines++;
    int rc = emit(rp, &line);
    jw_free(&line);
    return rc;
}

int report_summary(struct report *rp, const struct arm_rounds *arms, long rounds)
{
    struct jw text;
    jw_init(&text);
    summary_write(&text, rp->o, arms, rounds);
    int rc = text.len ? emit(rp, &text) : (text.oom ? -1 : 0);
    jw_free(&text);
    return rc;
}

int report_close(struct report *rp)
{
    int rc = outfile_close(rp->out);
    free(rp);
    return rc;
}
