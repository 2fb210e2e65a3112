/* NAME    machine.h
 * PURPOSE The facts a parallel speed-up must be measured against: which CPUs this process may
 *         run on, how many distinct physical cores they are (SMT siblings share one core's
 *         execution units), and the cgroup CPU quota. usable_cores = min(physical cores in the
 *         affinity set, ceil(quota)): "threads speed up compute" means up to that, not up to the
 *         number of logical CPUs. The parsers and the counting are pure (text and arrays in,
 *         numbers out) so unit tests can feed them any machine; machine_collect reads this one. */
#ifndef CVP_MACHINE_H
#define CVP_MACHINE_H

#include <sched.h>
#include <stddef.h>

#define MACHINE_MAX_CPUS CPU_SETSIZE

/* Which physical core each logical CPU belongs to. */
struct cpu_topology {
    int ncpus;                      /* entries in use: the highest CPU number + 1 */
    int core_key[MACHINE_MAX_CPUS]; /* equal for SMT siblings (the lowest sibling's number);
                                       -1 = offline or absent */
};

/* The cores of an affinity set. */
struct core_count {
    int logical;                    /* CPUs in the affinity set that are online */
    int physical;                   /* distinct physical cores among them */
    int smt_per_core;               /* logical CPUs per core on this machine (the most seen) */
    int core_cpu[MACHINE_MAX_CPUS]; /* one allowed CPU per physical core, lowest first */
};

struct machine {
    int cpus_online;           /* logical CPUs the kernel reports online */
    struct core_count cores;   /* of the process's affinity set */
    const char *topology_from; /* "thread_siblings_list", "core_id" or "assumed" (1 CPU a core) */
    int cgroup_version;        /* 1 or 2; 0 when no cgroup CPU controller was found */
    double quota_cores;        /* the cgroup CPU quota in cores; 0 = no quota */
    char quota_source[192];    /* the file the quota came from, or why there is none */
    int usable_cores;          /* min(cores.physical, ceil(quota_cores)), at least 1 */
};

/* Parses cgroup v2's cpu.max ("max 100000" or "150000 100000"). Returns 0 with *cores set (0 for
 * "max", no quota), or -EINVAL for anything else. */
int machine_parse_cpu_max(const char *text, double *cores);
/* Parses cgroup v1's cpu.cfs_quota_us and cpu.cfs_period_us ("-1" = no quota). Returns 0 with
 * *cores set (0 = no quota), or -EINVAL. */
int machine_parse_cfs(const char *quota_text, const char *period_text, double *cores);
/* Finds this process's cgroup path in /proc/self/cgroup's text: the "0::/path" line for
 * version 2, the line whose controllers include "cpu" for version 1. Returns 0, or -ENOENT. */
int machine_cgroup_path(const char *proc_cgroup, int version, char *out, size_t outlen);
/* Parses a kernel CPU list ("0-3,8,10-11") into set. Returns 0, or -EINVAL. */
int machine_parse_cpulist(const char *text, cpu_set_t *set);

/* Counts the logical CPUs, physical cores and SMT width of affinity on topology t. */
void machine_count_cores(const struct cpu_topology *t, const cpu_set_t *affinity,
                         struct core_count *c);
/* min(physical, ceil(quota_cores)) where quota_cores > 0, and never below 1. */
int machine_usable_cores(int physical, double quota_cores);

/* Reads this machine: affinity, sysfs topology, cgroup quota. Never fails: what cannot be read
 * is assumed (one core per CPU, no quota) and says so in topology_from / quota_source. */
void machine_collect(struct machine *m);

#endif
