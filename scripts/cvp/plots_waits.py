"""NAME    plots_waits.py
PURPOSE The drawings of waiting (plots.py's entries io-cap, n-sweep, open-loop): each a
        function (run, verdicts, plots folder) -> gnuplot lines, or None when the run has no
        data for it. The cases come from the claims' record (claims.json), never a tag here.
"""
import math

from . import baseline, models, openloop
from .gnuplot import IDEALS, ms_points, quote, series_file, style
from .record import by_plot, cases_of


def cases_for(run, verdicts, plot):
    """The run's cases that the claims with this evidence plot read, in run order."""
    names = {n for v in verdicts if v.get("plot") == plot for n in cases_of(v)}
    return [c for c in run.cases if c.name in names]


def io_cap(run, verdicts, d):
    """One series per case and executor; x = cap (threads count as the cap), y = in-process
    wall; each case's ideal line in its own grey and dashes, naming its N and L."""
    plots, ideal = [], []
    for ci, case in enumerate(cases_for(run, verdicts, "io-cap")):
        groups, n, lat = {}, None, None
        for r in case.rows:
            if not r.valid or not r.est or r.schedule is None or r.get("blocking") == "yes":
                continue
            groups.setdefault(r.executor, []).append(ms_points(r, r.schedule.waits))
            n, lat = int(r.tasks), r.get("latency-ms", 100)
        for ex, pts in groups.items():
            f = series_file(d, f"io-cap-{ci}-{ex}", pts)
            plots.append(f"'{f}' using 1:2:3:4 with yerrorlines {style(run, ex, ci)} "
                         f"title {quote(f'{case.name}: {ex}')}")
        if n:
            colour, dash = IDEALS[ci % len(IDEALS)]
            f = series_file(d, f"io-cap-{ci}-ideal",
                            [(c, math.ceil(n / c) * lat) for c in range(1, n + 1)])
            ideal.append(f"'{f}' using 1:2 with lines dt {dash} lw 1.5 lc rgb '{colour}' "
                         f"title {quote(f'{case.name} ideal ⌈N/C⌉·L (N={n}, L={lat:g} ms)')}")
    if not plots:
        return None
    return ["set title 'I/O: wall time vs in-flight cap C (in-process, median [95% interval])'",
            "set xlabel 'cap C (event-loop: --concurrency; thread-pool: threads)'",
            "set ylabel 'in-process wall (ms)'", "set logscale xy", "set key top right",
            "plot " + ", ".join(plots + ideal)]


def sweep_rows(case):
    """The case's closed-loop rows with all N in flight: a batch of N tasks whose wall time is
    the cost of N. An open-loop row (tasks arrive at a rate for a duration) lasts about rate x
    duration whatever the executor does, and a row capped below N (the lesson's 20 at a time)
    waits ceil(N/C) times, so neither is a point of the sweep over N."""
    def capped(r):
        cap = r.get("concurrency") or r.get("threads")
        return bool(cap and r.tasks and int(cap) < int(r.tasks)
                    and not baseline.is_baseline(r.registry.rule(r.executor)))
    return [r for r in case.rows if not (r.get("rate") or r.get("duration") or capped(r))]


def n_sweep(run, verdicts, d):
    """Wall time [95% interval] vs N per case and executor."""
    plots, lats = [], set()
    map_cases = set(cases_of(by_plot(verdicts, "crossover-map")))
    cases = [c for c in run.cases
             # The crossover map's N differs by cell to fit its time budget: not a sweep over N.
             if len({r.tasks for r in sweep_rows(c)}) >= 3 and c.name not in map_cases
             and c.workload in ("sleep", "http", "mixed")]
    for ci, case in enumerate(cases):
        groups = {}
        for r in sweep_rows(case):
            if r.valid and r.est:
                groups.setdefault(r.executor, []).append(ms_points(r, r.tasks))
                lats.add(r.get("latency-ms"))
        for ex, pts in groups.items():
            f = series_file(d, f"n-{ci}-{ex}", pts)
            plots.append(f"'{f}' using 1:2:3:4 with yerrorlines {style(run, ex, ci)} "
                         f"title {quote(f'{case.name} ({case.workload}): {ex}')}")
    if not plots:
        return None
    lat = f", L = {lats.pop():g} ms per task" if len(lats) == 1 and None not in lats else ""
    return [f"set title 'How cost grows: in-process wall vs tasks N{lat} (median [95% interval])'",
            "set xlabel 'tasks N'", "set ylabel 'in-process wall (ms)'", "set logscale xy",
            # 1k, 10k, 100k: short tick labels that fit at the right edge.
            "set format x '%.0s%c'", "set offsets graph 0.03, graph 0.03, 0, 0", "set rmargin 4",
            "set key top right", "plot " + ", ".join(plots)]


def open_loop(run, verdicts, d):
    """Response time against offered rate (C13): the median and p99 per executor, the model's
    capacity C/L as a vertical line, the best rate each executor achieved in its legend."""
    plots, caps, lats, low = [], {}, set(), []
    for k, case in enumerate(cases_for(run, verdicts, "open-loop")):
        groups, model = {}, {}
        for r in case.rows:
            if not (r.valid and r.get("rate") and r.schedule):
                continue
            lat = r.get("latency-ms", 0) / 1e3
            lats.add(r.get("latency-ms"))
            for q in ("p50", "p99"):
                e = r.per_sample(lambda s, q=q: s["response_us"][q] / 1e3)
                if e:
                    groups.setdefault((r.executor, q), []).append(
                        (float(r.get("rate")), e.value, e.lo, e.hi))
            if r.get("duration") and r.get("arrivals", "constant") == "constant":
                model[(r.schedule.waits, r.schedule.on_loop, lat, r.get("duration"))] = r
            ach = r.per_sample(lambda s: s["rate"]["achieved"])
            key = f"{r.executor} C={r.schedule.waits}"
            if ach and ach.value > caps.get(key, (0, 0))[0]:
                caps[key] = (ach.value, r.schedule.waits / lat if lat else 0, r.executor)
        for (ex, q), pts in groups.items():
            low += [p[2] for p in pts if p[2] > 0]
            f = series_file(d, f"openloop-{case.name}-{ex}-{q}", pts)
            best = max((v[0] for k, v in caps.items() if v[2] == ex), default=0)
            colour = models.colour(ex, run.executors)
            # Points only: a straight line between sparse rates would hide the knee that the
            # model's curve shows.
            plots.append(f"'{f}' using 1:2:3:4 with yerrorbars lc rgb '{colour}' "
                         f"pt {7 if q == 'p50' else 5} ps 1.1 lw 1.5 "
                         f"title {quote(f'{ex} {q} (achieved at most {best:.0f}/s)')}")
        rates = sorted({float(r.get("rate")) for r in case.rows if r.get("rate")})
        for (width, on_loop, lat, dur), r in list(model.items())[:1]:
            # The model at service L (openloop.py), on a fine grid of rates: its median response.
            grid = [rates[0] * (rates[-1] / rates[0]) ** (i / 60) for i in range(61)]
            pts = [(x, 1e3 * openloop.simulate(max(1, int(x * dur / 1e3 + 0.999)), x, lat,
                                               width, 1.5 * dur / 1e3, on_loop).p50_s)
                   for x in grid]
            low += [p[1] for p in pts if p[1] > 0]
            f = series_file(d, f"openloop-{case.name}-model", pts)
            plots.append(f"'{f}' using 1:2 with lines lc rgb '{IDEALS[k % len(IDEALS)][0]}' "
                         f"dt 3 lw 1.5 title {quote(f'model p50: D/D/{width} queue, service L')}")
    if not plots:
        return None
    model_caps = sorted({round(v[1]) for v in caps.values() if v[1]})
    arrows = [f"set arrow from {c}, graph 0 to {c}, graph 1 nohead dt 3 lc rgb '#404040'"
              for c in model_caps]
    labels = [f"set label {quote(f'capacity C/L = {c}/s')} at {c}, graph 0.05 left offset 0.5,0 "
              "font ',9'" for c in model_caps]
    lat = f", L = {lats.pop():g} ms" if len(lats) == 1 and None not in lats else ""
    return [f"set title 'Open loop (C13): response time vs offered rate{lat} "
            "(median [95% interval])'", "set xlabel 'offered rate (tasks/s)'",
            "set ylabel 'response, from arrival (ms)'", "set logscale y",
            # Below the capacity the model's curve is flat at L, the lowest value drawn: room
            # beneath it so that it does not lie on the bottom border.
            f"set yrange [{min(low, default=1) / 1.4:.3g}:*]",
            "set offsets graph 0.03, graph 0.03, 0, 0", "set key top left"] + arrows + labels + [
            "plot " + ", ".join(plots)]
