"""NAME    driver.py
PURPOSE `make bench`: check the suite, build, start the mock server if needed, time every case,
        then tabulate, judge the claims and plot. USAGE: scripts/bench.sh --help

Exit status: 0 done; 1 a step failed; 2 bad suite or arguments; 130 interrupted (SIGINT or
SIGTERM: completed cases are kept, status.json says "incomplete", the server is stopped).
"""
import argparse
import datetime
import os
import signal
import socket
import subprocess
import sys
import time

from . import baseline, calibrate, estimate, fmt, fsutil, procs, registry, runcase, suite
from .procs import Interrupted
from .server import MockServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cores():
    """Usable cores, as nproc counts them (affinity-aware); never hard-coded."""
    return len(os.sched_getaffinity(0))


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench.sh", description="Run the benchmark suite.")
    ap.add_argument("--quick", action="store_true", help="the short suite (bench/suite-quick.txt)")
    ap.add_argument("--suite", help="suite definition: a file, or a name in bench/ (quick for "
                                    "bench/suite-quick.txt; default bench/suite.txt)")
    ap.add_argument("--sample", action="store_true",
                    help="write into results/sample/ (the committed sample) instead of a new run")
    ap.add_argument("--results-dir", default=os.path.join(ROOT, "results"))
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--server", choices=("auto", "always", "never"), default="auto",
                    help="start the mock server when a case needs it (auto), always, or never")
    ap.add_argument("--check", action="store_true",
                    help="only check the suite and list its commands with time estimates")
    return ap.parse_args(argv)


def plan(cases, server_ok, n_cores):
    """Splits each case's commands into those that can run and those "not measured" (why)."""
    out = []
    for c in cases:
        run, skip = [], []
        for cmd in suite.expand(c):
            why = None
            if cmd.needs_server and not server_ok:
                why = "the mock server is not built"
            if cmd.reference:
                why = why or c.registry.unavailable(cmd.executor, c.workload)
            if why:
                skip.append(dict(cmd.to_json(), reason=why))
            else:
                run.append(cmd)
        out.append((c, run, skip, estimate.case_seconds(c, run, n_cores)))
    return out


def shown(path):
    """A path as the user would type it: relative to the repository when inside it."""
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel


def build(build_dir):
    """Release, only what the suite runs (cvpbench, the mock server, the BLAS reference)."""
    steps = [["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
             ["cmake", "--build", build_dir, "-j", str(cores()), "--target", "bench_tools"]]
    for step in steps:
        r = subprocess.run(step, stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            sys.exit(f"bench: build failed: {' '.join(step)}")


def run_dir(args):
    if args.sample:
        return os.path.join(args.results_dir, "sample")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(args.results_dir, f"{stamp}-{socket.gethostname()}")


def point_latest(results_dir, target):
    link = os.path.join(results_dir, "latest")
    tmp = link + ".tmp"
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(os.path.basename(target), tmp)
    os.replace(tmp, link)  # atomic: latest is never missing or half-made


def main(argv):
    args = parse_args(argv)
    n_cores = cores()
    suite_path = _suite_file(args.suite) if args.suite else os.path.join(
        ROOT, "bench", "suite-quick.txt" if args.quick else "suite.txt")
    if suite_path is None:
        names = sorted(n[len("suite-"):-4] for n in os.listdir(os.path.join(ROOT, "bench"))
                       if n.startswith("suite-") and n.endswith(".txt"))
        print(f"bench: no suite '{args.suite}': give a suite file's path or a name in bench/ "
              f"(default, {', '.join(names)})", file=sys.stderr)
        return 2
    binary = os.path.join(args.build_dir, "bin", "cvpbench")
    server_bin = os.path.join(args.build_dir, "bin", "mockserver")
    if not args.no_build and not args.check:
        build(args.build_dir)
    try:
        reg = registry.from_binary(binary)
    except registry.RegistryError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    try:
        cases = suite.parse(suite_path, n_cores, reg)
    except (suite.SuiteError, OSError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    server_ok = args.server != "never" and os.access(server_bin, os.X_OK)
    planned = plan(cases, server_ok, n_cores)
    total_est = sum(p[3] for p in planned)
    if args.check:
        for c, run, skip, est in planned:
            print(f"{c.name}: ~{est:.1f} s, {len(run)} commands, {len(skip)} not measured")
            for cmd in run:
                print(f"    {cmd.label}")
            for s in skip:
                print(f"    {s['label']}  (not measured: {s['reason']})")
        print(f"total ~{fmt.clock(total_est)} on {n_cores} cores")
        return 0
    return execute(args, suite_path, planned, total_est, binary, server_bin, n_cores, reg)


def _suite_file(given):
    """A suite file's path: as given, or a name in bench/ (quick = bench/suite-quick.txt,
    default = bench/suite.txt); None when neither exists."""
    for path in (given, os.path.join(ROOT, "bench", f"suite-{given}.txt"),
                 os.path.join(ROOT, "bench", "suite.txt") if given == "default" else None):
        if path and os.path.isfile(path):
            return path
    return None


def execute(args, suite_path, planned, total_est, binary, server_bin, n_cores, reg):
    out = run_dir(args)
    if args.sample and os.path.isdir(out):
        import shutil
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "cases"), exist_ok=True)
    point_latest(args.results_dir, out)
    with open(suite_path) as f:
        fsutil.write_atomic(os.path.join(out, "suite.txt"), f.read())
    status = {"state": "running", "suite": os.path.relpath(suite_path, ROOT), "quick": args.quick,
              "cores": n_cores, "started_utc": _utc(), "cases_total": len(planned),
              "cases_done": 0, "estimate_s": round(total_est, 1), "server_pid": None}
    status_path = os.path.join(out, "status.json")
    fsutil.write_json(status_path, status)
    _save_context(binary, out, reg)
    reg.save(out)
    print("bench: measuring this machine's costs (cvpbench calibrate) ...", end="", flush=True)
    machine = calibrate.machine(binary, out, quick=args.quick)
    print(f" {machine.get('usable_cores', '?')} usable cores, "
          f"{machine.get('fma_gflops_per_core') or '?'} GFLOP/s FMA peak per core", flush=True)
    needs_server = args.server == "always" or any(
        cmd.needs_server for _, run, _, _ in planned for cmd in run)
    server = MockServer(server_bin, out) if needs_server and os.access(server_bin, os.X_OK) else None
    old = {s: signal.signal(s, procs.on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    rc, t_start = 0, time.monotonic()
    try:
        url_base = server.start() if server else None
        if server:
            status["server_pid"] = server.pid
            fsutil.write_json(status_path, status)
            machine = calibrate.request_cost(binary, out, url_base, machine, reg)
        # The estimates again, from this machine's measured costs, and the report after them.
        planned = [(c, run, skip, estimate.case_seconds(c, run, n_cores, machine))
                   for c, run, skip, _ in planned]
        total_est = sum(p[3] for p in planned) + estimate.report_seconds(len(planned))
        status["estimate_s"] = round(total_est, 1)
        fsutil.write_json(status_path, status)
        print(f"bench: {len(planned)} cases, estimated {fmt.clock(total_est)} on {n_cores} cores "
              f"-> {shown(out)}", flush=True)
        done_est = done_real = 0.0
        for k, (case, run, skip, est) in enumerate(planned, 1):
            # Scale the model by how far off it has been, once there is enough to judge by,
            # and within reason: one odd case must not swing the ETA tenfold.
            scale = min(3.0, max(0.5, done_real / done_est)) if done_est >= 5 else 1.0
            remaining = sum(p[3] for p in planned[k - 1:]) * scale + \
                estimate.report_seconds(len(planned))
            print(f"[{k}/{len(planned)}] {case.name} ({len(run)} commands"
                  f"{f', {len(skip)} not measured' if skip else ''}) ... ETA {fmt.clock(remaining)}",
                  end="", flush=True)
            if calibrate.needs_sizing(case):
                calibrate.size_case(case, binary, url_base)
                run = [c for c in suite.expand(case) if not any(
                    s["label"] == c.label for s in skip)]
            rec = runcase.run(case, run, skip, binary, url_base,
                              os.path.join(out, "cases", f"{k:02d}-{case.name}"),
                              helper_pid=server.pid if server else None,
                              budget_s=max(est, 10.0) * 3)
            print(f"  {rec['elapsed_s']:.1f} s" + (f"  ({rec['error']})" if "error" in rec else ""),
                  flush=True)
            done_est += est
            done_real += rec["elapsed_s"]
            status["cases_done"] = k
            fsutil.write_json(status_path, status)
        status["state"] = "complete"
    except Interrupted as e:
        print(f"\nbench: interrupted by {e}; completed cases kept in {out}", file=sys.stderr)
        status["state"], rc = "incomplete", 130
    except Exception as e:  # noqa: BLE001 - any failure must still stop the server
        print(f"\nbench: {e}", file=sys.stderr)
        status["state"], status["error"], rc = "incomplete", str(e), 1
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for s in old:
            signal.signal(s, signal.SIG_IGN)
        if server:
            server.stop()
        status["finished_utc"] = _utc()
        status["elapsed_s"] = round(time.monotonic() - t_start, 1)
        fsutil.write_json(status_path, status)
        for s, h in old.items():
            signal.signal(s, h)
    if rc == 0:
        rc = report(out)
    return rc


def _save_context(binary, out, reg):
    """The machine context once per run, even if every case ends up "not measured": one empty
    task on the baseline executor (both read from the registry)."""
    r = subprocess.run([binary, "-w", baseline.empty_workload(reg), "-e", baseline.name(reg),
                        "--tasks", "1", "--format",
                        "json", "--quiet"], capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if lines:
        import json
        ctx = json.loads(lines[0]).get("context", {})
        ctx["nproc"] = cores()
        ctx["hyperfine"] = subprocess.run(["hyperfine", "--version"], capture_output=True,
                                          text=True).stdout.strip()
        fsutil.write_json(os.path.join(out, "context.json"), ctx)


def report(out):
    """Tabulate, claims, plots and the HTML report, then print the answer (about 25 lines)."""
    scripts = os.path.join(ROOT, "scripts")
    damaged = False
    for tool in ("tabulate", "plot", "report"):
        if not os.path.exists(os.path.join(scripts, tool)):
            continue
        r = subprocess.run([sys.executable, os.path.join(scripts, tool), out])
        # 1 from tabulate or report: written, but the run is damaged (damage.py). The answer
        # still prints: it leads with what was lost.
        damaged |= r.returncode == 1 and tool in ("tabulate", "report")
        if r.returncode != 0 and not (r.returncode == 1 and tool in ("tabulate", "report")):
            print(f"bench: scripts/{tool} failed", file=sys.stderr)
            return 1
    with open(os.path.join(out, "answer.txt")) as f:
        print("\n" + f.read().replace("Report: ./", f"Report: {shown(out)}/"), end="")
    return 1 if damaged else 0


def _utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
