/* NAME    tally.c
 * PURPOSE What one batch came to, from its outcomes, after the timed region (so measuring costs
 *         the region nothing but two clock reads per task): outcome classes, three latencies per
 *         task (queue: due to start, waiting for a slot or a thread; service: start to end, the
 *         record's latency_us; response: due to end, what the caller waited), cancellations, and
 *         how the batch stopped. Then whether it is valid. */
#include "tally.h"

#include <stdio.h>
#include <string.h>

static void record(struct histogram *h, int64_t ns)
{
    hist_record(h, ns > 0 ? (uint64_t)(ns / 1000) : 0);
}

void tally_batch(const struct batch *b, int64_t end_ns, struct rep_result *r)
{
    int64_t first[256];
    for (int k = 0; k < 256; k++)
        first[k] = INT64_MAX;
    int blocking_seen = 0;
    for (long i = 0; i < b->n; i++) {
        const struct outcome *o = &b->out[i];
        unsigned c = o->cls < OUT_NCLASSES ? o->cls : OUT_OTHER;
        r->count[c]++;
        if (c != OUT_OK && !r->first_msg[c])
            r->first_msg[c] = o->msg ? o->msg : outcome_class_name(c);
        if (c == OUT_NOT_RUN) continue;
        if (c == OUT_CANCELLED) {
            if (o->start_ns == 0) {
                r->cancelled_unstarted++;
                continue; /* never started: no latency to speak of */
            }
            r->cancelled_in_flight++;
            r->cancelled_sent += (o->flags & OUTF_SENT) != 0;
        }
        int64_t due = batch_due(b, i);
        record(&r->lat, o->end_ns - o->start_ns);
        record(&r->queue, o->start_ns - due);
        record(&r->response, o->end_ns - due);
        if (o->flags & OUTF_BLOCKING)
            blocking_seen = 1;
        else
            record(&r->response_nonblocking, o->end_ns - due);
        if (o->start_ns < first[o->worker]) first[o->worker] = o->start_ns;
    }
    if (!blocking_seen)
        hist_init(&r->response_nonblocking); /* only meaningful beside blocking ones */
    /* How long after the batch began the last worker took its first task: waking threads. */
    int64_t last = b->t0_ns;
    for (int k = 0; k < 256; k++)
        if (first[k] != INT64_MAX && first[k] > last) last = first[k];
    double us = (double)(last - b->t0_ns) / 1e3;
    if (us > r->first_task_us) r->first_task_us = us;
    r->stop_reason = atomic_load(&b->reason);
    int64_t stop = atomic_load(&b->stop_ns);
    r->stop_at_us = stop ? (double)(stop - b->t0_ns) / 1e3 : 0;
    r->stop_to_end_us = stop ? (double)(end_ns - stop) / 1e3 : 0;
}

int tally_validate(const struct workload *w, void *wstate, const struct batch *b, const long *count,
                   const char *const *first_msg, int stop_allowed, char *why, size_t len)
{
    if (count[OUT_NOT_RUN] > 0) {
        snprintf(why, len, "%ld of %ld tasks were never run by the executor", count[OUT_NOT_RUN],
                 b->n);
        return -1;
    }
    /* Cancelled tasks are what a batch asked to stop (--fail-fast, a deadline) leaves; any
     * other cancellation is an executor's bug. */
    long injected = 0; /* --fail-task's failure was asked for */
    for (long i = 0; i < b->n; i++)
        injected += (b->out[i].flags & OUTF_INJECTED) && b->out[i].cls == OUT_OTHER;
    long failed = b->n - count[OUT_OK] - injected - (stop_allowed ? count[OUT_CANCELLED] : 0);
    if (failed > 0) {
        for (unsigned c = 1; c < OUT_NCLASSES; c++)
            if (count[c] && (c != OUT_CANCELLED || !stop_allowed) &&
                (c != OUT_OTHER || count[c] > injected)) {
                snprintf(why, len, "%ld of %ld tasks failed (first: %s: %s)", failed, b->n,
                         outcome_class_name(c), first_msg[c]);
                break;
            }
        return -1;
    }
    return w->verify(wstate, b->out, b->n, why, len);
}

void tally_merge(struct rep_result *into, const struct rep_result *b)
{
    for (unsigned c = 0; c < OUT_NCLASSES; c++) {
        into->count[c] += b->count[c];
        if (!into->first_msg[c]) into->first_msg[c] = b->first_msg[c];
    }
    hist_merge(&into->lat, &b->lat);
    hist_merge(&into->queue, &b->queue);
    hist_merge(&into->response, &b->response);
    hist_merge(&into->response_nonblocking, &b->response_nonblocking);
    into->cancelled_unstarted += b->cancelled_unstarted;
    into->cancelled_in_flight += b->cancelled_in_flight;
    into->cancelled_sent += b->cancelled_sent;
    if (b->first_task_us > into->first_task_us) into->first_task_us = b->first_task_us;
    into->stop_reason = b->stop_reason;
    into->stop_at_us = b->stop_at_us;
    into->stop_to_end_us = b->stop_to_end_us;
}
