"""NAME    fixture.py
PURPOSE Turn a compact fixture spec (fixtures/*.json: cases, rows, numbers) into a run directory
        laid out exactly as scripts/bench.sh writes one, so tabulate and claims read real files.

A row gives hyperfine's whole-process `times` and the in-process numbers cvpbench would report
(`wall_in`, `cpu`, `rss_kib`, `p99_us`, `errors`, `valid`); each time becomes one JSON line. The
run's registry.json is what the built cvpbench (the test's first argument) says it offers, as a
real run records it, with the reference programs a spec names ("references": each program's
own --describe). A row with "reference": true is such a program's: its own samples file, never
paired by round, its sample lines marked reference.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(ROOT, "scripts")


def cvpbench():
    """The built cvpbench the test was given (ctest passes it as the first argument)."""
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: test_X.py PATH/TO/cvpbench")
        sys.exit(2)
    return os.path.abspath(sys.argv[1])


_REGISTRY = None


def registry_doc():
    global _REGISTRY
    if _REGISTRY is None:
        r = subprocess.run([cvpbench(), "--list", "--format", "json"], capture_output=True,
                           text=True, check=True)
        _REGISTRY = json.loads(r.stdout)
    return _REGISTRY


def _label(row):
    own = row.get("own", {})
    return " ".join([row["executor"]] + [f"{k}={v}" for k, v in own.items()])


# The rounds a row's in-process time spreads over when the spec gives a single wall_in: small,
# symmetric, so the median is wall_in and the interval is tight.
JITTER = (0.998, 1.001, 1.0, 0.999, 1.002, 1.0)


def _samples(row):
    if "samples" in row:
        return row["samples"]
    return [row["wall_in"] * j for j in JITTER]


def _sample_line(case, row, params, arm, rnd, wall):
    tasks = params.get("tasks", 1)
    errors = row.get("errors", 0) if rnd == 0 else 0
    valid = row.get("valid", True)
    return dict({"schema": 1, "type": "sample", "workload": case["workload"],
            "executor": row["executor"], "arm": _label(row), "arm_index": arm, "rep": rnd,
            "round": rnd, "batches": 1, "threads": params.get("threads", 1),
            "concurrency": params.get("concurrency", 1), "wall_s": wall,
            "user_s": row.get("cpu", 0.01), "sys_s": 0.0,
            "max_rss_kib": row.get("rss_kib", 10240), "setup_rss_kib": row.get("setup_kib", 0),
            "rss_growth_kib": row.get("rss_kib", 10240), "tasks": tasks, "ok": tasks - errors,
            "errors": {"connect": 0, "timeout": 0, "http_status": 0, "reset": 0,
                       "other": errors, "not_run": 0},
            "latency_us": {"p50": row.get("p99_us", 1000) // 2, "p99": row.get("p99_us", 1000)},
            "first_task_us": row.get("first_task_us", 0.0),
            "gflops": row.get("gflops"), "valid": valid,
            "invalid_reason": None if valid else "checksum mismatch"}, **row.get("extra", {}))


def build(spec_path, out_dir):
    """A run directory as scripts/bench.sh writes it: per case, one JSON-lines file per workload
    point holding every row of that point as an arm over the same rounds, case.json naming each
    command's point and arm, and hyperfine.json with the whole-process times."""
    with open(spec_path) as f:
        spec = json.load(f)
    os.makedirs(os.path.join(out_dir, "cases"))
    with open(os.path.join(out_dir, "registry.json"), "w") as f:
        json.dump(registry_doc(), f)
    for name in ("status", "context"):
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump(spec[name], f)
    if spec.get("references"):
        reg = dict(registry_doc(), references={
            n: dict(json.loads(subprocess.run([os.path.join(ROOT, "reference", n), "--describe"],
                                              capture_output=True, text=True, check=True,
                                              stdin=subprocess.DEVNULL).stdout),
                    path=os.path.join(ROOT, "reference", n)) for n in spec["references"]})
        with open(os.path.join(out_dir, "registry.json"), "w") as f:
            json.dump(reg, f)
    if "machine" in spec:
        with open(os.path.join(out_dir, "machine.json"), "w") as f:
            json.dump(spec["machine"], f)
    reg = registry_doc()
    exec_only = set().union(*(set(e["params"]) for e in reg["executors"])) - \
        set().union(*(set(w["params"]) for w in reg["workloads"]))
    for k, case in enumerate(spec["cases"], 1):
        d = os.path.join(out_dir, "cases", f"{k:02d}-{case['name']}")
        os.makedirs(d)
        cmds, hf, points = [], [], {}
        for i, row in enumerate(case["rows"]):
            params = dict(row["params"], **row.get("own", {}))
            if row.get("reference"):  # its own process: its own file, its own rounds
                cmds.append({"case": case["name"], "workload": case["workload"],
                             "executor": row["executor"], "label": _label(row),
                             "params": params, "reference": True, "index": i, "point": 0,
                             "arm": None, "file": f"ref-{i}.jsonl", "argv": []})
                with open(os.path.join(d, f"ref-{i}.jsonl"), "w") as f:
                    for rnd, wall in enumerate(_samples(row)):
                        f.write(json.dumps(dict(_sample_line(case, row, params, 0, rnd, wall),
                                                reference=True)) + "\n")
                hf.append({"command": _label(row), "mean": 0, "times": [], "exit_codes": []})
                continue
            point = tuple(sorted((p, v) for p, v in params.items() if p not in exec_only))
            pi = list(points).index(point) if point in points else len(points)
            arms = points.setdefault(point, [])
            arms.append((row, params))
            cmds.append({"case": case["name"], "workload": case["workload"],
                         "executor": row["executor"], "label": _label(row), "params": params,
                         "index": i, "point": pi, "arm": len(arms) - 1, "argv": []})
            times = row.get("times", [])
            hf.append({"command": _label(row), "mean": sum(times) / max(1, len(times)),
                       "times": times, "exit_codes": [0] * len(times)})
        recs = []
        for pi, (point, arms) in enumerate(points.items()):
            with open(os.path.join(d, f"point-{pi}.jsonl"), "w") as f:
                for ai, (row, params) in enumerate(arms):
                    if row.get("not_run"):
                        continue
                    for rnd, wall in enumerate(_samples(row)):
                        f.write(json.dumps(_sample_line(case, row, params, ai, rnd, wall)) + "\n")
            recs.append({"index": pi, "params": dict(point), "file": f"point-{pi}.jsonl",
                         "exit": 0})
        rec = {"name": case["name"], "workload": case["workload"], "claims": case.get("claims", []),
               "note": case.get("note", ""), "runs": 6, "warmup": 1, "points": recs,
               "commands": cmds, "not_measured": case.get("not_measured", []),
               "load": case.get("load", {})}
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump(rec, f)
        with open(os.path.join(d, "hyperfine.json"), "w") as f:
            json.dump({"results": hf}, f)
    return out_dir


def script(name, *args):
    """Runs scripts/NAME; returns (exit status, stdout, stderr)."""
    r = subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def tmpdir(prefix):
    """A scratch folder removed when the test exits, pass or fail."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def fixture(name):
    return os.path.join(HERE, "fixtures", name)


def check(cond, what):
    """Assert that prints what failed and never disappears under python -O."""
    if not cond:
        print(f"FAIL: {what}")
        sys.exit(1)
    print(f"ok: {what}")
