/* NAME    registry.c
 * PURPOSE The lists of workloads and executors. Adding one = its file + one name below. */
#include <string.h>

#include "executor.h"
#include "workload.h"

#define WORKLOADS(X) X(sleep) X(http) X(mixed) X(matmul) X(noop) X(spin) X(file) X(sqlite) X(dbfetch)
#define EXECUTORS(X) X(sequential) X(event_loop) X(thread_pool) X(openmp) X(hybrid) X(process) X(mpi)

#define DECLARE_W(id) extern const struct workload workload_##id;
#define DECLARE_E(id) extern const struct executor executor_##id;
#define ENTRY_W(id)   &workload_##id,
#define ENTRY_E(id)   &executor_##id,
WORKLOADS(DECLARE_W)
EXECUTORS(DECLARE_E)

const struct workload *const workloads[] = {WORKLOADS(ENTRY_W) NULL};
const struct executor *const executors[] = {EXECUTORS(ENTRY_E) NULL};

const struct workload *workload_find(const char *name)
{
    for (const struct workload *const *w = workloads; *w; w++)
        if (strcmp((*w)->name, name) == 0) return *w;
    return NULL;
}

const struct executor *executor_find(const char *name)
{
    for (const struct executor *const *e = executors; *e; e++)
        if (strcmp((*e)->name, name) == 0) return *e;
    return NULL;
}
