"""NAME    claims/c11.py
PURPOSE C11: a stopped batch (the first error with --fail-fast, or a deadline): a loop cancels
        what it has in flight and returns at once; threads return when their in-flight calls
        end. Each point: the time from the stop to the executor's return."""
import math

from ..fmt import est, s
from . import claim
from ._kit import Claim

ID = "C11"


def _stop_s(d):
    stop = d["stop"]
    return stop["to_return_ms"] / 1e3 if stop["reason"] != "none" else None


def ms(v):
    """A parameter in ms as a number (0 when absent or not a number)."""
    return v if isinstance(v, (int, float)) else 0


@claim(ID, unit="s")
def judge(run, costs):
    c = Claim(ID, "a stopped batch: the loop cancels its tasks in flight at once; threads "
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
    for case in run.tagged(ID):
        for r in case.rows:
            e = r.per_sample(_stop_s) if r.valid else None
            if e is None or r.schedule is None:
                continue
            n, lat = int(r.tasks), ms(r.get("latency-ms")) / 1e3
            quick = 2 * costs.slack_s + n * costs.dispatch_s(r.executor)
            ft = (r.first_task_us or 0) / 1e6
            deadline = ms(r.get("deadline-ms")) / 1e3
            late = costs.per_wait_s(r)
            if r.schedule.on_loop and r.get("fail-fast") != "yes":
                # The loop sees its deadline on a timer of its own: its lateness, libuv's tick.
                lo, hi, model = 0.0, quick + late, "~0 (its next timer tick)"
            elif r.schedule.on_loop or r.schedule.waits == 1 and r.get("fail-fast") == "yes":
                lo, hi, model = 0.0, quick, "~0"
            elif r.get("fail-fast") == "yes":
                lo, hi = max(0.0, lat - ft - costs.wake_s), lat + late + costs.wake_s + ft + quick
                model = f"L = {s(lat)}"
            else:
                waves = math.ceil(deadline / lat) if lat > 0 else 1
                lo = max(0.0, waves * lat - deadline - ft)
                hi = waves * (lat + late) - deadline + costs.wake_s + ft + quick
                model = f"{waves}*L - D = {s(waves * lat - deadline)}"
            why = "first error" if r.get("fail-fast") == "yes" else f"deadline {s(deadline)}"
            c.point(case, f"{case.name} {r.label} ({why})", e, lo, hi)
            shown.setdefault(why, []).append((r.label, model, e))
    for why, items in shown.items():
        c.text(f"{why}: " + ", ".join(f"{lab} {m}" for lab, m, _ in items),
               f"{why}: " + ", ".join(f"{lab} {est(e)}" for lab, _, e in items))
    return c.done()
