/* NAME    mm_port.c
 * PURPOSE The blocked matmul kernel on one target, alone: built once per instruction set by
 *         scripts/portability.sh (x86-64 to x86-64-v4 natively, aarch64 under qemu-user-static),
 *         it validates C = A x B against the closed form at the orders where a tile's edges are
 *         (1, 2, 7, one below and above each of MR, NR, KC and MC, a prime near 1000), computing
 *         the rows in three uneven blocks as tasks do, with canaries around C; then, with --bench,
 *         times n = 1024 and compares it with this build's FMA peak on one core.
 * USAGE   mm_port [--bench [n]]   exit 0 when every order validates, 1 otherwise
 *         mm_port --selftest      exit 0 when the check catches a wrong element and a write
 *                                 outside C (so that "validates" can fail) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fma_peak.h"
#include "matmul.h"

#define GUARD 64
static const double canary = -12345.678;

static double *alloc_doubles(size_t count)
{
    size_t bytes = (count * sizeof(double) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

struct problem {
    struct mm m;
    double *cbuf, *scratch;
};

static int problem_make(struct problem *p, long n)
{
    size_t nn = (size_t)n * (size_t)n;
    memset(p, 0, sizeof *p);
    double *a = alloc_doubles(nn), *b = alloc_doubles(nn);
    p->m = (struct mm){.n = n, .a = a, .b = b, .npad = (n + MM_NR - 1) / MM_NR * MM_NR};
    p->m.bp = alloc_doubles((size_t)p->m.npad * (size_t)n);
    p->cbuf = alloc_doubles(nn + 2 * GUARD);
    p->scratch = alloc_doubles(mm_scratch_doubles());
    if (!a || !b || !p->m.bp || !p->cbuf || !p->scratch) return -1;
    p->m.c = p->cbuf + GUARD;
    for (size_t g = 0; g < nn + 2 * GUARD; g++)
        p->cbuf[g] = canary;
    mm_fill_inputs(n, a, b);
    mm_pack_b(&p->m);
    return 0;
}

static void problem_free(struct problem *p)
{
    free((void *)p->m.a);
    free((void *)p->m.b);
    free(p->m.bp);
    free(p->cbuf);
    free(p->scratch);
}

/* Every element against the closed form (matmul_check.c: the check every run uses), and the
 * canaries on both sides. */
static int check(const struct problem *p, char *why, size_t len)
{
    long n = p->m.n;
    if (mm_check(n, p->m.c, why, len) != 0) return -1;
    for (long g = 0; g < GUARD; g++)
        if (p->cbuf[g] != canary || p->cbuf[GUARD + n * n + g] != canary) {
            snprintf(why, len, "the kernel wrote outside C");
            return -1;
        }
    return 0;
}

static int validate(long n)
{
    struct problem p;
    char why[160] = "";
    int rc = problem_make(&p, n);
    if (rc == 0) {
        long cuts[] = {0, n / 3, n / 3 + (n - n / 3) / 2 + (n > 2), n}; /* three uneven blocks */
        for (int k = 0; k < 3; k++) {
            long r0 = cuts[k], r1 = cuts[k + 1] < r0 ? r0 : cuts[k + 1];
            if (k == 2) r1 = n;
            if (r1 > r0) mm_rows_blocked(&p.m, r0, r1, p.scratch);
        }
        rc = check(&p, why, sizeof why);
    } else {
        snprintf(why, sizeof why, "out of memory");
    }
    printf("  n = %-5ld %s%s\n", n, rc == 0 ? "ok" : "WRONG: ", why);
    problem_free(&p);
    return rc;
}

static int bench(long n)
{
    struct problem p;
    if (problem_make(&p, n) != 0) return -1;
    char why[160];
    double peak = 0, after = 0;
    if (fma_gflops_one(3, 0.03, &peak, why, sizeof why) != 0) peak = 0;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        int64_t t0 = now_ns();
        mm_rows_blocked(&p.m, 0, n, p.scratch);
        double s = (double)(now_ns() - t0) / 1e9;
        if (s < best) best = s;
    }
    int bad = check(&p, why, sizeof why);
    double gflops = 2.0 * (double)n * (double)n * (double)n / best / 1e9;
    /* The peak before and after the kernel, the higher: a neighbour that took the core during
     * one of them does not make the kernel look faster than the machine. */
    if (fma_gflops_one(3, 0.03, &after, why, sizeof why) == 0 && after > peak) peak = after;
    printf("  n = %ld: %.1f GFLOP/s on one core; this build's FMA peak %.1f GFLOP/s (%d-bit "
           "vectors): %.0f%%%s\n",
           n, gflops, peak, fma_vector_bits(), peak > 0 ? 100 * gflops / peak : 0,
           bad ? " (WRONG RESULT)" : "");
    problem_free(&p);
    return bad;
}

/* The check is not vacuous: one wrong element, then one write past C, must each be caught. */
static int selftest(void)
{
    struct problem p;
    char why[160];
    long n = MM_MR + 1;
    if (problem_make(&p, n) != 0) return 1;
    mm_rows_blocked(&p.m, 0, n, p.scratch);
    int clean = check(&p, why, sizeof why) == 0;
    p.m.c[n + 1] += 1;
    int caught_value = check(&p, why, sizeof why) != 0;
    p.m.c[n + 1] -= 1;
    p.m.c[n * n] = 0; /* the first canary after C */
    int caught_guard = check(&p, why, sizeof why) != 0;
    problem_free(&p);
    printf("selftest: clean %s, wrong element %s, write outside C %s\n", clean ? "passes" : "FAILS",
           caught_value ? "caught" : "MISSED", caught_guard ? "caught" : "MISSED");
    return clean && caught_value && caught_guard ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0) return selftest();
    long bench_n = 0;
    if (argc > 1 && strcmp(argv[1], "--bench") == 0) bench_n = argc > 2 ? atol(argv[2]) : 1024;
    struct mm_tile_info t;
    mm_tile(&t);
    printf("tile %dx%d (%s, %d-bit vectors), KC %d, MC %d\n", t.mr, t.nr, t.isa, t.vector_bits,
           t.kc, t.mc);
    long sizes[] = {1,        2,        7,        t.mr - 1, t.mr,     t.mr + 1, t.nr - 1, t.nr,
                    t.nr + 1, t.kc - 1, t.kc,     t.kc + 1, t.mc - 1, t.mc + 1, 997};
    int bad = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int seen = sizes[k] < 1;
        for (size_t q = 0; q < k && !seen; q++)
            seen = sizes[q] == sizes[k];
        if (!seen) bad |= validate(sizes[k]) != 0;
    }
    if (!bad && bench_n > 0) bad |= bench(bench_n) != 0;
    printf("%s\n", bad ? "FAILED" : "all orders validate");
    return bad ? 1 : 0;
}
