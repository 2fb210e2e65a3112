#!/usr/bin/env python3
"""NAME    test_readme.py
PURPOSE The README cannot go stale: its generated sections equal what scripts/readme writes from
        results/sample (the committed sample and its claims.json); on a fixture sample without
        claims.json it says so in one line (exit 2); once tabulate wrote it, writing then
        checking passes, and a figure edited by hand makes --check exit 1 naming the difference.
        Its "Which should I use?" has the advice in Python exactly when the sample has the
        Python map (claim CM).
USAGE   test_readme.py PATH/TO/cvpbench"""
import json
import os
import shutil
import subprocess
import sys

from fixture import ROOT, SCRIPTS, build, check, fixture, script, tmpdir


def readme(*args):
    r = subprocess.run([sys.executable, os.path.join(SCRIPTS, "readme"), *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def main():
    rc, out = readme("--check")
    check(rc == 0, f"README.md matches results/sample ({out.strip()[:300]})")
    with open(os.path.join(ROOT, "results", "sample", "claims.json"), encoding="utf-8") as f:
        has_cm = any(v["id"] == "CM" and v.get("cases") for v in json.load(f))
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    advice = text[text.find("BEGIN GENERATED advice"):text.find("END GENERATED advice")]
    check(("\n### In Python\n" in advice) == has_cm and ("py-" in advice) == has_cm,
          f"the README's advice is in Python too exactly when the sample has the Python map "
          f"(CM: {has_cm})")

    d = tmpdir(prefix="readme-")
    sample = build(fixture("holds.json"), os.path.join(d, "sample"))
    rc, out = readme("--check", "--sample", sample, "--readme", os.path.join(ROOT, "README.md"))
    check(rc == 2 and "claims.json is missing" in out and "scripts/tabulate" in out
          and len(out.strip().splitlines()) == 1,
          f"a sample without claims.json: exit 2, one line naming scripts/tabulate ({out.strip()})")
    # The README renders from the sample's record of verdicts, as tabulate writes it.
    rc, _, err = script("tabulate", sample)
    check(rc == 0, f"tabulate writes the fixture sample's claims.json ({err.strip()})")
    copy = os.path.join(d, "README.md")
    shutil.copy(os.path.join(ROOT, "README.md"), copy)
    rc, out = readme("--sample", sample, "--readme", copy)
    check(rc == 0, f"writes the sections from a sample ({out.strip()})")
    with open(copy) as f:
        text = f.read()
    check("Fixture CPU (2 usable cores" in text and "**The lesson: 100 requests that each wait "
          "20 ms**" in text and "claims hold" in text,
          "the sections carry the sample's machine, lesson and verdict count")
    rc, out = readme("--check", "--sample", sample, "--readme", copy)
    check(rc == 0, "a freshly written README checks clean")
    with open(copy, "w") as f:
        f.write(text.replace("2.020 s [2.016 s, 2.024 s]", "1.500 s [1.496 s, 1.504 s]"))
    rc, out = readme("--check", "--sample", sample, "--readme", copy)
    check(rc == 1 and "disagrees with the sample" in out and "1.500 s" in out,
          "a figure edited by hand fails the check, and the diff shows it")


if __name__ == "__main__":
    main()
