#!/usr/bin/env python3
"""NAME    test_outputs.py
PURPOSE The one output policy of every tool (issue 24; bench/safepath.c), for cvpbench --output
        and mockserver --port-file alike: a device or FIFO is written as it is, never replaced;
        a temporary name is created exclusively under a random name, never NAME.tmp.<pid>; a
        symbolic link is not followed where the kernel's protected_symlinks rule would refuse
        it (a sticky world-writable folder, a link owned by someone else: exit 2, one line,
        before any work); the file a link names is written in place, never renamed over.
        Every device node, link, victim and sticky folder is made here, in a temporary folder;
        nothing points at the machine's /dev or /etc. The cases that need root (mknod, a link
        made by nobody) are skipped with a reason otherwise.
USAGE   test_outputs.py CVPBENCH MOCKSERVER"""
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

BIN, MOCK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.geteuid() == 0
STRACE = shutil.which("strace")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def skip(what, why):
    print(f"skip {what}: {why}", flush=True)


QUICK = ["-w", "sleep", "-e", "sequential", "--tasks", "2", "--latency-ms", "1", "--format",
         "json"]
SLOW = ["-w", "sleep", "-e", "sequential", "--tasks", "1", "--latency-ms", "3000"]


def bench(*args, timeout=60, **kw):
    t = time.monotonic()
    r = subprocess.run([BIN, *args], capture_output=True, timeout=timeout, **kw)
    r.elapsed = time.monotonic() - t
    r.err = r.stderr.decode("utf-8", "replace").strip()
    return r


def server(port_file, **kw):
    """Starts a mock server writing port_file; returns (exit code or None if it is listening and
    was stopped, its stdout, its stderr). Stops only its own child."""
    p = subprocess.Popen([MOCK, "--port", "0", "--port-file", port_file],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    line = p.stdout.readline()  # the start-up line, or "" when it exited
    listening = line.startswith("mockserver listening")
    if listening:
        p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return (None if listening else p.returncode), line + out, err.strip()


def as_nobody(*cmd):
    """Runs cmd as the user nobody (no groups): how another user plants a link."""
    subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd],
                   check=True, timeout=10)


def ident(path):
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_uid, stat.S_IMODE(st.st_mode)


def text(path):
    with open(path) as f:
        return f.read()


def write(path, content):
    with open(path, "w") as f:
        f.write(content)


TMP = tempfile.mkdtemp(prefix="cvp-outputs-")
os.chmod(TMP, 0o755)  # nobody must reach the sticky folder inside it
NOBODY = None
if ROOT:
    import pwd
    NOBODY = pwd.getpwnam("nobody").pw_uid


def folder(name, mode=0o755):
    d = os.path.join(TMP, name)
    os.makedirs(d)
    os.chmod(d, mode)
    return d


def port_in(path):
    try:
        return int(text(path))
    except (OSError, ValueError):
        return None


# --- A device node made here: written as it is, never replaced by a file ---------------------
if not ROOT:
    skip("device nodes", "mknod needs root")
else:
    d = folder("devices")
    null, full = os.path.join(d, "null"), os.path.join(d, "full")
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    r = bench(*QUICK, "--output", null)
    check(r.returncode == 0 and stat.S_ISCHR(os.lstat(null).st_mode)
          and os.lstat(null).st_rdev == os.makedev(1, 3)
          and sorted(os.listdir(d)) == ["full", "null"],
          f"cvpbench --output NODE (c 1 3): exit {r.returncode}, still the device ({r.err[:100]})")
    code, out, err = server(null)
    check(code is None and stat.S_ISCHR(os.lstat(null).st_mode)
          and sorted(os.listdir(d)) == ["full", "null"],
          f"mockserver --port-file NODE (c 1 3): listening, still the device ({err[:100]})")
    code, out, err = server(full)
    check(code == 1 and len(err.splitlines()) == 1 and "No space left on device" in err
          and stat.S_ISCHR(os.lstat(full).st_mode) and os.lstat(full).st_rdev == os.makedev(1, 7)
          and sorted(os.listdir(d)) == ["full", "null"],
          f"mockserver --port-file NODE (c 1 7): exit {code}, one line, still the device: {err}")

# A FIFO: the reader gets the port, the FIFO stays.
d = folder("fifo")
fifo = os.path.join(d, "port")
os.mkfifo(fifo)
got = []
reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
reader.start()
time.sleep(0.1)
code, out, err = server(fifo)
reader.join(10)
check(code is None and got and got[0].strip().isdigit() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
      and os.listdir(d) == ["port"], f"mockserver --port-file FIFO: the reader got {got}, the "
                                     f"FIFO stays ({err[:100]})")

# --- Temporary names: exclusive and random, never NAME.tmp.<pid> ------------------------------
d = folder("predictable")
victim, pf = os.path.join(d, "victim"), os.path.join(d, "pf")
write(victim, "victim's\n")
# The shell's PID is the server's (exec): the name the old code would have used is planted.
p = subprocess.Popen(["sh", "-c", 'ln -s victim "$1.tmp.$$" && exec "$2" --port 0 --port-file "$1"',
                      "sh", pf, MOCK], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = p.stdout.readline()
p.send_signal(signal.SIGTERM)
p.communicate(timeout=10)
check(text(victim) == "victim's\n" and port_in(pf) and not os.path.islink(pf)
      and line.startswith("mockserver listening"),
      f"mockserver: a link planted at pf.tmp.<pid> is not written through (victim "
      f"{text(victim)!r}, pf {port_in(pf)})")
check(sorted(os.listdir(d)) == sorted(["victim", "pf", f"pf.tmp.{p.pid}"]),
      f"mockserver leaves no temporary file: {sorted(os.listdir(d))}")
if STRACE:
    # Both tools create their temporary file exclusively (O_CREAT|O_EXCL).
    env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
    for name in ("cvpbench", "mockserver"):
        log = os.path.join(TMP, name + ".strace")
        trace = ["strace", "-f", "-qq", "-e", "trace=openat,open", "-o", log]
        if name == "cvpbench":
            subprocess.run([*trace, BIN, *QUICK, "--output", os.path.join(d, "out.json")],
                           capture_output=True, timeout=60, env=env)
        else:
            p = subprocess.Popen([*trace, MOCK, "--port", "0", "--port-file",
                                  os.path.join(d, "port2")], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
            p.stdout.readline()
            try:  # strace does not pass a signal on: the server's own PID, from the log
                with open(log) as f:
                    os.kill(int(f.readline().split()[0]), signal.SIGTERM)
            except (OSError, ValueError, IndexError):
                p.kill()  # strace itself; the server, traced, goes with it
            try:
                p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
        with open(log) as f:  # every file created in the output's folder
            creates = [x for x in f.read().splitlines() if "O_CREAT" in x
                       and re.search(r'"(%s/)?[^/"]*(out\.json|port2)[^/"]*"' % re.escape(d), x)]
        check(creates and all("O_EXCL" in x for x in creates),
              f"{name}: every file created beside the output is created with O_CREAT|O_EXCL "
              f"({len(creates)} create(s): {[x.split(',')[1] for x in creates]})")
else:
    skip("the O_EXCL checks", "strace is not installed")

# --- A link we own, in our own folder: its file is written in place, never renamed over --------
d = folder("ownlink")
target, hard = os.path.join(d, "target.json"), os.path.join(d, "hardlink.json")
write(target, "old\n")
os.chmod(target, 0o640)
if ROOT:
    os.chown(target, NOBODY, -1)  # a rename would hand the file to root
os.link(target, hard)
before = ident(target)
os.symlink("target.json", os.path.join(d, "R.json"))
r = bench(*QUICK, "--output", os.path.join(d, "R.json"))
lines = text(target).splitlines()
check(r.returncode == 0 and ident(target) == before and os.path.islink(os.path.join(d, "R.json"))
      and lines and all(x.startswith("{") for x in lines) and text(hard) == text(target)
      and sorted(os.listdir(d)) == ["R.json", "hardlink.json", "target.json"],
      f"cvpbench --output LINK: the target keeps its inode, owner and mode, its hard link sees "
      f"the {len(lines)} records, no temporary file ({r.err[:100]})")
write(target, "old\n")
os.symlink("target.json", os.path.join(d, "port.link"))
code, out, err = server(os.path.join(d, "port.link"))
check(code is None and ident(target) == before and port_in(target)
      and os.path.islink(os.path.join(d, "port.link")) and text(hard) == text(target),
      f"mockserver --port-file LINK: the target written in place ({err[:100]})")
# A refused run (bad input) and a signal before the first sample leave the target as it was.
write(target, "old\n")
p = subprocess.Popen([BIN, *SLOW, "--format", "json", "--output", os.path.join(d, "R.json")],
                     stderr=subprocess.DEVNULL)
time.sleep(0.5)
p.send_signal(signal.SIGTERM)
check(p.wait(30) == -signal.SIGTERM and text(target) == "old\n" and ident(target) == before,
      "SIGTERM before the first sample: the link's file is untouched")
# A link to nothing: refused, nothing created where it points.
os.symlink("nothing.json", os.path.join(d, "dangling"))
for name, (code, err) in (
        ("cvpbench --output", (lambda r: (r.returncode, r.err))(
            bench(*SLOW, "--output", os.path.join(d, "dangling")))),
        ("mockserver --port-file", server(os.path.join(d, "dangling"))[::2])):
    check(code == 2 and len(err.splitlines()) == 1 and "link to nothing" in err
          and not os.path.lexists(os.path.join(d, "nothing.json")),
          f"{name} DANGLING: exit {code}, one line, nothing created: {err}")

# --- The protected_symlinks rule, in a sticky world-writable folder ---------------------------
if not ROOT:
    skip("links planted by nobody in a sticky folder", "creating them as nobody needs root")
else:
    sticky = folder("sticky", 0o1777)
    home = folder("home")
    victim = os.path.join(home, "victim.json")
    write(victim, "victim's\n")
    as_nobody("ln", "-s", victim, os.path.join(sticky, "R.json"))
    as_nobody("ln", "-s", home, os.path.join(sticky, "dir"))
    os.symlink(os.path.join(sticky, "R.json"), os.path.join(home, "mine.json"))  # a chain
    before = ident(victim)
    for path in (os.path.join(sticky, "R.json"),          # the last component
                 os.path.join(sticky, "dir", "x.json"),   # a folder on the way
                 os.path.join(home, "mine.json")):        # inside another (trusted) link
        r = bench(*SLOW, "--output", path)
        check(r.returncode == 2 and len(r.err.splitlines()) == 1 and "protected_symlinks" in r.err
              and r.stdout == b"" and r.elapsed < 1.5,
              f"cvpbench --output {os.path.relpath(path, TMP)}: exit {r.returncode} in "
              f"{r.elapsed:.2f} s, before any work: {r.err[:140]}")
        code, out, err = server(path)
        check(code == 2 and len(err.splitlines()) == 1 and "protected_symlinks" in err
              and "listening" not in out,
              f"mockserver --port-file {os.path.relpath(path, TMP)}: exit {code} before "
              f"listening: {err[:140]}")
    check(ident(victim) == before and text(victim) == "victim's\n"
          and sorted(os.listdir(home)) == ["mine.json", "victim.json"],
          "the victim of nobody's links is untouched, nothing created beside it")
    # Our own link there, and a link owned by the folder's owner, are followed (the rule's
    # exceptions): written in place.
    os.symlink(victim, os.path.join(sticky, "own.json"))
    r = bench(*QUICK, "--output", os.path.join(sticky, "own.json"))
    check(r.returncode == 0 and ident(victim) == before and text(victim).startswith("{"),
          f"cvpbench --output through our own link in the sticky folder: written in place "
          f"({r.err[:100]})")
    check(sorted(os.listdir(sticky)) == ["R.json", "dir", "own.json"],
          f"no temporary file left in the sticky folder: {sorted(os.listdir(sticky))}")
    # Outside a sticky folder nobody's link is followed, as the kernel would.
    plain = folder("plain", 0o777)
    as_nobody("ln", "-s", victim, os.path.join(plain, "theirs.json"))
    r = bench(*QUICK, "--output", os.path.join(plain, "theirs.json"))
    check(r.returncode == 0 and ident(victim) == before,
          f"nobody's link in a folder that is not sticky is followed, in place ({r.err[:100]})")

# --- A regular file named directly: still replaced atomically ---------------------------------
d = folder("regular")
out = os.path.join(d, "out.json")
write(out, "old\n")
os.chmod(out, 0o604)
r = bench(*QUICK, "--output", out)
code, _, err = server(os.path.join(d, "port"))
check(r.returncode == 0 and text(out).startswith("{")
      and stat.S_IMODE(os.stat(out).st_mode) == 0o604
      and code is None and port_in(os.path.join(d, "port"))
      and sorted(os.listdir(d)) == ["out.json", "port"],
      f"a regular file: replaced (mode kept), the port file written, no temporary file left")

# --- The scripts' writer (scripts/cvp/fsutil.write_atomic): the same policy ------------------
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts"))
from cvp import fsutil  # noqa: E402


def py_write(path, content="written\n"):
    """fsutil.write_atomic: None, or the error it raised."""
    try:
        fsutil.write_atomic(path, content)
        return None
    except OSError as e:
        return e


d = folder("py")
victim, out = os.path.join(d, "victim"), os.path.join(d, "out.json")
write(victim, "victim's\n")
os.symlink("victim", out + ".tmp")  # the name the old writer used
e = py_write(out)
check(e is None and text(out) == "written\n" and text(victim) == "victim's\n"
      and sorted(os.listdir(d)) == ["out.json", "out.json.tmp", "victim"],
      f"write_atomic: a link at NAME.tmp is not written through, no temporary file left ({e})")
os.chmod(out, 0o604)
e = py_write(out, "again\n")
check(e is None and text(out) == "again\n" and stat.S_IMODE(os.stat(out).st_mode) == 0o604,
      f"write_atomic: a regular file replaced, its mode kept ({e})")
before = ident(victim)
os.symlink("victim", os.path.join(d, "R.json"))
e = py_write(os.path.join(d, "R.json"))
check(e is None and ident(victim) == before and text(victim) == "written\n"
      and os.path.islink(os.path.join(d, "R.json")),
      f"write_atomic through our own link: written in place, same inode ({e})")
os.symlink("nothing", os.path.join(d, "dangling"))
e = py_write(os.path.join(d, "dangling"))
check(isinstance(e, FileNotFoundError) and not os.path.lexists(os.path.join(d, "nothing")),
      f"write_atomic through a link to nothing: refused, nothing created ({e})")
fifo = os.path.join(d, "fifo")
os.mkfifo(fifo)
got = []
reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
reader.start()
time.sleep(0.1)
e = py_write(fifo)
reader.join(10)
check(e is None and got == ["written\n"] and stat.S_ISFIFO(os.lstat(fifo).st_mode),
      f"write_atomic to a FIFO: the reader got it, the FIFO stays ({e})")
if ROOT:
    node = os.path.join(d, "null")
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    e = py_write(node)
    check(e is None and stat.S_ISCHR(os.lstat(node).st_mode),
          f"write_atomic to a device node: written as it is, still the device ({e})")
    sticky = os.path.join(TMP, "sticky")
    e = py_write(os.path.join(sticky, "R.json"))
    e2 = py_write(os.path.join(sticky, "dir", "y.json"))
    check(isinstance(e, PermissionError) and "protected_symlinks" in str(e)
          and isinstance(e2, PermissionError) and not os.path.exists(os.path.join(TMP, "home",
                                                                                  "y.json")),
          f"write_atomic through nobody's links in the sticky folder: refused ({e})")
else:
    skip("write_atomic to a device node and through nobody's links", "needs root")

shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} failed", file=sys.stderr)
    sys.exit(1)
print("outputs: all passed")
