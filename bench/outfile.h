/* NAME    outfile.h
 * PURPOSE Where a run's lines go (--output): stdout; a device, FIFO or terminal, written as it
 *         is; the file a symbolic link names, written in place; or a regular file, replaced
 *         atomically and kept current record by record in linear time. The guarantees are
 *         stated in outfile.c's header, the policy for names in safepath.c's. */
#ifndef CVP_OUTFILE_H
#define CVP_OUTFILE_H

#include <stddef.h>

struct outfile;

/* Checks, touching nothing, that path can receive a run's output: not empty, not a folder,
 * short enough for a temporary name beside it, in a folder that exists and can be written,
 * reached through no symbolic link the protected_symlinks rule refuses, not a link to nothing.
 * Returns 0, or -1 with one line in err naming --output. */
int outfile_check(const char *path, char *err, size_t errlen);
/* Opens the output for a run: path NULL is stdout. A regular file gets a unique temporary file
 * beside it (".NAME.XXXXXX", exclusive creation), removed on every exit path, SIGINT, SIGTERM
 * and SIGHUP included; a link's file is opened in place, a device or FIFO as it is.
 * Returns NULL with one line in err (the run has not started: exit 2). */
struct outfile *outfile_open(const char *path, char *err, size_t errlen);
/* Appends text (whole lines) as one record: after it returns, the file holds it entirely.
 * Returns 0, or -1 after printing one line (the record is not in the file). */
int outfile_append(struct outfile *f, const char *text, size_t len);
/* Publishes what was written (a run that wrote nothing leaves an existing file as it was),
 * removes the temporary name and frees f. Returns 0, or -1 after printing one line. */
int outfile_close(struct outfile *f);

#endif
