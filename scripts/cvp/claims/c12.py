"""NAME    claims/c12.py
PURPOSE C12: K blocking calls among many on the loop hold back every task in flight until they
        end: the others complete no sooner than max(L, K x L)."""
from ..fmt import est, s
from . import claim
from ._kit import Claim
from .c11 import ms

ID = "C12"


def _nonblocking_p50_s(d):
    h = d.get("response_nonblocking_us") or d["response_us"]
    return h["p50"] / 1e6


@claim(ID, unit="s")
def judge(run, costs):
    c = Claim(ID, "K blocking calls among many on the loop hold back every task in flight "
              "until they end",
              "the other tasks' median response = max(L, K x L): K blocking waits of L run one "
              "after another on the loop thread, and a task whose own wait ended meanwhile is "
              "only seen once they are over",
              "in [max(L, K*L), that + K waits' lateness + N dispatches + two timer slacks]; "
              + costs.describe())
    for case in run.tagged(ID):
        for r in case.rows:
            if not (r.valid and r.schedule and r.schedule.on_loop):
                continue
            e = r.per_sample(_nonblocking_p50_s)
            if e is None:
                continue
            n, lat = int(r.tasks), ms(r.get("latency-ms")) / 1e3
            k = int(r.get("blocking-tasks") or 0)
            model = max(lat, k * lat)
            hi = (model + max(1, k) * costs.per_wait_s(r) + n * costs.dispatch_s(r.executor)
                  + 2 * costs.slack_s + (r.first_task_us or 0) / 1e6)
            c.point(case, f"{case.name} {r.label}", e, model, hi)
            c.text(f"K={k}: {s(model)}", f"K={k}: {est(e)}")
    return c.done()
