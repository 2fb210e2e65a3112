"""NAME    runcase.py
PURPOSE Time one case: its commands as ONE hyperfine invocation, plus cvpbench's JSON detail.

Headline times are hyperfine's (whole process: start-up and set-up included), so every executor
pays the same entry fee; the JSON lines cvpbench writes give the in-process detail (wall of the
timed region, CPU, RSS, percentiles, errors, validity). cvpbench's --output is replaced by each
run, so a --prepare hook moves the previous run's line aside before the next starts; the first
`warmup` lines collected are the warm-up runs and are dropped.

The case is written into NAME.tmp/ and renamed to NAME/ only when complete, so an interrupted
case never looks finished.
"""
import os
import resource
import shlex
import shutil
import signal
import subprocess
import time

from . import fsutil

HERE = os.path.dirname(os.path.abspath(__file__))
KEEP_RUN = os.path.join(os.path.dirname(HERE), "lib", "keep-run")


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; the driver cleans up and exits non-zero."""


def _pid_cpu_s(pid):
    """CPU seconds of a live process we started and have not reaped (the mock server)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu_snapshot(helper_pid=None):
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


def _other_load(before, after):
    """Cores other processes kept busy meanwhile (and steal): a benchmark sharing its machine
    cannot trust CPU-bound timings, so the summary flags such cases rather than hide it."""
    busy, steal, own, wall = (a - b for a, b in zip(after, before))
    return {"other_cores": round(max(0.0, busy - own) / wall, 2) if wall > 0 else 0.0,
            "steal_s": round(steal, 3)}


def _stop_group(proc, grace_s=3.0):
    """hyperfine runs in its own process group (ours: we created it), so its cvpbench child
    goes with it and nothing is left running."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, grace_s), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(case, cmds, skipped, binary, url_base, case_dir, helper_pid=None):
    """Runs the case; returns its record (also written as case.json). Raises Interrupted."""
    tmp = case_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    record = {"name": case.name, "workload": case.workload, "claims": case.claims,
              "note": case.note, "runs": case.runs, "warmup": case.warmup,
              "commands": [], "not_measured": skipped}
    t0, cpu0 = time.monotonic(), _cpu_snapshot(helper_pid)
    if cmds:
        hf = ["hyperfine", "-N", "--style", "none", "-i", "--warmup", str(case.warmup),
              "--runs", str(case.runs), "--export-json", os.path.join(tmp, "hyperfine.json")]
        for i, c in enumerate(cmds):
            out = os.path.join(tmp, f"detail-{i}.json")
            argv = c.argv(binary, url_base) + ["--format", "json", "--quiet", "--output", out]
            hf += ["--command-name", c.label,
                   "--prepare", shlex.join([KEEP_RUN, out, os.path.join(tmp, f"detail-{i}.all")])]
            record["commands"].append(dict(c.to_json(), index=i, argv=argv))
        hf += [shlex.join(r["argv"]) for r in record["commands"]]
        with open(os.path.join(tmp, "hyperfine.log"), "w") as log:
            proc = subprocess.Popen(hf, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True)
            try:
                rc = proc.wait()
            except BaseException:
                _stop_group(proc)
                raise
        if rc != 0:
            with open(os.path.join(tmp, "hyperfine.log")) as f:
                tail = f.read().strip().splitlines()[-3:]
            record["error"] = f"hyperfine exited {rc}: " + " | ".join(tail)
        for r in record["commands"]:
            _collect_detail(tmp, r["index"], case.warmup, case.runs, r)
    record["elapsed_s"] = round(time.monotonic() - t0, 3)
    record["load"] = _other_load(cpu0, _cpu_snapshot(helper_pid))
    fsutil.write_json(os.path.join(tmp, "case.json"), record)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.replace(tmp, case_dir)
    return record


def _collect_detail(tmp, i, warmup, runs, rec):
    """Gathers the last run's line too, drops the warm-up lines, writes detail-i.jsonl."""
    last, all_path = os.path.join(tmp, f"detail-{i}.json"), os.path.join(tmp, f"detail-{i}.all")
    subprocess.run([KEEP_RUN, last, all_path], check=False)
    lines = fsutil.read_json_lines(all_path)
    # A run that crashed writes no line; then the alignment with hyperfine's runs is lost and we
    # keep everything rather than guess which line was the warm-up.
    raw = _raw_lines(all_path)
    rec["detail_aligned"] = len(lines) == len(raw) == warmup + runs
    if rec["detail_aligned"]:
        raw = raw[warmup:]
    rec["detail_lines"] = len(raw)
    text = "".join(l + "\n" for l in raw)
    try:
        os.remove(all_path)
    except FileNotFoundError:
        pass
    fsutil.write_atomic(os.path.join(tmp, f"detail-{i}.jsonl"), text)


def _raw_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except FileNotFoundError:
        return []
