/* NAME    batch.c
 * PURPOSE Admitting, ending and stopping the tasks of a batch (batch.h). A blocking executor's
 *         wait for a task's due time is a futex wait on the stop word with an absolute
 *         deadline, so stopping the batch wakes every waiter at once (in every process, when
 *         the batch lives in shared memory: b->shared). */
#include "batch.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static __thread struct batch *current;

struct batch *batch_current(void)
{
    return current;
}

void batch_set_current(struct batch *b)
{
    current = b;
}

int batch_stopping(void)
{
    struct batch *b = current;
    return b && !batch_running(b);
}

void batch_init(struct batch *b, struct outcome *out, long n)
{
    memset(b, 0, sizeof *b);
    b->out = out;
    b->n = n;
    b->fail_task = -1;
}

int batch_inject(struct batch *b, long i, struct outcome *o)
{
    if (i != b->fail_task) return 0;
    o->start_ns = now_ns();
    outcome_fail(o, OUT_OTHER, "failed as asked (--fail-task)");
    o->flags |= OUTF_INJECTED;
    o->end_ns = o->start_ns;
    return 1;
}

void batch_begin(struct batch *b)
{
    atomic_store(&b->stop, 0);
    atomic_store(&b->reason, STOP_NONE);
    atomic_store(&b->stop_ns, 0);
    b->t0_ns = now_ns();
}

void batch_stop(struct batch *b, enum stop_reason why)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&b->stop, &expected, 1)) return;
    /* A deadline stops the batch at the deadline, whenever a thread notices it: the time to
     * stop counts from there. */
    atomic_store(&b->stop_ns, why == STOP_DEADLINE && b->deadline_ns ? b->deadline_ns : now_ns());
    atomic_store(&b->reason, (int)why);
    syscall(SYS_futex, &b->stop, b->shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL,
            0);
}

int batch_running(struct batch *b)
{
    if (atomic_load_explicit(&b->stop, memory_order_acquire)) return 0;
    if (b->deadline_ns && now_ns() >= b->deadline_ns) {
        batch_stop(b, STOP_DEADLINE);
        return 0;
    }
    return 1;
}

void batch_cancel_unstarted(struct batch *b, long i)
{
    b->out[i].cls = OUT_CANCELLED;
    b->out[i].msg = "cancelled before it started";
    b->out[i].start_ns = b->out[i].end_ns = 0;
}

/* Sleeps until the monotonic time t_ns, or until the batch stops. */
static void wait_until(struct batch *b, int64_t t_ns)
{
    while (batch_running(b)) {
        int64_t until = t_ns;
        if (b->deadline_ns && b->deadline_ns < until) until = b->deadline_ns;
        if (now_ns() >= until) return;
        struct timespec ts = {.tv_sec = until / 1000000000, .tv_nsec = until % 1000000000};
        /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time; it returns at once if the
         * word is no longer 0 (the batch stopped meanwhile). */
        syscall(SYS_futex, &b->stop, b->shared ? FUTEX_WAIT_BITSET : FUTEX_WAIT_BITSET_PRIVATE, 0,
                &ts, NULL, FUTEX_BITSET_MATCH_ANY);
    }
}

int batch_admit(struct batch *b, long i)
{
    if (b->due_ns) wait_until(b, batch_due(b, i));
    if (!batch_running(b)) {
        batch_cancel_unstarted(b, i);
        return 0;
    }
    return 1;
}

void batch_ended(struct batch *b, long i)
{
    unsigned c = b->out[i].cls;
    if (b->fail_fast && c != OUT_OK && c != OUT_CANCELLED) batch_stop(b, STOP_ERROR);
}
