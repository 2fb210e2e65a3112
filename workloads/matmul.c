/* NAME    matmul.c
 * PURPOSE CPU-bound work: C = A x B in double precision, one task = one block of rows, so every
 *         executor runs the same kernel. Self-validating against a closed form: with
 *         A(i,k) = i + 2k and B(k,j) = k + j, C(i,j) = i*S1 + n*i*j + 2*S2 + 2*j*S1, where
 *         S1 = n(n-1)/2 and S2 = (n-1)n(2n-1)/6. Every value is an integer below 2^53, so the
 *         product is exact in any summation order and every element is checked for equality. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matmul.h"
#include "workload.h"

#define GUARD 64 /* canary doubles on each side of C: a kernel must never write outside it */
static const double canary = -12345.678;

typedef void (*mm_kernel_fn)(const struct mm *, long, long, double *);

static const struct mm_kernel {
    const char *name;
    mm_kernel_fn fn;
} kernels[] = {
    {"blocked", mm_rows_blocked}, /* default: packed, register-blocked, vectorised */
    {"ikj", mm_rows_ikj},         /* the plain cache-friendly loop */
    {"naive", mm_rows_naive},     /* the textbook i-j-k loop, for teaching */
};

struct matmul_state {
    struct mm m;
    double *cbuf; /* C with GUARD canaries before and after */
    long tasks;
    long rows;   /* rows per task (the last may have fewer); 0: an even split of n */
    mm_kernel_fn kernel;
    const char *kernel_name;
};

static double *alloc_doubles(size_t count)
{
    size_t bytes = (count * sizeof(double) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* What alloc_doubles(count) takes. */
static double doubles_bytes(double count)
{
    double bytes = count * (double)sizeof(double);
    return bytes > 64 ? (double)((long long)((bytes + 63) / 64)) * 64 : 64;
}

/* What matmul_setup allocates for --size n, as it allocates it: A and B, B packed to npad
 * columns, and C with its canaries (shared memory when workers are processes: the same size). */
static double matmul_setup_bytes(const struct params *p)
{
    double n = (double)p->size, npad = (double)((p->size + MM_NR - 1) / MM_NR * MM_NR);
    return 2 * doubles_bytes(n * n) + doubles_bytes(npad * n) + doubles_bytes(n * n + 2 * GUARD);
}

static void matmul_teardown(void *state)
{
    struct matmul_state *s = state;
    if (!s) return;
    free((void *)s->m.a);
    free((void *)s->m.b);
    free(s->m.bp);
    workload_shared_free(s->cbuf);
    free(s);
}

static int matmul_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    long n = p->size;                                 /* the parameter table bounds it (1..16384) */
    /* Tasks of whole register tiles: a block of rows that is not a multiple of MR ends in a
     * partial tile computed in full and copied out (63 rows of 6-row tiles ran 5% slower than
     * 72). The default is about 64 rows a task: 64 for 8-row tiles, 60 for 6, 63 for 3. */
    long tile_rows = 64 / MM_MR * MM_MR;
    long tasks = p->tasks ? p->tasks : (n + tile_rows - 1) / tile_rows;
    if (tasks < 1 || tasks > n) {
        snprintf(
            err, errlen,
            "--tasks %ld is out of range for --size %ld (one task is at least one row: 1..%ld)",
            tasks, n, n);
        return -EINVAL;
    }
    const struct mm_kernel *kernel = NULL;
    const char *kname = p->kernel ? p->kernel : "blocked";
    for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++)
        if (strcmp(kname, kernels[k].name) == 0) kernel = &kernels[k];
    if (!kernel) {
        snprintf(err, errlen, "unknown --kernel '%s' (blocked, ikj or naive)", kname);
        return -EINVAL;
    }

    struct matmul_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    size_t nn = (size_t)n * (size_t)n;
    double *a = alloc_doubles(nn), *b = alloc_doubles(nn);
    s->m.a = a;
    s->m.b = b;
    s->m.n = n;
    s->m.npad = (n + MM_NR - 1) / MM_NR * MM_NR;
    s->m.bp = alloc_doubles((size_t)s->m.npad * (size_t)n);
    /* C is the output the tasks write and verify reads: shared (workload.h). */
    s->cbuf = workload_shared_alloc((nn + 2 * GUARD) * sizeof(double));
    if (!a || !b || !s->m.bp || !s->cbuf) {
        matmul_teardown(s);
        snprintf(err, errlen, "matmul: out of memory for --size %ld", n);
        return -ENOMEM;
    }
    s->m.c = s->cbuf + GUARD;
    mm_fill_inputs(n, a, b);
    mm_pack_b(&s->m);
    s->tasks = tasks;
    /* Blocks rounded up to whole tiles where every task still gets rows; else an even split. */
    if (kernel->fn == mm_rows_blocked) {
        long rows = ((n + tasks - 1) / tasks + MM_MR - 1) / MM_MR * MM_MR;
        s->rows = (tasks - 1) * rows < n ? rows : 0;
    }
    s->kernel = kernel->fn;
    s->kernel_name = kernel->name;
    *state = s;
    return 0;
}

static void matmul_reset(void *state)
{
    struct matmul_state *s = state;
    size_t total = (size_t)s->m.n * (size_t)s->m.n + 2 * GUARD;
    for (size_t g = 0; g < total; g++)
        s->cbuf[g] = canary;
}

static long matmul_ntasks(const void *state)
{
    return ((const struct matmul_state *)state)->tasks;
}

static int matmul_worker_init(void *state, void **tls)
{
    *tls = alloc_doubles(mm_scratch_doubles());
    return *tls ? 0 : -ENOMEM;
}

static void matmul_worker_fini(void *state, void *tls)
{
    free(tls);
}

/* The first row of task i (task ntasks: n): whole tiles of `rows`, or an even split. */
static long matmul_row0(const void *state, long i)
{
    const struct matmul_state *s = state;
    if (i >= s->tasks) return s->m.n;
    return s->rows ? (i * s->rows < s->m.n ? i * s->rows : s->m.n) : i * s->m.n / s->tasks;
}

static void matmul_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct matmul_state *s = state;
    long n = s->m.n;
    long r0 = matmul_row0(s, i), r1 = matmul_row0(s, i + 1);
    s->kernel(&s->m, r0, r1, tls);
    o->bytes = (r1 - r0) * n * (int64_t)sizeof(double);
    o->cls = OUT_OK;
}

static int matmul_verify(void *state, const struct outcome *o, long ntasks, char *why, size_t len)
{
    struct matmul_state *s = state;
    long n = s->m.n;
    if (mm_check(n, s->m.c, why, len) != 0) return -1;
    for (long g = 0; g < GUARD; g++)
        if (s->cbuf[g] != canary || s->cbuf[GUARD + n * n + g] != canary) {
            snprintf(why, len, "the kernel wrote outside C");
            return -1;
        }
    return 0;
}

static double matmul_flops(const void *state)
{
    double n = (double)((const struct matmul_state *)state)->m.n;
    return 2.0 * n * n * n;
}


/* Which kernel ran, and for the blocked one the register tile this build chose for its target
 * (matmul_tile.h): a GFLOP/s figure means little without it. */
static void matmul_report(void *state, struct jw *j)
{
    const struct matmul_state *s = state;
    jw_str(j, "kernel", s->kernel_name);
    if (s->kernel != mm_rows_blocked) return;
    struct mm_tile_info t;
    mm_tile(&t);
    char tile[32];
    snprintf(tile, sizeof tile, "%dx%d", t.mr, t.nr);
    jw_str(j, "tile", tile);
    jw_int(j, "kc", t.kc);
    jw_int(j, "mc", t.mc);
    jw_int(j, "vector_bits", t.vector_bits);
    jw_str(j, "tile_isa", t.isa);
}

/* Under MPI: B (in the layout the kernel reads: packed for the blocked kernel) broadcast, the
 * row blocks of A scattered, those of C gathered to rank 0, which validates the whole. */
static void matmul_dist(void *state, struct dist *d)
{
    struct matmul_state *s = state;
    size_t n = (size_t)s->m.n, row = n * sizeof(double);
    int packed = s->kernel == mm_rows_blocked;
    d->row0 = matmul_row0;
    d->nbufs = 3;
    d->buf[0] = (struct dist_buf){
        .kind = DIST_BCAST,
        .base = packed ? (void *)s->m.bp : (void *)s->m.b,
        .bytes = packed ? (size_t)s->m.npad * n * sizeof(double) : n * row,
    };
    d->buf[1] = (struct dist_buf){.kind = DIST_SCATTER, .base = (void *)s->m.a, .row_bytes = row};
    d->buf[2] = (struct dist_buf){.kind = DIST_GATHER, .base = s->m.c, .row_bytes = row};
}

const struct workload workload_matmul = {
    .name = "matmul",
    .kind = WK_CPU,
    .summary = "C = A x B, double precision, --size n; one task = a block of rows (--kernel)",
    .params = PM(P_TASKS) | PM(P_SIZE) | PM(P_KERNEL),
    .setup_bytes = matmul_setup_bytes,
    .setup = matmul_setup,
    .teardown = matmul_teardown,
    .ntasks = matmul_ntasks,
    .reset = matmul_reset,
    .worker_init = matmul_worker_init,
    .worker_fini = matmul_worker_fini,
    .run_task = matmul_run_task,
    .verify = matmul_verify,
    .report = matmul_report,
    .flops = matmul_flops,
    .dist = matmul_dist,
};
