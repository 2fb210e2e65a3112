"""NAME    fsutil.py
PURPOSE Small file helpers shared by the scripts: atomic writes and JSON lines.

Every file a run leaves behind is written to a temporary name and renamed, so an interrupted run
never leaves a half-written file that a later tabulate would trip over. The names follow the one
output policy of every tool (bench/safepath.c, tests/cli/test_outputs.py): a device or FIFO is
written as it is, never replaced; the temporary name is created exclusively under a random name
in the target's folder, never a predictable NAME.tmp; a symbolic link is not followed where the
kernel's protected_symlinks rule would refuse it (a sticky world-writable folder, a link owned
neither by us nor by the folder's owner); the file a link names is written in place, never
renamed over.
"""
import errno
import json
import os
import secrets
import stat

_MAX_LINKS = 40


def _may_follow(dir_fd, link):
    """The kernel's may_follow_link() for a link in the folder dir_fd."""
    d = os.fstat(dir_fd)
    return (link.st_uid == os.geteuid() or d.st_mode & 0o1002 != 0o1002
            or d.st_uid == link.st_uid)


def _resolve(path):
    """Walks path one component at a time: (folder fd, last name, its lstat or None, reached
    through a link, a /proc link). Raises OSError for a refused link, a link to nothing."""
    proc_dev = os.stat("/proc").st_dev if os.path.isdir("/proc") else None
    fd = os.open("/" if path.startswith("/") else ".", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    parts, links, via_link = [x for x in path.split("/") if x not in ("", ".")], 0, False
    try:
        while parts:
            comp, last = parts.pop(0), not parts
            try:
                st = os.lstat(comp, dir_fd=fd)
            except FileNotFoundError:
                if last and not via_link:
                    return fd, comp, None, False, False
                raise FileNotFoundError(errno.ENOENT, "a symbolic link to nothing" if last
                                        else "a folder on the way does not exist", path)
            if stat.S_ISLNK(st.st_mode):
                links += 1
                if links > _MAX_LINKS:
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
                if not _may_follow(fd, st):
                    raise OSError(errno.EACCES, f"refusing to follow the symbolic link {comp} "
                                  f"(owner uid {st.st_uid}) in a sticky world-writable folder "
                                  f"(the protected_symlinks rule)", path)
                via_link = via_link or last
                if os.fstat(fd).st_dev == proc_dev:  # /proc/self/fd/1: the kernel follows it
                    if last:
                        return fd, comp, os.stat(comp, dir_fd=fd), True, True
                    nfd = os.open(comp, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
                else:
                    target = os.readlink(comp, dir_fd=fd)
                    parts[:0] = [x for x in target.split("/") if x not in ("", ".")]
                    if not target.startswith("/"):
                        continue
                    nfd = os.open("/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            elif last:
                return fd, comp, st, via_link, False
            else:
                nfd = os.open(comp, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                              dir_fd=fd)
            os.close(fd)
            fd = nfd
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    except BaseException:
        os.close(fd)
        raise


def _write_fd(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path, text):
    data = text.encode("utf-8")
    dir_fd, name, st, via_link, proc = _resolve(path)
    try:
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if st is not None and (via_link or not stat.S_ISREG(st.st_mode)):
            # A device or FIFO as it is; a link's file in place (same inode, owner and mode).
            # O_NONBLOCK: a FIFO without a reader is an error, not a hang (as in C); what a
            # /proc link names (our redirected stdout) is appended to, as the shell's would be.
            flags = (os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC | os.O_NONBLOCK
                     | (os.O_APPEND if proc else os.O_NOFOLLOW))
            fd = os.open(name, flags, dir_fd=dir_fd)
            try:
                os.set_blocking(fd, True)
                now = os.fstat(fd)
                if stat.S_ISREG(now.st_mode) and not proc:
                    if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                        raise OSError(errno.EAGAIN, "the file changed while it was opened", path)
                    os.ftruncate(fd, 0)
                _write_fd(fd, data)
                if stat.S_ISREG(now.st_mode):
                    os.fsync(fd)
            finally:
                os.close(fd)
            return
        if st is not None:
            mode = stat.S_IMODE(st.st_mode) & 0o777
        else:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        for _ in range(100):
            tmp = f".{name}.{secrets.token_hex(4)}"
            try:
                fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(errno.EEXIST, "no free temporary name", path)
        try:
            os.fchmod(fd, mode)
            _write_fd(fd, data)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            # Inside the walked folder: replaces the name there, never what a link points at.
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            os.unlink(tmp, dir_fd=dir_fd)
            raise
    finally:
        os.close(dir_fd)


def write_json(path, obj):
    write_atomic(path, json.dumps(obj, indent=1, sort_keys=False) + "\n")


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def read_json_lines(path):
    """The parseable lines of a JSON-lines file; a torn last line is skipped, not fatal."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    except FileNotFoundError:
        pass
    return out
