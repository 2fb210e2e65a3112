/* NAME    matmul_kernel.c
 * PURPOSE Three kernels for rows of C = A x B: a packed, register-blocked one (the default,
 *         after BLIS/GotoBLAS: B packed once into L1-sized strips, A packed per MC-row chunk into
 *         L2, an MR x NR tile of C accumulated in vector registers, its shape the target's
 *         (matmul_tile.h)), the plain i-k-j loop, and the textbook i-j-k loop for teaching. */
#include "matmul.h"

#include <string.h>

typedef double vd __attribute__((vector_size(MM_VW * 8)));
typedef double vdu __attribute__((vector_size(MM_VW * 8), aligned(8))); /* unaligned C */

void mm_tile(struct mm_tile_info *t)
{
    *t = (struct mm_tile_info){.mr = MM_MR,
                               .nr = MM_NR,
                               .kc = MM_KC,
                               .mc = MM_MC,
                               .vector_bits = MM_VW * 64,
                               .isa = MM_ISA};
}

size_t mm_scratch_doubles(void)
{
    return (size_t)MM_MC * MM_KC;
}

/* Strip js of the panel starting at depth pk holds B[pk..pk+kcl)[js*NR..js*NR+NR), zero-padded. */
void mm_pack_b(struct mm *m)
{
    long n = m->n;
    for (long pk = 0; pk < n; pk += MM_KC) {
        long kcl = n - pk < MM_KC ? n - pk : MM_KC;
        double *panel = m->bp + pk * m->npad;
        for (long js = 0; js < m->npad / MM_NR; js++) {
            double *strip = panel + js * MM_NR * kcl;
            for (long k = 0; k < kcl; k++) {
                const double *row = m->b + (pk + k) * n;
                for (long c = 0; c < MM_NR; c++) {
                    long j = js * MM_NR + c;
                    strip[k * MM_NR + c] = j < n ? row[j] : 0.0;
                }
            }
        }
    }
}

/* Rows [r0, r0+rows) x depth [pk, pk+kcl) of A into MR-row strips, zero-padded to MR rows. */
static void pack_a(const struct mm *m, long r0, long rows, long pk, long kcl, double *ap)
{
    for (long ms = 0; ms * MM_MR < rows; ms++) {
        double *strip = ap + ms * MM_MR * kcl;
        for (long r = 0; r < MM_MR; r++) {
            long i = ms * MM_MR + r;
            if (i < rows) {
                const double *row = m->a + (r0 + i) * m->n + pk;
                for (long k = 0; k < kcl; k++)
                    strip[k * MM_MR + r] = row[k];
            } else {
                for (long k = 0; k < kcl; k++)
                    strip[k * MM_MR + r] = 0.0;
            }
        }
    }
}

/* C[0..mr)[0..nr) += Ap strip x Bp strip over kcl; mr <= MR and nr <= NR at the edges. The
 * loops over r and v have constant bounds and unroll completely: acc lives in registers. */
static void micro_kernel(long kcl, const double *restrict ap, const double *restrict bp, double *c,
                         long ldc, long mr, long nr)
{
    vd acc[MM_MR][MM_NV];
    memset(acc, 0, sizeof acc);
    /* The C tile is read once, at the end, after KC steps: fetch it now, so those misses
     * overlap the arithmetic instead of stalling after it (BLIS's kernels do the same). */
    for (long r = 0; r < mr; r++) {
        __builtin_prefetch(c + r * ldc, 1);
        __builtin_prefetch(c + r * ldc + MM_NR - 1, 1);
    }
    for (long k = 0; k < kcl; k++) {
        vd b[MM_NV];
#pragma GCC unroll 8
        for (int v = 0; v < MM_NV; v++)
            b[v] = *(const vd *)(bp + k * MM_NR + v * MM_VW);
        const double *a = ap + k * MM_MR;
#pragma GCC unroll 16
        for (int r = 0; r < MM_MR; r++)
#pragma GCC unroll 8
            for (int v = 0; v < MM_NV; v++)
                acc[r][v] += a[r] * b[v];
    }
    if (mr == MM_MR && nr == MM_NR) {
#pragma GCC unroll 16
        for (int r = 0; r < MM_MR; r++)
#pragma GCC unroll 8
            for (int v = 0; v < MM_NV; v++)
                *(vdu *)(c + r * ldc + v * MM_VW) += acc[r][v];
        return;
    }
    double tile[MM_MR][MM_NR];
    memcpy(tile, acc, sizeof tile);
    for (long r = 0; r < mr; r++)
        for (long j = 0; j < nr; j++)
            c[r * ldc + j] += tile[r][j];
}

void mm_rows_blocked(const struct mm *m, long r0, long r1, double *ap)
{
    long n = m->n;
    memset(m->c + r0 * n, 0, (size_t)(r1 - r0) * (size_t)n * sizeof(double));
    for (long ic = r0; ic < r1; ic += MM_MC) {
        long rows = r1 - ic < MM_MC ? r1 - ic : MM_MC;
        for (long pk = 0; pk < n; pk += MM_KC) {
            long kcl = n - pk < MM_KC ? n - pk : MM_KC;
            pack_a(m, ic, rows, pk, kcl, ap);
            const double *panel = m->bp + pk * m->npad;
            for (long js = 0; js * MM_NR < n; js++) {
                long nr = n - js * MM_NR < MM_NR ? n - js * MM_NR : MM_NR;
                for (long ms = 0; ms * MM_MR < rows; ms++) {
                    long mr = rows - ms * MM_MR < MM_MR ? rows - ms * MM_MR : MM_MR;
                    micro_kernel(kcl, ap + ms * MM_MR * kcl, panel + js * MM_NR * kcl,
                                 m->c + (ic + ms * MM_MR) * n + js * MM_NR, n, mr, nr);
                }
            }
        }
    }
}

void mm_rows_ikj(const struct mm *m, long r0, long r1, double *scratch)
{
    long n = m->n;
    for (long i = r0; i < r1; i++) {
        double *ci = m->c + i * n;
        memset(ci, 0, (size_t)n * sizeof(double));
        for (long k = 0; k < n; k++) {
            double aik = m->a[i * n + k];
            const double *bk = m->b + k * n;
            for (long j = 0; j < n; j++)
                ci[j] += aik * bk[j];
        }
    }
}

void mm_rows_naive(const struct mm *m, long r0, long r1, double *scratch)
{
    long n = m->n;
    for (long i = r0; i < r1; i++)
        for (long j = 0; j < n; j++) {
            double s = 0.0;
            for (long k = 0; k < n; k++)
                s += m->a[i * n + k] * m->b[k * n + j];
            m->c[i * n + j] = s;
        }
}
