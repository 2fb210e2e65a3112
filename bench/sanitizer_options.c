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
