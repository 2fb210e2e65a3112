#!/usr/bin/env python3
"""NAME    test_calibrate.py
PURPOSE The `cvpbench calibrate` contract: --quick --format json is one object with every
        figure, each a positive number or null with a reason; dispatch_us has one entry per
        executor that `--list --format json` lists; the text format works; a bad option is one
        line on stderr and exit 2. Figures are timed on a shared machine, so only their sign and
        their presence are checked, plus bounds no machine can break.
USAGE   test_calibrate.py PATH/TO/cvpbench"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "io"))
from testlib import check, finish  # noqa: E402

BIN = sys.argv[1]


def run(*args, timeout=60):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# Figures that are a positive number, or null with a reason.
POSITIVE = ["cpus_online", "affinity_cpus", "physical_cores", "smt_per_core", "usable_cores",
            "quota_cores", "clock_ghz", "fma_vector_bits", "fma_accumulators",
            "fma_gflops_per_core", "fma_threads", "fma_gflops_all", "fma_scaling", "calibrate_s"]
# Distributions: {"median", "p90", "samples"} or null with a reason.
DISTS = ["thread_create_join_us", "wake_us", "connect_us", "file_call_us",
         "timer_slack_us.nanosleep", "timer_slack_us.uv_timer"]
# Counts and seconds that may be zero.
NON_NEGATIVE = ["cgroup_version", "steal_s", "others_cpu_s", "ivcsw", "migrations"]
TEXTS = ["cpu_model", "topology_from", "quota_source", "migrations_from"]


def get(rec, path):
    for part in path.split("."):
        rec = rec[part]
    return rec


r = run("calibrate", "--quick", "--format", "json")
check(r.returncode == 0, f"calibrate --quick --format json: exit {r.returncode}: {r.stderr}")
lines = r.stdout.strip().splitlines()
check(len(lines) == 1, f"one JSON object on one line, got {len(lines)} lines")
rec = json.loads(r.stdout)
reasons = rec.get("reasons", {})
check(isinstance(reasons, dict), "reasons is an object")


def null_ok(path):
    check(isinstance(reasons.get(path), str) and reasons[path],
          f"{path} is null without a reason")


for path in POSITIVE + DISTS + NON_NEGATIVE + TEXTS + ["dispatch_us", "perf_events", "quick"]:
    try:
        get(rec, path)
    except (KeyError, TypeError):
        check(False, f"JSON lacks {path}")
for path in POSITIVE:
    v = rec.get(path)
    if v is None:
        null_ok(path)
    else:
        check(is_num(v) and v > 0, f"{path} = {v!r}, expected a positive number")
for path in DISTS:
    v = get(rec, path)
    if v is None:
        null_ok(path)
        continue
    check(set(v) == {"median", "p90", "samples"}, f"{path} fields: {sorted(v)}")
    check(is_num(v["median"]) and is_num(v["p90"]) and v["samples"] > 0, f"{path}: {v}")
    check(v["median"] <= v["p90"], f"{path}: median above p90: {v}")
    # A timer's lateness can be below zero for one sample (libuv's whole-millisecond clock), not
    # at the median; every other figure is a duration.
    check(v["median"] > 0, f"{path}: median {v['median']} is not positive")
for path in NON_NEGATIVE:
    v = rec.get(path)
    if v is None:
        null_ok(path)
    else:
        check(is_num(v) and v >= 0, f"{path} = {v!r}, expected >= 0")
for path in TEXTS:
    check(isinstance(rec.get(path), str) and rec[path], f"{path} is a non-empty string")
check(isinstance(rec["perf_events"], bool), "perf_events is true or false")
if rec["perf_events"] is False:
    null_ok("perf_events")
check(rec["quick"] is True, "quick is recorded")

# Consistency that holds on any machine.
if all(is_num(rec.get(k)) for k in ["physical_cores", "affinity_cpus", "usable_cores"]):
    check(1 <= rec["usable_cores"] <= rec["physical_cores"] <= rec["affinity_cpus"],
          "1 <= usable_cores <= physical_cores <= affinity_cpus")
    check(rec["fma_threads"] == rec["usable_cores"], "FMA runs one thread per usable core")
if is_num(rec.get("quota_cores")):
    check(rec["usable_cores"] <= -(-rec["quota_cores"] // 1), "usable_cores <= ceil(quota)")
if rec.get("wake_us") is None:
    check(rec["affinity_cpus"] == 1 or "wake_us" in reasons, "wake_us is null only for a reason")
if rec["fma_vector_bits"]:
    check(rec["fma_vector_bits"] in (128, 256, 512), f"vector bits {rec['fma_vector_bits']}")
# Scaling beyond the threads used would mean the figures are not what they say.
if is_num(rec.get("fma_scaling")):
    check(rec["fma_scaling"] <= rec["fma_threads"] * 1.25, f"fma_scaling {rec['fma_scaling']}")
# Quick means quick: well under a second of measuring, with room for a loaded machine.
check(rec["calibrate_s"] < 5, f"--quick took {rec['calibrate_s']} s")

# dispatch_us: one entry per executor the registry lists, each positive or null with a reason.
reg = json.loads(run("--list", "--format", "json").stdout)
names = sorted(e["name"] for e in reg["executors"])
check(sorted(rec["dispatch_us"]) == names,
      f"dispatch_us has {sorted(rec['dispatch_us'])}, the registry {names}")
for name, v in rec["dispatch_us"].items():
    if v is None:
        null_ok(f"dispatch_us.{name}")
    else:
        check(is_num(v) and 0 < v < 1000, f"dispatch_us.{name} = {v!r} us per task")
for path in reasons:
    check(get(rec, path) is None or path == "perf_events", f"a reason for {path}, which is set")

# Text: one line per figure, each naming its figure; the same figures as JSON.
r = run("calibrate", "--quick")
check(r.returncode == 0, f"calibrate --quick: exit {r.returncode}: {r.stderr}")
text_keys = {l.split()[0] for l in r.stdout.splitlines() if l.strip()}
for path in POSITIVE + DISTS + ["dispatch_us." + n for n in names]:
    check(path in text_keys, f"text output lacks a line for {path}")
check("GFLOP/s" in r.stdout and " us" in r.stdout, "text figures carry their units")
r = run("calibrate", "--quick", "--format=text")
check(r.returncode == 0, "--format=text is accepted")

# Help, and bad options: one line on stderr, exit 2, nothing on stdout.
r = run("calibrate", "--help")
check(r.returncode == 0 and "--quick" in r.stdout and "--format" in r.stdout, "calibrate --help")
for args, needle in [(["--bogus"], "--bogus"), (["--format", "xml"], "xml"),
                     (["--format"], "--format"), (["extra"], "extra"),
                     (["--quick", "-w", "noop"], "-w")]:
    r = run("calibrate", *args)
    label = "calibrate " + " ".join(args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2, f"{label}: exit {r.returncode}, expected 2")
    check(len(lines) == 1 and needle in r.stderr, f"{label}: stderr {r.stderr!r}")
    check(r.stdout == "", f"{label}: printed to stdout: {r.stdout!r}")

finish("calibrate contract holds")
