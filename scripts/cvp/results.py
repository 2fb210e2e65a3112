"""NAME    results.py
PURPOSE Load one run directory (results/<run-id>/) into rows that tabulate, claims and plot share.

A row (row.py) is one command of one case: an executor at one workload point. Its samples are the
point's cvpbench JSON lines with its arm index: one per round, the in-process timed region (the
one time basis of every table, plot and claim). Its time is their median with an order-statistic
interval (stats.py). Rows of one point ran in the same rounds of one process, so their ratios
pair round by round. The whole-process time (hyperfine) is kept apart as `process_wall`.
Missing pieces stay None, so a consumer says "not measured" instead of guessing.
What is damaged (a line that does not parse or lacks wall_s, case.json gone, a file
where a folder belongs) is skipped and listed in Run.damage (damage.py), which every
renderer shows and claims.judge turns into "evidence lost".
"""
import os
import re

from . import damage, registry, validate
from .constants import CLOCK_MOVED, DISTURBED_CORES
from .row import Row


class Case:
    def __init__(self, path, reg, cores, rel=None, known=None):
        """rel: the case folder under the run (cases/01-lesson); known: (name, claim tags) as
        the run's suite.txt gives them, for when case.json cannot say."""
        self.dir = path
        self.rel = rel or os.path.basename(path)
        self.damage = []
        rec, why = validate.load_json(os.path.join(path, "case.json"))
        whys = []
        if rec is not None:
            rec, whys = validate.case_record(rec)
        name = known[0] if known else _bare(os.path.basename(path))
        self.name = (rec or {}).get("name", name)
        self._tags = rec.get("claims", []) if rec is not None and not any(
            w.startswith("field claims") for w in whys) else (known[1] if known else None)
        if why:
            self._hurt("case.json", why)
        for w in whys:
            self._hurt("case.json", w)
        rec = rec or {}
        self.workload = rec.get("workload")
        self.claims = rec.get("claims", [])
        self.note = rec.get("note", "")
        self.runs = rec.get("runs")
        self.error = rec.get("error")
        self.load = rec.get("load") or {}
        self.sized = rec.get("sized") or {}
        self.target_s = rec.get("target_s")
        self.not_measured = rec.get("not_measured", [])
        hf = self._hyperfine()
        by_point = {}
        for p in rec.get("points", []):
            before = len(self.damage)
            samples = self._samples(p["file"], p.get("exit") in (0, None))
            if not samples and p.get("exit") == 0 and len(self.damage) == before:
                # cvpbench keeps its output file whole from the first sample on: a point that
                # exited 0 with none left was emptied afterwards.
                self._hurt(p["file"], "holds no sample, though its point exited 0")
            by_point[p["index"]] = samples
        self.rows = []
        for cmd in rec.get("commands", []):
            if cmd.get("file"):  # a reference program: its own process, its own file
                samples = self._samples(cmd["file"], True)
            else:
                samples = [x for x in by_point.get(cmd.get("point"), [])
                           if x.get("arm_index", 0) == cmd.get("arm", 0)]
            i = cmd.get("hf_index", None if cmd.get("reference") else cmd["index"])
            try:
                self.rows.append(Row(self.name, cmd, samples, hf[i] if i is not None and
                                     0 <= i < len(hf) else None, reg, cores))
            except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as e:
                self._hurt("case.json", f"row {cmd['label']} unusable ({type(e).__name__}: {e})")

    def _hurt(self, file, what, line=None, lost=True):
        self.damage.append(damage.entry(f"{self.rel}/{file}", what, line, self.name, self._tags,
                                        lost))

    def _samples(self, file, required):
        """The whole sample lines of one JSON-lines file; the rest is listed as damage."""
        docs, bad, why = validate.json_lines(os.path.join(self.dir, file))
        if why and (required or why != "missing"):
            self._hurt(file, why)
        for n, w in bad:
            self._hurt(file, w, n)
        out = []
        for n, x in docs:
            if x.get("type", "sample") != "sample":
                continue
            w = validate.sample_problem(x)
            if w:
                self._hurt(file, w, n)
            else:
                out.append(x)
        return out

    def _hyperfine(self):
        """hyperfine's results (the whole-process column), or [] with the damage noted."""
        path = os.path.join(self.dir, "hyperfine.json")
        if not os.path.lexists(path):
            return []
        doc, why = validate.load_json(path)
        res = doc.get("results") if doc is not None else None
        if why is None and not (isinstance(res, list) and all(
                isinstance(r, dict) and isinstance(r.get("times", []), list)
                and all(validate.number(t) for t in r.get("times", [])) for r in res)):
            why = "results is not a list of timings"
        if why:
            self._hurt("hyperfine.json", why, lost=False)
            return []
        return res

    @property
    def disturbed(self):
        """Other processes kept a quarter of a core or more busy (or the hypervisor stole that
        much), or the clock moved by more than CLOCK_MOVED between the case's start and end:
        CPU-bound timings here are not this machine's own."""
        return bool(self.disturbance)

    @property
    def clock_moved(self):
        """How far the clock moved during the case (a fraction, load.clock_moved), or None."""
        v = self.load.get("clock_moved")
        return abs(v) if validate.number(v) else None

    @property
    def disturbance(self):
        """Why the case's points can hold but never fail, as a phrase, or "" (not disturbed)."""
        why = []
        other = self.load.get("other_cores", 0)
        if validate.number(other) and other >= DISTURBED_CORES:
            why.append(f"other processes kept {other:.1f} cores busy on average")
        moved = self.clock_moved
        if moved is not None and moved > CLOCK_MOVED:
            why.append(f"the clock moved {moved:.0%} during the case")
        return "; ".join(why)


def _bare(folder):
    """The case name of a folder cases/NN-NAME."""
    return re.sub(r"^\d+-", "", folder)


class Run:
    # Run-wide files: whether they hold measurements the claims judge (machine.json's costs
    # set every band), and their fields that must be numbers or objects when present.
    FILES = {"status.json": (False, ("cases_done", "cases_total", "elapsed_s"), ()),
             "context.json": (False, ("mem_total_kib", "clock_ghz_measured", "nproc", "cores"),
                              ()),
             "machine.json": (True, ("usable_cores", "physical_cores", "fma_gflops_per_core",
                                     "fma_gflops_all", "fma_scaling", "request_us",
                                     "calibrate_s", "steal_s", "others_cpu_s"),
                              ("wake_us", "thread_create_join_us", "connect_us",
                               "timer_slack_us", "dispatch_us", "reasons"))}

    def __init__(self, path):
        self.dir = path
        self.damage = []
        self.status, self.context, self.machine = (self._file(n) for n in self.FILES)
        self.registry = self._registry(path)
        cases_dir = os.path.join(path, "cases")
        suite = validate.suite_cases(path) or []
        known = {f"{k:02d}-{n}": (n, tags) for k, (n, tags) in enumerate(suite, 1)}
        try:
            names = sorted(n for n in os.listdir(cases_dir)
                           if not n.endswith(".tmp")) if os.path.isdir(cases_dir) else []
        except OSError as e:
            self.damage.append(damage.entry("cases/", f"unreadable: {e.strerror or e}"))
            names = []
        self.cases = []
        for n in names:
            p = os.path.join(cases_dir, n)
            name, tags = known.get(n, (_bare(n), None))
            if not os.path.isdir(p):
                self.damage.append(damage.entry(f"cases/{n}", "not a folder (a case is a folder "
                                                "holding case.json)", case=name, claims=tags))
                continue
            case = Case(p, self.registry, self.cores, f"cases/{n}", known.get(n))
            self.cases.append(case)
            self.damage += case.damage
        # The run's own suite.txt names the folder of every case status.json counts as done
        # (cases/kk-NAME): one that is gone was lost, not skipped.
        done = self.status.get("cases_done")
        if isinstance(done, int) and 0 < done <= len(known):
            for e in [e for e in list(known)[:done] if e not in names]:
                self.damage.append(damage.entry(f"cases/{e}", "missing (status.json counts it "
                                                "as done)", case=known[e][0], claims=known[e][1]))
        if not self.context:
            self.context = next((r.samples[0].get("context", {}) for c in self.cases
                                 for r in c.rows if r.samples), {})

    def _file(self, name):
        """A run-wide JSON file as an object; {} when absent, or damaged (then noted)."""
        lost, numbers, objects = self.FILES[name]
        path = os.path.join(self.dir, name)
        if not os.path.lexists(path):
            return {}
        doc, why = validate.load_json(path)
        if why:
            self.damage.append(damage.entry(name, why, lost=lost))
            return {}
        for k in numbers:
            if doc.get(k) is not None and not validate.number(doc[k]):
                self.damage.append(damage.entry(name, f"{k} is not a number", lost=lost))
                del doc[k]
        for k in objects:
            if doc.get(k) is not None and not isinstance(doc[k], dict):
                self.damage.append(damage.entry(name, f"{k} is not an object", lost=lost))
                del doc[k]
        return doc

    def _registry(self, path):
        p = os.path.join(path, registry.FILE)
        if not os.path.lexists(p):
            return registry.from_run(path)
        doc, why = validate.load_json(p)
        if why is None:
            try:
                return registry.Registry(doc)
            except (TypeError, KeyError, AttributeError) as e:
                why = f"not a registry ({type(e).__name__}: {e})"
        self.damage.append(damage.entry(registry.FILE, why))
        return registry.Registry({})

    @property
    def damaged(self):
        return bool(self.damage)

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
