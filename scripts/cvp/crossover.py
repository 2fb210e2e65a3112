"""NAME    crossover.py
PURPOSE The crossover map behind claim C8: each cell (L, W) of the mixed workload (N tasks that
        each wait L then compute W), every executor at its fastest measured setting, the cell's
        winner and margin, and the ideal time each executor's model predicts there.

Times are the in-process wall (the timed region), as in every claim: threads, the loop and its
connections are set up before it, as in a long-running program that serves many batches. The
models are models.py's, at each row's own schedule.
"""
from . import stats
from .constants import AGREE_WITHIN, PICK_WITHIN
from .constants import MODEL_HIGH as HIGH_FACTOR, MODEL_LOW as LOW_FACTOR

# C8's tolerance. Executors predicted within PICK_WITHIN of the best are ones the model cannot
# tell apart; the cell agrees when the best of them measures within AGREE_WITHIN of the winner.
# (Their values: constants.py, the one table of hand-chosen numbers.)
# Each executor's measured time against its model: LOW_FACTOR allows the hash calibration to err
# (the kernel timed at start-up on a busier core runs faster later); HIGH_FACTOR allows cache and
# scheduler effects of computing with more threads than cores, beyond the additive slack.


def setting(row):
    """What distinguishes the row's executor setting, e.g. 'threads=2' ('' for none)."""
    own = row.registry.executor_only_params
    return " ".join(f"{k}={row.get(k)}" for k in row.registry.params if k in own and row.get(k))


class Cell:
    """One (L, W) point: each executor's fastest valid row, the winner and the model's view."""

    def __init__(self, lat_ms, work_us, n, rows, cores, run_order=(), case=None):
        self.lat_ms, self.work_us, self.n = lat_ms, work_us, n
        self.case = case
        self.verdict = None  # C8's verdict on the model's pick, once judged
        self.best = {}  # executor -> its fastest valid row (in-process wall)
        for r in rows:
            if r.valid and r.wall_in and (r.executor not in self.best
                                          or r.wall_in < self.best[r.executor].wall_in):
                self.best[r.executor] = r
        # Executors without a model (no concurrency rule) are timed and shown, never predicted.
        self.predicted = {ex: p for ex, r in self.best.items()
                          if (p := r.model_s(cores)) is not None}
        order = sorted(self.best, key=lambda ex: self.best[ex].wall_in)
        self.order = [ex for ex in run_order if ex in self.best]
        self.winner = order[0] if order else None
        self.runner_up = order[1] if len(order) > 1 else None
        # Every executor whose interval does not separate from the fastest's (paired rounds).
        self.tied = [ex for ex, _ in stats.tied(
            {ex: r.est for ex, r in self.best.items()},
            lambda a, b: self.best[a].ratio(self.best[b]))]

    @property
    def is_tie(self):
        return len(self.tied) > 1

    @property
    def margin_est(self):
        """The runner-up over the winner as an estimate with its interval (paired)."""
        if not self.runner_up:
            return None
        return self.best[self.runner_up].ratio(self.best[self.winner])

    @property
    def margin(self):
        """Runner-up's time over the winner's (>= 1), or None with fewer than two executors."""
        if not self.runner_up:
            return None
        return self.best[self.runner_up].wall_in / self.best[self.winner].wall_in

    def measured(self, executor):
        r = self.best.get(executor)
        return r.wall_in if r else None

    def model_picks(self, within, per_task_s):
        """The executors the model cannot tell from the best predicted: within a factor `within`
        of it, or closer than the per-task cost the models leave out (N x per_task_s: making a
        request, waking a thread). Fastest predicted first."""
        if not self.predicted:
            return []
        bound = min(self.predicted.values()) * within + self.n * per_task_s
        return sorted((ex for ex, p in self.predicted.items() if p <= bound),
                      key=lambda ex: self.predicted[ex])

    def region(self):
        """Which kind of work dominates the batch: neither, only waiting, only computing, or which
        of the wait (L) and one core's total compute (N x W) is larger."""
        if self.work_us == 0 and self.lat_ms == 0:
            return "neither"  # only the request's own cost: no wait to overlap, nothing to compute
        if self.work_us == 0:
            return "wait"
        if self.lat_ms == 0:
            return "compute"
        return "mostly-wait" if self.n * self.work_us / 1e3 < self.lat_ms else "mostly-compute"


def cells(run, names):
    """{(L ms, W us): Cell} from the run's cases named in names (the map's claim reads them;
    their rows that wait L then compute W). Should two cases time the same (L, W) with
    different N, the larger N is kept: it says more about scheduling."""
    groups = {}
    for case in (c for c in run.cases if c.name in set(names)):
        for r in case.rows:
            kind = (run.registry.workloads.get(r.workload) or {}).get("kind")
            if kind != "mixed" or "work-us" not in r.params or r.tasks is None:
                continue
            key = (r.get("latency-ms", 0), r.get("work-us", 0))
            groups.setdefault(key, {}).setdefault(int(r.tasks), []).append((case, r))
    out = {}
    for (lat, work), by_n in groups.items():
        n = max(by_n)
        rows = [r for _, r in by_n[n]]
        out[(lat, work)] = Cell(lat, work, n, rows, run.cores, run.executors, by_n[n][0][0])
    return out


def cell_json(c):
    return {"latency_ms": c.lat_ms, "work_us": c.work_us, "tasks": c.n, "winner": c.winner,
            "tied": c.tied, "runner_up": c.runner_up,
            "margin": round(c.margin, 3) if c.margin else None,
            "agrees": None if c.verdict is None else c.verdict == stats.HOLDS,
            "verdict": c.verdict,
            "measured_s": {ex: round(r.wall_in, 6) for ex, r in c.best.items()},
            "setting": {ex: setting(r) for ex, r in c.best.items()},
            "predicted_s": {ex: round(p, 6) for ex, p in c.predicted.items()}}


def versus_model(run, cell_map, costs):
    """Per cell, in (L, W) order: (the cell, {executor: (its fastest row, the thread count the map
    chose for it when it is a pool, else '', the model's time or None)}, the model's picks); the
    measured/model tables of summary.md and report.html are written from it. costs: Costs."""
    timed = executors(cell_map)
    for key in sorted(cell_map):
        c = cell_map[key]
        each = {}
        for ex in timed:
            r = c.best.get(ex)
            if r is None:
                continue
            # Pools wait on their threads, so their thread count is what the map chose for them.
            rule = run.registry.rule(ex) or {}
            how = setting(r) if rule.get("waits_at_once") == "threads" else ""
            each[ex] = (r, how, c.predicted.get(ex))
        picks = c.model_picks(PICK_WITHIN, costs.per_task_s(c.best[c.winner])) if c.winner else []
        yield c, each, picks


def executors(cell_map):
    """Every executor timed somewhere on the map, in the run's order."""
    seen = []
    for c in cell_map.values():
        for ex in c.order:
            if ex not in seen:
                seen.append(ex)
    return seen


def axes(cell_map):
    """The sorted L values (rows) and W values (columns) of the map."""
    return (sorted({k[0] for k in cell_map}), sorted({k[1] for k in cell_map}))
