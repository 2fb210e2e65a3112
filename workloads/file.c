/* NAME    file.c
 * PURPOSE Waiting on files. Each task reads (or, with --write, writes) one file of --file-size
 *         bytes, in one call or --block-sized calls, and checks every byte against the file's
 *         pattern; --tasks is the number of files. Set-up, outside the timed region, writes the
 *         files into a private temporary folder and syncs them; before each batch, --cache cold
 *         drops their pages (posix_fadvise DONTNEED: the next read goes to the device);
 *         --cache warm reads them once before the first batch (every read is then a copy from
 *         memory). The mode and what was left cached after a drop are recorded.
 *
 *         Blocking form (sequential, thread-pool, openmp): open, pread/pwrite, close on the
 *         worker thread. Loop form (event-loop, hybrid), by --io: uv = uv_fs_open/read/close on
 *         libuv's thread pool (what aiofiles does with its threads), uring = io_uring with
 *         completions on the loop (file_uring.c). Neither a regular file nor the page cache
 *         offers the readiness an event loop polls for: without io_uring, "async" file I/O is
 *         blocking I/O on a pool of threads, --fs-threads of them.
 *
 *         CVP_TEST_CORRUPT=B (tests only) damages one byte of one file before batch B (1 = the
 *         first), so the tests can see the check catch it. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "file_engine.h"
#include "uvpool.h"

#define MAX_TOTAL   (16L << 30)           /* bytes of files one run may make */
#define SETUP_CHUNK (1L << 20)            /* set-up writes files in pieces of this size */

/* ---- set-up and teardown ---- */

static void file_teardown(void *state)
{
    struct file_state *s = state;
    if (!s) return;
    if (s->dir[0]) cleanup_remove(s->dir);
    free(s->paths);
    workload_shared_free(s);
}

static int write_all(int fd, const unsigned char *buf, long len, long off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, (size_t)len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        if (n == 0) return -ENOSPC;
        buf += n;
        len -= n;
        off += n;
    }
    return 0;
}

/* Writes file f at generation gen, whole. 0 or -errno. */
static int make_file(const struct file_state *s, long f, uint64_t gen, unsigned char *buf,
                     int flags)
{
    int fd = open(file_path(s, f), flags | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return -errno;
    int rc = 0;
    for (long off = 0; rc == 0 && off < s->size; off += SETUP_CHUNK) {
        long n = s->size - off < SETUP_CHUNK ? s->size - off : SETUP_CHUNK;
        file_fill(s, f, gen, off, buf, n);
        rc = write_all(fd, buf, n, off);
    }
    if (close(fd) != 0 && rc == 0) rc = -errno;
    return rc;
}

static const char *fs_name(long magic)
{
    switch (magic) {
    case 0xEF53:
        return "ext4";
    case 0x01021994:
        return "tmpfs";
    case 0x58465342:
        return "xfs";
    case 0x9123683E:
        return "btrfs";
    case 0x794C7630:
        return "overlayfs";
    default:
        return "other";
    }
}

static int file_setup(const struct params *p, void **state, char *err, size_t errlen)
{
    if (p->fsync && !p->write) {
        snprintf(err, errlen, "--fsync applies to --write: reads have nothing to sync");
        return -EINVAL;
    }
    if (p->tasks > 0 && p->file_size > MAX_TOTAL / p->tasks) {
        snprintf(err, errlen, "--tasks %ld files of --file-size %ld bytes exceed %ld GiB", p->tasks,
                 p->file_size, MAX_TOTAL >> 30);
        return -EINVAL;
    }
    const struct file_engine *engine = strcmp(p->io, "uring") == 0 ? &file_engine_uring
                                                                     : &file_engine_uv;
    if (engine->probe) {
        char why[160];
        int rc = engine->probe(why, sizeof why);
        if (rc != 0) {
            snprintf(err, errlen, "not measured: %s", why);
            return rc;
        }
    }
    int rc = uvpool_configure(p->fs_threads, err, errlen);
    if (rc != 0) return rc;
    /* Shared (workload.h): the tasks count calls and engines, flag a bad byte, and read the
     * generation reset() advances. */
    struct file_state *s = workload_shared_alloc(sizeof *s);
    if (!s) return -ENOMEM;
    atomic_flag_clear(&s->bad_set);
    s->files = p->tasks;
    s->size = p->file_size;
    s->chunk = p->block > 0 && p->block < p->file_size ? p->block : p->file_size;
    s->write = p->write;
    s->fsync = p->fsync;
    s->cold = strcmp(p->cache, "cold") == 0;
    s->engine = engine;
    const char *hook = getenv("CVP_TEST_CORRUPT");
    s->corrupt_at = hook ? atol(hook) : 0;
    unsigned char *buf = NULL;
    if ((rc = cleanup_mkdtemp("cvpbench-file-", s->dir, sizeof s->dir, err, errlen)) != 0) {
        s->dir[0] = '\0';
        goto fail;
    }
    struct statfs sf;
    snprintf(s->fs_type, sizeof s->fs_type, "%s",
             statfs(s->dir, &sf) == 0 ? fs_name((long)sf.f_type) : "unknown");
    s->path_len = strlen(s->dir) + 16;
    s->paths = malloc((size_t)s->files * s->path_len);
    buf = file_buffer(s->size < SETUP_CHUNK ? s->size : SETUP_CHUNK);
    if (!s->paths || !buf) {
        snprintf(err, errlen, "out of memory for %ld file paths", s->files);
        rc = -ENOMEM;
        goto fail;
    }
    for (long f = 0; f < s->files; f++) {
        snprintf(s->paths + (size_t)f * s->path_len, s->path_len, "%s/f%07ld", s->dir, f);
        if ((rc = make_file(s, f, 0, buf, O_CREAT | O_EXCL)) != 0) {
            snprintf(err, errlen, "writing %s (%ld of %ld files of %ld bytes): %s", file_path(s, f),
                     f + 1, s->files, s->size, strerror(-rc));
            goto fail;
        }
    }
    /* Dirty pages cannot be dropped: everything reaches the device before the first batch. */
    int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || syncfs(dfd) != 0) {
        rc = -errno;
        snprintf(err, errlen, "syncing %s: %s", s->dir, strerror(errno));
        if (dfd >= 0) close(dfd);
        goto fail;
    }
    close(dfd);
    free(buf);
    *state = s;
    return 0;
fail:
    free(buf);
    file_teardown(s);
    return rc == -EINVAL ? -EIO : rc; /* a failing disk is not a bad command line */
}

static long file_ntasks(const void *state)
{
    return ((const struct file_state *)state)->files;
}

/* ---- before each batch ---- */

/* Share of the file's pages the page cache holds (mincore through a mapping). */
static double resident_share(const char *path, long size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) return -1;
    long page = sysconf(_SC_PAGESIZE), pages = (size + page - 1) / page, in = 0;
    unsigned char *vec = malloc((size_t)pages);
    if (vec && mincore(m, (size_t)size, vec) == 0)
        for (long k = 0; k < pages; k++)
            in += vec[k] & 1;
    free(vec);
    munmap(m, (size_t)size);
    return (double)in / (double)pages;
}

/* The test hook: flips one byte in the middle of file (B - 1) mod files. */
static void corrupt_one(struct file_state *s)
{
    long f = (s->batches - 1) % s->files, off = s->size / 2;
    int fd = open(file_path(s, f), O_RDWR | O_CLOEXEC);
    unsigned char c;
    if (fd < 0) return;
    if (pread(fd, &c, 1, off) == 1) {
        c ^= 0x5A;
        if (pwrite(fd, &c, 1, off) == 1) fsync(fd);
    }
    close(fd);
}

static void file_reset(void *state)
{
    struct file_state *s = state;
    s->batches++;
    atomic_store(&s->engines_used, 0);
    atomic_store(&s->calls, 0);
    if (s->corrupt_at > 0 && s->batches == s->corrupt_at) corrupt_one(s);
    if (s->write) s->gen++; /* this batch writes the next generation; verify reads it back */
    if (s->cold && s->write) sync(); /* last batch's dirty pages, so they can be dropped */
    /* Warm: read once before the first batch; each batch's own reads (or writes) keep the
     * pages cached for the next, so later batches need no pre-read. */
    if (!s->cold && s->batches > 1) return;
    unsigned char scratch[65536];
    for (long f = 0; f < s->files; f++) {
        int fd = open(file_path(s, f), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue; /* the batch's own open will fail and say why */
        if (s->cold) {
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        } else {
            for (long off = 0; off < s->size;) {
                ssize_t n = pread(fd, scratch, sizeof scratch, off);
                if (n <= 0) break;
                off += n;
            }
        }
        close(fd);
    }
    if (s->cold && s->files > 0) s->resident_after_drop = resident_share(file_path(s, 0), s->size);
}

/* ---- the blocking form ---- */

static int file_worker_init(void *state, void **tls)
{
    struct file_state *s = state;
    struct file_tls *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    t->buf = file_buffer(s->chunk);
    if (!t->buf) {
        free(t);
        return -ENOMEM;
    }
    *tls = t;
    return 0;
}

static void file_worker_fini(void *state, void *tls)
{
    struct file_tls *t = tls;
    if (!t) return;
    free(t->buf);
    free(t);
}

static void file_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct file_state *s = state;
    struct file_tls *t = tls;
    atomic_fetch_or(&s->engines_used, ENGINE_PREAD);
    int fd = open(file_path(s, i), (s->write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        file_fail(s, o, "open %s: %s", file_path(s, i), strerror(errno));
        return;
    }
    long off = 0, calls = 0;
    while (off < s->size) {
        long want = s->size - off < s->chunk ? s->size - off : s->chunk;
        if (s->write) file_fill(s, i, s->gen, off, t->buf, want);
        ssize_t n =
            s->write ? pwrite(fd, t->buf, (size_t)want, off) : pread(fd, t->buf, (size_t)want, off);
        calls++;
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            file_fail(s, o, "%s %s at %ld: %s", s->write ? "pwrite" : "pread", file_path(s, i), off,
                      n == 0 ? "unexpected end of file" : strerror(errno));
            close(fd);
            return;
        }
        if (!s->write && file_check_read(s, i, off, t->buf, n, o) != 0) {
            close(fd);
            return;
        }
        off += n;
    }
    if (s->write && s->fsync && fsync(fd) != 0) {
        file_fail(s, o, "fsync %s: %s", file_path(s, i), strerror(errno));
        close(fd);
        return;
    }
    if (close(fd) != 0) {
        file_fail(s, o, "close %s: %s", file_path(s, i), strerror(errno));
        return;
    }
    atomic_fetch_add(&s->calls, calls);
    o->bytes = off;
    o->cls = OUT_OK;
}

/* ---- the loop form: the engine --io chose (file_engine.h) ---- */

static int file_loop_init(void *state, void *tls, struct loop *ev)
{
    struct file_state *s = state;
    return s->engine->init(s, tls, ev);
}

static void file_loop_fini(void *state, void *tls)
{
    struct file_state *s = state;
    s->engine->fini(s, tls);
}

static void file_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                            task_done_fn done, void *ctx)
{
    struct file_state *s = state;
    s->engine->start(s, tls, ev, i, o, done, ctx);
}

/* ---- after each batch ---- */

static int file_verify(void *state, const struct outcome *o, long n, char *why, size_t len)
{
    struct file_state *s = state;
    for (long i = 0; i < n; i++)
        if (o[i].bytes != s->size) {
            snprintf(why, len, "task %ld moved %lld of %ld bytes", i, (long long)o[i].bytes,
                     s->size);
            return -1;
        }
    if (!s->write) return 0; /* every read was checked byte by byte as it arrived */
    /* Writes: read every file back, outside the timed region, and check this batch's pattern. */
    unsigned char *buf = file_buffer(SETUP_CHUNK);
    int rc = 0;
    for (long f = 0; buf && rc == 0 && f < s->files; f++) {
        int fd = open(file_path(s, f), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(why, len, "reading back %s: %s", file_path(s, f), strerror(errno));
            rc = -1;
            break;
        }
        for (long off = 0; rc == 0 && off < s->size;) {
            ssize_t got = pread(fd, buf, SETUP_CHUNK, off);
            long bad = 0;
            if (got <= 0) {
                snprintf(why, len, "reading back %s: %s", file_path(s, f),
                         got == 0 ? "unexpected end of file" : strerror(errno));
                rc = -1;
            } else if (file_check(s, f, s->gen, off, buf, got, &bad) != 0) {
                snprintf(why, len, "file %ld as written: byte %ld differs from the pattern", f,
                         bad);
                rc = -1;
            }
            off += got > 0 ? got : 0;
        }
        close(fd);
    }
    free(buf);
    return rc;
}

static void file_report(void *state, struct jw *j)
{
    struct file_state *s = state;
    int used = atomic_load(&s->engines_used);
    jw_str(j, "engine", used & ENGINE_URING ? "io_uring" : used & ENGINE_UV ? "uv_fs" : "pread");
    jw_str(j, "cache", s->cold ? "cold" : "warm");
    if (s->cold) jw_num(j, "resident_after_drop", s->resident_after_drop);
    jw_str(j, "tmp_fs", s->fs_type);
    if (used & ENGINE_UV) uvpool_report(j);
    if (used & ENGINE_URING) jw_int(j, "uring_depth", s->uring_depth);
    jw_int(j, "calls", atomic_load(&s->calls));
    jw_int(j, "bytes", (long long)s->files * s->size);
}

const struct workload workload_file = {
    .name = "file",
    .kind = WK_IO,
    .summary = "each task reads (or writes) one file and checks every byte (pread; libuv's "
               "pool or io_uring on the loop)",
    .params = PM(P_TASKS) | PM(P_FILE_SIZE) | PM(P_BLOCK) | PM(P_WRITE) | PM(P_FSYNC) |
              PM(P_CACHE) | PM(P_IO) | PM(P_FS_THREADS),
    .defaults = (const struct param_default[]){{.id = P_TASKS, .value = 100}, {.id = P_COUNT}},
    .fds_per_task = 1,
    .setup = file_setup,
    .teardown = file_teardown,
    .ntasks = file_ntasks,
    .reset = file_reset,
    .worker_init = file_worker_init,
    .worker_fini = file_worker_fini,
    .run_task = file_run_task,
    .start_task = file_start_task,
    .loop_init = file_loop_init,
    .loop_fini = file_loop_fini,
    .verify = file_verify,
    .report = file_report,
};
