/* NAME    cpu_pool.h
 * PURPOSE Worker threads for the hybrid executor's CPU parts: items go in from the loop thread,
 *         run on a worker (with that worker's workload state), and come back to the loop thread
 *         through a uv_async handle. */
#ifndef CVP_CPU_POOL_H
#define CVP_CPU_POOL_H

#include "loop.h"
#include "workload.h"

struct cpu_pool;

/* Starts nthreads workers, each with its own workload state (worker_init). Returns 0 or a
 * negative errno with err set. Must be called on the loop's thread. */
int cpu_pool_start(struct cpu_pool **out, uv_loop_t *loop, long nthreads, int pin,
                   const struct workload *w, void *wstate, long *pinned, char *err, size_t errlen);
/* Queues w; its after() runs later on the loop thread. Loop thread only. */
void cpu_pool_submit(struct cpu_pool *p, struct loop_work *w);
/* Joins the workers and closes the async handle; the loop must run once more to free it. */
void cpu_pool_stop(struct cpu_pool *p);

#endif
