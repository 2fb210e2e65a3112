#!/usr/bin/env python3
"""NAME    test_reference.py
PURPOSE The reference programs' contract (reference/README.md), for every program in reference/:
        --describe is one JSON object with the promised fields; when available, a tiny case of
        each workload it runs gives sample lines that pass a schema check (every field and
        type, one outcome per task, valid); requests really reach the mock server, and a cap
        holds; a wrong matmul result is caught (--corrupt); a missing runtime is "not installed"
        (CVP_REF_PRETEND_MISSING, test-only); bad command lines exit 2 with one line.
USAGE   test_reference.py CVPBENCH MOCKSERVER   (the build folder is CVPBENCH's ../..)"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io"))
from testlib import MockServer, check, finish  # noqa: E402

BIN, MOCK = sys.argv[1], sys.argv[2]
REF = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "reference"))
ENV = dict(os.environ, CVP_BUILD_DIR=os.path.dirname(os.path.dirname(os.path.abspath(BIN))),
           PYTHONDONTWRITEBYTECODE="1")
ENV.pop("CVP_REF_PRETEND_MISSING", None)
CVP_PARAMS = {"tasks", "latency-ms", "url-base", "url", "timeout-ms", "allow-remote", "concurrency",
              "threads",
              "size", "work-us", "reps", "warmup"}
WORKLOADS = {"http", "sleep", "matmul", "spin", "mixed"}
ERRORS = {"connect", "timeout", "http_status", "reset", "other", "not_run"}
# What every requirement is called, so that pretending all are missing leaves only the programs
# that need nothing beyond Python's standard library.
ALL_REQUIREMENTS = "httpx,aiohttp,numpy,nodejs,libopenblas-dev,curl"
STDLIB_ONLY = {"py-threads", "py-asyncio", "py-multiprocessing", "py-asyncio-to-thread",
               "py-asyncio-procpool"}
CORES = len(os.sched_getaffinity(0))


def programs():
    skip = (".py", ".c", ".txt", ".md")
    return sorted(f for f in os.listdir(REF)
                  if not f.endswith(skip) and os.access(os.path.join(REF, f), os.X_OK)
                  and os.path.isfile(os.path.join(REF, f)))


def run(prog, *args, env=None, timeout=120):
    r = subprocess.run([os.path.join(REF, prog), *args], capture_output=True, text=True,
                       env=env or ENV, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def schema_errors(rec, prog, workload):
    """What is wrong with one sample line; an empty list when it keeps the contract."""
    bad = []
    want = {"schema": int, "type": str, "workload": str, "executor": str, "arm": str,
            "arm_index": int, "params": dict, "rep": int, "round": int, "batches": int,
            "threads": int, "concurrency": int, "wall_s": float, "user_s": float,
            "sys_s": float, "max_rss_kib": int, "tasks": int, "ok": int, "errors": dict,
            "latency_us": dict, "valid": bool, "reference": bool, "context": dict}
    for key, typ in want.items():
        v = rec.get(key)
        if typ is float:
            if not is_num(v):
                bad.append(f"{key} is {v!r}, not a number")
        elif not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
            bad.append(f"{key} is {v!r}, not {typ.__name__}")
    for key in ("gflops", "invalid_reason"):
        if key not in rec:
            bad.append(f"{key} is missing")
    if bad:
        return bad
    if (rec["schema"], rec["type"], rec["arm_index"], rec["batches"], rec["reference"]) != \
            (1, "sample", 0, 1, True):
        bad.append("schema/type/arm_index/batches/reference are not 1/sample/0/1/true")
    if rec["executor"] != prog or not rec["arm"].startswith(prog) or rec["workload"] != workload:
        bad.append(f"executor {rec['executor']}, arm {rec['arm']}, workload {rec['workload']}")
    if rec["rep"] != rec["round"]:
        bad.append("rep and round differ")
    if set(rec["errors"]) != ERRORS or not all(isinstance(v, int) for v in rec["errors"].values()):
        bad.append(f"errors {rec['errors']}")
    elif rec["ok"] + sum(rec["errors"].values()) != rec["tasks"]:
        bad.append(f"ok {rec['ok']} + errors {rec['errors']} != tasks {rec['tasks']}")
    lat = rec["latency_us"]
    keys = ("min", "p50", "p90", "p99", "max")
    if not all(is_num(lat.get(k)) for k in keys + ("mean",)):
        bad.append(f"latency_us {lat}")
    elif any(lat[a] > lat[b] for a, b in zip(keys, keys[1:])):
        bad.append(f"latency percentiles out of order: {lat}")
    if workload == "matmul" and not (is_num(rec["gflops"]) and rec["gflops"] > 0):
        bad.append(f"gflops {rec['gflops']} for matmul")
    if workload != "matmul" and rec["gflops"] is not None:
        bad.append(f"gflops {rec['gflops']} outside matmul")
    if not (rec["wall_s"] > 0 and rec["user_s"] >= 0 and rec["sys_s"] >= 0 and
            rec["max_rss_kib"] > 0):
        bad.append("wall, CPU or RSS not positive")
    if rec["valid"] != (rec["invalid_reason"] is None):
        bad.append("valid and invalid_reason disagree")
    ctx = rec["context"]
    if not (isinstance(ctx.get("cpu_model"), str) and isinstance(ctx.get("cores"), int) and
            isinstance(ctx.get("runtime"), dict) and ctx["runtime"]):
        bad.append(f"context lacks cpu_model, cores or runtime: {sorted(ctx)}")
    return bad


def samples(prog, workload, args, reps):
    """Runs a case; checks the exit status, one line per repetition and the schema."""
    rc, out, err = run(prog, "-w", workload, *args, "--reps", str(reps), "--warmup", "1",
                       "--format", "json")
    what = f"{prog} -w {workload} {' '.join(args)}"
    try:
        recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    except ValueError:
        check(False, f"{what}: stdout is JSON lines ({out[:200]!r})")
        return []
    check(rc == 0, f"{what}: exit 0 (got {rc}: {err.strip()[-300:]})")
    check([r.get("rep") for r in recs] == list(range(reps)), f"{what}: one line per repetition")
    for r in recs:
        bad = schema_errors(r, prog, workload)
        check(not bad, f"{what}: rep {r.get('rep')} keeps the contract {bad}")
        check(r.get("valid") is True, f"{what}: valid ({r.get('invalid_reason')})")
    return recs


def sanitizer():
    """The build's sanitizers (OpenBLAS's own threads are not instrumented: one thread then)."""
    r = subprocess.run([BIN, "-w", "noop", "-e", "sequential", "--tasks", "1", "--format", "json",
                        "--quiet"], capture_output=True, text=True, timeout=60)
    try:
        return json.loads(r.stdout.splitlines()[0])["context"].get("sanitize", "")
    except (ValueError, IndexError, KeyError):
        return ""


def case_args(prog, workload, desc, srv):
    params = desc["workload_params"].get(workload, desc["params"]) \
        if "workload_params" in desc else desc["params"]
    args = {"http": ["--tasks", "5", "--latency-ms", "1", "--url-base", srv.base],
            "sleep": ["--tasks", "3", "--latency-ms", "1"],
            "matmul": ["--size", "64"],
            "spin": ["--tasks", "3", "--work-us", "200"],
            "mixed": ["--tasks", "4", "--latency-ms", "1", "--work-us", "200",
                      "--url-base", srv.base]}[workload]
    if workload == "matmul" and "tasks" in params:
        args += ["--tasks", "4"]
    if "threads" in params:
        args += ["--threads", "1" if SANITIZE and prog == "openblas" else str(min(2, CORES))]
    return args


SANITIZE = sanitizer()
progs = programs()
check(len(progs) >= 10, f"reference/ holds the programs ({progs})")

with MockServer(MOCK) as srv:
    for prog in progs:
        rc, out, err = run(prog, "--describe")
        try:
            desc = json.loads(out)
        except ValueError:
            check(False, f"{prog} --describe prints one JSON object (exit {rc}, {out[:200]!r})")
            continue
        check(rc == 0, f"{prog} --describe exits 0")
        check(desc.get("name") == prog and isinstance(desc.get("summary"), str),
              f"{prog} --describe: name and summary")
        check(isinstance(desc.get("workloads"), list) and desc["workloads"] and
              set(desc["workloads"]) <= WORKLOADS, f"{prog} --describe: workloads {desc.get('workloads')}")
        check(isinstance(desc.get("params"), list) and set(desc["params"]) <= CVP_PARAMS,
              f"{prog} --describe: params are cvpbench's names {desc.get('params')}")
        check(isinstance(desc.get("available"), bool) and isinstance(desc.get("runtime"), dict),
              f"{prog} --describe: available and runtime")
        check((desc.get("why") is None) == bool(desc.get("available")),
              f"{prog} --describe: a reason exactly when not available ({desc.get('why')})")
        if not desc.get("available"):
            print(f"skip: {prog} is not available here: {desc.get('why')}", file=sys.stderr)
            continue

        for workload in desc["workloads"]:
            args = case_args(prog, workload, desc, srv)
            if workload in ("http", "mixed"):
                srv.reset()
            recs = samples(prog, workload, args, reps=2)
            if workload in ("http", "mixed"):
                seen, per = srv.stats()["requests"], 5 if workload == "http" else 4
                check(seen == per * 3, f"{prog} {workload}: the server saw {per * 3} requests "
                                       f"(warm-up + 2 x {per}), saw {seen}")
            if workload == "matmul":
                rc, out, err = run(prog, "-w", "matmul", *args, "--corrupt", "--format", "json")
                rec = json.loads(out.splitlines()[0]) if out.strip() else {}
                check(rc == 1 and rec.get("valid") is False and
                      "C(" in str(rec.get("invalid_reason")),
                      f"{prog}: a wrong element is caught (exit {rc}, {rec.get('invalid_reason')})")

        # The cap: with --concurrency 2, never more than 2 requests at the server at once.
        if "http" in desc["workloads"] and "concurrency" in desc["params"]:
            srv.reset()
            rc, out, _ = run(prog, "-w", "http", "--tasks", "8", "--latency-ms", "20",
                             "--url-base", srv.base, "--concurrency", "2", "--format", "json")
            peak = srv.stats()["peak_in_flight"]
            rec = json.loads(out.splitlines()[0]) if out.strip() else {}
            check(rc == 0 and peak == 2 and rec.get("concurrency") == 2 and
                  rec.get("arm") == f"{prog} concurrency=2",
                  f"{prog} --concurrency 2: server peak {peak}, arm {rec.get('arm')}")

        # Bad command lines: one line on stderr, exit 2.
        for args, what in ((["-w", desc["workloads"][0], "--no-such-option"], "unknown option"),
                           (["-w", "noop"], "unknown workload"),
                           (["-w", desc["workloads"][0], "--reps", "zero"], "bad value")):
            rc, out, err = run(prog, *args)
            check(rc == 2 and len(err.strip().splitlines()) == 1,
                  f"{prog} {what}: exit 2 with one line (exit {rc}: {err.strip()!r})")
        rc, _, err = run(prog, "-w", "noop")
        check(all(w in err for w in desc["workloads"]),
              f"{prog}: an unknown workload names those it runs ({err.strip()})")

    # A parameter the program does not read: a warning, and "ignored" in the sample.
    rc, out, err = run("py-asyncio", "-w", "sleep", "--tasks", "2", "--latency-ms", "1",
                       "--threads", "3", "--format", "json")
    rec = json.loads(out.splitlines()[0]) if out.strip() else {}
    check(rc == 0 and "warning" in err and rec.get("params", {}).get("ignored") == ["threads"],
          f"an unread parameter is ignored with a warning ({err.strip()})")

# The hash rate a suite's case shares (CVP_HASH_ROUNDS_PER_US): used as given, so every program
# of the case does the same work per task; a value that is not a positive number is ignored.
for given, used in (("2.5", 2.5), ("nonsense", None), ("-1", None)):
    rc, out, err = run("py-threads", "-w", "spin", "--tasks", "2", "--work-us", "200", "--threads",
                       "1", "--format", "json", env=dict(ENV, CVP_HASH_ROUNDS_PER_US=given))
    m = (json.loads(out.splitlines()[0]) if rc == 0 and out.strip() else {}).get(
        "workload_metrics", {})
    if used:
        check(m.get("hash_rounds_per_us") == used and m.get("hash_rounds_per_task") == 500
              and m.get("hash_rate_from", "").startswith("shared"),
              f"a shared hash rate is used as given ({m})")
    else:
        check(rc == 0 and m.get("hash_rate_from") == "calibrated here",
              f"CVP_HASH_ROUNDS_PER_US={given}: ignored, calibrated here ({m}, {err.strip()})")

# Not installed: every program still describes itself, exit 0, available false with a reason
# (only those that need nothing beyond Python stay available); a run cannot start (exit 1).
missing_env = dict(ENV, CVP_REF_PRETEND_MISSING=ALL_REQUIREMENTS)
for prog in progs:
    rc, out, _ = run(prog, "--describe", env=missing_env)
    desc = json.loads(out) if out.strip() else {}
    if prog in STDLIB_ONLY:
        check(rc == 0 and desc.get("available") is True,
              f"{prog}: needs nothing beyond Python ({desc.get('why')})")
        continue
    check(rc == 0 and desc.get("available") is False and
          str(desc.get("why")).startswith("not installed"),
          f"{prog}: described as not installed (exit {rc}, {desc.get('why')})")
    rc, out, err = run(prog, "-w", desc.get("workloads", ["http"])[0], "--url-base",
                       "http://127.0.0.1:9", env=missing_env)
    check(rc == 1 and "not installed" in err and not out.strip(),
          f"{prog}: a run says not installed and exits 1 (exit {rc}: {err.strip()})")
rc, out, _ = run("py-threads", "--describe", env=missing_env)
desc = json.loads(out) if out.strip() else {}
check("http" in desc.get("unavailable_workloads", {}),
      "py-threads without httpx: http is named unavailable, the rest still run")

finish(f"reference programs: {len(progs)} checked")
