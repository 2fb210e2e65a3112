/* NAME    samples.h
 * PURPOSE Summaries of a handful of timed samples (hundreds, not millions): the median and the
 *         90th percentile by nearest rank, and a reason when a figure could not be measured.
 *         The calibration's probes all report through it, so they cannot disagree on what
 *         "median" means. (Long runs use the histogram instead: constant memory, merged per
 *         thread.) */
#ifndef CVP_SAMPLES_H
#define CVP_SAMPLES_H

#include <stddef.h>

struct stats {
    int n;         /* samples; 0 = not measured, and why says so */
    double median; /* in the samples' unit */
    double p90;    /* in the samples' unit */
    char why[160]; /* one line: why there is no figure */
};

/* Sorts v[0..n-1] in place and summarises it into s (n == 0 leaves s unmeasured). */
void stats_of(double *v, int n, struct stats *s);
/* The nearest-rank q-quantile (0 < q <= 1) of sorted v[0..n-1]; 0 when n == 0. */
double quantile_sorted(const double *v, int n, double q);
/* Marks s as not measured, with a reason (printf-style). Returns -err, for `return`. */
int stats_none(struct stats *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
