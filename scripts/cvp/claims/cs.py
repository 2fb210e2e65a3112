"""NAME    claims/cs.py
PURPOSE CS: at the lesson's scales (N requests, N = 100 to 10,000), the event loop holds less
        memory for its tasks in flight than a thread per task: a thread's stack and kernel task
        against a loop's few KiB per request. Per N, the memory a thread per task holds over the
        loop's (medians of the memory each held: set-up plus growth) must exceed 1. The times,
        CPU and where they part are scale.py's, shown beside the answer. Evidence: the case's
        table."""
from .. import scale
from ..stats import HOLDS
from . import claim
from ._kit import Claim, exact

ID = "CS"


@claim(ID, unit="x", see_case=True)
def judge(run, costs):
    c = Claim(ID, "at the lesson's scales the event loop holds less memory for the tasks in "
                  "flight than a thread per task",
              "a thread per task holds a stack and a kernel task per request; the loop a "
              "connection's state", "per N: a thread per task's memory held over the loop's > 1")
    cases = {case.name: case for case in run.tagged(ID)}
    for python, label in scale.LANGS:
        for s in scale.scales(run, python):
            r = s.times_of("held_kib", "the loop", "a thread per task")
            if r:
                c.point(cases.get(s.rows["the loop"].case), f"{label} N={s.n}: a thread per task "
                        "/ the loop, memory held", exact(r), 1.0, None)
    pts = c.v["points"]
    if pts:
        c.text("more than 1 at every N", ", ".join(
            f"{p['where'].split(':')[0]} {p['measured'][0]:.1f}x" for p in pts)
            + f" ({sum(p['verdict'] == HOLDS for p in pts)}/{len(pts)} hold)")
    return c.done()
