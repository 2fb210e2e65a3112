/* NAME    test_cleanup.c
 * PURPOSE bench/cleanup.c: a registered folder (with files and sub-folders) goes when its owner
 *         removes it, at exit, and on SIGTERM and SIGINT (the process still dies by the signal);
 *         a handler installed before ours still runs; a forked child's exit leaves its parent's
 *         paths alone; the file workload's pattern catches every single-byte change. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "file.h"

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* A folder with a file, a sub-folder and a file in it. */
static void populate(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/a", dir);
    close(open(p, O_CREAT | O_WRONLY, 0600));
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/sub/b", dir);
    close(open(p, O_CREAT | O_WRONLY, 0600));
}

static volatile sig_atomic_t earlier_ran;
static void earlier_handler(int sig)
{
    earlier_ran = 1;
    _exit(42);
}

/* In a child: make a folder, then end as `how` says. Returns the folder's path via out and the
 * child's wait status. */
static int child(int how, char *out, size_t len)
{
    int pfd[2];
    if (pipe(pfd) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        if (how == 3) signal(SIGINT, earlier_handler);
        char dir[4096], err[256];
        if (cleanup_mkdtemp("cvp-unit-", dir, sizeof dir, err, sizeof err) != 0) _exit(3);
        populate(dir);
        if (write(pfd[1], dir, strlen(dir) + 1) < 0) _exit(4);
        close(pfd[1]);
        if (how == 0) exit(0);        /* atexit */
        if (how == 1) raise(SIGTERM); /* the handler, then death by SIGTERM */
        if (how == 2 || how == 3) raise(SIGINT);
        if (how == 4) { /* a grandchild exits: the folder must stay */
            pid_t g = fork();
            if (g == 0) exit(0);
            waitpid(g, NULL, 0);
            exit(exists(dir) ? 10 : 11);
        }
        _exit(5);
    }
    close(pfd[1]);
    ssize_t n = read(pfd[0], out, len - 1);
    out[n > 0 ? n : 0] = '\0';
    close(pfd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

int main(void)
{
    char dir[4096], err[256];
    /* First, while this process has installed nothing: a handler the child sets before its
     * first registration runs after ours. */
    int st = child(3, dir, sizeof dir);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42 && dir[0] && !exists(dir));

    CHECK(cleanup_mkdtemp("cvp-unit-", dir, sizeof dir, err, sizeof err) == 0);
    populate(dir);
    CHECK(cleanup_remove(dir) == 0);
    CHECK(!exists(dir));
    CHECK(cleanup_remove(dir) == 0); /* already gone: removed */

    st = child(0, dir, sizeof dir);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && dir[0] && !exists(dir));
    st = child(1, dir, sizeof dir);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && dir[0] && !exists(dir));
    st = child(2, dir, sizeof dir);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT && dir[0] && !exists(dir));
    st = child(4, dir, sizeof dir);
    CHECK_EQ_LONG(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 10);
    CHECK(!exists(dir)); /* ... and the child's own exit removed it */

    char missing[64];
    setenv("TMPDIR", "/nonexistent-cvp", 1);
    CHECK(cleanup_mkdtemp("y", missing, sizeof missing, err, sizeof err) == -ENOENT);
    CHECK(strstr(err, "/nonexistent-cvp") != NULL);
    unsetenv("TMPDIR");

    /* The pattern: any single changed byte, at any offset and alignment, is caught. */
    struct file_state s = {.size = 4099};
    unsigned char buf[4099];
    file_fill(&s, 7, 3, 0, buf, sizeof buf);
    long bad = -1;
    CHECK(file_check(&s, 7, 3, 0, buf, sizeof buf, &bad) == 0);
    CHECK(file_check(&s, 8, 3, 0, buf, sizeof buf, &bad) != 0); /* another file's bytes */
    CHECK(file_check(&s, 7, 4, 0, buf, sizeof buf, &bad) != 0); /* another generation's */
    CHECK(file_check(&s, 7, 3, 5, buf + 5, 1000, &bad) == 0);   /* a block at an odd offset */
    int missed = 0;
    for (long k = 0; k < (long)sizeof buf; k++) {
        buf[k] ^= 1;
        if (file_check(&s, 7, 3, 0, buf, sizeof buf, &bad) == 0 || bad != k) missed++;
        buf[k] ^= 1;
    }
    CHECK_EQ_LONG(missed, 0);
    CHECK_DONE();
}
