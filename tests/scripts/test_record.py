#!/usr/bin/env python3
"""NAME    test_record.py
PURPOSE Judge once, render from the record: tabulate judges the claims into claims.json (each
        with its unit, evidence plot and cases); a verdict changed by hand in claims.json is the
        verdict that the answer, summary.md and report.html show after re-rendering (tabulate
        --render, scripts/report), which judge nothing; without claims.json each renderer says
        so in one line naming scripts/tabulate and exits 2.
USAGE   test_record.py PATH/TO/cvpbench"""
import json
import os
import shutil

from fixture import build, check, fixture, script, tmpdir


def read(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return f.read()


def main():
    d = build(fixture("holds.json"), os.path.join(tmpdir(prefix="record-"), "run"))
    rc, _, err = script("tabulate", d)
    check(rc == 0, f"tabulate judges and renders ({err.strip()[:200]})")
    verdicts = json.loads(read(d, "claims.json"))
    by = {v["id"]: v for v in verdicts}
    check(by["C2"]["verdict"] == "holds" and by["C2"]["unit"] == "s"
          and by["C2"]["plot"] == "io-cap" and by["C2"]["cases"] == ["cap"]
          and all(p["unit"] == "s" for p in by["C2"]["points"]),
          "claims.json: C2 holds, in seconds, evidence io-cap, read from case cap")
    check(by["C4"]["unit"] == "x" and by["C6"]["unit"] == "KiB",
          "claims.json: a ratio claim's unit is x, the memory claim's KiB")

    # Change a verdict by hand, then re-render without judging.
    by["C2"].update(verdict="does not hold", reason="edited by hand for the test")
    with open(os.path.join(d, "claims.json"), "w", encoding="utf-8") as f:
        json.dump(verdicts, f, indent=1)
    before = read(d, "claims.json")
    rc, _, err = script("tabulate", d, "--render")
    check(rc == 0, f"tabulate --render exits 0 ({err.strip()[:200]})")
    check(read(d, "claims.json") == before, "tabulate --render leaves claims.json as it was")
    answer = read(d, "answer.txt")
    check("C2 does not hold:" in answer and "(edited by hand for the test)" in answer,
          "the answer shows the edited verdict")
    held = sum(v["verdict"] == "holds" for v in verdicts)
    check(f"Claims: {held} of {len(verdicts)} hold." in answer, "the answer's count follows it")
    summary = read(d, "summary.md")
    check("**does not hold** (edited by hand for the test)" in summary,
          "summary.md shows the edited verdict")
    rc, _, err = script("report", d)
    check(rc == 0, f"scripts/report exits 0 ({err.strip()[:200]})")
    page = read(d, "report.html")
    check('<article class="claim fails" id="claim-C2">' in page
          and "edited by hand for the test" in page, "report.html shows the edited verdict")

    # No record: each renderer says so in one line, naming the command that writes it.
    os.remove(os.path.join(d, "claims.json"))
    tools = [("report",), ("tabulate", "--render")] + ([("plot",)] if shutil.which("gnuplot")
                                                       else [])
    for tool in tools:
        rc, out, err = script(tool[0], d, *tool[1:])
        check(rc == 2 and len(err.strip().splitlines()) == 1 and "claims.json is missing" in err
              and "scripts/tabulate" in err,
              f"{' '.join(tool)} without claims.json: exit 2, one line ({err.strip()})")
    rc, _, err = script("tabulate", d)
    check(rc == 0 and json.loads(read(d, "claims.json"))[1]["verdict"] == "holds",
          "tabulate (judging) writes claims.json again, with C2 judged anew")


if __name__ == "__main__":
    main()
