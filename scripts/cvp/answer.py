"""NAME    answer.py
PURPOSE The answer of a run in about 25 lines: how many claims hold (and which do not, in a few
        words), the headline ratios with their intervals, which executor to use for each mix of
        waiting and computing, and where the full report is. `make bench` ends with it;
        summary.md and report.html lead with it.
"""
from . import advice, claims_ref, crossover, damage, selfcheck, table
from .stats import FAILS, HOLDS


def _claims(verdicts):
    held = sum(v["verdict"] == HOLDS for v in verdicts)
    lines = [f"Claims: {held} of {len(verdicts)} hold."]
    for v in verdicts:
        if v["verdict"] != HOLDS:
            why = (v.get("reason") or "").split(":")[0] if v["verdict"] == FAILS else \
                (v.get("reason") or "")
            lines.append(f"  {v['id']} {v['verdict']}: {v['title']} ({why[:90]})")
    return lines


def _case(run, name):
    return next((c for c in run.cases if c.name == name), None)


def _x(e):
    return f"{e.value:.2f}x [{e.lo:.2f}, {e.hi:.2f}]" if e else "-"


def _lesson(run):
    case = _case(run, "lesson")
    if not case or not case.rows:
        return None
    seq = case.sequential(case.rows[0])
    loop = next((r for r in case.rows if r.executor == "event-loop" and r.valid and r.est), None)
    if not seq or not loop:
        return None
    p = seq.params
    return (f"  {p.get('tasks')} waits of {p.get('latency-ms')} ms: event-loop "
            f"{table._est(loop.est)}, sequential {table._s(seq.wall_in)}: "
            f"{_x(seq.ratio(loop))} faster")


def _compute(run, verdicts):
    c4 = next((v for v in verdicts if v["id"] == "C4"), None)
    case = _case(run, "matmul")
    if not case:
        return None
    best = None
    for r in case.rows:
        seq = case.sequential(r)
        if seq and r.valid and r.est and r.threads and r.threads > 1 and not r.reference:
            sp = seq.ratio(r)
            if sp and (best is None or sp.value > best[1].value):
                best = (r, sp)
    loop = next((r for r in case.rows if r.executor == "event-loop" and r.valid), None)
    seq = next((s for s in map(case.sequential, case.rows) if s), None)
    size = case.sized.get("size", {}).get("value") or (seq.get("size") if seq else "?")
    if not best:
        return None
    r, sp = best
    share = selfcheck.kernel_check(run)
    text = f"  matrix product n={size}: {r.label} {_x(sp)} faster than one thread"
    if share:
        text = text.replace(":", f" (kernel at {share['share']:.0%} of the FMA peak):", 1)
    if loop and seq:
        text += f"; the event loop {_x(seq.ratio(loop))}"
    return text + (f" (usable cores: {run.cores})" if c4 else "")


def _memory(verdicts):
    c6 = next((v for v in verdicts if v["id"] == "C6"), None)
    return f"  memory per task in flight: {c6['measured']}" if c6 and c6["measured"] else None


def _reuse(run):
    case = _case(run, "reuse")
    if not case:
        return None
    for r in case.rows:
        if r.get("reuse") == "no" and r.valid:
            yes = next((x for x in case.rows if x.executor == r.executor
                        and x.get("reuse") == "yes" and x.valid), None)
            if yes and yes.cpu_est and r.cpu_est:
                from .stats import ratio_of
                return (f"  a new connection per request costs {_x(ratio_of(r.cpu_est, yes.cpu_est))}"
                        f" the client CPU of a kept-alive one ({r.executor})")
    return None


def _advice(run):
    cell_map = crossover.cells(run)
    if not cell_map:
        return []
    lines = ["Which should I use? (the crossover map: N tasks that wait L, then compute W)"]
    for key, title, _ in advice.REGIONS:
        cells = [c for c in cell_map.values() if c.winner and c.region() == key]
        if not cells:
            continue
        execs = crossover.executors(cell_map)
        ranked = sorted(execs, key=lambda ex: advice._record(cells, ex), reverse=True)
        top = advice._record(cells, ranked[0])[0]
        equal = [ex for ex in ranked if advice._record(cells, ex)[0] == top]
        pick = ", ".join(equal) + (" (tied)" if len(equal) > 1 else "")
        lines.append(f"  {title.lower() + ':':24}{pick}  [{top} of {len(cells)} cells]")
    return lines


def lines(run, verdicts, report_dir=None):
    c, m = run.context, run.machine
    fma = f", {m['fma_gflops_per_core']:.0f} GFLOP/s per core" if m.get("fma_gflops_per_core") \
        else ""
    st = run.status
    head = (f"cvpbench on {c.get('cpu_model', '?')} ({run.cores} usable cores{fma}): "
            f"{st.get('cases_done', '?')} cases, {st.get('elapsed_s', '?')} s"
            + ("" if st.get("state") in (None, "complete") else f", {st.get('state')}"))
    hurt = damage.lines(run)  # a damaged run says so first, naming what it lacks
    out = [head, ""] + (hurt + [""] if hurt else [])
    check = selfcheck.kernel_check(run)
    if check:  # the compute self-check: a slow kernel is said before any CPU-bound figure
        out += [("Compute: " if check["ok"] else "WARNING: ") + check["text"] + ".", ""]
    out += _claims(verdicts) + [""]
    heads = [x for x in (_lesson(run), _compute(run, verdicts), _memory(verdicts), _reuse(run))
             if x] + claims_ref.headlines(run)
    if heads:
        out += ["Headlines (in-process time, median [95% interval]):"] + heads + [""]
    adv = _advice(run)
    if adv:
        out += adv + [""]
    noisy = [c.name for c in run.cases if c.disturbed]
    if noisy:
        out += [f"Disturbed by other processes: {', '.join(noisy)} (their points can hold, never "
                "fail).", ""]
    if report_dir:
        out.append(f"Report: {report_dir}/report.html  (summary.md, claims.json, results.csv, "
                   "plots/)")
    return out
