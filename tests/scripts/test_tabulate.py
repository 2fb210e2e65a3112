#!/usr/bin/env python3
"""NAME    test_tabulate.py
PURPOSE scripts/tabulate on fixture runs: summary.md has the machine context, one table per case
        with speed-up, winner and validity, the "where each approach wins" section and the
        not-measured rows; results.csv has one row per timed run."""
import csv
import os

from fixture import build, check, fixture, script, tmpdir


def summary_of(spec):
    d = build(fixture(spec), os.path.join(tmpdir(prefix="tab-"), "run"))
    rc, _, err = script("tabulate", d)
    check(rc == 0, f"tabulate exits 0 on {spec} ({err.strip()})")
    with open(os.path.join(d, "summary.md")) as f:
        return d, f.read()


def main():
    d, md = summary_of("holds.json")
    check("Fixture CPU, 2 usable cores" in md, "machine context on top")
    check(md.index("## Machine") < md.index("## Claims") < md.index("### lesson"),
          "order: machine, claims, cases")
    check("whole-process time" in md and "in-process" in md, "says what wall includes")
    check("| ★ event-loop | 41.0 ms ± 1.0 ms | 20.2 ms | 49.88x |" in md,
          "lesson: event-loop row has median ± sigma, in-process wall, speed-up and the winner mark")
    check("| sequential | 2.045 s ± 5.0 ms | 2.020 s | 1.00x |" in md, "sequential is 1.00x")
    check("GFLOP/s" in md and "| 99.0 |" in md, "matmul table shows GFLOP/s")
    check("## Where each approach wins" in md and "- **event-loop**: lesson (1.2x over "
          "thread-pool threads=100)" in md, "wins section names winner and margin")
    check("- **openmp**: matmul size=1024" not in md and "tie with thread-pool threads=2" in md,
          "a margin under 5% is called a tie")
    with open(os.path.join(d, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 3 * 20, f"results.csv: one row per timed run (got {len(rows)})")
    check(rows[0]["case"] == "lesson" and rows[0]["wall_s"] == "2.040000"
          and rows[0]["wall_in_s"] == "2.02", "results.csv carries hyperfine and cvpbench columns")

    _, md = summary_of("fails.json")
    check("NO (3/3 runs: checksum mismatch)" in md, "an invalid row says why")
    check("| ★ openmp" not in md, "an invalid row never wins")
    check("| event-loop | not measured: executor event-loop is not built yet |" in md,
          "missing executor shows as not measured")

    _, md = summary_of("missing.json")
    check("This run is incomplete" in md, "incomplete run is flagged")
    check(md.count("not measured: workload http is not built yet") == 2, "both rows not measured")
    check("No case had two valid executors" in md, "wins section copes with no data")


if __name__ == "__main__":
    main()
