"""NAME    claims/c16.py
PURPOSE C16: asynchronous database access pays when the loop has other waits to overlap it
        with: alone, the query is work that only threads speed up (C8's model with W = the
        baseline's own per-query time)."""
from .. import models
from ..constants import MODEL_HIGH, MODEL_LOW
from ..fmt import est, x
from . import claim
from ._files import base, metric
from ._kit import Claim

ID = "C16"
LOW, HIGH = MODEL_LOW, MODEL_HIGH  # measured / model, as C8's (constants.py)


@claim(ID, unit="s")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, "asynchronous database access pays when the loop has other waits to "
                  "overlap it with: alone, the query is work that only threads speed up",
              "dbfetch: N tasks wait L (a request) then query for Q (Q = the sequential row's "
              "own per-query time); each executor by C8's model with W = Q: event-loop runs the "
              "query on the loop thread (L + N Q), hybrid hands it to its threads, aiosqlite's "
              "way (L + ceil(N/min(T,P)) Q)",
              f"measured in [{LOW} x model, {HIGH} x model + the model's slack "
              "(per-request costs, lateness, wake-ups: costs.py)]; " + costs.describe())
    for case in run.tagged(ID):
        by_lat = {}
        for r in case.rows:
            seq = base(case, r)
            q_us = metric(seq, "query_us") if seq else None
            if not (r.valid and r.est and r.schedule) or q_us is None:
                continue
            n, lat = int(r.tasks), r.get("latency-ms", 0) / 1e3
            model = models.time_s(r.schedule, n, lat, q_us / 1e6, cores)
            slack = costs.slack_for(r, cores) or 0
            c.point(case, f"{case.name} L={lat * 1e3:g}ms {r.label}", r.est, LOW * model,
                    HIGH * model + slack)
            if r is not seq:
                by_lat.setdefault(lat, []).append(f"{r.executor} {est(seq.ratio(r), x)}")
        for lat, items in sorted(by_lat.items()):
            c.text(f"{case.name} L={lat * 1e3:g} ms: each executor on C8's model",
                   f"{case.name} L={lat * 1e3:g} ms, speed-up over sequential: "
                   + ", ".join(items))
    return c.done()
