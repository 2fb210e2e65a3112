/* NAME    headroom.c
 * PURPOSE Checks a run's threads and memory against this machine before anything starts
 *         (headroom.h). A thread needs a PID (kernel.pid_max), a slot under kernel.threads-max,
 *         the cgroup's pids.max and the user's RLIMIT_NPROC, and it reserves its whole stack;
 *         a run also holds 40 bytes of outcome per task and, on an event loop, the state of every
 *         task in flight (a timer, a curl handle and its buffers). All of it must fit in the
 *         memory available (MemAvailable, the cgroup's memory limit) and the address space
 *         (ulimit -v). Stacks are counted whole: a task may touch all of its stack, and under
 *         strict overcommit (vm.overcommit_memory=2) the kernel charges them whole anyway.
 *         Processes count the same way: a worker process (process) or an MPI rank is a thread
 *         to every one of those limits, and holds private memory besides; a job started here
 *         (mpi --ranks R) is R ranks with their own runtime threads, and mpirun. */
#include "headroom.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "context.h"
#include "mpi_comm.h"

#define NO_LIMIT            (-1.0)
#define LOOP_CPU_TASK_BYTES 64 /* a CPU-only task queued by a loop executor (struct + malloc) */

/* The number at the start of path's first line: 0; "max": 1 (no limit); unreadable: -1. */
static int read_number(const char *path, double *v)
{
    char buf[64];
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    if (strncmp(buf, "max", 3) == 0) return 1;
    char *end;
    *v = strtod(buf, &end);
    return end != buf ? 0 : -1;
}

/* A "Key:   value kB" line of /proc/meminfo, in bytes; NO_LIMIT when absent. */
static double meminfo_bytes(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return NO_LIMIT;
    char line[256];
    size_t klen = strlen(key);
    double v = NO_LIMIT;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtod(line + klen + 1, NULL) * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* The least room (limit minus usage) in this process's cgroup and each of its parents, for
 * one controller: cgroup v1 (its own hierarchy, /sys/fs/cgroup/CTL) or v2 (one hierarchy).
 * NO_LIMIT when no level sets one. A container that mounts its own group as the root has no
 * folder for the path it is told: those levels are skipped. */
static double cgroup_room(const char *ctl, const char *v1_limit, const char *v1_usage,
                          const char *v2_limit, const char *v2_usage)
{
    char text[4096], mount[64], path[2048];
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return NO_LIMIT;
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    int v2 = 0;
    path[0] = '\0';
    char *lines, *items;
    for (char *line = strtok_r(text, "\n", &lines); line; line = strtok_r(NULL, "\n", &lines)) {
        /* "ID:CONTROLLERS:PATH"; v2's is "0::PATH". */
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = '\0';
        int match = 0;
        if (strcmp(line, "0:") == 0) {
            match = access("/sys/fs/cgroup/cgroup.controllers", R_OK) == 0;
            v2 = match;
        } else
            for (char *item = strtok_r(c1 + 1, ",", &items); item && !match;
                 item = strtok_r(NULL, ",", &items))
                match = strcmp(item, ctl) == 0;
        if (match) {
            snprintf(path, sizeof path, "%s", c2 + 1);
            if (!v2) break; /* a v1 controller's own line wins over v2 */
        }
    }
    if (!path[0]) return NO_LIMIT;
    snprintf(mount, sizeof mount, v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/%s", ctl);
    double room = NO_LIMIT;
    for (;;) {
        char lim_path[2200], use_path[2200];
        double lim, use;
        const char *dir = strcmp(path, "/") == 0 ? "" : path;
        snprintf(lim_path, sizeof lim_path, "%s%s/%s", mount, dir, v2 ? v2_limit : v1_limit);
        snprintf(use_path, sizeof use_path, "%s%s/%s", mount, dir, v2 ? v2_usage : v1_usage);
        /* v1 writes "no limit" as a huge number (PAGE_COUNTER_MAX pages). */
        if (read_number(lim_path, &lim) == 0 && lim < 1e18 && read_number(use_path, &use) == 0) {
            double r = lim > use ? lim - use : 0;
            if (room == NO_LIMIT || r < room) room = r;
        }
        char *slash = strrchr(path, '/');
        if (!slash || slash == path) {
            if (strcmp(path, "/") == 0 || !path[0]) break;
            snprintf(path, sizeof path, "/");
            continue;
        }
        *slash = '\0';
    }
    return room;
}

size_t headroom_default_stack(void)
{
    pthread_attr_t a;
    size_t size = 8 << 20;
    if (pthread_getattr_default_np(&a) == 0) {
        pthread_attr_getstacksize(&a, &size);
        pthread_attr_destroy(&a);
    }
    return size;
}

long headroom_tasks(const struct run_opts *o)
{
    return o->p.tasks > 0 ? o->p.tasks : 1;
}

void headroom_arm_need(const struct run_opts *o, int k, long n, struct arm_need *need)
{
    const struct arm *a = &o->arms[k];
    const struct executor *e = a->e;
    struct exec_plan pl = {0};
    memset(need, 0, sizeof *need);
    e->plan(&a->p, n, &pl); /* what it will start: the executor's own rule (executor.h) */
    int launched_here = e->waits == WIDTH_RANKS && pl.procs > 1 && !comm_launched();
    if (e->waits == WIDTH_RANKS && comm_launched() && pl.procs > 0) {
        /* Under mpirun the ranks exist already: each checks its own workers. */
        pl.threads /= pl.procs;
        pl.in_flight /= pl.procs;
    }
    need->stack_bytes = e->stack_bytes ? e->stack_bytes() : headroom_default_stack();
    need->in_flight = pl.in_flight;
    if (pl.on_loop) {
        if (o->w->start_task) /* each task in flight holds its timer or its transfer */
            need->task_bytes = (double)need->in_flight * (double)o->w->loop_task_bytes;
        else if (pl.computes > 1) /* queued for the CPU workers */
            need->task_bytes = (double)need->in_flight * LOOP_CPU_TASK_BYTES;
        /* else each runs inline as it starts: one at a time, nothing to speak of */
    }
    if (e->waits == WIDTH_PROCS) { /* its workers are processes, one thread each */
        need->threads = need->procs = need->kernel_tasks = need->stack_threads = pl.procs;
        need->proc_bytes = (double)pl.procs * pl.proc_bytes;
    } else if (launched_here) {
        /* A job started from here (mpi_launch.c): R ranks with their inner workers, Open MPI's
         * threads and mpirun, all counted by the same limits. */
        need->ranks = pl.procs;
        need->procs = pl.procs + 1; /* and mpirun */
        need->threads = need->stack_threads = pl.threads;
        need->kernel_tasks = pl.procs + pl.threads + pl.extra_tasks;
        need->proc_bytes = pl.extra_bytes;
    } else {
        need->threads = need->kernel_tasks = need->stack_threads = pl.threads;
    }
}

/* "24.4 GiB", "256 KiB", "40 B". */
static const char *bytes(char *buf, size_t len, double b)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < 5) {
        b /= 1024;
        u++;
    }
    snprintf(buf, len, u == 0 || b >= 100 || b == (long)b ? "%.0f %s" : "%.1f %s", b, unit[u]);
    return buf;
}

/* The threads (kernel tasks: every thread of every process) the real user id uid runs now:
 * what RLIMIT_NPROC counts against its limit. -1 when /proc cannot be read. */
static long user_tasks(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d) return -1;
    long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        char path[64], line[128];
        snprintf(path, sizeof path, "/proc/%.20s/status", e->d_name);
        FILE *f = fopen(path, "re");
        if (!f) continue; /* gone meanwhile */
        long real = -1, threads = 0;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Uid:", 4) == 0)
                real = strtol(line + 4, NULL, 10);
            else if (strncmp(line, "Threads:", 8) == 0)
                threads = strtol(line + 8, NULL, 10);
        }
        fclose(f);
        if (real == (long)uid) total += threads;
    }
    closedir(d);
    return total;
}

/* The threads that can still be started: the least room among the kernel's, the cgroup's and
 * the user's limits; which one into why. */
static long thread_room(char *why, size_t len)
{
    long room = -1;
    double threads_max = 0, pid_max = 0, running = 0;
    FILE *f = fopen("/proc/loadavg", "r"); /* "0.00 0.01 0.05 1/345 6789": 345 threads */
    if (f) {
        long r, t;
        if (fscanf(f, "%*f %*f %*f %ld/%ld", &r, &t) == 2) running = (double)t;
        fclose(f);
    }
    if (read_number("/proc/sys/kernel/threads-max", &threads_max) == 0) {
        room = (long)(threads_max - running);
        snprintf(why, len, "kernel.threads-max is %.0f, %.0f threads exist", threads_max, running);
    }
    if (read_number("/proc/sys/kernel/pid_max", &pid_max) == 0 &&
        (room < 0 || pid_max - running < room)) {
        room = (long)(pid_max - running);
        snprintf(why, len, "kernel.pid_max is %.0f and %.0f threads hold one each", pid_max,
                 running);
    }
    double pids = cgroup_room("pids", "pids.max", "pids.current", "pids.max", "pids.current");
    if (pids != NO_LIMIT && (room < 0 || pids < room)) {
        room = (long)pids;
        snprintf(why, len, "the cgroup's pids.max leaves %.0f", pids);
    }
    /* RLIMIT_NPROC counts every thread of the user's real id, this process's among them, and
     * root is exempt (the kernel lets uid 0 past it). */
    struct rlimit rl;
    if (getuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        long lim = rl.rlim_cur > LONG_MAX ? LONG_MAX : (long)rl.rlim_cur;
        long used = user_tasks(getuid());
        long left = used > 0 ? (lim > used ? lim - used : 0) : lim;
        if (room < 0 || left < room) {
            room = left;
            if (used > 0)
                snprintf(why, len,
                         "RLIMIT_NPROC (ulimit -u) is %ld and this user runs %ld thread%s", lim,
                         used, used == 1 ? "" : "s");
            else
                snprintf(why, len, "RLIMIT_NPROC (ulimit -u) is %ld", lim);
        }
    }
    return room < 0 ? 0 : room;
}

/* The address space still free under ulimit -v (RLIMIT_AS), or NO_LIMIT. */
static double address_room(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return NO_LIMIT;
    double used = 0;
    FILE *f = fopen("/proc/self/statm", "r"); /* first field: the address space, in pages */
    if (f) {
        if (fscanf(f, "%lf", &used) == 1) used *= (double)sysconf(_SC_PAGESIZE);
        fclose(f);
    }
    return (double)rl.rlim_cur > used ? (double)rl.rlim_cur - used : 0;
}

int headroom_check(const struct run_opts *o, char *err, size_t errlen)
{
    long n = headroom_tasks(o), in_flight = 0, stack_threads = 0;
    long tasks = 0, procs = 0, worker_procs = 0, ranks = 0;
    double stacks = 0, loop = 0, outcomes = (double)n * (double)sizeof(struct outcome);
    double proc_bytes = 0;
    size_t stack = 0;
    for (int k = 0; k < o->narms; k++) {
        struct arm_need need;
        headroom_arm_need(o, k, n, &need);
        tasks += need.kernel_tasks;
        stack_threads += need.stack_threads;
        stacks += (double)need.stack_threads * (double)need.stack_bytes;
        if (need.stack_bytes > stack && need.stack_threads > 0) stack = need.stack_bytes;
        loop += need.task_bytes;
        if (need.task_bytes > 0 && need.in_flight > in_flight) in_flight = need.in_flight;
        procs += need.procs;
        proc_bytes += need.proc_bytes;
        if (need.ranks > 0)
            ranks += need.ranks;
        else
            worker_procs += need.procs;
    }
    char why[160], a[32], b[32], c[32];
    if (tasks > 0) {
        long room = thread_room(why, sizeof why);
        if (tasks > room) {
            /* What was asked for, in the terms of its options; then the total the limits count. */
            char asked[160];
            if (ranks > 0)
                snprintf(asked, sizeof asked,
                         "%ld MPI ranks asked for (%ld processes and threads with Open MPI's "
                         "and mpirun's)",
                         ranks, tasks);
            else if (worker_procs > 0 && worker_procs == tasks)
                snprintf(asked, sizeof asked, "%ld worker processes asked for", worker_procs);
            else if (worker_procs > 0)
                snprintf(asked, sizeof asked,
                         "%ld worker threads and processes asked for (%ld of them processes)",
                         tasks, worker_procs);
            else
                snprintf(asked, sizeof asked, "%ld worker threads asked for", tasks);
            snprintf(err, errlen,
                     "%s, but this machine can start about %ld more threads (%s): lower %s", asked,
                     room, why, ranks > 0 ? "--ranks" : "--threads or --concurrency");
            return -1;
        }
    }
    /* What the run holds besides what is there now: stacks, outcomes, tasks in flight, and the
     * private memory of the processes it starts. */
    double need = stacks + outcomes + loop + proc_bytes;
    /* And what the workload's set-up allocates (matmul: its matrices, for --size n). */
    double data = o->w->setup_bytes ? o->w->setup_bytes(&o->p) : 0;
    need += data;
    char what[400], d[32];
    int w = snprintf(what, sizeof what, "%s", "");
    if (data > 0)
        w += snprintf(what + w, sizeof what - (size_t)w, "%s's inputs and outputs (%s)", o->w->name,
                      bytes(d, sizeof d, data));
    if (proc_bytes > 0)
        w += snprintf(what + w, sizeof what - (size_t)w, "%s%ld %s x %s", w ? " + " : "", procs,
                      ranks > 0 ? "processes (ranks and mpirun)" : "worker processes",
                      bytes(a, sizeof a, proc_bytes / (double)procs));
    if (stacks > 0)
        w += snprintf(what + w, sizeof what - (size_t)w, "%s%ld threads x %s stacks",
                      w ? " + " : "", stack_threads, bytes(a, sizeof a, (double)stack));
    if (outcomes >= 64 << 20 || loop > 0 || (stacks == 0 && data == 0))
        w += snprintf(what + w, sizeof what - (size_t)w, "%s%ld tasks x %zu B of outcome",
                      w ? " + " : "", n, sizeof(struct outcome));
    if (loop > 0)
        snprintf(what + w, sizeof what - (size_t)w, " + %ld tasks in flight x %s on the loop",
                 in_flight, bytes(c, sizeof c, loop / (double)in_flight));
    const char *hint = data >= stacks + proc_bytes + outcomes + loop
                           ? ((o->w->params & PM(P_SIZE)) ? "lower --size" : "lower its parameters")
                       : ranks > 0 && proc_bytes + stacks >= outcomes + loop
                           ? "lower --ranks or --threads"
                       : stacks + proc_bytes >= outcomes + loop ? "lower --threads or --concurrency"
                                                                : "lower --tasks or --concurrency";
    double mem = meminfo_bytes("MemAvailable");
    const char *mem_src = "MemAvailable";
    double cg = cgroup_room("memory", "memory.limit_in_bytes", "memory.usage_in_bytes",
                            "memory.max", "memory.current");
    if (cg != NO_LIMIT && (mem == NO_LIMIT || cg < mem)) {
        mem = cg;
        mem_src = "the cgroup's memory limit";
    }
    if (mem != NO_LIMIT && need > mem) {
        snprintf(err, errlen, "%s need %s; %s available (%s): %s", what, bytes(a, sizeof a, need),
                 bytes(b, sizeof b, mem), mem_src, hint);
        return -1;
    }
    double as = address_room();
    if (as != NO_LIMIT && need > as) {
        snprintf(err, errlen, "%s need %s of address space; ulimit -v leaves %s: %s", what,
                 bytes(a, sizeof a, need), bytes(b, sizeof b, as), hint);
        return -1;
    }
    return 0;
}
