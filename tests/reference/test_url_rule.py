#!/usr/bin/env python3
"""NAME    test_url_rule.py
PURPOSE One loopback rule for every program that takes a URL: the cases of url_cases.json, run
        the same way against cvpbench and every reference program with an http workload (the
        Python ones and curl-parallel through reference/cvpref.py, node through its own code).
        A refused URL: exit 2, one line naming the reason, nothing on stdout, and no connection
        (each run is made inside a fresh network namespace, so that nothing a broken program
        dials can leave this machine; cases marked remote are skipped when no namespace can be
        made). An accepted one: the run starts; cases marked fetch are also fetched from the
        mock server (fetch6: one on [::1]) and must succeed. --allow-remote relaxes the host
        rule alone, and is read by the http workload only.
USAGE   test_url_rule.py CVPBENCH MOCKSERVER"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io"))
from testlib import MockServer, check, finish  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BIN, MOCK = sys.argv[1], sys.argv[2]
REF = os.path.normpath(os.path.join(HERE, "..", "..", "reference"))
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
for k in ("CVP_REF_PRETEND_MISSING", "CVP_URL_BASE", "http_proxy", "HTTP_PROXY", "all_proxy",
          "ALL_PROXY"):
    ENV.pop(k, None)

with open(os.path.join(HERE, "url_cases.json")) as f:
    CASES = json.load(f)["cases"]


def netns_prefix():
    """A command prefix that runs a program in a new network namespace (nothing but a loopback
    interface that is down: every connection fails at once), or None when none can be made."""
    if not shutil.which("unshare"):
        return None
    for prefix in (["unshare", "--net", "--"], ["unshare", "--map-root-user", "--net", "--"]):
        try:
            r = subprocess.run(prefix + ["true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            return prefix
    return None


def http_programs():
    """(name, argv prefix) of every program that runs the http workload and can run here."""
    progs = [("cvpbench", [BIN, "-w", "http", "-e", "sequential"])]
    for name in sorted(os.listdir(REF)):
        path = os.path.join(REF, name)
        if name.endswith((".py", ".c", ".txt", ".md")) or not os.path.isfile(path) or \
                not os.access(path, os.X_OK):
            continue
        r = subprocess.run([path, "--describe"], capture_output=True, text=True, env=ENV,
                           timeout=60)
        try:
            desc = json.loads(r.stdout)
        except ValueError:
            check(False, f"{name} --describe prints JSON ({r.stdout[:100]!r})")
            continue
        if "http" not in desc.get("workloads", []):
            continue
        if not desc.get("available"):
            print(f"skip: {name} is not available here: {desc.get('why')}", file=sys.stderr)
            continue
        check("allow-remote" in desc.get("workload_params", {}).get("http", desc["params"]),
              f"{name}: --allow-remote is a parameter of its http workload")
        progs.append((name, [path, "-w", "http"]))
    return progs


def argv_of(case, port):
    url = case["url"].replace("{port}", str(port))
    url = url.encode("latin-1") if case.get("latin1") else url.encode()
    args = [b"--tasks", b"1", b"--timeout-ms", b"3000", b"--format", b"json",
            ("--" + case.get("opt", "url")).encode(), url]
    if case.get("opt") == "url-base":
        args += [b"--latency-ms", b"1"]
    if case.get("allow_remote"):
        args.append(b"--allow-remote")
    return args


def label(case):
    extra = (" --allow-remote" if case.get("allow_remote") else "")
    return f"--{case.get('opt', 'url')} {case['url']!r}{extra}"


def run(argv, timeout=60):
    r = subprocess.run(argv, capture_output=True, env=ENV, timeout=timeout)
    return (r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"))


def samples(out):
    recs = []
    for line in out.splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            pass
    return [r for r in recs if isinstance(r, dict) and r.get("type") == "sample"]


NETNS = netns_prefix()
if NETNS is None:
    print("note: no network namespace can be made here: the cases a broken program would dial "
          "beyond loopback are skipped", file=sys.stderr)
PROGS = http_programs()
check(len(PROGS) >= 2, f"cvpbench and at least one reference take URLs ({[p for p, _ in PROGS]})")

# 1. Every case, every program, where nothing can leave: refused, or started.
for prog, prefix in PROGS:
    for case in CASES:
        if NETNS is None and case.get("remote"):
            continue
        rc, out, err = run((NETNS or []) + prefix + argv_of(case, 9))
        what = f"{prog} {label(case)}"
        lines = err.strip().splitlines()
        if not case["accept"]:
            word = case.get("word", "")
            check(rc == 2 and not out.strip() and len(lines) == 1 and
                  word.lower() in lines[0].lower() and "Traceback" not in err,
                  f"{what}: refused, exit 2, one line naming '{word}' "
                  f"(exit {rc}, stdout {out.strip()[:80]!r}, stderr {err.strip()[-300:]!r})")
        else:
            recs = samples(out)
            check(rc in (0, 1) and len(recs) == 1 and "Traceback" not in err,
                  f"{what}: accepted, the run starts (exit {rc}, {len(recs)} sample lines, "
                  f"stderr {err.strip()[-300:]!r})")

# 2. The accepted loopback URLs really reach the server, in the form each client fetches.
servers = [("fetch", MockServer(MOCK))]
try:
    servers.append(("fetch6", MockServer(MOCK, "--host", "::1")))
    servers[-1][1].base = f"http://[::1]:{servers[-1][1].port}"  # its /stats
except RuntimeError:
    print("skip: no [::1] here: the fetch6 cases are not fetched", file=sys.stderr)
try:
    for key, srv in servers:
        for prog, prefix in PROGS:
            for case in (c for c in CASES if c.get(key)):
                srv.reset()
                rc, out, err = run(prefix + argv_of(case, srv.port))
                recs = samples(out)
                seen = srv.stats()["requests"]
                check(rc == 0 and len(recs) == 1 and recs[0].get("valid") is True and seen == 1,
                      f"{prog} {label(case)}: fetched from the mock server (exit {rc}, the "
                      f"server saw {seen}, stderr {err.strip()[-300:]!r})")
finally:
    for _, srv in servers:
        srv.stop()

# 3. $CVP_URL_BASE is read by the same rule, before anything runs.
for prog, prefix in PROGS:
    if NETNS is None:
        break
    r = subprocess.run(NETNS + prefix + ["--tasks", "1"], capture_output=True, text=True,
                       env=dict(ENV, CVP_URL_BASE="http://127.0.0.1@10.0.0.1:9"), timeout=60)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and "user information" in lines[0] and
          not r.stdout.strip(), f"{prog} with $CVP_URL_BASE=http://127.0.0.1@10.0.0.1:9: exit 2, "
                                f"one line ({r.returncode}: {r.stderr.strip()[-200:]!r})")

# 4. --allow-remote is the http workload's: elsewhere a warning, or with --strict an error.
for prog, prefix in PROGS:
    if prog == "cvpbench":
        argv = [BIN, "-w", "sleep", "-e", "sequential"]
    else:
        r = subprocess.run([prefix[0], "--describe"], capture_output=True, text=True, env=ENV)
        other = [w for w in json.loads(r.stdout)["workloads"] if w in ("sleep", "spin")]
        if not other:
            continue
        argv = [prefix[0], "-w", other[0]]
    own = ["--latency-ms", "1"] if "spin" not in argv else ["--work-us", "1"]
    rc, out, err = run(argv + ["--tasks", "1", *own, "--allow-remote", "--strict"])
    check(rc == 2 and "allow-remote" in err and len(err.strip().splitlines()) == 1,
          f"{prog}: --allow-remote outside http with --strict: exit 2 ({rc}: {err.strip()!r})")

finish(f"URL rule: {len(CASES)} cases x {len(PROGS)} programs")
