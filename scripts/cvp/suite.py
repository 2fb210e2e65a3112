"""NAME    suite.py
PURPOSE Parse a suite definition (bench/suite.txt) and expand it into the commands to time.

A case is workload x executors x parameter points. Every mistake in the file is reported as
one line `FILE:LINE: message` (SuiteError) before anything runs, so a typo never costs a
half-finished five-minute run. The format is described at the top of bench/suite.txt.

Which workloads, executors and parameters exist, and of what type, is what cvpbench says
(registry.py): this file keeps no list of its own.
"""
import itertools
import re

# How a case is measured; each may also be given once before the first case, for all of them.
MEASURING_KEYS = ("runs", "warmup", "target", "ci", "max-time", "min-time", "process-runs")
MEASURING = tuple(k.replace("-", "_") for k in MEASURING_KEYS)
CLAIM_RE = re.compile(r"^C(?:[1-9][0-9]?|[A-Z])$")  # C1..C99, and CL, CP (the lesson's own code)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class SuiteError(Exception):
    """One line, `file:line: message`, for the user."""


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


def _values(text, name, where, cores, reg):
    """Expands `1,5,N`, `1..cores` and `yes|no` lists into a list of raw values."""
    if text == "":
        raise SuiteError(f"{where}: '{name}=' needs a value")
    out = []
    for part in text.split(","):
        if part == "":
            raise SuiteError(f"{where}: '{name}={text}' has an empty item")
        m = re.fullmatch(r"(\w+)\.\.(\w+)", part)
        if m:
            lo, hi = (_number(x, name, where, cores) for x in m.groups())
            if lo > hi:
                raise SuiteError(f"{where}: '{name}={part}' is an empty range")
            out.extend(_spread(lo, hi))
        else:
            out.append(str(cores) if part == "cores" else part)
    for v in out:
        _check_value(name, v, where, cores, reg)
    return out


def _spread(lo, hi):
    """lo..hi: every value up to 8 points, else powers of two plus both ends (64 cores stay cheap)."""
    if hi - lo < 8:
        return [str(v) for v in range(lo, hi + 1)]
    vals = {lo, hi}
    p = 1
    while p < hi:
        if p > lo:
            vals.add(p)
        p *= 2
    return [str(v) for v in sorted(vals)]


DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(us|ms|s)$")
DURATION_VALUE_RE = re.compile(r"^\d+(?:\.\d+)?(?:us|ms|s)?$")  # a bare number: the unit's


def duration_in(text, unit_s):
    """A duration parameter's value in its unit (cvpbench reads a bare number so): '300us' with
    unit ms -> 0.3; whole values come back as int."""
    m = DURATION_RE.match(text)
    v = float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)] / unit_s if m \
        else float(text)
    v = round(v, 6)
    return int(v) if v == int(v) else v


def _duration(text, key, where):
    """'200ms', '1.5s', '500us' -> seconds."""
    m = DURATION_RE.match(text)
    if not m:
        raise SuiteError(f"{where}: '{key}' takes a duration like 200ms, 1s or 500us, not "
                         f"'{text}'")
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def _number(text, name, where, cores):
    if text == "cores":
        return cores
    if re.fullmatch(r"-\d+", text):
        raise SuiteError(f"{where}: '{name}' must not be negative (got {text})")
    if not re.fullmatch(r"\d+", text):
        raise SuiteError(f"{where}: '{name}' takes a whole number, 'cores' or 'N', not '{text}'")
    return int(text)


def _check_value(name, v, where, cores, reg):
    kind = reg.kind(name)
    if v == "auto":
        if kind != "int" or name in reg.executor_only_params:
            raise SuiteError(f"{where}: '{name}=auto' (sized by time) is for a workload's whole "
                             "numbers")
        return
    if kind == "duration":
        if not DURATION_VALUE_RE.match(v):
            raise SuiteError(f"{where}: '{name}' takes a duration (20, 0.3, 300us, 1.5ms), not "
                             f"'{v}'")
        return
    if kind == "flag":
        if v not in ("yes", "no"):
            raise SuiteError(f"{where}: '{name}' takes yes or no, not '{v}'")
    elif kind == "number":
        if not re.fullmatch(r"\d+(\.\d+)?", v):
            raise SuiteError(f"{where}: '{name}' takes a number, not '{v}'")
    elif kind == "text":
        choices = reg.params.get(name, {}).get("choices")
        if choices and v not in choices:
            raise SuiteError(f"{where}: '{name}' takes {' or '.join(choices)}, not '{v}'")
        if not NAME_RE.match(v):
            raise SuiteError(f"{where}: '{name}={v}' is not a plain word")
    elif v == "N":
        if name not in reg.executor_only_params:
            raise SuiteError(f"{where}: 'N' (the task count) only makes sense for an executor's "
                             "threads or concurrency")
    else:
        n = _number(v, name, where, cores)
        if n == 0 and name in ("tasks", "threads", "size", "runs"):
            raise SuiteError(f"{where}: '{name}' must be at least 1")


def _pairs(tokens, where, cores, allowed, owner, reg):
    out = []
    for tok in tokens:
        if "=" not in tok:
            raise SuiteError(f"{where}: expected name=value, got '{tok}'")
        name, text = tok.split("=", 1)
        if name == "url-base":
            raise SuiteError(f"{where}: url-base is set by the driver (it starts the mock server)")
        if allowed is not None and name not in allowed:
            raise SuiteError(f"{where}: '{name}' does not apply to {owner} "
                             f"(it takes: {', '.join(sorted(allowed)) or 'nothing'})")
        if any(name == n for n, _ in out):
            raise SuiteError(f"{where}: '{name}' given twice")
        out.append((name, _values(text, name, where, cores, reg)))
    return out


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
    """The executor that runs one task at a time on one thread (its published rule): the
    baseline of speed-ups and the one-core probe of sizing."""
    return next((n for n, e in reg.executors.items() if e.get("waits_at_once") == "1"
                 and e.get("computes_at_once") == "1"), "sequential")


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
