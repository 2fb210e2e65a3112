/* NAME    process_worker.c
 * PURPOSE A worker process of the process executor: set up its workload state, tell the parent
 *         it is ready, then sleep on the batch generation (a shared futex) and take tasks of
 *         each batch with one atomic fetch-add on the shared counter, as the thread pool's
 *         threads do, until told to quit. It exits with _exit: the parent's atexit work
 *         (temporary folders, buffered output) is the parent's to do, not a copy's. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "affinity.h"
#include "procpool.h"

static void notify(const struct pctl *ctl)
{
    uint64_t one = 1;
    while (write(ctl->efd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

/* The test hook: "K" (SIGKILL), "K:exit" (exit status 3) or "K:segv" (SIGSEGV), when the worker
 * is about to run task K, once per executor. */
static void maybe_die(const struct pworker *pw, long i)
{
    if (!pw->die_hook || atol(pw->die_hook) != i) return;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&pw->ctl->hook_fired, &expected, 1)) return;
    const char *how = strchr(pw->die_hook, ':');
    if (how && strcmp(how, ":exit") == 0) _exit(3);
    raise(how && strcmp(how, ":segv") == 0 ? SIGSEGV : SIGKILL);
    _exit(4);
}

static void run_batch(const struct pworker *pw, void *tls)
{
    struct pctl *ctl = pw->ctl;
    struct pslot *me = &ctl->slot[pw->id];
    struct batch *b = &ctl->b;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    batch_set_current(b);
    for (;;) {
        long i = atomic_fetch_add_explicit(&ctl->next, 1, memory_order_relaxed);
        if (i >= b->n) break;
        atomic_store_explicit(&me->cur, i, memory_order_relaxed);
        if (batch_admit(b, i)) {
            maybe_die(pw, i);
            task_run(pw->w, pw->wstate, tls, i, &b->out[i]);
            b->out[i].worker = (uint8_t)pw->id;
        }
        atomic_store_explicit(&me->cur, -1, memory_order_release);
        batch_ended(b, i);
    }
    batch_set_current(NULL);
    getrusage(RUSAGE_SELF, &r1);
    me->cpu = cpu_use_between(&r0, &r1);
}

_Noreturn void procpool_worker(const struct pworker *pw)
{
    /* A worker must not outlive its parent: if the parent dies, so does it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != pw->parent) _exit(1);
    struct pctl *ctl = pw->ctl;
    struct pslot *me = &ctl->slot[pw->id];
    if (pw->pin) affinity_pin_self(pw->id);
    void *tls = NULL;
    int rc = pw->w->worker_init ? pw->w->worker_init(pw->wstate, &tls) : 0;
    /* Read before saying ready: the parent starts no batch until every worker is ready, and a
     * batch begun right after would otherwise look already seen. */
    unsigned seen = atomic_load(&ctl->gen);
    atomic_store(&me->init_rc, rc);
    atomic_store(&me->cur, -1);
    atomic_store(&me->ready_ns, now_ns());
    notify(ctl);
    while (rc == 0) {
        unsigned g = atomic_load_explicit(&ctl->gen, memory_order_acquire);
        if (atomic_load(&ctl->quit)) break;
        if (g == seen) {
            syscall(SYS_futex, &ctl->gen, FUTEX_WAIT, g, NULL, NULL, 0);
            continue;
        }
        seen = g;
        run_batch(pw, tls);
        atomic_store_explicit(&me->done_gen, g, memory_order_release);
        notify(ctl);
    }
    if (rc == 0 && pw->w->worker_fini) pw->w->worker_fini(pw->wstate, tls);
    _exit(rc == 0 ? 0 : 1);
}
