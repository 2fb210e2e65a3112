#!/usr/bin/env python3
"""NAME    test_tabulate.py
PURPOSE scripts/tabulate on fixture runs: summary.md has the machine context and the one-time-basis
        sentence, one table per case with the in-process median and its interval, the speed-up
        with its interval, the whole-process time apart, winners and ties, the "where each
        approach wins" section and the not-measured rows; results.csv has one row per sample with
        each parameter in a column of its own.
USAGE   test_tabulate.py PATH/TO/cvpbench"""
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
    check(md.count("**One time basis.**") == 1 and "in-process timed region" in md,
          "the time basis is said once")
    check("| ★ event-loop | 20.2 ms [20.2 ms, 20.2 ms] | 100.00x [100.00, 100.00] | 41.0 ms |"
          in md, "lesson: median [interval], speed-up [interval], the process time apart, ★")
    check("| sequential | 2.020 s [2.016 s, 2.024 s] | 1.00x [1.00, 1.00] | 2.045 s |" in md,
          "sequential is 1.00x")
    check("GFLOP/s" in md and "| 99.0 |" in md, "matmul table shows GFLOP/s")
    check("## Where each approach wins" in md and "- **event-loop**: lesson (1.04x [1.04, 1.04] "
          "over thread-pool threads=100)" in md, "wins section names winner and margin")
    with open(os.path.join(d, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 20 * 6, f"results.csv: one row per sample (got {len(rows)})")
    check(rows[0]["case"] == "lesson" and rows[0]["latency-ms"] == "20"
          and rows[0]["tasks"] == "100" and float(rows[0]["wall_in_s"]) > 2,
          "results.csv: parameters in columns of their own, the in-process time per sample")

    _, md = summary_of("noisy.json")
    check("☆ thread-pool threads=2" in md and "☆ openmp threads=2" in md,
          "rows whose intervals do not separate are marked as tied")
    check("tied with" in md, "the wins section says tie, not a winner")

    _, md = summary_of("fails.json")
    check("NO (6/6 samples: checksum mismatch)" in md, f"an invalid row says why")
    check("| ★ openmp" not in md, "an invalid row never wins")
    check("| event-loop | not measured: executor event-loop is not built yet |" in md,
          "missing executor shows as not measured")

    _, md = summary_of("missing.json")
    check("This run is incomplete" in md, "incomplete run is flagged")
    check(md.count("not measured: workload http is not built yet") == 2, "both rows not measured")
    check("No case had two valid executors" in md, "wins section copes with no data")


if __name__ == "__main__":
    main()
