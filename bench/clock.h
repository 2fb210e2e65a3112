/* NAME    clock.h
 * PURPOSE Monotonic time for relative timings only; never wall-clock time. */
#ifndef CVP_CLOCK_H
#define CVP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
static inline int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Blocks the calling thread for at least ns nanoseconds, resuming after EINTR. */
static inline void sleep_ns(int64_t ns)
{
    struct timespec until;
    int64_t t = now_ns() + ns;
    until.tv_sec = t / 1000000000;
    until.tv_nsec = t % 1000000000;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0) {
    }
}

#endif
