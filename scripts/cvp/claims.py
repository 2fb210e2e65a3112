"""NAME    claims.py
PURPOSE The suite's claims C1..C8: each a model, a predicted value, the measured value and a verdict
        (holds / does not hold / not measured), judged with a tolerance the model states.

Every claim uses the in-process wall time (cvpbench's timed region), because the models describe
the scheduling, not process start-up or allocating the inputs. A claim is "not measured" when its
rows are missing (an executor not built, a case not run); it never guesses.
"""
import math

from . import crossover

HOLDS, FAILS, NOT_MEASURED = "holds", "does not hold", "not measured"

# Tolerance terms, each an upper bound on a cost the ideal model leaves out.
OVERSHOOT_S = 0.002  # per wait: timer slack, wake-up, one loopback request/response
TASK_CPU_S = 0.0002  # per task: starting and finishing it on the loop thread
FIXED_S = 0.020  # once: loop/pool start, first connection, first page faults
THREAD_START_S = 50e-6  # per thread created by a pool
STACK_PAGE_KIB = 4.0  # a thread touches at least one page of its own stack
LOOP_TASK_KIB = 1.0  # a timer handle plus an outcome record stays well under this


def _v(cid, title, model, tolerance):
    return {"id": cid, "title": title, "model": model, "tolerance": tolerance,
            "predicted": "", "measured": "", "verdict": NOT_MEASURED, "detail": []}


def _finish(v, results, predicted, measured):
    """results: list of booleans, one per measured point; none -> not measured."""
    if results:
        v["verdict"] = HOLDS if all(results) else FAILS
        v["predicted"], v["measured"] = "; ".join(predicted), "; ".join(measured)
    return v


def _rows(run, tag, workloads=None):
    for case in run.tagged(tag):
        for r in case.rows:
            if r.valid and r.wall_in is not None and (workloads is None or r.workload in workloads):
                yield case, r


def _find(case, executor, test=lambda r: True):
    """The first valid, timed row of this executor in the case that passes test."""
    return next((r for r in case.rows if r.executor == executor and r.valid and r.wall_in
                 and test(r)), None)


def _fmt(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def c1(run):
    v = _v("C1", "N waits of L take about N*L one after another and about L on the event loop",
           "sequential = N*L; event-loop (no cap) = L",
           f"sequential in [N*L, N*(L+{OVERSHOOT_S * 1e3:g} ms)]; event-loop in "
           f"[L, L + {OVERSHOOT_S * 1e3:g} ms + N*{TASK_CPU_S * 1e3:g} ms + {FIXED_S * 1e3:g} ms]")
    ok, pred, meas = [], [], []
    for case in run.tagged("C1"):
        seq = _find(case, "sequential")
        loop = _find(case, "event-loop", lambda r: r.get("blocking") != "yes"
                     and r.get("concurrency", 0) in (0, r.tasks))
        if not seq or not loop:
            continue
        n, lat = seq.tasks, seq.get("latency-ms", 100) / 1000.0
        seq_ok = n * lat * 0.99 <= seq.wall_in <= n * (lat + OVERSHOOT_S)
        loop_ok = lat * 0.99 <= loop.wall_in <= lat + OVERSHOOT_S + n * TASK_CPU_S + FIXED_S
        ok.append(seq_ok and loop_ok)
        pred.append(f"{case.name}: {_fmt(n * lat)} vs {_fmt(lat)} ({n:.0f}x)")
        meas.append(f"{case.name}: {_fmt(seq.wall_in)} vs {_fmt(loop.wall_in)} "
                    f"({seq.wall_in / loop.wall_in:.0f}x)")
    return _finish(v, ok, pred, meas)


def c2(run):
    v = _v("C2", "with at most C in flight, N waits of L take about ceil(N/C)*L",
           "wall = ceil(N/C)*L (event-loop: C = cap; thread-pool: C = threads)",
           f"in [ceil(N/C)*L, ceil(N/C)*(L+{OVERSHOOT_S * 1e3:g} ms) + N*{TASK_CPU_S * 1e3:g} ms"
           f" + C*{THREAD_START_S * 1e6:g} us (threads) + {FIXED_S * 1e3:g} ms]")
    ok, worst = [], None
    for _case, r in _rows(run, "C2"):
        if r.schedule is None or "work-us" in r.params:
            continue  # no model, or not only waiting
        c = r.schedule.waits
        # A thread per wait is started before the batch but first wakes inside it.
        start = 0.0 if r.schedule.on_loop else c * THREAD_START_S
        n, lat = r.tasks, r.get("latency-ms", 100) / 1000.0
        rounds = math.ceil(n / c)
        ideal = rounds * lat
        upper = rounds * (lat + OVERSHOOT_S) + n * TASK_CPU_S + start + FIXED_S
        ok.append(ideal * 0.99 <= r.wall_in <= upper)
        ratio = r.wall_in / ideal if ideal else float("inf")
        if worst is None or ratio > worst[0] or not ok[-1]:
            worst = (ratio, r, ideal, ok[-1])
            if not ok[-1]:
                worst = (float("inf"), r, ideal, False)
    if not ok:
        return v
    _, r, ideal, _ = worst
    return _finish(v, ok, [f"{len(ok)} points on ceil(N/C)*L"],
                   [f"{sum(ok)}/{len(ok)} points within; worst {r.case} {r.label}: "
                    f"{_fmt(r.wall_in)} vs {_fmt(ideal)}"])


def _as_slow_as_sequential(run, v, tag, test):
    """Shared by C3 and C5: the row passing test takes as long as sequential (ratio 0.9-1.1)."""
    ok, pred, meas = [], [], []
    for case in run.tagged(tag):
        seq, other = _find(case, "sequential"), _find(case, "event-loop", test)
        if seq and other:
            ratio = other.wall_in / seq.wall_in
            ok.append(0.9 <= ratio <= 1.1)
            pred.append(f"{case.name}: {_fmt(seq.wall_in)} (ratio 1.00)")
            meas.append(f"{case.name}: {_fmt(other.wall_in)} (ratio {ratio:.2f})")
    return _finish(v, ok, pred, meas)


def c3(run):
    v = _v("C3", "the event loop gives CPU-bound work no speed-up",
           "event-loop = sequential (the loop computes inline on its one thread)",
           "event-loop / sequential in [0.9, 1.1]")
    return _as_slow_as_sequential(run, v, "C3", lambda r: True)


def c4(run):
    cores = run.cores
    v = _v("C4", f"thread-pool and openmp speed CPU-bound work up about min(cores, tasks) times "
                 f"(cores = {cores})",
           "speed-up at T = cores threads = tasks / ceil(tasks / min(T, cores)) (whole row blocks)",
           "measured >= 0.8 x predicted (shared memory bandwidth, thread start, a busy core) "
           "and <= 1.1 x (cache effects)")
    ok, pred, meas = [], [], []
    for case in run.tagged("C4"):
        seq = _find(case, "sequential")
        if not seq:
            continue
        for ex in _threaded(run, case):
            rows = [r for r in case.rows if r.executor == ex and r.valid and r.wall_in
                    and (r.threads or 0) <= cores]
            if not rows:
                continue
            r = max(rows, key=lambda x: x.threads or 0)
            t, n = int(r.threads or 1), int(r.tasks)
            ideal = n / math.ceil(n / min(t, cores))
            s = seq.wall_in / r.wall_in
            ok.append(0.8 * ideal <= s <= 1.1 * ideal)
            pred.append(f"{case.name} {ex} T={t}: {ideal:.2f}x")
            meas.append(f"{case.name} {ex} T={t}: {s:.2f}x")
    return _finish(v, ok, pred, meas)


def _threaded(run, case):
    """Executors of the case that compute on --threads worker threads (their published rule)."""
    rules = run.registry.executors
    return [ex for ex in dict.fromkeys(r.executor for r in case.rows)
            if rules.get(ex, {}).get("computes_at_once") == "threads"
            and rules[ex].get("overlap") == "workers"]


def c5(run):
    v = _v("C5", "a blocking call inside the loop makes it as slow as sequential",
           "event-loop --blocking = sequential = N*L (the only thread waits in each task)",
           "blocking / sequential in [0.9, 1.1]")
    return _as_slow_as_sequential(run, v, "C5", lambda r: r.get("blocking") == "yes")


def _slope(points):
    """Least-squares slope of (x, y) pairs; None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def c6(run):
    v = _v("C6", "an in-flight task costs far less memory on the event loop than on a thread",
           f"peak RSS grows per in-flight task by >= {STACK_PAGE_KIB:g} KiB with a thread each "
           f"(one touched stack page) and by <= {LOOP_TASK_KIB:g} KiB on the loop (a handle and an "
           "outcome)",
           "slope of peak RSS over N (N >= 1000, all tasks in flight): threads >= 4 KiB, loop <= 1 "
           "KiB")
    loop, threads = [], []
    for _case, r in _rows(run, "C6"):
        if r.tasks < 1000 or r.rss_kib is None or r.schedule is None:
            continue
        if r.schedule.waits < r.tasks:
            continue  # not every task in flight
        if r.schedule.on_loop and r.schedule.computes == 1:
            loop.append((r.tasks, r.rss_kib))
        elif not r.schedule.on_loop:
            threads.append((r.tasks, r.rss_kib))
    sl, st = _slope(loop), _slope(threads)
    if sl is None or st is None:
        return v
    ok = st >= STACK_PAGE_KIB and sl <= LOOP_TASK_KIB
    ratio = f"{st / sl:.0f}x" if sl > 0 else "loop ~0"
    return _finish(v, [ok], [f">= {STACK_PAGE_KIB:g} KiB per thread, <= {LOOP_TASK_KIB:g} KiB per loop task"],
                   [f"{st:.1f} KiB per thread, {sl:.2f} KiB per loop task ({ratio})"])


def c7(run):
    v = _v("C7", "reusing connections is cheaper than a new connection per request",
           "per request: reuse = request; no-reuse = request + connect/accept/close (a TCP handshake)",
           "no-reuse / reuse: client CPU >= 1.1 (beyond CPU-accounting noise) and wall >= 0.95")
    ok, pred, meas = [], [], []
    for case in run.tagged("C7"):
        for ex in dict.fromkeys(r.executor for r in case.rows):
            yes = [r for r in case.rows if r.executor == ex and r.get("reuse") == "yes" and r.valid]
            no = [r for r in case.rows if r.executor == ex and r.get("reuse") == "no" and r.valid]
            if not yes or not no or not yes[0].cpu or not no[0].wall_in:
                continue
            y, n = yes[0], no[0]
            cpu_r, wall_r = n.cpu / y.cpu, n.wall_in / y.wall_in
            ok.append(cpu_r >= 1.1 and wall_r >= 0.95)
            per = lambda r: r.cpu / r.tasks * 1e6  # noqa: E731 - client CPU per request, us
            pred.append(f"{ex}: CPU ratio > 1")
            meas.append(f"{ex}: CPU {per(y):.0f} -> {per(n):.0f} us/request ({cpu_r:.2f}x), "
                        f"wall {wall_r:.2f}x")
    return _finish(v, ok, pred, meas)


def c8(run):
    cores = run.cores
    pick, agree = crossover.PICK_WITHIN, crossover.AGREE_WITHIN
    lo, hi = crossover.LOW_FACTOR, crossover.HIGH_FACTOR
    v = _v("C8", f"the models predict which executor wins each cell of the crossover map "
                 f"(cores P = {cores})",
           "N tasks wait L then compute W; cap C, threads T: sequential = N(L+W); event-loop = "
           "max(ceil(N/C)L + W, L + NW); thread-pool, openmp = max(ceil(N/T)(L+W), "
           "L + ceil(N/min(T,P))W); hybrid = max(ceil(N/C)L + W, L + ceil(N/min(T,P))W)",
           f"per cell: the model's pick (any executor predicted within {pick:g}x of the best, "
           f"or within N x {TASK_CPU_S * 1e3:g} ms, the per-task cost the models leave out) "
           f"measures within {agree:g}x of the measured winner; per executor: measured in "
           f"[{lo:g} x model, {hi:g} x model + waits in series x {OVERSHOOT_S * 1e3:g} ms + "
           f"N x {TASK_CPU_S * 1e3:g} ms + {FIXED_S * 1e3:g} ms]")
    cell_map = crossover.cells(run)
    agreed, within, worst_cell, worst_ex = [], [], None, None
    for key in sorted(cell_map):
        cell = cell_map[key]
        if not cell.winner:
            continue
        picks = cell.model_picks(pick, TASK_CPU_S)
        best_pick = min(cell.measured(ex) for ex in picks)
        ratio = best_pick / cell.measured(cell.winner)
        cell.verdict_ok = ratio <= agree
        agreed.append(cell.verdict_ok)
        if worst_cell is None or ratio > worst_cell[0]:
            worst_cell = (ratio, cell, picks)
        for ex, r in cell.best.items():
            if ex not in cell.predicted:
                continue  # no model: timed, not judged
            ideal = cell.predicted[ex]
            upper = hi * ideal + r.schedule.serial_waits(int(r.tasks)) * OVERSHOOT_S \
                + r.tasks * TASK_CPU_S + FIXED_S
            ok = lo * ideal <= r.wall_in <= upper
            within.append(ok)
            off = r.wall_in / upper if r.wall_in > upper else (lo * ideal / r.wall_in if not ok
                                                                else 0.0)
            if worst_ex is None or off > worst_ex[0]:
                worst_ex = (off, cell, ex, r.wall_in, ideal)
    if not agreed:
        return v
    _, cell, picks = worst_cell
    where = f"L={crossover.fmt_ms(cell.lat_ms)} W={crossover.fmt_us(cell.work_us)}"
    measured = [f"{sum(agreed)}/{len(agreed)} cells won by the model's pick (or within "
                f"{agree:g}x); hardest {where}: {cell.winner} won, model picked "
                f"{'/'.join(picks)} ({_fmt(min(cell.measured(ex) for ex in picks))} vs "
                f"{_fmt(cell.measured(cell.winner))})",
                f"{sum(within)}/{len(within)} executor-cells within their model"]
    if worst_ex and worst_ex[0] > 0:
        _, c, ex, m, ideal = worst_ex
        measured[-1] += (f"; worst {ex} at L={crossover.fmt_ms(c.lat_ms)} "
                         f"W={crossover.fmt_us(c.work_us)}: {_fmt(m)} vs model {_fmt(ideal)}")
    v = _finish(v, [all(agreed) and all(within)],
                [f"{len(agreed)} cells: winner and time of each executor from its model"], measured)
    v["cells"] = [{"latency_ms": c.lat_ms, "work_us": c.work_us, "tasks": c.n,
                   "winner": c.winner, "runner_up": c.runner_up,
                   "margin": round(c.margin, 3) if c.margin else None,
                   "model_picks": c.model_picks(pick, TASK_CPU_S), "agrees": getattr(c, "verdict_ok", None),
                   "measured_s": {ex: round(r.wall_in, 6) for ex, r in c.best.items()},
                   "setting": {ex: crossover.setting(r) for ex, r in c.best.items()},
                   "predicted_s": {ex: round(p, 6) for ex, p in c.predicted.items()}}
                  for _, c in sorted(cell_map.items())]
    return v


ALL = (c1, c2, c3, c4, c5, c6, c7, c8)


def judge(run):
    return [f(run) for f in ALL]


def markdown(verdicts):
    out = ["| claim | model | tolerance | predicted | measured | verdict |",
           "|---|---|---|---|---|---|"]
    for v in verdicts:
        mark = {"holds": "**holds**", "does not hold": "**does not hold**"}.get(v["verdict"],
                                                                            "not measured")
        out.append(f"| {v['id']}: {v['title']} | {v['model']} | {v['tolerance']} | "
                   f"{v['predicted'] or '-'} | {v['measured'] or '-'} | {mark} |")
    return "\n".join(out)
