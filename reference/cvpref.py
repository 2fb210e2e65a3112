"""NAME    cvpref.py
PURPOSE What every Python reference program shares, so that each program holds only the code a
        reader would write: the command line (cvpbench's parameter names and meanings), --describe,
        warm-up and timed repetitions, the timed region's wall, CPU and peak RSS, one outcome per
        task, latency percentiles, validation, and the JSON sample line of the contract
        (reference/README.md).
USAGE   from a program in reference/:  cvpref.main(cvpref.Program(name=..., workloads={...}))

Test-only hooks: CVP_REF_PRETEND_MISSING=mod[,mod...] makes a module (or Debian package) count
as not installed; --corrupt changes one element of a matmul result before it is validated."""
import ctypes
import datetime
import gc
import importlib
import importlib.metadata
import json
import math
import os
import platform
import resource
import shutil
import socket
import sys
import time

import cvpwork

SCHEMA = 1

# Outcome classes: bytearray(n) starts every task at NOT_RUN, so a task that never ran says so.
NOT_RUN, OK, CONNECT, TIMEOUT, HTTP_STATUS, RESET, OTHER = range(7)
ERROR_NAMES = {CONNECT: "connect", TIMEOUT: "timeout", HTTP_STATUS: "http_status", RESET: "reset",
               OTHER: "other", NOT_RUN: "not_run"}

# A timer may end up to the clock's resolution early (asyncio runs handles due within it) and
# float seconds round; a task counts as early only below its latency by more than this.
EARLY_TOLERANCE_S = 1e-6

clock = time.perf_counter  # CLOCK_MONOTONIC, as cvpbench's now_ns and asyncio's loop.time


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


def parse_loopback_url(text):
    """Only loopback: the suite never sends load anywhere else."""
    if not text.startswith("http://"):
        raise ValueError(f"URL '{text}' must start with http://")
    host = text[7:].split("/")[0].split("?")[0]
    if not (host.startswith("127.") or host.startswith("[::1]") or
            host.split(":")[0] == "localhost"):
        raise ValueError(f"URL '{text}' is not on loopback (127.0.0.1)")
    return text


# name: (parser, default, help). The defaults of tasks and threads depend on the workload and
# the machine (None here).
PARAMS = {
    "tasks": (_int_in(1, 100000000), None, "tasks per batch (http, sleep, spin: 100; matmul: "
              "one per 64 rows)"),
    "latency-ms": (parse_duration_us, 100000, "each task waits L ms (0.3 or 300us; default 100)"),
    "url-base": (parse_loopback_url, None, "the mock server, e.g. http://127.0.0.1:8080 "
                 "(or $CVP_URL_BASE)"),
    "url": (parse_loopback_url, None, "fetch this URL in every task (loopback only)"),
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
    "http": ["tasks", "latency-ms", "url-base", "url", "timeout-ms"],
    "sleep": ["tasks", "latency-ms"],
    "matmul": ["tasks", "size"],
    "spin": ["tasks", "work-us"],
}
WORKLOAD_KIND = {"http": "io", "sleep": "io", "matmul": "cpu", "spin": "cpu"}
ALWAYS_READ = ["reps", "warmup"]


def usable_cores():
    return len(os.sched_getaffinity(0))


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
    prepare    function(params) called before any module is imported (thread variables)"""

    def __init__(self, name, summary, workloads, reads=(), drop=None, needs=(),
                 workload_needs=None, commands=(), limits=None, defaults=None, runtime=None,
                 prepare=None, arm_keys=None):
        self.name, self.summary, self.workloads = name, summary, workloads
        self.reads, self.drop = list(reads), drop or {}
        self.needs, self.workload_needs = list(needs), workload_needs or {}
        self.commands = list(commands)
        self.limits, self.defaults = limits or {}, defaults or {}
        self.runtime, self.prepare = runtime, prepare
        self.arm_keys = list(reads) if arm_keys is None else arm_keys

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
        try:
            p["url-base"] = parse_loopback_url(base)
        except ValueError as e:
            fail_usage(prog.name, f"$CVP_URL_BASE: {e}")
    return p, ignored


# ---- the timed region ---------------------------------------------------------------------

def _proc_status_kib(field, pid="self"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def _reset_peak_rss(pid="self"):
    """Resets the kernel's peak-RSS counter (VmHWM) so the peak is the region's, as cvpbench."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _proc_cpu_s(pid):
    """(user, system) seconds of a live process: its own /proc stat, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0


class Usage:
    """Wall, CPU and peak RSS of one timed region: of this process, plus its live worker
    processes (pids) and whatever children it waited for inside the region."""

    def begin(self, pids=()):
        self.pids = list(pids)
        self.reset = _reset_peak_rss() and all(_reset_peak_rss(p) for p in self.pids)
        self.rss0 = _proc_status_kib("VmRSS") + sum(_proc_status_kib("VmRSS", p)
                                                    for p in self.pids)
        self.cpu0 = [_proc_cpu_s(p) for p in self.pids]
        self.ru0 = resource.getrusage(resource.RUSAGE_SELF)
        self.ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.t0 = time.perf_counter_ns()

    def end(self, waited=None):
        """waited: rusage of the children waited for in the region (os.wait4), when the program
        measures those alone (curl-parallel: the figures are curl's, not its Python parent's)."""
        t1 = time.perf_counter_ns()
        ru, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
            resource.RUSAGE_CHILDREN)
        u = {"wall_s": (t1 - self.t0) / 1e9}
        if waited is not None:
            u["user_s"] = sum(r.ru_utime for r in waited)
            u["sys_s"] = sum(r.ru_stime for r in waited)
            u["max_rss_kib"] = sum(r.ru_maxrss for r in waited)
            u["rss_scope"] = "children"
            u["rss_growth_kib"] = None
            for k in ("nvcsw", "nivcsw", "minflt", "majflt"):
                u[k] = sum(getattr(r, "ru_" + k) for r in waited)
            return self._rename(u)
        cpu1 = [_proc_cpu_s(p) for p in self.pids]
        u["user_s"] = (ru.ru_utime - self.ru0.ru_utime + ch.ru_utime - self.ch0.ru_utime +
                       sum(b[0] - a[0] for a, b in zip(self.cpu0, cpu1)))
        u["sys_s"] = (ru.ru_stime - self.ru0.ru_stime + ch.ru_stime - self.ch0.ru_stime +
                      sum(b[1] - a[1] for a, b in zip(self.cpu0, cpu1)))
        for k in ("nvcsw", "nivcsw", "minflt", "majflt"):
            u[k] = getattr(ru, "ru_" + k) - getattr(self.ru0, "ru_" + k)
        if self.reset:
            hwm = _proc_status_kib("VmHWM") + sum(_proc_status_kib("VmHWM", p) for p in self.pids)
            u["max_rss_kib"] = hwm
            u["rss_scope"] = "region+workers" if self.pids else "region"
            u["rss_growth_kib"] = max(0, hwm - self.rss0)
        else:
            u["max_rss_kib"] = ru.ru_maxrss
            u["rss_scope"] = "process"
            u["rss_growth_kib"] = None
        return self._rename(u)

    @staticmethod
    def _rename(u):
        u["vcsw"], u["ivcsw"] = u.pop("nvcsw"), u.pop("nivcsw")
        return u


def release_memory():
    """Before each batch, outside the timed region, as cvpbench's malloc_trim: the last batch's
    garbage collected and its freed heap handed back, so that a batch's peak RSS is its own."""
    global _libc
    gc.collect()
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None)
        _libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


_libc = None


class Tasks:
    """One batch's outcomes: a start and end time and exactly one class per task (NOT_RUN until
    the task says otherwise), and the first message of each error class."""
    __slots__ = ("n", "start", "end", "cls", "msg")

    def __init__(self, n):
        self.n = n
        self.start = [0.0] * n
        self.end = [0.0] * n
        self.cls = bytearray(n)
        self.msg = {}

    def done(self, i, t0, cls=OK, msg=None):
        self.end[i] = clock()
        self.start[i] = t0
        self.cls[i] = cls
        if cls != OK and cls not in self.msg:
            self.msg[cls] = msg or ERROR_NAMES[cls]

    def record(self, i, t0, t1, cls=OK, msg=None):
        """A task timed elsewhere (in a worker process: the monotonic clock is system-wide)."""
        self.done(i, t0, cls, msg)
        self.end[i] = t1


_EXC_CLASSES = {
    # httpx
    "ConnectError": CONNECT, "ConnectTimeout": CONNECT, "TimeoutException": TIMEOUT,
    "RemoteProtocolError": RESET, "ReadError": RESET, "WriteError": RESET,
    # aiohttp
    "ClientConnectorError": CONNECT, "ServerTimeoutError": TIMEOUT,
    "ServerDisconnectedError": RESET, "ClientPayloadError": RESET,
    # the standard library
    "ConnectionRefusedError": CONNECT, "TimeoutError": TIMEOUT, "ConnectionResetError": RESET,
    "BrokenPipeError": RESET, "IncompleteRead": RESET,
}


def classify(exc):
    """(class, message) of an exception from any of the clients: the most derived known name."""
    for t in type(exc).__mro__:
        if t.__name__ in _EXC_CLASSES:
            return _EXC_CLASSES[t.__name__], f"{t.__name__}: {exc}"[:200]
    return OTHER, f"{type(exc).__name__}: {exc}"[:200]


def classify_http(status, body_len, content_length):
    """(class, message) of a response that arrived, as cvpbench's http_classify."""
    if not 200 <= status <= 299:
        return HTTP_STATUS, f"HTTP {status}"
    if content_length is not None and int(content_length) != body_len:
        return OTHER, "body length differs from Content-Length"
    if body_len <= 0:
        return OTHER, "empty body"
    return OK, None


def httpx_get(client, url):
    """(class, message) of one GET with an httpx.Client (or any client with the same API)."""
    try:
        r = client.get(url)
        return classify_http(r.status_code, len(r.content), r.headers.get("content-length"))
    except Exception as e:  # every failure is an outcome, never the end of the run
        return classify(e)


async def httpx_get_async(client, url):
    """The same with an httpx.AsyncClient."""
    try:
        r = await client.get(url)
        return classify_http(r.status_code, len(r.content), r.headers.get("content-length"))
    except Exception as e:
        return classify(e)


def httpx_limits(httpx, run, cap):
    """The connection pool for a cap of `cap` requests in flight (0: none). httpx's default pool
    (100 connections, 20 kept alive) would add a cap the reader's code never chose, so the pool
    follows the program's own cap; recorded in the context."""
    run.context["httpx_limits"] = {"max_connections": cap or None,
                                   "max_keepalive_connections": cap or None,
                                   "default_would_be": "100 connections, 20 kept alive"}
    return httpx.Limits(max_connections=cap or None, max_keepalive_connections=cap or None)


def percentile(sorted_values, q):
    """Nearest rank, as cvpbench's histogram: rank = ceil(q * n), at least 1."""
    n = len(sorted_values)
    rank = max(1, min(n, math.ceil(q * n)))
    return sorted_values[rank - 1]


def latency_summary(t):
    lat = sorted((t.end[i] - t.start[i]) * 1e6 for i in range(t.n) if t.cls[i] != NOT_RUN)
    if not lat:
        return {"mean": None, "min": None, "p50": None, "p90": None, "p99": None, "max": None}
    out = {"mean": round(sum(lat) / len(lat), 2), "min": round(lat[0])}
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        out[name] = round(percentile(lat, q))
    out["max"] = round(lat[-1])
    return out


def check_min_duration(t, latency_us):
    """No task may succeed before its requested wait: a wait that ends early is not a wait."""
    need = latency_us / 1e6 - EARLY_TOLERANCE_S
    for i in range(t.n):
        if t.cls[i] == OK and t.end[i] - t.start[i] < need:
            return (f"task {i} took {(t.end[i] - t.start[i]) * 1e6:.1f} us, less than the "
                    f"{latency_us} us it had to wait")
    return None


def verify_matmul(run):
    """verify() of a matmul batch whose result is C, as rows (lists) or a NumPy array: every
    element against the closed form (after --corrupt's change, in the test)."""
    n = run.p["size"]

    def verify(c, t):
        if run.corrupt:
            cvpwork.corrupt(c, n)
        if hasattr(c, "shape"):
            import numpy
            return cvpwork.check_array(numpy, c, n)
        return cvpwork.check_rows(c, n)
    return verify


def machine_context():
    cpu_model, mhz = "", None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and not cpu_model:
                    cpu_model = line.split(":", 1)[1].strip()
                elif line.startswith("cpu MHz") and mhz is None:
                    mhz = float(line.split(":", 1)[1])
    except OSError:
        pass
    u = platform.uname()
    return {"cpu_model": cpu_model, "cores": usable_cores(), "cores_online": os.cpu_count(),
            "cpu_mhz_reported": mhz, "mem_total_kib": _proc_status_kib_meminfo(),
            "kernel": f"{u.system} {u.release} {u.machine}", "hostname": socket.gethostname(),
            "libc": " ".join(platform.libc_ver())}


def _proc_status_kib_meminfo():
    try:
        with open("/proc/meminfo") as f:
            return int(f.readline().split()[1])
    except (OSError, IndexError, ValueError):
        return None


class Run:
    """One run of one workload: its parameters, the warm-up and timed repetitions, and the
    sample lines. A workload function sets up (untimed), then hands its batch to batches()."""

    def __init__(self, prog, a, p, ignored):
        self.prog, self.a, self.p, self.ignored = prog, a, p, ignored
        self.workload = a.workload
        self.corrupt = a.corrupt
        self.context = {}      # a program's own context entries (pool limits, BLAS, ...)
        self.metrics = {}      # a program's own workload figures (spin calibration, ...)
        self.worker_pids = ()  # live worker processes whose CPU and peak RSS count
        self.threads, self.concurrency = 1, p.get("concurrency", 1)
        self.overlap = "none"
        self.flops = None      # floating-point operations per batch (matmul)
        self.invalid = 0
        self.n = p.get("tasks", 1)
        self.latency_us = p.get("latency-ms")
        self.url = None
        if self.workload == "http":
            if p.get("url"):
                self.url, self.latency_us = p["url"], 0
            else:
                base = p["url-base"].rstrip("/")
                ms, us = divmod(self.latency_us, 1000)
                self.url = f"{base}/delay/{ms}.{us:03d}" if us else f"{base}/delay/{ms}"
        self.timeout_s = (p["timeout-ms"] / 1000) if p.get("timeout-ms") else None
        self._started = None

    def arm(self):
        parts = [self.prog.name] + [f"{k}={self.p[k]}" for k in self.prog.arm_keys
                                    if k in self.p and (self.p[k] or k != "concurrency")]
        return " ".join(parts)

    def _schedule(self):
        return [None] * self.p["warmup"] + list(range(self.p["reps"]))

    def _begin(self):
        t = Tasks(self.n)
        release_memory()
        self.usage = Usage()
        self.usage.begin(self.worker_pids)
        return t

    def _end(self, rep, t, result, verify, waited=None):
        u = self.usage.end(waited)
        if rep is None:
            return
        reason = self._validate(t, result, verify)
        self.emit(rep, u, t, reason)

    def batches(self, batch, verify=None, prepare=None):
        """Runs the warm-up batches, then the timed ones: batch(tasks) -> result, timed alone;
        prepare() (untimed) before each; verify(result, tasks) -> reason or None after."""
        for rep in self._schedule():
            if prepare:
                prepare()
            t = self._begin()
            result = batch(t)
            waited = result.pop("waited", None) if isinstance(result, dict) else None
            self._end(rep, t, result, verify, waited)

    async def batches_async(self, batch, verify=None, prepare=None):
        """batches() for a coroutine batch, on the running event loop, so that the loop, its
        client and its warm connections persist across repetitions."""
        for rep in self._schedule():
            if prepare:
                prepare()
            t = self._begin()
            result = await batch(t)
            self._end(rep, t, result, verify)

    def _validate(self, t, result, verify):
        counts = self.counts(t)
        if counts[NOT_RUN]:
            return f"{counts[NOT_RUN]} of {t.n} tasks were never run"
        failed = t.n - counts[OK]
        if failed:
            first = next(c for c in (CONNECT, TIMEOUT, HTTP_STATUS, RESET, OTHER) if counts[c])
            return f"{failed} of {t.n} tasks failed (first: {ERROR_NAMES[first]}: {t.msg[first]})"
        if self.latency_us and self.workload in ("http", "sleep"):
            early = check_min_duration(t, self.latency_us)
            if early:
                return early
        return verify(result, t) if verify else None

    @staticmethod
    def counts(t):
        c = [0] * 7
        for k in range(7):
            c[k] = t.cls.count(k)
        return c

    def emit(self, rep, u, t, reason):
        counts = self.counts(t)
        params = {k.replace("-", "_"): v for k, v in self.p.items()}
        if "latency_ms" in params:
            params["latency_ms"] = self.latency_us / 1000
            params["latency_us"] = self.latency_us
        params["ignored"] = self.ignored
        ctx = machine_context()
        ctx["runtime"] = self.prog.runtime_versions(self.workload)
        ctx.update(self.context)
        rec = {
            "schema": SCHEMA, "type": "sample", "workload": self.workload,
            "executor": self.prog.name, "arm": self.arm(), "arm_index": 0,
            "kind": WORKLOAD_KIND[self.workload], "params": params, "rep": rep, "round": rep,
            "batches": 1,
            "time_utc": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"),
            "threads": self.threads, "concurrency": self.concurrency, "overlap": self.overlap,
            "wall_s": round(u["wall_s"], 9), "user_s": round(u["user_s"], 6),
            "sys_s": round(u["sys_s"], 6), "vcsw": u["vcsw"], "ivcsw": u["ivcsw"],
            "max_rss_kib": u["max_rss_kib"], "rss_scope": u["rss_scope"],
            "rss_growth_kib": u["rss_growth_kib"], "minflt": u["minflt"], "majflt": u["majflt"],
            "tasks": t.n, "ok": counts[OK],
            "errors": {ERROR_NAMES[c]: counts[c] for c in
                       (CONNECT, TIMEOUT, HTTP_STATUS, RESET, OTHER, NOT_RUN)},
            "error_samples": {ERROR_NAMES[c]: m for c, m in t.msg.items()},
            "tasks_per_s": round(t.n / u["wall_s"], 6) if u["wall_s"] > 0 else None,
            "latency_us": latency_summary(t),
            "gflops": round(self.flops / u["wall_s"] / 1e9, 6) if self.flops and
            u["wall_s"] > 0 else None,
            "valid": reason is None, "invalid_reason": reason, "reference": True,
            "workload_metrics": self.metrics, "context": ctx,
        }
        if reason is not None:
            self.invalid = 1
        if self.a.fmt == "json":
            print(json.dumps(rec), flush=True)
        else:
            lat = rec["latency_us"]
            extra = f", {rec['gflops']:.2f} GFLOP/s" if rec["gflops"] else ""
            print(f"{rec['arm']}: {self.workload} rep {rep}: {u['wall_s']:.6f} s, "
                  f"{counts[OK]}/{t.n} ok, p50 {lat['p50']} us, p99 {lat['p99']} us, "
                  f"CPU {u['user_s'] + u['sys_s']:.3f} s, peak RSS {u['max_rss_kib']} KiB"
                  f"{extra}{'' if reason is None else ', INVALID: ' + reason}", flush=True)


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
    run = Run(prog, a, p, ignored)
    prog.workloads[a.workload](run)
    sys.exit(run.invalid)
