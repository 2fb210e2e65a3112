"""NAME    results.py
PURPOSE Load one run directory (results/<run-id>/) into rows that tabulate, claims and plot share.

A row is one command of one case: an executor at one workload point. Its samples are the
point's cvpbench JSON lines with its arm index: one per round, the in-process timed region (the
one time basis of every table, plot and claim). Its time is their median with an order-statistic
interval (stats.py). Rows of one point ran in the same rounds of one process, so their ratios
pair round by round. The whole-process time (hyperfine) is kept apart as `process_wall`.
Missing pieces stay None, so a consumer says "not measured" instead of guessing.
"""
import os
import statistics

from . import fsutil, models, registry, stats


def _median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def _known(v):
    """A measured figure: a number, not null (not measured) or negative (not measurable)."""
    return isinstance(v, (int, float)) and v >= 0


class Row:
    def __init__(self, case, cmd, samples, hf, reg, cores):
        self.case = case
        self.registry = reg
        self.label = cmd["label"]
        self.executor = cmd["executor"]
        self.workload = cmd["workload"]
        self.params = cmd["params"]
        self.point_index = cmd.get("point")
        # A reference program ran alone, not in cvpbench's interleaved rounds: its ratios to
        # other rows are never paired by round.
        self.reference = bool(cmd.get("reference"))
        self.samples = samples
        self.walls = {s.get("round", i): s["wall_s"] for i, s in enumerate(samples)
                      if s.get("wall_s") is not None}
        self.est = stats.median_ci(self.walls.values())
        self.wall_in = self.est.value if self.est else None
        self.hf = hf or {}
        self.process_times = self.hf.get("times") or []
        self.process_wall = _median(self.process_times)
        cpus = [(d.get("user_s") or 0) + (d.get("sys_s") or 0) for d in samples]
        self.cpu = _median(cpus)
        self.cpu_est = stats.median_ci(cpus)
        self.rss_kib = _median([d.get("max_rss_kib") for d in samples])
        # The memory the executor holds for its tasks in flight: what its set-up added and how
        # far a batch rose above where it started (peak RSS is shared by a run's executors).
        setup = _median([d["setup_rss_kib"] for d in samples if _known(d.get("setup_rss_kib"))])
        growth = _median([d["rss_growth_kib"] for d in samples
                          if _known(d.get("rss_growth_kib"))])
        self.held_kib = setup + growth if setup is not None and growth is not None else None
        self.p99_us = _median([(d.get("latency_us") or {}).get("p99") for d in samples])
        self.gflops = _median([d.get("gflops") for d in samples])
        self.tasks = _median([d.get("tasks") for d in samples]) or self.params.get("tasks")
        self.errors = sum(sum((d.get("errors") or {}).values()) for d in samples)
        self.threads = _median([d.get("threads") for d in samples])
        self.first_task_us = _median([d.get("first_task_us") for d in samples])
        self.minflt = _median([d.get("minflt") for d in samples])
        self.migrations = _median([d.get("migrations") for d in samples])
        self.valid, self.why = self._validity()
        # How it scheduled: as recorded, else as its executor's rule says.
        n = int(self.tasks or 1)
        self.schedule = models.schedule_of(samples[0] if samples else None, n) or \
            models.schedule_before(reg.rule(self.executor), self.params, n, cores)

    def per_sample(self, fn):
        """The median [95% interval] of fn(sample) over the row's valid samples (fn returns
        None where the sample lacks the figure), or None."""
        vals = []
        for d in self.samples:
            if d.get("valid"):
                try:
                    vals.append(fn(d))
                except (KeyError, TypeError):
                    pass
        return stats.median_ci([v for v in vals if v is not None])

    def _validity(self):
        if not self.samples:
            return False, "no samples"
        bad = [d for d in self.samples if not d.get("valid")]
        if bad:
            why = bad[0].get("invalid_reason") or "invalid"
            return False, f"{len(bad)}/{len(self.samples)} samples: {why[:70]}"
        return True, ""

    def point(self):
        """The workload point: rows with the same point did the same work."""
        skip = self.registry.executor_only_params
        return tuple(sorted((k, v) for k, v in self.params.items() if k not in skip))

    def get(self, name, default=None):
        return self.params.get(name, default)

    def model_s(self, cores):
        """The model's ideal time at the row's own point and schedule, or None (no model)."""
        return models.time_s(self.schedule, int(self.tasks), self.get("latency-ms", 0) / 1e3,
                             self.get("work-us", 0) / 1e6, cores)

    def ratio(self, other):
        """self / other as an estimate: paired by round when both ran in one process (the same
        point of the same case), else from the two medians' intervals (conservative)."""
        if other is None or not self.walls or not other.walls:
            return None
        # Paired when both took part in the same rounds; an executor that was known precisely
        # early sat out later rounds, and then each median's own interval bounds the ratio.
        if self.case == other.case and self.point_index == other.point_index \
                and self.point_index is not None and set(self.walls) == set(other.walls) \
                and not self.reference and not other.reference:
            r = stats.paired_ratio(self.walls, other.walls)
            if r is not None:
                return r
        return stats.ratio_of(self.est, other.est)


class Case:
    def __init__(self, path, reg, cores):
        rec = fsutil.read_json(os.path.join(path, "case.json"), {})
        self.dir = path
        self.name = rec.get("name", os.path.basename(path))
        self.workload = rec.get("workload")
        self.claims = rec.get("claims", [])
        self.note = rec.get("note", "")
        self.runs = rec.get("runs")
        self.error = rec.get("error")
        self.load = rec.get("load") or {}
        self.sized = rec.get("sized") or {}
        self.target_s = rec.get("target_s")
        self.not_measured = rec.get("not_measured", [])
        hf = fsutil.read_json(os.path.join(path, "hyperfine.json"), {}).get("results", [])
        by_point = {}
        for p in rec.get("points", []):
            lines = fsutil.read_json_lines(os.path.join(path, p["file"]))
            by_point[p["index"]] = [x for x in lines if x.get("type", "sample") == "sample"]
        self.rows = []
        for cmd in rec.get("commands", []):
            if cmd.get("file"):  # a reference program: its own process, its own file
                samples = [x for x in fsutil.read_json_lines(os.path.join(path, cmd["file"]))
                           if x.get("type", "sample") == "sample"]
            else:
                samples = [x for x in by_point.get(cmd.get("point"), [])
                           if x.get("arm_index", 0) == cmd.get("arm", 0)]
            i = cmd.get("hf_index", None if cmd.get("reference") else cmd["index"])
            self.rows.append(Row(self.name, cmd, samples,
                                 hf[i] if i is not None and i < len(hf) else None, reg, cores))

    @property
    def disturbed(self):
        """Other processes kept a quarter of a core or more busy (or the hypervisor stole that
        much): CPU-bound timings here are not this machine's own."""
        return self.load.get("other_cores", 0) >= 0.25

    def sequential(self, row):
        """The one-at-a-time row at the same workload point, if the case has one."""
        for r in self.rows:
            if r.schedule and r.schedule.waits == 1 and r.schedule.computes == 1 \
                    and not r.schedule.on_loop and r.point() == row.point() and r.wall_in \
                    and r.get("blocking") != "yes" and r.executor == _baseline(r):
                return r
        return None


def _baseline(row):
    rules = row.registry.executors
    return next((n for n, e in rules.items() if e.get("waits_at_once") == "1"
                 and e.get("computes_at_once") == "1"), "sequential")


class Run:
    def __init__(self, path):
        self.dir = path
        self.status = fsutil.read_json(os.path.join(path, "status.json"), {})
        self.context = fsutil.read_json(os.path.join(path, "context.json"), {})
        self.machine = fsutil.read_json(os.path.join(path, "machine.json"), {})
        self.registry = registry.from_run(path)
        cases_dir = os.path.join(path, "cases")
        names = sorted(n for n in os.listdir(cases_dir)
                       if not n.endswith(".tmp")) if os.path.isdir(cases_dir) else []
        self.cases = [Case(os.path.join(cases_dir, n), self.registry, self.cores)
                      for n in names]
        if not self.context:
            self.context = next((r.samples[0].get("context", {}) for c in self.cases
                                 for r in c.rows if r.samples), {})

    @property
    def cores(self):
        """Cores parallel work can use: physical cores in the affinity set, within any quota
        (the calibration's usable_cores), else what the context recorded."""
        return int(self.machine.get("usable_cores") or self.context.get("nproc")
                   or self.context.get("cores") or 1)

    @property
    def executors(self):
        """The executors of this run: the registry's order, then any other that has rows."""
        seen = list(self.registry.executors)
        for c in self.cases:
            for r in c.rows:
                if r.executor not in seen:
                    seen.append(r.executor)
        return seen

    def tagged(self, tag):
        return [c for c in self.cases if tag in c.claims]
