/* NAME    fma_peak.c
 * PURPOSE Peak FMA throughput per core and of all usable cores at once (GCC vector extensions).
 *
 * One FMA instruction has a latency of about 4 cycles and a core issues two per cycle, so a
 * single dependent chain would show an eighth of the peak: FMA_ACC independent accumulators keep
 * every pipe busy. Each accumulator follows x = x * m + c with m just below 1, which converges
 * to c / (1 - m): values stay normal (no denormal slow path) and finite however long it runs.
 * The lanes' sum is returned and checked, so the compiler cannot drop the work. */
#include "fma_peak.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* The accumulators and the two constants must all fit in vector registers (32 with AVX-512,
 * else 16): a spilled accumulator adds a load and a store to every FMA. 12 still covers two
 * pipes x 4 cycles of latency with room to spare. */
#if defined(__AVX512F__)
typedef double vd __attribute__((vector_size(64)));
#define FMA_ACC 16
#elif defined(__AVX__)
typedef double vd __attribute__((vector_size(32)));
#define FMA_ACC 12
#else
typedef double vd __attribute__((vector_size(16)));
#define FMA_ACC 12
#endif
#define LANES      ((int)(sizeof(vd) / sizeof(double)))
#define FMA_MAX_WINDOWS 25 /* windows of fma_gflops_one before it takes what it has */
#define CHUNK_ITER 20000 /* about 0.1 ms per chunk at 3 GHz: cheap to check the clock between */

int fma_vector_bits(void)
{
    return (int)sizeof(vd) * 8;
}

int fma_accumulators(void)
{
    return FMA_ACC;
}

/* iters rounds of FMA_ACC independent vector FMAs; returns the sum of every lane. */
__attribute__((noinline)) static double fma_chunk(long iters, double seed)
{
    vd acc[FMA_ACC];
    const vd m = (vd){0} + 0.9999999, c = (vd){0} + 1e-7;
#pragma GCC unroll 16
    for (int k = 0; k < FMA_ACC; k++)
        acc[k] = (vd){0} + seed + k * 1e-3;
    for (long i = 0; i < iters; i++) {
#pragma GCC unroll 16
        for (int k = 0; k < FMA_ACC; k++)
            acc[k] = acc[k] * m + c; /* contracted to one FMA (gnu11: -ffp-contract=fast) */
    }
    double sum = 0;
    for (int k = 0; k < FMA_ACC; k++)
        for (int l = 0; l < LANES; l++)
            sum += acc[k][l];
    return sum;
}

static double chunk_flops(void)
{
    return (double)CHUNK_ITER * FMA_ACC * LANES * 2;
}

/* Runs chunks until the deadline; returns the chunks run, 0 when a result was not finite. */
static long run_until(int64_t deadline_ns, double seed)
{
    long chunks = 0;
    do {
        /* A new seed every call: fma_chunk has no side effects, so with the same arguments the
         * compiler may (and GCC does) call it once and reuse the result. */
        double s = fma_chunk(CHUNK_ITER, seed + (double)chunks * 1e-6);
        if (!isfinite(s) || s <= 0) return 0; /* every accumulator stays positive */
        chunks++;
    } while (now_ns() < deadline_ns);
    return chunks;
}

int fma_gflops_one(int windows, double window_s, double *gflops, char *why, size_t whylen)
{
    /* A core that was idle runs below its clock for a while (the governor's or the host's
     * ramp): a fixed short warm-up read one Zen 3 at 47-51 GFLOP/s against 58.6 from a 5 s
     * loop. So windows go on until `windows` in a row bring no gain above 1% (the clock has
     * settled), at most FMA_MAX_WINDOWS; the best window counts. */
    double best = 0;
    int calm = 0;
    run_until(now_ns() + 10000000, 0.5); /* warm-up: wake the core and its vector units */
    for (int k = 0; k < FMA_MAX_WINDOWS && calm < windows; k++) {
        int64_t t0 = now_ns();
        long chunks = run_until(t0 + (int64_t)(window_s * 1e9), 0.5 + k);
        int64_t dt = now_ns() - t0;
        if (chunks == 0) {
            snprintf(why, whylen, "the FMA loop produced a non-finite result");
            return -EIO;
        }
        double r = chunk_flops() * (double)chunks / (double)dt; /* flops per ns = GFLOP/s */
        calm = r > best * 1.01 ? 0 : calm + 1;
        if (r > best) best = r;
    }
    *gflops = best;
    return 0;
}

/* Holds the threads until all exist, so that they run at the same time; or tells them to quit
 * when one could not be created. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;  /* guarded by mu */
    int abort; /* guarded by mu */
};

struct fma_thread {
    struct gate *gate; /* shared */
    double seconds;
    int64_t t0, t1; /* this thread's start and end, in ns */
    long chunks;    /* chunks done; 0 = a wrong result or aborted */
};

static void *fma_thread_main(void *arg)
{
    struct fma_thread *t = arg;
    run_until(now_ns() + 10000000, 0.25); /* warm-up, as for one thread */
    pthread_mutex_lock(&t->gate->mu);
    while (!t->gate->open)
        pthread_cond_wait(&t->gate->cv, &t->gate->mu);
    int abort = t->gate->abort;
    pthread_mutex_unlock(&t->gate->mu);
    if (abort) return NULL;
    t->t0 = now_ns();
    t->chunks = run_until(t->t0 + (int64_t)(t->seconds * 1e9), 0.5);
    t->t1 = now_ns();
    return NULL;
}

static void gate_open(struct gate *g, int abort)
{
    pthread_mutex_lock(&g->mu);
    g->open = 1;
    g->abort = abort;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* Starts thread k pinned to its core (unpinned where the kernel refuses: still a figure). */
static int start_pinned(const struct machine *m, int k, pthread_t *tid, struct fma_thread *t)
{
    pthread_attr_t attr;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(m->cores.core_cpu[k % m->cores.physical], &one);
    pthread_attr_init(&attr);
    pthread_attr_setaffinity_np(&attr, sizeof one, &one);
    int rc = pthread_create(tid, &attr, fma_thread_main, t);
    pthread_attr_destroy(&attr);
    if (rc == EINVAL) rc = pthread_create(tid, NULL, fma_thread_main, t);
    return -rc;
}

int fma_gflops_all(const struct machine *m, int threads, double seconds, double *gflops, char *why,
                   size_t whylen)
{
    struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    struct fma_thread *t = calloc((size_t)threads, sizeof *t);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int rc = 0, started = 0;
    if (!t || !tid || m->cores.physical < 1) {
        snprintf(why, whylen, "out of memory for %d threads", threads);
        rc = -ENOMEM;
        goto out;
    }
    for (; started < threads; started++) {
        t[started] = (struct fma_thread){.gate = &gate, .seconds = seconds};
        rc = start_pinned(m, started, &tid[started], &t[started]);
        if (rc != 0) {
            snprintf(why, whylen, "pthread_create failed for thread %d of %d: %s", started + 1,
                     threads, strerror(-rc));
            break;
        }
    }
    gate_open(&gate, rc != 0);
    int64_t first = INT64_MAX, last = 0;
    double flops = 0;
    for (int k = 0; k < started; k++) {
        pthread_join(tid[k], NULL);
        if (t[k].chunks == 0 && rc == 0) {
            snprintf(why, whylen, "the FMA loop produced a non-finite result");
            rc = -EIO;
        }
        if (t[k].t0 < first) first = t[k].t0;
        if (t[k].t1 > last) last = t[k].t1;
        flops += chunk_flops() * (double)t[k].chunks;
    }
    /* From the first start to the last end: a thread that was descheduled (a quota, a shared
     * core) stretches the window instead of dropping out of the figure. */
    if (rc == 0) *gflops = last > first ? flops / (double)(last - first) : 0;
out:
    free(t);
    free(tid);
    return rc;
}
