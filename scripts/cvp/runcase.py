"""NAME    runcase.py
PURPOSE Time one case. Each workload point of the case is one cvpbench process that holds every
        executor timed at that point as an arm: set up once, warmed up, then sampled in rounds
        whose order is shuffled anew each round, until each median is known within the case's
        `ci` (or its `max-time`). That in-process timed region is the one time basis of every
        table, plot, claim and piece of advice. Each command is also timed alone as a whole
        process (hyperfine, `process-runs` times): start-up and set-up included, shown in a
        column of its own and never mixed into a speed-up.

The case is written into NAME.tmp/ and renamed to NAME/ only when complete, so an interrupted
case never looks finished.
"""
import json
import os
import resource
import shlex
import shutil
import subprocess
import time

from . import baseline, fsutil
from .procs import GRACE_S, run_bounded
from .runref import run_reference


def _pid_cpu_s(pid):
    """CPU seconds of a live process we started and have not reaped (the mock server)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_snapshot(helper_pid=None):
    """(machine busy s, steal s, CPU s of us, our reaped children and the helper, monotonic s)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    busy = (sum(v) - v[3] - v[4] - v[7]) / tick  # all but idle, iowait and steal
    own = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        own += r.ru_utime + r.ru_stime
    if helper_pid:
        own += _pid_cpu_s(helper_pid)
    return busy, v[7] / tick, own, time.monotonic()


def other_load(before, after):
    """Cores other processes kept busy meanwhile (and steal): a benchmark sharing its machine
    cannot trust CPU-bound timings, so the summary flags such cases rather than hide it."""
    busy, steal, own, wall = (a - b for a, b in zip(after, before))
    return {"other_cores": round(max(0.0, busy - own) / wall, 2) if wall > 0 else 0.0,
            "steal_s": round(steal, 3)}


def clock_ghz(binary, reg):
    """The clock a core runs at now, as cvpbench measures it for its context (a chain of
    dependent adds, about 20 ms, run beside one empty task on the baseline: both read from the
    registry reg); None where it cannot be measured."""
    try:
        r = subprocess.run([binary, "-w", baseline.empty_workload(reg), "-e", baseline.name(reg),
                            "--tasks", "1", "--format", "json", "--quiet"],
                           capture_output=True, text=True, timeout=30)
        for line in r.stdout.splitlines():
            if line.startswith("{"):
                v = json.loads(line).get("context", {}).get("clock_ghz_measured")
                return round(v, 4) if isinstance(v, (int, float)) and v > 0 else None
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    return None


def points_of(cmds):
    """The case's commands grouped by workload point, in order: [(point, [command])]. An
    executor that runs alone (mpi: its ranks are the run) is a process of its own."""
    out = {}
    for c in cmds:
        alone = (c.registry.rule(c.executor) or {}).get("alone")
        key = (c.point(), c.arm() if alone else None)
        out.setdefault(key, []).append(c)
    return [(k[0], v) for k, v in out.items()]


def _env(cmds):
    """The environment of a point's process: ours, and for ranks started as root, Open MPI's
    consent to that (its own safety rule: set here, for this harness's commands only)."""
    if os.geteuid() != 0 or not any((c.registry.rule(c.executor) or {}).get("alone")
                                    for c in cmds):
        return None
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


NOT_MEASURED = "cvpbench: not measured: "


def _not_measured(log_path):
    """cvpbench's reason when it said the point cannot be measured on this machine, else None."""
    try:
        with open(log_path) as f:
            for line in f:
                if line.startswith(NOT_MEASURED):
                    return line[len(NOT_MEASURED):].strip()
    except OSError:
        pass
    return None


def point_argv(case, cmds, binary, url_base, out):
    first = cmds[0]
    a = [binary, "-w", case.workload] + first.workload_args()
    a += ["-e", ",".join(c.arm() for c in cmds)]
    a += ["--reps", str(case.runs), "--warmup", str(case.warmup),
          "--min-time-ms", str(int(round(case.min_time * 1000))),
          "--format", "json", "--quiet", "--output", out]
    if case.ci > 0:  # `ci 0`: exactly `runs` rounds
        a += ["--ci", f"{case.ci * 100:g}", "--max-time", f"{case.max_time:g}"]
    if first.needs_server and url_base:
        a += ["--url-base", url_base]
    return a


def run(case, cmds, skipped, binary, url_base, case_dir, helper_pid=None, budget_s=60.0):
    """Runs the case; returns its record (also written as case.json). Raises Interrupted."""
    tmp = case_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    record = {"name": case.name, "workload": case.workload, "claims": case.claims,
              "note": case.note, "runs": case.runs, "warmup": case.warmup, "ci": case.ci,
              "max_time_s": case.max_time, "min_time_s": case.min_time,
              "process_runs": case.process_runs, "target_s": case.target, "sized": case.sized,
              "points": [], "commands": [], "not_measured": list(skipped)}
    t0, cpu0 = time.monotonic(), cpu_snapshot(helper_pid)
    clock0 = clock_ghz(binary, case.registry)
    errors = []
    shared = {}  # what the case's first reference program measured that the others reuse
    for pi, (point, allcmds) in enumerate(points_of(cmds)):
        # Reference programs run alone, each its own process, after cvpbench's arms.
        refs = [c for c in allcmds if c.reference]
        pcmds = [c for c in allcmds if not c.reference]
        for j, c in enumerate(refs):
            run_reference(case, c, pi, j, binary, url_base, tmp, record, errors, budget_s,
                           shared)
        if not pcmds:
            continue
        _run_point(case, point, pcmds, binary, url_base, tmp, record, errors, budget_s)
    if cmds and case.process_runs > 0:
        _process_walls(case, record, tmp, errors)
    if errors:
        record["error"] = "; ".join(errors)
    record["elapsed_s"] = round(time.monotonic() - t0, 3)
    record["load"] = other_load(cpu0, cpu_snapshot(helper_pid))
    # The clock before and after the case: a core that slowed down (a thermal limit, a host
    # that took its turbo away) or sped up under the case makes its times incomparable.
    clock1 = clock_ghz(binary, case.registry)
    if clock0 and clock1:
        record["load"]["clock_ghz_before"] = clock0
        record["load"]["clock_ghz_after"] = clock1
        record["load"]["clock_moved"] = round(abs(clock1 - clock0) / clock0, 4)
    fsutil.write_json(os.path.join(tmp, "case.json"), record)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.replace(tmp, case_dir)
    return record


def _refused(log_path):
    """cvpbench's one line when it refused the command before running (threads, descriptors or
    memory this machine cannot give: headroom.c's and runner.c's end saying what to lower)."""
    with open(log_path) as f:
        lines = [x.strip() for x in f if x.strip()]
    ok = len(lines) == 1 and lines[0].startswith("cvpbench: ") and "; lower " in lines[0] or \
        len(lines) == 1 and lines[0].startswith("cvpbench: ") and ": lower " in lines[0]
    return lines[0][len("cvpbench: "):] if ok else None


def _run_point(case, point, pcmds, binary, url_base, tmp, record, errors, budget_s):
    """One cvpbench process for the point's arms. When it refuses them together before running
    (exit 1 or 2 with one line: their threads or descriptors added up are more than this machine
    gives), each arm runs alone, and an arm refused alone is "not measured" with cvpbench's
    reason: a result, shown as such."""
    pi = len(record["points"])
    out = os.path.join(tmp, f"point-{pi}.jsonl")
    argv = point_argv(case, pcmds, binary, url_base, out)
    t = time.monotonic()
    log = os.path.join(tmp, f"point-{pi}.log")
    rc = run_bounded(argv, log, case.max_time + budget_s + GRACE_S, env=_env(pcmds))
    refused = _refused(log) if rc in (1, 2) else None
    if refused and len(pcmds) > 1:
        for c in pcmds:
            _run_point(case, point, [c], binary, url_base, tmp, record, errors, budget_s)
        return
    if refused:
        record["not_measured"].append(dict(pcmds[0].to_json(), reason=refused))
        return
    record["points"].append({"index": pi, "params": dict(point), "argv": argv,
                             "file": os.path.basename(out), "exit": rc,
                             "elapsed_s": round(time.monotonic() - t, 3)})
    why = _not_measured(log) if rc == 1 else None
    if why:
        # The point could not run here at all (io_uring refused, say): its commands are "not
        # measured", with cvpbench's own reason, rather than rows without samples.
        record["points"][-1]["not_measured"] = why
        record["not_measured"] += [dict(c.to_json(), reason=why) for c in pcmds]
        return
    if rc is None:
        errors.append(f"point {pi} stopped after running past its time budget")
    elif rc not in (0, 1):  # 1: a sample was invalid, which the tables say per row
        with open(os.path.join(tmp, f"point-{pi}.log")) as f:
            tail = f.read().strip().splitlines()[-2:]
        errors.append(f"point {pi} exited {rc}: " + " | ".join(tail))
    for ai, c in enumerate(pcmds):
        record["commands"].append(dict(c.to_json(), index=len(record["commands"]),
                                       point=pi, arm=ai, argv=c.argv(binary, url_base)))


def _process_walls(case, record, tmp, errors):
    """Each cvpbench command alone as a whole process, by hyperfine: the entry fee included.
    (A reference program's rows have no such column: it is a different program's start.)"""
    hf = ["hyperfine", "-N", "--style", "none", "-i", "--warmup", "0",
          "--runs", str(case.process_runs), "--export-json", os.path.join(tmp, "hyperfine.json")]
    timed = [r for r in record["commands"] if not r.get("reference")]
    for k, r in enumerate(timed):
        r["hf_index"] = k
        hf += ["--command-name", r["label"]]
    if not timed:
        return
    hf += [shlex.join(r["argv"] + ["--format", "json", "--quiet"]) for r in timed]
    rc = run_bounded(hf, os.path.join(tmp, "hyperfine.log"), 600)
    if rc != 0:
        errors.append(f"hyperfine (process wall) exited {rc}")
