"""NAME    fixture.py
PURPOSE Turn a compact fixture spec (fixtures/*.json: cases, rows, numbers) into a run directory
        laid out exactly as scripts/bench.sh writes one, so tabulate and claims read real files.

A row gives hyperfine's whole-process `times` and the in-process numbers cvpbench would report
(`wall_in`, `cpu`, `rss_kib`, `p99_us`, `errors`, `valid`); each time becomes one JSON line. The
run's registry.json is what the built cvpbench (the test's first argument) says it offers, as a
real run records it.
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


def _label(row):
    own = row.get("own", {})
    return " ".join([row["executor"]] + [f"{k}={v}" for k, v in own.items()])


def _detail_line(case, row, i):
    p = dict(row["params"])
    tasks = p.get("tasks", 1)
    return {"schema": 1, "workload": case["workload"], "executor": row["executor"], "rep": 0,
            "threads": p.get("threads", 1), "concurrency": p.get("concurrency", 1),
            "wall_s": row["wall_in"], "user_s": row.get("cpu", 0.01), "sys_s": 0.0,
            "max_rss_kib": row.get("rss_kib", 10240), "tasks": tasks,
            "ok": tasks - row.get("errors", 0),
            "errors": {"connect": 0, "timeout": 0, "http_status": 0, "reset": 0,
                       "other": row.get("errors", 0) if i == 0 else 0, "not_run": 0},
            "latency_us": {"p50": row.get("p99_us", 1000) // 2, "p99": row.get("p99_us", 1000)},
            "gflops": row.get("gflops"), "valid": row.get("valid", True),
            "invalid_reason": None if row.get("valid", True) else "checksum mismatch"}


def cvpbench():
    """The built cvpbench the test was given (ctest passes it as the first argument)."""
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: test_X.py PATH/TO/cvpbench")
        sys.exit(2)
    return os.path.abspath(sys.argv[1])


def registry_doc():
    r = subprocess.run([cvpbench(), "--list", "--format", "json"], capture_output=True,
                       text=True, check=True)
    return json.loads(r.stdout)


def build(spec_path, out_dir):
    with open(spec_path) as f:
        spec = json.load(f)
    os.makedirs(os.path.join(out_dir, "cases"))
    with open(os.path.join(out_dir, "registry.json"), "w") as f:
        json.dump(registry_doc(), f)
    for name in ("status", "context"):
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump(spec[name], f)
    for k, case in enumerate(spec["cases"], 1):
        d = os.path.join(out_dir, "cases", f"{k:02d}-{case['name']}")
        os.makedirs(d)
        cmds, hf = [], []
        for i, row in enumerate(case["rows"]):
            params = dict(row["params"], **row.get("own", {}))
            cmds.append({"case": case["name"], "workload": case["workload"],
                         "executor": row["executor"], "label": _label(row), "params": params,
                         "index": i, "argv": []})
            times = row["times"]
            hf.append({"command": _label(row), "mean": sum(times) / len(times), "times": times,
                       "exit_codes": [0 if row.get("valid", True) else 1] * len(times)})
            with open(os.path.join(d, f"detail-{i}.jsonl"), "w") as f:
                for t in range(len(times)):
                    f.write(json.dumps(_detail_line(case, dict(row, params=params), t)) + "\n")
        rec = {"name": case["name"], "workload": case["workload"], "claims": case.get("claims", []),
               "note": case.get("note", ""), "runs": 3, "warmup": 1, "commands": cmds,
               "not_measured": case.get("not_measured", [])}
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
