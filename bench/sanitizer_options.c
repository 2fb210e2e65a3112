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
