/* NAME    resources.c
 * PURPOSE getrusage deltas, peak RSS per region (Linux: writing 5 to /proc/self/clear_refs
 *         resets VmHWM), and steal time from /proc/stat. */
#include "resources.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "context.h"

static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

static long read_vmhwm_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    fclose(f);
    return kib;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void usage_begin(struct usage_mark *m)
{
    memset(m, 0, sizeof *m);
    m->rss_reset = reset_peak_rss();
    m->steal_s = context_steal_s();
    getrusage(RUSAGE_SELF, &m->ru);
    m->t_ns = now_ns();
}

void usage_end(const struct usage_mark *m, struct usage *u)
{
    int64_t t = now_ns();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    u->wall_s = (double)(t - m->t_ns) / 1e9;
    u->user_s = tv_s(ru.ru_utime) - tv_s(m->ru.ru_utime);
    u->sys_s = tv_s(ru.ru_stime) - tv_s(m->ru.ru_stime);
    u->vcsw = ru.ru_nvcsw - m->ru.ru_nvcsw;
    u->ivcsw = ru.ru_nivcsw - m->ru.ru_nivcsw;
    long hwm = m->rss_reset ? read_vmhwm_kib() : -1;
    u->max_rss_kib = hwm >= 0 ? hwm : ru.ru_maxrss;
    u->rss_scope = hwm >= 0 ? "region" : "process";
    u->steal_s = context_steal_s() - m->steal_s;
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
