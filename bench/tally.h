/* NAME    tally.h
 * PURPOSE What a batch came to (tally.c): counts, latencies, cancellations, validity. */
#ifndef CVP_TALLY_H
#define CVP_TALLY_H

#include "batch.h"
#include "sample.h"

/* Adds what batch b came to into r (r's histograms initialised by the caller). end_ns: when
 * the executor returned. */
void tally_batch(const struct batch *b, int64_t end_ns, struct rep_result *r);
/* 0 when the batch is valid, else a reason in why. stop_allowed: the batch was asked to be able
 * to stop early, so cancelled tasks are not failures. */
int tally_validate(const struct workload *w, void *wstate, const struct batch *b, const long *count,
                   const char *const *first_msg, int stop_allowed, char *why, size_t len);
/* Adds one batch's tally to a sample's. */
void tally_merge(struct rep_result *into, const struct rep_result *b);

#endif
