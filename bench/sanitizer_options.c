/* NAME    sanitizer_options.c
 * PURPOSE Default ThreadSanitizer options for every binary of a TSan build: libomp itself is not
 *         instrumented (Archer reports its synchronisation instead), so its internals are ignored.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "ignore_noninstrumented_modules=1";
}
#endif
#endif

/* LeakSanitizer (ASan builds): Open MPI keeps memory allocated in MPI_Init until the process
 * ends (its component registry, hwloc's topology, PMIx's and libevent's state); MPI_Finalize
 * does not free it all, which LSan reports as leaks in every rank. Only allocations made inside
 * those libraries are suppressed (a frame of the library on the allocation's stack); cvpbench's
 * own allocations around them are still checked. */
#if defined(__SANITIZE_ADDRESS__)
#define CVP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CVP_ASAN 1
#endif
#endif
#ifdef CVP_ASAN
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Whether this process's environment holds an entry starting with `key`. ASan asks for its
 * options while it initialises: before libc has set up environ (getenv() says no) and before its
 * own interceptors of read() and the string functions work. So the environment is read from
 * /proc with raw system calls and matched as a stream of bytes against "\0key" (the only NUL
 * is the pattern's first byte, so after a mismatch a match can only restart at a NUL). Not
 * instrumented: ASan's stack checks are not set up yet either. */
__attribute__((no_sanitize_address)) static int environ_has(const char *key)
{
    char buf[4096];
    size_t matched = 1; /* the first entry follows an implied NUL */
    int found = 0;
    long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/environ", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    for (long n; !found && (n = syscall(SYS_read, fd, buf, sizeof buf)) > 0;) {
        for (long i = 0; i < n && !found; i++) {
            char want = matched == 0 ? '\0' : key[matched - 1];
            if (buf[i] == want)
                found = key[matched++] == '\0';
            else
                matched = buf[i] == '\0';
        }
    }
    syscall(SYS_close, fd);
    return found;
}

/* The suppressions below match a library's frame only when the allocation's stack reaches it:
 * Open MPI's libraries are built without frame pointers, so ASan's fast unwinder stops short of
 * them and every one of their allocations would be reported. A rank (Open MPI sets
 * OMPI_COMM_WORLD_SIZE in each process it starts) therefore unwinds malloc stacks the slow,
 * complete way; every other run keeps the fast unwinder. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return environ_has("OMPI_COMM_WORLD_SIZE=") ? "fast_unwind_on_malloc=0" : "";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\n"
           "leak:libopen-pal.so\n"
           "leak:libopen-rte.so\n"
           "leak:libpmix.so\n"
           "leak:libhwloc.so\n"
           "leak:libevent\n"
           "leak:mca_\n"; /* Open MPI's components, loaded as mca_*.so */
}
#endif
