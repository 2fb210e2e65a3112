/* NAME    leaks.c
 * PURPOSE No descriptor or thread outlives its run: every executor runs the http workload (and
 *         the sleep workload) for several batches per executor and several executors in a row,
 *         in this process, and the counts of /proc/self/fd and /proc/self/task entries after
 *         each cycle must equal the counts after the first (which pays one-off costs such as the
 *         OpenMP runtime's pool and libcurl's global state).
 * USAGE   reliability_leaks URL_BASE   (a running mock server, http://127.0.0.1:PORT) */
#include <curl/curl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "executor.h"
#include "workload.h"

#define CYCLES  4 /* create, run BATCHES batches, destroy; cycle 0 is the baseline */
#define BATCHES 3
#define TASKS   40

static int failures;

/* Entries of a /proc folder, less "." and "..", and less the descriptor opendir itself holds. */
static long count_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return strcmp(path, "/proc/self/fd") == 0 ? n - 1 : n;
}

/* pthread_join returns when the kernel clears the thread's id, a moment before the kernel drops
 * the thread from /proc/self/task: a joined thread can still be listed briefly, a leaked one
 * stays. So counts of threads are read once they stop falling (within a second). */
static long settled_count(const char *path, long at_most)
{
    long n = count_entries(path);
    for (int k = 0; k < 50 && n > at_most; k++) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        long again = count_entries(path);
        if (at_most < 0 && again == n) break; /* no target: stable is settled */
        n = again;
    }
    return n;
}

/* One cycle; returns 0 when every batch gave TASKS ok outcomes. */
static int cycle(const struct executor *e, const struct workload *w, const struct params *p)
{
    void *ws = NULL, *ex = NULL;
    struct exec_info info;
    char err[256] = "";
    if (w->setup(p, &ws, err, sizeof err) != 0) {
        fprintf(stderr, "%s setup: %s\n", w->name, err);
        return -1;
    }
    if (e->create(w, ws, p, &ex, &info, err, sizeof err) != 0) {
        fprintf(stderr, "%s create: %s\n", e->name, err);
        w->teardown(ws);
        return -1;
    }
    struct outcome out[TASKS];
    int bad = 0;
    for (int b = 0; b < BATCHES; b++) {
        for (long i = 0; i < TASKS; i++)
            out[i] = (struct outcome){.cls = OUT_NOT_RUN};
        executor_run(e, ex, out, TASKS);
        for (long i = 0; i < TASKS; i++)
            bad += out[i].cls != OUT_OK;
    }
    e->destroy(ex);
    w->teardown(ws);
    if (bad) fprintf(stderr, "%s x %s: %d tasks not ok\n", w->name, e->name, bad);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s URL_BASE\n", argv[0]);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    /* Every executor in the registry, on a workload that holds connections and one that waits
     * on loop timers. */
    static const char *const works[] = {"http", "sleep"};
    for (size_t wi = 0; wi < sizeof works / sizeof works[0]; wi++)
        for (const struct executor *const *ep = executors; *ep; ep++) {
            const struct executor *e = *ep;
            const struct workload *w = workload_find(works[wi]);
            if (!w) {
                fprintf(stderr, "missing workload %s\n", works[wi]);
                return 1;
            }
            struct params p;
            params_defaults(&p, w->defaults);
            p.latency_us = 2000;
            p.timeout_ms = 10000;
            p.url_base = argv[1];
            p.tasks = TASKS;
            p.set = PM(P_TASKS) | PM(P_LATENCY_MS) | PM(P_TIMEOUT_MS);
            if (e->params & PM(P_THREADS)) p.threads = 4, p.set |= PM(P_THREADS);
            if (e->waits == WIDTH_CAP) p.concurrency = 8, p.set |= PM(P_CONCURRENCY); /* a cap */
            long fd0 = 0, th0 = 0;
            for (int c = 0; c < CYCLES; c++) {
                if (cycle(e, w, &p) != 0) failures++;
                if (c == 0) {
                    fd0 = count_entries("/proc/self/fd");
                    th0 = settled_count("/proc/self/task", -1);
                    continue;
                }
                long fd = count_entries("/proc/self/fd");
                long th = settled_count("/proc/self/task", th0); /* fewer is no leak */
                if (fd != fd0 || th > th0) {
                    fprintf(stderr,
                            "%s x %s cycle %d: %ld descriptors, %ld threads (after the "
                            "first cycle: %ld, %ld)\n",
                            w->name, e->name, c, fd, th, fd0, th0);
                    failures++;
                }
            }
            printf("%-6s x %-12s %d cycles x %d batches x %d tasks: %ld descriptors, %ld "
                   "threads after each cycle\n",
                   w->name, e->name, CYCLES, BATCHES, TASKS, fd0, th0);
            fflush(stdout);
        }
    curl_global_cleanup();
    if (failures) {
        fprintf(stderr, "%d leak check(s) failed\n", failures);
        return 1;
    }
    printf("no descriptor or thread outlived its run\n");
    return 0;
}
