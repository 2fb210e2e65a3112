/* NAME    workload.h
 * PURPOSE What a workload is: it does work and knows nothing of scheduling. Executors call it in
 *         its blocking form (run_task) or, on an event loop, in its non-blocking form (start_task).
 *         Adding one = its file + one name in bench/registry.c; the scripts learn of it from
 *         `cvpbench --list --format json`.
 */
#ifndef CVP_WORKLOAD_H
#define CVP_WORKLOAD_H

#include <stddef.h>

#include "batch.h"
#include "clock.h"
#include "dist.h"
#include "jsonw.h"
#include "loop.h"
#include "outcome.h"
#include "params.h"

enum workload_kind { WK_IO, WK_CPU, WK_MIXED };

struct workload {
    const char *name;
    enum workload_kind kind;
    const char *summary; /* one line for --list */
    unsigned params;     /* PM() bits of the parameters it reads */
    /* Its own defaults where they differ from the table's (ends with id == P_COUNT), e.g.
     * {{.id = P_TASKS, .value = 100}, {.id = P_COUNT}}; shown by --help and --list. */
    const struct param_default *defaults;
    int fds_per_task;   /* descriptors one task in flight holds (checked against the limit) */
    int fds_per_worker; /* descriptors each worker's state holds, e.g. curl's wake-up pair */
    /* Memory one task in flight holds in the non-blocking form (its timer, its curl handle and
     * buffers), in bytes, as measured; headroom.c checks a run's total before it starts. */
    size_t loop_task_bytes;
    /* The bytes setup() will allocate for these parameters (optional), so that headroom.c can
     * refuse a run this machine cannot hold before it starts (matmul: its four matrices). */
    double (*setup_bytes)(const struct params *p);
    /* Validates parameters and allocates inputs. Returns 0, -EINVAL for bad parameters (the run
     * exits 2) or another negative errno; err receives one line either way. */
    int (*setup)(const struct params *p, void **state, char *err, size_t errlen);
    void (*teardown)(void *state);
    long (*ntasks)(const void *state);
    /* Called before every batch, outside the timed region (optional): clears last batch's output
     * so that verify cannot pass on a previous batch's results. */
    void (*reset)(void *state);
    /* Per-worker resources (optional): called once on each worker thread before any task. */
    int (*worker_init)(void *state, void **tls);
    void (*worker_fini)(void *state, void *tls);
    /* Blocking form: does task i and fills o (class, status, bytes, msg); never fails silently. */
    void (*run_task)(void *state, void *tls, long i, struct outcome *o);
    /* Non-blocking form (optional): starts task i on the loop and calls done(ctx, i) once when
     * it ends, having filled o. NULL means the loop hands run_task to its CPU runner. */
    void (*start_task)(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                       task_done_fn done, void *ctx);
    /* The loop thread's resources for the non-blocking form (optional): loop_init after
     * worker_init, once the loop exists; loop_fini before worker_fini, while the loop can still
     * run the close callbacks of the handles it made. */
    int (*loop_init)(void *state, void *tls, struct loop *ev);
    void (*loop_fini)(void *state, void *tls);
    /* Ends every task of this loop still in flight (optional), on the loop thread: each ends
     * with outcome class cancelled (and flag OUTF_SENT when its request had reached the
     * server) and calls its done() exactly once. Without it, in-flight tasks run to the end. */
    void (*cancel_all)(void *state, void *tls);
    /* Checks the batch's results. Returns 0 when valid, else writes a one-line reason. */
    int (*verify)(void *state, const struct outcome *o, long n, char *why, size_t len);
    /* Workload-specific figures of the last batch (optional), written as JSON members into the
     * record's "workload_metrics" object. */
    void (*report)(void *state, struct jw *j);
    /* Floating-point operations per batch (optional), for GFLOP/s. */
    double (*flops)(const void *state);
    /* Its data as a distributed program moves it between MPI ranks (optional; dist.h). Without
     * it, every rank works on what its own set-up made (waits, requests, files). */
    void (*dist)(void *state, struct dist *d);
};

/* The one way every blocking executor runs a task: timestamps around the workload's run_task. */
static inline void task_run(const struct workload *w, void *state, void *tls, long i,
                            struct outcome *o)
{
    struct batch *b = batch_current();
    if (b && batch_inject(b, i, o)) return;
    o->start_ns = now_ns();
    w->run_task(state, tls, i, o);
    o->end_ns = now_ns();
}

/* The process boundary. An executor may run tasks in other processes (process: workers forked
 * after set-up), where the workload's state is a copy taken at the fork. Whatever a task writes
 * that another process reads (an output like matmul's C; a counter that verify or report reads;
 * a figure reset() changes between batches) must live in memory allocated here: when the run has
 * an executor that forks (the runner says so before setup), it is MAP_SHARED memory mapped
 * before the fork, so every process sees it at the same address; otherwise plain heap memory.
 * Zeroed, 64-byte aligned; NULL when out of memory. Under mpi the ranks are separate programs:
 * there a workload's data moves through its `dist` description instead (dist.h). */
void *workload_shared_alloc(size_t bytes);
void workload_shared_free(void *p);
/* Called by the runner (and tests) before setup: 1 when tasks will run in forked processes. */
void workload_shared_mode(int forked);

extern const struct workload *const workloads[]; /* NULL-terminated registry */
const struct workload *workload_find(const char *name);

#endif
