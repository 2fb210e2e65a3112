/* NAME    histogram.h
 * PURPOSE Log-linear latency histogram (HdrHistogram's layout): constant memory, values in
 *         microseconds up to 2^40, relative error below 1/64. One per thread, merged after join. */
#ifndef CVP_HISTOGRAM_H
#define CVP_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 7  /* 128 linear buckets below 128 us */
#define HIST_MAX_EXP  40 /* values up to 2^40 us (12.7 days) */
#define HIST_BUCKETS  (128 + (HIST_MAX_EXP - HIST_SUB_BITS) * 64)

struct histogram {
    uint64_t counts[HIST_BUCKETS];
    uint64_t n;   /* values recorded */
    uint64_t min; /* smallest value recorded, in microseconds */
    uint64_t max; /* largest value recorded, in microseconds */
    double sum;   /* sum of values, in microseconds, for an exact mean */
};

void hist_init(struct histogram *h);
void hist_record(struct histogram *h, uint64_t value_us);
void hist_merge(struct histogram *into, const struct histogram *from);
/* The smallest recorded value v such that at least q (0..1] of all values are <= v,
 * to the bucket's precision (clamped to the exact min and max). 0 when empty. */
uint64_t hist_quantile(const struct histogram *h, double q);
double hist_mean(const struct histogram *h);
/* Values recorded at or below v (to the bucket's precision). */
uint64_t hist_count_le(const struct histogram *h, uint64_t v);
/* Standard deviation of the values, each taken at its bucket's top (0 when fewer than 2). */
double hist_stddev(const struct histogram *h);

#endif
