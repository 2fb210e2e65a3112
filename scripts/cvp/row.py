"""NAME    row.py
PURPOSE One row of a run (results.py): one command of one case, an executor at one workload
        point, and the figures its samples give: the in-process time's median with its
        interval (the one time basis) and its outliers by Tukey's fences, CPU, memory held,
        latency, GFLOP/s, validity, how it scheduled, and its ratio to another row (paired by
        round when they shared rounds).
"""
import statistics

from . import models, stats


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
        # Tukey's fences over its rounds (mild / severe counts, None below 4 samples): a claim's
        # point built on a row with severe outliers is too noisy to decide (claims/_kit.py).
        self.outliers = stats.tukey(self.walls.values())
        self.severe = (self.outliers or {}).get("severe", 0)
        self.est = stats.median_ci(self.walls.values())
        if self.est is not None and self.severe:
            self.est = self.est.with_severe(self.severe)
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
        if setup is None and self.reference:  # a program's set-up is its interpreter's too
            setup = 0.0  # (imports, pools): what it holds for its tasks is what a batch adds
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

    def samples_label(self):
        """The number of rounds, with its outliers by Tukey's fences when there are any:
        '6 (outliers: 1 mild, 1 severe)'."""
        o = self.outliers or {}
        found = [f"{o[k]} {k}" for k in ("mild", "severe") if o.get(k)]
        return f"{len(self.walls)}" + (f" (outliers: {', '.join(found)})" if found else "")

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
                return r.with_severe(self.severe + other.severe)
        # Independent samples (two processes, or rounds not shared): the Hodges-Lehmann ratio
        # with its Mann-Whitney interval; the ratio of the two medians' intervals only where
        # there are too few samples for that.
        r = stats.shift_ratio(list(self.walls.values()), list(other.walls.values()))
        if r is not None:
            return r.with_severe(self.severe + other.severe)
        return stats.ratio_of(self.est, other.est)
