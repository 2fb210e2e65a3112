/* NAME    runner.c
 * PURPOSE Runs a workload under an executor: set-up outside the timer, warm-up repetitions that
 *         are not reported, then timed repetitions, each checked for exactly one outcome per task
 *         and validated by the workload before it is reported. */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* Latencies go into the histogram after the batch, from the outcomes' timestamps, so measuring
 * costs the timed region nothing but two clock reads per task. */
static void summarise(const struct outcome *out, long n, struct rep_result *r)
{
    hist_init(&r->lat);
    for (long i = 0; i < n; i++) {
        const struct outcome *o = &out[i];
        unsigned c = o->cls < OUT_NCLASSES ? o->cls : OUT_OTHER;
        r->count[c]++;
        if (c != OUT_OK && !r->first_msg[c])
            r->first_msg[c] = o->msg ? o->msg : outcome_class_name(c);
        if (c != OUT_NOT_RUN) {
            int64_t d = o->end_ns - o->start_ns;
            hist_record(&r->lat, d > 0 ? (uint64_t)(d / 1000) : 0);
        }
    }
}

static void validate(const struct run_opts *o, void *wstate, const struct outcome *out, long n,
                     struct rep_result *r)
{
    r->valid = 0;
    if (r->count[OUT_NOT_RUN] > 0) {
        snprintf(r->why, sizeof r->why, "%ld of %ld tasks were never run by the executor",
                 r->count[OUT_NOT_RUN], n);
        return;
    }
    long failed = n - r->count[OUT_OK];
    if (failed > 0) {
        for (unsigned c = 1; c < OUT_NCLASSES; c++)
            if (r->count[c]) {
                snprintf(r->why, sizeof r->why, "%ld of %ld tasks failed (first: %s: %s)", failed,
                         n, outcome_class_name(c), r->first_msg[c]);
                break;
            }
        return;
    }
    if (o->w->verify(wstate, out, n, r->why, sizeof r->why) != 0) return;
    r->valid = 1;
    r->why[0] = '\0';
}

static void progress(const struct run_opts *o, long k, long total)
{
    if (!o->progress) return;
    if (k < total)
        fprintf(stderr, "\r%s x %s: %s %ld/%ld ", o->w->name, o->e->name,
                k < o->warmup ? "warm-up" : "rep", k < o->warmup ? k + 1 : k - o->warmup + 1,
                k < o->warmup ? o->warmup : o->reps);
    else
        fprintf(stderr, "\r%*s\r", 60, "");
}

int runner_run(const struct run_opts *o, const struct context *ctx)
{
    char err[256] = "";
    void *wstate = NULL, *ex = NULL;
    int rc = o->w->setup(&o->p, &wstate, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "cvpbench: %s\n", err[0] ? err : strerror(-rc));
        return rc == -EINVAL ? 2 : 1;
    }
    struct exec_info info = {0};
    rc = o->e->create(o->w, wstate, &o->p, &ex, &info, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "cvpbench: %s\n", err[0] ? err : strerror(-rc));
        o->w->teardown(wstate);
        return rc == -EINVAL ? 2 : 1;
    }

    long n = o->w->ntasks(wstate);
    /* Fail before the run, not half-way through it, when the connections cannot all be open. */
    if (o->w->fds_per_task > 0 || o->w->fds_per_worker > 0) {
        long inflight = info.concurrency > 0 && info.concurrency < n ? info.concurrency : n;
        long need = inflight * o->w->fds_per_task + info.threads * o->w->fds_per_worker + 64;
        long have = fd_limit_raise(need);
        if (need > have) {
            fprintf(stderr,
                    "cvpbench: %ld tasks in flight on %ld threads need about %ld descriptors, "
                    "but the limit is %ld (ulimit -n); lower --concurrency or --threads\n",
                    inflight, info.threads, need, have);
            o->e->destroy(ex);
            o->w->teardown(wstate);
            return 1;
        }
    }
    struct outcome *out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
    struct rep_result *r = calloc(1, sizeof *r);
    struct report *rep = report_open(o, ctx);
    int status = 0;
    if (!out || !r || !rep) {
        fprintf(stderr, "cvpbench: out of memory for %ld outcomes\n", n);
        status = 1;
        goto done;
    }

    long total = o->warmup + o->reps;
    for (long k = 0; k < total; k++) {
        progress(o, k, total);
        if (o->w->reset) o->w->reset(wstate);
        for (long i = 0; i < n; i++)
            out[i] = (struct outcome){.cls = OUT_NOT_RUN};

        struct usage_mark mark;
        usage_begin(&mark);
        o->e->run(ex, out, n);
        memset(r, 0, sizeof *r);
        usage_end(&mark, &r->u);

        if (k < o->warmup) continue;
        r->rep = k - o->warmup;
        r->info = info;
        r->tasks = n;
        summarise(out, n, r);
        validate(o, wstate, out, n, r);
        if (o->w->report) {
            struct jw m;
            jw_init(&m);
            jw_obj_begin(&m, NULL);
            o->w->report(wstate, &m);
            jw_obj_end(&m);
            snprintf(r->metrics, sizeof r->metrics, "%s", m.oom || !m.buf ? "{}" : m.buf);
            jw_free(&m);
        }
        r->gflops = o->w->flops && r->u.wall_s > 0 ? o->w->flops(wstate) / r->u.wall_s / 1e9 : 0;
        if (!r->valid) {
            status = 1;
            fprintf(stderr, "cvpbench: %s x %s rep %ld: INVALID: %s\n", o->w->name, o->e->name,
                    r->rep, r->why);
        }
        if (report_rep(rep, r) != 0) {
            status = 1;
            break;
        }
    }
    progress(o, total, total);

done:
    if (rep && report_close(rep) != 0) status = 1;
    free(r);
    free(out);
    o->e->destroy(ex);
    o->w->teardown(wstate);
    return status;
}
