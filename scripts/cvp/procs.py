"""NAME    procs.py
PURPOSE The suite's child processes: each runs in a session of its own, bounded in time, and is
        stopped with everything it started (its process group) on a timeout or an interrupt;
        Interrupted is how SIGINT and SIGTERM reach the driver (on_signal), never while a child
        is being started: a signal then waits until the child's handle is held, so the child is
        stopped with the rest instead of left running in its own session.
"""
import contextlib
import os
import signal
import subprocess

GRACE_S = 60  # beyond a point's own time budget, before it is stopped as hung


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; the driver cleans up and exits non-zero."""


_starting, _pending = [0], []  # children being started now; signals that wait for them


def on_signal(signum, _frame):
    """The driver's SIGINT and SIGTERM handler: raises Interrupted, or, while a child is being
    started, holds the signal until its handle is held (_shielded)."""
    if _starting[0]:
        _pending.append(signum)
        return
    raise Interrupted(signal.Signals(signum).name)


@contextlib.contextmanager
def _shielded():
    """Starting a child: a signal arriving meanwhile is raised when the start is done."""
    _starting[0] += 1
    try:
        yield
    finally:
        _starting[0] -= 1
    if _pending and not _starting[0]:
        raise Interrupted(signal.Signals(_pending.pop()).name)


def stop_group(proc, grace_s=3.0, first=signal.SIGINT):
    """The child runs in its own process group (ours: we created it), so whatever it started
    goes with it and nothing is left running: first, then SIGKILL after grace_s."""
    for sig, wait in ((first, grace_s), (signal.SIGKILL, None)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_bounded(argv, log_path, timeout_s, out_path=None, env=None, stop=None):
    """Runs argv in its own session, output to log_path (stdout to out_path when given);
    returns the exit code, or None when it was stopped for running past timeout_s. Raises
    Interrupted through, stopping the child (stop(proc): stop_group by default)."""
    stop, proc = stop or stop_group, None
    with open(log_path, "w") as log, open(out_path or os.devnull, "w") as out:
        try:
            with _shielded():
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=out if out_path else log, stderr=log,
                                        start_new_session=True, env=env)
            return proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            stop(proc)
            return None
        except BaseException:
            if proc is not None:
                stop(proc)
            raise
