"""NAME    results.py
PURPOSE Load one run directory (results/<run-id>/) into rows that tabulate, claims and plot share.

A row is one command of one case: hyperfine's whole-process times plus the medians of
cvpbench's JSON lines (in-process wall, CPU, RSS, p99, errors, validity). Missing pieces stay
None, so a consumer can say "not measured" instead of guessing.
"""
import os
import statistics

from . import fsutil, models, registry


def _median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


class Row:
    def __init__(self, case, cmd, hf, detail, reg, cores):
        self.case = case
        self.registry = reg
        self.label = cmd["label"]
        self.executor = cmd["executor"]
        self.workload = cmd["workload"]
        self.params = cmd["params"]
        self.hf = hf or {}
        self.detail = detail
        self.times = self.hf.get("times") or []
        self.exit_codes = self.hf.get("exit_codes") or []
        self.wall = _median(self.times)  # whole process, seconds
        self.wall_sd = statistics.stdev(self.times) if len(self.times) > 1 else None
        self.wall_in = _median([d.get("wall_s") for d in detail])  # timed region only
        self.cpu = _median([(d.get("user_s") or 0) + (d.get("sys_s") or 0) for d in detail])
        self.rss_kib = _median([d.get("max_rss_kib") for d in detail])
        self.p99_us = _median([(d.get("latency_us") or {}).get("p99") for d in detail])
        self.gflops = _median([d.get("gflops") for d in detail])
        self.tasks = _median([d.get("tasks") for d in detail]) or self.params.get("tasks")
        self.errors = sum(sum((d.get("errors") or {}).values()) for d in detail)
        self.threads = _median([d.get("threads") for d in detail])
        self.valid, self.why = self._validity()
        # How it scheduled: as recorded, else as its executor's rule says (older runs).
        n = int(self.tasks or 1)
        self.schedule = models.schedule_of(detail[0] if detail else None, n) or \
            models.schedule_before(reg.rule(self.executor), self.params, n, cores)

    def _validity(self):
        if not self.times:
            return False, "no timing"
        # cvpbench's own reason says more than its exit status, so it comes first.
        bad = [d for d in self.detail if not d.get("valid")]
        if bad:
            why = bad[0].get("invalid_reason") or "invalid"
            return False, f"{len(bad)}/{len(self.detail)} runs: {why[:70]}"
        if any(c != 0 for c in self.exit_codes):
            bad = sorted({c for c in self.exit_codes if c != 0})
            return False, f"exit status {','.join(map(str, bad))}"
        if not self.detail:
            return False, "no JSON detail"
        return True, ""

    def point(self):
        """The workload point: rows with the same point did the same work."""
        skip = self.registry.executor_only_params
        return tuple(sorted((k, v) for k, v in self.params.items() if k not in skip))

    def model_s(self, cores):
        """The model's ideal time at the row's own point and schedule, or None (no model)."""
        return models.time_s(self.schedule, int(self.tasks), self.get("latency-ms", 0) / 1e3,
                             self.get("work-us", 0) / 1e6, cores)

    def get(self, name, default=None):
        return self.params.get(name, default)


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
        self.not_measured = rec.get("not_measured", [])
        hf = fsutil.read_json(os.path.join(path, "hyperfine.json"), {}).get("results", [])
        self.rows = []
        for cmd in rec.get("commands", []):
            i = cmd["index"]
            detail = fsutil.read_json_lines(os.path.join(path, f"detail-{i}.jsonl"))
            self.rows.append(Row(self.name, cmd, hf[i] if i < len(hf) else None, detail, reg,
                                 cores))

    def sequential(self, row):
        """The sequential row at the same workload point, if the case has one."""
        for r in self.rows:
            if r.executor == "sequential" and r.point() == row.point() and r.wall:
                return r
        return None


class Run:
    def __init__(self, path):
        self.dir = path
        self.status = fsutil.read_json(os.path.join(path, "status.json"), {})
        self.context = fsutil.read_json(os.path.join(path, "context.json"), {})
        self.registry = registry.from_run(path)
        cases_dir = os.path.join(path, "cases")
        names = sorted(n for n in os.listdir(cases_dir)
                       if not n.endswith(".tmp")) if os.path.isdir(cases_dir) else []
        cores = int(self.context.get("nproc") or self.context.get("cores") or 1)
        self.cases = [Case(os.path.join(cases_dir, n), self.registry, cores) for n in names]
        if not self.context:
            self.context = next((r.detail[0].get("context", {}) for c in self.cases
                                 for r in c.rows if r.detail), {})

    @property
    def cores(self):
        return int(self.context.get("nproc") or self.context.get("cores") or 1)

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
