/* NAME    peak.h
 * PURPOSE The compute self-check: the FMA peak of the cores a sample ran on, measured in this
 *         process (with this build's vectors), so that every GFLOP/s figure is recorded beside
 *         the fraction of the peak it reached. A kernel far below it describes the kernel, not
 *         the machine, and the scripts say so. */
#ifndef CVP_PEAK_H
#define CVP_PEAK_H

/* Measures one core's FMA peak once per process (about 0.1 s, outside any timed region);
 * later calls return at once. Returns the per-core GFLOP/s, or 0 when it could not be measured. */
double peak_per_core_gflops(void);
/* The peak of `threads` threads computing at once: the per-core peak times the cores they can
 * occupy (min(threads, usable cores)); 0 when unknown. */
double peak_gflops(long threads, int *cores_used);

#endif
