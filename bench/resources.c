/* NAME    resources.c
 * PURPOSE getrusage deltas (CPU, context switches, page faults), peak RSS per region (Linux:
 *         writing 5 to /proc/self/clear_refs resets VmHWM), steal time from /proc/stat, and CPU
 *         migrations of all threads (a perf software counter, else the scheduler's statistics). */
#include "resources.h"

#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "context.h"

static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* A "Key: N kB" line of /proc/self/status, in KiB; -1 when absent. */
static long status_kib(const char *fmt)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, fmt, &kib) == 1) break;
    fclose(f);
    return kib;
}

static long read_vmhwm_kib(void)
{
    return status_kib("VmHWM: %ld kB");
}

long rss_now_kib(void)
{
    return status_kib("VmRSS: %ld kB");
}

/* The process's one migration counter: opened once by usage_open_counters before any thread
 * exists, read by every region after. -1 = not open. */
static int migrations_fd = -1;

int usage_perf_migrations_open(void)
{
    /* exclude_kernel stays 0: a migration is counted in kernel context, so a counter that
     * excludes the kernel (all an unprivileged user gets under perf_event_paranoid >= 2) would
     * read 0 forever rather than fail. Failing lets the caller fall back to the scheduler. */
    struct perf_event_attr a = {
        .size = sizeof a,
        .type = PERF_TYPE_SOFTWARE,
        .config = PERF_COUNT_SW_CPU_MIGRATIONS,
        .inherit = 1, /* threads created later count into this descriptor */
    };
    long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    return fd >= 0 ? (int)fd : -errno;
}

void usage_open_counters(void)
{
    if (migrations_fd < 0) {
        int fd = usage_perf_migrations_open();
        if (fd >= 0) migrations_fd = fd;
    }
}

/* se.nr_migrations of one thread, from its scheduler statistics; -1 when absent. */
static long task_migrations(const char *tid)
{
    char path[300], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%s/sched", tid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long n = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "se.nr_migrations : %ld", &n) == 1) break;
    fclose(f);
    return n;
}

/* The sum over the threads alive now. A thread that exits inside a region takes its count
 * with it, so a region can come out negative: usage_end reports that as unknown. */
static long sched_migrations(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    long sum = 0, seen = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            long n = task_migrations(e->d_name);
            if (n >= 0) sum += n, seen++;
        }
    closedir(d);
    return seen ? sum : -1;
}

static long migrations_now(void)
{
    if (migrations_fd < 0) return sched_migrations();
    uint64_t v;
    return read(migrations_fd, &v, sizeof v) == (ssize_t)sizeof v ? (long)v : -1;
}

const char *usage_migrations_source(void)
{
    if (migrations_fd >= 0) return "perf";
    return sched_migrations() >= 0 ? "sched" : "none";
}

void usage_begin(struct usage_mark *m)
{
    memset(m, 0, sizeof *m);
    m->rss_reset = reset_peak_rss();
    m->rss_start_kib = m->rss_reset ? rss_now_kib() : -1;
    m->steal_s = context_steal_s();
    m->migrations = migrations_now();
    getrusage(RUSAGE_SELF, &m->ru);
    m->t_ns = now_ns();
}

void usage_add(struct usage *u, const struct cpu_use *c)
{
    cpu_use_add(&u->cpu, c);
}

void usage_end(const struct usage_mark *m, struct usage *u)
{
    int64_t t = now_ns();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *u = (struct usage){.wall_s = (double)(t - m->t_ns) / 1e9};
    struct cpu_use c = cpu_use_between(&m->ru, &ru);
    usage_add(u, &c);
    long hwm = m->rss_reset ? read_vmhwm_kib() : -1;
    u->max_rss_kib = hwm >= 0 ? hwm : ru.ru_maxrss;
    u->rss_scope = hwm >= 0 ? "region" : "process";
    u->rss_growth_kib = hwm >= 0 && m->rss_start_kib >= 0
                            ? (hwm > m->rss_start_kib ? hwm - m->rss_start_kib : 0)
                            : -1;
    u->steal_s = context_steal_s() - m->steal_s;
    long mig = m->migrations >= 0 ? migrations_now() : -1;
    u->migrations = mig >= m->migrations && m->migrations >= 0 ? mig - m->migrations : -1;
}

long fd_limit_raise(long want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (want > 0 && (rlim_t)want > rl.rlim_max && rl.rlim_max != RLIM_INFINITY) {
        struct rlimit more = {.rlim_cur = (rlim_t)want, .rlim_max = (rlim_t)want};
        if (setrlimit(RLIMIT_NOFILE, &more) == 0) /* needs CAP_SYS_RESOURCE */
            rl = more;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)rl.rlim_cur;
}
