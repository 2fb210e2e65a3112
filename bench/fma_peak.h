/* NAME    fma_peak.h
 * PURPOSE The floating-point peak of this machine's cores: a loop of independent fused
 *         multiply-adds on the widest vectors the compiler targets, on one thread, then on one
 *         pinned thread per usable core at once. Their ratio is what compute can gain from
 *         threads here (about usable_cores on real cores; less on SMT siblings or a quota). */
#ifndef CVP_FMA_PEAK_H
#define CVP_FMA_PEAK_H

#include <stddef.h>

#include "machine.h"

/* Bits per vector the kernel uses (512 with AVX-512, 256 with AVX, else 128). */
int fma_vector_bits(void);
/* Independent accumulators in the kernel (enough to cover the FMA latency on every pipe). */
int fma_accumulators(void);

/* The best GFLOP/s of one thread in windows of window_s seconds, run until `windows` windows in
 * a row bring no gain above 1% (the clock has settled; at most 25). Returns 0 and sets *gflops,
 * or -errno with why. */
int fma_gflops_one(int windows, double window_s, double *gflops, char *why, size_t whylen);
/* GFLOP/s of `threads` threads at once, thread k pinned to m->cores.core_cpu[k % physical],
 * sustained over seconds (a cgroup quota is enforced per period, 100 ms by default, so seconds
 * should span several). Returns 0 and sets *gflops, or -errno with why. */
int fma_gflops_all(const struct machine *m, int threads, double seconds, double *gflops, char *why,
                   size_t whylen);

#endif
