/* NAME    shm.h
 * PURPOSE The process boundary's memory: blocks that every process of a run sees at the same
 *         address (MAP_SHARED, anonymous), because they were mapped before the workers were
 *         forked. The runner allocates the outcomes and arrival times here before it creates
 *         the executors, and a workload allocates here what its tasks write and the parent reads
 *         (matmul's C, counters that verify or report read): workload_shared_alloc (workload.h)
 *         is the workload's door to it. A block mapped after a fork is the parent's alone. */
#ifndef CVP_SHM_H
#define CVP_SHM_H

#include <stddef.h>

/* A zeroed block of bytes, 64-byte aligned (page aligned in fact), shared with processes forked
 * later; NULL when the mapping fails. */
void *shm_alloc(size_t bytes);
/* Unmaps a block from shm_alloc (NULL is a no-op). */
void shm_free(void *p);
/* 1 when [p, p + bytes) lies inside one live block of shm_alloc, else 0. */
int shm_holds(const void *p, size_t bytes);

#endif
