/* NAME    matmul.h
 * PURPOSE Dense double-precision C = A x B kernels over a block of rows, shared by every executor.
 */
#ifndef CVP_MATMUL_H
#define CVP_MATMUL_H

#include <stddef.h>

#include "matmul_tile.h"

/* The blocked kernel's shape as this build has it, for the record. */
struct mm_tile_info {
    int mr, nr;      /* the register tile: rows x columns of C */
    int kc, mc;      /* depth of a packed panel; rows of A packed at once */
    int vector_bits; /* width of the vectors it uses */
    const char *isa; /* the instruction set the tile was chosen for: avx512f, avx2+fma, neon, ... */
};
void mm_tile(struct mm_tile_info *t);

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
