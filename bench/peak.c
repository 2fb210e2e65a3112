/* NAME    peak.c
 * PURPOSE The FMA peak a sample's GFLOP/s is measured against (peak.h). */
#include "peak.h"

#include "fma_peak.h"
#include "machine.h"

static double per_core = -1; /* GFLOP/s; -1 = not measured yet, 0 = could not be */
static int usable = 1;

double peak_per_core_gflops(void)
{
    if (per_core >= 0) return per_core;
    struct machine m;
    machine_collect(&m);
    usable = m.usable_cores > 0 ? m.usable_cores : 1;
    char why[160];
    double g = 0;
    /* fma_gflops_one warms the core until its rate settles (fma_peak.c), then keeps the best
     * of a few short windows: a peak, as the kernel's best samples are. */
    per_core = fma_gflops_one(3, 0.02, &g, why, sizeof why) == 0 ? g : 0;
    return per_core;
}

double peak_gflops(long threads, int *cores_used)
{
    double one = peak_per_core_gflops();
    long k = threads < 1 ? 1 : threads;
    if (k > usable) k = usable;
    if (cores_used) *cores_used = (int)k;
    return one * (double)k;
}
