/* NAME    cleanup.c
 * PURPOSE Removes registered paths at exit and on SIGINT/SIGTERM/SIGHUP (cleanup.h).
 *
 *         The signal handler may run at any moment, inside malloc or stdio, so it uses only
 *         calls that are async-signal-safe: open, openat, close, lseek, unlinkat, rmdir,
 *         sigaction, raise. Listing a folder has no such POSIX call (readdir may allocate), so it
 *         reads the entries with the getdents64 system call into a buffer on the stack: a plain
 *         system call, no lock and no allocation. Paths live in fixed slots, each published by a
 *         flag written after its text, so the handler never sees half a path. */
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TREE_DEPTH 4 /* sub-folder levels removed below a registered folder */

static char slot_path[CLEANUP_MAX_PATHS][PATH_MAX];
static volatile sig_atomic_t slot_used[CLEANUP_MAX_PATHS];
static pid_t slot_pid[CLEANUP_MAX_PATHS]; /* who registered it: a forked child must not remove
                                           * its parent's paths */
static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER; /* registration, never in a handler */
static int installed;                                        /* guarded by slots_mu */

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define NCAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction previous[NCAUGHT]; /* what each signal did before us */

/* struct linux_dirent64, as getdents64 fills it. */
struct dirent64_raw {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Empties the folder open as dfd, depth levels of sub-folders deep. Entries removed while the
 * listing is read may make it skip others, so it reads again until a pass removes nothing. */
static void clear_dir(int dfd, int depth)
{
    char buf[2048] __attribute__((aligned(8)));
    for (int pass = 0; pass < 16; pass++) {
        int removed = 0;
        if (lseek(dfd, 0, SEEK_SET) < 0) return;
        long n;
        while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
                off += d->reclen;
                const char *nm = d->name;
                if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) continue;
                if (unlinkat(dfd, nm, 0) == 0) {
                    removed++;
                } else if ((errno == EISDIR || errno == EPERM) && depth > 0) {
                    int sub = openat(dfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                    if (sub >= 0) {
                        clear_dir(sub, depth - 1);
                        close(sub);
                    }
                    if (unlinkat(dfd, nm, AT_REMOVEDIR) == 0) removed++;
                }
            }
        }
        if (!removed) return;
    }
}

/* Removes a file, or a folder and what is in it. 0, or -errno; a missing path is removed. */
static int remove_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        if (errno != ENOTDIR && errno != ELOOP) return -errno;
        return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
    }
    clear_dir(fd, TREE_DEPTH);
    close(fd);
    return rmdir(path) == 0 || errno == ENOENT ? 0 : -errno;
}

void cleanup_run(void)
{
    pid_t self = getpid();
    for (int k = 0; k < CLEANUP_MAX_PATHS; k++) {
        if (!slot_used[k]) continue;
        atomic_signal_fence(memory_order_acquire);
        if (slot_pid[k] != self) continue;
        remove_path(slot_path[k]);
        slot_used[k] = 0;
    }
}

/* SIGINT, SIGTERM, SIGHUP: remove, then do what the signal did before we caught it. */
static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    int saved = errno;
    cleanup_run();
    for (size_t k = 0; k < NCAUGHT; k++) {
        if (caught[k] != sig) continue;
        sigaction(sig, &previous[k], NULL);
        if (previous[k].sa_flags & SA_SIGINFO)
            previous[k].sa_sigaction(sig, info, uctx);
        else if (previous[k].sa_handler != SIG_DFL && previous[k].sa_handler != SIG_IGN)
            previous[k].sa_handler(sig);
        else
            raise(sig); /* blocked until we return; then it ends the process as it would have */
    }
    errno = saved;
}

/* Once: the atexit hook and the handlers. A signal the process was told to ignore (nohup)
 * stays ignored. Called with slots_mu held. */
static void install(void)
{
    if (installed) return;
    installed = 1;
    atexit(cleanup_run);
    for (size_t k = 0; k < NCAUGHT; k++) {
        if (sigaction(caught[k], NULL, &previous[k]) != 0) continue;
        if (!(previous[k].sa_flags & SA_SIGINFO) && previous[k].sa_handler == SIG_IGN) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigfillset(&sa.sa_mask); /* no other caught signal interrupts a removal */
        sigaction(caught[k], &sa, NULL);
    }
}

int cleanup_register(const char *path)
{
    if (strlen(path) >= PATH_MAX) return -ENAMETOOLONG;
    pthread_mutex_lock(&slots_mu);
    install();
    int rc = -ENOSPC;
    for (int k = 0; k < CLEANUP_MAX_PATHS; k++) {
        if (slot_used[k]) continue;
        memcpy(slot_path[k], path, strlen(path) + 1);
        slot_pid[k] = getpid();
        atomic_signal_fence(memory_order_release);
        slot_used[k] = 1;
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&slots_mu);
    return rc;
}

void cleanup_forget(const char *path)
{
    pthread_mutex_lock(&slots_mu);
    for (int k = 0; k < CLEANUP_MAX_PATHS; k++)
        if (slot_used[k] && strcmp(slot_path[k], path) == 0) slot_used[k] = 0;
    pthread_mutex_unlock(&slots_mu);
}

int cleanup_remove(const char *path)
{
    /* Removed first, forgotten after: a signal in between finds it registered and removes
     * whatever is left. */
    int rc = remove_path(path);
    cleanup_forget(path);
    return rc;
}

int cleanup_mkdtemp(const char *prefix, char *out, size_t outlen, char *err, size_t errlen)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    int n = snprintf(out, outlen, "%s/%sXXXXXX", base, prefix);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "temporary folder path under %s is too long", base);
        return -ENAMETOOLONG;
    }
    if (!mkdtemp(out)) {
        int e = errno;
        snprintf(err, errlen, "cannot create a temporary folder under %s: %s", base, strerror(e));
        return -e;
    }
    int rc = cleanup_register(out);
    if (rc != 0) {
        rmdir(out);
        snprintf(err, errlen, "cannot register %s for removal: %s", out, strerror(-rc));
        return rc;
    }
    return 0;
}
