#!/usr/bin/env python3
"""NAME    test_sqlite.py
PURPOSE The sqlite and dbfetch workloads: every executor validates point lookups, range
        aggregates and updates; a wrong value in the database fails the run; the loop form hands
        queries to libuv's pool (recorded with its size), the blocking form uses a connection per
        thread; updates are counted and add up; busy waits are recorded; dbfetch's query runs on
        the loop thread under event-loop and on worker threads under hybrid; no temporary folder
        is left behind.
USAGE   test_sqlite.py CVPBENCH MOCKSERVER"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, bench_in, check, finish  # noqa: E402

BIN, SERVER = sys.argv[1], sys.argv[2]
TMP = tempfile.mkdtemp(prefix="cvp-test-sqlite-")


def run(*args, env=None):
    """cvpbench with its temporary folders in ours: (exit, records, stderr)."""
    return bench_in(BIN, TMP, *args, env=env)


listing = json.loads(subprocess.run([BIN, "--list", "--format", "json"], capture_output=True,
                                    text=True, check=True).stdout)
executors = {e["name"]: e for e in listing["executors"]}
names = {w["name"] for w in listing["workloads"]}
check({"sqlite", "dbfetch"} <= names, "sqlite and dbfetch are listed")

SMALL = ["--db-rows", "5000", "--tasks", "200", "--fs-threads", "3"]
for name, ex in executors.items():
    loop = ex["overlap"] == "loop"
    for q in (["--rows", "1"], ["--rows", "100"], ["--rows", "1", "--write-ratio", "30"]):
        rc, recs, err = run("-w", "sqlite", "-e", name, "--reps", "2", *SMALL, *q)
        ok = rc == 0 and len(recs) == 2 and all(r["valid"] for r in recs)
        m = recs[-1]["workload_metrics"] if recs else {}
        check(ok and m.get("offload") == ("uv_threadpool" if loop else "none"),
              f"sqlite x {name} {' '.join(q)}: valid, offload {m.get('offload')} "
              f"({rc}: {err[-200:]})")
        if loop and m:
            check(m.get("fs_threads") == 3 and 1 <= m.get("pool_connections", 0) <= 3,
                  f"{name}: libuv's pool of 3, at most one connection per pool thread "
                  f"({m.get('fs_threads')}, {m.get('pool_connections')})")
        if "--write-ratio" in q and m:
            check(m.get("writes_total") == 2 * 60 and "busy_retries" in m,
                  f"{name}: 30% of 2 x 200 tasks updated ({m.get('writes_total')}), busy waits "
                  f"recorded ({m.get('busy_retries')})")

# Many writers at once: one at a time is SQLite's rule; they wait, every update still counts.
rc, recs, err = run("-w", "sqlite", "-e", "thread-pool", "--threads", "8", "--write-ratio", "100",
                    "--tasks", "400", "--db-rows", "2000", "--reps", "2")
m = recs[-1]["workload_metrics"] if recs else {}
check(rc == 0 and m.get("writes_total") == 800,
      f"8 threads of updates: all 800 committed ({m.get('writes_total')}), "
      f"{m.get('busy_retries')} busy waits ({rc}: {err[-160:]})")

# A wrong value in the database is caught, by the point lookup and by the range's SUM.
for name in ("sequential", "event-loop"):
    for rows in ("1", "50"):
        rc, recs, err = run("-w", "sqlite", "-e", name, "--rows", rows, "--db-rows", "3000",
                            "--tasks", "20", "--reps", "3", env={"CVP_TEST_CORRUPT": "2"})
        valid = [r["valid"] for r in recs]
        check(rc == 1 and valid[:1] == [True] and not any(valid[1:]) and "not" in err,
              f"{name} --rows {rows}: a wrong value fails the run ({valid}; {err[-150:]})")

rc, _, err = run("-w", "sqlite", "-e", "sequential", "--rows", "10", "--db-rows", "5")
check(rc == 2 and "--rows" in err, f"--rows beyond --db-rows: exit 2 ({err})")

with MockServer(SERVER) as srv:
    for name, ex in executors.items():
        rc, recs, err = run("-w", "dbfetch", "-e", name, "--url-base", srv.base, "--tasks", "20",
                            "--latency-ms", "2", "--rows", "50", "--db-rows", "3000",
                            "--write-ratio", "10", "--reps", "2")
        ok = rc == 0 and recs and all(r["valid"] for r in recs)
        where = recs[-1]["workload_metrics"].get("queries_ran_on") if recs else None
        want = "the loop thread" if name == "event-loop" else "worker threads"
        check(ok and where == want, f"dbfetch x {name}: valid, queries on {where} "
                                    f"({rc}: {err[-160:]})")
    rc, recs, err = run("-w", "dbfetch", "-e", "hybrid", "--url-base", srv.base, "--tasks", "10",
                        "--latency-ms", "0", "--db-rows", "3000", "--reps", "3",
                        env={"CVP_TEST_CORRUPT": "2"})
    check(rc == 1 and [r["valid"] for r in recs] == [True, False, False],
          f"dbfetch: a wrong value fails the run ({err[-120:]})")

left = [n for n in os.listdir(TMP) if n.startswith("cvpbench-")]
check(left == [], f"no temporary folder left ({left})")
os.rmdir(TMP) if not os.listdir(TMP) else None
finish("all sqlite and dbfetch checks passed")
