#!/usr/bin/env python3
"""NAME    test_cli.py
PURPOSE The cvpbench command-line contract: bad input is one line and exit 2; a JSON line has
        every promised field; --output is complete after the run; sleep never returns early.
USAGE   test_cli.py PATH/TO/cvpbench"""
import json
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
failures = []


def run(*args, timeout=60):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


# Each bad command line must exit 2 with one line on stderr that names the problem.
BAD = [
    ([], "--workload"),
    (["-w", "matmul"], "--executor"),
    (["-e", "sequential"], "--workload"),
    (["-w", "nosuch", "-e", "sequential"], "nosuch"),
    (["-w", "matmul", "-e", "nosuch"], "nosuch"),
    (["-w", "matmul", "-e", "openmp", "--threads", "-2"], "--threads"),
    (["-w", "matmul", "-e", "openmp", "--threads", "0"], "--threads"),
    (["-w", "matmul", "-e", "openmp", "--threads", "two"], "--threads"),
    (["-w", "matmul", "-e", "openmp", "--threads", "2x"], "--threads"),
    (["-w", "matmul", "-e", "openmp", "--threads"], "--threads"),
    (["-w", "matmul", "-e", "sequential", "--size", "99999999999999999999"], "--size"),
    (["-w", "matmul", "-e", "sequential", "--size", ""], "--size"),
    (["-w", "matmul", "-e", "sequential", "--size", "0"], "--size"),
    (["-w", "matmul", "-e", "sequential", "--tasks", "5000", "--size", "64"], "--tasks"),
    (["-w", "matmul", "-e", "sequential", "--kernel", "fast"], "--kernel"),
    (["-w", "matmul", "-e", "sequential", "--latency-ms", "5", "--strict"], "--latency-ms"),
    (["-w", "sleep", "-e", "sequential", "--size", "5", "--strict"], "--size"),
    (["-w", "sleep", "-e", "sequential", "--threads", "4", "--strict"], "--threads"),
    (["-w", "sleep", "-e", "thread-pool", "--threads", "4", "--concurrency", "8"], "disagree"),
    (["-w", "sleep", "-e", "sequential", "--reps", "0"], "--reps"),
    (["-w", "sleep", "-e", "sequential", "--warmup", "-1"], "--warmup"),
    (["-w", "sleep", "-e", "sequential", "--format", "xml"], "--format"),
    (["-w", "sleep", "-e", "sequential", "--bogus"], "--bogus"),
    (["-w", "sleep", "-e", "sequential", "extra"], "extra"),
    (["-w", "sleep", "-e", "sequential", "--tasks", "1.5"], "--tasks"),
    (["-w", "sleep", "-e", "sequential", "--latency-ms", " 5"], "--latency-ms"),
    (["-w", "sleep", "-e", "sequential", "--latency-ms", "1e3"], "--latency-ms"),
    (["-w", "sleep", "-e", "sequential", "--latency-ms", "0.0001"], "microsecond"),
    (["-w", "sleep", "-e", "sequential", "--latency-ms", "5min"], "--latency-ms"),
    (["-w", "sleep", "-e", "sequential", "--output", "/nonexistent/dir/x.jsonl"], "--output"),
    (["-w", "http", "-e", "sequential", "--reuse", "--no-reuse", "--url-base",
      "http://127.0.0.1:9"], "--no-reuse"),
    (["-w", "sleep", "-e", "sequential,nosuch"], "nosuch"),
    (["-w", "sleep", "-e", "sequential,,openmp"], "empty item"),
    (["-w", "sleep", "-e", "thread-pool:latency-ms=5"], "latency-ms"),
    (["-w", "sleep", "-e", "sequential:threads=2"], "threads"),
    (["-w", "sleep", "-e", "thread-pool:threads"], "needs a value"),
    (["-w", "sleep", "-e", "thread-pool:threads=0"], "--threads"),
    (["-w", "sleep", "-e", "openmp:pin=maybe"], "yes or no"),
    (["-w", "sleep", "-e", "event-loop,thread-pool", "--threads", "2", "--strict"], "--threads"),
    (["-w", "sleep", "-e", "sequential", "--ci", "0"], "--ci"),
    (["-w", "sleep", "-e", "sequential", "--ci", "x"], "--ci"),
    (["-w", "sleep", "-e", "sequential", "--min-time-ms", "-1"], "--min-time-ms"),
    (["-w", "http", "-e", "sequential", "--url", "http://127.0.0.1:9/",
      "--url-base", "http://127.0.0.1:9"], "--url-base"),
]
for args, needle in BAD:
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    label = " ".join(args) or "(no arguments)"
    check(r.returncode == 2, f"{label}: exit {r.returncode}, expected 2")
    check(len(lines) == 1, f"{label}: {len(lines)} stderr lines, expected 1: {r.stderr!r}")
    check(needle in r.stderr, f"{label}: stderr does not name {needle!r}: {r.stderr!r}")
    check(r.stdout == "", f"{label}: printed to stdout: {r.stdout!r}")

# A parameter an executor does not read is ignored for it, with one warning line per flag and
# executor, and recorded in the JSON (so one command line serves hyperfine -L e a,b,c).
r = run("-w", "sleep", "-e", "sequential,event-loop,thread-pool", "--threads", "2", "--tasks", "4",
        "--latency-ms", "1", "--format", "json", "--quiet")
warn = r.stderr.strip().splitlines()
check(r.returncode == 0 and len(warn) == 2 and all("--threads does not apply" in w and "ignored"
                                                   in w for w in warn),
      f"--threads under sequential and event-loop: two warnings, exit 0 ({r.stderr!r})")
recs = {json.loads(x)["arm"]: json.loads(x) for x in r.stdout.splitlines()
        if '"sample"' in x}
check(recs["sequential"]["params"]["ignored"] == ["threads"]
      and recs["thread-pool"]["params"]["ignored"] == [] and recs["thread-pool"]["threads"] == 2,
      "ignored where it does not apply, used where it does")

# Help, version and list succeed and say something useful.
r = run("--help")
check(r.returncode == 0 and "--workload" in r.stdout and "Exit status" in r.stdout, "--help")
r = run("--version")
check(r.returncode == 0 and r.stdout.startswith("cvpbench "), "--version")
r = run("--list")
for name in ["sleep", "matmul", "sequential", "thread-pool", "openmp"]:
    check(name in r.stdout, f"--list lacks {name}")

# --list --format json: what scripts read instead of keeping lists. Every name --list shows is
# there, with its parameters, defaults and (executors) concurrency rule; --help names every
# parameter the JSON lists, so the two cannot drift.
r = run("--list", "--format", "json")
check(r.returncode == 0, f"--list --format json exit {r.returncode}")
reg = json.loads(r.stdout)
text = run("--list").stdout
names = [l.split()[0] for l in text.splitlines() if l.startswith("  ")]
check(sorted(names) == sorted([w["name"] for w in reg["workloads"]] +
                              [e["name"] for e in reg["executors"]]),
      "the JSON lists exactly the workloads and executors --list shows")
params = {p["name"]: p for p in reg["params"]}
for w in reg["workloads"]:
    check(set(w["params"]) <= set(params) and "blocking" in w["forms"], f"workload {w['name']}")
    check(set(w["defaults"]) == set(w["params"]), f"{w['name']}: a default for every parameter")
for e in reg["executors"]:
    widths = ("1", "threads", "cap", "processes", "ranks")
    check(e["waits_at_once"] in widths and e["overlap"] in ("workers", "loop")
          and e["computes_at_once"] in widths, f"executor {e['name']} rule")
    check(e["threads"] == ("threads" in e["params"]), f"{e['name']}: threads capability")
help_text = run("--help").stdout
for name, p in params.items():
    check(f"--{name}" in help_text, f"--help documents --{name}")
    check(p["type"] in ("int", "flag", "text", "duration") and p["help"], f"param {name} typed and described")
    readers = p["workloads"] + p["executors"]
    check(readers, f"param {name} is read by someone")
check(reg["workloads"][0]["defaults"]["tasks"] >= 1, "workload defaults are real values")

# A JSON line per repetition, with every promised field.
r = run("-w", "matmul", "-e", "openmp", "--size", "64", "--reps", "2", "--warmup", "1",
        "--format", "json")
check(r.returncode == 0, f"matmul json run exit {r.returncode}: {r.stderr}")
records = [json.loads(line) for line in r.stdout.strip().splitlines()]
samples = [x for x in records if x.get("type") == "sample"]
aggregates = [x for x in records if x.get("type") == "aggregate"]
check(len(samples) == 2 and len(aggregates) == 1 and len(records) == 3,
      f"expected 2 samples and their aggregate, got {[x.get('type') for x in records]}")
agg = aggregates[0] if aggregates else {"wall_s": {}}
walls = sorted(x["wall_s"] for x in samples)
check(agg.get("samples") == 2 and abs(agg["wall_s"].get("median", 0) - sum(walls) / 2) < 1e-9
      and agg["wall_s"]["ci_low"] == walls[0] and agg["wall_s"]["ci_high"] == walls[1],
      f"aggregate: median of the samples and [min, max] with 2 samples ({agg})")
for k, rec in enumerate(samples):
    for key in ["workload", "executor", "params", "rep", "wall_s", "user_s", "sys_s",
                "max_rss_kib", "tasks", "ok", "errors", "latency_us", "gflops", "valid",
                "context", "vcsw", "ivcsw", "pinned", "steal_s", "cpu_threads", "overlap"]:
        check(key in rec, f"JSON lacks {key}")
    for q in ["p50", "p90", "p99", "max"]:
        check(q in rec["latency_us"], f"latency_us lacks {q}")
    for c in ["connect", "timeout", "http_status", "reset", "other"]:
        check(c in rec["errors"], f"errors lacks {c}")
    for c in ["cpu_model", "cores", "clock_ghz_measured", "compiler", "cflags", "libcurl",
              "libuv", "git_rev"]:
        check(c in rec["context"], f"context lacks {c}")
    check(rec["rep"] == k and rec["valid"] is True and rec["ok"] == rec["tasks"], "rep/valid")
    check(rec["gflops"] > 0 and rec["params"]["size"] == 64, "gflops/params")
    check(rec["context"]["cores"] == os.cpu_count() or rec["context"]["cores"] >= 1, "cores")

# Several executors in one run: interleaved rounds, each arm with its own settings, one sample
# per arm per round in a shuffled order, the aggregates and how much faster the fastest ran.
r = run("-w", "spin", "-e", "sequential,thread-pool:threads=2", "-e", "openmp:threads=2:pin",
        "--tasks", "20", "--work-us", "200", "--reps", "4", "--warmup", "1", "--format", "json")
check(r.returncode == 0, f"three arms: exit {r.returncode} {r.stderr}")
recs = [json.loads(x) for x in r.stdout.splitlines()]
samples = [x for x in recs if x["type"] == "sample"]
arms = sorted({x["arm"] for x in samples})
check(arms == ["openmp threads=2 pin", "sequential", "thread-pool threads=2"], f"arms {arms}")
check(all(sum(1 for x in samples if x["arm"] == a and x["round"] == k) == 1
          for a in arms for k in range(4)), "one sample per arm per round")
orders = [[x["arm"] for x in samples if x["round"] == k] for k in range(4)]
check(len({tuple(o) for o in orders}) > 1, f"the order is shuffled between rounds: {orders}")
pinned = [x for x in samples if x["arm"].startswith("openmp")]
check(all(x["threads"] == 2 and x["params"]["pin"] for x in pinned), "an arm's own settings")
check(len([x for x in recs if x["type"] == "aggregate"]) == 3, "an aggregate per arm")
comp = [x for x in recs if x["type"] == "comparison"]
# The fastest is the lowest median; the paired ratio's median may still dip under 1 on a busy
# machine, and then its interval reaches below 1: a tie, never "faster".
check(len(comp) == 2 and all(x["ci_low"] <= x["ratio"] <= x["ci_high"]
                             and (x["verdict"] == "tie" if x["ci_low"] <= 1 else
                                  x["verdict"] == "faster") for x in comp),
      "the fastest against each other arm, with the ratio's interval")
again = run("-w", "spin", "-e", "sequential,thread-pool:threads=2", "-e", "openmp:threads=2:pin",
            "--tasks", "20", "--work-us", "200", "--reps", "4", "--warmup", "1", "--format",
            "json")
orders2 = [[json.loads(x)["arm"] for x in again.stdout.splitlines()
            if '"sample"' in x and json.loads(x)["round"] == k] for k in range(4)]
check(orders == orders2, "the same --seed gives the same order")
r = run("-w", "noop", "-e", "all", "--tasks", "100", "--reps", "2")
check(r.returncode == 0 and "ran" in r.stdout and all(
    e["name"] in r.stdout for e in reg["executors"] if not e.get("alone")),
      "-e all runs every executor (but one that runs alone, mpi)")

# --min-time-ms: a sample repeats the batch; --ci adds rounds until the median is precise.
r = run("-w", "noop", "-e", "sequential", "--tasks", "1000", "--min-time-ms", "20", "--format",
        "json")
rec = json.loads(r.stdout.splitlines()[0])
# The repeats end at 20 ms of timed batches, or at 4 x 20 ms of real time when the work between
# batches (resetting outcomes, the tally) outweighs them, as in a sanitizer build.
timed = rec["wall_s"] * rec["batches"]
check(r.returncode == 0 and rec["batches"] > 1
      and (timed >= 0.020 or rec["sample_s"] >= 4 * 0.020) and rec["sample_s"] >= timed,
      f"--min-time-ms 20: {rec['batches']} batches of {rec['wall_s']} s last at least 20 ms "
      f"(or the sample 80 ms: {rec.get('sample_s')} s)")
r = run("-w", "sleep", "-e", "sequential", "--tasks", "1", "--latency-ms", "2", "--ci", "50",
        "--format", "json")
recs = [json.loads(x) for x in r.stdout.splitlines()]
agg = [x for x in recs if x["type"] == "aggregate"][0]
# On a quiet machine 6 rounds suffice; a busy one may need more, never fewer.
check(r.returncode == 0 and 6 <= agg["samples"] <= 50 and agg["wall_s"]["ci_level"] >= 0.95,
      f"--ci 50: at least the 6 rounds a 95% interval takes ({agg['samples']})")
r = run("-w", "sleep", "-e", "sequential", "--tasks", "1", "--latency-ms", "1", "--ci", "0.0001",
        "--max-rounds", "9", "--format", "json")
agg = [json.loads(x) for x in r.stdout.splitlines() if '"aggregate"' in x][0]
check(agg["samples"] == 9, f"--max-rounds bounds --ci ({agg['samples']})")

# Sub-millisecond waits: a duration in milliseconds, or with its own unit; never early.
for given, us in (("0.3", 300), ("300us", 300), ("1.5ms", 1500), ("2", 2000)):
    r = run("-w", "sleep", "-e", "sequential", "--tasks", "5", "--latency-ms", given, "--format",
            "json")
    rec = json.loads(r.stdout.splitlines()[0])
    check(r.returncode == 0 and rec["params"]["latency_us"] == us
          and rec["params"]["latency_ms"] == us / 1000 and rec["latency_us"]["min"] >= us,
          f"--latency-ms {given} is {us} us and no task ends sooner")

# CSV has a header and one row per repetition.
r = run("-w", "noop", "-e", "sequential", "--tasks", "10", "--reps", "3", "--format", "csv")
rows = r.stdout.strip().splitlines()
check(r.returncode == 0 and len(rows) == 4 and rows[0].startswith("workload,"), "csv")

# --output: the file holds every repetition and no temporary file is left behind.
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "r.jsonl")
    r = run("-w", "noop", "-e", "thread-pool", "--tasks", "100", "--reps", "3", "--format",
            "json", "--output", out)
    check(r.returncode == 0 and r.stdout == "", "--output run")
    with open(out) as f:
        recs = [json.loads(x) for x in f]
        check([x["type"] for x in recs] == ["sample"] * 3 + ["aggregate"],
              "--output holds the 3 samples and their aggregate")
    check(os.listdir(d) == ["r.jsonl"], f"leftover files: {os.listdir(d)}")

# --hgrm: HdrHistogram's percentile text, one file per executor, every timed task counted.
with tempfile.TemporaryDirectory() as d:
    h = os.path.join(d, "lat.hgrm")
    r = run("-w", "sleep", "-e", "event-loop", "--tasks", "50", "--latency-ms", "2", "--reps", "2",
            "--hgrm", h, "--quiet")
    check(r.returncode == 0 and os.path.isfile(h), f"--hgrm run: {r.returncode} {r.stderr}")
    lines = open(h).read().splitlines() if os.path.isfile(h) else [""]
    rows = [x.split() for x in lines[2:] if x and not x.startswith("#")]
    vals, pcts = [float(x[0]) for x in rows], [float(x[1]) for x in rows]
    check(lines[0].split()[:3] == ["Value", "Percentile", "TotalCount"]
          and vals == sorted(vals) and pcts == sorted(pcts) and pcts[-1] == 1.0
          and int(rows[-1][2]) == 100 and min(vals) >= 2.0,
          "the .hgrm has the header, rising values and percentiles, all 100 tasks, in ms")
    check(any(x.startswith("#[Max") for x in lines), "the .hgrm ends with its summary lines")
    r = run("-w", "sleep", "-e", "event-loop,sequential", "--tasks", "4", "--latency-ms", "1",
            "--hgrm", os.path.join(d, "two.hgrm"), "--quiet")
    check(r.returncode == 0 and sorted(f for f in os.listdir(d) if f.startswith("two")) ==
          ["two-0-event-loop.hgrm", "two-1-sequential.hgrm"], f"one file per executor: "
          f"{sorted(os.listdir(d))}")
    r = run("-w", "sleep", "-e", "event-loop", "--tasks", "1", "--hgrm", d)
    check(r.returncode == 2 and "--hgrm" in r.stderr, f"--hgrm a folder: exit 2 ({r.stderr})")

# --plan: each executor's own plan for these parameters, and nothing run.
r = run("-w", "sleep", "-e", "sequential,event-loop:concurrency=20,thread-pool:threads=8,process:"
        "threads=3,hybrid:threads=2", "--tasks", "100", "--latency-ms", "5000", "--plan",
        "--format", "json")
plans = {x["arm"]: x for x in map(json.loads, r.stdout.splitlines())} if r.returncode == 0 else {}
check(r.returncode == 0 and len(plans) == 5 and all(x["type"] == "plan" for x in plans.values()),
      f"--plan: one plan per executor ({r.returncode} {r.stderr.strip()[:100]})")
want = {"sequential": (0, 0, 1, 1), "event-loop concurrency=20": (0, 0, 20, 1),
        "thread-pool threads=8": (8, 0, 8, 8), "process threads=3": (0, 3, 3, 3),
        "hybrid threads=2": (2, 0, 100, 2)}
for arm, (t, pr, fl, co) in want.items():
    x = plans.get(arm, {})
    check((x.get("threads"), x.get("procs"), x.get("in_flight"), x.get("computes")) == (t, pr, fl, co),
          f"--plan {arm}: threads, processes, in flight, computing = {t}, {pr}, {fl}, {co} ({x})")
check(plans.get("event-loop concurrency=20", {}).get("task_bytes", 0) > 0,
      "--plan: a loop task in flight holds memory of its own")

# Sleep: no task returns before its latency, under every blocking executor.
for ex, extra in [("sequential", []), ("thread-pool", ["--threads", "8"]),
                  ("openmp", ["--threads", "8"])]:
    r = run("-w", "sleep", "-e", ex, "--tasks", "16", "--latency-ms", "20", "--format", "json",
            *extra)
    rec = json.loads(r.stdout)
    check(r.returncode == 0 and rec["valid"], f"sleep {ex} valid")
    check(rec["latency_us"]["min"] >= 20000, f"sleep {ex} min latency {rec['latency_us']['min']}")
    # 16 tasks of 20 ms over w workers: at least ceil(16/w) * 20 ms.
    workers = 1 if ex == "sequential" else 8
    check(rec["wall_s"] >= (16 + workers - 1) // workers * 0.020, f"sleep {ex} wall")

if failures:
    print(f"{len(failures)} failed", file=sys.stderr)
    sys.exit(1)
print(f"{len(BAD)} bad-input cases and the output contract: all passed")
