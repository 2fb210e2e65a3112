/* NAME    matmul.h
 * PURPOSE Dense double-precision C = A x B kernels over a block of rows, shared by every executor.
 */
#ifndef CVP_MATMUL_H
#define CVP_MATMUL_H

#include <stddef.h>

#define MM_MR 8   /* rows of the register tile */
#define MM_NR 16  /* columns of the register tile (two 8-double vectors) */
#define MM_KC 256 /* depth of one packed panel: a 16 x 256 B strip (32 KiB) stays in L1 */
#define MM_MC 96  /* rows of A packed at once: 96 x 256 doubles (192 KiB) stay in L2 */

struct mm {
    long n;          /* order of the matrices */
    const double *a; /* n x n, row-major */
    const double *b; /* n x n, row-major */
    double *c;       /* n x n, row-major */
    double *bp;      /* B packed in KC x NR strips for the blocked kernel (NULL otherwise) */
    long npad;       /* n rounded up to a multiple of MM_NR */
};

/* The inputs of the closed form: A(i,k) = i + 2k and B(k,j) = k + j, both n x n, row-major. */
void mm_fill_inputs(long n, double *a, double *b);
/* Checks every element of C = A x B (n x n, row-major) against the closed form
 * C(i,j) = i*S1 + n*i*j + 2*S2 + 2*j*S1; 0 when all are exact, else -1 and the first wrong
 * element in why. */
int mm_check(long n, const double *c, char *why, size_t len);

/* Packs B for the blocked kernel; bp must hold npad * n doubles, 64-byte aligned. */
void mm_pack_b(struct mm *m);
/* Doubles the blocked kernel needs as per-thread scratch. */
size_t mm_scratch_doubles(void);

/* Each computes rows [r0, r1) of C = A x B, overwriting them. */
void mm_rows_blocked(const struct mm *m, long r0, long r1, double *scratch);
void mm_rows_ikj(const struct mm *m, long r0, long r1, double *scratch);
void mm_rows_naive(const struct mm *m, long r0, long r1, double *scratch);

#endif
