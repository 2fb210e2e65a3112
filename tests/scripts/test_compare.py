#!/usr/bin/env python3
"""NAME    test_compare.py
PURPOSE scripts/compare on fixture runs: a run against itself has no change and exits 0; a row
        made clearly slower is "slower" with its interval and fails the CI gate (exit 1), a
        faster one passes unless --fail-on changed; noise within the threshold is "no change";
        a row at different work (another matrix size) is "not comparable"; bad folders exit 2.
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
        r["params"]["size"] = 2048  # other work entirely
    newd = run_of(new, d, "new")
    rc, out, _ = compare(old, newd)
    check(rc == 1, f"a slower row fails the gate (exit {rc})")
    check("lesson: event-loop" in out and "+50.0%" in out and "slower" in out,
          "the slower row, its change and interval")
    check("-40.0%" in out and "faster" in out, "the faster row")
    check(any("lesson: sequential" in l and "no change" in l for l in out.splitlines()),
          "a 1% change within the threshold is no change")
    check(any("matmul" in l and "not comparable" in l and "size=1024 vs 2048" in l
              for l in out.splitlines()), "different work is not comparable, and says why")
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


if __name__ == "__main__":
    main()
