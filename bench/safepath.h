/* NAME    safepath.h
 * PURPOSE The one output policy of every tool (cvpbench --output, mockserver --port-file):
 *         what a path a user names may be written as, resolved without following a symbolic
 *         link the kernel's protected_symlinks rule would refuse. Compiled into cvpbench
 *         (cvpcore) and into the mock server; depends on nothing else. Policy in safepath.c. */
#ifndef CVP_SAFEPATH_H
#define CVP_SAFEPATH_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Bytes a temporary name adds to the output's name: "." before it, ".XXXXXX" and a "~"
 * (outfile.c's second name) after it. */
#define SAFEPATH_TMP_EXTRA 9

enum safepath_kind {
    SAFEPATH_NEW,     /* nothing there: created by renaming a temporary file into place */
    SAFEPATH_REPLACE, /* a regular file named directly: replaced atomically, by rename */
    SAFEPATH_INPLACE, /* a regular file reached through a symbolic link: rewritten in place */
    SAFEPATH_DIRECT,  /* a device, FIFO, socket or terminal (or a /proc fd): written as it is */
};

struct safepath {
    int dirfd;      /* the folder (O_PATH) that holds name, every link on the way checked */
    char name[256]; /* the last component there (never a symbolic link, except a /proc one) */
    int proc;       /* name is a /proc link (/dev/stdout): the kernel follows it at open */
    enum safepath_kind kind;
    struct stat st; /* what name is (all kinds but NEW) */
};

/* Resolves path for writing, touching nothing. opt names the option in messages
 * ("--output"). Returns 0 with sp filled (release it), or -errno with sp released and one line
 * in err: an empty name, a folder, a missing folder, a name too long for a temporary name
 * beside it, a folder that cannot be written, a link protected_symlinks refuses, a link to
 * nothing. */
int safepath_resolve(const char *path, const char *opt, struct safepath *sp, char *err,
                     size_t errlen);
void safepath_release(struct safepath *sp);
/* Opens an INPLACE or DIRECT output for writing, not truncated; a FIFO without a reader is
 * refused rather than waited for. Returns the descriptor, or -errno with one line in err. */
int safepath_open(const struct safepath *sp, const char *opt, const char *path, char *err,
                  size_t errlen);
/* Creates a temporary file beside a NEW or REPLACE output, exclusively (O_CREAT|O_EXCL, a
 * random suffix: ".NAME.XXXXXX"), with mode. Its name (in sp->dirfd) goes to tmp. Returns the
 * descriptor or -errno. */
int safepath_mktemp(const struct safepath *sp, mode_t mode, char *tmp, size_t tmplen);
/* The mode a new output gets: an existing file's, else 0666 less the umask. */
mode_t safepath_mode(const struct safepath *sp);
/* Writes a whole small file under the policy (the mock server's port file): a regular file is
 * replaced atomically, a link's file rewritten in place, a device or FIFO written as it is.
 * Returns 0, or -errno with one line in err. */
int safepath_write(const char *path, const char *opt, const void *data, size_t len, char *err,
                   size_t errlen);

#endif
