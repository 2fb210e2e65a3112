/* NAME    hgrm.h
 * PURPOSE A latency histogram as HdrHistogram's percentile distribution text (.hgrm), the file
 *         wrk2 users plot (HdrHistogram's plotter reads it as is): values in milliseconds. */
#ifndef CVP_HGRM_H
#define CVP_HGRM_H

#include <stddef.h>

#include "histogram.h"
#include "jsonw.h"

/* Appends h's distribution to j: the header, a line per percentile step (five per halving of
 * the distance to 100%, as HdrHistogram prints them), the maximum, and the summary lines. */
void hgrm_text(struct jw *j, const struct histogram *h);

#endif
