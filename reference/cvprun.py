"""NAME    cvprun.py
PURPOSE One run of a Python reference program, as cvpbench measures its own: warm-up and timed
        repetitions, the timed region's wall, CPU and peak RSS (of worker processes too), one
        outcome per task, latency percentiles, validation, and the JSON sample line of the
        contract (reference/README.md).
USAGE   a workload function of a program: set up (untimed), then run.batches(batch) or
        await run.batches_async(batch), batch(tasks) calling tasks.done(i, t0[, class, message])"""
import ctypes
import datetime
import gc
import json
import math
import os
import platform
import resource
import socket
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

WORKLOAD_KIND = {"http": "io", "sleep": "io", "matmul": "cpu", "spin": "cpu", "mixed": "mixed"}


def usable_cores():
    return len(os.sched_getaffinity(0))


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
        if self.workload in ("http", "mixed"):
            # What the client fetches: the URL as the loopback rule read it (cvpurl.py).
            if p.get("url"):
                self.url, self.latency_us = a.fetch["url"], 0
            else:
                base = a.fetch["url-base"].rstrip("/")
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
        if self.latency_us and self.workload in ("http", "sleep", "mixed"):
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
