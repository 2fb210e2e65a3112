/* NAME    process.c
 * PURPOSE Parallelism the multiprocessing way: P worker processes, forked when the executor is
 *         created (outside the timed region), each with its own copy of the workload's state
 *         and its own per-worker resources (a curl handle, a database connection). A batch is
 *         handed to them through shared memory (procpool.h): the task counter, a copy of the
 *         batch whose stop word is a shared futex, and the outcomes, written in place when the
 *         runner put them in shared memory (it does when an arm forks) or into the executor's
 *         own shared array and copied back. Outputs cross the boundary the same way
 *         (workload_shared_alloc).
 *
 * A worker that dies (a signal, an exit) is noticed through its pidfd at once, reaped, and its
 * unfinished task becomes an `other` error naming the cause; the other workers finish the batch
 * (with no worker left, every task not run gets that error). No child outlives destroy: each is
 * told to quit, waited for, killed by its PID if it does not, and reaped; and each dies with
 * its parent (PR_SET_PDEATHSIG).
 *
 * Once a batch has stopped (its deadline passed, or --fail-fast's first error), the parent
 * waits for no worker for ever: one that is stopped (SIGSTOP, a debugger) can never return and
 * is killed at once; one still busy STOP_GRACE_MS later (a call that ignores the stop, hung) is
 * killed then. Either way the task it had (if any) becomes an `other` error naming it, which
 * marks that sample invalid, and the pool has one worker fewer for the rest of the run
 * (workers_killed, workers_lost). */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "affinity.h"
#include "executor.h"
#include "procpool.h"
#include "resources.h"
#include "shm.h"

#define READY_TIMEOUT_MS 60000 /* longest a worker may take to set up its state */
#define QUIT_TIMEOUT_MS  10000 /* longest a worker may take to finish and exit when told */
/* Longest a worker may take to return once its batch has stopped: a task in flight finishes
 * (a thread's would too, and killing a worker costs the pool that worker for the rest of the
 * run), but one that ignores the stop for this long is taken for hung and killed. */
#define STOP_GRACE_MS 2000
#define STOP_POLL_MS  10 /* how often a stopped batch's parent looks for stopped workers */

struct proc_exec {
    const struct workload *w;
    void *wstate;
    long nprocs;
    struct pctl *ctl;
    pid_t *pid;                         /* 0 once reaped */
    int *pidfd;                         /* -1 once reaped */
    int64_t *fork_ns;                   /* when each was forked */
    char (*why)[128];                   /* why each died ("" while alive) */
    long alive;                         /* workers not yet reaped */
    long lost;                          /* workers that died before being told to quit */
    long killed;                        /* of those, the ones killed for not stopping */
    long started;                       /* workers forked */
    struct outcome *own_out;            /* shared outcomes when the batch's are not shared */
    int64_t *own_due;                   /* shared arrival times, likewise */
    long own_cap;                       /* tasks they hold: the workload's task count at set-up */
    double ready_max_us, ready_mean_us; /* from fork to ready */
    long private_kib_mean;              /* what each worker holds alone, after set-up */
};

static void wake_all(struct pctl *ctl)
{
    atomic_fetch_add_explicit(&ctl->gen, 1, memory_order_release);
    syscall(SYS_futex, &ctl->gen, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Reaps worker k if it has ended; returns 1 when it had (its cause in why[k]). */
static int reap(struct proc_exec *pe, long k, int hang)
{
    if (!pe->pid[k]) return 0;
    int st = 0;
    pid_t got;
    do
        got = waitpid(pe->pid[k], &st, hang ? 0 : WNOHANG);
    while (got < 0 && errno == EINTR);
    if (got == 0) return 0;
    if (got < 0)
        snprintf(pe->why[k], sizeof pe->why[k], "worker process %ld (pid %d) vanished: %s", k,
                 (int)pe->pid[k], strerror(errno));
    else if (WIFSIGNALED(st))
        snprintf(pe->why[k], sizeof pe->why[k], "worker process %ld (pid %d) died: signal %d (%s)",
                 k, (int)pe->pid[k], WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(pe->why[k], sizeof pe->why[k], "worker process %ld (pid %d) exited with status %d",
                 k, (int)pe->pid[k], WEXITSTATUS(st));
    pe->pid[k] = 0;
    if (pe->pidfd[k] >= 0) close(pe->pidfd[k]);
    pe->pidfd[k] = -1;
    pe->alive--;
    return 1;
}

/* Waits for the eventfd or a worker's end, at most timeout_ms (-1: no limit); reaps the workers
 * that ended, calling died(k) for each. Returns poll's count (0 on timeout). */
static int wait_event(struct proc_exec *pe, int timeout_ms, void (*died)(struct proc_exec *, long))
{
    struct pollfd fds[1 + pe->nprocs];
    long who[1 + pe->nprocs];
    int nf = 0;
    fds[nf++] = (struct pollfd){.fd = pe->ctl->efd, .events = POLLIN};
    for (long k = 0; k < pe->nprocs; k++)
        if (pe->pidfd[k] >= 0) {
            who[nf] = k;
            fds[nf++] = (struct pollfd){.fd = pe->pidfd[k], .events = POLLIN};
        }
    int rc = poll(fds, (nfds_t)nf, timeout_ms);
    if (rc <= 0) return rc < 0 && errno == EINTR ? 1 : rc;
    if (fds[0].revents) {
        uint64_t v;
        while (read(pe->ctl->efd, &v, sizeof v) < 0 && errno == EINTR) {
        }
    }
    for (int f = 1; f < nf; f++)
        if (fds[f].revents && reap(pe, who[f], 1) && died) died(pe, who[f]);
    return rc;
}

/* 1 when our child pid is stopped (SIGSTOP, SIGTSTP, a tracer): it cannot act on anything
 * until someone else continues it. From /proc/PID/stat's state, the field after the name. */
static int proc_stopped(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
    return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

/* Kills worker k (our own child, by its PID) and reaps it; why[k] then says why. */
static void kill_worker(struct proc_exec *pe, long k, const char *why)
{
    pid_t pid = pe->pid[k];
    kill(pid, SIGKILL); /* SIGKILL ends a stopped process too */
    reap(pe, k, 1);
    snprintf(pe->why[k], sizeof pe->why[k], "worker process %ld (pid %d) %s: killed", k, (int)pid,
             why);
}

/* Tells every worker to quit; kills (by PID, our own children only) and reaps those that do
 * not within QUIT_TIMEOUT_MS, and at once those stopped, which never will. */
static void stop_workers(struct proc_exec *pe)
{
    if (!pe->ctl) return;
    atomic_store(&pe->ctl->quit, 1);
    wake_all(pe->ctl);
    int64_t until = now_ns() + (int64_t)QUIT_TIMEOUT_MS * 1000000;
    while (pe->alive > 0 && now_ns() < until) {
        for (long k = 0; k < pe->nprocs; k++)
            if (pe->pid[k] && proc_stopped(pe->pid[k])) kill_worker(pe, k, "was stopped");
        if (pe->alive > 0) wait_event(pe, STOP_POLL_MS, NULL);
    }
    for (long k = 0; k < pe->nprocs; k++)
        if (pe->pid[k]) {
            kill(pe->pid[k], SIGKILL);
            reap(pe, k, 1);
        }
}

static void proc_destroy(void *ex)
{
    struct proc_exec *pe = ex;
    stop_workers(pe);
    if (pe->ctl && pe->ctl->efd >= 0) close(pe->ctl->efd);
    shm_free(pe->ctl);
    shm_free(pe->own_out);
    shm_free(pe->own_due);
    free(pe->pid);
    free(pe->pidfd);
    free(pe->fork_ns);
    free(pe->why);
    free(pe);
}

/* Private_Clean + Private_Dirty of a process, in KiB: the memory it holds alone. -1 unknown. */
static long private_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long total = 0, v;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Private_Clean: %ld kB", &v) == 1 ||
            sscanf(line, "Private_Dirty: %ld kB", &v) == 1)
            total += v;
    fclose(f);
    return total;
}

static int start_workers(struct proc_exec *pe, int pin, char *err, size_t errlen)
{
    const char *hook = getenv("CVP_TEST_WORKER_DIES");
    pid_t self = getpid();
    fflush(NULL); /* nothing buffered is written twice */
    for (long k = 0; k < pe->nprocs; k++) {
        pe->fork_ns[k] = now_ns();
        pid_t pid = fork();
        if (pid == 0) {
            struct pworker pw = {.ctl = pe->ctl,
                                 .id = k,
                                 .w = pe->w,
                                 .wstate = pe->wstate,
                                 .pin = pin,
                                 .parent = self,
                                 .die_hook = hook};
            procpool_worker(&pw);
        }
        if (pid < 0) {
            snprintf(err, errlen, "process: could not fork worker %ld of %ld: %s", k + 1,
                     pe->nprocs, strerror(errno));
            return -EAGAIN;
        }
        pe->pid[k] = pid;
        pe->started++;
        pe->alive++;
        pe->pidfd[k] = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pe->pidfd[k] < 0) {
            snprintf(err, errlen, "process: pidfd_open: %s (needs Linux 5.3 or later)",
                     strerror(errno));
            return -errno;
        }
    }
    /* Ready: every worker has set up its state (or died trying). */
    int64_t until = now_ns() + (int64_t)READY_TIMEOUT_MS * 1000000;
    for (;;) {
        long ready = 0, failed = -1;
        for (long k = 0; k < pe->nprocs; k++) {
            ready += atomic_load(&pe->ctl->slot[k].ready_ns) != 0 || !pe->pid[k];
            if (!pe->pid[k] || atomic_load(&pe->ctl->slot[k].init_rc) != 0)
                failed = failed < 0 ? k : failed;
        }
        if (failed >= 0) {
            snprintf(err, errlen, "process: worker %ld could not set up its workload state%s%s",
                     failed, pe->why[failed][0] ? ": " : "", pe->why[failed]);
            return -ENOMEM;
        }
        if (ready == pe->nprocs) return 0;
        if (now_ns() >= until) {
            snprintf(err, errlen, "process: %ld of %ld workers not ready after %d s",
                     pe->nprocs - ready, pe->nprocs, READY_TIMEOUT_MS / 1000);
            return -ETIMEDOUT;
        }
        wait_event(pe, (int)((until - now_ns()) / 1000000) + 1, NULL);
    }
}

static int proc_create(const struct workload *w, void *wstate, const struct params *prm, void **ex,
                       struct exec_info *info, char *err, size_t errlen)
{
    long nprocs = affinity_default_threads(prm, "process", err, errlen);
    if (nprocs < 0) return -EINVAL;
    /* This process holds a pidfd per worker (each worker holds its own descriptors under its
     * own copy of the limit): fail before forking, not half-way. */
    long need = nprocs + 64, have = fd_limit_raise(need);
    if (need > have) {
        snprintf(err, errlen,
                 "process: %ld worker processes need about %ld descriptors here (one pidfd "
                 "each), but the limit is %ld (ulimit -n); lower --threads",
                 nprocs, need, have);
        return -EINVAL; /* a setting this machine cannot take: refused (exit 2), not a failure */
    }
    struct proc_exec *pe = calloc(1, sizeof *pe);
    if (!pe) return -ENOMEM;
    pe->w = w;
    pe->wstate = wstate;
    pe->nprocs = nprocs;
    pe->own_cap = w->ntasks(wstate) > 0 ? w->ntasks(wstate) : 1;
    pe->ctl = shm_alloc(sizeof *pe->ctl + (size_t)nprocs * sizeof(struct pslot));
    pe->pid = calloc((size_t)nprocs, sizeof *pe->pid);
    pe->pidfd = malloc((size_t)nprocs * sizeof *pe->pidfd);
    pe->fork_ns = calloc((size_t)nprocs, sizeof *pe->fork_ns);
    pe->why = calloc((size_t)nprocs, sizeof *pe->why);
    /* Where the outcomes and arrival times go when the runner's are not shared (tests, a
     * caller's own array): mapped now, before the fork, or the workers could not see them. */
    pe->own_out = shm_alloc((size_t)pe->own_cap * sizeof *pe->own_out);
    pe->own_due = shm_alloc((size_t)pe->own_cap * sizeof *pe->own_due);
    if (!pe->ctl || !pe->pid || !pe->pidfd || !pe->fork_ns || !pe->why || !pe->own_out ||
        !pe->own_due) {
        if (pe->ctl) pe->ctl->efd = -1;
        proc_destroy(pe);
        snprintf(err, errlen, "process: out of memory for %ld workers", nprocs);
        return -ENOMEM;
    }
    for (long k = 0; k < nprocs; k++)
        pe->pidfd[k] = -1;
    pe->ctl->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pe->ctl->efd < 0) {
        snprintf(err, errlen, "process: eventfd: %s", strerror(errno));
        proc_destroy(pe);
        return -EMFILE;
    }
    pe->ctl->b.shared = 1;
    int rc = start_workers(pe, prm->pin, err, errlen);
    if (rc != 0) {
        proc_destroy(pe);
        return rc;
    }
    double sum = 0;
    long kib = 0, known = 0;
    for (long k = 0; k < nprocs; k++) {
        double us = (double)(atomic_load(&pe->ctl->slot[k].ready_ns) - pe->fork_ns[k]) / 1e3;
        double since_first =
            (double)(atomic_load(&pe->ctl->slot[k].ready_ns) - pe->fork_ns[0]) / 1e3;
        sum += us;
        if (since_first > pe->ready_max_us) pe->ready_max_us = since_first;
        long v = private_kib(pe->pid[k]);
        if (v >= 0) kib += v, known++;
    }
    pe->ready_mean_us = sum / (double)nprocs;
    pe->private_kib_mean = known ? kib / known : 0;
    info->threads = nprocs;
    info->concurrency = nprocs;
    info->cpu_threads = nprocs;
    info->on_loop = 0;
    info->pinned = prm->pin != 0; /* each worker pins itself; a failure is not reported back */
    info->procs = nprocs;
    info->worker_kib = pe->private_kib_mean;
    *ex = pe;
    return 0;
}

/* A worker died during a batch: its task ends with the cause, and --fail-fast stops the batch. */
static void died_in_batch(struct proc_exec *pe, long k)
{
    pe->lost++;
    struct batch *sb = &pe->ctl->b;
    long i = atomic_load(&pe->ctl->slot[k].cur);
    if (i >= 0 && i < sb->n) {
        outcome_fail(&sb->out[i], OUT_OTHER, pe->why[k]);
        if (!sb->out[i].start_ns) sb->out[i].start_ns = now_ns();
        sb->out[i].end_ns = now_ns();
        batch_ended(sb, i);
    }
}

/* The batch has stopped and worker k has not returned from it: stopped, or busy past the grace.
 * It is killed; the task it was running (if it had not finished it) fails naming the cause. A
 * task it had claimed but not begun is left not run, for proc_run's sweep. */
static void kill_in_batch(struct proc_exec *pe, long k, const char *why)
{
    kill_worker(pe, k, why);
    pe->lost++;
    pe->killed++;
    struct batch *sb = &pe->ctl->b;
    long i = atomic_load(&pe->ctl->slot[k].cur);
    if (i >= 0 && i < sb->n && sb->out[i].cls == OUT_NOT_RUN) {
        outcome_fail(&sb->out[i], OUT_OTHER, pe->why[k]);
        if (!sb->out[i].start_ns) sb->out[i].start_ns = now_ns();
        sb->out[i].end_ns = now_ns();
    }
}

/* Waits for the workers still running batch gen. Until the batch stops (a deadline, a first
 * error) that wait has no bound but the deadline, as a thread pool's join has none. From then on
 * every wait is bounded: each STOP_POLL_MS, a worker found stopped is killed, and at
 * STOP_GRACE_MS after the stop every worker still busy is. Without this, a deadline never
 * reached a stopped worker: the parent slept in poll(-1) until it was continued. */
static void await_workers(struct proc_exec *pe, unsigned gen)
{
    struct pctl *ctl = pe->ctl;
    struct batch *sb = &ctl->b;
    int64_t kill_at = 0; /* once the batch has stopped: when the busy workers are killed */
    char busy[64];
    snprintf(busy, sizeof busy, "was still busy %d ms after its batch stopped", STOP_GRACE_MS);
    for (;;) {
        long pending = 0;
        for (long k = 0; k < pe->nprocs; k++)
            pending += pe->pid[k] &&
                       atomic_load_explicit(&ctl->slot[k].done_gen, memory_order_acquire) != gen;
        if (!pending) return;
        int timeout = -1;
        int64_t now = now_ns();
        /* batch_running stops the batch (the shared futex wakes the workers' waits) once its
         * deadline has passed, also when no worker was there to notice. */
        if (!batch_running(sb)) {
            if (!kill_at) {
                int64_t stopped = atomic_load(&sb->stop_ns);
                kill_at = (stopped > 0 && stopped < now ? stopped : now) +
                          (int64_t)STOP_GRACE_MS * 1000000;
            }
            for (long k = 0; k < pe->nprocs; k++) {
                if (!pe->pid[k] ||
                    atomic_load_explicit(&ctl->slot[k].done_gen, memory_order_acquire) == gen)
                    continue;
                if (proc_stopped(pe->pid[k]))
                    kill_in_batch(pe, k, "was stopped when its batch stopped");
                else if (now >= kill_at)
                    kill_in_batch(pe, k, busy);
            }
            timeout = STOP_POLL_MS;
        } else if (sb->deadline_ns) {
            timeout = (int)((sb->deadline_ns - now + 999999) / 1000000);
            if (timeout < 1) timeout = 1;
        }
        wait_event(pe, timeout, died_in_batch);
    }
}

static const char *first_death(const struct proc_exec *pe)
{
    for (long k = 0; k < pe->nprocs; k++)
        if (pe->why[k][0]) return pe->why[k];
    return "process: no worker process left";
}

static void proc_run(void *ex, struct batch *b)
{
    struct proc_exec *pe = ex;
    struct pctl *ctl = pe->ctl;
    struct batch *sb = &ctl->b;
    long n = b->n;
    int in_place = shm_holds(b->out, (size_t)n * sizeof *b->out);
    if (!in_place && n > pe->own_cap) {
        for (long i = 0; i < n; i++)
            outcome_fail(&b->out[i], OUT_OTHER, "process: outcomes not in shared memory");
        return;
    }
    const int64_t *due = b->due_ns;
    if (due && !shm_holds(due, (size_t)n * sizeof *due)) {
        if (n > pe->own_cap) {
            for (long i = 0; i < n; i++)
                outcome_fail(&b->out[i], OUT_OTHER, "process: arrival times not in shared memory");
            return;
        }
        memcpy(pe->own_due, due, (size_t)n * sizeof *due);
        due = pe->own_due;
    }
    if (!in_place) memcpy(pe->own_out, b->out, (size_t)n * sizeof *b->out);
    /* The shared copy of the batch: what the workers read, and their stop word. */
    sb->out = in_place ? b->out : pe->own_out;
    sb->n = n;
    sb->t0_ns = b->t0_ns;
    sb->due_ns = due;
    sb->deadline_ns = b->deadline_ns;
    sb->fail_fast = b->fail_fast;
    sb->fail_task = b->fail_task;
    atomic_store(&sb->stop, 0);
    atomic_store(&sb->reason, STOP_NONE);
    atomic_store(&sb->stop_ns, 0);
    atomic_store(&ctl->next, 0);
    unsigned gen = atomic_load(&ctl->gen) + 1;
    if (pe->alive > 0) wake_all(ctl);
    await_workers(pe, gen);
    /* Tasks a dead worker had claimed but not begun, or that no worker was left to take. */
    for (long i = 0; i < n && pe->alive < pe->started; i++)
        if (sb->out[i].cls == OUT_NOT_RUN) outcome_fail(&sb->out[i], OUT_OTHER, first_death(pe));
    b->children = (struct cpu_use){0};
    for (long k = 0; k < pe->nprocs; k++) {
        const struct pslot *s = &ctl->slot[k];
        if (atomic_load(&s->done_gen) != gen) continue;
        cpu_use_add(&b->children, &s->cpu);
    }
    if (!in_place) memcpy(b->out, pe->own_out, (size_t)n * sizeof *b->out);
    atomic_store(&b->stop_ns, atomic_load(&sb->stop_ns));
    atomic_store(&b->reason, atomic_load(&sb->reason));
    atomic_store(&b->stop, atomic_load(&sb->stop));
}

static void proc_report(void *ex, struct jw *j)
{
    struct proc_exec *pe = ex;
    jw_int(j, "procs", pe->nprocs);
    jw_num(j, "ready_us", pe->ready_max_us);             /* first fork to last worker ready */
    jw_num(j, "ready_us_per_worker", pe->ready_mean_us); /* each one's fork to ready, mean */
    jw_int(j, "worker_private_kib", pe->private_kib_mean);
    jw_int(j, "workers_lost", pe->lost);
    jw_int(j, "workers_killed", pe->killed); /* of those lost: killed for not stopping */
}

/* A worker per task in flight: --threads workers (default the usable cores), each task on one. */
static void proc_plan(const struct params *p, long n, struct exec_plan *pl)
{
    long t = affinity_planned_threads(p);
    *pl = (struct exec_plan){.procs = t, .in_flight = t < n ? t : n, .computes = t};
    pl->proc_bytes = EXEC_WORKER_PROC_BYTES;
}

const struct executor executor_process = {
    .name = "process",
    .summary = "worker processes forked at set-up, tasks from a shared counter, outcomes in "
               "shared memory (multiprocessing; --threads = processes, --pin)",
    .params = PM(P_THREADS) | PM(P_CONCURRENCY) | PM(P_PIN),
    .waits = WIDTH_PROCS,
    .computes = WIDTH_PROCS,
    .overlap = OVERLAP_WORKERS,
    .forks = 1,
    .plan = proc_plan,
    .create = proc_create,
    .run = proc_run,
    .destroy = proc_destroy,
    .report = proc_report,
};
