#!/usr/bin/env python3
"""NAME    test_claims.py
PURPOSE scripts/claims on fixture runs: every claim holds on good data; a claim whose interval lies
        outside its band does not hold and makes --check exit 1; a noisy run whose interval
        straddles the band is inconclusive ("too noisy"), never a verdict either way; a run
        disturbed by other processes, or whose clock moved by more than 10%, can hold but never
        fail; severe outliers (Tukey's fences) make a point that would fail inconclusive ("too
        noisy: N severe outliers"); a process pool that records its transfer per task is judged
        against its modelled band (where the fixed 0.8-1.1 x ideal band said "does not hold");
        missing data is inconclusive ("not measured") and never fails the check.
USAGE   test_claims.py PATH/TO/cvpbench"""
import json
import os
import sys

from fixture import SCRIPTS, build, check, fixture, script, tmpdir

sys.path.insert(0, SCRIPTS)
from cvp import constants, htmlconstants, results  # noqa: E402


def verdicts(spec, *extra):
    d = build(spec if os.path.isabs(spec) else fixture(spec),
              os.path.join(tmpdir(prefix="claims-"), "run"))
    rc, out, err = script("claims", d, "--json", *extra)
    return rc, {v["id"]: v for v in json.loads(out)}, d


def main():
    rc, v, d = verdicts("holds.json", "--check")
    check(rc == 0, "--check exits 0 when every measured claim holds")
    for cid in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        check(v[cid]["verdict"] == "holds", f"{cid} holds on good data ({v[cid]['measured']})")
        check(v[cid]["model"] and v[cid]["tolerance"], f"{cid} states its model and tolerance")
        check(all(p["measured"] and len(p["band"]) == 2 for p in v[cid]["points"]),
              f"{cid}: every point carries its measured interval and its band")
    check("9.0 KiB per thread, 0.22 KiB per loop task" in v["C6"]["measured"], "C6 slopes")
    check("T=2: 2.00x" in v["C4"]["predicted"] and "(usable cores here = 2)" in v["C4"]["title"],
          "C4 predicts from the usable cores")
    check("[" in v["C4"]["measured"] and "x]" in v["C4"]["measured"],
          f"speed-ups carry their interval ({v['C4']['measured']})")
    check("assumed, not measured" in v["C2"]["tolerance"],
          "without machine.json the models say their costs were assumed")
    rc, out, _ = script("claims", d)
    check(rc == 0 and "C1         holds" in out, "plain output lists verdicts")

    rc, v, _ = verdicts("fails.json", "--check")
    check(rc == 1, "--check exits 1 when a measured claim does not hold")
    check(v["C3"]["verdict"] == "does not hold" and "1.46x" in v["C3"]["measured"],
          f"C3 fails: the loop took 1.46x sequential ({v['C3']['measured']})")
    check(v["C4"]["verdict"] == "does not hold" and "1.17x" in v["C4"]["measured"],
          "C4 fails: 1.17x on 2 cores (the invalid openmp row is ignored)")
    check(v["C1"]["verdict"] == "inconclusive" and v["C1"]["reason"] == "not measured",
          "C1 without an event-loop row: inconclusive, not measured")
    rc, _, _ = verdicts("fails.json")
    check(rc == 0, "without --check the exit status stays 0")

    rc, v, _ = verdicts("noisy.json", "--check")
    check(v["C4"]["verdict"] == "inconclusive" and "too noisy" in v["C4"]["reason"],
          f"a noisy speed-up is inconclusive ({v['C4']['reason']}; {v['C4']['measured']})")
    check(rc == 0, "--check passes an inconclusive claim (nothing failed)")
    check(v["C3"]["verdict"] == "holds", "... while the steady rows of the same run still hold")

    rc, v, _ = verdicts("disturbed.json", "--check")
    check(v["C4"]["verdict"] == "inconclusive" and "disturbed" in v["C4"]["reason"],
          f"a speed-up measured under other load is inconclusive, never 'does not hold' "
          f"({v['C4']['reason']})")
    check(v["C3"]["verdict"] == "holds", "a disturbed case can still hold")
    check(rc == 0, "--check passes a disturbed run")

    rc, v, _ = verdicts("clock.json", "--check")
    check(rc == 0 and all(v[c]["verdict"] == "inconclusive" for c in ("C3", "C4")),
          "a case whose clock moved 20% cannot fail")
    check("the clock moved 20% during the case" in v["C4"]["reason"],
          f"... and says why ({v['C4']['reason']})")

    rc, v, d = verdicts("outliers.json", "--check")
    check(rc == 0 and v["C4"]["verdict"] == "inconclusive"
          and v["C4"]["reason"].endswith("too noisy: 1 severe outlier"),
          f"a point with a severe outlier is inconclusive, never fails ({v['C4']['reason']})")
    row = next(r for c in results.Run(d).cases for r in c.rows if r.executor == "thread-pool")
    check(row.outliers == {"mild": 0, "severe": 1} and "1 severe" in row.samples_label(),
          f"the row keeps its outliers by Tukey's fences ({row.samples_label()})")

    rc, v, _ = verdicts("pool.json", "--check")
    p = v["CP"]["points"][0]
    check(v["CP"]["verdict"] == "holds" and p["verdict"] == "holds" and p["band"][0] < 1.2
          and p["band"][1] == 2.0 and p["measured"][2] < 0.8 * 2.0,
          f"a pool paying 1.5 ms per task is judged against its model, not 0.8 x ideal "
          f"({p['measured'][:3]} in {p['band']})")
    check("50 x 1500 us transfer" in v["CP"]["predicted"], f"CP states its model's figures "
          f"({v['CP']['predicted']})")
    with open(fixture("pool.json")) as f:
        spec = json.load(f)
    del spec["cases"][0]["rows"][1]["extra"]["workload_metrics"]["transfer_us_per_task"]
    path = os.path.join(tmpdir(prefix="claims-"), "pool-fixed.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    rc, v, _ = verdicts(path, "--check")
    check(rc == 1 and v["CP"]["verdict"] == "does not hold",
          "the same pool without its recorded costs: the fixed band says it does not hold")

    # A pool measured faster than two cores allow (2.5x): between two processes that ran the
    # hash at the same speed that is a failure; when they measured their own speeds 1.5x apart
    # (CPython processes do, by chance), a ratio across them is known no closer: inconclusive.
    with open(fixture("pool.json")) as f:
        spec = json.load(f)
    spec["cases"][0]["rows"][1]["wall_in"] = 0.08
    for rate, want in ((4.25, "does not hold"), (6.4, "inconclusive")):
        for row, here in zip(spec["cases"][0]["rows"], (4.25, rate)):
            row["extra"]["workload_metrics"]["hash_rounds_per_us_here"] = here
        path = os.path.join(tmpdir(prefix="claims-"), "pool-fast.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        rc, v, _ = verdicts(path, "--check")
        p = v["CP"]["points"][0]
        check(p["verdict"] == want and (want != "inconclusive" or "apart in speed" in p["reason"]),
              f"a pool at 2.5x, processes {rate / 4.25:.2f}x apart in speed: {want} "
              f"({p['verdict']}: {p['reason']})")

    html = htmlconstants.section()
    check(all(c["name"] in html and c["kind"] in htmlconstants.KINDS for c in constants.TABLE),
          f"the report's table shows all {len(constants.TABLE)} constants not measured here")
    from cvp.claims import c4, c14, cp  # noqa: E402
    check(c4.C4_BAND is constants.SPEEDUP_BAND and c14.SAME is constants.PROCESS_SAME
          and cp.NO_SPEEDUP == constants.NO_SPEEDUP, "the claims take their figures from it")

    rc, v, _ = verdicts("missing.json", "--check")
    check(rc == 0, "--check passes when nothing was measured (nothing failed)")
    check(all(x["verdict"] == "inconclusive" and x["reason"] == "not measured"
              for x in v.values()), "all claims inconclusive: not measured")


if __name__ == "__main__":
    main()
