/* NAME    test_matmul.c
 * PURPOSE Every kernel under every executor gives exactly the closed-form product, for odd and
 *         even sizes and any split into tasks; verification catches a missing block of rows. */
#include <string.h>

#include "check.h"
#include "executor.h"

static int run_matmul(const char *exec, long n, long tasks, const char *kernel, long threads,
                      int skip_task0)
{
    const struct workload *w = workload_find("matmul");
    const struct executor *e = executor_find(exec);
    struct params p = {.size = n,
                       .tasks = tasks,
                       .kernel = kernel,
                       .threads = threads,
                       .set = PM(P_SIZE) | PM(P_TASKS) | PM(P_KERNEL) | PM(P_THREADS)};
    void *st = NULL, *ex = NULL;
    struct exec_info info;
    char err[256] = "";
    if (w->setup(&p, &st, err, sizeof err) != 0 ||
        e->create(w, st, &p, &ex, &info, err, sizeof err) != 0) {
        fprintf(stderr, "setup failed: %s\n", err);
        return -2;
    }
    long nt = w->ntasks(st);
    struct outcome *out = calloc((size_t)nt, sizeof *out);
    w->reset(st);
    if (skip_task0)
        executor_run(e, ex, out + 1, nt - 1); /* tasks 0..nt-2: the last block is never done */
    else
        executor_run(e, ex, out, nt);
    int rc = w->verify(st, out, nt, err, sizeof err);
    if (rc != 0 && !skip_task0)
        fprintf(stderr, "%s n=%ld tasks=%ld kernel=%s: %s\n", exec, n, tasks, kernel, err);
    free(out);
    e->destroy(ex);
    w->teardown(st);
    return rc;
}

int main(void)
{
    static const long sizes[] = {1, 7, 16, 64, 100, 513};
    const char *execs[] = {"sequential", "thread-pool", "openmp"};
    const char *kernels[] = {"blocked", "ikj", "naive"};
    for (size_t e = 0; e < 3; e++)
        for (size_t k = 0; k < 3; k++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                long n = sizes[s];
                if (k == 2 && n > 100) continue; /* the textbook loop is slow under sanitizers */
                CHECK_EQ_LONG(run_matmul(execs[e], n, 1, kernels[k], 2, 0), 0);
                CHECK_EQ_LONG(run_matmul(execs[e], n, n, kernels[k], 3, 0), 0);
                CHECK_EQ_LONG(run_matmul(execs[e], n, (n + 2) / 3, kernels[k], 2, 0), 0);
            }
    /* The check is not vacuous: a block of rows left uncomputed is caught. */
    CHECK(run_matmul("thread-pool", 64, 8, "blocked", 2, 1) != 0);
    CHECK(run_matmul("sequential", 7, 7, "naive", 1, 1) != 0);
    CHECK_DONE();
}
