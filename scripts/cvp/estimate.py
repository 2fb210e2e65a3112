"""NAME    estimate.py
PURPOSE Rough seconds one command should take, from the same models the claims use.

Used for the ETA on the progress line and to check a suite against its time budget before it
runs. The driver scales these guesses by how far off they have been so far in the run, so they
only need the right order of magnitude. What a command does is read from its parameters (a wait
of latency-ms, work-us of compute, a matrix of size n), how its executor overlaps tasks from the
executor's published rule (models.py): no workload or executor is named here. Once
`cvpbench calibrate` has run, its measured costs (machine.json: a request on the loop, a task's
dispatch per executor, a thread's start) replace the rough figures below, so the first ETA is
this machine's. A reference program's requests cost its interpreter's client a multiple of
cvpbench's (REF_REQUEST_X: a property of the program, not of the machine).
"""
from . import models
from .runcase import points_of
from .runref import reference_reps

PROCESS_S = 0.08  # process start, context probe, set-up of every arm (a hash calibration)
CASE_S = 0.4  # hyperfine's own start and the case's bookkeeping, once per case
REPORT_S, REPORT_CASE_S = 1.0, 0.1  # the scripts after the last case: start, and per case
EXTRA_ROUNDS = 0.1  # --ci adds rounds beyond the minimum, mostly to fast noisy arms: cheap
REQUEST_S = 30e-6  # client CPU per request on loopback (what one request costs besides waiting)
TIMER_S = 1e-6  # a wait without a request: a loop timer (or a thread's sleep) set and fired
GFLOPS_PER_CORE = 20.0  # a blocked kernel on one core; the machine's peak is higher
TASK_S = 0.05e-6  # handing out one task (calibration measures 0.04-0.3 us per executor)
THREAD_START_S = 15e-6
REF_START_S = 0.5  # a reference program's start: an interpreter, its imports, its set-up
# A reference program's cost per request or timer, as a multiple of cvpbench's own: an
# interpreter's HTTP client (httpx, aiohttp) and asyncio's timers spend tens of times the CPU of
# libcurl's and libuv's; other runtimes (Node, curl) a few times.
REF_TASK_X = {"python": 40.0, "other": 4.0}
# Files and SQLite, from what this 2-core VM measured (their order of magnitude is what counts).
COLD_READ_S = 80e-6  # a 4 KiB read after its pages were dropped
FILE_BYTE_S = 0.5e-9  # a byte read from the page cache and checked
FILE_MAKE_S = 40e-6  # set-up: creating one file
QUERY_S = 5e-6  # a point lookup
ROW_S = 60e-9  # each row a range query reads
UPDATE_S = 120e-6  # an update's transaction (WAL, synchronous = NORMAL)
DB_ROW_S = 1.5e-6  # set-up: inserting and indexing one row


def _tasks(cmd):
    p = cmd.params
    if p.get("rate") and p.get("duration"):  # an open loop of --duration: rate x duration
        return max(1, int(float(p["rate"]) * p["duration"] / 1e3 + 0.999))
    return int(p.get("tasks") or cmd.registry.default(cmd.workload, "tasks") or 1)


def _costs(m):
    """The per-unit costs: calibrate's where it measured them (m: machine.json), else the
    rough figures above."""
    loop = (m or {}).get("request_loop_us") or {}
    thread = (m or {}).get("thread_create_join_us") or {}
    return {"request": loop["median"] / 1e6 if loop.get("median") else REQUEST_S,
            "thread": thread["median"] / 1e6 if thread.get("median") else THREAD_START_S,
            "dispatch": {k: v / 1e6 for k, v in ((m or {}).get("dispatch_us") or {}).items()
                         if isinstance(v, (int, float))}}


def _task_x(cmd):
    """How much more a wait costs the program than cvpbench (1 for cvpbench's executors)."""
    if not cmd.reference:
        return 1.0
    runtime = (cmd.registry.references.get(cmd.executor) or {}).get("runtime") or {}
    return REF_TASK_X["python" if "python" in runtime else "other"]


def seconds(cmd, cores, m=None):
    """One batch of the command, in seconds (m: calibrate's machine.json, when it has run)."""
    if any(v == "auto" for v in cmd.params.values()):
        return cmd.target or 0.2  # sized so that one core takes the case's target
    costs = _costs(m)
    p, n, reg = cmd.params, _tasks(cmd), cmd.registry
    sched = models.schedule_before(reg.rule(cmd.executor), p, n, cores) or models.Schedule(1, 1,
                                                                                         False)
    cpu_width = max(1, min(sched.computes, cores, n))
    s = n * costs["dispatch"].get(cmd.executor, TASK_S)
    lat = p.get("latency-ms", reg.default(cmd.workload, "latency-ms") or 0) / 1e3
    work = p.get("work-us", reg.default(cmd.workload, "work-us") or 0) / 1e6 \
        if "work-us" in reg.workload_params(cmd.workload) else 0.0
    if p.get("fail-fast") and p.get("fail-task") is not None:
        n = min(n, int(p["fail-task"]) + 1)  # the batch stops at the failing task
    if "latency-ms" in reg.workload_params(cmd.workload) or work:
        s += models.time_s(sched, n, lat, work, cores)
    if "latency-ms" in reg.workload_params(cmd.workload):
        s += n * _task_x(cmd) * (costs["request"] if reg.needs_server(cmd.workload) else TIMER_S)
    if "size" in reg.workload_params(cmd.workload):
        size = p.get("size", reg.default(cmd.workload, "size") or 1024)
        s += 2.0 * size**3 / (GFLOPS_PER_CORE * 1e9 * cpu_width) + size * size * 24 / 2e9
    if reg.rule(cmd.executor) and reg.rule(cmd.executor).get("threads"):
        s += sched.computes * costs["thread"]
    s += _io_seconds(cmd, p, n, reg, max(1, min(sched.waits, n)))
    deadline = p.get("deadline-ms", 0) / 1e3
    if p.get("rate"):  # open loop: arrivals over n / rate; a backlog ends at the deadline
        span = n / float(p["rate"])
        s = max(s, span + lat + work)
        deadline = deadline or (1.5 * p["duration"] / 1e3 if p.get("duration") else 0)
    return min(s, deadline + lat) if deadline else s


def _io_seconds(cmd, p, n, reg, width):
    """Files and queries: the parameters that say how much there is to read or query."""
    names = reg.workload_params(cmd.workload)
    s = 0.0
    if "file-size" in names:
        size = p.get("file-size", reg.default(cmd.workload, "file-size") or 4096)
        cold = p.get("cache", reg.default(cmd.workload, "cache")) != "warm"
        s += n * ((COLD_READ_S / min(width, 8) if cold else 0) + size * FILE_BYTE_S)
    if "rows" in names:
        rows = p.get("rows", reg.default(cmd.workload, "rows") or 1)
        share = p.get("write-ratio", 0) / 100
        s += n * ((1 - share) * (QUERY_S + rows * ROW_S) + share * UPDATE_S)
    return s


def setup_seconds(cmd):
    """What a point's set-up makes before anything is timed: files, a database."""
    p, reg = cmd.params, cmd.registry
    names = reg.workload_params(cmd.workload)
    s = 0.0
    if "file-size" in names:
        size = p.get("file-size", reg.default(cmd.workload, "file-size") or 4096)
        s += _tasks(cmd) * (FILE_MAKE_S + size * FILE_BYTE_S)
    if "db-rows" in names:
        s += p.get("db-rows", reg.default(cmd.workload, "db-rows") or 0) * DB_ROW_S
    return s


def report_seconds(n_cases):
    """Tabulating, judging, plotting and the HTML report after the last case."""
    return REPORT_S + n_cases * REPORT_CASE_S


def case_seconds(case, cmds, cores, m=None):
    """The case: per point, warm-up and rounds of every arm (a sample lasts at least min-time),
    rounds capped by max-time once the minimum is done; then each command alone as a process."""
    if not cmds:
        return 0.0
    total = CASE_S
    for _, allcmds in points_of(cmds):
        refs = [c for c in allcmds if c.reference]
        total += sum(REF_START_S + (case.warmup + reference_reps(case)) * seconds(c, cores, m)
                     for c in refs)
        pcmds = [c for c in allcmds if not c.reference]
        if not pcmds:
            continue
        per_round = sum(max(case.min_time, seconds(c, cores, m)) for c in pcmds)
        rounds = (max(case.runs, 6) if case.ci > 0 else case.runs) * per_round
        extra = min(EXTRA_ROUNDS * rounds, max(0.0, case.max_time - rounds))
        total += PROCESS_S + setup_seconds(pcmds[0]) + case.warmup * per_round + rounds + extra
    total += case.process_runs * sum(seconds(c, cores, m) + PROCESS_S for c in cmds
                                     if not c.reference)
    return total
