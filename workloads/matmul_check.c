/* NAME    matmul_check.c
 * PURPOSE The matrix product's inputs and its closed-form check, apart from the workload, so
 *         that the portability check (tests/portability/mm_port.c) validates every target's
 *         kernel with the very check every run uses: A(i,k) = i + 2k, B(k,j) = k + j give
 *         C(i,j) = i*S1 + n*i*j + 2*S2 + 2*j*S1 with S1 = n(n-1)/2 and S2 = (n-1)n(2n-1)/6,
 *         all integers below 2^53, so every element is checked for equality. */
#include <stdio.h>

#include "matmul.h"

void mm_fill_inputs(long n, double *a, double *b)
{
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            a[i * n + j] = (double)(i + 2 * j);
            b[i * n + j] = (double)(i + j);
        }
}

int mm_check(long n, const double *c, char *why, size_t len)
{
    double s1 = (double)n * (double)(n - 1) / 2;
    double s2 = (double)(n - 1) * (double)n * (double)(2 * n - 1) / 6;
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            double want =
                (double)i * s1 + (double)n * (double)i * (double)j + 2 * s2 + 2 * (double)j * s1;
            double got = c[i * n + j];
            if (got != want) {
                snprintf(why, len, "C(%ld,%ld) = %.17g, expected %.17g", i, j, got, want);
                return -1;
            }
        }
    return 0;
}
