"""NAME    suitevalues.py
PURPOSE The values of a suite file's `name=value` items (suite.py parses the file): lists
        (`1,5,N`), ranges (`1..cores`), durations (`300us`), whole numbers, flags and words,
        each checked against what cvpbench says the parameter takes (registry.py). A mistake is
        a SuiteError, one line `FILE:LINE: message`, before anything runs.
"""
import re

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class SuiteError(Exception):
    """One line, `file:line: message`, for the user."""


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
