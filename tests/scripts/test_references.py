#!/usr/bin/env python3
"""NAME    test_references.py
PURPOSE The suite driver with reference programs (reference/): a reference row runs as its own
        process and lands in the case's table beside cvpbench's arms at the same point, with its
        samples, never paired by round with them; a reference whose runtime is missing is "not
        measured" with its reason, never an error; the suite parser refuses a reference that
        does not run the case's workload or a setting it does not read. No mock server: sleep.
USAGE   test_references.py PATH/TO/cvpbench"""
import json
import os
import subprocess
import sys

from fixture import ROOT, check, cvpbench, tmpdir

sys.path.insert(0, os.path.join(ROOT, "scripts"))
from cvp import registry, results, stats, suite  # noqa: E402

SUITE = """ci 0
runs 3
warmup 0
process-runs 0
case refs
  workload  sleep
  params    tasks=20 latency-ms=5
  executor  event-loop
  executor  py-asyncio
  executor  node
  claims    CL
"""


def main():
    binary = cvpbench()
    d = tmpdir(prefix="refs-")
    path = os.path.join(d, "suite.txt")
    with open(path, "w") as f:
        f.write(SUITE)
    # Node "not installed" (the programs' test hook); asyncio needs nothing beyond Python.
    env = dict(os.environ, CVP_REF_PRETEND_MISSING="nodejs")
    r = subprocess.run([os.path.join(ROOT, "scripts", "bench.sh"), "--suite", path, "--no-build",
                        "--build-dir", os.path.dirname(os.path.dirname(binary)),
                        "--results-dir", os.path.join(d, "results"), "--server", "never"],
                       capture_output=True, text=True, timeout=300, env=env)
    check(r.returncode == 0, f"the suite runs ({r.returncode}: {r.stderr.strip()[-400:]})")
    run_dir = os.path.join(d, "results", "latest")
    case = results.Run(run_dir).cases[0]
    by = {row.executor: row for row in case.rows}
    check(set(by) == {"event-loop", "py-asyncio"}, f"rows: {sorted(by)}")
    ref = by.get("py-asyncio")
    check(ref is not None and ref.reference and len(ref.samples) == 3 and ref.valid,
          "the reference row has its 3 samples, valid")
    check(ref and all(s.get("reference") for s in ref.samples), "its samples say reference")
    check(ref and ref.point_index == by["event-loop"].point_index, "it shares the loop's point")
    loop = by["event-loop"]
    check(ref and ref.ratio(loop) == stats.ratio_of(ref.est, loop.est),
          "never paired by round with cvpbench's arms (it ran alone)")
    check(ref and ref.schedule and ref.schedule.on_loop, "its rule (--describe) gives its schedule")
    nm = case.not_measured
    check(len(nm) == 1 and nm[0]["executor"] == "node" and "not installed" in nm[0]["reason"],
          f"a missing runtime is not measured, with its reason: {nm}")
    with open(os.path.join(run_dir, "summary.md")) as f:
        md = f.read()
    check("py-asyncio" in md and "not measured" in md, "the table shows both")

    reg = registry.from_binary(binary)
    for text, what in (("  executor  openblas\n", "a reference that does not run sleep"),
                       ("  executor  py-asyncio threads=2\n", "a setting it does not read")):
        bad = os.path.join(d, "bad.txt")
        with open(bad, "w") as f:
            f.write("case x\n  workload sleep\n" + text)
        try:
            suite.parse(bad, 2, reg)
            check(False, f"the parser refuses {what}")
        except suite.SuiteError as e:
            check(":3:" in str(e), f"the parser refuses {what}: {e}")
    print("references: rows beside cvpbench's, not measured when missing")


if __name__ == "__main__":
    main()
