"""NAME    runref.py
PURPOSE One reference program (reference/NAME: the reader's own code, another runtime) at one
        point of a case: its own process, its own samples file, the rounds it runs, and the
        calibration the case's programs share.
"""
import json
import os
import time

from .procs import GRACE_S, run_bounded

def reference_reps(case):
    """A reference program cannot add rounds until its interval is tight: it runs the rounds
    a 95% interval needs (6) when the case asks for one, else the case's `runs`."""
    return max(case.runs, 6) if case.ci > 0 else case.runs


def _hash_rate(path):
    """The pure-Python hash rate (rounds per microsecond) a reference program's samples record,
    or None."""
    try:
        with open(path) as f:
            for line in f:
                if '"sample"' in line:
                    rate = (json.loads(line).get("workload_metrics") or {}).get(
                        "hash_rounds_per_us")
                    if isinstance(rate, (int, float)) and rate > 0:
                        return rate
    except (OSError, ValueError):
        pass
    return None


def run_reference(case, c, pi, j, binary, url_base, tmp, record, errors, budget_s, shared):
    """One reference program at point pi: its own process, its sample lines in a file of
    their own. A program that says it cannot run here ("not installed: ...") is not measured.
    The case's Python programs all hash at the rate its first one calibrated (shared, through
    CVP_HASH_ROUNDS_PER_US): W us is then the same work in each, so their times compare as
    they are; each calibrating its own made the work per task differ by up to 1.5x between two
    programs of one case, and the comparison carry that."""
    name = f"point-{pi}-ref-{j}"
    argv = c.argv(binary, url_base) + ["--reps", str(reference_reps(case)), "--warmup",
                                       str(case.warmup), "--format", "json"]
    log = os.path.join(tmp, f"{name}.log")
    t = time.monotonic()
    env = dict(os.environ, CVP_HASH_ROUNDS_PER_US=repr(shared["hash_rate"])) \
        if shared.get("hash_rate") else None
    out = os.path.join(tmp, f"{name}.jsonl")
    rc = run_bounded(argv, log, case.max_time + budget_s + GRACE_S, out_path=out, env=env)
    if rc == 0 and not shared.get("hash_rate"):
        shared["hash_rate"] = _hash_rate(out)
    with open(log) as f:
        tail = [x for x in f.read().strip().splitlines() if x.strip()]
    if rc == 1 and tail and "not installed" in tail[-1]:
        record["not_measured"].append(dict(c.to_json(), reason=tail[-1].split(": ", 1)[-1]))
        return
    if rc is None:
        errors.append(f"{c.label} stopped after running past its time budget")
    elif rc not in (0, 1):
        errors.append(f"{c.label} exited {rc}: " + " | ".join(tail[-2:]))
    record["commands"].append(dict(c.to_json(), index=len(record["commands"]), point=pi,
                                   arm=None, file=f"{name}.jsonl", argv=argv,
                                   elapsed_s=round(time.monotonic() - t, 3)))
