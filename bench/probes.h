/* NAME    probes.h
 * PURPOSE The costs a scheduling model needs, each timed on this machine: creating and joining a
 *         thread, waking a thread blocked on a condition variable, a loopback TCP connection,
 *         and how late a 1 ms sleep or a 1 ms libuv timer returns. Each probe repeats its
 *         operation `trials` times, after an untimed tenth more as warm-up, and summarises the
 *         samples, in microseconds. */
#ifndef CVP_PROBES_H
#define CVP_PROBES_H

#include <stddef.h>

#include "machine.h"
#include "samples.h"

/* Each returns 0 with s filled, or -errno with s->n == 0 and s->why set: a probe that cannot
 * run on this machine is a missing figure, never a crash. */

/* pthread_create + pthread_join of a thread that does nothing. */
int probe_thread_create(int trials, struct stats *s);
/* One-way wake-up: the signaller stamps the clock, then pthread_cond_signal; the waiter, asleep in
 * pthread_cond_wait, stamps it when it runs. The two are pinned to different physical cores when
 * there are two, else to two SMT siblings, else both to the one CPU there is (the woken thread
 * then runs when the waker yields); placement says which. */
int probe_wake(const struct machine *m, int trials, struct stats *s, const char **placement);
/* socket + connect + accept + close of both ends on 127.0.0.1, blocking, SO_LINGER 0 (no
 * TIME_WAIT left behind), in one thread against its own listener. */
int probe_connect(int trials, struct stats *s);
/* The fixed cost of a call on a cached file: a 1-byte pread of this binary (what batching calls
 * into one submission, as io_uring does, can save per call at most). */
int probe_file_call(int trials, struct stats *s);
/* How much later than asked a relative clock_nanosleep(1 ms) returns. */
int probe_nanosleep_slack(int trials, long wait_us, struct stats *s);
/* How much later than 1 ms a one-shot 1 ms uv_timer fires, timed with uv_hrtime (the loop's own
 * clock counts whole milliseconds). */
int probe_uv_timer_slack(int trials, struct stats *s);

#endif
