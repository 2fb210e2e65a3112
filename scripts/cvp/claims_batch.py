"""NAME    claims_batch.py
PURPOSE The claims about batches that stop or keep arriving (issue 14), judged like C1..C8
        (claims.py: a model, a band from this machine's measured costs, an interval per point):
          C11  a stopped batch (the first error with --fail-fast, or a deadline): a loop cancels
               what it has in flight and returns at once; threads return when their in-flight
               calls end
          C12  K blocking calls among many on the loop: the others complete no sooner than the
               blocking calls end, max(L, K x L)
          C13  Little's law: C tasks in flight of L each sustain at most C/L tasks per second;
               below that a task's response stays near L, above it the queue and the response
               grow (openloop.py simulates the queue)
"""
import math

from . import openloop
from .claimkit import Claim, fmt_est, fmt_s
from .costs import LOOP_TICK_S


def _stop_s(d):
    stop = d["stop"]
    return stop["to_return_ms"] / 1e3 if stop["reason"] != "none" else None


def _ms(v):
    return v if isinstance(v, (int, float)) else 0


def c11(run, costs):
    c = Claim("C11", "a stopped batch: the loop cancels its tasks in flight at once; threads "
              "return only when their in-flight calls end",
              "from the stop (the first error, or the deadline) to the executor's return: "
              "event loop ~ 0 (one iteration: cancel N tasks); sequential after a failure ~ 0 "
              "(nothing else in flight); threads: the rest of the wave in flight (fail-fast "
              "at the start: L; deadline D: ceil(D/L)*L - D)",
              "loop and nothing-in-flight: within two timer slacks plus N dispatches (a loop's "
              "deadline: plus its timer's tick, 1 ms, and lateness); threads: "
              "within the wave's end computed with L and with L + a wait's lateness, plus waking "
              "and the last thread's first task; " + costs.describe())
    shown = {}
    for case in run.tagged("C11"):
        for r in case.rows:
            est = r.per_sample(_stop_s) if r.valid else None
            if est is None or r.schedule is None:
                continue
            n, lat = int(r.tasks), _ms(r.get("latency-ms")) / 1e3
            quick = 2 * costs.slack_s + n * costs.dispatch_s(r.executor)
            ft = (r.first_task_us or 0) / 1e6
            deadline = _ms(r.get("deadline-ms")) / 1e3
            late = costs.per_wait_s(r)
            if r.schedule.on_loop and r.get("fail-fast") != "yes":
                # The loop sees its deadline on a timer of its own: its lateness, libuv's tick.
                lo, hi, model = 0.0, quick + late, "~0 (its next timer tick)"
            elif r.schedule.on_loop or r.schedule.waits == 1 and r.get("fail-fast") == "yes":
                lo, hi, model = 0.0, quick, "~0"
            elif r.get("fail-fast") == "yes":
                lo, hi = max(0.0, lat - ft - costs.wake_s), lat + late + costs.wake_s + ft + quick
                model = f"L = {fmt_s(lat)}"
            else:
                waves = math.ceil(deadline / lat) if lat > 0 else 1
                lo = max(0.0, waves * lat - deadline - ft)
                hi = waves * (lat + late) - deadline + costs.wake_s + ft + quick
                model = f"{waves}*L - D = {fmt_s(waves * lat - deadline)}"
            why = "first error" if r.get("fail-fast") == "yes" else f"deadline {fmt_s(deadline)}"
            c.point(case, f"{case.name} {r.label} ({why})", est, lo, hi)
            shown.setdefault(why, []).append((r.label, model, est))
    for why, items in shown.items():
        c.text(f"{why}: " + ", ".join(f"{lab} {m}" for lab, m, _ in items),
               f"{why}: " + ", ".join(f"{lab} {fmt_est(e)}" for lab, _, e in items))
    return c.done()


def _nonblocking_p50_s(d):
    h = d.get("response_nonblocking_us") or d["response_us"]
    return h["p50"] / 1e6


def c12(run, costs):
    c = Claim("C12", "K blocking calls among many on the loop hold back every task in flight "
              "until they end",
              "the other tasks' median response = max(L, K x L): K blocking waits of L run one "
              "after another on the loop thread, and a task whose own wait ended meanwhile is "
              "only seen once they are over",
              "in [max(L, K*L), that + K waits' lateness + N dispatches + two timer slacks]; "
              + costs.describe())
    for case in run.tagged("C12"):
        for r in case.rows:
            if not (r.valid and r.schedule and r.schedule.on_loop):
                continue
            est = r.per_sample(_nonblocking_p50_s)
            if est is None:
                continue
            n, lat = int(r.tasks), _ms(r.get("latency-ms")) / 1e3
            k = int(r.get("blocking-tasks") or 0)
            model = max(lat, k * lat)
            hi = (model + max(1, k) * costs.per_wait_s(r) + n * costs.dispatch_s(r.executor)
                  + 2 * costs.slack_s + (r.first_task_us or 0) / 1e6)
            c.point(case, f"{case.name} {r.label}", est, model, hi)
            c.text(f"K={k}: {fmt_s(model)}", f"K={k}: {fmt_est(est)}")
    return c.done()


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
    n, lat = int(r.tasks), _ms(r.get("latency-ms")) / 1e3
    deadline = _ms(r.get("deadline-ms")) / 1e3 or (1.5 * _ms(r.get("duration")) / 1e3 or None)
    # Slowest: each wait ends late, its dispatch, and on the loop libuv's whole-millisecond
    # timers (an arrival is let in up to 1 ms late).
    worst = lat + costs.per_wait_s(r) + costs.per_task_s(r) + (
        LOOP_TICK_S if r.schedule.on_loop else costs.wake_s)
    width = max(1, min(r.schedule.waits, n))
    args = (n, float(rate))
    return (openloop.simulate(*args, lat, width, deadline, r.schedule.on_loop),
            openloop.simulate(*args, worst, width, deadline, r.schedule.on_loop))


def c13(run, costs):
    c = Claim("C13", "Little's law: C tasks in flight of L each sustain at most C/L tasks per "
              "second; below that the response stays near L, above it the queue and the "
              "response grow",
              "a D/D/C queue (openloop.py): arrivals every 1/rate, service L, C at once, first "
              "come first served, stopped at the deadline as cvpbench stops it",
              "achieved rate and median response between the model at service L and at service "
              "L + a wait's lateness + dispatch (+ 1 ms on the loop: libuv's timers) + the "
              "histogram's 1/64; " + costs.describe())
    best = {}
    for case in run.tagged("C13"):
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
                cap = openloop.capacity(r.schedule.waits, _ms(r.get("latency-ms")) / 1e3)
                if key not in best or ach.value > best[key][0].value:
                    best[key] = (ach, cap)
            if resp is not None:
                c.point(case, f"{where}: response p50", resp, fast.p50_s * (1 - 1 / 64),
                        slow.p50_s * (1 + 1 / 64) + 2 * costs.slack_s)
    for key, (ach, cap) in best.items():
        c.text(f"{key}: capacity {cap:.0f}/s", f"{key}: at most {ach.value:.0f}/s "
               f"[{ach.lo:.0f}, {ach.hi:.0f}]")
    return c.done()
