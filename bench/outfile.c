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
 * Which name gets this treatment, and what else may be written, is the one output policy of
 * every tool (safepath.c): the path is walked without following a symbolic link the kernel's
 * protected_symlinks rule would refuse (refused at the check, exit 2, before any work), and
 * the temporary file and every rename stay in that walked folder.
 *   - A device, FIFO, socket or terminal is written as it is, with no temporary file and no
 *     rename (renaming over /dev/null as root would replace the device with a file):
 *     /dev/null discards, /dev/full fails at the first record with ENOSPC.
 *   - The file a symbolic link names is written in place, never renamed over (that would give
 *     the link's target a new inode, owner and mode): opened at set-up, left as it is until
 *     the first record, then truncated and written record by record. Every completed record
 *     is kept as above, but the replacement is not atomic (a reader may see it empty for a
 *     moment) and two runs through one link are not kept apart: name a regular file for
 *     those guarantees. */
#include "outfile.h"

#include "safepath.h"

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

enum mode {
    DIRECT,  /* stdout, a device, FIFO or terminal: written as it is */
    INPLACE, /* the file a symbolic link names: truncated at the first record, then appended */
    REPLACE, /* a regular file or a new name: a temporary file, published by rename */
};

struct outfile {
    int fd;
    enum mode mode;
    const char *shown;       /* the name as the user gave it, for messages */
    struct safepath sp;      /* the walked folder and the name in it */
    char tmp[NAME_MAX + 1];  /* the unique temporary file, in sp.dirfd */
    char link[NAME_MAX + 2]; /* tmp + "~": the second name a publish renames over sp.name */
    off_t size;              /* bytes of whole records in the file */
    dev_t dev;               /* the temporary file's inode, to see whether name is still ours */
    ino_t ino;
    int published; /* name has been ours at least once (INPLACE: truncated) */
    int tmp_gone;  /* no hard links here: the temporary file was renamed into place */
    int handlers;  /* signal handlers installed */
};

/* What the signal handler may touch: fixed buffers and atomics, set up before the run. */
static struct {
    int dirfd;
    char tmp[NAME_MAX + 1];
    char link[NAME_MAX + 2];
    atomic_int armed;   /* 1 while there are temporary names to remove */
    atomic_int writing; /* 1 while a record is being written and published */
    pid_t owner;        /* the process that made them (a forked worker exits without them) */
} cleanup;

/* atexit: a process that ends without closing its output (an MPI rank other than 0 leaves from
 * inside its executor) takes its temporary names with it. */
static void on_exit_remove(void)
{
    if (atomic_load(&cleanup.armed) && getpid() == cleanup.owner) {
        unlinkat(cleanup.dirfd, cleanup.tmp, 0);
        unlinkat(cleanup.dirfd, cleanup.link, 0);
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
        unlinkat(cleanup.dirfd, cleanup.tmp, 0); /* async-signal-safe, like unlink */
        unlinkat(cleanup.dirfd, cleanup.link, 0);
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

int outfile_check(const char *path, char *err, size_t errlen)
{
    struct safepath sp;
    if (safepath_resolve(path, "--output", &sp, err, errlen) != 0) return -1;
    safepath_release(&sp);
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

/* Makes the output's name the temporary file, unless it does already. Every name is in the
 * walked folder: a rename replaces the name there, never what a link there points at. */
static int publish(struct outfile *f)
{
    struct stat st;
    int dir = f->sp.dirfd;
    if (f->tmp_gone) return 0;
    if (f->published && fstatat(dir, f->sp.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        st.st_dev == f->dev && st.st_ino == f->ino)
        return 0;
    if (linkat(dir, f->tmp, dir, f->link, 0) != 0) {
        if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK && errno != ENOSYS) return -1;
        /* No hard links on this file system: the temporary file itself goes into place, once;
         * later records still reach it through the descriptor. */
        if (renameat(dir, f->tmp, dir, f->sp.name) != 0) return -1;
        f->tmp_gone = 1;
        atomic_store(&cleanup.armed, 0);
        f->published = 1;
        return 0;
    }
    if (renameat(dir, f->link, dir, f->sp.name) != 0) {
        int e = errno;
        unlinkat(dir, f->link, 0);
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

struct outfile *outfile_open(const char *path, char *err, size_t errlen)
{
    struct outfile *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->fd = -1;
    f->sp.dirfd = -1;
    if (!path) {
        f->fd = STDOUT_FILENO;
        f->mode = DIRECT;
        f->shown = "stdout";
        return f;
    }
    f->shown = path;
    if (safepath_resolve(path, "--output", &f->sp, err, errlen) != 0) goto fail;
    if (f->sp.kind == SAFEPATH_DIRECT || f->sp.kind == SAFEPATH_INPLACE) {
        int fd = safepath_open(&f->sp, "--output", path, err, errlen);
        if (fd < 0) goto fail;
        f->fd = fd;
        f->mode = f->sp.kind == SAFEPATH_DIRECT ? DIRECT : INPLACE;
        safepath_release(&f->sp); /* no name is used again: the descriptor is the output */
        /* In place, a signal must still wait for a record being written to be whole. */
        if (f->mode == INPLACE) install_handlers(f);
        return f;
    }
    f->mode = REPLACE;
    /* From the temporary file's creation until the handlers that remove it are in place, the
     * caught signals wait: one arriving in between would otherwise end the process with the
     * file left behind (seen under ASan, the signal sent the moment the file appeared). */
    sigset_t before;
    hold_signals(&before);
    f->fd = safepath_mktemp(&f->sp, safepath_mode(&f->sp), f->tmp, sizeof f->tmp);
    if (f->fd < 0) {
        release_signals(&before);
        snprintf(err, errlen, "--output %s: cannot create a temporary file beside it: %s", path,
                 strerror(-f->fd));
        goto fail;
    }
    snprintf(f->link, sizeof f->link, "%s~", f->tmp);
    struct stat own;
    fstat(f->fd, &own);
    f->dev = own.st_dev;
    f->ino = own.st_ino;
    cleanup.dirfd = f->sp.dirfd;
    snprintf(cleanup.tmp, sizeof cleanup.tmp, "%s", f->tmp);
    snprintf(cleanup.link, sizeof cleanup.link, "%s", f->link);
    cleanup.owner = getpid();
    static int at_exit;
    if (!at_exit++) atexit(on_exit_remove);
    atomic_store(&cleanup.armed, 1);
    install_handlers(f);
    release_signals(&before); /* a signal that waited runs now, and removes the file */
    return f;
fail:
    safepath_release(&f->sp);
    free(f);
    return NULL;
}

int outfile_append(struct outfile *f, const char *text, size_t len)
{
    if (f->mode == DIRECT) {
        if (write_all(f->fd, text, len) == 0) return 0;
        fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
        return -1;
    }
    sigset_t old;
    hold_signals(&old);
    int rc = 0;
    /* In place: the old content stays until there is a first record to replace it with. */
    if (f->mode == INPLACE && !f->published) {
        rc = ftruncate(f->fd, 0);
        f->published = rc == 0;
    }
    if (rc == 0) rc = write_all(f->fd, text, len);
    int e = errno;
    if (rc != 0 && f->published && ftruncate(f->fd, f->size) == 0 &&
        lseek(f->fd, f->size, SEEK_SET) >= 0)
        errno = e; /* the partial record is gone: the file ends with the last whole one */
    if (rc == 0) {
        f->size += (off_t)len;
        if (f->mode == REPLACE) rc = publish(f);
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
    if (f->mode == REPLACE) {
        sigset_t old;
        hold_signals(&old);
        if (f->size > 0 && publish(f) != 0) {
            fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
            rc = -1;
        }
        if (!f->tmp_gone) unlinkat(f->sp.dirfd, f->tmp, 0);
        atomic_store(&cleanup.armed, 0);
        release_signals(&old);
    }
    remove_handlers(f);
    if (f->fd > STDERR_FILENO && close(f->fd) != 0 && rc == 0) {
        fprintf(stderr, "cvpbench: cannot write --output %s: %s\n", f->shown, strerror(errno));
        rc = -1;
    }
    safepath_release(&f->sp);
    free(f);
    return rc;
}
