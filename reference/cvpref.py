"""NAME    cvpref.py
PURPOSE The command line every Python reference program shares, so that each program holds only
        the code a reader would write: cvpbench's parameter names, meanings, ranges and defaults,
        --describe, --help, what is installed, and main(), which hands a Run (cvprun.py) to the
        program's workload function. The contract: reference/README.md.
USAGE   from a program in reference/:  cvpref.main(cvpref.Program(name=..., workloads={...}))

Test-only hooks: CVP_REF_PRETEND_MISSING=mod[,mod...] makes a module, command or Debian package
count as not installed; --corrupt changes one element of a matmul result before it is
validated."""
import importlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import sys

import cvprun
import cvpurl
from cvprun import usable_cores

def fail_usage(prog_name, msg):
    """A bad command line: one line on stderr, exit 2."""
    print(f"{prog_name}: {msg}", file=sys.stderr)
    sys.exit(2)


# ---- parameters: cvpbench's names, ranges and defaults -------------------------------------

def _int_in(lo, hi):
    def parse(text):
        try:
            v = int(text, 10)
        except ValueError:
            raise ValueError(f"'{text}' is not an integer") from None
        if not lo <= v <= hi:
            raise ValueError(f"{v} is out of range ({lo}..{hi})")
        return v
    return parse


def parse_duration_us(text):
    """cvpbench's --latency-ms: milliseconds (20, 0.3) or with a unit (300us, 1.5ms, 2s), kept
    in whole microseconds."""
    units = (("us", 1), ("ms", 1000), ("s", 1000000))
    scale, num = 1000, text
    for suffix, mult in units:
        if text.endswith(suffix):
            scale, num = mult, text[: -len(suffix)]
            break
    try:
        v = float(num)
    except ValueError:
        raise ValueError(f"'{text}' is not a duration (20, 0.3, 300us, 1.5ms, 2s)") from None
    us = v * scale
    if not (math.isfinite(us) and 0 <= us <= 3.6e9) or abs(us - round(us)) > 1e-6:
        raise ValueError(f"'{text}' is not a whole number of microseconds in 0..3600 s")
    return int(round(us))


def _text(text):
    """A URL as given; it is checked once every option is read (cvpurl.check, with or without
    --allow-remote), before anything runs."""
    return text


# name: (parser, default, help). The defaults of tasks and threads depend on the workload and
# the machine (None here).
PARAMS = {
    "tasks": (_int_in(1, 100000000), None, "tasks per batch (http, sleep, spin: 100; matmul: "
              "one per 64 rows)"),
    "latency-ms": (parse_duration_us, 100000, "each task waits L ms (0.3 or 300us; default 100)"),
    "url-base": (_text, None, "the mock server, e.g. http://127.0.0.1:8080 "
                 "(or $CVP_URL_BASE)"),
    "url": (_text, None, "fetch this URL in every task (loopback only)"),
    "allow-remote": (None, False, "let --url or --url-base name a server beyond loopback "
                     "(your own service); user information and other schemes stay refused"),
    "timeout-ms": (_int_in(0, 86400000), 30000, "per-request deadline in ms (0 = none)"),
    "concurrency": (_int_in(0, 10000000), 0, "most tasks in flight at once (0 = no cap)"),
    "threads": (_int_in(1, 100000), None, "worker threads or processes (default: the usable "
                "cores)"),
    "size": (_int_in(1, 16384), 1024, "matrix order n"),
    "work-us": (_int_in(0, 60000000), 1000, "CPU work per task, in microseconds"),
    "reps": (_int_in(1, 1000000), 1, "timed repetitions, one sample line each"),
    "warmup": (_int_in(0, 1000000), 0, "untimed batches first"),
}
WORKLOAD_PARAMS = {
    "http": ["tasks", "latency-ms", "url-base", "url", "timeout-ms", "allow-remote"],
    "sleep": ["tasks", "latency-ms"],
    "matmul": ["tasks", "size"],
    "spin": ["tasks", "work-us"],
    # GET /delay/{L} from the mock server, then --work-us of the pure-Python hash chain
    "mixed": ["tasks", "latency-ms", "url-base", "url", "timeout-ms", "allow-remote", "work-us"],
}
ALWAYS_READ = ["reps", "warmup"]
FLAG_PARAMS = {"allow-remote"}  # parameters that take no value


class Program:
    """One reference program: its name, what it runs and how, and what it needs installed.

    workloads  {workload: function(run)}; the function sets up untimed, then calls
               run.batches(batch) or awaits run.batches_async(batch)
    reads      the scheduling parameters it reads for every workload (concurrency, threads)
    drop       {workload: [parameters of that workload it does not read]}
    needs      [(module, Debian package)] every workload needs; workload_needs per workload;
               commands [(program on PATH, Debian package)]
    limits     {parameter: largest value} (pure-Python matmul stays small); defaults likewise
    runtime    function() -> {name: version} beyond Python's and the needed modules'
    prepare    function(params) called before any module is imported (thread variables)
    rule       how many tasks wait and compute at once, and where they wait, in cvpbench's
               terms ("1", "cap", "threads"; "loop" or "workers"), so the suite's models apply
               to it as to an executor: (waits_at_once, computes_at_once, overlap)
    lesson     True for the lesson's own code (httpx with asyncio.gather and a Semaphore, or
               one call after another): claim CL judges only those"""

    def __init__(self, name, summary, workloads, reads=(), drop=None, needs=(),
                 workload_needs=None, commands=(), limits=None, defaults=None, runtime=None,
                 prepare=None, arm_keys=None, rule=("1", "1", "workers"), lesson=False):
        self.name, self.summary, self.workloads = name, summary, workloads
        self.reads, self.drop = list(reads), drop or {}
        self.needs, self.workload_needs = list(needs), workload_needs or {}
        self.commands = list(commands)
        self.limits, self.defaults = limits or {}, defaults or {}
        self.runtime, self.prepare = runtime, prepare
        self.arm_keys = list(reads) if arm_keys is None else arm_keys
        self.rule = rule
        self.lesson = lesson

    def params_for(self, workload):
        own = [p for p in WORKLOAD_PARAMS[workload] if p not in self.drop.get(workload, ())]
        return own + self.reads + ALWAYS_READ

    def all_params(self):
        names = []
        for w in self.workloads:
            names += [p for p in self.params_for(w) if p not in names]
        return names

    def missing(self, workload=None):
        """Debian packages not installed for that workload (all workloads: the program's)."""
        pretend = {x.strip() for x in os.environ.get("CVP_REF_PRETEND_MISSING", "").split(",")}
        out = []
        for mod, pkg in self.needs + self.workload_needs.get(workload, []):
            if mod in pretend or pkg in pretend or importlib.util.find_spec(mod) is None:
                out.append(pkg)
        for cmd, pkg in self.commands:
            if cmd in pretend or pkg in pretend or shutil.which(cmd) is None:
                out.append(pkg)
        return out

    def runtime_versions(self, workload=None):
        v = {"python": platform.python_version(),
             "implementation": platform.python_implementation(),
             "executable": sys.executable}
        mods = self.needs + [m for w in self.workloads for m in self.workload_needs.get(w, [])]
        for mod, pkg in mods:
            try:
                v[mod] = importlib.metadata.version(mod)
            except importlib.metadata.PackageNotFoundError:
                v[mod] = None
        if self.runtime and not self.missing(workload):
            v.update(self.runtime())
        return v


def describe(prog):
    missing_all = prog.missing()
    per_workload = {w: prog.missing(w) for w in prog.workloads}
    usable = [w for w in prog.workloads if not per_workload[w]]
    why = None
    if not usable:
        why = "not installed: " + ", ".join(sorted({p for m in per_workload.values() for p in m}))
    return {
        "name": prog.name,
        "summary": prog.summary,
        "workloads": list(prog.workloads),
        "params": prog.all_params(),
        "workload_params": {w: prog.params_for(w) for w in prog.workloads},
        "defaults": {k: v for k, v in prog.defaults.items()},
        "limits": prog.limits,
        "available": bool(usable),
        "why": why,
        "unavailable_workloads": {w: "not installed: " + ", ".join(m)
                                  for w, m in per_workload.items() if m and not missing_all},
        "runtime": prog.runtime_versions() if usable else
                   {"python": platform.python_version()},
        "rule": dict(zip(("waits_at_once", "computes_at_once", "overlap"), prog.rule)),
        "lesson": prog.lesson,
        "reference": True,
    }


HELP_FLAGS = """  -w, --workload NAME   {workloads}
      --format F        text (default) or json (one sample object per line)
      --describe        one JSON object: what this program runs, reads and needs
      --strict          a parameter this program does not read is an error, not a warning
  -h, --help            this text"""


def help_text(prog):
    lines = [f"usage: {prog.name} -w WORKLOAD [options]", "", prog.summary, "", "Options:",
             HELP_FLAGS.format(workloads=" | ".join(prog.workloads))]
    for p in prog.all_params():
        default = prog.defaults.get(p, PARAMS[p][1])
        if p in FLAG_PARAMS:
            default = None
        if p == "latency-ms" and default is not None:
            default = f"{default / 1000:g}"
        extra = f" [default {default}]" if default is not None else ""
        lim = f" [at most {prog.limits[p]}]" if p in prog.limits else ""
        lines.append(f"      --{p:<16} {PARAMS[p][2]}{extra}{lim}")
    lines += ["", "Exit status: 0 every repetition valid; 1 one was not, or the run could not "
              "start (not installed); 2 bad command line."]
    return "\n".join(lines)


class Args:
    def __init__(self):
        self.workload, self.fmt, self.describe, self.strict, self.corrupt = None, "text", 0, 0, 0
        self.given = {}
        self.fetch = {}  # url, url-base: what the client fetches (cvpurl.check's form)
        self.base_from_env = False  # --url-base came from $CVP_URL_BASE


def parse_args(prog, argv):
    a = Args()
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, value = (arg.split("=", 1) + [None])[:2] if arg.startswith("--") else (arg, None)
        if name in ("-h", "--help"):
            print(help_text(prog))
            sys.exit(0)
        flags = {"--describe": "describe", "--strict": "strict", "--corrupt": "corrupt"}
        if name in flags:
            setattr(a, flags[name], 1)
            i += 1
            continue
        key = name[2:] if name.startswith("--") else None
        if key in FLAG_PARAMS:
            if value is not None:
                fail_usage(prog.name, f"--{key} takes no value")
            a.given[key] = True
            i += 1
            continue
        if name not in ("-w", "--workload", "--format") and key not in PARAMS:
            fail_usage(prog.name, f"unknown option '{arg}' (see --help)")
        if value is None:
            if i + 1 >= len(argv):
                fail_usage(prog.name, f"{name} needs a value")
            value = argv[i + 1]
            i += 1
        i += 1
        if name in ("-w", "--workload"):
            a.workload = value
        elif name == "--format":
            if value not in ("text", "json"):
                fail_usage(prog.name, f"--format must be text or json, not '{value}'")
            a.fmt = value
        else:
            try:
                a.given[key] = PARAMS[key][0](value)
            except ValueError as e:
                fail_usage(prog.name, f"--{key}: {e}")
    if a.describe:
        return a
    if a.workload is None:
        fail_usage(prog.name, f"needs -w WORKLOAD ({', '.join(prog.workloads)})")
    if a.workload not in prog.workloads:
        fail_usage(prog.name, f"runs {', '.join(prog.workloads)}; not '{a.workload}'")
    return a


def resolve(prog, a):
    """The parameters of this run: given, else the program's or cvpbench's default; a parameter
    this program does not read for the workload is ignored with a warning (cvpbench's rule)."""
    reads = prog.params_for(a.workload)
    ignored = [k for k in a.given if k not in reads]
    for k in ignored:
        msg = f"--{k} is not read by {a.workload} under {prog.name}"
        if a.strict:
            fail_usage(prog.name, msg)
        print(f"{prog.name}: warning: {msg}; ignored", file=sys.stderr)
    p = {}
    for k in reads:
        p[k] = a.given.get(k, prog.defaults.get(k, PARAMS[k][1]))
        if k in prog.limits and p[k] is not None and p[k] > prog.limits[k]:
            fail_usage(prog.name, f"--{k} {p[k]} is more than {prog.name} takes "
                                  f"(at most {prog.limits[k]})")
    if "tasks" in reads and p["tasks"] is None:
        p["tasks"] = {"matmul": (p.get("size", 1) + 63) // 64}.get(a.workload, 100)
    if a.workload == "matmul" and "tasks" in reads and p["tasks"] > p["size"]:
        fail_usage(prog.name, f"--tasks {p['tasks']} is out of range for --size {p['size']} "
                              f"(one task is at least one row: 1..{p['size']})")
    if "threads" in reads and p["threads"] is None:
        p["threads"] = usable_cores()
    if "url-base" in reads and p["url-base"] is None and p.get("url") is None:
        base = os.environ.get("CVP_URL_BASE")
        if not base:
            fail_usage(prog.name, "http needs --url-base http://127.0.0.1:PORT (a running "
                                  "mockserver) or --url")
        p["url-base"] = base
        a.base_from_env = True
    # The loopback rule (cvpurl.py, as cvpbench's): refused here, before anything runs.
    for k in ("url", "url-base"):
        if k in reads and p.get(k) is not None:
            what = "$CVP_URL_BASE" if k == "url-base" and a.base_from_env else f"--{k}"
            try:
                a.fetch[k] = cvpurl.check(what, p[k], bool(p.get("allow-remote")),
                                          base=k == "url-base")
            except ValueError as e:
                fail_usage(prog.name, str(e))
    return p, ignored


def main(prog):
    a = parse_args(prog, sys.argv[1:])
    if a.describe:
        if prog.prepare:
            prog.prepare(dict(a.given), describe_only=True)
        print(json.dumps(describe(prog)))
        sys.exit(0)
    p, ignored = resolve(prog, a)
    missing = prog.missing(a.workload)
    if missing:
        print(f"{prog.name}: not installed: {', '.join(missing)} (scripts/install-deps.sh "
              "reference)", file=sys.stderr)
        sys.exit(1)
    if prog.prepare:
        prog.prepare(p, describe_only=False)
    run = cvprun.Run(prog, a, p, ignored)
    prog.workloads[a.workload](run)
    sys.exit(run.invalid)
