/* NAME    probes.c
 * PURPOSE Micro-measurements of the operations the executors are made of (thread start, wake-up,
 *         connection, timer), a few hundred samples each, summarised by samples.c. */
#include "probes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "clock.h"

#define SETTLE_NS 200000 /* the waiter's time to fall asleep in the kernel before each signal */

/* Trials run first and left out of the figure: the first stack mapping, a cold cache or a CPU
 * leaving a deep idle state is not what a probe measures. */
static int warmup(int trials)
{
    return trials / 10 + 1;
}

/* Room for the warm-up and the trials; the figure is of v + warmup(trials). */
static double *samples_new(int trials, struct stats *s)
{
    double *v = trials > 0 ? malloc((size_t)(trials + warmup(trials)) * sizeof *v) : NULL;
    if (!v) stats_none(s, ENOMEM, "no memory for %d samples", trials);
    return v;
}

static void *do_nothing(void *arg)
{
    return arg;
}

int probe_thread_create(int trials, struct stats *s)
{
    double *v = samples_new(trials, s);
    if (!v) return -ENOMEM;
    for (int k = 0; k < trials + warmup(trials); k++) {
        pthread_t t;
        int64_t t0 = now_ns();
        int rc = pthread_create(&t, NULL, do_nothing, NULL);
        if (rc != 0) {
            free(v);
            return stats_none(s, rc, "pthread_create: %s", strerror(rc));
        }
        pthread_join(t, NULL);
        v[k] = (double)(now_ns() - t0) / 1e3;
    }
    stats_of(v + warmup(trials), trials, s);
    free(v);
    return 0;
}

struct wake {
    pthread_mutex_t mu;
    pthread_cond_t to_waiter;    /* a new stamp is ready */
    pthread_cond_t to_signaller; /* the waiter is about to wait again */
    int waiting;                 /* the waiter is in (or entering) pthread_cond_wait; under mu */
    long seq;                    /* signals sent; under mu */
    int64_t stamp_ns;            /* when the last signal was sent; under mu */
    int trials;
    double *v;  /* one-way delays, in us */
    int cpu[2]; /* signaller's and waiter's CPUs */
};

static void pin_self(int cpu)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one); /* unpinned still measures */
}

static void *waiter_main(void *arg)
{
    struct wake *w = arg;
    pin_self(w->cpu[1]);
    pthread_mutex_lock(&w->mu);
    for (long seen = 0; seen < w->trials;) {
        w->waiting = 1;
        pthread_cond_signal(&w->to_signaller);
        while (w->seq == seen)
            pthread_cond_wait(&w->to_waiter, &w->mu);
        int64_t t = now_ns();
        w->waiting = 0;
        seen = w->seq;
        w->v[seen - 1] = (double)(t - w->stamp_ns) / 1e3;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void *signaller_main(void *arg)
{
    struct wake *w = arg;
    pin_self(w->cpu[0]);
    for (int k = 0; k < w->trials; k++) {
        pthread_mutex_lock(&w->mu);
        while (!w->waiting)
            pthread_cond_wait(&w->to_signaller, &w->mu);
        pthread_mutex_unlock(&w->mu);
        /* `waiting` is set just before pthread_cond_wait; a moment later the waiter is blocked
         * in the kernel, which is the wake-up a sleeping worker costs. */
        sleep_ns(SETTLE_NS);
        pthread_mutex_lock(&w->mu);
        w->stamp_ns = now_ns();
        w->seq++;
        pthread_cond_signal(&w->to_waiter);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

int probe_wake(const struct machine *m, int trials, struct stats *s, const char **placement)
{
    *placement = "";
    struct wake w = {.mu = PTHREAD_MUTEX_INITIALIZER,
                     .to_waiter = PTHREAD_COND_INITIALIZER,
                     .to_signaller = PTHREAD_COND_INITIALIZER,
                     .trials = trials + warmup(trials)};
    if (m->cores.physical >= 2) {
        w.cpu[0] = m->cores.core_cpu[0];
        w.cpu[1] = m->cores.core_cpu[1];
        *placement = "different cores";
    } else {
        /* SMT siblings when there are two; with one CPU both threads share it, and the woken
         * one runs once the waker yields: what waking a worker costs on such a machine. */
        cpu_set_t aff;
        if (sched_getaffinity(0, sizeof aff, &aff) != 0)
            return stats_none(s, errno, "sched_getaffinity: %s", strerror(errno));
        int k = 0;
        for (int cpu = 0; cpu < MACHINE_MAX_CPUS && k < 2; cpu++)
            if (CPU_ISSET(cpu, &aff)) w.cpu[k++] = cpu;
        if (k == 0) return stats_none(s, ENODEV, "no CPU in the affinity set");
        if (k == 1) w.cpu[1] = w.cpu[0];
        *placement = k == 2 ? "SMT siblings of one core" : "the same CPU (one usable)";
    }
    if (!(w.v = samples_new(trials, s))) return -ENOMEM;
    pthread_t tw, ts;
    int rc = pthread_create(&tw, NULL, waiter_main, &w);
    if (rc == 0) {
        rc = pthread_create(&ts, NULL, signaller_main, &w);
        if (rc != 0) { /* release the waiter with fake signals so that it can be joined */
            pthread_mutex_lock(&w.mu);
            w.seq = w.trials;
            pthread_cond_signal(&w.to_waiter);
            pthread_mutex_unlock(&w.mu);
        } else {
            pthread_join(ts, NULL);
        }
        pthread_join(tw, NULL);
    }
    if (rc != 0) {
        free(w.v);
        return stats_none(s, rc, "pthread_create: %s", strerror(rc));
    }
    stats_of(w.v + warmup(trials), trials, s);
    free(w.v);
    return 0;
}

#define FILE_CALLS 64 /* calls per trial: one is too short for the clock */

int probe_file_call(int trials, struct stats *s)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC); /* this binary: in the page cache */
    if (fd < 0) return stats_none(s, errno, "open /proc/self/exe: %s", strerror(errno));
    double *v = samples_new(trials, s);
    int rc = v ? 0 : -ENOMEM;
    for (int k = 0; v && k < trials + warmup(trials); k++) {
        char c;
        int64_t t0 = now_ns();
        for (int i = 0; i < FILE_CALLS; i++)
            if (pread(fd, &c, 1, 0) != 1) {
                rc = stats_none(s, errno ? errno : EIO, "pread of /proc/self/exe: %s",
                                strerror(errno ? errno : EIO));
                break;
            }
        if (rc != 0) break;
        v[k] = (double)(now_ns() - t0) / 1e3 / FILE_CALLS;
    }
    if (rc == 0 && v) stats_of(v + warmup(trials), trials, s);
    free(v);
    close(fd);
    return rc;
}

/* Closes fd with SO_LINGER 0: a reset instead of FIN, so no TIME_WAIT piles up over trials. */
static void close_now(int fd)
{
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

int probe_connect(int trials, struct stats *s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    int rc = 0, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) return stats_none(s, errno, "socket: %s", strerror(errno));
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
        rc = stats_none(s, errno, "listen on 127.0.0.1: %s", strerror(errno));
        close(lfd);
        return rc;
    }
    double *v = samples_new(trials, s);
    for (int k = 0; v && k < trials + warmup(trials); k++) {
        int64_t t0 = now_ns();
        int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) != 0) {
            rc = stats_none(s, errno, "connect to 127.0.0.1:%d: %s", ntohs(a.sin_port),
                            strerror(errno));
            if (c >= 0) close(c);
            break;
        }
        /* The kernel completes the handshake into the backlog, so one thread can do both ends
         * and no cross-thread wake-up is counted in the figure. */
        int sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (sfd < 0) {
            rc = stats_none(s, errno, "accept: %s", strerror(errno));
            close_now(c);
            break;
        }
        close_now(c);
        close_now(sfd);
        v[k] = (double)(now_ns() - t0) / 1e3;
    }
    close(lfd);
    if (!v) return -ENOMEM;
    if (rc == 0) stats_of(v + warmup(trials), trials, s);
    free(v);
    return rc;
}

int probe_nanosleep_slack(int trials, long wait_us, struct stats *s)
{
    const struct timespec ms = {.tv_sec = wait_us / 1000000, .tv_nsec = wait_us % 1000000 * 1000};
    double *v = samples_new(trials, s);
    if (!v) return -ENOMEM;
    for (int k = 0; k < trials + warmup(trials);) {
        int64_t t0 = now_ns();
        if (clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL) != 0) continue; /* a signal: retry */
        v[k++] = (double)(now_ns() - t0) / 1e3 - (double)wait_us;
    }
    stats_of(v + warmup(trials), trials, s);
    free(v);
    return 0;
}

struct uv_probe {
    uint64_t fired_ns; /* uv_hrtime() in the callback */
};

static void on_timer(uv_timer_t *t)
{
    ((struct uv_probe *)t->data)->fired_ns = uv_hrtime();
}

int probe_uv_timer_slack(int trials, struct stats *s)
{
    uv_loop_t loop;
    uv_timer_t timer;
    struct uv_probe p;
    int rc = uv_loop_init(&loop);
    if (rc != 0) return stats_none(s, -rc, "uv_loop_init: %s", uv_strerror(rc));
    uv_timer_init(&loop, &timer);
    timer.data = &p;
    double *v = samples_new(trials, s);
    for (int k = 0; v && k < trials + warmup(trials); k++) {
        uv_update_time(&loop); /* the timer counts from now, not from the last iteration */
        uint64_t t0 = uv_hrtime();
        uv_timer_start(&timer, on_timer, 1, 0);
        uv_run(&loop, UV_RUN_DEFAULT); /* returns once the one-shot timer has fired */
        /* Can be negative: the loop's clock is in whole milliseconds, so a timer set late in
         * one millisecond may fire early in real time. That is what a 1 ms timer does. */
        v[k] = ((double)(p.fired_ns - t0) - 1e6) / 1e3;
    }
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (!v) return -ENOMEM;
    stats_of(v + warmup(trials), trials, s);
    free(v);
    return 0;
}
