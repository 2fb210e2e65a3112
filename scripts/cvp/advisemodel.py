"""NAME    advisemodel.py
PURPOSE What `cvpbench advise` (scripts/advise) plans from the time model before it measures:
        every executor at its best setting for the user's mix, by its published rule, less
        those the model puts hopelessly behind (arms); the model's reasoning for a schedule in
        a line (why); and what fits in the time the user allows (plan).
"""
from . import models
from .fmt import s as fmt

MAX_THREADS = 1000  # a thread per task, up to here: beyond it threads cost more than they save
HOPELESS = 5.0  # a setting the model puts this many times behind the best is named, not timed
SAMPLE_MIN_S = 0.05  # --min-time-ms 50: a sample lasts at least this
SAMPLE_EXTRA_S = 0.01  # per sample beyond the batch: the quiet wait between arms, set-up
MODEL_SLACK = 1.25  # the model's time is an ideal: a batch is planned a quarter above it (and
#                    the run is stopped at the bound whatever the model said)


def arms(reg, n, cores, lat, work):
    """Every executor at its best settings for this mix (as the crossover map times them), less
    those the model puts HOPELESS times behind the best: (timed, [(arm, predicted s)] skipped,
    {arm: predicted s of one batch})."""
    t = min(n, MAX_THREADS)
    cand = []
    # Every executor this cvpbench offers that runs in this process (no forked workers, not a
    # job of its own), at its best settings by its published rule: the whole batch in flight
    # where it has a cap, a thread per core where it has threads, and a thread per task too.
    for name, e in reg.executors.items():
        if e.get("forks") or e.get("alone"):
            continue
        own = [f"concurrency={n}"] if e.get("cap") else []
        if not e.get("threads"):
            cand.append(":".join([name] + own))
            continue
        cand.append(":".join([name] + own + [f"threads={cores}"]))
        if t > cores and not e.get("cap"):
            cand.append(":".join([name] + own + [f"threads={t}"]))
    pred = {}
    for a in cand:
        name, *own = a.split(":")
        params = {k: int(v) for k, v in (s.split("=") for s in own)}
        pred[a] = models.time_s(models.schedule_before(reg.rule(name), params, n, cores), n, lat,
                                work, cores)
    best = min(p for p in pred.values() if p is not None)
    timed = [a for a in cand if pred[a] is None or pred[a] <= HOPELESS * best]
    return timed, [(a, pred[a]) for a in cand if a not in timed], pred


def why(sched, n, lat, work, cores):
    """The model's reasoning for one schedule, in a line."""
    cpu = max(1, min(sched.computes, cores, n))
    if sched.on_loop:
        return (f"waits overlap on the loop ({sched.waits} at once: {fmt(lat)}), compute runs on "
                f"{cpu} core{'s' if cpu > 1 else ''}: L + ceil(N/{cpu})·W = "
                f"{fmt(lat + -(-n // cpu) * work)}")
    if sched.waits == 1:
        return f"one task after another: N·(L+W) = {fmt(n * (lat + work))}"
    rounds = -(-n // sched.waits)
    return (f"{sched.waits} threads: {rounds} round{'s' if rounds > 1 else ''} of L+W = "
            f"{fmt(rounds * (lat + work))}, "
            f"compute on {cpu} cores at least L + ceil(N/{cpu})·W = "
            f"{fmt(lat + -(-n // cpu) * work)}")


def plan(spec, pred, left):
    """What fits in `left` seconds: (arms to time, {arm: why not measured}, warm-up batches,
    rounds, use --ci). Each round runs every arm once; the arms whose batches the model puts
    beyond what is left for one round are named instead, the slowest first."""
    cost = {a: max(MODEL_SLACK * (pred.get(a) or 0.0), SAMPLE_MIN_S) + SAMPLE_EXTRA_S
            for a in spec}
    keep = sorted(spec, key=lambda a: cost[a])
    dropped = {}
    while keep and sum(cost[a] for a in keep) > left:
        a = keep.pop()
        dropped[a] = (f"one batch takes about {fmt(pred[a])} by the model, beyond what "
                      f"--max-time leaves" if pred.get(a) is not None else
                      "no room left in --max-time")
    keep = [a for a in spec if a in keep]  # the original order
    per_round = sum(cost[a] for a in keep)
    rounds = int(left // per_round) if keep else 0
    if rounds >= 7:
        return keep, dropped, 1, 6, True
    warmup = 1 if rounds >= 3 else 0
    return keep, dropped, warmup, max(rounds - warmup, 1), False
