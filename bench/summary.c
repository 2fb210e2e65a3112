/* NAME    summary.c
 * PURPOSE What a run of several rounds or several executors comes to: for each arm the median
 *         wall per batch with its interval, mean, standard deviation and coefficient of
 *         variation; with several arms, how much faster the fastest ran than each other, from
 *         the per-round ratios (paired: each round ran every arm once, in a shuffled order), with
 *         the ratio's interval. An interval that includes 1 is a tie, and is called one; fewer
 *         than 3 samples give a value and no interval; an arm with an invalid sample is never
 *         ranked; the batch decides what is compared (its wall, the rate an open loop achieved,
 *         the tasks a deadline let finish, nothing for --fail-fast). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "stats.h"

#define LEVEL 0.95

const char *fmt_duration(char *buf, size_t len, double s)
{
    if (!(s >= 0) || !isfinite(s))
        snprintf(buf, len, "-");
    else if (s >= 0.9995)
        snprintf(buf, len, "%.3f s", s);
    else if (s >= 0.9995e-3)
        snprintf(buf, len, "%.2f ms", s * 1e3);
    else
        snprintf(buf, len, "%.1f us", s * 1e6);
    return buf;
}

struct arm_stats {
    struct estimate med;
    double mean, sd, min, max;
    int mild, severe; /* outliers by Tukey's fences: beyond 1.5 and 3 interquartile ranges */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quartile q (0..1) of sorted x by linear interpolation. */
static double quartile(const double *x, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    return i + 1 < n ? x[i] + (pos - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

/* Tukey's fences, as criterion.rs classifies samples: mild beyond 1.5 IQR of the quartiles,
 * severe beyond 3 IQR. Needs 4 samples or more for quartiles to mean anything. */
static void classify_outliers(const double *x, size_t n, int *mild, int *severe)
{
    *mild = *severe = 0;
    if (n < 4) return;
    double s[n];
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double q1 = quartile(s, n, 0.25), q3 = quartile(s, n, 0.75), iqr = q3 - q1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < q1 - 3 * iqr || s[i] > q3 + 3 * iqr)
            (*severe)++;
        else if (s[i] < q1 - 1.5 * iqr || s[i] > q3 + 1.5 * iqr)
            (*mild)++;
    }
}

/* An arm's own samples: the rounds it took part in (a precise arm sits out later rounds). */
static struct arm_stats describe(const double *walls, long rounds)
{
    double x[rounds > 0 ? rounds : 1];
    size_t n = 0;
    for (long i = 0; i < rounds; i++)
        if (!isnan(walls[i])) x[n++] = walls[i];
    struct arm_stats a = {.med = stats_median(x, n, LEVEL)};
    a.mean = stats_mean(x, n);
    a.sd = stats_stddev(x, n);
    classify_outliers(x, n, &a.mild, &a.severe);
    a.min = a.max = n > 0 ? x[0] : 0;
    for (size_t i = 1; i < n; i++) {
        if (x[i] < a.min) a.min = x[i];
        if (x[i] > a.max) a.max = x[i];
    }
    return a;
}

static void json_aggregate(struct jw *out, const struct run_opts *o, int k,
                           const struct arm_stats *a, long batches)
{
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_int(&j, "schema", 1);
    jw_str(&j, "type", "aggregate");
    jw_str(&j, "workload", o->w->name);
    jw_str(&j, "executor", o->arms[k].e->name);
    jw_str(&j, "arm", o->arms[k].label);
    jw_int(&j, "arm_index", k);
    jw_int(&j, "samples", (long long)a->med.n);
    jw_int(&j, "batches", batches);
    jw_int(&j, "seed", (long long)o->seed);
    jw_obj_begin(&j, "wall_s");
    jw_num(&j, "median", a->med.median);
    jw_num(&j, "ci_low", a->med.lo);
    jw_num(&j, "ci_high", a->med.hi);
    jw_num(&j, "ci_level", a->med.level);
    jw_num(&j, "mean", a->mean);
    jw_num(&j, "stddev", a->sd);
    jw_num(&j, "cv", a->mean > 0 ? a->sd / a->mean : 0);
    jw_num(&j, "min", a->min);
    jw_num(&j, "max", a->max);
    jw_obj_end(&j);
    jw_obj_begin(&j, "outliers"); /* Tukey's fences over its samples (4 or more) */
    jw_int(&j, "mild", a->mild);
    jw_int(&j, "severe", a->severe);
    jw_obj_end(&j);
    jw_obj_end(&j);
    if (j.buf) jw_raw(out, j.buf);
    jw_raw(out, "\n");
    jw_free(&j);
}

/* What a comparison between arms measures: the batch decides it. A closed loop compares the
 * wall per batch; an open loop the rate it achieved (every arm took the same wall: the
 * duration); a deadline the tasks completed in it (every arm stopped at the same time); a
 * fail-fast batch compares nothing: the time to abort is not a speed. */
enum metric { M_WALL, M_RATE, M_DONE, M_NONE };

static enum metric metric_of(const struct run_opts *o)
{
    if (o->rate > 0) return M_RATE;
    if (o->deadline_us > 0) return M_DONE;
    if (o->fail_fast) return M_NONE;
    return M_WALL;
}

static const char *const metric_name[] = {"wall_s", "achieved_per_s", "tasks_done", "none"};

/* Arm a's metric in round i, NAN where it sat the round out. Higher is better except wall. */
static double metric_at(enum metric m, const struct arm_rounds *a, long i)
{
    switch (m) {
    case M_RATE:
        return a->walls[i] > 0 ? a->done[i] / a->walls[i] : NAN;
    case M_DONE:
        return a->done[i];
    default:
        return a->walls[i];
    }
}

/* An interval needs at least 3 samples (order statistics: [min, max] at 75% coverage); fewer
 * give a value and no interval. */
#define MIN_SAMPLES 3

static void json_comparison(struct jw *out, const struct run_opts *o, int fast, int k,
                            const struct estimate *r, enum metric m, const char *verdict)
{
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_int(&j, "schema", 1);
    jw_str(&j, "type", "comparison");
    jw_str(&j, "workload", o->w->name);
    jw_str(&j, "fastest", fast >= 0 ? o->arms[fast].label : NULL);
    jw_str(&j, "arm", o->arms[k].label);
    jw_int(&j, "arm_index", k);
    jw_str(&j, "metric", metric_name[m]);
    if (r) {
        /* wall: the arm's time over the best's; rate and tasks done: the best's over the arm's */
        jw_num(&j, "ratio", r->median);
        if (r->n >= MIN_SAMPLES) {
            jw_num(&j, "ci_low", r->lo);
            jw_num(&j, "ci_high", r->hi);
            jw_num(&j, "ci_level", r->level);
        } else {
            jw_null(&j, "ci_low");
            jw_null(&j, "ci_high");
            jw_null(&j, "ci_level");
        }
        jw_int(&j, "samples", (long long)r->n);
    }
    jw_str(&j, "verdict", verdict);
    jw_obj_end(&j);
    if (j.buf) jw_raw(out, j.buf);
    jw_raw(out, "\n");
    jw_free(&j);
}

static void text_arm_line(struct jw *out, const struct run_opts *o, int k, int width,
                          const struct arm_stats *a)
{
    char line[512], t[6][24];
    if (a->med.n < MIN_SAMPLES)
        snprintf(line, sizeof line, "  %-*s %10s (%zu sample%s: no interval)\n", width,
                 o->arms[k].label, fmt_duration(t[0], sizeof t[0], a->med.median), a->med.n,
                 a->med.n == 1 ? "" : "s");
    else
    {
        char out_txt[64] = "";
        if (a->mild || a->severe)
            snprintf(out_txt, sizeof out_txt, "; outliers: %d mild, %d severe", a->mild,
                     a->severe);
        snprintf(line, sizeof line,
                 "  %-*s %10s [%s, %s] %4.1f%%  %3zu  mean %s +- %s (%.1f%%)%s\n", width,
                 o->arms[k].label, fmt_duration(t[0], sizeof t[0], a->med.median),
                 fmt_duration(t[1], sizeof t[1], a->med.lo),
                 fmt_duration(t[2], sizeof t[2], a->med.hi), a->med.level * 100, a->med.n,
                 fmt_duration(t[3], sizeof t[3], a->mean), fmt_duration(t[4], sizeof t[4], a->sd),
                 a->mean > 0 ? 100 * a->sd / a->mean : 0, out_txt);
    }
    jw_raw(out, line);
}

/* The median of arm a's metric over the rounds it took part in. */
static struct estimate metric_median(enum metric m, const struct arm_rounds *a, long rounds)
{
    double x[rounds > 0 ? rounds : 1];
    size_t n = 0;
    for (long i = 0; i < rounds; i++) {
        double v = metric_at(m, a, i);
        if (!isnan(v)) x[n++] = v;
    }
    return stats_median(x, n, LEVEL);
}

static void text_metric_value(char *buf, size_t len, enum metric m, const struct arm_rounds *a,
                              const struct estimate *e)
{
    char t[24];
    if (m == M_RATE)
        snprintf(buf, len, "%.1f/s", e->median);
    else if (m == M_DONE)
        snprintf(buf, len, "%.0f of %ld tasks done", e->median, a->tasks);
    else
        snprintf(buf, len, "%s", fmt_duration(t, sizeof t, e->median));
}

/* wrk2's latency distribution: every task of every timed round, per arm, to p99.99 and the
 * maximum (open loop: the response time from when each task was due). */
static void text_spectrum(struct jw *out, const struct run_opts *o, const struct arm_rounds *arms,
                          int width)
{
    static const double qs[] = {0.5, 0.75, 0.9, 0.99, 0.999, 0.9999};
    char line[512], t[24];
    snprintf(line, sizeof line, "\n%s per task, all timed rounds (within 1/64):\n  %-*s %8s",
             o->rate > 0 ? "response time (from when each was due)" : "latency", width, "",
             "tasks");
    jw_raw(out, line);
    static const char *const names[] = {"p50", "p75", "p90", "p99", "p99.9", "p99.99", "max"};
    for (size_t q = 0; q < sizeof names / sizeof names[0]; q++) {
        snprintf(line, sizeof line, " %10s", names[q]);
        jw_raw(out, line);
    }
    jw_raw(out, "\n");
    for (int k = 0; k < o->narms; k++) {
        const struct histogram *h = arms[k].lat;
        if (!h || h->n == 0) continue;
        snprintf(line, sizeof line, "  %-*s %8llu", width, o->arms[k].label,
                 (unsigned long long)h->n);
        jw_raw(out, line);
        for (size_t q = 0; q <= sizeof qs / sizeof qs[0]; q++) {
            uint64_t us = q < sizeof qs / sizeof qs[0] ? hist_quantile(h, qs[q]) : h->max;
            snprintf(line, sizeof line, " %10s", fmt_duration(t, sizeof t, (double)us / 1e6));
            jw_raw(out, line);
        }
        jw_raw(out, "\n");
    }
}

void summary_write(struct jw *out, const struct run_opts *o, const struct arm_rounds *arms,
                   long rounds)
{
    if ((o->narms < 2 && rounds < 2) || o->format == FMT_CSV || rounds < 1) return;
    enum metric m = metric_of(o);
    struct arm_stats st[MAX_ARMS];
    struct estimate me[MAX_ARMS];
    int best = -1, width = 8;
    for (int k = 0; k < o->narms; k++) {
        st[k] = describe(arms[k].walls, rounds);
        me[k] = metric_median(m, &arms[k], rounds);
        if ((int)strlen(o->arms[k].label) > width) width = (int)strlen(o->arms[k].label);
        /* Only an arm whose every sample validated can be ranked, or be the one others are
         * measured against. */
        if (arms[k].invalid || me[k].n == 0) continue;
        int better = m == M_WALL || m == M_NONE ? me[k].median < me[best < 0 ? k : best].median
                                                 : me[k].median > me[best < 0 ? k : best].median;
        if (best < 0 || better) best = k;
    }
    char line[512];
    if (o->format == FMT_TEXT) {
        snprintf(line, sizeof line,
                 "\nwall per batch over %ld rounds (an executor known precisely enough sits out "
                 "later ones):\nmedian [interval, its coverage], samples, mean +- standard "
                 "deviation (coefficient of variation)\n",
                 rounds);
        jw_raw(out, line);
    }
    for (int k = 0; k < o->narms; k++) {
        if (o->format == FMT_JSON)
            json_aggregate(out, o, k, &st[k], arms[k].batches);
        else
            text_arm_line(out, o, k, width, &st[k]);
    }
    if (o->format == FMT_TEXT && o->w->kind != WK_CPU) text_spectrum(out, o, arms, width);
    if (o->narms < 2) return;
    if (m == M_NONE) {
        if (o->format == FMT_TEXT)
            jw_raw(out, "no ranking: with --fail-fast the wall is the time to stop after the "
                        "first failure, not a speed\n");
        for (int k = 0; k < o->narms && o->format == FMT_JSON; k++)
            json_comparison(out, o, -1, k, NULL, m, "not ranked: time to stop is not a speed");
        return;
    }
    if (best < 0) {
        if (o->format == FMT_TEXT)
            jw_raw(out, "no ranking: every executor had invalid samples\n");
        for (int k = 0; k < o->narms && o->format == FMT_JSON; k++)
            json_comparison(out, o, -1, k, NULL, m, "not ranked: invalid samples");
        return;
    }
    if (o->format == FMT_TEXT) {
        char v[64];
        text_metric_value(v, sizeof v, m, &arms[best], &me[best]);
        snprintf(line, sizeof line, "%s %s%s\n", o->arms[best].label,
                 m == M_WALL ? "ran" : m == M_RATE ? "achieved" : "completed",
                 m == M_WALL ? "" : m == M_RATE ? " the highest rate" : " the most tasks");
        jw_raw(out, line);
        if (m == M_RATE)
            snprintf(line, sizeof line, "    %s of the %.1f/s offered\n", v, o->rate);
        else if (m == M_DONE)
            snprintf(line, sizeof line, "    %s by the deadline\n", v);
        if (m != M_WALL) jw_raw(out, line);
    }
    for (int k = 0; k < o->narms; k++) {
        if (k == best) continue;
        char v[64];
        text_metric_value(v, sizeof v, m, &arms[k], &me[k]);
        if (arms[k].invalid) {
            if (o->format == FMT_JSON) {
                json_comparison(out, o, best, k, NULL, m, "not ranked: invalid samples");
            } else {
                snprintf(line, sizeof line, "  not ranked: %s (%ld invalid sample%s)\n",
                         o->arms[k].label, arms[k].invalid, arms[k].invalid == 1 ? "" : "s");
                jw_raw(out, line);
            }
            continue;
        }
        /* Paired when both took part in the same rounds; when one sat out rounds (known
         * precisely early), each median's own interval bounds the ratio. The ratio is always
         * "how many times better the best is": k's time over the best's, or the best's rate
         * (tasks done) over k's. */
        double a[rounds > 0 ? rounds : 1], b[rounds > 0 ? rounds : 1];
        int same = 1;
        for (long i = 0; i < rounds; i++) {
            a[i] = metric_at(m, &arms[k], i);
            b[i] = metric_at(m, &arms[best], i);
            same &= isnan(a[i]) == isnan(b[i]);
        }
        int wall = m == M_WALL;
        struct estimate r = same ? stats_paired_ratio(wall ? a : b, wall ? b : a, (size_t)rounds,
                                                      LEVEL)
                                 : stats_ratio_of(wall ? &me[k] : &me[best],
                                                  wall ? &me[best] : &me[k]);
        const char *verdict = r.n < MIN_SAMPLES ? "no interval" : r.lo > 1 ? "better" : "tie";
        if (o->format == FMT_JSON) {
            json_comparison(out, o, best, k, &r, m,
                            strcmp(verdict, "better") ? verdict : wall ? "faster" : verdict);
            continue;
        }
        const char *better = wall ? "faster than" : m == M_RATE ? "the rate of" : "the tasks of";
        if (r.n < MIN_SAMPLES)
            snprintf(line, sizeof line, "  %s: %s, %.2fx %s %s (%zu paired sample%s: no "
                     "interval, no verdict)\n", o->arms[k].label, v, r.median,
                     wall ? "the time of" : "below", o->arms[best].label, r.n,
                     r.n == 1 ? "" : "s");
        else if (r.lo > 1)
            snprintf(line, sizeof line, "  %6.2fx [%.2f, %.2f] %s %s%s%s%s\n", r.median, r.lo,
                     r.hi, better, o->arms[k].label, wall ? "" : " (", wall ? "" : v,
                     wall ? "" : ")");
        else
            snprintf(line, sizeof line, "  %6.2fx [%.2f, %.2f] a tie with %s%s%s%s (the interval "
                     "includes 1)\n", r.median, r.lo, r.hi, o->arms[k].label, wall ? "" : " (",
                     wall ? "" : v, wall ? "" : ")");
        jw_raw(out, line);
    }
}
