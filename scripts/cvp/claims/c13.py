"""NAME    claims/c13.py
PURPOSE C13: Little's law: C tasks in flight of L each sustain at most C/L tasks per second;
        below that a task's response stays near L, above it the queue and the response grow
        (openloop.py simulates the queue). Points: achieved rates (/s) and median responses
        (s). Evidence: the open-loop plot."""
from .. import openloop
from ..costs import LOOP_TICK_S
from . import claim
from ._kit import Claim
from .c11 import ms

ID = "C13"


def _achieved(d):
    return d["rate"]["achieved"]


def _resp_p50_s(d):
    return d["response_us"]["p50"] / 1e6


def sim_bounds(r, costs):
    """The open-loop model of row r at the best and worst service time this machine allows:
    (lo, hi) openloop.Outcome, or None when the row is not a constant-rate open loop."""
    rate = r.get("rate")
    if not rate or r.get("arrivals", "constant") != "constant" or r.schedule is None:
        return None
    n, lat = int(r.tasks), ms(r.get("latency-ms")) / 1e3
    deadline = ms(r.get("deadline-ms")) / 1e3 or (1.5 * ms(r.get("duration")) / 1e3 or None)
    # Slowest: each wait ends late, its dispatch, and on the loop libuv's whole-millisecond
    # timers (an arrival is let in up to 1 ms late).
    worst = lat + costs.per_wait_s(r) + costs.per_task_s(r) + (
        LOOP_TICK_S if r.schedule.on_loop else costs.wake_s)
    width = max(1, min(r.schedule.waits, n))
    args = (n, float(rate))
    return (openloop.simulate(*args, lat, width, deadline, r.schedule.on_loop),
            openloop.simulate(*args, worst, width, deadline, r.schedule.on_loop))


@claim(ID, unit="/s", plot="open-loop")
def judge(run, costs):
    c = Claim(ID, "Little's law: C tasks in flight of L each sustain at most C/L tasks per "
              "second; below that the response stays near L, above it the queue and the "
              "response grow",
              "a D/D/C queue (openloop.py): arrivals every 1/rate, service L, C at once, first "
              "come first served, stopped at the deadline as cvpbench stops it",
              "achieved rate and median response between the model at service L and at service "
              "L + a wait's lateness + dispatch (+ 1 ms on the loop: libuv's timers) + the "
              "histogram's 1/64; " + costs.describe())
    best = {}
    for case in run.tagged(ID):
        for r in case.rows:
            bounds = sim_bounds(r, costs) if r.valid else None
            if bounds is None:
                continue
            fast, slow = bounds
            ach, resp = r.per_sample(_achieved), r.per_sample(_resp_p50_s)
            where = f"{case.name} {r.label}"
            if ach is not None:
                c.point(case, f"{where}: achieved/s", ach, slow.achieved * (1 - 1 / 64),
                        fast.achieved * (1 + 1 / 64))
                key = r.executor + (f" C={r.schedule.waits}")
                cap = openloop.capacity(r.schedule.waits, ms(r.get("latency-ms")) / 1e3)
                if key not in best or ach.value > best[key][0].value:
                    best[key] = (ach, cap)
            if resp is not None:
                c.point(case, f"{where}: response p50", resp, fast.p50_s * (1 - 1 / 64),
                        slow.p50_s * (1 + 1 / 64) + 2 * costs.slack_s, unit="s")
    for key, (ach, cap) in best.items():
        c.text(f"{key}: capacity {cap:.0f}/s", f"{key}: at most {ach.value:.0f}/s "
               f"[{ach.lo:.0f}, {ach.hi:.0f}]")
    return c.done()
