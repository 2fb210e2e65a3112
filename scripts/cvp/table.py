"""NAME    table.py
PURPOSE summary.md (machine, claims, where each approach wins, the crossover map, one table per
        case) and
        results.csv (one row per timed run) from a loaded run.
"""
import csv
import io

from . import claims as claims_mod
from . import maptable

NOISY_CORES = 0.25  # other processes' average busy cores beyond which a case is flagged


def _s(x):
    if x is None:
        return "-"
    if x >= 0.9995:  # thresholds that survive rounding: never "1000 us" or "1000.0 ms"
        return f"{x:.3f} s"
    if x >= 0.9995e-3:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e6:.0f} us"


def machine(run):
    c, st = run.context, run.status
    mem = f"{c['mem_total_kib'] / 1048576:.1f} GiB" if c.get("mem_total_kib") else "-"
    lines = [
        "## Machine and run",
        "",
        f"- CPU: {c.get('cpu_model', '?')}, {run.cores} usable cores (nproc), "
        f"{c.get('clock_ghz_measured', 0):.2f} GHz measured, memory {mem}",
        f"- System: {c.get('kernel', '?')}, {c.get('libc', '?')}; compiler {c.get('compiler', '?')} "
        f"({c.get('build_type', '?')}: `{c.get('cflags', '?')}`)",
        f"- Libraries: libcurl {c.get('libcurl', '?')}, libuv {c.get('libuv', '?')}, OpenMP "
        f"{c.get('openmp', '?')}; {c.get('hyperfine', 'hyperfine')}; git {c.get('git_rev', '?')}",
        f"- Run: suite `{st.get('suite', '?')}`, started {st.get('started_utc', '?')}, "
        f"status **{st.get('state', '?')}** ({st.get('cases_done', '?')}/"
        f"{st.get('cases_total', '?')} cases, {st.get('elapsed_s', '?')} s)",
        "",
        "**How to read the times.** *wall* is hyperfine's whole-process time, median ± standard "
        "deviation over the timed runs: it includes process start and set-up (allocating and "
        "filling matrices, starting threads, the event loop and connections), the same entry fee "
        "for every executor. *in-process* is cvpbench's own timed region (the scheduling alone); "
        "the claims use it. Speed-up is over sequential at the same workload point, from wall. "
        "CPU is user+system time of the timed region; RSS is its peak resident memory; p99 is the "
        "99th percentile of one task's latency. ★ marks the fastest valid executor at each point.",
    ]
    return "\n".join(lines)


def _winners(case):
    """{point: (winner row, runner-up row or None)} among valid rows."""
    by_point = {}
    for r in case.rows:
        if r.valid and r.wall:
            by_point.setdefault(r.point(), []).append(r)
    out = {}
    for p, rows in by_point.items():
        rows.sort(key=lambda r: r.wall)
        out[p] = (rows[0], rows[1] if len(rows) > 1 else None)
    return out


def case_table(case):
    lines = [f"### {case.name}", ""]
    if case.note:
        lines += [case.note, ""]
    if case.error:
        lines += [f"*{case.error}*", ""]
    other = case.load.get("other_cores", 0)
    if other >= NOISY_CORES:
        lines += [f"> ⚠ Other processes kept {other:.1f} cores busy on average during this case "
                  f"(steal {case.load.get('steal_s', 0):.2f} s): its CPU-bound timings are "
                  "disturbed; rerun on a quiet machine.", ""]
    gflops = any(r.gflops for r in case.rows)
    head = ["executor", "wall (median ± σ)", "in-process", "speed-up", "CPU", "peak RSS",
            "p99 task", "errors", "valid"] + (["GFLOP/s"] if gflops else [])
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    win = {w[0].label for w in _winners(case).values()}
    for r in case.rows:
        seq = case.sequential(r)
        sp = f"{seq.wall / r.wall:.2f}x" if seq and r.wall and r.valid else "-"
        wall = _s(r.wall) + (f" ± {_s(r.wall_sd)}" if r.wall_sd is not None else "")
        cells = [("★ " if r.label in win else "") + r.label, wall, _s(r.wall_in), sp, _s(r.cpu),
                 f"{r.rss_kib / 1024:.1f} MiB" if r.rss_kib else "-",
                 f"{r.p99_us / 1000:.2f} ms" if r.p99_us is not None else "-",
                 str(r.errors), "yes" if r.valid else f"NO ({r.why})"]
        if gflops:
            cells.append(f"{r.gflops:.1f}" if r.gflops else "-")
        lines.append("| " + " | ".join(cells) + " |")
    for s in case.not_measured:
        lines.append(f"| {s['label']} | not measured: {s['reason']} |" + " |" * (len(head) - 2))
    return "\n".join(lines)


def _varying(case):
    """Workload parameters that differ between the case's points (what names a point)."""
    seen = {}
    for r in case.rows:
        for k, v in r.point():
            seen.setdefault(k, set()).add(v)
    return {k for k, vals in seen.items() if len(vals) > 1}


def wins(run):
    """Per executor, the cases (points) it won and by how much over the runner-up."""
    by_ex = {}
    # The crossover map's cells have a section of their own, judged on the in-process time.
    for case in (c for c in run.cases if "C8" not in c.claims):
        for point, (w, second) in _winners(case).items():
            if not second:
                continue
            where = case.name + "".join(f" {k}={v}" for k, v in point if k in _varying(case))
            margin = second.wall / w.wall
            # Within 5% the order is run-to-run noise (sigma is typically 1-5% here): say so.
            how = (f"{margin:.1f}x over {second.label}" if margin >= 1.05
                   else f"tie with {second.label}")
            by_ex.setdefault(w.executor, []).append(f"{where} ({how})")
    lines = ["## Where each approach wins", ""]
    if not by_ex:
        lines.append("No case had two valid executors to compare.")
    for ex in sorted(by_ex):
        lines.append(f"- **{ex}**: " + "; ".join(by_ex[ex]))
    lines += ["", "Waiting overlaps on one thread (event-loop) or on many (threads): the fewer "
              "resources per wait, the larger N can grow. Computing only speeds up with more cores "
              "(thread-pool, openmp); the event loop cannot help CPU-bound work, and one blocking "
              "call stalls it."]
    return "\n".join(lines)


def summary(run):
    verdicts = claims_mod.judge(run)
    noisy = [c.name for c in run.cases if c.load.get("other_cores", 0) >= NOISY_CORES]
    warn = ([f"> ⚠ {len(noisy)} of {len(run.cases)} cases ran while other processes kept the "
             f"machine busy ({', '.join(noisy)}): verdicts resting on CPU time or speed-up (C3, "
             "C4) may reflect that rather than the model.", ""] if noisy else [])
    c8 = next((v for v in verdicts if v["id"] == "C8"), {})
    crossover_map = maptable.section(run, c8)
    parts = ["# Benchmark summary: concurrency vs parallelism", "", machine(run), "",
             "## Claims", "", *warn, claims_mod.markdown(verdicts), "", wins(run), "",
             *([crossover_map, ""] if crossover_map else []), "## Cases", ""]
    if run.status.get("state") != "complete":
        parts.insert(2, "> **This run is incomplete**: only the cases that finished are shown.\n")
    for case in run.cases:
        parts += [case_table(case), ""]
    plots = ["io-cap", "cpu-speedup", "n-sweep"] + (["crossover-map"] if crossover_map else [])
    parts += ["## Plots", ""] + [f"![{p}](plots/{p}.svg)" for p in plots]
    return "\n".join(parts) + "\n", verdicts


CSV_FIELDS = ["case", "label", "workload", "executor", "params", "run", "wall_s", "exit_code",
              "wall_in_s", "user_s", "sys_s", "max_rss_kib", "p50_us", "p99_us", "tasks", "ok",
              "errors", "gflops", "valid", "steal_s"]


def results_csv(run):
    """One row per timed run; the detail columns are filled when runs and JSON lines align."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for case in run.cases:
        for r in case.rows:
            aligned = len(r.detail) == len(r.times)
            for i, t in enumerate(r.times):
                d = r.detail[i] if aligned else {}
                lat = d.get("latency_us") or {}
                w.writerow({
                    "case": case.name, "label": r.label, "workload": r.workload,
                    "executor": r.executor,
                    "params": " ".join(f"{k}={v}" for k, v in r.params.items()), "run": i,
                    "wall_s": f"{t:.6f}",
                    "exit_code": r.exit_codes[i] if i < len(r.exit_codes) else "",
                    "wall_in_s": d.get("wall_s", ""), "user_s": d.get("user_s", ""),
                    "sys_s": d.get("sys_s", ""), "max_rss_kib": d.get("max_rss_kib", ""),
                    "p50_us": lat.get("p50", ""), "p99_us": lat.get("p99", ""),
                    "tasks": d.get("tasks", ""), "ok": d.get("ok", ""),
                    "errors": sum((d.get("errors") or {}).values()) if d else "",
                    "gflops": d.get("gflops", "") if d.get("gflops") is not None else "",
                    "valid": d.get("valid", "") if d else "", "steal_s": d.get("steal_s", "")})
    return buf.getvalue()
