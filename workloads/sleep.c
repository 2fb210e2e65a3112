/* NAME    sleep.c
 * PURPOSE Pure waiting with no I/O: each task waits --latency-ms. Blocking executors sleep the
 *         thread; the event loop arms a timer (workloads/sleep_loop.c), so waits overlap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sleep.h"

static int sleep_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    struct sleep_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->tasks = p->tasks;
    s->latency_ns = p->latency_us * 1000L;
    *state = s;
    return 0;
}

/* libuv keeps time in whole milliseconds: a loop timer for less than that fires at the next
 * tick, so on the event loop a sub-millisecond wait is a wait of up to a millisecond more. The
 * record says so beside the figures, which stay as measured. */
#define LOOP_TICK_US 1000

static void sleep_report(void *state, struct jw *j)
{
    const struct sleep_state *s = state;
    jw_num(j, "wait_us", (double)s->latency_ns / 1e3);
    if (s->latency_ns > 0 && s->latency_ns < LOOP_TICK_US * 1000L) {
        jw_int(j, "loop_timer_tick_us", LOOP_TICK_US);
        jw_str(j, "note", "the wait is below the event loop's timer tick (libuv counts whole "
                          "milliseconds): a loop task waits until the next tick");
    }
}

static void sleep_teardown(void *state)
{
    free(state);
}

static long sleep_ntasks(const void *state)
{
    return ((const struct sleep_state *)state)->tasks;
}

/* A thread asleep cannot be interrupted (time.sleep in a thread cannot be cancelled either): a
 * stopped batch waits for it. */
static void sleep_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct sleep_state *s = state;
    sleep_ns(s->latency_ns);
    o->cls = OUT_OK;
}

static int sleep_worker_init(void *state, void **tls)
{
    *tls = calloc(1, sizeof(struct sleep_tls));
    return *tls ? 0 : -ENOMEM;
}

static void sleep_worker_fini(void *state, void *tls)
{
    free(tls);
}

static int sleep_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    struct sleep_state *s = state;
    return outcomes_check_min_duration(o, n, s->latency_ns, why, len);
}

const struct workload workload_sleep = {
    .name = "sleep",
    .kind = WK_IO,
    .summary = "each task waits --latency-ms (thread sleep; a loop timer on the event loop)",
    .params = PM(P_TASKS) | PM(P_LATENCY_MS),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .loop_task_bytes = 256, /* measured: 208 bytes per timer in flight */
    .setup = sleep_setup,
    .teardown = sleep_teardown,
    .ntasks = sleep_ntasks,
    .worker_init = sleep_worker_init,
    .worker_fini = sleep_worker_fini,
    .run_task = sleep_run_task,
    .start_task = sleep_start_task,
    .cancel_all = sleep_cancel_all,
    .verify = sleep_verify,
    .report = sleep_report,
};
