/* NAME    runner.c
 * PURPOSE Runs a workload under one or more executors ("arms"): the workload is set up once and
 *         every arm created before anything is timed; warm-up batches are not reported; then
 *         rounds: in each, every arm gives one sample, in an order shuffled anew each round so
 *         that drift (a neighbour's load, the clock, the cache) hits all arms alike. A sample is
 *         one batch, or several back to back until --min-time-ms, so no figure rests on a 2 ms
 *         region. Every batch is checked for exactly one outcome per task and validated by the
 *         workload before its sample is reported. With --ci, rounds are added until every arm's
 *         median is known within the asked precision (or --max-rounds / --max-time). */
#include "runner.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "headroom.h"
#include "hgrm.h"
#include "outfile.h"
#include "peak.h"
#include "report.h"
#include "shm.h"
#include "stats.h"
#include "tally.h"

#define QUIESCE_MAX_MS 50 /* longest wait for the process to go idle before a sample */

struct armrun {
    void *ex;
    struct exec_info info;
    double *walls;      /* per-round wall per batch, in seconds; NAN for a round it sat out */
    double *done;       /* per-round tasks completed (ok) per batch; NAN likewise */
    long invalid;       /* samples that failed validation */
    struct histogram *lat; /* every timed task's latency (open loop: response), all rounds */
    long batches;       /* batches in its last sample */
    long samples;       /* rounds it took part in */
    long setup_rss_kib; /* what creating it added to the resident set (thread stacks, loops) */
    double setup_us;    /* how long creating it took */
    int precise;        /* its median is known well enough: it sits out further rounds */
    int created;
};

/* One batch of arm a; adds its figures to r (times summed; divided by the batches later). */
static void run_batch(const struct run_opts *o, void *wstate, struct armrun *a, struct outcome *out,
                      long n, const int64_t *due, struct rep_result *r)
{
    if (o->w->reset) o->w->reset(wstate);
    for (long i = 0; i < n; i++)
        out[i] = (struct outcome){.cls = OUT_NOT_RUN};
    struct batch b;
    batch_init(&b, out, n);
    b.due_ns = due;
    b.fail_fast = o->fail_fast;
    b.fail_task = o->fail_task;
    /* Heap memory the last batch freed goes back to the system, so the sample's first batch
     * grows the resident set by what it allocates (a loop's timers, a pool's requests), not by
     * pages an earlier batch left behind. Outside the timed region; once per sample, as it costs
     * far more than a batch of a few microseconds. */
    if (r->batches == 0) malloc_trim(0);
    struct usage_mark mark;
    struct usage u;
    usage_begin(&mark);
    batch_begin(&b);
    if (o->deadline_us) b.deadline_ns = b.t0_ns + o->deadline_us * 1000;
    o->arms[r->arm].e->run(a->ex, &b);
    usage_end(&mark, &u);
    /* Worker processes' own CPU and faults (the process executor's). */
    usage_add(&u, &b.children);

    static struct rep_result t; /* one batch's tally: large (histograms), so not on the stack */
    memset(&t, 0, sizeof t);
    hist_init(&t.lat);
    hist_init(&t.queue);
    hist_init(&t.response);
    hist_init(&t.response_nonblocking);
    tally_batch(&b, mark.t_ns + (int64_t)(u.wall_s * 1e9), &t);
    char why[256] = "";
    int stop_allowed = o->fail_fast || o->deadline_us > 0;
    if (tally_validate(o->w, wstate, &b, t.count, t.first_msg, stop_allowed, why, sizeof why) !=
            0 &&
        r->valid) {
        r->valid = 0;
        snprintf(r->why, sizeof r->why, "%s", why);
    }
    tally_merge(r, &t);
    if (r->batches == 0) {
        r->u = u;
    } else {
        r->u.wall_s += u.wall_s;
        cpu_use_add(&r->u.cpu, &u.cpu);
        r->u.steal_s += u.steal_s;
        r->u.migrations =
            r->u.migrations < 0 || u.migrations < 0 ? -1 : r->u.migrations + u.migrations;
        if (u.max_rss_kib > r->u.max_rss_kib) r->u.max_rss_kib = u.max_rss_kib;
        if (u.rss_growth_kib > r->u.rss_growth_kib) r->u.rss_growth_kib = u.rss_growth_kib;
    }
    r->batches++;
}

/* Waits (at most QUIESCE_MAX_MS) until the process uses almost no CPU: an arm that ran before
 * may leave threads spinning for a while (OpenMP's do), and they must not share the next
 * arm's cores. Each arm then starts from an idle process, as if it ran alone. */
static void quiesce(void)
{
    for (int k = 0; k < QUIESCE_MAX_MS; k++) {
        struct timespec a, b;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        sleep_ns(1000000);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        int64_t used = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
        if (used < 100000) return; /* under 10% of a core */
    }
}

static void sample(const struct run_opts *o, void *wstate, struct armrun *a, int arm, long round,
                   struct outcome *out, long n, const int64_t *due, struct rep_result *r)
{
    memset(r, 0, sizeof *r);
    hist_init(&r->lat);
    hist_init(&r->queue);
    hist_init(&r->response);
    hist_init(&r->response_nonblocking);
    r->rep = round;
    r->arm = arm;
    r->valid = 1;
    r->info = a->info;
    r->setup_rss_kib = a->setup_rss_kib;
    r->setup_us = a->setup_us;
    r->tasks = n;
    /* One batch, or as many as it takes to last --min-time-ms (Google Benchmark's min_time).
     * What a batch costs around its timed region (resetting outcomes, the tally) can exceed a
     * batch of microseconds many times over: the repeats also end after 4 x min-time of real
     * time, so a sample never costs much more than asked. */
    double min_s = (double)o->min_time_ms / 1e3;
    int64_t began = now_ns();
    do
        run_batch(o, wstate, a, out, n, due, r);
    while (r->u.wall_s < min_s && r->batches < 100000000 &&
           (double)(now_ns() - began) / 1e9 < 4 * min_s);
    r->sample_s = (double)(now_ns() - began) / 1e9;
    a->batches = r->batches;
    double b = (double)r->batches;
    r->u.wall_s /= b;
    r->u.cpu.user_s /= b;
    r->u.cpu.sys_s /= b;
    r->u.steal_s /= b;
    if (o->w->report) {
        struct jw m;
        jw_init(&m);
        jw_obj_begin(&m, NULL);
        o->w->report(wstate, &m);
        jw_obj_end(&m);
        snprintf(r->metrics, sizeof r->metrics, "%s", m.oom || !m.buf ? "{}" : m.buf);
        jw_free(&m);
    }
    const struct executor *e = o->arms[arm].e;
    if (e->report) {
        struct jw m;
        jw_init(&m);
        jw_obj_begin(&m, NULL);
        e->report(a->ex, &m);
        jw_obj_end(&m);
        snprintf(r->exec_metrics, sizeof r->exec_metrics, "%s", m.oom || !m.buf ? "{}" : m.buf);
        jw_free(&m);
    }
    r->gflops = o->w->flops && r->u.wall_s > 0 ? o->w->flops(wstate) / r->u.wall_s / 1e9 : 0;
    if (o->w->flops) r->peak_gflops = peak_gflops(r->info.cpu_threads, &r->peak_cores);
}

/* Marks the arms whose median is known within o->ci at 95% (which takes 6 samples or more);
 * returns 1 when every arm is. Each arm is judged on its own samples, so a steady arm stops
 * being timed while a noisy one goes on: rounds cost what the noisy arms need. */
static int mark_precise(const struct run_opts *o, struct armrun *runs, long rounds)
{
    int all = 1;
    double *mine = malloc((size_t)rounds * sizeof *mine);
    if (!mine) return 1;
    for (int k = 0; k < o->narms; k++) {
        if (runs[k].precise) continue;
        size_t m = 0;
        for (long i = 0; i < rounds; i++)
            if (!isnan(runs[k].walls[i])) mine[m++] = runs[k].walls[i];
        struct estimate e = stats_median(mine, m, 0.95);
        runs[k].precise = e.level >= 0.95 && stats_rel_halfwidth(&e) <= o->ci;
        all &= runs[k].precise;
    }
    free(mine);
    return all;
}

static void progress(const struct run_opts *o, const char *what, long k, long total)
{
    if (!o->progress) return;
    if (what)
        fprintf(stderr, "\r%s: %s %ld/%ld ", o->w->name, what, k + 1, total);
    else
        fprintf(stderr, "\r%*s\r", 60, "");
}

/* Open loop: when each task arrives, after the batch begins, in ns: evenly 1/rate apart, or
 * with exponential gaps (a Poisson process) from a generator --seed reproduces. */
static uint64_t next_rand(uint64_t *s);
static void *run_alloc(size_t bytes, int shared);
static int64_t *arrivals(const struct run_opts *o, long n, int shared)
{
    int64_t *due = run_alloc((size_t)(n > 0 ? n : 1) * sizeof *due, shared);
    uint64_t seed = o->seed ? o->seed * 0x9E3779B97F4A7C15ULL : 1;
    double t = 0;
    for (long i = 0; due && i < n; i++) {
        due[i] = (int64_t)(t * 1e9);
        double u = (double)(next_rand(&seed) >> 11) / 9007199254740992.0; /* [0, 1) */
        t += o->poisson ? -log(1 - u) / o->rate : 1 / o->rate;
    }
    return due;
}

/* A fixed permutation generator (xorshift64*), so --seed reproduces an order. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static void shuffle(int *order, int n, uint64_t *seed)
{
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(next_rand(seed) % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Fail before the run, not half-way through it, when the connections cannot all be open: every
 * arm holds its descriptors from set-up on. Checked before any arm is created, on the estimate
 * headroom.c makes from the command line (a loop would otherwise make its curl handles first). */
static int fd_check(const struct run_opts *o, long n)
{
    if (o->w->fds_per_task <= 0 && o->w->fds_per_worker <= 0) return 0;
    long need = 64, inflight_all = 0, threads_all = 0;
    for (int k = 0; k < o->narms; k++) {
        struct arm_need a;
        headroom_arm_need(o, k, n, &a);
        long workers = a.threads > 0 ? a.threads : 1; /* the loop's or the sequential thread */
        if (o->arms[k].e->forks) /* each worker process has a descriptor table of its own */
            need += o->w->fds_per_task + o->w->fds_per_worker;
        else
            need += a.in_flight * o->w->fds_per_task + workers * o->w->fds_per_worker;
        inflight_all += a.in_flight;
        threads_all += workers;
    }
    long have = fd_limit_raise(need);
    if (need <= have) return 0;
    fprintf(stderr,
            "cvpbench: %ld tasks in flight on %ld threads need about %ld descriptors, but the "
            "limit is %ld (ulimit -n); lower --concurrency or --threads\n",
            inflight_all, threads_all, need, have);
    return -1;
}

/* Outcomes and arrival times: in shared memory when an arm forks its workers (allocated before
 * it does, so the workers see them), else on the heap. */
static void *run_alloc(size_t bytes, int shared)
{
    return shared ? shm_alloc(bytes) : calloc(1, bytes);
}

static void run_free(void *p)
{
    if (shm_holds(p, 1))
        shm_free(p);
    else
        free(p);
}

/* Everything a run holds between set-up and the end; run_free_all releases whatever of it
 * exists, so every way out of runner_run goes through one cleanup. */
struct run {
    const struct run_opts *o;
    struct report *rep;     /* the output, open first */
    void *wstate;           /* the workload's state */
    long n;                 /* tasks per batch */
    long max_rounds;
    struct outcome *out;    /* the batch's outcomes (shared memory when an arm forks) */
    int64_t *due;           /* open loop: each task's due time */
    struct armrun *runs;    /* one per arm */
    struct rep_result *r;   /* the sample being measured */
};

static void run_free_all(struct run *st)
{
    const struct run_opts *o = st->o;
    for (int k = 0; st->runs && k < o->narms; k++) {
        if (st->runs[k].created) o->arms[k].e->destroy(st->runs[k].ex);
        free(st->runs[k].walls);
        free(st->runs[k].done);
        free(st->runs[k].lat);
    }
    free(st->runs);
    if (st->wstate) o->w->teardown(st->wstate);
    run_free(st->out);
    run_free(st->due);
    free(st->r);
}

/* Refused before anything is opened: an executor that must run alone among others. */
static int check_alone(const struct run_opts *o)
{
    for (int k = 0; k < o->narms; k++)
        if (o->arms[k].e->alone && o->narms > 1) {
            report_error("-e %s runs alone: give it as the run's only executor",
                         o->arms[k].e->name);
            return 2;
        }
    return 0;
}

/* The workload's set-up, the batch's memory and every arm's executor, outside any timed region.
 * Returns 0, 2 for bad input (one line printed) or 1. */
static int run_prepare(struct run *st, int forks)
{
    const struct run_opts *o = st->o;
    char err[256] = "";
    workload_shared_mode(forks);
    int rc = o->w->setup(&o->arms[0].p, &st->wstate, err, sizeof err);
    if (rc != 0) {
        st->wstate = NULL;
        report_error("%s", err[0] ? err : strerror(-rc));
        return rc == -EINVAL ? 2 : 1;
    }
    st->n = o->w->ntasks(st->wstate);
    if (o->w->flops) peak_per_core_gflops(); /* measured now, before any timed region */
    if (fd_check(o, st->n) != 0) return 2; /* refused before any work, with the figures */
    st->max_rounds = o->ci > 0 ? (o->max_rounds > o->reps ? o->max_rounds : o->reps) : o->reps;
    /* Before any executor exists, so that workers forked by one see them. */
    st->out = run_alloc((size_t)(st->n > 0 ? st->n : 1) * sizeof *st->out, forks);
    st->due = o->rate > 0 ? arrivals(o, st->n, forks) : NULL;
    st->runs = calloc((size_t)o->narms, sizeof *st->runs);
    st->r = calloc(1, sizeof *st->r);
    if (!st->out || !st->runs || !st->r || (o->rate > 0 && !st->due)) {
        fprintf(stderr, "cvpbench: out of memory for %ld outcomes\n", st->n);
        return 1;
    }
    for (int k = 0; k < o->narms; k++) {
        struct armrun *a = &st->runs[k];
        a->walls = calloc((size_t)st->max_rounds, sizeof(double));
        a->done = calloc((size_t)st->max_rounds, sizeof(double));
        a->lat = malloc(sizeof *a->lat);
        if (!a->walls || !a->done || !a->lat) {
            fprintf(stderr, "cvpbench: out of memory\n");
            return 1;
        }
        hist_init(a->lat);
        long before = rss_now_kib();
        int64_t t_create = now_ns();
        rc = o->arms[k].e->create(o->w, st->wstate, &o->arms[k].p, &a->ex, &a->info, err,
                                  sizeof err);
        a->setup_us = (double)(now_ns() - t_create) / 1e3;
        long after = rss_now_kib();
        a->setup_rss_kib = before >= 0 && after >= before ? after - before : -1;
        if (rc != 0) {
            report_error("%s", err[0] ? err : strerror(-rc));
            return rc == -EINVAL ? 2 : 1;
        }
        a->created = 1;
        a->batches = 1;
    }
    return 0;
}

/* Warm-up, arm by arm: samples like the others, not reported. Returns 1 when one was invalid. */
static int run_warmup(struct run *st)
{
    const struct run_opts *o = st->o;
    int status = 0;
    for (long w = 0; w < o->warmup; w++)
        for (int k = 0; k < o->narms; k++) {
            progress(o, "warm-up", w * o->narms + k, o->warmup * o->narms);
            if (o->narms > 1) quiesce();
            sample(o, st->wstate, &st->runs[k], k, -1, st->out, st->n, st->due, st->r);
            if (!st->r->valid) {
                status = 1;
                fprintf(stderr, "cvpbench: %s x %s warm-up: INVALID: %s\n", o->w->name,
                        o->arms[k].label, st->r->why);
            }
        }
    return status;
}

/* The timed rounds, each arm once per round in a shuffled order, then the summary. Returns 1
 * when a sample was invalid or the output failed. */
static int run_rounds(struct run *st)
{
    const struct run_opts *o = st->o;
    struct armrun *runs = st->runs;
    struct rep_result *r = st->r;
    int status = 0;
    uint64_t seed = o->seed ? o->seed : 1;
    int order[MAX_ARMS];
    int64_t t_rounds = now_ns();
    long round = 0;
    for (; round < st->max_rounds; round++) {
        shuffle(order, o->narms, &seed);
        for (int j = 0; j < o->narms; j++) {
            int k = order[j];
            runs[k].walls[round] = runs[k].done[round] = NAN;
            if (runs[k].precise) continue;
            progress(o, "sample", round * o->narms + j, st->max_rounds * o->narms);
            if (o->narms > 1) quiesce();
            sample(o, st->wstate, &runs[k], k, round, st->out, st->n, st->due, r);
            runs[k].walls[round] = r->u.wall_s;
            runs[k].done[round] = (double)r->count[OUT_OK] / (double)(r->batches ? r->batches : 1);
            runs[k].samples++;
            hist_merge(runs[k].lat, o->rate > 0 ? &r->response : &r->lat);
            if (!r->valid) {
                runs[k].invalid++;
                status = 1;
                fprintf(stderr, "cvpbench: %s x %s round %ld: INVALID: %s\n", o->w->name,
                        o->arms[k].label, round, r->why);
            }
            if (report_rep(st->rep, r) != 0) return 1; /* the output failed: stop */
        }
        if (o->ci <= 0 || round + 1 < o->reps) continue;
        if (mark_precise(o, runs, round + 1)) break;
        if ((double)(now_ns() - t_rounds) / 1e9 >= o->max_time_s) break;
    }
    progress(o, NULL, 0, 0);
    struct arm_rounds arms[MAX_ARMS];
    for (int k = 0; k < o->narms; k++)
        arms[k] = (struct arm_rounds){.walls = runs[k].walls,
                                      .done = runs[k].done,
                                      .batches = runs[k].batches,
                                      .invalid = runs[k].invalid,
                                      .tasks = st->n,
                                      .lat = runs[k].lat};
    long rounds = round < st->max_rounds ? round + 1 : st->max_rounds;
    if (report_summary(st->rep, arms, rounds) != 0) status = 1;
    return status;
}

/* --hgrm: each arm's distribution over every timed round, one file per arm (outfile.c's
 * policy: atomic, never through a planted link). Returns 0, or 1 when one could not be written
 * (it says why). */
static int write_hgrm(const struct run *st)
{
    const struct run_opts *o = st->o;
    int status = 0;
    for (int k = 0; k < o->narms; k++) {
        char path[4096], err[256];
        if (o->narms == 1) {
            snprintf(path, sizeof path, "%s", o->hgrm);
        } else {
            size_t len = strlen(o->hgrm);
            if (len > 5 && strcmp(o->hgrm + len - 5, ".hgrm") == 0) len -= 5;
            snprintf(path, sizeof path, "%.*s-%d-%s.hgrm", (int)len, o->hgrm, k,
                     o->arms[k].e->name);
        }
        struct jw j;
        jw_init(&j);
        hgrm_text(&j, st->runs[k].lat);
        struct outfile *f = outfile_open(path, err, sizeof err);
        if (!f) {
            report_error("%s", err);
            status = 1;
        } else if (j.oom || outfile_append(f, j.buf, j.len) != 0 || outfile_close(f) != 0) {
            status = 1;
        }
        jw_free(&j);
    }
    return status;
}

int runner_run(const struct run_opts *o, const struct context *ctx)
{
    char err[256] = "";
    int forks = 0;
    if (check_alone(o) != 0) return 2;
    for (int k = 0; k < o->narms; k++)
        forks |= o->arms[k].e->forks;
    struct run st = {.o = o};
    /* The output first: a file that cannot be written is known before any work. */
    st.rep = report_open(o, ctx, err, sizeof err);
    if (!st.rep) {
        report_error("%s", err);
        return 2;
    }
    int status = run_prepare(&st, forks);
    if (status == 0) {
        status = run_warmup(&st);
        status |= run_rounds(&st);
        if (o->hgrm) status |= write_hgrm(&st);
    }
    /* A run refused up front (2) stays refused; otherwise a failed output makes it fail. */
    if (report_close(st.rep) != 0 && status != 2) status = 1;
    run_free_all(&st);
    return status;
}
