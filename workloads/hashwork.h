/* NAME    hashwork.h
 * PURPOSE A fixed amount of CPU work sized in microseconds on this machine: a dependent chain of
 *         integer hash rounds, its rate measured at set-up, its result known in advance so that
 *         every run proves it did all the rounds. Used by the mixed and spin workloads. */
#ifndef CVP_HASHWORK_H
#define CVP_HASHWORK_H

#include <stdint.h>

struct hashwork {
    long work_us;         /* work per call, in microseconds (as measured at set-up) */
    double rounds_per_us; /* this machine's rate, the best of a few trials */
    uint64_t rounds;      /* rounds per call */
    uint64_t expect;      /* the chain's result after `rounds` rounds */
};

/* Measures the rate (about 20 ms) and sizes the chain for work_us. */
void hashwork_init(struct hashwork *h, long work_us);
/* Does the work once. Returns 0 when the result is the expected one. */
int hashwork_run(const struct hashwork *h);

#endif
