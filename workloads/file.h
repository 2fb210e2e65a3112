/* NAME    file.h
 * PURPOSE The file workload's state and data functions (file_data.c), shared by its blocking
 *         form (file.c: open, pread or pwrite, close) and its two loop engines (file_engine.h): libuv's uv_fs_* on its thread pool (file_uv.c, the
 *         aiofiles way) and io_uring (file_uring.c, the only truly asynchronous file I/O Linux
 *         has). One task = one file: --tasks files of --file-size bytes, made at set-up in a
 *         private temporary folder, removed at teardown or by bench/cleanup.c on any exit. */
#ifndef CVP_FILE_H
#define CVP_FILE_H

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#include "workload.h"

struct file_engine;

enum file_engine_bit {
    ENGINE_PREAD = 1, /* the blocking form: pread/pwrite on the calling thread */
    ENGINE_UV = 2,    /* uv_fs_* on libuv's thread pool */
    ENGINE_URING = 4, /* io_uring, completions through an eventfd the loop polls */
};

struct file_state {
    long files;      /* one per task */
    long size;       /* bytes per file */
    long chunk;      /* bytes per read or write call: --block, or the whole file */
    int write;       /* tasks write their file (else read it) */
    int fsync;       /* ... and fsync it */
    int cold;        /* drop the files' pages before each batch (else pre-read them) */
    const struct file_engine *engine; /* what the loop form uses (--io): file_engine.h */
    uint64_t gen;    /* the content's generation: 0 as made; each write batch makes the next */
    char dir[PATH_MAX];
    char *paths; /* files x path_len: the path of file f at f * path_len */
    size_t path_len;
    char fs_type[16]; /* of the folder: "ext4", "tmpfs" (where cold cannot be cold), ... */
    long batches;     /* batches begun (reset calls) */
    long corrupt_at;  /* test hook (CVP_TEST_CORRUPT=B): before batch B, damage one byte */
    double resident_after_drop; /* cold: share of file 0's pages still cached after the drop */
    long uring_depth;           /* io_uring's queue depth in the last loop set-up */
    /* The last batch, for report(). */
    atomic_int engines_used; /* ENGINE_* bits of the forms that ran it */
    atomic_long calls;       /* read or write calls */
    /* The first failure's detail, kept for the process's life (outcome.msg points at it). */
    atomic_flag bad_set;
    char bad[200];
};

/* Every byte of every file follows a pattern of (file, generation, offset); word k (8 bytes,
 * little-endian) of file f is key(f, gen) + k * K, so a check is a load, an add and a compare
 * per word. */
void file_fill(const struct file_state *s, long f, uint64_t gen, long off, unsigned char *buf,
               long len);
/* 0 when buf holds bytes [off, off + len) of file f at generation gen; else -1 and the first
 * wrong byte's offset in *bad_off. */
int file_check(const struct file_state *s, long f, uint64_t gen, long off, const unsigned char *buf,
               long len, long *bad_off);

const char *file_path(const struct file_state *s, long f);
/* Marks o failed with a detail (printf-style) kept as the first failure's. */
void file_fail(struct file_state *s, struct outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A task's read of bytes [off, off + len) came back: checks them, failing o on a mismatch. */
int file_check_read(struct file_state *s, long f, long off, const unsigned char *buf, long len,
                    struct outcome *o);
/* A buffer of n bytes, page-aligned (the size of a chunk); NULL when out of memory. */
unsigned char *file_buffer(long n);

/* A worker's state: the blocking form's buffer, and the loop engine's own state. */
struct file_tls {
    unsigned char *buf; /* the blocking form's buffer: one chunk */
    void *loop;         /* the loop engine's state, once its init has run */
};

#endif
