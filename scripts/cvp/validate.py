"""NAME    validate.py
PURPOSE What the results reader (results.py) checks before it uses a file, a line or a field of
        a run folder: JSON that parses (UTF-8, whole lines, objects), sample lines whose fields
        have the types the tables and claims read, case.json's fields, and the run's own
        suite.txt. Each check returns why a part cannot be used; damage.py keeps and shows the
        list of what was skipped.
"""
import json
import math
import os


def _kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "a string", int: "a number",
            float: "a number"}.get(type(v), type(v).__name__)


def _oserror(e):
    if isinstance(e, FileNotFoundError):
        return "missing"
    if isinstance(e, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(e, NotADirectoryError):
        return "its folder is a file"
    return f"unreadable: {e.strerror or e}"


def _not_utf8(data, e):
    return f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"


def load_json(path, want=dict):
    """(value, None), or (None, why it cannot be used)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return None, _oserror(e)
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        return None, _not_utf8(data, e)
    except json.JSONDecodeError as e:
        end = ": it ends early, cut short" if e.pos >= len(data.rstrip()) else ""
        return None, f"not JSON ({e.msg.removesuffix(' at')}, line {e.lineno} column " \
            f"{e.colno}{end})"
    if want is not None and not isinstance(doc, want):
        return None, f"not a JSON object ({_kind(doc)})" if want is dict else \
            f"not {_kind(want())} ({_kind(doc)})"
    return doc, None


def json_lines(path):
    """(objects, [(line, why)], why the whole file cannot be read or None). A line is whole
    when it ends in a newline; the last one without it was cut mid-way if it does not parse."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return [], [], _oserror(e)
    docs, bad = [], []
    raw = data.split(b"\n")
    for n, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            s = line.decode("utf-8")
        except UnicodeDecodeError as e:
            bad.append((n, _not_utf8(line, e)))
            continue
        try:
            doc = json.loads(s)
        except json.JSONDecodeError as e:
            if n == len(raw) and not data.endswith(b"\n"):
                bad.append((n, f"cut mid-line (no end of line after {len(line)} bytes)"))
            else:
                bad.append((n, f"not JSON ({e.msg.removesuffix(' at')}, column {e.colno})"))
            continue
        if not isinstance(doc, dict):
            bad.append((n, f"not a JSON object ({_kind(doc)})"))
            continue
        docs.append((n, doc))
    return docs, bad, None


def number(v):
    """A finite number, not true/false."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# The sample fields the tables and claims read: a number (or null, not measured), an object.
_NUMBERS = ("user_s", "sys_s", "max_rss_kib", "setup_rss_kib", "rss_growth_kib", "gflops",
            "tasks", "threads", "first_task_us", "minflt", "migrations", "steal_s", "round",
            "arm_index", "batches", "ok", "procs", "setup_us", "worker_kib")
_OBJECTS = ("latency_us", "errors", "queue_us", "response_us", "cancelled", "stop", "params",
            "workload_metrics", "context")


def sample_problem(s):
    """Why a sample line cannot be used, or None."""
    w = s.get("wall_s", KeyError)
    if w is KeyError:
        return "a sample without wall_s"
    if w is None:
        return "wall_s is null, not a time in seconds"
    if not number(w):
        return f"wall_s is {_kind(w)} ({json.dumps(w)[:24]}), not a time in seconds"
    if w < 0:
        return f"wall_s is negative ({w})"
    for k in _NUMBERS:
        v = s.get(k)
        if v is not None and not number(v):
            return f"{k} is {_kind(v)}, not a number"
    for k in _OBJECTS:
        v = s.get(k)
        if v is not None and not isinstance(v, dict):
            return f"{k} is {_kind(v)}, not an object"
    for k in ("errors", "latency_us", "queue_us", "response_us", "cancelled"):
        bad = next((f for f, v in (s.get(k) or {}).items()
                    if v is not None and not number(v)), None)
        if bad is not None:
            return f"{k}.{bad} is {_kind(s[k][bad])}, not a number"
    stop = s.get("stop") or {}
    bad = next((f for f in ("at_ms", "to_return_ms") if stop.get(f) is not None
                and not number(stop[f])), None)
    if bad or not isinstance(stop.get("reason", ""), str):
        return f"stop.{bad or 'reason'} has the wrong type"
    if "valid" in s and not isinstance(s["valid"], bool):
        return f"valid is {_kind(s['valid'])}, not true/false"
    return None


_SCALAR = (str, int, float, bool, type(None))
# case.json's fields: the type each must have when present.
_CASE_FIELDS = {"name": str, "workload": (str, type(None)), "claims": list, "note": str,
                "error": (str, type(None)), "load": dict, "sized": dict,
                "not_measured": list, "points": list, "commands": list,
                "runs": (int, type(None)), "target_s": (int, float, type(None))}


def case_record(rec):
    """Checks case.json's fields; returns (the usable record, [why per dropped part]).
    A field of the wrong type is dropped; so is a point or command that lacks what a row
    needs (its label, executor, workload, params, file or index)."""
    out, why = {}, []
    for k, v in rec.items():
        want = _CASE_FIELDS.get(k)
        if want is not None and v is not None and not isinstance(v, want) \
                or want in (list, dict, str) and v is None:
            why.append(f"field {k} is {_kind(v)}")
            continue
        out[k] = v
    if not all(isinstance(t, str) for t in out.get("claims", [])):
        why.append("field claims holds something that is not a claim name")
        out["claims"] = [t for t in out["claims"] if isinstance(t, str)]
    if any(not isinstance(s, dict) or not isinstance(s.get("label"), str)
           for s in out.get("not_measured", [])):
        why.append("a not-measured entry without a label")
        out["not_measured"] = [s for s in out["not_measured"] if isinstance(s, dict)
                               and isinstance(s.get("label"), str)]
    for name, s in list(out.get("sized", {}).items()):
        if not (isinstance(s, dict) and isinstance(s.get("probes"), list)
                and all(isinstance(p, list) and len(p) == 2 for p in s["probes"])
                and number(s.get("target_s"))):
            why.append(f"sized.{name} is not a sizing record")
            del out["sized"][name]
    if any(not number(v) for v in out.get("load", {}).values()):
        why.append("field load holds something that is not a number")
        out["load"] = {k: v for k, v in out["load"].items() if number(v)}
    points = []
    for i, p in enumerate(out.get("points", [])):
        if not (isinstance(p, dict) and isinstance(p.get("index"), int)
                and isinstance(p.get("file"), str)):
            why.append(f"point {i} lacks its index or file")
            continue
        points.append(p)
    out["points"] = points
    cmds = []
    for i, c in enumerate(out.get("commands", [])):
        bad = _command_problem(c)
        if bad:
            label = c.get("label") if isinstance(c, dict) else None
            why.append(f"command {i}{f' ({label})' if isinstance(label, str) else ''}: {bad}")
            continue
        cmds.append(c)
    out["commands"] = cmds
    return out, why


def _command_problem(c):
    if not isinstance(c, dict):
        return f"{_kind(c)}, not an object"
    for k in ("label", "executor", "workload"):
        if not isinstance(c.get(k), str):
            return f"{k} is {_kind(c.get(k))}"
    if not isinstance(c.get("params"), dict) or \
            not all(isinstance(v, _SCALAR) for v in c["params"].values()):
        return "params is not an object of plain values"
    if c.get("file") is not None and not isinstance(c["file"], str):
        return f"file is {_kind(c['file'])}"
    for k in ("point", "arm", "hf_index"):
        if c.get(k) is not None and not isinstance(c[k], int):
            return f"{k} is {_kind(c[k])}"
    if not c.get("reference") and "hf_index" not in c and not isinstance(c.get("index"), int):
        return "no index"
    return None


def suite_cases(run_dir):
    """[(case name, its claim tags)] in the order of the run's own suite.txt (the k-th case is
    cases/kk-NAME), or None when there is none to read. Only `case` and `claims` lines are
    read, so a suite this checkout would refuse still names its cases."""
    try:
        with open(os.path.join(run_dir, "suite.txt"), encoding="utf-8", errors="replace") as f:
            text_ = f.read()
    except OSError:
        return None
    out = []
    for raw in text_.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) == 2 and words[0] == "case":
            out.append((words[1], []))
        elif words and words[0] == "claims" and out:
            out[-1][1].extend(words[1:])
    return out
