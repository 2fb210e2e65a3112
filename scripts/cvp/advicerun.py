"""NAME    advicerun.py
PURPOSE How `cvpbench advise` (scripts/advise) runs its one cvpbench process within the bound the
        user gave: in a session of its own, stopped at the deadline (SIGTERM, then SIGKILL) with
        whatever it started, and its --output read back line by line (complete samples only).
"""
import json
import signal
import time

from . import procs

STOP_S = 0.25  # kept back from --max-time to stop the run, the server and clean up


def run_bounded(argv, log_path, deadline):
    """Runs argv in its own session until it ends or until deadline (monotonic s): the exit
    status, or None when it was stopped there. Whatever it started goes with it, on any exit
    path (an Interrupted too)."""
    return procs.run_bounded(argv, log_path, max(0.01, deadline - time.monotonic()),
                             stop=stop_group)


def stop_group(proc, grace_s=STOP_S):
    """SIGTERM (cvpbench keeps every completed sample in --output, and ends at once), then
    SIGKILL (its --output is replaced whole, sample by sample: nothing half-written is read)."""
    procs.stop_group(proc, grace_s, signal.SIGTERM)


def read_samples(path):
    """The sample lines of a run's --output (complete lines only: a stopped run keeps them)."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and rec.get("type") == "sample":
                    out.append(rec)
    except OSError:
        pass
    return out
