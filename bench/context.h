/* NAME    context.h
 * PURPOSE What a result needs to be understood later: the machine, the build and the libraries. */
#ifndef CVP_CONTEXT_H
#define CVP_CONTEXT_H

#include <stdint.h>

struct context {
    char cpu_model[128];
    int cores;                 /* cores this process may run on (its affinity set) */
    int cores_online;          /* cores the kernel reports online */
    double cpu_mhz_reported;   /* /proc/cpuinfo's figure, 0 if absent */
    double clock_ghz_measured; /* from a chain of dependent adds, 0 where not measured */
    long mem_total_kib;
    char kernel[200];
    char hostname[72];
    char compiler[64];
    char cflags[512];
    char cpu_vector_ext[160]; /* the CPU's vector extensions: "sse2 ... avx2 fma avx512f", "asimd" */
    char build_march[48];     /* the build's -march (native, x86-64-v2, ...), "default" without */
    char build_isa[96];       /* what the compiler was allowed to use: "sse2 sse4.2 avx avx2 fma" */
    char cpu_governor[32];    /* cpufreq's scaling governor of CPU 0, or "unreadable: why" */
    char cpu_boost[48];       /* "on", "off" (cpufreq boost or intel_pstate no_turbo), or why not */
    char build_type[24];
    char sanitize[32];
    char libcurl[32];
    char libuv[32];
    int openmp; /* the _OPENMP date macro, e.g. 201511 */
    char libc[32];
    char git_rev[48];
};

struct jw;
/* Writes c's fields as members of the JSON object being written. */
void context_json_members(struct jw *j, const struct context *c);

/* Fills c; measures the clock (about 20 ms) when measure_clock is set. */
void context_collect(struct context *c, int measure_clock);
/* The clock this core runs at now, from a chain of dependent adds (about 15 ms); 0 off x86-64. */
double context_clock_ghz(void);
/* Cores this process may run on. */
int context_cores(void);
/* Hypervisor steal time summed over all CPUs so far, in seconds (0 when unknown). */
double context_steal_s(void);

#endif
