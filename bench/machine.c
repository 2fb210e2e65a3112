/* NAME    machine.c
 * PURPOSE Machine facts for speed-up claims: the affinity set, its physical cores (sysfs
 *         topology), the cgroup v1/v2 CPU quota, and usable_cores. Parsing and counting take
 *         text and arrays so that tests can describe machines this one is not. */
#include "machine.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copies the next whitespace-separated token of *s into tok; returns its length (0 at the end). */
static size_t next_token(const char **s, char *tok, size_t len)
{
    const char *p = *s + strspn(*s, " \t\r\n");
    size_t n = strcspn(p, " \t\r\n");
    *s = p + n;
    if (n >= len) n = len - 1; /* too long to be a number: whole() refuses the truncation too */
    memcpy(tok, p, n);
    tok[n] = '\0';
    return n;
}

/* Strict non-negative whole number: digits only, no sign, no overflow. */
static int whole(const char *tok, long *v)
{
    if (!*tok || strspn(tok, "0123456789") != strlen(tok)) return -EINVAL;
    errno = 0;
    long x = strtol(tok, NULL, 10);
    if (errno == ERANGE) return -EINVAL;
    *v = x;
    return 0;
}

int machine_parse_cpu_max(const char *text, double *cores)
{
    char q[32], per[32], extra[8];
    const char *s = text;
    long quota, period = 100000; /* the kernel's default period, should only "max" be given */
    if (next_token(&s, q, sizeof q) == 0) return -EINVAL;
    size_t has_period = next_token(&s, per, sizeof per);
    if (next_token(&s, extra, sizeof extra) != 0) return -EINVAL;
    if (has_period && (whole(per, &period) != 0 || period <= 0)) return -EINVAL;
    if (strcmp(q, "max") == 0) {
        *cores = 0;
        return 0;
    }
    if (!has_period || whole(q, &quota) != 0 || quota <= 0) return -EINVAL;
    *cores = (double)quota / (double)period;
    return 0;
}

int machine_parse_cfs(const char *quota_text, const char *period_text, double *cores)
{
    char q[32], per[32], extra[8];
    const char *s = quota_text;
    long quota, period;
    if (next_token(&s, q, sizeof q) == 0 || next_token(&s, extra, sizeof extra) != 0)
        return -EINVAL;
    if (strcmp(q, "-1") == 0) {
        *cores = 0;
        return 0;
    }
    if (whole(q, &quota) != 0 || quota <= 0) return -EINVAL;
    s = period_text;
    if (next_token(&s, per, sizeof per) == 0 || next_token(&s, extra, sizeof extra) != 0)
        return -EINVAL;
    if (whole(per, &period) != 0 || period <= 0) return -EINVAL;
    *cores = (double)quota / (double)period;
    return 0;
}

/* True when the comma-separated list has the item name. */
static int has_item(const char *list, size_t len, const char *name)
{
    size_t nlen = strlen(name);
    for (size_t at = 0; at <= len;) {
        size_t n = 0;
        while (at + n < len && list[at + n] != ',')
            n++;
        if (n == nlen && memcmp(list + at, name, n) == 0) return 1;
        at += n + 1;
    }
    return 0;
}

int machine_cgroup_path(const char *proc_cgroup, int version, char *out, size_t outlen)
{
    for (const char *line = proc_cgroup; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *c1 = memchr(line, ':', len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            size_t clen = (size_t)(c2 - c1 - 1);
            int match = version == 2 ? c1 - line == 1 && line[0] == '0' && clen == 0
                                     : has_item(c1 + 1, clen, "cpu");
            if (match) {
                snprintf(out, outlen, "%.*s", (int)(len - (size_t)(c2 + 1 - line)), c2 + 1);
                return 0;
            }
        }
        line = end ? end + 1 : NULL;
    }
    return -ENOENT;
}

int machine_parse_cpulist(const char *text, cpu_set_t *set)
{
    CPU_ZERO(set);
    const char *s = text + strspn(text, " \t\r\n");
    while (*s && !strchr("\r\n", *s)) {
        char *end;
        if (*s < '0' || *s > '9') return -EINVAL;
        long lo = strtol(s, &end, 10), hi = lo;
        if (*end == '-') {
            if (end[1] < '0' || end[1] > '9') return -EINVAL;
            hi = strtol(end + 1, &end, 10);
        }
        if (lo > hi || hi >= MACHINE_MAX_CPUS) return -EINVAL;
        for (long c = lo; c <= hi; c++)
            CPU_SET((int)c, set);
        if (*end == ',')
            end++;
        else if (*end && !strchr(" \t\r\n", *end))
            return -EINVAL;
        s = end;
    }
    return 0;
}

void machine_count_cores(const struct cpu_topology *t, const cpu_set_t *affinity,
                         struct core_count *c)
{
    int per_core[MACHINE_MAX_CPUS] = {0}; /* CPUs seen per core key */
    cpu_set_t seen;
    CPU_ZERO(&seen);
    c->logical = c->physical = 0;
    c->smt_per_core = 1;
    int n = t->ncpus < MACHINE_MAX_CPUS ? t->ncpus : MACHINE_MAX_CPUS;
    for (int cpu = 0; cpu < n; cpu++) {
        int key = t->core_key[cpu];
        if (key < 0 || key >= MACHINE_MAX_CPUS) continue;
        /* SMT width is the machine's, not the affinity set's: two siblings of which we may use
         * one still share that core with whatever runs on the other. */
        if (++per_core[key] > c->smt_per_core) c->smt_per_core = per_core[key];
        if (!CPU_ISSET(cpu, affinity)) continue;
        c->logical++;
        if (!CPU_ISSET(key, &seen)) {
            CPU_SET(key, &seen);
            c->core_cpu[c->physical++] = cpu;
        }
    }
}

int machine_usable_cores(int physical, double quota_cores)
{
    int usable = physical > 0 ? physical : 1;
    if (quota_cores > 0 && ceil(quota_cores) < usable) usable = (int)ceil(quota_cores);
    return usable > 0 ? usable : 1;
}

/* Reads a small file into buf (NUL-terminated). Returns 0, or -errno. */
static int read_text(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    int bad = ferror(f);
    fclose(f);
    return bad ? -EIO : 0;
}

/* read_text of dir/name. */
static int read_text_at(const char *dir, const char *name, char *buf, size_t len)
{
    char path[PATH_MAX + 64];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return -ENAMETOOLONG;
    return read_text(path, buf, len);
}

/* core_key[cpu] from sysfs: the lowest of the CPU's SMT siblings, else the lowest CPU with the
 * same (package, core id), else the CPU itself. Returns the weakest source used. */
static const char *read_topology(struct cpu_topology *t, const cpu_set_t *affinity)
{
    int pkg[MACHINE_MAX_CPUS], core[MACHINE_MAX_CPUS];
    const char *from = "thread_siblings_list";
    long conf = sysconf(_SC_NPROCESSORS_CONF);
    t->ncpus = conf > 0 && conf < MACHINE_MAX_CPUS ? (int)conf : MACHINE_MAX_CPUS;
    for (int cpu = 0; cpu < MACHINE_MAX_CPUS; cpu++)
        if (CPU_ISSET(cpu, affinity) && cpu >= t->ncpus) t->ncpus = cpu + 1;
    char path[128], buf[4096];
    for (int cpu = 0; cpu < t->ncpus; cpu++) {
        const char *dir = "/sys/devices/system/cpu";
        cpu_set_t sib;
        t->core_key[cpu] = pkg[cpu] = core[cpu] = -1;
        snprintf(path, sizeof path, "%s/cpu%d/online", dir, cpu);
        if (read_text(path, buf, sizeof buf) == 0 && buf[0] == '0') continue; /* offline */
        snprintf(path, sizeof path, "%s/cpu%d/topology/thread_siblings_list", dir, cpu);
        if (read_text(path, buf, sizeof buf) == 0 && machine_parse_cpulist(buf, &sib) == 0 &&
            CPU_ISSET(cpu, &sib)) {
            for (int k = 0; k <= cpu; k++)
                if (CPU_ISSET(k, &sib)) {
                    t->core_key[cpu] = k;
                    break;
                }
            continue;
        }
        snprintf(path, sizeof path, "%s/cpu%d/topology/core_id", dir, cpu);
        char b2[64];
        if (read_text(path, buf, sizeof buf) == 0 && sscanf(buf, "%d", &core[cpu]) == 1) {
            snprintf(path, sizeof path, "%s/cpu%d/topology/physical_package_id", dir, cpu);
            if (read_text(path, b2, sizeof b2) != 0 || sscanf(b2, "%d", &pkg[cpu]) != 1)
                pkg[cpu] = 0;
            for (int k = 0; k <= cpu && t->core_key[cpu] < 0; k++)
                if (core[k] == core[cpu] && pkg[k] == pkg[cpu]) t->core_key[cpu] = k;
            if (from[0] == 't') from = "core_id";
            continue;
        }
        /* No topology in sysfs (a container without /sys, an unusual kernel): count CPUs that
         * are online, or at least allowed, as cores of their own. */
        snprintf(path, sizeof path, "%s/cpu%d", dir, cpu);
        if (access(path, F_OK) == 0 || CPU_ISSET(cpu, affinity)) {
            t->core_key[cpu] = cpu;
            from = "assumed";
        }
    }
    return from;
}

/* Says where the quota came from (a long path is cut: still enough to find it). */
static void set_source(struct machine *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->quota_source, sizeof m->quota_source, fmt, ap);
    va_end(ap);
}

/* The quota in cores in dir (0 = none), or -1 when dir has no readable quota. */
static double quota_in(int version, const char *dir, char *shown, size_t shownlen)
{
    char q[256], per[256];
    double cores = -1;
    if (version == 2) {
        snprintf(shown, shownlen, "%s/cpu.max", dir);
        if (read_text_at(dir, "cpu.max", q, sizeof q) != 0 || machine_parse_cpu_max(q, &cores) != 0)
            return -1;
    } else {
        snprintf(shown, shownlen, "%s/cpu.cfs_quota_us", dir);
        if (read_text_at(dir, "cpu.cfs_quota_us", q, sizeof q) != 0 ||
            read_text_at(dir, "cpu.cfs_period_us", per, sizeof per) != 0 ||
            machine_parse_cfs(q, per, &cores) != 0)
            return -1;
    }
    q[strcspn(q, "\n")] = '\0';
    size_t n = strlen(shown);
    snprintf(shown + n, shownlen - n, ": %s", q);
    return cores;
}

/* The tightest quota along the cgroup path, from the process's own cgroup up to the root (a
 * parent's limit binds its children too). A path that does not exist under the mount, as in a
 * container that mounts its own cgroup as the root, is skipped on the way up. */
static double quota_along(struct machine *m, const char *mount, const char *cg)
{
    char dir[PATH_MAX], shown[PATH_MAX + 300];
    double best = 0;
    if (snprintf(dir, sizeof dir, "%s%s", mount, cg) >= (int)sizeof dir) return 0;
    size_t root = strlen(mount);
    for (;;) {
        double cores = quota_in(m->cgroup_version, dir, shown, sizeof shown);
        if (cores > 0 && (best == 0 || cores < best)) {
            best = cores;
            set_source(m, "%s", shown);
        }
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < root) break;
        *slash = '\0'; /* mount/a/b -> mount/a -> mount (the root) -> done */
    }
    if (best == 0)
        set_source(m, "no quota in cgroup v%d from %s%s up to the root", m->cgroup_version, mount,
                   cg[0] ? cg : "/");
    return best;
}

static void read_quota(struct machine *m)
{
    static const char *const v1_mounts[] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct",
                                            "/sys/fs/cgroup/cpuacct,cpu", NULL};
    char text[8192], cg[PATH_MAX], probe[PATH_MAX + 32];
    m->cgroup_version = 0;
    m->quota_cores = 0;
    set_source(m, "no cgroup CPU controller found");
    if (read_text("/proc/self/cgroup", text, sizeof text) != 0) return;
    if (machine_cgroup_path(text, 1, cg, sizeof cg) == 0) {
        for (const char *const *mnt = v1_mounts; *mnt; mnt++) {
            snprintf(probe, sizeof probe, "%s/cpu.cfs_quota_us", *mnt);
            if (access(probe, R_OK) != 0) continue;
            m->cgroup_version = 1;
            m->quota_cores = quota_along(m, *mnt, strcmp(cg, "/") == 0 ? "" : cg);
            return;
        }
    }
    if (machine_cgroup_path(text, 2, cg, sizeof cg) == 0 &&
        access("/sys/fs/cgroup/cgroup.controllers", R_OK) == 0) {
        m->cgroup_version = 2;
        m->quota_cores = quota_along(m, "/sys/fs/cgroup", strcmp(cg, "/") == 0 ? "" : cg);
    }
}

void machine_collect(struct machine *m)
{
    struct cpu_topology t; /* 4 KiB, like the topology arrays: call on the main thread */
    memset(m, 0, sizeof *m);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    m->cpus_online = online > 0 ? (int)online : 1;
    cpu_set_t aff;
    if (sched_getaffinity(0, sizeof aff, &aff) != 0 || CPU_COUNT(&aff) == 0) {
        CPU_ZERO(&aff);
        for (int cpu = 0; cpu < m->cpus_online && cpu < MACHINE_MAX_CPUS; cpu++)
            CPU_SET(cpu, &aff);
    }
    m->topology_from = read_topology(&t, &aff);
    machine_count_cores(&t, &aff, &m->cores);
    if (m->cores.physical == 0) { /* nothing allowed is known: trust the affinity set alone */
        m->cores.logical = m->cores.physical = CPU_COUNT(&aff);
        for (int cpu = 0, k = 0; cpu < MACHINE_MAX_CPUS; cpu++)
            if (CPU_ISSET(cpu, &aff)) m->cores.core_cpu[k++] = cpu;
        m->topology_from = "assumed";
    }
    read_quota(m);
    m->usable_cores = machine_usable_cores(m->cores.physical, m->quota_cores);
}
