#!/usr/bin/env python3
"""NAME    test_advise.py
PURPOSE cvpbench advise: on a small mix it times the executors at their best settings, prints
        each with its interval and model, a recommendation (or a tie) and the model's reasoning,
        names what the model ruled out, and stops its mock server; bad durations exit 2.
USAGE   test_advise.py PATH/TO/cvpbench"""
import os
import subprocess

from fixture import check, cvpbench


def advise(*args):
    r = subprocess.run([cvpbench(), "advise", *args], capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def main():
    mock = os.path.join(os.path.dirname(cvpbench()), "mockserver")
    if not os.access(mock, os.X_OK):
        print(f"skip: {mock} is not built")
        return 77
    rc, out, err = advise("--latency", "2ms", "--work", "100us", "--tasks", "40",
                          "--max-time", "2")
    check(rc == 0, f"advise runs ({err.strip()[-300:]})")
    rows = [l for l in out.splitlines() if " model " in l and not l.startswith("(")]
    check(len(rows) >= 4 and all("[" in l and "]" in l for l in rows),
          f"every executor timed with its interval and its model ({len(rows)} rows)")
    check(("Use " in out) and "Why: " in out, "a recommendation and the model's reasoning")
    check(not any(os.path.basename(mock) in p for p in _ps()), "its mock server is stopped")
    rc, out, _ = advise("--latency", "30ms", "--work", "200us", "--tasks", "300", "--max-time",
                        "1")
    check(rc == 0 and "not timed: sequential" in out,
          "a setting the model rules out is named, not timed")
    rc, _, err = advise("--latency", "30", "--work", "1ms", "--tasks", "10")
    check(rc == 2 and "duration" in err, "a duration without its unit: exit 2")
    return 0


def _ps():
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
            if "cvp-advise-" in cmd:
                out.append(cmd)
        except OSError:
            pass
    return out


if __name__ == "__main__":
    raise SystemExit(main())
