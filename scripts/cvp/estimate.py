"""NAME    estimate.py
PURPOSE Rough seconds one command should take, from the same models the claims use.

Used for the ETA on the progress line and to check a suite against its time budget before it
runs. The driver scales these guesses by how far off they have been so far in the run, so they
only need the right order of magnitude.
"""
import math

PROCESS_S = 0.01  # process start, context probe, set-up
CASE_S = 0.4  # hyperfine's own start and the case's bookkeeping, once per case
HTTP_TASK_S = 30e-6  # client CPU per request on loopback (what one request costs besides waiting)
GFLOPS_PER_CORE = 20.0  # a blocked kernel on one core; the machine's peak is higher
NOOP_TASK_S = 0.1e-6
CALIBRATE_S = 0.02  # mixed: timing its hash kernel at start-up, before the timed region


def width(cmd, cores):
    """How many tasks the command can have in flight (its concurrency)."""
    p, tasks = cmd.params, _tasks(cmd)
    if cmd.executor == "sequential" or p.get("blocking") == "yes":
        return 1
    conc = p.get("concurrency", 0)
    if cmd.executor in ("event-loop", "hybrid"):  # hybrid waits on its loop, capped alike
        return tasks if not conc else min(conc, tasks)
    threads = p.get("threads") or conc or cores
    return max(1, min(threads, tasks))


def _tasks(cmd):
    p = cmd.params
    if "tasks" in p:
        return int(p["tasks"])
    if cmd.workload == "matmul":
        return max(1, int(p.get("size", 1024)) // 64)
    return {"noop": 1000000}.get(cmd.workload, 100)


def seconds(cmd, cores):
    """One run of the command, in seconds."""
    p, n = cmd.params, _tasks(cmd)
    w = width(cmd, cores)
    cpu_width = 1 if cmd.executor in ("sequential", "event-loop") else min(w, cores)
    if cmd.executor == "hybrid":  # its compute runs on --threads workers, not on the loop
        cpu_width = max(1, min(p.get("threads") or cores, cores))
    s = PROCESS_S
    if cmd.workload in ("sleep", "http", "mixed"):
        s += math.ceil(n / w) * p.get("latency-ms", 100) / 1000.0
        if cmd.workload != "sleep":
            s += n * HTTP_TASK_S
        if cmd.workload == "mixed":
            s += CALIBRATE_S + n * p.get("work-us", 0) / 1e6 / cpu_width
        if cmd.executor in ("thread-pool", "openmp"):
            s += w * 15e-6  # starting each thread
        elif cmd.executor == "hybrid":
            s += cpu_width * 15e-6
    elif cmd.workload == "matmul":
        size = p.get("size", 1024)
        s += 2.0 * size**3 / (GFLOPS_PER_CORE * 1e9 * cpu_width) + size * size * 24 / 2e9
    elif cmd.workload == "noop":
        s += n * NOOP_TASK_S * (1 if cmd.executor == "sequential" else 5)
    return s


def case_seconds(case, cmds, cores):
    if not cmds:
        return 0.0
    return CASE_S + (case.warmup + case.runs) * sum(seconds(c, cores) for c in cmds)
