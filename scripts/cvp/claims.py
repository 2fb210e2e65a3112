"""NAME    claims.py
PURPOSE The suite's claims C1..C8 (C9, C10, C16: fileio.py; C11..C13: claims_batch.py; CL, CP:
        claims_ref.py):
        each a model, the band its tolerance allows, and for every
        point the measured interval; a verdict of holds / does not hold / inconclusive (stats.py).

Every time is the in-process timed region (the one time basis), its median with a 95% interval.
The models use this machine's measured costs (costs.py: timer slack, a request's round trip,
waking a thread, dispatching a task) and its usable cores (physical cores in the affinity set,
within any CPU quota), so they predict this machine, not the one the suite was written on.

A point whose interval lies inside the band holds, entirely outside it does not hold, and
otherwise it is inconclusive ("too noisy"). A point of a case that other processes disturbed
(other_cores >= 0.25) can hold, but never fail: it becomes inconclusive ("disturbed"). A claim
fails when a point fails; holds when none fails and at least half hold (the undecided ones are
named in its note); is inconclusive otherwise, and when nothing was measured ("not measured").
"""
import math

from . import crossover, damage, stats
from .costs import Costs
from .claimkit import C4_BAND, Claim, fmt_est, fmt_s, fmt_x as _x, slope  # noqa: F401 (re-exported)
from .stats import FAILS, HOLDS, INCONCLUSIVE

# Bands of the ratio claims.
SAME = (0.9, 1.1)  # "as slow as": C3, C5
C7_CPU_MIN = 1.1  # no-reuse / reuse client CPU at least
C7_WALL_MIN = 0.95
STACK_PAGE_KIB = 4.0  # a thread touches at least one page of its own stack
LOOP_TASK_KIB = 1.0  # a timer handle plus an outcome record stays well under this
C6_MIN_TASKS = 1000  # below this, a few pages of set-up noise swamp the per-task slope


def _find(case, executor, test=lambda r: True):
    return next((r for r in case.rows if r.executor == executor and r.valid and r.est
                 and test(r)), None)


def _lat(r):
    return r.get("latency-ms", 0) / 1e3


def c1(run, costs):
    c = Claim("C1", "N waits of L take about N*L one after another and about L on the event loop",
              "sequential = N*L; event-loop (no cap) = L",
              "sequential in [N*L, N*(L + a wait's lateness)]; event-loop in [L, L + its model's "
              "slack]; " + costs.describe())
    for case in run.tagged("C1"):
        seq = case.sequential(case.rows[0]) if case.rows else None
        loop = _find(case, "event-loop", lambda r: r.get("blocking") != "yes"
                     and r.schedule and r.schedule.waits >= r.tasks)
        if not seq or not loop:
            continue
        n, lat = int(seq.tasks), _lat(seq)
        c.point(case, f"{case.name} sequential", seq.est, n * lat,
                n * (lat + costs.per_wait_s(seq)))
        c.point(case, f"{case.name} event-loop", loop.est, lat,
                lat + costs.slack_for(loop, run.cores))
        c.text(f"{case.name}: {fmt_s(n * lat)} vs {fmt_s(lat)} ({n}x)",
               f"{case.name}: {fmt_est(seq.est)} vs {fmt_est(loop.est)} "
               f"({seq.wall_in / loop.wall_in:.0f}x)")
    return c.done()


def c2(run, costs):
    c = Claim("C2", "with at most C in flight, N waits of L take about ceil(N/C)*L",
              "wall = ceil(N/C)*L (event-loop: C = cap; thread-pool: C = threads)",
              "in [ceil(N/C)*L, ceil(N/C)*L + the model's slack: each wait's lateness, per-task "
              "costs, waking the threads]; " + costs.describe())
    worst = None
    for case in run.tagged("C2"):
        for r in case.rows:
            if not (r.valid and r.est and r.schedule) or "work-us" in r.params:
                continue
            n, lat = int(r.tasks), _lat(r)
            ideal = math.ceil(n / max(1, min(r.schedule.waits, n))) * lat
            upper = ideal + costs.slack_for(r, run.cores)
            v = c.point(case, f"{case.name} {r.label}", r.est, ideal, upper)
            ratio = r.wall_in / upper
            if worst is None or (v != HOLDS, ratio) > (worst[0] != HOLDS, worst[1]):
                worst = (v, ratio, r, ideal, upper)
    if worst:
        _, _, r, ideal, upper = worst
        n = len(c.v["points"])
        c.text(f"{n} points on ceil(N/C)*L",
               f"{sum(p['verdict'] == HOLDS for p in c.v['points'])}/{n} points within; closest "
               f"to its bound: {r.case} {r.label}: {fmt_est(r.est)} vs [{fmt_s(ideal)}, "
               f"{fmt_s(upper)}]")
    return c.done()


def _ratio_claim(run, c, tag, test):
    """Shared by C3 and C5: the row passing test takes as long as sequential."""
    for case in run.tagged(tag):
        other = _find(case, "event-loop", test)
        seq = case.sequential(other) if other else None
        if seq and other:
            r = other.ratio(seq)
            c.point(case, case.name, r, *SAME)
            c.text(f"{case.name}: {fmt_s(seq.wall_in)} (ratio 1.00)",
                   f"{case.name}: {fmt_s(other.wall_in)} (ratio {fmt_est(r, _x)})")
    return c.done()


def c3(run, costs):
    c = Claim("C3", "the event loop gives CPU-bound work no speed-up",
              "event-loop = sequential (the loop computes inline on its one thread)",
              f"event-loop / sequential in [{SAME[0]}, {SAME[1]}] (paired rounds)")
    return _ratio_claim(run, c, "C3", lambda r: True)


def _threaded(run, case):
    """Executors of the case that compute on --threads worker threads (their published rule)."""
    rules = run.registry.executors
    return [ex for ex in dict.fromkeys(r.executor for r in case.rows)
            if rules.get(ex, {}).get("computes_at_once") == "threads"
            and rules[ex].get("overlap") == "workers"]


def c4(run, costs):
    cores = run.cores
    c = Claim("C4", f"threads speed CPU-bound work up about min(cores, tasks) times (usable "
                    f"cores here = {cores})",
              "speed-up at T threads = tasks / ceil(tasks / min(T, usable cores)) (whole tasks); "
              "usable cores: physical cores in the affinity set, within any CPU quota",
              f"measured / predicted in [{C4_BAND[0]}, {C4_BAND[1]}] (paired rounds)")
    for case in run.tagged("C4"):
        for ex in _threaded(run, case):
            rows = [r for r in case.rows if r.executor == ex and r.valid and r.est
                    and r.threads and r.threads <= max(cores, 2)]
            if not rows:
                continue
            r = max(rows, key=lambda x: x.threads)
            seq = case.sequential(r)
            if not seq:
                continue
            t, n = int(r.threads), int(r.tasks)
            ideal = n / math.ceil(n / max(1, min(t, cores)))
            speedup = seq.ratio(r)
            c.point(case, f"{case.name} {ex} T={t}", speedup, C4_BAND[0] * ideal,
                    C4_BAND[1] * ideal)
            c.text(f"{case.name} {ex} T={t}: {ideal:.2f}x", f"{case.name} {ex} T={t}: "
                                                            f"{fmt_est(speedup, _x)}")
    return c.done()


def c5(run, costs):
    c = Claim("C5", "a blocking call inside the loop makes it as slow as sequential",
              "event-loop --blocking = sequential = N*L (the only thread waits in each task)",
              f"blocking / sequential in [{SAME[0]}, {SAME[1]}] (paired rounds)")
    return _ratio_claim(run, c, "C5", lambda r: r.get("blocking") == "yes")


def held_rows(run):
    """(case, row) of the C6 cases whose tasks were all in flight at once, with the memory the
    executor held known: the claim fits its slopes to them (N >= C6_MIN_TASKS), the memory plot
    draws them all."""
    for case in run.tagged("C6"):
        for r in case.rows:
            if r.valid and r.tasks and r.held_kib is not None and r.schedule \
                    and r.schedule.waits >= r.tasks:
                yield case, r


def c6(run, costs):
    c = Claim("C6", "an in-flight task costs far less memory on the event loop than on a thread",
              f"the memory an executor holds for N tasks in flight (what its set-up added to the "
              f"resident set, plus how far a batch rises above it) grows per task by >= "
              f"{STACK_PAGE_KIB:g} KiB with a thread each (one touched stack page) and by <= "
              f"{LOOP_TASK_KIB:g} KiB on the loop", f"slope over N (N >= {C6_MIN_TASKS}, all "
                                                    "tasks in flight)")
    loop, threads, where = [], [], None
    for case, r in held_rows(run):
        if r.tasks < C6_MIN_TASKS:
            continue
        if r.schedule.on_loop and r.schedule.computes == 1:
            loop.append((r.tasks, r.held_kib))
        elif not r.schedule.on_loop:
            threads.append((r.tasks, r.held_kib))
        where = case
    sl, st = slope(loop), slope(threads)
    if sl is None or st is None:
        return c.done()
    point = lambda v: stats.Estimate(v, v, v, 1.0, 1)  # noqa: E731 - a slope of medians
    c.point(where, "KiB per thread", point(st), STACK_PAGE_KIB, None)
    c.point(where, "KiB per loop task", point(sl), None, LOOP_TASK_KIB)
    ratio = f"{st / sl:.0f}x" if sl > 0 else "loop ~0"
    c.text(f">= {STACK_PAGE_KIB:g} KiB per thread, <= {LOOP_TASK_KIB:g} KiB per loop task",
           f"{st:.1f} KiB per thread, {sl:.2f} KiB per loop task ({ratio})")
    return c.done()


def c7(run, costs):
    c = Claim("C7", "reusing connections is cheaper than a new connection per request",
              "per request: reuse = request; no-reuse = request + connect/accept/close",
              f"no-reuse / reuse: client CPU >= {C7_CPU_MIN} and wall >= {C7_WALL_MIN}")
    for case in run.tagged("C7"):
        for ex in dict.fromkeys(r.executor for r in case.rows):
            yes = next((r for r in case.rows if r.executor == ex and r.get("reuse") == "yes"
                        and r.valid), None)
            no = next((r for r in case.rows if r.executor == ex and r.get("reuse") == "no"
                       and r.valid), None)
            if not yes or not no or not yes.cpu_est or not no.est:
                continue
            cpu_r = stats.ratio_of(no.cpu_est, yes.cpu_est)
            wall_r = stats.ratio_of(no.est, yes.est)
            c.point(case, f"{case.name} {ex} CPU", cpu_r, C7_CPU_MIN, None)
            c.point(case, f"{case.name} {ex} wall", wall_r, C7_WALL_MIN, None)
            per = lambda r: r.cpu / r.tasks * 1e6  # noqa: E731 - client CPU per request, us
            c.text(f"{ex}: CPU ratio > 1", f"{ex}: CPU {per(yes):.0f} -> {per(no):.0f} "
                                           f"us/request ({fmt_est(cpu_r, _x)}), wall "
                                           f"{fmt_est(wall_r, _x)}")
    return c.done()


def c8(run, costs):
    cores = run.cores
    pick, agree = crossover.PICK_WITHIN, crossover.AGREE_WITHIN
    lo, hi = crossover.LOW_FACTOR, crossover.HIGH_FACTOR
    c = Claim("C8", f"the models predict which executor wins each cell of the crossover map "
                    f"(usable cores P = {cores})",
              "N tasks wait L then compute W; each executor as its rule schedules them "
              "(models.py): a pool of T threads max(ceil(N/T)(L+W), L + ceil(N/min(T,P))W); a "
              "loop with cap C and c compute threads max(ceil(N/C)L + W, L + ceil(N/min(c,P))W)",
              f"per cell: the model's pick (within {pick:g}x of the best prediction, or of the "
              f"per-task costs) measures within {agree:g}x of the winner (paired ratio); per "
              f"executor: measured in [{lo:g} x model, {hi:g} x model + the model's slack: "
              f"waits in series x lateness, tasks x per-task cost, threads x wake-up, the "
              f"measured first-task delay]; " + costs.describe())
    cell_map = crossover.cells(run)
    for key in sorted(cell_map):
        cell = cell_map[key]
        if not cell.winner:
            continue
        where = f"L={crossover.fmt_ms(cell.lat_ms)} W={crossover.fmt_us(cell.work_us)}"
        case = cell.case
        picks = cell.model_picks(pick, costs.per_task_s(cell.best[cell.winner]))
        best = min(picks, key=lambda ex: cell.measured(ex)) if picks else None
        if best:
            r = cell.best[best].ratio(cell.best[cell.winner]) if best != cell.winner else \
                stats.Estimate(1.0, 1.0, 1.0, 1.0, 1)
            cell.verdict = c.point(case, f"{where}: the model's pick {best} vs winner "
                                         f"{cell.winner}", r, None, agree)
        for ex, row in cell.best.items():
            if ex not in cell.predicted:
                continue
            ideal = cell.predicted[ex]
            c.point(case, f"{where}: {row.label}", row.est, lo * ideal,
                    hi * ideal + costs.slack_for(row, cores))
    pts = c.v["points"]
    picks_ok = [p for p in pts if "model's pick" in p["where"]]
    fits = [p for p in pts if "model's pick" not in p["where"]]
    if pts:
        c.text(f"{len(picks_ok)} cells: winner and time of each executor from its model",
               f"{sum(p['verdict'] == HOLDS for p in picks_ok)}/{len(picks_ok)} cells won by "
               f"the model's pick (or within {agree:g}x); "
               f"{sum(p['verdict'] == HOLDS for p in fits)}/{len(fits)} executor-cells within "
               "their model" + _worst(fits))
    v = c.done()
    v["cells"] = [crossover.cell_json(cl) for _, cl in sorted(cell_map.items())]
    return v


def _worst(points):
    bad = [p for p in points if p["verdict"] != HOLDS and p["measured"] and p["band"][1]]
    if not bad:
        return ""
    p = max(bad, key=lambda p: p["measured"][0] / p["band"][1])
    return (f"; furthest {p['where']}: {fmt_s(p['measured'][0])} vs band up to "
            f"{fmt_s(p['band'][1])}")


# C9, C10, C16 (files, SQLite, a request then a query) live in fileio.py, C11-C13 (batches
# that stop or keep arriving) in claims_batch.py, C14 and C15 (processes, MPI ranks) in
# claims_procs.py, CL and CP (the reader's own code, measured by the reference programs) in
# claims_ref.py; they use Claim from claimkit.py.
from . import claims_batch, claims_procs, claims_ref, fileio, selfcheck  # noqa: E402

ALL = (c1, c2, c3, c4, c5, c6, c7, c8, fileio.c9, fileio.c10, claims_batch.c11, claims_batch.c12,
       claims_batch.c13, claims_procs.c14, claims_procs.c15, fileio.c16, claims_ref.cl,
       claims_ref.cp)


def judge(run):
    costs = Costs(run.machine)
    # A claim whose evidence the reader had to skip (damage.py) is "evidence lost", not judged.
    verdicts = damage.judge_lost(run, [f(run, costs) for f in ALL])
    return selfcheck.note_claims(run, verdicts)


def markdown(verdicts):
    out = ["| claim | verdict | predicted | measured (median [95% interval]) |",
           "|---|---|---|---|"]
    for v in verdicts:
        mark = {HOLDS: "**holds**", FAILS: f"**does not hold** ({v['reason']})"}.get(
            v["verdict"], f"inconclusive ({v['reason']})")
        if v.get("note"):
            mark += f" ({v['note']})"
        out.append(f"| {v['id']}: {v['title']} | {mark} | {v['predicted'] or '-'} | "
                   f"{v['measured'] or '-'} |")
    out += ["", "Models and tolerances:", ""]
    out += [f"- **{v['id']}**: {v['model']}. Band: {v['tolerance']}." for v in verdicts]
    return "\n".join(out)
