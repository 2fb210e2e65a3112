#!/usr/bin/env python3
"""NAME    test_sigterm.py
PURPOSE SIGTERM (what a CI runner or `kill` sends) to scripts/bench.sh in the middle of a suite:
        the same promises as Ctrl-C, which tests/scripts/test_interrupt.py checks: non-zero exit,
        the run marked incomplete, the mock server it started stopped, nothing of the run left
        running, and every completed case's files intact and parseable. Reuses that test's suite
        and helpers rather than copying them.
USAGE   test_sigterm.py CVPBENCH MOCKSERVER      (exit 77 = skipped: no mock server built)"""
import glob
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
from fixture import ROOT, tmpdir  # noqa: E402
from test_interrupt import SUITE, alive, procs_mentioning, status, wait_for  # noqa: E402

from rellib import check, finish  # noqa: E402

cvpbench, mockserver = sys.argv[1], sys.argv[2]
if not os.access(mockserver, os.X_OK):
    print(f"skip: {mockserver} is not built yet")
    sys.exit(77)
tmp = tmpdir(prefix="bench-term-")
suite, results = os.path.join(tmp, "suite.txt"), os.path.join(tmp, "results")
with open(suite, "w") as f:
    f.write(SUITE)
build_dir = os.path.dirname(os.path.dirname(os.path.abspath(cvpbench)))
proc = subprocess.Popen([os.path.join(ROOT, "scripts", "bench.sh"), "--no-build", "--build-dir",
                         build_dir, "--results-dir", results, "--suite", suite, "--server",
                         "always"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
server = None
try:
    st = wait_for(lambda: (s := status(results)) and s.get("cases_done", 0) >= 2
                  and s.get("server_pid") and s, 60)
    check(st is not None, "the driver started the server and finished the first two cases")
    server = st["server_pid"] if st else None
    # Into the slow case: its cvpbench is running when the signal lands.
    check(wait_for(lambda: procs_mentioning(tmp), 10) is not None, "the slow case is running")
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
finally:
    if proc.poll() is None:
        proc.kill()  # our own child only
        proc.wait()
print(out[-2000:])
check(proc.returncode not in (0, None), f"terminated run exits non-zero ({proc.returncode})")
check(server is None or wait_for(lambda: not alive(server), 5) is not None,
      f"mock server {server} is gone")
def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return f"{pid} (gone)"


gone = wait_for(lambda: procs_mentioning(tmp) == [], 5) is not None
check(gone, "no cvpbench or hyperfine of this run is left" + (
    "" if gone else ": " + "; ".join(cmdline(p) for p in procs_mentioning(tmp))))
st = status(results)
check(st is not None and st["state"] == "incomplete" and st["cases_done"] == 2,
      f"status.json says incomplete with 2 cases done ({st and st.get('state')})")
# Every file the completed cases left parses (JSON whole, JSON lines line by line).
# The interrupted case may leave its ".tmp" folder: visibly unfinished, and never renamed.
case_dirs = sorted(d for d in glob.glob(os.path.join(results, "latest", "cases", "*"))
                   if not d.endswith(".tmp"))
bad = []
for d in case_dirs:
    for path in glob.glob(os.path.join(d, "*.json*")):
        try:
            with open(path) as f:
                if path.endswith(".jsonl"):
                    [json.loads(x) for x in f if x.strip()]
                else:
                    json.load(f)
        except (OSError, ValueError) as e:
            bad.append(f"{path}: {e}")
check(len(case_dirs) == 2 and not bad,
      f"the 2 completed cases' files parse ({[os.path.basename(d) for d in case_dirs]}; bad: {bad})")
finish("SIGTERM: completed cases kept, run marked incomplete, server stopped")
