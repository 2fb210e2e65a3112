#!/usr/bin/env python3
"""NAME    test_registries.py
PURPOSE Adding a claim and a plot touches one module each plus a suite tag: in a copy of
        scripts/, a toy claim module (cvp/claims/ctoy.py, found by the claims registry) and a
        toy plot entry (one register() call appended to cvp/plots.py); a fixture run tags a case
        with the toy claim's id. tabulate judges it into claims.json with its unit, plot and
        case; the answer, summary.md and report.html show it, the claim links to its plot, and
        scripts/plot draws the plot (when gnuplot is installed).
USAGE   test_registries.py PATH/TO/cvpbench"""
import filecmp
import json
import os
import shutil
import subprocess
import sys

from fixture import SCRIPTS, build, check, fixture, tmpdir

TOY_CLAIM = '''"""NAME    claims/ctoy.py
PURPOSE A toy claim (test_registries.py): every tagged case has at least one row."""
from . import claim
from ._kit import Claim, exact

ID = "CT"


@claim(ID, unit="GFLOP/s", plot="toy")
def judge(run, costs):
    c = Claim(ID, "a toy claim: every tagged case has rows", "rows >= 1", "at least 1")
    for case in run.tagged(ID):
        c.point(case, f"{case.name} rows", exact(float(len(case.rows))), 1.0, None)
        c.text(f"{case.name}: >= 1 row", f"{case.name}: {len(case.rows)} rows")
    return c.done()
'''

TOY_PLOT = '''

def _toy(run, verdicts, d):
    return ["set title 'toy'", "plot x title 'a toy line'"]


register(Plot("toy", "A toy plot", "What the toy plot shows.", _toy))
'''


def run(scripts, tool, *args):
    r = subprocess.run([sys.executable, os.path.join(scripts, tool), *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr


def read(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return f.read()


def main():
    tmp = tmpdir(prefix="registries-")
    scripts = os.path.join(tmp, "scripts")
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    with open(os.path.join(scripts, "cvp", "claims", "ctoy.py"), "w") as f:
        f.write(TOY_CLAIM)
    with open(os.path.join(scripts, "cvp", "plots.py"), "a") as f:
        f.write(TOY_PLOT)
    cmp = filecmp.dircmp(os.path.join(SCRIPTS, "cvp"), os.path.join(scripts, "cvp"))
    changed = cmp.diff_files + [f"claims/{f}" for f in cmp.subdirs["claims"].right_only
                                if f != "__pycache__"]
    check(sorted(changed) == ["claims/ctoy.py", "plots.py"],
          f"the toy claim and plot touch one module each ({changed})")

    with open(fixture("holds.json")) as f:
        spec = json.load(f)
    lesson = next(c for c in spec["cases"] if c["name"] == "lesson")
    lesson["claims"].append("CT")  # the suite tag
    with open(os.path.join(tmp, "spec.json"), "w") as f:
        json.dump(spec, f)
    d = build(os.path.join(tmp, "spec.json"), os.path.join(tmp, "run"))

    rc, err = run(scripts, "tabulate", d)
    check(rc == 0, f"tabulate with the toy claim exits 0 ({err.strip()[:300]})")
    verdicts = json.loads(read(d, "claims.json"))
    toy = next((v for v in verdicts if v["id"] == "CT"), None)
    check(toy and toy["verdict"] == "holds" and toy["unit"] == "GFLOP/s"
          and toy["plot"] == "toy" and toy["cases"] == ["lesson"],
          f"claims.json has the toy claim: holds, GFLOP/s, plot toy, case lesson ({toy})")
    held = sum(v["verdict"] == "holds" for v in verdicts)
    check(f"Claims: {held} of {len(verdicts)} hold." in read(d, "answer.txt"),
          f"the answer counts it among {len(verdicts)} claims")
    check("| CT: a toy claim: every tagged case has rows | **holds** |" in read(d, "summary.md"),
          "summary.md lists the toy claim")
    if shutil.which("gnuplot"):
        rc, err = run(scripts, "plot", d)
        check(rc == 0 and os.path.exists(os.path.join(d, "plots", "toy.svg")),
              f"scripts/plot draws the toy plot ({err.strip()[:200]})")
    rc, err = run(scripts, "report", d)
    check(rc == 0, f"report with the toy claim exits 0 ({err.strip()[:300]})")
    page = read(d, "report.html")
    check('id="claim-CT"' in page and '<a class="see" href="#plot-toy">see the toy plot</a>'
          in page, "report.html shows the toy claim, linked to its plot")
    check('id="plot-toy"' in page and "A toy plot (CT)" in page and "What the toy plot shows."
          in page, "report.html has the toy plot's figure, titled with its claim")
    # The real scripts/ knows nothing of the toy.
    rc, err = run(SCRIPTS, "tabulate", d)
    check(rc == 0 and all(v["id"] != "CT" for v in json.loads(read(d, "claims.json"))),
          "the unchanged scripts/ has no toy claim")


if __name__ == "__main__":
    main()
