/* NAME    safepath.c
 * PURPOSE The output policy of every tool (safepath.h), for a path a user names:
 *   - A device, FIFO, socket or terminal is written as it is, never replaced by a file
 *     (renaming over /dev/null as root would make it a regular file). So is what a /proc link
 *     names (/dev/stdout is one): the kernel follows it, as a shell would.
 *   - A regular file named directly is replaced atomically: its content goes into a temporary
 *     file beside it, made with O_CREAT|O_EXCL under a random name (".NAME.XXXXXX"), then
 *     renamed over it. Never a predictable NAME.tmp.<pid>: anyone who can write the folder
 *     could plant a link there and have us write wherever it points.
 *   - A symbolic link is followed only where the kernel's protected_symlinks rule would follow
 *     it, whatever the sysctl says (containers often have it off): in a sticky world-writable
 *     folder (/tmp), a link that belongs neither to us nor to the folder's owner is refused.
 *     Every link on the way is checked, in the folders and inside other links' text, because
 *     the folders are walked one component at a time (openat, O_NOFOLLOW) rather than left to
 *     the kernel. The walk also pins the folder: what is checked is what gets written.
 *   - The file a link names is written in place (SAFEPATH_INPLACE), never renamed over: a
 *     rename through a link would replace the target with a new file (a new owner, mode, inode;
 *     its other hard links cut off), and renaming over the link itself would destroy the link
 *     the user made. A link to nothing is refused: creating through it is how a planted link
 *     makes us create a file elsewhere.
 *   - A rename only ever happens inside the pinned folder (renameat), so it replaces a name
 *     there, never what a link there points at. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH; the build defines it already */
#endif
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PROC_MAGIC 0x9fa0 /* PROC_SUPER_MAGIC, without <linux/magic.h> */
#define MAX_LINKS  40     /* the kernel's own limit before ELOOP */

void safepath_release(struct safepath *sp)
{
    if (sp->dirfd >= 0) close(sp->dirfd);
    sp->dirfd = -1;
}

/* The kernel's may_follow_link(): a link is followed unless it sits in a sticky
 * world-writable folder and belongs neither to the follower nor to the folder's owner. */
static int may_follow(int dirfd, const struct stat *link)
{
    struct stat d;
    if (fstat(dirfd, &d) != 0) return -errno;
    if (link->st_uid == geteuid()) return 0;
    if ((d.st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH)) return 0;
    if (d.st_uid == link->st_uid) return 0;
    return -EACCES;
}

static int on_proc(int dirfd)
{
    struct statfs fs;
    return fstatfs(dirfd, &fs) == 0 && fs.f_type == PROC_MAGIC;
}

/* The folder part of path, for messages: the folder as the user wrote it. */
static void folder_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* Replaces the link comp (already checked) by its text in front of rest: buf becomes
 * TEXT/rest, and an absolute TEXT restarts the walk at "/". */
static int expand(int *dirfd, const char *comp, const char *rest, char *buf, size_t buflen)
{
    char text[PATH_MAX], joined[PATH_MAX];
    ssize_t n = readlinkat(*dirfd, comp, text, sizeof text - 1);
    if (n < 0) return -errno;
    if (n == 0) return -ENOENT;
    text[n] = '\0';
    int w = *rest ? snprintf(joined, sizeof joined, "%s/%s", text, rest)
                  : snprintf(joined, sizeof joined, "%s", text);
    if (w < 0 || (size_t)w >= sizeof joined || (size_t)w >= buflen) return -ENAMETOOLONG;
    if (text[0] == '/') {
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0) return -errno;
        close(*dirfd);
        *dirfd = root;
    }
    memcpy(buf, joined, (size_t)w + 1);
    return 0;
}

/* e is read before the message is formatted: snprintf may change errno. */
#define FAIL(e, ...)                                                                               \
    do {                                                                                           \
        rc = (e);                                                                                  \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        goto fail;                                                                                 \
    } while (0)

int safepath_resolve(const char *path, const char *opt, struct safepath *sp, char *err,
                     size_t errlen)
{
    char buf[PATH_MAX], dir[PATH_MAX];
    struct stat st;
    int rc, links = 0, via_link = 0;
    memset(sp, 0, sizeof *sp);
    sp->dirfd = -1;
    if (!*path) FAIL(-EINVAL, "%s needs a file name", opt);
    size_t len = strlen(path);
    if (len + SAFEPATH_TMP_EXTRA >= PATH_MAX)
        FAIL(-ENAMETOOLONG, "%s: the path is too long (%zu bytes; at most %d)", opt, len,
             PATH_MAX - SAFEPATH_TMP_EXTRA - 1);
    folder_of(path, dir, sizeof dir);
    if (path[len - 1] == '/') /* only a folder can be named so: a stat, touching nothing */
        FAIL(-EISDIR, "%s %s %s", opt, path,
             stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? "is a folder, not a file"
                                                         : "names a folder, not a file");
    memcpy(buf, path, len + 1);
    sp->dirfd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (sp->dirfd < 0) FAIL(-errno, "%s %s: %s", opt, path, strerror(errno));
    char *p = buf;
    for (;;) {
        while (*p == '/')
            p++;
        char *slash = strchr(p, '/');
        char *comp = p;
        if (slash) {
            *slash = '\0';
            p = slash + 1;
        } else
            p += strlen(p);
        if (strlen(comp) > NAME_MAX)
            FAIL(-ENAMETOOLONG, "%s %s: a name in it is too long", opt, path);
        if (!slash && (!*comp || !strcmp(comp, ".") || !strcmp(comp, "..")))
            FAIL(-EISDIR, "%s %s is a folder, not a file", opt, path);
        if (!*comp || !strcmp(comp, ".")) continue;
        if (fstatat(sp->dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) FAIL(-errno, "%s %s: %s", opt, path, strerror(errno));
            if (slash) FAIL(-ENOENT, "%s %s: folder %s does not exist", opt, path, dir);
            if (via_link)
                FAIL(-ENOENT, "%s %s is a symbolic link to nothing: name the file itself", opt,
                     path);
            snprintf(sp->name, sizeof sp->name, "%s", comp);
            sp->kind = SAFEPATH_NEW;
            break;
        }
        if (S_ISLNK(st.st_mode)) {
            if (++links > MAX_LINKS) FAIL(-ELOOP, "%s %s: %s", opt, path, strerror(ELOOP));
            if (may_follow(sp->dirfd, &st) != 0)
                FAIL(-EACCES,
                     "%s %s: refusing to follow the symbolic link %s (owner uid %u) in a sticky "
                     "world-writable folder (the protected_symlinks rule)",
                     opt, path, comp, (unsigned)st.st_uid);
            if (!slash) via_link = 1;
            if (on_proc(sp->dirfd)) { /* a magic link (/proc/self/fd/1): no text to walk */
                if (slash) {
                    int fd = openat(sp->dirfd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
                    if (fd < 0) FAIL(-errno, "%s %s: %s", opt, path, strerror(errno));
                    close(sp->dirfd);
                    sp->dirfd = fd;
                    continue;
                }
                if (fstatat(sp->dirfd, comp, &sp->st, 0) != 0)
                    FAIL(-errno, "%s %s: %s", opt, path, strerror(errno));
                if (S_ISDIR(sp->st.st_mode))
                    FAIL(-EISDIR, "%s %s is a folder, not a file", opt, path);
                snprintf(sp->name, sizeof sp->name, "%s", comp);
                sp->proc = 1;
                sp->kind = SAFEPATH_DIRECT;
                return 0;
            }
            if ((rc = expand(&sp->dirfd, comp, p, buf, sizeof buf)) != 0)
                FAIL(rc, "%s %s: %s", opt, path, strerror(-rc));
            p = buf;
            continue;
        }
        if (slash) {
            if (!S_ISDIR(st.st_mode))
                FAIL(-ENOTDIR, "%s %s: folder %s is not a folder", opt, path, dir);
            int fd = openat(sp->dirfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) FAIL(-errno, "%s %s: %s", opt, path, strerror(errno));
            close(sp->dirfd);
            sp->dirfd = fd;
            continue;
        }
        if (S_ISDIR(st.st_mode)) FAIL(-EISDIR, "%s %s is a folder, not a file", opt, path);
        snprintf(sp->name, sizeof sp->name, "%s", comp);
        sp->st = st;
        sp->kind = !S_ISREG(st.st_mode) ? SAFEPATH_DIRECT
                   : via_link           ? SAFEPATH_INPLACE
                                        : SAFEPATH_REPLACE;
        break;
    }
    if (sp->kind == SAFEPATH_NEW || sp->kind == SAFEPATH_REPLACE) {
        if (strlen(sp->name) + SAFEPATH_TMP_EXTRA > NAME_MAX)
            FAIL(-ENAMETOOLONG,
                 "%s: the file name is too long for a temporary name beside it (%zu bytes; at "
                 "most %d)",
                 opt, strlen(sp->name), NAME_MAX - SAFEPATH_TMP_EXTRA);
        if (faccessat(sp->dirfd, ".", W_OK | X_OK, 0) != 0)
            FAIL(-errno, "%s %s: cannot create files in %s: %s", opt, path, dir, strerror(errno));
    }
    return 0;
fail:
    safepath_release(sp);
    return rc;
}

int safepath_open(const struct safepath *sp, const char *opt, const char *path, char *err,
                  size_t errlen)
{
    /* O_NONBLOCK: a FIFO without a reader fails with ENXIO instead of blocking the start. */
    int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK | (sp->proc ? 0 : O_NOFOLLOW);
    int fd = openat(sp->dirfd, sp->name, flags);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s %s: %s", opt, path,
                 e == ENXIO ? "nothing reads from it" : strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        snprintf(err, errlen, "%s %s: %s", opt, path, strerror(e));
        return -e;
    }
    if (sp->kind == SAFEPATH_INPLACE &&
        (st.st_dev != sp->st.st_dev || st.st_ino != sp->st.st_ino || !S_ISREG(st.st_mode))) {
        close(fd); /* replaced since it was checked: not the file the link named */
        snprintf(err, errlen, "%s %s: the file changed while it was opened", opt, path);
        return -EAGAIN;
    }
    int fl = fcntl(fd, F_GETFL);
    /* What a /proc link names may be the file our stdout was redirected to (with >>): it is
     * appended to, as the shell's own descriptor would be. */
    if (fl >= 0)
        fcntl(fd, F_SETFL, (fl & ~O_NONBLOCK) | (sp->proc && S_ISREG(st.st_mode) ? O_APPEND : 0));
    return fd;
}

int safepath_mktemp(const struct safepath *sp, mode_t mode, char *tmp, size_t tmplen)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) return -EIO;
        char suffix[7];
        for (int k = 0; k < 6; k++)
            suffix[k] = set[r[k] % (sizeof set - 1)];
        suffix[6] = '\0';
        if (snprintf(tmp, tmplen, ".%s.%s", sp->name, suffix) >= (int)tmplen) return -ENAMETOOLONG;
        int fd = openat(sp->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            /* fchmod, not the open's mode: the umask is already in mode, not to be applied twice */
            if (fchmod(fd, mode) != 0) {
                int e = errno;
                close(fd);
                unlinkat(sp->dirfd, tmp, 0);
                return -e;
            }
            return fd;
        }
        if (errno != EEXIST) return -errno;
    }
    return -EEXIST;
}

mode_t safepath_mode(const struct safepath *sp)
{
    if (sp->kind == SAFEPATH_REPLACE) return sp->st.st_mode & 0777;
    mode_t mask = umask(0); /* read at set-up, before any thread exists */
    umask(mask);
    return 0666 & ~mask;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        if (n == 0) return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int safepath_write(const char *path, const char *opt, const void *data, size_t len, char *err,
                   size_t errlen)
{
    struct safepath sp;
    int rc = safepath_resolve(path, opt, &sp, err, errlen);
    if (rc != 0) return rc;
    if (sp.kind == SAFEPATH_DIRECT || sp.kind == SAFEPATH_INPLACE) {
        int fd = safepath_open(&sp, opt, path, err, errlen);
        if (fd < 0) {
            safepath_release(&sp);
            return fd;
        }
        rc = sp.kind == SAFEPATH_INPLACE && ftruncate(fd, 0) != 0 ? -errno : 0;
        if (rc == 0) rc = write_all(fd, data, len);
        if (close(fd) != 0 && rc == 0) rc = -errno;
    } else {
        char tmp[NAME_MAX + 1];
        int fd = safepath_mktemp(&sp, safepath_mode(&sp), tmp, sizeof tmp);
        if (fd < 0) {
            snprintf(err, errlen, "%s %s: cannot create a temporary file beside it: %s", opt, path,
                     strerror(-fd));
            safepath_release(&sp);
            return fd;
        }
        rc = write_all(fd, data, len);
        if (close(fd) != 0 && rc == 0) rc = -errno;
        if (rc == 0 && renameat(sp.dirfd, tmp, sp.dirfd, sp.name) != 0) rc = -errno;
        if (rc != 0) unlinkat(sp.dirfd, tmp, 0);
    }
    if (rc != 0) snprintf(err, errlen, "%s %s: cannot write: %s", opt, path, strerror(-rc));
    safepath_release(&sp);
    return rc;
}
