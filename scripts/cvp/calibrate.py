"""NAME    calibrate.py
PURPOSE What this machine is and costs, measured before the suite runs: `cvpbench calibrate`
        (cores usable for parallel work, FMA peak, thread start and wake-up, loopback connect,
        timer slack, dispatch per task per executor) into machine.json, which the models read;
        and the sizing of a case's `auto` parameters on one core (sizing.py), recorded in the
        case.
"""
import json
import os
import statistics
import subprocess

from . import baseline, fsutil, sizing

FILE = "machine.json"


def machine(binary, out_dir, quick=False):
    """Runs the calibration and writes out_dir/machine.json; returns its figures ({} with a
    reason when it could not run: the models then fall back to the run's context)."""
    argv = [binary, "calibrate", "--format", "json"] + (["--quick"] if quick else [])
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        doc = json.loads(r.stdout) if r.returncode == 0 else {
            "error": f"cvpbench calibrate exited {r.returncode}: {r.stderr.strip()[:200]}"}
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as e:
        doc = {"error": f"cvpbench calibrate failed: {e}"}
    fsutil.write_json(os.path.join(out_dir, FILE), doc)
    return doc


def _per_request_us(binary, url_base, workload, executor, lat_ms):
    """Per request, the wall time of 200 GETs of /delay/lat_ms under executor beyond one wait
    of lat_ms, in µs: the median and the slowest of 5 batches, or the reason there is none."""
    n = 200
    r = subprocess.run([binary, "-w", workload, "-e", executor, "--tasks", str(n),
                        "--latency-ms", str(lat_ms), "--reps", "5", "--warmup", "1",
                        "--url-base", url_base, "--format", "json", "--quiet"],
                       capture_output=True, text=True, timeout=60)
    walls = [json.loads(x)["wall_s"] for x in r.stdout.splitlines() if '"sample"' in x]
    if r.returncode == 0 and walls:
        per = sorted(max(0.0, w - lat_ms / 1e3) / n * 1e6 for w in walls)
        return {"median": round(statistics.median(per), 2), "p90": round(per[-1], 2),
                "samples": len(per)}, None
    return None, f"exit {r.returncode}: {r.stderr[:120]}"


def request_cost(binary, out_dir, url_base, doc, reg):
    """What every HTTP wait costs beyond its delay, on kept-alive connections, added to
    machine.json: request_us, one request's round trip (/delay/0 one at a time: the baseline;
    the median, in µs), and request_loop_us, a request's share of the event loop's time with
    200 in flight, each waiting 1 ms at the server (the client's work per request there, and the
    server's too where both share the cores; median and slowest of 5 batches)."""
    if not url_base:
        return doc
    wl = baseline.request_workload(reg)
    one, why = _per_request_us(binary, url_base, wl, baseline.name(reg), 0)
    if one:
        doc["request_us"] = one["median"]
    else:
        doc.setdefault("reasons", {})["request_us"] = why
    loop, why = _per_request_us(binary, url_base, wl, baseline.loop_name(reg), 1)
    if loop:
        doc["request_loop_us"] = loop
    else:
        doc.setdefault("reasons", {})["request_loop_us"] = why
    fsutil.write_json(os.path.join(out_dir, FILE), doc)
    return doc


def needs_sizing(case):
    return any("auto" in vals for pairs in case.params for _, vals in pairs) or any(
        "auto" in vals for _, own, _ in case.executors for _, vals in own)


def _first(vals):
    return vals[0] if vals else None


def size_case(case, binary, url_base):
    """Sizes every `auto` parameter of the case so that one core takes the case's target time;
    records value and probes in case.sized (read by suite.expand and written to case.json)."""
    reg = case.registry
    base = baseline.name(reg)
    fixed = {}
    for pairs in case.params[:1]:
        for name, vals in pairs:
            if _first(vals) != "auto":
                fixed[name] = _first(vals)
    for pairs in case.params:
        for name, vals in pairs:
            if "auto" not in vals or name in case.sized:
                continue
            spec = reg.params.get(name, {})
            default = reg.default(case.workload, name) or spec.get("min") or 1
            start = max(int(spec.get("min") or 1), int(default) // 8)

            def probe(x, name=name):
                return _probe(binary, case, base, dict(fixed, **{name: x}), url_base)

            value, probes = sizing.size_for(probe, case.target, start=start,
                                            lo=int(spec.get("min") or 1), hi=spec.get("max"))
            case.sized[name] = {"value": value, "target_s": case.target,
                                "probes": [[x, round(t, 6)] for x, t in probes]}


def _probe(binary, case, executor, params, url_base):
    """Median region of 3 batches on one core at params (after one warm-up batch)."""
    reg = case.registry
    argv = [binary, "-w", case.workload, "-e", executor, "--reps", "3", "--warmup", "1",
            "--format", "json", "--quiet"]
    for k, v in params.items():
        if reg.kind(k) == "flag":
            if v == "yes":
                argv.append(f"--{k}")
            elif reg.negation(k):
                argv.append(f"--{reg.negation(k)}")
        else:
            argv += [f"--{k}", str(v)]
    if reg.needs_server(case.workload) and url_base:
        argv += ["--url-base", url_base]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    walls = [json.loads(x)["wall_s"] for x in r.stdout.splitlines()
             if x.startswith("{") and '"sample"' in x]
    if r.returncode != 0 or not walls:
        raise RuntimeError(f"sizing {case.name}: {' '.join(argv)} failed: {r.stderr.strip()}")
    return statistics.median(walls)
