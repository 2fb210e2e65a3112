/* NAME    cleanup.h
 * PURPOSE Paths that must not outlive the process: a private temporary folder, a temporary output
 *         file. Registered ones are removed by whoever removes them first: their owner (on the
 *         normal path, cleanup_remove), exit() (an atexit hook), or SIGINT, SIGTERM and SIGHUP
 *         (a handler that uses only async-signal-safe calls, then lets the signal take its
 *         course). SIGKILL cannot be caught: nothing can clean up after it.
 *
 *         Generic on purpose: nothing here knows what a path is for. A folder is removed with
 *         the files in it (and their sub-folders, a few levels deep). */
#ifndef CVP_CLEANUP_H
#define CVP_CLEANUP_H

#include <stddef.h>

#define CLEANUP_MAX_PATHS 16

/* Creates a private folder "<$TMPDIR or /tmp>/<prefix>XXXXXX" (mode 0700), registers it, and
 * writes its path to out. Returns 0, or -errno with one line in err. */
int cleanup_mkdtemp(const char *prefix, char *out, size_t outlen, char *err, size_t errlen);

/* Registers path (a file or a folder) for removal at exit or on a fatal signal. The first call
 * installs the handlers. Returns 0, or -ENOSPC when CLEANUP_MAX_PATHS are registered already,
 * -ENAMETOOLONG for a path too long to keep. */
int cleanup_register(const char *path);

/* Removes path now (a folder with its contents) and forgets it. Returns 0 or -errno (a path
 * already gone counts as removed). */
int cleanup_remove(const char *path);

/* Forgets path without removing it (its owner renamed it into place, say). */
void cleanup_forget(const char *path);

/* Removes every registered path. Async-signal-safe; also the atexit hook. */
void cleanup_run(void);

#endif
