"""NAME    commands.py
PURPOSE A parsed case (suite.py) expanded into the commands to time: for each executor line and
        each `params` line the cartesian product of their points, with `N`, durations and sized
        (`auto`) values resolved, each point once; a Command knows its label, workload point,
        its arm of a point's run and its own command line.
"""
import itertools
import re

from .suitevalues import SuiteError, duration_in


class Command:
    """One command of a case's hyperfine invocation: an executor at one parameter point."""

    def __init__(self, case, executor, params, own, varied):
        self.case = case.name
        self.registry = case.registry
        self.target = case.target
        self.workload = case.workload
        self.executor = executor
        self.params = params  # {name: value}, values resolved ('N' -> tasks)
        # The label shows what distinguishes this row: the executor line's own settings and
        # the case's swept parameters.
        shown = [k for k in params if k in own or k in varied]
        self.label = " ".join([executor] + [f"{k}={params[k]}" for k in shown])

    def point(self):
        """The workload point: what must match for a speed-up over sequential to be fair."""
        skip = self.registry.executor_only_params
        return tuple(sorted((k, v) for k, v in self.params.items() if k not in skip))

    @property
    def needs_server(self):
        return self.registry.needs_server(self.workload)

    def workload_args(self):
        """The workload's parameters as cvpbench options (what every arm of a point shares)."""
        skip = self.registry.executor_only_params
        return self._args({k: v for k, v in self.params.items() if k not in skip})

    def arm(self):
        """This command as one arm of a point's run: 'thread-pool:threads=2:pin=yes'."""
        skip = self.registry.executor_only_params
        own = [f"{k}={v}" for k, v in self.params.items() if k in skip]
        return ":".join([self.executor] + own)

    def _args(self, params):
        a = []
        for k, v in params.items():
            if self.registry.kind(k) == "flag":
                if v == "yes":
                    a.append(f"--{k}")
                elif self.registry.negation(k):
                    a.append(f"--{self.registry.negation(k)}")
            else:
                a += [f"--{k}", str(v)]
        return a

    @property
    def reference(self):
        """The reference program's description when this command runs one, else None."""
        return self.registry.references.get(self.executor)

    def argv(self, binary, url_base=None):
        """This command alone, as a user would type it (its whole-process timing runs this)."""
        if self.reference:
            a = [self.reference["path"], "-w", self.workload] + self._args(self.params)
        else:
            a = [binary, "-w", self.workload, "-e", self.executor] + self._args(self.params)
        if self.needs_server and url_base:
            a += ["--url-base", url_base]
        return a

    def to_json(self):
        d = {"case": self.case, "workload": self.workload, "executor": self.executor,
             "label": self.label, "params": self.params}
        if self.reference:
            d["reference"] = True
        return d


def _varied(case):
    """Workload parameters whose value differs between the case's points (they name a row)."""
    seen = {}
    for pairs in case.params:
        for n, vals in pairs:
            seen.setdefault(n, set()).update(vals)
    if len(case.params) > 1:  # a name some lines leave out differs too (value versus default)
        for n in seen:
            if any(n not in dict(pairs) for pairs in case.params):
                seen[n].add(None)
    return {n for n, vals in seen.items() if len(vals) > 1}


def expand(case):
    """All commands of a case: for each executor line and each `params` line, the cartesian
    product of their points; a point two lines share is timed once."""
    varied = _varied(case)
    cmds, seen = [], set()
    for executor, own, where in case.executors:
        for params in case.params or [[]]:
            cmds += _product(case, executor, params, own, where, varied, seen)
    return cmds


def _product(case, executor, params, own, where, varied, seen):
    """One executor line at one `params` line's points; skips points already in seen."""
    cmds = []
    merged = dict(params)
    merged.update(dict(own))
    names = list(merged)
    for combo in itertools.product(*(merged[n] for n in names)):
        p = dict(zip(names, combo))
        for k in ("threads", "concurrency"):
            if p.get(k) == "N":
                if "tasks" not in p:
                    raise SuiteError(f"{where}: '{k}=N' needs tasks= set on the case or here")
                p[k] = p["tasks"]
        p = {k: (int(v) if re.fullmatch(r"\d+", str(v)) else v) for k, v in p.items()}
        units = {"ms": 1e-3, "us": 1e-6, "s": 1.0}
        p = {k: duration_in(str(v), units[case.registry.params[k].get("unit", "ms")])
             if case.registry.kind(k) == "duration" else v for k, v in p.items()}
        p = {k: case.sized[k]["value"] if v == "auto" and k in case.sized else v
             for k, v in p.items()}
        key = (executor, tuple(sorted(p.items())))
        if key in seen:
            continue
        seen.add(key)
        own_names = {n for n, _ in own}
        cmds.append(Command(case, executor, p, own_names, varied))
    return cmds
