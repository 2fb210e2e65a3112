/* NAME    test_histogram.c
 * PURPOSE Percentiles against known data, to the histogram's stated precision; merging two
 *         histograms equals recording everything into one. */
#include <math.h>

#include "check.h"
#include "histogram.h"

/* True when got is within the histogram's relative precision (1/64) of want. */
static int close_to(uint64_t got, double want)
{
    return fabs((double)got - want) <= want / 64.0 + 1.0;
}

int main(void)
{
    static struct histogram h, a, b;

    hist_init(&h);
    CHECK_EQ_LONG(hist_quantile(&h, 0.5), 0); /* empty */

    /* 1..100000 us: the nearest-rank p-th percentile of 1..N is ceil(p*N). */
    hist_init(&a);
    hist_init(&b);
    for (uint64_t v = 1; v <= 100000; v++) {
        hist_record(&h, v);
        hist_record(v % 2 ? &a : &b, v);
    }
    CHECK(close_to(hist_quantile(&h, 0.50), 50000));
    CHECK(close_to(hist_quantile(&h, 0.90), 90000));
    CHECK(close_to(hist_quantile(&h, 0.99), 99000));
    CHECK_EQ_LONG(hist_quantile(&h, 1.0), 100000);
    CHECK_EQ_LONG(h.max, 100000);
    CHECK_EQ_LONG(h.min, 1);
    CHECK(fabs(hist_mean(&h) - 50000.5) < 1e-6);

    /* Small values are exact. */
    struct histogram s;
    hist_init(&s);
    for (uint64_t v = 1; v <= 100; v++)
        hist_record(&s, v);
    CHECK_EQ_LONG(hist_quantile(&s, 0.50), 50);
    CHECK_EQ_LONG(hist_quantile(&s, 0.90), 90);
    CHECK_EQ_LONG(hist_quantile(&s, 0.99), 99);

    /* A skewed distribution: 99 fast, 1 slow; p99 is fast, max is slow. */
    hist_init(&s);
    for (int k = 0; k < 99; k++)
        hist_record(&s, 1000);
    hist_record(&s, 1000000);
    CHECK(close_to(hist_quantile(&s, 0.99), 1000));
    CHECK_EQ_LONG(hist_quantile(&s, 0.999), 1000000);

    /* Merge: same counts, min, max and quantiles as one histogram. */
    hist_merge(&a, &b);
    CHECK_EQ_LONG(a.n, h.n);
    CHECK_EQ_LONG(a.min, h.min);
    CHECK_EQ_LONG(a.max, h.max);
    for (double q = 0.1; q < 1.0; q += 0.1)
        CHECK_EQ_LONG(hist_quantile(&a, q), hist_quantile(&h, q));

    /* Huge values land in the last bucket and still report the exact max. */
    hist_init(&s);
    hist_record(&s, UINT64_MAX / 2);
    CHECK_EQ_LONG(hist_quantile(&s, 0.5), (long long)(UINT64_MAX / 2));
    CHECK_DONE();
}
