"""NAME    cvplimits.py
PURPOSE Workers a reference program cannot have on this machine, refused before the first one
        starts, as cvpbench's own check does (bench/headroom.c): one line with the figures and
        exit 2, not hundreds of forks and a minute of silence. A worker process (or thread) is
        one task to kernel.threads-max and kernel.pid_max, to the cgroup's pids.max, and to
        RLIMIT_NPROC (ulimit -u), which counts every thread of the user's real id and which root
        is exempt from; a worker process also holds memory of its own, which must fit in
        MemAvailable and the cgroup's memory limit; and a program may say how many per core are
        worth starting at all (the pure-Python pool: starting thousands takes minutes).
USAGE   cvplimits.check_workers(prog_name, n, per_worker_bytes, extra_tasks=0, per_core=None)"""
import os
import resource
import sys

from cvprun import usable_cores


def _number(path):
    """The number in a one-line file; None when absent, unreadable or "max"."""
    try:
        with open(path) as f:
            text = f.read().split()
        return int(text[0]) if text and text[0] != "max" else None
    except (OSError, ValueError):
        return None


def user_tasks(uid):
    """Threads of every process whose real uid is uid: what RLIMIT_NPROC counts."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                fields = dict(x.split(":", 1) for x in f if ":" in x)
            if int(fields["Uid"].split()[0]) == uid:
                total += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            pass  # gone meanwhile
    return total


def _cgroup_room(limit, usage):
    """The least limit minus usage over this process's cgroup (v2) and its parents; None when no
    level sets one."""
    try:
        with open("/proc/self/cgroup") as f:
            path = next((x.strip()[3:] for x in f if x.startswith("0::")), None)
    except OSError:
        return None
    room = None
    while path is not None:
        d = "/sys/fs/cgroup" + ("" if path == "/" else path)
        lim, use = _number(f"{d}/{limit}"), _number(f"{d}/{usage}")
        if lim is not None and use is not None:
            room = max(lim - use, 0) if room is None else min(room, max(lim - use, 0))
        path = None if path in ("/", "") else (os.path.dirname(path) or "/")
    return room


def task_room():
    """(threads and processes that can still be started, the binding limit in words)."""
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[1])
    except (OSError, ValueError, IndexError):
        running = 0
    rooms = []
    tmax, pmax = _number("/proc/sys/kernel/threads-max"), _number("/proc/sys/kernel/pid_max")
    if tmax:
        rooms.append((tmax - running, f"kernel.threads-max is {tmax}, {running} threads exist"))
    if pmax:
        rooms.append((pmax - running, f"kernel.pid_max is {pmax} and {running} threads hold one "
                                      "each"))
    pids = _cgroup_room("pids.max", "pids.current")
    if pids is not None:
        rooms.append((pids, f"the cgroup's pids.max leaves {pids}"))
    soft = resource.getrlimit(resource.RLIMIT_NPROC)[0]
    if os.getuid() != 0 and soft != resource.RLIM_INFINITY:
        used = user_tasks(os.getuid())
        rooms.append((max(soft - used, 0),
                      f"RLIMIT_NPROC (ulimit -u) is {soft} and this user runs {used} "
                      f"thread{'' if used == 1 else 's'}"))
    return min(rooms) if rooms else (None, "")


def memory_room():
    """(bytes available, where that figure comes from); (None, "") when unknown."""
    avail = None
    try:
        with open("/proc/meminfo") as f:
            avail = next(int(x.split()[1]) << 10 for x in f if x.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        pass
    cg = _cgroup_room("memory.max", "memory.current")
    if cg is not None and (avail is None or cg < avail):
        return cg, "the cgroup's memory limit"
    return avail, "MemAvailable" if avail is not None else ""


def _gib(b):
    return f"{b / (1 << 30):.1f} GiB" if b >= 1 << 30 else f"{b / (1 << 20):.0f} MiB"


def check_workers(prog_name, n, per_worker_bytes, extra_tasks=0, per_core=None,
                  kind="worker processes"):
    """Exits 2 with one line when n workers cannot be started here: each holds per_worker_bytes
    alone, the parent runs extra_tasks helper threads besides, and (per_core) no more than that
    many per usable core are worth starting. The figure given is the least of those rooms."""
    cores = usable_cores()
    rooms = []
    room, why = task_room()
    if room is not None:
        rooms.append((max(room - extra_tasks, 0), why))
    if per_core:
        rooms.append((per_core * cores, f"at most {per_core} per core, {cores} cores"))
    mem, src = memory_room()
    if mem is not None:
        rooms.append((mem // per_worker_bytes,
                      f"{src} {_gib(mem)} at about {_gib(per_worker_bytes)} each"))
    if not rooms or n <= min(rooms)[0]:
        return
    room, why = min(rooms)
    if "cores" not in why:
        why += f"; {cores} cores"
    print(f"{prog_name}: {n} {kind} asked for, but this machine can take about {room} ({why}): "
          "lower --threads", file=sys.stderr)
    sys.exit(2)
