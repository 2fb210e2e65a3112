/* NAME    outfile.c
 * PURPOSE The run's output (outfile.h). A regular file is written like this: the records go,
 *         each with one write(), into a unique temporary file beside it (mkstemp,
 *         ".NAME.XXXXXX"); after the first record, and again whenever the name no longer points
 *         at that file (another run published its own), a second name of the temporary file
 *         (link()) is renamed over NAME. From then on NAME is the temporary file itself, so
 *         every later record costs one write() and one stat(): linear in the records, where
 *         rewriting the whole file per sample was quadratic. At the end NAME is published once
 *         more and the temporary name is removed.
 *
 * What a reader of NAME can count on:
 *   - Until the first record is written, NAME is untouched (a run refused or failing before
 *     its first sample leaves an existing file as it was). Then it names a file that holds
 *     every completed record and nothing else: a record is whole in it before the run goes on,
 *     so a completed sample is never lost, however the run ends.
 *   - A record that cannot be written whole (disk full) is cut back off, so the file never
 *     ends in half a record.
 *   - A reader that takes only newline-terminated lines never sees a partial record. One that
 *     reads NAME while a record is being written may see that last line unfinished: the
 *     kernel makes an append visible page by page. Rewriting a new file per record would
 *     avoid that at quadratic cost; it is the price of linear time.
 *   - SIGINT, SIGTERM and SIGHUP: the handler waits (briefly, bounded) for a record being
 *     written to be whole, removes the temporary names and lets the signal end the process as
 *     it would have. NAME keeps every completed record. Only SIGKILL or a crash can leave a
 *     temporary file behind, and after the first record it is a second name of NAME's file.
 *   - Two runs with one output never touch each other's temporary file; NAME ends up as the
 *     complete output of the run that finished last.
 *   - Not promised: durability across a power loss (no fsync per record).
 * A device, FIFO, socket or terminal is written as it is, with no temporary file and no
 * rename (renaming over /dev/null as root would replace the device with a file): /dev/null
 * discards, /dev/full fails at the first record with ENOSPC. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SUFFIX_LEN 9 /* "." before the name, ".XXXXXX" and "~" after it */

struct outfile {
    int fd;
    int direct;              /* stdout, or not a regular file: written as it is */
    const char *shown;       /* the name as the user gave it, for messages */
    char target[PATH_MAX];   /* the name published (a symlink's target, so the link stays) */
    char tmp[PATH_MAX];      /* the unique temporary file */
    char link[PATH_MAX + 2]; /* tmp + "~": the second name a publish renames over target */
    off_t size;              /* bytes of whole records in the file */
    dev_t dev;               /* the temporary file's inode, to see whether target is still ours */
    ino_t ino;
    int published; /* target has been ours at least once */
    int tmp_gone;  /* no hard links here: the temporary file was renamed into place */
    int handlers;  /* signal handlers installed */
};

/* What the signal handler may touch: fixed buffers and atomics, set up before the run. */
static struct {
    char tmp[PATH_MAX];
    char link[PATH_MAX + 2];
    atomic_int armed;   /* 1 while there are temporary names to remove */
    atomic_int writing; /* 1 while a record is being written and published */
    pid_t owner;        /* the process that made them (a forked worker exits without them) */
} cleanup;

/* atexit: a process that ends without closing its output (an MPI rank other than 0 leaves from
 * inside its executor) takes its temporary names with it. */
static void on_exit_remove(void)
{
    if (atomic_load(&cleanup.armed) && getpid() == cleanup.owner) {
        unlink(cleanup.tmp);
        unlink(cleanup.link);
    }
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
    /* Another thread may be writing a record: let it finish (microseconds), so that NAME never
     * ends in half a record. Bounded, so a stuck write cannot make the signal vain. */
    for (long spin = 0; atomic_load(&cleanup.writing) && spin < 100000000L; spin++) {
    }
    if (atomic_load(&cleanup.armed)) {
        unlink(cleanup.tmp);
        unlink(cleanup.link);
    }
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigaction(sig, &dfl, NULL);
    raise(sig); /* ends the process as the signal would have: the exit status tells */
}

/* Blocks the caught signals in this thread while a record is written, so the handler never
 * interrupts its own thread half-way (it runs on another thread, or here right after). */
static void hold_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t k = 0; k < sizeof caught / sizeof caught[0]; k++)
        sigaddset(&set, caught[k]);
    pthread_sigmask(SIG_BLOCK, &set, old);
    atomic_store(&cleanup.writing, 1);
}

static void release_signals(const sigset_t *old)
{
    atomic_store(&cleanup.writing, 0);
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* The folder part of path ("." when none) into dir, the last component into *base. */
static void split(const char *path, char *dir, size_t len, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int outfile_check(const char *path, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    const char *base;
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "--output needs a file name");
        return -1;
    }
    size_t len = strlen(path);
    if (len + TMP_SUFFIX_LEN >= PATH_MAX) {
        snprintf(err, errlen, "--output: the path is too long (%zu bytes; at most %d)", len,
                 PATH_MAX - TMP_SUFFIX_LEN - 1);
        return -1;
    }
    split(path, dir, sizeof dir, &base);
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--output %s is a folder, not a file", path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) return 0; /* a device or FIFO: written as it is */
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "--output %s: %s", path, strerror(errno));
        return -1;
    }
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        snprintf(err, errlen, "--output %s names a folder, not a file", path);
        return -1;
    }
    if (strlen(base) + TMP_SUFFIX_LEN > NAME_MAX) {
        snprintf(err, errlen,
                 "--output: the file name is too long for a temporary name beside it (%zu "
                 "bytes; at most %d)",
                 strlen(base), NAME_MAX - TMP_SUFFIX_LEN);
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--output %s: folder %s %s", path, dir,
                 errno == ENOENT ? "does not exist" : "is not a folder");
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "--output %s: cannot create files in %s: %s", path, dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Makes target name the temporary file, unless it does already. */
static int publish(struct outfile *f)
{
    struct stat st;
    if (f->tmp_gone) return 0;
    if (f->published && stat(f->target, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino)
        return 0;
    if (link(f->tmp, f->link) != 0) {
        if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK && errno != ENOSYS) return -1;
        /* No hard links on this file system: the temporary file itself goes into place, once;
         * later records still reach it through the descriptor. */
        if (rename(f->tmp, f->target) != 0) return -1;
        f->tmp_gone = 1;
        atomic_store(&cleanup.armed, 0);
        f->published = 1;
        return 0;
    }
    if (rename(f->link, f->target) != 0) {
        int e = errno;
        unlink(f->link);
        errno = e;
        return -1;
    }
    f->published = 1;
    return 0;
}

static void install_handlers(struct outfile *f)
{
    for (size_t k = 0; k < sizeof caught / sizeof caught[0]; k++) {
        struct sigaction old, sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        /* A signal the parent chose to ignore (nohup, a background job) stays ignored. */
        if (sigaction(caught[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(caught[k], &sa, NULL);
    }
    f->handlers = 1;
}

static void remove_handlers(struct outfile *f)
{
    if (!f->handlers) return;
    for (size_t k = 0; k < sizeof caught / sizeof caught[0]; k++) {
        struct sigaction old, dfl = {.sa_handler = SIG_DFL};
        if (sigaction(caught[k], NULL, &old) == 0 && old.sa_handler == on_signal)
            sigaction(caught[k], &dfl, NULL);
    }
    f->handlers = 0;
}

/* A device, FIFO or terminal: opened as it is. A FIFO without a reader is refused rather than
 * waited for. */
static int open_direct(struct outfile *f, const char *path, char *err, size_t errlen)
{
    f->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (f->fd < 0) {
        snprintf(err, errlen, "--output %s: %s", path,
                 errno == ENXIO ? "nothing reads from it" : strerror(errno));
        return -1;
    }
    int fl = fcntl(f->fd, F_GETFL);
    if (fl >= 0) fcntl(f->fd, F_SETFL, fl & ~O_NONBLOCK);
    f->direct = 1;
    return 0;
}

struct outfile *outfile_open(const char *path, char *err, size_t errlen)
{
    struct outfile *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->fd = -1;
    if (!path) {
        f->fd = STDOUT_FILENO;
        f->direct = 1;
        f->shown = "stdout";
        return f;
    }
    f->shown = path;
    if (outfile_check(path, err, errlen) != 0) goto fail;
    struct stat st, lst;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        if (open_direct(f, path, err, errlen) != 0) goto fail;
        return f;
    }
    /* A symlink to a file: the file is replaced, the link stays. */
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        if (!realpath(path, f->target)) {
            snprintf(err, errlen, "--output %s: %s", path, strerror(errno));
            goto fail;
        }
    } else
        snprintf(f->target, sizeof f->target, "%s", path);
    char dir[PATH_MAX];
    const char *base;
    split(f->target, dir, sizeof dir, &base);
    if (snprintf(f->tmp, sizeof f->tmp, "%s/.%s.XXXXXX", dir, base) >= (int)sizeof f->tmp - 1 ||
        strlen(base) + TMP_SUFFIX_LEN > NAME_MAX) {
        snprintf(err, errlen, "--output %s: the path is too long for a temporary name", path);
        goto fail;
    }
    f->fd = mkostemp(f->tmp, O_CLOEXEC);
    if (f->fd < 0) {
        snprintf(err, errlen, "--output %s: cannot create a file in %s: %s", path, dir,
                 strerror(errno));
        goto fail;
    }
    snprintf(f->link, sizeof f->link, "%s~", f->tmp);
    /* The mode the file would have had: an existing file's, else the umask's (no other thread
     * exists yet, so reading the umask this way is safe). */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(f->fd, exists ? (st.st_mode & 0777) : (0666 & ~mask));
    struct stat own;
    fstat(f->fd, &own);
    f->dev = own.st_dev;
    f->ino = own.st_ino;
    snprintf(cleanup.tmp, sizeof cleanup.tmp, "%s", f->tmp);
    snprintf(cleanup.link, sizeof cleanup.link, "%s", f->link);
    cleanup.owner = getpid();
    static int at_exit;
    if (!at_exit++) atexit(on_exit_remove);
    atomic_store(&cleanup.armed, 1);
    install_handlers(f);
    return f;
fail:
    free(f);
    return NULL;
}

int outfile_append(struct outfile *f, const char *text, size_t len)
{
    if (f->direct) {
        if (write_all(f->fd, text, len) == 0) return 0;
        fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
        return -1;
    }
    sigset_t old;
    hold_signals(&old);
    int rc = write_all(f->fd, text, len);
    int e = errno;
    if (rc != 0 && ftruncate(f->fd, f->size) == 0 && lseek(f->fd, f->size, SEEK_SET) >= 0)
        errno = e; /* the partial record is gone: the file ends with the last whole one */
    if (rc == 0) {
        f->size += (off_t)len;
        rc = publish(f);
    }
    e = errno;
    release_signals(&old);
    if (rc != 0) fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(e));
    return rc;
}

int outfile_close(struct outfile *f)
{
    if (!f) return 0;
    int rc = 0;
    if (!f->direct) {
        sigset_t old;
        hold_signals(&old);
        if (f->size > 0 && publish(f) != 0) {
            fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
            rc = -1;
        }
        if (!f->tmp_gone) unlink(f->tmp);
        atomic_store(&cleanup.armed, 0);
        release_signals(&old);
        remove_handlers(f);
    }
    if (f->fd > STDERR_FILENO && close(f->fd) != 0 && rc == 0) {
        fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
        rc = -1;
    }
    free(f);
    return rc;
}
