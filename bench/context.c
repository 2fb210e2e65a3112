/* NAME    context.c
 * PURPOSE Collects the run context: CPU, cores, measured clock, memory, kernel, compiler and
 *         flags, library versions, git revision; and hypervisor steal from /proc/stat. */
#include "context.h"

#include <curl/curl.h>
#include <gnu/libc-version.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <uv.h>

#include "clock.h"
#include "jsonw.h"
#include "gitrev.h"

#ifndef CVP_COMPILER
#define CVP_COMPILER "unknown"
#endif
#ifndef CVP_CFLAGS
#define CVP_CFLAGS "unknown"
#endif
#ifndef CVP_BUILD_TYPE
#define CVP_BUILD_TYPE "unknown"
#endif
#ifndef CVP_SANITIZE
#define CVP_SANITIZE ""
#endif

int context_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Copies the value after "key<spaces>:" of the first matching line of path into out. */
static int read_keyed(const char *path, const char *key, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[4096]; /* x86 "flags" lines run past 1,000 characters */
    size_t klen = strlen(key);
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0) continue;
        char *colon = strchr(line + klen, ':');
        if (!colon) continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, outlen, "%s", v);
        found = 0;
        break;
    }
    fclose(f);
    return found;
}

/* Times a chain of dependent integer adds, one cycle each on every x86-64 core of the last
 * decade, so cycles per nanosecond is the clock the core actually ran at (turbo included). */
double context_clock_ghz(void)
{
#if defined(__x86_64__)
    const long iters = 2000000; /* 16 M adds: about 5 ms at 3 GHz */
    double best = 0;
    for (int trial = 0; trial < 3; trial++) {
        uint64_t x = 0;
        int64_t t0 = now_ns();
        for (long i = 0; i < iters; i++)
            __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                             "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                             : "+r"(x));
        int64_t dt = now_ns() - t0;
        double ghz = dt > 0 ? (double)x / (double)dt : 0;
        if (ghz > best) best = ghz;
    }
    return best;
#else
    return 0;
#endif
}

/* The vector extensions that matter for compute, in the CPU's own words (/proc/cpuinfo's
 * "flags" on x86, "Features" on ARM), in a fixed order. */
static void cpu_vector_ext(char *out, size_t len)
{
    static const char *const wanted[] = {"sse2", "ssse3", "sse4_1",  "sse4_2",   "avx",
                                         "avx2", "fma",   "avx512f", "avx512vl", "avx512_bf16",
                                         "asimd", "sve",  "sve2",    NULL};
    char flags[4096] = "";
    if (read_keyed("/proc/cpuinfo", "flags", flags, sizeof flags) != 0)
        read_keyed("/proc/cpuinfo", "Features", flags, sizeof flags);
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; wanted[k]; k++) {
        size_t wl = strlen(wanted[k]);
        for (const char *p = flags; (p = strstr(p, wanted[k])) != NULL; p += wl) {
            int starts = p == flags || p[-1] == ' ';
            int ends = p[wl] == ' ' || p[wl] == '\0';
            if (!starts || !ends) continue;
            int w = snprintf(out + used, len - used, "%s%s", used ? " " : "", wanted[k]);
            if (w > 0 && (size_t)w < len - used) used += (size_t)w;
            break;
        }
    }
    if (!used) snprintf(out, len, "unknown");
}

/* The first line of a sysfs file, or -1. */
static int read_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    out[strcspn(out, "\n")] = '\0';
    return 0;
}

/* What may move the clock under a run: the frequency governor and turbo/boost, where the kernel
 * shows them (a VM often does not: then it says so, and the measured clock is the evidence). */
static void cpu_freq_policy(struct context *c)
{
    if (read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", c->cpu_governor,
                  sizeof c->cpu_governor) != 0)
        snprintf(c->cpu_governor, sizeof c->cpu_governor, "unreadable: no cpufreq");
    char v[16];
    if (read_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof v) == 0)
        snprintf(c->cpu_boost, sizeof c->cpu_boost, "%s", strcmp(v, "0") ? "on" : "off");
    else if (read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof v) == 0)
        snprintf(c->cpu_boost, sizeof c->cpu_boost, "%s", strcmp(v, "0") ? "off" : "on");
    else
        snprintf(c->cpu_boost, sizeof c->cpu_boost, "unreadable: no boost control");
}

/* What the compiler was allowed to use for this build (its predefined macros). */
static const char *build_isa(void)
{
    return ""
#if defined(__SSE2__)
           "sse2 "
#endif
#if defined(__SSE4_2__)
           "sse4.2 "
#endif
#if defined(__AVX__)
           "avx "
#endif
#if defined(__AVX2__)
           "avx2 "
#endif
#if defined(__FMA__)
           "fma "
#endif
#if defined(__AVX512F__)
           "avx512f "
#endif
#if defined(__ARM_NEON)
           "neon "
#endif
#if defined(__ARM_FEATURE_FMA)
           "fma "
#endif
        ;
}

/* The -march the build was given: the word after "-march=" in the recorded flags. */
static void build_march(char *out, size_t len)
{
    const char *m = strstr(CVP_CFLAGS, "-march=");
    if (!m) {
        snprintf(out, len, "default");
        return;
    }
    m += strlen("-march=");
    snprintf(out, len, "%.*s", (int)strcspn(m, " "), m);
}

double context_steal_s(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return 0;
    unsigned long long v[8] = {0};
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                     &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    return got == 8 && hz > 0 ? (double)v[7] / (double)hz : 0;
}

void context_collect(struct context *c, int measure_clock)
{
    memset(c, 0, sizeof *c);
    char buf[128];
    if (read_keyed("/proc/cpuinfo", "model name", c->cpu_model, sizeof c->cpu_model) != 0)
        snprintf(c->cpu_model, sizeof c->cpu_model, "unknown");
    if (read_keyed("/proc/cpuinfo", "cpu MHz", buf, sizeof buf) == 0)
        sscanf(buf, "%lf", &c->cpu_mhz_reported);
    if (read_keyed("/proc/meminfo", "MemTotal", buf, sizeof buf) == 0)
        sscanf(buf, "%ld", &c->mem_total_kib);
    c->cores = context_cores();
    c->cores_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    c->clock_ghz_measured = measure_clock ? context_clock_ghz() : 0;
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(c->kernel, sizeof c->kernel, "%s %s %s", u.sysname, u.release, u.machine);
        snprintf(c->hostname, sizeof c->hostname, "%s", u.nodename);
    }
    snprintf(c->compiler, sizeof c->compiler, "%s", CVP_COMPILER);
    snprintf(c->cflags, sizeof c->cflags, "%s", CVP_CFLAGS);
    cpu_vector_ext(c->cpu_vector_ext, sizeof c->cpu_vector_ext);
    build_march(c->build_march, sizeof c->build_march);
    cpu_freq_policy(c);
    snprintf(c->build_isa, sizeof c->build_isa, "%.*s", (int)strlen(build_isa()) - 1, build_isa());
    snprintf(c->build_type, sizeof c->build_type, "%s", CVP_BUILD_TYPE);
    snprintf(c->sanitize, sizeof c->sanitize, "%s", CVP_SANITIZE);
    snprintf(c->libcurl, sizeof c->libcurl, "%s", curl_version_info(CURLVERSION_NOW)->version);
    snprintf(c->libuv, sizeof c->libuv, "%s", uv_version_string());
#ifdef _OPENMP
    c->openmp = _OPENMP;
#endif
    snprintf(c->libc, sizeof c->libc, "glibc %s", gnu_get_libc_version());
    snprintf(c->git_rev, sizeof c->git_rev, "%s", CVP_GIT_REV);
}

void context_json_members(struct jw *j, const struct context *c)
{
    jw_str(j, "cpu_model", c->cpu_model);
    jw_int(j, "cores", c->cores);
    jw_int(j, "cores_online", c->cores_online);
    jw_num(j, "cpu_mhz_reported", c->cpu_mhz_reported);
    jw_num(j, "clock_ghz_measured", c->clock_ghz_measured);
    jw_int(j, "mem_total_kib", c->mem_total_kib);
    jw_str(j, "kernel", c->kernel);
    jw_str(j, "hostname", c->hostname);
    jw_str(j, "compiler", c->compiler);
    jw_str(j, "cflags", c->cflags);
    jw_str(j, "cpu_vector_ext", c->cpu_vector_ext);
    jw_str(j, "build_march", c->build_march);
    jw_str(j, "build_isa", c->build_isa);
    jw_str(j, "cpu_governor", c->cpu_governor);
    jw_str(j, "cpu_boost", c->cpu_boost);
    jw_str(j, "build_type", c->build_type);
    jw_str(j, "sanitize", c->sanitize);
    jw_str(j, "libcurl", c->libcurl);
    jw_str(j, "libuv", c->libuv);
    jw_int(j, "openmp", c->openmp);
    jw_str(j, "libc", c->libc);
    jw_str(j, "git_rev", c->git_rev);
}
