/* NAME    shm.c
 * PURPOSE Shared anonymous blocks (shm.h). Each block is its own mapping, with its length in a
 *         header page before it; a short list of live blocks answers shm_holds. */
#include "shm.h"

#include "workload.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define SHM_MAX_BLOCKS 64 /* blocks alive at once that shm_holds can vouch for */

struct block {
    char *base; /* the caller's start */
    size_t bytes;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct block live[SHM_MAX_BLOCKS]; /* guarded by mu */

static size_t page(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

void *shm_alloc(size_t bytes)
{
    size_t head = page();
    size_t len = head + (bytes ? bytes : 1);
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    *(size_t *)m = len;
    char *p = m + head;
    pthread_mutex_lock(&mu);
    for (int k = 0; k < SHM_MAX_BLOCKS; k++)
        if (!live[k].base) {
            live[k] = (struct block){.base = p, .bytes = bytes};
            break;
        }
    pthread_mutex_unlock(&mu);
    return p;
}

void shm_free(void *p)
{
    if (!p) return;
    pthread_mutex_lock(&mu);
    for (int k = 0; k < SHM_MAX_BLOCKS; k++)
        if (live[k].base == p) live[k] = (struct block){0};
    pthread_mutex_unlock(&mu);
    char *m = (char *)p - page();
    munmap(m, *(size_t *)m);
}

int shm_holds(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p;
    int found = 0;
    pthread_mutex_lock(&mu);
    for (int k = 0; k < SHM_MAX_BLOCKS && !found; k++) {
        uintptr_t b = (uintptr_t)live[k].base;
        found = b && a >= b && a + bytes <= b + live[k].bytes;
    }
    pthread_mutex_unlock(&mu);
    return found;
}

/* The workload's door to it (workload.h): shared only when the run forks workers, so a run of
 * threads alone keeps its ordinary heap memory (and its transparent huge pages). */
static int forked_mode;

void workload_shared_mode(int forked)
{
    forked_mode = forked;
}

void *workload_shared_alloc(size_t bytes)
{
    if (forked_mode) return shm_alloc(bytes);
    size_t rounded = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, rounded ? rounded : 64);
    if (p) memset(p, 0, rounded ? rounded : 64);
    return p;
}

void workload_shared_free(void *p)
{
    if (shm_holds(p, 1))
        shm_free(p);
    else
        free(p);
}
