"""NAME    models.py
PURPOSE How long N tasks take under an executor, from how it schedules them (its concurrency rule,
        published by cvpbench), and how each executor is drawn. One place for the "how many run
        at once" question every claim, plot, estimate and map asks.

A schedule is three facts: how many tasks can wait at once (`waits`), how many can compute at
once (`computes`, before the cores bound it), and whether waiting happens on an event loop apart
from computing (`on_loop`) or on the thread that then computes (a worker waits for one task at a
time). A run records them (threads, concurrency, cpu_threads, overlap); before a run they follow
from the executor's rule and the command's parameters.

An executor whose rule is unknown (say, a reference program) still runs and is tabulated; its
model is None ("no model").
"""
import math
from dataclasses import dataclass

# One colour per executor (colour-blind-safe Okabe-Ito hues); any other executor takes the next
# unused colour of the fallback list, in a stable order.
COLOURS = {"sequential": "#999999", "event-loop": "#0072B2", "thread-pool": "#E69F00",
           "openmp": "#009E73", "hybrid": "#CC79A7"}
FALLBACK = ("#D55E00", "#56B4E9", "#F0E442", "#000000", "#882255", "#44AA99", "#117733")


@dataclass(frozen=True)
class Schedule:
    waits: int  # tasks that can wait at once
    computes: int  # tasks that can compute at once (threads; the cores bound them later)
    on_loop: bool  # waits happen on a loop, apart from computing

    def serial_waits(self, n):
        """How many waits follow one another: each may overshoot its timer or its request."""
        return math.ceil(n / max(1, min(self.waits, n))) if n > 0 else 0


def colour(executor, known=()):
    """The executor's colour as '#rrggbb'; unknown ones get fallback colours in a stable order."""
    if executor in COLOURS:
        return COLOURS[executor]
    others = sorted(e for e in set(known) | {executor} if e not in COLOURS)
    return FALLBACK[others.index(executor) % len(FALLBACK)]


def schedule_before(rule, params, n, cores):
    """The schedule a command will get, from the executor's published rule (registry entry) and
    its parameters; None without a rule."""
    if not rule or "waits_at_once" not in rule:
        return None
    p = params or {}
    if rule.get("threads"):
        # The pools take --concurrency as their thread count; every executor with threads
        # defaults to the cores (its published threads_default).
        threads = p.get("threads") or (p.get("concurrency") if rule["waits_at_once"] == "threads"
                                       else None) or cores
    else:
        threads = 1
    blocking = p.get("blocking") in ("yes", True)
    # Worker processes are counted like threads (--threads of them, one thread each); ranks
    # (mpi) run an inner executor each: ranks x its threads, or ranks x 1 for a sequential one.
    ranks = int(p.get("ranks") or 1)
    per_rank = threads if p.get("threads") or p.get("inner") not in (None, "sequential") else 1
    width = {"1": 1, "threads": threads, "cap": p.get("concurrency") or n, "processes": threads,
             "ranks": ranks * per_rank}
    waits = 1 if blocking else width[rule["waits_at_once"]]
    computes = 1 if blocking else width[rule["computes_at_once"]]
    return Schedule(max(1, int(waits)), max(1, int(computes)),
                    rule.get("overlap") == "loop" and not blocking)


def schedule_of(record, n):
    """The schedule a run recorded (cvpbench's JSON: concurrency 0 = no cap), or None for records
    that predate cpu_threads and overlap."""
    if not record or "cpu_threads" not in record or "overlap" not in record:
        return None
    return Schedule(max(1, int(record.get("concurrency") or n)),
                    max(1, int(record["cpu_threads"])), record["overlap"] == "loop")


def time_s(sched, n, lat_s, work_s, cores):
    """Ideal wall seconds of n tasks that each wait lat_s, then compute work_s on one core.

    Whole tasks: n tasks of W on m cores take ceil(n/m) * W, never less. P = cores.
      waits on the workers   max(ceil(n/w) * (L + W), L + ceil(n/min(c, P)) * W)
      waits on a loop        max(ceil(n/w) * L + W,   L + ceil(n/min(c, P)) * W)
    with w = tasks waiting at once, c = tasks computing at once. Sequential is w = c = 1:
    n(L + W); the event loop w = N (no cap), c = 1: L + nW; a pool of T threads w = c = T;
    hybrid w = N, c = T. The first wait can never overlap any compute (no task has its data
    yet), hence the "L +". None without a schedule.
    """
    if sched is None:
        return None
    if n <= 0:
        return 0.0
    w = max(1, min(sched.waits, n))
    cpu = max(1, min(sched.computes, cores, n))
    rounds = math.ceil(n / w)
    waited = rounds * lat_s + work_s if sched.on_loop else rounds * (lat_s + work_s)
    return max(waited, lat_s + math.ceil(n / cpu) * work_s)
