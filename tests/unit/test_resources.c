/* NAME    test_resources.c
 * PURPOSE The per-region counters added to struct usage: page faults count the pages a region
 *         touches first, and CPU migrations count a worker thread being moved between CPUs, both
 *         from the scheduler's per-thread statistics (before the perf counter is open) and from
 *         perf's inherited counter (after). */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "clock.h"
#include "resources.h"

#define PAGES 4096 /* 16 MiB of 4 KiB pages */

struct hop {
    int cpu[2]; /* two CPUs of the affinity set */
    int moved;  /* pinning calls that succeeded */
};

/* Moves itself back and forth between the two CPUs, running briefly on each. */
static void *hopper(void *arg)
{
    struct hop *h = arg;
    for (int k = 0; k < 6; k++) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(h->cpu[k % 2], &one);
        if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0)
            __atomic_add_fetch(&h->moved, 1, __ATOMIC_RELEASE);
        int64_t until = now_ns() + 1000000;
        while (now_ns() < until) {
        }
    }
    return NULL;
}

static void test_faults(void)
{
    long page = 4096;
    char *p = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED) return;
    madvise(p, PAGES * page, MADV_NOHUGEPAGE); /* one fault per 4 KiB page, not per 2 MiB */
    struct usage_mark m;
    struct usage u;
    usage_begin(&m);
    for (long k = 0; k < PAGES; k++)
        p[k * page] = 1;
    usage_end(&m, &u);
    printf("touching %d pages: %ld minor, %ld major faults\n", PAGES, u.cpu.minflt, u.cpu.majflt);
    CHECK(u.cpu.minflt >= PAGES * 9 / 10);
    CHECK(u.cpu.minflt < PAGES * 4); /* the region's, not the process's */
    CHECK(u.cpu.majflt >= 0);
    munmap(p, PAGES * page);
}

static void test_migrations(const char *expect)
{
    const char *from = usage_migrations_source();
    if (strcmp(from, expect) != 0)
        printf("migrations from %s, not %s: this kernel lacks the other\n", from, expect);
    struct usage_mark m;
    struct usage u;
    usage_begin(&m);
    usage_end(&m, &u);
    printf("migrations from %s; an empty region: %ld\n", from, u.migrations);
    if (strcmp(from, "none") == 0) {
        CHECK_EQ_LONG(u.migrations, -1);
        return;
    }
    CHECK(u.migrations >= 0 && u.migrations <= 2);

    cpu_set_t aff;
    struct hop h = {{-1, -1}, 0};
    CHECK(sched_getaffinity(0, sizeof aff, &aff) == 0);
    for (int cpu = 0, k = 0; cpu < CPU_SETSIZE && k < 2; cpu++)
        if (CPU_ISSET(cpu, &aff)) h.cpu[k++] = cpu;
    if (h.cpu[1] < 0) {
        printf("one CPU: no migration to count\n");
        return;
    }
    pthread_t t;
    usage_begin(&m);
    CHECK(pthread_create(&t, NULL, hopper, &h) == 0);
    /* In the scheduler's statistics a thread's count leaves with it: read once it has moved
     * and before it exits (perf's inherited counter keeps it either way). */
    int64_t until = now_ns() + 2000000000;
    while (__atomic_load_n(&h.moved, __ATOMIC_ACQUIRE) < 3 && now_ns() < until) {
    }
    struct usage mid;
    usage_end(&m, &mid);
    pthread_join(t, NULL);
    usage_end(&m, &u);
    printf("a thread pinned to CPU %d and %d in turn, %d moves: %ld migrations (%ld midway)\n",
           h.cpu[0], h.cpu[1], h.moved, u.migrations, mid.migrations);
    if (strcmp(from, "perf") == 0) CHECK(u.migrations >= 2);
    CHECK(mid.migrations >= 1);
}

int main(void)
{
    test_faults();
    test_migrations("sched");
    usage_open_counters(); /* as main.c does, but after the fallback's test: no thread is alive */
    test_migrations("perf");
    CHECK_DONE();
}
