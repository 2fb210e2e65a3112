/* NAME    hgrm.c
 * PURPOSE HdrHistogram's percentile distribution text (hgrm.h). The steps follow its
 *         PercentileIterator with 5 ticks per half distance: 0%, 10%, ... 50%, 55%, ... 75%,
 *         77.5%, ... so the tail gets as many lines as the body; values in milliseconds. */
#include "hgrm.h"

#include <math.h>
#include <stdio.h>

#define TICKS_PER_HALF 5
#define MAX_LINES      400 /* the steps shrink geometrically: a long tail stops here */

static void line(struct jw *j, double value_ms, double q, unsigned long long count, int last)
{
    char buf[128];
    if (last)
        snprintf(buf, sizeof buf, "%12.3f %2.12f %10llu\n", value_ms, q, count);
    else
        snprintf(buf, sizeof buf, "%12.3f %2.12f %10llu %14.2f\n", value_ms, q, count,
                 1.0 / (1.0 - q));
    jw_raw(j, buf);
}

void hgrm_text(struct jw *j, const struct histogram *h)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
             "1/(1-Percentile)");
    jw_raw(j, buf);
    if (h->n > 0) {
        double p = 0; /* percent */
        for (int k = 0; k < MAX_LINES; k++) {
            uint64_t v = hist_quantile(h, p / 100);
            unsigned long long count = hist_count_le(h, v);
            if (count >= h->n) break; /* the rest is the maximum, printed last */
            line(j, (double)v / 1e3, p / 100, count, 0);
            double halves = floor(log2(100.0 / (100.0 - p))) + 1;
            p += 100.0 / (TICKS_PER_HALF * pow(2, halves));
        }
        line(j, (double)h->max / 1e3, 1.0, (unsigned long long)h->n, 1);
    }
    double mean = hist_mean(h) / 1e3, sd = hist_stddev(h) / 1e3;
    snprintf(buf, sizeof buf, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", mean, sd);
    jw_raw(j, buf);
    snprintf(buf, sizeof buf, "#[Max     = %12.3f, Total count    = %12llu]\n",
             (double)h->max / 1e3, (unsigned long long)h->n);
    jw_raw(j, buf);
    snprintf(buf, sizeof buf, "#[Buckets = %12d, SubBuckets     = %12d]\n", HIST_BUCKETS, 64);
    jw_raw(j, buf);
}
