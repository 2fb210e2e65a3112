/* NAME    file_data.c
 * PURPOSE The file workload's data, shared by its blocking form (file.c) and its loop engines
 *         (file_uv.c, file_uring.c): the pattern every byte follows and its check, each file's
 *         path, the record of the first failure, and chunk buffers. It calls nothing of theirs,
 *         so the engines depend on it and not on file.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

#define PATTERN_K 0xD1B54A32D192ED03ULL /* odd: consecutive words never repeat */

/* ---- the pattern ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static uint64_t key_of(long f, uint64_t gen)
{
    return mix64(0x6A09E667F3BCC909ULL ^ ((uint64_t)f * 0x9E3779B97F4A7C15ULL) ^ (gen << 40));
}

static unsigned char byte_at(uint64_t key, long x)
{
    return (unsigned char)((key + (uint64_t)(x >> 3) * PATTERN_K) >> (8 * (x & 7)));
}

void file_fill(const struct file_state *s, long f, uint64_t gen, long off, unsigned char *buf,
               long len)
{
    uint64_t key = key_of(f, gen);
    long x = off, end = off + len;
    for (; x < end && (x & 7); x++)
        *buf++ = byte_at(key, x);
    uint64_t e = key + (uint64_t)(x >> 3) * PATTERN_K;
    for (; x + 8 <= end; x += 8, buf += 8, e += PATTERN_K)
        memcpy(buf, &e, 8);
    for (; x < end; x++)
        *buf++ = byte_at(key, x);
}

int file_check(const struct file_state *s, long f, uint64_t gen, long off, const unsigned char *buf,
               long len, long *bad_off)
{
    uint64_t key = key_of(f, gen);
    const unsigned char *p = buf;
    long x = off, end = off + len;
    uint64_t diff = 0;
    for (; x < end && (x & 7); x++)
        diff |= *p++ ^ byte_at(key, x);
    uint64_t e = key + (uint64_t)(x >> 3) * PATTERN_K;
    long words = (end - x) / 8;
    for (long k = 0; k < words; k++, e += PATTERN_K) {
        uint64_t w;
        memcpy(&w, p + 8 * k, 8);
        diff |= w ^ e;
    }
    p += 8 * words;
    x += 8 * words;
    for (; x < end; x++)
        diff |= *p++ ^ byte_at(key, x);
    if (!diff) return 0;
    for (long y = off; y < end; y++) /* rare: find the first wrong byte for the message */
        if (buf[y - off] != byte_at(key, y)) {
            *bad_off = y;
            break;
        }
    return -1;
}

const char *file_path(const struct file_state *s, long f)
{
    return s->paths + (size_t)f * s->path_len;
}

void file_fail(struct file_state *s, struct outcome *o, const char *fmt, ...)
{
    if (!atomic_flag_test_and_set(&s->bad_set)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->bad, sizeof s->bad, fmt, ap);
        va_end(ap);
    }
    outcome_fail(o, OUT_OTHER, s->bad);
}

int file_check_read(struct file_state *s, long f, long off, const unsigned char *buf, long len,
                    struct outcome *o)
{
    long bad = 0;
    if (file_check(s, f, s->gen, off, buf, len, &bad) == 0) return 0;
    file_fail(s, o, "file %ld: byte %ld is 0x%02x, not the pattern's 0x%02x", f, bad,
              buf[bad - off], byte_at(key_of(f, s->gen), bad));
    return -1;
}

unsigned char *file_buffer(long n)
{
    void *p = NULL;
    return posix_memalign(&p, 4096, (size_t)(n > 0 ? n : 1)) == 0 ? p : NULL;
}
