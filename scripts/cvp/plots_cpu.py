"""NAME    plots_cpu.py
PURPOSE The drawings of computing and memory (plots.py's entries cpu-speedup, memory): each a
        function (run, verdicts, plots folder) -> gnuplot lines, or None without data. The
        memory plot draws what the claim recorded in claims.json (its rows and fit), no more.
"""
from . import baseline, models
from .gnuplot import IDEALS, quote, series_file, style
from .plots_waits import cases_for
from .record import by_plot
from .stats import slope


def cpu_speedup(run, verdicts, d):
    """Speed-up [95% interval] of each pool over sequential at each thread count, one series per
    case and executor, nudged sideways so their error bars do not hide one another."""
    plots, tmax, cores, series = [], 1, run.cores, []
    for ci, case in enumerate(cases_for(run, verdicts, "cpu-speedup")):
        groups = {}
        for r in case.rows:
            rule = run.registry.rule(r.executor) or {}
            seq = baseline.row(case, r)
            sp = seq.ratio(r) if seq and r.valid and r.est else None
            if (rule.get("computes_at_once") == "threads" and rule.get("overlap") == "workers"
                    and sp and r.threads and not r.reference):  # a reference is another program
                groups.setdefault(r.executor, []).append((int(r.threads), sp))
                tmax = max(tmax, int(r.threads))
        what = case_label(case, [r for r in case.rows if r.executor in groups])
        series += [(ci, what, ex, pts) for ex, pts in groups.items()]
    if not series:
        return None
    for k, (ci, what, ex, pts) in enumerate(series):
        nudge = (k - (len(series) - 1) / 2) * 0.06
        f = series_file(d, f"cpu-{ci}-{ex}", [(t + nudge, e.value, e.lo, e.hi) for t, e in pts])
        # Points only: with two or three thread counts a line between them says nothing the
        # ideal line does not, and nudged lines would slant.
        plots.append(f"'{f}' using 1:2:3:4 with yerrorbars {style(run, ex, ci)} "
                     f"title {quote(f'{what}: {ex}')}")
    f = series_file(d, "cpu-ideal", [(t, min(t, cores)) for t in range(1, tmax + 1)])
    plots.append(f"'{f}' using 1:2 with lines dt 2 lw 1.5 lc rgb '{IDEALS[0][0]}' "
                 f"title 'ideal min(T, cores = {cores})'")
    return ["set title 'CPU-bound: speed-up over sequential vs threads T "
            "(in-process, median [95% interval])'",
            "set xlabel 'threads T'", "set ylabel 'speed-up over sequential (×)'",
            "set xtics 1", "set mxtics 1", f"set xrange [0.5:{tmax + 0.5}]",
            f"set yrange [0:{max(tmax, cores) + 0.5}]", "set key top left",
            "plot " + ", ".join(plots)]


def fit_line(fit, s, ns):
    """The least-squares line a + s·N through the fitted points, drawn over the N it was fitted
    on (on a log grid), where positive: below them a negative fixed cost would plunge it to
    zero, which no executor holds."""
    if s is None or s <= 0 or not fit or not ns:
        return []
    icpt = sum(k for _, k in fit) / len(fit) - s * sum(n for n, _ in fit) / len(fit)
    lo, hi = min(n for n, _ in fit), max(ns)
    grid = [lo * (hi / lo) ** (i / 40) for i in range(41)] if lo > 0 and hi > lo else [lo]
    return [(n, icpt + s * n) for n in grid if icpt + s * n > 0]


def case_label(case, rows):
    """"matmul (8 tasks, n=450)": the case with the task count and matrix order of the rows
    drawn (never the first row of the case, which may be a reference program's single call),
    "1 task" in the singular, a range when the rows differ."""
    def span(values, fmt):
        vals = sorted(set(values))
        return fmt(vals[0]) if len(vals) == 1 else f"{fmt(vals[0])}-{fmt(vals[-1])}"
    tasks = [int(r.tasks) for r in rows if r.tasks]
    sizes = [int(r.get("size")) for r in rows if r.get("size")]
    parts = []
    if tasks:
        parts.append(span(tasks, str) + (" task" if set(tasks) == {1} else " tasks"))
    if sizes:
        parts.append("n=" + span(sizes, str))
    return f"{case.name} ({', '.join(parts)})" if parts else case.name


def memory(run, verdicts, d):
    """Memory each executor holds vs tasks in flight, as the claim whose evidence this is
    recorded it (its "series"), with the least-squares slope over the N it fitted ("fit_from")
    in the legend and drawn as a dashed line."""
    v = by_plot(verdicts, "memory")
    fit_from = v.get("fit_from", 0)
    groups, lats = {}, set()
    for p in v.get("series") or []:
        groups.setdefault(p["executor"], []).append((p["tasks"], p["kib"]))
        lats.add(p.get("latency_ms"))
    plots = []
    for ex, pts in groups.items():
        shown = [(n, kib) for n, kib in pts if kib > 0]  # log axis: nothing held is not drawn
        fit = [(n, kib) for n, kib in pts if n >= fit_from]
        s = slope(fit)
        per = f"{s:.2g} KiB per task" if s is not None else "too few N to fit a slope"
        f = series_file(d, f"memory-{ex}", shown)
        colour = models.colour(ex, run.executors)
        line = fit_line(fit, s, [n for n, _ in shown])
        # Points only: a solid line through them would lie on the fit and hide it.
        plots.append(f"'{f}' using 1:2 with points lc rgb '{colour}' pt 7 ps 1.2 "
                     f"title {quote(ex + (' (measured)' if line else ': ' + per))}")
        if line:
            f = series_file(d, f"memory-{ex}-fit", line)
            plots.append(f"'{f}' using 1:2 with lines dt (8, 6) lw 2 lc rgb '{colour}' "
                         f"title {quote(f'{ex} fit over N ≥ {fit_from}: {per}')}")
    if not plots:
        return None
    lat = f", each waiting L = {lats.pop():g} ms" if len(lats) == 1 and None not in lats else ""
    return [f"set title 'Memory held vs tasks N in flight{lat} ({v.get('id')}; slope fitted "
            f"over N ≥ {fit_from}, dashed)'",
            "set xlabel 'tasks N in flight'", "set ylabel 'memory held (KiB)'",
            "set logscale xy", "set format x '%.0s%c'", "set format y '%.0s%c'",
            "set offsets graph 0.03, graph 0.03, 0, 0", "set rmargin 4", "set key bottom right",
            "plot " + ", ".join(plots)]
