/* NAME    test_machine.c
 * PURPOSE The machine facts on machines this one is not: cgroup v2 cpu.max and v1 CFS quota
 *         texts (no quota, fractional, garbage), /proc/self/cgroup lines, kernel CPU lists, and
 *         physical cores / usable cores on synthetic topologies (SMT pairs, partial affinity,
 *         a quota below the cores). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "machine.h"

#define CHECK_NEAR(a, b) CHECK(fabs((a) - (b)) < 1e-9)

static struct cpu_topology topo; /* 4 KiB each: off the stack */
static struct core_count cc;

/* ncpus CPUs, smt per core, numbered like Linux on x86 (siblings n apart: 0 and ncpus/smt share
 * a core) when spread, else adjacent (0 and 1 share a core). */
static void make_topology(int ncpus, int smt, int spread)
{
    memset(&topo, 0, sizeof topo);
    topo.ncpus = ncpus;
    int cores = ncpus / smt;
    for (int cpu = 0; cpu < ncpus; cpu++)
        topo.core_key[cpu] = spread ? cpu % cores : cpu - cpu % smt;
}

/* The count of the last machine_count_cores call. */
#define CHECK_CORES(logical_, physical_, smt_)                                                     \
    do {                                                                                           \
        CHECK_EQ_LONG(cc.logical, logical_);                                                       \
        CHECK_EQ_LONG(cc.physical, physical_);                                                     \
        CHECK_EQ_LONG(cc.smt_per_core, smt_);                                                      \
    } while (0)

static void affinity_of(cpu_set_t *set, const int *cpus, int n)
{
    CPU_ZERO(set);
    for (int k = 0; k < n; k++)
        CPU_SET(cpus[k], set);
}

static void test_cpu_max(void)
{
    double c = -1;
    CHECK_EQ_LONG(machine_parse_cpu_max("max 100000\n", &c), 0);
    CHECK_NEAR(c, 0);
    CHECK_EQ_LONG(machine_parse_cpu_max("max", &c), 0);
    CHECK_NEAR(c, 0);
    CHECK_EQ_LONG(machine_parse_cpu_max("150000 100000\n", &c), 0);
    CHECK_NEAR(c, 1.5);
    CHECK_EQ_LONG(machine_parse_cpu_max("50000 100000", &c), 0);
    CHECK_NEAR(c, 0.5);
    CHECK_EQ_LONG(machine_parse_cpu_max("400000 100000", &c), 0);
    CHECK_NEAR(c, 4);
    static const char *const bad[] = {"",
                                      "\n",
                                      "abc",
                                      "100000",
                                      "max x",
                                      "-5 100000",
                                      "150000 0",
                                      "1.5 100000",
                                      "15e4 1e5",
                                      "150000 100000 7",
                                      "150000 -1",
                                      "0 100000",
                                      "99999999999999999999999 100000"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        c = 42;
        int rc = machine_parse_cpu_max(bad[k], &c);
        if (rc != -EINVAL) fprintf(stderr, "cpu.max '%s' accepted\n", bad[k]);
        CHECK_EQ_LONG(rc, -EINVAL);
        CHECK_NEAR(c, 42); /* untouched on error */
    }
}

static void test_cfs(void)
{
    double c = -1;
    CHECK_EQ_LONG(machine_parse_cfs("-1\n", "100000\n", &c), 0);
    CHECK_NEAR(c, 0);
    CHECK_EQ_LONG(machine_parse_cfs("-1", "garbage", &c), 0); /* no quota: period irrelevant */
    CHECK_EQ_LONG(machine_parse_cfs("150000\n", "100000\n", &c), 0);
    CHECK_NEAR(c, 1.5);
    CHECK_EQ_LONG(machine_parse_cfs("25000", "50000", &c), 0);
    CHECK_NEAR(c, 0.5);
    CHECK_EQ_LONG(machine_parse_cfs("", "100000", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("-2", "100000", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("max", "100000", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("150000", "", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("150000", "0", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("150000", "100000 5", &c), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cfs("1x", "100000", &c), -EINVAL);
}

static void test_cgroup_path(void)
{
    char p[256];
    const char *v1 = "12:pids:/user.slice\n4:cpu,cpuacct:/docker/abc\n0::/init.scope\n";
    CHECK_EQ_LONG(machine_cgroup_path(v1, 1, p, sizeof p), 0);
    CHECK(strcmp(p, "/docker/abc") == 0);
    CHECK_EQ_LONG(machine_cgroup_path(v1, 2, p, sizeof p), 0);
    CHECK(strcmp(p, "/init.scope") == 0);
    /* cpuacct and cpuset alone are not the cpu controller. */
    const char *no_cpu = "3:cpuset:/a\n2:cpuacct:/b\n";
    CHECK_EQ_LONG(machine_cgroup_path(no_cpu, 1, p, sizeof p), -ENOENT);
    CHECK_EQ_LONG(machine_cgroup_path(no_cpu, 2, p, sizeof p), -ENOENT);
    CHECK_EQ_LONG(machine_cgroup_path("1:cpu:/\n", 1, p, sizeof p), 0);
    CHECK(strcmp(p, "/") == 0);
    CHECK_EQ_LONG(machine_cgroup_path("0::/user.slice/x.scope", 2, p, sizeof p), 0); /* no \n */
    CHECK(strcmp(p, "/user.slice/x.scope") == 0);
    CHECK_EQ_LONG(machine_cgroup_path("", 2, p, sizeof p), -ENOENT);
    CHECK_EQ_LONG(machine_cgroup_path("garbage\n", 1, p, sizeof p), -ENOENT);
}

static void test_cpulist(void)
{
    cpu_set_t s;
    CHECK_EQ_LONG(machine_parse_cpulist("0-3,8,10-11\n", &s), 0);
    CHECK_EQ_LONG(CPU_COUNT(&s), 7);
    CHECK(CPU_ISSET(0, &s) && CPU_ISSET(3, &s) && CPU_ISSET(8, &s) && CPU_ISSET(11, &s));
    CHECK(!CPU_ISSET(4, &s) && !CPU_ISSET(9, &s));
    CHECK_EQ_LONG(machine_parse_cpulist("5", &s), 0);
    CHECK_EQ_LONG(CPU_COUNT(&s), 1);
    CHECK_EQ_LONG(machine_parse_cpulist("\n", &s), 0);
    CHECK_EQ_LONG(CPU_COUNT(&s), 0);
    CHECK_EQ_LONG(machine_parse_cpulist("3-1", &s), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cpulist("1-", &s), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cpulist("a", &s), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cpulist("1;2", &s), -EINVAL);
    CHECK_EQ_LONG(machine_parse_cpulist("99999", &s), -EINVAL);
}

static void test_cores(void)
{
    cpu_set_t aff;

    /* 4 logical CPUs = 2 cores x 2 SMT, siblings adjacent; affinity {0,1} is one core. */
    make_topology(4, 2, 0);
    affinity_of(&aff, (int[]){0, 1}, 2);
    machine_count_cores(&topo, &aff, &cc);
    CHECK_CORES(2, 1, 2);
    CHECK_EQ_LONG(cc.core_cpu[0], 0);
    CHECK_EQ_LONG(machine_usable_cores(cc.physical, 0), 1);

    /* The same machine, affinity {0,2}: two cores, one CPU of each. */
    affinity_of(&aff, (int[]){0, 2}, 2);
    machine_count_cores(&topo, &aff, &cc);
    CHECK_CORES(2, 2, 2);
    CHECK_EQ_LONG(cc.core_cpu[0], 0);
    CHECK_EQ_LONG(cc.core_cpu[1], 2);

    /* Linux's x86 numbering: 8 CPUs = 4 cores x 2, siblings 4 apart; all allowed. */
    make_topology(8, 2, 1);
    affinity_of(&aff, (int[]){0, 1, 2, 3, 4, 5, 6, 7}, 8);
    machine_count_cores(&topo, &aff, &cc);
    CHECK_CORES(8, 4, 2);
    for (int k = 0; k < 4; k++)
        CHECK_EQ_LONG(cc.core_cpu[k], k); /* one pinnable CPU per core, not siblings */
    CHECK_EQ_LONG(machine_usable_cores(cc.physical, 0), 4);
    CHECK_EQ_LONG(machine_usable_cores(cc.physical, 1.5), 2); /* ceil of a fractional quota */
    CHECK_EQ_LONG(machine_usable_cores(cc.physical, 0.5), 1);
    CHECK_EQ_LONG(machine_usable_cores(cc.physical, 16), 4); /* a quota above the cores */

    /* No SMT, an offline CPU, affinity naming it: it does not count. */
    make_topology(4, 1, 0);
    topo.core_key[3] = -1;
    affinity_of(&aff, (int[]){1, 3}, 2);
    machine_count_cores(&topo, &aff, &cc);
    CHECK_CORES(1, 1, 1);
    CHECK_EQ_LONG(cc.core_cpu[0], 1);

    /* Nothing allowed is known: zero cores, yet usable_cores is never below 1. */
    CPU_ZERO(&aff);
    machine_count_cores(&topo, &aff, &cc);
    CHECK_CORES(0, 0, 1);
    CHECK_EQ_LONG(machine_usable_cores(0, 0), 1);
    CHECK_EQ_LONG(machine_usable_cores(0, 0.25), 1);
}

/* This machine: whatever it is, the facts are consistent. */
static void test_collect(void)
{
    static struct machine m;
    machine_collect(&m);
    CHECK(m.cpus_online >= 1);
    CHECK(m.cores.logical >= 1);
    CHECK(m.cores.physical >= 1 && m.cores.physical <= m.cores.logical);
    CHECK(m.cores.smt_per_core >= 1);
    CHECK(m.usable_cores >= 1 && m.usable_cores <= m.cores.physical);
    CHECK(m.quota_cores >= 0);
    CHECK(m.quota_source[0] != '\0');
    CHECK(m.topology_from != NULL);
    printf("this machine: %d online, %d allowed, %d cores x %d SMT, quota %g (%s), usable %d\n",
           m.cpus_online, m.cores.logical, m.cores.physical, m.cores.smt_per_core, m.quota_cores,
           m.quota_source, m.usable_cores);
}

int main(void)
{
    test_cpu_max();
    test_cfs();
    test_cgroup_path();
    test_cpulist();
    test_cores();
    test_collect();
    CHECK_DONE();
}
