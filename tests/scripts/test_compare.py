#!/usr/bin/env python3
"""NAME    test_compare.py
PURPOSE scripts/compare on fixture runs: a run against itself has no change and exits 0; a row
        made clearly slower is "slower" with its interval and fails the CI gate (exit 1), a
        faster one passes unless --fail-on changed; noise within the threshold is "no change";
        a row at different work (another wait) is "not comparable"; bad folders exit 2; runs of
        two machines (issue 23 item 6): their differences and a one-sided disturbance lead the
        output, matmul compares by GFLOP/s at any matrix order, other task counts per task.
USAGE   test_compare.py PATH/TO/cvpbench"""
import copy
import json
import os
import subprocess
import sys

from fixture import SCRIPTS, build, check, fixture, tmpdir


def run_of(spec, d, name):
    path = os.path.join(d, f"{name}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return build(path, os.path.join(d, name))


def compare(*args):
    r = subprocess.run([sys.executable, os.path.join(SCRIPTS, "compare"), *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def main():
    d = tmpdir(prefix="cmp-")
    with open(fixture("holds.json")) as f:
        base = json.load(f)
    old = run_of(base, d, "old")
    rc, out, _ = compare(old, old)
    check(rc == 0 and "\n0 faster, 0 slower" in out, "a run against itself: no change, exit 0")

    new = copy.deepcopy(base)
    lesson = new["cases"][0]["rows"]
    lesson[1]["wall_in"] *= 1.5  # event-loop 50% slower
    lesson[2]["wall_in"] *= 0.6  # thread-pool 40% faster
    lesson[0]["wall_in"] *= 1.01  # sequential: 1%, noise
    matmul = next(c for c in new["cases"] if c["name"] == "matmul")
    for r in matmul["rows"]:
        r["params"]["size"] = 2048  # another matrix order: the same GFLOP/s is no change
    stall = next(c for c in new["cases"] if c["name"] == "stall")
    for r in stall["rows"]:
        r["params"]["latency-ms"] = 60  # other work entirely
    newd = run_of(new, d, "new")
    rc, out, _ = compare(old, newd)
    check(rc == 1, f"a slower row fails the gate (exit {rc})")
    check("lesson: event-loop" in out and "+50.0%" in out and "slower" in out,
          "the slower row, its change and interval")
    check("-40.0%" in out and "faster" in out, "the faster row")
    check(any("lesson: sequential" in l and "no change" in l for l in out.splitlines()),
          "a 1% change within the threshold is no change")
    check(any("matmul: sequential" in l and "GFLOP/s" in l and "no change" in l and
              "size=1024 vs 2048" in l for l in out.splitlines()),
          "another matrix order compares by GFLOP/s, and says which work differed")
    check(any("stall" in l and "not comparable" in l and "latency-ms=50 vs 60" in l
              for l in out.splitlines()),
          "other work (another wait) is not comparable, and says why")
    rc, _, _ = compare(old, newd, "--fail-on", "never")
    check(rc == 0, "--fail-on never always passes")
    only_faster = copy.deepcopy(base)
    only_faster["cases"][0]["rows"][2]["wall_in"] *= 0.6
    fd = run_of(only_faster, d, "faster")
    check(compare(old, fd)[0] == 0 and compare(old, fd, "--fail-on", "changed")[0] == 1,
          "faster passes the default gate, not --fail-on changed")
    rc, out, _ = compare(old, newd, "--json")
    doc = json.loads(out)
    check(doc["counts"]["slower"] >= 1 and all(len(x["change"]) == 4 for x in doc["rows"]
                                               if x["change"]), "--json carries the intervals")
    rc, _, err = compare(old, "/nonexistent")
    check(rc == 2 and "not a run folder" in err, "a folder that is not a run: exit 2")
    # Issue 24: a threshold that is negative, not finite or 100% and more is refused, one line,
    # before any verdict (-5 called every row of a run against itself slower; nan, inf passed).
    for bad in ("-5", "-0.1", "nan", "inf", "-inf", "100", "1e309"):
        rc, out, err = compare(old, old, f"--threshold={bad}")
        check(rc == 2 and "--threshold" in err and len(err.strip().splitlines()) == 1 and
              not out.strip(), f"--threshold {bad}: exit 2, one line (exit {rc}: {err.strip()!r})")
    rc, out, _ = compare(old, old, "--threshold", "0")
    check(rc == 0 and "\n0 faster, 0 slower" in out, "--threshold 0 is allowed")

    machines(d, base, old)


def machines(d, base, old):
    """Issue 23 item 6: runs from two machines. The differences in CPU, vector extensions,
    cores, -march and disturbance lead the output; matmul rows at other matrix orders and task
    counts compare by GFLOP/s, rows at other task counts by time per task."""
    other = copy.deepcopy(base)
    base_ctx = copy.deepcopy(base)
    base_ctx["context"].update(cpu_vector_ext="sse2 avx avx2 fma", build_march="native")
    oldv = run_of(base_ctx, d, "old-vec")
    other["context"].update(cpu_model="Other CPU", cpu_vector_ext="sse2 avx avx2 fma avx512f",
                            cores=8, nproc=8, build_march="x86-64-v4")
    matmul = next(c for c in other["cases"] if c["name"] == "matmul")
    for r in matmul["rows"]:
        r["params"].update(size=2048, tasks=64)
        if r["executor"] == "sequential":
            r["gflops"] = 26.0  # half the rate: each FLOP takes twice as long
    matmul["load"] = {"other_cores": 1.5}  # disturbed on NEW only
    stall = next(c for c in other["cases"] if c["name"] == "stall")
    for r in stall["rows"]:
        r["params"]["tasks"] = 20
        if r["executor"] == "sequential":
            r["wall_in"] *= 2  # twice the tasks in twice the time: the same per task
    od = run_of(other, d, "other")
    rc, out, _ = compare(oldv, od)
    lines = out.splitlines()
    first_row = next(i for i, l in enumerate(lines) if l.startswith("lesson:"))
    head = "\n".join(lines[:first_row])
    check(lines[0].startswith("WARNING") and "CPU model: OLD Fixture CPU / NEW Other CPU"
          in head and "vector extensions: OLD sse2 avx avx2 fma / NEW" in head and
          "avx512f" in head and
          "cores: OLD 2 / NEW 8" in head and "build -march: OLD native / NEW "
          "x86-64-v4" in head, f"the machines' differences lead the output:\n{head}")
    check("NEW was disturbed where the other was not, in 1 case: matmul" in head,
          "a case disturbed on one side only is named up front")
    mm = {l.split("  ")[0].strip(): l for l in lines if l.startswith("matmul: ")}
    check(mm and all("GFLOP/s" in l and "not comparable" not in l for l in mm.values()),
          f"every matmul row compares by GFLOP/s: {list(mm.values())[:2]}")
    check("slower" in mm["matmul: sequential"] and "+100.0%" in mm["matmul: sequential"] and
          "size=1024 vs 2048, tasks=16 vs 64" in mm["matmul: sequential"] and
          "[NEW disturbed]" in mm["matmul: sequential"],
          f"half the GFLOP/s is +100% time per FLOP, slower: {mm['matmul: sequential']}")
    check("no change" in mm["matmul: openmp threads=2"], "the same GFLOP/s at another size")
    seq = next(l for l in lines if l.startswith("stall: sequential"))
    check("per task" in seq and "no change" in seq and "/task" in seq,
          f"twice the tasks in twice the time: the same time per task ({seq})")
    check(rc == 1, f"the slower GFLOP/s row fails the gate as before (exit {rc})")
    doc = json.loads(compare(oldv, od, "--json")[1])
    check(len(doc["warnings"]) == 5 and any(x["basis"] == "GFLOP/s" for x in doc["rows"]),
          f"--json carries the warnings and each row's basis: {doc['warnings']}")
    rc, out, _ = compare(oldv, oldv)
    check(rc == 0 and "WARNING" not in out, "one machine: no warning")
    rc, out, _ = compare(old, od)
    check("vector extensions" not in out and "CPU model: OLD" in out,
          "a fact one side did not record is not called a difference")


if __name__ == "__main__":
    main()
