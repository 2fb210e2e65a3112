/* NAME    summary.c
 * PURPOSE What a run of several rounds or several executors comes to: for each arm the median
 *         wall per batch with its interval, mean, standard deviation and coefficient of
 *         variation; with several arms, how much faster the fastest ran than each other, from
 *         the per-round ratios (paired: each round ran every arm once, in a shuffled order), with
 *         the ratio's interval. An interval that includes 1 is a tie, and is called one. */
#include <math.h>
#include <stdio.h>
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
};

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
    jw_obj_end(&j);
    if (j.buf) jw_raw(out, j.buf);
    jw_raw(out, "\n");
    jw_free(&j);
}

static void json_comparison(struct jw *out, const struct run_opts *o, int fast, int k,
                            const struct estimate *r)
{
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_int(&j, "schema", 1);
    jw_str(&j, "type", "comparison");
    jw_str(&j, "workload", o->w->name);
    jw_str(&j, "fastest", o->arms[fast].label);
    jw_str(&j, "arm", o->arms[k].label);
    jw_int(&j, "arm_index", k);
    jw_num(&j, "ratio", r->median); /* the arm's time over the fastest's */
    jw_num(&j, "ci_low", r->lo);
    jw_num(&j, "ci_high", r->hi);
    jw_num(&j, "ci_level", r->level);
    jw_str(&j, "verdict", r->lo > 1 ? "faster" : "tie");
    jw_obj_end(&j);
    if (j.buf) jw_raw(out, j.buf);
    jw_raw(out, "\n");
    jw_free(&j);
}

void summary_write(struct jw *out, const struct run_opts *o, const double *const *walls,
                   const long *batches, long rounds)
{
    if ((o->narms < 2 && rounds < 2) || o->format == FMT_CSV || rounds < 1) return;
    struct arm_stats st[MAX_ARMS];
    int fast = 0, width = 8;
    for (int k = 0; k < o->narms; k++) {
        st[k] = describe(walls[k], rounds);
        if (st[k].med.median < st[fast].med.median) fast = k;
        if ((int)strlen(o->arms[k].label) > width) width = (int)strlen(o->arms[k].label);
    }
    char line[512], t[6][24];
    if (o->format == FMT_TEXT) {
        snprintf(line, sizeof line,
                 "\nwall per batch over %ld rounds (an executor known precisely enough sits out "
                 "later ones):\nmedian [interval, its coverage], samples, mean +- standard "
                 "deviation (coefficient of variation)\n",
                 rounds);
        jw_raw(out, line);
    }
    for (int k = 0; k < o->narms; k++) {
        if (o->format == FMT_JSON) {
            json_aggregate(out, o, k, &st[k], batches[k]);
            continue;
        }
        snprintf(line, sizeof line, "  %-*s %10s [%s, %s] %4.1f%%  %3zu  mean %s +- %s (%.1f%%)\n",
                 width, o->arms[k].label, fmt_duration(t[0], sizeof t[0], st[k].med.median),
                 fmt_duration(t[1], sizeof t[1], st[k].med.lo),
                 fmt_duration(t[2], sizeof t[2], st[k].med.hi), st[k].med.level * 100, st[k].med.n,
                 fmt_duration(t[3], sizeof t[3], st[k].mean),
                 fmt_duration(t[4], sizeof t[4], st[k].sd),
                 st[k].mean > 0 ? 100 * st[k].sd / st[k].mean : 0);
        jw_raw(out, line);
    }
    if (o->narms < 2) return;
    if (o->format == FMT_TEXT) {
        snprintf(line, sizeof line, "%s ran\n", o->arms[fast].label);
        jw_raw(out, line);
    }
    for (int k = 0; k < o->narms; k++) {
        if (k == fast) continue;
        /* Paired when both took part in the same rounds; when one sat out rounds (known
         * precisely early), each median's own interval bounds the ratio. */
        int same = 1;
        for (long i = 0; i < rounds; i++)
            same &= isnan(walls[k][i]) == isnan(walls[fast][i]);
        struct estimate r = same ? stats_paired_ratio(walls[k], walls[fast], (size_t)rounds, LEVEL)
                                 : stats_ratio_of(&st[k].med, &st[fast].med);
        if (o->format == FMT_JSON) {
            json_comparison(out, o, fast, k, &r);
            continue;
        }
        snprintf(line, sizeof line, "  %6.2fx [%.2f, %.2f] %s %s%s\n", r.median, r.lo, r.hi,
                 r.lo > 1 ? "faster than" : "as fast as", o->arms[k].label,
                 r.lo > 1 ? "" : " (a tie: the interval includes 1)");
        jw_raw(out, line);
    }
}
