"""NAME    suite.py
PURPOSE Parse a suite definition (bench/suite.txt) into cases, each checked whole; its values
        are parsed by suitevalues.py and a case expands into the commands to time in
        commands.py.

A case is workload x executors x parameter points. Every mistake in the file is reported as
one line `FILE:LINE: message` (SuiteError) before anything runs, so a typo never costs a
half-finished five-minute run. The format is described at the top of bench/suite.txt.

Which workloads, executors and parameters exist, and of what type, is what cvpbench says
(registry.py): this file keeps no list of its own.
"""
import re

from . import baseline
from .commands import Command, expand  # noqa: F401 (suite.expand, suite.Command: the driver's)
from .suitevalues import (NAME_RE, SuiteError, _duration, _number, _pairs,  # noqa: F401
                          duration_in)  # SuiteError, duration_in: re-exported for their users

# How a case is measured; each may also be given once before the first case, for all of them.
MEASURING_KEYS = ("runs", "warmup", "target", "ci", "max-time", "min-time", "process-runs")
MEASURING = tuple(k.replace("-", "_") for k in MEASURING_KEYS)
CLAIM_RE = re.compile(r"^C(?:[1-9][0-9]?|[A-Z])$")  # C1..C99, and CL, CP (the lesson's own code)


class Case:
    def __init__(self, name, where):
        self.name = name
        self.where = where  # "file:line" of its `case` line, for later messages
        self.workload = None
        self.params = []  # [[(name, [raw values])]]: one point set per `params` line
        self.executors = []  # [(executor, [(name, [raw values])], where)]
        self.claims = []
        self.runs = 5  # rounds at least: every executor of a point is timed this many times
        self.warmup = 1  # untimed batches per executor first
        self.target = None  # seconds one core should take where a parameter is `auto`
        self.ci = 0.03  # add rounds until each median is known within +-3% at 95%...
        self.max_time = 20.0  # ... or for at most this many seconds of rounds per point
        self.min_time = 0.05  # a sample repeats its batch until it has lasted this long
        self.process_runs = 1  # whole-process timings (hyperfine) per command; 0 = none
        self.sized = {}  # param -> {"value", "probes"} once the driver has sized it
        self.note = ""
        self.registry = None  # what cvpbench offers (set by parse)


def parse(path, cores, reg, text=None):
    """Returns the list of Case, checked against reg (registry.Registry). Raises SuiteError
    naming file:line on the first bad entry."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    cases, case = [], None
    defaults = Case("defaults", f"{path}:0")  # the measuring keywords given before any case
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"{path}:{lineno}"
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        key, rest = words[0], words[1:]
        if key == "case":
            if len(rest) != 1 or not NAME_RE.match(rest[0]):
                raise SuiteError(f"{where}: 'case' takes one name (letters, digits, - and _)")
            if any(c.name == rest[0] for c in cases):
                raise SuiteError(f"{where}: case '{rest[0]}' is defined twice")
            case = Case(rest[0], where)
            for k in MEASURING:
                setattr(case, k, getattr(defaults, k))
            cases.append(case)
            continue
        if case is None and key.replace("-", "_") not in MEASURING:
            raise SuiteError(f"{where}: '{key}' before any 'case' line (only how to measure "
                             f"may be set for the whole suite: {', '.join(MEASURING_KEYS)})")
        if case is None:
            case = defaults  # a suite-wide default: every case after this line starts with it
        if key == "workload":
            if len(rest) != 1:
                raise SuiteError(f"{where}: 'workload' takes one name")
            if rest[0] not in reg.workloads:
                raise SuiteError(f"{where}: unknown workload '{rest[0]}' "
                                 f"(known: {', '.join(sorted(reg.workloads))})")
            case.workload = rest[0]
        elif key == "params":
            if case.workload is None:
                raise SuiteError(f"{where}: 'params' before 'workload'")
            # Each line adds its own points (their union), so a grid can give every row its
            # own task count; a case without any `params` line has one empty point set.
            case.params.append(_pairs(rest, where, cores, reg.workload_params(case.workload),
                                      f"workload {case.workload}", reg))
        elif key == "executor":
            if not rest:
                raise SuiteError(f"{where}: 'executor' needs a name")
            if rest[0] not in reg.executors and not reg.is_reference(rest[0]):
                raise SuiteError(f"{where}: unknown executor '{rest[0]}' (known: "
                                 f"{', '.join(sorted(reg.executors))}; reference programs: "
                                 f"{', '.join(sorted(reg.references)) or 'none'})")
            if case.workload is None:
                raise SuiteError(f"{where}: 'executor' before 'workload'")
            if reg.is_reference(rest[0]):
                # A reference program: its own settings are what it reads for this workload.
                ref = reg.references[rest[0]]
                if case.workload not in ref.get("workloads", []):
                    raise SuiteError(f"{where}: reference '{rest[0]}' does not run "
                                     f"{case.workload} (it runs: {', '.join(ref['workloads'])})")
                allowed = reg.reference_params(rest[0], case.workload)
            else:
                allowed = reg.executor_params(rest[0]) | reg.workload_params(case.workload)
            case.executors.append((rest[0], _pairs(rest[1:], where, cores, allowed,
                                                   f"{rest[0]} running {case.workload}", reg),
                                   where))
        elif key == "claims":
            bad = [c for c in rest if not CLAIM_RE.match(c)]
            if not rest or bad:
                raise SuiteError(f"{where}: 'claims' takes tags like C1 C4, not '{' '.join(bad)}'")
            case.claims = rest
        elif key in ("runs", "warmup", "process-runs", "ci", "max-time"):
            if len(rest) != 1:
                raise SuiteError(f"{where}: '{key}' needs one value")
            n = _number(rest[0], key, where, cores)
            if key == "runs" and n < 1:
                raise SuiteError(f"{where}: 'runs' must be at least 1")
            if key == "max-time" and n < 1:
                raise SuiteError(f"{where}: '{key}' must be at least 1")
            attr = {"process-runs": "process_runs", "max-time": "max_time"}.get(key, key)
            setattr(case, attr, n / 100 if key == "ci" else n)
        elif key in ("target", "min-time"):
            if len(rest) != 1:
                raise SuiteError(f"{where}: '{key}' needs one value")
            setattr(case, key.replace("-", "_"), _duration(rest[0], key, where))
        elif key == "note":
            case.note = " ".join(rest)
        else:
            raise SuiteError(f"{where}: unknown keyword '{key}' (case, workload, params, "
                             "executor, claims, runs, warmup, target, ci, max-time, min-time, "
                             "process-runs, note)")
        if case is defaults:
            case = None
    for c in cases:
        if c.workload is None:
            raise SuiteError(f"{c.where}: case '{c.name}' has no 'workload' line")
        if not c.executors:
            raise SuiteError(f"{c.where}: case '{c.name}' has no 'executor' line")
    if not cases:
        raise SuiteError(f"{path}:1: no cases")
    for c in cases:
        c.registry = reg
        auto = [n for pairs in c.params for n, vals in pairs if "auto" in vals]
        auto += [n for _, own, _ in c.executors for n, vals in own if "auto" in vals]
        if auto and c.target is None:
            raise SuiteError(f"{c.where}: case '{c.name}' sizes {auto[0]}=auto but has no "
                             "'target' (e.g. target 200ms)")
        if c.executors and not any(e == sequential_of(reg) for e, _, _ in c.executors) and auto:
            raise SuiteError(f"{c.where}: case '{c.name}' sizes by time on one core and needs "
                             f"the one-at-a-time executor ({sequential_of(reg)}) among its "
                             "executors")
        expand(c)  # raises on what only shows once expanded (threads=N without tasks)
    return cases


def sequential_of(reg):
    """The baseline executor (baseline.name: one task at a time on one thread, by its published
    rule): the denominator of speed-ups and the one-core probe of sizing."""
    return baseline.name(reg)
