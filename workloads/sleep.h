/* NAME    sleep.h
 * PURPOSE The sleep workload's state, shared by its blocking and event-loop forms. */
#ifndef CVP_SLEEP_H
#define CVP_SLEEP_H

#include "workload.h"

struct sleep_state {
    long tasks;
    int64_t latency_ns; /* each task's wait, in nanoseconds */
};

#endif
