"""NAME    table.py
PURPOSE summary.md (machine, claims, where each approach wins, the crossover map, one table per
        case) and results.csv (one row per sample) from a loaded run.

One time basis: every time, speed-up, winner and verdict comes from the in-process timed region
(median of the samples, with its 95% interval). The whole-process time (hyperfine) is a column of
its own, for reference, never used in a ratio.
"""
import csv
import io

from . import answer, baseline, claimsmd, damage, maptable, plots, stats
from .fmt import est as _est, s as _s, x_est as _x
from .record import by_plot, cases_of

TIME_BASIS = ("**One time basis.** Every time, speed-up, winner, claim and piece of advice below "
              "uses the in-process timed region (the scheduling of the batch, with threads, "
              "loops and connections set up beforehand), as the median over rounds with its 95% "
              "interval in brackets; *process* is the whole process timed alone (start-up and "
              "set-up included), shown for reference only.")


def machine(run):
    c, st, m = run.context, run.status, run.machine
    mem = f"{c['mem_total_kib'] / 1048576:.1f} GiB" if c.get("mem_total_kib") else "-"
    fma = (f"; FMA peak {m['fma_gflops_per_core']:.0f} GFLOP/s per core, "
           f"{m.get('fma_gflops_all', 0):.0f} on all" if m.get("fma_gflops_per_core") else "")
    cal = (f"- Measured costs: wake-up {m['wake_us']['median']:.0f} µs, thread start "
           f"{m['thread_create_join_us']['median']:.0f} µs, loopback connect "
           f"{m['connect_us']['median']:.0f} µs, request {m.get('request_us', 0):.0f} µs, "
           f"timer slack {m['timer_slack_us']['uv_timer']['median']:.0f} µs "
           "(`cvpbench calibrate`, machine.json)"
           if all(isinstance(m.get(k), dict) for k in ("wake_us", "thread_create_join_us",
                                                        "connect_us"))
           else "- Measured costs: none (calibration unavailable: "
                f"{m.get('error', 'no machine.json')}); models use stated guesses")
    lines = [
        "## Machine and run",
        "",
        f"- CPU: {c.get('cpu_model', '?')}, {run.cores} usable cores for parallel work "
        f"({m.get('physical_cores', '?')} physical in the affinity set, CPU quota "
        f"{m.get('quota_cores') or 'none'}), {c.get('clock_ghz_measured', 0):.2f} GHz measured"
        f"{fma}; memory {mem}",
        cal,
        f"- System: {c.get('kernel', '?')}, {c.get('libc', '?')}; compiler {c.get('compiler', '?')} "
        f"({c.get('build_type', '?')}: `{c.get('cflags', '?')}`)",
        f"- Libraries: libcurl {c.get('libcurl', '?')}, libuv {c.get('libuv', '?')}, OpenMP "
        f"{c.get('openmp', '?')}; {c.get('hyperfine', 'hyperfine')}; git {c.get('git_rev', '?')}",
        f"- Run: suite `{st.get('suite', '?')}`, started {st.get('started_utc', '?')}, "
        f"status **{st.get('state', '?')}** ({st.get('cases_done', '?')}/"
        f"{st.get('cases_total', '?')} cases, {st.get('elapsed_s', '?')} s)",
        "",
        TIME_BASIS,
    ]
    return "\n".join(lines)


def _points(case):
    by_point = {}
    for r in case.rows:
        if r.valid and r.est:
            by_point.setdefault(r.point(), []).append(r)
    return by_point


def fastest(rows):
    """(the tied-for-fastest rows, the first row beyond them or None): rows whose interval
    does not separate from the fastest's are a tie (paired rounds where they shared them)."""
    by_label = {r.label: r for r in rows}
    tied = [by_label[k] for k, _ in stats.tied(
        {r.label: r.est for r in rows}, lambda a, b: by_label[a].ratio(by_label[b]))]
    rest = sorted((r for r in rows if r not in tied), key=lambda r: r.wall_in)
    return tied, (rest[0] if rest else None)


def case_table(case):
    lines = [f"### {case.name}", ""]
    if case.note:
        lines += [case.note, ""]
    if case.sized:
        for name, s in case.sized.items():
            probes = ", ".join(f"{x} ({_s(t)})" for x, t in s["probes"])
            lines += [f"*{name} = {s['value']}: sized so that one core takes about "
                      f"{_s(s['target_s'])} here (probes: {probes}).*", ""]
    if case.error:
        lines += [f"*{case.error}*", ""]
    if getattr(case, "damage", None):
        lines += ["> ⚠ **Damaged**: this table lacks what these held:", ">"] + \
            [f"> - `{damage.text(d)}`" for d in case.damage[:damage.SHOWN]] + [""]
    if case.disturbed:
        lines += [f"> ⚠ Disturbed: {case.disturbance} (steal "
                  f"{case.load.get('steal_s', 0):.2f} s): its verdicts can hold but never fail "
                  "(they turn inconclusive).", ""]
    gflops = any(r.gflops for r in case.rows)
    head = ["executor", "in-process [95%]", "speed-up [95%]", "process", "CPU", "peak RSS",
            "p99 task", "last worker starts", "samples", "errors", "valid"] + \
        (["GFLOP/s"] if gflops else [])
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    marks = {}
    for rows in _points(case).values():
        tied, _ = fastest(rows)
        for r in tied:
            marks[r.label] = "★ " if len(tied) == 1 else "☆ "
    for r in case.rows:
        seq = baseline.row(case, r)
        sp = _x(seq.ratio(r)) if seq and r.valid and r.est else "-"
        cells = [marks.get(r.label, "") + r.label, _est(r.est), sp, _s(r.process_wall),
                 _s(r.cpu), f"{r.rss_kib / 1024:.1f} MiB" if r.rss_kib else "-",
                 f"{r.p99_us / 1000:.2f} ms" if r.p99_us is not None else "-",
                 _s(r.first_task_us / 1e6) if r.first_task_us is not None else "-",
                 r.samples_label(), str(r.errors), "yes" if r.valid else f"NO ({r.why})"]
        if gflops:
            cells.append(f"{r.gflops:.1f}" if r.gflops else "-")
        lines.append("| " + " | ".join(cells) + " |")
    for s in case.not_measured:
        lines.append(f"| {s['label']} | not measured: {s['reason']} |" + " |" * (len(head) - 2))
    lines += ["", "★ fastest; ☆ tied for fastest (their intervals do not separate)."]
    return "\n".join(lines)


def _varying(case):
    """Workload parameters that differ between the case's points (what names a point)."""
    seen = {}
    for r in case.rows:
        for k, v in r.point():
            seen.setdefault(k, set()).add(v)
    return {k for k, vals in seen.items() if len(vals) > 1}


def wins(run, verdicts):
    """Per executor, the points it won outright or tied for, and by how much."""
    by_ex = {}
    # The crossover map's cells have a section of their own.
    map_cases = set(cases_of(by_plot(verdicts, "crossover-map")))
    for case in (c for c in run.cases if c.name not in map_cases):
        for point, rows in _points(case).items():
            if len(rows) < 2:
                continue
            tied, nxt = fastest(rows)
            where = case.name + "".join(f" {k}={v}" for k, v in point if k in _varying(case))
            if len(tied) > 1:
                for r in tied:
                    others = ", ".join(x.label for x in tied if x is not r)
                    by_ex.setdefault(r.executor, []).append(f"{where} (tied with {others})")
            else:
                w = tied[0]
                m = nxt.ratio(w) if nxt else None
                how = f"{_x(m)} over {nxt.label}" if m else "alone"
                by_ex.setdefault(w.executor, []).append(f"{where} ({how})")
    lines = ["## Where each approach wins", ""]
    if not by_ex:
        lines.append("No case had two valid executors to compare.")
    for ex in run.executors:
        if ex in by_ex:
            lines.append(f"- **{ex}**: " + "; ".join(by_ex[ex]))
    return "\n".join(lines)


def summary(run, verdicts):
    """summary.md's text, from the run's results and its claims' record (claims.json)."""
    noisy = [c.name for c in run.cases if c.disturbed]
    warn = ([f"> ⚠ {len(noisy)} of {len(run.cases)} cases ran while other processes kept the "
             f"machine busy ({', '.join(noisy)}): their points can hold but never fail.", ""]
            if noisy else [])
    crossover_map = maptable.section(run, by_plot(verdicts, "crossover-map"))
    lead = ["## The answer", "", "```", *answer.lines(run, verdicts), "```", ""]
    parts = ["# Benchmark summary: concurrency vs parallelism", "", *lead, machine(run), "",
             "## Claims", "", *warn, claimsmd.markdown(verdicts), "", wins(run, verdicts), "",
             *([crossover_map, ""] if crossover_map else []), "## Cases", ""]
    if run.status.get("state") != "complete":
        parts.insert(2, "> **This run is incomplete**: only the cases that finished are shown.\n")
    if getattr(run, "damage", None):
        parts.insert(2, damage.markdown(run))
    for case in run.cases:
        parts += [case_table(case), ""]
    shown = [p.name for p in plots.all_plots() if p.summary(run, verdicts)]
    parts += ["## Plots", ""] + [f"![{p}](plots/{p}.svg)" for p in shown]
    return "\n".join(parts) + "\n"


CSV_FIELDS = ["case", "label", "workload", "executor", "round", "batches", "wall_in_s",
              "user_s", "sys_s", "max_rss_kib", "minflt", "migrations", "first_task_us",
              "p50_us", "p99_us", "tasks_run", "ok", "errors", "gflops", "valid", "steal_s"]


def results_csv(run):
    """One row per sample: the case, the command, its parameters as columns of their own."""
    names = sorted({k for c in run.cases for r in c.rows for k in r.params})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS[:4] + names + CSV_FIELDS[4:],
                       lineterminator="\n")
    w.writeheader()
    for case in run.cases:
        for r in case.rows:
            for d in r.samples:
                lat = d.get("latency_us") or {}
                row = {"case": case.name, "label": r.label, "workload": r.workload,
                       "executor": r.executor, "round": d.get("round", ""),
                       "batches": d.get("batches", 1), "wall_in_s": d.get("wall_s", ""),
                       "user_s": d.get("user_s", ""), "sys_s": d.get("sys_s", ""),
                       "max_rss_kib": d.get("max_rss_kib", ""), "minflt": d.get("minflt", ""),
                       "migrations": d.get("migrations", ""),
                       "first_task_us": d.get("first_task_us", ""),
                       "p50_us": lat.get("p50", ""), "p99_us": lat.get("p99", ""),
                       "tasks_run": d.get("tasks", ""), "ok": d.get("ok", ""),
                       "errors": sum((d.get("errors") or {}).values()),
                       "gflops": d.get("gflops") if d.get("gflops") is not None else "",
                       "valid": d.get("valid", ""), "steal_s": d.get("steal_s", "")}
                row.update({k: r.params.get(k, "") for k in names})
                w.writerow(row)
    return buf.getvalue()
