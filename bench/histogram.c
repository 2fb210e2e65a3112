/* NAME    histogram.c
 * PURPOSE Log-linear latency histogram: 128 exact buckets, then 64 buckets per power of two. */
#include "histogram.h"

#include <math.h>
#include <string.h>

static unsigned bucket_of(uint64_t v)
{
    if (v < 128) return (unsigned)v;
    unsigned e = 63 - (unsigned)__builtin_clzll(v); /* 2^e <= v < 2^(e+1), e >= 7 */
    if (e >= HIST_MAX_EXP) return HIST_BUCKETS - 1;
    unsigned shift = e - 6; /* keeps 7 significant bits: v >> shift is in [64, 128) */
    return 128 + (e - 7) * 64 + (unsigned)((v >> shift) - 64);
}

/* The largest value that falls in bucket b. */
static uint64_t bucket_top(unsigned b)
{
    if (b < 128) return b;
    unsigned e = (b - 128) / 64 + 7;
    uint64_t mant = 64 + (b - 128) % 64;
    unsigned shift = e - 6;
    return ((mant + 1) << shift) - 1;
}

void hist_init(struct histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void hist_record(struct histogram *h, uint64_t v)
{
    h->counts[bucket_of(v)]++;
    h->n++;
    h->sum += (double)v;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
}

void hist_merge(struct histogram *into, const struct histogram *from)
{
    for (unsigned b = 0; b < HIST_BUCKETS; b++)
        into->counts[b] += from->counts[b];
    into->n += from->n;
    into->sum += from->sum;
    if (from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
}

uint64_t hist_quantile(const struct histogram *h, double q)
{
    if (h->n == 0) return 0;
    if (q <= 0) return h->min;
    /* rank = ceil(q * n), at least 1: the nearest-rank definition of a percentile. */
    uint64_t rank = (uint64_t)(q * (double)h->n);
    if ((double)rank < q * (double)h->n) rank++;
    if (rank < 1) rank = 1;
    if (rank > h->n) rank = h->n;
    uint64_t seen = 0;
    for (unsigned b = 0; b < HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) {
            uint64_t v = bucket_top(b);
            if (v > h->max) v = h->max;
            if (v < h->min) v = h->min;
            return v;
        }
    }
    return h->max;
}

double hist_mean(const struct histogram *h)
{
    return h->n ? h->sum / (double)h->n : 0.0;
}

uint64_t hist_count_le(const struct histogram *h, uint64_t v)
{
    uint64_t seen = 0;
    unsigned last = bucket_of(v);
    for (unsigned b = 0; b <= last && b < HIST_BUCKETS; b++)
        seen += h->counts[b];
    return seen;
}

double hist_stddev(const struct histogram *h)
{
    if (h->n < 2) return 0;
    double mean = hist_mean(h), ss = 0;
    for (unsigned b = 0; b < HIST_BUCKETS; b++)
        if (h->counts[b]) {
            double d = (double)bucket_top(b) - mean;
            ss += (double)h->counts[b] * d * d;
        }
    return sqrt(ss / (double)(h->n - 1));
}
