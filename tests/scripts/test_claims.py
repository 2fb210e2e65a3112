#!/usr/bin/env python3
"""NAME    test_claims.py
PURPOSE scripts/claims on fixture runs: every claim holds on good data; a claim that fails makes
        --check exit 1; missing data is "not measured" and never fails the check."""
import json
import os

from fixture import build, check, fixture, script, tmpdir


def verdicts(spec, *extra):
    d = build(fixture(spec), os.path.join(tmpdir(prefix="claims-"), "run"))
    rc, out, err = script("claims", d, "--json", *extra)
    return rc, {v["id"]: v for v in json.loads(out)}, d


def main():
    rc, v, d = verdicts("holds.json", "--check")
    check(rc == 0, "--check exits 0 when every measured claim holds")
    for cid in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        check(v[cid]["verdict"] == "holds", f"{cid} holds on good data ({v[cid]['measured']})")
        check(v[cid]["model"] and v[cid]["tolerance"], f"{cid} states its model and tolerance")
    check("9.0 KiB per thread, 0.22 KiB per loop task" in v["C6"]["measured"], "C6 slopes")
    check("T=2: 2.00x" in v["C4"]["predicted"] and "(cores = 2)" in v["C4"]["title"],
          "C4 predicts from the detected cores")
    rc, out, _ = script("claims", d)
    check(rc == 0 and "C1         holds" in out, "plain output lists verdicts")

    rc, v, _ = verdicts("fails.json", "--check")
    check(rc == 1, "--check exits 1 when a measured claim does not hold")
    check(v["C3"]["verdict"] == "does not hold" and "ratio 1.46" in v["C3"]["measured"],
          "C3 fails: the loop took 1.46x sequential")
    check(v["C4"]["verdict"] == "does not hold" and "1.17x" in v["C4"]["measured"],
          "C4 fails: 1.17x on 2 cores (the invalid openmp row is ignored)")
    check(v["C1"]["verdict"] == "not measured", "C1 without an event-loop row: not measured")
    rc, _, _ = verdicts("fails.json")
    check(rc == 0, "without --check the exit status stays 0")

    rc, v, _ = verdicts("missing.json", "--check")
    check(rc == 0, "--check passes when nothing was measured (nothing failed)")
    check(all(x["verdict"] == "not measured" for x in v.values()), "all claims not measured")


if __name__ == "__main__":
    main()
